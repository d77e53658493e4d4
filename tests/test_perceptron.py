"""nnlib.perceptron: the step neuron's guesses and the perceptron learning rule."""
import numpy as np
import pytest

from nnlib import perceptron
from nnlib.datasets import two_clouds


def test_logic_gates_are_the_truth_tables():
    X, y = perceptron.logic_gate("AND")
    assert X.shape == (4, 2) and X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    a, b = X[:, 0].astype(bool), X[:, 1].astype(bool)
    np.testing.assert_array_equal(y, a & b)
    np.testing.assert_array_equal(perceptron.logic_gate("OR")[1], a | b)
    np.testing.assert_array_equal(perceptron.logic_gate("XOR")[1], a ^ b)
    np.testing.assert_array_equal(perceptron.logic_gate("NAND")[1], ~(a & b))
    with pytest.raises(ValueError, match="unknown logic gate 'NOR'; expected one of"):
        perceptron.logic_gate("NOR")


def test_predict_is_a_step_of_the_weighted_sum():
    X = np.array([[0.0, 0.0], [1.0, 2.0], [-1.0, 0.5], [2.0, -3.0]])
    w, b = np.array([0.5, -1.0]), 0.5
    out = perceptron.predict(X, w, b)
    assert out.dtype == np.int64 and out.shape == (4,)
    np.testing.assert_array_equal(out, (X @ w + b >= 0).astype(int))
    assert perceptron.predict([[1.0, 1.0]], [1.0, -1.0], 0.0)[0] == 1  # z = 0 fires
    with pytest.raises(ValueError, match="2 column"):
        perceptron.predict([[1.0, 2.0, 3.0]], w, b)


def test_update_leaves_a_right_guess_alone():
    w, b, error = perceptron.update([1.0, 1.0], -1.5, [1.0, 1.0], 1)
    assert error == 0 and b == -1.5
    np.testing.assert_array_equal(w, [1.0, 1.0])


@pytest.mark.parametrize("y, expected_error", [(1, 1), (0, -1)])
def test_update_moves_by_eta_times_error_times_x(y, expected_error):
    w0, b0, x, lr = np.array([0.5, -1.0]), 0.25, np.array([2.0, 3.0]), 0.1
    guess = int(w0 @ x + b0 >= 0)
    if guess == y:  # pick the bias so that the guess is wrong
        b0 = -10.0 if y == 1 else 10.0
    w, b, error = perceptron.update(w0, b0, x, y, lr)
    assert error == expected_error
    np.testing.assert_allclose(w, w0 + lr * error * x)
    assert b == pytest.approx(b0 + lr * error)


def test_update_checks_its_arguments():
    with pytest.raises(ValueError, match="one value per weight"):
        perceptron.update([1.0, 2.0], 0.0, [1.0, 2.0, 3.0], 1)
    with pytest.raises(ValueError, match="labels in 0..1"):
        perceptron.update([1.0], 0.0, [1.0], 2)
    with pytest.raises(ValueError, match="lr must be a finite number greater than 0"):
        perceptron.update([1.0], 0.0, [1.0], 1, lr=0.0)
    with pytest.raises(TypeError, match="lr must be a number"):
        perceptron.update([1.0], 0.0, [1.0], 1, lr="fast")


def test_train_records_every_update():
    X, y = perceptron.logic_gate("OR")
    run = perceptron.train(X, y, 10, w0=[0.3, -0.2], b0=0.1, lr=0.5)
    assert run.weights.shape == (11, 2) and run.biases.shape == (11,)
    assert run.used.shape == run.errors.shape == (10,) and run.mistakes.shape == (11,)
    np.testing.assert_array_equal(run.used, np.arange(10) % 4)  # rows in order, again and again
    np.testing.assert_array_equal(run.weights[0], [0.3, -0.2])
    for t in range(1, 11):
        i = run.used[t - 1]
        w, b, error = perceptron.update(run.weights[t - 1], run.biases[t - 1], X[i], y[i], 0.5)
        np.testing.assert_array_equal(run.weights[t], w)
        assert run.biases[t] == b and run.errors[t - 1] == error
        assert run.mistakes[t] == np.sum(perceptron.predict(X, w, b) != y)


@pytest.mark.parametrize("gate", ["AND", "OR", "NAND"])
def test_separable_gates_settle_and_then_stay_still(gate):
    X, y = perceptron.logic_gate(gate)
    run = perceptron.train(X, y, 60)
    t = run.settled_at
    assert t is not None and run.mistakes[t] == 0 and run.mistakes[:t].min() > 0
    assert np.all(run.mistakes[t:] == 0) and np.all(run.errors[t:] == 0)
    assert np.all(run.weights[t:] == run.weights[t]) and np.all(run.biases[t:] == run.biases[t])
    np.testing.assert_array_equal(perceptron.predict(X, run.weights[-1], run.biases[-1]), y)


def test_xor_never_settles():
    X, y = perceptron.logic_gate("XOR")
    for start in ([0.0, 0.0], [0.4, -0.7], [-2.0, 1.0]):
        run = perceptron.train(X, y, 400, w0=start, b0=0.3)
        assert run.settled_at is None and run.mistakes.min() >= 1
        assert np.count_nonzero(run.errors[-40:]) > 0  # still changing at the end


def test_train_separates_two_clouds():
    X, y = two_clouds()
    run = perceptron.train(X, y, 4000)
    assert run.settled_at is not None
    np.testing.assert_array_equal(perceptron.predict(X, run.weights[-1], run.biases[-1]), y)


def test_train_with_no_updates_is_the_start():
    X, y = perceptron.logic_gate("AND")
    run = perceptron.train(X, y, 0, w0=[1.0, 1.0], b0=-1.5)
    assert run.weights.shape == (1, 2) and run.used.shape == (0,) and run.settled_at == 0


def test_train_checks_its_arguments():
    X, y = perceptron.logic_gate("AND")
    with pytest.raises(ValueError, match="n_updates must be at least 0"):
        perceptron.train(X, y, -1)
    with pytest.raises(TypeError, match="n_updates must be a whole number"):
        perceptron.train(X, y, 2.5)
    with pytest.raises(TypeError, match="n_updates must be a whole number"):
        perceptron.train(X, y, True)
    with pytest.raises(ValueError, match="w0 must hold 2 numbers"):
        perceptron.train(X, y, 3, w0=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="y has 3 rows but X has 4"):
        perceptron.train(X, y[:3], 3)
    with pytest.raises(ValueError, match="labels in 0..1"):
        perceptron.train(X, y + 1, 3)
    with pytest.raises(ValueError, match="2-D batch"):
        perceptron.train(X[:, 0], y, 3)
    with pytest.raises(ValueError, match="b0 must be a single number"):
        perceptron.train(X, y, 3, b0=[1.0, 2.0])
