"""Chapter 6 exercises: the chain rule by hand, a gradient in code, and a learning rate that works."""
import numpy as np

from .. import datasets, gradcheck, losses
from ..chapters.gradient_descent import descent_run, neuron_chain
from ..plotting import number
from . import Feedback, as_number, call_reader, friendly, replace_none
from .loss import near, short

NEURON = {"x": 3.0, "w": 1.0, "b": -3.0, "y": 1.0}
"""The neuron of the chain-rule exercise: z = 0, a = 0.5, so ∂L/∂w = −0.75."""
GRADIENT_POINTS = ((0.0, 0.0), (0.5, -1.0), (-2.0, 3.0), (1.3, 0.7))
"""The (w, b) settings at which check_line_gradients tests the reader's function."""
TOLERANCE = 1e-6
"""Largest relative error from finite differences that counts as right."""
LR_STEPS = 20
LR_TARGET = 0.2


@friendly
def check_chain_rule(answer):
    """Is ``answer`` ∂L/∂w for the neuron NEURON with L = (σ(w·x + b) − y)²?"""
    if (verdict := replace_none(answer)) is not None:
        return verdict
    answer = as_number(answer, "your answer")
    c = neuron_chain(**NEURON)
    if near(answer, c["dL_dw"], 1e-3):
        return Feedback(True, f"∂L/∂a · ∂a/∂z · ∂z/∂w = ({short(c['dL_da'])}) × {short(c['da_dz'])} × "
                              f"{short(NEURON['x'])} = {short(c['dL_dw'])}.")
    slips = (
        (-c["dL_dw"], "check the sign. a = 0.5 is below the target y = 1, so ∂L/∂a = 2(a − y) is negative."),
        (c["dL_dz"], "that is ∂L/∂z (and ∂L/∂b). One more factor: ∂z/∂w = x."),
        (c["dL_da"] * NEURON["x"], "you left out the sigmoid's link, ∂a/∂z = a(1 − a)."),
        (c["dL_dw"] / 2, "the derivative of (a − y)² is 2(a − y): the 2 is missing."),
        (c["dL_da"], "that is only ∂L/∂a, the first link of the chain."),
    )
    for value, hint in slips:
        if near(answer, value, 1e-3):
            return Feedback(False, f"{short(answer)} is not it: {hint}")
    return Feedback(False, f"{short(answer)} is not it. Go forward first (z, then a = σ(z)), then multiply the "
                           "three links ∂L/∂a, ∂a/∂z and ∂z/∂w.")


def _numerical(w, b, X, y):
    """(∂L/∂w, ∂L/∂b) of the line's MSE by centred differences (nnlib.gradcheck)."""
    knobs = np.array([w, b])
    return gradcheck.numerical_gradient(lambda: losses.mse(knobs[0] * X + knobs[1], y)[0], knobs)


def _pair(value):
    """The reader's return value as two floats (dL/dw, dL/db).  Returns (array, None) or (None, Feedback)."""
    if value is None:
        return None, Feedback(False, "your function returned None: end it with "
                                     "`return dL_dw, dL_db`, two numbers.")
    if isinstance(value, (tuple, list)) and any(v is None for v in value):
        return None, Feedback(False, "replace each None with your formula, then run the cell again.")
    try:
        if isinstance(value, (str, bytes)) or any(isinstance(v, (str, bytes)) for v in value):
            raise TypeError("text is not a number")
        parts = [np.asarray(v, dtype=float) for v in value]
    except (TypeError, ValueError):
        return None, Feedback(False, f"your function returned {value!r}; it should return two numbers, "
                                     "dL_dw and dL_db.")
    if len(parts) != 2 or any(p.size != 1 for p in parts):
        sizes = [int(p.size) for p in parts]
        return None, Feedback(False, f"your function returned {len(parts)} things of sizes {sizes}; it should "
                                     "return two single numbers, `return dL_dw, dL_db` (take the means).")
    pair = np.array([p.item() for p in parts])
    if not np.all(np.isfinite(pair)):
        return None, Feedback(False, f"your function returned {pair.tolist()}: not finite numbers.")
    return pair, None


def _gradient_hint(got, w, b, X, y):
    """Name the likely slip in a wrong (dL/dw, dL/db), or '' if it is not a known one."""
    error = w * X[:, 0] + b - y[:, 0]
    right = np.array([np.mean(2 * error * X[:, 0]), np.mean(2 * error)])
    slips = (
        (right * len(X), "that is the sum over the points; the loss is a mean, so divide by N."),
        (right / 2, "the derivative of (ŷ − y)² is 2(ŷ − y): the factor 2 is missing."),
        (-right, "the sign is flipped: with the error written as ŷ − y, ∂ŷ/∂w = +x and ∂ŷ/∂b = +1."),
        (right[::-1], "the two are swapped: return dL_dw first, then dL_db."),
        (np.array([right[1], right[1]]), "dL_dw needs each error multiplied by its own x, since ∂ŷ/∂w = x."),
    )
    for value, hint in slips:
        if gradcheck.relative_error(got, value) < 1e-6:
            return hint
    if gradcheck.relative_error(got[1:], right[1:]) < TOLERANCE:
        return "dL_db is right; dL_dw is not. Multiply each error by its x before averaging."
    if gradcheck.relative_error(got[:1], right[:1]) < TOLERANCE:
        return "dL_dw is right; dL_db is not. It is the mean of 2(ŷ − y)."
    return ""


@friendly
def check_line_gradients(fn):
    """Does fn(w, b, X, y) return (∂L/∂w, ∂L/∂b) of the MSE of ŷ = w·x + b?

    The answer is compared with nnlib.gradcheck's finite differences at GRADIENT_POINTS.
    """
    X, y = datasets.line_points()
    for w, b in GRADIENT_POINTS:
        value, failed = call_reader(fn, w, b, X.copy(), y.copy())
        if failed is not None:
            return failed
        got, failed = _pair(value)
        if failed is not None:
            return failed
        numeric = _numerical(w, b, X, y)
        error = gradcheck.relative_error(got, numeric)
        if error > TOLERANCE:
            hint = _gradient_hint(got, w, b, X, y) or ("write L = (1/N) Σ (w·x + b − y)² and differentiate "
                                                       "one knob at a time, holding the other fixed.")
            return Feedback(False, f"at w = {number(w)}, b = {number(b)} you return "
                                   f"({number(got[0], 4)}, {number(got[1], 4)}) but finite differences give "
                                   f"({number(numeric[0], 4)}, {number(numeric[1], 4)}): {hint}")
    return Feedback(True, f"your gradients match nnlib.gradcheck's finite differences at all "
                          f"{len(GRADIENT_POINTS)} test settings (relative error below {TOLERANCE:g}).")


@friendly
def check_learning_rate(lr):
    """Does gradient descent with this lr take the line fit below LR_TARGET in LR_STEPS steps?"""
    if (verdict := replace_none(lr)) is not None:
        return verdict
    lr = as_number(lr, "the learning rate")
    if lr <= 0:
        return Feedback(False, f"η = {short(lr)} would walk uphill or stand still; pick a number above 0.")
    path, loss = descent_run(lr, steps=LR_STEPS)
    if len(path) <= LR_STEPS or loss[-1] > loss[0]:
        return Feedback(False, f"with η = {short(lr)} the steps overshoot further and further and the loss "
                               "blows up. Take a smaller learning rate.")
    if loss[-1] < LR_TARGET:
        return Feedback(True, f"with η = {short(lr)} the loss falls from {loss[0]:.1f} to {loss[-1]:.3f} "
                              f"in {LR_STEPS} steps.")
    zigzag = np.mean(np.sign(np.diff(path[:, 0]))[1:] != np.sign(np.diff(path[:, 0]))[:-1]) > 0.5
    advice = ("The path zig-zags across the valley: a slightly smaller η settles faster." if zigzag else
              "The steps are too timid to get down the long valley in time: take a larger η.")
    return Feedback(False, f"with η = {short(lr)} the loss after {LR_STEPS} steps is {loss[-1]:.3f}, "
                           f"not yet below {LR_TARGET}. {advice}")
