"""Chapter 1 figures: fitting the line y = w·x + b to noisy points with two knobs."""
from functools import partial

import numpy as np

from .. import datasets, losses
from ..knobs import KnobFigure, Slider
from ..plotting import COLORS, number, readout, signed, style_axes, legible_axes

__all__ = ["line_fit"]

X_LIMITS = (-5.0, 5.0)
Y_LIMITS = (-8.0, 10.0)
KNOBS = [
    Slider("w", "weight", -3.0, 3.0, 0.0, 0.05),
    Slider("b", "bias", -5.0, 5.0, 0.0, 0.1),
]
FIT_SETTINGS = (
    {"w": 0.9},  # try this: w alone turned until the line runs with the cloud
    {"w": 0.9, "b": 0.5},  # then b slid part of the way into the middle of the cloud
    {"w": 0.9, "b": 0.8},  # solution 1.2: near here the error is under 0.5
    {"w": 0.9, "b": 0.9},  # solution 1.2: w about 0.9 with b just below 1
)


def equation(w, b):
    """The line as text: 'y = 0.50·x + 1.20'."""
    return f"y = {number(w)}·x {signed(b)}"


def fit_frame(X, y, *, w, b):
    """Where the line, its residuals and the readout go for knobs w, b.

    X: (N, 1) inputs, y: (N, 1) targets.  Returns the frame dict: 'line' as
    (x, y) end points, 'residuals' as (N, 2, 2) segments from each point to the
    line, 'readout' as text with the equation and the mean squared error.
    """
    y_hat = w * X + b
    loss, _ = losses.mse(y_hat, y)
    x_ends = np.array(X_LIMITS)
    segments = np.stack([np.hstack([X, y]), np.hstack([X, y_hat])], axis=1)
    text = f"{equation(w, b)}\nMSE = {loss:.2f}"
    return {"line": (x_ends, w * x_ends + b), "residuals": {"segments": segments}, "readout": text}


def draw_fit(fig, X, y):
    """Static points and axes; returns the moving artists (line, residuals, readout)."""
    ax = fig.add_subplot()
    style_axes(ax, xlabel="x (input)", ylabel="y (output)")
    ax.set_xlim(*X_LIMITS)
    ax.set_ylim(*Y_LIMITS)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.axvline(0, color="#999999", linewidth=0.8)
    ax.scatter(X[:, 0], y[:, 0], s=36, color=COLORS["blue"], zorder=3, label="data")
    residuals = ax.vlines([], [], [], colors=COLORS["vermillion"], linestyles="dotted", linewidth=1.6)
    (line,) = ax.plot([], [], color=COLORS["orange"], linewidth=2.5)
    fig.tight_layout()
    return {"line": line, "residuals": residuals, "readout": readout(ax)}


def line_fit(X=None, y=None):
    """Knobs w and b fit a line to noisy points; residuals and MSE shown live.

    X: (N, 1) and y: (N, 1); defaults to ``datasets.line_points()``.
    """
    if X is None:
        X, y = datasets.line_points()
    alt = ("Scatter plot of noisy points with a straight line set by the weight w and bias b; "
           "dotted lines show each point's error and a box shows the equation and the mean squared error.")
    return KnobFigure(KNOBS, partial(draw_fit, X=X, y=y), partial(fit_frame, X, y), alt=alt,
                      settings=FIT_SETTINGS)


@legible_axes
def draw_tilt_and_shift(axes, w=0.8, b=1.0):
    """Two panels: lines with several weights (same bias), then several biases (same weight).

    axes: a pair of matplotlib axes.  Returns the list of lines drawn.
    """
    x = np.array(X_LIMITS)
    shades = [COLORS["sky"], COLORS["blue"], COLORS["purple"]]
    lines = []
    for ax, name, values in ((axes[0], "w", (0.3, w, 1.6)), (axes[1], "b", (-2.0, b, 4.0))):
        style_axes(ax, xlabel="x", ylabel="ŷ", title=f"turning {name} ({'tilts' if name == 'w' else 'shifts'})")
        ax.set_xlim(*X_LIMITS)
        ax.set_ylim(*Y_LIMITS)
        for value, shade, dash in zip(values, shades, ("--", "-", ":")):
            ww, bb = (value, b) if name == "w" else (w, value)
            (drawn,) = ax.plot(x, ww * x + bb, dash, color=shade, linewidth=2.2,
                               label=f"{name} = {number(value, 1)}")
            lines.append(drawn)
        if name == "w":
            ax.plot([0], [b], "o", color=COLORS["black"], zorder=5)
            ax.annotate("pivot (0, b)", (0, b), xytext=(0.6, -5.5), arrowprops={"arrowstyle": "->"})
        ax.legend(loc="upper left", fontsize=12)
    return lines
