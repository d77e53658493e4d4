"""The published book in a real browser: Debian's Chromium, driven by Playwright for Python.

_build/html is served on 127.0.0.1 and every page of _toc.yml is opened once (light theme,
then dark). Requests to any other host are refused and reported. Full-page screenshots go to
_build/screenshots/ for a person to look at. `make test` installs chromium with apt when it is
missing and the user is root; elsewhere these tests are skipped with the reason.
"""
import functools
import gzip
import http.server
import json
import pathlib
import re
import shutil
import threading

import pytest

from conftest import HTML, PAGE_WEIGHTS, ROOT, toc_pages

PAGES = toc_pages()
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A page and everything it loads, as transferred: text gzipped as web hosts (GitHub Pages) send
# it, the rule tests/test_baked_browser.py uses too. The raw sizes are printed at the end.
PAGE_BUDGET = 3 * 1024 * 1024
COMPRESSIBLE = {".html", ".js", ".css", ".svg", ".json", ".txt", ".xml"}
SERIOUS = {"serious", "critical"}
WIDGET_STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
WIDGET_VIEW = re.compile(
    r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)


def skip_reason():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (it is in requirements-dev.txt)"
    if not pathlib.Path(CHROMIUM).exists():
        return ("Debian's chromium is not installed: `make test` installs it with apt when run as "
                "root; otherwise run `apt-get install chromium` as root")
    return None


pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves _build/html as a web host does (text gzipped) and counts the bytes it sends."""

    sent = []                 # (path, bytes on disk, bytes sent), cleared before each page

    def do_GET(self):
        path = pathlib.Path(self.translate_path(self.path))
        if (path.is_file() and path.suffix in COMPRESSIBLE
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            raw = path.read_bytes()
            body = gzip.compress(raw, compresslevel=6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.sent.append((self.path, len(raw), len(body)))
        else:
            super().do_GET()

    def copyfile(self, source, outputfile):
        data = source.read()
        outputfile.write(data)
        self.sent.append((self.path, len(data), len(data)))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_book):
    code, log, html = built_book
    if code != 0:
        pytest.fail(f"the book did not build, so it cannot be opened:\n{log[-3000:]}")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(SiteHandler, directory=str(html)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def visit(browser, site_url):
    """visit('book/01_the_line') -> what happened when that page was opened (cached)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return functools.lru_cache(maxsize=None)(functools.partial(open_page, browser, site_url))


def expected_knob_figures(page):
    """How many knob figures the page's saved widget state displays."""
    text = (HTML / f"{page}.html").read_text()
    state = WIDGET_STATE.search(text)
    if not state:
        return 0
    models = json.loads(state.group(1))["state"]
    shown = [json.loads(view)["model_id"] for view in WIDGET_VIEW.findall(text)]
    return sum("knob-figure-box" in models.get(model_id, {}).get("state", {}).get("_dom_classes", [])
               for model_id in shown)


# Text the reader sees, outside code, that still holds TeX delimiters.
RAW_MATH_JS = r"""() => {
  const skip = 'pre, code, script, style, textarea, mjx-container, .highlight';
  const main = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    if (/\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{/.test(text)) found.push(text.trim().slice(0, 80));
  }
  const unrendered = [...main.querySelectorAll('.math')].filter((m) => !m.querySelector('mjx-container'));
  return {raw: found, unrendered: unrendered.map((m) => m.textContent.trim().slice(0, 80)),
          rendered: main.querySelectorAll('mjx-container').length};
}"""

KNOBS_JS = r"""() => [...document.querySelectorAll('.knob-figure-box')].map((box) => {
  const rect = box.getBoundingClientRect();
  const img = box.querySelector('img.knob-figure');
  return {
    visible: rect.width > 0 && rect.height > 0 && box.checkVisibility(),
    nullTitles: box.querySelectorAll('[title="null"]').length,
    alt: img ? img.alt : null,
    loaded: img ? img.complete && img.naturalWidth > 0 : false,
    sliders: [...box.querySelectorAll('.widget-slider')].map((s) => ({
      label: (s.querySelector('.widget-label') || {}).textContent,
      readout: (s.querySelector('.widget-readout') || {}).textContent,
      visible: s.getBoundingClientRect().width > 0,
    })),
  };
})"""

ICON_FONT_JS = r"""async () => {
  const area = document.querySelector('.widget-subarea');
  const icon = document.createElement('i');
  icon.className = 'fa fa-play';          // as ipywidgets draws icons (buttons, Play)
  area.appendChild(icon);
  const family = getComputedStyle(icon, '::before').fontFamily;
  const faces = await document.fonts.load(`900 16px ${family}`, '\uf04b');
  icon.remove();
  return {family, faces: faces.map((f) => f.status)};
}"""

OPEN_ALL_JS = r"""() => {
  document.querySelectorAll('details:not([open])').forEach((d) => { d.open = true; });
  document.querySelectorAll('button.toggle-button[aria-expanded="false"]').forEach((b) => b.click());
}"""

AXE_JS = r"""async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                        where: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}));
}"""


def press_every_slider(page):
    """Move every knob figure's every slider with an arrow key: [(label, before, after)]."""
    moves = []
    for slider in page.locator(".knob-figure-box .widget-slider").all():
        handle = slider.locator(".noUi-handle").first
        readout = slider.locator(".widget-readout").first
        before = readout.inner_text()
        handle.focus()
        handle.press("ArrowRight")
        after = readout.inner_text()
        if after == before:                 # already at its maximum
            handle.press("ArrowLeft")
            after = readout.inner_text()
        moves.append((slider.locator(".widget-label").first.inner_text(), before, after))
    return moves


def open_page(browser, base, page_name):
    record = {"console": [], "errors": [], "failed": [], "bad_status": [], "offsite": []}
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")

    def refuse(route):
        record["offsite"].append(route.request.url)
        route.abort()
    context.route(lambda url: not url.startswith(base), refuse)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and record["console"].append(f"{m.text} {m.location}"))
    page.on("pageerror", lambda e: record["errors"].append(str(e)))
    page.on("requestfailed", lambda r: r.url.startswith(base) and record["failed"].append(
        f"{r.url}: {r.failure}"))

    def finished(request):
        response = request.response()
        if response is None:
            return
        if response.status >= 400:
            record["bad_status"].append(f"{response.status} {request.url}")
    page.on("requestfinished", finished)

    SiteHandler.sent.clear()
    page.goto(base + page_name + ".html", wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax/\"]')"):
        page.wait_for_function("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
        page.evaluate("() => window.MathJax.startup.promise.then(() => true)")
    record["has_widgets"] = page.evaluate(
        "() => !!document.querySelector('script[type=\"application/vnd.jupyter.widget-state+json\"]')")
    if record["has_widgets"]:
        page.wait_for_function("() => document.documentElement.dataset.widgetsRendered === 'true'")
    page.wait_for_load_state("networkidle")

    record["loaded"] = list(SiteHandler.sent)        # everything the page loaded by itself
    record["raw_bytes"] = sum(raw for _, raw, _ in record["loaded"])
    record["bytes"] = sum(sent for _, _, sent in record["loaded"])
    record["math"] = page.evaluate(RAW_MATH_JS)
    slug = page_name.replace("/", "_")
    record["screenshot"] = SCREENSHOTS / f"{slug}.png"           # as a reader first sees it
    page.screenshot(path=record["screenshot"], full_page=True)
    page.evaluate(OPEN_ALL_JS)                # worked solutions and hidden cells, opened
    page.wait_for_timeout(300)
    record["knobs"] = page.evaluate(KNOBS_JS)
    page.add_script_tag(path=AXE)
    record["axe"] = page.evaluate(AXE_JS)

    # The theme's dark mode, as the theme's own switch sets it.
    page.evaluate("() => { document.documentElement.dataset.mode = 'dark';"
                  " document.documentElement.dataset.theme = 'dark'; }")
    page.wait_for_timeout(300)
    record["screenshot_dark"] = SCREENSHOTS / f"{slug}-dark.png"    # solutions open
    page.screenshot(path=record["screenshot_dark"], full_page=True)
    record["axe_dark"] = page.evaluate(AXE_JS)

    if record["has_widgets"]:
        record["icon_font"] = page.evaluate(ICON_FONT_JS)
    record["moves"] = press_every_slider(page)
    page.wait_for_load_state("networkidle")
    context.close()
    PAGE_WEIGHTS[page_name] = (record["bytes"], record["raw_bytes"])
    return record


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_cleanly_from_the_site_alone(visit, page):
    record = visit(page)
    assert not record["offsite"], f"requests to other hosts: {record['offsite']}"
    assert not record["errors"], f"script errors: {record['errors']}"
    assert not record["console"], f"console errors: {record['console']}"
    assert not record["failed"] and not record["bad_status"], record["failed"] + record["bad_status"]
    assert record["screenshot"].stat().st_size > 10_000 and record["screenshot_dark"].stat().st_size > 10_000


@pytest.mark.parametrize("page", PAGES)
def test_page_weight_is_within_budget(visit, page):
    weight = visit(page)["bytes"]
    assert 0 < weight <= PAGE_BUDGET, f"{page} transfers {weight / 2**20:.2f} MB (budget 3 MB)"


@pytest.mark.parametrize("page", PAGES)
def test_maths_is_rendered(visit, page):
    math = visit(page)["math"]
    assert not math["raw"], f"raw TeX left in the text: {math['raw'][:5]}"
    assert not math["unrendered"], f"maths MathJax did not render: {math['unrendered'][:5]}"


@pytest.mark.parametrize("page", PAGES)
def test_knob_figures_show_picture_and_sliders(visit, page):
    record = visit(page)
    knobs = record["knobs"]
    assert len(knobs) == expected_knob_figures(page), "a knob figure of the saved state is not on the page"
    for knob in knobs:
        assert knob["visible"] and knob["loaded"] and not knob["nullTitles"], knob
        assert knob["alt"] and len(knob["alt"]) > 20, f"knob figure without a useful alt text: {knob}"
        assert knob["sliders"] and all(s["visible"] and s["label"] and s["readout"] for s in knob["sliders"]), knob


@pytest.mark.parametrize("page", PAGES)
def test_moving_a_slider_with_the_keyboard_changes_its_readout(visit, page):
    for label, before, after in visit(page)["moves"]:
        assert after != before, f"{label}: the readout stayed at {before} after an arrow key"


@pytest.mark.parametrize("page", PAGES)
def test_widget_icon_font_loads(visit, page):
    record = visit(page)
    if record["has_widgets"]:
        font = record["icon_font"]
        assert "Font Awesome" in font["family"] and font["faces"] and set(font["faces"]) == {"loaded"}, font


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(visit, page):
    record = visit(page)
    for theme in ("axe", "axe_dark"):
        serious = [v for v in record[theme] if v["impact"] in SERIOUS]
        assert not serious, f"{theme}: {json.dumps(serious, indent=1)}"
