"""Every chapter page run live: Python in the page (assets/live.js), in headless Chromium.

For every chapter of _toc.yml, in one browser context (so that after the first page the
in-browser Python's files come from the browser's cache, as for a reader going from chapter
to chapter):

- "Run this page live" starts Python in the page and runs its cells; the status says so;
- every exercise cell, given a right answer, shows the checker's "✓ Well done" feedback in
  its note, and given a wrong one the checker's hint: each the very feedback that the same
  checker gives in the host's Python for the same code;
- one code cell, edited and run, shows its new output;
- every knob figure: one slider set to a value between the page's baked values (a live step
  that is not on the baked grid; where every live value is baked, another value) and the
  live picture compared with the host kernel's ``picture_at`` of the same values;
- no request goes to another host.

The site is the one the `built_book` fixture builds, served by conftest's `site_server`; to test
another build, set LIVE_SITE to its html folder. The host kernel is the chapter's code run here, cell by cell, in one namespace (the cells
the page shows: not the Colab install cell), as Jupyter would run it.

Thresholds of the picture comparison. The page's matplotlib is Pyodide's 3.8.4, the host's a
later one, and the two draw the same figure a little differently: text strokes are heavier in
the later versions, edges of lines and markers fall up to a pixel apart, and a figure 4.1 inches
high at 100 dpi is 409 pixels high in 3.8 and 410 in later versions (the pictures are compared
on the size they share). Measured over every figure of the book, pixel for pixel they differ by
5-13 levels of 255 on average, with 2-7% of the pixels off by more than 64 levels: about as much
as an empty picture differs from many figures, so those numbers alone cannot tell right from
wrong. Four checks together can:
- the mean absolute difference is below FIDELITY_MEAN levels;
- comparing each pixel with its nearest match within one pixel in the other picture (both
  ways), at most FIDELITY_FAR of the pixels are off by more than 64 levels;
- of the pixels where the host's picture differs from its background (what the knobs move:
  lines, points, readouts), the live picture matches at least FIDELITY_MOVING within one pixel
  (an empty or a background-only picture matches none of them);
- the live picture is nearer (mean difference) to the host's picture of its own values than to
  the host's picture with the slider at its farther end, so a picture of other values fails.
  One live step apart the two matplotlibs' own differences can outweigh the step's change, so
  the step itself is checked on the slider: its position is the one the keys moved it to, and
  its readout (Python's label, shown by the same widget) is the host's label of the value drawn.
Measured worst over the book: mean 12.8 levels, 3.2% off with the leeway, 70% of the moving parts
matched (a figure of chapter 3).
"""
import ast
import contextlib
import io
import json
import os
import pathlib
import re
import time
import warnings

import numpy as np
import pytest
from PIL import Image

from conftest import ROOT, canvas_pixels, difference, keep_to_site, needs_chromium, serve, toc_pages

pytestmark = needs_chromium

FIDELITY_MEAN = 14.0       # mean absolute difference, levels of 255
FIDELITY_FAR = 0.04        # share of pixels off by more than 64 levels, with one pixel's leeway
FIDELITY_MOVING = 0.6      # share of the moving parts' pixels the live picture matches
START_TIMEOUT_MS = 240_000  # a cold start on a busy 2-core machine, with every cell of a chapter
RUN_TIMEOUT_MS = 120_000

CHAPTERS = [page for page in toc_pages() if (ROOT / f"{page}.ipynb").exists()]

# For each chapter, its exercise cells in page order: (right answer, wrong answer), each the
# code that the reader would write in the cell. The right answers are the worked solutions'
# (tests/test_solutions.py checks them); the wrong ones are the slips the checkers' hints name.
ANSWERS = {
    "book/01_the_line": [
        ("from nnlib.exercises import line as exercises\nmy_answer = 2.5\nexercises.check_output(my_answer)",
         "from nnlib.exercises import line as exercises\nmy_answer = 4.5\nexercises.check_output(my_answer)"),
        ("my_w, my_b = 0.9, 0.8\nexercises.check_fit(my_w, my_b)",
         "my_w, my_b = 0.0, 0.0\nexercises.check_fit(my_w, my_b)"),
    ],
    "book/02_the_neuron": [
        ('from nnlib.exercises import neuron as exercises\nexercises.check_walk("stay in")',
         'from nnlib.exercises import neuron as exercises\nexercises.check_walk("walk")'),
        ('exercises.check_most_important("cold")', 'exercises.check_most_important("sunny")'),
        ("exercises.check_and(1.0, 1.0, -1.5)", "exercises.check_and(1.0, 1.0, 0.5)"),
        ("exercises.check_update((1.0, -0.5), 0.5)", "exercises.check_update((0.5, -1.0), 0.0)"),
    ],
    "book/03_activations": [
        ("from nnlib.exercises import activations as exercises\nexercises.check_collapse(-3.0, 2.0)",
         "from nnlib.exercises import activations as exercises\nexercises.check_collapse(-3.0, 0.0)"),
        ("exercises.check_depth(5)", "exercises.check_depth(2)"),
        ("exercises.check_softmax(0.844)", "exercises.check_softmax(0.5)"),
        ('my_knobs = {"f": "tanh", "w1": 1.6, "b1": 1.0, "w2": 1.6, "b2": -1.0, "v1": 0.7, "v2": -0.7}\n'
         "exercises.check_bump(my_knobs)",
         "my_knobs = dict(bump.values)\nexercises.check_bump(my_knobs)"),
    ],
    "book/04_layers": [
        ("from nnlib.exercises import layers as exercises\nexercises.check_xor(4.0, 4.0, 4.0, -4.0)",
         "from nnlib.exercises import layers as exercises\nexercises.check_xor(0.0, 0.0, 0.0, 0.0)"),
        ("exercises.check_parameter_count(784 * 128 + 128 + 128 * 10 + 10)",
         "exercises.check_parameter_count(784 * 128 + 128 * 10)"),
        ("exercises.check_output_shape((32, 128))", "exercises.check_output_shape((32, 784))"),
        ("exercises.check_forward(4.0)", "exercises.check_forward(5.0)"),
    ],
    "book/05_loss": [
        ("from nnlib.exercises import loss as exercises\nexercises.check_mse_by_hand(3.5)",
         "from nnlib.exercises import loss as exercises\nexercises.check_mse_by_hand(14.0)"),
        ("exercises.check_softmax_loss(2.170)", "exercises.check_softmax_loss(1.0)"),
        ("def my_cross_entropy(p, y):\n    return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))\n\n"
         "exercises.check_cross_entropy(my_cross_entropy)",
         "def my_cross_entropy(p, y):\n    return -np.mean(y * np.log(p))\n\n"
         "exercises.check_cross_entropy(my_cross_entropy)"),
        ("exercises.check_minimum(0.9, 0.75)", "exercises.check_minimum(0.0, 0.0)"),
    ],
    "book/06_gradient_descent": [
        ("from nnlib.exercises import gradient_descent as exercises\nexercises.check_chain_rule(-0.75)",
         "from nnlib.exercises import gradient_descent as exercises\nexercises.check_chain_rule(0.75)"),
        ("def line_gradients(w, b, X, y):\n    error = w * X + b - y\n"
         "    return np.mean(2 * error * X), np.mean(2 * error)\n\nexercises.check_line_gradients(line_gradients)",
         "def line_gradients(w, b, X, y):\n    error = w * X + b - y\n"
         "    return np.mean(error * X), np.mean(error)\n\nexercises.check_line_gradients(line_gradients)"),
        ("exercises.check_learning_rate(0.1)", "exercises.check_learning_rate(5.0)"),
    ],
    "book/07_training": [
        ('from nnlib.exercises import training as exercises\nexercises.check_smallest_xor(2, 1, "tanh")',
         'from nnlib.exercises import training as exercises\nexercises.check_smallest_xor(4, 1, "tanh")'),
        ("exercises.check_accuracy_from_confusion(np.trace(confusion) / confusion.sum(), confusion)",
         "exercises.check_accuracy_from_confusion(np.trace(confusion), confusion)"),
        ("exercises.check_early_stop(132)", "exercises.check_early_stop(20)"),
    ],
    "book/08_beyond": [
        ("from nnlib.exercises import beyond as exercises\n\ndef convolve(image, kernel):\n"
         "    image, kernel = np.asarray(image, dtype=float), np.asarray(kernel, dtype=float)\n"
         "    out = np.zeros((image.shape[0] - 2, image.shape[1] - 2))\n"
         "    for i in range(out.shape[0]):\n        for j in range(out.shape[1]):\n"
         "            out[i, j] = np.sum(image[i:i + 3, j:j + 3] * kernel)\n    return out\n\n"
         "exercises.check_correlate(convolve)",
         "from nnlib.exercises import beyond as exercises\n\ndef convolve(image, kernel):\n"
         "    image = np.asarray(image, dtype=float)\n    return image[:-2, :-2]\n\n"
         "exercises.check_correlate(convolve)"),
        ("scores = np.array([2.0, 1.0, -2.0])\nexercises.check_attention_weights(np.exp(scores) / np.exp(scores).sum())",
         "exercises.check_attention_weights([2.0, 1.0, -2.0])"),
        ("exercises.check_half_life(0.5 ** (1 / 10))", "exercises.check_half_life(0.5)"),
    ],
}

EDITED_CODE = 'print("edited live:", 6 * 7)'
EDITED_OUTPUT = "edited live: 42"


# ------------------------------------------------------------------ the host kernel

def page_cells(chapter):
    """[(code, is exercise)] of the code cells the page shows, in order."""
    notebook = json.loads((ROOT / f"{chapter}.ipynb").read_text())
    cells = []
    for cell in notebook["cells"]:
        tags = cell["metadata"].get("tags", [])
        if cell["cell_type"] == "code" and "remove-cell" not in tags:
            cells.append(("".join(cell["source"]), "exercise" in tags))
    return cells


class HostKernel:
    """The chapter's code run in this Python, one namespace, the value of each cell's last line kept."""

    def __init__(self):
        import matplotlib
        matplotlib.use("Agg")
        self.namespace = {"__name__": "__main__"}
        self.figures = []

    def run(self, code):
        """Run a cell; return the value of its last expression (or None)."""
        import matplotlib.pyplot as plt
        from nnlib.knobs import KnobFigure
        tree = ast.parse(code)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)     # plt.show() under Agg says it shows nothing
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(tree, "<cell>", "exec"), self.namespace)
                value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), self.namespace) if last else None
        plt.close("all")
        if isinstance(value, KnobFigure):
            self.figures.append(value)
        return value


# ------------------------------------------------------------------ the page

@pytest.fixture(scope="module")
def site(request):
    """The base URL of the site under test, served with gzip."""
    given = os.environ.get("LIVE_SITE")
    if given:
        with serve(pathlib.Path(given)) as server:
            yield server.url
    else:
        yield request.getfixturevalue("site_server").url


@pytest.fixture(scope="module")
def context(browser):
    """One browser context for every chapter: the Python files are fetched once, then cached."""
    made = browser.new_context(viewport={"width": 1280, "height": 900})
    yield made
    made.close()


def go_live(context, base, chapter):
    """Open the chapter, click "Run this page live" and wait until it is live.
    Returns (page, refused requests, seconds to live)."""
    page = context.new_page()
    outside = keep_to_site(page, base)
    page.goto(f"{base}{chapter}.html", wait_until="networkidle")
    page.wait_for_function("() => document.documentElement.dataset.widgetsRendered === 'true'", timeout=60000)
    button = page.get_by_role("button", name="Run this page live")
    assert button.count() == 1, f"{chapter}: no 'Run this page live' button"
    started = time.monotonic()
    button.click()
    page.wait_for_function("() => ['live', 'failed'].includes(window.__live.state)", timeout=START_TIMEOUT_MS)
    status = page.get_by_role("status").first.text_content()
    assert page.evaluate("() => window.__live.state") == "live", f"{chapter}: {status}"
    assert status.startswith("Live:"), status
    return page, outside, time.monotonic() - started


CELL = ".bd-article div.cell"


def run_cell(page, index, code):
    """Type ``code`` into the page's code cell ``index`` and run it with Shift+Enter."""
    editor = page.locator(CELL).nth(index).locator("textarea.live-code")
    editor.fill(code)
    editor.press("Shift+Enter")
    page.wait_for_function(
        "i => !document.querySelectorAll('.bd-article div.cell')[i].classList.contains('live-busy')",
        arg=index, timeout=RUN_TIMEOUT_MS)


def feedback_text(page, index):
    note = page.locator(CELL).nth(index).locator(".exercise-note")
    return re.sub(r"\s+", " ", note.text_content()).strip()


def check_exercises(page, chapter, cells, kernel):
    exercises = [i for i, (_, is_exercise) in enumerate(cells) if is_exercise]
    answers = ANSWERS[chapter]
    assert len(answers) == len(exercises), f"{chapter}: {len(exercises)} exercise cells, {len(answers)} answers here"
    for index, (right, wrong) in zip(exercises, answers):
        for code, ok in ((right, True), (wrong, False)):
            expected = kernel.run(code)
            assert expected.ok is ok, f"{chapter} cell {index}: the host checker says {expected!r} to {code!r}"
            run_cell(page, index, code)
            shown = feedback_text(page, index)
            assert shown == re.sub(r"\s+", " ", repr(expected)), (
                f"{chapter} cell {index}, {'right' if ok else 'wrong'} answer: the page shows {shown!r}, "
                f"the checker says {expected!r}")


def check_edited_cell(page, chapter, cells):
    """Edit the last code cell that is neither an exercise nor a figure, run it, see its output."""
    figure_cells = page.evaluate(
        "() => [...document.querySelectorAll('.bd-article div.cell')].map(c => !!c.querySelector('.knob-figure-box'))")
    plain = [i for i, (_, is_exercise) in enumerate(cells) if not is_exercise and not figure_cells[i]]
    assert plain, f"{chapter} has no plain code cell to edit"
    index = plain[-1]
    run_cell(page, index, EDITED_CODE)
    output = page.locator(CELL).nth(index).locator(".live-output").text_content()
    assert output.strip() == EDITED_OUTPUT, f"{chapter} cell {index}: {output!r}"
    assert not page.locator(CELL).nth(index).locator(".cell_output").is_visible()


PLAYERS = """() => window.__knobPlayers.map(p => ({
    id: p.header.id, live: !!p.source,
    knobs: p.header.knobs.map((k, j) => ({name: k.name, kind: k.kind, baked: k.values,
                                          count: (p.models[j].get('_options_labels') || []).length})),
    indexes: p.indexes()}))"""
DRAWN = """i => { const p = window.__knobPlayers[i];
    return !p.sourceBusy && p.sourceShown === p.indexes().join(','); }"""


def target_index(live_grid, baked, current):
    """A live position whose value is not baked (nearest the middle), or any other than ``current``."""
    between = [i for i, v in enumerate(live_grid) if not np.isclose(baked, v).any() and i != current]
    if between:
        return min(between, key=lambda i: abs(i - len(live_grid) // 2))
    return current + 1 if current + 1 < len(live_grid) else current - 1


def common(a, b):
    """Both pictures cut to the size they share (the later matplotlib may round up a pixel)."""
    height, width = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    return a[:height, :width], b[:height, :width]


def nearest_match(a, b):
    """For each pixel of ``a``, its largest channel difference from the nearest match among
    the 3 x 3 pixels around the same place in ``b``: (H, W) ints."""
    height, width = a.shape[:2]
    padded = np.pad(b.astype(int), ((1, 1), (1, 1), (0, 0)), mode="edge")
    best = np.full((height, width), 255)
    for dy in range(3):
        for dx in range(3):
            shifted = padded[dy:dy + height, dx:dx + width]
            best = np.minimum(best, np.abs(a.astype(int) - shifted).max(axis=2))
    return best


def far_with_leeway(a, b):
    """Share of pixels off by more than 64 levels in either picture, allowing one pixel of shift."""
    return float((np.maximum(nearest_match(a, b), nearest_match(b, a)) > 64).mean())


def host_values(knob_figure, indexes):
    return {name: knob.grid()[i] for (name, knob), i in zip(knob_figure.knobs.items(), indexes)}


def check_figures(page, chapter, kernel, record):
    players = page.evaluate(PLAYERS)
    assert len(players) == len(kernel.figures), f"{chapter}: {len(players)} figures on the page, " \
                                                f"{len(kernel.figures)} in the host kernel"
    for index, (player, knob_figure) in enumerate(zip(players, kernel.figures)):
        where = f"{chapter} figure {index} ({player['id']})"
        assert player["live"], f"{where} is not live"
        k = next(k for k, knob in enumerate(player["knobs"]) if knob["kind"] == "slider")
        knob = knob_figure.knobs[player["knobs"][k]["name"]]
        grid = knob.grid()
        assert player["knobs"][k]["count"] == len(grid), f"{where}: the slider does not have every live value"
        target = target_index(grid, np.asarray(player["knobs"][k]["baked"], float), player["indexes"][k])
        box = page.locator(".knob-figure-box").nth(index)
        box.scroll_into_view_if_needed()
        handle = box.locator(":scope > *").nth(k + 1).locator(".noUi-handle")
        handle.focus()
        handle.press("Home")
        for _ in range(target):
            handle.press("ArrowRight")
        page.wait_for_function(DRAWN, arg=index, timeout=RUN_TIMEOUT_MS)
        indexes = page.evaluate("i => window.__knobPlayers[i].indexes()", index)
        assert indexes[k] == target, f"{where}: the slider is at {indexes[k]}, not {target}"
        values = host_values(knob_figure, indexes)
        shown, expected = common(canvas_pixels(page, index), png_pixels(knob_figure.picture_at(**values)))
        mean, far = difference(shown, expected)
        leeway = far_with_leeway(shown, expected)
        moving = moving_parts_matched(shown, expected, knob_figure)
        record.append((player["id"], float(mean), float(far), leeway, moving))
        assert mean < FIDELITY_MEAN and leeway < FIDELITY_FAR and moving > FIDELITY_MOVING, (
            f"{where} at {values}: mean {mean:.2f}, {leeway:.2%} of the pixels off with one pixel's leeway, "
            f"{moving:.1%} of the moving parts matched")
        # the readout shows the value the host drew, formatted as nnlib formats it
        readout = box.locator(":scope > *").nth(k + 1).locator(".widget-readout").text_content().strip()
        assert readout == knob.readout(values[knob.name]), f"{where}: the readout says {readout}"
        # a picture of another value fails: the live picture is nearer this value's than the
        # picture at the slider's farther end
        other = dict(values, **{knob.name: grid[0] if target > len(grid) // 2 else grid[-1]})
        far_end = common(shown, png_pixels(knob_figure.picture_at(**other)))[1]
        if difference(far_end, expected)[0] > 0:
            assert mean < difference(shown, far_end)[0], f"{where}: the live picture is as near {other}"


def moving_parts_matched(shown, expected, knob_figure):
    """Of the pixels where the host's picture differs from its background (by more than 64
    levels: what the knobs move), the share that the live picture matches within one pixel."""
    background = knob_figure.background()[..., :3]
    background, expected = common(background, expected)
    moving = np.abs(expected.astype(int) - background.astype(int)).max(axis=2) > 64
    if not moving.any():
        return 1.0
    return float((nearest_match(expected, shown) <= 64)[moving].mean())


def png_pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_runs_live(context, site, chapter, record_property):
    cells = page_cells(chapter)
    kernel = HostKernel()
    for code, is_exercise in cells:
        kernel.run(code)
    page, outside, seconds = go_live(context, site, chapter)
    fidelity = []
    try:
        dom_cells = page.locator(CELL).count()
        assert dom_cells == len(cells), f"{chapter}: {dom_cells} code cells on the page, {len(cells)} in the notebook"
        assert page.locator(f"{CELL} textarea.live-code").count() == len(cells)
        # no stale verdict on the placeholder answers: every exercise note invites an answer
        for index in [i for i, (_, ex) in enumerate(cells) if ex]:
            assert "Not yet" not in feedback_text(page, index)
        check_exercises(page, chapter, cells, kernel)
        check_edited_cell(page, chapter, cells)
        check_figures(page, chapter, kernel, fidelity)
        assert not outside, f"{chapter} asked other hosts for {outside[:3]}"
    finally:
        record_property("live_page", {"page": chapter, "seconds": seconds, "fidelity": fidelity})
        page.close()


@pytest.mark.parametrize("broken", ["no WebAssembly", "the Python files do not load"])
def test_a_page_that_cannot_run_live_says_so_and_stays_as_it_was(context, site, broken):
    """No WebAssembly, or a file of pyodide/ that fails: the status says so, the figures keep
    their baked frames and the cells their highlighted code, no editor appears."""
    page = context.new_page()
    outside = keep_to_site(page, site)
    if broken == "no WebAssembly":
        page.add_init_script("delete window.WebAssembly")
    else:
        page.route("**/pyodide/pyodide.asm.wasm", lambda request_route: request_route.abort())
    try:
        page.goto(f"{site}{CHAPTERS[0]}.html", wait_until="networkidle")
        page.wait_for_function("() => window.__knobPlayers && window.__knobPlayers.length > 0"
                               " && window.__knobPlayers.every(p => p.background)", timeout=60000)
        page.get_by_role("button", name="Run this page live").click()
        page.wait_for_function("() => window.__live.state === 'failed'", timeout=START_TIMEOUT_MS)
        status = page.get_by_role("status").first.text_content()
        assert "cannot run live" in status and "stays as it was" in status, status
        if broken == "no WebAssembly":
            assert "WebAssembly" in status, status
        assert page.locator("textarea.live-code").count() == 0
        assert page.evaluate("() => window.__knobPlayers.every(p => !p.source)")
        # the baked figure still answers its slider
        before = page.evaluate("() => window.__knobPlayers[0].frame")
        handle = page.locator(".knob-figure-box").first.locator(".noUi-handle").first
        handle.focus()
        handle.press("ArrowRight")
        page.wait_for_function("f => window.__knobPlayers[0].frame !== f", arg=before, timeout=10000)
        assert not outside, outside
    finally:
        page.close()


def test_a_second_visit_takes_the_modules_the_first_compiled(browser, site):
    """Once a page is live, its worker keeps the modules Python compiled in the browser's Cache
    Storage; the next visit puts them back before the first import, and compiles none again."""
    fresh = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        first, _, _ = go_live(fresh, site, CHAPTERS[0])
        assert first.evaluate("() => window.__live.bytecodeRestored") == 0       # nothing kept yet
        first.wait_for_function("() => window.__live.bytecodeKept", timeout=RUN_TIMEOUT_MS)
        first.close()
        second, outside, _ = go_live(fresh, site, CHAPTERS[0])
        restored = second.evaluate("() => window.__live.bytecodeRestored")
        assert restored > 100, f"{restored} compiled modules put back"         # matplotlib, numpy, nnlib
        # nothing new to keep: every module the page imports was among them
        second.wait_for_timeout(3000)
        assert second.evaluate("() => window.__live.bytecodeKept") is None
        assert not outside, outside
        second.close()
    finally:
        fresh.close()
