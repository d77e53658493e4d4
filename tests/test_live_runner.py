"""The Python glue of a live page (assets/live_runner.py), here in the host's Python.

tests/test_live_browser.py runs it in Pyodide in Chromium, through the page; these check
two things of it that a browser test sees only as time saved: the work a figure does ahead
while the reader is idle, and the compiled modules it hands to the browser's cache.
"""
import importlib
import importlib.util
import io
import os
import sys
import zipfile

import pytest

from conftest import ROOT
from nnlib.knobs import KnobFigure, Slider

sys.path.insert(0, str(ROOT / "assets"))
ENVIRONMENT = dict(os.environ)
import live_runner  # noqa: E402


def test_importing_the_runner_leaves_the_environment_alone():
    """It once chose matplotlib's backend through MPLBACKEND: the book build that the tests then
    started inherited it, and its kernels showed no static figure."""
    now = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}    # pytest's own, per test
    assert now == {k: v for k, v in ENVIRONMENT.items() if k != "PYTEST_CURRENT_TEST"}


def figure_that_works_ahead(calls):
    def draw(fig):
        (drawn,) = fig.subplots().plot([0, 1], [0, 0])
        return {"line": drawn}

    def ahead(values):
        for direction in ("up", "down"):
            calls.append((direction, values["a"]))
            yield direction

    return KnobFigure([Slider("a", "slope", 0.0, 1.0, 0.5, 0.1)], draw, lambda a: {"line": ([0, 1], [0, a])},
                      alt="a line with a slope knob", figsize=(2, 2), prefetch=ahead)


def test_work_ahead_takes_one_step_per_call_for_the_last_moved_figure():
    calls = []
    output = live_runner.knob_output(figure_that_works_ahead(calls))
    assert calls == []                                   # nothing before the worker is idle
    assert live_runner.work_ahead() and calls == [("up", 0.5)]
    assert live_runner.work_ahead() and calls == [("up", 0.5), ("down", 0.5)]
    assert live_runner.work_ahead() is False             # done: nothing more to do
    assert live_runner.work_ahead() is False and len(calls) == 2
    index = output["knobs"][0]["index"]
    live_runner.move(output["figure"], [index + 2])      # a move plans afresh, from its values
    assert live_runner.work_ahead() and calls[-1] == ("up", 0.7)
    live_runner.move(output["figure"], [index])          # a new move drops what was left
    live_runner.work_ahead()
    live_runner.work_ahead()
    assert calls[-2:] == [("up", 0.5), ("down", 0.5)]


def test_a_figure_without_work_ahead_leaves_nothing_to_do():
    def draw(fig):
        (drawn,) = fig.subplots().plot([0, 1], [0, 0])
        return {"line": drawn}
    plain = KnobFigure([Slider("a", "slope", 0.0, 1.0, 0.5, 0.1)], draw, lambda a: {"line": ([0, 1], [0, a])},
                       alt="a line", figsize=(2, 2))
    live_runner.knob_output(plain)
    assert live_runner.work_ahead() is False


@pytest.fixture
def bytecode_folder(tmp_path, monkeypatch):
    """A module of our own, and Python compiling into tmp_path/bytecode as the live page does."""
    source = tmp_path / "src" / "knob_sample.py"
    source.parent.mkdir()
    source.write_text("ANSWER = 42\n")
    monkeypatch.syspath_prepend(str(source.parent))
    monkeypatch.setattr(sys, "pycache_prefix", str(tmp_path / "bytecode"))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    yield source
    sys.modules.pop("knob_sample", None)


def test_the_bytecode_archive_holds_new_modules_stamped_with_their_sources_hash(bytecode_folder):
    assert live_runner.bytecode_archive() is None        # nothing compiled yet
    import knob_sample
    assert knob_sample.ANSWER == 42
    archive = live_runner.bytecode_archive()
    files = zipfile.ZipFile(io.BytesIO(archive))
    (name,) = [n for n in files.namelist() if "knob_sample" in n]
    data = files.read(name)
    assert data[:4] == importlib.util.MAGIC_NUMBER
    assert int.from_bytes(data[4:8], "little") == 3      # PEP 552: checked against the source's hash
    assert data[8:16] == importlib.util.source_hash(bytecode_folder.read_bytes())
    live_runner.bytecode_archive()                       # (the host compiles stdlib modules too)
    assert live_runner.bytecode_archive() is None        # nothing new since


def test_a_later_start_takes_the_kept_bytecode_while_the_source_is_the_same(bytecode_folder, tmp_path):
    import knob_sample  # noqa: F401
    archive = live_runner.bytecode_archive()
    kept = zipfile.ZipFile(io.BytesIO(archive))
    (name,) = [n for n in kept.namelist() if "knob_sample" in n]
    pyc = tmp_path / "bytecode" / name
    # a new start: the source unpacked afresh (a new time), the kept bytecode put back
    sys.modules.pop("knob_sample")
    bytecode_folder.write_text("ANSWER = 42\n")
    kept.extractall(tmp_path / "bytecode")
    before = pyc.read_bytes()
    importlib.invalidate_caches()
    assert importlib.import_module("knob_sample").ANSWER == 42
    assert pyc.read_bytes() == before                    # taken as it was, not compiled again
    # a changed source is compiled again, whatever the kept bytecode says
    sys.modules.pop("knob_sample")
    bytecode_folder.write_text("ANSWER = 43\n")
    importlib.invalidate_caches()
    assert importlib.import_module("knob_sample").ANSWER == 43


def test_a_last_expression_followed_by_a_semicolon_shows_no_value():
    """Chapter 7 ends a cell with ``training.draw_datasets(axes);``: Jupyter shows the figure
    only, and the live page showed the array of axes under it too."""
    assert live_runner.run_cell("x = [1, 2]\nx", "cell 1") == [{"type": "text", "text": "[1, 2]"}]
    assert live_runner.run_cell("x.append(3)\nx;", "cell 2") == []
    assert live_runner.run_cell("x  ;  # ünïcode comment", "cell 3") == []
    assert live_runner.run_cell("x  # a comment; not a semicolon", "cell 4") == [{"type": "text", "text": "[1, 2, 3]"}]
    assert live_runner.run_cell("'ü'; x", "cell 5") == [{"type": "text", "text": "[1, 2, 3]"}]
