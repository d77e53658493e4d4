"""What baking the knob figures costs, and what the bake cache and the second core save.

The book build bakes every knob figure (the top-level package ``bake/``): it plans the
figure's grid, records its frames in self-contained chunks on forked worker processes, and
keeps the result in a cache keyed by the figure's code, data and knobs, so that a figure
nothing touched is not recorded again. This script measures each of those choices side by
side with its alternative, in one run.

The figure table, one row per factory of ``tests/knob_registry.py`` (``--only`` picks some):

  knobs        how many knobs the figure has
  live grid    frames a grid at every live step would hold (the product of the knobs' counts)
  1c, 2c       frames baked under the default ``bake.budget.Budget()`` with 1 worker and with
               2 (the build's choice on this machine: one per core)
  rule         "live steps", or "coarser" and the limit that made it so (2 workers)
  chunks       chunk files the frames are split into (2 workers); only as many processes as
               there are chunks record at once, so one chunk means one busy core
  big KB       the largest chunk file, gzip-compressed as a web host serves it (2 workers)
  all KB       every chunk file together, gzip-compressed (2 workers)
  1 core s     seconds of ``bake.figure.bake(figure, Budget(), workers=1)``
  2 cores s    the same with ``workers=2``; "x" is 1 core / 2 cores, the speed-up, and
               "x/fr" the same per frame (it differs from "x" when the grids differ)
  miss s       a ``bake.hook.Baker`` with an empty cache folder: key, bake and store
  hit s        the same Baker asked again: key and load; "x" is 2 cores / hit
  same         "yes" when every bake of one grid (on 1 worker, on 2, through the Baker and
               from its cache) holds the same page header (``html()``) and the same chunk
               files, and the 2-worker chunks equal what 1 worker records for them; "NO"
               otherwise, which fails the run. The grids themselves may differ: the time
               budget scales with the workers and is set from a timed estimate, so a figure
               the seconds limit binds may get more frames on 2 cores, or in one run than in
               another (marked *). When no 1-worker bake has the 2-worker grid, its chunks
               are recorded again on 1 worker (``bake.figure.record_chunks``) to compare.

Times are medians of ``--repeat`` runs (default 1: a pass over every figure takes
minutes); building each figure (its factory) is not timed. The figures are built in this
process, so their live data (training runs and the like) is computed once, before timing.

With ``--build`` it also times the whole book, in a temporary ``git clone`` of this
checkout's commit (made beside the checkout and removed afterwards; uncommitted changes are
not in it). The clone's own ``nnlib`` and ``bake`` are imported (``PYTHONPATH``), with this
interpreter's packages (``--python`` names another virtual environment's interpreter) and
this checkout's ``node_modules`` (symlinked; run ``npm ci`` first). Each row is one run of
``python scripts/build_book.py``:

  clean          no ``_build`` and no ``_vendor``: every chapter runs, every figure is baked
  unchanged      straight after: Jupyter Book's execution cache skips every chapter
  prose edit     after appending a sentence to a markdown cell of book/01_the_line.ipynb:
                 only text changed, so no chapter runs and no figure is baked
  clean, no bake ``--no-bake`` with ``_build`` and ``_vendor`` removed: what baking adds
                 to a clean build is the difference from the first row

beside the targets issue 10 sets (180 s from clean, 30 s after a prose edit) and, from the
build's own report, how many figures came from the cache and the seconds spent baking.

A quiet machine: nothing else busy on either core (no test run, build or other benchmark),
which the load averages printed before and after help to judge; the numbers of a busy
machine are not comparable with the targets. Like every script in benchmarks/, this
prints what it measured and asserts no time: only the identity checks can fail it.

Run (from the repository root, with the book's virtual environment):

  python benchmarks/bake_cost.py                                      # every figure, once
  python benchmarks/bake_cost.py --only line.line_fit,loss --repeat 3
  python benchmarks/bake_cost.py --only line.line_fit --build
"""
import argparse
import contextlib
import gzip
import itertools
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")      # as `make book` sets it (see the Makefile)

import matplotlib  # noqa: E402

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bake.budget import Budget  # noqa: E402
from bake.figure import bake, record_chunks  # noqa: E402
from bake.hook import Baker  # noqa: E402
from knob_registry import factories  # noqa: E402

CHAPTER = pathlib.Path("book") / "01_the_line.ipynb"
ADDED = " One more sentence, so that the prose of this chapter has changed."
TARGETS = {"clean": 180, "prose edit": 30}
SUMMARY = re.compile(r"(\d+) of (\d+) figures at every live step; (\d+) from the bake cache, "
                     r"(\d+) kept from an earlier build \(chapter not run\); baking took ([\d.]+) s")


def chosen(only):
    """[(name, factory)] of the registry, filtered by ``only`` (module or factory names)."""
    found = factories()
    if not only:
        return found
    wanted = set(only)
    picked = [(name, f) for name, f in found if wanted & {name, name.split(".")[0], name.split(".")[1]}]
    unknown = {w for w in wanted if not any(w in (n, n.split(".")[0], n.split(".")[1]) for n, _ in found)}
    if unknown:
        raise ValueError(f"--only names {sorted(unknown)} are no figure module or factory; "
                         f"known: {', '.join(n for n, _ in found)}")
    return picked


def timed(action):
    """(seconds, result) of calling ``action()`` once."""
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def content(baked):
    """What the page gets from a baked figure: its header's HTML and every chunk file."""
    return baked.html(), [baked.chunk_text(n) for n in range(len(baked.chunks))]


def grid_of(baked):
    """The baked grid (each knob's values) as one hashable text."""
    return json.dumps(baked.header["knobs"], sort_keys=True)


def one_worker_chunks(knob_figure, baked):
    """The chunks of ``baked``'s grid and chunk split, recorded again on a single worker."""
    knobs = baked.header["knobs"]
    names = [knob["name"] for knob in knobs]
    settings = [dict(zip(names, values)) for values in itertools.product(*(knob["values"] for knob in knobs))]
    starts = baked.header["chunks"]["starts"] + [len(settings)]
    return record_chunks(knob_figure, [settings[a:b] for a, b in zip(starts, starts[1:])], 1)


def sameness(knob_figure, one, two):
    """'yes' when bakes of one grid agree and 1 worker records the 2-worker grid alike, else 'NO'.

    one, two: baked figures from 1 and from 2 workers (Baker's and the cache's among ``two``).
    """
    first = {}
    for baked in one + two:
        if content(first.setdefault(grid_of(baked), baked)) != content(baked):
            return "NO"
    reference = two[0]
    if not any(grid_of(baked) == grid_of(reference) for baked in one):
        if one_worker_chunks(knob_figure, reference) != reference.chunks:
            return "NO"
    return "yes"


def measure(knob_figure, repeat):
    """Bake ``knob_figure`` ``repeat`` times each way: a dict of median seconds and checks."""
    budget = Budget()
    one, two = [], []
    for turn in range(repeat):
        runs = [(1, one), (2, two)] if turn % 2 == 0 else [(2, two), (1, one)]   # alternate who goes first
        for workers, results in runs:
            results.append(timed(lambda: bake(knob_figure, budget, workers)))
    with tempfile.TemporaryDirectory(prefix="bake-cost-") as tmp:
        baker = Baker(pathlib.Path(tmp) / "out", cache=pathlib.Path(tmp) / "cache", budget=budget)
        miss_seconds, missed = timed(lambda: baker.bake(knob_figure))
        hits = [timed(lambda: baker.bake(knob_figure)) for _ in range(repeat)]
    if missed.report["cached"] or not all(hit.report["cached"] for _, hit in hits):
        raise RuntimeError("the Baker's second request did not come from its cache (the figure has no cache key?)")
    reference = two[0][1]
    chunk_sizes = [len(text_gzip(text)) for text in content(reference)[1]]
    return {
        "baked": reference, "one": statistics.median(s for s, _ in one),
        "two": statistics.median(s for s, _ in two), "miss": miss_seconds,
        "hit": statistics.median(s for s, _ in hits),
        "same": sameness(knob_figure, [b for _, b in one], [b for _, b in two + hits] + [missed]),
        "big": max(chunk_sizes), "all": sum(chunk_sizes),
        "frames_one": one[0][1].report["frames"],
        "frames_seen": sorted({b.report["frames"] for _, b in two + hits} | {missed.report["frames"]}),
    }


def text_gzip(text):
    """``text`` gzip-compressed as the site's host serves it (level 6, as in bake.budget)."""
    return gzip.compress(text.encode(), 6)


def figure_table(chosen_factories, repeat):
    """Print one row per (name, factory), then the totals; return the rows."""
    print(f"Baking {len(chosen_factories)} figures, medians of {repeat} run(s); "
          f"default budget {Budget()}; cores: {os.cpu_count()}")
    print(f"{'figure':<38}{'knobs':>6}{'live grid':>10}{'1c':>7}{'2c':>7}{'rule':>22}{'chunks':>7}{'big KB':>8}"
          f"{'all KB':>8}{'1 core s':>9}{'2 cores s':>10}{'x':>6}{'x/fr':>6}{'miss s':>8}{'hit s':>7}{'x':>7}"
          f"{'same':>8}  grid")
    rows = []
    for name, factory in chosen_factories:
        knob_figure = factory()
        m = measure(knob_figure, repeat)
        r = m["baked"].report
        rule = r["rule"] + (f" ({r['limited_by']})" if r["limited_by"] else "")
        if len(m["frames_seen"]) > 1:
            rule += "*"
        per_frame = (m["one"] / m["frames_one"]) / (m["two"] / r["frames"])
        print(f"{name:<38}{len(knob_figure.knobs):>6}{r['full_frames']:>10}{m['frames_one']:>7}{r['frames']:>7}"
              f"{rule:>22}{r['chunks']:>7}{m['big'] / 1024:>8.1f}{m['all'] / 1024:>8.1f}{m['one']:>9.2f}"
              f"{m['two']:>10.2f}{m['one'] / m['two']:>6.2f}{per_frame:>6.2f}{m['miss']:>8.2f}{m['hit']:>7.3f}"
              f"{m['two'] / m['hit']:>7.0f}"
              f"{m['same']:>8}  {'; '.join(r['grid'])}", flush=True)
        rows.append((name, m))
    if not rows:
        return rows
    one, two, hit = (sum(m[k] for _, m in rows) for k in ("one", "two", "hit"))
    live = sum(1 for _, m in rows if m["baked"].report["rule"] == "live steps")
    same = sum(1 for _, m in rows if m["same"] == "yes")
    print(f"{len(rows)} figures: baking took {one:.1f} s on 1 core, {two:.1f} s on 2 "
          f"({one / two:.2f}x; median per figure {statistics.median(m['one'] / m['two'] for _, m in rows):.2f}x); "
          f"from the cache {hit:.2f} s ({two / hit:.0f}x faster than baking on 2 cores)")
    print(f"{live} of {len(rows)} at every live step; {same} of {len(rows)} identical on 1 and 2 cores "
          f"and from the cache; {sum(m['all'] for _, m in rows) / 1024:.0f} KB gzip of chunks in all")
    if any(len(m["frames_seen"]) > 1 for _, m in rows):
        print("* the frames baked with 2 workers changed between runs: the time limit is set from a timed estimate")
    single = [name for name, m in rows
              if m["baked"].report["chunks"] == 1 and m["frames_one"] < m["baked"].report["frames"]]
    if single:
        print(f"given more frames for 2 cores, yet recorded in one chunk, so on one core: {', '.join(single)}")
    bad = [name for name, m in rows if m["same"] != "yes"]
    if bad:
        raise SystemExit(f"the same grid baked to different frames: {', '.join(bad)}")
    return rows


# --- the whole book ------------------------------------------------------------------------


def checkout_commit():
    """(the checkout's commit, True when its work tree has uncommitted changes)."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, check=True, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, check=True,
                           capture_output=True, text=True)
    return head.stdout.strip(), bool(dirty.stdout.strip())


@contextlib.contextmanager
def clone_of_checkout(commit):
    """A fresh clone of ``commit``, beside the checkout, with its node_modules linked in."""
    modules = ROOT / "node_modules"
    if not modules.is_dir():
        raise SystemExit(f"{modules} is missing: run `npm ci` in the checkout first (the build vendors from it)")
    parent = pathlib.Path(tempfile.mkdtemp(prefix=f".{ROOT.name}-bake-cost-", dir=ROOT.parent))
    try:
        where = parent / ROOT.name
        subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(ROOT), str(where)], check=True)
        subprocess.run(["git", "checkout", "--quiet", commit], cwd=where, check=True)
        (where / "node_modules").symlink_to(modules)
        yield where
    finally:
        shutil.rmtree(parent, ignore_errors=True)


def build_env(clone):
    """The environment of a build in ``clone``: its own nnlib and bake come first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(clone)] + [p for p in [env.get("PYTHONPATH")] if p])
    env.pop("IPYTHONDIR", None)
    return env


def check_interpreter(python, clone):
    """Fail early unless ``python`` has jupyter-book beside it and imports the clone's nnlib."""
    if not (pathlib.Path(python).parent / "jupyter-book").exists():
        raise SystemExit(f"{python} has no jupyter-book beside it: give the book's virtual environment's "
                         "interpreter (--python .venv/bin/python)")
    found = subprocess.run([python, "-c", "import nnlib, bake; print(nnlib.__file__); print(bake.__file__)"],
                           cwd=clone / "book", env=build_env(clone), capture_output=True, text=True, check=True)
    for line in found.stdout.split():
        if not pathlib.Path(line).resolve().is_relative_to(clone.resolve()):
            raise SystemExit(f"the build would import {line}, not the clone's copy")


def edit_prose(clone):
    """Append a sentence to the first markdown cell of the chapter, editing its JSON as Jupyter writes it."""
    path = clone / CHAPTER
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "markdown")
    source = cell["source"] if isinstance(cell["source"], list) else cell["source"].splitlines(keepends=True)
    if source[-1].endswith("\n"):
        source.append(ADDED.strip())
    else:
        source[-1] += ADDED
    cell["source"] = source
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def run_build(python, clone, log, *flags):
    """Run the book build once in ``clone``: (seconds, its summary line's numbers or None)."""
    with open(log, "w", encoding="utf-8") as out:
        seconds, done = timed(lambda: subprocess.run([python, "scripts/build_book.py", *flags], cwd=clone,
                                                     env=build_env(clone), stdout=out, stderr=subprocess.STDOUT))
    text = pathlib.Path(log).read_text(encoding="utf-8", errors="replace")
    if done.returncode:
        print(text[-4000:])
        raise SystemExit(f"the build {' '.join(flags)} failed (exit {done.returncode}); its output ends above")
    found = SUMMARY.search(text)
    return seconds, None if found is None else {"cached": int(found[3]), "kept": int(found[4]),
                                                "figures": int(found[2]), "baking": float(found[5])}


def build_table(python):
    """Time the four builds (see the module doc) and print their table."""
    commit, dirty = checkout_commit()
    print(f"\nBuilding the book at commit {commit[:10]} in a fresh clone"
          + (" (the checkout has uncommitted changes, which the clone does not)" if dirty else ""))
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    rows = []
    with clone_of_checkout(commit) as clone:
        check_interpreter(python, clone)
        logs = clone.parent
        rows.append(("clean", *run_build(python, clone, logs / "clean.log")))
        rows.append(("unchanged", *run_build(python, clone, logs / "unchanged.log")))
        edit_prose(clone)
        rows.append(("prose edit", *run_build(python, clone, logs / "prose.log")))
        for generated in ("_build", "_vendor"):
            shutil.rmtree(clone / generated, ignore_errors=True)
        rows.append(("clean, no bake", *run_build(python, clone, logs / "plain.log", "--no-bake")))
    print(f"load average after:  {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    clean = rows[0][1]
    print(f"{'build':<16}{'seconds':>9}{'target s':>10}{'vs clean':>10}{'from cache':>12}{'kept':>6}{'baking s':>10}")
    for name, seconds, summary in rows:
        target = TARGETS.get(name)
        cache = f"{summary['cached']}/{summary['figures']}" if summary else "-"
        kept = f"{summary['kept']}" if summary else "-"
        baking = f"{summary['baking']:.1f}" if summary else "-"
        print(f"{name:<16}{seconds:>9.1f}{target if target else '-':>10}{seconds / clean:>10.2f}{cache:>12}"
              f"{kept:>6}{baking:>10}")
    print(f"baking adds {clean - rows[3][1]:.1f} s to a clean build ({clean / rows[3][1]:.2f}x the build without it)")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated figure modules or factories, e.g. line.line_fit,loss")
    parser.add_argument("--repeat", type=int, default=1, help="timings per figure and way; medians are printed")
    parser.add_argument("--build", action="store_true", help="also time whole-book builds in a fresh clone")
    parser.add_argument("--python", default=sys.executable, help="the interpreter that runs the builds")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be at least 1, got {args.repeat}")
    only = [name.strip() for name in args.only.split(",") if name.strip()] if args.only else None
    try:
        picked = chosen(only)
    except ValueError as error:
        parser.error(str(error))
    figure_table(picked, args.repeat)
    if args.build:
        build_table(os.path.abspath(args.python))


if __name__ == "__main__":
    main()
