"""Chapter 6: slopes, the chain rule and gradient descent, checked against nnlib and the maths."""
import numpy as np
import pytest

import nnlib
from nnlib.chapters import gradient_descent as chapter
from nnlib.chapters.loss import best_line
from nnlib.exercises import gradient_descent as exercises
from nnlib.figures import gradient_descent
from nnlib.gradcheck import numerical_gradient, relative_error
from nnlib.layers import Activation, Dense, Sequential

X, Y = nnlib.datasets.line_points()


def minus(text):
    return text.replace("−", "-")


def analytic(w, b):
    """∂L/∂w, ∂L/∂b of the line's MSE, from the formula in the chapter."""
    e = w * X[:, 0] + b - Y[:, 0]
    return np.array([np.mean(2 * e * X[:, 0]), np.mean(2 * e)])


# ------------------------------------------------------------------ helpers ---
@pytest.mark.parametrize("w, b", [(0.0, 0.0), (-1.0, 3.0), (2.5, -4.0)])
def test_line_gradient_is_nnlibs_backward_and_the_formula(w, b):
    loss, grad = chapter.line_gradient(w, b, X, Y)
    assert loss == pytest.approx(nnlib.losses.mse(w * X + b, Y)[0])
    np.testing.assert_allclose(grad, analytic(w, b), rtol=1e-12)
    knobs = np.array([w, b])
    numeric = numerical_gradient(lambda: nnlib.losses.mse(knobs[0] * X + knobs[1], Y)[0], knobs)
    assert relative_error(grad, numeric) < 1e-8


def test_gradient_descent_path_on_a_bowl():
    """On L = p·p the update is p <- (1 - 2 lr) p, a geometric sequence."""
    path = chapter.gradient_descent_path(lambda p: 2 * p, [1.0, -2.0], 0.1, 5)
    assert path.shape == (6, 2)
    np.testing.assert_allclose(path, np.outer(0.8 ** np.arange(6), [1.0, -2.0]))
    assert chapter.gradient_descent_path(lambda p: 2 * p, [1.0], 0.1, 0).shape == (1, 1)


def test_gradient_descent_path_stops_when_it_escapes_or_breaks():
    path = chapter.gradient_descent_path(lambda p: 2 * p, [1.0], 2.0, 100)   # factor −3 per step
    assert len(path) < 101 and np.abs(path[-1]).max() > chapter.ESCAPE
    assert np.abs(path[-2]).max() <= chapter.ESCAPE
    broken = chapter.gradient_descent_path(lambda p: p * np.inf, [1.0], 0.1, 5)
    assert broken.shape == (1, 1) and np.all(np.isfinite(broken))


@pytest.mark.parametrize("args, error", [
    (("start", 0.1, 3), TypeError), (([1.0], 0.0, 3), ValueError), (([1.0], 0.1, -1), ValueError),
    (([1.0], 0.1, 2.5), ValueError), (([[1.0]], 0.1, 3), ValueError)])
def test_gradient_descent_path_refuses_bad_input(args, error):
    with pytest.raises(error):
        chapter.gradient_descent_path(lambda p: p, *args)


def test_descent_run_follows_the_update_rule():
    path, loss = chapter.descent_run(0.05)
    assert tuple(path[0]) == chapter.START and len(path) == chapter.STEPS + 1
    for k in (0, 1, 17, 39):
        np.testing.assert_allclose(path[k + 1], path[k] - 0.05 * analytic(*path[k]), rtol=1e-12)
        assert loss[k] == pytest.approx(nnlib.losses.mse(path[k, 0] * X + path[k, 1], Y)[0])


def test_descent_run_equals_nnlib_fit_full_batch():
    path, _ = chapter.descent_run(0.08)
    model = Dense.from_weights([[chapter.START[0]]], [chapter.START[1]])
    nnlib.train.fit(model, X, Y, loss="mse", lr=0.08, epochs=chapter.STEPS)
    np.testing.assert_allclose([model.W[0, 0], model.b[0]], path[-1], rtol=1e-12)


@pytest.mark.parametrize("lr, expected", [(0.005, "too small"), (0.045, "too small"), (0.05, "about right"),
                                          (0.1, "about right"), (0.12, "zig-zag"), (0.135, "on the edge"),
                                          (0.14, "diverging"), (0.2, "diverging")])
def test_verdicts_match_the_curvature(lr, expected):
    assert chapter.verdict(*chapter.descent_run(lr)) == expected


def test_divergence_threshold_is_two_over_the_curvature():
    c = 2 * np.mean(X[:, 0] ** 2)
    assert chapter.verdict(*chapter.descent_run(0.13)) != "diverging"
    assert 0.13 < 2 / c < 0.14


# ------------------------------------------------------ the slope of the loss ---
@pytest.fixture(scope="module")
def slope():
    return gradient_descent.slope_of_the_loss()


@pytest.mark.parametrize("w, b, h", [(-1.0, 3.0, 0.5), (2.5, -3.0, 1.0), (1.0, 1.0, 0.05), (-1.5, 4.0, 0.3)])
def test_slope_figure_tangent_and_nudge(slope, w, b, h):
    slope.set(w=w, b=b, h=h)
    grad = analytic(w, b)
    loss = nnlib.losses.mse(w * X + b, Y)[0]
    for key, at, g, moved in (("w", w, grad[0], (w + h, b)), ("b", b, grad[1], (w, b + h))):
        xs, ys = slope.artists[f"tangent_{key}"].get_data()
        np.testing.assert_allclose(ys, loss + g * (np.asarray(xs) - at))
        there = nnlib.losses.mse(moved[0] * X + moved[1], Y)[0]
        nx, ny = slope.artists[f"nudge_{key}"].get_data()
        np.testing.assert_allclose(nx, [at, at + h, at + h])
        np.testing.assert_allclose(ny, [loss, loss, there])
        text = minus(slope.artists[f"readout_{key}"].get_text())
        assert f"ΔL/Δ{key} = {(there - loss) / h:.2f}" in text
        assert f"∂L/∂{key} = {g:.2f}" in text
        # every point the knobs reach stays below the readout, inside the axes
        assert max(loss, there) < 0.8 * gradient_descent.SLOPE_YLIM[1]


def test_smaller_nudges_approach_the_derivative():
    values = [gradient_descent.slope_frame(X, Y, w=-1.0, b=3.0, h=h)["readout_w"] for h in (1.0, 0.5, 0.05)]
    ratios = [float(minus(v.split("ΔL/Δw = ")[1].split("\n")[0])) for v in values]
    gaps = np.abs(np.array(ratios) - analytic(-1.0, 3.0)[0])
    assert gaps[0] > gaps[1] > gaps[2]


# --------------------------------------------------- chain rule in one neuron ---
@pytest.mark.parametrize("x, w, b, y", [(1.5, 0.5, -0.5, 1.0), (-2.0, -3.0, -3.0, 0.0), (0.0, 1.0, 2.0, 1.0),
                                        (3.0, 1.0, -3.0, 1.0)])
def test_neuron_chain_matches_nnlib_and_finite_differences(x, w, b, y):
    chain = chapter.neuron_chain(x, w, b, y)
    net = Sequential(Dense.from_weights([[w]], [b]), Activation("sigmoid"))
    X1, Y1 = np.array([[x]]), np.array([[y]])
    loss, dout = nnlib.losses.mse(net.forward(X1), Y1)
    dX = net.backward(dout)
    assert chain["L"] == pytest.approx(loss)
    assert chain["a"] == pytest.approx(nnlib.layers.Neuron([w], b, "sigmoid")(X1)[0])
    np.testing.assert_allclose([chain["dL_dw"], chain["dL_db"], chain["dL_dx"]],
                               [net[0].dW[0, 0], net[0].db[0], dX[0, 0]], rtol=1e-12, atol=1e-15)
    errors = nnlib.gradcheck.check_model(net, "mse", X1, Y1)
    assert max(errors) < 1e-6


def test_neuron_graph_shows_the_numbers():
    graph = gradient_descent.neuron_graph()
    graph.set(x=1.5, w=0.5, b=-0.5)
    chain = chapter.neuron_chain(1.5, 0.5, -0.5, 1.0)
    texts = {name: minus(artist.get_text()) for name, artist in graph.artists.items()}
    assert texts["fwd_z"] == "z = 0.250" and texts["fwd_a"] == f"a = {chain['a']:.3f}"
    assert texts["back_w"] == f"∂L/∂w = {chain['dL_dw']:.3f}"
    assert texts["back_b"] == f"∂L/∂b = {chain['dL_db']:.3f}"
    assert texts["back_x"] == f"∂L/∂x = {chain['dL_dx']:.3f}"
    first, second = texts["chain"].split("\n")
    assert first.endswith(f"= {chain['dL_dw']:.3f}") and second.endswith(f"= {chain['dL_db']:.3f}")
    assert first.rindex("=") == second.rindex("=")               # the two results line up
    assert graph.artists["fwd_y"].get_text() == "y = 1"
    assert texts["back_a"] == f"∂L/∂a = {2 * (chain['a'] - 1):.3f}"


def test_a_saturated_neuron_barely_learns():
    """The chapter's example: x = 2, w = −3, b = −3 is badly wrong, yet its gradients almost vanish."""
    graph = gradient_descent.neuron_graph()
    graph.set(x=2.0, w=-3.0, b=-3.0)
    chain = chapter.neuron_chain(2.0, -3.0, -3.0, 1.0)
    assert chain["L"] > 0.99 and abs(chain["dL_dw"]) < 1e-3
    assert minus(graph.artists["back_w"].get_text()) in ("∂L/∂w = -0.000", "∂L/∂w = -0.001")


# ------------------------------------------------------- gradient descent ---
@pytest.fixture(scope="module")
def descent():
    return gradient_descent.descent_path()


@pytest.mark.parametrize("t, lr", [(0, 0.05), (10, 0.05), (40, 0.01), (40, 0.12), (12, 0.15), (40, 0.16)])
def test_descent_figure_path_and_readout(descent, t, lr):
    descent.set(t=t, lr=lr)
    path, loss = chapter.descent_run(lr)
    k = min(t, len(path) - 1)
    xs, ys = descent.artists["path"].get_data()
    np.testing.assert_allclose(np.column_stack([xs, ys]), path[:k + 1])
    steps, curve = descent.artists["curve"].get_data()
    np.testing.assert_allclose(curve, loss[:k + 1])
    assert descent.artists["readout"].get_text().startswith(f"step {k}:")
    verdict = gradient_descent.VERDICTS[chapter.verdict(path, loss)]
    assert descent.artists["verdict"].get_text() == f"η = {lr:.3f}: {verdict}"


def test_divergence_is_announced_not_crashed(descent):
    descent.set(t=1, lr=0.05)
    assert descent.artists["warning"].get_text() == ""
    descent.set(t=3, lr=0.16)
    assert "went UP" in descent.artists["warning"].get_text()
    assert "too large" in descent.artists["verdict"].get_text()
    descent.set(t=40, lr=0.16)
    path, _ = chapter.descent_run(0.16)
    assert len(path) < 41
    assert f"after step {len(path) - 1} the knobs left the map" in descent.artists["warning"].get_text()
    assert "off the chart" in descent.artists["readout"].get_text()
    for name in ("path", "curve"):
        assert descent.artists[name].get_clip_on()      # drawn lines stay inside their axes


def test_descent_never_warns_on_a_converging_run(descent):
    for lr in (0.01, 0.05, 0.1, 0.12, 0.13):
        for t in (1, 5, 20, 40):
            descent.set(t=t, lr=lr)
            assert descent.artists["warning"].get_text() == ""


# --------------------------------------------------------- epochs and batches ---
def test_batch_runs_are_nnlib_fit():
    points, history = chapter.batch_run("4")
    assert points.shape == (chapter.EPOCHS + 1, 2) and len(history.loss) == chapter.EPOCHS
    model = Dense.from_weights([[chapter.START[0]]], [chapter.START[1]])
    again = nnlib.train.fit(model, X, Y, loss="mse", lr=chapter.BATCH_LR, epochs=chapter.EPOCHS,
                            batch_size=4, seed=0)
    np.testing.assert_allclose(again.loss, history.loss)
    np.testing.assert_allclose([model.W[0, 0], model.b[0]], points[-1])


def test_full_batch_points_are_plain_gradient_descent():
    points, history = chapter.batch_run("12 (all)")
    path, loss = chapter.descent_run(chapter.BATCH_LR, steps=chapter.EPOCHS)
    np.testing.assert_allclose(points, path, rtol=1e-12)
    np.testing.assert_allclose(history.loss, loss[:-1])     # the loss during each epoch, before its step


@pytest.mark.parametrize("batch, epochs", [("1", 0), ("1", 30), ("4", 5), ("12 (all)", 17)])
def test_batch_figure_frame(batch, epochs):
    frame = gradient_descent.batch_frame(batch=batch, epochs=epochs)
    points, history = chapter.batch_run(batch)
    np.testing.assert_allclose(np.column_stack(frame["path"]), points[:epochs + 1])
    np.testing.assert_allclose(frame["curve"][1], history.loss[:epochs])
    updates = {"1": 12, "4": 3, "12 (all)": 1}[batch]
    assert f"after {epochs} epochs ({epochs * updates} updates)" in frame["readout"]


def test_smaller_batches_fall_faster_per_epoch():
    final = {b: chapter.batch_run(b)[1].loss[4] for b in chapter.BATCHES}
    assert final["1"] < final["4"] < final["12 (all)"]


# ---------------------------------------------------------------- exercises ---
def test_chain_rule_checker():
    assert exercises.check_chain_rule(-0.75).ok
    assert "None" in exercises.check_chain_rule(None).message
    assert "sign" in exercises.check_chain_rule(0.75).message
    assert "∂z/∂w = x" in exercises.check_chain_rule(-0.25).message
    assert "a(1 − a)" in exercises.check_chain_rule(-3).message
    assert "2 is missing" in exercises.check_chain_rule(-0.375).message
    assert "first link" in exercises.check_chain_rule(-1).message
    assert "three links" in exercises.check_chain_rule(5).message
    assert "could not read" in exercises.check_chain_rule("minus one").message


def right_gradients(w, b, X, y):
    error = w * X + b - y
    return np.mean(2 * error * X), np.mean(2 * error)


@pytest.mark.parametrize("fn, hint", [
    (lambda w, b, X, y: tuple(len(X) * np.array(right_gradients(w, b, X, y))), "divide by N"),
    (lambda w, b, X, y: tuple(0.5 * np.array(right_gradients(w, b, X, y))), "factor 2"),
    (lambda w, b, X, y: tuple(-np.array(right_gradients(w, b, X, y))), "sign is flipped"),
    (lambda w, b, X, y: right_gradients(w, b, X, y)[::-1], "swapped"),
    (lambda w, b, X, y: (right_gradients(w, b, X, y)[1],) * 2, "its own x"),
    (lambda w, b, X, y: (right_gradients(w, b, X, y)[0], 0.0), "dL_dw is right"),
    (lambda w, b, X, y: (0.0, right_gradients(w, b, X, y)[1]), "dL_db is right"),
    (lambda w, b, X, y: (1.0, 2.0), "differentiate"),
    (lambda w, b, X, y: (None, None), "replace each None"),
    (lambda w, b, X, y: None, "returned None"),
    (lambda w, b, X, y: 2 * (w * X + b - y) * X, "two single numbers"),
    (lambda w, b, X, y: ("1", "2"), "two numbers"),
    (lambda w, b, X, y: 3.0, "two numbers"),
    (lambda w, b, X, y: (np.nan, 1.0), "not finite"),
    (lambda w, b, X, y: 1 / 0, "ZeroDivisionError"),
    (42, "function itself"),
])
def test_line_gradient_checker_names_the_slip(fn, hint):
    verdict = exercises.check_line_gradients(fn)
    assert not verdict.ok and hint in verdict.message, verdict.message


def test_line_gradient_checker_accepts_right_answers():
    assert exercises.check_line_gradients(right_gradients).ok
    via_nnlib = lambda w, b, X, y: tuple(chapter.line_gradient(w, b, X, y)[1])  # noqa: E731
    assert exercises.check_line_gradients(via_nnlib).ok
    as_arrays = lambda w, b, X, y: [np.array([v]) for v in right_gradients(w, b, X, y)]  # noqa: E731
    assert exercises.check_line_gradients(as_arrays).ok


def test_learning_rate_checker():
    assert exercises.check_learning_rate(0.1).ok
    assert exercises.check_learning_rate(0.08).ok
    assert "None" in exercises.check_learning_rate(None).message
    assert "larger" in exercises.check_learning_rate(0.02).message
    assert "zig-zags" in exercises.check_learning_rate(0.125).message
    assert "smaller" in exercises.check_learning_rate(0.2).message
    assert "smaller" in exercises.check_learning_rate(1e9).message
    assert "above 0" in exercises.check_learning_rate(-0.1).message
    assert "could not read" in exercises.check_learning_rate("fast").message


def test_exercise_neuron_matches_the_solution():
    chain = chapter.neuron_chain(**exercises.NEURON)
    assert chain["z"] == 0 and chain["a"] == 0.5 and chain["dL_dw"] == pytest.approx(-0.75)
    assert best_line(X, Y)[0] == pytest.approx(0.941, abs=1e-3)
