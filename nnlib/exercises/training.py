"""Chapter 7 exercises: the smallest network for XOR, accuracy from a confusion
matrix, and when to stop training."""
import numbers

import numpy as np

from ..chapters import training
from . import Feedback, as_number, friendly

XOR_LR = 2.5
"""The learning rate the XOR exercise uses (the training figure's default)."""
EARLY_STOP_SIZE = "16 units"
EARLY_STOP_SLACK = 1.10
"""An epoch is a good place to stop if its validation loss is within 10 % of the lowest."""


def _whole(value, name, allowed):
    """value as an int from ``allowed``, or a ValueError naming the choices."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} should be a whole number, one of {list(allowed)}; got {value!r}")
    if value not in allowed:
        raise ValueError(f"{name} should be one of the slider's values {list(allowed)}, got {value}")
    return int(value)


@friendly
def check_smallest_xor(width, depth, f):
    """Is (width, depth, f) the network with the fewest hidden units that gets every XOR point right?"""
    if width is None or depth is None or f is None:
        return Feedback(False, "replace each None with a setting of the figure's knobs, then run the cell.")
    width = _whole(width, "width", (2, 4, 6, 8))
    depth = _whole(depth, "depth", (1, 2))
    if f not in ("relu", "tanh"):
        return Feedback(False, f"f should be \"relu\" or \"tanh\", got {f!r}.")
    run = training.trained("xor", f, width, depth, XOR_LR)
    units, final = width * depth, run.accuracy[-1]
    if final < 1.0:
        hint = ("this start leaves a corner where every relu unit outputs 0, and no gradient "
                "can fix that; try the other activation" if f == "relu" else
                "give it more units or another layer")
        return Feedback(False, f"after 600 epochs this network gets {final:.0%} of the points "
                               f"right, not all of them: {hint}.")
    if units > 2:
        return Feedback(False, f"it works, with {units} hidden units in all. Can fewer units "
                               f"do it? Try the narrowest single layer with each activation.")
    return Feedback(True, "two tanh units in one layer are enough: each draws one line, and the "
                          "output combines the two strips they make.")


@friendly
def check_accuracy_from_confusion(answer, counts):
    """Is ``answer`` the accuracy (a fraction in [0, 1]) that the confusion matrix counts shows?"""
    if answer is None:
        return Feedback(False, "replace None with your accuracy, then run the cell.")
    counts = np.asarray(counts)
    correct, total = int(np.trace(counts)), int(counts.sum())
    expected = correct / total
    if callable(answer):
        return Feedback(False, "pass the number your formula gives, not the function itself.")
    value = as_number(answer, "your accuracy")
    if abs(value - expected) < 1e-3:
        return Feedback(True, f"{correct} of {total} held-out digits sit on the diagonal: "
                              f"{expected:.3f}.")
    if abs(value - correct) < 0.5:
        return Feedback(False, f"{value:g} is the number of correct answers; divide it by the "
                               f"number of digits, which is the sum of every entry.")
    if abs(value - 100 * expected) < 0.1:
        return Feedback(False, "that is a percentage; give the accuracy as a fraction between 0 and 1.")
    if abs(value - (1 - expected)) < 1e-3:
        return Feedback(False, "that is the share of mistakes (the error rate); the accuracy counts "
                               "the correct answers.")
    return Feedback(False, "not yet: correct answers are on the diagonal (np.trace), and every "
                           "digit is counted once somewhere in the matrix (counts.sum()).")


@friendly
def check_early_stop(epoch):
    """Is stopping after ``epoch`` epochs a good choice for the 16-unit network of the last figure?"""
    if epoch is None:
        return Feedback(False, "replace None with a number of epochs, then run the cell.")
    value = as_number(epoch, "the epoch")
    if value != int(value) or not 0 <= value <= training.FIT_EPOCHS:
        return Feedback(False, f"give a whole number of epochs between 0 and {training.FIT_EPOCHS}.")
    run = training.fitted(EARLY_STOP_SIZE)
    val = np.asarray(run.val_loss)
    best = training.best_epoch(run)
    if value == 0:
        return Feedback(False, "after 0 epochs the network has learned nothing yet; train a little first.")
    here, lowest = val[int(value) - 1], val.min()
    if here <= EARLY_STOP_SLACK * lowest:
        return Feedback(True, f"after {int(value)} epochs the validation loss is {here:.3f}, close to "
                              f"its lowest value {lowest:.3f} (reached after {best} epochs).")
    side = "too early: it is still falling" if value < best else "too late: it has been rising since its lowest point"
    return Feedback(False, f"the validation loss there is {here:.3f}, {side}. Follow the dashed "
                           f"curve and look for the ▼ marker.")
