"""Drawing helpers shared by the book's figures.

Functions take an axes and return the artists they make (as in the ipywidgets
tutorial), so a knob figure can move them later. Nothing here changes
matplotlib's global settings.
"""
import numpy as np

# Okabe and Ito's palette: stays distinguishable for the common colour blindnesses.
COLORS = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "grey": "#666666",
    "black": "#000000",
}
# Classes differ by marker as well as colour, so print and colour-blind readers can tell them apart.
CLASS_COLORS = (COLORS["blue"], COLORS["orange"], COLORS["green"], COLORS["purple"])
CLASS_MARKERS = ("o", "s", "^", "D")


def style_axes(ax, *, xlabel="", ylabel="", title="", grid=True):
    """Label an axes and give it the book's light grid; returns ax."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=11)
    if grid:
        ax.grid(True, color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def readout(ax, x=0.03, y=0.95, *, ha="left", va="top", size=11):
    """An empty text box in axes coordinates for live values; returns the Text."""
    box = {"boxstyle": "round,pad=0.35", "facecolor": "white", "edgecolor": "#bbbbbb", "alpha": 0.92}
    return ax.text(x, y, "", transform=ax.transAxes, ha=ha, va=va, fontsize=size,
                   family="DejaVu Sans Mono", bbox=box, zorder=10)


def scatter_classes(ax, X, y, *, size=28, labels=None):
    """Scatter 2-D points X (N, 2) coloured and shaped by class y (N,); returns the collections."""
    made = []
    for k in np.unique(y):
        mask = y == k
        name = labels[k] if labels is not None else f"class {k}"
        made.append(ax.scatter(X[mask, 0], X[mask, 1], s=size, c=CLASS_COLORS[k % 4],
                               marker=CLASS_MARKERS[k % 4], edgecolors="white", linewidths=0.6,
                               label=name, zorder=3))
    return made


def signed(value, decimals=2):
    """Format a number for an equation: '+ 1.20' or '− 1.20' (true minus sign)."""
    sign = "−" if value < 0 else "+"
    return f"{sign} {abs(value):.{decimals}f}"


def number(value, decimals=2):
    """Format a number with a true minus sign: '−0.50'."""
    text = f"{value:.{decimals}f}"
    return text.replace("-", "−") if value < 0 else text


def grid_points(xlim, ylim, n=60):
    """Points on an n×n grid over the box: (n*n, 2), row by row from the bottom.

    ``values.reshape(n, n)`` of a function of these points is an image for ``draw_surface``.
    """
    xs, ys = np.linspace(*xlim, n), np.linspace(*ylim, n)
    gx, gy = np.meshgrid(xs, ys)
    return np.column_stack([gx.ravel(), gy.ravel()])


def surface_colormap():
    """Blue (0) to white (0.5) to orange (1): the two class colours, colour-blind safe."""
    from matplotlib.colors import LinearSegmentedColormap
    return LinearSegmentedColormap.from_list("blue_white_orange",
                                             [COLORS["blue"], "#ffffff", COLORS["orange"]])


def draw_surface(ax, xlim, ylim, n=60, *, vmin=0.0, vmax=1.0, cmap=None):
    """An n×n heat map over the box (data set later by a knob frame); returns the AxesImage."""
    image = ax.imshow(np.full((n, n), (vmin + vmax) / 2), extent=(*xlim, *ylim), origin="lower",
                      vmin=vmin, vmax=vmax, cmap=cmap or surface_colormap(), aspect="auto",
                      interpolation="bilinear", zorder=0)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    return image
