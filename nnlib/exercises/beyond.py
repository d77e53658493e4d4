"""Chapter 8 exercises: write a convolution, compute attention weights by hand,
and tune a recurrent weight for a memory of the right length."""
import numpy as np

from ..chapters import beyond
from . import Feedback, as_number, friendly

ATTENTION_QUERY = np.array([2.0, 1.0])
ATTENTION_KEYS = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
HALF_LIFE = 10
"""The recurrence exercise: after this many steps, half of the blip should be left."""


def _test_cases():
    """(image, kernel) pairs that catch the usual slips: non-square, asymmetric, negative."""
    rng = np.random.default_rng(7)
    ramp = np.arange(30.0).reshape(5, 6)
    corner = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 3.0]])
    return [(ramp, corner), (rng.normal(size=(7, 4)), rng.normal(size=(3, 3))),
            (beyond.digit_picture(), beyond.line_kernel("left → right", -1.0, 0.0, 1.0))]


def _run_reader_function(fn, image, kernel):
    """fn(image, kernel) as an array, or the Feedback explaining why it failed."""
    try:
        out = fn(image.copy(), kernel.copy())
    except Exception as err:  # the reader's code: report, never crash
        return Feedback(False, f"your function raised {type(err).__name__}: {err}")
    if out is None:
        return Feedback(False, "your function returned None: build the output array and return it.")
    try:
        return np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        return Feedback(False, f"your function should return an array of numbers, got {type(out).__name__}.")


@friendly
def check_correlate(fn):
    """Does the reader's fn(image, kernel) slide a 3×3 kernel over an image like a CNN layer?"""
    if fn is None:
        return Feedback(False, "define convolve(image, kernel) in the cell and pass it in (no brackets).")
    if not callable(fn):
        return Feedback(False, "pass the function itself, e.g. check_correlate(convolve), not its result.")
    for image, kernel in _test_cases():
        out = _run_reader_function(fn, image, kernel)
        if isinstance(out, Feedback):
            return out
        expected = beyond.correlate(image, kernel)
        if out.shape != expected.shape:
            h, w = image.shape
            return Feedback(False, f"for a {h}×{w} image the result should be {h - 2}×{w - 2} "
                                   f"(that is how many places a 3×3 window fits), got {out.shape}.")
        if np.allclose(out, expected):
            continue
        if np.allclose(out, beyond.correlate(image, kernel[::-1, ::-1])):
            return Feedback(False, "you flipped the kernel (the textbook convolution). A CNN layer "
                                   "slides it as it is: multiply image[i + a, j + b] by kernel[a, b].")
        if out.shape == expected.T.shape and np.allclose(out, expected.T):
            return Feedback(False, "rows and columns are swapped somewhere: out[i, j] should use "
                                   "image[i:i + 3, j:j + 3].")
        return Feedback(False, "the shape is right but some numbers are not: out[i, j] should be "
                               "the sum of image[i:i + 3, j:j + 3] * kernel.")
    return Feedback(True, "your function agrees with nnlib on three images, the digit included: "
                          "nine shared weights, one window position at a time.")


@friendly
def check_attention_weights(weights):
    """Are ``weights`` the softmax of q·k for the exercise's query and three keys?"""
    if weights is None:
        return Feedback(False, "replace None with a list of three weights, then run the cell.")
    values = np.array([as_number(w, "each weight") for w in np.ravel(np.asarray(weights, dtype=object))])
    if values.shape != (3,):
        return Feedback(False, f"give one weight per key: three numbers, got {values.size}.")
    scores = ATTENTION_KEYS @ ATTENTION_QUERY
    expected = np.exp(scores) / np.exp(scores).sum()
    if np.allclose(values, expected, atol=0.01):
        return Feedback(True, "the scores 2, 1 and −2 become the weights "
                              f"{expected[0]:.3f}, {expected[1]:.3f} and {expected[2]:.3f}, "
                              "which add up to 1.")
    if np.allclose(values, scores, atol=0.01):
        return Feedback(False, "those are the scores q·k. Turn them into weights with the softmax: "
                               "exponentiate each, then divide by the total.")
    if np.allclose(values, scores / scores.sum(), atol=0.01):
        return Feedback(False, "you divided the scores by their sum; exponentiate them first, so "
                               "that every weight is positive.")
    if np.allclose(values, _scaled_softmax(scores), atol=0.01):
        return Feedback(False, "you divided the scores by √2 first. That scaling is right in a "
                               "transformer, but this exercise asks for the plain softmax of q·k.")
    if abs(values.sum() - 1) > 0.02:
        return Feedback(False, f"attention weights add up to 1; yours add up to {values.sum():.3f}.")
    return Feedback(False, "not yet: the scores are q·k for each key (2, 1 and −2); "
                           "the weights are e^score divided by the sum of all three.")


def _scaled_softmax(scores):
    """softmax(scores / sqrt(2)): the transformer's scaling for 2-D vectors."""
    e = np.exp(scores / np.sqrt(2))
    return e / e.sum()


@friendly
def check_half_life(w_h):
    """Does w_h leave half of a blip after HALF_LIFE steps of the linear recurrence?"""
    if w_h is None:
        return Feedback(False, "replace None with a value of w_h, then run the cell.")
    w_h = as_number(w_h, "w_h")
    if abs(w_h) > 2:
        return Feedback(False, f"w_h = {w_h:g} makes the blip grow at every step; look between −1 and 1.")
    h = beyond.recur(beyond.input_sequence("one blip", HALF_LIFE + 1), w_h, f="none")
    left = h[1 + HALF_LIFE]  # h[1] = 1 is the blip itself
    if abs(left - 0.5) < 0.01:
        extra = (" With a negative w_h the sign flips at every step, and ten flips bring it "
                 "back to +." if w_h < 0 else "")
        return Feedback(True, f"after {HALF_LIFE} more steps h = {w_h:g}^{HALF_LIFE} = {left:.3f}.{extra}")
    if abs(left) > 0.5:
        return Feedback(False, f"h is {left:.3g} after {HALF_LIFE} steps: too much is left, "
                               f"so bring w_h closer to 0.")
    return Feedback(False, f"h is {left:.3g} after {HALF_LIFE} steps: the memory fades too fast, "
                           f"so move w_h closer to 1. (Solve w_h^{HALF_LIFE} = 0.5.)")
