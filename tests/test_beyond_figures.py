"""Chapter 8: convolution, recurrence and attention pictures follow their formulas."""
import numpy as np
import pytest

from nnlib import activations
from nnlib.chapters import beyond as chapter
from nnlib.exercises import beyond as exercises
from nnlib.figures import beyond


def loop_correlate(image, kernel):
    """The textbook double loop, to compare against."""
    k = len(kernel)
    out = np.zeros((image.shape[0] - k + 1, image.shape[1] - k + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + k, j:j + k] * kernel)
    return out


# ------------------------------------------------------------------ convolution

def test_correlate_matches_the_double_loop():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(9, 7)), rng.normal(size=(3, 3))
    assert np.allclose(chapter.correlate(image, kernel), loop_correlate(image, kernel))
    assert chapter.correlate(image, np.ones((1, 1))).shape == (9, 7)
    with pytest.raises(ValueError, match="square"):
        chapter.correlate(image, np.ones((3, 2)))
    with pytest.raises(ValueError):
        chapter.correlate(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(TypeError):
        chapter.correlate("image", kernel)


def test_line_kernel_orientation():
    across = chapter.line_kernel("left → right", -1.0, 0.0, 1.0)
    assert across.tolist() == [[-1, 0, 1]] * 3
    down = chapter.line_kernel("top → bottom", -1.0, 0.0, 1.0)
    assert down.tolist() == [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]


@pytest.mark.parametrize("across, a, m, b", [
    ("left → right", -1.0, 0.0, 1.0), ("top → bottom", 1.0, 1.0, 1.0),
    ("left → right", -0.5, 1.0, -0.5), ("top → bottom", 0.5, -1.0, 0.0)])
def test_convolution_picture_is_the_kernel_slid_over_the_digit(across, a, m, b):
    figure = beyond.convolution().set(across=across, a=a, m=m, b=b)
    kernel = chapter.line_kernel(across, a, m, b)
    feature = loop_correlate(chapter.digit_picture(), kernel)
    assert np.allclose(figure.artists["feature"].get_array(), feature)
    assert np.allclose(figure.artists["kernel"].get_array(), kernel)
    for r in range(3):
        for c in range(3):
            shown = figure.artists[f"w{r}{c}"].get_text().replace("−", "-")
            assert float(shown) == kernel[r, c]
    i, j = np.unravel_index(np.argmax(np.abs(feature)), feature.shape)
    assert figure.artists["window"].get_xy() == (j - 0.5, i - 0.5)
    assert figure.artists["window"].get_width() == 3 and figure.artists["pixel"].get_width() == 1
    assert figure.artists["pixel"].get_xy() == (j - 0.5, i - 0.5)


def test_an_edge_kernel_ignores_flat_areas_and_finds_both_edges():
    feature = chapter.correlate(chapter.digit_picture(), chapter.line_kernel("left → right", -1, 0, 1))
    blank = chapter.correlate(np.zeros((5, 5)), chapter.line_kernel("left → right", -1, 0, 1))
    assert np.all(blank == 0)
    assert feature.max() > 1 and feature.min() < -1          # ink starts (+) and ends (−)
    blur = chapter.correlate(chapter.digit_picture(), np.ones((3, 3)))
    assert blur.min() >= 0


# ------------------------------------------------------------------ recurrence

@pytest.mark.parametrize("w_h", [-1.2, -0.5, 0.0, 0.8, 1.0, 1.5])
def test_linear_recurrence_of_a_blip_is_a_power(w_h):
    h = chapter.recur(chapter.input_sequence("one blip"), w_h, f="none")
    t = np.arange(1, chapter.STEPS + 1)
    assert h[0] == 0 and np.allclose(h[1:], w_h ** (t - 1))


def test_tanh_recurrence_stays_bounded_and_held_input_sums():
    h = chapter.recur(chapter.input_sequence("one blip"), 1.5, f="tanh")
    assert np.all(np.abs(h) <= 1) and np.isclose(h[-1], np.tanh(1.5 * h[-1]), atol=1e-6)
    assert np.isclose(h[-1], 0.86, atol=0.01)
    held = chapter.recur(chapter.input_sequence("held on"), 0.5, f="none")
    assert np.isclose(held[-1], 1 / (1 - 0.5))
    with pytest.raises(ValueError, match="activation"):
        chapter.recur([1.0, 0.0], 0.5, f="relu")


@pytest.mark.parametrize("w_h, f, x, words", [
    (0.8, "none", "one blip", "fades away"),
    (0.9, "none", "one blip", "fades slowly"),
    (1.0, "none", "one blip", "holds on for good"),
    (1.1, "none", "one blip", "keeps growing"),
    (1.5, "none", "one blip", "explodes"),
    (-1.0, "none", "one blip", "flips sign for good"),
    (-1.1, "none", "one blip", "swings wider and wider"),
    (1.5, "tanh", "one blip", "holds on for good"),
    (0.5, "none", "held on", "settles down"),
    (0.9, "none", "held on", "settles slowly"),
])
def test_recurrence_figure_readout_and_clipping(w_h, f, x, words):
    figure = beyond.recurrence().set(w_h=w_h, f=f, x=x)
    h = chapter.recur(chapter.input_sequence(x), w_h, f=f)
    text = figure.artists["readout"].get_text()
    assert f"→ {words}" in text
    assert text.startswith(f"h₅ = {beyond._short(h[5])}\nh₃₀ = {beyond._short(h[30])}")
    shown = figure.artists["h"].get_ydata()
    assert np.allclose(shown, np.clip(h, -beyond.H_LIMIT, beyond.H_LIMIT))
    off = np.abs(h) > beyond.H_LIMIT
    assert len(figure.artists["off"].get_xdata()) == off.sum()
    assert ("off the chart" in text) == bool(off.any())
    assert np.allclose(figure.artists["size"].get_ydata(), np.maximum(np.abs(h[1:]), 1e-12))
    assert len(figure.artists["inputs"].get_segments()) == chapter.STEPS


def test_short_numbers_use_true_minus_signs():
    assert beyond._short(-127834.0) == "−1.3e+05"
    assert beyond._short(0.0015) == "0.0015"
    assert beyond._short(0.41) == "0.41"


# ------------------------------------------------------------------ attention

def test_attend_is_softmax_of_scaled_scores():
    q = np.array([1.0, 2.0])
    keys = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    values = np.array([[1.0], [2.0], [3.0]])
    scores, weights, output = chapter.attend(q, keys, values)
    assert np.allclose(scores, keys @ q / np.sqrt(2))
    assert np.allclose(weights, activations.softmax(scores)) and np.isclose(weights.sum(), 1)
    assert np.allclose(output, weights @ values)
    with pytest.raises(ValueError, match="keys must be"):
        chapter.attend(q, keys[:, :1], values)


@pytest.mark.parametrize("angle, length", [(0, 0.0), (30, 1.5), (90, 3.0), (225, 0.5), (345, 2.5)])
def test_attention_picture_follows_the_query(angle, length):
    figure = beyond.attention().set(angle=angle, length=length)
    theta = np.deg2rad(angle)
    q = length * np.array([np.cos(theta), np.sin(theta)])
    scores, weights, output = chapter.attend(q, beyond.KEYS, beyond.KEYS)
    heights = [figure.artists[f"bar{i}"].get_height() for i in range(5)]
    assert np.allclose(heights, weights)
    for i, (s, w) in enumerate(zip(scores, weights)):
        assert figure.artists[f"label{i}"].get_text() == f"{beyond.number(s)}\n→ {w:.0%}"
    star = figure.artists["output"]
    assert np.allclose([star.get_xdata()[0], star.get_ydata()[0]], output)
    head = figure.artists["head"].get_xy()
    assert np.allclose(head[0], q)
    if length == 0:
        assert np.allclose(weights, 0.2) and np.allclose(output, beyond.KEYS.mean(axis=0))


def test_the_best_aligned_key_wins_and_longer_queries_are_choosier():
    directions = beyond.KEYS / np.linalg.norm(beyond.KEYS, axis=1, keepdims=True)
    for angle in range(0, 360, 15):
        theta = np.deg2rad(angle)
        q = np.array([np.cos(theta), np.sin(theta)])
        _, weights, _ = chapter.attend(q, beyond.KEYS, beyond.KEYS)
        assert np.argmax(weights) == np.argmax(directions @ q)
        sharper = chapter.attend(3 * q, beyond.KEYS, beyond.KEYS)[1]
        assert sharper.max() > weights.max()


def test_arrow_head_points_at_the_tip():
    (xs, ys), head = beyond.arrow(np.array([3.0, 4.0]))
    assert xs[0] == ys[0] == 0 and np.allclose(head[0], [3, 4])
    assert np.hypot(xs[1], ys[1]) < 5
    (xs, ys), head = beyond.arrow(np.zeros(2))
    assert np.all(head == 0) and xs == [0.0, 0.0]


# ------------------------------------------------------------------ exercises

def test_convolve_exercise():
    assert exercises.check_correlate(loop_correlate).ok
    assert exercises.check_correlate(chapter.correlate).ok
    flipped = exercises.check_correlate(lambda im, k: loop_correlate(im, k[::-1, ::-1]))
    assert not flipped.ok and "flipped" in flipped.message
    same = exercises.check_correlate(lambda im, k: np.zeros(im.shape))
    assert not same.ok and "3×4" in same.message
    swapped = exercises.check_correlate(lambda im, k: loop_correlate(im.T, k.T))
    assert not swapped.ok
    off = exercises.check_correlate(lambda im, k: loop_correlate(im, k) + 1)
    assert not off.ok and "some numbers" in off.message
    assert "None" in exercises.check_correlate(lambda im, k: None).message
    crash = exercises.check_correlate(lambda im, k: 1 / 0)
    assert not crash.ok and "ZeroDivisionError" in crash.message
    assert "pass the function" in exercises.check_correlate(np.zeros(3)).message
    assert "define" in exercises.check_correlate(None).message
    assert "array of numbers" in exercises.check_correlate(lambda im, k: {"a": 1}).message


def test_attention_weights_exercise():
    scores = np.array([2.0, 1.0, -2.0])
    right = np.exp(scores) / np.exp(scores).sum()
    assert exercises.check_attention_weights(right).ok
    assert exercises.check_attention_weights([0.72, 0.27, 0.01]).ok
    assert "softmax" in exercises.check_attention_weights([2, 1, -2]).message
    assert "exponentiate" in exercises.check_attention_weights(scores / scores.sum()).message
    scaled = np.exp(scores / np.sqrt(2)) / np.exp(scores / np.sqrt(2)).sum()
    assert "√2" in exercises.check_attention_weights(scaled).message
    assert "add up to 1" in exercises.check_attention_weights([0.5, 0.5, 0.5]).message
    assert "three numbers" in exercises.check_attention_weights([0.5, 0.5]).message
    assert "None" in exercises.check_attention_weights(None).message
    assert "could not read" in exercises.check_attention_weights("0.7, 0.2, 0.1").message
    assert not exercises.check_attention_weights([0.2, 0.3, 0.5]).ok


def test_half_life_exercise():
    assert exercises.check_half_life(0.933).ok
    negative = exercises.check_half_life(-0.933)
    assert negative.ok and "sign" in negative.message
    assert "closer to 0" in exercises.check_half_life(0.99).message
    assert "closer to 1" in exercises.check_half_life(0.5).message
    assert "between −1 and 1" in exercises.check_half_life(1e6).message
    assert "None" in exercises.check_half_life(None).message
    assert "could not read" in exercises.check_half_life("half").message
