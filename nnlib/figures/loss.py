"""Chapter 5 figures: how wrong is a prediction?  Loss curves and the loss landscape.

Every curve here is a pure function of the knobs; the numbers in the readouts
come from ``nnlib.losses`` so that the pictures and the library agree.
"""
from functools import lru_cache, partial

import numpy as np
from matplotlib.colors import LogNorm

from .. import activations, datasets, losses
from ..chapters.loss import best_line, landscape
from ..knobs import Choice, KnobFigure, Slider
from ..plotting import CLASS_COLORS, COLORS, number, readout, style_axes, legible_axes
from . import line

__all__ = ["squared_error_curve", "binary_cross_entropy_curve", "softmax_cross_entropy_bars",
           "be_the_optimizer", "mse_vs_cross_entropy"]

W_LIMITS = (-3.0, 3.0)
B_LIMITS = (-5.0, 5.0)
LANDSCAPE_LEVELS = np.geomspace(0.2, 102.4, 10)
"""Contour levels of the line-fit landscape: each one twice the one before."""


# ------------------------------------------------------------ squared error ---
SQUARED_KNOBS = [
    Slider("y_hat", "prediction", -3.0, 3.0, 2.0, 0.1),
    Slider("y", "target", -1.5, 1.5, 0.5, 0.5),
]
SQUARED_SETTINGS = (
    {"y_hat": 0.5},  # prediction on the target: every score is zero
    {"y_hat": -2.0},  # prediction too low: the signed error goes negative
    {"y": -1.0},  # the target moved: the curves slide along
    {"y": 1.5},  # the target moved the other way
)
PREDICTIONS = np.linspace(-3.2, 3.2, 257)


def squared_frame(*, y_hat, y):
    """Signed, absolute and squared error of one prediction, as curves over ŷ.

    y_hat, y: numbers.  Returns the frame: the three curves over PREDICTIONS
    (their valley follows the target), a marker on each at ŷ, the target line
    and a readout whose squared error comes from ``losses.mse``.
    """
    error = PREDICTIONS - y
    squared, _ = losses.mse([[y_hat]], [[y]])
    e = y_hat - y
    text = (f"ŷ = {number(y_hat)},  y = {number(y)}\n"
            f"error ŷ − y = {number(e)}\n"
            f"|error|     = {abs(e):.2f}\n"
            f"error²      = {squared:.2f}")
    return {"signed": (PREDICTIONS, error), "absolute": (PREDICTIONS, np.abs(error)),
            "squared": (PREDICTIONS, error ** 2), "target": ([y, y], [-7.0, 21.5]),
            "target_label": {"position": (y, -6.6)},
            "dots": {"offsets": [[y_hat, e], [y_hat, abs(e)], [y_hat, squared]]},
            "readout": text}


def draw_squared(fig):
    """One panel: three error curves over the prediction; returns the moving artists."""
    ax = fig.add_subplot()
    style_axes(ax, xlabel="ŷ (prediction)", ylabel="how wrong",
               title="three ways to score one prediction against its target y")
    ax.set_xlim(-3.2, 3.2)
    ax.set_ylim(-7.0, 21.5)
    ax.axhline(0, color="#999999", linewidth=0.8)
    (target,) = ax.plot([], [], color=COLORS["grey"], linestyle=(0, (1, 2)), linewidth=1.2)
    (signed,) = ax.plot([], [], "--", color=COLORS["grey"], linewidth=1.8, label="error ŷ − y")
    (absolute,) = ax.plot([], [], ":", color=COLORS["sky"], linewidth=2.4, label="|error|")
    (squared,) = ax.plot([], [], color=COLORS["blue"], linewidth=2.6, label="error² (squared)")
    dots = ax.scatter([0, 0, 0], [0, 0, 0], s=[55, 55, 80], marker="o", zorder=5,
                      c=[COLORS["grey"], COLORS["sky"], COLORS["vermillion"]],
                      edgecolors="white", linewidths=1.0)
    ax.legend(handles=[signed, absolute, squared], loc="lower right", fontsize=12)
    fig.tight_layout()
    # left of the target line, so that it never runs under the legend in the lower right
    label = ax.text(0, -6.6, "target y ", color=COLORS["grey"], fontsize=12, ha="right", va="bottom")
    return {"target": target, "target_label": label, "signed": signed, "absolute": absolute,
            "squared": squared, "dots": dots, "readout": centred_readout(ax)}


def squared_error_curve():
    """Knobs ŷ and y: the signed, absolute and squared error as curves over ŷ."""
    alt = ("Three curves over the prediction: the signed error (a straight line crossing zero), the "
           "absolute error (a V) and the squared error (a parabola), all with their lowest point at the "
           "target; dots mark the current prediction and a box gives the three values.")
    return KnobFigure(SQUARED_KNOBS, draw_squared, squared_frame, alt=alt, figsize=(7.0, 4.2),
                      settings=SQUARED_SETTINGS)


@legible_axes
def draw_why_square(axes):
    """Two panels on why errors are squared.  axes: a pair of matplotlib axes.

    Left: the flat line y = mean(y) and the best line both have a mean signed
    error of 0 on the chapter-1 points.  Right: errors (1, 1, 1, 1) and
    (0, 0, 0, 4) have the same mean absolute error but different MSE.
    Returns the list of artists drawn.
    """
    X, y = datasets.line_points()
    w_best, b_best = best_line(X, y)
    ax = style_axes(axes[0], xlabel="x", ylabel="y",
                    title="both lines: mean of the signed errors = 0")
    ax.set_xlim(*line.X_LIMITS)
    ax.set_ylim(-6.0, 7.0)
    xs = np.array(line.X_LIMITS)
    made = [ax.scatter(X[:, 0], y[:, 0], s=30, color=COLORS["blue"], zorder=3, label="data")]
    for (w, b), colour, style, name in (((0.0, float(y.mean())), COLORS["vermillion"], "--", "flat"),
                                        ((w_best, b_best), COLORS["orange"], "-", "best")):
        mse, _ = losses.mse(w * X + b, y)
        signed = float(np.mean(w * X + b - y))
        (drawn,) = ax.plot(xs, w * xs + b, style, color=colour, linewidth=2.3,
                           label=f"{name}: mean error {abs(signed):.2f}, MSE {mse:.2f}")
        made.append(drawn)
    ax.legend(loc="lower right", fontsize=12)
    made += _draw_error_bars(axes[1])
    return made


def _draw_error_bars(ax):
    """Right panel of draw_why_square: two sets of four errors and their scores."""
    style_axes(ax, ylabel="error of each point", title="same mean |error|, different MSE")
    sets = {"spread out": np.array([1.0, 1.0, 1.0, 1.0]), "one big miss": np.array([0.0, 0.0, 0.0, 4.0])}
    made = []
    for k, (name, errors) in enumerate(sets.items()):
        xs = 5 * k + np.arange(4)
        made.append(ax.bar(xs, errors, color=CLASS_COLORS[k], hatch="//" if k else None,
                           edgecolor="white", width=0.8))
        made += [ax.text(x, e + 0.08, f"{e:g}", ha="center", va="bottom", fontsize=12)
                 for x, e in zip(xs, errors)]
        mse, _ = losses.mse(errors, np.zeros(4))
        made.append(ax.text(5 * k + 1.5, 4.45, f"{name}\nmean |error| {np.mean(np.abs(errors)):.0f}"
                            f"\nMSE {mse:.0f}", ha="center", va="bottom", fontsize=12))
    ax.set_xticks([0, 1, 2, 3, 5, 6, 7, 8], ["1", "2", "3", "4"] * 2)
    ax.set_xlabel("point")
    ax.set_ylim(0, 6.3)
    return made


# ------------------------------------------------------ binary cross-entropy ---
BCE_KNOBS = [
    Slider("p", "probability", 0.02, 0.98, 0.7, 0.02),
    Choice("y", "true class", ("1", "0"), "1"),
]
BCE_SETTINGS = (
    {"p": 0.9},  # p = 0.9 and the answer is yes: about 0.105
    {"p": 0.9, "y": "0"},  # p = 0.9 and the answer is no: about 2.30
    {"p": 0.02},  # p pushed towards 0 with y = 1: the loss shoots up
    {"y": "0"},  # target 0: the picture mirrors
)
PROBABILITIES = np.linspace(0.001, 0.999, 400)
SCORES = np.linspace(-5.0, 5.0, 401)


TARGET_STYLE = {"1": {"color": COLORS["blue"], "linestyle": "-"},
                "0": {"color": COLORS["orange"], "linestyle": "--"}}


def bce_frame(*, p, y):
    """Binary cross-entropy of probability p for the true class y ("0" or "1").

    Returns the frame: the active curve −ln p (y = 1) or −ln(1 − p) (y = 0)
    over p and the same loss over the score z = ln(p / (1 − p)), a marker on
    each, and readouts whose losses come from ``losses.binary_cross_entropy``
    (from p) and ``losses.binary_cross_entropy_with_logits`` (from z).
    """
    target = float(y)
    z = float(np.log(p / (1.0 - p)))
    from_p, _ = losses.binary_cross_entropy([p], [target])
    from_z, _ = losses.binary_cross_entropy_with_logits([z], [target])
    curve_p = -np.log(PROBABILITIES if target else 1.0 - PROBABILITIES)
    curve_z = np.logaddexp(0.0, -SCORES if target else SCORES)
    term = f"−ln({p:.2f})" if target else f"−ln(1 − {p:.2f})"
    return {"curve_p": {"data": (PROBABILITIES, curve_p), **TARGET_STYLE[y]},
            "curve_z": {"data": (SCORES, curve_z), **TARGET_STYLE[y]},
            "dot_p": ([p], [from_p]), "dot_z": ([z], [from_z]),
            "readout_p": f"y = {y},  p = {p:.2f}\nL = {term} = {from_p:.2f}",
            "readout_z": f"z = ln(p/(1 − p)) = {number(z)}\nL from z = {from_z:.2f}"}


def centred_readout(ax, x=0.5, y=0.96, size=12):
    """A readout box centred on (x, y) in axes coordinates, its lines aligned left."""
    text = readout(ax, x, y, ha="center", size=size)
    text.set_multialignment("left")
    return text


def draw_bce(fig):
    """Two panels: loss over the probability p and over the score z."""
    left, right = fig.subplots(1, 2)
    style_axes(left, xlabel="p (predicted probability of class 1)", ylabel="loss L",
               title="from the probability p")
    style_axes(right, xlabel="z (score before the sigmoid)", title="from the score z, p = σ(z)")
    left.set_xlim(0, 1)
    right.set_xlim(-5, 5)
    for ax, xs, ones, zeros in ((left, PROBABILITIES, -np.log(PROBABILITIES), -np.log1p(-PROBABILITIES)),
                                (right, SCORES, np.logaddexp(0, -SCORES), np.logaddexp(0, SCORES))):
        ax.set_ylim(0, 4.5)
        ax.plot(xs, ones, alpha=0.4, linewidth=1.2, label="true class y = 1", **TARGET_STYLE["1"])
        ax.plot(xs, zeros, alpha=0.55, linewidth=1.2, label="true class y = 0", **TARGET_STYLE["0"])
    left.legend(loc="center", bbox_to_anchor=(0.5, 0.6), fontsize=12)
    artists = {}
    for key, ax in (("p", left), ("z", right)):
        (artists[f"curve_{key}"],) = ax.plot([], [], linewidth=2.8)
        (artists[f"dot_{key}"],) = ax.plot([], [], "o", color=COLORS["vermillion"], markersize=9,
                                           markeredgecolor="white", zorder=5)
    fig.tight_layout()
    artists["readout_p"] = centred_readout(left)
    artists["readout_z"] = centred_readout(right)
    return artists


def binary_cross_entropy_curve():
    """Knobs p and y: the binary cross-entropy over p and over the score z."""
    alt = ("Two panels of the binary cross-entropy. Left: the loss as a function of the predicted "
           "probability p, which is −ln p when the true class is 1 and −ln(1 − p) when it is 0; "
           "right: the same loss as a function of the score z before the sigmoid. A dot marks the "
           "current prediction on both curves and boxes give the two equal values.")
    return KnobFigure(BCE_KNOBS, draw_bce, bce_frame, alt=alt, figsize=(9.0, 3.9), settings=BCE_SETTINGS)


# ------------------------------------------------- softmax cross-entropy ---
CLASS_NAMES = ("cat", "dog", "bird")
TRUE_CLASS = "cat"
"""The figure's picture shows a cat: the loss is −ln p(cat)."""
SOFTMAX_KNOBS = [
    Slider("z1", "score for cat", -3.0, 3.0, 1.5, 0.25),
    Slider("z2", "score for dog", -3.0, 3.0, 0.5, 0.25),
    Slider("z3", "score for bird", -3.0, 3.0, -1.0, 0.25),
]
SOFTMAX_SETTINGS = (
    {"z1": 3.0},  # a higher cat score: the loss slides towards zero
    {"z2": 2.0},  # a higher dog score: the loss climbs
    {"z3": 1.0},  # a higher bird score: the loss climbs
    {"z1": 2.5, "z2": 1.5, "z3": 0.0},  # every score raised by 1: nothing changes
)
SWEEP = np.linspace(-3.25, 3.25, 131)


def softmax_frame(*, z1, z2, z3, label=TRUE_CLASS):
    """Softmax probabilities of three scores and the cross-entropy for the true class.

    z1, z2, z3: scores for cat, dog and bird.  label: the true class (a CLASS_NAMES entry).

    Returns the frame: one bar height and one value label per class, the
    "true class" tag above the right bar, the loss −ln p(true) as a curve over
    the true class's own score (the other two held), a dot at the current
    score, and a readout that also gives ``losses.softmax_cross_entropy``.
    """
    scores = np.array([z1, z2, z3])
    k = CLASS_NAMES.index(label)
    probs = activations.softmax(scores)
    from_logits, _ = losses.softmax_cross_entropy(scores[None, :], [k])
    sweep = np.repeat(scores[None, :], len(SWEEP), axis=0)
    sweep[:, k] = SWEEP
    curve = -np.log(activations.softmax(sweep)[:, k])
    frame = {f"bar{i}": {"height": probs[i], "linewidth": 2.5 if i == k else 0.0}
             for i in range(3)}
    frame.update({f"value{i}": {"text": f"{probs[i]:.2f}", "position": (i, probs[i] + 0.02)}
                  for i in range(3)})
    frame.update({"tag": {"position": (k, min(probs[k] + 0.13, 1.08))},
                  "curve": (SWEEP, curve), "dot": ([scores[k]], [from_logits]),
                  "readout": (f"p({label}) = {probs[k]:.3f}\n−ln p({label}) = {-np.log(probs[k]):.3f}"
                              f"\nfrom the scores: {from_logits:.3f}")})
    return frame


def draw_softmax(fig):
    """Bars of the softmax probabilities and the loss curve; returns the moving artists."""
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.2))
    style_axes(left, ylabel="probability", title="softmax turns scores into probabilities")
    left.set_xlim(-0.6, 2.6)
    left.set_ylim(0, 1.18)
    left.set_xticks(range(3), CLASS_NAMES)
    bars = left.bar(range(3), [0.0] * 3, color=CLASS_COLORS[:3], edgecolor=COLORS["black"], width=0.7)
    for bar, hatch in zip(bars, (None, "//", "..")):
        bar.set_hatch(hatch)
    style_axes(right, xlabel="score of the true class (other two held)", ylabel="loss L = −ln p(true)",
               title="cross-entropy as the true score changes")
    right.set_xlim(-3.25, 3.25)
    right.set_ylim(0, 7.0)
    (curve,) = right.plot([], [], color=COLORS["vermillion"], linewidth=2.5)
    (dot,) = right.plot([], [], "o", color=COLORS["vermillion"], markersize=9, markeredgecolor="white",
                        zorder=5)
    fig.tight_layout()
    artists = {f"bar{i}": bar for i, bar in enumerate(bars)}
    artists.update({f"value{i}": left.text(i, 0, "", ha="center", va="bottom", fontsize=12)
                    for i in range(3)})
    artists.update({"tag": left.text(0, 0, "true class", ha="center", va="bottom", fontsize=12,
                                     fontweight="bold"),
                    "curve": curve, "dot": dot, "readout": readout(right, 0.97, 0.95, ha="right", size=12)})
    return artists


def softmax_cross_entropy_bars():
    """Knobs for the three class scores of a picture of a cat: probabilities and the loss."""
    alt = ("Left: bars of the three probabilities that softmax makes from the scores for cat, dog and "
           "bird, with the true class, cat, outlined and tagged. Right: the cross-entropy −ln p(cat) "
           "as a curve over the cat score, falling towards zero as that score rises, with a "
           "dot at the current score and a box with the values.")
    return KnobFigure(SOFTMAX_KNOBS, draw_softmax, softmax_frame, alt=alt, figsize=(9.0, 3.9),
                      settings=SOFTMAX_SETTINGS)


# ---------------------------------------------------- the loss landscape ---
def landscape_colormap():
    """Pale yellow (low loss) through green to mid blue (high): dark enough to read, light enough
    for the black labels and the markers drawn on top."""
    from matplotlib import colormaps
    from matplotlib.colors import ListedColormap
    return ListedColormap(colormaps["YlGnBu"](np.linspace(0.0, 0.62, 256)), name="landscape")


def draw_landscape(ax, X, y, *, title="the loss landscape: MSE for every (w, b)"):
    """Filled contours of the line fit's MSE over W_LIMITS × B_LIMITS (static); returns the contour set."""
    ws, bs = np.linspace(*W_LIMITS, 121), np.linspace(*B_LIMITS, 121)
    Z = landscape(X, y, ws, bs)
    style_axes(ax, xlabel="w (weight)", ylabel="b (bias)", title=title, grid=False)
    levels = np.concatenate([[Z.min() * 0.99], LANDSCAPE_LEVELS[LANDSCAPE_LEVELS > Z.min()]])
    filled = ax.contourf(ws, bs, Z, levels=levels, cmap=landscape_colormap(), norm=LogNorm(0.15, 150),
                         extend="max")
    lines = ax.contour(ws, bs, Z, levels=levels[1:], colors="#333333", linewidths=0.6, alpha=0.6)
    ax.clabel(lines, fmt=lambda v: f"{v:g}", fontsize=12, inline_spacing=2)
    ax.set_xlim(*W_LIMITS)
    ax.set_ylim(*B_LIMITS)
    return filled


OPTIMIZER_KNOBS = [
    Slider("w", "weight", -3.0, 3.0, 0.0, 0.1),
    Slider("b", "bias", -5.0, 5.0, 0.0, 0.25),
    Choice("minimum", "show it", ("no", "yes"), "no"),
]
OPTIMIZER_SETTINGS = (
    {"minimum": "yes"},  # the star shown, from the starting point
    {"w": 0.9},  # solution 5.4: w alone, into the valley
    {"w": 0.9, "b": 0.75},  # solution 5.4: then b up the valley floor
    {"w": 0.9, "b": 0.75, "minimum": "yes"},  # solution 5.4: there, with the star and its box
)


@lru_cache(maxsize=4)
def _minimum(X_bytes, y_bytes, n):
    """Cached best_line for one data set (given as bytes so that it can be hashed)."""
    X = np.frombuffer(X_bytes).reshape(n, 1)
    y = np.frombuffer(y_bytes).reshape(n, 1)
    w, b = best_line(X, y)
    return w, b, losses.mse(w * X + b, y)[0]


def optimizer_frame(X, y, *, w, b, minimum):
    """Chapter 1's line view plus the knob position on the loss landscape.

    X: (N, 1), y: (N, 1).  Returns the frame: 'line', 'residuals', 'readout' as in
    ``line.fit_frame``, the 'you' marker at (w, b) and, only when minimum is
    "yes", the lowest point (computed then), the best line and how far off you are.
    """
    frame = line.fit_frame(X, y, w=w, b=b)
    loss, _ = losses.mse(w * X + b, y)
    if minimum == "no":
        frame.update({"best": {"visible": False}, "star": {"visible": False},
                      "gap": f"you: MSE = {loss:.2f}\nturn w and b downhill"})
    else:
        w_best, b_best, low = _minimum(X.tobytes(), y.tobytes(), len(X))
        xs = np.array(line.X_LIMITS)
        frame.update({"best": {"visible": True, "data": (xs, w_best * xs + b_best)},
                      "star": {"visible": True, "data": ([w_best], [b_best])},
                      "gap": (f"lowest: MSE = {low:.2f} at\n  w = {number(w_best)}, b = {number(b_best)}\n"
                              f"you: MSE = {loss:.2f} ({loss - low:.2f} above)")})
    frame["you"] = ([w], [b])
    return frame


def draw_optimizer(fig, X, y):
    """Left: the line on the data; right: the loss landscape.  Returns the moving artists."""
    left, right = fig.subplots(1, 2, width_ratios=(1, 1.05))
    style_axes(left, xlabel="x (input)", ylabel="y (output)", title="the line on the data")
    left.set_xlim(*line.X_LIMITS)
    left.set_ylim(*line.Y_LIMITS)
    left.scatter(X[:, 0], y[:, 0], s=32, color=COLORS["blue"], zorder=3)
    residuals = left.vlines([], [], [], colors=COLORS["vermillion"], linestyles="dotted", linewidth=1.5)
    (best,) = left.plot([], [], "--", color=COLORS["black"], linewidth=1.6, zorder=4)
    (fit,) = left.plot([], [], color=COLORS["orange"], linewidth=2.5, zorder=5)
    draw_landscape(right, X, y)
    (you,) = right.plot([], [], "o", color=COLORS["vermillion"], markersize=12, markeredgecolor="white",
                        markeredgewidth=1.5, zorder=6)
    (star,) = right.plot([], [], "*", color=COLORS["black"], markersize=15, markeredgecolor="white",
                         zorder=7)
    fig.tight_layout()
    you.set_clip_on(False)  # after the layout: a dot on the edge shows whole
    return {"line": fit, "residuals": residuals, "best": best, "readout": readout(left, size=12),
            "star": star, "you": you, "gap": readout(right, 0.03, 0.03, va="bottom", size=12)}


def be_the_optimizer(X=None, y=None):
    """Knobs w, b and 'show the lowest point': the line fit seen on the data and on its landscape.

    X: (N, 1), y: (N, 1); defaults to ``datasets.line_points()``.
    """
    if X is None:
        X, y = datasets.line_points()
    alt = ("Left: the chapter-1 points with the line set by the knobs w and b and its residuals. Right: "
           "a contour map of the mean squared error over every weight and bias, a valley of light "
           "colours, with a dot at the current knobs; asking for the minimum adds a star at the "
           "lowest point, the best line (dashed) and how far above it the current error is.")
    return KnobFigure(OPTIMIZER_KNOBS, partial(draw_optimizer, X=X, y=y), partial(optimizer_frame, X, y),
                      alt=alt, figsize=(9.6, 4.2), settings=OPTIMIZER_SETTINGS)


# ------------------------------------------------ MSE vs cross-entropy ---
CE_VS_MSE_KNOBS = [Slider("p", "probability", 0.02, 0.98, 0.1, 0.02)]
CE_VS_MSE_SETTINGS = (
    {"p": 0.02},  # p = 0.02: the squared error pushes about 25 times more weakly
)
CURVE_P = np.linspace(0.005, 0.995, 300)


def ce_vs_mse_frame(*, p):
    """MSE (1 − p)² and cross-entropy −ln p for the true class, and the push on the score.

    The prediction p = σ(z) comes from a score z; the push −∂L/∂z is what
    gradient descent uses.  Returns the frame: dots on the two loss curves and
    on the two push curves, and a readout.  Losses and gradients come from
    ``losses.mse``, ``losses.binary_cross_entropy(_with_logits)`` and
    ``activations.sigmoid_grad``.
    """
    z = float(np.log(p / (1.0 - p)))
    mse, dmse_dp = losses.mse([p], [1.0])
    ce, dce_dp = losses.binary_cross_entropy([p], [1.0])
    _, dce_dz = losses.binary_cross_entropy_with_logits([z], [1.0])
    dmse_dz = dmse_dp[0] * float(activations.sigmoid_grad(z))
    rows = (("L", mse, ce), ("∂L/∂p", dmse_dp[0], dce_dp[0]), ("∂L/∂z", dmse_dz, dce_dz[0]))
    text = f"p = {p:.2f}\n{'':<6}{'MSE':>7}{'cross-entropy':>15}\n" + "\n".join(
        f"{name:<6}{number(a, 3):>7}{number(b, 3):>15}" for name, a, b in rows)
    return {"mse_dot": ([p], [mse]), "ce_dot": ([p], [ce]),
            "mse_push": ([p], [-dmse_dz]), "ce_push": ([p], [-dce_dz[0]]), "readout": text}


def draw_ce_vs_mse(fig):
    """Left: the two losses over p.  Right: the push −∂L/∂z over p.  Returns the moving artists."""
    left, right = fig.subplots(1, 2)
    style_axes(left, xlabel="p (predicted probability of the true class)", ylabel="loss L",
               title="the loss for one example")
    style_axes(right, xlabel="p (predicted probability of the true class)",
               ylabel="−∂L/∂z (push on the score)", title="how hard each loss pushes the score up")
    left.set_ylim(0, 4.5)
    right.set_ylim(0, 1.05)
    mse_z = 2 * (1 - CURVE_P) * CURVE_P * (1 - CURVE_P)
    for ax, mse_curve, ce_curve in ((left, (1 - CURVE_P) ** 2, -np.log(CURVE_P)),
                                    (right, mse_z, 1 - CURVE_P)):
        ax.set_xlim(0, 1)
        ax.plot(CURVE_P, mse_curve, "--", color=COLORS["blue"], linewidth=2.2, label="MSE (1 − p)²")
        ax.plot(CURVE_P, ce_curve, color=COLORS["orange"], linewidth=2.4, label="cross-entropy −ln p")
    left.legend(loc="upper right", fontsize=12)
    right.annotate("confidently wrong:\nMSE barely pushes", (0.05, 0.09), xytext=(0.1, 0.48),
                   fontsize=12, arrowprops={"arrowstyle": "->", "color": COLORS["grey"]})
    artists = {}
    for name, ax, colour, marker in (("mse_dot", left, COLORS["blue"], "s"), ("ce_dot", left, COLORS["orange"], "o"),
                                     ("mse_push", right, COLORS["blue"], "s"),
                                     ("ce_push", right, COLORS["orange"], "o")):
        (artists[name],) = ax.plot([], [], marker, color=colour, markersize=9, markeredgecolor="black",
                                   markeredgewidth=0.8, zorder=5)
    fig.tight_layout()
    artists["readout"] = readout(right, 0.97, 0.97, ha="right", size=12)
    artists["readout"].set_multialignment("left")
    return artists


def mse_vs_cross_entropy():
    """Knob p: MSE and cross-entropy of the same prediction, and their gradients, side by side."""
    alt = ("Left: the squared error (1 − p)² and the cross-entropy −ln p of one example as the predicted "
           "probability of its true class p goes from 0 to 1; cross-entropy shoots up as p nears 0. "
           "Right: how hard each loss pushes the score before the sigmoid, −∂L/∂z: for cross-entropy "
           "it is 1 − p, largest when the prediction is worst, while for the squared error it fades "
           "to zero near p = 0. Markers show the current p and a box gives the numbers.")
    return KnobFigure(CE_VS_MSE_KNOBS, draw_ce_vs_mse, ce_vs_mse_frame, alt=alt, figsize=(9.6, 4.0),
                      settings=CE_VS_MSE_SETTINGS)
