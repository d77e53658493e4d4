"""Build the JupyterLite site: every chapter as a notebook that runs in the reader's browser.

Usage: python scripts/build_lite.py OUT   (run by scripts/build_book.py: OUT is _build/in-browser/lite,
after scripts/vendor_pyodide.py has written the site's Python beside it, into _build/in-browser/pyodide)

The lite site uses the site's own Pyodide: it carries no second copy of it. What it holds:

  notebooks/, build/, extensions/, ...   `jupyter lite build` (jupyterlite-core 0.5.1, pinned in
      requirements-dev.txt) with the settings of lite/jupyter-lite.json: the Notebook app only
      (the chapter links open it), no source maps. Lab extensions come from the venv: the Pyodide
      kernel (jupyterlite-pyodide-kernel 0.5.2) and the widgets' front end (jupyterlab_widgets).
  files/                the chapter notebooks, every book/*.ipynb.
  pyodide-loader/pyodide.js   npm `pyodide@0.27.7`'s classic-script loader (the site's pyodide/
      holds its module form, pyodide.mjs, which the kernel 0.5.2's worker cannot import). It
      loads everything else from the site's pyodide/ (loadPyodideOptions.indexURL).
  pypi/                 ipywidgets and comm, pure-Python wheels from PyPI pinned by version and
      sha256 in scripts/lite-wheels.txt (pip checks the hash), and pyodide-lock.json: the lock of
      the site's Pyodide plus entries for those wheels and for the site's nnlib wheel. The
      kernel's Pyodide reads this lock (loadPyodideOptions.lockFileURL) and loads nnlib with
      numpy, matplotlib and ipywidgets before the first cell runs, each file checked by its
      sha256, all from this site. With them comes matplotlib-font-list-*.zip: the site's
      pyodide/fontlist.json (matplotlib's font list, made at build time) as the file matplotlib
      reads, so the first figure does not wait for the font scan (and prints no note about it).

Trimmed: source maps (--no-sourcemaps), the apps no link opens, Font Awesome's font files in
the formats no current browser picks (its CSS lists woff2 first of the formats they read), and
Mermaid, the diagram renderer of Markdown cells (2.9 MB): the chapters draw no Mermaid diagram,
lite/jupyter-lite.json turns JupyterLab's mermaid extension off, and the build deletes Mermaid's
chunk and every chunk that only it loads.

A failed `jupyter lite build` prints its whole log and stops this script with its exit code.
"""
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
NPM_PYODIDE = ROOT / "node_modules" / "pyodide"
CONFIG = ROOT / "lite" / "jupyter-lite.json"
WHEEL_PINS = ROOT / "scripts" / "lite-wheels.txt"
DOWNLOADS = ROOT / "_build" / "downloads"
CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
APPS = ["notebooks", "tree"]   # a chapter link opens notebooks/index.html?path=<chapter>; tree lists them
# What a wheel of lite-wheels.txt needs in the browser, by the names of Pyodide's lock (see
# lite-wheels.txt for why ipywidgets' two front-end wheels are not among them).
DEPENDS = {"comm": [], "ipywidgets": ["comm", "ipython", "traitlets"]}
# Font Awesome's legacy formats (the CSS also lists woff2, which every current browser reads).
UNREAD_FONTS = ["fa-*.eot", "fa-*.ttf", "fa-*.woff", "fa-*.svg"]
# Mermaid's chunk in jupyterlite-core 0.5.1's build (its diagram loaders load the rest).
MERMAID_CHUNK = "4630.0f54ef0.js"


def sha256(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def pinned_wheels():
    """The wheels of lite-wheels.txt, downloaded once into _build/downloads (pip checks each sha256)."""
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    # pip's output only when it fails: a machine's pip configuration may print warnings, which
    # the strict build's log must not carry.
    run = subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                          "-r", str(WHEEL_PINS), "-d", str(DOWNLOADS)], capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"pip could not download the pinned wheels:\n{run.stdout}{run.stderr}")
    wheels = []
    for line in WHEEL_PINS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split()[0].split("==")
            (wheel,) = DOWNLOADS.glob(f"{name}-{version}-py3-none-any.whl")
            wheels.append((name, version, wheel))
    return wheels


def top_level_imports(wheel):
    """The importable names a pure-Python wheel installs (its top-level packages)."""
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist() if "/" in name}
    return sorted(top for top in tops if not top.endswith((".dist-info", ".data")))


def lock_entry(name, version, file_name, digest, imports, depends):
    """One package of a pyodide-lock.json, in the form Pyodide 0.27's own pure-Python entries have."""
    return {"name": name, "version": version, "file_name": file_name, "install_dir": "site",
            "sha256": digest, "package_type": "package", "imports": imports, "depends": depends,
            "unvendored_tests": False}


def font_list_archive(out, pyodide, lock):
    """Write pypi/matplotlib-font-list-<matplotlib version>.zip; returns (its path, that version).

    The archive holds the font list at its place in site-packages; Pyodide unpacks it there
    after matplotlib (its dependency), before any cell runs."""
    fonts = json.loads((pyodide / "fontlist.json").read_text())
    site = "/lib/python3.12/site-packages/"
    if not fonts["path"].startswith(site):
        raise SystemExit(f"the font list's place {fonts['path']} is not in {site}")
    version = lock["packages"]["matplotlib"]["version"]
    archive = out / "pypi" / f"matplotlib-font-list-{version}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as written:
        written.writestr(zipfile.ZipInfo(fonts["path"][len(site):], date_time=(2026, 1, 1, 0, 0, 0)),
                         fonts["text"])
    return archive, version


def write_lock(out, pyodide, wheels):
    """pypi/pyodide-lock.json: the site's lock plus the pinned wheels and nnlib.

    Pyodide resolves a lock's file names against its own folder (the site's pyodide/), so the
    pinned wheels are named by their path from there to pypi/."""
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    manifest = json.loads((pyodide / "manifest.json").read_text())
    from_pyodide = pathlib.Path(os.path.relpath(out / "pypi", pyodide)).as_posix()
    for name, version, wheel in wheels:
        shutil.copy2(wheel, out / "pypi" / wheel.name)
        lock["packages"][name] = lock_entry(name, version, f"{from_pyodide}/{wheel.name}", sha256(wheel),
                                            top_level_imports(wheel), DEPENDS[name])
    nnlib = manifest["nnlib"]
    if sha256(pyodide / nnlib["wheel"]) != nnlib["sha256"]:
        raise SystemExit(f"{pyodide / nnlib['wheel']} is not the wheel its manifest names")
    version = nnlib["wheel"].split("-")[1]
    lock["packages"]["nnlib"] = lock_entry("nnlib", version, nnlib["wheel"], nnlib["sha256"], ["nnlib"],
                                           ["numpy", "matplotlib", "ipywidgets"])
    archive, mpl_version = font_list_archive(out, pyodide, lock)
    entry = lock_entry("matplotlib-font-list", mpl_version, f"{from_pyodide}/{archive.name}", sha256(archive),
                       [], ["matplotlib"])
    lock["packages"]["matplotlib-font-list"] = entry
    (out / "pypi" / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")


def copy_loader(out, pyodide):
    """pyodide-loader/pyodide.js from npm's pyodide, the very version of the site's pyodide/."""
    wanted = json.loads((pyodide / "manifest.json").read_text())["pyodide"]
    found = json.loads((NPM_PYODIDE / "package.json").read_text())["version"]
    if found != wanted:
        raise SystemExit(f"node_modules has Pyodide {found}, the site's pyodide/ is {wanted}: run npm ci")
    (out / "pyodide-loader").mkdir()
    shutil.copy2(NPM_PYODIDE / "pyodide.js", out / "pyodide-loader" / "pyodide.js")


def jupyter_lite_build(out, work):
    """`jupyter lite build` of the chapters into out; on failure its whole log, then exit."""
    lite_dir, contents = work / "lite", work / "contents"
    lite_dir.mkdir()
    contents.mkdir()
    shutil.copy2(CONFIG, lite_dir / "jupyter-lite.json")
    for chapter in CHAPTERS:
        shutil.copy2(chapter, contents / chapter.name)
    jupyter = pathlib.Path(sys.executable).parent / "jupyter"
    command = [str(jupyter), "lite", "build", "--lite-dir", str(lite_dir), "--contents", str(contents),
               "--output-dir", str(out), "--no-sourcemaps", "--no-unused-shared-packages",
               *[f"--apps={app}" for app in APPS]]
    run = subprocess.run(command, cwd=work, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout + run.stderr, file=sys.stderr)
        raise SystemExit(f"jupyter lite build failed (exit code {run.returncode}): its log is above")


def chunks_only_loaded_by(build, root):
    """``root`` and the webpack chunk files of ``build`` that only ``root`` loads, directly or
    through chunks that only it loads.

    A chunk loads another with ``<require>.e(<id>)``; a chunk's id starts its file name."""
    loaders = {}
    for path in build.glob("*.js"):
        for wanted in set(re.findall(r"\.e\((\d+)\)", path.read_text(encoding="utf-8", errors="replace"))):
            loaders.setdefault(wanted, set()).add(path.name.split(".")[0])
    only = {root.split(".")[0]}
    grew = True
    while grew:
        more = {chunk for chunk, by in loaders.items() if chunk not in only and by <= only}
        only |= more
        grew = bool(more)
    return [path for path in build.glob("*.js") if path.name.split(".")[0] in only]


def trim(out):
    """Delete the font files no current browser reads and Mermaid's chunks; returns the bytes saved."""
    build = out / "build"
    if not (build / MERMAID_CHUNK).is_file():
        raise SystemExit(f"{build / MERMAID_CHUNK} is missing: is this jupyterlite-core 0.5.1? "
                         "Find Mermaid's chunk of this version and name it in MERMAID_CHUNK")
    fonts = [path for pattern in UNREAD_FONTS for path in build.glob(pattern)]
    doomed = fonts + chunks_only_loaded_by(build, MERMAID_CHUNK)
    saved = 0
    for path in doomed:
        for companion in [path, path.with_name(path.name + ".LICENSE.txt")]:   # a chunk's licence note
            if companion.exists():
                saved += companion.stat().st_size
                companion.unlink()
    return saved


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        raise SystemExit(__doc__.split("\n\n")[1])
    out = pathlib.Path(argv[0]).resolve()
    pyodide = out.parent / "pyodide"
    if not (pyodide / "manifest.json").exists():
        raise SystemExit(f"{pyodide} holds no Pyodide: run scripts/vendor_pyodide.py {pyodide} first")
    wheels = pinned_wheels()
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as work:
        jupyter_lite_build(out, pathlib.Path(work))
    saved = trim(out)
    copy_loader(out, pyodide)
    (out / "pypi").mkdir(exist_ok=True)
    write_lock(out, pyodide, wheels)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"JupyterLite: {len(CHAPTERS)} chapters, {size / 2**20:.1f} MB in {out} "
          f"({saved / 2**20:.1f} MB of unread fonts and of Mermaid left out)")


if __name__ == "__main__":
    main()
