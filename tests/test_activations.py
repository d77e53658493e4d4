"""Tests for nnlib.activations: values, derivatives, stability, checks."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnlib import activations as act

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "step"]
LOUD = {"over": "raise", "invalid": "raise", "divide": "raise"}  # numpy errors -> exceptions


def central_difference(f, z, h=1e-6):
    """Elementwise derivative estimate (f(z + h) - f(z - h)) / 2h."""
    return (f(z + h) - f(z - h)) / (2 * h)


def rel_err(a, b):
    scale = np.max(np.abs(a) + np.abs(b))
    return 0.0 if scale == 0 else np.max(np.abs(a - b)) / scale


def away_from_kink(rng, shape):
    """Random points with |z| >= 0.1, so relu/step/leaky are smooth around them."""
    u = rng.normal(size=shape)
    return np.sign(u) * (0.1 + np.abs(u)) * 2


# ------------------------------------------------------ hand-computed values ---
def test_sigmoid_values():
    z = np.array([0.0, math.log(3), -math.log(3)])
    np.testing.assert_allclose(act.sigmoid(z), [0.5, 0.75, 0.25], rtol=1e-12)


def test_tanh_values():
    np.testing.assert_allclose(act.tanh([0.0, math.log(2)]), [0.0, 0.6], atol=1e-12)


def test_relu_leaky_step_identity_values():
    z = [-2.0, 0.0, 3.0]
    np.testing.assert_array_equal(act.relu(z), [0.0, 0.0, 3.0])
    np.testing.assert_allclose(act.leaky_relu(z, slope=0.1), [-0.2, 0.0, 3.0])
    np.testing.assert_allclose(act.leaky_relu(z), [-0.02, 0.0, 3.0])
    np.testing.assert_array_equal(act.step(z), [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(act.identity(z), z)


def test_derivative_values():
    np.testing.assert_allclose(act.sigmoid_grad([0.0, math.log(3)]), [0.25, 0.1875])
    np.testing.assert_allclose(act.tanh_grad([0.0, math.log(2)]), [1.0, 0.64])
    z = [-1.0, 0.0, 2.0]
    np.testing.assert_array_equal(act.relu_grad(z), [0.0, 0.0, 1.0])  # 0 at the kink
    np.testing.assert_allclose(act.leaky_relu_grad(z, slope=0.1), [0.1, 0.1, 1.0])
    np.testing.assert_array_equal(act.step_grad(z), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(act.identity_grad(z), [1.0, 1.0, 1.0])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_scalars_give_float64_arrays(name):
    f, df = act.get(name)
    for out in (f(0.5), df(0.5), f(2)):
        assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == ()


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_shape_is_kept(name):
    f, df = act.get(name)
    z = np.arange(24, dtype=np.int64).reshape(2, 3, 4) - 12
    assert f(z).shape == z.shape and df(z).shape == z.shape
    assert f(z).dtype == np.float64


def test_identity_returns_a_copy():
    z = np.array([1.0, 2.0])
    out = act.identity(z)
    out += 1
    np.testing.assert_array_equal(z, [1.0, 2.0])


def test_raw_formulas_match_checked_ones():
    z = np.linspace(-3, 3, 7)
    for f, df in act.ACTIVATIONS.values():
        np.testing.assert_array_equal(f.raw(z), f(z))
        np.testing.assert_array_equal(df.raw(z), df(z))


# ----------------------------------------------------- finite differences ---
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name):
    f, df = act.get(name)
    z = away_from_kink(np.random.default_rng(1), (4, 5))
    assert rel_err(df(z), central_difference(f, z)) < 1e-6


def test_leaky_relu_grad_with_slope_matches_finite_differences():
    z = away_from_kink(np.random.default_rng(2), (30,))
    numeric = central_difference(lambda v: act.leaky_relu(v, slope=0.3), z)
    assert rel_err(act.leaky_relu_grad(z, slope=0.3), numeric) < 1e-6


def test_softmax_backward_matches_finite_differences():
    rng = np.random.default_rng(3)
    z, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    numeric = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[i] = 1e-6
        numeric[i] = (np.sum(dout * act.softmax(z + step))
                      - np.sum(dout * act.softmax(z - step))) / 2e-6
    assert rel_err(act.softmax_backward(act.softmax(z), dout), numeric) < 1e-6


def test_softmax_jacobian_matches_finite_differences_and_backward():
    rng = np.random.default_rng(4)
    z, dout = rng.normal(size=5), rng.normal(size=5)
    numeric = np.column_stack([central_difference(lambda h: act.softmax(z + h * e), 0.0)
                               for e in np.eye(5)])
    J = act.softmax_jacobian(z)
    assert rel_err(J, numeric) < 1e-6
    np.testing.assert_allclose(J.T @ dout, act.softmax_backward(act.softmax(z), dout),
                               atol=1e-14)


# ----------------------------------------------------------------- softmax ---
def test_softmax_values_and_rows_sum_to_one():
    np.testing.assert_allclose(act.softmax([0.0, math.log(3)]), [0.25, 0.75])
    s = act.softmax(np.random.default_rng(5).normal(size=(6, 4)) * 10)
    assert s.shape == (6, 4) and np.all(s > 0)
    np.testing.assert_allclose(s.sum(axis=1), np.ones(6), rtol=1e-12)


def test_softmax_ignores_a_shift_of_each_row():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]])
    np.testing.assert_allclose(act.softmax(z + 1000.0), act.softmax(z), rtol=1e-12)


def test_softmax_jacobian_hand_values():
    np.testing.assert_allclose(act.softmax_jacobian([0.0, 0.0]),
                               [[0.25, -0.25], [-0.25, 0.25]])


# --------------------------------------------------------------- stability ---
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_no_overflow_at_plus_minus_1e4(name):
    f, df = act.get(name)
    z = np.array([-1e4, -800.0, 800.0, 1e4])
    with np.errstate(**LOUD):
        out, slope = f(z), df(z)
    assert np.all(np.isfinite(out)) and np.all(np.isfinite(slope))


def test_sigmoid_and_tanh_saturate_exactly():
    with np.errstate(**LOUD):
        np.testing.assert_array_equal(act.sigmoid([-1e4, 1e4]), [0.0, 1.0])
        np.testing.assert_array_equal(act.sigmoid_grad([-1e4, 1e4]), [0.0, 0.0])
        np.testing.assert_array_equal(act.tanh([-1e4, 1e4]), [-1.0, 1.0])
    assert act.sigmoid(-700.0) > 0  # the tiny value is kept, not rounded to 0


def test_softmax_is_stable_at_1e4():
    with np.errstate(**LOUD):
        s = act.softmax([[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4]])
        grad = act.softmax_backward(s, np.ones_like(s))
    np.testing.assert_allclose(s, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]])
    assert np.all(np.isfinite(grad))


@settings(max_examples=60, deadline=None, database=None)
@given(st.floats(min_value=-1e4, max_value=1e4))
def test_sigmoid_properties(z):
    with np.errstate(**LOUD):
        s, s_neg = act.sigmoid(z), act.sigmoid(-z)
    assert 0.0 <= s <= 1.0
    assert abs(s + s_neg - 1.0) < 1e-12


# ---------------------------------------------------------------- registry ---
def test_registry_lists_the_elementwise_functions():
    assert set(act.ACTIVATIONS) == set(ELEMENTWISE)
    assert act.get("relu") == (act.relu, act.relu_grad)


def test_get_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown activation 'softmax'.*relu.*sigmoid"):
        act.get("softmax")
    with pytest.raises(TypeError, match="by name"):
        act.get(act.relu)


# -------------------------------------------------------------- bad inputs ---
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_bad_inputs_are_rejected(name):
    f, df = act.get(name)
    for func in (f, df):
        with pytest.raises(TypeError, match="z must be an array of numbers"):
            func("1.0")
        with pytest.raises(TypeError, match="z must hold real numbers"):
            func([{"a": 1}])
        with pytest.raises(ValueError, match="z contains NaN"):
            func([1.0, np.nan])


def test_leaky_relu_slope_is_checked():
    with pytest.raises(ValueError, match="slope must be a finite number greater than 0"):
        act.leaky_relu([1.0], slope=0)
    with pytest.raises(TypeError, match="slope must be a number"):
        act.leaky_relu_grad([1.0], slope="0.1")


def test_softmax_shape_checks():
    with pytest.raises(ValueError, match=r"z must be a batch of scores \(N, K\)"):
        act.softmax(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="z must be a 1-D array"):
        act.softmax_jacobian(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape of s \(2, 3\)"):
        act.softmax_backward(np.full((2, 3), 1 / 3), np.zeros((3, 2)))
    with pytest.raises(ValueError, match="s contains NaN"):
        act.softmax_backward([np.nan, 1.0], [0.0, 0.0])


def test_slopes_keep_their_accuracy_where_the_function_saturates():
    """Where sigmoid(z) rounds to 1, s (1 - s) would be 0; the true slope is e^-z (1 + e^-z)^-2."""
    np.testing.assert_allclose(act.sigmoid_grad([40.0, -40.0]), [4.248354255291589e-18] * 2,
                               rtol=1e-14)
    np.testing.assert_allclose(act.tanh_grad([20.0, -20.0]), [1.6993417021166355e-17] * 2,
                               rtol=1e-14)
    z = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(act.sigmoid_grad(z), act.sigmoid(z) * (1 - act.sigmoid(z)),
                               rtol=1e-12)
    np.testing.assert_allclose(act.tanh_grad(z), 1 - np.tanh(z) ** 2, rtol=1e-12, atol=1e-15)
