"""Shared fixtures: the book built once per test session, strictly."""
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def built_book():
    """Build the whole book with warnings as errors; returns (exit code, log, html dir)."""
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    run = subprocess.run([str(jupyter_book), "build", str(ROOT), "-W", "-n", "--keep-going"],
                         capture_output=True, text=True, cwd=ROOT, timeout=1200)
    return run.returncode, run.stdout + run.stderr, HTML
