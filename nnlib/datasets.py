"""Small data sets for the book, made on the spot or shipped with the package.

Every generator takes a ``seed`` (default 0) and gives the same numbers for the
same seed. Features come back as float64 batches X of shape (N, D); class
labels as int64 arrays of shape (N,); regression targets as float64 (N, 1).
Nothing is downloaded and nothing happens on import.
"""
import functools
import itertools
import numbers
from importlib.resources import files

import numpy as np

from ._validate import (
    QUIET_OVERFLOW, as_batch, as_float_array, check_same_rows, choose, fits_float64, positive_int,
    positive_number, real_number)

__all__ = [
    "WALK_FEATURES", "HOUSE_FEATURES",
    "line_points", "walk_decisions", "house_prices", "standardize",
    "xor", "moons", "circles", "spirals",
    "two_clouds", "bump_points", "centred_moons", "plane_classes", "PLANE_CLASSES", "noisy_moons",
    "pulse_sequence", "PULSES",
    "digits", "digit_zero", "upscaled_digits", "train_test_split", "upsample",
]

WALK_FEATURES = ("sunny", "cold", "free time")
HOUSE_FEATURES = ("size (m²)", "location (0–10)", "bedrooms")


# ---------------------------------------------------------------- argument checks

def _real(value, name):
    """Return ``value`` as a float after checking it is a finite real number."""
    return real_number(value, name)


def _non_negative(value, name):
    """Return ``value`` as a float after checking it is a finite number >= 0."""
    value = _real(value, name)
    if value < 0:
        raise ValueError(f"{name} must be a number of at least 0, got {value}")
    return value


def _rng(seed):
    """Return a numpy Generator for ``seed``, a whole number >= 0."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be a whole number, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed must be at least 0, got {seed}")
    return np.random.default_rng(int(seed))


def _interval(pair, name):
    """Return (low, high) as floats after checking low < high."""
    values = as_float_array(pair, name, ndim=1)
    if values.shape != (2,) or not values[0] < values[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {pair!r}")
    return float(values[0]), float(values[1])


def _n_points(n, n_classes, name="n"):
    """Check ``n`` is a whole number with at least one point per class."""
    n = positive_int(n, name)
    if n < n_classes:
        raise ValueError(f"{name} must be at least {n_classes} (one point per class), got {n}")
    return n


def _split_evenly(n, parts):
    """Return ``parts`` counts adding up to ``n`` that differ by at most one."""
    counts = np.full(parts, n // parts)
    counts[: n % parts] += 1
    return counts


def _shuffled(rng, X, y):
    """Return X (N, D) and y (N,) with their rows in the same random order."""
    order = rng.permutation(len(y))
    return X[order], y[order]


# ---------------------------------------------------------------- regression

def line_points(n=12, w=0.8, b=1.0, noise=0.6, x_range=(-4.0, 4.0), seed=0):
    """Noisy points near the line y = w·x + b, for the first fitting chapter.

    Returns X (n, 1) inputs sorted from left to right and y (n, 1) targets.
    x is uniform in ``x_range``; noise is the standard deviation added to y.
    """
    n = positive_int(n, "n")
    w, b = _real(w, "w"), _real(b, "b")
    noise = _non_negative(noise, "noise")
    low, high = _interval(x_range, "x_range")
    rng = _rng(seed)
    x = np.sort(rng.uniform(low, high, size=n))
    with np.errstate(**QUIET_OVERFLOW):
        y = w * x + b + noise * rng.standard_normal(n)
    return x.reshape(-1, 1), fits_float64(y, "y = w·x + b + noise").reshape(-1, 1)


def walk_decisions(weights=(3.0, -2.0, 2.0), bias=-2.5):
    """Every situation (sunny, cold, free time) and whether a person goes for a walk.

    Returns X (8, 3) of 0/1 features, rows counting up in binary from (0, 0, 0)
    to (1, 1, 1), and y (8,) labels: 1 when X @ weights + bias >= 0 (a step neuron).
    """
    weights = as_float_array(weights, "weights", ndim=1)
    if weights.shape != (3,):
        raise ValueError(
            f"weights must hold 3 numbers (sunny, cold, free time), got shape {weights.shape}")
    bias = _real(bias, "bias")
    X = np.array(list(itertools.product((0.0, 1.0), repeat=3)))
    y = (X @ weights + bias >= 0).astype(np.int64)
    return X, y


def house_prices(n=200, seed=0):
    """Made-up house sales where a good location is worth more per m².

    Returns X (n, 3) with columns HOUSE_FEATURES (size 30–250 m², location score
    0–10, bedrooms 1–5) and y (n, 1) prices in thousands. The price rule has a
    size × location² term, so a straight-line model cannot fit it exactly.
    """
    n = positive_int(n, "n")
    rng = _rng(seed)
    size = np.round(rng.uniform(30, 250, size=n))
    location = np.round(rng.uniform(0, 10, size=n), 1)
    bedrooms = np.clip(np.round(size / 50 + rng.normal(0, 0.6, size=n)), 1, 5)
    price = 40 + size * (0.9 + 0.03 * location ** 2) + 12 * bedrooms
    price = price * (1 + 0.06 * rng.standard_normal(n))
    return np.column_stack([size, location, bedrooms]), price.reshape(-1, 1)


def standardize(X, mean=None, std=None):
    """Shift and scale each column of X (N, D) to mean 0 and spread 1.

    Returns Z (N, D), mean (D,) and std (D,). Pass the mean and std of the
    training data to scale test data the same way. Columns with std 0 are only
    shifted (their std is reported as 1).
    """
    X = as_batch(X)
    mean = _column_mean(X) if mean is None else _column_stat(mean, "mean", X.shape[1])
    std = _column_std(X) if std is None else _column_stat(std, "std", X.shape[1])
    if np.any(std < 0):
        raise ValueError("std must hold numbers of at least 0, got a negative value")
    std = np.where(std == 0, 1.0, std)
    with np.errstate(**QUIET_OVERFLOW):
        Z = (X - mean) / std
    return fits_float64(Z, "the standardized X"), mean, std


def _column_mean(X):
    """Mean of each column of X (N, D), computed on X / N so that it cannot overflow."""
    return (X / len(X)).sum(axis=0)


def _column_std(X):
    """Standard deviation of each column, computed on X scaled by its largest |entry| so
    that the squares cannot overflow (columns of ±1e308)."""
    scale = np.abs(X).max(axis=0)
    scale = np.where(scale == 0, 1.0, scale)
    return (X / scale).std(axis=0) * scale


def _column_stat(values, name, n_columns):
    """Return ``values`` as a float64 array of shape (n_columns,)."""
    values = as_float_array(values, name, ndim=1)
    if values.shape != (n_columns,):
        raise ValueError(
            f"{name} must have shape ({n_columns},), one per column of X, got {values.shape}")
    return values


# ---------------------------------------------------------------- 2-D classification

def xor(n=200, noise=0.15, seed=0):
    """Four clouds around the corners (±1, ±1); class 1 where the two signs differ.

    Returns X (n, 2) points and y (n,) labels 0/1, rows shuffled. Each point's
    label is its corner's, so with a large noise a few points stray across an axis.
    """
    n = _n_points(n, 2)
    noise = _non_negative(noise, "noise")
    rng = _rng(seed)
    corners = np.array([[-1.0, -1.0], [-1.0, 1.0], [1.0, 1.0], [1.0, -1.0]])
    which = np.repeat(np.arange(4), _split_evenly(n, 4))
    X = corners[which] + noise * rng.standard_normal((n, 2))
    y = (which % 2).astype(np.int64)  # corners 1 and 3 have mixed signs
    return _shuffled(rng, X, y)


def moons(n=200, noise=0.1, seed=0):
    """Two interlocking half-circles ("moons") that no straight line can separate.

    Returns X (n, 2) points and y (n,) labels 0/1, rows shuffled. Class 0 is the
    upper arc centred at (0, 0), class 1 the lower arc centred at (1, 0.5).
    """
    n = _n_points(n, 2)
    noise = _non_negative(noise, "noise")
    rng = _rng(seed)
    n0, n1 = _split_evenly(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n0, n1])
    return _shuffled(rng, X, y)


def circles(n=200, noise=0.08, factor=0.5, seed=0):
    """A ring of class 0 (radius 1) around a smaller ring of class 1 (radius factor).

    Returns X (n, 2) points and y (n,) labels 0/1, rows shuffled. factor is in (0, 1).
    """
    n = _n_points(n, 2)
    noise = _non_negative(noise, "noise")
    factor = positive_number(factor, "factor")
    if factor >= 1:
        raise ValueError(
            f"factor must be between 0 and 1 (inner radius / outer radius), got {factor}")
    rng = _rng(seed)
    counts = _split_evenly(n, 2)
    radius = np.repeat([1.0, factor], counts)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X = X + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), counts)
    return _shuffled(rng, X, y)


def spirals(n=200, classes=2, noise=0.2, turns=1.0, seed=0):
    """Interleaved spiral arms, one per class, winding out from the centre.

    Returns X (n, 2) points inside the unit disc (plus noise) and y (n,) labels
    0..classes-1, rows shuffled. Each arm makes ``turns`` full turns; noise is
    the standard deviation of a random twist added to each point's angle (radians).
    """
    classes = positive_int(classes, "classes")
    if classes < 2:
        raise ValueError(f"classes must be at least 2, got {classes}")
    n = _n_points(n, classes)
    noise = _non_negative(noise, "noise")
    turns = positive_number(turns, "turns")
    rng = _rng(seed)
    counts = _split_evenly(n, classes)
    y = np.repeat(np.arange(classes, dtype=np.int64), counts)
    radius = np.concatenate([np.linspace(0.05, 1.0, k) for k in counts])
    angle = 2 * np.pi * (turns * radius + y / classes) + noise * rng.standard_normal(n)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _shuffled(rng, X, y)


# ---------------------------------------------------------------- the chapters' own data sets

def two_clouds(n=40, seed=0):
    """Two clouds of points that a straight line can separate (chapter 2's boundary figure).

    Returns X (n, 2) and y (n,) labels 0/1: the first n // 2 rows are class 0
    around (−1, 0.8), the others class 1 around (1, −0.6), spread 0.5 each.
    """
    n = _n_points(n, 2)
    rng = _rng(seed)
    half = n // 2
    X = np.vstack([rng.normal((-1.0, 0.8), 0.5, (half, 2)), rng.normal((1.0, -0.6), 0.5, (n - half, 2))])
    return X, np.repeat(np.array([0, 1], dtype=np.int64), [half, n - half])


def bump_points(n=25, width=0.7, noise=0.03, seed=0):
    """A bump for two hidden units to fit (chapter 3): X (n, 1), y (n, 1).

    X is evenly spaced on [−3, 3]; y = exp(−x² / (2·width²)) plus Gaussian noise
    of standard deviation ``noise``.  No straight line fits it well.
    """
    n = positive_int(n, "n")
    width = positive_number(width, "width")
    noise = _non_negative(noise, "noise")
    rng = _rng(seed)
    X = np.linspace(-3.0, 3.0, n).reshape(-1, 1)
    y = np.exp(-X ** 2 / (2 * width ** 2)) + noise * rng.standard_normal((n, 1))
    return X, y


def centred_moons(n=200, noise=0.1, seed=0):
    """``moons`` moved so that the pair is centred on the origin, and enlarged by 1.2.

    Returns X (n, 2) and y (n,) labels 0/1, like ``moons``.
    """
    X, y = moons(n, noise=noise, seed=seed)
    return (X - np.array([0.5, 0.25])) * 1.2, y


def _scaled(data, factor):
    """(X, y) with X multiplied by factor."""
    X, y = data
    return X * factor, y


PLANE_CLASSES = ("xor", "moons", "circles", "spirals")
"""The names ``plane_classes`` knows."""


def plane_classes(name):
    """One of chapter 7's four 2-D problems, 200 points each, all about the square [−2.2, 2.2]².

    name: "xor", "moons", "circles" or "spirals".  Returns X (200, 2) and y (200,)
    labels 0/1 (seed 0): XOR with noise 0.25, centred moons with noise 0.12, rings
    (noise 0.1) enlarged 1.5 times and spirals (noise 0.1) enlarged 1.7 times, so
    that all four fill the same square.
    """
    makers = {
        "xor": lambda: xor(200, noise=0.25),
        "moons": lambda: centred_moons(200, noise=0.12, seed=0),
        "circles": lambda: _scaled(circles(200, noise=0.1), 1.5),
        "spirals": lambda: _scaled(spirals(200, noise=0.1), 1.7),
    }
    return choose(name, makers, "data set name")()


def noisy_moons(n_train=30, n_val=300, noise=0.3):
    """Few noisy training points and many validation points from the same centred moons.

    Returns X_train (n_train, 2), y_train (n_train,), X_val (n_val, 2), y_val (n_val,),
    made with seeds 1 (training) and 2 (validation).  Chapter 7 overfits the 30 points.
    """
    n_train, n_val = _n_points(n_train, 2, "n_train"), _n_points(n_val, 2, "n_val")
    X, y = centred_moons(n_train, noise=noise, seed=1)
    X_val, y_val = centred_moons(n_val, noise=noise, seed=2)
    return X, y, X_val, y_val


PULSES = ("one blip", "held on")
"""The kinds of input ``pulse_sequence`` makes."""


def pulse_sequence(kind, steps=30):
    """Inputs x_1..x_steps for a recurrence (chapter 8): (steps,) float64.

    kind: "one blip" (1 at the first step, then 0) or "held on" (1 at every step).
    """
    held = choose(kind, {"one blip": False, "held on": True}, "kind")
    steps = positive_int(steps, "steps")
    x = np.ones(steps) if held else np.zeros(steps)
    x[0] = 1.0
    return x


# ---------------------------------------------------------------- handwritten digits

@functools.lru_cache(maxsize=1)
def _digit_file():
    """Read nnlib/data/digits.npz once; returns read-only uint8 images and labels."""
    with (files(__package__) / "data" / "digits.npz").open("rb") as handle:
        with np.load(handle) as data:
            images, labels = data["images"], data["labels"]
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def digits():
    """The 1,797 handwritten digits (8×8 pixels) from the UCI ML repository.

    Returns X (1797, 64) pixels scaled to [0, 1], y (1797,) int64 digits 0–9 and
    images (1797, 8, 8), the same pixels as pictures: X[i] == images[i].ravel().
    Every call returns fresh arrays, so changing them is safe.
    """
    raw_images, raw_labels = _digit_file()
    images = raw_images / 16.0  # uint8 0..16 -> float64 0..1, a fresh array
    return images.reshape(-1, 64).copy(), raw_labels.astype(np.int64), images


def digit_zero(size=20):
    """The first digit of ``digits()``, a handwritten 0, enlarged to (size, size), values in [0, 1]."""
    _, _, images = digits()
    return upsample(images[0], size=size)


def upscaled_digits(size=28):
    """All 1,797 digits blown up from 8×8 to size×size (bilinear).

    Returns X (1797, size²) pixels in [0, 1], y (1797,) digits 0–9 and the original
    images (1797, 8, 8).  Chapter 4's network reads 28×28 pictures, as MNIST's do.
    """
    size = positive_int(size, "size")
    _, y, images = digits()
    big = np.stack([upsample(image, size) for image in images])
    return big.reshape(len(big), -1), y, images


# ---------------------------------------------------------------- helpers

def train_test_split(X, y, test_fraction=0.25, seed=0):
    """Shuffle the rows of X (N, D) and y (N, ...) and cut off a test part.

    Returns X_train, X_test, y_train, y_test. The test part has
    round(N · test_fraction) rows (at least 1 and at most N − 1); y keeps its dtype.
    """
    X = as_batch(X)
    try:
        y = np.asarray(y)
    except ValueError as err:  # ragged nested lists
        raise TypeError(f"y must be a rectangular array, one row per row of X ({err})") from None
    if y.ndim == 0:
        raise ValueError(f"y must have one row per row of X, got the single value {y.item()!r:.40}")
    check_same_rows(y, len(X))
    if y.dtype.kind in "fc" and not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinity; expected finite targets or labels")
    test_fraction = positive_number(test_fraction, "test_fraction")
    if test_fraction >= 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    if len(X) < 2:
        raise ValueError(f"X needs at least 2 rows to split into train and test, got {len(X)}")
    n_test = min(max(round(len(X) * test_fraction), 1), len(X) - 1)
    order = _rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def upsample(image, size=28, method="bilinear"):
    """Enlarge a small picture, e.g. an 8×8 digit, to size × size pixels.

    image: (H, W) array. Returns a (size, size) float64 array. method is
    "bilinear" (smooth blend of the four nearest pixels) or "nearest" (blocky).
    Values stay within the range of the input.
    """
    image = as_float_array(image, "image", ndim=2)
    size = positive_int(size, "size")
    resample = choose(method, {"bilinear": _bilinear_matrix, "nearest": _nearest_matrix}, "method")
    rows, cols = resample(image.shape[0], size), resample(image.shape[1], size)
    return rows @ image @ cols.T


def _source_positions(n_in, n_out):
    """Where the centres of n_out new pixels fall, in old pixel coordinates."""
    return (np.arange(n_out) + 0.5) * n_in / n_out - 0.5


def _nearest_matrix(n_in, n_out):
    """(n_out, n_in) matrix that copies the closest old pixel to each new one."""
    nearest = np.clip(np.floor(_source_positions(n_in, n_out) + 0.5), 0, n_in - 1).astype(int)
    return np.eye(n_in)[nearest]


def _bilinear_matrix(n_in, n_out):
    """(n_out, n_in) matrix that blends the two closest old pixels linearly."""
    pos = np.clip(_source_positions(n_in, n_out), 0, n_in - 1)
    left = np.minimum(np.floor(pos).astype(int), max(n_in - 2, 0))
    right = np.minimum(left + 1, n_in - 1)
    frac = pos - left
    weights = np.zeros((n_out, n_in))
    rows = np.arange(n_out)
    np.add.at(weights, (rows, left), 1 - frac)
    np.add.at(weights, (rows, right), frac)
    return weights
