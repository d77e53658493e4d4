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

    f: function of no arguments returning a finite number; it must read x (a
    closure).  x: finite float64 ndarray of any shape, nudged in place one entry
    at a time and always restored.  eps must be large enough to change every
    entry of x (x + eps != x) without leaving the float64 range.  Returns an
    array of x's shape.
    """
    if not callable(f):
        raise TypeError(f"f must be a function of no arguments, got {type(f).__name__}")
    if not (isinstance(x, np.ndarray) and x.dtype == np.float64):
        raise TypeError("x must be a float64 numpy array (it is changed in place so that "
                        f"f sees the change), got {type(x).__name__}")
    if not x.flags.writeable:
        raise ValueError("x must be writeable: it is changed in place so that f sees the change")
    if x.size and not np.isfinite(x).all():
        raise ValueError("x contains NaN or infinity; expected finite numbers")
    eps = positive_number(eps, "eps")
    _check_step(x, eps)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        grad[i] = _centred_difference(f, x, i, eps)
    return grad


def _check_step(x, eps):
    """Raise ValueError unless x ± eps is finite and differs from x in every entry."""
    if not x.size:
        return
    with np.errstate(over="ignore"):
        moved = [x + eps, x - eps]
    for nudged, sign in zip(moved, "+-"):
        stuck = ~np.isfinite(nudged) | (nudged == x)
        if stuck.any():
            i = tuple(int(k) for k in np.argwhere(stuck)[0])
            raise ValueError(
                f"eps = {eps:g} cannot nudge x[{', '.join(map(str, i))}] = {x[i]:g}: x {sign} eps is "
                f"{'not finite' if not np.isfinite(nudged[i]) else 'the same float64'}; "
                f"use an eps near 1e-6 times the size of x's entries")


def _centred_difference(f, x, i, eps):
    """(f(x + eps e_i) - f(x - eps e_i)) / (2 eps), leaving x[i] unchanged."""
    original = x[i]
    try:
        x[i] = original + eps
        f_plus = _number(f(), i, "+")
        x[i] = original - eps
        f_minus = _number(f(), i, "-")
    finally:
        x[i] = original
    return (f_plus - f_minus) / (2 * eps)


def _number(value, i, sign):
    """value: what f returned with x[i] nudged by sign·eps; must be one finite real number
    (a float, int or 0-d array)."""
    arr = np.asarray(value) if not isinstance(value, (str, bytes)) else None
    if arr is None or arr.ndim != 0 or arr.dtype.kind not in "iuf":
        shape = f" of shape {arr.shape}" if arr is not None and arr.ndim else ""
        raise TypeError(f"f must return a single number (e.g. the loss), "
                        f"got {type(value).__name__}{shape}")
    number = float(arr)
    if not np.isfinite(number):
        raise ValueError(f"f returned {number} with x[{', '.join(map(str, i))}] nudged by "
                         f"{sign}eps; f must return a finite number (the loss) near x")
    return number


def relative_error(a, b):
    """One number saying how different two arrays are.

    a, b: arrays of the same shape.  Returns max|a - b| / max(|a| + |b|),
    i.e. scaled by the size of the largest entries, and 0 when both are all 0.
    """
    a = as_float_array(a, "a")
    b = as_float_array(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    a, b = a / 2, b / 2  # the ratio is the same; |a| + |b| cannot overflow near ±1e308
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
