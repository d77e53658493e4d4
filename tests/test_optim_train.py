"""Tests for nnlib.optim (SGD) and nnlib.train (fit, History, accuracy)."""
import warnings

import numpy as np
import pytest

from nnlib.layers import Activation, Dense, Sequential
from nnlib.optim import SGD
from nnlib.train import History, _divergence, accuracy, fit


class OneParameter:
    """A 'model' with a single parameter p and a gradient we set by hand."""

    def __init__(self, p=0.0, g=1.0):
        self.p, self.g = np.array([p]), np.array([g])

    def parameters(self):
        return [self.p]

    def gradients(self):
        return [self.g]


def line_data(n=40, seed=0):
    """y = 2x + 1 on x in [-1, 1], shaped (n, 1)."""
    X = np.random.default_rng(seed).uniform(-1, 1, size=(n, 1))
    return X, 2 * X + 1


XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


# --------------------------------------------------------------------- SGD ---
def test_sgd_plain_step():
    model = OneParameter(p=1.0, g=0.5)
    p = model.p
    SGD(model, lr=0.1).step()
    assert model.p is p  # updated in place
    np.testing.assert_allclose(model.p, [0.95])


def test_sgd_momentum_accumulates_velocity():
    model = OneParameter(p=0.0, g=1.0)
    opt = SGD(model, lr=0.1, momentum=0.9)
    seen = []
    for _ in range(3):
        opt.step()
        seen.append(model.p[0])
    # v: -0.1, -0.19, -0.271  ->  p: -0.1, -0.29, -0.561
    np.testing.assert_allclose(seen, [-0.1, -0.29, -0.561])


def test_sgd_momentum_zero_is_plain_gradient_descent():
    a, b = OneParameter(p=1.0, g=2.0), OneParameter(p=1.0, g=2.0)
    opt_a, opt_b = SGD(a, lr=0.01), SGD(b, lr=0.01, momentum=0.0)
    for _ in range(5):
        opt_a.step()
        opt_b.step()
    np.testing.assert_allclose(a.p, [0.9])
    np.testing.assert_array_equal(a.p, b.p)


def test_sgd_updates_a_dense_layer_and_zero_grad():
    layer = Dense.from_weights([[1.0]], [0.0])
    layer.forward(np.array([[2.0]]))
    layer.backward(np.array([[1.0]]))  # dW = 2, db = 1
    opt = SGD(layer, lr=0.5)
    opt.step()
    np.testing.assert_allclose(layer.W, [[0.0]])
    np.testing.assert_allclose(layer.b, [-0.5])
    opt.zero_grad()
    assert layer.dW[0, 0] == 0 and layer.db[0] == 0
    assert repr(opt) == "SGD(lr=0.5, momentum=0)"


def test_sgd_bad_arguments():
    for lr in (0, -0.1, float("nan")):
        with pytest.raises(ValueError, match="lr must be a finite number greater than 0"):
            SGD(OneParameter(), lr=lr)
    with pytest.raises(TypeError, match="lr must be a number"):
        SGD(OneParameter(), lr="0.1")
    for momentum in (1.0, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\)"):
            SGD(OneParameter(), lr=0.1, momentum=momentum)
    with pytest.raises(TypeError, match="model must have parameters"):
        SGD([np.zeros(2)], lr=0.1)


# ------------------------------------------------------------------ fit ---
def test_fit_learns_a_line():
    X, y = line_data()
    model = Sequential(Dense(1, 1, seed=0))
    history = fit(model, X, y, lr=0.5, epochs=200)
    assert isinstance(history, History) and not history.diverged and history.message == ""
    assert len(history.loss) == 200
    assert history.loss[-1] < 1e-6 * history.loss[0]
    np.testing.assert_allclose(model[0].W, [[2.0]], atol=1e-3)
    np.testing.assert_allclose(model[0].b, [1.0], atol=1e-3)


def test_fit_accepts_a_flat_target_for_one_output():
    X, y = line_data()
    history = fit(Dense(1, 1), X, y.ravel(), lr=0.5, epochs=50)
    assert history.loss[-1] < 1e-3


def test_fit_learns_xor_with_softmax_cross_entropy():
    model = Sequential.mlp([2, 8, 2], activation="tanh", seed=0)
    history = fit(model, XOR_X, XOR_Y, loss="softmax_cross_entropy", lr=0.5, epochs=400,
                  momentum=0.9)
    assert history.loss[-1] < 0.05
    assert accuracy(model.forward(XOR_X), XOR_Y) == 1.0


def test_fit_learns_xor_with_sigmoid_and_bce():
    model = Sequential.mlp([2, 8, 1], activation="tanh", output_activation="sigmoid", seed=1)
    history = fit(model, XOR_X, XOR_Y.reshape(-1, 1), loss="binary_cross_entropy",
                  lr=1.0, epochs=600)
    assert history.loss[-1] < 0.1 * history.loss[0]
    assert accuracy(model.forward(XOR_X), XOR_Y) == 1.0


def test_fit_with_minibatches_and_validation():
    X, y = line_data(50)
    X_val, y_val = line_data(20, seed=1)
    calls = []
    history = fit(Sequential.mlp([1, 8, 1], seed=0), X, y, lr=0.05, epochs=30, batch_size=8,
                  X_val=X_val, y_val=y_val, callback=lambda e, h: calls.append((e, len(h.loss))))
    assert len(history.loss) == len(history.val_loss) == 30
    assert history.val_loss[-1] < history.val_loss[0]
    assert calls == [(e, e) for e in range(1, 31)]


def test_fit_is_deterministic_for_a_seed():
    X, y = line_data(30)

    def run(seed):
        model = Sequential.mlp([1, 6, 1], seed=0)
        history = fit(model, X, y, lr=0.05, epochs=20, batch_size=4, seed=seed)
        return history.loss, model.parameters()

    loss_a, params_a = run(seed=7)
    loss_b, params_b = run(seed=7)
    loss_c, _ = run(seed=8)
    assert loss_a == loss_b
    assert all(np.array_equal(p, q) for p, q in zip(params_a, params_b))
    assert loss_a != loss_c  # a different shuffle


def test_fit_reports_divergence_without_warnings_or_nan(capsys):
    X, y = line_data()
    model = Sequential.mlp([1, 16, 16, 1], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = fit(model, X, y, lr=1e3, epochs=100)
    assert history.diverged
    assert len(history.loss) < 100
    assert all(np.isfinite(history.loss))
    assert history.message.startswith("training diverged at epoch ")
    assert history.message.endswith("lower the learning rate")
    assert f"epoch {len(history.loss) + 1} " in history.message
    assert capsys.readouterr() == ("", "")


def test_fit_reports_divergence_to_infinity_with_minibatches():
    X, y = line_data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = Sequential.mlp([1, 16, 1], seed=0)
        history = fit(model, X, y, lr=1e150, epochs=5, batch_size=5)
    assert history.diverged and "training diverged at epoch" in history.message
    assert all(np.isfinite(history.loss))
    # fit stops at the exploding batch, before using its gradients
    assert all(np.all(np.isfinite(p)) for p in model.parameters())


def test_epoch_loss_is_the_mean_over_rows_with_uneven_batches():
    X, y = line_data(10)
    model = Dense(1, 1, init="zeros")  # predicts 0 until it learns
    history = fit(model, X, y, lr=1e-12, epochs=1, batch_size=3)  # batches of 3, 3, 3, 1
    assert history.loss[0] == pytest.approx(np.mean(y ** 2), rel=1e-9)


def test_fit_never_prints(capsys):
    X, y = line_data()
    fit(Dense(1, 1), X, y, epochs=3)
    assert capsys.readouterr() == ("", "")


def test_fit_bad_inputs():
    X, y = line_data(4)
    model = Sequential.mlp([1, 3, 1])
    with pytest.raises(ValueError, match="X contains NaN"):
        fit(model, [[np.nan]] * 4, y)
    with pytest.raises(ValueError, match=r"X must be a 2-D batch.*reshape\(-1, 1\)"):
        fit(model, X.ravel(), y)
    with pytest.raises(ValueError, match=r"^X must have 1 column\(s\)"):
        fit(model, np.ones((4, 2)), y)
    with pytest.raises(ValueError, match="y has 5 rows but X has 4"):
        fit(model, X, np.ones((5, 1)))
    with pytest.raises(TypeError, match="y must be an array with one target per row"):
        fit(model, X, 1.0)
    with pytest.raises(ValueError, match="epochs must be at least 1, got 0"):
        fit(model, X, y, epochs=0)
    with pytest.raises(ValueError, match="batch_size must be at least 1, got 0"):
        fit(model, X, y, batch_size=0)
    with pytest.raises(ValueError, match="lr must be a finite number greater than 0"):
        fit(model, X, y, lr=0)
    with pytest.raises(ValueError, match="unknown loss 'l2'"):
        fit(model, X, y, loss="l2")
    with pytest.raises(TypeError, match="callback must be a function"):
        fit(model, X, y, callback=3)
    with pytest.raises(TypeError, match="model must have a forward"):
        fit([model], X, y)


def test_fit_checks_labels_and_validation_data():
    model = Sequential.mlp([2, 4, 2])
    with pytest.raises(ValueError, match=r"labels must hold labels in 0\.\.1, got .* 0 to 2"):
        fit(model, XOR_X, [0, 1, 2, 0], loss="softmax_cross_entropy")
    with pytest.raises(ValueError, match="p must hold probabilities"):
        fit(Sequential.mlp([2, 4, 1], seed=0), XOR_X * 100, XOR_Y, loss="binary_cross_entropy")
    with pytest.raises(ValueError, match="give both X_val and y_val"):
        fit(model, XOR_X, XOR_Y, loss="softmax_cross_entropy", X_val=XOR_X)
    with pytest.raises(ValueError, match=r"X_val must have 2 column\(s\)"):
        fit(model, XOR_X, XOR_Y, loss="softmax_cross_entropy", X_val=np.ones((2, 3)),
            y_val=[0, 1])
    with pytest.raises(ValueError, match="y_val has 3 rows but X_val has 4"):
        fit(model, XOR_X, XOR_Y, loss="softmax_cross_entropy", X_val=XOR_X, y_val=[0, 1, 1])


def test_divergence_message_for_nan():
    assert _divergence(float("nan"), 3) == \
        "training diverged at epoch 3 (loss became NaN): lower the learning rate"
    assert _divergence(3.2e9, 7) == \
        "training diverged at epoch 7 (loss grew to 3.2e+09): lower the learning rate"
    assert _divergence(1e8, 1) == ""


# ------------------------------------------------------------- accuracy ---
def test_accuracy_rules():
    scores = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    assert accuracy(scores, [1, 0, 0]) == pytest.approx(2 / 3)
    assert accuracy([[0.2], [0.5], [0.9]], [0, 1, 0]) == pytest.approx(2 / 3)  # p >= 0.5 -> 1
    assert accuracy([0.2, 0.5, 0.9], [[0], [1], [1]]) == 1.0
    assert accuracy([-1.0, 0.3], [0, 1], threshold=0.0) == 1.0
    assert accuracy([-1.0, 0.3], [0, 1]) == 0.5


def test_accuracy_bad_inputs():
    with pytest.raises(ValueError, match="labels has 3 rows but scores has 2"):
        accuracy([[0.1, 0.9], [0.8, 0.2]], [1, 0, 0])
    with pytest.raises(ValueError, match=r"labels must hold labels in 0\.\.1"):
        accuracy([[0.1, 0.9], [0.8, 0.2]], [1, 2])
    with pytest.raises(TypeError, match="threshold must be a number"):
        accuracy([0.5], [1], threshold="0.5")
    with pytest.raises(ValueError, match="scores contains NaN"):
        accuracy([np.nan], [1])


# ------------------------------------------------------------- divergence ---
RNG = np.random.default_rng(0)
TWO_D = RNG.normal(size=(40, 2))
SIDE = (TWO_D[:, 0] > 0).astype(int)
DIVERGING = {  # loss: (output size, targets)
    "mse": (1, TWO_D[:, :1] * 3),
    "binary_cross_entropy_with_logits": (1, SIDE),
    "softmax_cross_entropy": (2, SIDE),
}


@pytest.mark.parametrize("loss", sorted(DIVERGING))
@pytest.mark.parametrize("lr", [1e3, 1e6, 1e100])
@pytest.mark.parametrize("batch_size, momentum", [(None, 0.0), (8, 0.0), (8, 0.9)])
def test_divergence_is_reported_for_every_loss(loss, lr, batch_size, momentum):
    outputs, y = DIVERGING[loss]
    model = Sequential.mlp([2, 8, outputs], output_activation=None, seed=0)
    seen = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = fit(model, TWO_D, y, loss=loss, lr=lr, epochs=50, batch_size=batch_size,
                      momentum=momentum, callback=lambda e, h: seen.append((e, h.diverged)))
    assert history.diverged and len(history.loss) < 50
    assert all(np.isfinite(history.loss)) and all(value <= 1e8 for value in history.loss)
    stopped = len(history.loss) + 1
    assert history.message.startswith(f"training diverged at epoch {stopped} (loss ")
    assert seen[-1] == (stopped, True) and all(not d for _, d in seen[:-1])
    assert all(np.all(np.isfinite(p)) for p in model.parameters())  # stopped before the update


def test_divergence_of_the_validation_loss_is_reported():
    X, y = line_data()
    history = fit(Dense(1, 1, seed=0), X, y, lr=0.1, epochs=5, X_val=X * 1e6, y_val=y)
    assert history.diverged and history.loss == []
    assert history.message.startswith("training diverged at epoch 1 (validation loss grew to ")


def test_a_last_update_to_infinity_is_reported():
    """The loss before the update was fine (25), but the update itself overflowed."""
    history = fit(Dense.from_weights([[0.0]], [0.0]), [[1.0]], [[5.0]], lr=1e308, epochs=1)
    assert history.diverged and history.loss == [25.0]
    assert history.message == ("training diverged at epoch 1 (the last update made a parameter "
                               "NaN or infinite): lower the learning rate")


def test_divergence_message_for_infinity():
    assert _divergence(float("inf"), 2) == \
        "training diverged at epoch 2 (loss became infinite): lower the learning rate"


def test_clipped_probabilities_stall_instead_of_diverging():
    """Documented in fit: binary_cross_entropy's loss is bounded, so it cannot blow up."""
    model = Sequential.mlp([2, 8, 1], output_activation="sigmoid", seed=0)
    history = fit(model, TWO_D, SIDE, loss="binary_cross_entropy", lr=1e6, epochs=10)
    assert not history.diverged and max(history.loss) < 27.7
    assert history.loss[-1] == history.loss[-2] > 10 * history.loss[0]  # stuck, and far worse


# ------------------------------------------------------ models that are not Layers ---
class Wrapped:
    """A duck-typed model: forward, backward, parameters, gradients and nothing else."""

    def __init__(self, net):
        self.net, self.rows_seen = net, []

    def forward(self, X):
        self.rows_seen.append(X[:, 0].copy())
        return self.net.forward(X)

    def backward(self, dout):
        return self.net.backward(dout)

    def parameters(self):
        return self.net.parameters()

    def gradients(self):
        return self.net.gradients()


def test_fit_trains_a_duck_typed_model_exactly_like_a_sequential():
    X, y = line_data(23)
    X[:, 0] += np.arange(23) * 10  # every row recognisable by its first value
    plain = Sequential.mlp([1, 4, 1], seed=2)
    wrapped = Wrapped(Sequential.mlp([1, 4, 1], seed=2))
    kwargs = dict(lr=1e-4, epochs=3, batch_size=5, seed=4)
    assert fit(plain, X, y, **kwargs) == fit(wrapped, X, y, **kwargs)
    assert all(np.array_equal(p, q) for p, q in zip(plain.parameters(), wrapped.parameters()))
    batches = wrapped.rows_seen[1:]  # the first forward checks y against the output
    assert [len(b) for b in batches[:5]] == [5, 5, 5, 5, 3]
    for epoch in range(3):  # every row exactly once per epoch, in a fresh order
        seen = np.sort(np.concatenate(batches[5 * epoch:5 * epoch + 5]))
        np.testing.assert_array_equal(seen, np.sort(X[:, 0]))
    assert not np.array_equal(batches[0], batches[5])


def test_sgd_checks_the_model_and_momentum_kinds():
    class Mismatched(OneParameter):
        def gradients(self):
            return [np.zeros(2)]

    with pytest.raises(ValueError, match=r"model.gradients\(\) must match model.parameters\(\)"):
        SGD(Mismatched(), lr=0.1)
    with pytest.raises(TypeError, match="momentum must be a number, got str"):
        SGD(OneParameter(), lr=0.1, momentum="0.9")
    with pytest.raises(TypeError, match="momentum must be a number, got bool"):
        SGD(OneParameter(), lr=0.1, momentum=True)


def test_fit_updates_arrays_a_callback_puts_in_place():
    """fit reads the parameter list once for Dense/Activation models, and again after each
    callback: a weight array swapped in by the callback is the one trained from then on."""
    X = np.linspace(-1, 1, 8).reshape(-1, 1)
    y = 3 * X
    net = Sequential(Dense(1, 1, init="zeros"))
    swapped = {}

    def swap(epoch, history):
        if epoch == 1:
            swapped["W"] = net[0].W = np.zeros((1, 1))
    fit(net, X, y, lr=0.5, epochs=50, callback=swap)
    assert net[0].W is swapped["W"] and net[0].W[0, 0] == pytest.approx(3.0, abs=1e-3)


def test_fit_trains_a_layer_that_rebinds_its_gradients():
    """A subclass may make new gradient arrays at each backward: fit asks for them each step."""
    class Rebinding(Dense):
        def backward(self, dout):
            dX = super().backward(dout)
            self.dW, self.db = self.dW.copy(), self.db.copy()
            return dX
    X = np.linspace(-1, 1, 8).reshape(-1, 1)
    net = Sequential(Rebinding(1, 1, init="zeros"))
    fit(net, X, 3 * X, lr=0.5, epochs=50)
    assert net[0].W[0, 0] == pytest.approx(3.0, abs=1e-3)
