"""Chapter 4: the pictures show what the forward pass computes, and the exercises check it."""
import time

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import nnlib
from nnlib import datasets, plotting
from nnlib.chapters import layers as chapter
from nnlib.exercises import layers as exercises
from nnlib.figures import layers


def relu(z):
    return np.maximum(z, 0.0)


def edge_widths(knob_figure):
    return np.asarray(knob_figure.artists["edges"].get_linewidths())


# ---------------------------------------------------------------- the small network

@pytest.fixture(scope="module")
def small():
    return layers.forward_pass()


@pytest.mark.parametrize("x1, x2, w, v", [(1.0, -0.5, 0.8, 1.2), (-2.0, 2.0, -2.0, 2.0),
                                          (0.0, 0.0, 0.0, 0.0), (1.5, 0.3, -0.7, -1.1)])
def test_small_network_nodes_show_the_forward_pass(small, x1, x2, w, v):
    small.set(x1=x1, x2=x2, w=w, v=v)
    W1, W2 = chapter.SMALL_W1.copy(), chapter.SMALL_W2.copy()
    W1[0, 0], W2[0, 0] = w, v
    z = np.array([x1, x2]) @ W1 + chapter.SMALL_B1
    h = relu(z)
    y_hat = h @ W2 + chapter.SMALL_B2
    shown = [small.artists[f"value {l}.{i}"].get_text() for l, n in enumerate((2, 3, 1))
             for i in range(n)]
    expected = [plotting.number(round(val, 2) + 0.0) for val in [x1, x2, *h, *y_hat]]
    assert shown == expected
    text = small.artists["readout"].get_text()
    assert text.splitlines()[2].endswith(layers._vector(y_hat) )
    assert layers._vector(z) in text and layers._vector(h) in text
    # the knob weights are edge 0 (x1 -> h1) and edge 6 (h1 -> y_hat)
    colours = small.artists["edges"].get_colors()
    for k, weight in ((0, w), (6, v)):
        if weight:
            blue = plotting._hex_rgb(plotting.COLORS["blue" if weight > 0 else "vermillion"])
            np.testing.assert_allclose(colours[k, :3], blue)


def test_turning_a_weight_thickens_only_its_edge(small):
    small.set(w=0.2, v=0.5)
    thin = edge_widths(small)
    small.set(w=-1.8)
    thick = edge_widths(small)
    assert thick[0] > thin[0]
    np.testing.assert_allclose(np.delete(thick, 0), np.delete(thin, 0))


def test_small_model_is_an_nnlib_network():
    model = chapter.small_model(w=0.3, v=-0.4)
    assert [type(layer).__name__ for layer in model] == ["Dense", "Activation", "Dense"]
    assert model[0].W[0, 0] == 0.3 and model[2].W[0, 0] == -0.4
    assert model(np.zeros((5, 2))).shape == (5, 1)


# ---------------------------------------------------------------- house prices

def test_house_price_readout_matches_the_model():
    fig = layers.house_network()
    for size, location, bedrooms, v in [(120, 7.5, 3, 80.0), (250, 10.0, 5, 0.0), (30, 0.0, 1, 200.0)]:
        fig.set(size=size, location=location, bedrooms=bedrooms, v=v)
        price = chapter.house_price([[size, location, bedrooms]], v)[0, 0]
        assert f"predicted price: {price:.0f} thousand" in fig.artists["readout"].get_text()
        assert fig.artists["value 2.0"].get_text() == plotting.number(round(price) + 0.0, 0)


def test_house_inputs_are_standardized_like_the_data():
    X, _ = datasets.house_prices()
    mean, std = chapter.house_scaling()
    Z, _, _ = datasets.standardize(X)
    np.testing.assert_allclose((X - mean) / std, Z)
    fig = layers.house_network()
    fig.set(size=int(round(mean[0] / 5) * 5))
    assert abs(float(fig.artists["value 0.0"].get_text().replace("−", "-"))) < 0.1


def hidden(size, location, bedrooms):
    Z, _, _ = datasets.standardize([[size, location, bedrooms]], *chapter.house_scaling())
    return relu(Z @ chapter.HOUSE_W1 + chapter.HOUSE_B1)[0]


def test_hidden_units_mean_what_their_names_say():
    big, lux, both = 0, 1, 2
    assert hidden(220, 5, 4)[big] > hidden(60, 5, 1)[big]
    assert hidden(120, 3, 3)[lux] == 0 < hidden(120, 9, 3)[lux]          # off below average
    assert hidden(120, 9, 3)[lux] == hidden(240, 9, 5)[lux]                # size plays no part
    assert hidden(60, 9, 1)[both] < hidden(220, 9, 4)[both]
    assert hidden(220, 1, 4)[both] < hidden(220, 9, 4)[both]
    assert hidden(50, 1, 1)[both] == 0


def test_v_knob_adds_v_per_unit_of_luxury():
    house = [[150, 8.0, 3]]
    lux = hidden(150, 8.0, 3)[1]
    gain = chapter.house_price(house, 150.0) - chapter.house_price(house, 50.0)
    assert np.isclose(gain[0, 0], 100.0 * lux)


def test_house_output_weights_are_the_rounded_least_squares_fit():
    X, y = datasets.house_prices()
    Z, _, _ = datasets.standardize(X)
    H = relu(Z @ chapter.HOUSE_W1 + chapter.HOUSE_B1)
    A = np.column_stack([H, np.ones(len(H))])
    best, *_ = np.linalg.lstsq(A, y[:, 0], rcond=None)
    ours = np.r_[chapter.HOUSE_W2[:, 0], chapter.HOUSE_B2]
    np.testing.assert_allclose(ours, best, atol=2.5)  # rounded to multiples of 5
    assert np.all(ours % 5 == 0)
    # ... and the hand-made network beats the best straight-line (linear) model
    linear = np.column_stack([Z, np.ones(len(Z))])
    line_fit, *_ = np.linalg.lstsq(linear, y[:, 0], rcond=None)
    network_error = np.abs(chapter.house_price(X) - y).mean()
    linear_error = np.abs(linear @ line_fit - y[:, 0]).mean()
    assert network_error < 35 < 45 < linear_error


# ---------------------------------------------------------------- XOR by hand

@pytest.fixture(scope="module")
def xor_figure():
    return layers.xor_by_hand()


def test_xor_surface_is_the_networks_output_on_the_grid(xor_figure):
    xor_figure.set(w1=2.0, b1=3.0, w2=-1.0, b2=-2.5)
    grid = plotting.grid_points(chapter.XOR_LIMITS, chapter.XOR_LIMITS, layers.XOR_GRID)
    h = 1 / (1 + np.exp(-(grid @ np.array([[4.0, 4.0], [2.0, -1.0]]) + [3.0, -2.5])))
    p = 1 / (1 + np.exp(-(h @ [6.0, -6.0] - 3.0)))
    image = np.asarray(xor_figure.artists["surface"].get_array())
    np.testing.assert_allclose(image, p.reshape(layers.XOR_GRID, layers.XOR_GRID))


@pytest.mark.parametrize("knobs, accuracy", [({"w1": 0.0, "b1": 0.0, "w2": 0.0, "b2": 0.0}, "50%"),
                                             ({"w1": 4.0, "b1": 4.0, "w2": 4.0, "b2": -4.0}, "100%")])
def test_xor_accuracy_readout(xor_figure, knobs, accuracy):
    xor_figure.set(**knobs)
    assert xor_figure.artists["readout"].get_text() == f"accuracy {accuracy}"


def test_xor_lines_are_where_each_hidden_unit_is_one_half(xor_figure):
    xor_figure.set(w1=3.0, b1=2.5, w2=0.0, b2=-2.0)
    xs, ys = xor_figure.artists["line 1"].get_data()
    np.testing.assert_allclose(4 * np.asarray(xs) + 3.0 * np.asarray(ys) + 2.5, 0.0, atol=1e-12)
    xs, ys = xor_figure.artists["line 2"].get_data()
    np.testing.assert_allclose(xs, [0.5, 0.5])                  # w2 = 0: the line x1 = 0.5
    model = chapter.xor_model(3.0, 2.5, 0.0, -2.0)
    hidden_units = model[:2](np.column_stack([xs, ys]))
    np.testing.assert_allclose(hidden_units[:, 1], 0.5)


def test_boundary_segment_cases():
    xs, ys = chapter.boundary_segment(1.0, 0.0, -1.0)
    np.testing.assert_allclose(xs, [1.0, 1.0])
    xs, ys = chapter.boundary_segment(0.0, 2.0, 1.0)
    np.testing.assert_allclose(ys, [-0.5, -0.5])
    assert np.isnan(chapter.boundary_segment(0.0, 0.0, 1.0)[0]).all()


# ---------------------------------------------------------------- digits

@pytest.fixture(scope="module")
def digits():
    start = time.perf_counter()
    net = chapter.digit_network()
    return net, time.perf_counter() - start


def test_digit_network_shapes_and_accuracy(digits):
    net, _ = digits
    assert net.X_test.shape == (len(net.y_test), 784) and net.small_test.shape[1:] == (8, 8)
    X = net.X_test[:3]
    shapes = []
    for layer in net.model:
        X = layer(X)
        shapes.append(X.shape)
    assert shapes == [(3, 16), (3, 16), (3, 10), (3, 10)]
    np.testing.assert_allclose(X.sum(axis=1), 1.0)
    assert net.test_accuracy > 0.93
    assert chapter.digit_network() is net                      # cached: trained once


def test_digit_network_is_small_and_quick(digits):
    net, seconds = digits
    n_params = sum(p.size for p in net.model.parameters())
    assert n_params == 784 * 16 + 16 + 16 * 10 + 10
    assert seconds < 10  # about 0.3 s alone; generous for a busy test machine


def test_upscaled_test_images_are_their_8x8_originals(digits):
    net, _ = digits
    for i in (0, 7):
        big = datasets.upsample(net.small_test[i], 28)
        np.testing.assert_allclose(net.X_test[i], big.ravel())


@pytest.mark.parametrize("i", [0, 21, 59])
def test_digit_bars_are_the_probabilities(digits, i):
    net, _ = digits
    fig = layers.digit_probabilities().set(i=i)
    probs = net.model(net.X_test[i:i + 1])[0]
    heights = [fig.artists[f"bar {k}"].get_height() for k in range(10)]
    np.testing.assert_allclose(heights, probs)
    label = net.y_test[i]
    orange = plotting._hex_rgb(plotting.CLASS_COLORS[1])
    np.testing.assert_allclose(fig.artists[f"bar {label}"].get_facecolor()[:3], orange)
    text = fig.artists["readout"].get_text()
    assert f"true digit: {label}" in text and f"network says: {probs.argmax()}" in text
    assert ("mistake" in text) == (probs.argmax() != label)
    np.testing.assert_allclose(fig.artists["image"].get_array(), net.X_test[i].reshape(28, 28))


# ---------------------------------------------------------------- static figures

def test_static_drawings():
    fig = Figure()
    artists = layers.draw_layers(fig.add_subplot())
    assert len(artists["edges"].get_segments()) == 3 * 4 + 4 * 4 + 4 * 2
    assert artists["name 0.2"].get_text() == "x₃" and artists["name 3.1"].get_text() == "ŷ₂"
    shown = layers.draw_upscaling([fig.add_subplot(1, 2, k) for k in (1, 2)], i=3)
    assert shown[0].get_array().shape == (8, 8) and shown[1].get_array().shape == (28, 28)
    FigureCanvasAgg(fig).draw()


# ---------------------------------------------------------------- exercises

def test_parameter_count_exercise():
    assert exercises.parameter_count((784, 128, 10)) == 101_770
    assert sum(p.size for p in nnlib.Sequential.mlp((784, 128, 10)).parameters()) == 101_770
    assert exercises.check_parameter_count(101_770).ok
    assert exercises.check_parameter_count(np.int64(101_770)).ok
    assert "replace None" in exercises.check_parameter_count(None).message
    for wrong, hint in [(101_632, "bias"), (102_554, "input layer has no biases"),
                        (922, "neurons"), (784 * 128 * 10, "neighbouring"),
                        (100_480, "second layer"), (7, "D·M")]:
        verdict = exercises.check_parameter_count(wrong)
        assert not verdict.ok and hint in verdict.message, verdict
    for bad in ("abc", [1, 2], float("nan"), True):
        verdict = exercises.check_parameter_count(bad)
        assert not verdict.ok and "could not read" in verdict.message


def test_output_shape_exercise():
    assert nnlib.Dense(784, 128)(np.zeros((32, 784))).shape == (32, 128)
    for right in [(32, 128), [32, 128], "(32, 128)", np.array([32, 128]), (32.0, 128)]:
        assert exercises.check_output_shape(right).ok
    for wrong, hint in [((128, 32), "batch comes first"), ((784, 128), "weight matrix"),
                        ((32, 784), "input X"), ((128,), "bias"), ((1, 128), "batch of one"),
                        ((2, 3), "inner sizes")]:
        verdict = exercises.check_output_shape(wrong)
        assert not verdict.ok and hint in verdict.message, verdict
    assert "replace None" in exercises.check_output_shape(None).message
    for bad in ("shape", (0, 5), (1.5, 2), [], {"a": 1}):
        verdict = exercises.check_output_shape(bad)
        assert not verdict.ok and "could not read" in verdict.message, verdict


def test_forward_by_hand_exercise():
    model = nnlib.Sequential(nnlib.Dense.from_weights(exercises.HAND_W1, exercises.HAND_B1),
                             nnlib.Activation("relu"),
                             nnlib.Dense.from_weights(exercises.HAND_W2, exercises.HAND_B2))
    assert model(exercises.HAND_X)[0, 0] == exercises.hand_forward()[0, 0] == 4.0
    assert exercises.check_forward(4).ok and exercises.check_forward(np.array([[4.0]])).ok
    for wrong, hint in [(1, "relu"), (7, "column j"), (5, "output bias"), (3, "two steps")]:
        verdict = exercises.check_forward(wrong)
        assert not verdict.ok and hint in verdict.message, verdict
    assert "replace None" in exercises.check_forward(None).message
    assert "could not read" in exercises.check_forward("four").message


def test_xor_exercise():
    assert exercises.check_xor(4, 4, 4, -4).ok
    assert exercises.check_xor(3.0, 3.0, 3.0, -3.0).ok
    assert "tilt" in exercises.check_xor(0, 0, 0, 0).message
    assert "raise b₁" in exercises.check_xor(4, -4, 4, 4).message
    assert "apart" in exercises.check_xor(3, 1, 3, -1).message
    assert "could not read" in exercises.check_xor("a", 0, 0, 0).message
    assert "Well done" in exercises.check_xor(4, 4, 4, -4)._repr_html_()
