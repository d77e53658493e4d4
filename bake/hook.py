"""The book build's hook: every knob figure a chapter shows is baked and shown baked.

The build (``scripts/build_book.py``) writes an IPython startup file that calls
:func:`install` with the folders to use. From then on, in that kernel only, showing a
:class:`~nnlib.knobs.KnobFigure` bakes it (or takes it from the cache) and displays the
page's widgets (``page.box``) instead of the live ones. nnlib knows nothing of this.

Written under ``out``: every chunk but the one the page carries, gzip-compressed at the
contract's ``chunk_file`` (``frames/<id>/<chunk>.json.gz``, copied into the site), and for each
figure ``<id>.json`` (its report) and ``<id>/ref-N.png``: live renders at a few grid
settings and at every setting the figure declares, which the browser tests compare the
page against.
"""
import gzip
import json
import os
import pathlib

import numpy as np
from nnlib.knobs import Choice, KnobFigure

from . import contract, page
from .budget import Budget
from .cache import Cache, key
from .figure import bake


def reference_settings(knob_figure, header, count=5, seed=0):
    """Settings to check the page against: the figure's declared ones, then defaults, all-min,
    all-max and random settings, each on the baked grid. A list of {name: value}."""
    values = {entry["name"]: entry["values"] for entry in header["knobs"]}
    defaults = {name: knob.default for name, knob in knob_figure.knobs.items()}
    chosen = [dict(defaults, **setting) for setting in knob_figure.settings]
    chosen += [defaults, {n: v[0] for n, v in values.items()}, {n: v[-1] for n, v in values.items()}]
    rng = np.random.default_rng(seed)
    chosen += [{n: v[rng.integers(len(v))] for n, v in values.items()} for _ in range(count - 3)]
    unique = []
    for setting in chosen:
        on_grid = {name: nearest(options, setting[name]) for name, options in values.items()}
        if on_grid not in unique:
            unique.append(on_grid)
    return unique


def same(first, second):
    """True when two settings name the same value for every knob (numbers to 1e-9)."""
    return first.keys() == second.keys() and all(
        first[n] == second[n] if isinstance(first[n], str) else abs(first[n] - second[n]) < 1e-9 for n in first)


def nearest(options, value):
    """The option equal to ``value`` (a choice), else the nearest number among ``options``."""
    if isinstance(value, str):
        return value
    return min(options, key=lambda option: abs(option - value))


class Baker:
    """Bakes each figure shown in this kernel into ``out`` (see the module doc)."""

    def __init__(self, out, cache=None, budget=None, workers=None):
        self.out = pathlib.Path(out)
        self.cache = Cache(cache) if cache else None
        self.budget = budget or Budget()
        self.workers = workers

    def bake(self, knob_figure):
        """The figure baked: from the cache when its key is there, else recorded (and cached)."""
        cache_key = key(knob_figure, self.budget) if self.cache else None
        baked = self.cache.get(cache_key) if self.cache else None
        if baked is None:
            baked = bake(knob_figure, self.budget, self.workers)
            if self.cache:
                self.cache.put(cache_key, baked)
        return baked

    def write(self, knob_figure, baked):
        """The chunks into the site's folder, the report and the live reference renders."""
        path, inline = baked.header["chunks"]["path"], baked.header["chunks"]["inline"]
        (self.out / path).mkdir(parents=True, exist_ok=True)
        for n in range(len(baked.chunks)):
            if str(n) not in inline:          # the page carries that one itself
                file = self.out / contract.chunk_file(path, n)
                file.write_bytes(gzip.compress(baked.chunk_text(n).encode("utf-8"), compresslevel=9, mtime=0))
        references = []
        (self.out / baked.id).mkdir(parents=True, exist_ok=True)
        declared = [{**{n: k.default for n, k in knob_figure.knobs.items()}, **s} for s in knob_figure.settings]
        for n, setting in enumerate(reference_settings(knob_figure, baked.header)):
            name = f"{baked.id}/ref-{n}.png"
            (self.out / name).write_bytes(knob_figure.picture_at(**setting))
            references.append({"values": setting, "png": name,
                               "frame": contract.frame_of(baked.header["knobs"], setting),
                               "declared": any(same(setting, d) for d in declared)})
        live = [{"name": k.name, "options": list(k.options)} if isinstance(k, Choice) else
                {"name": k.name, "min": k.min, "max": k.max, "step": k.step} for k in knob_figure.knobs.values()]
        report = dict(baked.report, references=references, live=live,
                      settings=[dict(s) for s in knob_figure.settings])
        (self.out / f"{baked.id}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")

    def show(self, knob_figure):
        """Display ``knob_figure`` as the published page shows it (IPython's display hook)."""
        from IPython.display import display
        baked = self.bake(knob_figure)
        self.write(knob_figure, baked)
        display(page.box(knob_figure, baked))


def install(out, cache=None, budget=None, workers=None, shell=None):
    """Show every KnobFigure baked from now on, in this IPython kernel. Returns the Baker."""
    if shell is None:
        from IPython import get_ipython
        shell = get_ipython()
    baker = Baker(out, cache, budget, workers)
    shell.display_formatter.ipython_display_formatter.for_type(KnobFigure, baker.show)
    return baker


STARTUP = '''\
# Written by the book build: bake every knob figure the chapters show (bake/hook.py).
import sys
sys.path.insert(0, {root!r})
from bake import hook
hook.install(out={out!r}, cache={cache!r})
'''


def write_startup(ipython_dir, out, cache):
    """Write the IPython startup file that installs the hook in the build's kernels."""
    root = str(pathlib.Path(__file__).resolve().parent.parent)
    startup = pathlib.Path(ipython_dir) / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "00-bake.py").write_text(STARTUP.format(root=root, out=str(out), cache=str(cache)))
    os.makedirs(out, exist_ok=True)
