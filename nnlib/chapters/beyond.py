"""Chapter 8's models: convolution, recurrence and attention, each a small pure function.

``correlate``, ``recur`` and ``attend`` are the maths the chapter's figures and
exercise checkers share; ``digit_picture`` and ``input_sequence`` are their inputs.
"""
import functools

import numpy as np

from .. import activations, datasets
from .._validate import as_float_array, choose
from . import frozen

__all__ = ["correlate", "line_kernel", "digit_picture", "recur", "input_sequence", "attend", "STEPS"]

STEPS = 30
"""How many steps the chapter's recurrence runs."""


# ------------------------------------------------------------------ convolution

def correlate(image, kernel):
    """Slide kernel over image without padding: the "convolution" of a CNN layer.

    image: (H, W).  kernel: (k, k).  Returns (H - k + 1, W - k + 1), where
    out[i, j] = sum over the window of image[i:i+k, j:j+k] * kernel.  The kernel
    is not flipped (a mathematician would call this cross-correlation).
    """
    image = as_float_array(image, "image", ndim=2)
    kernel = as_float_array(kernel, "kernel", ndim=2)
    k = kernel.shape[0]
    if kernel.shape != (k, k) or k > min(image.shape):
        raise ValueError(f"kernel must be square and fit inside the image {image.shape}, "
                         f"got shape {kernel.shape}")
    windows = np.lib.stride_tricks.sliding_window_view(image, (k, k))  # (H-k+1, W-k+1, k, k)
    return np.einsum("ijab,ab->ij", windows, kernel)


def line_kernel(across, first, middle, last):
    """A 3×3 kernel whose three lines of weights are first, middle, last.

    across: "left → right" (columns hold the weights, so it reacts to changes
    from left to right) or "top → bottom" (rows hold them).  Returns (3, 3).
    """
    columns = np.tile([first, middle, last], (3, 1))
    return columns if across == "left → right" else columns.T.copy()


@functools.lru_cache(maxsize=1)
def digit_picture(size=20):
    """``datasets.digit_zero(size)``, a handwritten 0 as (size, size) in [0, 1], cached and read-only."""
    return frozen(datasets.digit_zero(size))[0]


# ------------------------------------------------------------------ recurrence

def recur(x, w_h, w_x=1.0, f="tanh"):
    """Run h_t = f(w_h·h_(t−1) + w_x·x_t) from h_0 = 0 over a sequence.

    x: (T,) inputs x_1..x_T.  f: "tanh" or "none" (no activation: a linear
    recurrence).  Returns h: (T + 1,) with h[0] = 0 and h[t] the state after x_t.
    """
    x = as_float_array(x, "x", ndim=1)
    squash = choose(f, {"tanh": np.tanh, "none": lambda z: z}, "activation f")
    h = np.zeros(len(x) + 1)
    for t, x_t in enumerate(x, start=1):
        h[t] = squash(w_h * h[t - 1] + w_x * x_t)
    return h


def input_sequence(kind, steps=STEPS):
    """x_1..x_steps: ``datasets.pulse_sequence(kind, steps)``, "one blip" or "held on": (steps,)."""
    return datasets.pulse_sequence(kind, steps)


# ------------------------------------------------------------------ attention

def attend(query, keys, values):
    """Scaled dot-product attention for one query.

    query: (D,).  keys: (N, D).  values: (N, E).  Returns (scores (N,),
    weights (N,), output (E,)): scores = keys @ query / sqrt(D),
    weights = softmax(scores), output = weights @ values.
    """
    query = as_float_array(query, "query", ndim=1)
    keys = as_float_array(keys, "keys", ndim=2)
    values = as_float_array(values, "values", ndim=2)
    if keys.shape[1] != len(query) or len(values) != len(keys):
        raise ValueError(f"keys must be (N, {len(query)}) and values (N, E) with the same N, "
                         f"got {keys.shape} and {values.shape}")
    scores = keys @ query / np.sqrt(len(query))
    weights = activations.softmax(scores)
    return scores, weights, weights @ values
