"""How good are a model's predictions: the book's metrics, in one place.

A loss (``nnlib.losses``) is what training lowers; a metric is what a reader
reports afterwards. Both take the batch first: scores (N, K) or (N,), labels (N,).
"""
import numpy as np

from ._validate import as_batch, as_float_array, as_labels, positive_int, real_number

__all__ = ["accuracy", "confusion_matrix"]


def accuracy(scores, labels, threshold=0.5):
    """Fraction of rows whose predicted class equals the label, in [0, 1].

    scores: (N, K) with K >= 2: the predicted class is the argmax of each row.
            (N, 1) or (N,): the predicted class is 1 where score >= threshold,
            else 0.  threshold=0.5 suits probabilities (after a sigmoid); use
            threshold=0.0 for raw scores (logits).
    labels: (N,) integer classes (an (N, 1) column is accepted too).
    """
    threshold = real_number(threshold, "threshold")
    scores = as_float_array(scores, "scores")
    scores = as_batch(scores.reshape(-1, 1) if scores.ndim == 1 else scores, "scores")
    try:
        if np.ndim(labels) == 2 and np.shape(labels)[1] == 1:
            labels = np.asarray(labels)[:, 0]
    except ValueError:  # ragged nested lists: as_labels below explains
        pass
    labels = as_labels(labels, len(scores), max(scores.shape[1], 2), "labels", rows_of="scores")
    if scores.shape[1] == 1:
        predicted = (scores[:, 0] >= threshold).astype(np.int64)
    else:
        predicted = scores.argmax(axis=1)
    return float(np.mean(predicted == labels))


def confusion_matrix(labels, predicted, n_classes=10):
    """Counts C (K, K), K = n_classes: C[i, j] = how many examples of class i were predicted as j.

    labels, predicted: (N,) integer classes in 0..n_classes-1 (N may be 0).
    The diagonal holds the right answers, so ``C.trace() / C.sum()`` is the accuracy.
    """
    n_classes = positive_int(n_classes, "n_classes")
    labels = as_labels(labels, len(labels) if hasattr(labels, "__len__") else 1, n_classes, "labels")
    predicted = as_labels(predicted, len(labels), n_classes, "predicted", rows_of="labels")
    counts = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(counts, (labels, predicted), 1)
    return counts
