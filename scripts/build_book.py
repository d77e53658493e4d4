"""Build the HTML book: `make book` and the tests' build both run this.

Usage: python scripts/build_book.py [--no-bake]

1. scripts/vendor.py writes the browser files the site serves itself (_vendor/).
2. The chapters run under Jupyter Book's execution cache (_build/.jupyter_cache): a chapter
   whose code cells did not change is not run again, so an edit to prose rebuilds in
   seconds. The cache is emptied whenever nnlib's or the baker's code changes, or the
   build switches between baking and not, so the pages never show what older code drew.
3. With baking (the default), the kernels start with an IPython startup file that shows
   every knob figure baked (bake/hook.py): frames are recorded, or taken from the bake
   cache (_build/bake-cache) when the figure's code, data and knobs are unchanged.
4. Jupyter Book builds strictly (-W -n --keep-going).
5. The frames of the figures on the built pages are copied into the site (frames/), and the
   table of what each figure cost is printed.
6. The in-browser Python goes into the site (pyodide/): scripts/vendor_pyodide.py says what
   it holds and where each file comes from.
7. JupyterLite goes into the site (lite/): scripts/build_lite.py.
Steps 6 and 7 need only the sources, so they run in the background while the chapters run
(on a 2-core machine the chapters leave a core idle between figures), into _build/in-browser/,
and move into the site once it is built.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
HTML = BUILD / "html"
BAKE = BUILD / "bake"                 # chunks, reports and reference renders of this build's figures
BAKE_CACHE = BUILD / "bake-cache"
EXECUTION_CACHE = BUILD / ".jupyter_cache"
IN_BROWSER = BUILD / "in-browser"       # pyodide/ and lite/, built beside the book, then moved into it
STAMP = BUILD / ".execution-stamp"
sys.path.insert(0, str(ROOT))

from bake import cache, hook, report  # noqa: E402  (the baker lives beside nnlib, not inside it)


def fresh_execution_cache(baking):
    """Empty the execution cache when the code or the baking mode differs from its last build."""
    stamp = f"{cache.code_digest()} bake={int(baking)}"
    if not STAMP.exists() or STAMP.read_text() != stamp:
        shutil.rmtree(EXECUTION_CACHE, ignore_errors=True)
        BUILD.mkdir(exist_ok=True)
        STAMP.write_text(stamp)


def copy_frames():
    """Copy the chunks of the figures the built pages show into the site: their ids."""
    shown = sorted({i for page in HTML.rglob("*.html") for i in report.page_figures(page)})
    target = HTML / "frames"
    shutil.rmtree(target, ignore_errors=True)
    for figure in shown:
        source = BAKE / "frames" / figure
        if not source.is_dir():
            raise SystemExit(f"the page shows figure {figure}, but its frames are not in {BAKE}")
        shutil.copytree(source, target / figure)
    return shown


def start_in_browser_python():
    """Steps 6 and 7 into IN_BROWSER, in the background: scripts/vendor_pyodide.py, then
    scripts/build_lite.py (which reads the pyodide/ folder beside its own). Returns the process."""
    shutil.rmtree(IN_BROWSER, ignore_errors=True)
    IN_BROWSER.mkdir(parents=True)
    steps = [f'"{sys.executable}" scripts/vendor_pyodide.py "{IN_BROWSER / "pyodide"}"',
             f'"{sys.executable}" scripts/build_lite.py "{IN_BROWSER / "lite"}"']
    return subprocess.Popen(" && ".join(steps), shell=True, cwd=ROOT)


def finish_in_browser_python(process):
    """Wait for the background steps; move pyodide/ and lite/ into the site."""
    if process.wait() != 0:
        raise SystemExit(f"the in-browser Python did not build (exit code {process.returncode})")
    for name in ("pyodide", "lite"):
        shutil.rmtree(HTML / name, ignore_errors=True)
        shutil.move(str(IN_BROWSER / name), str(HTML / name))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-bake", action="store_true",
                        help="build faster, with knob figures that stay still on the page")
    args = parser.parse_args(argv)
    start, started = time.perf_counter(), time.time()
    subprocess.run([sys.executable, str(ROOT / "scripts" / "vendor.py")], check=True, cwd=ROOT)
    baking = not args.no_bake
    fresh_execution_cache(baking)
    ipython = BUILD / ("ipython-bake" if baking else "ipython-plain")
    shutil.rmtree(ipython, ignore_errors=True)
    ipython.mkdir(parents=True)
    if baking:
        hook.write_startup(ipython, BAKE, BAKE_CACHE)
    env = dict(os.environ, IPYTHONDIR=str(ipython))
    jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
    in_browser = start_in_browser_python()     # needs only the sources: built while the chapters run
    # --all: every page is written again (the execution cache still skips unchanged chapters).
    built = subprocess.run([str(jupyter_book), "build", str(ROOT), "--all", "-W", "-n", "--keep-going"],
                           cwd=ROOT, env=env)
    if built.returncode != 0:
        in_browser.kill()
        return built.returncode
    if baking:
        shown = copy_frames()
        print(report.summarise(BAKE, HTML, only=shown, since=started))
    finish_in_browser_python(in_browser)
    print(f"The book took {time.perf_counter() - start:.0f} s to build. Open: {HTML / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
