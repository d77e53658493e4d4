"""Chapter 7 figures: small networks trained on 2-D data sets, what their hidden
units learn, digits, and networks that are too small or too big.

Every picture is a pure function of its knob values. The data sets, the
training runs and their snapshots live in ``nnlib.chapters.training``; the
"epochs trained" knob only picks one of a run's snapshots.
"""
import functools
import textwrap

import numpy as np

from .. import activations
from ..chapters import frozen
from ..chapters.training import (
    EPOCHS, EVERY, FIT_EPOCHS, FIT_EVERY, HIDDEN, SIZES, best_epoch, dataset, fitted, network, noisy_moons,
    trained)
from ..knobs import Choice, KnobFigure, Slider
from ..plotting import (
    legible_axes,
    CLASS_COLORS, CLASS_MARKERS, COLORS, draw_surface, grid_points, readout, scatter_classes,
    style_axes)

__all__ = ["train_network", "hidden_units", "too_small_too_big"]

BOX = (-2.2, 2.2)
"""Both axes of every 2-D picture run over this interval."""
GRID_N = 60

KNOBS = [
    Choice("data", "data set", ("xor", "moons", "circles", "spirals"), "moons"),
    Choice("f", "activation", ("relu", "tanh"), "tanh"),
    Slider("width", "units per hidden layer", 2, 8, 4, 2, integer=True),
    Slider("depth", "hidden layers", 1, 2, 2, 1, integer=True),
    Slider("lr", "learning rate η", 0.5, 4.5, 2.5, 2.0),
    Slider("t", "epochs trained", 0, EPOCHS, EPOCHS, EVERY, integer=True),
]
TRAIN_SETTINGS = (
    {"t": 0},  # the train button slid from 0 at the default: a shelf near 0.3, then the drop
    {"t": 50},  # ... every stop on the way to 600
    {"t": 100},  # ... every stop on the way to 600
    {"t": 150},  # ... every stop on the way to 600
    {"t": 200},  # ... every stop on the way to 600
    {"t": 250},  # ... every stop on the way to 600
    {"t": 300},  # ... every stop on the way to 600
    {"t": 350},  # ... every stop on the way to 600
    {"t": 400},  # ... every stop on the way to 600
    {"t": 450},  # ... every stop on the way to 600
    {"t": 500},  # ... every stop on the way to 600
    {"t": 550},  # ... every stop on the way to 600
    {"data": "xor", "f": "tanh", "width": 2, "depth": 1, "lr": 2.5},  # try 1, exercise 7.1: two tanh units
    {"data": "xor", "f": "relu", "width": 2, "depth": 1},  # try 1, solution 7.1: relu stuck at 75 %
    {"data": "circles", "width": 2, "depth": 1},  # try 2: two units stop near 80 %
    {"data": "circles", "f": "relu", "width": 4, "depth": 1},  # try 2: four relu units reach 100 %
    {"data": "circles", "f": "tanh", "width": 4, "depth": 1},  # try 2: four tanh units, 93 %
    {"data": "circles", "f": "tanh", "width": 6, "depth": 1},  # try 2: six tanh units get every point
    {"data": "spirals", "f": "tanh", "width": 6, "depth": 1, "lr": 2.5},  # try 3: one layer, near 52 %
    {"data": "spirals", "f": "tanh", "width": 6, "depth": 2, "lr": 2.5},  # try 3: two layers, both arms
    {"data": "moons", "f": "tanh", "width": 4, "depth": 1, "lr": 0.5},  # try 4: unfinished, 88 %
    {"data": "moons", "f": "tanh", "width": 4, "depth": 1, "lr": 2.5},  # try 4: every point right
    {"data": "moons", "f": "relu", "depth": 2, "lr": 4.5},  # try 4: relu, depth 2 at 4.5 on moons
    {"data": "circles", "f": "relu", "depth": 2, "lr": 4.5},  # try 4: and on circles
)


# ------------------------------------------------------------------ the picture's grid

@functools.lru_cache(maxsize=1)
def _grid():
    """The GRID_N² points where the pictures evaluate a network: (GRID_N², 2)."""
    (points,) = frozen(grid_points(BOX, BOX, GRID_N))
    return points


def probability_map(net):
    """P(class 1) of net on the picture's grid: (GRID_N, GRID_N), rows from the bottom."""
    return activations.sigmoid(net.forward(_grid())).reshape(GRID_N, GRID_N)


# ------------------------------------------------------------------ figure 1: train a network

def _class_offsets(X, y):
    """Frame data for the two class scatters: {"class0": {...}, "class1": {...}}."""
    return {f"class{k}": {"offsets": X[y == k]} for k in (0, 1)}


def training_frame(*, data, f, width, depth, lr, t):
    """Pure frame of the training figure: the network's map, the points and the loss so far.

    Keys: surface, class0, class1, message, readout (left panel); curve, so_far,
    now, loss_readout (right panel).  A diverged run shows its message instead
    of a map once t passes the epoch where it blew up.
    """
    run = trained(data, f, width, depth, lr)
    X, y = dataset(data)
    epochs = np.arange(len(run.loss))
    frame = {**_class_offsets(X, y), "curve": (epochs, np.array(run.loss))}
    shown = min(t, len(run.loss) - 1)
    frame["so_far"] = (epochs[:shown + 1], np.array(run.loss[:shown + 1]))
    frame["now"] = ([shown], [run.loss[shown]])
    index = run.snapshot(t)
    if index is None:
        frame.update(surface={"data": np.full((GRID_N, GRID_N), 0.5)}, readout="",
                     message=textwrap.fill(f"diverged: {run.message}", 30),
                     loss_readout=f"training stopped\nlast finite loss {run.loss[-1]:.3g}")
        return frame
    frame.update(surface={"data": probability_map(network(run, index))}, message="",
                 readout=f"training accuracy {run.accuracy[index]:.0%}",
                 loss_readout=f"epoch {t}\nloss {run.loss[t]:.3f}")
    return frame


def _draw_points(ax, size=22):
    """The two class scatters (blue circles, orange squares) above a map; returns them by name.

    They start with the XOR points; a frame moves them to the chosen data set's.
    """
    made = scatter_classes(ax, *dataset("xor"), size=size)
    return {f"class{k}": collection for k, collection in enumerate(made)}


def _draw_map_axes(ax, title):
    """A square map panel over BOX with the probability surface; returns the image."""
    style_axes(ax, xlabel="x₁", ylabel="x₂", title=title, grid=False)
    image = draw_surface(ax, BOX, BOX, GRID_N)
    image.set_alpha(0.6)  # pale, so that the points on top stay easy to see
    ax.set_aspect("equal")
    return image


def _message(ax):
    """An empty centred text for 'diverged: ...' messages."""
    return ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center",
                   fontsize=12, color=COLORS["vermillion"], zorder=11,
                   bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": COLORS["vermillion"]})


def _draw_loss_axes(ax, xmax, ylim=(1e-4, 3.0)):
    """A loss-against-epochs panel on a log scale."""
    style_axes(ax, xlabel="epochs trained", ylabel="training loss (log scale)",
               title="loss while training")
    ax.set_yscale("log")
    ax.set_xlim(0, xmax)
    ax.set_ylim(*ylim)


def draw_training(fig):
    """The training figure: the network's map with the data, and the loss curve."""
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.15]})
    image = _draw_map_axes(left, "P(class 1) over the plane")
    cbar = fig.colorbar(image, ax=left, fraction=0.046, pad=0.03, ticks=[0, 0.5, 1])
    cbar.ax.tick_params(labelsize=12)
    points = _draw_points(left)
    _draw_loss_axes(right, EPOCHS)
    (curve,) = right.plot([], [], color="#bbbbbb", linewidth=1.5, label="whole run")
    (so_far,) = right.plot([], [], color=COLORS["blue"], linewidth=2.2, label="so far")
    (now,) = right.plot([], [], "o", color=COLORS["vermillion"], markersize=7, zorder=5,
                        label="now")
    right.legend(loc="lower left", fontsize=12)
    fig.tight_layout()
    return {"surface": image, **points, "message": _message(left),
            "readout": readout(left, y=0.04, va="bottom", size=12), "curve": curve,
            "so_far": so_far, "now": now, "loss_readout": readout(right, x=0.97, ha="right")}


def train_network():
    """Train a small network on a 2-D data set; knobs for the data, the network and time."""
    alt = ("Left: a square map coloured from blue (class 0) to orange (class 1) by the trained "
           "network's probability, with the data points on top. Right: the training loss against "
           "epochs on a log scale, with the current epoch marked.")
    return KnobFigure(KNOBS, draw_training, training_frame, alt=alt, figsize=(9.6, 4.2),
                      prefetch=train_neighbours, settings=TRAIN_SETTINGS)


def train_neighbours(values):
    """Train (into the cache) the runs one step away on the width, depth and lr knobs,
    one run per step of this generator, each knob's step up before its step down.

    A new setting trains a network (100-200 ms); done ahead, while the reader looks,
    the next move on those knobs only draws.
    """
    for knob in KNOBS:
        if knob.name not in ("width", "depth", "lr"):
            continue
        for value in (values[knob.name] + knob.step, values[knob.name] - knob.step):
            if knob.min <= value <= knob.max:
                moved = dict(values, **{knob.name: knob.check(round(value, 10))})
                trained(moved["data"], moved["f"], moved["width"], moved["depth"], moved["lr"])
                yield moved


# ------------------------------------------------------------------ figure 2: hidden units

UNIT_KNOBS = [
    Choice("data", "data set", ("xor", "moons", "circles", "spirals"), "circles"),
    Slider("layer", "hidden layer shown", 1, 2, 1, 1, integer=True),
    Slider("t", "epochs trained", 0, EPOCHS, EPOCHS, EVERY, integer=True),
]
UNIT_SETTINGS = (
    {"layer": 2},  # the second layer: shapes made of edges
    {"t": 0},  # the first layer before training: random edges
    {"t": 300},  # on the way forward, edges moving into place
    {"layer": 2, "t": 0},  # the second layer before training
)


def unit_maps(net, layer):
    """What each unit of a hidden layer outputs over the grid: (units, GRID_N, GRID_N).

    layer: 1 for the first hidden layer, 2 for the second.  Uses the layers of
    net up to and including that layer's activation.
    """
    outputs = net[:2 * layer].forward(_grid())
    return outputs.T.reshape(-1, GRID_N, GRID_N)


def units_frame(*, data, layer, t):
    """Pure frame of the hidden-unit figure: unit0..unit7, surface, the points, readout."""
    run = trained(data, **HIDDEN)
    net = network(run, run.snapshot(t))
    frame = {f"unit{j}": {"data": m} for j, m in enumerate(unit_maps(net, layer))}
    frame.update(_class_offsets(*dataset(data)), surface={"data": probability_map(net)})
    accuracy = run.accuracy[run.snapshot(t)]
    frame["readout"] = f"layer {layer}, epoch {t}: training accuracy {accuracy:.0%}"
    return frame


def draw_units(fig):
    """Eight small maps (one per hidden unit) beside the network's output map."""
    grid = fig.add_gridspec(2, 6, width_ratios=[1, 1, 1, 1, 0.25, 2.2], hspace=0.25, wspace=0.08,
                            left=0.03, right=0.97, top=0.88, bottom=0.1)
    artists = {}
    for j in range(HIDDEN["width"]):
        ax = fig.add_subplot(grid[j // 4, j % 4])
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"unit {j + 1}", fontsize=12, pad=3)
        artists[f"unit{j}"] = draw_surface(ax, BOX, BOX, GRID_N, vmin=-1.0, vmax=1.0)
        ax.set_aspect("equal")
    out = fig.add_subplot(grid[:, 5])
    artists["surface"] = _draw_map_axes(out, "the network's output")
    artists.update(_draw_points(out, size=14))
    text = fig.text(0.03, 0.965, "", ha="left", va="top", fontsize=12)
    fig.text(0.03, 0.02, "each small map: a unit's output, from −1 (blue) through 0 (white) to +1 (orange)",
             fontsize=12, color=COLORS["grey"])
    artists["readout"] = text
    return artists


def hidden_units():
    """What each hidden unit of a trained 2-8-8-1 tanh network responds to."""
    alt = ("Eight small square maps, one per hidden unit of the chosen layer, each coloured blue "
           "where the unit outputs −1 and orange where it outputs +1; beside them the network's "
           "output map with the data points.")
    return KnobFigure(UNIT_KNOBS, draw_units, units_frame, alt=alt, figsize=(9.6, 4.0),
                      settings=UNIT_SETTINGS)


# ------------------------------------------------------------------ figure 3: too small, too big

FIT_KNOBS = [
    Choice("size", "hidden units", tuple(SIZES), "16 units"),
    Slider("t", "epochs trained", 0, FIT_EPOCHS, FIT_EPOCHS, FIT_EVERY, integer=True),
]
FIT_SETTINGS = (
    {"size": "1 unit"},  # too small: a straight boundary
    {"size": "4 units"},  # smaller: it hardly overfits
    {"size": "2 × 32 units"},  # too big: the training loss falls towards 0
    {"size": "16 units", "t": 100},  # 16 units stopped just before the lowest validation loss
    {"size": "16 units", "t": 200},  # solution 7.3: also close enough
    {"size": "16 units", "t": 1000},  # solution 7.3: too late, chasing single points
)


def fitting_frame(*, size, t):
    """Pure frame of the too-small-too-big figure."""
    run = fitted(size)
    index = run.snapshot(t)
    epochs = np.arange(1, len(run.val_loss) + 1)
    best = best_epoch(run)
    text = f"epoch {t}\ntraining loss   {run.loss[t]:.2g}"
    if t:
        text += f"\nvalidation loss {run.val_loss[t - 1]:.2g}"
    return {
        "surface": {"data": probability_map(network(run, index))},
        "train": (np.arange(len(run.loss)), np.array(run.loss)),
        "val": (epochs, np.array(run.val_loss)),
        "now": ([t, t], [1e-4, 10.0]),
        "best": ([best], [run.val_loss[best - 1]]),
        "readout": (f"accuracy: training {run.accuracy[index]:.0%}, "
                    f"new points {run.val_accuracy[index]:.0%}"),
        "loss_readout": text,
    }


def draw_fitting(fig):
    """Map with training points (filled) and validation points (hollow); both loss curves."""
    X, y, X_val, y_val = noisy_moons()
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.2, 1.0]})
    artists = {"surface": _draw_map_axes(left, "training points (filled), new points (hollow)")}
    for k in (0, 1):
        rows = y_val == k
        artists[f"val{k}"] = left.scatter(X_val[rows, 0], X_val[rows, 1], s=12, facecolors="none",
                                          edgecolors=CLASS_COLORS[k], marker=CLASS_MARKERS[k],
                                          linewidths=0.8, alpha=0.7, zorder=2)
    for k, made in enumerate(scatter_classes(left, X, y, size=46)):
        made.set_edgecolor("black")
        artists[f"train{k}"] = made
    _draw_loss_axes(right, FIT_EPOCHS, ylim=(1e-4, 10.0))
    right.set_ylabel("loss (log scale)")
    right.set_title("training loss and validation loss", fontsize=12)
    (train_line,) = right.plot([], [], color=COLORS["blue"], linewidth=2.2, label="training")
    (val_line,) = right.plot([], [], color=COLORS["vermillion"], linewidth=2.2, linestyle="--",
                             label="validation")
    (now,) = right.plot([], [], color=COLORS["black"], linewidth=1.0, linestyle=":")
    (best,) = right.plot([], [], "v", color=COLORS["vermillion"], markersize=9, zorder=5,
                         label="lowest validation loss")
    right.legend(loc="upper left", fontsize=12)
    fig.tight_layout()
    artists.update(train=train_line, val=val_line, now=now, best=best,
                   readout=readout(left, y=0.04, va="bottom", size=12),
                   loss_readout=readout(right, y=0.04, va="bottom", size=12))
    return artists


def too_small_too_big():
    """Underfitting and overfitting: a network size knob and an epochs knob, two loss curves."""
    alt = ("Left: the network's probability map over noisy moon-shaped data, training points "
           "filled and new validation points hollow. Right: training loss and validation loss "
           "against epochs on a log scale, the lowest validation loss marked.")
    return KnobFigure(FIT_KNOBS, draw_fitting, fitting_frame, alt=alt, figsize=(9.6, 4.2),
                      settings=FIT_SETTINGS)


# ------------------------------------------------------------------ static figures

@legible_axes
def draw_datasets(axes, names=("xor", "moons", "circles", "spirals")):
    """One panel per data set: its points coloured and shaped by class.  Returns the axes."""
    for ax, name in zip(axes, names):
        X, y = dataset(name)
        style_axes(ax, title=name, grid=False)
        scatter_classes(ax, X, y, size=16)
        ax.set_xlim(*BOX)
        ax.set_ylim(*BOX)
        ax.set_aspect("equal")
        ax.set_xticks([-2, 0, 2])
        ax.set_yticks([-2, 0, 2])
    return axes


@legible_axes
def draw_digits(axes, images, titles):
    """Show small grey images (M, h, w), one per axes, with a title each.  Returns the axes."""
    for ax, image, title in zip(axes, images, titles):
        ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=12)
    return axes


@legible_axes
def draw_confusion(ax, counts):
    """Draw a confusion matrix counts (K, K) as a grid of numbers; returns the image."""
    counts = np.asarray(counts)
    k = len(counts)
    shade = np.where(np.eye(k, dtype=bool), 0.0, counts)  # colour only the mistakes
    image = ax.imshow(shade, cmap="Oranges", vmin=0, vmax=max(shade.max(), 1) * 1.3)
    for i in range(k):
        for j in range(k):
            if counts[i, j]:
                weight = "bold" if i == j else "normal"
                ax.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize=12,
                        fontweight=weight, color="black" if i != j else COLORS["blue"])
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title("confusion matrix (held-out digits)", fontsize=12)
    return image


@legible_axes
def draw_mistakes(axes, images, labels, probabilities):
    """Show mistakes: a digit in each axes of the top row, its 10 probabilities below it.

    axes: (2, M) array of axes.  images: (M, 8, 8).  labels: (M,) true digits.
    probabilities: (M, 10) the network's softmax outputs.  Returns the bar containers.
    """
    bars = []
    guesses = np.argmax(probabilities, axis=1)
    draw_digits(axes[0], images, [f"is {k}, read as {g}" for k, g in zip(labels, guesses)])
    for column, (label, p, guess) in enumerate(zip(labels, probabilities, guesses)):
        bottom = axes[1, column]
        colours = [COLORS["grey"]] * 10
        colours[guess], colours[label] = COLORS["vermillion"], COLORS["blue"]
        bars.append(bottom.bar(range(10), p, color=colours))
        bottom.set_ylim(0, 1)
        bottom.set_xticks(range(10))
        bottom.tick_params(labelsize=12)
        bottom.set_yticks([0, 0.5, 1] if column == 0 else [])
        style_axes(bottom, grid=False)
        bottom.text(guess, min(p[guess] + 0.04, 0.9), f"{p[guess]:.0%}", ha="center", fontsize=12)
    axes[1, 0].set_ylabel("probability")
    return bars
