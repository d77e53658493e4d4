"""Drawing helpers shared by the book's figures.

Functions take an axes and return the artists they make (as in the ipywidgets
tutorial), so a knob figure can move them later. Nothing here changes
matplotlib's global settings.
"""
import functools

import numpy as np

from ._validate import layer_sizes

# The smallest text in any figure of the book, in points. Figures are drawn at 100 dpi, so 12 pt is
# 16.7 px at full size: at 1280 px a figure up to 10.3 in wide is shown at 66% or more (>= 11 px), and
# on a 390 px phone the site keeps every figure at 54% or more (>= 9 px), scrolling sideways when a
# figure is wider than the column (book/_assets/knobs.js).
MIN_FONT_PT = 12.0
BOOK_RC = {"font.size": MIN_FONT_PT, "axes.labelsize": MIN_FONT_PT, "axes.titlesize": MIN_FONT_PT,
           "xtick.labelsize": MIN_FONT_PT, "ytick.labelsize": MIN_FONT_PT,
           "legend.fontsize": MIN_FONT_PT, "legend.title_fontsize": MIN_FONT_PT,
           "figure.titlesize": MIN_FONT_PT}

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


def legible(fig, minimum=MIN_FONT_PT):
    """Raise every text of ``fig`` (labels, ticks, legends, readouts) to ``minimum`` points; returns fig.

    Text already larger keeps its size. Tick labels made later keep the size too (tick_params).
    """
    from matplotlib.text import Text
    for ax in fig.axes:
        for axis, name in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            labels = axis.get_ticklabels()
            size = max([minimum] + [label.get_fontsize() for label in labels])
            ax.tick_params(axis=name, which="both", labelsize=size)
    for text in fig.findobj(Text):
        if text.get_fontsize() < minimum:
            text.set_fontsize(minimum)
    return fig


def smallest_font(fig):
    """The size in points of the smallest visible, non-empty text of ``fig`` (after a draw)."""
    from matplotlib.text import Text
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and t.get_figure() is not None]
    return min(sizes) if sizes else None


def legible_draw(draw):
    """Wrap a knob figure's ``draw(fig)``: the book's font sizes while it runs, ``legible`` after."""
    import matplotlib

    @functools.wraps(draw)
    def wrapped(fig):
        with matplotlib.rc_context(BOOK_RC):
            artists = draw(fig)
            legible(fig)
        return artists
    return wrapped


def legible_axes(draw):
    """Decorate ``draw(axes, ...)`` of a static figure: ``legible`` on its figure after drawing."""
    @functools.wraps(draw)
    def wrapped(axes, *args, **kwargs):
        result = draw(axes, *args, **kwargs)
        first = axes if hasattr(axes, "figure") else np.ravel(axes)[0]
        legible(first.figure)
        return result
    return wrapped


def style_axes(ax, *, xlabel="", ylabel="", title="", grid=True):
    """Label an axes and give it the book's light grid; returns ax."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=MIN_FONT_PT)
    if grid:
        ax.grid(True, color="#dddddd", linewidth=0.8)
        ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


def readout(ax, x=0.03, y=0.95, *, ha="left", va="top", size=MIN_FONT_PT):
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


# ---------------------------------------------------------------- network drawings
#
# A layered network is drawn once by ``draw_network`` (nodes, edges, empty value
# labels) and restyled for each knob setting by ``network_style``, a pure function
# that turns the weights and the activations for one input into colours, widths
# and texts.  Blue means positive, vermillion (and dashes) negative, white zero.

NETWORK_NEGATIVE, NETWORK_POSITIVE = COLORS["vermillion"], COLORS["blue"]


def network_layout(sizes):
    """Node centres of a layered network: a list with one (n_l, 2) array per layer.

    sizes: [n_0, n_1, ...] nodes per layer.  Layer l stands at x = l; its nodes are
    one unit apart, the first at the top, centred on y = 0.
    """
    sizes = layer_sizes(sizes)
    return [np.column_stack([np.full(n, float(l)), (n - 1) / 2 - np.arange(n)])
            for l, n in enumerate(sizes)]


def network_edges(sizes):
    """Edge segments of a dense network: (E, 2, 2), E = sum of n_l·n_(l+1).

    Edges run layer by layer and, inside a layer, in the order of W.ravel() for
    W of shape (n_l, n_(l+1)): from node i to node j is row i, column j.
    """
    nodes = network_layout(sizes)
    return np.array([(start, end) for left, right in zip(nodes[:-1], nodes[1:])
                     for start in left for end in right])


def draw_network(ax, sizes, *, names=None, titles=None, node_size=900, value_size=MIN_FONT_PT,
                 key=True):
    """Draw a dense network whose look ``network_style`` sets later; returns its artists.

    sizes: [n_0, n_1, ...] nodes per layer.  names: optional list with, for each
    layer, None or n_l node names (written left of the inputs, right of the outputs,
    above hidden nodes in the upper half and below those in the lower half; break
    long hidden names over two lines).  titles: optional list of one heading per layer.
    key: add a small legend under the drawing.  Returns {"edges": LineCollection,
    "nodes": PathCollection, "value l.i": Text in node i of layer l, "name l.i":
    Text}.  The names are returned too, so they are drawn above the moving edges.
    """
    from matplotlib.collections import LineCollection

    sizes = layer_sizes(sizes)
    nodes = network_layout(sizes)
    xy = np.vstack(nodes)
    edges = LineCollection(network_edges(sizes), colors="#aaaaaa", linewidths=1.0,
                           capstyle="round", zorder=1)
    ax.add_collection(edges)
    # Nodes grow with their value labels, so that a label such as "−0.50" fits inside its node.
    node_size = node_size * max(1.0, min((value_size / 8) ** 2, 1.8))
    dots = ax.scatter(xy[:, 0], xy[:, 1], s=node_size, facecolors="white",
                      edgecolors="#444444", linewidths=1.2, zorder=2)
    artists = {"edges": edges, "nodes": dots}
    for l, layer in enumerate(nodes):
        for i, (x, y) in enumerate(layer):
            artists[f"value {l}.{i}"] = ax.text(x, y, "", ha="center", va="center",
                                                fontsize=value_size, zorder=4)
    artists.update(_node_names(ax, nodes, names))
    _frame_network(ax, sizes, names, titles)
    if key:
        _network_key(ax)
    return artists


def _node_names(ax, nodes, names):
    """Name labels beside the nodes: {"name l.i": Text}; names as in draw_network."""
    if names is None:
        return {}
    if len(names) != len(nodes):
        raise ValueError(f"names needs one entry per layer ({len(nodes)}), got {len(names)}")
    made, last = {}, len(nodes) - 1
    box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.9}
    for l, (layer, layer_names) in enumerate(zip(nodes, names)):
        if layer_names is None:
            continue
        if len(layer_names) != len(layer):
            raise ValueError(f"names[{l}] needs {len(layer)} names, got {len(layer_names)}")
        for i, ((x, y), name) in enumerate(zip(layer, layer_names)):
            if l == 0:
                place = {"x": x - 0.2, "y": y, "ha": "right", "va": "center"}
            elif l == last:
                place = {"x": x + 0.2, "y": y, "ha": "left", "va": "center"}
            elif y >= 0:  # hidden nodes: names away from the centre, where fewer edges run
                place = {"x": x, "y": y + 0.3, "ha": "center", "va": "bottom"}
            else:
                place = {"x": x, "y": y - 0.3, "ha": "center", "va": "top"}
            made[f"name {l}.{i}"] = ax.text(s=name, fontsize=12, bbox=box, zorder=5, **place)
    return made


def _frame_network(ax, sizes, names, titles):
    """Axes limits with room for names and titles; no ticks or spines."""
    top = (max(sizes) - 1) / 2
    left = 1.1 if names is not None and names[0] is not None else 0.4
    right = 1.1 if names is not None and names[-1] is not None else 0.4
    named_hidden = names is not None and any(n is not None for n in names[1:-1])
    ax.set_xlim(-left, len(sizes) - 1 + right)
    two_line = bool(titles) and any("\n" in t for t in titles)
    ax.set_ylim(-top - (0.85 if named_hidden else 0.5), top + (1.4 if two_line else 0.95 if titles else 0.6))
    ax.set_axis_off()
    if titles:
        if len(titles) != len(sizes):
            raise ValueError(f"titles needs one heading per layer ({len(sizes)}), got {len(titles)}")
        for l, title in enumerate(titles):
            ax.text(l, top + 0.75, title, ha="center", va="bottom", fontsize=12,
                    color=COLORS["grey"], zorder=0)


def _network_key(ax):
    """A legend under the drawing explaining edge colours and node fills."""
    from matplotlib.lines import Line2D
    handles = [
        Line2D([], [], color=NETWORK_POSITIVE, linewidth=2.5, label="positive weight"),
        Line2D([], [], color=NETWORK_NEGATIVE, linewidth=2.5, linestyle=(0, (3, 1.5)),
               label="negative weight"),
        Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor=NETWORK_POSITIVE,
               markeredgecolor="#444444", label="node value > 0"),
        Line2D([], [], linestyle="none", marker="o", markersize=9, markerfacecolor=NETWORK_NEGATIVE,
               markeredgecolor="#444444", label="node value < 0"),
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2,
              fontsize=12, frameon=False, handlelength=2.2, columnspacing=1.2)


def _hex_rgb(code):
    """'#0072B2' -> array([0.0, 0.447, 0.698])."""
    return np.array([int(code[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0


def diverging_rgba(t):
    """Colours for values t (any shape) in [-1, 1]: vermillion (-1), white (0), blue (+1).

    Returns t.shape + (4,) RGBA, fully opaque; values outside [-1, 1] are clipped.
    """
    t = np.clip(np.asarray(t, dtype=np.float64), -1.0, 1.0)[..., None]
    end = np.where(t < 0, _hex_rgb(NETWORK_NEGATIVE), _hex_rgb(NETWORK_POSITIVE))
    rgb = 1.0 + np.abs(t) * (end - 1.0)
    return np.concatenate([rgb, np.ones(t.shape)], axis=-1)


def _per_layer(value, n_layers, name):
    """A number or one positive number per layer -> list of n_layers floats."""
    values = [value] * n_layers if np.ndim(value) == 0 else list(value)
    if len(values) != n_layers:
        raise ValueError(f"{name} needs one number per layer ({n_layers}), got {len(values)}")
    if not all(np.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"{name} must hold numbers greater than 0, got {values}")
    return [float(v) for v in values]


def _check_network(weights, activations):
    """weights: L-1 arrays (n_l, n_(l+1)); activations: L vectors (n_l,) that chain."""
    from ._validate import as_float_array
    weights = [as_float_array(W, f"weights[{l}]", ndim=2) for l, W in enumerate(weights)]
    activations = [as_float_array(a, f"activations[{l}]", ndim=1) for l, a in enumerate(activations)]
    if len(activations) != len(weights) + 1:
        raise ValueError(f"need one activation vector per layer: {len(weights)} weight "
                         f"matrices make {len(weights) + 1} layers, got {len(activations)} vectors")
    for l, W in enumerate(weights):
        expected = (len(activations[l]), len(activations[l + 1]))
        if W.shape != expected:
            raise ValueError(f"weights[{l}] must have shape {expected} to join layers of "
                             f"{expected[0]} and {expected[1]} nodes, got {W.shape}")
    return weights, activations


def network_style(weights, activations, *, weight_scale=None, activation_scale=1.0,
                  decimals=2, max_width=6.0):
    """The look of a network for one input: frame data for ``draw_network``'s artists.

    weights: list of L-1 matrices, W_l of shape (n_l, n_(l+1)).  activations: list
    of L vectors (n_l,), the node values for one example.  weight_scale: |w| drawn
    at full strength, one number or one per weight matrix (default: the largest
    |w|).  activation_scale: |value| drawn at full colour, one number or one per layer.  decimals: digits of the value labels,
    one number or one per layer.  Returns {"edges": {colors (E, 4), linewidths (E,),
    linestyles}, "nodes": {facecolors (n, 4)}, "value l.i": {text, color}}.
    """
    weights, activations = _check_network(weights, activations)
    w = np.concatenate([W.ravel() for W in weights])
    if weight_scale is None:
        weight_scale = max(np.abs(w).max(), 1e-12)
    scales = _per_layer(weight_scale, len(weights), "weight_scale")
    full = np.concatenate([np.full(W.size, s) for W, s in zip(weights, scales)])
    strength = np.clip(np.abs(w) / full, 0.0, 1.0)
    colors = diverging_rgba(np.sign(w))
    colors[:, 3] = 0.3 + 0.7 * strength
    colors[w == 0] = (0.6, 0.6, 0.6, 0.5)  # a zero weight: a thin grey thread
    edges = {"colors": colors, "linewidths": 0.4 + (max_width - 0.4) * strength,
             "linestyles": ["solid" if v >= 0 else (0, (3, 1.5)) for v in w]}
    scales = _per_layer(activation_scale, len(activations), "activation_scale")
    digits = [decimals] * len(activations) if np.ndim(decimals) == 0 else list(decimals)
    frame = {"edges": edges, "nodes": {"facecolors": np.vstack(
        [diverging_rgba(a / s) for a, s in zip(activations, scales)])}}
    for l, (a, s) in enumerate(zip(activations, scales)):
        for i, value in enumerate(a):
            ink = "white" if abs(value) / s > 0.6 else "black"
            shown = round(float(value), digits[l]) + 0.0  # no "−0.00" for tiny negatives
            frame[f"value {l}.{i}"] = {"text": number(shown, digits[l]), "color": ink}
    return frame
