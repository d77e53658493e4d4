"""Tests for nnlib.gradcheck: numerical gradients, relative error, check_model."""
import numpy as np
import pytest

from nnlib.gradcheck import check_model, numerical_gradient, relative_error
from nnlib.layers import Activation, Dense, Sequential

RNG = np.random.default_rng(0)


# ------------------------------------------------------- numerical_gradient ---
def test_numerical_gradient_of_known_functions():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda: np.sum(x ** 2), x), 2 * x, atol=1e-8)
    A = RNG.normal(size=(2, 2))
    np.testing.assert_allclose(numerical_gradient(lambda: np.sum(A * np.sin(x)), x),
                               A * np.cos(x), atol=1e-8)
    v = np.array([0.3])
    np.testing.assert_allclose(numerical_gradient(lambda: np.exp(v[0]), v), np.exp(v), rtol=1e-8)


def test_numerical_gradient_restores_x():
    x = RNG.normal(size=(3, 4))
    before = x.copy()
    numerical_gradient(lambda: float(np.prod(x)), x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_restores_x_when_f_fails():
    x = np.array([1.0, 2.0])

    def broken():
        if x[0] != 1.0:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(broken, x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_numerical_gradient_bad_arguments():
    with pytest.raises(TypeError, match="x must be a float64 numpy array"):
        numerical_gradient(lambda: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="x must be a float64 numpy array"):
        numerical_gradient(lambda: 0.0, np.array([1, 2]))
    with pytest.raises(TypeError, match="f must be a function"):
        numerical_gradient(3.0, np.zeros(2))
    with pytest.raises(ValueError, match="eps must be a finite number greater than 0"):
        numerical_gradient(lambda: 0.0, np.zeros(2), eps=0)


# ----------------------------------------------------------- relative_error ---
def test_relative_error_values():
    assert relative_error([1.0, 2.0], [1.0, 3.0]) == pytest.approx(0.2)  # 1 / (2 + 3)
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0, -1.0], [1.0, -1.0]) == 0.0
    assert relative_error([1.0], [-1.0]) == 1.0
    assert relative_error(5.0, 5.0) == 0.0


def test_relative_error_bad_arguments():
    with pytest.raises(ValueError, match=r"a and b must have the same shape, got \(2,\) and \(3"):
        relative_error(np.zeros(2), np.zeros(3))
    with pytest.raises(ValueError, match="a contains NaN"):
        relative_error([np.nan], [0.0])


# -------------------------------------------------------------- check_model ---
MODELS = {
    "mse": (lambda: Sequential.mlp([3, 5, 2], activation="tanh", seed=1),
            RNG.normal(size=(4, 2))),
    "binary_cross_entropy": (
        lambda: Sequential.mlp([3, 5, 1], activation="sigmoid", output_activation="sigmoid"),
        RNG.integers(0, 2, size=(4, 1))),
    "binary_cross_entropy_with_logits": (
        lambda: Sequential.mlp([3, 5, 1], activation="leaky_relu", seed=2), RNG.integers(0, 2, 4)),
    "softmax_cross_entropy": (lambda: Sequential.mlp([3, 6, 4, 3], activation="tanh", seed=3),
                              np.array([0, 2, 1, 2])),
}


@pytest.mark.parametrize("loss_name", sorted(MODELS))
def test_check_model_passes_for_every_loss(loss_name):
    make_model, y = MODELS[loss_name]
    model = make_model()
    for layer in model:
        if isinstance(layer, Dense):
            layer.b[:] = RNG.normal(size=layer.b.shape) * 0.1
    X = RNG.normal(size=(4, 3))
    X_before = X.copy()
    errors = check_model(model, loss_name, X, y)
    assert len(errors) == len(model.parameters()) + 1
    assert max(errors) < 1e-6
    np.testing.assert_array_equal(X, X_before)


def test_check_model_on_a_single_dense_layer():
    X, y = RNG.normal(size=(5, 2)), RNG.normal(size=(5, 3))
    errors = check_model(Dense(2, 3, seed=0), "mse", X, y)
    assert len(errors) == 3 and max(errors) < 1e-6


class BuggyDense(Dense):
    """Dense whose backward forgets to sum db over the batch (uses row 0 only)."""

    def backward(self, dout):
        dX = super().backward(dout)
        self.db[...] = dout[0]
        return dX


def test_check_model_catches_a_wrong_gradient():
    model = Sequential(BuggyDense(2, 3, seed=0), Activation("tanh"), Dense(3, 1, seed=1))
    errors = check_model(model, "mse", RNG.normal(size=(6, 2)), RNG.normal(size=(6, 1)))
    W_err, b_err = errors[0], errors[1]
    assert W_err < 1e-6 and b_err > 1e-2


def test_check_model_bad_arguments():
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        check_model(Dense(2, 1), "hinge", np.ones((2, 2)), np.ones((2, 1)))
    with pytest.raises(ValueError, match="y has 3 rows but y_hat has 2"):
        check_model(Dense(2, 1), "mse", np.ones((2, 2)), np.ones((3, 1)))

