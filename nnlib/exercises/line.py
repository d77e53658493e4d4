"""Chapter 1 exercise: turn w and b until the line's error is small."""
import numpy as np

from .. import datasets, losses
from . import Feedback, as_number, friendly

TARGET_MSE = 0.5


@friendly
def check_fit(w, b, target=TARGET_MSE):
    """Is the mean squared error of y = w·x + b on the chapter's points below target?"""
    w, b = as_number(w, "w"), as_number(b, "b")
    X, y = datasets.line_points()
    loss, _ = losses.mse(w * X + b, y)
    if loss < target:
        return Feedback(True, f"with w = {w:.2f} and b = {b:.2f} the error is {loss:.3f}, under {target}.")
    best_w, _ = np.polyfit(X[:, 0], y[:, 0], deg=1)
    if abs(w - best_w) > 0.15:
        hint = "the tilt is off: turn w until the line runs along the cloud of points"
    else:
        hint = "the tilt looks right: now slide b to move the line up or down"
    return Feedback(False, f"the error is {loss:.3f}, still above {target}; {hint}.")


@friendly
def check_output(answer, w=1.5, b=-2.0, x=3.0):
    """Is ``answer`` the output w·x + b of the neuron in the exercise?"""
    if answer is None:
        return Feedback(False, "replace None with a number, then run the cell again.")
    answer, expected = as_number(answer, "your answer"), w * x + b
    if abs(answer - expected) < 1e-6:
        return Feedback(True, f"{w} × {x} + ({b}) = {expected}.")
    if abs(answer - w * x) < 1e-6:
        return Feedback(False, f"{answer} is w·x; the bias still has to be added.")
    return Feedback(False, f"{answer} is not it: multiply the input by the weight, then add the bias.")
