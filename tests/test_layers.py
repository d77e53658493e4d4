"""Tests for nnlib.layers: Dense, Activation, Sequential, Neuron."""
import numpy as np
import pytest

from nnlib import layers
from nnlib.gradcheck import numerical_gradient, relative_error
from nnlib.layers import Activation, Dense, Neuron, Sequential

RNG = np.random.default_rng(0)


def backprop_vs_numeric(layer, X, seed=1):
    """Relative errors of every gradient and of dX for L = sum(dout * layer(X))."""
    dout = np.random.default_rng(seed).normal(size=layer.forward(X).shape)

    def loss():
        return np.sum(dout * layer.forward(X))

    layer.forward(X)
    dX = layer.backward(dout)
    errors = [relative_error(g, numerical_gradient(loss, p))
              for p, g in zip(layer.parameters(), layer.gradients())]
    return errors + [relative_error(dX, numerical_gradient(loss, X))]


# ------------------------------------------------------------------ Dense ---
def test_dense_shapes_and_zero_biases():
    layer = Dense(3, 5)
    assert layer.W.shape == (3, 5) and layer.b.shape == (5,)
    assert layer.dW.shape == (3, 5) and layer.db.shape == (5,)
    assert (layer.n_inputs, layer.n_outputs) == (3, 5)
    np.testing.assert_array_equal(layer.b, np.zeros(5))
    assert layer.forward(np.ones((7, 3))).shape == (7, 5)


@pytest.mark.parametrize("init, std", [("he", np.sqrt(2 / 400)), ("xavier", np.sqrt(2 / 600))])
def test_dense_init_scales(init, std):
    W = Dense(400, 200, init=init, seed=3).W
    assert abs(W.std() / std - 1) < 0.02
    assert abs(W.mean()) < 0.05 * std


def test_dense_zero_init_and_seeds():
    np.testing.assert_array_equal(Dense(2, 3, init="zeros").W, np.zeros((2, 3)))
    np.testing.assert_array_equal(Dense(2, 3, seed=4).W, Dense(2, 3, seed=4).W)
    assert not np.array_equal(Dense(2, 3, seed=4).W, Dense(2, 3, seed=5).W)


def test_dense_forward_and_backward_hand_values():
    layer = Dense.from_weights([[1.0, 2.0], [3.0, 4.0]], [0.5, -1.0])
    X = np.array([[1.0, 1.0], [2.0, 0.0]])
    np.testing.assert_allclose(layer.forward(X), [[4.5, 5.0], [2.5, 3.0]])
    dX = layer.backward(np.array([[1.0, 0.0], [0.0, 2.0]]))
    np.testing.assert_allclose(layer.dW, [[1.0, 4.0], [1.0, 0.0]])  # X.T @ dout
    np.testing.assert_allclose(layer.db, [1.0, 2.0])                 # summed, not averaged
    np.testing.assert_allclose(dX, [[1.0, 3.0], [4.0, 8.0]])         # dout @ W.T


def test_dense_from_weights_copies():
    W, b = np.ones((2, 3)), np.zeros(3)
    layer = Dense.from_weights(W, b)
    W[0, 0] = 5.0
    assert layer.W[0, 0] == 1.0 and repr(layer) == "Dense(2 → 3)"


def test_dense_backward_overwrites_gradients_in_place():
    layer = Dense(2, 2)
    dW = layer.dW
    X = np.ones((1, 2))
    layer.forward(X)
    layer.backward(np.ones((1, 2)))
    layer.backward(np.ones((1, 2)))
    assert layer.gradients()[0] is dW and layer.parameters()[0] is layer.W
    np.testing.assert_array_equal(layer.dW, np.ones((2, 2)))  # set, not accumulated
    layer.zero_grad()
    np.testing.assert_array_equal(layer.dW, np.zeros((2, 2)))
    np.testing.assert_array_equal(layer.db, np.zeros(2))


def test_dense_gradients_match_finite_differences():
    layer = Dense(4, 3, seed=2)
    layer.b[:] = RNG.normal(size=3)
    assert max(backprop_vs_numeric(layer, RNG.normal(size=(5, 4)))) < 1e-6


def test_dense_bad_arguments():
    with pytest.raises(ValueError, match="n_outputs must be at least 1, got 0"):
        Dense(2, 0)
    with pytest.raises(TypeError, match="n_inputs must be a whole number"):
        Dense(2.5, 3)
    with pytest.raises(TypeError, match="n_inputs must be a whole number"):
        Dense(True, 3)
    with pytest.raises(ValueError, match="unknown init 'normal'.*he.*xavier.*zeros"):
        Dense(2, 3, init="normal")


def test_dense_bad_inputs():
    layer = Dense(2, 3)
    with pytest.raises(RuntimeError, match=r"Dense\(2 → 3\): call forward\(X\) before backward"):
        layer.backward(np.ones((1, 3)))
    with pytest.raises(ValueError, match=r"X must have 2 column\(s\)"):
        layer.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"X must be a 2-D batch.*reshape\(-1, 1\)"):
        layer.forward(np.ones(2))
    with pytest.raises(ValueError, match="X contains NaN"):
        layer.forward([[1.0, np.nan]])
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        layer.forward("X")
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"dout .* shape of its last output \(4, 3\)"):
        layer.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="dout contains NaN"):
        layer.backward([[np.nan] * 3] * 4)


def test_dense_from_weights_checks_shapes():
    with pytest.raises(ValueError, match=r"b must have shape \(3,\), one bias per column of W"):
        Dense.from_weights(np.ones((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="W must be a 2-D array"):
        Dense.from_weights(np.ones(3), np.zeros(3))
    with pytest.raises(ValueError, match="b must be a 1-D array"):
        Dense.from_weights(np.ones((2, 3)), 0.0)


# ------------------------------------------------------------- Activation ---
@pytest.mark.parametrize("name, kwargs", [
    ("sigmoid", {}), ("tanh", {}), ("relu", {}), ("leaky_relu", {}),
    ("leaky_relu", {"slope": 0.2}), ("identity", {}), ("step", {}), ("softmax", {}),
])
def test_activation_gradients_match_finite_differences(name, kwargs):
    X = RNG.normal(size=(4, 3))
    X = np.sign(X) * (0.1 + np.abs(X))  # away from the kinks at 0
    assert max(backprop_vs_numeric(Activation(name, **kwargs), X)) < 1e-6


def test_activation_values_and_repr():
    np.testing.assert_allclose(Activation("relu").forward([[-1.0, 2.0]]), [[0.0, 2.0]])
    out = Activation("softmax").forward([[0.0, np.log(3)]])
    np.testing.assert_allclose(out, [[0.25, 0.75]])
    assert repr(Activation("relu")) == "Activation('relu')"
    assert repr(Activation("leaky_relu", slope=0.1)) == "Activation('leaky_relu', slope=0.1)"
    assert Activation("tanh").parameters() == [] and Activation("tanh").gradients() == []


def test_activation_bad_arguments():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*relu.*softmax"):
        Activation("swish")
    with pytest.raises(TypeError, match="activation 'relu' has no option.*slope"):
        Activation("relu", slope=0.1)
    with pytest.raises(ValueError, match="slope must be a finite number greater than 0"):
        Activation("leaky_relu", slope=-1)
    layer = Activation("tanh")
    with pytest.raises(RuntimeError, match="call forward"):
        layer.backward(np.ones((2, 2)))
    layer.forward(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"dout .* shape of its last output \(2, 2\)"):
        layer.backward(np.ones((2, 3)))
    with pytest.raises(ValueError, match="X contains NaN"):
        layer.forward([[np.nan]])


# -------------------------------------------------------------- Sequential ---
def small_net():
    return Sequential(Dense(3, 4, seed=1), Activation("tanh"), Dense(4, 2, seed=2),
                      Activation("sigmoid"))


def test_sequential_gradients_match_finite_differences():
    net = small_net()
    for layer in net:
        if isinstance(layer, Dense):
            layer.b[:] = RNG.normal(size=layer.b.shape)
    errors = backprop_vs_numeric(net, RNG.normal(size=(5, 3)))
    assert len(errors) == 5 and max(errors) < 1e-6


def test_sequential_with_softmax_and_relu_gradients():
    net = Sequential.mlp([3, 5, 4], activation="leaky_relu", output_activation="softmax", seed=3)
    assert max(backprop_vs_numeric(net, RNG.normal(size=(6, 3)))) < 1e-6


def test_sequential_forward_chains_the_layers():
    net = small_net()
    X = RNG.normal(size=(5, 3))
    expected = X
    for layer in net.layers:
        expected = layer.forward(expected)
    np.testing.assert_allclose(net.forward(X), expected)
    np.testing.assert_allclose(net(X), expected)


def test_sequential_containers():
    net = small_net()
    assert len(net) == 4 and isinstance(net[0], Dense) and isinstance(net[-1], Activation)
    assert isinstance(net[:2], Sequential) and len(net[:2]) == 2
    assert [type(layer) for layer in net] == [Dense, Activation, Dense, Activation]
    assert [p.shape for p in net.parameters()] == [(3, 4), (4,), (4, 2), (2,)]
    assert [g.shape for g in net.gradients()] == [(3, 4), (4,), (4, 2), (2,)]
    assert net.parameters()[2] is net[2].W and net.gradients()[3] is net[2].db
    assert len(Sequential([Dense(1, 1), Activation("relu")])) == 2


def test_sequential_zero_grad():
    net = small_net()
    net.forward(np.ones((2, 3)))
    net.backward(np.ones((2, 2)))
    assert any(np.any(g != 0) for g in net.gradients())
    net.zero_grad()
    assert all(np.all(g == 0) for g in net.gradients())


def test_sequential_repr():
    net = Sequential(Dense(2, 4), Activation("tanh"), Dense(4, 1))
    assert repr(net) == "Sequential(Dense(2 → 4), Activation('tanh'), Dense(4 → 1))"


def test_mlp_structure_init_and_seed():
    net = Sequential.mlp([2, 16, 16, 1])
    assert repr(net) == ("Sequential(Dense(2 → 16), Activation('relu'), Dense(16 → 16), "
                         "Activation('relu'), Dense(16 → 1), Activation('identity'))")
    same = Sequential.mlp([2, 16, 16, 1])
    assert all(np.array_equal(p, q) for p, q in zip(net.parameters(), same.parameters()))
    other = Sequential.mlp([2, 16, 16, 1], seed=1)
    assert not np.array_equal(net[0].W, other[0].W)
    assert not np.array_equal(net[0].W[:, :2], net[2].W[:2, :2])  # layers differ
    tanh_net = Sequential.mlp([3, 4, 2], activation="tanh", output_activation=None)
    assert repr(tanh_net) == "Sequential(Dense(3 → 4), Activation('tanh'), Dense(4 → 2))"


def test_sequential_bad_arguments():
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential()
    with pytest.raises(TypeError, match="layer 1 must be a Layer.*got int"):
        Sequential(Dense(2, 2), 3)
    with pytest.raises(ValueError, match="sizes needs at least two widths"):
        Sequential.mlp([3])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be at least 1, got 0"):
        Sequential.mlp([3, 0, 1])
    with pytest.raises(TypeError, match="sizes must be a list of layer widths"):
        Sequential.mlp(3)
    with pytest.raises(ValueError, match="unknown activation 'relu6'"):
        Sequential.mlp([2, 3, 1], activation="relu6")


def test_sequential_mismatched_layer_sizes_are_explained():
    net = Sequential(Dense(2, 3), Activation("relu"), Dense(4, 1))
    with pytest.raises(ValueError, match=r"Dense\(4 → 1\) needs inputs of shape \(N, 4\).*"
                                         "consecutive layers"):
        net.forward(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"X must have 2 column\(s\)"):
        net.forward(np.ones((5, 3)))


def test_inner_layers_let_overflowing_values_through():
    """A diverging network produces inf inside; that must reach the loss, not raise."""
    net = Sequential(Dense.from_weights([[1e200]], [0.0]), Activation("relu"),
                     Dense.from_weights([[1e200]], [0.0]))
    with np.errstate(over="ignore"):
        out = net.forward([[1.0]])
    assert out[0, 0] == np.inf


# ------------------------------------------------------------------ Neuron ---
def test_neuron_and_gate():
    gate = Neuron([1.0, 1.0], -1.5, activation="step")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_allclose(gate.z(X), [-1.5, -0.5, -0.5, 0.5])
    np.testing.assert_array_equal(gate(X), [0.0, 0.0, 0.0, 1.0])


def test_neuron_sigmoid_and_repr():
    neuron = Neuron([0.5, -1.0], 0.2)
    np.testing.assert_allclose(neuron([[2.0, 1.0]]), [0.2])  # identity by default
    assert repr(Neuron([0.5, -1.0], 0.2, "step")) == "Neuron(w=[0.5, -1.0], b=0.2, f=step)"
    np.testing.assert_allclose(Neuron([1.0], 0.0, "sigmoid")([[0.0]]), [0.5])


def test_neuron_bad_arguments():
    with pytest.raises(ValueError, match="weights must be a 1-D array"):
        Neuron([[1.0, 2.0]], 0.0)
    with pytest.raises(ValueError, match="bias must be a single number"):
        Neuron([1.0, 2.0], [0.0, 1.0])
    with pytest.raises(ValueError, match="unknown activation 'softmax'"):
        Neuron([1.0], 0.0, "softmax")
    with pytest.raises(ValueError, match=r"X must have 2 column\(s\)"):
        Neuron([1.0, 2.0], 0.0).z(np.ones((3, 3)))


def test_module_has_the_documented_names():
    for name in ("Layer", "Dense", "Activation", "Sequential", "Neuron"):
        assert hasattr(layers, name)


# ------------------------------------------------------- the unchecked path ---
def test_layer_base_class_is_abstract():
    layer = layers.Layer()
    with pytest.raises(NotImplementedError):
        layer.forward(np.ones((1, 1)))
    with pytest.raises(NotImplementedError):
        layer.backward(np.ones((1, 1)))
    assert layer.parameters() == [] and layer.gradients() == []
    layer.zero_grad()  # nothing to do, and no error


def test_training_backward_skips_only_the_unneeded_input_gradient():
    net = Sequential.mlp([3, 4, 2], activation="tanh", seed=1)
    X, dout = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    net.forward(X)
    dX = net.backward(dout)
    expected = [g.copy() for g in net.gradients()]
    net.zero_grad()
    net._forward(X)
    assert net._backward(dout, input_grad=False) is None
    for got, want in zip(net.gradients(), expected):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(net._backward(dout), dX)


class Doubled(Dense):
    """A reader's subclass that changes forward only."""

    def forward(self, X):
        return 2 * super().forward(X)


class FrozenBias(Dense):
    """A reader's subclass that changes backward only: the bias never learns."""

    def backward(self, dout):
        dX = super().backward(dout)
        self.db[...] = 0.0
        return dX


def test_subclasses_that_redefine_forward_or_backward_are_always_called():
    net = Sequential(Dense(1, 1, seed=0), Doubled(1, 1, seed=1))
    X = np.array([[1.0], [2.0]])
    np.testing.assert_allclose(net.forward(X), 2 * (net[0].forward(X) @ net[1].W + net[1].b))
    model = Sequential(FrozenBias(1, 1, seed=0))
    from nnlib.train import fit
    history = fit(model, X, np.array([[5.0], [7.0]]), lr=0.1, epochs=20)
    assert model[0].b[0] == 0.0 and history.loss[-1] < history.loss[0]
    assert model[0].W[0, 0] != Dense(1, 1, seed=0).W[0, 0]


def test_backward_checks_dout_even_when_it_is_already_float64():
    layer = Dense(2, 3)
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="dout contains NaN or infinity"):
        layer.backward(np.full((4, 3), np.inf))
