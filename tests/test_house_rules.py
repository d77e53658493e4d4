"""Rules the whole project keeps: clean notebooks, no side effects on import."""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "book").glob("*.ipynb"))


def test_there_are_chapters():
    assert NOTEBOOKS


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


def test_notebooks_import_nnlib_plainly():
    for path in NOTEBOOKS:
        code = "\n".join("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                         if c["cell_type"] == "code")
        assert "sys.path" not in code and "import *" not in code, path.name


def test_every_notebook_is_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    for path in NOTEBOOKS:
        assert f"book/{path.stem}" in toc, f"{path.name} is missing from _toc.yml"


def test_importing_nnlib_changes_nothing_global():
    """Import in a fresh interpreter and compare global state before and after."""
    probe = """
import random, warnings, numpy as np, matplotlib
before = (matplotlib.rcParams.copy(), list(warnings.filters), np.random.get_state()[1].sum(), random.getstate())
import nnlib, nnlib.knobs, nnlib.controls, nnlib.plotting, nnlib.figures, nnlib.exercises
after = (matplotlib.rcParams.copy(), list(warnings.filters), np.random.get_state()[1].sum(), random.getstate())
import sys
assert before == after, "global state changed on import"
assert "matplotlib.pyplot" not in sys.modules, "nnlib must not import pyplot"
print("clean")
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and out.stdout.strip() == "clean", out.stderr
