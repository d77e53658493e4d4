"""What baking the knob figures costs: frames, bytes and seconds, per figure and per page.

Baking (nnlib/bake.py) records every frame of every knob figure while the book
builds, so that the static pages can redraw the figures without a kernel. This
prints, for every figure factory in nnlib.figures (baked here, one after the
other, as the build does):

  knobs, full grid, frames baked, rule (full or coarse, and the steps),
  ops stored, payload bytes (raw and gzip), seconds of baking

and with --build it also builds the whole book twice, with and without baking
(into temporary folders), and prints the build time baking adds and, per page,
the bytes it adds (raw HTML and gzip, as a web host serves it).

Run:  python benchmarks/bake_cost.py [--only line,neuron] [--build]
"""
import argparse
import gzip
import importlib
import os
import pathlib
import pkgutil
import subprocess
import sys
import tempfile
import time

import matplotlib

matplotlib.use("Agg")

import nnlib.figures  # noqa: E402
from nnlib import bake  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]


def factories(only=None):
    for info in pkgutil.iter_modules(nnlib.figures.__path__):
        if only and info.name not in only:
            continue
        module = importlib.import_module(f"nnlib.figures.{info.name}")
        for name in module.__all__:
            yield f"{info.name}.{name}", getattr(module, name)


def figure_table(only=None):
    rows = []
    print(f"{'figure':<38}{'knobs':>6}{'full':>10}{'baked':>7}{'rule':>17}{'ops':>7}"
          f"{'raw KB':>8}{'gzip KB':>8}{'bake s':>8}  grid")
    for name, factory in factories(only):
        knob_figure = factory()
        start = time.perf_counter()
        baked = bake.bake(knob_figure)
        seconds = time.perf_counter() - start
        r = baked.report
        rows.append((name, r, seconds))
        rule = r["rule"] + (f" ({r['limited_by']})" if r["limited_by"] else "")
        print(f"{name:<38}{len(knob_figure.knobs):>6}{r['full_frames']:>10}{r['frames']:>7}"
              f"{rule:>17}{r['ops']:>7}{r['raw_bytes'] / 1024:>8.1f}{r['gzip_bytes'] / 1024:>8.1f}"
              f"{seconds:>8.2f}  {'; '.join(r['grid'])}", flush=True)
    total = sum(s for _, _, s in rows)
    print(f"{len(rows)} figures: {total:.1f} s of baking, "
          f"{sum(r['gzip_bytes'] for _, r, _ in rows) / 1024:.0f} KB gzip in all; budget per figure: "
          f"{bake.BUDGET.frames} frames, {bake.BUDGET.gzip_bytes // 1024} KB gzip")
    return rows


def build(output, baking, bake_dir=None):
    """Build the book into ``output``; return seconds."""
    env = dict(os.environ)
    env.pop(bake.ENV, None)
    env.pop(bake.DIR_ENV, None)
    if baking:
        env.update({bake.ENV: "1", bake.DIR_ENV: str(bake_dir)})
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    start = time.perf_counter()
    run = subprocess.run([str(jupyter_book), "build", str(ROOT), "--path-output", str(output)],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    seconds = time.perf_counter() - start
    if run.returncode:
        print(run.stdout[-3000:], run.stderr[-3000:])
        raise SystemExit(f"the build {'with' if baking else 'without'} baking failed")
    return seconds


def page_bytes(html):
    out = {}
    for page in sorted(html.rglob("*.html")):
        data = page.read_bytes()
        out[str(page.relative_to(html))] = (len(data), len(gzip.compress(data, 6)))
    return out


def build_table():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        plain = build(tmp / "plain", baking=False)
        baked = build(tmp / "baked", baking=True, bake_dir=tmp / "bake")
        html_plain, html_baked = tmp / "plain" / "_build" / "html", tmp / "baked" / "_build" / "html"
        print()
        print(bake.summarise(tmp / "bake", html_baked))
        before, after = page_bytes(html_plain), page_bytes(html_baked)
        print(f"\n{'page':<36}{'raw KB added':>14}{'gzip KB added':>15}{'page gzip KB':>14}")
        for page, (raw, packed) in after.items():
            raw0, packed0 = before.get(page, (0, 0))
            if raw != raw0:
                print(f"{page:<36}{(raw - raw0) / 1024:>14.1f}{(packed - packed0) / 1024:>15.1f}"
                      f"{packed / 1024:>14.1f}")
        print(f"\nbuild without baking {plain:.0f} s, with baking {baked:.0f} s: "
              f"baking added {baked - plain:.0f} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated figure modules, e.g. line,neuron")
    parser.add_argument("--build", action="store_true", help="also build the book with and without baking")
    args = parser.parse_args()
    figure_table(set(args.only.split(",")) if args.only else None)
    if args.build:
        build_table()


if __name__ == "__main__":
    main()
