"""The perceptron: a step neuron and the rule that teaches it (Rosenblatt, 1958).

A perceptron computes ŷ = step(x · w + b), which is 1 when the weighted sum
z = x · w + b is at least 0 and 0 otherwise.  It learns one example at a time:

    w ← w + η (y − ŷ) x,        b ← b + η (y − ŷ)

where y is the right answer (0 or 1), ŷ the neuron's guess and η > 0 the
learning rate.  When the guess is right, y − ŷ = 0 and nothing changes; when
it is wrong the weights move towards (or away from) the example.

Here one *update* is one application of the rule to one example, including
the ones that change nothing.  ``train`` visits the rows of X in order, again
and again, so update t (counting from 1) uses row (t − 1) mod N.  If a straight
line (a plane, in more dimensions) can separate the two classes, the rule is
guaranteed to stop changing after finitely many mistakes; if not, as for XOR,
it keeps changing for ever.
"""
import numbers
from dataclasses import dataclass

import numpy as np

from ._validate import as_batch, as_float_array, as_labels, choose, positive_number
from .layers import Neuron

__all__ = ["GATES", "logic_gate", "predict", "update", "train", "Run"]

# Truth tables on the inputs (0, 0), (0, 1), (1, 0), (1, 1), in that order.
GATES = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "XOR": (0, 1, 1, 0),
}


def logic_gate(name):
    """The four corners of the unit square labelled by a logic gate.

    name: "AND", "OR", "NAND" or "XOR".  Returns X (4, 2), rows (0, 0), (0, 1),
    (1, 0), (1, 1), and y (4,) the gate's output for each row as 0/1 int64.
    """
    table = choose(name, GATES, "logic gate")
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return X, np.array(table, dtype=np.int64)


def predict(X, w, b):
    """The perceptron's guesses step(X @ w + b).

    X: (N, D) inputs.  w: (D,) weights.  b: a number.  Returns (N,) int64
    labels: 1 where X @ w + b >= 0, else 0.
    """
    return Neuron(w, b, activation="step")(X).astype(np.int64)


def update(w, b, x, y, lr=1.0):
    """One step of the perceptron rule on one example.

    w: (D,) weights.  b: a number.  x: (D,) one input.  y: its label, 0 or 1.
    lr: the learning rate η > 0.  Returns (w_new (D,), b_new, error) where
    error = y − ŷ is −1, 0 or 1 and w_new = w + η·error·x, b_new = b + η·error.
    """
    w = as_float_array(w, "w", ndim=1)
    x = as_float_array(x, "x", ndim=1)
    if x.shape != w.shape:
        raise ValueError(f"x must have one value per weight, shape {w.shape}, got {x.shape}")
    y = int(as_labels(np.atleast_1d(y), 1, n_classes=2)[0])
    lr = positive_number(lr, "lr")
    error = y - int(predict(x.reshape(1, -1), w, b)[0])
    return w + lr * error * x, float(b) + lr * error, error


@dataclass(frozen=True, eq=False)
class Run:
    """The record of a perceptron run of T updates on N examples.

    weights: (T+1, D), row t is w after t updates (row 0 the start).
    biases: (T+1,), likewise for b.  used: (T,), the example of update t is
    row used[t − 1] of X.  errors: (T,), y − ŷ at each update (0: no change).
    mistakes: (T+1,), how many examples are misclassified after t updates.
    """

    weights: np.ndarray
    biases: np.ndarray
    used: np.ndarray
    errors: np.ndarray
    mistakes: np.ndarray

    @property
    def settled_at(self):
        """The first t after which every example is right (the rule never moves
        again from there), or None if that never happened within the run."""
        perfect = np.flatnonzero(self.mistakes == 0)
        return int(perfect[0]) if perfect.size else None


def _count(n_updates):
    """n_updates: a whole number >= 0."""
    if isinstance(n_updates, bool) or not isinstance(n_updates, numbers.Integral):
        raise TypeError(f"n_updates must be a whole number, got {type(n_updates).__name__}")
    if n_updates < 0:
        raise ValueError(f"n_updates must be at least 0, got {n_updates}")
    return int(n_updates)


def train(X, y, n_updates, *, w0=None, b0=0.0, lr=1.0):
    """Apply the perceptron rule n_updates times, cycling through the rows of X.

    X: (N, D) inputs.  y: (N,) labels 0/1.  n_updates: whole number >= 0.
    w0: (D,) starting weights (default zeros).  b0: starting bias.  lr: η > 0.
    Returns a :class:`Run` with the weights and bias after every update.
    """
    X = as_batch(X, "X")
    y = as_labels(y, len(X), n_classes=2)
    n_updates, lr = _count(n_updates), positive_number(lr, "lr")
    w = np.zeros(X.shape[1]) if w0 is None else as_float_array(w0, "w0", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w0 must hold {X.shape[1]} numbers (one per column of X), got {w.shape}")
    if np.ndim(b0) != 0:
        raise ValueError(f"b0 must be a single number, got shape {np.shape(b0)}")
    b = float(as_float_array(b0, "b0"))
    weights, biases, errors = [w], [b], []
    used = np.arange(n_updates) % len(X)
    for i in used:
        w, b, error = update(w, b, X[i], y[i], lr)
        weights.append(w)
        biases.append(b)
        errors.append(error)
    mistakes = [int(np.sum(predict(X, ww, bb) != y)) for ww, bb in zip(weights, biases)]
    return Run(np.array(weights), np.array(biases), used, np.array(errors, dtype=np.int64),
               np.array(mistakes))
