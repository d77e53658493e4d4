"""The worked solutions of the chapters' exercises are right.

These checks used to run in hidden notebook cells, where Run All printed every answer. They run
here instead, so a reader only sees a solution by opening its fold. Each test takes the numbers a
solution states and puts them through the same checker the reader's answer goes through.
"""
import numpy as np
import pytest

import nnlib
from nnlib import activations, perceptron
from nnlib.chapters import activations as activation_chapter
from nnlib.chapters import loss as loss_chapter
from nnlib.chapters import neuron as neuron_chapter
from nnlib.chapters import training as training_chapter
from nnlib.exercises import beyond, gradient_descent, layers, line, loss, neuron, training
from nnlib.exercises import activations as activation_checks


def test_chapter1_least_squares_line():
    X, y = nnlib.datasets.line_points()
    x, t = X[:, 0], y[:, 0]
    best_w = ((x - x.mean()) * (t - t.mean())).sum() / ((x - x.mean()) ** 2).sum()
    best_b = t.mean() - best_w * x.mean()
    assert (round(best_w, 3), round(best_b, 3)) == (0.941, 0.819)     # as the solution says
    assert line.check_fit(best_w, best_b).ok
    assert line.check_fit(0.9, 0.8).ok and line.check_output(2.5).ok


def test_chapter2_solutions():
    _, decisions = nnlib.datasets.walk_decisions((1.5, -3.0, 2.0), -1.0)
    assert neuron_chapter.influence(decisions).tolist() == [1, 3, 1]
    assert neuron.check_most_important("cold").ok
    assert neuron.check_walk("stay in").ok
    assert neuron.check_and(1.0, 1.0, -1.5).ok and neuron.check_and(2.0, 2.0, -3.0).ok
    w, b, error = perceptron.update([0.5, -1.0], 0.0, [1.0, 1.0], 1, lr=0.5)
    assert error == 1 and w.tolist() == [1.0, -0.5] and b == 0.5
    assert neuron.check_update(w, b).ok


def test_chapter3_solutions():
    w, b = activation_chapter.collapse(**activation_checks.STACK)
    assert (w, b) == (-3.0, 2.0)
    assert activation_checks.check_collapse(w, b).ok
    n = int(np.ceil(np.log(0.001) / np.log(0.25)))
    assert n == 5 and activation_checks.check_depth(n).ok
    p = activations.softmax(np.array([3.0, 1.0, 0.0]))
    assert round(float(p[0]), 3) == 0.844 and activation_checks.check_softmax(p[0]).ok
    bump = {"f": "tanh", "w1": 1.6, "b1": 1.0, "w2": 1.6, "b2": -1.0, "v1": 0.7, "v2": -0.7}
    assert activation_checks.check_bump(bump).ok


def test_chapter4_solutions():
    assert layers.check_xor(4.0, 4.0, 4.0, -4.0).ok
    big = nnlib.Sequential.mlp((784, 128, 10))
    count = sum(p.size for p in big.parameters())
    assert count == 101_770 and layers.check_parameter_count(count).ok
    assert layers.check_output_shape((32, 128)).ok
    assert layers.check_forward(4.0).ok


def test_chapter5_solutions():
    assert loss.check_mse_by_hand(3.5).ok
    assert loss.check_softmax_loss(2.170).ok

    def my_cross_entropy(p, y):
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))

    assert loss.check_cross_entropy(my_cross_entropy).ok
    X, y = nnlib.datasets.line_points()
    best_w, best_b = loss_chapter.best_line(X, y)
    assert (round(best_w, 2), round(best_b, 2)) == (0.94, 0.82)
    assert loss.check_minimum(0.9, 0.75).ok


def test_chapter6_solutions():
    assert gradient_descent.check_chain_rule(-0.75).ok

    def line_gradients(w, b, X, y):
        error = w * X + b - y
        return np.mean(2 * error * X), np.mean(2 * error)

    assert gradient_descent.check_line_gradients(line_gradients).ok
    assert gradient_descent.check_learning_rate(0.1).ok


def test_chapter7_solutions():
    assert training.check_smallest_xor(2, 1, "tanh").ok
    confusion = np.diag([40, 45]) + np.array([[0, 3], [2, 0]])
    assert training.check_accuracy_from_confusion(np.trace(confusion) / confusion.sum(), confusion).ok
    run = training_chapter.fitted("16 units")
    best = int(np.argmin(run.val_loss)) + 1      # val_loss[0] is measured after epoch 1
    assert best == 132 and training.check_early_stop(best).ok


def test_chapter8_solutions():
    def convolve(image, kernel):
        image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)
        rows, cols = image.shape[0] - 2, image.shape[1] - 2
        out = np.zeros((rows, cols))
        for i in range(rows):
            for j in range(cols):
                out[i, j] = np.sum(image[i:i + 3, j:j + 3] * kernel)
        return out

    assert beyond.check_correlate(convolve).ok
    scores = np.array([[1, 0], [0, 1], [-1, 0]]) @ np.array([2, 1])
    weights = np.exp(scores) / np.exp(scores).sum()
    assert np.round(weights, 3).tolist() == [0.721, 0.265, 0.013]
    assert beyond.check_attention_weights(weights).ok
    assert beyond.check_half_life(0.5 ** (1 / 10)).ok


@pytest.mark.parametrize("check, wrong", [(neuron.check_walk, "walk"), (loss.check_mse_by_hand, 14.0),
                                          (training.check_early_stop, 1000), (line.check_fit, (0.0, 0.0)),
                                          (gradient_descent.check_learning_rate, None)])
def test_the_checkers_refuse_a_wrong_answer(check, wrong):
    """The checks above can fail: the same checkers turn down wrong answers."""
    assert not (check(*wrong) if isinstance(wrong, tuple) else check(wrong)).ok
