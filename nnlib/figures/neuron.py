"""Chapter 2 figures: one neuron with several inputs, the perceptron and its learning rule.

- ``walk_decision``: the go-for-a-walk neuron. Knobs for its three weights, its
  bias and its three yes/no inputs; a diagram of the votes and a live table of
  all eight situations with the current one highlighted.
- ``decision_boundary``: a step neuron on two inputs. Its boundary z = 0 is a
  line that the weights turn and the bias shifts.
- ``perceptron_learning``: the perceptron rule learning AND, OR or XOR, one
  update at a time.

``draw_neuron`` and ``draw_step`` draw static pictures on axes you pass in.
"""
from functools import partial

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Patch, Polygon, Rectangle

from .. import datasets, perceptron
from ..chapters.neuron import MAX_UPDATES, RATE, gate_run, influence, split_box
from ..knobs import Choice, KnobFigure, Slider
from ..layers import Neuron
from ..plotting import CLASS_COLORS, CLASS_MARKERS, COLORS, number, readout, signed, style_axes, legible_axes

__all__ = ["walk_decision", "decision_boundary", "perceptron_learning"]

SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
SHADES = ("#d7e8f5", "#fbe9c7")  # light tints of the two class colours: z < 0, z >= 0
HIGHLIGHT = "#f6f0a8"            # a light tint of the palette's yellow


# ------------------------------------------------------------------ readouts ---

def weights_text(w, b, decimals=2):
    """'w = (0.50, −1.00), b = 0.25' with true minus signs."""
    inside = ", ".join(number(v, decimals) for v in w)
    return f"w = ({inside}), b = {number(b, decimals)}"


# ------------------------------------------------------------ static figures ---

@legible_axes
def draw_neuron(ax, n_inputs=3):
    """A diagram of one neuron: inputs, weighted arrows, the sum with the bias, f, output.

    ax: a matplotlib axes (its frame is hidden).  Returns the list of patches drawn.
    """
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 6)
    ax.set_aspect("equal")
    ax.axis("off")
    ys = np.linspace(5.0, 1.0, n_inputs)
    total, act, out = (5.2, 3.0), (7.6, 3.0), (9.4, 3.0)
    made = []
    for i, y in enumerate(ys, start=1):
        made.append(ax.add_patch(Circle((1.0, y), 0.45, facecolor="white", edgecolor=COLORS["grey"], lw=1.5)))
        ax.text(1.0, y, f"$x_{i}$", ha="center", va="center", fontsize=13)
        made.append(ax.add_patch(FancyArrowPatch((1.5, y), (4.45, 3.0 + (y - 3.0) * 0.12),
                                                 arrowstyle="-|>", mutation_scale=14,
                                                 color=COLORS["blue"], lw=1.6)))
        ax.text(2.7, y + (3.0 - y) * 0.38 + 0.25, f"$w_{i}$", ha="center", fontsize=13, color=COLORS["blue"])
    made.append(ax.add_patch(Circle(total, 0.75, facecolor="#eef4fa", edgecolor=COLORS["blue"], lw=1.8)))
    ax.text(*total, r"$\Sigma$", ha="center", va="center", fontsize=17)
    made.append(ax.add_patch(FancyArrowPatch((5.2, 0.6), (5.2, 2.2), arrowstyle="-|>",
                                             mutation_scale=14, color=COLORS["orange"], lw=1.6)))
    ax.text(5.45, 0.75, "$b$ (bias)", fontsize=12, color="#a86f00")
    made.append(ax.add_patch(FancyBboxPatch((act[0] - 0.6, act[1] - 0.5), 1.2, 1.0,
                                            boxstyle="round,pad=0.05", facecolor="white",
                                            edgecolor=COLORS["grey"], lw=1.5)))
    ax.text(*act, "$f$", ha="center", va="center", fontsize=15)
    for start, end, label in ((6.0, 7.0, "$z$"), (8.2, 9.3, r"$\hat y$")):
        made.append(ax.add_patch(FancyArrowPatch((start, 3.0), (end, 3.0), arrowstyle="-|>",
                                                 mutation_scale=14, color=COLORS["black"], lw=1.4)))
        ax.text((start + end) / 2, 3.25, label, ha="center", fontsize=13)
    ax.text(total[0], 4.35, r"$z=\sum_i w_i x_i + b$", ha="center", fontsize=12)
    ax.text(act[0], 2.2, r"$\hat y = f(z)$", ha="center", va="top", fontsize=12)
    return made


@legible_axes
def draw_step(ax):
    """The step function f(z) = 1 if z >= 0 else 0 on z in [−3, 3].

    ax: a matplotlib axes.  Returns the lines drawn.
    """
    style_axes(ax, xlabel="z (weighted sum)", ylabel="f(z)", title="the step function")
    ax.set_xlim(-3, 3)
    ax.set_ylim(-0.2, 1.25)
    lines = ax.plot([-3, 0], [0, 0], [0, 3], [1, 1], color=COLORS["blue"], linewidth=2.5)
    lines += ax.plot([0], [1], "o", color=COLORS["blue"], markersize=7)
    lines += ax.plot([0], [0], "o", markerfacecolor="white", color=COLORS["blue"], markersize=7)
    ax.annotate("fires: f(0) = 1", (0, 1), xytext=(0.5, 0.6), arrowprops={"arrowstyle": "->"})
    return lines


# ------------------------------------------------------------ walk decision ---

WALK_KNOBS = [
    Slider("w1", "sunny weight", -4.0, 4.0, 3.0, 0.5),
    Slider("w2", "cold weight", -4.0, 4.0, -2.0, 0.5),
    Slider("w3", "free-time weight", -4.0, 4.0, 2.0, 0.5),
    Slider("b", "bias", -6.0, 6.0, -2.5, 0.5),
    Slider("x1", "sunny, 0/1", 0, 1, 1, 1, integer=True),
    Slider("x2", "cold, 0/1", 0, 1, 0, 1, integer=True),
    Slider("x3", "free time, 0/1", 0, 1, 1, 1, integer=True),
]
WALK_SETTINGS = (
    {"x1": 1, "x2": 0, "x3": 0},  # the vote: sunshine alone, 3 - 2.5 = 0.5, goes out (also x3 flipped)
    {"x1": 1, "x2": 1, "x3": 0},  # the vote: sun on a cold day, 3 - 2 - 2.5 = -1.5, stays in
    {"x1": 0},  # try this: flipping x1 moves the highlighted row
    {"x2": 1},  # try this: flipping x2
    {"w2": 0.0},  # try this: a cold weight of 0 flips nothing (0 of 4)
    {"b": 0.5},  # try this: a raised bias makes a keen walker
    {"b": -6.0},  # try this: a bias so low that nothing gets the walker out
    {"w1": 1.0, "w3": 4.0},  # try this: free time now decides in 3 of 4 pairs
    {"w2": -1.0, "x1": 1, "x2": 1, "x3": 0},  # exercise 2.1: the warm coat, at x = (1, 1, 0)
    {"w1": 1.5, "w2": -3.0, "w3": 2.0, "b": -1.0},  # exercise 2.2: the other walker, read the flip counts
)
INPUT_Y = (4.0, 2.5, 1.0)   # heights of the three input boxes in the diagram
SUM_XY = (6.2, 2.5)
ROW_TOP, ROW_STEP = 0.86, 0.1  # table rows, in table-axes coordinates
COLUMNS = (0.06, 0.16, 0.28, 0.40, 0.53)
MARK_X, TABLE_RIGHT = 0.61, 0.64


def walk_votes(w, x, b):
    """The diagram's text: each input's vote w_i x_i and the sum z.

    w: (3,) weights.  x: (3,) 0/1 inputs.  b: bias.  Returns (votes: list of 3
    strings, equation: the line 'z = 3.0 + 0.0 + 2.0 − 2.5 = 2.5').
    """
    products = np.asarray(w) * np.asarray(x) + 0.0  # + 0.0 turns −0.0 into 0.0
    votes = [f"{number(wi, 1)} × {int(xi)} = {number(p, 1)}" for wi, xi, p in zip(w, x, products)]
    terms = " ".join([number(products[0], 1)] + [signed(p, 1) for p in products[1:]])
    z = float(np.dot(w, x) + b) + 0.0
    equation = f"z = {terms} {signed(b, 1)} = {number(z, 1)}"
    return votes, equation


def walk_frame(*, w1, w2, w3, b, x1, x2, x3):
    """Where everything in the walk figure goes for the given knobs (pure)."""
    w, x = np.array([w1, w2, w3]), np.array([x1, x2, x3], dtype=float)
    X, decisions = datasets.walk_decisions(w, b)
    z = Neuron(w, b, activation="step").z(X) + 0.0
    row = 4 * x1 + 2 * x2 + x3
    fires = bool(decisions[row])
    votes, equation = walk_votes(w, x, b)
    verdict = "z ≥ 0: the neuron fires → go for a walk" if fires else "z < 0: it stays silent → stay in"
    frame = {"equation": f"{equation}\n{verdict}",
             "output": {"text": "1\nwalk" if fires else "0\nstay in"},
             "output_node": {"facecolor": CLASS_COLORS[1] if fires else "#dbe7f3"},
             "row": {"y": ROW_TOP - ROW_STEP * (row + 1)},
             "bias": f"b = {number(b, 1)}",
             "walk_marks": {"offsets": _marks(np.flatnonzero(decisions == 1))},
             "stay_marks": {"offsets": _marks(np.flatnonzero(decisions == 0))}}
    for i in range(3):
        active = x[i] == 1
        frame[f"edge{i}"] = {"linewidth": 1.0 + 1.3 * abs(w[i]),
                             "linestyle": "-" if w[i] >= 0 else "--",
                             "color": COLORS["blue"] if w[i] >= 0 else COLORS["vermillion"],
                             "alpha": 1.0 if active else 0.22}
        frame[f"vote{i}"] = votes[i]
        frame[f"node{i}"] = {"facecolor": "#dbe7f3" if active else "white"}
        frame[f"xval{i}"] = f"{datasets.WALK_FEATURES[i]}\nx{str(i + 1).translate(SUB)} = {int(x[i])}"
    for j, value in enumerate((x1, x2, x3)):
        frame[f"row_in{j}"] = {"text": "yes" if value else "no", "y": ROW_TOP - ROW_STEP * (row + 0.5)}
    for k in range(8):
        frame[f"z{k}"] = number(z[k], 1)
        frame[f"say{k}"] = {"text": "walk" if decisions[k] else "stay in",
                            "fontweight": "bold" if decisions[k] else "normal"}
    counts = influence(decisions)
    flips = "\n".join(f"  {name:<10} {c} of 4 cases" for name, c in zip(datasets.WALK_FEATURES, counts))
    frame["summary"] = (f"walks in {int(decisions.sum())} of 8 situations\n\n"
                        f"flipping one input alone\nchanges the decision in:\n{flips}")
    return frame


def _marks(rows):
    """Marker positions (R, 2) beside the given table rows."""
    rows = np.asarray(rows)
    return np.column_stack([np.full(len(rows), MARK_X), ROW_TOP - ROW_STEP * (rows + 0.5)])


def _draw_walk_diagram(ax):
    """The neuron diagram's moving parts: input boxes, edges, votes, bias, output, equation."""
    ax.set_xlim(0, 14)
    ax.set_ylim(0, 4.9)
    ax.set_aspect("equal")
    ax.axis("off")
    artists = {}
    for i, y in enumerate(INPUT_Y):
        (artists[f"edge{i}"],) = ax.plot([2.45, SUM_XY[0] - 0.72], [y, SUM_XY[1] + (y - SUM_XY[1]) * 0.2],
                                         solid_capstyle="round", zorder=1)
        artists[f"node{i}"] = ax.add_patch(FancyBboxPatch((0.25, y - 0.45), 2.2, 0.9, zorder=2,
                                                          boxstyle="round,pad=0.04",
                                                          edgecolor=COLORS["grey"], lw=1.3))
        artists[f"xval{i}"] = ax.text(1.35, y, "", ha="center", va="center", fontsize=12, zorder=3,
                                      linespacing=1.3)
        mid_y = y + (SUM_XY[1] - y) * 0.4
        artists[f"vote{i}"] = ax.text(3.95, mid_y + 0.12, "", ha="center", va="bottom", fontsize=12,
                                      zorder=3, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.add_patch(Circle(SUM_XY, 0.75, facecolor="#eef4fa", edgecolor=COLORS["blue"], lw=1.6, zorder=2))
    ax.text(*SUM_XY, "Σ", ha="center", va="center", fontsize=17, zorder=3)
    ax.add_patch(FancyArrowPatch((SUM_XY[0], 0.5), (SUM_XY[0], 1.72), arrowstyle="-|>",
                                 mutation_scale=12, color=COLORS["grey"], lw=1.3))
    artists["bias"] = ax.text(SUM_XY[0] + 0.15, 0.35, "", ha="left", va="center", fontsize=12)
    ax.add_patch(FancyArrowPatch((SUM_XY[0] + 0.8, 2.5), (8.6, 2.5), arrowstyle="-|>", mutation_scale=14,
                                 color=COLORS["black"], lw=1.4))
    ax.text(7.8, 2.65, "step", ha="center", va="bottom", fontsize=12)
    artists["output_node"] = ax.add_patch(FancyBboxPatch((8.7, 1.9), 1.7, 1.2, zorder=2,
                                                         boxstyle="round,pad=0.05",
                                                         edgecolor=COLORS["black"], lw=1.4))
    artists["output"] = ax.text(9.55, 2.5, "", ha="center", va="center", fontsize=12, zorder=3,
                                fontweight="bold")
    artists["equation"] = ax.text(7.1, 4.85, "", fontsize=12, family="DejaVu Sans Mono", va="top",
                                  zorder=3, linespacing=1.4)
    return artists


def _draw_walk_table(ax):
    """The table of the eight situations: fixed inputs, moving z and decisions."""
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.axis("off")
    artists = {"row": ax.add_patch(Rectangle((0.0, 0.0), TABLE_RIGHT, ROW_STEP, facecolor=HIGHLIGHT,
                                             edgecolor=COLORS["black"], lw=1.0, zorder=1))}
    for x, head in zip(COLUMNS, ("sunny", "cold", "free time", "z", "decision")):
        ax.text(x, ROW_TOP + 0.03, head, ha="center", va="bottom", fontsize=12, fontweight="bold")
    ax.plot([0, TABLE_RIGHT], [ROW_TOP + 0.015, ROW_TOP + 0.015], color=COLORS["grey"], lw=1)
    X, _ = datasets.walk_decisions()
    for k, inputs in enumerate(X):
        y = ROW_TOP - ROW_STEP * (k + 0.5)
        for j, value in enumerate(inputs):      # fixed (WALK_FIXED): drawn once, in the background
            artists[f"in{k}_{j}"] = ax.text(COLUMNS[j], y, "yes" if value else "no", ha="center",
                                            va="center", fontsize=12, zorder=2)
        artists[f"z{k}"] = ax.text(COLUMNS[3] + 0.03, y, "", ha="right", va="center", fontsize=12,
                                   family="DejaVu Sans Mono", zorder=2)
        artists[f"say{k}"] = ax.text(COLUMNS[4], y, "", ha="center", va="center", fontsize=12, zorder=2)
    for j in range(3):      # the highlighted row's inputs, drawn again over its highlight
        artists[f"row_in{j}"] = ax.text(COLUMNS[j], 0.0, "", ha="center", va="center", fontsize=12, zorder=2)
    for name, k in (("stay_marks", 0), ("walk_marks", 1)):
        artists[name] = ax.scatter([], [], s=40, marker=CLASS_MARKERS[k], color=CLASS_COLORS[k],
                                   edgecolors=COLORS["black"], linewidths=0.5, zorder=3)
    artists["summary"] = ax.text(0.68, ROW_TOP + 0.03, "", fontsize=12, va="top", zorder=2,
                                 family="DejaVu Sans Mono", linespacing=1.35)
    return artists


def draw_walk(fig):
    """The walk figure: the neuron diagram above, the table of all situations below."""
    diagram = fig.add_axes((0.01, 0.5, 0.98, 0.44))
    fig.text(0.02, 0.965, "one neuron, three votes", fontsize=12, va="center")
    table = fig.add_axes((0.02, 0.0, 0.96, 0.44))
    fig.text(0.02, 0.475, "every situation (the current one highlighted)", fontsize=12, va="center")
    return {**_draw_walk_diagram(diagram), **_draw_walk_table(table)}


# The table's 24 yes/no input cells never change; only the highlighted row's three are drawn
# on each move, over the highlight (about 9 ms of the figure's 45 ms redraw).
WALK_FIXED = tuple(f"in{k}_{j}" for k in range(8) for j in range(3))


def walk_decision():
    """The go-for-a-walk neuron: three weights, a bias, three yes/no inputs and a live truth table."""
    alt = ("Top: a neuron diagram with three inputs, sunny, cold and free time, each joined to a sum "
           "node by a line whose thickness shows the weight and whose style shows its sign; the sum "
           "plus the bias gives z, and a step turns it into walk or stay in. Below: a table of all "
           "eight yes/no situations with z and the decision for each, the current situation "
           "highlighted, and how often flipping each input changes the decision.")
    return KnobFigure(WALK_KNOBS, draw_walk, walk_frame, alt=alt, figsize=(8.8, 5.6),
                      fixed=WALK_FIXED, settings=WALK_SETTINGS)


# --------------------------------------------------------- decision boundary ---

PLANE = (-3.0, 3.0)
BOUNDARY_KNOBS = [
    Slider("w1", "weight of x₁", -2.5, 2.5, 1.0, 0.1),
    Slider("w2", "weight of x₂", -2.5, 2.5, 1.0, 0.1),
    Slider("b", "bias", -4.0, 4.0, 0.0, 0.2),
]
BOUNDARY_SETTINGS = (
    {"w1": 1.0, "w2": -2.0, "b": 0.6},  # the line between the two clouds, no point ringed
    {"w1": -1.0, "w2": 2.0, "b": -0.6},  # the same line with all three signs flipped: the shading swaps
    {"w1": -1.0, "w2": -1.0, "b": 0.0},  # the starting line with its signs flipped: the arrow turns round
)


def weight_arrow(w, b, length=1.0, width=0.05, head=0.22):
    """An arrow along w, starting on the line z = 0 at its point nearest the origin.

    w: (2,), not both 0.  b: a number.  Returns the arrow's outline (7, 2) in
    data coordinates: a shaft of the given width, then a head of length ``head``.
    """
    w = np.asarray(w, dtype=float)
    along = w / np.hypot(*w)
    side = np.array([-along[1], along[0]])
    start = -b * w / np.dot(w, w)
    neck = start + (length - head) * along
    outline = [start + width / 2 * side, neck + width / 2 * side, neck + head * 0.6 * side,
               start + length * along, neck - head * 0.6 * side, neck - width / 2 * side,
               start - width / 2 * side]
    return np.array(outline)


def boundary_frame(X, y, *, w1, w2, b):
    """Regions, boundary, arrow, misclassified rings and readout for the knobs (pure).

    X: (N, 2) points.  y: (N,) labels 0/1.
    """
    w = np.array([w1, w2])
    fire, rest, line = split_box(w, b, PLANE, PLANE)
    wrong = perceptron.predict(X, w, b) != y
    text = f"z = {number(w1)}·x₁ {signed(w2)}·x₂ {signed(b)}\nmisclassified: {int(wrong.sum())} of {len(y)}"
    if not w.any():
        text += "\nw = (0, 0): no line, every point on one side"
    return {"fire": {"xy": fire}, "rest": {"xy": rest}, "line": line, "readout": text,
            "arrow": {"xy": weight_arrow(w, b) if w.any() else np.zeros((3, 2))},
            "wrong": {"offsets": X[wrong].reshape(-1, 2)}}


def _draw_classified_plane(ax, xlim, ylim):
    """Shaded halves, boundary line and rings for misclassified points (moving artists)."""
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    fire = ax.add_patch(Polygon(np.zeros((3, 2)), facecolor=SHADES[1], edgecolor="none", zorder=1))
    rest = ax.add_patch(Polygon(np.zeros((3, 2)), facecolor=SHADES[0], edgecolor="none", zorder=1))
    (line,) = ax.plot([], [], color=COLORS["black"], linewidth=2.2, zorder=2)
    wrong = ax.scatter([], [], s=190, facecolors="none", edgecolors=COLORS["vermillion"],
                       linewidths=1.8, zorder=4)
    # The shading is redrawn on every turn of a knob, so the spines it touches are too.
    return {"fire": fire, "rest": rest, "line": line, "wrong": wrong,
            "spine_left": ax.spines["left"], "spine_bottom": ax.spines["bottom"]}


def _points(ax, X, y, size=48):
    """Class-coloured, class-shaped points; returns {'points0': ..., 'points1': ...}."""
    made = {}
    for k in (0, 1):
        made[f"points{k}"] = ax.scatter(X[y == k, 0], X[y == k, 1], s=size, color=CLASS_COLORS[k],
                                        marker=CLASS_MARKERS[k], edgecolors=COLORS["black"],
                                        linewidths=0.6, zorder=3)
    return made


def _legend_handles(class_names):
    """Legend entries: the two shaded sides and the two classes."""
    return [Patch(facecolor=SHADES[1], label="z ≥ 0: output 1"),
            Patch(facecolor=SHADES[0], label="z < 0: output 0"),
            *[Line2D([], [], linestyle="none", marker=CLASS_MARKERS[k], color=CLASS_COLORS[k],
                     markeredgecolor=COLORS["black"], markersize=8, label=class_names[k]) for k in (0, 1)],
            Line2D([], [], color=COLORS["black"], lw=2.2, label="boundary z = 0")]


def draw_boundary(fig, X, y):
    """Axes, points, shaded sides, boundary, the w arrow, rings and readout."""
    ax = fig.add_axes((0.09, 0.1, 0.53, 0.87))
    style_axes(ax, xlabel="x₁", ylabel="x₂")
    artists = _draw_classified_plane(ax, PLANE, PLANE)
    artists.update(_points(ax, X, y))
    artists["arrow"] = ax.add_patch(Polygon(np.zeros((3, 2)), facecolor=COLORS["purple"],
                                            edgecolor="none", zorder=5))
    artists["readout"] = readout(ax, size=12)
    handles = _legend_handles(("class 0", "class 1"))
    handles.append(Line2D([], [], color=COLORS["purple"], lw=2.2, marker=">", label="w (points to the 1 side)"))
    handles.append(Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", markersize=11,
                          markeredgecolor=COLORS["vermillion"], markeredgewidth=1.8, label="misclassified"))
    fig.legend(handles=handles, loc="center left", bbox_to_anchor=(0.63, 0.5), frameon=False, fontsize=12)
    return artists


def decision_boundary(X=None, y=None):
    """A step neuron on two inputs: w1, w2 turn its boundary line, b shifts it.

    X: (N, 2) points and y: (N,) labels 0/1; defaults to ``datasets.two_clouds()``.
    """
    if X is None:
        X, y = datasets.two_clouds()
    alt = ("Two clouds of points, blue circles (class 0) and orange squares (class 1), on a plane "
           "cut by a straight line where the neuron's weighted sum is zero. The side where the "
           "neuron outputs 1 is shaded orange, the other blue; an arrow shows the weight vector, "
           "misclassified points are ringed, and a box gives the equation and the error count.")
    return KnobFigure(BOUNDARY_KNOBS, partial(draw_boundary, X=X, y=y), partial(boundary_frame, X, y),
                      alt=alt, figsize=(7.2, 4.4), settings=BOUNDARY_SETTINGS)


# ------------------------------------------------------- perceptron learning ---

GATE_BOX = (-0.6, 1.6)
LEARNING_KNOBS = [
    Slider("t", "updates so far", 0, MAX_UPDATES, 0, 1, integer=True),
    Choice("task", "logic gate", ("AND", "OR", "XOR"), "AND"),
]
LEARNING_SETTINGS = (
    {"t": 1},  # AND, walked up one update at a time
    {"t": 2},  # AND, walked up one update at a time
    {"t": 3},  # AND, walked up one update at a time
    {"t": 4},  # AND, walked up one update at a time
    {"t": 5},  # AND, walked up one update at a time
    {"t": 6},  # AND, walked up one update at a time
    {"t": 7},  # AND, walked up one update at a time
    {"t": 8},  # AND, walked up one update at a time
    {"t": 9},  # AND, walked up one update at a time
    {"t": 10},  # AND: after update 10 every point is on its side
    {"t": 20},  # AND long after it settled: the line no longer moves
    {"task": "OR", "t": 8},  # OR settles one update before AND
    {"task": "OR", "t": 9},  # OR, one update after it settled
    {"task": "XOR", "t": 20},  # XOR on the way: the line keeps jumping
    {"task": "XOR", "t": 40},  # XOR dragged to the end: still wrong somewhere
)


def _point_text(x):
    return f"({int(x[0])}, {int(x[1])})"


def update_story(task, t):
    """What update t did, in words: a few lines of text (pure)."""
    X, y = perceptron.logic_gate(task)
    run = gate_run(task)
    now = weights_text(run.weights[t], run.biases[t])
    if t == 0:
        return f"start, before any update:\n{now}"
    i, error = run.used[t - 1], run.errors[t - 1]
    guess = y[i] - error
    head = f"update {t} looked at {_point_text(X[i])}:\ntarget y = {y[i]}, guess ŷ = {guess}"
    if error == 0:
        return f"{head}, right\ny − ŷ = 0: nothing changes\n{now}"
    sign = "+" if error > 0 else "−"
    return (f"{head}, wrong\ny − ŷ = {sign}1: w ← w {sign} {RATE}·{_point_text(X[i])}\n"
            f"{' ' * 12}b ← b {sign} {RATE}\nnow {now}")


def status_line(task, t):
    """How many of the four points are wrong after t updates, and whether it settled."""
    run = gate_run(task)
    wrong, settled = int(run.mistakes[t]), run.settled_at
    if settled is not None and t >= settled:
        return f"all 4 points right since\nupdate {settled}: the rule has\nstopped changing"
    if task == "XOR" and t > 0:
        return (f"still misclassifies {wrong} point{'s' if wrong != 1 else ''}\nafter {t} updates: "
                "no line\nseparates XOR, so the rule\nnever settles")
    return f"misclassified now: {wrong} of 4"


def learning_frame(*, t, task):
    """Everything the learning figure shows after t updates on the task (pure)."""
    X, y = perceptron.logic_gate(task)
    run = gate_run(task)
    w, b = run.weights[t], run.biases[t]
    fire, rest, line = split_box(w, b, GATE_BOX, GATE_BOX)
    before = split_box(run.weights[max(t - 1, 0)], run.biases[max(t - 1, 0)], GATE_BOX, GATE_BOX)[2]
    moved = t > 0 and run.errors[t - 1] != 0
    used = X[run.used[t - 1]].reshape(1, 2) if t > 0 else np.zeros((0, 2))
    wrong = perceptron.predict(X, w, b) != y
    frame = {"fire": {"xy": fire}, "rest": {"xy": rest}, "line": line,
             "previous": before if moved else (np.zeros(0), np.zeros(0)),
             "used": {"offsets": used}, "wrong": {"offsets": X[wrong].reshape(-1, 2)},
             "points0": {"offsets": X[y == 0]}, "points1": {"offsets": X[y == 1]},
             "history": (np.arange(t + 1), run.mistakes[: t + 1]),
             "now": ([t], [run.mistakes[t]]),
             "story": update_story(task, t), "status": status_line(task, t),
             "title": f"{task}: the perceptron after {t} update{'s' if t != 1 else ''}"}
    return frame


def draw_learning(fig):
    """The gate square with its four points, the mistakes-so-far plot and the text."""
    ax = fig.add_axes((0.08, 0.27, 0.42, 0.605))
    style_axes(ax, xlabel="x₁", ylabel="x₂")
    ax.set_xticks([0, 1])
    ax.set_yticks([0, 1])
    artists = _draw_classified_plane(ax, GATE_BOX, GATE_BOX)
    (artists["previous"],) = ax.plot([], [], color=COLORS["grey"], linestyle="--", linewidth=1.5, zorder=2)
    artists["used"] = ax.scatter([], [], s=420, facecolors="none", edgecolors=COLORS["black"],
                                 linewidths=1.3, zorder=4)
    artists.update(_points(ax, np.zeros((0, 2)), np.zeros(0, dtype=int), size=110))
    artists["title"] = ax.text(0.0, 1.03, "", transform=ax.transAxes, fontsize=12, va="bottom")
    curve = fig.add_axes((0.66, 0.69, 0.32, 0.2))
    style_axes(curve, xlabel="t (updates so far)", ylabel="misclassified")
    curve.set_xlim(-0.8, MAX_UPDATES + 0.8)
    curve.set_ylim(-0.3, 4.3)
    curve.set_yticks(range(5))
    (artists["history"],) = curve.plot([], [], color=COLORS["blue"], linewidth=1.8, drawstyle="steps-post")
    (artists["now"],) = curve.plot([], [], "o", color=COLORS["blue"], markersize=6)
    artists["story"] = fig.text(0.56, 0.56, "", fontsize=12, va="top", family="DejaVu Sans Mono",
                                linespacing=1.35)
    artists["status"] = fig.text(0.56, 0.32, "", fontsize=12, va="top", fontweight="bold")
    handles = _legend_handles(("target 0", "target 1"))
    handles += [Line2D([], [], color=COLORS["grey"], linestyle="--", label="boundary before the update"),
                Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", markersize=13,
                       markeredgecolor=COLORS["black"], label="point the update used"),
                Line2D([], [], linestyle="none", marker="o", markerfacecolor="none", markersize=11,
                       markeredgecolor=COLORS["vermillion"], markeredgewidth=1.8, label="misclassified")]
    fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.0), ncol=2, fontsize=12,
               frameon=False)
    return artists


def perceptron_learning():
    """The perceptron rule on AND, OR or XOR: knob t replays the updates one by one."""
    alt = ("The four corners of the unit square, coloured by the chosen logic gate's output, with "
           "the perceptron's boundary line and shaded sides after t updates; the point used by the "
           "last update is circled and the previous boundary dashed. Beside it, a plot of how many "
           "points are misclassified after each update, what the last update did, and whether the "
           "rule has settled; for XOR it never does.")
    return KnobFigure(LEARNING_KNOBS, draw_learning, learning_frame, alt=alt, figsize=(7.2, 5.8),
                      settings=LEARNING_SETTINGS)
