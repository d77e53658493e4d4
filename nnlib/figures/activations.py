"""Chapter 3 figures: activation functions, and why a network needs them.

Five knob figures (each a factory in ``__all__``):

- ``stacked_lines``: two linear layers in a row are one linear layer, unless a
  nonlinearity sits between them;
- ``activation_explorer``: f(w·x + b) and its slope for the common functions;
- ``vanishing_gradient``: slopes multiply through a deep stack, and sigmoid's are small;
- ``softmax_bars``: three scores become probabilities that add up to 1, with a temperature;
- ``hidden_bump``: two hidden units bend a line into a bump that no line can fit.

Plus two static drawings for the chapter: ``draw_gallery`` (all six functions and
their slopes) and ``draw_layer_gradients`` (gradient size per layer in a real deep
network at its first step).
"""
from functools import partial

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .. import activations, datasets
from ..chapters.activations import (
    LEAK, best_line, bump_mse, chain_factor, collapse, evaluate, hidden_output, layer_gradients)
from ..knobs import Choice, KnobFigure, Slider
from ..plotting import COLORS, number, readout, signed, style_axes, legible_axes

__all__ = ["stacked_lines", "activation_explorer", "vanishing_gradient", "softmax_bars", "hidden_bump"]

GREY = "#999999"

# name: (formula, range, derivative) as the readouts print them
FACTS = {
    "sigmoid": ("σ(z) = 1 / (1 + e⁻ᶻ)", "(0, 1)", "σ′(z) = σ(z)·(1 − σ(z)) ≤ 0.25"),
    "tanh": ("tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)", "(−1, 1)",
             "tanh′(z) = 1 − tanh(z)² ≤ 1"),
    "relu": ("relu(z) = max(0, z)", "[0, ∞)", "relu′(z) = 1 if z > 0, else 0"),
    "leaky_relu": (f"leaky(z) = max({LEAK}·z, z)", "(−∞, ∞)",
                   f"leaky′(z) = 1 if z > 0, else {LEAK}"),
    "step": ("step(z) = 1 if z ≥ 0, else 0", "{0, 1}", "step′(z) = 0 (a jump at z = 0)"),
    "identity": ("identity(z) = z", "(−∞, ∞)", "identity′(z) = 1"),
}
NAMES = tuple(FACTS)


def side_panel(fig, spec):
    """An axes without frame or ticks for legends and readouts; returns it."""
    ax = fig.add_subplot(spec)
    ax.set_axis_off()
    return ax


def proxy(color, style="-", width=2.2, marker=None):
    """A legend entry for a line that is drawn elsewhere (or moves)."""
    return Line2D([], [], color=color, linestyle=style, linewidth=width, marker=marker)


# ------------------------------------------------------------ stacked lines ---
STACK_X = np.linspace(-4.0, 4.0, 161)
STACK_LIMITS = (-8.0, 8.0)
STACK_KNOBS = [
    Slider("w1", "layer 1 weight", -2.0, 2.0, 1.5, 0.1),
    Slider("b1", "layer 1 bias", -2.0, 2.0, -0.5, 0.1),
    Slider("w2", "layer 2 weight", -2.0, 2.0, -0.8, 0.1),
    Slider("b2", "layer 2 bias", -2.0, 2.0, 1.0, 0.1),
    Choice("f", "function between the layers", ("identity", "relu", "tanh"), "identity"),
]
STACK_SETTINGS = (
    {"f": "relu"},  # relu between the layers: the orange curve goes flat
    {"f": "tanh"},  # tanh between the layers: a smooth bend
    {"w1": 2.0, "b1": -1.0, "w2": -1.5, "b2": 0.5},  # exercise 3.1: the two layers of the exercise
)


def stacked_frame(*, w1, b1, w2, b2, f):
    """Layer 1's output h, the two layers in a row, and the single line from collapse().

    Returns the frame: 'hidden', 'composed', 'single' as (x, y) lines over STACK_X
    and 'readout' text with the three equations and the largest gap between the
    composed curve and the single line.
    """
    h = w1 * STACK_X + b1
    composed = w2 * evaluate(f, h)[0] + b2
    w, b = collapse(w1, b1, w2, b2)
    single = w * STACK_X + b
    inner = "h" if f == "identity" else f"{f}(h)"
    gap = float(np.max(np.abs(composed - single)))
    verdict = ("one line, whatever the knobs" if f == "identity" else
               "the same line while every h > 0" if f == "relu" and gap < 1e-9 else
               "no longer a line")
    text = (f"layer 1:  h = {number(w1)}·x {signed(b1)}\n"
            f"layer 2:  y = {number(w2)}·{inner} {signed(b2)}\n\n"
            f"w₂·w₁ = {number(w)}\nw₂·b₁ + b₂ = {number(b)}\n"
            f"one layer:  y = {number(w)}·x {signed(b)}\n\n"
            f"largest gap: {gap:.2f}\n→ {verdict}")
    return {"hidden": (STACK_X, h), "composed": (STACK_X, composed),
            "single": (STACK_X, single), "readout": text}


def draw_stacked(fig):
    """Axes for x -> y, a side panel with legend and readout; returns the moving artists."""
    grid = fig.add_gridspec(1, 2, width_ratios=(1.1, 1))
    ax = fig.add_subplot(grid[0])
    style_axes(ax, xlabel="x (input)", ylabel="output", title="two linear layers in a row")
    ax.set_xlim(STACK_X[0], STACK_X[-1])
    ax.set_ylim(*STACK_LIMITS)
    ax.axhline(0, color=GREY, linewidth=0.8)
    ax.axvline(0, color=GREY, linewidth=0.8)
    (hidden,) = ax.plot([], [], ":", color=COLORS["sky"], linewidth=2.0)
    (composed,) = ax.plot([], [], color=COLORS["orange"], linewidth=4.0)
    (single,) = ax.plot([], [], "--", color=COLORS["black"], linewidth=1.6)
    side = side_panel(fig, grid[1])
    side.legend([proxy(COLORS["sky"], ":"), proxy(COLORS["orange"], width=4.0),
                 proxy(COLORS["black"], "--")],
                ["layer 1 alone: h", "layer 1, then layer 2",
                 "one layer: (w₂·w₁)·x + (w₂·b₁ + b₂)"],
                loc="upper left", frameon=False, fontsize=12)
    fig.tight_layout()
    return {"hidden": hidden, "composed": composed, "single": single,
            "readout": readout(side, 0.02, 0.6, size=12)}


def stacked_lines():
    """Knobs w1, b1, w2, b2 (and f between the layers): two layers in a row vs one layer."""
    alt = ("Two stacked linear layers drawn as a thick curve with the single line of weight w2·w1 and "
           "bias w2·b1 + b2 dashed on top: they coincide unless relu or tanh sits between the layers.")
    return KnobFigure(STACK_KNOBS, draw_stacked, stacked_frame, alt=alt, figsize=(9.5, 4.0),
                      settings=STACK_SETTINGS)


# ----------------------------------------------------------------- explorer ---
EXPLORE_X = np.linspace(-5.0, 5.0, 801)
EXPLORE_LIMITS = (-1.6, 2.6)
EXPLORE_KNOBS = [
    Choice("f", "activation function", NAMES, "sigmoid"),
    Slider("w", "weight", -3.0, 3.0, 1.0, 0.1),
    Slider("b", "bias", -4.0, 4.0, 0.0, 0.2),
]
EXPLORE_SETTINGS = (
    {"w": 3.0},  # try this: a steeper S
    {"w": -1.0},  # try this: a negative weight mirrors the curve
    {"b": 2.0},  # try this: the bias slides the centre to x = -b/w
    {"b": -2.0},  # try this: and the other way
    {"f": "relu"},  # try this: relu, whose slope is a switch
    {"f": "step"},  # try this: step, whose slope is flat zero
)


def explorer_frame(*, f, w, b):
    """f(w·x + b) and f'(w·x + b) over EXPLORE_X, the plain f(x) for reference, and the facts.

    'bend' marks x = −b/w, where z = 0 (nothing when w = 0).
    """
    z = w * EXPLORE_X + b
    out, slope = evaluate(f, z)
    formula, span, derivative = FACTS[f]
    if w == 0:
        where, bend = "z = b everywhere (w = 0)", ([], [])
    else:
        x0 = -b / w + 0.0  # + 0.0 turns −0.0 into 0.0
        where, bend = f"z = 0 at x = −b/w = {number(x0)}", ([x0, x0], [0.0, 1.0])
    text = (f"{f}\n{formula}\nrange {span}\n{derivative}\n\n"
            f"z = {number(w, 1)}·x {signed(b, 1)}\n{where}")
    return {"curve": (EXPLORE_X, out), "slope": (EXPLORE_X, slope),
            "reference": (EXPLORE_X, evaluate(f, EXPLORE_X)[0]),
            "bend_top": bend, "bend_bottom": bend, "readout": text}


def draw_explorer(fig):
    """Two stacked panels (f and f′ against x) and a side panel; returns the moving artists."""
    grid = fig.add_gridspec(2, 2, width_ratios=(1.35, 1), height_ratios=(1.25, 1))
    top, bottom = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0])
    style_axes(top, ylabel="f(z)", title="output and slope of f(z) with z = w·x + b")
    style_axes(bottom, xlabel="x (input)", ylabel="f′(z)")
    top.set_ylim(*EXPLORE_LIMITS)
    bottom.set_ylim(-0.1, 1.15)
    for ax in (top, bottom):
        ax.set_xlim(EXPLORE_X[0], EXPLORE_X[-1])
        ax.axhline(0, color=GREY, linewidth=0.8)
    bottom.axhline(0.25, color=COLORS["blue"], linewidth=0.8, linestyle=(0, (1, 3)))
    bottom.annotate("0.25", (EXPLORE_X[-1], 0.25), xytext=(2, 0), textcoords="offset points",
                    va="center", fontsize=12, color=COLORS["blue"], annotation_clip=False)
    blend = {"transform": top.get_xaxis_transform()}
    (reference,) = top.plot([], [], color=GREY, linewidth=1.2, linestyle="--")
    (curve,) = top.plot([], [], color=COLORS["blue"], linewidth=2.6)
    (bend_top,) = top.plot([], [], ":", color=COLORS["black"], linewidth=1.2, **blend)
    (slope,) = bottom.plot([], [], color=COLORS["vermillion"], linewidth=2.4)
    (bend_bottom,) = bottom.plot([], [], ":", color=COLORS["black"], linewidth=1.2,
                                 transform=bottom.get_xaxis_transform())
    side = side_panel(fig, grid[:, 1])
    side.legend([proxy(COLORS["blue"], width=2.6), proxy(COLORS["vermillion"]), proxy(GREY, "--", 1.2),
                 proxy(COLORS["black"], ":", 1.2)],
                ["f(w·x + b)", "its slope f′(w·x + b)", "f(x), for comparison", "where z = 0"],
                loc="upper left", frameon=False, fontsize=12)
    fig.tight_layout()
    return {"reference": reference, "curve": curve, "slope": slope, "bend_top": bend_top,
            "bend_bottom": bend_bottom, "readout": readout(side, 0.02, 0.66, size=12)}


def activation_explorer():
    """Choice of activation f and knobs w, b: f(w·x + b) above its slope, formula and range aside."""
    alt = ("Top panel: the chosen activation function applied to w·x + b, with the plain function "
           "dashed for comparison; bottom panel: its slope. A side box gives the formula, the range "
           "and the derivative.")
    return KnobFigure(EXPLORE_KNOBS, draw_explorer, explorer_frame, alt=alt, figsize=(9.5, 4.8),
                      settings=EXPLORE_SETTINGS)


@legible_axes
def draw_gallery(axes, z=None):
    """All six activations, one per axes (a 2×3 array), each with its slope dashed.

    axes: six matplotlib axes.  z: (S,) points to draw at (default 401 on [−4, 4]).
    Returns the list of lines drawn.
    """
    z = np.linspace(-4.0, 4.0, 401) if z is None else z
    lines = []
    for ax, name in zip(np.ravel(axes), NAMES):
        out, slope = evaluate(name, z)
        style_axes(ax, xlabel="z", title=f"{name}: range {FACTS[name][1]}")
        ax.set_ylim(-1.3, 2.3)
        ax.axhline(0, color=GREY, linewidth=0.8)
        lines += ax.plot(z, out, color=COLORS["blue"], linewidth=2.4, label="f(z)")
        lines += ax.plot(z, slope, "--", color=COLORS["vermillion"], linewidth=1.8, label="f′(z)")
    np.ravel(axes)[0].legend(loc="upper left", fontsize=12)
    return lines


# -------------------------------------------------------- vanishing gradient ---
SLOPE_Z = np.linspace(-6.0, 6.0, 481)
MAX_DEPTH = 30
DEPTH_LIMITS = (1e-20, 10.0)
FLOOR = 1e-300  # a product of exactly 0 is drawn here, far below the axes
CHAIN = (("sigmoid", COLORS["blue"], "-", "o"), ("tanh", COLORS["orange"], "--", "s"),
         ("relu", COLORS["green"], "-.", "^"))
VANISH_KNOBS = [
    Slider("z", "input to every unit", -5.0, 5.0, 1.0, 0.25),
    Slider("depth", "number of layers", 1, MAX_DEPTH, 10, 1, integer=True),
]
VANISH_SETTINGS = (
    {"z": 0.0},  # z = 0, the best case: 0.25 per sigmoid layer
    {"z": 3.0},  # saturated sigmoids, at the edge of the grey zone
    {"z": 5.0},  # deep in the grey zone
    {"z": -1.0},  # relu passes nothing once z <= 0
    {"z": 0.0, "depth": 5},  # exercise 3.2: five layers at z = 0 leave under a thousandth
)
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power(value):
    """A number >= 0 as readable text: '0.25', '9.5 × 10⁻⁷' or '0 (no signal)'."""
    if value == 0:
        return "0 (no signal)"
    if value >= 1e-3:
        return f"{value:.3g}"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"


def vanishing_frame(*, z, depth):
    """Markers on the slope curves at z, the product of slopes for 1..depth layers, and the numbers."""
    frame = {"z_line": ([z, z], [0.0, 1.0])}
    layers_so_far = np.arange(1, depth + 1)
    rows = [f"after {depth} layer{'s' if depth > 1 else ''}", f"(every unit at z = {number(z)}):"]
    for name, *_ in CHAIN:
        slope = float(evaluate(name, z)[1])
        frame[f"{name}_dot"] = ([z], [slope])
        frame[f"{name}_chain"] = (layers_so_far, np.maximum(slope ** layers_so_far, FLOOR))
        exponent = str(depth).translate(SUPERSCRIPT)
        rows.append(f"{name:>7}: {number(slope, 3)}{exponent} = {power(chain_factor(name, z, depth))}")
    frame["readout"] = "\n".join(rows)
    return frame


def draw_vanishing(fig):
    """Slopes against z (left) and their product against depth on a log scale (right)."""
    grid = fig.add_gridspec(1, 3, width_ratios=(1, 1, 1.45))
    left, right = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    style_axes(left, xlabel="z (input to the unit)", ylabel="slope f′(z)", title="one unit's slope")
    style_axes(right, xlabel="layers passed through", ylabel="share of the gradient left",
               title="slopes multiply")
    left.set_xlim(SLOPE_Z[0], SLOPE_Z[-1])
    left.set_ylim(-0.05, 1.12)
    for side in (-1, 1):
        left.axvspan(3 * side, 6 * side, color="#eeeeee", zorder=0)
        left.text(4.5 * side, 0.45, "sigmoid\nsaturated", ha="center", fontsize=12, color=COLORS["grey"])
    right.set_yscale("log")
    right.set_xlim(0, MAX_DEPTH + 1)
    right.set_ylim(*DEPTH_LIMITS)
    depths = np.arange(1, MAX_DEPTH + 1)
    right.plot(depths, 0.25 ** depths, color=COLORS["blue"], linewidth=5, alpha=0.18, solid_capstyle="butt")
    artists, handles = {}, []
    for name, color, style, marker in CHAIN:
        slope = evaluate(name, SLOPE_Z)[1]
        left.plot(SLOPE_Z, slope, style, color=color, linewidth=2.2)
        (artists[f"{name}_dot"],) = left.plot([], [], marker, color=color, markersize=8,
                                              markeredgecolor="white", zorder=5)
        (artists[f"{name}_chain"],) = right.plot([], [], style, color=color, marker=marker,
                                                markersize=4, linewidth=1.8)
        handles.append(proxy(color, style, marker=marker))
    (artists["z_line"],) = left.plot([], [], ":", color=COLORS["black"], linewidth=1.2,
                                     transform=left.get_xaxis_transform())
    side = side_panel(fig, grid[2])
    band = Line2D([], [], color=COLORS["blue"], linewidth=5, alpha=0.18)
    side.legend(handles + [band, Patch(color="#eeeeee")],
                [name for name, *_ in CHAIN] + ["0.25ⁿ after n layers:\nsigmoid's best case",
                                                "|z| > 3: sigmoid's\nslope below 0.05"],
                loc="upper left", frameon=False, fontsize=12, alignment="left",
                title="slope (left) and\nproduct of slopes (right)", title_fontsize=12)
    fig.tight_layout()
    artists["readout"] = readout(side, -0.08, 0.4, size=12)
    return artists


def vanishing_gradient():
    """Knobs z (where every unit works) and depth: the product of slopes through a deep stack."""
    alt = ("Left: the slopes of sigmoid, tanh and relu against z, with a marker at the chosen z. "
           "Right, on a log scale: the product of those slopes through 1 to depth layers; the "
           "sigmoid's falls at least as fast as 0.25 to the power depth.")
    return KnobFigure(VANISH_KNOBS, draw_vanishing, vanishing_frame, alt=alt, figsize=(10.3, 5.4),
                      settings=VANISH_SETTINGS)


@legible_axes
def draw_layer_gradients(ax, depth=10):
    """Gradient size per layer for sigmoid, tanh and relu hidden layers, log scale; returns the lines."""
    style_axes(ax, xlabel=f"layer (1 = nearest the input, {depth + 1} = the output layer)",
               ylabel="size of the weight gradient",
               title=f"a real network with {depth} hidden layers, before any training")
    ax.set_yscale("log")
    lines = []
    for name, color, style, marker in CHAIN:
        sizes = layer_gradients(name, depth)
        lines += ax.plot(np.arange(1, len(sizes) + 1), sizes, style, color=color, marker=marker,
                         linewidth=2.0, label=f"{name} hidden layers")
    ax.set_xticks(np.arange(1, depth + 2))
    ax.legend(loc="lower right", fontsize=12)
    return lines


# ------------------------------------------------------------------ softmax ---
CLASSES = ("class 1", "class 2", "class 3")
SOFTMAX_KNOBS = [
    Slider("z1", "score of class 1", -4.0, 4.0, 2.0, 0.2),
    Slider("z2", "score of class 2", -4.0, 4.0, 1.0, 0.2),
    Slider("z3", "score of class 3", -4.0, 4.0, 0.0, 0.2),
    Slider("T", "temperature", 0.1, 5.0, 1.0, 0.1),
]
SOFTMAX_SETTINGS = (
    {"z3": 2.0},  # class 3 raised: the other bars shrink
    {"z1": 1.0, "z2": 1.0, "z3": 1.0},  # equal scores: a third each
    {"z1": 3.0, "z2": 3.0, "z3": 3.0},  # all raised by the same amount: still a third each
    {"T": 0.2},  # a low temperature: the top class takes nearly everything
    {"T": 5.0},  # a high temperature: shares drift towards equal
    {"z1": 3.0, "z2": 1.0, "z3": 0.0},  # exercise 3.3: scores (3, 1, 0) at T = 1
)


def softmax_frame(*, z1, z2, z3, T):
    """Bar heights for the scores and for softmax(z / T), their labels, and the readout."""
    z = np.array([z1, z2, z3])
    p = activations.softmax(z / T)
    frame = {}
    for k in range(3):
        frame[f"score{k}"] = {"height": z[k]}
        frame[f"prob{k}"] = {"height": p[k]}
        frame[f"score_label{k}"] = {"text": number(z[k], 1),
                                    "position": (k, z[k] + (0.25 if z[k] >= 0 else -0.25)),
                                    "va": "bottom" if z[k] >= 0 else "top"}
        frame[f"prob_label{k}"] = {"text": f"{p[k]:.3f}", "position": (k, p[k] + 0.02)}
    frame["readout"] = (f"T = {number(T, 1)}\n"
                        f"z / T = {', '.join(number(v) for v in z / T)}\n"
                        f"p = {', '.join(f'{v:.3f}' for v in p)}\n"
                        f"sum of p = {p.sum():.3f}")
    return frame


def draw_softmax(fig):
    """Score bars (left), probability bars (right) and a readout; returns the moving artists."""
    grid = fig.add_gridspec(1, 3, width_ratios=(1, 1, 1.15))
    left, right = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    style_axes(left, ylabel="score z", title="raw scores")
    style_axes(right, ylabel="probability p", title="softmax(z / T)")
    left.set_ylim(-4.9, 4.9)
    right.set_ylim(0, 1.12)
    left.axhline(0, color=GREY, linewidth=0.8)
    right.axhline(1, color=GREY, linewidth=0.8, linestyle="--")
    artists = {}
    for ax, kind in ((left, "score"), (right, "prob")):
        ax.set_xticks(range(3), CLASSES)
        ax.set_xlim(-0.6, 2.6)
        bars = ax.bar(range(3), [0.0] * 3, width=0.6, edgecolor=COLORS["black"], linewidth=0.8,
                      color=[COLORS["sky"], COLORS["orange"], COLORS["green"]])
        for k, bar in enumerate(bars):
            artists[f"{kind}{k}"] = bar
            artists[f"{kind}_label{k}"] = ax.text(k, 0, "", ha="center", va="bottom", fontsize=12)
    side = side_panel(fig, grid[2])
    side.text(0.02, 0.98, r"$p_k = \dfrac{e^{z_k / T}}{\sum_j e^{z_j / T}}$", transform=side.transAxes,
              va="top", fontsize=12)
    fig.tight_layout()
    artists["readout"] = readout(side, 0.02, 0.8, size=12)
    return artists


def softmax_bars():
    """Knobs z1, z2, z3 and temperature T: three scores become three probabilities that sum to 1."""
    alt = ("Left: three raw scores as bars that can be negative. Right: their softmax probabilities "
           "as bars between 0 and 1, with a box showing the numbers and their sum, always 1.")
    return KnobFigure(SOFTMAX_KNOBS, draw_softmax, softmax_frame, alt=alt, figsize=(10, 3.8),
                      settings=SOFTMAX_SETTINGS)


# -------------------------------------------------------------- hidden bump ---
BUMP_X = np.linspace(-3.5, 3.5, 281)
BUMP_LIMITS = (-1.2, 1.6)
BUMP_KNOBS = [
    Choice("f", "hidden units' activation", ("tanh", "relu"), "tanh"),
    Slider("w1", "unit 1 weight", -4.0, 4.0, 1.0, 0.2),
    Slider("b1", "unit 1 bias", -4.0, 4.0, 1.0, 0.2),
    Slider("w2", "unit 2 weight", -4.0, 4.0, 1.0, 0.2),
    Slider("b2", "unit 2 bias", -4.0, 4.0, -1.0, 0.2),
    Slider("v1", "output weight of unit 1", -1.5, 1.5, 0.5, 0.05),
    Slider("v2", "output weight of unit 2", -1.5, 1.5, 0.5, 0.05),
]
BUMP_SETTINGS = (
    {"v2": -0.5},  # v2 flipped: the two steps oppose and a bump appears
    {"w1": 1.6, "b1": 1.0, "w2": 1.6, "b2": -1.0, "v1": 0.7, "v2": -0.7},  # solution 3.4: an error near 0.002
    {"f": "relu"},  # relu units: hinges instead of steps
    {"f": "relu", "v2": -0.5},  # two relu hinges against each other: a rough fit
)


def bump_frame(X, y, **knobs):
    """The network's curve, each hidden unit's share, and a readout with the live MSE."""
    (unit1, unit2), out = hidden_output(BUMP_X, **knobs)
    f = knobs["f"]
    rows = [f"ŷ = v₁·{f}(w₁·x + b₁) + v₂·{f}(w₂·x + b₂)", ""]
    for i in (1, 2):
        w, b, v = knobs[f"w{i}"], knobs[f"b{i}"], knobs[f"v{i}"]
        rows.append(f"unit {i}: {number(v)}·{f}({number(w, 1)}·x {signed(b, 1)})")
    rows += ["", f"MSE = {bump_mse(X, y, **knobs):.4f}", f"best straight line: {best_line(X, y)[2]:.4f}"]
    return {"unit1": (BUMP_X, unit1), "unit2": (BUMP_X, unit2), "output": (BUMP_X, out),
            "readout": "\n".join(rows)}


def draw_bump(fig, X, y):
    """Target points, the best straight line (static), and the moving curves; side legend and readout."""
    grid = fig.add_gridspec(1, 2, width_ratios=(1, 1))
    ax = fig.add_subplot(grid[0])
    style_axes(ax, xlabel="x (input)", ylabel="ŷ (output)", title="one hidden layer with two units")
    ax.set_xlim(BUMP_X[0], BUMP_X[-1])
    ax.set_ylim(*BUMP_LIMITS)
    ax.axhline(0, color=GREY, linewidth=0.8)
    w, b, _ = best_line(X, y)
    ax.plot(BUMP_X[[0, -1]], w * BUMP_X[[0, -1]] + b, color=GREY, linewidth=1.4, linestyle=(0, (6, 3)))
    ax.scatter(X[:, 0], y[:, 0], s=30, color=COLORS["blue"], zorder=1.5)
    (unit1,) = ax.plot([], [], "--", color=COLORS["sky"], linewidth=1.5, alpha=0.9)
    (unit2,) = ax.plot([], [], "-.", color=COLORS["purple"], linewidth=1.5, alpha=0.9)
    (output,) = ax.plot([], [], color=COLORS["orange"], linewidth=3.0)
    side = side_panel(fig, grid[1])
    side.legend([proxy(COLORS["blue"], "none", marker="o"), proxy(COLORS["orange"], width=3.0),
                 proxy(COLORS["sky"], "--", 1.5), proxy(COLORS["purple"], "-.", 1.5),
                 proxy(GREY, (0, (6, 3)), 1.4)],
                ["target points", "network output ŷ", "unit 1's share", "unit 2's share",
                 "best straight line"], loc="upper left", frameon=False, fontsize=12)
    fig.tight_layout()
    return {"unit1": unit1, "unit2": unit2, "output": output,
            "readout": readout(side, 0.02, 0.45, size=12)}


def hidden_bump(X=None, y=None):
    """Knobs on two hidden units (w, b each), their output weights v1, v2 and f: fit a bump.

    X: (N, 1) and y: (N, 1); defaults to ``datasets.bump_points()``.
    """
    if X is None:
        X, y = datasets.bump_points()
    alt = ("Points in the shape of a bump, the best straight line through them, and the output of a "
           "network with two hidden units (thick) with each unit's share faint; a box shows the "
           "network's equation and its mean squared error.")
    return KnobFigure(BUMP_KNOBS, partial(draw_bump, X=X, y=y), partial(bump_frame, X, y), alt=alt,
                      figsize=(10, 4.2), settings=BUMP_SETTINGS)
