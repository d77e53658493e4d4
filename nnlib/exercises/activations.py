"""Chapter 3 exercises: stacked lines, vanishing slopes, softmax and a two-unit bump."""
import math

import numpy as np

from .. import activations, datasets
from ..chapters import activations as chapter
from ..plotting import number
from . import Feedback, as_number, friendly

# The two layers of the collapse exercise: h = 2x − 1, then y = −1.5h + 0.5.
STACK = {"w1": 2.0, "b1": -1.0, "w2": -1.5, "b2": 0.5}
SCORES = (3.0, 1.0, 0.0)
SHARE = 1e-3  # the vanishing exercise: when does at most a thousandth of the gradient survive?
TARGET_MSE = 0.01
BUMP_KNOBS = ("f", "w1", "b1", "w2", "b2", "v1", "v2")


def _close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(b))


@friendly
def check_collapse(w, b):
    """Are w and b the single layer equal to STACK's two linear layers in a row?"""
    if w is None or b is None:
        return Feedback(False, "replace None with numbers for w and b, then run the cell again.")
    w, b = as_number(w, "w"), as_number(b, "b")
    s = STACK
    want_w, want_b = chapter.collapse(s["w1"], s["b1"], s["w2"], s["b2"])
    if _close(w, want_w) and _close(b, want_b):
        return Feedback(True, f"y = {number(want_w, 1)}·x + {number(want_b, 1)}: the same numbers as "
                              "the two layers give for every x (try x = 0 and x = 1).")
    if not _close(w, want_w):
        if _close(w, s["w1"] + s["w2"]):
            return Feedback(False, "weights in a row multiply, they do not add: layer 2 scales "
                                   "whatever layer 1 hands it.")
        return Feedback(False, f"w = {w:g} is not the slope. Put h = w₁·x + b₁ into y = w₂·h + b₂ "
                               "and collect the terms with x.")
    if _close(b, s["b1"] + s["b2"]):
        return Feedback(False, "the slope is right. The bias is not b₁ + b₂: layer 2 multiplies "
                               "layer 1's bias by w₂ before adding its own.")
    if _close(b, s["w2"] * s["b1"]) or _close(b, s["b2"]):
        return Feedback(False, "the slope is right. The bias has two parts: layer 1's bias as "
                               "layer 2 scales it, plus layer 2's own bias.")
    return Feedback(False, "the slope is right; now work out y at x = 0: that is the bias.")


@friendly
def check_depth(layers):
    """Is ``layers`` the fewest sigmoid layers after which at most SHARE of the gradient is left?"""
    if layers is None:
        return Feedback(False, "replace None with a whole number of layers, then run the cell again.")
    n = as_number(layers, "the number of layers")
    if n != int(n) or n < 1:
        return Feedback(False, f"{layers!r} is not a number of layers: give a whole number such as 3.")
    n = int(n)
    want = math.ceil(math.log(SHARE) / math.log(0.25))
    if n == want:
        return Feedback(True, f"0.25^{want - 1} = {0.25 ** (want - 1):.5f} is still above {SHARE}, "
                              f"and 0.25^{want} = {0.25 ** want:.6f} is below it.")
    if n < want:
        return Feedback(False, f"after {n} layers the best case still leaves 0.25^{n} = {0.25 ** n:.5f}, "
                               f"which is more than {SHARE}. Keep multiplying by 0.25.")
    return Feedback(False, f"0.25^{n} is far below {SHARE}, but so is 0.25^{n - 1}: you want the "
                           "first number of layers that gets there.")


@friendly
def check_softmax(p):
    """Is ``p`` the softmax probability of the first class for the scores SCORES?"""
    if p is None:
        return Feedback(False, "replace None with a probability (a number between 0 and 1).")
    p = as_number(p, "your probability")
    want = float(activations.softmax(np.array(SCORES))[0])
    if abs(p - want) < 0.005:
        return Feedback(True, f"e³ / (e³ + e¹ + e⁰) = {want:.3f}.")
    if abs(p - math.exp(SCORES[0])) < 0.01:
        return Feedback(False, "that is e³ on its own; divide it by e³ + e¹ + e⁰ so that the "
                               "three add up to 1.")
    if not 0 <= p <= 1:
        return Feedback(False, f"{p:g} cannot be a probability: softmax gives numbers between 0 and 1.")
    if abs(p - SCORES[0] / sum(SCORES)) < 0.005:
        return Feedback(False, "that is the score divided by the sum of the scores. Softmax first "
                               "raises e to each score, then divides by the sum of those.")
    return Feedback(False, "not quite: compute e^z for each of the three scores, then divide the "
                           "first by their sum.")


def _bump_knobs(knobs):
    """The seven knob values from a dict (such as a figure's .values), checked."""
    if not isinstance(knobs, dict):
        raise TypeError(f"give the knobs as a dict such as bump.values, got {type(knobs).__name__}")
    missing = [name for name in BUMP_KNOBS if name not in knobs]
    if missing:
        raise ValueError(f"the dict lacks {', '.join(missing)}")
    if knobs["f"] not in ("tanh", "relu"):
        raise ValueError(f"f should be 'tanh' or 'relu', got {knobs['f']!r}")
    return {name: knobs["f"] if name == "f" else as_number(knobs[name], name) for name in BUMP_KNOBS}


@friendly
def check_bump(knobs, target=TARGET_MSE):
    """Does the two-unit network with these knobs fit the bump with an MSE below target?"""
    k = _bump_knobs(knobs)
    X, y = datasets.bump_points()
    loss = chapter.bump_mse(X, y, **k)
    if loss < target:
        return Feedback(True, f"MSE = {loss:.4f}, under {target}, where the best straight line "
                              f"manages only {chapter.best_line(X, y)[2]:.3f}.")
    verdict = f"MSE = {loss:.4f}, still above {target}; "
    if k["f"] == "relu":
        return Feedback(False, verdict + "two ReLU units with no output bias can only make one rise "
                                         "and one fall that never level off: switch f to tanh.")
    up1, up2 = k["v1"] * k["w1"], k["v2"] * k["w2"]
    if up1 * up2 >= 0:
        return Feedback(False, verdict + "a bump needs one unit that steps up and one that steps down: "
                                         "flip the sign of v2 (or of w2).")
    rise, fall = (1, 2) if up1 > 0 else (2, 1)
    rise_at, fall_at = (-k[f"b{i}"] / k[f"w{i}"] for i in (rise, fall))
    if rise_at > fall_at:
        return Feedback(False, verdict + f"that makes a dip, not a bump: unit {rise} steps up at "
                                         f"x = {rise_at:.2f}, to the right of unit {fall}'s step down at "
                                         f"x = {fall_at:.2f}. Swap where they step (x = −b/w).")
    if not rise_at < 0 < fall_at:
        return Feedback(False, verdict + "each unit steps where its z is 0, at x = −b/w. Put one step "
                                         "left of the peak (near x = −0.7) and the other right of it.")
    return Feedback(False, verdict + "the shape is there: larger |w| makes the sides steeper, and "
                                     "v1 and v2 set the height. Aim the top at about 0.95.")
