"""nnlib: the small numpy neural-network library behind *Turn the Knobs*.

One concept per module: ``activations``, ``losses``, ``layers``, ``optim``,
``train``, ``metrics``, ``gradcheck``, ``datasets``, ``perceptron``. Each chapter's
data, training runs and maths live in ``chapters`` (one module per chapter, e.g.
``chapters.training``, no matplotlib); figures with knobs live in ``knobs``,
``controls``, ``plotting`` and ``figures`` (one module per chapter, named like it),
exercise checks in ``exercises``. Those three are imported on demand.

Conventions (see the book's notation page): numpy arrays in and out, float64,
batch-first shapes (X is (N, D), W is (D, M)), and the batch mean lives in the
loss. Importing nnlib changes no global state.
"""
from . import activations, datasets, gradcheck, layers, losses, metrics, optim, perceptron, train
from .layers import Activation, Dense, Neuron, Sequential
from .optim import SGD
from .train import History, fit

__version__ = "0.1.0"
__all__ = [
    "activations", "datasets", "gradcheck", "layers", "losses", "metrics", "optim", "perceptron", "train",
    "Activation", "Dense", "Neuron", "Sequential", "SGD", "History", "fit",
]
