"""Chapter 6 figures: slopes, the chain rule, and gradient descent on the line fit.

The gradients, the descents and the training runs drawn here come from
``nnlib.chapters.gradient_descent``.
"""
from functools import partial

import numpy as np
from matplotlib.patches import FancyArrowPatch

from .. import datasets
from ..chapters.gradient_descent import (
    BATCH_LR, BATCHES, EPOCHS, ESCAPE, START, STEPS, batch_run, descent_run, line_gradient, neuron_chain,
    verdict)
from ..chapters.loss import best_line, landscape
from ..knobs import Choice, KnobFigure, Slider
from ..plotting import COLORS, number, readout, style_axes
from .loss import centred_readout, draw_landscape

__all__ = ["slope_of_the_loss", "neuron_graph", "descent_path", "epochs_and_batches"]

VERDICTS = {
    "too small": "too small\nstill creeping down after 40 steps",
    "about right": "about right\nsmooth and quick to the bottom",
    "zig-zag": "large\nzig-zags across the valley, settles",
    "on the edge": "on the edge\nzig-zags and hardly settles",
    "diverging": "too large\neach step overshoots further",
}


# ------------------------------------------------------ the slope of the loss ---
SLOPE_KNOBS = [
    Slider("w", "weight", -1.5, 2.5, -1.0, 0.1),
    Slider("b", "bias", -3.0, 4.0, 3.0, 0.2),
    Slider("h", "nudge size", 0.05, 1.0, 0.5, 0.05),
]
SLOPE_SETTINGS = (
    {"h": 0.1},  # a smaller nudge: the ratio closes in on the slope
    {"h": 0.05},  # the smallest nudge
    {"w": 1.5},  # w past the bottom of its curve: the slope changes sign
    {"b": 0.0},  # another b: the curve over w changes shape
)
SLICE_W = np.linspace(-1.7, 3.7, 109)
SLICE_B = np.linspace(-3.3, 5.3, 87)
SLOPE_YLIM = (0.0, 85.0)
"""Every point the knobs can reach (loss at most 63) sits below the readouts."""


def slice_frame(values, at, h, slope, losses_at):
    """Frame data for one slice: the curve, tangent, nudge triangle and marker.

    values: (S,) knob values the curve is drawn over.  at: the current value,
    h: the nudge, slope: the derivative there, losses_at: function (K,) knob
    values -> (K,) losses.  Returns (frame data, the nudge ratio ΔL/h).
    """
    curve, (here, there) = losses_at(values), losses_at(np.array([at, at + h]))
    half = 0.12 * (values[-1] - values[0])
    ends = np.array([at - half, at + half])
    return {"curve": (values, curve),
            "tangent": (ends, here + slope * (ends - at)),
            "nudge": ([at, at + h, at + h], [here, here, there]),
            "dots": ([at, at + h], [here, there])}, (there - here) / h


def slope_frame(X, y, *, w, b, h):
    """Two slices of the line-fit loss: L over w (b held) and L over b (w held).

    X: (N, 1), y: (N, 1).  Returns the frame: for each slice the curve, the
    tangent line with the derivative from ``line_gradient`` (nnlib's backward
    pass), the nudge triangle from the knob to knob + h, and a readout
    comparing the ratio ΔL/h with the derivative.
    """
    loss, (dw, db) = line_gradient(w, b, X, y)
    frame = {}
    for key, values, at, slope, losses_at in (
            ("w", SLICE_W, w, dw, lambda ws: landscape(X, y, ws, [b])[0]),
            ("b", SLICE_B, b, db, lambda bs: landscape(X, y, [w], bs)[:, 0])):
        parts, ratio = slice_frame(values, at, h, slope, losses_at)
        frame.update({f"{name}_{key}": data for name, data in parts.items()})
        nudge = f"nudge (dashed) {key} by {h:.2f}:"
        frame[f"readout_{key}"] = (f"L = {loss:.2f}\n{nudge}  ΔL/Δ{key} = {number(ratio)}\n"
                                   f"{'slope of the tangent:':<{len(nudge)}}  ∂L/∂{key} = {number(slope)}")
    return frame


def draw_slope(fig, X, y):
    """Two panels, L over w and L over b; returns the moving artists."""
    axes = fig.subplots(1, 2)
    artists = {}
    for ax, key, values, held in ((axes[0], "w", SLICE_W, "b"), (axes[1], "b", SLICE_B, "w")):
        style_axes(ax, xlabel=f"{key} ({'weight' if key == 'w' else 'bias'})", ylabel="loss L (MSE)",
                   title=f"L as a function of {key} alone ({held} held fixed)")
        ax.set_xlim(values[0], values[-1])
        ax.set_ylim(*SLOPE_YLIM)
        (artists[f"curve_{key}"],) = ax.plot([], [], color=COLORS["blue"], linewidth=2.4)
        (artists[f"tangent_{key}"],) = ax.plot([], [], color=COLORS["black"], linewidth=1.8)
        (artists[f"nudge_{key}"],) = ax.plot([], [], "--", color=COLORS["vermillion"], linewidth=1.8)
        (artists[f"dots_{key}"],) = ax.plot([], [], "o", color=COLORS["vermillion"], markersize=7,
                                            markeredgecolor="white", zorder=5)
    fig.tight_layout()
    for key, ax in zip("wb", axes):
        artists[f"readout_{key}"] = centred_readout(ax, 0.5, 0.97, size=12)
    return artists


def slope_of_the_loss(X=None, y=None):
    """Knobs w, b and the nudge h: the loss over each knob, its tangent, and the nudge ratio.

    X: (N, 1), y: (N, 1); defaults to ``datasets.line_points()``.
    """
    if X is None:
        X, y = datasets.line_points()
    alt = ("Two panels of the line fit's mean squared error: on the left as a function of the weight w "
           "with the bias held, on the right as a function of b with w held. Each shows the tangent "
           "line at the current knob, a dashed triangle for a nudge of size h and its rise, and a box "
           "comparing the ratio of the loss change to the nudge with the derivative.")
    return KnobFigure(SLOPE_KNOBS, partial(draw_slope, X=X, y=y), partial(slope_frame, X, y),
                      alt=alt, figsize=(9.6, 4.1), settings=SLOPE_SETTINGS)


# --------------------------------------------------- chain rule in one neuron ---
TARGET = 1.0
"""The neuron's target y in the graph figure."""
NEURON_KNOBS = [
    Slider("x", "input", -2.0, 2.0, 1.5, 0.1),
    Slider("w", "weight", -3.0, 3.0, 0.5, 0.1),
    Slider("b", "bias", -3.0, 3.0, -0.5, 0.1),
]
NEURON_SETTINGS = (
    {"x": 2.0, "w": -3.0, "b": -3.0},  # z very negative: the gradients almost vanish
    {"x": 0.0},  # x = 0: dL/dw is exactly zero
    {"x": 2.0, "w": 1.5, "b": -3.0},  # exercise 6.1: the same z as the exercise, at x = 2
)
NODES = {"x": (0.9, 5.0), "w": (0.9, 3.2), "b": (0.9, 1.4), "z": (3.9, 3.2), "a": (6.3, 3.2),
         "L": (8.8, 3.2), "y": (8.8, 5.1)}
NODE_TEXT = {"x": "x", "w": "w", "b": "b", "z": "z = w·x + b", "a": "a = σ(z)", "L": "L = (a − y)²",
             "y": "y"}
EDGES = (("x", "z"), ("w", "z"), ("b", "z"), ("z", "a"), ("a", "L"), ("y", "L"))


def neuron_frame(*, x, w, b, y=TARGET):
    """Texts of the computational graph at the knob setting (see ``neuron_chain``).

    x, w, b: numbers (the knobs).  y: the target.
    """
    c = neuron_chain(x, w, b, y)
    # + 0.0 turns an exact -0.0 (x = 0 gives ∂L/∂w = negative × 0) into 0.0, so it reads 0.000
    f = lambda v: number(v + 0.0, 3)  # noqa: E731
    return {
        "fwd_x": f"x = {number(x)}", "fwd_w": f"w = {number(w)}", "fwd_b": f"b = {number(b)}",
        "fwd_z": f"z = {f(c['z'])}", "fwd_a": f"a = {f(c['a'])}", "fwd_L": f"L = {f(c['L'])}",
        "fwd_y": f"y = {y:g}",
        "back_x": f"∂L/∂x = {f(c['dL_dx'])}", "back_w": f"∂L/∂w = {f(c['dL_dw'])}",
        "back_b": f"∂L/∂b = {f(c['dL_db'])}", "back_z": f"∂L/∂z = {f(c['dL_dz'])}",
        "back_a": f"∂L/∂a = {f(c['dL_da'])}", "back_L": "∂L/∂L = 1",
        "chain": (f"∂L/∂w = ∂L/∂a · ∂a/∂z · ∂z/∂w = ({f(c['dL_da'])}) × ({f(c['da_dz'])}) × "
                  f"({number(x)}) = {f(c['dL_dw'])}\n"
                  f"∂L/∂b = ∂L/∂a · ∂a/∂z · ∂z/∂b = ({f(c['dL_da'])}) × ({f(c['da_dz'])}) × 1"
                  f"{'':>{len(number(x)) + 1}} = {f(c['dL_db'])}"),
    }


def _node(ax, name):
    """One static node of the graph: a rounded box with the node's formula."""
    wide = len(NODE_TEXT[name]) > 2
    ax.text(*NODES[name], NODE_TEXT[name], ha="center", va="center", fontsize=12 if wide else 13,
            fontweight="bold", zorder=2,
            bbox={"boxstyle": "round,pad=0.45" if wide else "circle,pad=0.35", "facecolor": "#f2f2f2",
                  "edgecolor": COLORS["grey"], "linewidth": 1.2})


def _edge(ax, start, end):
    """A static arrow between two nodes."""
    (x0, y0), (x1, y1) = NODES[start], NODES[end]
    shrink_a = 16 if len(NODE_TEXT[start]) <= 2 else 48
    shrink_b = 16 if len(NODE_TEXT[end]) <= 2 else 52
    ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14,
                                 color=COLORS["grey"], linewidth=1.3, shrinkA=shrink_a, shrinkB=shrink_b,
                                 zorder=1))


def draw_neuron(fig):
    """The computational graph of one sigmoid neuron with a squared-error loss."""
    ax = fig.add_subplot()
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.3, 6.3)
    ax.axis("off")
    for start, end in EDGES:
        _edge(ax, start, end)
    for name in NODES:
        _node(ax, name)
    labels = (("∂z/∂x = w", (2.75, 4.4)), ("∂z/∂w = x", (2.3, 3.35)), ("∂z/∂b = 1", (2.95, 2.0)),
              ("∂a/∂z\n= a(1 − a)", (5.12, 3.33)), ("∂L/∂a\n= 2(a − y)", (7.53, 3.33)))
    for text, xy in labels:
        ax.text(*xy, text, fontsize=12, color=COLORS["grey"], style="italic", ha="center", va="bottom")
    ax.text(0.0, 6.25, "forward: values (blue)", color=COLORS["blue"], fontsize=12, va="top")
    ax.text(10.0, 6.25, "backward: gradients (orange)", color=COLORS["vermillion"], fontsize=12,
            va="top", ha="right")
    artists = {}
    for name, (nx, ny) in NODES.items():
        below = 0.62 if len(NODE_TEXT[name]) > 2 else 0.55
        if name == "y":
            artists["fwd_y"] = ax.text(nx + 0.4, ny, "", ha="left", va="center", fontsize=12,
                                       color=COLORS["blue"], fontweight="bold")
            continue
        artists[f"fwd_{name}"] = ax.text(nx, ny + below, "", ha="center", va="bottom", fontsize=12,
                                         color=COLORS["blue"], fontweight="bold")
        artists[f"back_{name}"] = ax.text(nx, ny - below, "", ha="center", va="top", fontsize=12,
                                          color=COLORS["vermillion"], fontweight="bold")
    artists["chain"] = ax.text(5.0, -0.2, "", ha="center", va="bottom", fontsize=12,
                               family="DejaVu Sans Mono", multialignment="left")
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
    return artists


def neuron_graph():
    """Knobs x, w and b (target y = 1): forward values and backward gradients on a neuron's graph."""
    alt = ("A computational graph: the input x, weight w and bias b feed the node z = w·x + b, which "
           "feeds a = σ(z), which with the target y = 1 feeds the loss L = (a − y)². Above each node its "
           "value in blue, below it the gradient of the loss in orange, on the arrows the local "
           "derivatives, and at the bottom the chain-rule products for ∂L/∂w and ∂L/∂b.")
    return KnobFigure(NEURON_KNOBS, draw_neuron, neuron_frame, alt=alt, figsize=(9.6, 4.5),
                      settings=NEURON_SETTINGS)


# ------------------------------------------------------- gradient descent ---
DESCENT_KNOBS = [
    Slider("t", "steps taken", 0, STEPS, 10, 1, integer=True),
    Slider("lr", "learning rate", 0.01, 0.16, 0.05, 0.01),
]
DESCENT_SETTINGS = (
    {"t": 0},  # the start, before any step
    {"t": 1},  # one notch: the first step
    {"t": 2},  # two notches
    {"t": 40, "lr": 0.01},  # too small: the loss still above 3 after 40 steps
    {"t": 40, "lr": 0.05},  # about right: across the valley, then along its floor
    {"t": 40, "lr": 0.12},  # large: a zig-zag that still settles
    {"t": 40, "lr": 0.13},  # where the line fit breaks down: on the edge, it hardly settles
    {"t": 40, "lr": 0.14},  # where the line fit breaks down: one step further, it diverges
    {"t": 40, "lr": 0.15},  # too large: off the map, and the figure says so
    {"t": 20, "lr": 0.07},  # solution 6.3: too slow along b
    {"t": 20, "lr": 0.08},  # solution 6.3: the lowest rate that works
    {"t": 20, "lr": 0.1},  # solution 6.3: a loss of about 0.183
    {"t": 20, "lr": 0.12},  # solution 6.3: the highest rate that works
    {"t": 20, "lr": 0.14},  # solution 6.3: diverges
)
LOSS_YLIM = (0.1, 2e3)


def descent_frame(*, t, lr):
    """Gradient descent on the line fit after t steps with learning rate lr.

    Returns the frame: the path on the landscape up to step t (it may leave
    the map: the axes clip it), the current point, the loss per step so far, a
    readout, the verdict on this learning rate for the whole run, and a warning
    whenever the loss has just gone up or the knobs have flown off the map.
    """
    path, loss = descent_run(lr)
    k = min(t, len(path) - 1)
    w, b = path[k]
    warning = ""
    if t > len(path) - 1:
        warning = (f"diverged: after step {k} the knobs left the map\n(|w| or |b| > {ESCAPE:g})."
                   " Lower the learning rate.")
    elif k >= 1 and loss[k] > loss[k - 1]:
        warning = "the loss went UP at this step:\neach step overshoots the valley further"
    off = "  (off the chart)" if loss[k] > LOSS_YLIM[1] else ""
    _, (dw, db) = line_gradient(w, b, *datasets.line_points())
    text = (f"step {k}:  w = {number(w)},  b = {number(b)}\n"
            f"loss = {loss[k]:.3g}{off}\n∂L/∂w = {number(dw)},  ∂L/∂b = {number(db)}")
    steps = np.arange(k + 1)
    return {"path": (path[:k + 1, 0], path[:k + 1, 1]), "here": ([w], [b]),
            "curve": (steps, loss[:k + 1]), "now": ([k], [loss[k]]), "readout": text,
            "verdict": f"η = {lr:.3f}: {VERDICTS[verdict(path, loss)]}", "warning": warning}


def draw_descent(fig):
    """Left: the landscape with the path.  Right: loss per step (log scale)."""
    X, y = datasets.line_points()
    left, right = fig.subplots(1, 2, width_ratios=(1.1, 1))
    draw_landscape(left, X, y, title="gradient descent on the loss landscape")
    w_best, b_best = best_line(X, y)
    left.plot([w_best], [b_best], "*", color=COLORS["black"], markersize=13, markeredgecolor="white")
    left.plot(*START, "s", color=COLORS["black"], markersize=7)
    left.annotate("start", START, xytext=(8, -4), textcoords="offset points", fontsize=12)
    (path,) = left.plot([], [], "-o", color=COLORS["vermillion"], markersize=3.5, linewidth=1.4)
    (here,) = left.plot([], [], "o", color=COLORS["vermillion"], markersize=10, markeredgecolor="white",
                        markeredgewidth=1.5, zorder=6)
    style_axes(right, xlabel="steps taken", ylabel="loss L (log scale)", title="the loss after each step")
    right.set_yscale("log")
    right.set_xlim(-0.5, STEPS + 0.5)
    right.set_ylim(*LOSS_YLIM)
    (curve,) = right.plot([], [], "-o", color=COLORS["blue"], markersize=3, linewidth=1.5)
    (now,) = right.plot([], [], "o", color=COLORS["vermillion"], markersize=9, markeredgecolor="white",
                        zorder=5)
    fig.tight_layout()
    warning = right.text(0.5, 0.5, "", transform=right.transAxes, ha="center", va="center", fontsize=12,
                         color=COLORS["vermillion"], fontweight="bold", zorder=11,
                         bbox={"boxstyle": "round,pad=0.4", "facecolor": "white",
                               "edgecolor": COLORS["vermillion"], "alpha": 0.95})
    verdict_box = readout(right, 0.97, 0.97, ha="right", size=12)
    verdict_box.set_multialignment("left")
    return {"path": path, "here": here, "curve": curve, "now": now,
            "readout": readout(left, 0.03, 0.97, size=12), "verdict": verdict_box, "warning": warning}


def descent_path():
    """Knobs 'steps taken' and the learning rate: gradient descent on the line fit's landscape."""
    alt = ("Left: the contour map of the line fit's loss over w and b with the path gradient descent "
           "takes from a fixed start, one dot per step, and a star at the lowest point. Right: the loss "
           "after each step on a log scale. A box names how this learning rate behaves (too small, "
           "about right, zig-zagging or diverging) and a warning appears when the loss grows.")
    return KnobFigure(DESCENT_KNOBS, draw_descent, descent_frame, alt=alt, figsize=(9.6, 4.2),
                      settings=DESCENT_SETTINGS)


# --------------------------------------------------------- epochs and batches ---
BATCH_KNOBS = [
    Choice("batch", "size", tuple(BATCHES), "4"),
    Slider("epochs", "passes", 0, EPOCHS, 5, 1, integer=True),
]
BATCH_SETTINGS = (
    {"batch": "1", "epochs": 5},  # the three sizes at 5 epochs: one point per step
    {"batch": "12 (all)", "epochs": 5},  # the three sizes at 5 epochs: the full batch
    {"batch": "1", "epochs": 30},  # at 30 epochs: jitters round the minimum
    {"batch": "4", "epochs": 30},  # at 30 epochs: batches of 4, in between
    {"batch": "12 (all)", "epochs": 30},  # at 30 epochs: the full batch is still far from the bottom
)


def batch_frame(*, batch, epochs):
    """The run with this batch size after so many epochs: path (one dot per epoch) and loss curve."""
    points, history = batch_run(batch)
    X, y = datasets.line_points()
    w, b = points[epochs]
    loss = line_gradient(w, b, X, y)[0]
    updates = -(-len(X) // BATCHES[batch])
    shown = np.arange(1, epochs + 1)
    return {"path": (points[:epochs + 1, 0], points[:epochs + 1, 1]), "here": ([w], [b]),
            "curve": (shown, history.loss[:epochs]),
            "now": ([epochs], [history.loss[epochs - 1]]) if epochs else ([], []),
            "readout": (f"batch size {BATCHES[batch]}: {updates} update{'s' if updates > 1 else ''}"
                        f" per epoch\nafter {epochs} epochs ({epochs * updates} updates):\n"
                        f"w = {number(w)}, b = {number(b)}\nloss on all points now = {loss:.3f}")}


def draw_batches(fig):
    """Left: the landscape with one dot per epoch.  Right: History.loss of every batch size."""
    X, y = datasets.line_points()
    left, right = fig.subplots(1, 2, width_ratios=(1.1, 1))
    draw_landscape(left, X, y, title="where each epoch ends")
    left.plot(*best_line(X, y), "*", color=COLORS["black"], markersize=13, markeredgecolor="white")
    left.plot(*START, "s", color=COLORS["black"], markersize=7)
    (path,) = left.plot([], [], "-o", color=COLORS["vermillion"], markersize=4, linewidth=1.4)
    (here,) = left.plot([], [], "o", color=COLORS["vermillion"], markersize=10, markeredgecolor="white",
                        markeredgewidth=1.5, zorder=6)
    style_axes(right, xlabel="epoch", ylabel="mean loss during the epoch (log)",
               title=f"History.loss from fit, learning rate η = {BATCH_LR}")
    right.set_yscale("log")
    right.set_xlim(0, EPOCHS + 0.5)
    right.set_ylim(0.1, 200)
    for name, style in zip(BATCHES, (":", "--", "-")):
        right.plot(np.arange(1, EPOCHS + 1), batch_run(name)[1].loss, style, color=COLORS["grey"],
                   linewidth=1.3, alpha=0.7, label=f"batch size {name}")
    right.legend(loc="upper right", fontsize=12)
    (curve,) = right.plot([], [], color=COLORS["blue"], linewidth=2.6)
    (now,) = right.plot([], [], "o", color=COLORS["vermillion"], markersize=9, markeredgecolor="white",
                        zorder=5)
    fig.tight_layout()
    return {"path": path, "here": here, "curve": curve, "now": now,
            "readout": readout(left, 0.03, 0.97, size=12)}


def epochs_and_batches():
    """Knobs batch size and epochs: full-batch against mini-batch training of the line."""
    alt = ("Left: the line fit's loss landscape with the knobs' position after each epoch of training, "
           "for the chosen batch size. Right: the mean loss of every epoch as recorded by nnlib's fit, "
           "for batch sizes 1, 4 and 12 (the chosen one highlighted), on a log scale; smaller batches "
           "make more updates per epoch and fall faster but more raggedly.")
    return KnobFigure(BATCH_KNOBS, draw_batches, batch_frame, alt=alt, figsize=(9.6, 4.2),
                      settings=BATCH_SETTINGS)
