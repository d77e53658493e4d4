"""Chapter 5's models: the best line through the points and the loss landscape of the line fit."""
import numpy as np

__all__ = ["best_line", "landscape"]


def best_line(X, y):
    """The (w, b) with the lowest MSE for y ≈ w·x + b, by least squares.

    X: (N, 1) inputs, y: (N, 1) targets.  Returns two floats.
    """
    A = np.column_stack([X[:, 0], np.ones(len(X))])
    (w, b), *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    return float(w), float(b)


def landscape(X, y, ws, bs):
    """MSE of the line y = w·x + b for every pair on a grid.

    X: (N, 1), y: (N, 1), ws: (P,), bs: (Q,).  Returns (Q, P): row i is b = bs[i],
    column j is w = ws[j] (the layout contour plots expect).
    """
    W, B = np.meshgrid(ws, bs)
    errors = W[..., None] * X[:, 0] + B[..., None] - y[:, 0]
    return np.mean(errors ** 2, axis=-1)
