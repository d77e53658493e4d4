"""The chapter notebooks as committed: clean, complete metadata, exercises in portable markup.

JupyterLab (local and Binder), JupyterLite and Colab read the .ipynb itself, not the built page,
so what they need has to be in the file: no outputs (autosave would otherwise commit them), the
kernelspec and language_info a kernel reports (missing keys make JupyterLab mark a notebook
modified as it opens), and exercises in plain Markdown and HTML that every renderer shows.
"""
import json
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
CHAPTERS = sorted(BOOK.glob("0*.ipynb"))
LANGUAGE_INFO_KEYS = {"codemirror_mode", "file_extension", "mimetype", "name", "nbconvert_exporter",
                      "pygments_lexer", "version"}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_chapters():
    assert len(CHAPTERS) >= 8


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_committed_without_outputs(path):
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{path.name}: cell {cell['id']} has outputs; clear them before committing"
            assert cell["execution_count"] is None, f"{path.name}: cell {cell['id']} has an execution count"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_kernel_metadata_is_complete(path):
    meta = load(path)["metadata"]
    # exactly what ipykernel's own kernelspec says, or JupyterLab rewrites it on opening
    assert meta["kernelspec"] == {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    assert LANGUAGE_INFO_KEYS <= set(meta["language_info"]), f"{path.name}: language_info is incomplete"
    assert meta["language_info"]["codemirror_mode"] == {"name": "ipython", "version": 3}


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_exercises_are_portable_and_solutions_folded(path):
    """Numbered exercises in bold, each solution in <details> with blank lines around its Markdown
    (so that CommonMark renderers render the Markdown inside), and no code cell that would print a
    solution on Run All."""
    chapter = int(path.name[:2])
    cells = load(path)["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "{exercise}" not in text and "{solution}" not in text and ":class: dropdown" not in text
    numbers = re.findall(r"\*\*Exercise (\d+)\.(\d+)\.\*\*", text)
    assert numbers, f"{path.name} has no exercises"
    assert [int(c) for c, _ in numbers] == [chapter] * len(numbers)
    assert [int(k) for _, k in numbers] == list(range(1, len(numbers) + 1))
    solutions = re.findall(r'<details class="solution">\n<summary>Solution to exercise (\d+\.\d+)</summary>\n\n'
                           r"(.*?)\n\n</details>", text, re.S)
    assert [n for n, _ in solutions] == [f"{c}.{k}" for c, k in numbers]
    assert text.count("<details") == text.count("</details>") == len(solutions)
    for cell in cells:
        if cell["cell_type"] == "code":
            assert "hide-cell" not in cell["metadata"].get("tags", []) or "exercises" not in "".join(cell["source"]), \
                f"{path.name}: a hidden code cell runs a checker; solution checks belong in tests/test_solutions.py"
