"""Chapter 3's models: activation functions, and why a network needs them.

The maths behind the chapter's figures and exercises: two linear layers collapse
into one (``collapse``), slopes multiply through a deep stack (``chain_factor``,
``layer_gradients``), and two hidden units bend a line into a bump
(``hidden_output``, ``bump_mse``, against the ``best_line``).
"""
from functools import lru_cache

import numpy as np

from .. import activations, datasets, layers, losses

__all__ = ["LEAK", "evaluate", "collapse", "chain_factor", "layer_gradients", "hidden_output", "bump_mse",
           "best_line"]

LEAK = 0.1  # leaky ReLU slope used in this chapter: big enough to see (0.01 is the usual default)


def evaluate(name, z):
    """f(z) and f'(z) for an activation by name; z: any shape -> two arrays of that shape.

    The leaky ReLU uses the chapter's slope LEAK.
    """
    f, df = activations.get(name)
    options = {"slope": LEAK} if name == "leaky_relu" else {}
    return f(z, **options), df(z, **options)


def collapse(w1, b1, w2, b2):
    """The single line that two stacked linear layers make: (w2·w1, w2·b1 + b2)."""
    return w2 * w1, w2 * b1 + b2


def chain_factor(name, z, depth):
    """f'(z) ** depth: the share of the gradient left after `depth` units, each with weight 1 and input z."""
    return float(evaluate(name, z)[1]) ** depth


@lru_cache(maxsize=8)
def layer_gradients(activation, depth=10, width=16, seed=0):
    """Root-mean-square of each Dense layer's dW after one backward pass: (depth + 1,), first layer first.

    The network is Sequential.mlp([2, width × depth, 1]) with a sigmoid output, as
    initialised (He for relu, Xavier otherwise), on the two-moons data with the
    binary cross-entropy loss.
    """
    X, y = datasets.moons(200, seed=seed)
    net = layers.Sequential.mlp([2] + [width] * depth + [1], activation=activation,
                                output_activation="sigmoid", seed=seed)
    _, dout = losses.binary_cross_entropy(net.forward(X), y.reshape(-1, 1))
    net.backward(dout)
    dense = [layer for layer in net if isinstance(layer, layers.Dense)]
    return np.array([np.sqrt(np.mean(layer.dW ** 2)) for layer in dense])


def hidden_output(x, *, f, w1, b1, w2, b2, v1, v2):
    """x: (N,) or (N, 1) inputs -> (each unit's share v_i·f(w_i·x + b_i), the sum ŷ), same shape."""
    unit1 = v1 * evaluate(f, w1 * x + b1)[0]
    unit2 = v2 * evaluate(f, w2 * x + b2)[0]
    return (unit1, unit2), unit1 + unit2


def bump_mse(X, y, **knobs):
    """Mean squared error of the two-unit network on the points X (N, 1), y (N, 1)."""
    return losses.mse(hidden_output(X, **knobs)[1], y)[0]


def best_line(X, y):
    """The least-squares line through X (N, 1), y (N, 1): (w, b, its mean squared error)."""
    w, b = np.polyfit(X[:, 0], y[:, 0], deg=1)
    return w, b, losses.mse(w * X + b, y)[0]
