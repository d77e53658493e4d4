"""Shared fixtures: the book built once per test session, strictly."""
import os
import pathlib
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
BAKE_DIR = ROOT / "_build" / "bake"      # what the build's knob-figure baking reported

# Page weights measured by the browser tests, printed at the end of the run.
PAGE_WEIGHTS = {}


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes a minute or more (still part of `make test`)")


def toc_pages():
    """The documents of _toc.yml in order, e.g. ['book/intro', 'book/notation', ...]."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


def book_config():
    return yaml.safe_load((ROOT / "_config.yml").read_text())


@pytest.fixture(scope="session")
def built_book():
    """Build the whole book with warnings as errors; returns (exit code, log, html dir).

    scripts/vendor.py first writes the browser files the site serves itself (_vendor/),
    from node_modules/ (`npm ci`, which `make test` runs).
    """
    vendor = subprocess.run([sys.executable, str(ROOT / "scripts" / "vendor.py")],
                            capture_output=True, text=True, cwd=ROOT, timeout=300)
    if vendor.returncode != 0:
        return vendor.returncode, vendor.stdout + vendor.stderr, HTML
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    # NNLIB_BAKE: every knob figure bakes its frames for the static page (nnlib/bake.py);
    # NNLIB_BAKE_DIR: where it reports, with live renders the browser tests compare against.
    shutil.rmtree(BAKE_DIR, ignore_errors=True)
    env = dict(os.environ, NNLIB_BAKE="1", NNLIB_BAKE_DIR=str(BAKE_DIR))
    # --all: re-run every chapter, so every figure bakes afresh into the emptied BAKE_DIR.
    run = subprocess.run([str(jupyter_book), "build", str(ROOT), "--all", "-W", "-n", "--keep-going"],
                         capture_output=True, text=True, cwd=ROOT, timeout=2400, env=env)
    return run.returncode, run.stdout + run.stderr, HTML


def pytest_terminal_summary(terminalreporter):
    if PAGE_WEIGHTS:
        terminalreporter.section("page weights: everything a page loads in Chromium (MB = 2**20 bytes)")
        terminalreporter.write_line("transferred (gzip)   on disk   page")
        for page, (sent, raw) in PAGE_WEIGHTS.items():
            terminalreporter.write_line(f"{sent / 2**20:14.2f} MB {raw / 2**20:8.2f} MB   {page}")
