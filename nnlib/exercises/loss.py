"""Chapter 5 exercises: compute losses by hand and in code, and find the bottom of the landscape."""
import numpy as np

from .. import datasets, losses
from ..chapters.loss import best_line
from ..plotting import number
from . import Feedback, as_number, call_reader, friendly, replace_none

MSE_PREDICTIONS = (3.0, -1.0, 2.0, 6.0)
MSE_TARGETS = (2.0, 1.0, 2.0, 3.0)
SOFTMAX_SCORES = (2.0, 0.0, -1.0)   # cat, dog, bird
SOFTMAX_TRUE = 1                     # the picture shows a dog
BCE_CASES = (
    (np.array([0.9, 0.2, 0.6, 0.05]), np.array([1.0, 0.0, 1.0, 0.0])),
    (np.array([0.3, 0.7, 0.5]), np.array([1.0, 1.0, 0.0])),
    (np.array([0.99, 0.01]), np.array([0.0, 1.0])),
)
CLOSE_ENOUGH = 0.05
"""check_minimum accepts knobs whose MSE is at most this much above the lowest."""


def short(value):
    """A number in short form with a true minus sign: '−2'."""
    return f"{value:g}".replace("-", "−")


def near(a, b, tol):
    return abs(a - b) <= tol


@friendly
def check_mse_by_hand(answer):
    """Is ``answer`` the MSE of MSE_PREDICTIONS against MSE_TARGETS (3.5)?"""
    if (verdict := replace_none(answer)) is not None:
        return verdict
    answer = as_number(answer, "your answer")
    errors = np.subtract(MSE_PREDICTIONS, MSE_TARGETS)
    expected, _ = losses.mse(np.array(MSE_PREDICTIONS), np.array(MSE_TARGETS))
    if near(answer, expected, 1e-3):
        return Feedback(True, f"the errors {', '.join(short(e) for e in errors)} square to "
                              f"{', '.join(short(e * e) for e in errors)}; their mean is {short(expected)}.")
    hints = (
        (errors.mean(), "that is the mean of the signed errors: the +1 and the −2 partly cancel. "
                        "Square each error before averaging."),
        (np.abs(errors).mean(), "that is the mean absolute error. Square each error instead."),
        ((errors ** 2).sum(), "that is the sum of the squares; the mean divides it by the number of points."),
        (np.sqrt(expected), "that is the square root of the MSE (the 'root mean squared error'); "
                            "leave out the root."),
    )
    for value, hint in hints:
        if near(answer, value, 1e-2):
            return Feedback(False, f"{short(answer)} is not it: {hint}")
    return Feedback(False, f"{short(answer)} is not it. For each point take the error ŷ − y, square it, "
                           "then average the four squares.")


@friendly
def check_softmax_loss(answer):
    """Is ``answer`` the cross-entropy of SOFTMAX_SCORES for the true class dog (≈ 2.170)?"""
    if (verdict := replace_none(answer)) is not None:
        return verdict
    answer = as_number(answer, "your answer")
    expected, _ = losses.softmax_cross_entropy(np.array([SOFTMAX_SCORES]), [SOFTMAX_TRUE])
    p = np.exp(SOFTMAX_SCORES) / np.exp(SOFTMAX_SCORES).sum()
    if near(answer, expected, 5e-3):
        return Feedback(True, f"p(dog) = {p[1]:.4f}, so the loss is −ln {p[1]:.4f} = {expected:.3f}.")
    hints = (
        (p[1], "that is the probability of dog. The loss is −ln of it."),
        (-expected, "check the sign: ln of a probability is negative, and the loss puts a minus in front."),
        (-np.log10(p[1]), "that uses log base 10. Cross-entropy uses the natural log, ln (np.log)."),
        (-np.log(p[0]), "that is the loss if the true class were cat. The picture shows a dog."),
        (-np.log(np.exp(0.0) / 3), "the probabilities come from e raised to each score, not from the scores "
                                   "themselves: p(dog) = e⁰ / (e² + e⁰ + e⁻¹)."),
    )
    for value, hint in hints:
        if near(answer, value, 5e-3):
            return Feedback(False, f"{short(answer)} is not it: {hint}")
    return Feedback(False, f"{short(answer)} is not it. Turn the scores into probabilities with softmax, "
                           "p_k = e^(z_k) / (e^(z_1) + e^(z_2) + e^(z_3)), then take −ln p(dog).")


def _one_number(value, what):
    """value: a number or a size-1 array.  Returns (float, None) or (None, Feedback)."""
    if value is None:
        return None, Feedback(False, f"your function returned None: make it `return` {what} "
                                     "(replace the None placeholder with your formula).")
    try:
        if isinstance(value, (str, bytes)):
            raise TypeError("text is not a number")
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None, Feedback(False, f"your function returned {value!r}; it should return {what}.")
    if arr.size != 1:
        return None, Feedback(False, f"your function returned {arr.size} numbers; it should return {what} "
                                     "(take the mean over the examples).")
    if not np.isfinite(arr.item()):
        return None, Feedback(False, f"your function returned {arr.item()}; a log of 0 or a division "
                                     "by 0 somewhere?")
    return float(arr.item()), None


def _bce_hint(got, p, y):
    """What a wrong binary cross-entropy probably did, or '' if it is not a known slip."""
    expected = losses.binary_cross_entropy(p, y)[0]
    slips = (
        (-expected, "the sign is flipped: ln p is negative, so put a minus in front to make the loss positive."),
        (expected * len(p), "that is the sum over the examples; divide by their number (take the mean)."),
        (expected / np.log(10), "that uses log base 10; cross-entropy uses the natural log, np.log."),
        (np.mean(-y * np.log(p)), "examples with y = 0 count too: for them the loss is −ln(1 − p)."),
        (np.mean(-(1 - y) * np.log1p(-p)), "examples with y = 1 count too: for them the loss is −ln p."),
    )
    for value, hint in slips:
        if near(got, value, 1e-6 + 1e-6 * abs(value)):
            return hint
    return ""


@friendly
def check_cross_entropy(fn):
    """Does fn(p, y) return the mean binary cross-entropy, as losses.binary_cross_entropy does?"""
    for p, y in BCE_CASES:
        value, failed = call_reader(fn, p.copy(), y.copy())
        if failed is not None:
            return failed
        got, failed = _one_number(value, "one number, the mean loss")
        if failed is not None:
            return failed
        expected = losses.binary_cross_entropy(p, y)[0]
        if not near(got, expected, 1e-6 + 1e-6 * expected):
            hint = _bce_hint(got, p, y) or ("write the loss of each example as −[y ln p + (1 − y) ln(1 − p)], "
                                            "then take the mean.")
            return Feedback(False, f"for p = {p.tolist()} and y = {y.tolist()} your function gives "
                                   f"{number(got, 4)} but the loss is {expected:.4f}: {hint}")
    return Feedback(True, f"your function agrees with nnlib.losses.binary_cross_entropy on all "
                          f"{len(BCE_CASES)} test cases.")


@friendly
def check_minimum(w, b):
    """Are the knobs (w, b) within CLOSE_ENOUGH of the lowest MSE of the chapter-1 line fit?"""
    w, b = as_number(w, "w"), as_number(b, "b")
    X, y = datasets.line_points()
    loss, dloss = losses.mse(w * X + b, y)
    w_best, b_best = best_line(X, y)
    low = losses.mse(w_best * X + b_best, y)[0]
    if loss - low <= CLOSE_ENOUGH:
        return Feedback(True, f"MSE {loss:.3f} at w = {number(w)}, b = {number(b)}: only {loss - low:.3f} "
                              f"above the lowest possible, {low:.3f} (at w = {number(w_best)}, "
                              f"b = {number(b_best)}).")
    dw, db = float(np.sum(dloss * X)), float(np.sum(dloss))
    # The MSE is a bowl: turning one knob alone to its best value gains slope² / (2 × curvature).
    gain_w, gain_b = dw ** 2 / (4 * np.mean(X ** 2)), db ** 2 / 4
    slope, name = (dw, "w") if gain_w >= gain_b else (db, "b")
    direction = "lower" if slope > 0 else "higher"
    return Feedback(False, f"MSE {loss:.3f} is still {loss - low:.2f} above the bottom. The biggest "
                           f"gain from here: turn {name} {direction}.")
