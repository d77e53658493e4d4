"""The published book in a real browser: Debian's Chromium, driven by Playwright for Python.

_build/html is served on 127.0.0.1 and every page of _toc.yml is opened once (light theme,
then dark). Requests to any other host are refused and reported. Full-page screenshots go to
_build/screenshots/ for a person to look at. `make test` installs chromium with apt when it is
missing and the user is root; elsewhere these tests are skipped with the reason.
"""
import functools
import json
import re

import pytest

from conftest import HTML, PAGE_BUDGET, ROOT, needs_chromium, toc_pages

PAGES = toc_pages()
# Chapter pages are notebooks: each has knob figures with sliders. The other pages are
# checked for what they have instead (CONTENT below).
CHAPTERS = [page for page in PAGES if (ROOT / f"{page}.ipynb").exists()]
OTHER_PAGES = [page for page in PAGES if page not in CHAPTERS]
CONTENT = {
    "book/intro": {"links to every chapter": True},
    "book/notation": {"rendered maths": 10, "tables": 1},
    "book/appendix_bad_inputs": {"tables": 10, "rendered maths": 1},
    "book/maths": {"rendered maths": 40},
    "book/glossary": {"glossary terms": 50, "rendered maths": 10},
    "book/references": {"citations": 20},
}
SCREENSHOTS = ROOT / "_build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
WIDGET_STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
WIDGET_VIEW = re.compile(
    r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)

pytestmark = needs_chromium


@pytest.fixture(scope="session")
def visit(browser, site_server):
    """visit('book/01_the_line') -> what happened when that page was opened (cached)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return functools.lru_cache(maxsize=None)(functools.partial(open_page, browser, site_server))


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

ALL_OPEN_JS = r"""() => !document.querySelector('details:not([open])')
  && !document.querySelector('button.toggle-button[aria-expanded="false"]')"""

# No CSS transition or finite animation still running (axe would see colours half-way).
SETTLED_JS = r"""() => document.getAnimations().every((a) => a.playState !== 'running'
  || a.effect.getComputedTiming().iterations === Infinity)"""

# What a page without knob figures has: tables, rendered maths, links inside the page body.
CONTENT_JS = r"""() => {
  const main = document.querySelector('main') || document.body;
  return {tables: main.querySelectorAll('table').length,
          math: main.querySelectorAll('mjx-container').length,
          terms: main.querySelectorAll('dl.glossary dt').length,
          citations: main.querySelectorAll('[id^="cite-"]').length,
          links: [...main.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
          text: main.innerText.length};
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


def load_page(page, url, record):
    """Open url and wait until its maths and widgets have rendered (conditions, not sleeps)."""
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax/\"]')"):
        page.wait_for_function("() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise")
        page.evaluate("() => window.MathJax.startup.promise.then(() => true)")
    record["has_widgets"] = page.evaluate(
        "() => !!document.querySelector('script[type=\"application/vnd.jupyter.widget-state+json\"]')")
    if record["has_widgets"]:
        page.wait_for_function("() => document.documentElement.dataset.widgetsRendered === 'true'")
    page.wait_for_load_state("networkidle")


def open_page(browser, server, page_name):
    base = server.url
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

    with server.recording() as loaded:             # everything the page loads by itself
        load_page(page, base + page_name + ".html", record)
    record["loaded"] = loaded
    record["raw_bytes"] = sum(raw for _, raw, _ in record["loaded"])
    record["bytes"] = sum(sent for _, _, sent in record["loaded"])
    record["math"] = page.evaluate(RAW_MATH_JS)
    slug = page_name.replace("/", "_")
    record["screenshot"] = SCREENSHOTS / f"{slug}.png"           # as a reader first sees it
    page.screenshot(path=record["screenshot"], full_page=True)
    record["content"] = page.evaluate(CONTENT_JS)
    page.evaluate(OPEN_ALL_JS)                # worked solutions and hidden cells, opened
    page.wait_for_function(ALL_OPEN_JS)
    page.wait_for_function(SETTLED_JS)        # opened parts fade in: let them finish first
    record["knobs"] = page.evaluate(KNOBS_JS)
    page.add_script_tag(path=AXE)
    record["axe"] = page.evaluate(AXE_JS)

    # The theme's dark mode, as the theme's own switch sets it.
    page.evaluate("() => { document.documentElement.dataset.mode = 'dark';"
                  " document.documentElement.dataset.theme = 'dark'; }")
    page.wait_for_function("() => getComputedStyle(document.body).backgroundColor"
                           " !== 'rgb(255, 255, 255)'")
    page.wait_for_function(SETTLED_JS)        # colour transitions of the theme switch
    record["screenshot_dark"] = SCREENSHOTS / f"{slug}-dark.png"    # solutions open
    page.screenshot(path=record["screenshot_dark"], full_page=True)
    record["axe_dark"] = page.evaluate(AXE_JS)

    if record["has_widgets"]:
        record["icon_font"] = page.evaluate(ICON_FONT_JS)
    record["moves"] = press_every_slider(page)
    page.wait_for_load_state("networkidle")
    context.close()
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
def test_page_weight_is_within_budget(visit, page, record_property):
    record = visit(page)
    weight = record["bytes"]
    record_property("page_weight", {"page": page, "sent": weight, "raw": record["raw_bytes"]})
    assert any(path.endswith(".html") for path, _, _ in record["loaded"]), record["loaded"][:5]
    assert 0 < weight <= PAGE_BUDGET, f"{page} transfers {weight / 2**20:.2f} MB (budget 3 MB)"


@pytest.mark.parametrize("page", PAGES)
def test_maths_is_rendered(visit, page):
    math = visit(page)["math"]
    assert not math["raw"], f"raw TeX left in the text: {math['raw'][:5]}"
    assert not math["unrendered"], f"maths MathJax did not render: {math['unrendered'][:5]}"


@pytest.mark.parametrize("page", CHAPTERS)
def test_knob_figures_show_picture_and_sliders(visit, page):
    knobs = visit(page)["knobs"]
    assert knobs, f"{page} is a chapter, but no knob figure with sliders is on the page"
    assert len(knobs) == expected_knob_figures(page), "a knob figure of the saved state is not on the page"
    for knob in knobs:
        assert knob["visible"] and knob["loaded"] and not knob["nullTitles"], knob
        assert knob["alt"] and len(knob["alt"]) > 20, f"knob figure without a useful alt text: {knob}"
        assert knob["sliders"] and all(s["visible"] and s["label"] and s["readout"] for s in knob["sliders"]), knob


@pytest.mark.parametrize("page", CHAPTERS)
def test_moving_a_slider_with_the_keyboard_changes_its_readout(visit, page):
    moves = visit(page)["moves"]
    assert moves, f"{page} is a chapter, but it has no slider to move"
    for label, before, after in moves:
        assert after != before, f"{label}: the readout stayed at {before} after an arrow key"


@pytest.mark.parametrize("page", CHAPTERS)
def test_widget_icon_font_loads(visit, page):
    record = visit(page)
    assert record["has_widgets"], f"{page} is a chapter, but its page has no widget state"
    font = record["icon_font"]
    assert "Font Awesome" in font["family"] and font["faces"] and set(font["faces"]) == {"loaded"}, font


def test_every_page_is_a_chapter_or_says_what_it_shows():
    assert CHAPTERS, "no chapter notebooks found for the pages of _toc.yml"
    assert sorted(OTHER_PAGES) == sorted(CONTENT), (
        "each page of _toc.yml that is not a chapter notebook needs its entry in CONTENT")


@pytest.mark.parametrize("page", OTHER_PAGES)
def test_pages_without_knobs_show_what_they_have(visit, page):
    record = visit(page)
    assert not record["knobs"] and expected_knob_figures(page) == 0 and not record["moves"]
    content, wanted = record["content"], CONTENT.get(page, {})
    assert wanted, f"{page}: say in CONTENT what this page must show"
    assert content["text"] > 1000, f"{page} shows only {content['text']} characters"
    assert content["tables"] >= wanted.get("tables", 0), f"{page}: {content['tables']} tables"
    assert content["math"] >= wanted.get("rendered maths", 0), f"{page}: {content['math']} formulas"
    assert content["terms"] >= wanted.get("glossary terms", 0), f"{page}: {content['terms']} terms"
    assert content["citations"] >= wanted.get("citations", 0), f"{page}: {content['citations']} works"
    if wanted.get("links to every chapter"):
        missing = [c for c in CHAPTERS if not any(c.split("/")[-1] + ".html" in h for h in content["links"])]
        assert not missing, f"{page} does not link to {missing}"


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_accessibility_violations(visit, page):
    record = visit(page)
    for theme in ("axe", "axe_dark"):
        serious = [v for v in record[theme] if v["impact"] in SERIOUS]
        assert not serious, f"{theme}: {json.dumps(serious, indent=1)}"
