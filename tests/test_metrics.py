"""Tests for nnlib.metrics: accuracy and the confusion matrix, and that each has one home."""
import numpy as np
import pytest

import nnlib
from nnlib import metrics, train
from nnlib.metrics import accuracy, confusion_matrix


def test_accuracy_has_one_home():
    assert train.accuracy is metrics.accuracy is nnlib.metrics.accuracy
    assert accuracy.__module__ == "nnlib.metrics"


def test_accuracy_argmax_for_several_columns():
    scores = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]])
    assert accuracy(scores, [1, 0, 2, 0]) == 0.75
    assert accuracy(scores, [[1], [0], [2], [1]]) == 1.0   # a column of labels is accepted


def test_accuracy_threshold_for_one_column():
    probabilities = np.array([[0.49], [0.5], [0.51]])
    assert accuracy(probabilities, [0, 1, 1]) == 1.0
    logits = np.array([-0.1, 0.0, 2.0])
    assert accuracy(logits, [0, 1, 1], threshold=0.0) == 1.0
    assert accuracy(logits, [0, 1, 1]) == pytest.approx(2 / 3)


@pytest.mark.parametrize("scores, labels, error", [
    ([[0.2, 0.8]], [0, 1], ValueError),          # one row, two labels
    ([[0.2, 0.8]], [2], ValueError),             # class 2 of two columns
    ([[0.2, 0.8]], ["1"], TypeError),
    ([0.5], [1.5], TypeError),                   # not a whole number
])
def test_accuracy_bad_input(scores, labels, error):
    with pytest.raises(error):
        accuracy(scores, labels)


def test_accuracy_bad_threshold():
    with pytest.raises(TypeError, match="threshold"):
        accuracy([0.5], [1], threshold="0.5")


def test_confusion_matrix_counts_pairs():
    counts = confusion_matrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], n_classes=3)
    assert counts.tolist() == [[1, 0, 0], [0, 1, 1], [1, 0, 2]]
    assert counts.dtype == np.int64


def test_confusion_matrix_agrees_with_accuracy():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(50, 4))
    labels = rng.integers(0, 4, size=50)
    counts = confusion_matrix(labels, scores.argmax(axis=1), n_classes=4)
    assert counts.sum() == 50
    assert counts.trace() / counts.sum() == pytest.approx(accuracy(scores, labels))
    assert counts.sum(axis=1).tolist() == np.bincount(labels, minlength=4).tolist()


def test_confusion_matrix_of_nothing_is_zeros():
    assert confusion_matrix([], [], n_classes=2).tolist() == [[0, 0], [0, 0]]


@pytest.mark.parametrize("labels, predicted, n_classes, error, match", [
    ([0, 1], [0], 10, ValueError, "predicted has 1 rows"),
    ([0, 10], [0, 1], 10, ValueError, "labels must hold labels in 0..9"),
    ([0, 1], [0, -1], 10, ValueError, "predicted must hold labels"),
    ([[0, 1]], [[0, 1]], 10, ValueError, "1-D"),
    ([0.5], [0], 10, TypeError, "labels"),
    (["a"], [0], 10, TypeError, "labels"),
    ([0], [0], 0, ValueError, "n_classes"),
    ([0], [0], 2.0, TypeError, "n_classes"),
    (3, 3, 10, ValueError, "1-D"),
])
def test_confusion_matrix_bad_input(labels, predicted, n_classes, error, match):
    with pytest.raises(error, match=match):
        confusion_matrix(labels, predicted, n_classes=n_classes)
