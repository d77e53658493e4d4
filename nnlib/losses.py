"""Loss functions: one number saying how far the predictions are from the targets.

Every loss takes ``(prediction, target)`` and returns ``(loss, grad)``:

* ``loss`` is a Python float, the MEAN over the N rows of the batch;
* ``grad`` is dLoss/dPrediction, with the prediction's shape.  Because the loss
  is a mean, the gradient is already divided by N; layers never average.

Each public loss checks its inputs, and its result: a loss or gradient beyond
float64's range (predictions near ±1e308) raises a ValueError rather than a numpy
overflow warning; where the answer fits, it comes back without a warning.
``loss.check(prediction, target)`` does only the input checks (returning clean
float64 arrays, the target reshaped to match) and ``loss.raw(prediction, target)``
only the maths, under numpy's error settings of the caller.  The training loop
checks once, then calls ``raw`` for every mini-batch (under ``np.errstate``, so that
a diverging run is reported in its history).

A batch mean whose sum overflows but which itself fits in a float64 (two rows of
1e308) is computed again dividing each row's term by N first (``_batch_mean``).
"""
import functools
import math

import numpy as np

from ._validate import QUIET_OVERFLOW, as_float_array, as_labels, choose, fits_float64

P_CLIP = 1e-12
"""binary_cross_entropy clips p to [P_CLIP, 1 - P_CLIP] so that log(p) stays finite."""


def _with_check(check):
    """Decorator: the public loss runs ``check`` first; ``.check``/``.raw`` are the halves."""
    def decorate(formula):
        @functools.wraps(formula)
        def loss(*args, **kwargs):
            checked = check(*args, **kwargs)
            with np.errstate(**QUIET_OVERFLOW):
                value, grad = formula(*checked)
            name = formula.__name__
            fits_float64(np.asarray(value), f"the {name} loss of these inputs")
            return value, fits_float64(grad, f"the gradient of {name} for these inputs")
        loss.check = check
        loss.raw = formula
        return loss
    return decorate


# ----------------------------------------------------------------- checks ---
def _predictions(pred, name, allowed="(N, K) or (N,)"):
    """pred: (N, K) or (N,) finite numbers -> float64 array."""
    pred = as_float_array(pred, name)
    if pred.ndim not in (1, 2):
        raise ValueError(f"{name} must have shape {allowed}, got {pred.shape}")
    return pred


def _check_rows(target, pred, target_name, pred_name):
    """Raise ValueError unless target has one row per row of pred."""
    if target.ndim == 0:
        raise ValueError(f"{target_name} must hold one target per row of {pred_name} "
                         f"({len(pred)} rows), got the single value {target.item()!r:.40}")
    if len(target) != len(pred):
        raise ValueError(f"{target_name} has {len(target)} rows but {pred_name} has "
                         f"{len(pred)}; expected one target per row of {pred_name}")


def _match_shape(target, pred, target_name, pred_name):
    """target: pred's shape, or (N,) against an (N, 1) pred (and vice versa)."""
    _check_rows(target, pred, target_name, pred_name)
    if target.shape == pred.shape:
        return target
    if target.size == pred.size == len(pred) and max(target.ndim, pred.ndim) <= 2:
        return target.reshape(pred.shape)
    raise ValueError(f"{target_name} must have the shape of {pred_name} {pred.shape}, "
                     f"got {target.shape}")


def _zero_one(y, pred, pred_name):
    """y: 0/1 targets, shaped like pred."""
    y = _match_shape(as_float_array(y, "y"), pred, "y", pred_name)
    if not np.all((y == 0) | (y == 1)):
        raise ValueError(f"y must hold 0/1 targets, got values {np.unique(y)[:5].tolist()}")
    return y


def _check_mse(y_hat, y):
    """y_hat: (N, K) or (N,).  y: the same shape (or (N,) against (N, 1))."""
    y_hat = _predictions(y_hat, "y_hat")
    return y_hat, _match_shape(as_float_array(y, "y"), y_hat, "y", "y_hat")


def _check_bce(p, y):
    """p: (N, 1) or (N,) probabilities in [0, 1].  y: 0/1 targets shaped like p."""
    p = _predictions(p, "p", "(N, 1) or (N,)")
    if p.ndim == 2 and p.shape[1] != 1:
        raise ValueError(f"p must have shape (N, 1) or (N,), got {p.shape}")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"p must hold probabilities in [0, 1], got values from {p.min():g} "
                         f"to {p.max():g}; for raw scores use binary_cross_entropy_with_logits")
    return p, _zero_one(y, p, "p")


def _check_bce_logits(z, y):
    """z: (N, 1) or (N,) scores.  y: 0/1 targets shaped like z."""
    z = _predictions(z, "z", "(N, 1) or (N,)")
    if z.ndim == 2 and z.shape[1] != 1:
        raise ValueError(f"z must have shape (N, 1) or (N,), got {z.shape}")
    return z, _zero_one(y, z, "z")


def _check_softmax_ce(logits, labels):
    """logits: (N, K).  labels: (N,) integers in [0, K)."""
    logits = as_float_array(logits, "logits")
    if logits.ndim != 2:
        raise ValueError(f"logits must have shape (N, K), one score per class, got {logits.shape}")
    return logits, as_labels(labels, len(logits), logits.shape[1], "labels", rows_of="logits")


def _batch_mean(terms, n):
    """sum(terms) / n for terms >= 0.  If the sum overflows but the mean fits (two rows
    of 1e308), divide first: one more pass, taken only then."""
    total = float(terms.sum())
    if total == math.inf:
        return float((terms / n).sum())
    return total / n


# ----------------------------------------------------------------- losses ---
@_with_check(_check_mse)
def mse(y_hat, y):
    """Mean squared error.

    y_hat: (N, K) or (N,) predictions.  y: same shape (or (N,) when y_hat is (N, 1)).
    Returns L = (1/N) sum_n sum_k (y_hat - y)^2 and dL/dy_hat = 2 (y_hat - y) / N.
    For K = 1 this is the usual mean of the squared errors.
    """
    n = len(y_hat)
    diff = y_hat - y
    return _batch_mean(diff * diff, n), (2.0 / n) * diff


@_with_check(_check_bce)
def binary_cross_entropy(p, y):
    """Binary cross-entropy of probabilities.

    p: (N, 1) or (N,) probabilities in [0, 1].  y: 0/1 targets, same shape (or (N,)).
    Returns L = -(1/N) sum [y log p + (1 - y) log(1 - p)] and
    dL/dp = (p - y) / (p (1 - p)) / N.  p is first clipped to [1e-12, 1 - 1e-12]
    (P_CLIP), so both stay finite at p exactly 0 or 1.
    """
    n = len(p)
    p = np.clip(p, P_CLIP, 1.0 - P_CLIP)
    loss = _batch_mean(-(y * np.log(p) + (1.0 - y) * np.log1p(-p)), n)
    return loss, (p - y) / (p * (1.0 - p)) / n


@_with_check(_check_bce_logits)
def binary_cross_entropy_with_logits(z, y):
    """Binary cross-entropy of sigmoid(z), computed from the score z directly.

    z: (N, 1) or (N,) scores (logits).  y: 0/1 targets, same shape (or (N,)).
    Returns L = (1/N) sum [max(z, 0) - z y + log(1 + e^(-|z|))], which equals
    binary_cross_entropy(sigmoid(z), y) but never overflows (fine at z = ±1e4),
    and dL/dz = (sigmoid(z) - y) / N.
    """
    n = len(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    loss = _batch_mean(np.maximum(z, 0.0) - z * y + np.log1p(e), n)
    grad = np.where(z >= 0, 1.0, e) / (1.0 + e)  # sigmoid(z), from the same e
    grad -= y
    grad /= n
    return loss, grad


@_with_check(_check_softmax_ce)
def softmax_cross_entropy(logits, labels):
    """Cross-entropy of softmax(logits) against integer class labels.

    logits: (N, K) scores.  labels: (N,) integers in [0, K).
    Returns L = -(1/N) sum_n log softmax(logits_n)[labels_n], computed with
    log-sum-exp (stable at ±1e4), and dL/dlogits = (softmax(logits) - onehot(labels)) / N.
    """
    n = len(logits)
    picked = np.arange(n), labels                          # each row's right class
    shifted = logits - logits.max(axis=1, keepdims=True)  # each row's largest score is 0
    grad = np.exp(shifted)
    total = grad.sum(axis=1, keepdims=True)                # between 1 and K: log is safe
    loss = _batch_mean(np.log(total[:, 0]) - shifted[picked], n)
    grad /= total                                          # softmax(logits), in place
    grad[picked] -= 1.0
    grad /= n
    return loss, grad


# --------------------------------------------------------------- registry ---
LOSSES = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "softmax_cross_entropy": softmax_cross_entropy,
}


def get(name):
    """Look up a loss by name (one of the keys of LOSSES).  Returns the function."""
    return choose(name, LOSSES, "loss")
