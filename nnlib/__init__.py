"""nnlib: the small numpy neural-network library behind *Turn the Knobs*.

One concept per module: ``activations``, ``losses``, ``layers``, ``optim``,
``train``, ``gradcheck``, ``datasets``, ``perceptron``; figures with knobs live in ``knobs``,
``controls``, ``plotting`` and ``figures``, exercise checks in ``exercises``
(imported on demand, since they need matplotlib and ipywidgets).

Conventions (see the book's notation page): numpy arrays in and out, float64,
batch-first shapes (X is (N, D), W is (D, M)), and the batch mean lives in the
loss. Importing nnlib changes no global state.
"""
from . import activations, datasets, gradcheck, layers, losses, optim, perceptron, train
from .layers import Activation, Dense, Neuron, Sequential
from .optim import SGD
from .train import History, fit

__version__ = "0.1.0"
__all__ = [
    "activations", "datasets", "gradcheck", "layers", "losses", "optim", "perceptron", "train",
    "Activation", "Dense", "Neuron", "Sequential", "SGD", "History", "fit",
]
