"""Chapter 3: the pictures show what the maths says, and the exercises answer helpfully."""
import numpy as np
import pytest
from matplotlib.figure import Figure

from nnlib import datasets
from nnlib.chapters import activations as chapter
from nnlib.exercises import activations as exercises
from nnlib.figures import activations as figures


def line_data(knob_figure, name):
    drawn = knob_figure.artists[name]
    return np.asarray(drawn.get_xdata(), float), np.asarray(drawn.get_ydata(), float)


# ------------------------------------------------------------ stacked lines ---
@pytest.fixture(scope="module")
def stacked():
    return figures.stacked_lines()


@pytest.mark.parametrize("w1, b1, w2, b2", [(1.5, -0.5, -0.8, 1.0), (-2.0, 2.0, 2.0, -2.0),
                                            (0.0, 1.3, 0.7, -0.4), (0.3, -1.1, 0.0, 0.9)])
def test_two_linear_layers_are_one_line(stacked, w1, b1, w2, b2):
    stacked.set(w1=w1, b1=b1, w2=w2, b2=b2, f="identity")
    x, composed = line_data(stacked, "composed")
    _, single = line_data(stacked, "single")
    _, hidden = line_data(stacked, "hidden")
    assert np.allclose(hidden, w1 * x + b1)
    assert np.allclose(composed, w2 * (w1 * x + b1) + b2)
    assert np.allclose(single, (w2 * w1) * x + (w2 * b1 + b2))
    assert np.allclose(composed, single)
    text = stacked.artists["readout"].get_text()
    assert f"w₂·w₁ = {figures.number(w2 * w1)}" in text
    assert f"w₂·b₁ + b₂ = {figures.number(w2 * b1 + b2)}" in text
    assert "largest gap: 0.00" in text and "one line" in text


def test_a_nonlinearity_between_the_layers_breaks_the_line(stacked):
    stacked.set(w1=1.5, b1=0.5, w2=-0.8, b2=1.0, f="relu")
    x, composed = line_data(stacked, "composed")
    _, single = line_data(stacked, "single")
    assert np.allclose(composed, -0.8 * np.maximum(1.5 * x + 0.5, 0) + 1.0)
    assert np.abs(composed - single).max() > 4.0
    assert "no longer a line" in stacked.artists["readout"].get_text()
    stacked.set(w1=0.0, b1=1.0)  # h = 1 > 0 everywhere: relu lets it all through
    assert "while every h > 0" in stacked.artists["readout"].get_text()
    stacked.set(w1=1.0, b1=0.0, f="tanh")
    assert np.allclose(line_data(stacked, "composed")[1], -0.8 * np.tanh(x) + 1.0)
    stacked.set(w1=1.5, b1=-0.5, f="identity")


# ----------------------------------------------------------------- explorer ---
FORMULAS = {
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    "leaky_relu": (lambda z: np.where(z > 0, z, chapter.LEAK * z),
                   lambda z: np.where(z > 0, 1.0, chapter.LEAK)),
    "step": (lambda z: (z >= 0) * 1.0, lambda z: 0 * z),
    "identity": (lambda z: z, lambda z: 1 + 0 * z),
}


@pytest.fixture(scope="module")
def explorer():
    return figures.activation_explorer()


@pytest.mark.parametrize("name", list(FORMULAS))
@pytest.mark.parametrize("w, b", [(1.0, 0.0), (-2.5, 1.6), (0.4, -4.0)])
def test_explorer_draws_f_and_its_slope(explorer, name, w, b):
    explorer.set(f=name, w=w, b=b)
    f, df = FORMULAS[name]
    x, out = line_data(explorer, "curve")
    z = w * x + b
    assert np.allclose(out, f(z))
    assert np.allclose(line_data(explorer, "slope")[1], df(z))
    assert np.allclose(line_data(explorer, "reference")[1], f(x))
    text = explorer.artists["readout"].get_text()
    formula, span, derivative = figures.FACTS[name]
    assert formula in text and f"range {span}" in text and derivative in text
    bend_x, _ = line_data(explorer, "bend_top")
    assert np.allclose(bend_x, -b / w)


def test_explorer_numeric_slope_matches_the_drawn_slope(explorer):
    """The bottom panel is the derivative of the top one (chain rule: d/dx f(wx+b) = w f'(z))."""
    for name in ("sigmoid", "tanh"):
        explorer.set(f=name, w=1.7, b=0.4)
        x, out = line_data(explorer, "curve")
        numeric = np.gradient(out, x)
        assert np.allclose(numeric, 1.7 * line_data(explorer, "slope")[1], atol=1e-3)


def test_explorer_without_weight_has_no_bend(explorer):
    explorer.set(f="sigmoid", w=0.0, b=1.0)
    assert len(line_data(explorer, "bend_top")[0]) == 0
    assert np.allclose(line_data(explorer, "curve")[1], 1 / (1 + np.exp(-1.0)))
    assert "w = 0" in explorer.artists["readout"].get_text()
    explorer.set(f="sigmoid", w=1.0, b=0.0)
    assert "x = −b/w = 0.00" in explorer.artists["readout"].get_text()  # never "-0.00"


def test_gallery_draws_every_function():
    axes = Figure().subplots(2, 3)
    lines = figures.draw_gallery(axes)
    assert len(lines) == 12
    for ax, name in zip(axes.ravel(), figures.NAMES):
        assert ax.get_title().startswith(name)


# -------------------------------------------------------- vanishing gradient ---
@pytest.fixture(scope="module")
def vanishing():
    return figures.vanishing_gradient()


@pytest.mark.parametrize("z, depth", [(0.0, 10), (1.0, 1), (-2.0, 30), (3.5, 7)])
def test_products_of_slopes(vanishing, z, depth):
    vanishing.set(z=z, depth=depth)
    sig_slope = np.exp(-z) / (1 + np.exp(-z)) ** 2
    layers, sig = line_data(vanishing, "sigmoid_chain")
    assert np.array_equal(layers, np.arange(1, depth + 1))
    assert np.allclose(sig, sig_slope ** layers, rtol=1e-9)
    assert np.all(sig <= 0.25 ** layers * (1 + 1e-12))  # never better than the best case
    _, tanh = line_data(vanishing, "tanh_chain")
    assert np.allclose(tanh, (1 / np.cosh(z) ** 2) ** layers, rtol=1e-9)
    _, relu = line_data(vanishing, "relu_chain")
    assert np.allclose(relu, 1.0 if z > 0 else figures.FLOOR)
    dot_x, dot_y = line_data(vanishing, "sigmoid_dot")
    assert dot_x[0] == z and np.isclose(dot_y[0], sig_slope)
    text = vanishing.artists["readout"].get_text()
    assert f"after {depth} layer" in text and figures.power(sig_slope ** depth) in text


def test_sigmoid_best_case_is_a_quarter_per_layer(vanishing):
    vanishing.set(z=0.0, depth=10)
    _, sig = line_data(vanishing, "sigmoid_chain")
    assert np.isclose(sig[-1], 0.25 ** 10)
    text = vanishing.artists["readout"].get_text()
    assert "0.250¹⁰ = 9.5 × 10⁻⁷" in text and "relu: 0.000¹⁰ = 0 (no signal)" in text
    vanishing.set(z=1.0, depth=10)


def test_power_text():
    assert figures.power(0.25) == "0.25"
    assert figures.power(0.25 ** 10) == "9.5 × 10⁻⁷"
    assert figures.power(1.0) == "1"
    assert figures.power(0.0) == "0 (no signal)"


def test_real_network_gradients_vanish_with_sigmoid_only():
    sig = chapter.layer_gradients("sigmoid")
    relu = chapter.layer_gradients("relu")
    assert len(sig) == len(relu) == 11
    assert sig[0] < 1e-4 * sig[-1]  # the first layer gets almost nothing
    assert relu[0] > 1e-2 * relu[-1]
    ax = Figure().subplots()
    assert len(figures.draw_layer_gradients(ax)) == 3 and ax.get_yscale() == "log"


# ------------------------------------------------------------------ softmax ---
@pytest.fixture(scope="module")
def softmax():
    return figures.softmax_bars()


def bar_heights(knob_figure, kind):
    return np.array([knob_figure.artists[f"{kind}{k}"].get_height() for k in range(3)])


@pytest.mark.parametrize("z, T", [((2.0, 1.0, 0.0), 1.0), ((-4.0, 4.0, 0.2), 0.1),
                                  ((3.0, 3.0, -1.0), 5.0), ((0.0, 0.0, 0.0), 2.3)])
def test_softmax_bars_are_probabilities(softmax, z, T):
    softmax.set(z1=z[0], z2=z[1], z3=z[2], T=T)
    scaled = np.array(z) / T
    expected = np.exp(scaled - scaled.max()) / np.exp(scaled - scaled.max()).sum()
    probs = bar_heights(softmax, "prob")
    assert np.allclose(probs, expected) and np.isclose(probs.sum(), 1.0)
    assert np.allclose(bar_heights(softmax, "score"), z)
    assert "sum of p = 1.000" in softmax.artists["readout"].get_text()
    assert softmax.artists["prob_label0"].get_text() == f"{expected[0]:.3f}"


def test_temperature_sharpens_and_flattens(softmax):
    softmax.set(z1=2.0, z2=1.0, z3=0.0, T=0.1)
    assert bar_heights(softmax, "prob")[0] > 0.9999
    softmax.set(T=5.0)
    assert np.ptp(bar_heights(softmax, "prob")) < 0.15
    base = bar_heights(softmax.set(T=1.0), "prob")
    shifted = bar_heights(softmax.set(z1=3.0, z2=2.0, z3=1.0), "prob")  # same gaps, one higher
    assert np.allclose(base, shifted)
    softmax.set(z1=2.0, z2=1.0, z3=0.0)


# -------------------------------------------------------------- hidden bump ---
@pytest.fixture(scope="module")
def bump():
    return figures.hidden_bump()


GOOD = {"f": "tanh", "w1": 1.6, "b1": 1.0, "w2": 1.6, "b2": -1.0, "v1": 0.7, "v2": -0.7}


@pytest.mark.parametrize("knobs", [GOOD, dict(GOOD, f="relu"), dict(GOOD, w1=-4.0, v2=1.5, b2=4.0)])
def test_bump_curves_follow_the_knobs(bump, knobs):
    bump.set(**knobs)
    f = np.tanh if knobs["f"] == "tanh" else (lambda z: np.maximum(z, 0))
    x, out = line_data(bump, "output")
    unit1 = knobs["v1"] * f(knobs["w1"] * x + knobs["b1"])
    unit2 = knobs["v2"] * f(knobs["w2"] * x + knobs["b2"])
    assert np.allclose(line_data(bump, "unit1")[1], unit1)
    assert np.allclose(line_data(bump, "unit2")[1], unit2)
    assert np.allclose(out, unit1 + unit2)
    X, y = datasets.bump_points()
    mse = np.mean((knobs["v1"] * f(knobs["w1"] * X + knobs["b1"])
                   + knobs["v2"] * f(knobs["w2"] * X + knobs["b2"]) - y) ** 2)
    assert f"MSE = {mse:.4f}" in bump.artists["readout"].get_text()


def test_two_units_beat_every_straight_line(bump):
    X, y = datasets.bump_points()
    w, b, line_mse = chapter.best_line(X, y)
    assert np.isclose(line_mse, np.mean((w * X + b - y) ** 2))
    assert line_mse > 0.1
    assert chapter.bump_mse(X, y, **GOOD) < 0.01
    assert f"best straight line: {line_mse:.4f}" in bump.artists["readout"].get_text()


# ---------------------------------------------------------------- exercises ---
def test_collapse_exercise():
    assert exercises.check_collapse(-3, 2).ok and exercises.check_collapse("-3", 2.0).ok
    assert "multiply" in exercises.check_collapse(0.5, 2).message      # w1 + w2
    assert "w₂" in exercises.check_collapse(-3, -0.5).message          # b1 + b2
    assert "two parts" in exercises.check_collapse(-3, 1.5).message    # w2·b1 alone
    assert "two parts" in exercises.check_collapse(-3, 0.5).message    # b2 alone
    assert "x = 0" in exercises.check_collapse(-3, 1).message
    assert "collect the terms" in exercises.check_collapse(2, 2).message
    assert "replace None" in exercises.check_collapse(None, None).message
    for bad in ("abc", [1, 2], float("inf")):
        verdict = exercises.check_collapse(bad, 1)
        assert not verdict.ok and "could not read" in verdict.message
    knobs = exercises.STACK
    stacked = figures.stacked_lines().set(**knobs)  # the exercise's layers fit the figure's knobs
    assert f"one layer:  y = {figures.number(-3.0)}·x + 2.00" in stacked.artists["readout"].get_text()


def test_depth_exercise():
    assert exercises.check_depth(5).ok and exercises.check_depth(5.0).ok
    assert "Keep multiplying" in exercises.check_depth(4).message
    assert "first number" in exercises.check_depth(8).message
    assert "whole number" in exercises.check_depth(2.5).message
    assert "whole number" in exercises.check_depth(0).message
    assert "replace None" in exercises.check_depth(None).message
    assert "could not read" in exercises.check_depth("five").message


def test_softmax_exercise():
    assert exercises.check_softmax(0.844).ok
    assert "divided by the sum" in exercises.check_softmax(0.75).message
    assert "on its own" in exercises.check_softmax(np.exp(3)).message
    assert "between 0 and 1" in exercises.check_softmax(1.5).message
    assert not exercises.check_softmax(0.3).ok
    assert "replace None" in exercises.check_softmax(None).message
    assert "could not read" in exercises.check_softmax("banana").message


def test_bump_exercise(bump):
    assert exercises.check_bump(GOOD).ok
    defaults = {name: knob.default for name, knob in bump.knobs.items()}
    assert "flip the sign" in exercises.check_bump(defaults).message
    assert "switch f to tanh" in exercises.check_bump(dict(GOOD, f="relu")).message
    assert "dip" in exercises.check_bump(dict(GOOD, b1=-1.0, b2=1.0)).message
    assert "−b/w" in exercises.check_bump(dict(GOOD, b1=-2.0, b2=-4.0)).message
    assert "steeper" in exercises.check_bump(dict(defaults, v2=-0.5)).message
    assert exercises.check_bump(dict(bump.set(**GOOD).values)).ok
    for bad in (None, {}, dict(GOOD, f="sigmoid"), dict(GOOD, w1="a"), [1, 2]):
        verdict = exercises.check_bump(bad)
        assert not verdict.ok and "could not read" in verdict.message
    bump.set(**defaults)
