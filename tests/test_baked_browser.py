"""The baked knob figures in the built site, in headless Chromium, with no kernel and no network.

For every page of _toc.yml and every knob figure on it:
- the player has put a canvas in place of the picture, and each slider has an accessible name;
- the keyboard moves every knob (arrow keys; Enter on a button) and the canvas then shows
  the frame of the new values;
- every slider keeps its live range, and a slider coarser than live says so under the figure;
- every setting the figure declares (the ones its chapter's text names) is on the page's grid;
- fidelity: at the reference settings the build saved (the declared settings, defaults, all
  minimums, all maximums and two random grid points: the live kernel's own Agg renders,
  written by the build's hook, bake/hook.py), the canvas pixels differ from the live picture
  by less than 1.0 level (of 255) on average, and at most 0.5% of the pixels differ by more
  than 64 levels; a figure whose frames come in several chunks fetches them from the site;
- speed: stepping each slider through its range, the time from the key event to the redrawn
  canvas (window.__knobTimings) has p95 <= 16 ms.

Latency and fidelity over every page are printed in pytest's terminal summary (conftest.py).
The page weight is tests/test_browser.py's to check, on the same server.

The site is the one the `built_book` fixture builds, served by conftest's `site_server`; to
test another build, set BAKED_SITE to its html folder and BAKE_DIR to the folder its build
baked into.
"""
import gzip
import json
import os
import pathlib

import numpy as np
import pytest
from PIL import Image

from conftest import BAKE_DIR, ROOT, canvas_pixels, difference, needs_chromium, serve, toc_pages

FIDELITY_MEAN = 1.0
FIDELITY_FAR = 0.005
LATENCY_P95_MS = 16.0

pytestmark = needs_chromium

PAGES = [f"{page}.html" for page in toc_pages()]


# ------------------------------------------------------------------ the site

@pytest.fixture(scope="module")
def site(request):
    """(base url, bake folder) of a site built with baking on, served with gzip."""
    given = os.environ.get("BAKED_SITE")
    if given:
        with serve(pathlib.Path(given)) as server:
            yield server.url, pathlib.Path(os.environ["BAKE_DIR"])
    else:
        yield request.getfixturevalue("site_server").url, BAKE_DIR


def open_page(browser, base, page_path):
    """Load a page with no network beyond the test server; returns (page, outside requests).
    page.chunks_fetched lists the chunk files of frames it fetched."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outside, page.chunks_fetched = [], []

    def route(request_route):
        url = request_route.request.url
        if not url.startswith(base):
            outside.append(url)
            return request_route.abort()
        if "/frames/" in url:
            page.chunks_fetched.append(url)
        return request_route.continue_()
    page.route("**/*", route)
    page.goto(f"{base}{page_path}", wait_until="networkidle")
    page.wait_for_function("() => !document.querySelector('script[type=\"application/vnd.jupyter.widget-state+json\"]')"
                           " || document.documentElement.dataset.widgetsRendered === 'true'", timeout=60000)
    boxes = page.locator(".knob-figure-box").count()
    try:
        page.wait_for_function(
            "n => window.__knobPlayers && window.__knobPlayers.length >= n"
            " && window.__knobPlayers.every(p => p.background)", arg=boxes, timeout=30000)
    except Exception as error:
        raise AssertionError(f"{page_path}: the knob player did not take over its {boxes} knob "
                             f"figure(s) (is _static/knob-player.js on the page?)") from error
    return page, outside


# ------------------------------------------------------------------ page helpers (JavaScript)

FIGURES = """() => window.__knobPlayers.map((p, i) => ({
    index: i, id: p.header.id, frame: p.frame, wanted: p.wanted,
    knobs: p.header.knobs.map(k => ({name: k.name, label: k.label, kind: k.kind,
                                     values: k.values, every: k.every})),
    chunks: p.header.chunks.starts.length,
    labels: p.header.knobs.map((k, j) => {
        const control = p.box.children[j + 1];
        const handle = control.querySelector('.noUi-handle');
        return handle ? handle.getAttribute('aria-label')
                      : control.querySelector('button').parentElement.getAttribute('aria-label'); }),
    note: (p.box.querySelector('.knob-coarse-note') || {}).textContent || '',
    current: p.current()}))"""

STATE = "i => ({frame: window.__knobPlayers[i].frame, current: window.__knobPlayers[i].current()," \
        " shown: window.__knobPlayers[i].canvas.style.display !== 'none'})"


def handle(page, index, knob):
    return page.locator(".knob-figure-box").nth(index).locator(":scope > *").nth(knob + 1).locator(
        ".noUi-handle")


def settle(page, index):
    """Wait until the figure shows the controls' current values (the canvas, or the picture
    before any knob moved); return {frame, current, shown}."""
    page.wait_for_function(
        """i => { const p = window.__knobPlayers[i];
                  return p.wanted === p.current()
                         && (p.frame === p.wanted
                             || (p.wanted === p.initial && p.canvas.style.display === 'none')); }""",
        arg=index, timeout=10000)
    return page.evaluate(STATE, index)


def set_knobs(page, figure, values):
    """Turn the knobs of ``figure`` to ``values`` with the keyboard only."""
    for k, knob in enumerate(figure["knobs"]):
        target = values[knob["name"]]
        control = page.locator(".knob-figure-box").nth(figure["index"]).locator(":scope > *").nth(k + 1)
        if knob["kind"] == "slider":
            h = control.locator(".noUi-handle")
            h.focus()
            h.press("Home")
            steps = int(np.argmin([abs(v - target) for v in knob["values"]]))
            for _ in range(steps):
                h.press("ArrowRight")
        else:
            button = control.locator("button", has_text=target).first
            button.focus()
            button.press("Enter")
    return settle(page, figure["index"])


def expected_index(figure, values):
    index = 0
    for knob in figure["knobs"]:
        value = values[knob["name"]]
        i = knob["values"].index(value) if knob["kind"] == "choice" else int(
            np.argmin([abs(v - value) for v in knob["values"]]))
        index = index * len(knob["values"]) + i
    return index


# ------------------------------------------------------------------ the tests

@pytest.mark.parametrize("page_path", PAGES)
def test_every_knob_figure_responds_without_a_kernel(browser, site, page_path, record_property):
    base, bake_dir = site
    page, outside = open_page(browser, base, page_path)
    results = {"latency_ms": [], "fidelity": []}
    try:
        assert not outside, f"the page asked the network for {outside[:3]}"
        boxes = page.locator(".knob-figure-box").count()
        if (ROOT / page_path.replace(".html", ".ipynb")).exists():
            assert boxes, f"{page_path} is a chapter, but it has no knob figure"
        frames = page.locator(".knob-figure-box script.knob-frames").count()
        assert frames == boxes, f"{boxes - frames} knob figure(s) on {page_path} have no frames"
        for figure in page.evaluate(FIGURES):
            check_figure(page, figure, bake_dir, page_path, results)
    finally:
        page.close()
        if results["latency_ms"] or results["fidelity"]:
            record_property("knob_player", results)


OPEN = """i => { // open what hides the figure (a collapsed cell or solution), as a reader would
    for (let e = document.querySelectorAll('.knob-figure-box')[i]; e; e = e.parentElement) {
        if (e.tagName === 'DETAILS' && !e.open) e.querySelector(':scope > summary').click();
    } }"""


def check_figure(page, figure, bake_dir, page_path, results):
    """Every check of the module docstring on one figure; adds its timings and fidelity
    to results."""
    index = figure["index"]
    page.evaluate(OPEN, index)
    page.locator(".knob-figure-box").nth(index).scroll_into_view_if_needed()
    # accessible names: every baked slider (and button row) is named after its knob
    assert figure["labels"] == [k["label"] for k in figure["knobs"]]
    for k, knob in enumerate(figure["knobs"]):
        if knob["kind"] == "slider":
            assert page.get_by_role("slider", name=knob["label"], exact=True).count() >= 1
    # keyboard: every knob moves its frame, and the canvas shows the frame of the new values
    for k, knob in enumerate(figure["knobs"]):
        before = settle(page, index)
        before_pixels = canvas_pixels(page, index) if before["shown"] else None
        control = page.locator(".knob-figure-box").nth(index).locator(":scope > *").nth(k + 1)
        if knob["kind"] == "slider":
            h = control.locator(".noUi-handle")
            h.focus()
            h.press("ArrowRight")
            if settle(page, index)["current"] == before["current"]:      # it was at its maximum
                h.press("ArrowLeft")
                h.press("ArrowLeft")
        else:
            button = control.locator("button:not(.mod-active)").first
            button.focus()
            button.press("Enter")
        state = settle(page, index)
        where = f"{page_path} figure {figure['id']} knob {knob['name']}"
        assert state["shown"], f"{where}: the canvas did not replace the picture"
        assert state["frame"] == state["current"] != before["current"], where
        if before_pixels is not None:
            assert np.abs(canvas_pixels(page, index).astype(int) - before_pixels).max() > 0, where
    report = json.loads((bake_dir / f"{figure['id']}.json").read_text())
    # range: every slider has its live ends; a coarser one says so on the page, by name
    for knob, live in zip(figure["knobs"], report["live"]):
        if knob["kind"] != "slider":
            continue
        assert (knob["values"][0], knob["values"][-1]) == (live["min"], live["max"]), knob["name"]
        assert (knob["every"] > 1) == (f"{knob['name']} in steps of" in figure["note"]), \
            f"{page_path} figure {figure['id']}: {knob['name']} every {knob['every']}, note {figure['note']!r}"
    # the declared settings are all on the page's grid, and are among the references below
    declared = [r for r in report["references"] if r["declared"]]
    assert all(r["frame"] is not None for r in declared), f"{figure['id']}: a declared setting is off the grid"
    for setting in report["settings"]:
        assert any(all(r["values"][n] == v if isinstance(v, str) else abs(r["values"][n] - v) < 1e-9
                       for n, v in setting.items()) for r in declared), f"{figure['id']}: {setting} not checked"
    # fidelity: the canvas against the live kernel's picture at the reference settings
    for reference in report["references"]:
        state = set_knobs(page, figure, reference["values"])
        assert state["frame"] == expected_index(figure, reference["values"])
        live = np.asarray(Image.open(bake_dir / reference["png"]).convert("RGB"))
        mean, far = difference(canvas_pixels(page, index), live)
        results["fidelity"].append((float(mean), float(far)))  # plain floats travel to xdist
        assert mean < FIDELITY_MEAN and far < FIDELITY_FAR, (
            f"{page_path} figure {figure['id']} at {reference['values']}: mean {mean:.2f}, far {far:.4f}")
    if figure["chunks"] > 1:
        assert any(f"/frames/{figure['id']}/" in url for url in page.chunks_fetched), \
            f"{figure['id']}: {figure['chunks']} chunks, none fetched while setting the references"
    # speed: step each slider through its range, key event to redrawn canvas
    page.evaluate("() => { window.__knobTimings.length = 0; }")
    for k, knob in enumerate(figure["knobs"]):
        if knob["kind"] != "slider":
            continue
        h = handle(page, index, k)
        h.focus()
        h.press("Home")
        settle(page, index)
        for _ in range(len(knob["values"]) - 1):
            h.press("ArrowRight")
            settle(page, index)
    timings = [t["ms"] for t in page.evaluate("() => window.__knobTimings")]
    results["latency_ms"] += [float(ms) for ms in timings]
    if timings:
        p95 = float(np.percentile(timings, 95))
        assert p95 <= LATENCY_P95_MS, f"{figure['id']}: p95 {p95:.1f} ms"


def test_a_chunk_that_the_host_sent_decompressed_plays_too(browser, site):
    """Chunk files are gzip-compressed (frames/<id>/<n>.json.gz). A host that sends them with
    Content-Encoding: gzip hands the player plain JSON instead: it plays that as well."""
    base, _ = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    plain = []

    def route(request_route):
        url = request_route.request.url
        if not url.startswith(base):
            return request_route.abort()
        if url.endswith(".json.gz"):           # what the browser gives a page after Content-Encoding: gzip
            plain.append(url)
            body = gzip.decompress(request_route.fetch().body())
            return request_route.fulfill(status=200, body=body, content_type="application/json")
        return request_route.continue_()
    page.route("**/*", route)
    try:
        page.goto(f"{base}book/07_training.html", wait_until="networkidle")
        page.wait_for_function("() => window.__knobPlayers && window.__knobPlayers.length > 0"
                               " && window.__knobPlayers.every(p => p.background)", timeout=60000)
        figure = next(f for f in page.evaluate(FIGURES) if f["chunks"] > 1)
        for end in (-1, 0):                    # a setting outside the chunk the page carries
            values = {k["name"]: k["values"][end] for k in figure["knobs"]}
            frame = expected_index(figure, values)
            inline = page.evaluate("([i, f]) => { const p = window.__knobPlayers[i];"
                                   " return String(p.chunkOf(f)) in p.header.chunks.inline; }",
                                   [figure["index"], frame])
            if not inline:
                break
        assert not inline, f"figure {figure['id']}: both ends are in the page's own chunk"
        state = set_knobs(page, figure, values)
        assert state["shown"] and state["frame"] == frame, state
        assert plain, "the player fetched no chunk file"
    finally:
        page.close()
