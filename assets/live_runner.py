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

The grids and the slider labels come from nnlib (``Slider.grid``, ``Slider.readout``), so the
page never does the grid arithmetic itself.
"""
import ast
import io
import linecache
import os
import sys
import traceback

os.environ["MPLBACKEND"] = "Agg"     # no DOM in a worker: matplotlib draws into memory only
import matplotlib.pyplot as plt       # noqa: E402  (after the backend is chosen)
from nnlib.knobs import Choice, KnobFigure   # noqa: E402

NAMESPACE = {"__name__": "__main__", "__builtins__": __builtins__}
FIGURES = []            # the knob figures the page has shown, by number


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
    """(module of the cell's statements, expression of its last line or None)."""
    tree = ast.parse(code, name)
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    return tree, last


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
    return knob_figure.set(**values).png
