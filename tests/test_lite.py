"""Every chapter in the site's own JupyterLite (lite/, scripts/build_lite.py), in headless Chromium.

- Each chapter page's launch menu has the JupyterLite entry, and it leads, relative to the page,
  to the Notebook app of the built lite site with that chapter, which the lite site holds.
- Opened in the lite site as a reader opens it, each chapter runs top to bottom (Run All): every
  code cell gets its execution count, no cell has an error or a stderr output, every widget
  output is drawn, the page raises no error (but one known upstream one, see KNOWN_PAGE_ERRORS),
  every file it asks the site for is there (nothing trimmed from the lite build is missed), and
  no request goes to another host.

All chapters run in one browser context, so after the first one Pyodide's files come from the
browser's cache, as for a reader who opens a second chapter. Two things differ from a reader's
browser, both for the test's sake: the service worker is blocked, so that every request passes
the route that counts requests to other hosts (JupyterLite then does not mirror its browser
storage into the kernel's file system, which no chapter reads); and the app is exposed as
``window.jupyterapp`` (``exposeAppInBrowser``, added to the lite site's jupyter-lite.json as the
test serves it), so that the test runs the notebook with JupyterLab's own command and reads
its model. The time from opening a chapter to its kernel being ready, and to its first figure,
is recorded as the property ``lite_timing`` (not asserted).
"""
import json
import time
import urllib.parse

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, needs_chromium

CHAPTERS = sorted((ROOT / "book").glob("*.ipynb"))
LITE_LABEL = "JupyterLite (in your browser)"
# What one chapter may take to start its kernel and to run (a wait, not a timed assertion).
KERNEL_WAIT_MS = 300_000
RUN_WAIT_MS = 600_000

NOTEBOOK = "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
KERNEL_IDLE = """() => { const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
                   && panel.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle'; }"""
ALL_RAN = """() => { const panel = window.jupyterapp.shell.currentWidget;
    const kernel = panel.sessionContext.session.kernel;
    const cells = panel.content.widgets.filter(c => c.model.type === 'code');
    return kernel.status === 'idle' && cells.every(c => c.model.executionCount !== null); }"""
CELLS = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .filter(c => c.model.type === 'code')
    .map(c => ({count: c.model.executionCount, outputs: c.model.outputs.toJSON()}))"""
FIRST_FIGURE = ".jp-OutputArea-output img"
# Page errors of the pinned apps that are known and harmless. Notebook 7.3 before 7.3.3 (in
# jupyterlite-core 0.5.1) reads the last checkpoint of a notebook that has none yet, for the
# "Last Checkpoint" note of its header (fixed upstream by jupyter/notebook#7567).
KNOWN_PAGE_ERRORS = {"Cannot read properties of undefined (reading 'last_modified')"}


def code_cells(chapter):
    return [c for c in json.loads(chapter.read_text())["cells"] if c["cell_type"] == "code"]


def lite_link(built_html, chapter):
    """The href of the JupyterLite entry in the chapter page's launch menu."""
    page = built_html / "book" / f"{chapter.stem}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    menu = soup.select_one("div.dropdown-launch-buttons")
    assert menu is not None, f"{page.name} has no launch menu"
    links = [a["href"] for a in menu.find_all("a", href=True) if a.get_text(strip=True) == LITE_LABEL]
    assert len(links) == 1, f"{page.name}: {len(links)} '{LITE_LABEL}' entries in the launch menu"
    return links[0]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_launch_menu_opens_the_chapter_in_the_lite_site(built_html, chapter):
    href = lite_link(built_html, chapter)
    parts = urllib.parse.urlsplit(href)
    assert not parts.scheme and not parts.netloc, f"{href} leaves the site"
    app = (built_html / "book" / parts.path).resolve()
    assert app == (built_html / "lite" / "notebooks" / "index.html").resolve(), href
    assert app.is_file(), f"{href}: the lite site has no Notebook app"
    (path,) = urllib.parse.parse_qs(parts.query)["path"]
    shipped = built_html / "lite" / "files" / path
    assert shipped.is_file(), f"{href}: the lite site does not hold {path}"
    assert json.loads(shipped.read_text())["cells"] == json.loads(chapter.read_text())["cells"]


# ------------------------------------------------------------------ in the browser

@pytest.fixture(scope="module")
def lite(site_server, browser):
    """(context, base url, requests to other hosts): one context for every chapter."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    base, outside = site_server.url, []
    config = f"{base}lite/jupyter-lite.json"

    def route(request_route):
        url = request_route.request.url
        if not url.startswith(base):
            outside.append(url)
            return request_route.abort()
        if url.split("?")[0] == config:
            response = request_route.fetch()
            settings = response.json()
            settings["jupyter-config-data"]["exposeAppInBrowser"] = True
            return request_route.fulfill(response=response, json=settings)
        return request_route.continue_()
    context.route("**/*", route)
    yield context, base, outside
    context.close()


def run_all(page, start):
    """Run every cell of the open notebook with JupyterLab's command and wait until all ran;
    returns the seconds from ``start`` to the first figure drawn."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_selector(FIRST_FIGURE, state="attached", timeout=RUN_WAIT_MS)
    figure = time.perf_counter() - start
    page.wait_for_function(ALL_RAN, timeout=RUN_WAIT_MS, polling=500)
    return figure


def problems(cells):
    """Error outputs and stderr text of the cells, as readable lines."""
    found = []
    for index, cell in enumerate(cells):
        for output in cell["outputs"]:
            if output["output_type"] == "error":
                found.append(f"code cell {index}: {output['ename']}: {output['evalue']}")
            elif output["output_type"] == "stream" and output["name"] == "stderr":
                found.append(f"code cell {index} wrote to stderr: {''.join(output['text'])[:500]}")
    return found


@needs_chromium
@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_the_chapter_runs_top_to_bottom_in_the_lite_site(lite, chapter, built_html, record_property):
    context, base, outside = lite
    before = len(outside)
    page = context.new_page()
    errors, missing = [], []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda response: missing.append(f"{response.status} {response.url}")
            if response.status >= 400 else None)
    start = time.perf_counter()
    page.goto(base + "book/" + lite_link(built_html, chapter))
    page.wait_for_function(NOTEBOOK, timeout=KERNEL_WAIT_MS)
    page.wait_for_function(KERNEL_IDLE, timeout=KERNEL_WAIT_MS, polling=500)
    ready = time.perf_counter() - start
    figure = run_all(page, start)
    cells = page.evaluate(CELLS)
    expected = len(code_cells(chapter))
    assert len(cells) == expected, f"the lite notebook has {len(cells)} code cells, the chapter {expected}"
    counts = [cell["count"] for cell in cells]
    assert counts == list(range(1, expected + 1)), f"execution counts {counts}: not every cell ran, in order"
    assert not problems(cells), "\n".join(problems(cells))
    stderr = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')
    assert stderr.count() == 0, stderr.all_inner_texts()
    views = sum(1 for cell in cells for output in cell["outputs"]
                if "application/vnd.jupyter.widget-view+json" in output.get("data", {}))
    drawn = page.locator(".jp-OutputArea-output:has(.jupyter-widgets)").count()
    assert drawn == views, f"{views} widget outputs, {drawn} of them drawn"
    assert [error for error in errors if error not in KNOWN_PAGE_ERRORS] == [], errors
    assert missing == [], f"the lite site does not have what it asked for: {missing}"
    assert outside[before:] == [], f"requests to other hosts: {outside[before:]}"
    record_property("lite_timing", {"chapter": chapter.stem, "kernel_ready_s": round(ready, 1),
                                    "first_figure_s": round(figure, 1)})
    page.close()
