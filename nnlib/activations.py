"""Activation functions f(z) and their derivatives f'(z).

The elementwise functions take an array-like of any shape (a scalar too) and
return a float64 ndarray of the same shape.  Each derivative ``*_grad`` is taken
with respect to z and evaluated at z.  At the kink z = 0 we pick relu'(0) = 0,
leaky_relu'(0) = slope and step'(z) = 0 everywhere (its true derivative is a spike
at 0 that gradient descent cannot use, which is why the perceptron needs its own
learning rule).

Every public function checks its input (TypeError for strings or objects,
ValueError for NaN or infinity) and its result: finite inputs whose answer is
beyond float64's range (leaky_relu(-1e308, slope=10)) raise a ValueError instead
of a numpy overflow warning.  Where the answer fits, it comes back without a
warning even for inputs near ±1e308.  The unchecked formula stays available as
``f.raw``: layers check their input once and then call ``raw``, so that a
diverging training run (where values can grow to infinity) is reported by the
training loop instead of crashing halfway through a forward pass.
"""
import functools

import numpy as np

from ._validate import QUIET_OVERFLOW, as_float_array, choose, fits_float64, positive_number


def _with_check(check):
    """Decorator: the public function applies ``check`` to z first and checks that the
    result fits in a float64; ``.raw`` skips both."""
    def decorate(formula):
        @functools.wraps(formula)
        def checked(z, *args, **kwargs):
            z = check(z)
            with np.errstate(**QUIET_OVERFLOW):
                result = np.asarray(formula(z, *args, **kwargs))
            return fits_float64(result, f"the result of {formula.__name__}")
        checked.raw = formula
        return checked
    return decorate


def _numbers(z):
    """z: array-like of any shape -> finite float64 array."""
    return as_float_array(z, "z")


def _scores(z, name="z"):
    """z: (N, K) scores or one vector (K,) -> finite float64 array."""
    z = as_float_array(z, name)
    if z.ndim not in (1, 2):
        raise ValueError(f"{name} must be a batch of scores (N, K) or one vector (K,), "
                         f"got shape {z.shape}")
    return z


_elementwise = _with_check(_numbers)


# ----------------------------------------------------------------- sigmoid ---
@_elementwise
def sigmoid(z):
    """Logistic function 1 / (1 + e^(-z)).

    z: any shape.  Returns the same shape, values in [0, 1].  Stable: it only
    ever computes e^(-|z|) <= 1, so nothing overflows even at |z| = 1e4.
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@_elementwise
def sigmoid_grad(z):
    """Derivative of the sigmoid: s(z) (1 - s(z)).

    z: any shape.  Returns the same shape, values in [0, 0.25].  Computed as
    e / (1 + e)^2 with e = e^(-|z|), which is the same number, but keeps its
    accuracy where s(z) rounds to 1 (z above about 37).
    """
    e = np.exp(-np.abs(z))
    return e / ((1.0 + e) * (1.0 + e))


# -------------------------------------------------------------------- tanh ---
@_elementwise
def tanh(z):
    """Hyperbolic tangent (e^z - e^(-z)) / (e^z + e^(-z)).

    z: any shape.  Returns the same shape, values in [-1, 1].
    """
    return np.tanh(z)


@_elementwise
def tanh_grad(z):
    """Derivative of tanh: 1 - tanh(z)^2.

    z: any shape.  Returns the same shape, values in [0, 1].  Computed as
    4e / (1 + e)^2 with e = e^(-2|z|), which is the same number, but keeps its
    accuracy where tanh(z) rounds to ±1 (|z| above about 19).
    """
    # Beyond |z| = 373, e^(-2|z|) is 0 in float64 anyway; capping |z| at 400 keeps
    # -2|z| from overflowing for |z| near 1e308 and changes no result.
    e = np.exp(-2.0 * np.minimum(np.abs(z), 400.0))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


# -------------------------------------------------------------------- relu ---
@_elementwise
def relu(z):
    """Rectified linear unit max(z, 0).

    z: any shape.  Returns the same shape.
    """
    return np.maximum(z, 0.0)


@_elementwise
def relu_grad(z):
    """Derivative of relu: 1 where z > 0, else 0 (we pick 0 at the kink z = 0).

    z: any shape.  Returns the same shape.
    """
    return (z > 0).astype(np.float64)


@_elementwise
def leaky_relu(z, slope=0.01):
    """Leaky relu: z where z > 0, else slope * z.

    z: any shape.  slope: number > 0.  Returns the same shape.
    """
    slope = positive_number(slope, "slope")
    return np.where(z > 0, z, slope * z)


@_elementwise
def leaky_relu_grad(z, slope=0.01):
    """Derivative of leaky relu: 1 where z > 0, else slope (so slope at z = 0).

    z: any shape.  slope: number > 0.  Returns the same shape.
    """
    slope = positive_number(slope, "slope")
    return np.where(z > 0, 1.0, slope)


# ------------------------------------------------------- identity and step ---
@_elementwise
def identity(z):
    """The identity f(z) = z (a copy, so changing the result leaves z alone).

    z: any shape.  Returns the same shape.
    """
    return z.copy()


@_elementwise
def identity_grad(z):
    """Derivative of the identity: 1 everywhere.

    z: any shape.  Returns ones of the same shape.
    """
    return np.ones_like(z)


@_elementwise
def step(z):
    """Heaviside step of the perceptron: 1 where z >= 0, else 0.

    z: any shape.  Returns the same shape.
    """
    return (z >= 0).astype(np.float64)


@_elementwise
def step_grad(z):
    """Derivative of the step: 0 everywhere (we ignore the spike at z = 0).

    z: any shape.  Returns zeros of the same shape.
    """
    return np.zeros_like(z)


# ----------------------------------------------------------------- softmax ---
@_with_check(_scores)
def softmax(z):
    """Softmax over the last axis: s_k = e^(z_k) / sum_j e^(z_j).

    z: (N, K) scores (or one vector (K,)).  Returns the same shape; each row is
    positive and sums to 1.  Stable: subtracting the row maximum first changes
    nothing mathematically but keeps every e^(...) <= 1.
    """
    with np.errstate(over="ignore"):
        # z - max <= 0; it only overflows (to -inf) when a row spans more than 1.8e308,
        # and e^(-inf) = 0 is then the right answer.
        e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_vjp(s, dout):
    """Unchecked softmax_backward (see there)."""
    return s * (dout - np.sum(dout * s, axis=-1, keepdims=True))


def softmax_backward(s, dout):
    """Backward pass of softmax, without ever building the (N, K, K) Jacobian.

    s: (N, K) softmax outputs (or (K,)).  dout: dL/ds, same shape.
    Returns dL/dz, same shape:  dz = s * (dout - sum_k dout_k s_k)  per row,
    which is J^T dout for the Jacobian J = diag(s) - s s^T of each row.
    """
    s = _scores(s, "s")
    dout = as_float_array(dout, "dout")
    if dout.shape != s.shape:
        raise ValueError(f"dout must have the shape of s {s.shape}, got {dout.shape}")
    # Near ±1e308, dout - sum(dout * s) can overflow where s * (...) fits: scale dout down
    # by a power of 2 first (exact) and back up at the end.
    power = int(np.frexp(np.abs(dout).max())[1])   # max |dout| < 2**power
    with np.errstate(**QUIET_OVERFLOW):
        dz = np.ldexp(_softmax_vjp(s, np.ldexp(dout, -power)), power)
    return fits_float64(dz, "the result of softmax_backward")


softmax_backward.raw = _softmax_vjp


def softmax_jacobian(z):
    """The full Jacobian ds/dz of softmax for one vector (for teaching).

    z: (K,) scores.  Returns J (K, K) with J[i, j] = ds_i/dz_j = s_i (δ_ij - s_j),
    i.e. diag(s) - s s^T.
    """
    z = as_float_array(z, "z", ndim=1)
    s = softmax.raw(z)
    return np.diag(s) - np.outer(s, s)


# ---------------------------------------------------------------- registry ---
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
    "identity": (identity, identity_grad),
    "step": (step, step_grad),
}


def get(name):
    """Look up an elementwise activation by name.

    name: one of the keys of ACTIVATIONS.  Returns the pair (f, df).
    Softmax is not elementwise; use ``softmax`` or ``layers.Activation("softmax")``.
    """
    return choose(name, ACTIVATIONS, "activation")
