"""Chapter 4's models: layers of neurons and the forward pass, as nnlib ``Sequential`` networks.

A small 2-3-1 network (``small_model``), a house-price network whose hidden units
were given meanings by hand (``house_model``, ``house_price``), the 2-2-1 network
that separates XOR (``xor_model``) and a trained 784-16-10 digit network
(``digit_network``).
"""
import functools
from dataclasses import dataclass

import numpy as np

from .. import datasets, train
from ..layers import Activation, Dense, Sequential
from ..metrics import accuracy

__all__ = ["small_model", "house_scaling", "house_model", "house_price", "xor_model", "boundary_segment",
           "DigitNetwork", "digit_network", "DIGIT_SIDE", "XOR_LIMITS", "XOR_X1_WEIGHT"]

# ---------------------------------------------------------------- a small network

SMALL_W1 = np.array([[0.8, -0.6, 0.9],
                     [0.5, 1.0, -0.7]])
SMALL_B1 = np.array([0.1, -0.2, 0.3])
SMALL_W2 = np.array([[1.2], [0.8], [-0.6]])
SMALL_B2 = np.array([0.2])


def small_model(w=0.8, v=1.2):
    """The 2-3-1 network: Dense(2, 3), relu, Dense(3, 1), with W1[0, 0] = w, W2[0, 0] = v."""
    W1, W2 = SMALL_W1.copy(), SMALL_W2.copy()
    W1[0, 0], W2[0, 0] = w, v
    return Sequential(Dense.from_weights(W1, SMALL_B1), Activation("relu"),
                      Dense.from_weights(W2, SMALL_B2))


# ---------------------------------------------------------------- house prices

# Hand-set: rows are the standardized inputs (size, location, bedrooms), columns the
# hidden units "big house", "luxury location" and "big and well placed".  The output
# weights were then fitted by least squares to the 200 made-up sales and rounded to
# multiples of 5 (see tests/test_layers_figures.py).
HOUSE_W1 = np.array([[1.0, 0.0, 1.5],
                     [0.0, 1.0, 2.0],
                     [0.5, 0.0, 0.0]])
HOUSE_B1 = np.array([2.5, 0.0, -0.5])
HOUSE_W2 = np.array([[55.0], [80.0], [100.0]])
HOUSE_B2 = np.array([115.0])


@functools.lru_cache(maxsize=1)
def house_scaling():
    """Mean (3,) and std (3,) of the house features, to standardize new houses alike."""
    X, _ = datasets.house_prices()
    _, mean, std = datasets.standardize(X)
    mean.flags.writeable = std.flags.writeable = False
    return mean, std


def house_model(v=80.0):
    """The 3-3-1 price network on standardized inputs; v is the luxury → price weight."""
    W2 = HOUSE_W2.copy()
    W2[1, 0] = v
    return Sequential(Dense.from_weights(HOUSE_W1, HOUSE_B1), Activation("relu"),
                      Dense.from_weights(W2, HOUSE_B2))


def house_price(X, v=80.0):
    """Predicted prices (N, 1), in thousands, of houses X (N, 3) in raw units."""
    Z, _, _ = datasets.standardize(X, *house_scaling())
    return house_model(v)(Z)


# ---------------------------------------------------------------- XOR by hand

XOR_LIMITS = (-2.0, 2.0)
"""The square (both axes) over which the XOR network is looked at."""
XOR_X1_WEIGHT = 4.0        # weight from x1 into each hidden unit (fixed)
XOR_W2 = np.array([[6.0], [-6.0]])
XOR_B2 = np.array([-3.0])


def xor_model(w1, b1, w2, b2):
    """The 2-2-1 network of the XOR figure: sigmoid hidden units, a sigmoid output.

    h_j = σ(4·x1 + w_j·x2 + b_j);  ŷ = σ(6·h1 − 6·h2 − 3), the chance of class 1.
    """
    W1 = np.array([[XOR_X1_WEIGHT, XOR_X1_WEIGHT], [w1, w2]])
    return Sequential(Dense.from_weights(W1, [b1, b2]), Activation("sigmoid"),
                      Dense.from_weights(XOR_W2, XOR_B2), Activation("sigmoid"))


def boundary_segment(a, c, b, limits=XOR_LIMITS):
    """Where a·x1 + c·x2 + b = 0 crosses the square limits²: ((x1, x1'), (x2, x2')).

    Solves for the coordinate with the larger coefficient, so the segment is never
    infinite; (nan, nan) pairs if a = c = 0 (no line).
    """
    ends = np.array(limits, dtype=float)
    if a == 0 and c == 0:
        return np.full(2, np.nan), np.full(2, np.nan)
    if abs(c) >= abs(a):
        return ends, -(a * ends + b) / c
    return -(c * ends + b) / a, ends


# ---------------------------------------------------------------- digits

DIGIT_SIDE = 28


@dataclass(frozen=True)
class DigitNetwork:
    """A trained digit network and its held-out test images.

    model: Sequential mapping (N, 784) pixels to (N, 10) probabilities (softmax last).
    X_test: (M, 784) upscaled test images.  y_test: (M,) their digits.
    small_test: (M, 8, 8) the original pictures.  test_accuracy: fraction right.
    """

    model: Sequential
    X_test: np.ndarray
    y_test: np.ndarray
    small_test: np.ndarray
    test_accuracy: float


@functools.lru_cache(maxsize=1)
def digit_network(hidden=16, epochs=15, seed=0):
    """Train a 784 → hidden → 10 network on 80 % of the upscaled digits (well under 2 s).

    Returns a DigitNetwork; the same arguments give the same network (it is cached,
    so please do not train it further).
    """
    X, y, images = datasets.upscaled_digits(DIGIT_SIDE)
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, 0.2, seed=seed)
    # The same seed shuffles the same way, so this picks the same test rows.
    _, small_test, _, _ = datasets.train_test_split(images.reshape(len(y), -1), y, 0.2, seed=seed)
    net = Sequential.mlp((DIGIT_SIDE ** 2, hidden, 10), activation="relu",
                         output_activation=None, seed=seed)
    train.fit(net, X_train, y_train, loss="softmax_cross_entropy", lr=0.05,
              epochs=epochs, batch_size=32, seed=seed)
    model = Sequential(*net.layers, Activation("softmax"))
    acc = accuracy(model(X_test), y_test)
    return DigitNetwork(model, X_test, y_test, small_test.reshape(-1, 8, 8), acc)
