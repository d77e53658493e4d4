"""Bad input on every public function and class of nnlib's core.

Two halves:

* The appendix page ``book/appendix_bad_inputs.md`` lists what we tried and what
  each call gets.  We parse its tables, run every call and compare the error
  type and message (or the value that comes back), so the page cannot go stale.
* A systematic matrix: every array argument of every public function gets the
  same set of bad values (text, objects, None, complex numbers, ragged lists,
  NaN, infinity, empty arrays) and must answer with a TypeError or ValueError
  whose message names that argument.

pytest runs with warnings as errors (pyproject.toml), so none of this may warn.
"""
import inspect
import pathlib
import re

import numpy as np
import pytest

from nnlib import activations, datasets, gradcheck, layers, losses, optim, train
from nnlib.layers import Activation, Dense, Neuron, Sequential
from nnlib.train import accuracy, fit

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "book" / "appendix_bad_inputs.md"


# ================================================================ the appendix page

def page_setup():
    """The page's first ```python block: the lines every call starts from."""
    match = re.search(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), re.S)
    assert match, "the appendix page lost its setup block"
    return match.group(1)


def page_tables():
    """Every markdown table of the page as (header cells, [row cells, ...])."""
    tables, lines = [], PAGE.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            header, rows = cells(lines[i]), []
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(cells(lines[i]))
                i += 1
            tables.append((header, rows))
        else:
            i += 1
    return tables


def cells(line):
    """'| a | `b` |' -> ['a', '`b`']."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def code(cell):
    """The text inside one pair of backticks."""
    assert cell.startswith("`") and cell.endswith("`"), f"expected `code`, got {cell!r}"
    return cell[1:-1]


def rows_of(kind):
    """Rows of the tables whose last column is `kind` ("The message says" or "What comes back")."""
    return [row for header, rows in page_tables() if header[-1] == kind for row in rows]


ERROR_ROWS = rows_of("The message says")
VALUE_ROWS = rows_of("What comes back")


def fresh_namespace():
    """A namespace in which the page's setup block has just run."""
    namespace = {}
    exec(page_setup(), namespace)  # noqa: S102 - our own page, read from the repository
    return namespace


def test_the_page_has_its_tables():
    assert len(ERROR_ROWS) >= 90 and len(VALUE_ROWS) >= 15
    for row in ERROR_ROWS:
        assert len(row) == 4, row
    for row in VALUE_ROWS:
        assert len(row) == 3, row


@pytest.mark.parametrize("what, call, error, message", ERROR_ROWS,
                         ids=[row[1] for row in ERROR_ROWS])
def test_every_error_row_of_the_page_is_what_the_code_does(what, call, error, message):
    with pytest.raises(Exception) as info:
        eval(code(call), fresh_namespace())  # noqa: S307 - our own page
    assert type(info.value).__name__ == code(error), f"{what}: {info.value!r}"
    assert code(message) in str(info.value), f"{what}: the message is {str(info.value)!r}"


def same(result, expected):
    """True if result equals expected: exactly for str/bool, to 1e-9 for numbers."""
    if isinstance(expected, (str, bool)):
        return type(result) is type(expected) and result == expected
    if isinstance(expected, tuple):
        return (isinstance(result, tuple) and len(result) == len(expected)
                and all(same(r, e) for r, e in zip(result, expected)))
    result, expected = np.asarray(result, dtype=float), np.asarray(expected, dtype=float)
    return result.shape == expected.shape and np.allclose(result, expected, rtol=1e-9, atol=0)


@pytest.mark.parametrize("what, call, value", VALUE_ROWS, ids=[row[1] for row in VALUE_ROWS])
def test_every_value_row_of_the_page_is_what_the_code_does(what, call, value):
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # not even a silent one
        result = eval(code(call), fresh_namespace())  # noqa: S307 - our own page
    expected = eval(code(value), {})  # noqa: S307 - a Python literal from our page
    assert same(result, expected), f"{what}: got {result!r}"


# ================================================================ the systematic matrix

def bad_values(good):
    """{kind: (bad value, expected error)} derived from a good argument."""
    good = np.asarray(good)
    nan, inf = good.astype(float), good.astype(float)
    nan.flat[0], inf.flat[-1] = np.nan, -np.inf
    bad = {
        "string": ("1.0", TypeError),
        "text": (good.astype(str), TypeError),
        "objects": (good.astype(object), TypeError),
        "None": (None, TypeError),
        "complex": (good + 1j, TypeError),
        "NaN": (nan, ValueError),
        "infinity": (inf, ValueError),
    }
    if good.ndim:
        bad["empty"] = (good[:0], ValueError)
    if good.ndim == 2 and len(good) > 1:
        rows = good.tolist()
        bad["ragged"] = ([rows[0]] + [row[:-1] for row in rows[1:]], TypeError)
    return bad


def after_forward(layer, X):
    """The layer, after a forward pass (so that backward may be called)."""
    layer.forward(X)
    return layer


X4 = np.ones((4, 2))
LABELS = np.array([0, 1, 1, 0])
TARGETS = np.ones((4, 1))
SLOTS = []  # (function name, argument, good value, call(value))


def slot(function, argument, good, call):
    SLOTS.append((function, argument, good, call))


for _name, (_f, _df) in activations.ACTIVATIONS.items():
    slot(_name, "z", np.ones((3, 2)), _f)
    slot(f"{_name}_grad", "z", np.ones((3, 2)), _df)
slot("softmax", "z", np.ones((3, 2)), activations.softmax)
slot("softmax_backward", "s", np.full((3, 2), 0.5),
     lambda v: activations.softmax_backward(v, np.ones((3, 2))))
slot("softmax_backward", "dout", np.ones((3, 2)),
     lambda v: activations.softmax_backward(np.full((3, 2), 0.5), v))
slot("softmax_jacobian", "z", np.ones(3), activations.softmax_jacobian)
slot("mse", "y_hat", TARGETS, lambda v: losses.mse(v, TARGETS))
slot("mse", "y", TARGETS, lambda v: losses.mse(TARGETS, v))
slot("binary_cross_entropy", "p", np.full((4, 1), 0.5),
     lambda v: losses.binary_cross_entropy(v, TARGETS))
slot("binary_cross_entropy", "y", TARGETS,
     lambda v: losses.binary_cross_entropy(np.full((4, 1), 0.5), v))
slot("binary_cross_entropy_with_logits", "z", TARGETS,
     lambda v: losses.binary_cross_entropy_with_logits(v, TARGETS))
slot("binary_cross_entropy_with_logits", "y", TARGETS,
     lambda v: losses.binary_cross_entropy_with_logits(TARGETS, v))
slot("softmax_cross_entropy", "logits", X4, lambda v: losses.softmax_cross_entropy(v, LABELS))
slot("softmax_cross_entropy", "labels", LABELS, lambda v: losses.softmax_cross_entropy(X4, v))
slot("Dense.forward", "X", X4, lambda v: Dense(2, 3).forward(v))
slot("Dense.backward", "dout", np.ones((4, 3)),
     lambda v: after_forward(Dense(2, 3), X4).backward(v))
slot("Dense.from_weights", "W", np.ones((2, 3)), lambda v: Dense.from_weights(v, np.zeros(3)))
slot("Dense.from_weights", "b", np.zeros(3), lambda v: Dense.from_weights(np.ones((2, 3)), v))
slot("Activation.forward", "X", X4, lambda v: Activation("tanh").forward(v))
slot("Activation.backward", "dout", X4,
     lambda v: after_forward(Activation("softmax"), X4).backward(v))
slot("Sequential.forward", "X", X4, lambda v: Sequential.mlp([2, 3, 2]).forward(v))
slot("Sequential.backward", "dout", X4,
     lambda v: after_forward(Sequential.mlp([2, 3, 2]), X4).backward(v))
slot("Neuron", "weights", np.ones(2), lambda v: Neuron(v, 0.0))
slot("Neuron", "bias", np.float64(0.5), lambda v: Neuron([1.0, 1.0], v))
slot("Neuron.z", "X", X4, lambda v: Neuron([1.0, 1.0], 0.0).z(v))
slot("Neuron.__call__", "X", X4, lambda v: Neuron([1.0, 1.0], 0.0, "sigmoid")(v))
slot("fit", "X", X4, lambda v: fit(Sequential.mlp([2, 3, 1]), v, TARGETS, epochs=1))
slot("fit", "y", TARGETS, lambda v: fit(Sequential.mlp([2, 3, 1]), X4, v, epochs=1))
slot("fit", "y", LABELS, lambda v: fit(Sequential.mlp([2, 3, 2]), X4, v, epochs=1,
                                       loss="softmax_cross_entropy"))
slot("fit", "X_val", X4, lambda v: fit(Sequential.mlp([2, 3, 1]), X4, TARGETS, epochs=1,
                                       X_val=v, y_val=TARGETS))
slot("fit", "y_val", TARGETS, lambda v: fit(Sequential.mlp([2, 3, 1]), X4, TARGETS, epochs=1,
                                            X_val=X4, y_val=v))
slot("accuracy", "scores", X4, lambda v: accuracy(v, LABELS))
slot("accuracy", "labels", LABELS, lambda v: accuracy(X4, v))
slot("relative_error", "a", X4, lambda v: gradcheck.relative_error(v, X4))
slot("relative_error", "b", X4, lambda v: gradcheck.relative_error(X4, v))
slot("check_model", "X", X4, lambda v: gradcheck.check_model(Dense(2, 1), "mse", v, TARGETS))
slot("check_model", "y", TARGETS, lambda v: gradcheck.check_model(Dense(2, 1), "mse", X4, v))
slot("standardize", "X", X4, datasets.standardize)
slot("standardize", "mean", np.zeros(2), lambda v: datasets.standardize(X4, mean=v))
slot("standardize", "std", np.ones(2), lambda v: datasets.standardize(X4, std=v))
slot("train_test_split", "X", X4, lambda v: datasets.train_test_split(v, LABELS))
slot("upsample", "image", np.ones((8, 8)), datasets.upsample)
slot("walk_decisions", "weights", np.ones(3), lambda v: datasets.walk_decisions(weights=v))
slot("line_points", "x_range", np.array([-1.0, 1.0]), lambda v: datasets.line_points(x_range=v))

NOT_GIVEN_MEANS_NONE = {"X_val", "y_val", "mean", "std"}  # None means "not given" for these
CASES = [(function, argument, kind, value, error, call)
         for function, argument, good, call in SLOTS
         for kind, (value, error) in bad_values(good).items()
         if not (kind == "None" and argument in NOT_GIVEN_MEANS_NONE)]


@pytest.mark.parametrize("function, argument, kind, value, error, call", CASES,
                         ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES])
def test_bad_values_get_a_clear_error_naming_the_argument(function, argument, kind, value, error,
                                                          call):
    with pytest.raises((TypeError, ValueError)) as info:
        call(value)
    message = str(info.value)
    assert type(info.value) is error, f"{function}({argument}={kind}): {info.value!r}"
    assert re.search(rf"(?<![\w.]){re.escape(argument)}(?!\w)", message), message
    assert "numpy" not in message.split(":")[0] and len(message) > 20


def test_the_good_values_of_the_matrix_work():
    """So that each bad value above is the one and only thing wrong with its call."""
    for function, argument, good, call in SLOTS:
        call(good)


# ================================================================ every public name is tried

MODULES = [activations, losses, layers, optim, train, gradcheck, datasets]
NO_ARGUMENTS = {"digits"}  # takes nothing, so there is nothing bad to give it
NOT_CALLED_BY_READERS = {"Layer", "History"}  # an abstract base class; a plain record


def public_callables():
    """module.name for every public function and class defined in the core modules."""
    names = set()
    for module in MODULES:
        for name, obj in vars(module).items():
            if (not name.startswith("_") and callable(obj) and inspect.getmodule(obj) is module
                    and name not in NO_ARGUMENTS | NOT_CALLED_BY_READERS):
                names.add(name)
    return names | {"from_weights", "mlp", "forward", "backward", "z"}


def test_every_public_function_and_class_is_tried_with_bad_input():
    tried = " ".join(code(row[1]) for row in ERROR_ROWS)
    tried += " " + " ".join(f"{function}(" for function, *_ in SLOTS)
    missing = sorted(name for name in public_callables()
                     if not re.search(rf"(?<!\w){re.escape(name)}\(", tried))
    assert not missing, f"no bad input is tried on: {missing}"


# ================================================================ no numpy broadcasting surprises

@pytest.mark.parametrize("loss", sorted(losses.LOSSES))
@pytest.mark.parametrize("pred_shape, target_shape", [
    ((4, 1), (1, 4)), ((4, 1), (4, 4)), ((4, 2), (2, 4)), ((4,), (4, 2)), ((4, 2), (8,)),
    ((1, 4), (4,)), ((4, 3), (4, 1)),
])
def test_mismatched_shapes_never_broadcast(loss, pred_shape, target_shape):
    """Shapes that numpy would happily broadcast into a wrong answer are refused."""
    pred = np.full(pred_shape, 0.5)
    target = np.zeros(target_shape, dtype=int)
    with pytest.raises(ValueError, match=r"^(y|labels|logits|p|z|y_hat) "):
        losses.get(loss)(pred, target)


def test_the_one_shape_fix_that_is_allowed_is_exact():
    """(N,) against (N, 1) is the only reshaping; the result is what (N, 1) gives."""
    pred = np.array([[0.2], [0.7], [0.9]])
    for loss in ("mse", "binary_cross_entropy", "binary_cross_entropy_with_logits"):
        flat = losses.get(loss)(pred, np.array([0, 1, 1]))
        column = losses.get(loss)(pred, np.array([[0], [1], [1]]))
        assert flat[0] == column[0] and flat[1].shape == (3, 1)
        np.testing.assert_array_equal(flat[1], column[1])


def test_huge_numbers_are_refused_clearly():
    with pytest.raises(TypeError, match="z must hold real numbers, got 1000000.*too large"):
        activations.relu(10 ** 400)
    with pytest.raises(ValueError, match="lr must be a finite number greater than 0"):
        optim.SGD(Dense(1, 1), lr=10 ** 400)
    with pytest.raises(ValueError, match="w must be a finite number"):
        datasets.line_points(w=10 ** 400)
    with pytest.raises(ValueError, match="labels contains NaN or infinity"):
        losses.softmax_cross_entropy(np.zeros((1, 2)), [np.inf])
    with pytest.raises(TypeError, match="labels must be integer class labels"):
        losses.softmax_cross_entropy(np.zeros((1, 2)), [1e300])  # whole, but no int64


def test_whole_float_and_bool_labels_are_labels():
    assert losses.softmax_cross_entropy(np.zeros((2, 2)), [1.0, 0.0])[0] == pytest.approx(np.log(2))
    assert accuracy([[0.1, 0.9], [0.8, 0.2]], np.array([True, False])) == 1.0


def test_gradcheck_function_must_return_one_number():
    x = np.zeros(2)
    with pytest.raises(TypeError, match=r"f must return a single number .* of shape \(2,\)"):
        gradcheck.numerical_gradient(lambda: x * 2, x)
    with pytest.raises(TypeError, match="f must return a single number .* got NoneType"):
        gradcheck.numerical_gradient(lambda: None, x)
    assert gradcheck.numerical_gradient(lambda: np.float32(x[0]), x)[1] == 0.0


def test_seeds_and_generators():
    rng = np.random.default_rng(5)
    assert isinstance(Dense(2, 2, seed=None), Dense)
    np.testing.assert_array_equal(Dense(2, 2, seed=np.int64(3)).W, Dense(2, 2, seed=3).W)
    np.testing.assert_array_equal(Dense(2, 2, seed=rng).W,
                                  Dense(2, 2, seed=np.random.default_rng(5)).W)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        Sequential.mlp([2, 2], seed="zero")
    with pytest.raises(TypeError, match="seed must be a whole number"):
        fit(Dense(2, 1), X4, TARGETS, seed=True)


def test_unknown_activation_is_refused_even_without_hidden_layers():
    with pytest.raises(TypeError, match="activation must be given by name"):
        Sequential.mlp([2, 3], activation=3)
    assert len(Sequential.mlp([2, 3], activation=None)) == 2


def test_sequential_indexing():
    net = Sequential.mlp([2, 3, 2])
    assert net[-1] is net.layers[-1] and net[np.int64(0)] is net.layers[0]
    with pytest.raises(IndexError, match="layer index -5 is out of range"):
        net[-5]
    with pytest.raises(TypeError, match="layer index must be a whole number or a slice"):
        net[True]


def test_fit_explains_a_model_output_that_does_not_suit_the_loss():
    with pytest.raises(ValueError, match=r"y does not suit loss 'binary_cross_entropy' with this "
                                         r"model .*p must hold probabilities in \[0, 1\]"):
        fit(Sequential.mlp([2, 3, 1], seed=0), X4 * 10, TARGETS, loss="binary_cross_entropy")
    with pytest.raises(ValueError, match="y_val does not suit loss 'softmax_cross_entropy'.*for "
                                         r"X_val with y_val.*labels must hold labels in 0\.\.1"):
        fit(Sequential.mlp([2, 3, 2]), X4, LABELS, loss="softmax_cross_entropy",
            X_val=X4, y_val=[0, 1, 2, 0])


def test_ragged_targets_and_labels():
    ragged = [[0.0], [1.0, 2.0], [0.0], [1.0]]
    with pytest.raises(TypeError, match="y must be a rectangular array"):
        fit(Dense(2, 1), X4, ragged)
    with pytest.raises(TypeError, match="y must be a rectangular array"):
        datasets.train_test_split(X4, ragged)
    with pytest.raises(TypeError, match="labels must be a 1-D array of integer class labels"):
        accuracy(X4, ragged)


# ================================================================ the edges (issue: trust at the edges)

class _TwoParameters:
    """A model whose second parameter someone replaced with an integer array."""

    def __init__(self):
        self.params = [np.ones(3), np.ones(2)]
        self.grads = [np.full(3, 0.5), np.full(2, 0.5)]

    def parameters(self):
        return self.params

    def gradients(self):
        return self.grads


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_step_checks_every_parameter_before_changing_any(momentum):
    model = _TwoParameters()
    optimizer = optim.SGD(model, lr=0.1, momentum=momentum)
    model.params[1] = np.ones(2, dtype=np.int64)
    with pytest.raises(TypeError, match="parameter 1 of the model holds int64 numbers"):
        optimizer.step()
    np.testing.assert_array_equal(model.params[0], np.ones(3))   # not half-applied
    np.testing.assert_array_equal(optimizer.velocities[0], np.zeros(3))


def test_sgd_refuses_parameters_it_cannot_update_up_front():
    model = _TwoParameters()
    model.params[1] = np.ones(2, dtype=np.int64)
    with pytest.raises(TypeError, match="parameter 1 .* must be float arrays"):
        optim.SGD(model, lr=0.1)
    model = _TwoParameters()
    model.params[0].flags.writeable = False
    with pytest.raises(ValueError, match="parameter 0 of the model is read-only"):
        optim.SGD(model, lr=0.1)
    model = _TwoParameters()
    model.grads[1] = np.ones(2, dtype=complex)
    with pytest.raises(TypeError, match="gradient 1 of the model holds complex128"):
        optim.SGD(model, lr=0.1)
    model = _TwoParameters()
    model.params = (p for p in model.params)   # a generator, not a list
    with pytest.raises(TypeError, match=r"model.parameters\(\) must return a list of numpy arrays"):
        optim.SGD(model, lr=0.1)


def test_sgd_step_notices_parameters_that_changed_shape():
    model = _TwoParameters()
    optimizer = optim.SGD(model, lr=0.1, momentum=0.5)
    model.params[1], model.grads[1] = np.ones(4), np.ones(4)
    with pytest.raises(ValueError, match="changed shape since this SGD was made"):
        optimizer.step()
    np.testing.assert_array_equal(model.params[0], np.ones(3))


def test_fit_refuses_an_integer_parameter_before_training():
    net = Sequential(Dense(2, 2), Dense(2, 2))
    before = net[0].W.copy()
    net[1].b = np.zeros(2, dtype=np.int64)
    with pytest.raises(TypeError, match="parameter 3 of the model holds int64"):
        fit(net, np.ones((4, 2)), np.zeros((4, 2)), epochs=3)
    np.testing.assert_array_equal(net[0].W, before)


def test_numerical_gradient_checks_x_and_what_f_returns():
    for bad in (np.nan, np.inf, -np.inf):
        x = np.array([1.0, bad])
        with pytest.raises(ValueError, match="x contains NaN or infinity"):
            gradcheck.numerical_gradient(lambda: 0.0, x)
    x = np.zeros((2, 2))
    for value in (float("nan"), np.inf, np.float64(-np.inf)):
        with pytest.raises(ValueError, match=r"f returned .* with x\[0, 0\] nudged by \+eps; "
                                             r"f must return a finite number"):
            gradcheck.numerical_gradient(lambda: value, x)
        np.testing.assert_array_equal(x, 0.0)   # restored after the failure
    # f that turns non-finite only once x moves: named with the entry and the side.
    x = np.array([0.0, 1.0])
    with pytest.raises(ValueError, match=r"x\[1\] nudged by -eps"):
        gradcheck.numerical_gradient(lambda: np.inf if x[1] < 1 else 0.0, x)
    np.testing.assert_array_equal(x, [0.0, 1.0])


def test_numerical_gradient_refuses_an_eps_that_cannot_move_x():
    with pytest.raises(ValueError, match=r"eps = 1e-06 cannot nudge x\[1\] = 1e\+300: "
                                         r"x \+ eps is the same float64"):
        gradcheck.numerical_gradient(lambda: 0.0, np.array([0.0, 1e300]))
    with pytest.raises(ValueError, match=r"x \+ eps is not finite"):
        gradcheck.numerical_gradient(lambda: 0.0, np.array([1.7e308]), eps=1e308)
    frozen = np.zeros(2)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="x must be writeable"):
        gradcheck.numerical_gradient(lambda: 0.0, frozen)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_train_test_split_checks_y_as_it_checks_X(bad):
    X = np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        datasets.train_test_split(X, [0.0, 1.0, bad, 0.0])
    with pytest.raises(ValueError, match="y contains NaN or infinity"):
        datasets.train_test_split(X, np.array([[0.0], [bad], [1.0], [2.0]]))
    labels = np.array(["a", "b", "c", "d"])  # y keeps its dtype, text labels included
    assert datasets.train_test_split(X, labels)[3].dtype == labels.dtype


LONG = np.longdouble


@pytest.mark.skipif(np.finfo(LONG).max <= np.finfo(np.float64).max,
                    reason="np.longdouble is float64 on this platform")
def test_longdouble_beyond_float64_gets_a_clear_error():
    huge = np.array([LONG(1), LONG("1e400")])
    for call, name in [(lambda: activations.relu(huge), "z"),
                       (lambda: losses.mse(huge, np.zeros(2)), "y_hat"),
                       (lambda: Sequential.mlp([1, 1]).forward(huge.reshape(-1, 1)), "X"),
                       (lambda: datasets.standardize(-huge.reshape(-1, 1)), "X")]:
        with pytest.raises(ValueError, match=f"{name} holds .*1e\\+400.*too large for a float64"):
            call()
    with pytest.raises(ValueError, match="lr must be a finite number greater than 0.*too large"):
        optim.SGD(Dense(1, 1), lr=LONG("1e400"))
    with pytest.raises(ValueError, match="w must be a finite number.*too large for a float64"):
        datasets.line_points(w=LONG("-1e400"))
    # within float64's range a longdouble is simply converted
    assert activations.relu(np.array([LONG("1e300")]))[0] == 1e300


def test_huge_finite_inputs_whose_answer_fits_do_not_warn():
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # and warnings are errors
        np.testing.assert_array_equal(activations.softmax([[1e308, -1e308]]), [[1.0, 0.0]])
        np.testing.assert_array_equal(activations.softmax.raw(np.array([[1e308, -1e308]])),
                                      [[1.0, 0.0]])
        np.testing.assert_array_equal(activations.tanh_grad([1e308, -1e308, 0.0]), [0, 0, 1])
        np.testing.assert_array_equal(activations.tanh_grad.raw(np.array([1e308])), [0.0])
        loss, grad = losses.softmax_cross_entropy([[1e308, -1e308]], [0])
        assert loss == 0.0 and np.all(grad == 0)
        loss, grad = losses.binary_cross_entropy_with_logits([1e308, -1e308], [0, 1])
        assert loss == 1e308
        np.testing.assert_array_equal(grad, [0.5, -0.5])
        loss, _ = losses.mse([[1e154], [1e154]], [[0.0], [0.0]])
        assert loss == pytest.approx(1e308, rel=1e-12)
        assert gradcheck.relative_error([1e308], [-1e308]) == 1.0
        np.testing.assert_array_equal(datasets.standardize([[1e308], [-1e308]])[0], [[1], [-1]])
        np.testing.assert_array_equal(activations.softmax_jacobian([1e308, -1e308]), 0.0)
        np.testing.assert_allclose(activations.softmax_backward([[0.9, 0.1]], [[1.7e308, -1.7e308]]),
                                   [[0.9 * 0.2 * 1.7e308, -0.1 * 1.8 * 1.7e308]], rtol=1e-12)


def test_answers_beyond_float64_are_a_clear_error():
    cases = [(lambda: losses.mse([[1e200]], [[0.0]]), "the mse loss of these inputs"),
             (lambda: losses.softmax_cross_entropy([[1e308, -1e308]], [1]),
              "the softmax_cross_entropy loss"),
             (lambda: activations.leaky_relu([-1e308], slope=10), "the result of leaky_relu"),
             (lambda: Neuron([1e308, 1e308], 0.0).z([[1e308, 1e308]]), "the weighted sum"),
             (lambda: datasets.line_points(w=1e308), r"y = w·x \+ b \+ noise")]
    for call, what in cases:
        with pytest.raises(ValueError, match=f"{what}.* is too large for a float64"):
            call()
