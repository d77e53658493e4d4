"""Time per knob move: nnlib's KnobFigure against re-creating the figure as ``interact`` does.

For each move we time from the new knob value to the PNG bytes that would be
sent to the browser. ``ipywidgets.interact`` calls the plotting function
again on every move; with the inline backend that builds a new pyplot figure
and encodes it through IPython's ``print_figure(..., bbox_inches="tight")``,
which is exactly what the baseline below does. Both sides draw the same
artists from the same ``draw``/``frame`` functions.

Run:  python benchmarks/knob_latency.py [--moves 200]
"""
import argparse
import statistics
import time
from functools import partial

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402

from nnlib import activations, datasets  # noqa: E402
from nnlib.figures import line  # noqa: E402
from nnlib.knobs import KnobFigure, Slider, apply_frame  # noqa: E402
from nnlib.plotting import COLORS, readout, style_axes  # noqa: E402

GRID = np.linspace(-3, 3, 30)


def heavy_draw(fig):
    """A line panel and a 30×30 heat map panel, both of which move."""
    left, right = fig.subplots(1, 2)
    style_axes(left, xlabel="x", ylabel="ŷ", title="line")
    left.set_xlim(-3, 3)
    left.set_ylim(-10, 10)
    (drawn,) = left.plot([], [], color=COLORS["orange"], linewidth=2.5)
    style_axes(right, xlabel="x₁", ylabel="x₂", title="σ(w·x₁ + w·x₂ + b)", grid=False)
    image = right.imshow(np.zeros((30, 30)), extent=(-3, 3, -3, 3), origin="lower",
                         vmin=0, vmax=1, cmap="viridis")
    fig.tight_layout()
    return {"line": drawn, "image": image, "readout": readout(left)}


def heavy_frame(w, b):
    x1, x2 = np.meshgrid(GRID, GRID)
    surface = activations.sigmoid(w * x1 + w * x2 + b)
    return {"line": (GRID, w * GRID + b), "image": {"data": surface}, "readout": f"w={w:.2f} b={b:.2f}"}


def heavy_figure():
    knobs = [Slider("w", "weight", -3, 3, 1.0, 0.05), Slider("b", "bias", -5, 5, 0.0, 0.1)]
    return KnobFigure(knobs, heavy_draw, heavy_frame, alt="benchmark figure", figsize=(9, 3.6))


def recreate(draw, frame, figsize, values):
    """What interact does on a move: a new figure, drawn in full, encoded as inline PNG."""
    fig = plt.figure(figsize=figsize, dpi=100)
    apply_frame(draw(fig), frame(**values))
    png = print_figure(fig, fmt="png", bbox_inches="tight")
    plt.close(fig)
    return png


def timed(move, values):
    times = []
    for v in values:
        start = time.perf_counter()
        move(v)
        times.append((time.perf_counter() - start) * 1000)
    return times


def percentile(times, q):
    return float(np.percentile(times, q))


def run_case(name, knob_figure, draw, frame, figsize, moves):
    knob = knob_figure.knobs["w"]
    grid = knob.grid()
    values = [float(grid[i % len(grid)]) for i in range(moves)]
    b = knob_figure.values["b"]
    ours = timed(lambda v: knob_figure.set(w=v).png, values)
    theirs = timed(lambda v: recreate(draw, frame, figsize, {"w": v, "b": b}), values)
    return name, ours, theirs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=200)
    args = parser.parse_args()
    ch1 = line.line_fit()
    X, y = datasets.line_points()
    cases = [
        run_case("chapter 1 (line, residuals, readout)", ch1,
                 partial(line.draw_fit, X=X, y=y), partial(line.fit_frame, X, y), (6.4, 4.0), args.moves),
        run_case("two panels (line + 30×30 heat map)", heavy_figure(), heavy_draw, heavy_frame,
                 (9, 3.6), args.moves),
    ]
    print(f"Time per knob move, value change -> PNG bytes, {args.moves} moves each (ms)\n")
    print("| figure | KnobFigure p50 | KnobFigure p95 | interact p50 | interact p95 | speed-up (p50) |")
    print("|---|---|---|---|---|---|")
    for name, ours, theirs in cases:
        p50, p95 = statistics.median(ours), percentile(ours, 95)
        q50, q95 = statistics.median(theirs), percentile(theirs, 95)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {q50:.1f} | {q95:.1f} | {q50 / p50:.1f}× |")
    ours, theirs = cases[0][1], cases[0][2]
    ok = statistics.median(theirs) / statistics.median(ours) >= 4 and percentile(ours, 95) < 20
    print(f"\nTarget (chapter 1: p50 at least 4× faster than interact, p95 under 20 ms): "
          f"{'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
