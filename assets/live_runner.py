"""The Python side of a live page: runs a chapter's cells in the reader's browser.

assets/live-worker.js starts Pyodide (Python compiled to WebAssembly) in a Web Worker, loads
numpy, matplotlib and nnlib from the site's own files, then imports this module and calls:

- ``run_cell(code, name)``: run one cell in the page's namespace (one namespace per page, as
  one kernel per notebook) and return what it showed, in order, as a list of outputs:
  ``{"type": "stream", "name": "stdout" | "stderr", "text": ...}``,
  ``{"type": "image", "png": bytes}`` (a matplotlib figure, shown as the inline backend does),
  ``{"type": "html", "html": ...}`` or ``{"type": "text", "text": ...}`` (the value of the
  cell's last expression), ``{"type": "knob", ...}`` (a knob figure, see ``knob_output``), and
  ``{"type": "error", "text": ...}`` (a short traceback: the cell's own lines only).
- ``move(figure, indexes)``: turn a knob figure's knobs to the values at ``indexes`` of
  their live grids and return its new picture as PNG bytes.
- ``bytecode_archive()``: the modules this page compiled, as a zip for the browser to keep
  for its next visit, or None when nothing is new since the last call.
- ``work_ahead()``: one step of the last moved figure's prefetch (``KnobFigure.prefetch``,
  e.g. training the network of the next setting), which the worker calls while the reader
  is idle: a browser's Python has no threads to do it in the background. False when no
  step was left.

The grids and the slider labels come from nnlib (``Slider.grid``, ``Slider.readout``), so the
page never does the grid arithmetic itself.
"""
import ast
import importlib.util
import io
import linecache
import os
import pathlib
import sys
import traceback
import zipfile

import matplotlib

# No DOM in a worker: matplotlib draws into memory only. Chosen in this process, not through
# the MPLBACKEND variable, which programs started from here would inherit (a host's tests import
# this module, then build the book, whose kernels must keep their inline backend).
matplotlib.use("Agg")
import matplotlib.pyplot as plt       # noqa: E402  (after the backend is chosen)
from nnlib.knobs import Choice, KnobFigure   # noqa: E402

NAMESPACE = {"__name__": "__main__", "__builtins__": __builtins__}
FIGURES = []            # the knob figures the page has shown, by number
AHEAD = []              # the prefetch still to do: at most one figure's steps (an iterator)


class Outputs:
    """What one cell shows, in order. Text written to stdout or stderr joins the stream before it."""

    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)

    def write(self, name, text):
        if self.items and self.items[-1]["type"] == "stream" and self.items[-1]["name"] == name:
            self.items[-1]["text"] += text
        else:
            self.add({"type": "stream", "name": name, "text": text})


class Stream(io.TextIOBase):
    """sys.stdout or sys.stderr while a cell runs: every write goes to the cell's outputs."""

    def __init__(self, outputs, name):
        self.outputs, self.name = outputs, name

    def writable(self):
        return True

    def write(self, text):
        self.outputs.write(self.name, text)
        return len(text)


def show_figures(outputs):
    """Every open pyplot figure as a PNG output, then closed (what plt.show does in a notebook)."""
    for number in plt.get_fignums():
        figure = plt.figure(number)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", bbox_inches="tight")
        outputs.add({"type": "image", "png": buffer.getvalue()})
    plt.close("all")


def knob_output(knob_figure):
    """A knob figure as an output: its number here, its knobs' live grids (labels and the
    current position on each) and its picture. The page moves it with ``move``."""
    FIGURES.append(knob_figure)
    plan_ahead(knob_figure)
    knobs = []
    for name, knob in knob_figure.knobs.items():
        if isinstance(knob, Choice):
            labels = list(knob.grid())
        else:
            labels = [knob.readout(value) for value in knob.grid()]
        knobs.append({"name": name, "label": knob.label, "kind": "choice" if isinstance(knob, Choice) else "slider",
                      "labels": labels, "index": knob.index(knob_figure.values[name])})
    return {"type": "knob", "figure": len(FIGURES) - 1, "knobs": knobs, "png": knob_figure.png}


def value_output(value):
    """The output for the value of a cell's last expression (None shows nothing)."""
    if value is None:
        return None
    if isinstance(value, KnobFigure):
        return knob_output(value)
    html = getattr(value, "_repr_html_", None)
    if callable(html) and not isinstance(value, type):
        return {"type": "html", "html": html()}
    return {"type": "text", "text": repr(value)}


def short_traceback(error, name):
    """The traceback of ``error`` with only the frames of the cell itself (and the error line)."""
    report = traceback.TracebackException.from_exception(error)
    report.stack = traceback.StackSummary.from_list([f for f in report.stack if f.filename == name])
    return "".join(report.format())


def split_last_expression(code, name):
    """(module of the cell's statements, expression of its last line or None). As in Jupyter, a
    last expression followed by a semicolon (``draw(axes);``) is run but its value not shown."""
    tree = ast.parse(code, name)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not ends_with_semicolon(code, tree.body[-1]):
        last = ast.Expression(tree.body.pop().value)
    return tree, last


def ends_with_semicolon(code, statement):
    """Whether a semicolon follows ``statement`` (an ast node of ``code``) on its last line."""
    line = code.splitlines()[statement.end_lineno - 1].encode()    # ast offsets count UTF-8 bytes
    rest = line[statement.end_col_offset:].decode()
    return rest.split("#", 1)[0].strip().startswith(";")


def run_cell(code, name):
    """Run ``code`` as the cell called ``name`` (e.g. "cell 3"); return its outputs (a list)."""
    outputs = Outputs()
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)   # lines for tracebacks
    saved = sys.stdout, sys.stderr, plt.show
    sys.stdout, sys.stderr = Stream(outputs, "stdout"), Stream(outputs, "stderr")
    plt.show = lambda *args, **kwargs: show_figures(outputs)
    try:
        statements, last = split_last_expression(code, name)
        exec(compile(statements, name, "exec"), NAMESPACE)
        value = eval(compile(last, name, "eval"), NAMESPACE) if last is not None else None
        sys.stdout.flush()
        show_figures(outputs)
        shown = value_output(value)
        if shown is not None:
            outputs.add(shown)
    except Exception as error:  # noqa: BLE001 - the reader's mistake is shown in the cell
        show_figures(outputs)
        outputs.add({"type": "error", "text": short_traceback(error, name)})
    finally:
        sys.stdout, sys.stderr, plt.show = saved
    return outputs.items


def move(figure, indexes):
    """Set knob figure number ``figure`` to the values at ``indexes`` of its knobs' live grids
    (one index per knob, in the figure's order); return its picture as PNG bytes."""
    knob_figure = FIGURES[figure]
    values = {name: knob.grid()[index] for (name, knob), index in zip(knob_figure.knobs.items(), indexes)}
    png = knob_figure.set(**values).png
    plan_ahead(knob_figure)
    return png


def bytecode_archive():
    """The compiled modules under ``sys.pycache_prefix`` as zip bytes (stored, not compressed:
    the browser keeps them on its own disk), or None when none was compiled since the last call.

    Pyodide's packages ship Python sources, so each start compiles every module it imports
    again (1.5-2 s for matplotlib, numpy and nnlib). The worker sets ``sys.pycache_prefix``
    before the first import, with bytecode writing on, and fills that folder from the browser's
    cache of an earlier visit; what this returns goes into that cache.

    Python writes each new .pyc stamped with its source file's time, but every start unpacks
    the packages afresh, with new times; so each is stamped instead with its source's hash
    (PEP 552, checked), which a later start accepts as long as the source is the same. A file
    still stamped with a time is one compiled since the last call.
    """
    if not sys.pycache_prefix:
        return None
    files = {str(p): p.read_bytes() for p in sorted(pathlib.Path(sys.pycache_prefix).rglob("*.pyc"))}
    new = [file for file, data in files.items() if int.from_bytes(data[4:8], "little") & 1 == 0]
    if not new:
        return None
    for file in new:
        source = pathlib.Path(importlib.util.source_from_cache(file)).read_bytes()
        data = files[file]
        files[file] = data[:4] + (3).to_bytes(4, "little") + importlib.util.source_hash(source) + data[16:]
        pathlib.Path(file).write_bytes(files[file])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        for file, data in files.items():
            zipped.writestr(os.path.relpath(file, sys.pycache_prefix), data)
    return archive.getvalue()


def plan_ahead(knob_figure):
    """Make ``knob_figure``'s prefetch for its current values the work to do ahead (if it has one)."""
    AHEAD[:] = [] if knob_figure.prefetch is None else [iter(knob_figure.prefetch(dict(knob_figure.values)))]


def work_ahead():
    """Take one step of the work ahead: True when a step was taken (there may be more), False
    when none was left."""
    if not AHEAD:
        return False
    try:
        next(AHEAD[0])
        return True
    except StopIteration:
        AHEAD.clear()
        return False
