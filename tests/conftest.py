"""Shared fixtures: the book built once per test run, and the browser machinery.

What a test file can use without copying code (fixtures need no import; the names in
capitals come with ``from conftest import ...``):

* ``built_book`` (fixture): the whole book built strictly, once per run even when
  pytest-xdist runs the tests in several processes (the first one to ask builds, under a
  file lock; the others read its result).  Returns (exit code, log, html folder).
* ``site_server`` (fixture): ``_build/html`` of that build served on 127.0.0.1 as a web
  host serves it (text gzipped).  ``site_server.url`` ends with "/";
  ``with site_server.recording() as sent:`` collects (path, bytes on disk, bytes sent) for
  every request answered inside the block.  ``serve(folder)`` serves another folder.
* ``browser`` (fixture): Debian's Chromium launched once per process with the flags of
  CHROMIUM_ARGS, through Playwright.  Make a ``browser.new_context(...)`` per page.  A file
  whose browser tests open a site of their own (JupyterLab, say) marks them ``own_site``.
  ``needs_chromium`` is a skipif mark that says why the browser tests cannot run.
* ``PAGE_BUDGET``: what one page and everything it loads may transfer (gzip), 3 MiB.
* ``canvas_pixels(page, index)``: the pixels (H, W, 3) of the canvas of the page's knob figure
  number ``index``; ``difference(a, b)``: (mean absolute difference in levels of 255, share of
  pixels off by more than 64 in some channel) of two such pictures.
* ``keep_to_site(page, base)``: a page asks only ``base`` for anything; returns the list that
  collects (and refuses) every request to another host.
* ``record_property("page_weight", {...})`` and the other keys of SUMMARIES: values a test
  reports; ``pytest_terminal_summary`` below prints them after the run (from every xdist
  worker, since they travel with the test reports).

Scheduling (``make test`` runs ``pytest -n 2 --dist loadfile``): each file runs in one
process, so a notebook's cells and a file's module fixtures stay together.  The build
(BOOK_FIRST) and files with a ``slow`` test that does not need the book start first, files
whose tests use ``built_book`` (directly or through ``site_server``/``built_html``) or
``browser`` run last, so that the other core has independent work while the book builds.
A new browser test file needs nothing more than to use these fixtures.  (``--dist
loadgroup`` would split files further, but pytest-xdist 3.8 cannot set its group suffix
on pytest 9's node ids, so every test became its own unit and notebooks broke apart.)
"""
import base64
import contextlib
import fcntl
import gzip
import http.server
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import threading

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))      # the baker (bake/) lives beside nnlib, not inside it
HTML = ROOT / "_build" / "html"
BAKE_DIR = ROOT / "_build" / "bake"      # what the build's knob-figure baking reported
BUILD_LOCK = ROOT / "_build" / ".book-build.lock"
BUILD_RESULT = ROOT / "_build" / ".book-build.json"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A page and everything it loads, as transferred: text gzipped as web hosts (GitHub Pages) send it.
PAGE_BUDGET = 3 * 1024 * 1024
COMPRESSIBLE = {".html", ".js", ".css", ".svg", ".json", ".txt", ".xml", ".map"}

# The test file that starts the build, scheduled first.
BOOK_FIRST = ("test_book_build.py",)


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes a minute or more (still part of `make test`)")
    config.addinivalue_line("markers", "own_site: a browser test that opens a site of its own, "
                            "not the built book (so it can run while the book builds)")


def pytest_collection_modifyitems(config, items):
    """Order the files so that both cores stay busy under ``--dist loadfile``.

    xdist sends each file to one process, in the order the files first appear.  First the
    build (BOOK_FIRST) and files with a slow test that does not need the book (it runs on
    one core while the other builds), then files that do not need the book, then files
    with a test that uses it.  Inside a file, its slow independent tests come first.
    """
    def needs_book(item):   # a browser test opens the built site, unless it serves its own
        names = set(getattr(item, "fixturenames", ()))
        return "built_book" in names or ("browser" in names and not item.get_closest_marker("own_site"))

    def on_its_own(item):
        return item.get_closest_marker("slow") is not None and not needs_book(item)

    first, book = set(), set()
    for item in items:
        if item.path.name in BOOK_FIRST or on_its_own(item):
            first.add(item.path)
        elif needs_book(item):
            book.add(item.path)

    def order(item):
        rank = 0 if item.path in first else 2 if item.path in book else 1
        return rank, item.path.name not in BOOK_FIRST, not on_its_own(item)
    items.sort(key=order)  # stable: otherwise in collection order


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


# ------------------------------------------------------------------ the book, built once per run

def _build_book():
    """scripts/build_book.py, as `make book` runs it: vendor, strict build, baking.  Returns (exit code, log)."""
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py")],
                         capture_output=True, text=True, cwd=ROOT, timeout=2400)
    return run.returncode, run.stdout + run.stderr


@pytest.fixture(scope="session")
def built_book():
    """Build the whole book with warnings as errors; returns (exit code, log, html dir).

    Once per run: under pytest-xdist every worker shares PYTEST_XDIST_TESTRUNUID, and the
    first to take the lock builds and leaves the result for the others.  scripts/vendor.py
    first writes the browser files the site serves itself (_vendor/) from node_modules/.
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    BUILD_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(BUILD_LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)      # released when the file closes
        if run_id and BUILD_RESULT.exists():
            done = json.loads(BUILD_RESULT.read_text())
            if done["run"] == run_id:
                return done["code"], done["log"], HTML
        code, log = _build_book()
        if run_id:
            BUILD_RESULT.write_text(json.dumps({"run": run_id, "code": code, "log": log}))
    return code, log, HTML


@pytest.fixture(scope="session")
def built_html(built_book):
    """The html folder of a book that built; fails the test (with the log) otherwise."""
    code, log, html = built_book
    if code != 0:
        pytest.fail(f"the book did not build, so it cannot be tested:\n{log[-3000:]}")
    return html


# ------------------------------------------------------------------ the site, served as a host does

class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder as a web host does (text gzipped when the browser accepts it) and
    reports (path, bytes on disk, bytes sent) of every answer to its server's recorder."""

    def send_head(self):
        path = pathlib.Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if (path.suffix not in COMPRESSIBLE or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        raw = path.read_bytes()
        body = gzip.compress(raw, compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.server.record(self.path, len(raw), len(body))
        return io.BytesIO(body)

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        if not isinstance(source, io.BytesIO):      # not gzipped: recorded here
            self.server.record(self.path, len(data), len(data))

    def log_message(self, *args):
        pass


class SiteServer(http.server.ThreadingHTTPServer):
    """A local web host for one folder.  url: 'http://127.0.0.1:PORT/'."""

    daemon_threads = True

    def __init__(self, folder):
        super().__init__(("127.0.0.1", 0),
                         lambda *args: SiteHandler(*args, directory=str(folder)))
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"
        self._recorders = []
        self._lock = threading.Lock()

    def record(self, path, raw, sent):
        with self._lock:
            for sink in self._recorders:
                sink.append((path, raw, sent))

    @contextlib.contextmanager
    def recording(self):
        """with server.recording() as sent: ... -> [(path, bytes on disk, bytes sent), ...]."""
        sink = []
        with self._lock:
            self._recorders.append(sink)
        try:
            yield sink
        finally:
            with self._lock:
                self._recorders.remove(sink)


@contextlib.contextmanager
def serve(folder):
    """Serve ``folder`` on a free port for the duration of the block; yields the SiteServer."""
    server = SiteServer(folder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_server(built_html):
    """The built book served as a web host serves it (see SiteServer)."""
    with serve(built_html) as server:
        yield server


# ------------------------------------------------------------------ Chromium

def chromium_missing():
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (it is in requirements-dev.txt)"
    if not pathlib.Path(CHROMIUM).exists():
        return ("Debian's chromium is not installed: `make test` installs it with apt when run as "
                "root; otherwise run `apt-get install chromium` as root")
    return None


needs_chromium = pytest.mark.skipif(chromium_missing() is not None, reason=chromium_missing() or "")


@pytest.fixture(scope="session")
def browser():
    """Chromium, headless, started once per test process (Playwright's Browser)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# ------------------------------------------------------------------ page helpers

CANVAS_PNG = "i => window.__knobPlayers[i].canvas.toDataURL('image/png')"


def canvas_pixels(page, index):
    """The pixels (H, W, 3) uint8 of the canvas of knob figure ``index`` on ``page``."""
    import numpy as np
    from PIL import Image
    url = page.evaluate(CANVAS_PNG, index)
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGB"))


def difference(a, b):
    """(mean absolute difference, share of pixels off by more than 64 levels) of two RGB pictures."""
    import numpy as np
    delta = np.abs(a.astype(int) - b.astype(int))
    return delta.mean(), (delta.max(axis=2) > 64).mean()


def keep_to_site(page, base):
    """Refuse every request of ``page`` that is not for ``base``; returns the refused URLs' list."""
    outside = []

    def route(request_route):
        url = request_route.request.url
        if not url.startswith(base):
            outside.append(url)
            return request_route.abort()
        return request_route.continue_()
    page.route("**/*", route)
    return outside


# ------------------------------------------------------------------ the summary after the run

def _weights(values):
    lines = ["transferred (gzip)   on disk   page"]
    for value in sorted(values, key=lambda v: v["page"]):
        lines.append(f"{value['sent'] / 2**20:14.2f} MB {value['raw'] / 2**20:8.2f} MB   {value['page']}")
    return lines


def _knob_player(values):
    timings = [ms for value in values for ms in value["latency_ms"]]
    fidelity = [f for value in values for f in value["fidelity"]]
    lines = [f"{len(values)} pages with knob figures"]
    if timings:
        ordered = sorted(timings)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        lines.append(f"latency, key event to redrawn canvas: {len(timings)} moves, "
                     f"p50 {ordered[len(ordered) // 2]:.2f} ms, p95 {p95:.2f} ms, "
                     f"max {ordered[-1]:.2f} ms")
    if fidelity:
        means, fars = [f[0] for f in fidelity], [f[1] for f in fidelity]
        lines.append(f"fidelity against live renders: {len(means)} settings, mean difference "
                     f"avg {sum(means) / len(means):.3f} / worst {max(means):.3f} levels; "
                     f"pixels off by >64: worst {max(fars) * 100:.3f}%")
    return lines


def _live_pages(values):
    lines = ["seconds to live   figures   worst: mean diff   >64 with 1 px leeway   moving parts matched   page"]
    for value in values:
        fidelity = value["fidelity"] or [("", 0.0, 0.0, 0.0, 1.0)]
        lines.append(f"{value['seconds']:15.1f}   {len(value['fidelity']):7d}   "
                     f"{max(f[1] for f in fidelity):16.2f}   {max(f[3] for f in fidelity):20.2%}   "
                     f"{min(f[4] for f in fidelity):20.1%}   {value['page']}")
    return lines


# key of record_property -> (title of the section, function turning the values into lines)
SUMMARIES = {
    "page_weight": ("page weights: everything a page loads in Chromium (MB = 2**20 bytes)", _weights),
    "knob_player": ("baked knob figures in headless Chromium, no kernel", _knob_player),
    "live_page": ("chapters run live in headless Chromium (worst figure per page against the host kernel)",
                  _live_pages),
}


def pytest_terminal_summary(terminalreporter):
    found = {key: [] for key in SUMMARIES}
    for reports in terminalreporter.stats.values():
        for report in reports:
            for key, value in getattr(report, "user_properties", ()):
                if key in found and getattr(report, "when", "call") == "call":
                    found[key].append(value)
    for key, values in found.items():
        if values:
            title, lines = SUMMARIES[key]
            terminalreporter.section(title)
            for line in lines(values):
                terminalreporter.write_line(line)
