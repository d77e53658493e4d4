"""Chapter 6's models: gradients of the line fit, gradient descent on it, and a neuron's chain rule.

The gradients come from ``nnlib.layers`` (a Dense layer's backward pass) and the
training runs from ``nnlib.train.fit``; the pure functions ``line_gradient``,
``gradient_descent_path`` and ``neuron_chain`` are what the tests compare with
the library.  Runs are cached, so their arrays come back read-only.
"""
from functools import lru_cache

import numpy as np

from .. import activations, datasets, layers, losses, train
from .._validate import as_float_array, positive_number
from .loss import best_line

__all__ = ["START", "STEPS", "ESCAPE", "BATCHES", "BATCH_LR", "EPOCHS", "line_gradient",
           "gradient_descent_path", "descent_run", "verdict", "neuron_chain", "batch_run"]

START = (-2.0, -3.5)
"""Where every descent in this chapter starts: w = −2, b = −3.5 (far from the best line)."""
STEPS = 40
ESCAPE = 1e3
"""A descent stops once |w| or |b| passes this: it has left the map for good."""
BATCHES = {"1": 1, "4": 4, "12 (all)": 12}
"""The batch sizes ``batch_run`` trains with, by the name its figure shows."""
BATCH_LR = 0.02
EPOCHS = 30


def line_gradient(w, b, X, y):
    """Loss and gradient of the line fit, from nnlib's Dense layer.

    w, b: numbers.  X: (N, 1) inputs, y: (N, 1) targets.  Returns (loss,
    grad) with grad = (∂L/∂w, ∂L/∂b), shape (2,), for L = MSE of ŷ = w·x + b.
    """
    layer = layers.Dense.from_weights([[w]], [b])
    loss, dout = losses.mse(layer.forward(X), y)
    layer.backward(dout)
    return loss, np.array([layer.dW[0, 0], layer.db[0]])


def gradient_descent_path(grad_fn, start, lr, steps, escape=ESCAPE):
    """The points visited by plain gradient descent, p ← p − lr·grad_fn(p).

    grad_fn: function of a (P,) point returning its (P,) gradient.  start: (P,).
    lr: learning rate > 0.  steps: whole number >= 0.  Returns (K + 1, P), the
    start then one row per step; K < steps if a point leaves the box
    |p_i| <= escape (that point is kept) or the gradient stops being finite.
    """
    point = as_float_array(start, "start", ndim=1).copy()
    lr = positive_number(lr, "lr")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be a whole number >= 0, got {steps!r}")
    path = [point]
    for _ in range(steps):
        with np.errstate(all="ignore"):
            point = point - lr * np.asarray(grad_fn(point), dtype=np.float64)
        if not np.all(np.isfinite(point)):
            break
        path.append(point)
        if np.abs(point).max() > escape:
            break
    return np.array(path)


@lru_cache(maxsize=64)
def descent_run(lr, steps=STEPS, start=START):
    """Gradient descent on the chapter-1 line fit.  Returns (path (K+1, 2), losses (K+1,)).

    lr: learning rate.  The arrays are cached, so they come back read-only.
    """
    X, y = datasets.line_points()
    path = gradient_descent_path(lambda p: line_gradient(p[0], p[1], X, y)[1], start, lr, steps)
    loss = np.array([line_gradient(w, b, X, y)[0] for w, b in path])
    path.setflags(write=False)
    loss.setflags(write=False)
    return path, loss


def verdict(path, loss, steps=STEPS):
    """One phrase on how a run went: "diverging", "on the edge", "zig-zag", "too small" or
    "about right".

    path: (K+1, 2) points, loss: (K+1,) their losses, steps: how many were asked for.
    A run zig-zags when w changes direction at most steps; it has settled when
    its last loss is within 5 % of the lowest possible.
    """
    X, y = datasets.line_points()
    low = losses.mse(np.column_stack([X[:, 0], np.ones(len(X))]) @ best_line(X, y), y[:, 0])[0]
    if len(path) < steps + 1 or loss[-1] > loss[0]:
        return "diverging"
    settled = loss[-1] <= 1.05 * low
    dw = np.diff(path[:, 0])
    if np.mean(np.sign(dw[1:]) != np.sign(dw[:-1])) > 0.5:
        return "zig-zag" if settled else "on the edge"
    return "about right" if settled else "too small"


def neuron_chain(x, w, b, y):
    """Forward values and gradients of L = (σ(w·x + b) − y)², by the chain rule.

    x, w, b, y: numbers.  Returns a dict of floats: z, a, L (forward);
    dL_da, da_dz (local derivatives); dL_dz, dL_dw, dL_db, dL_dx (backward).
    """
    z = w * x + b
    a = float(activations.sigmoid(z))
    dL_da = 2.0 * (a - y)
    da_dz = a * (1.0 - a)
    dL_dz = dL_da * da_dz
    return {"z": z, "a": a, "L": (a - y) ** 2, "dL_da": dL_da, "da_dz": da_dz, "dL_dz": dL_dz,
            "dL_dw": dL_dz * x, "dL_db": dL_dz, "dL_dx": dL_dz * w}


@lru_cache(maxsize=8)
def batch_run(batch):
    """Train the line y = w·x + b from START with nnlib.train.fit.

    batch: a key of BATCHES.  Returns (points (EPOCHS + 1, 2): (w, b) at the
    start and after each epoch; history: the fit's History).
    """
    X, y = datasets.line_points()
    model = layers.Dense.from_weights([[START[0]]], [START[1]])
    points = [START]
    history = train.fit(model, X, y, loss="mse", lr=BATCH_LR, epochs=EPOCHS,
                        batch_size=BATCHES[batch], seed=0,
                        callback=lambda epoch, h: points.append((model.W[0, 0], model.b[0])))
    points = np.array(points)
    points.setflags(write=False)
    return points, history
