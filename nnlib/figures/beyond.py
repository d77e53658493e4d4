"""Chapter 8 figures: convolution, recurrence and attention, one knob figure each.

The maths lives in three small pure functions (``correlate``, ``recur``,
``attend``) in ``nnlib.chapters.beyond``, which the figures and the exercise
checkers share.
"""
import numpy as np
from matplotlib.patches import Polygon, Rectangle

from ..chapters.beyond import STEPS, attend, correlate, digit_picture, input_sequence, line_kernel, recur
from ..knobs import Choice, KnobFigure, Slider
from ..plotting import COLORS, number, readout, style_axes, surface_colormap

__all__ = ["convolution", "recurrence", "attention"]


# ------------------------------------------------------------------ convolution

CONV_KNOBS = [
    Choice("across", "direction the weights change", ("left → right", "top → bottom"),
           "left → right"),
    Slider("a", "weights on the first side", -1.0, 1.0, -1.0, 0.5),
    Slider("m", "weights in the middle line", -1.0, 1.0, 0.0, 0.5),
    Slider("b", "weights on the far side", -1.0, 1.0, 1.0, 0.5),
]
CONV_SETTINGS = (
    {"a": 1.0, "m": 1.0, "b": 1.0},  # try this: all weights 1, a blurred zero
    {"a": 0.5, "m": 1.0, "b": 1.0},  # then a brought down a step at a time
    {"a": 0.0, "m": 1.0, "b": 1.0},  # a at 0
    {"a": -0.5, "m": 1.0, "b": 1.0},  # a at -0.5
    {"a": -1.0, "m": 1.0, "b": 1.0},  # a at -1, m still 1
    {"a": -1.0, "m": 0.5, "b": 1.0},  # m on its way down to 0, where the edge detector is back
    {"across": "top → bottom"},  # try this: the weights down the rows, top and bottom light up
    {"a": -0.5, "m": 1.0, "b": -0.5},  # try this: a thin line of ink, the middles of the strokes
)
FEATURE_LIMIT = 2.0
"""The feature map's colour scale runs from −FEATURE_LIMIT to +FEATURE_LIMIT."""


def convolution_frame(*, across, a, m, b):
    """Pure frame: kernel picture and numbers, feature map, strongest-response boxes."""
    kernel = line_kernel(across, a, m, b)
    feature = correlate(digit_picture(), kernel)
    i, j = np.unravel_index(np.argmax(np.abs(feature)), feature.shape)
    frame = {"kernel": {"data": kernel}, "feature": {"data": feature},
             "window": {"xy": (j - 0.5, i - 0.5)}, "pixel": {"xy": (j - 0.5, i - 0.5)},
             "readout": f"strongest response\n{number(feature[i, j])} (red box)"}
    for r in range(3):
        for c in range(3):
            frame[f"w{r}{c}"] = number(kernel[r, c], 1)
    return frame


def _picture_axes(ax, title):
    ax.set_title(title, fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_convolution(fig):
    """Three panels: the digit with the window, the 3×3 kernel, the feature map."""
    picture = digit_picture()
    left, middle, right = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 0.62, 1]})
    _picture_axes(left, "input: a handwritten 0")
    left.imshow(picture, cmap="gray_r", vmin=0, vmax=1)
    window = Rectangle((0, 0), 3, 3, fill=False, edgecolor=COLORS["vermillion"], linewidth=2.2, zorder=5)
    left.add_patch(window)
    _picture_axes(middle, "kernel: 9 shared weights")
    kernel = middle.imshow(np.zeros((3, 3)), cmap=surface_colormap(), vmin=-1.6, vmax=1.6)
    weights = {f"w{r}{c}": middle.text(c, r, "", ha="center", va="center", fontsize=12, zorder=3)
               for r in range(3) for c in range(3)}
    middle.set_anchor("C")
    _picture_axes(right, "output: the feature map")
    feature = right.imshow(np.zeros((18, 18)), cmap=surface_colormap(),
                           vmin=-FEATURE_LIMIT, vmax=FEATURE_LIMIT)
    pixel = Rectangle((0, 0), 1, 1, fill=False, edgecolor=COLORS["vermillion"], linewidth=2.2, zorder=5)
    right.add_patch(pixel)
    bar = fig.colorbar(feature, ax=right, fraction=0.046, pad=0.03, ticks=[-2, -1, 0, 1, 2])
    bar.ax.tick_params(labelsize=12)
    fig.tight_layout()
    text = readout(right, x=0.03, y=0.03, va="bottom", size=12)
    return {"kernel": kernel, **weights, "feature": feature, "window": window, "pixel": pixel,
            "readout": text}


def convolution():
    """A 3×3 kernel with three knobs slid over a handwritten digit."""
    alt = ("Left: a blocky handwritten 0 with a small red square marking a 3×3 window. Middle: "
           "the 3×3 kernel with its nine weights written in. Right: the feature map the kernel "
           "produces, orange where the response is positive and blue where it is negative.")
    return KnobFigure(CONV_KNOBS, draw_convolution, convolution_frame, alt=alt, figsize=(9.6, 3.6),
                      settings=CONV_SETTINGS)


# ------------------------------------------------------------------ recurrence

REC_KNOBS = [
    Slider("w_h", "recurrent weight", -1.5, 1.5, 0.8, 0.1),
    Choice("f", "activation", ("none", "tanh"), "none"),
    Choice("x", "input", ("one blip", "held on"), "one blip"),
]
REC_SETTINGS = (
    {"w_h": 1.0},  # exactly 1 keeps the blip for ever
    {"w_h": 1.1},  # just above 1: h grows without end
    {"w_h": 1.5},  # at 1.5 past 10^5
    {"w_h": -0.8},  # a negative w_h flips the sign at every step
    {"f": "tanh"},  # tanh: growth can no longer run away
    {"f": "tanh", "w_h": 1.5},  # tanh at 1.5: held on near 0.86
    {"x": "held on"},  # a 1 at every step: settles at 1/(1 - w_h)
    {"w_h": 0.9},  # solution 8.3: about a third left after ten steps
    {"w_h": -0.9},  # solution 8.3: the negative side, the sign flipping
)
H_LIMIT = 3.0
"""The left panel shows h between −H_LIMIT and +H_LIMIT; bigger values are flagged."""


def verdict(h, held_on=False):
    """A few words on what the state h (T + 1,) did over its last steps."""
    tail = h[-5:]
    size, steps = np.abs(tail), np.abs(np.diff(tail))
    if size.max() < 0.01:
        return "fades away"
    if size[-1] > 100:
        return "explodes"
    if np.ptp(tail) < 0.01:
        return "settles down" if held_on else "holds on for good"
    if np.ptp(size) < 0.01:
        return "flips sign for good"
    if size.max() > 1.05 * np.abs(h[-10:-5]).max():
        swings = np.any(tail[1:] * tail[:-1] < 0)
        return "swings wider and wider" if swings else "keeps growing"
    if steps[-1] < 0.99 * steps[0]:
        return "settles slowly" if held_on else "fades slowly"
    return "keeps swinging"


def recurrence_frame(*, w_h, f, x):
    """Pure frame: the inputs, h over time (clipped to the panel), |h| on a log scale, readout."""
    inputs = input_sequence(x)
    h = recur(inputs, w_h, f=f)
    t = np.arange(STEPS + 1)
    shown = np.clip(h, -H_LIMIT, H_LIMIT)
    off = np.abs(h) > H_LIMIT
    note = "\n▲ off the chart" if off.any() else ""
    return {
        "inputs": {"segments": [[(step, 0.0), (step, x_t)] for step, x_t in zip(t[1:], inputs)]},
        "h": (t, shown), "dots": (t, shown), "off": (t[off], shown[off]),
        "size": (t[1:], np.maximum(np.abs(h[1:]), 1e-12)),
        "readout": f"h₅ = {_short(h[5])}\nh₃₀ = {_short(h[30])}\n→ {verdict(h, x == 'held on')}{note}",
    }


def _short(value):
    """A number in a few characters: 0.33, 0.0012, −1.2e+05."""
    text = f"{value:.2g}" if abs(value) >= 1e4 or 0 < abs(value) < 0.01 else f"{value:.2f}"
    return text.replace("-", "−")


def draw_recurrence(fig):
    """Left: the inputs x_t above the state h_t. Right: |h_t| on a log scale."""
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 4.2], width_ratios=[1.25, 1], hspace=0.08)
    top = fig.add_subplot(grid[0, 0])
    left = fig.add_subplot(grid[1, 0], sharex=top)
    right = fig.add_subplot(grid[:, 1])
    style_axes(top, ylabel="xₜ", title="input (top) and hidden state hₜ (below)")
    top.set_ylim(0, 1.3)
    top.set_yticks([0, 1])
    top.tick_params(labelbottom=False)
    inputs = top.vlines([], [], [], color=COLORS["green"], linewidth=2.5)
    style_axes(left, xlabel="step t", ylabel="hidden state hₜ")
    left.set_xlim(-0.5, STEPS + 0.5)
    left.set_ylim(-H_LIMIT * 1.1, H_LIMIT * 1.1)
    left.axhline(0, color="#999999", linewidth=0.8)
    (h_line,) = left.plot([], [], color=COLORS["blue"], linewidth=1.4, zorder=4)
    (dots,) = left.plot([], [], "o", color=COLORS["blue"], markersize=4, zorder=5)
    (off,) = left.plot([], [], "^", color=COLORS["vermillion"], markersize=8, zorder=6)
    style_axes(right, xlabel="step t", ylabel="|hₜ| (log scale)", title="the size of hₜ")
    right.set_yscale("log")
    right.set_xlim(0, STEPS)
    right.set_ylim(1e-6, 1e6)
    right.axhline(1, color="#999999", linewidth=0.8)
    (size,) = right.plot([], [], color=COLORS["purple"], linewidth=2)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.92, bottom=0.13, wspace=0.3)
    return {"inputs": inputs, "h": h_line, "dots": dots, "off": off, "size": size,
            "readout": readout(right, size=12)}


def recurrence():
    """A hidden state carried through a sequence; the recurrent weight decides how long it lasts."""
    alt = ("Left: the hidden state h plotted over 30 steps after a blip of input, with red "
           "triangles where it runs off the chart. Right: the size of h on a log scale, a "
           "straight line falling when memory fades and rising when it explodes.")
    return KnobFigure(REC_KNOBS, draw_recurrence, recurrence_frame, alt=alt, figsize=(9.6, 3.9),
                      settings=REC_SETTINGS)


# ------------------------------------------------------------------ attention

KEY_ANGLES = np.deg2rad([20, 82, 155, 236, 312])
KEYS = 1.5 * np.column_stack([np.cos(KEY_ANGLES), np.sin(KEY_ANGLES)])
"""Five key vectors of length 1.5, one per input; the inputs' values are these same points."""
KEY_COLORS = (COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["purple"], COLORS["sky"])


ATT_KNOBS = [
    Slider("angle", "direction of the query, degrees", 0, 345, 30, 15, integer=True),
    Slider("length", "length of the query", 0.0, 3.0, 1.5, 0.5),
]
ATT_SETTINGS = (
    {"angle": 90},  # angle turned: the key near 82 degrees wins
    {"angle": 240},  # angle turned: the key near 236 degrees wins
    {"length": 0.0},  # length 0: every weight 20 %
    {"angle": 150, "length": 3.0},  # length 3 pointed at a key: it takes most of the weight
    {"angle": 45},  # between two keys: both get a share
)


def arrow(tip, head=0.28):
    """An arrow from the origin to tip (2,): the shaft as (xs, ys) and the head as a (3, 2) triangle."""
    length = np.hypot(*tip)
    if length == 0:
        return ([0.0, 0.0], [0.0, 0.0]), np.zeros((3, 2))
    along = tip / length
    across = np.array([-along[1], along[0]])
    size = min(head, length)
    base = tip - size * along
    shaft = base + 0.2 * size * along  # stop inside the head so the tip stays sharp
    triangle = np.array([tip, base + 0.45 * size * across, base - 0.45 * size * across])
    return ([0.0, shaft[0]], [0.0, shaft[1]]), triangle


def attention_frame(*, angle, length):
    """Pure frame: query arrow, output point, weight bars and their labels, readout."""
    theta = np.deg2rad(angle)
    query = length * np.array([np.cos(theta), np.sin(theta)])
    scores, weights, output = attend(query, KEYS, KEYS)
    shaft, head = arrow(query)
    frame = {"query": shaft, "head": {"xy": head}, "output": ([output[0]], [output[1]]),
             "readout": f"q = ({number(query[0])}, {number(query[1])})"}
    for i, (s, w) in enumerate(zip(scores, weights)):
        frame[f"bar{i}"] = {"height": w}
        frame[f"label{i}"] = {"text": f"{number(s)}\n→ {w:.0%}", "y": w + 0.02}
        frame[f"spoke{i}"] = {"linewidth": 0.5 + 6 * w}
    return frame


def draw_attention(fig):
    """Left: keys as arrows, the query arrow, the output point. Right: the weights as bars."""
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.05]})
    style_axes(left, xlabel="first coordinate", ylabel="second coordinate",
               title="keys (arrows), query q (black), output ★")
    left.set_xlim(-3.2, 3.2)
    left.set_ylim(-3.2, 3.2)
    left.set_aspect("equal")
    artists = {}
    for i, (key, colour) in enumerate(zip(KEYS, KEY_COLORS)):
        (artists[f"spoke{i}"],) = left.plot([0, key[0]], [0, key[1]], color=colour, alpha=0.35,
                                             solid_capstyle="round", zorder=1)
        # returned with the moving artists (without frame data) so that they stay on top
        artists[f"key{i}"] = left.annotate("", key, (0, 0), zorder=2, arrowprops={
            "arrowstyle": "-|>", "color": colour, "lw": 1.8, "mutation_scale": 14})
        left.text(*(key * 1.18), f"k{i + 1}", ha="center", va="center", fontsize=12, color=colour)
    (query,) = left.plot([], [], color=COLORS["black"], linewidth=2.4, zorder=4)
    head = left.add_patch(Polygon(np.zeros((3, 2)), closed=True, color=COLORS["black"], zorder=4))
    (output,) = left.plot([], [], "*", color=COLORS["vermillion"], markersize=17,
                          markeredgecolor="black", zorder=6)
    style_axes(right, ylabel="attention weight", title="score → weight, for each key")
    right.set_ylim(0, 1.18)
    right.set_xlim(-0.6, len(KEYS) - 0.4)
    right.set_xticks(range(len(KEYS)), [f"k{i + 1}" for i in range(len(KEYS))])
    for i, colour in enumerate(KEY_COLORS):
        artists[f"bar{i}"] = right.add_patch(Rectangle((i - 0.35, 0), 0.7, 0, color=colour, zorder=2))
        artists[f"label{i}"] = right.text(i, 0, "", ha="center", va="bottom", fontsize=12, zorder=3)
    fig.tight_layout()
    artists.update(query=query, head=head, output=output, readout=readout(left, size=12))
    return artists


def attention():
    """A query's scores against five keys, turned into weights; the output is their weighted average."""
    alt = ("Left: five coloured key arrows from the origin, a black query arrow set by the knobs "
           "and a red star at the weighted average of the key points. Right: one bar per key "
           "showing its attention weight, with its score above.")
    return KnobFigure(ATT_KNOBS, draw_attention, attention_frame, alt=alt, figsize=(9.6, 4.3),
                      settings=ATT_SETTINGS)
