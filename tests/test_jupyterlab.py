"""Every chapter as a reader meets it in JupyterLab (what `make lab` and Binder open).

A JupyterLab server from requirements-dev.txt serves a copy of the chapters (so that autosave
never writes outputs into the repository), headless Chromium opens each one, and the test checks
what a reader sees: the notebook opens unmodified; after Run All there is no error output, no raw
directive text and no unrendered maths; every solution stays folded until its fold is opened; no
slider label is cut off at 1280 px; and each knob figure's picture changes when its first control
is moved from the keyboard. Screenshots go to _build/lab-screenshots/ for a person to look at.

The JupyterLab server is local to this file and the browser is the run's shared Chromium
(tests/conftest.py); the benchmark benchmarks/lab_latency.py reuses `lab_server`, `chromium` and
`open_notebook`.
"""
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, chromium_missing

CHAPTERS = sorted((ROOT / "book").glob("0*.ipynb"))
SCREENSHOTS = ROOT / "_build" / "lab-screenshots"
JUPYTER = Path(sys.executable).with_name("jupyter-lab")


def skip_reason():
    if not JUPYTER.exists():
        return "JupyterLab is not installed: `make .venv/.installed` installs requirements-dev.txt"
    return chromium_missing()


# slow: started while the book builds; own_site: it needs JupyterLab, not the built book.
pytestmark = [pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or ""),
              pytest.mark.slow, pytest.mark.own_site]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def lab_server(notebooks):
    """A JupyterLab server on a temporary folder holding copies of ``notebooks``: its URL."""
    with tempfile.TemporaryDirectory(prefix="lab-") as tmp:
        tmp = Path(tmp)
        (tmp / "work").mkdir()
        for path in notebooks:
            shutil.copy(path, tmp / "work" / Path(path).name)
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                   JUPYTER_DATA_DIR=str(tmp / "data"), IPYTHONDIR=str(tmp / "ipython"), OPENBLAS_NUM_THREADS="1")
        news = tmp / "settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        news.parent.mkdir(parents=True)
        news.write_text('{"fetchNews": "false"}')      # no "get notified about news?" toast
        port = free_port()
        command = [str(JUPYTER), "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                   "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
                   f"--ServerApp.root_dir={tmp / 'work'}", "--LabApp.expose_app_in_browser=True",
                   "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   f"--LabApp.workspaces_dir={tmp / 'workspaces'}", f"--LabApp.user_settings_dir={tmp / 'settings'}"]
        if os.geteuid() == 0:
            command.append("--allow-root")     # containers and CI often run as root
        log = open(tmp / "server.log", "w")
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=tmp)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"{url}/api/status", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError(f"JupyterLab stopped: {(tmp / 'server.log').read_text()[-2000:]}")
                    time.sleep(0.5)
            else:
                raise RuntimeError("JupyterLab did not start within a minute")
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()


@contextlib.contextmanager
def chromium(width=1280, height=900):
    """A headless Chromium browser context with a fresh profile."""
    from playwright.sync_api import sync_playwright
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile, sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                                       viewport={"width": width, "height": height})
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def new_page(browser):
    """A new tab; on leaving, its notebooks' kernels are shut down and the tab closed."""
    page = browser.new_page()
    try:
        yield page
    finally:
        try:
            page.evaluate(CLOSE_ALL)
        finally:
            page.close()


KERNEL_IDLE = """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!(k && k.status === 'idle' && w.context.isReady); }"""
DIRTY = "() => window.jupyterapp.shell.currentWidget.context.model.dirty"
RUN_ALL = "() => window.jupyterapp.commands.execute('notebook:run-all-cells')"
BUSY = """() => [...document.querySelectorAll('[data-current] .jp-InputPrompt')]
  .some((p) => p.textContent.includes('*'))"""


CLOSE_ALL = """async () => { const app = window.jupyterapp; if (!app) return;
  for (const w of [...app.shell.widgets('main')]) {
    if (w.sessionContext) await w.sessionContext.shutdown();
    if (w.context) w.context.model.dirty = false;
    w.dispose(); } }"""


def open_notebook(page, url, name):
    """Open ``name`` in JupyterLab and wait until its kernel is idle (closing what was open)."""
    page.goto(f"{url}/lab/tree/{name}?reset")      # ?reset: open only this notebook
    page.wait_for_function(KERNEL_IDLE, timeout=120_000, polling=250)
    page.evaluate("() => window.jupyterapp.shell.currentWidget.node.setAttribute('data-current', '')")
    page.wait_for_timeout(1000)         # let the model settle: a late metadata change would mark it dirty


def run_all(page, timeout_s=300):
    page.evaluate(RUN_ALL)
    page.wait_for_timeout(500)
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        if not page.evaluate(BUSY) and page.evaluate(KERNEL_IDLE):
            page.wait_for_timeout(500)
            if not page.evaluate(BUSY):
                return
        page.wait_for_timeout(500)
    raise AssertionError(f"Run All did not finish in {timeout_s} s")


# Everything a reader can read in the rendered Markdown cells, maths rendered or not.
MARKDOWN_TEXT = """() => [...document.querySelectorAll('[data-current] .jp-MarkdownOutput')].map((m) => {
  const copy = m.cloneNode(true);
  copy.querySelectorAll('code, pre, mjx-container, .MathJax, mjx-assistive-mml').forEach((e) => e.remove());
  return copy.textContent; })"""
ERRORS = """() => [...document.querySelectorAll(
  '[data-current] .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],' +
  '[data-current] .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]')].map((e) => e.textContent.slice(0, 300))"""
SOLUTIONS = """() => [...document.querySelectorAll('[data-current] .jp-MarkdownOutput details.solution')].map((d) => {
  const body = [...d.children].filter((c) => c.tagName !== 'SUMMARY');
  return {open: d.open, summary: d.querySelector('summary') && d.querySelector('summary').textContent,
          shown: body.filter((c) => c.checkVisibility()).map((c) => c.textContent.slice(0, 60))}; })"""
CLIPPED = """() => [...document.querySelectorAll('[data-current] .knob-figure-box .widget-label')]
  .filter((l) => l.textContent.trim() && l.checkVisibility())
  .filter((l) => l.scrollWidth > l.clientWidth + 1 || l.scrollHeight > l.clientHeight + 1)
  .map((l) => l.textContent)"""
PICTURE = """(i) => { const img = document.querySelectorAll('[data-current] .knob-figure-box')[i].querySelector('.knob-figure-stack img.knob-figure');
  return img ? img.src : null; }"""


def move_first_control(page, index):
    """Press an arrow key on the first control of knob figure ``index``; True if its picture changed."""
    box = page.locator("[data-current] .knob-figure-box").nth(index)
    box.scroll_into_view_if_needed()
    before = page.evaluate(PICTURE, index)
    first = box.locator(":scope > *").nth(1)
    handle = first.locator(".noUi-handle")
    if handle.count():
        handle.focus()
        keys = ["ArrowRight", "ArrowLeft", "ArrowLeft"]
    else:                                   # a choice: the toggle buttons
        buttons = first.locator("button")
        buttons.nth(buttons.count() - 1).focus()
        keys = ["Enter"]
    for key in keys:
        page.keyboard.press(key)
        try:
            page.wait_for_function(f"(b) => ((p) => !!p && p !== b)(({PICTURE})({index}))", arg=before, timeout=15_000)
            return True
        except Exception:                   # at its maximum: the other way
            continue
    return False


@pytest.fixture(scope="module")
def lab(browser):
    """The JupyterLab server's URL and a 1280 x 900 context of the run's shared Chromium."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with lab_server(CHAPTERS) as url:
            yield url, context
    finally:
        context.close()


@pytest.fixture
def page(lab):
    with new_page(lab[1]) as page:
        yield page


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_reads_right_in_jupyterlab(lab, page, chapter):
    url = lab[0]
    open_notebook(page, url, chapter.name)
    assert not page.evaluate(DIRTY), f"{chapter.name} is marked modified as soon as it opens"
    run_all(page)
    page.wait_for_timeout(1500)              # MathJax typesets after the cells render
    errors = page.evaluate(ERRORS)
    assert not errors, f"{chapter.name}: error output after Run All: {errors}"

    text = "\n".join(page.evaluate(MARKDOWN_TEXT))
    assert text.strip(), "no rendered Markdown found"
    for raw in (":label:", ":class:", "```{", "{exercise}", "{solution}"):
        assert raw not in text, f"{chapter.name}: raw directive text {raw!r} in the rendered Markdown"
    leftover = re.findall(r".{0,30}\$.{0,30}", text)
    assert not leftover, f"{chapter.name}: unrendered maths: {leftover[:3]}"

    solutions = page.evaluate(SOLUTIONS)
    exercises = re.findall(r"Exercise \d+\.\d+\.", text)
    assert solutions and len(solutions) >= len(exercises) - 1
    for solution in solutions:
        assert not solution["open"] and not solution["shown"], \
            f"{chapter.name}: {solution['summary']} shows before its fold is opened: {solution['shown']}"

    clipped = page.evaluate(CLIPPED)
    assert not clipped, f"{chapter.name}: slider labels cut off at 1280 px: {clipped}"

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    boxes = page.locator("[data-current] .knob-figure-box").count()
    assert boxes, f"{chapter.name}: no knob figure rendered"
    for index in range(boxes):
        assert move_first_control(page, index), \
            f"{chapter.name}: knob figure {index + 1} did not redraw when its first control was moved"
        page.locator("[data-current] .knob-figure-box").nth(index).screenshot(
            path=SCREENSHOTS / f"{chapter.stem}-figure{index + 1}.png")

    # Open the first solution, as a reader would: its text and maths are then shown.
    first = page.locator("[data-current] .jp-MarkdownOutput details.solution").first
    first.scroll_into_view_if_needed()
    first.locator("summary").click()
    page.wait_for_timeout(800)
    opened = page.evaluate(SOLUTIONS)[0]
    assert opened["open"] and opened["shown"], "the first solution did not open"
    page.screenshot(path=SCREENSHOTS / f"{chapter.stem}-solution.png")


# Code run in the notebook's kernel from the page; resolves to what it printed. With wait false
# it resolves once the kernel has started the code (busy), without waiting for the end.
KERNEL_RUN = """async ([code, wait]) => { const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let out = ''; const future = kernel.requestExecute({code, silent: false, store_history: false});
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') out += msg.content.text; };
  if (!wait) { while (kernel.status !== 'busy') await new Promise((r) => setTimeout(r, 10)); return ''; }
  await future.done; return out; }"""
# The picture's src once it differs from ``before``, and whether the kernel was still busy then.
CHANGED_WHILE = """async ([before, ms]) => { const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const src = () => { const img = document.querySelector('[data-current] .knob-figure-stack img'); return img && img.src; };
  const t0 = performance.now();
  while (performance.now() - t0 < ms) {
    if (src() && src() !== before) return {src: src(), busy: kernel.status === 'busy'};
    await new Promise((r) => requestAnimationFrame(r)); }
  return null; }"""


def test_a_key_press_shows_the_picture_drawn_ahead_while_the_kernel_is_busy(browser):
    """The browser switches to a picture the kernel drew ahead without waiting for the kernel:
    with the kernel busy in another cell, one key press on the first slider shows the next
    value's picture, and it is the picture the kernel draws for that value."""
    with tempfile.TemporaryDirectory(prefix="ahead-") as tmp:
        notebook = Path(tmp) / "ahead.ipynb"
        source = "from nnlib.figures import line\nk = line.line_fit()\nk.widget()"
        notebook.write_text(json.dumps({
            "cells": [{"cell_type": "code", "execution_count": None, "id": "c0", "metadata": {},
                       "outputs": [], "source": source}],
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5}))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            with lab_server([notebook]) as url, new_page(context) as page:
                open_notebook(page, url, notebook.name)
                run_all(page)
                ready = "print(k._widgets.controls['w'].index + 1 in k._widgets.pictures.ready)"
                deadline = time.time() + 60
                while page.evaluate(KERNEL_RUN, [ready, True]).strip() != "True":
                    assert time.time() < deadline, "the kernel drew no picture ahead within 60 s"
                    page.wait_for_timeout(200)
                before = page.evaluate("() => document.querySelector('[data-current] .knob-figure-stack img').src")
                page.evaluate(KERNEL_RUN, ["import time; time.sleep(4)", False])
                page.locator("[data-current] .knob-figure-box .noUi-handle").first.focus()
                page.keyboard.press("ArrowRight")
                changed = page.evaluate(CHANGED_WHILE, [before, 3000])
                assert changed is not None, "the picture did not change within 3 s of the key press"
                assert changed["busy"], "the picture changed only once the kernel was free"
                page.wait_for_function(KERNEL_IDLE, timeout=30_000)
                expected = page.evaluate(KERNEL_RUN, [
                    "from nnlib.picture_stack import data_url\n"
                    "print(k.values['w'], data_url(k.picture_at(**k.values)).decode())", True]).split()
                assert float(expected[0]) == pytest.approx(0.05)    # one step up from its default, 0
                assert changed["src"] == expected[1], "the picture shown is not the kernel's for that value"
        finally:
            context.close()
