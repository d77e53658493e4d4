"""Tests for nnlib.losses: values, gradients, stability, checks."""
import math

import numpy as np
import pytest

from nnlib import activations, losses

LOUD = {"over": "raise", "invalid": "raise", "divide": "raise"}


def numeric_grad(loss_fn, pred, target, h=1e-6):
    """Centred differences of the loss with respect to every entry of pred."""
    grad = np.zeros_like(pred)
    for i in np.ndindex(pred.shape):
        up, down = pred.copy(), pred.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (loss_fn(up, target)[0] - loss_fn(down, target)[0]) / (2 * h)
    return grad


def rel_err(a, b):
    scale = np.max(np.abs(a) + np.abs(b))
    return 0.0 if scale == 0 else np.max(np.abs(a - b)) / scale


RNG = np.random.default_rng(0)
CASES = {
    "mse": (RNG.normal(size=(5, 3)), RNG.normal(size=(5, 3))),
    "binary_cross_entropy": (RNG.uniform(0.1, 0.9, size=(6, 1)), RNG.integers(0, 2, size=(6, 1))),
    "binary_cross_entropy_with_logits": (RNG.normal(size=(6, 1)) * 3, RNG.integers(0, 2, size=6)),
    "softmax_cross_entropy": (RNG.normal(size=(5, 4)) * 2, np.array([0, 3, 1, 2, 3])),
}


# ---------------------------------------------------------- hand values ---
def test_mse_values():
    loss, grad = losses.mse([[1.0], [2.0]], [[0.0], [0.0]])
    assert loss == pytest.approx(2.5)
    np.testing.assert_allclose(grad, [[1.0], [2.0]])
    loss, grad = losses.mse([[1.0, 2.0], [3.0, 4.0]], np.zeros((2, 2)))
    assert loss == pytest.approx(15.0)  # summed over columns, averaged over rows
    np.testing.assert_allclose(grad, [[1.0, 2.0], [3.0, 4.0]])


def test_mse_accepts_a_label_vector_for_one_output_column():
    loss, grad = losses.mse([[1.0], [3.0]], [0.0, 1.0])
    assert loss == pytest.approx(2.5) and grad.shape == (2, 1)
    loss, grad = losses.mse([1.0, 3.0], [[0.0], [1.0]])
    assert loss == pytest.approx(2.5) and grad.shape == (2,)


def test_binary_cross_entropy_values():
    loss, grad = losses.binary_cross_entropy([0.5, 0.8], [1, 1])
    assert loss == pytest.approx(-(math.log(0.5) + math.log(0.8)) / 2)
    np.testing.assert_allclose(grad, [-1.0, -0.625])
    loss, grad = losses.binary_cross_entropy([[0.25]], [[0]])
    assert loss == pytest.approx(-math.log(0.75))
    np.testing.assert_allclose(grad, [[1 / 0.75]])


def test_binary_cross_entropy_is_finite_at_0_and_1():
    with np.errstate(**LOUD):
        loss, grad = losses.binary_cross_entropy([0.0, 1.0], [1, 1])
    assert loss == pytest.approx(-math.log(losses.P_CLIP) / 2, rel=1e-6)
    assert np.all(np.isfinite(grad))
    loss, _ = losses.binary_cross_entropy([0.0, 1.0], [0, 1])
    assert 0 <= loss < 1e-11


def test_bce_with_logits_values_and_agreement_with_bce():
    loss, grad = losses.binary_cross_entropy_with_logits([0.0], [1])
    assert loss == pytest.approx(math.log(2))
    np.testing.assert_allclose(grad, [-0.5])
    z, y = np.array([[-2.0], [0.3], [4.0]]), np.array([[0], [1], [0]])
    loss, grad = losses.binary_cross_entropy_with_logits(z, y)
    p = activations.sigmoid(z)
    assert loss == pytest.approx(losses.binary_cross_entropy(p, y)[0], rel=1e-12)
    np.testing.assert_allclose(grad, (p - y) / 3)


def test_softmax_cross_entropy_values():
    loss, grad = losses.softmax_cross_entropy([[0.0, 0.0]], [0])
    assert loss == pytest.approx(math.log(2))
    np.testing.assert_allclose(grad, [[-0.5, 0.5]])
    loss, grad = losses.softmax_cross_entropy([[0.0, math.log(3)], [0.0, 0.0]], [1, 1])
    assert loss == pytest.approx((-math.log(0.75) + math.log(2)) / 2)
    np.testing.assert_allclose(grad, [[0.125, -0.125], [0.25, -0.25]])


def test_softmax_cross_entropy_accepts_whole_float_labels():
    loss_float, grad_float = losses.softmax_cross_entropy([[1.0, 2.0]], [1.0])
    loss_int, grad_int = losses.softmax_cross_entropy([[1.0, 2.0]], [1])
    assert loss_float == loss_int
    np.testing.assert_array_equal(grad_float, grad_int)


# ------------------------------------------------------- finite differences ---
@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_finite_differences(name):
    pred, target = CASES[name]
    loss_fn = losses.get(name)
    loss, grad = loss_fn(pred, target)
    assert isinstance(loss, float) and grad.shape == pred.shape
    assert rel_err(grad, numeric_grad(loss_fn, pred, target)) < 1e-6


@pytest.mark.parametrize("name", sorted(CASES))
def test_check_and_raw_halves_give_the_public_result(name):
    pred, target = CASES[name]
    loss_fn = losses.get(name)
    loss, grad = loss_fn.raw(*loss_fn.check(pred, target))
    assert loss == loss_fn(pred, target)[0]
    np.testing.assert_array_equal(grad, loss_fn(pred, target)[1])


def test_mse_gradient_of_a_vector_prediction():
    pred, target = RNG.normal(size=7), RNG.normal(size=7)
    assert rel_err(losses.mse(pred, target)[1], numeric_grad(losses.mse, pred, target)) < 1e-6


# ---------------------------------------------------------------- stability ---
def test_bce_with_logits_is_stable_at_1e4():
    z = np.array([[1e4], [-1e4], [1e4], [-1e4]])
    with np.errstate(**LOUD):
        right, grad_right = losses.binary_cross_entropy_with_logits(z, [[1], [0], [1], [0]])
        wrong, grad_wrong = losses.binary_cross_entropy_with_logits(z, [[0], [1], [0], [1]])
    assert right == 0.0 and wrong == pytest.approx(1e4)
    np.testing.assert_allclose(grad_right, np.zeros((4, 1)))
    np.testing.assert_allclose(grad_wrong, [[0.25], [-0.25], [0.25], [-0.25]])


def test_softmax_cross_entropy_is_stable_at_1e4():
    with np.errstate(**LOUD):
        loss, grad = losses.softmax_cross_entropy([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4]], [2, 0])
    assert loss == pytest.approx(1e4)  # (2e4 + 0) / 2
    np.testing.assert_allclose(grad, [[0.5, 0.0, -0.5], [0.0, 0.0, 0.0]])


# -------------------------------------------------------------- registry ---
def test_registry_and_get():
    assert set(losses.LOSSES) == {"mse", "binary_cross_entropy",
                                  "binary_cross_entropy_with_logits", "softmax_cross_entropy"}
    assert losses.get("mse") is losses.mse
    with pytest.raises(ValueError, match="unknown loss 'cross_entropy'.*mse"):
        losses.get("cross_entropy")


# ------------------------------------------------------------ bad inputs ---
def test_row_count_mismatch_names_both_arguments():
    with pytest.raises(ValueError, match="y has 5 rows but y_hat has 4"):
        losses.mse(np.zeros((4, 1)), np.zeros((5, 1)))
    with pytest.raises(ValueError, match="y has 3 rows but p has 2"):
        losses.binary_cross_entropy([0.5, 0.5], [0, 1, 1])
    with pytest.raises(ValueError, match="y has 1 rows but z has 2"):
        losses.binary_cross_entropy_with_logits([[0.5], [0.5]], [1])
    with pytest.raises(ValueError, match="labels has 3 rows but logits has 2"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), [0, 1, 2])


def test_shape_mismatch_is_explained():
    with pytest.raises(ValueError, match=r"y must have the shape of y_hat \(4, 2\)"):
        losses.mse(np.zeros((4, 2)), np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"y must have the shape of y_hat \(4, 2\)"):
        losses.mse(np.zeros((4, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="y must hold one target per row"):
        losses.mse(np.zeros((4, 1)), 1.0)
    with pytest.raises(ValueError, match=r"y_hat must have shape \(N, K\) or \(N,\)"):
        losses.mse(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"p must have shape \(N, 1\) or \(N,\)"):
        losses.binary_cross_entropy(np.full((3, 2), 0.5), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"logits must have shape \(N, K\)"):
        losses.softmax_cross_entropy([0.1, 0.2], [0, 1])


def test_bad_values_are_rejected():
    with pytest.raises(ValueError, match=r"p must hold probabilities in \[0, 1\].*with_logits"):
        losses.binary_cross_entropy([0.5, 1.5], [0, 1])
    with pytest.raises(ValueError, match="y must hold 0/1 targets"):
        losses.binary_cross_entropy([0.5, 0.5], [0, 2])
    with pytest.raises(ValueError, match="y must hold 0/1 targets"):
        losses.binary_cross_entropy_with_logits([0.5, 0.5], [0.5, 1])
    with pytest.raises(ValueError, match=r"labels must hold labels in 0\.\.2"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), [0, 3])
    with pytest.raises(ValueError, match=r"labels must hold labels in 0\.\.2"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), [-1, 0])
    with pytest.raises(TypeError, match="labels must be integer class labels"):
        losses.softmax_cross_entropy(np.zeros((2, 3)), [0.5, 1])
    with pytest.raises(ValueError, match="y_hat contains NaN"):
        losses.mse([np.nan, 1.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="y contains NaN"):
        losses.mse([0.0, 1.0], [np.inf, 1.0])
    with pytest.raises(TypeError, match="y_hat must be an array of numbers"):
        losses.mse("0.5", [1.0])
