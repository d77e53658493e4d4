"""Chapter 4 figures: layers of neurons and the forward pass.

Four knob figures: a small 2-3-1 network whose weights and node values are
drawn as you turn an input or a weight (``forward_pass``); a house-price
network whose hidden units were given meanings by hand (``house_network``);
a 2-2-1 network whose knobs bend its decision surface until it separates XOR
(``xor_by_hand``); and a 784-16-10 digit network's ten probabilities for one
test image (``digit_probabilities``).  The networks themselves are built in
``nnlib.chapters.layers``.
"""
from functools import partial

import numpy as np

from .. import datasets
from ..chapters.layers import (
    DIGIT_SIDE, XOR_LIMITS, XOR_X1_WEIGHT, boundary_segment, digit_network, house_model, house_scaling,
    small_model, xor_model)
from ..knobs import KnobFigure, Slider
from ..metrics import accuracy
from ..plotting import (
    legible_axes,
    CLASS_COLORS, COLORS, draw_network, draw_surface, grid_points, network_style, number,
    readout, scatter_classes, style_axes)

__all__ = ["forward_pass", "house_network", "xor_by_hand", "digit_probabilities"]


def _vector(values, decimals=2):
    """'[ 0.65  −1.10   0.20]': numbers in aligned columns with true minus signs."""
    return "[" + "  ".join(f"{number(round(v, decimals) + 0.0, decimals):>6}" for v in values) + "]"


def _pinned_labels(ax, places):
    """Italic knob names on the edges they control: {name: Text}.

    places: {name: (x, y)}.  The labels go in the figure's moving set so that
    they are drawn above the edges they sit on.
    """
    box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "#888888"}
    return {f"knob {name}": ax.text(x, y, name, ha="center", va="center", fontsize=12,
                                    style="italic", weight="bold", bbox=box, zorder=6)
            for name, (x, y) in places.items()}


# ---------------------------------------------------------------- a small network

SMALL_KNOBS = [
    Slider("x1", "first input", -2.0, 2.0, 1.0, 0.1),
    Slider("x2", "second input", -2.0, 2.0, -0.5, 0.1),
    Slider("w", "weight x1 → h1", -2.0, 2.0, 0.8, 0.1),
    Slider("v", "weight h1 → ŷ", -2.0, 2.0, 1.2, 0.1),
]
SMALL_SETTINGS = (
    {"x1": 0.0},  # try this: x1 turned, the change spreads
    {"x1": 2.0},  # try this: x1 turned the other way
    {"x1": -1.0},  # try this: z1 negative, the relu switches h1 off
    {"x1": -1.0, "v": -1.0},  # try this: with h1 off, v moves nothing
    {"x1": -1.0, "v": 2.0},  # try this: and the other way
    {"w": 1.5},  # try this: w turned with h1 on, one edge thickens
    {"w": 0.0},  # try this: w at zero, its edge vanishes
)


def small_frame(*, x1, x2, w, v):
    """Node values, edge styles and the matrix readout for one input (x1, x2).

    The network runs on a batch of one row, X of shape (1, 2).
    """
    model = small_model(w, v)
    X = np.array([[x1, x2]])
    z = model[0](X)                       # (1, 3)
    h = model[1](z)                       # (1, 3)
    y_hat = model[2](h)                   # (1, 1)
    frame = network_style([model[0].W, model[2].W], [X[0], h[0], y_hat[0]],
                          weight_scale=2.0, activation_scale=2.0)
    frame["readout"] = (f"z = x·W₁ + b₁ = {_vector(z[0])}\n"
                        f"h = relu(z)    = {_vector(h[0])}\n"
                        f"ŷ = h·W₂ + b₂ = {_vector(y_hat[0])}")
    return frame


def draw_small(fig):
    """The 2-3-1 drawing above a readout of z, h and ŷ."""
    ax = fig.add_axes((0.02, 0.36, 0.96, 0.62))
    names = [["x₁", "x₂"], ["h₁", "h₂", "h₃"], ["ŷ"]]
    artists = draw_network(ax, (2, 3, 1), names=names,
                           titles=["input\nlayer", "hidden layer\n(relu)", "output\nlayer"])
    artists.update(_pinned_labels(ax, {"w": (0.38, 0.69), "v": (1.62, 0.38)}))
    text_ax = fig.add_axes((0.0, 0.0, 1.0, 0.17))
    text_ax.set_axis_off()
    artists["readout"] = readout(text_ax, 0.5, 0.55, ha="center", va="center", size=12)
    artists["readout"].set_multialignment("left")
    return artists


def forward_pass():
    """Knobs on both inputs and two weights of a 2-3-1 network; values flow left to right."""
    alt = ("A network with two input nodes, three hidden nodes and one output node, every node "
           "joined to every node of the next layer. Edge colour and thickness show each weight "
           "(blue positive, dashed vermillion negative); node fill and the number inside show its "
           "value for the current input. Below, the vectors z, h and the output ŷ.")
    return KnobFigure(SMALL_KNOBS, draw_small, small_frame, alt=alt, figsize=(7.0, 5.6),
                      settings=SMALL_SETTINGS)


# ---------------------------------------------------------------- house prices

HIDDEN_MEANINGS = ("big house", "luxury\nlocation", "big and\nwell placed")
HOUSE_KNOBS = [
    Slider("size", "floor area in m²", 30, 250, 120, 5, integer=True),
    Slider("location", "score out of 10", 0.0, 10.0, 7.5, 0.25),
    Slider("bedrooms", "how many", 1, 5, 3, 1, integer=True),
    Slider("v", "luxury location → price", 0.0, 200.0, 80.0, 5.0),
]
HOUSE_SETTINGS = (
    {"location": 4.0},  # try this: location below its average, luxury switches off
    {"location": 4.0, "v": 0.0},  # try this: then v no longer matters
    {"location": 4.0, "v": 200.0},  # try this: at either end
    {"size": 200},  # try this: a bigger house in a good location
    {"location": 3.0},  # try this: the same house in a poor location
    {"location": 3.0, "size": 200},  # try this: the bigger one there adds less per square metre
    {"v": 0.0},  # try this: nothing paid for the location on its own
)


def house_frame(*, size, location, bedrooms, v):
    """Node values, edge styles and the price readout for one house."""
    model = house_model(v)
    Z, _, _ = datasets.standardize([[size, location, bedrooms]], *house_scaling())
    hidden = model[1](model[0](Z))
    price = model[2](hidden)
    frame = network_style([model[0].W, model[2].W], [Z[0], hidden[0], price[0]],
                          weight_scale=[2.0, 150.0], activation_scale=[2.0, 3.0, 800.0],
                          decimals=[2, 2, 0])
    frame["readout"] = (f"{size} m², location {location:g}/10, {bedrooms} bedroom"
                        f"{'s' if bedrooms != 1 else ''}\npredicted price: {price[0, 0]:.0f} thousand")
    return frame


def draw_house(fig):
    """The 3-3-1 drawing with named inputs and hidden units, and a price readout."""
    ax = fig.add_axes((0.02, 0.3, 0.96, 0.68))
    names = [["size", "location", "bedrooms"], list(HIDDEN_MEANINGS), ["price"]]
    artists = draw_network(ax, (3, 3, 1), names=names, node_size=1100,
                           titles=["inputs\n(standardized)", "hidden units\n(relu)", "output"])
    artists.update(_pinned_labels(ax, {"v": (1.45, 0.0)}))
    text_ax = fig.add_axes((0.0, 0.0, 1.0, 0.13))
    text_ax.set_axis_off()
    artists["readout"] = readout(text_ax, 0.5, 0.5, ha="center", va="center", size=12)
    return artists


def house_network():
    """Knobs on a house's size, location and bedrooms and on one weight; the price follows."""
    alt = ("A network with three inputs (size, location, bedrooms), three hidden units named big "
           "house, luxury location and big and well placed, and one output, the price. Edge colour "
           "and thickness show the weights, node fill and numbers show the values for the house set "
           "by the knobs, and a box gives the predicted price in thousands.")
    return KnobFigure(HOUSE_KNOBS, draw_house, house_frame, alt=alt, figsize=(7.0, 5.8),
                      settings=HOUSE_SETTINGS)


# ---------------------------------------------------------------- XOR by hand

XOR_KNOBS = [
    Slider("w1", "weight x2 → h1", -6.0, 6.0, 0.0, 0.5),
    Slider("b1", "bias of h1", -6.0, 6.0, 0.0, 0.5),
    Slider("w2", "weight x2 → h2", -6.0, 6.0, 0.0, 0.5),
    Slider("b2", "bias of h2", -6.0, 6.0, 0.0, 0.5),
]
XOR_SETTINGS = (
    {"w1": 4.0, "w2": 4.0},  # both lines tilted along the diagonal, not yet pulled apart
    {"w1": 4.0, "b1": 4.0, "w2": 4.0, "b2": -4.0},  # solution 4.1: every point classified
)
XOR_GRID = 60


def xor_frame(X, y, *, w1, b1, w2, b2):
    """The network's chance of class 1 over the square, its two hidden lines, its accuracy."""
    model = xor_model(w1, b1, w2, b2)
    grid = grid_points(XOR_LIMITS, XOR_LIMITS, XOR_GRID)
    surface = model(grid).reshape(XOR_GRID, XOR_GRID)
    acc = accuracy(model(X), y)
    return {"surface": {"data": surface},
            "line 1": boundary_segment(XOR_X1_WEIGHT, w1, b1),
            "line 2": boundary_segment(XOR_X1_WEIGHT, w2, b2),
            "readout": f"accuracy {acc:.0%}"}


def draw_xor(fig, X, y):
    """Heat map, XOR points and the two hidden units' lines; a key on the right."""
    ax = fig.add_axes((0.1, 0.13, 0.5, 0.82))
    style_axes(ax, xlabel="x₁", ylabel="x₂", grid=False)
    surface = draw_surface(ax, XOR_LIMITS, XOR_LIMITS, XOR_GRID)
    surface.set_alpha(0.7)  # lighter, so blue points stand out on the blue side
    dots = scatter_classes(ax, X, y, size=24, labels=["class 0", "class 1"])
    for dot in dots:
        dot.set_edgecolor("#222222")
    (line1,) = ax.plot([], [], "--", color=COLORS["black"], linewidth=2, label="h₁ = 0.5")
    (line2,) = ax.plot([], [], ":", color=COLORS["black"], linewidth=2.4, label="h₂ = 0.5")
    ax.set_xlim(*XOR_LIMITS)
    ax.set_ylim(*XOR_LIMITS)
    ax.legend(handles=[*dots, line1, line2], loc="upper left", bbox_to_anchor=(1.04, 1.0),
              fontsize=12, frameon=False)
    fig.text(0.63, 0.42, "h₁ = σ(4·x₁ + w₁·x₂ + b₁)\nh₂ = σ(4·x₁ + w₂·x₂ + b₂)\n"
             "ŷ = σ(6·h₁ − 6·h₂ − 3)\n\ncolour: ŷ, the chance\nof class 1",
             fontsize=12, va="top", family="DejaVu Sans Mono")
    artists = {"surface": surface, "line 1": line1, "line 2": line2, "readout": readout(ax)}
    artists.update({f"class {k}": dot for k, dot in enumerate(dots)})  # drawn above the surface
    return artists


def xor_by_hand(X=None, y=None):
    """Four knobs of a 2-2-1 network bend its decision surface over the XOR points.

    X: (N, 2), y: (N,) labels; defaults to ``datasets.xor()``.
    """
    if X is None:
        X, y = datasets.xor()
    alt = ("Heat map over the plane of a small network's chance that a point is class 1 (orange) "
           "or class 0 (blue), with the four clouds of XOR points on top and two dashed lines where "
           "each hidden unit switches; a box gives the accuracy on the points.")
    return KnobFigure(XOR_KNOBS, partial(draw_xor, X=X, y=y), partial(xor_frame, X, y),
                      alt=alt, figsize=(7.0, 4.2), settings=XOR_SETTINGS)


# ---------------------------------------------------------------- digits

DIGIT_IMAGES_SHOWN = 60
DIGIT_SETTINGS = (
    {"i": 21},  # one of the misread test images
    {"i": 59},  # the last of the sixty images the knob reaches
)


def digit_frame(*, i):
    """Test image i, the network's ten probabilities as bars, and its verdict."""
    net = digit_network()
    probs = net.model(net.X_test[i:i + 1])[0]
    label, guess = int(net.y_test[i]), int(probs.argmax())
    frame = {"image": {"data": net.X_test[i].reshape(DIGIT_SIDE, DIGIT_SIDE)}}
    for k, p in enumerate(probs):
        colour = CLASS_COLORS[1] if k == label else CLASS_COLORS[0]
        frame[f"bar {k}"] = {"height": p, "facecolor": colour}
    verdict = "" if guess == label else ": a mistake"
    frame["readout"] = (f"true digit: {label} (orange bar)\n"
                        f"network says: {guess}, p = {probs[guess]:.3f}{verdict}")
    return frame


def draw_digits(fig):
    """The 28×28 picture on the left, ten probability bars on the right."""
    image_ax = fig.add_axes((0.02, 0.14, 0.34, 0.74))
    image_ax.set_axis_off()
    image_ax.set_title("what the network sees\n(28×28, upscaled from 8×8)", fontsize=12)
    image = image_ax.imshow(np.zeros((DIGIT_SIDE, DIGIT_SIDE)), cmap="gray_r", vmin=0, vmax=1,
                            interpolation="nearest")
    ax = fig.add_axes((0.46, 0.14, 0.51, 0.72))
    style_axes(ax, xlabel="digit", ylabel="probability", title="softmax output")
    ax.set_xlim(-0.6, 9.6)
    ax.set_ylim(0, 1.4)  # room for the readout above the bars
    ax.spines["left"].set_bounds(0, 1)
    ax.set_xticks(range(10))
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    bars = ax.bar(range(10), np.zeros(10), width=0.7, color=CLASS_COLORS[0])
    artists = {f"bar {k}": bar for k, bar in enumerate(bars)}
    artists.update({"image": image, "readout": readout(ax, 0.03, 0.97, size=12)})
    return artists


def digit_probabilities():
    """Pick a test image; a trained 784-16-10 network gives ten probabilities."""
    knobs = [Slider("i", "which test image", 0, DIGIT_IMAGES_SHOWN - 1, 0, 1, integer=True)]
    alt = ("Left, a handwritten digit as a 28 by 28 grey picture; right, ten bars giving the "
           "probability the network assigns to each digit 0 to 9, the bar of the true digit in "
           "orange, and a box with the true digit and the network's answer.")
    return KnobFigure(knobs, draw_digits, digit_frame, alt=alt, figsize=(7.0, 3.6), settings=DIGIT_SETTINGS)


# ---------------------------------------------------------------- static figures

@legible_axes
def draw_layers(ax, sizes=(3, 4, 4, 2)):
    """The plain shape of a dense network: named layers, every node joined to the next layer.

    ax: a matplotlib axes.  sizes: nodes per layer.  Returns the artists of draw_network.
    """
    titles = ["input layer"] + [f"hidden layer {l}" for l in range(1, len(sizes) - 1)] + ["output layer"]
    names = ([[f"x{_subscript(i + 1)}" for i in range(sizes[0])]] + [None] * (len(sizes) - 2)
             + [[f"ŷ{_subscript(i + 1)}" for i in range(sizes[-1])]])
    return draw_network(ax, sizes, names=names, titles=titles, key=False)


def _subscript(n):
    """12 -> '₁₂'."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


@legible_axes
def draw_upscaling(axes, i=0):
    """Test digit i as stored (8×8) and as the network sees it (28×28). Returns the images."""
    net = digit_network()
    pictures = [(net.small_test[i], "as stored: 8×8 pixels"),
                (net.X_test[i].reshape(DIGIT_SIDE, DIGIT_SIDE), "upscaled: 28×28 pixels")]
    shown = []
    for ax, (picture, title) in zip(axes, pictures):
        shown.append(ax.imshow(picture, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"))
        ax.set_title(title, fontsize=12)
        ax.set_xticks([])
        ax.set_yticks([])
    return shown
