"""Property-based tests (hypothesis): facts that must hold for every input, not just a few.

* Backpropagation agrees with finite differences on random networks: depth 1 to
  4, widths 1 to 16, every activation, every loss, batches of 1 to 32 rows.
* softmax rows are probabilities that sum to 1; losses are never negative.
* Activations and losses stay finite and accurate out to scores of ±1e4 and at
  probabilities of exactly 0 and 1 (checked against 80-bit long double maths).
* The same seed gives the same network, the same forward pass and the same training.

Runs are bounded and reproducible: derandomize=True (the same examples on every
machine), deadline=None (a slow CI machine is not a failure), no example database.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnlib import activations, losses
from nnlib.layers import Activation, Dense, Sequential
from nnlib.train import fit

BOUNDED = settings(max_examples=60, deadline=None, derandomize=True, database=None)
PER_LOSS = settings(max_examples=20, deadline=None, derandomize=True, database=None)
QUICK = settings(max_examples=100, deadline=None, derandomize=True, database=None)
LOUD = dict(over="raise", divide="raise", invalid="raise")  # numpy trouble -> an exception

SMOOTH = ["sigmoid", "tanh", "identity"]
KINKED = ["relu", "leaky_relu", "step"]  # a kink (or jump) at z = 0
OUTPUTS = ["softmax", None]  # besides the above, for the mse output (None: no activation)
SCORES = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False)


# ---------------------------------------------------------------- random networks

@st.composite
def networks(draw, pool, loss):
    """(model, X, y) for the loss, with depth 1-4, widths 1-16, batch 1-32.

    Each hidden layer draws its activation from pool; the output suits the loss
    (for mse: anything in pool, softmax or no activation at all).
    """
    depth = draw(st.integers(1, 4))
    widths = draw(st.lists(st.integers(1, 16), min_size=depth + 1, max_size=depth + 1))
    batch = draw(st.integers(1, 32))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    if loss in ("binary_cross_entropy", "binary_cross_entropy_with_logits"):
        widths[-1] = 1
    output = {"mse": draw(st.sampled_from(pool + OUTPUTS)),
              "binary_cross_entropy": "sigmoid"}.get(loss)
    if loss == "softmax_cross_entropy" or output == "softmax":
        widths[-1] = max(widths[-1], 2)  # a softmax over one number is always 1
    layers = []
    for i, (d, m) in enumerate(zip(widths[:-1], widths[1:])):
        dense = Dense(d, m, seed=rng, init="xavier")
        dense.b[:] = rng.normal(0.0, 0.5, size=m)  # zero biases would hide bias bugs
        layers.append(dense)
        name = output if i == depth - 1 else draw(st.sampled_from(pool))
        if name is not None:
            layers.append(Activation(name))
    X = rng.normal(size=(batch, widths[0]))
    y = {"mse": lambda: rng.normal(size=(batch, widths[-1])),
         "softmax_cross_entropy": lambda: rng.integers(0, widths[-1], size=batch)}.get(
        loss, lambda: rng.integers(0, 2, size=(batch, 1)))()
    return Sequential(layers), X, y


def kink_pattern(model):
    """Which side of the kink each pre-activation of a relu/leaky_relu/step layer is on."""
    return [layer._X > 0 for layer in model
            if isinstance(layer, Activation) and layer.name in KINKED]


def five_point(evaluate, x, index, h=1e-4):
    """dL/dx[index] from L at x ± h, x ± 2h (error of order h^4), or None if a nudge
    moved some pre-activation across a kink (the slope there is not the derivative)."""
    base, pattern = evaluate()
    original, values = x[index], []
    try:
        for k in (2, 1, -1, -2):
            x[index] = original + k * h
            loss, nudged = evaluate()
            if any(np.any(a != b) for a, b in zip(pattern, nudged)):
                return None
            values.append(loss)
    finally:
        x[index] = original
    far, near = values[0] - values[3], values[1] - values[2]  # exactly 0 where L is flat
    return (8 * near - far) / (12 * h)


def backprop_errors(model, loss, X, y, n_inputs=48):
    """Relative error of backprop against five_point for every parameter array and dL/dX.

    Every parameter entry is checked, and up to n_inputs entries of X.  Entries whose
    nudges cross a kink are left out.  Returns (errors, fraction of entries checked).
    """
    loss_fn = losses.get(loss)
    X = X.copy()
    y = loss_fn.check(model.forward(X), y)[1]
    _, dout = loss_fn.raw(model.forward(X), y)
    dX = model.backward(dout)
    analytic = [g.copy() for g in model.gradients()] + [dX]

    def evaluate():
        return loss_fn.raw(model._forward(X), y)[0], kink_pattern(model)

    rng = np.random.default_rng(0)
    x_entries = [np.unravel_index(i, X.shape)
                 for i in rng.permutation(X.size)[:n_inputs]]
    errors, checked, total = [], 0, 0
    for array, grad, entries in zip(model.parameters() + [X], analytic,
                                    [list(np.ndindex(p.shape)) for p in model.parameters()]
                                    + [x_entries]):
        pairs = [(grad[i], five_point(evaluate, array, i)) for i in entries]
        pairs = [(a, n) for a, n in pairs if n is not None]
        checked, total = checked + len(pairs), total + len(entries)
        if pairs:
            a, n = np.array(pairs).T
            errors.append(np.max(np.abs(a - n)) / max(np.max(np.abs(a) + np.abs(n)), NOISE_FLOOR))
    return errors, checked / total


# Five-point differences with h = 1e-4 carry about 1e-12 of rounding error, so a gradient
# array whose entries are all far below 1e-4 (vanishing through a stack of sigmoids) cannot
# be checked to a relative 1e-6: there the check becomes absolute, 1e-6 * 1e-4 = 1e-10.
NOISE_FLOOR = 1e-4


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
def test_backprop_matches_finite_differences_on_smooth_networks(loss):
    @PER_LOSS
    @given(networks(SMOOTH, loss))
    def check(case):
        model, X, y = case
        errors, checked = backprop_errors(model, loss, X, y)
        assert checked == 1.0 and len(errors) == len(model.parameters()) + 1
        assert max(errors) < 1e-6, (model, errors)
    check()


@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
def test_backprop_matches_finite_differences_with_every_activation(loss):
    @PER_LOSS
    @given(networks(SMOOTH + KINKED, loss))
    def check(case):
        model, X, y = case
        errors, checked = backprop_errors(model, loss, X, y)
        assert checked > 0.5 and errors
        assert max(errors) < 1e-6, (model, errors)
    check()


# ---------------------------------------------------------------- softmax

@QUICK
@given(arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 8)), elements=SCORES))
def test_softmax_rows_are_probabilities_that_sum_to_1(z):
    with np.errstate(**LOUD):
        s = activations.softmax(z)
        ds = activations.softmax_backward(s, np.ones_like(s) + z / 1e4)
    assert s.shape == z.shape and np.all((s >= 0) & (s <= 1))
    np.testing.assert_allclose(s.sum(axis=1), 1.0, rtol=0, atol=8 * np.finfo(float).eps)
    assert np.all(s[np.arange(len(z)), z.argmax(axis=1)] == s.max(axis=1))  # the top score wins
    assert np.all(np.isfinite(ds))
    np.testing.assert_allclose(ds.sum(axis=1), 0.0, atol=1e-12)  # shifting every score: no change


# ---------------------------------------------------------------- losses

@st.composite
def loss_cases(draw):
    """(loss name, prediction, target) with extreme but legal values."""
    loss = draw(st.sampled_from(sorted(losses.LOSSES)))
    n = draw(st.integers(1, 16))
    if loss == "softmax_cross_entropy":
        k = draw(st.integers(1, 6))
        logits = draw(arrays(np.float64, (n, k), elements=SCORES))
        return loss, logits, draw(arrays(np.int64, n, elements=st.integers(0, k - 1)))
    bits = draw(arrays(np.int64, (n, 1), elements=st.integers(0, 1)))
    if loss == "binary_cross_entropy":
        edges = st.sampled_from([0.0, 1.0, 1e-300, 1 - 1e-16])
        p = draw(arrays(np.float64, (n, 1), elements=st.floats(0, 1) | edges))
        return loss, p, bits
    if loss == "binary_cross_entropy_with_logits":
        return loss, draw(arrays(np.float64, (n, 1), elements=SCORES)), bits
    shape = (n, draw(st.integers(1, 4)))
    return loss, draw(arrays(np.float64, shape, elements=SCORES)), \
        draw(arrays(np.float64, shape, elements=SCORES))


@QUICK
@given(loss_cases())
def test_losses_are_never_negative_and_always_finite(case):
    name, prediction, target = case
    with np.errstate(**LOUD):
        loss, grad = losses.get(name)(prediction, target)
    assert isinstance(loss, float) and 0.0 <= loss < np.inf
    assert grad.shape == prediction.shape and np.all(np.isfinite(grad))


LONG_DOUBLE = np.finfo(np.longdouble).eps < 1e-18
needs_long_double = pytest.mark.skipif(not LONG_DOUBLE, reason="needs 80-bit long double")


def long(z):
    return np.asarray(z, dtype=np.longdouble)


@needs_long_double
@QUICK
@given(arrays(np.float64, st.integers(1, 20), elements=SCORES))
def test_sigmoid_and_its_slope_are_accurate_everywhere(z):
    with np.errstate(**LOUD):
        s, ds = activations.sigmoid(z), activations.sigmoid_grad(z)
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(-long(z))  # e^(1e4) fits in a long double
        reference = 1 / (1 + e)
        slope = e / ((1 + e) * (1 + e))
    np.testing.assert_allclose(s, reference.astype(float), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(ds, slope.astype(float), rtol=1e-13, atol=1e-300)


@needs_long_double
@QUICK
@given(arrays(np.float64, st.integers(1, 20), elements=st.floats(-5000, 5000)))
def test_tanh_slope_is_accurate_everywhere(z):
    with np.errstate(**LOUD):
        slope = activations.tanh_grad(z)
    with np.errstate(under="ignore"):
        cosh = (np.exp(long(z)) + np.exp(-long(z))) / 2  # independent of nnlib's formula
        reference = 1 / (cosh * cosh)
    np.testing.assert_allclose(slope, reference.astype(float), rtol=1e-13, atol=1e-300)


@needs_long_double
@QUICK
@given(arrays(np.float64, (8, 1), elements=SCORES),
       arrays(np.int64, (8, 1), elements=st.integers(0, 1)))
def test_bce_with_logits_is_accurate_at_extreme_scores(z, y):
    with np.errstate(**LOUD):
        loss, grad = losses.binary_cross_entropy_with_logits(z, y)
    with np.errstate(under="ignore"):
        p = 1 / (1 + np.exp(-long(z)))
        per_row = np.where(y == 1, np.log1p(np.exp(-long(z))), np.log1p(np.exp(long(z))))
    assert loss == pytest.approx(float(per_row.mean()), rel=1e-13, abs=1e-300)
    # sigmoid(z) - y: within one rounding of a probability (2^-52), divided by n = 8
    np.testing.assert_allclose(grad, ((p - y) / 8).astype(float), rtol=1e-13,
                               atol=np.finfo(float).eps / 8)


@needs_long_double
@QUICK
@given(arrays(np.float64, (4, 3), elements=SCORES), arrays(np.int64, 4, elements=st.integers(0, 2)))
def test_softmax_cross_entropy_is_accurate_at_extreme_scores(logits, labels):
    with np.errstate(**LOUD):
        loss, grad = losses.softmax_cross_entropy(logits, labels)
    with np.errstate(under="ignore"):
        log_total = np.log(np.exp(long(logits)).sum(axis=1))  # no shift needed in long double
        p = np.exp(long(logits) - log_total[:, None])
    reference = float((log_total - long(logits)[np.arange(4), labels]).mean())
    assert loss == pytest.approx(reference, rel=1e-12, abs=1e-12)
    p[np.arange(4), labels] -= 1
    np.testing.assert_allclose(grad, (p / 4).astype(float), rtol=0, atol=1e-15)


# ---------------------------------------------------------------- shapes never broadcast

@QUICK
@given(st.sampled_from(sorted(losses.LOSSES)),
       st.lists(st.integers(1, 4), min_size=1, max_size=3),
       st.lists(st.integers(1, 4), min_size=0, max_size=3))
def test_a_loss_either_fits_the_shapes_exactly_or_says_why(name, pred_shape, target_shape):
    pred, target = np.full(pred_shape, 0.5), np.zeros(target_shape, dtype=np.int64)
    try:
        loss, grad = losses.get(name)(pred, target)
    except ValueError as err:
        assert str(err).split(" ")[0] in {"y", "labels", "logits", "p", "z", "y_hat"}, err
        return
    assert grad.shape == pred.shape and np.isfinite(loss)
    column = (len(pred_shape) == 2 and pred_shape[1] == 1) or len(pred_shape) == 1
    assert target.shape == pred.shape or (name == "softmax_cross_entropy"
                                          and target.shape == pred.shape[:1]) or (
        column and target.size == len(pred) and target.shape[0] == len(pred))


# ---------------------------------------------------------------- same seed, same result

@QUICK
@given(st.lists(st.integers(1, 16), min_size=2, max_size=5), st.sampled_from(SMOOTH + KINKED),
       st.integers(0, 2 ** 32 - 1), st.integers(1, 32))
def test_forward_passes_are_deterministic_for_a_seed(sizes, activation, seed, batch):
    X = np.random.default_rng(seed).normal(size=(batch, sizes[0]))
    first = Sequential.mlp(sizes, activation=activation, seed=seed)
    again = Sequential.mlp(sizes, activation=activation, seed=seed)
    np.testing.assert_array_equal(first.forward(X), again.forward(X))
    np.testing.assert_array_equal(first.forward(X), first.forward(X.copy()))
    if any(p.size > 1 for p in first.parameters()):
        other = Sequential.mlp(sizes, activation=activation, seed=seed + 1)
        assert not all(np.array_equal(p, q) for p, q in zip(first.parameters(), other.parameters()))


@BOUNDED
@given(st.integers(0, 2 ** 32 - 1), st.integers(1, 12), st.floats(0.0, 0.9))
def test_training_is_deterministic_for_a_seed(seed, batch_size, momentum):
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 3, size=20)

    def train():
        model = Sequential.mlp([3, 5, 3], activation="tanh", output_activation=None, seed=seed)
        history = fit(model, X, y, loss="softmax_cross_entropy", lr=0.1, epochs=3,
                      batch_size=batch_size, momentum=momentum, seed=seed)
        return history, model

    (h1, m1), (h2, m2) = train(), train()
    assert h1 == h2 and not h1.diverged
    assert all(np.array_equal(p, q) for p, q in zip(m1.parameters(), m2.parameters()))
