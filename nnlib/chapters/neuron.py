"""Chapter 2's models: one neuron with several inputs, and the perceptron learning a gate.

``influence`` counts how often each input of the go-for-a-walk neuron decides,
``split_box`` cuts a box by a neuron's boundary line, and ``gate_run`` is the
perceptron rule's run on a logic gate from the chapter's fixed start.
"""
from functools import lru_cache

import numpy as np

from .. import perceptron

__all__ = ["influence", "split_box", "gate_run", "START_W", "START_B", "RATE", "MAX_UPDATES"]


def influence(decisions):
    """How often flipping each input changes the decision.

    decisions: (8,) 0/1 for the situations in binary order (x1 x2 x3 = 000 ... 111).
    Returns (3,) counts out of 4: for input i, the pairs of situations that differ
    only in x_i and get different decisions.
    """
    d = np.asarray(decisions).reshape(2, 2, 2)
    return np.array([int(np.sum(np.diff(d, axis=axis) != 0)) for axis in range(3)])


# ------------------------------------------------------------------ geometry ---

def _clip(polygon, w, b):
    """The part of a convex polygon where w · p + b >= 0, and where its edges cross z = 0.

    polygon: (K, 2) corners in order.  w: (2,).  b: a number.  Returns (inside
    (M, 2) corners, M may be 0; crossings (C, 2) points where an edge meets z = 0).
    """
    z = polygon @ w + b
    inside, crossings = [], []
    for i in range(len(polygon)):
        j = (i + 1) % len(polygon)
        if z[i] >= 0:
            inside.append(polygon[i])
        if (z[i] >= 0) != (z[j] >= 0):
            point = polygon[i] + z[i] / (z[i] - z[j]) * (polygon[j] - polygon[i])
            inside.append(point)
            crossings.append(point)
    return np.array(inside).reshape(-1, 2), np.array(crossings).reshape(-1, 2)


def _box(xlim, ylim):
    """The corners (4, 2) of the box xlim × ylim, counter-clockwise."""
    return np.array([[xlim[0], ylim[0]], [xlim[1], ylim[0]], [xlim[1], ylim[1]], [xlim[0], ylim[1]]])


def _as_patch_corners(corners):
    """(M, 2) corners, or a single invisible point when the region is empty."""
    return corners if len(corners) >= 3 else np.zeros((3, 2))


def split_box(w, b, xlim, ylim):
    """Cut the box by the line w · x + b = 0.

    w: (2,).  b: a number.  Returns (fire (M, 2) corners of the region with
    z >= 0, rest (K, 2) corners of the region with z < 0, line (xs, ys): the
    boundary's end points inside the box, empty when it misses the box or w = 0).
    """
    w = np.asarray(w, dtype=float)
    box = _box(xlim, ylim)
    fire, crossings = _clip(box, w, b)
    rest, _ = _clip(box, -w, -b)
    if not np.any(w):  # no line: the whole box is on one side
        crossings = np.zeros((0, 2))
    return _as_patch_corners(fire), _as_patch_corners(rest), (crossings[:2, 0], crossings[:2, 1])


# ------------------------------------------------------- perceptron learning ---

START_W, START_B, RATE = (-0.5, 1.0), 0.25, 0.5
MAX_UPDATES = 40


@lru_cache(maxsize=None)
def gate_run(task):
    """The perceptron rule run for MAX_UPDATES updates on a gate, from the fixed start."""
    X, y = perceptron.logic_gate(task)
    return perceptron.train(X, y, MAX_UPDATES, w0=START_W, b0=START_B, lr=RATE)
