"""Chapter 2: the pictures show what the maths says, and the exercises give useful feedback."""
import itertools

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.path import Path

import nnlib
from nnlib import datasets, perceptron
from nnlib.chapters import neuron as chapter
from nnlib.exercises import neuron as exercises
from nnlib.figures import neuron

BOX = (-3.0, 3.0)


def polygon_area(xy):
    x, y = np.asarray(xy).T
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


# ------------------------------------------------------------------ geometry ---
@pytest.mark.parametrize("w, b", [((1.0, 1.0), 0.0), ((0.3, -2.0), 1.7), ((-1.0, 0.0), 2.5),
                                  ((0.0, 2.0), -1.0), ((1.0, 1.0), 9.0), ((1.0, 1.0), -9.0)])
def test_split_box_cuts_along_the_boundary(w, b):
    fire, rest, (xs, ys) = chapter.split_box(w, b, BOX, BOX)
    assert polygon_area(fire) + polygon_area(rest) == pytest.approx(36.0)
    w = np.asarray(w)
    for side, sign in ((fire, 1), (rest, -1)):
        if polygon_area(side) > 0:  # an empty side is drawn as a single invisible point
            assert np.all(sign * (side @ w + b) >= -1e-9)
    assert len(xs) in (0, 2)
    np.testing.assert_allclose(np.column_stack([xs, ys]) @ w + b, 0.0, atol=1e-9)
    # a point drawn at random lands in the shaded region of its own side
    rng = np.random.default_rng(0)
    for p in rng.uniform(-3, 3, size=(50, 2)):
        if abs(p @ w + b) > 1e-6:
            side, other = (fire, rest) if p @ w + b > 0 else (rest, fire)
            assert Path(side).contains_point(p) and not Path(other).contains_point(p)


def test_split_box_without_weights_has_no_line():
    fire, rest, (xs, ys) = chapter.split_box((0.0, 0.0), -1.0, BOX, BOX)
    assert len(xs) == 0 and polygon_area(fire) == 0 and polygon_area(rest) == pytest.approx(36.0)


def test_weight_arrow_starts_on_the_line_and_points_along_w():
    w, b = np.array([1.5, -1.2]), 0.4
    outline = neuron.weight_arrow(w, b)
    start = (outline[0] + outline[-1]) / 2
    tip = outline[3]
    assert start @ w + b == pytest.approx(0.0)
    np.testing.assert_allclose(tip - start, w / np.linalg.norm(w))


# ------------------------------------------------------------ walk decision ---
@pytest.fixture(scope="module")
def walk():
    return neuron.walk_decision()


WALK_SETTINGS = [
    dict(w1=3.0, w2=-2.0, w3=2.0, b=-2.5, x1=1, x2=0, x3=1),
    dict(w1=-4.0, w2=4.0, w3=0.5, b=6.0, x1=0, x2=1, x3=0),
    dict(w1=1.5, w2=-3.0, w3=2.0, b=-1.0, x1=1, x2=1, x3=1),
    dict(w1=0.0, w2=0.0, w3=0.0, b=-0.5, x1=0, x2=0, x3=0),
    dict(w1=2.0, w2=2.0, w3=2.0, b=-6.0, x1=1, x2=1, x3=1),
]


@pytest.mark.parametrize("knobs", WALK_SETTINGS)
def test_walk_table_shows_every_situation(walk, knobs):
    walk.set(**knobs)
    w = np.array([knobs["w1"], knobs["w2"], knobs["w3"]])
    X, decisions = nnlib.datasets.walk_decisions(w, knobs["b"])
    z = nnlib.Neuron(w, knobs["b"], activation="step").z(X)
    for k in range(8):
        shown = float(walk.artists[f"z{k}"].get_text().replace("−", "-"))
        assert shown == pytest.approx(z[k])
        assert walk.artists[f"say{k}"].get_text() == ("walk" if decisions[k] else "stay in")
        assert (z[k] >= 0) == bool(decisions[k])
    walk_rows = np.flatnonzero(decisions == 1)
    assert len(walk.artists["walk_marks"].get_offsets()) == len(walk_rows)
    assert len(walk.artists["stay_marks"].get_offsets()) == 8 - len(walk_rows)
    assert f"walks in {len(walk_rows)} of 8 situations" in walk.artists["summary"].get_text()


@pytest.mark.parametrize("knobs", WALK_SETTINGS)
def test_walk_highlights_the_current_situation_and_its_sum(walk, knobs):
    walk.set(**knobs)
    x = np.array([knobs["x1"], knobs["x2"], knobs["x3"]])
    w = np.array([knobs["w1"], knobs["w2"], knobs["w3"]])
    row = int("".join(str(v) for v in x), 2)
    box = walk.artists["row"]
    centre = box.get_y() + box.get_height() / 2
    text_y = walk.artists[f"say{row}"].get_position()[1]
    assert centre == pytest.approx(text_y)
    for j, value in enumerate(x):
        assert walk.artists[f"in{row}_{j}"].get_text() == ("yes" if value else "no")
    z = float(w @ x + knobs["b"])
    equation = walk.artists["equation"].get_text()
    assert equation.split("\n")[0].endswith(f"= {nnlib.plotting.number(z + 0.0, 1)}")
    assert walk.artists["output"].get_text().startswith("1" if z >= 0 else "0")
    for i in range(3):
        edge = walk.artists[f"edge{i}"]
        assert edge.get_linestyle() == ("-" if w[i] >= 0 else "--")
        assert edge.get_alpha() == (1.0 if x[i] else pytest.approx(0.22))


def test_influence_counts_the_flips_of_each_input():
    rng = np.random.default_rng(1)
    for _ in range(20):
        w, b = rng.uniform(-3, 3, 3), rng.uniform(-3, 3)
        X, decisions = nnlib.datasets.walk_decisions(w, b)
        expected = []
        for i in range(3):
            flips = 0
            for k, x in enumerate(X):
                if x[i] == 0:
                    other = k + 2 ** (2 - i)  # the same situation with input i switched on
                    flips += decisions[k] != decisions[other]
            expected.append(flips)
        np.testing.assert_array_equal(chapter.influence(decisions), expected)


def test_walk_votes_text():
    votes, equation = neuron.walk_votes([3.0, -2.0, 2.0], [1, 0, 1], -2.5)
    assert votes == ["3.0 × 1 = 3.0", "−2.0 × 0 = 0.0", "2.0 × 1 = 2.0"]
    assert equation == "z = 3.0 + 0.0 + 2.0 − 2.5 = 2.5"
    assert neuron.walk_votes([-1.0, 0.0, 0.0], [1, 0, 0], 0.0)[1] == "z = −1.0 + 0.0 + 0.0 + 0.0 = −1.0"


# --------------------------------------------------------- decision boundary ---
@pytest.fixture(scope="module")
def boundary():
    return neuron.decision_boundary()


@pytest.mark.parametrize("w1, w2, b", [(1.0, 1.0, 0.0), (1.5, -1.2, 0.4), (-2.5, 0.3, -4.0),
                                       (0.0, 0.0, -1.0), (0.7, 2.5, 4.0)])
def test_boundary_line_regions_and_count(boundary, w1, w2, b):
    boundary.set(w1=w1, w2=w2, b=b)
    X, y = datasets.two_clouds()
    w = np.array([w1, w2])
    xs, ys = boundary.artists["line"].get_data()
    np.testing.assert_allclose(np.column_stack([xs, ys]) @ w + b, 0.0, atol=1e-9)
    fire = boundary.artists["fire"].get_xy()
    assert polygon_area(fire) == 0 or np.all(fire @ w + b >= -1e-9)
    wrong = perceptron.predict(X, w, b) != y
    np.testing.assert_allclose(boundary.artists["wrong"].get_offsets(), X[wrong].reshape(-1, 2))
    assert f"misclassified: {wrong.sum()} of {len(y)}" in boundary.artists["readout"].get_text()
    if not w.any():
        assert len(xs) == 0 and "no line" in boundary.artists["readout"].get_text()


def test_turning_the_bias_shifts_the_line_without_turning_it(boundary):
    directions = []
    for b in (-2.0, 0.0, 2.0):
        boundary.set(w1=1.0, w2=0.5, b=b)
        xs, ys = boundary.artists["line"].get_data()
        d = np.array([xs[1] - xs[0], ys[1] - ys[0]])
        directions.append(d / np.linalg.norm(d))
        # distance from the origin to the line is |b| / |w|
        p = np.array([xs[0], ys[0]])
        assert abs(p @ [1.0, 0.5] + 0.0) == pytest.approx(abs(b), abs=1e-9)
    for d in directions[1:]:
        assert abs(d @ directions[0]) == pytest.approx(1.0)


# ------------------------------------------------------- perceptron learning ---
@pytest.fixture(scope="module")
def learning():
    return neuron.perceptron_learning()


@pytest.mark.parametrize("task, t", list(itertools.product(["AND", "OR", "XOR"], [0, 1, 5, 13, 40])))
def test_learning_replays_the_rule(learning, task, t):
    learning.set(task=task, t=t)
    X, y = perceptron.logic_gate(task)
    run = perceptron.train(X, y, t, w0=chapter.START_W, b0=chapter.START_B, lr=chapter.RATE)
    w, b = run.weights[-1], run.biases[-1]
    xs, ys = learning.artists["line"].get_data()
    if len(xs):
        np.testing.assert_allclose(np.column_stack([xs, ys]) @ w + b, 0.0, atol=1e-9)
    used = learning.artists["used"].get_offsets()
    if t == 0:
        assert len(used) == 0
    else:
        np.testing.assert_array_equal(used, X[[(t - 1) % 4]])
    hx, hy = learning.artists["history"].get_data()
    assert len(hx) == t + 1 and hy[-1] == run.mistakes[-1]
    assert neuron.weights_text(w, b) in learning.artists["story"].get_text()
    assert learning.artists["title"].get_text().startswith(f"{task}: the perceptron after {t} update")


def test_and_and_or_settle_but_xor_does_not(learning):
    assert chapter.gate_run("AND").settled_at == 10
    assert chapter.gate_run("OR").settled_at == 9
    assert chapter.gate_run("XOR").settled_at is None
    def status():
        return " ".join(learning.artists["status"].get_text().split())

    learning.set(task="AND", t=40)
    assert status().startswith("all 4 points right since update 10")
    learning.set(task="AND", t=9)
    assert status() == f"misclassified now: {chapter.gate_run('AND').mistakes[9]} of 4"
    learning.set(task="XOR", t=40)
    wrong = int(chapter.gate_run("XOR").mistakes[40])
    assert wrong >= 1
    assert status().startswith(f"still misclassifies {wrong} point{'s' if wrong > 1 else ''} after 40 updates")
    assert status().endswith("never settles")


def test_update_story_explains_a_wrong_guess():
    run = chapter.gate_run("AND")
    t = int(np.flatnonzero(run.errors != 0)[0]) + 1
    story = neuron.update_story("AND", t)
    X, y = perceptron.logic_gate("AND")
    i = run.used[t - 1]
    point = f"({int(X[i, 0])}, {int(X[i, 1])})"
    assert story.startswith(f"update {t} looked at {point}") and ", wrong" in story
    sign = "+" if run.errors[t - 1] > 0 else "−"
    assert f"w ← w {sign} {chapter.RATE}·{point}" in story and f"b ← b {sign} {chapter.RATE}" in story
    right = int(np.flatnonzero(run.errors == 0)[0]) + 1
    assert "nothing changes" in neuron.update_story("AND", right)
    assert neuron.update_story("AND", 0).startswith("start")


def test_learning_frame_is_pure():
    first = neuron.learning_frame(t=17, task="XOR")
    neuron.learning_frame(t=3, task="AND")
    again = neuron.learning_frame(t=17, task="XOR")
    assert first.keys() == again.keys()
    for key in first:
        assert repr(first[key]) == repr(again[key])


# ------------------------------------------------------------ static figures ---
def test_static_drawings_use_the_axes_given():
    fig = Figure()
    left, right = fig.subplots(1, 2)
    assert len(neuron.draw_neuron(left)) >= 8
    assert len(neuron.draw_step(right)) == 4
    xs, ys = neuron.draw_step(Figure().add_subplot())[2].get_data()
    assert list(xs) == [0] and list(ys) == [1]  # step(0) = 1: the filled dot


# ---------------------------------------------------------------- exercises ---
def test_walk_exercise():
    assert exercises.check_walk("stay in").ok and exercises.check_walk(0).ok
    assert exercises.check_walk(" Stay ").ok and exercises.check_walk(False).ok
    verdict = exercises.check_walk("walk")
    assert not verdict.ok and "bias" in verdict.message
    assert "replace None" in exercises.check_walk(None).message
    assert exercises.check_walk("walk", x=(1, 0, 1)).ok
    for bad in ("perhaps", 2, [1], float("nan")):
        result = exercises.check_walk(bad)
        assert not result.ok and "could not read" in result.message


def test_most_important_exercise():
    assert exercises.check_most_important("cold").ok
    assert exercises.check_most_important("x2").ok
    for wrong in ("sunny", "free time", "Free-Time"):
        verdict = exercises.check_most_important(wrong)
        assert not verdict.ok and "negative weight" in verdict.message
    assert "replace None" in exercises.check_most_important(None).message
    for bad in (2, "rain"):
        assert "could not read" in exercises.check_most_important(bad).message


def test_and_exercise():
    assert exercises.check_and(1, 1, -1.5).ok
    assert exercises.check_and(2.0, 3.0, -4.0).ok
    assert "bias negative" in exercises.check_and(1, 1, 0.5).message
    assert "w1 + w2 + b" in exercises.check_and(1, 1, -3).message
    assert "(1, 0)" in exercises.check_and(2, 0.5, -1.5).message
    assert "(0, 1)" in exercises.check_and(0.5, 2, -1.5).message
    assert "replace each None" in exercises.check_and(None, None, None).message
    assert "could not read" in exercises.check_and("one", 1, 1).message


def test_update_exercise():
    assert exercises.check_update((1.0, -0.5), 0.5).ok
    assert exercises.check_update(np.array([1.0, -0.5]), 0.5).ok
    assert "learning rate" in exercises.check_update((1.5, 0.0), 1.0).message
    assert "wrong way" in exercises.check_update((0.0, -1.5), -0.5).message
    assert "no change" in exercises.check_update((0.5, -1.0), 0.0).message
    assert "bias moves too" in exercises.check_update((1.0, -0.5), 0.0).message
    assert "step(w · x + b)" in exercises.check_update((3, 3), 3).message
    for bad in (("ab", 1), ((1, 2, 3), 1), ((1, "x"), 1)):
        assert "could not read" in exercises.check_update(*bad).message
    assert "replace None" in exercises.check_update(None, None).message
