"""Chapter 5: the loss pictures show what the maths says; the exercise checkers help."""
import numpy as np
import pytest

import nnlib
from nnlib.chapters import loss as chapter
from nnlib.exercises import loss as exercises
from nnlib.figures import loss as figures

X, Y = nnlib.datasets.line_points()


def minus(text):
    """Figures print true minus signs; turn them back for float()."""
    return text.replace("−", "-")


def dot(artist):
    """The (x, y) of a one-point Line2D."""
    return float(artist.get_xdata()[0]), float(artist.get_ydata()[0])


# ------------------------------------------------------------ squared error ---
@pytest.fixture(scope="module")
def squared():
    return figures.squared_error_curve()


@pytest.mark.parametrize("y_hat, y", [(2.0, 0.5), (-3.0, 1.5), (3.0, -1.5), (0.5, 0.5), (-0.7, -1.0)])
def test_squared_error_dots_sit_on_their_curves(squared, y_hat, y):
    squared.set(y_hat=y_hat, y=y)
    e = y_hat - y
    np.testing.assert_allclose(squared.artists["dots"].get_offsets(), [[y_hat, e], [y_hat, abs(e)], [y_hat, e * e]])
    xs, curve = squared.artists["squared"].get_data()
    np.testing.assert_allclose(curve, (np.asarray(xs) - y) ** 2)
    assert np.argmin(curve) == np.argmin(np.abs(np.asarray(xs) - y))  # the valley is at the target
    assert f"error²      = {e * e:.2f}" in squared.artists["readout"].get_text()
    assert list(squared.artists["target"].get_xdata()) == [y, y]


def test_squared_error_values_stay_inside_the_axes(squared):
    ax = squared.artists["squared"].axes
    lo, hi = ax.get_ylim()
    for knob_y_hat in (-3.0, 3.0):
        for knob_y in (-1.5, 1.5):
            squared.set(y_hat=knob_y_hat, y=knob_y)
            for _, value in squared.artists["dots"].get_offsets():
                assert lo <= value <= hi


def test_why_square_panels_make_their_point():
    from matplotlib.figure import Figure
    axes = Figure().subplots(1, 2)
    made = figures.draw_why_square(axes)
    labels = [a.get_label() for a in made if hasattr(a, "get_label")]
    assert any(label.startswith("flat: mean error 0.00") for label in labels)
    assert any(label.startswith("best: mean error 0.00") for label in labels)
    texts = " ".join(t.get_text() for t in axes[1].texts)
    assert "MSE 1" in texts and "MSE 4" in texts and texts.count("mean |error| 1") == 2


# ------------------------------------------------------ binary cross-entropy ---
@pytest.fixture(scope="module")
def bce():
    return figures.binary_cross_entropy_curve()


@pytest.mark.parametrize("p, y", [(0.7, "1"), (0.02, "1"), (0.98, "1"), (0.9, "0"), (0.3, "0")])
def test_bce_point_and_readouts(bce, p, y):
    bce.set(p=p, y=y)
    expected = -np.log(p) if y == "1" else -np.log(1 - p)
    assert dot(bce.artists["dot_p"]) == pytest.approx((p, expected))
    z = np.log(p / (1 - p))
    assert dot(bce.artists["dot_z"]) == pytest.approx((z, expected))
    assert minus(bce.artists["readout_p"].get_text()).endswith(f"= {expected:.2f}")
    assert bce.artists["readout_z"].get_text().endswith(f"L from z = {expected:.2f}")
    xs, curve = bce.artists["curve_z"].get_data()
    sign = 1 if y == "1" else -1
    np.testing.assert_allclose(curve, np.log1p(np.exp(-sign * np.asarray(xs))))
    assert bce.artists["curve_p"].get_linestyle() == ("-" if y == "1" else "--")


# ------------------------------------------------- softmax cross-entropy ---
@pytest.fixture(scope="module")
def softmax():
    return figures.softmax_cross_entropy_bars()


@pytest.mark.parametrize("scores", [(1.5, 0.5, -1.0), (-3.0, 3.0, 3.0), (0.0, 0.0, 3.0), (3.0, -3.0, -3.0)])
def test_softmax_bars_and_loss(softmax, scores):
    softmax.set(z1=scores[0], z2=scores[1], z3=scores[2])
    e = np.exp(scores)
    probs = e / e.sum()
    k = figures.CLASS_NAMES.index(figures.TRUE_CLASS)
    heights = [softmax.artists[f"bar{i}"].get_height() for i in range(3)]
    np.testing.assert_allclose(heights, probs)
    assert sum(heights) == pytest.approx(1.0)
    widths = [softmax.artists[f"bar{i}"].get_linewidth() for i in range(3)]
    assert widths[k] > 0 and sum(widths) == widths[k]          # only the true class is outlined
    assert softmax.artists["tag"].get_position()[0] == k
    assert dot(softmax.artists["dot"]) == pytest.approx((scores[k], -np.log(probs[k])))
    xs, curve = softmax.artists["curve"].get_data()
    assert np.all(np.diff(curve) < 0)                          # a higher true score is always better
    assert f"from the scores: {-np.log(probs[k]):.3f}" in softmax.artists["readout"].get_text()


@pytest.mark.parametrize("label", figures.CLASS_NAMES)
def test_softmax_frame_for_any_true_class(label):
    frame = figures.softmax_frame(z1=1.0, z2=2.0, z3=-0.5, label=label)
    k = figures.CLASS_NAMES.index(label)
    probs = nnlib.activations.softmax(np.array([1.0, 2.0, -0.5]))
    assert frame["dot"][1][0] == pytest.approx(-np.log(probs[k]))
    assert frame["tag"]["position"][0] == k


def test_raising_another_score_raises_the_loss():
    low = figures.softmax_frame(z1=1.0, z2=0.0, z3=0.0)["dot"][1][0]
    high = figures.softmax_frame(z1=1.0, z2=2.0, z3=0.0)["dot"][1][0]
    shifted = figures.softmax_frame(z1=2.0, z2=1.0, z3=1.0)["dot"][1][0]
    assert high > low and shifted == pytest.approx(low)


# ---------------------------------------------------- the loss landscape ---
def test_landscape_matches_nnlib_mse():
    ws, bs = np.array([-1.0, 0.0, 2.5]), np.array([-4.0, 1.0])
    grid = chapter.landscape(X, Y, ws, bs)
    assert grid.shape == (2, 3)
    for i, b in enumerate(bs):
        for j, w in enumerate(ws):
            assert grid[i, j] == pytest.approx(nnlib.losses.mse(w * X + b, Y)[0])


def test_best_line_is_the_lowest_point():
    w, b = chapter.best_line(X, Y)
    ws, bs = np.linspace(w - 0.05, w + 0.05, 11), np.linspace(b - 0.05, b + 0.05, 11)
    grid = chapter.landscape(X, Y, ws, bs)
    assert np.unravel_index(np.argmin(grid), grid.shape) == (5, 5)
    np.testing.assert_allclose([w, b], np.polyfit(X[:, 0], Y[:, 0], 1))


@pytest.fixture(scope="module")
def optimizer():
    return figures.be_the_optimizer()


@pytest.mark.parametrize("w, b", [(0.0, 0.0), (-3.0, 5.0), (0.9, 0.75), (2.5, -4.5)])
def test_be_the_optimizer_hides_the_minimum_until_asked(optimizer, w, b):
    optimizer.set(w=w, b=b, minimum="no")
    loss = nnlib.losses.mse(w * X + b, Y)[0]
    assert dot(optimizer.artists["you"]) == pytest.approx((w, b))
    assert not optimizer.artists["star"].get_visible()
    assert not optimizer.artists["best"].get_visible()
    assert optimizer.artists["gap"].get_text().startswith(f"you: MSE = {loss:.2f}")
    assert "lowest" not in optimizer.artists["gap"].get_text()
    assert f"MSE = {loss:.2f}" in optimizer.artists["readout"].get_text()      # chapter 1's readout
    optimizer.set(minimum="yes")
    w_best, b_best = chapter.best_line(X, Y)
    low = nnlib.losses.mse(w_best * X + b_best, Y)[0]
    assert optimizer.artists["star"].get_visible()
    assert dot(optimizer.artists["star"]) == pytest.approx((w_best, b_best))
    xs, ys = optimizer.artists["best"].get_data()
    np.testing.assert_allclose(ys, w_best * np.asarray(xs) + b_best)
    assert f"({loss - low:.2f} above)" in optimizer.artists["gap"].get_text()
    optimizer.set(minimum="no")


def test_optimizer_line_follows_the_knobs(optimizer):
    optimizer.set(w=-1.2, b=2.4)
    xs, ys = optimizer.artists["line"].get_data()
    np.testing.assert_allclose(ys, -1.2 * np.asarray(xs) + 2.4)
    assert len(optimizer.artists["residuals"].get_segments()) == len(X)


# ------------------------------------------------ MSE vs cross-entropy ---
@pytest.fixture(scope="module")
def versus():
    return figures.mse_vs_cross_entropy()


@pytest.mark.parametrize("p", [0.02, 0.1, 0.5, 0.98])
def test_mse_vs_cross_entropy_losses_and_pushes(versus, p):
    versus.set(p=p)
    assert dot(versus.artists["mse_dot"]) == pytest.approx((p, (1 - p) ** 2))
    assert dot(versus.artists["ce_dot"]) == pytest.approx((p, -np.log(p)))
    assert dot(versus.artists["mse_push"]) == pytest.approx((p, 2 * (1 - p) ** 2 * p))
    assert dot(versus.artists["ce_push"]) == pytest.approx((p, 1 - p))
    text = minus(versus.artists["readout"].get_text())
    assert f"{-(1 - p):.3f}" in text and f"{-1 / p:.3f}" in text


def test_cross_entropy_pushes_harder_on_confident_mistakes(versus):
    versus.set(p=0.02)
    ratio = dot(versus.artists["ce_push"])[1] / dot(versus.artists["mse_push"])[1]
    assert 25 < ratio < 26      # the chapter says "about 25 times"


# ---------------------------------------------------------------- exercises ---
def test_mse_by_hand_checker():
    assert exercises.check_mse_by_hand(3.5).ok
    assert "None" in exercises.check_mse_by_hand(None).message
    assert "signed" in exercises.check_mse_by_hand(0.5).message
    assert "absolute" in exercises.check_mse_by_hand(1.5).message
    assert "sum" in exercises.check_mse_by_hand(14).message
    assert "root" in exercises.check_mse_by_hand(1.87).message
    assert not exercises.check_mse_by_hand(7).ok
    for bad in ("abc", [1, 2], float("nan"), True):
        verdict = exercises.check_mse_by_hand(bad)
        assert not verdict.ok and "could not read" in verdict.message


def test_softmax_loss_checker():
    assert exercises.check_softmax_loss(2.17).ok
    assert exercises.check_softmax_loss(2.1698).ok
    assert "probability of dog" in exercises.check_softmax_loss(0.114).message
    assert "sign" in exercises.check_softmax_loss(-2.17).message
    assert "base 10" in exercises.check_softmax_loss(0.9425).message
    assert "cat" in exercises.check_softmax_loss(0.1698).message
    assert "e raised" in exercises.check_softmax_loss(1.0986).message
    assert "softmax" in exercises.check_softmax_loss(9).message
    assert "could not read" in exercises.check_softmax_loss("two").message


def right_bce(p, y):
    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))


@pytest.mark.parametrize("fn, hint", [
    (lambda p, y: -right_bce(p, y), "sign"),
    (lambda p, y: right_bce(p, y) * len(p), "mean"),
    (lambda p, y: -np.mean(y * np.log10(p) + (1 - y) * np.log10(1 - p)), "natural log"),
    (lambda p, y: -np.mean(y * np.log(p)), "y = 0 count too"),
    (lambda p, y: -np.mean((1 - y) * np.log(1 - p)), "y = 1 count too"),
    (lambda p, y: -(y * np.log(p) + (1 - y) * np.log(1 - p)), "4 numbers"),
    (lambda p, y: None, "returned None"),
    (lambda p, y: "0.2", "mean loss"),
    (lambda p, y: np.log(0.0 * p[0]), "log of 0"),
    (lambda p, y: undefined_name, "NameError"),  # noqa: F821 - a reader's typo
    (lambda p: 0.0, "TypeError"),
    (lambda p, y: 0.5, "−[y ln p"),
    ("my_cross_entropy", "function itself"),
])
def test_cross_entropy_checker_names_the_slip(fn, hint):
    verdict = exercises.check_cross_entropy(fn)
    assert not verdict.ok and hint in verdict.message


def test_cross_entropy_checker_accepts_right_answers():
    assert exercises.check_cross_entropy(right_bce).ok
    assert exercises.check_cross_entropy(lambda p, y: nnlib.losses.binary_cross_entropy(p, y)[0]).ok
    assert exercises.check_cross_entropy(lambda p, y: np.array([right_bce(p, y)])).ok


def test_minimum_checker():
    w, b = chapter.best_line(X, Y)
    assert exercises.check_minimum(w, b).ok
    assert exercises.check_minimum(0.9, 0.75).ok
    assert "turn w higher" in exercises.check_minimum(0.0, 0.0).message
    assert "turn b higher" in exercises.check_minimum(0.9, -2.0).message
    assert "turn b lower" in exercises.check_minimum(0.95, 3.0).message
    assert "turn w lower" in exercises.check_minimum(2.5, 0.8).message
    assert "could not read" in exercises.check_minimum("w", 0).message
