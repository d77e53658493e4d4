"""Layers: the building blocks of a network.

Every layer maps a batch forward, ``out = layer.forward(X)``, and sends the
gradient of the loss back, ``dX = layer.backward(dout)``, where dout = dL/dout.
Layers with parameters also fill one gradient array per parameter (dW for W,
db for b); an optimizer then updates ``parameters()`` in place using
``gradients()``.  Backward OVERWRITES the gradients (it does not add to them).

Batch-first convention: X is (N, D), W is (D, M), b is (M,).  The batch mean is
taken by the loss, so layers never divide by N.

``forward`` and ``backward`` check their input (shape, finite numbers).  Inside
a Sequential only the first layer does; the later ones get arrays we computed
ourselves and call the unchecked ``_forward``; ``train.fit`` checks the data
once and then uses ``_forward`` and ``_backward`` only.  That keeps training
fast, and lets a diverging run (values growing to infinity) be reported by
``train.fit`` instead of crashing.  A subclass that redefines ``forward`` or
``backward`` (and not the unchecked twin) is always called through its own
method, so training uses exactly the code it wrote.
"""
import inspect
import numbers

import numpy as np

from . import activations
from ._validate import (
    QUIET_OVERFLOW, as_batch, as_float_array, as_rng, choose, fits_float64, layer_sizes, positive_int)

_INITS = {
    "he": lambda rng, d, m: rng.normal(0.0, np.sqrt(2.0 / d), size=(d, m)),
    "xavier": lambda rng, d, m: rng.normal(0.0, np.sqrt(2.0 / (d + m)), size=(d, m)),
    "zeros": lambda rng, d, m: np.zeros((d, m)),
}


def _check_dout(dout, shape, layer):
    """dout: finite numbers, in the shape of the layer's last output."""
    dout = as_float_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(f"dout for {layer!r} must have the shape of its last output "
                         f"{shape}, got {dout.shape}")
    return dout


class Layer:
    """Base class.  Subclasses define forward and backward; the defaults here
    suit a layer without parameters."""

    def forward(self, X):
        """X: (N, D) batch.  Returns the output; keeps what backward needs."""
        raise NotImplementedError

    def _forward(self, X):
        """Forward without input checks (used inside Sequential)."""
        return self.forward(X)

    def backward(self, dout):
        """dout: dL/d(output).  Returns dL/dX; fills the parameter gradients."""
        raise NotImplementedError

    def _backward(self, dout, input_grad=True):
        """Backward without checks (used by train.fit).  input_grad=False says that
        dL/dX is not needed (this is the first layer), so a layer may skip it."""
        return self.backward(dout)

    def __init_subclass__(cls, **kwargs):
        """A subclass that redefines forward/backward but not _forward/_backward
        gets the defaults above, which call its own forward/backward."""
        super().__init_subclass__(**kwargs)
        for public, private in (("forward", "_forward"), ("backward", "_backward")):
            if public in vars(cls) and private not in vars(cls):
                setattr(cls, private, getattr(Layer, private))

    def parameters(self):
        """List of parameter arrays (the optimizer updates them in place)."""
        return []

    def gradients(self):
        """List of gradient arrays, in the order of parameters()."""
        return []

    def zero_grad(self):
        """Set every gradient to 0."""
        for g in self.gradients():
            g.fill(0.0)

    def __call__(self, X):
        return self.forward(X)


class Dense(Layer):
    """Fully connected (affine) layer: out = X @ W + b.

    W: (D, M) weights, b: (M,) biases, dW and db their gradients.
    init: "he" (normal, std sqrt(2/D), good before relu), "xavier" (normal,
    std sqrt(2/(D+M)), good before tanh/sigmoid) or "zeros".  Biases start at 0.
    seed: int, None or np.random.Generator for the initial weights.
    """

    def __init__(self, n_inputs, n_outputs, *, seed=0, init="he"):
        n_inputs = positive_int(n_inputs, "n_inputs")
        n_outputs = positive_int(n_outputs, "n_outputs")
        make_weights = choose(init, _INITS, "init")
        self.W = make_weights(as_rng(seed), n_inputs, n_outputs)
        self.b = np.zeros(n_outputs)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self._X = None

    @classmethod
    def from_weights(cls, W, b):
        """A Dense layer with the given (copied) weights.

        W: (D, M).  b: (M,).
        """
        W = as_float_array(W, "W", ndim=2)
        b = as_float_array(b, "b", ndim=1)
        if b.shape != (W.shape[1],):
            raise ValueError(f"b must have shape ({W.shape[1]},), one bias per column of W "
                             f"{W.shape}, got {b.shape}")
        layer = cls(W.shape[0], W.shape[1], init="zeros")
        layer.W[...] = W
        layer.b[...] = b
        return layer

    @property
    def n_inputs(self):
        """D, the number of input features (rows of W)."""
        return self.W.shape[0]

    @property
    def n_outputs(self):
        """M, the number of outputs (columns of W)."""
        return self.W.shape[1]

    def forward(self, X):
        """Affine map of a batch.

        X: (N, D) inputs.  Returns (N, M) outputs X @ W + b.  Keeps X for backward.
        """
        # Dense._forward, not self._forward: a subclass's forward may call this one
        return Dense._forward(self, as_batch(X, "X", n_features=self.n_inputs))

    def _forward(self, X):
        if X.ndim != 2 or X.shape[1] != self.W.shape[0]:
            raise ValueError(f"{self!r} needs inputs of shape (N, {self.n_inputs}), got "
                             f"{X.shape}; check that the sizes of consecutive layers match")
        self._X = X
        out = X @ self.W
        out += self.b
        return out

    def backward(self, dout):
        """dout: (N, M) = dL/d(out).  Sets dW = X.T @ dout (D, M), db = dout summed
        over the batch (M,), and returns dX = dout @ W.T (N, D).
        """
        if self._X is None:
            raise RuntimeError(f"{self!r}: call forward(X) before backward(dout)")
        return Dense._backward(self, _check_dout(dout, (len(self._X), self.n_outputs), self))

    def _backward(self, dout, input_grad=True):
        np.matmul(self._X.T, dout, out=self.dW)  # written into dW: no new array
        np.add.reduce(dout, axis=0, out=self.db)  # dout.sum(axis=0), minus a Python wrapper
        return dout @ self.W.T if input_grad else None

    def parameters(self):
        return [self.W, self.b]

    def gradients(self):
        return [self.dW, self.db]

    def __repr__(self):
        return f"Dense({self.n_inputs} → {self.n_outputs})"


_ACTIVATION_LAYERS = {**activations.ACTIVATIONS, "softmax": (activations.softmax, None)}


def _check_options(name, f, kwargs):
    """kwargs: options that activation f accepts (e.g. slope for leaky_relu), valid values."""
    options = set(inspect.signature(f).parameters) - {"z"}
    unknown = sorted(set(kwargs) - options)
    if unknown:
        raise TypeError(f"activation {name!r} has no option(s) {', '.join(unknown)}; "
                        f"its options: {', '.join(sorted(options)) or 'none'}")
    f(np.zeros(1), **kwargs)  # checks the values, e.g. slope > 0


class Activation(Layer):
    """A nonlinearity with no parameters.

    name: "sigmoid", "tanh", "relu", "leaky_relu", "identity", "step" (elementwise)
    or "softmax" (over each row).  kwargs: options of the function, e.g. slope=0.1.
    forward(X (N, M)) -> f(X) (N, M).  backward(dout (N, M)) -> dX = dout * f'(X),
    or the softmax vector-Jacobian product.
    """

    def __init__(self, name, **kwargs):
        f, df = choose(name, _ACTIVATION_LAYERS, "activation")
        _check_options(name, f, kwargs)
        self.name, self.kwargs = name, kwargs
        self._f, self._df = f.raw, (df.raw if df else None)
        self._X = self._out = None

    def forward(self, X):
        """X: (N, M) pre-activations.  Returns f(X) (N, M).  Keeps X and f(X) for backward."""
        return Activation._forward(self, as_batch(X, "X"))

    def _forward(self, X):
        self._X = X
        self._out = self._f(X, **self.kwargs)
        return self._out

    def backward(self, dout):
        """dout: (N, M) = dL/df(X).  Returns dL/dX (N, M)."""
        if self._out is None:
            raise RuntimeError(f"{self!r}: call forward(X) before backward(dout)")
        return Activation._backward(self, _check_dout(dout, self._out.shape, self))

    def _backward(self, dout, input_grad=True):
        if self.name == "relu":  # dout * relu'(X), with the 0/1 mask left as booleans
            return dout * (self._X > 0)
        if self.name == "softmax":
            return activations.softmax_backward.raw(self._out, dout)
        return dout * self._df(self._X, **self.kwargs)

    def __repr__(self):
        options = "".join(f", {key}={value!r}" for key, value in self.kwargs.items())
        return f"Activation({self.name!r}{options})"


class Sequential(Layer):
    """Layers applied one after the other: out = layer_k( ... layer_1(X)).

    Sequential(Dense(2, 4), Activation("tanh"), Dense(4, 1)); a single list of
    layers works too.  Supports len(), indexing (a slice gives a Sequential) and
    iteration.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if not layers:
            raise ValueError("Sequential needs at least one layer")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layer {i} must be a Layer such as Dense or Activation, "
                                f"got {type(layer).__name__}")
        self.layers = list(layers)

    @classmethod
    def mlp(cls, sizes=(2, 16, 16, 1), activation="relu", output_activation="identity", seed=0):
        """Multilayer perceptron: Dense + Activation for each pair of consecutive sizes.

        sizes: [D, hidden..., M] layer widths.  activation: name used after every
        hidden Dense; output_activation: name used after the last one (None for none).
        Weights use He init for relu-like activations and Xavier otherwise, drawn
        from one generator seeded with ``seed``.
        """
        sizes = layer_sizes(sizes)
        for name in (activation, output_activation):
            if name is not None:
                choose(name, _ACTIVATION_LAYERS, "activation")
        rng = as_rng(seed)
        init = "he" if activation in ("relu", "leaky_relu") else "xavier"
        layers = []
        for i, (d, m) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers.append(Dense(d, m, seed=rng, init=init))
            last = i == len(sizes) - 2
            name = output_activation if last else activation
            if name is not None:
                layers.append(Activation(name))
        return cls(*layers)

    def forward(self, X):
        """X: (N, D) batch.  Returns the last layer's output."""
        out = self.layers[0].forward(X)  # the first layer checks X
        for layer in self.layers[1:]:
            out = layer._forward(out)
        return out

    def _forward(self, X):
        for layer in self.layers:
            X = layer._forward(X)
        return X

    def backward(self, dout):
        """dout: dL/d(output).  Runs every backward in reverse order; returns dL/dX (N, D)."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def _backward(self, dout, input_grad=True):
        for i in range(len(self.layers) - 1, -1, -1):
            dout = self.layers[i]._backward(dout, input_grad or i > 0)
        return dout

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self):
        return [g for layer in self.layers for g in layer.gradients()]

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        if isinstance(index, bool) or not isinstance(index, numbers.Integral):
            raise TypeError(f"layer index must be a whole number or a slice, "
                            f"got {type(index).__name__}")
        if not -len(self.layers) <= index < len(self.layers):
            raise IndexError(f"layer index {index} is out of range: this Sequential has "
                             f"{len(self.layers)} layers, numbered 0 to {len(self.layers) - 1}")
        return self.layers[index]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        return f"Sequential({', '.join(repr(layer) for layer in self.layers)})"


class Neuron:
    """A single artificial neuron: f(w · x + b).

    weights: (D,).  bias: a number.  activation: elementwise name (default "identity").
    """

    def __init__(self, weights, bias, activation="identity"):
        self.weights = as_float_array(weights, "weights", ndim=1)
        if np.ndim(bias) != 0:
            raise ValueError(f"bias must be a single number, got shape {np.shape(bias)}")
        self.bias = float(as_float_array(bias, "bias"))
        self.activation = activation
        self._f = activations.get(activation)[0].raw

    def z(self, X):
        """X: (N, D) inputs.  Returns the (N,) weighted sums X @ w + b."""
        X = as_batch(X, "X", n_features=len(self.weights))
        with np.errstate(**QUIET_OVERFLOW):
            z = X @ self.weights + self.bias
        return fits_float64(z, "the weighted sum X @ w + b")

    def __call__(self, X):
        """X: (N, D) inputs.  Returns the (N,) outputs f(X @ w + b)."""
        return self._f(self.z(X))

    def __repr__(self):
        w = [round(float(v), 6) for v in self.weights]
        return f"Neuron(w={w}, b={round(self.bias, 6)}, f={self.activation})"
