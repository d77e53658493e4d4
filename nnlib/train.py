"""The training loop: forward, loss, backward, update; repeated over epochs.

``fit`` never prints or plots.  Pass ``callback(epoch, history)`` to follow
progress (e.g. a progress bar); epochs are counted from 1.
"""
import functools
from dataclasses import dataclass, field

import numpy as np

from . import losses
from .layers import Activation, Dense, Sequential
from ._validate import as_batch, as_rng, check_same_rows, positive_int
from .metrics import accuracy  # noqa: F401 - nnlib.train.accuracy, as the chapters wrote it
from .optim import SGD

DIVERGENCE_LIMIT = 1e8
"""A training loss above this (or NaN/infinite) stops fit with diverged=True."""


@dataclass
class History:
    """What happened during fit.

    loss: mean training loss of each epoch (finite values only).
    diverged: True if training was stopped because the loss blew up.
    message: why it stopped early ("" otherwise).
    val_loss: loss on (X_val, y_val) after each epoch, if given.
    """
    loss: list[float] = field(default_factory=list)
    diverged: bool = False
    message: str = ""
    val_loss: list[float] = field(default_factory=list)


def _has_rows(y, name):
    """y: something with one entry per row (not a single number)."""
    try:
        single = isinstance(y, (str, bytes)) or np.ndim(y) == 0
    except ValueError as err:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array, one target per row ({err})") from None
    if single:
        raise TypeError(f"{name} must be an array with one target per row, got {y!r:.40}")
    return y


def _check_model(model):
    """model: has forward, backward, parameters and gradients methods."""
    for method in ("forward", "backward", "parameters", "gradients"):
        if not callable(getattr(model, method, None)):
            raise TypeError(f"model must have a {method}() method (e.g. a Sequential), "
                            f"got {type(model).__name__}")


def _batches(X, y, batch_size, rng):
    """Yield (X_b, y_b) mini-batches of a fresh random permutation (one batch if it fits)."""
    n = len(X)
    if batch_size >= n:
        yield X, y
        return
    order = rng.permutation(n)
    X, y = X[order], y[order]  # shuffle once; every batch below is then a view, not a copy
    for start in range(0, n, batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def _unchecked_forward(model):
    """model._forward if it has one (X was checked once, up front), else model.forward."""
    return getattr(model, "_forward", model.forward)


def _unchecked_backward(model):
    """backward(dout) for training: model._backward, told that dL/dX is not needed,
    if the model has it (a Layer), else model.backward."""
    if hasattr(model, "_backward"):
        return functools.partial(model._backward, input_grad=False)
    return model.backward


def _update_function(model, optimizer):
    """The optimizer's unchecked update for fit.  When every layer is a Dense or an
    Activation, which change their parameter and gradient arrays only in place, the two
    lists are read once here instead of at every step."""
    layers = model.layers if type(model) is Sequential else [model]
    if all(type(layer) in (Dense, Activation) for layer in layers):
        return functools.partial(optimizer._update, model.parameters(), model.gradients())
    return optimizer._step


def _train_epoch(forward, backward, step, loss_fn, X, y, batch_size, rng):
    """One pass over the data.  Returns the mean loss per row, or the first batch
    loss that is NaN or above DIVERGENCE_LIMIT (before using its gradients).

    forward, backward, step: the model's and optimizer's unchecked methods
    (fit checked everything once, up front).
    """
    raw = loss_fn.raw
    if batch_size >= len(X):  # one batch: no shuffle, no generator, no running total
        loss, dout = raw(forward(X), y)
        if loss <= DIVERGENCE_LIMIT:
            backward(dout)
            step()
        return loss
    total = 0.0
    for X_b, y_b in _batches(X, y, batch_size, rng):
        loss, dout = raw(forward(X_b), y_b)
        if not loss <= DIVERGENCE_LIMIT:
            return loss
        backward(dout)
        step()
        total += loss * len(X_b)
    return total / len(X)


def _divergence(loss, epoch, what="loss"):
    """Return an explanation if loss is NaN, infinite or above the limit, else ""."""
    if loss is None or loss <= DIVERGENCE_LIMIT:
        return ""
    grew = ("became NaN" if np.isnan(loss) else "became infinite" if np.isinf(loss)
            else f"grew to {loss:.1e}")
    return f"training diverged at epoch {epoch} ({what} {grew}): lower the learning rate"


def _record(history, epoch, train_loss, val_loss):
    """Append the epoch's losses to history, or mark it diverged."""
    if val_loss is None and train_loss <= DIVERGENCE_LIMIT:   # the usual epoch, at once (False for NaN)
        history.loss.append(float(train_loss))
        return
    history.message = (_divergence(train_loss, epoch)
                       or _divergence(val_loss, epoch, "validation loss"))
    history.diverged = bool(history.message)
    if not history.diverged:
        history.loss.append(float(train_loss))
        if val_loss is not None:
            history.val_loss.append(float(val_loss))


def _check_settings(model, X, epochs, batch_size, callback):
    """Check everything that does not need a forward pass.  Returns X, epochs, batch_size."""
    _check_model(model)
    X = as_batch(X, "X")
    epochs = positive_int(epochs, "epochs")
    batch_size = len(X) if batch_size is None else positive_int(batch_size, "batch_size")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(epoch, history), "
                        f"got {type(callback).__name__}")
    return X, epochs, batch_size


def _check_targets(model, loss_fn, X, y, name, x_name="X"):
    """y: targets for the rows of X, checked by the loss against the model's output.

    The loss names its own arguments (y_hat, p, z, logits, labels); the message
    says which of fit's arguments they are.
    """
    check_same_rows(_has_rows(y, name), len(X), name, x_name)
    output = model.forward(X)  # a model that cannot take X says so itself
    try:
        return loss_fn.check(output, y)[1]
    except (TypeError, ValueError) as err:
        raise type(err)(f"{name} does not suit loss {loss_fn.__name__!r} with this model "
                        f"(the loss compares the model's output for {x_name} with {name}): "
                        f"{err}") from None


def _check_validation(model, loss_fn, X, X_val, y_val):
    """Return (X_val, y_val) checked like X and y, or None if neither is given."""
    if X_val is None and y_val is None:
        return None
    if X_val is None or y_val is None:
        raise ValueError("give both X_val and y_val, or neither")
    X_val = as_batch(X_val, "X_val", n_features=X.shape[1])
    return X_val, _check_targets(model, loss_fn, X_val, y_val, "y_val", "X_val")


def _validation_loss(model, loss_fn, val):
    """Loss on the validation data (X_val, y_val), or None without it."""
    if val is None:
        return None
    return loss_fn.raw(_unchecked_forward(model)(val[0]), val[1])[0]


_QUIET = {"all": "ignore"}
"""np.errstate settings while training: a diverging run is reported, not warned about."""


def fit(model, X, y, *, loss="mse", lr=0.1, epochs=100, batch_size=None, momentum=0.0,
        seed=0, X_val=None, y_val=None, callback=None):
    """Train model in place with mini-batch SGD.  Returns a History.

    X: (N, D) inputs.  y: targets for the loss (e.g. (N, 1) values for "mse",
    (N,) labels for "softmax_cross_entropy").  loss: a name in losses.LOSSES.
    batch_size: rows per update (None = all N).  Mini-batches are reshuffled
    every epoch with np.random.default_rng(seed).  X_val, y_val: optional
    validation data, scored after every epoch.  If a loss becomes NaN or
    exceeds 1e8, training stops with history.diverged = True and a message.
    (binary_cross_entropy clips probabilities, so its loss never exceeds about
    27.6: there a learning rate far too high shows as a loss that jumps up and
    stays flat; binary_cross_entropy_with_logits reports it as divergence.)
    """
    loss_fn = losses.get(loss)
    X, epochs, batch_size = _check_settings(model, X, epochs, batch_size, callback)
    optimizer = SGD(model, lr, momentum)
    rng = as_rng(seed)
    callers_errstate = np.geterr()  # the callback runs under the caller's settings
    with np.errstate(**_QUIET):
        y = _check_targets(model, loss_fn, X, y, "y")  # clear errors now, not mid-training
        val = _check_validation(model, loss_fn, X, X_val, y_val)
        # Everything is checked: from here on only the unchecked methods run, once per batch.
        forward, backward = _unchecked_forward(model), _unchecked_backward(model)
        step = _update_function(model, optimizer)
        history = History()
        for epoch in range(1, epochs + 1):
            train_loss = _train_epoch(forward, backward, step, loss_fn, X, y, batch_size, rng)
            _record(history, epoch, train_loss, _validation_loss(model, loss_fn, val))
            if callback is not None:
                with np.errstate(**callers_errstate):
                    callback(epoch, history)
                step = _update_function(model, optimizer)  # the callback may swap arrays
            if history.diverged:
                break
    _check_last_update(model, history, epoch)
    return history


def _check_last_update(model, history, epoch):
    """Mark history diverged if the very last update left a parameter NaN or infinite.

    (Earlier updates cannot: the next batch's loss would be NaN and stop fit.)
    """
    if not history.diverged and not all(np.isfinite(p).all() for p in model.parameters()):
        history.diverged = True
        history.message = (f"training diverged at epoch {epoch} (the last update made a "
                           f"parameter NaN or infinite): lower the learning rate")
