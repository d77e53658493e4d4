"""Chapter 7's models: small networks trained on 2-D data sets, and too small or too big.

Training is the costly part, so each distinct setting is trained once
(full-batch gradient descent, fixed seeds) by a cached function that keeps a
copy of the weights every few epochs; a figure's "epochs trained" knob only
picks one of those snapshots.
"""
import functools
from dataclasses import dataclass

import numpy as np

from .. import datasets, losses
from ..layers import Sequential
from ..metrics import accuracy
from ..train import fit
from . import frozen

__all__ = ["Run", "dataset", "noisy_moons", "network", "train_run", "trained", "fitted", "best_epoch",
           "LOSS", "EPOCHS", "EVERY", "SEED", "HIDDEN", "SIZES", "FIT_EPOCHS", "FIT_EVERY", "FIT_LR"]

LOSS = "binary_cross_entropy_with_logits"
EPOCHS, EVERY = 600, 50
"""Every run of ``trained`` lasts EPOCHS epochs and keeps a snapshot every EVERY."""
SEED = 0


# ------------------------------------------------------------------ data sets

@functools.lru_cache(maxsize=None)
def dataset(name):
    """The chapter's 2-D data set ``datasets.plane_classes(name)``, cached and read-only.

    name: "xor", "moons", "circles" or "spirals".  Returns X (200, 2), y (200,) labels 0/1.
    """
    return frozen(*datasets.plane_classes(name))


@functools.lru_cache(maxsize=1)
def noisy_moons():
    """``datasets.noisy_moons()``, cached and read-only.

    Returns X_train (30, 2), y_train (30,), X_val (300, 2), y_val (300,).
    """
    return frozen(*datasets.noisy_moons())


# ------------------------------------------------------------------ training

@dataclass(frozen=True)
class Run:
    """One training, kept for the figures.

    sizes: layer widths [2, ..., 1].  activation: hidden activation name.
    epochs: (S,) epochs at which the weights were copied (0 = before training).
    weights: S lists of parameter arrays, in the order of ``Sequential.parameters()``.
    accuracy, val_accuracy: (S,) accuracy on the training and validation data at
    each snapshot (val_accuracy is empty without validation data).
    loss: training loss after 0, 1, 2, ... epochs (shorter if training diverged).
    val_loss: validation loss after 1, 2, ... epochs (empty without validation data).
    message: why training stopped early ("" if it did not).
    """

    sizes: tuple
    activation: str
    epochs: tuple
    weights: tuple
    accuracy: tuple
    loss: tuple
    val_accuracy: tuple = ()
    val_loss: tuple = ()
    message: str = ""

    @property
    def diverged(self):
        return bool(self.message)

    def snapshot(self, t):
        """Index of the snapshot taken after t epochs, or None if training never got there."""
        return self.epochs.index(t) if t in self.epochs else None


def network(run, index):
    """The network of snapshot ``index`` of ``run``, as a fresh Sequential."""
    net = Sequential.mlp(list(run.sizes), activation=run.activation, seed=SEED)
    for param, value in zip(net.parameters(), run.weights[index]):
        param[...] = value
    return net


def _snapshot(net, X, y, X_val, y_val):
    """(copied weights, training accuracy, validation accuracy or None) of net now."""
    scores = accuracy(net.forward(X), y, threshold=0.0)
    val = None if X_val is None else accuracy(net.forward(X_val), y_val, threshold=0.0)
    return [p.copy() for p in net.parameters()], scores, val


def train_run(X, y, sizes, activation, lr, epochs, every, X_val=None, y_val=None):
    """Train an MLP of ``sizes`` with full-batch gradient descent; returns a Run.

    X: (N, 2), y: (N,) labels 0/1; optional X_val, y_val the same for validation.
    A snapshot (weights and accuracies) is kept before training and after every
    ``every`` epochs, until training ends or diverges.
    """
    net = Sequential.mlp(list(sizes), activation=activation, seed=SEED)
    targets = y.reshape(-1, 1).astype(np.float64)
    snaps = {0: _snapshot(net, X, y, X_val, y_val)}

    def keep(epoch, history):
        if epoch % every == 0 and not history.diverged:
            snaps[epoch] = _snapshot(net, X, y, X_val, y_val)

    val = {} if X_val is None else {"X_val": X_val, "y_val": y_val.reshape(-1, 1).astype(np.float64)}
    history = fit(net, X, targets, loss=LOSS, lr=lr, epochs=epochs, seed=SEED, callback=keep, **val)
    loss = list(history.loss)
    if not history.diverged:  # history.loss[k] is the loss after k updates; add the last one
        loss.append(_loss_of(net, X, targets))
    kept = [e for e in sorted(snaps) if e < len(loss)]  # a snapshot needs its loss too
    weights, acc, val_acc = zip(*(snaps[e] for e in kept))
    return Run(tuple(sizes), activation, tuple(kept), weights, acc, tuple(loss),
               () if X_val is None else val_acc, tuple(history.val_loss), history.message)


def _loss_of(net, X, targets):
    """The chapter's loss of net on (X, targets)."""
    return losses.get(LOSS)(net.forward(X), targets)[0]


@functools.lru_cache(maxsize=256)
def trained(data, f, width, depth, lr):
    """The cached Run of a 2 → width (× depth) → 1 network with activation f on ``dataset(data)``.

    EPOCHS epochs at learning rate lr, a snapshot every EVERY epochs.
    """
    X, y = dataset(data)
    sizes = (2,) + (width,) * depth + (1,)
    return train_run(X, y, sizes, f, lr, EPOCHS, EVERY)


HIDDEN = {"f": "tanh", "width": 8, "depth": 2, "lr": 2.5}
"""The 2-8-8-1 network whose hidden units the chapter shows (one of ``trained``'s settings)."""


# ------------------------------------------------------------------ too small, too big

SIZES = {
    "1 unit": (2, 1, 1),
    "4 units": (2, 4, 1),
    "16 units": (2, 16, 1),
    "2 × 32 units": (2, 32, 32, 1),
}
"""The network sizes ``fitted`` trains, by name."""
FIT_EPOCHS, FIT_EVERY, FIT_LR = 2000, 100, 1.0


@functools.lru_cache(maxsize=None)
def fitted(size):
    """The cached Run of one network size (a key of SIZES) on noisy_moons(), with validation loss."""
    X, y, X_val, y_val = noisy_moons()
    sizes = SIZES[size] if size in SIZES else _unknown_size(size)
    return train_run(X, y, sizes, "relu", FIT_LR, FIT_EPOCHS, FIT_EVERY, X_val, y_val)


def _unknown_size(size):
    raise ValueError(f"unknown size {size!r}; expected one of {list(SIZES)}")


def best_epoch(run):
    """The epoch with the lowest validation loss (after 1, 2, ... epochs)."""
    return int(np.argmin(run.val_loss)) + 1
