"""Gradient checking: compare backpropagation with finite differences.

For a scalar function L of an array x, the centred difference
    dL/dx_i  ≈  (L(x + eps e_i) - L(x - eps e_i)) / (2 eps)
has an error of order eps^2, so with eps = 1e-6 a correct backward pass agrees
with it to about 1e-8 in relative error.  A bug usually shows up as 1e-2 or worse.
"""
import numpy as np

from . import losses
from ._validate import as_batch, as_float_array, positive_number
from .train import _check_model


def numerical_gradient(f, x, eps=1e-6):
    """Centred-difference gradient of f with respect to x.

    f: function of no arguments returning a number; it must read x (a closure).
    x: float64 ndarray of any shape, nudged in place one entry at a time and
    always restored.  Returns an array of x's shape.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments, got {type(f).__name__}")
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        raise TypeError("x must be a float64 numpy array (it is changed in place so that "
                        f"f sees the change), got {type(x).__name__}")
    eps = positive_number(eps, "eps")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = _centred_difference(f, x, i, eps)
    return grad


def _centred_difference(f, x, i, eps):
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), leaving x[i] unchanged."""
    original = x[i]
    try:
        x[i] = original + eps
        f_plus = _number(f())
        x[i] = original - eps
        f_minus = _number(f())
    finally:
        x[i] = original
    return (f_plus - f_minus) / (2 * eps)


def _number(value):
    """value: what f returned; must be one real number (a float, int or 0-d array)."""
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if arr is None or arr.ndim != 0 or arr.dtype.kind not in "iuf":
        shape = f" of shape {arr.shape}" if arr is not None and arr.ndim else ""
        raise TypeError(f"f must return a single number (e.g. the loss), "
                        f"got {type(value).__name__}{shape}")
    return float(arr)


def relative_error(a, b):
    """One number saying how different two arrays are.

    a, b: arrays of the same shape.  Returns max|a - b| / max(|a| + |b|),
    i.e. scaled by the size of the largest entries, and 0 when both are all 0.
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    scale = np.max(np.abs(a) + np.abs(b))
    if scale == 0:
        return 0.0
    return float(np.max(np.abs(a - b)) / scale)


def check_model(model, loss_name, X, y, eps=1e-6):
    """Relative errors between backprop and numerical gradients.

    model: has forward, backward, parameters, gradients.  loss_name: a name in
    losses.LOSSES.  X: (N, D) inputs.  y: targets for that loss.
    Returns a list with one relative error per parameter array (in the order
    of model.parameters()), then one for dL/dX.
    """
    _check_model(model)
    loss_fn = losses.get(loss_name)
    X = as_batch(X, "X").copy()  # a private copy: it is nudged in place

    def loss():
        return loss_fn(model.forward(X), y)[0]

    _, dout = loss_fn(model.forward(X), y)
    dX = model.backward(dout)
    analytic = [g.copy() for g in model.gradients()] + [dX]
    numeric = [numerical_gradient(loss, p, eps) for p in model.parameters()]
    numeric.append(numerical_gradient(loss, X, eps))
    return [relative_error(a, n) for a, n in zip(analytic, numeric)]
