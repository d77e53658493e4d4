"""Figures legible where they are read, and sliders that say what the reader sees.

The rendered size of figure text, in CSS px, is its font size in points times dpi / 72 (its size in
the PNG) times the scale the page shows the PNG at (displayed width / natural width). The limits:
11 px at 1280 px wide, 9 px on a 390 px phone. The font sizes come from the figures themselves:
every knob figure of nnlib.figures, and every static figure a chapter's code draws (the chapter's
code is run here, in order, and each figure it leaves open is measured). The browser measures the
scale of each figure on the built page, served and opened with the shared fixtures of
tests/conftest.py (site_server, browser).
"""
import functools
import json
import pathlib
import re

import matplotlib
import pytest

from conftest import ROOT, needs_chromium
from knob_registry import factories
from nnlib.plotting import MIN_FONT_PT, smallest_font

matplotlib.use("Agg")

CHAPTERS = sorted((ROOT / "book").glob("0*.ipynb"))
PAGES = sorted(p for p in (ROOT / "book").iterdir() if p.suffix in (".ipynb", ".md"))
SCREENS = {"laptop": ({"width": 1280, "height": 900}, 11.0), "phone": ({"width": 390, "height": 844}, 9.0)}
SCREENSHOTS = ROOT / "_build" / "screenshots" / "legibility"


# ------------------------------------------------------------------ the figures' own font sizes

@functools.lru_cache(maxsize=1)
def knob_figure_text():
    """{alt text: smallest text of that knob figure in px at full size}."""
    sizes = {}
    for name, factory in factories():
        figure = factory()
        figure.figure.canvas.draw()
        sizes[figure.alt] = smallest_font(figure.figure) * figure.figure.dpi / 72
    return sizes


@functools.lru_cache(maxsize=None)
def static_figure_text(chapter):
    """[smallest text in px at full size] of each static figure the chapter's code draws, in order."""
    import matplotlib.pyplot as plt
    namespace, found = {"__name__": "__chapter__"}, []
    plt.close("all")
    for cell in json.loads(chapter.read_text())["cells"]:
        if cell["cell_type"] != "code" or "remove-cell" in cell["metadata"].get("tags", []):
            continue
        source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        with plt.rc_context({"figure.dpi": 100}):
            exec(compile(source, chapter.name, "exec"), namespace)
            for number in plt.get_fignums():
                fig = plt.figure(number)
                fig.canvas.draw()
                found.append(smallest_font(fig) * fig.dpi / 72)
        plt.close("all")
    return found


def test_every_knob_figure_uses_the_books_smallest_font_or_larger():
    for name, factory in factories():
        figure = factory()
        figure.figure.canvas.draw()
        assert smallest_font(figure.figure) >= MIN_FONT_PT, name
        assert figure.figure.get_figwidth() <= 10.3, f"{name} is too wide to be legible at 1280 px"


# ------------------------------------------------------------------ the browser

browser_test = needs_chromium


def open_chapter(browser, base, chapter, viewport, scheme="light"):
    context = browser.new_context(viewport=viewport, color_scheme=scheme)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{base}book/{chapter.stem}.html")
    page.wait_for_function("document.documentElement.dataset.widgetsRendered === 'true'", timeout=90_000)
    page.wait_for_function("[...document.querySelectorAll('main img')].every((i) => i.complete)")
    page.wait_for_timeout(300)
    return context, page


FIGURES_JS = r"""() => {
  const shown = (e) => e.getBoundingClientRect().width > 0 && e.checkVisibility();
  const scale = (e) => e.getBoundingClientRect().width / (e.naturalWidth || e.width);
  const knobs = [...document.querySelectorAll('main .knob-figure-box')].map((box) => {
    const figure = [...box.querySelectorAll('img.knob-figure, canvas.knob-figure')].find(shown);
    return figure ? {alt: figure.getAttribute('alt') || figure.getAttribute('aria-label'),
                     scale: scale(figure)} : null;   // a figure folded away, say in a solution
  }).filter(Boolean);
  const statics = [...document.querySelectorAll('main .cell_output img')]
    .filter((i) => !i.closest('.knob-figure-box')).map((i) => ({scale: scale(i)}));
  const tracks = [...document.querySelectorAll('main .knob-figure-box .noUi-target')]
    .map((t) => t.getBoundingClientRect().width);
  return {knobs, statics, tracks};
}"""


def measure_figures(browser, base, chapter, viewport, screen):
    """each figure's displayed scale and the slider tracks' widths."""
    context, page = open_chapter(browser, base, chapter, viewport)
    try:
        found = page.evaluate(FIGURES_JS)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{chapter.stem}-{screen}.png"), full_page=True)
    finally:
        context.close()
    return found


@browser_test
@pytest.mark.slow
@pytest.mark.parametrize("screen", sorted(SCREENS))
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_figure_text_is_legible_on_the_page(site_server, browser, chapter, screen):
    viewport, limit = SCREENS[screen]
    found = measure_figures(browser, site_server.url, chapter, viewport, screen)
    text = knob_figure_text()
    too_small = [(figure["alt"][:60], round(text[figure["alt"]] * figure["scale"], 1))
                 for figure in found["knobs"] if text[figure["alt"]] * figure["scale"] < limit]
    statics = static_figure_text(chapter)
    assert len(statics) == len(found["statics"]), "static figures on the page and in the code differ"
    too_small += [(f"static figure {i + 1}", round(px * figure["scale"], 1))
                  for i, (px, figure) in enumerate(zip(statics, found["statics"]))
                  if px * figure["scale"] < limit]
    assert not too_small, f"figure text below {limit} px at {viewport['width']} px: {too_small}"
    if screen == "phone":
        assert all(width >= 240 for width in found["tracks"]), f"slider tracks too short: {found['tracks']}"


ANNOUNCED_JS = r"""() => [...document.querySelectorAll('main .knob-figure-box .widget-slider')].map((s) => ({
  readout: s.querySelector('.widget-readout').textContent.trim(),
  announced: s.querySelector('[role="slider"]').getAttribute('aria-valuetext'),
}))"""


def press_sliders(browser, base, chapter):
    """what every slider announces, before and after three arrow keys."""
    context, page = open_chapter(browser, base, chapter, SCREENS["laptop"][0])
    try:
        before = page.evaluate(ANNOUNCED_JS)
        for slider in page.locator("main .knob-figure-box .widget-slider").all():
            handle = slider.locator(".noUi-handle").first
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
        page.wait_for_timeout(200)
        return before, page.evaluate(ANNOUNCED_JS)
    finally:
        context.close()


@browser_test
@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_sliders_announce_the_value_the_reader_sees(site_server, browser, chapter):
    before, after = press_sliders(browser, site_server.url, chapter)
    assert before, f"{chapter.stem} has no sliders"
    for state in (before, after):
        wrong = [s for s in state if s["announced"] != s["readout"]]
        assert not wrong, f"sliders announce something else than their readout: {wrong[:5]}"
        noise = [s for s in state if re.search(r"\d\.\d{6,}", s["announced"] or "")]
        assert not noise, f"float noise announced: {noise[:5]}"
    assert before != after, "the arrow keys moved no slider"


# Every display equation, solutions opened: how wide it is against its column, and its font size
# against the text around it (both CSS px).
MATHS_JS = r"""async () => {
  if (!window.MathJax) return [];                // a page without maths loads no MathJax
  await window.MathJax.startup.promise;
  document.querySelectorAll('main details').forEach((d) => { d.open = true; });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return [...document.querySelectorAll('main mjx-container[display="true"]')].map((m) => ({
    tex: (m.querySelector('mjx-assistive-mml') || m).textContent.slice(0, 50),
    wide: m.scrollWidth, room: m.clientWidth,
    size: parseFloat(getComputedStyle(m).fontSize), text: parseFloat(getComputedStyle(m.parentElement).fontSize),
  }));
}"""


@browser_test
@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_display_maths_fits_a_phone_at_the_size_of_the_text(site_server, browser, page):
    """On a 390 px phone no equation is cut off at the column's edge (to be scrolled sideways), and
    none is set smaller than the text around it to make it fit: long equations are written on
    several lines in the chapters, and the site script sets the others just small enough."""
    context = browser.new_context(viewport=SCREENS["phone"][0])
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    try:
        shown = context.new_page()
        shown.goto(f"{site_server.url}book/{page.stem}.html", wait_until="load")
        maths = shown.evaluate(MATHS_JS)
    finally:
        context.close()
    if page.stem.startswith("0"):
        assert maths, f"{page.stem}: no display maths found"
    cut = [m["tex"] for m in maths if m["wide"] > m["room"] + 1]
    assert not cut, f"{page.stem}: equations wider than a 390 px phone's column: {cut}"
    small = [(m["tex"], m["size"]) for m in maths if m["size"] < m["text"] - 0.5]
    assert not small, f"{page.stem}: equations set smaller than the text around them: {small}"
