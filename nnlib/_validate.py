"""Input checks shared by every module.

Each helper turns one kind of bad input into a ``TypeError`` (wrong kind of
thing) or a ``ValueError`` (right kind, wrong value or shape) whose message
names the argument and says what was expected. Nothing here changes global
state.
"""
import numbers

import numpy as np


def as_float_array(x, name, ndim=None):
    """Return ``x`` as a finite float64 array.

    x: array-like of numbers (bools count as 0/1).  ndim: required rank, or None.
    Raises TypeError for strings, objects or complex numbers and ValueError for
    a wrong rank, an empty array, NaN or infinity.
    """
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got the string {x!r:.40}")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of numbers ({err})") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got {_describe(arr)}")
    if arr.dtype.kind == "f" and arr.dtype.itemsize > 8:
        _check_fits_float64(arr, name)
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-D array, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; expected finite numbers")
    return arr


FLOAT64_MAX = float(np.finfo(np.float64).max)
"""The largest finite float64, about 1.8e308."""


def _check_fits_float64(arr, name):
    """arr: a wider float array (np.longdouble); raise ValueError unless it fits in float64.

    Checked before converting, so that a value such as 1e400 is named for what it
    is, not reported as an infinity (or a numpy warning) after the conversion.
    """
    finite = np.isfinite(arr)
    if finite.all() and arr.size and np.abs(arr).max() > FLOAT64_MAX:
        biggest = arr.flat[np.abs(arr).argmax()]
        raise ValueError(f"{name} holds {biggest!r:.40}, which is too large for a float64 "
                         f"(the largest is about 1.8e308)")


def fits_float64(result, what):
    """Return ``result`` (an array) after checking that it is finite.

    For results computed from finite inputs under ``np.errstate(over="ignore")``:
    an infinity there means the true answer is beyond float64's range.
    """
    if not np.isfinite(result).all():
        raise ValueError(f"{what} is too large for a float64 (beyond about ±1.8e308); "
                         f"inputs this far out cannot be computed in float64")
    return result


QUIET_OVERFLOW = {"over": "ignore", "invalid": "ignore"}
"""np.errstate settings for computing a result that ``fits_float64`` then checks."""


def _describe(arr):
    """A short phrase for what a non-numeric array holds, e.g. "text (dtype <U3)"."""
    if arr.dtype.kind in "US":
        return f"text (an array of dtype {arr.dtype})"
    if arr.dtype.kind == "c":
        return f"complex numbers (an array of dtype {arr.dtype})"
    if arr.dtype.kind != "O":
        return f"an array of dtype {arr.dtype}"
    if arr.ndim == 0:
        value = arr.item()
        if isinstance(value, numbers.Real):  # e.g. an int too large for float64
            return f"{value!r:.40}, which is too large for a float64"
        return f"{type(value).__name__} {value!r:.40}"
    kinds = sorted({type(v).__name__ for v in arr.ravel()})
    return (f"an object array holding {', '.join(kinds)} "
            f"(convert it with np.asarray(..., dtype=float) if those are numbers)")


def as_batch(X, name="X", n_features=None):
    """Return ``X`` as a finite float64 batch of shape (N, D).

    n_features: the D that is required, or None for any.
    """
    arr = as_float_array(X, name)
    if arr.ndim != 2:
        hint = (" (use X.reshape(-1, 1) for N inputs of one feature each,"
                " or X.reshape(1, -1) for one input with D features)") if arr.ndim == 1 else ""
        raise ValueError(f"{name} must be a 2-D batch of shape (N, D), got shape {arr.shape}{hint}")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"{name} must have {n_features} column(s) (one per input), got shape {arr.shape}")
    return arr


def as_labels(y, n_rows, n_classes=None, name="y", rows_of="X"):
    """Return integer class labels of shape (N,) with values in [0, n_classes).

    n_rows: the N the labels must match (the rows of ``rows_of``, e.g. X).
    Whole floats such as 2.0 count as labels; NaN, 0.5 or strings do not.
    """
    if isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be integer class labels, got the string {y!r:.40}")
    try:
        arr = np.asarray(y)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise TypeError(f"{name} must be a 1-D array of integer class labels ({err})") from None
    if arr.dtype.kind == "f":
        arr = _whole_floats_as_int(arr, name)
    if arr.dtype.kind not in "biu":
        raise TypeError(f"{name} must be integer class labels, got {_describe(arr)}")
    if arr.ndim != 1:
        column = arr.ndim == 2 and arr.shape[1] == 1
        hint = " (use y.ravel() for a column of labels)" if column else ""
        raise ValueError(f"{name} must be a 1-D array of class labels, got shape {arr.shape}{hint}")
    check_same_rows(arr, n_rows, name, rows_of)
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name} must hold labels in 0..{n_classes - 1}, got values from {arr.min()} to {arr.max()}")
    return arr.astype(np.int64, copy=False)


def _whole_floats_as_int(arr, name):
    """arr: float array -> int64 if every entry is a whole number, else unchanged."""
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinity; expected integer class labels")
    if np.all(arr == np.round(arr)) and np.all(np.abs(arr) < 2**62):
        return arr.astype(np.int64)
    return arr


def check_same_rows(y, n_rows, name="y", rows_of="X"):
    """Raise ValueError unless ``y`` has ``n_rows`` rows (one per row of ``rows_of``)."""
    if len(y) != n_rows:
        raise ValueError(f"{name} has {len(y)} rows but {rows_of} has {n_rows}; "
                         f"expected one per row of {rows_of}")


def real_number(value, name):
    """Return ``value`` as a float after checking it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    too_large = ""
    try:
        as_float = float(value)
    except OverflowError:  # an int beyond the float64 range
        as_float = float("inf")
    if not np.isfinite(as_float):
        if isinstance(value, numbers.Integral) or np.isfinite(value):  # e.g. np.longdouble(1e400)
            too_large = " (too large for a float64)"
        raise ValueError(f"{name} must be a finite number, got {value!r:.40}{too_large}")
    return as_float


def positive_number(value, name):
    """Return ``value`` as a float after checking it is a finite number > 0."""
    try:
        value = real_number(value, name)
    except ValueError as err:
        too_large = " (too large for a float64)" if "too large" in str(err) else ""
        raise ValueError(f"{name} must be a finite number greater than 0, "
                         f"got {value!r:.40}{too_large}") from None
    if value <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value:g}")
    return value


def positive_int(value, name):
    """Return ``value`` after checking it is a whole number >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return int(value)


def as_rng(seed, name="seed"):
    """Return a numpy Generator for ``seed``: a whole number >= 0, None or a Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise TypeError(f"{name} must be a whole number, None or a np.random.Generator, "
                        f"got {type(seed).__name__}")
    if seed is not None and seed < 0:
        raise ValueError(f"{name} must be at least 0, got {seed}")
    return np.random.default_rng(seed)


def choose(key, options, what):
    """Return ``options[key]`` or raise ValueError listing the known names.

    key: a name such as "relu".  options: dict of name to thing.  what: e.g. "activation".
    """
    if not isinstance(key, str):
        raise TypeError(f"{what} must be given by name (a string), got {type(key).__name__}")
    if key not in options:
        known = ", ".join(sorted(options))
        raise ValueError(f"unknown {what} {key!r}; expected one of: {known}")
    return options[key]


def layer_sizes(sizes):
    """Return ``sizes`` as a list of whole numbers >= 1, at least two of them (e.g. [2, 16, 1]).

    sizes: the width of each layer, inputs first and outputs last.
    """
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a list of layer widths such as [2, 16, 1], "
                        f"got {type(sizes).__name__}")
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least two widths (inputs and outputs), got {list(sizes)}")
    return [positive_int(size, f"sizes[{i}]") for i, size in enumerate(sizes)]
