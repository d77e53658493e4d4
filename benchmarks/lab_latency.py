"""Key press -> new picture in a real JupyterLab, per knob figure, against ipywidgets.interact.

Starts JupyterLab (requirements-dev.txt) on a generated notebook that shows every knob figure of
the chapters three ways, and drives it from headless Chromium:

- KnobFigure: the book's widgets (nnlib.controls): the pictures of the neighbouring values of the
  slider moved last are drawn ahead while the page is idle, and the browser shows one the moment a
  press lands on it (nnlib.picture_stack); other presses wait for the kernel's redraw;
- base64 HTML: the same figure and sliders with the picture as an <img> data URL in an HTML
  widget, redrawn by the kernel on every move (what a hand-made notebook widget does);
- interact: ``ipywidgets.interact`` with the same sliders, building the figure again on every move
  and showing it with the inline backend, as most notebooks do.

For each figure it presses an arrow key on the first slider, ``--moves`` times, and times in the
page from the key-down event to the new image decoded; then it holds the key down (10 presses
30 ms apart) and counts the redraws and whether the last picture is of the last value.

With ``--trace`` it instead breaks one press of each KnobFigure down: when (ms after the key-down)
the page sent the slider's comm message, received the kernel's busy status, the echo of the value,
the idle status and the picture update, saw the new image and had it decoded; and how long the
figure's ``set`` (frame, blit, PNG encode) takes in the kernel.

Run:  python benchmarks/lab_latency.py [--moves 12] [--only line,neuron] [--trace]
"""
import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from knob_registry import factories  # noqa: E402
from test_jupyterlab import chromium, lab_server, new_page, open_notebook, run_all  # noqa: E402

SETUP = '''import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display
from nnlib import controls
from nnlib.knobs import Choice, apply_frame
import importlib

def factory(name):
    module, function = name.split(".")
    return getattr(importlib.import_module(f"nnlib.figures.{module}"), function)

def html_version(knob_figure):
    """The same figure with its picture as a base64 <img> in an HTML widget, redrawn on every move."""
    picture = widgets.HTML(knob_figure.img_html())
    sliders = {n: controls.choice_for(k) if isinstance(k, Choice) else controls.slider_for(k)
               for n, k in knob_figure.knobs.items()}
    def moved(change, name):
        knob_figure.set(**{name: change["new"]})
        picture.value = knob_figure.img_html()
    for name, slider in sliders.items():
        slider.observe(lambda change, name=name: moved(change, name), names="value")
    shown = widgets.VBox([picture, *sliders.values()])
    shown.add_class("bench-html")
    return shown

def interact_version(knob_figure):
    """ipywidgets.interact redrawing a new figure on every move, with the same sliders."""
    def redraw(**values):
        fig = plt.figure(figsize=knob_figure.figure.get_size_inches(), dpi=knob_figure.figure.dpi)
        apply_frame(knob_figure.draw_fn(fig), knob_figure.frame_fn(**values))
        plt.show()
    sliders = {n: controls.choice_for(k) if isinstance(k, Choice) else controls.slider_for(k)
               for n, k in knob_figure.knobs.items()}
    shown = widgets.interactive(redraw, **sliders)
    shown.add_class("bench-interact")
    return shown
'''

# The box's picture: the live figure's stack shows one of its images, the other versions have one image.
PICTURE = ("const picture = () => (box.querySelector('.knob-figure-stack') || box).querySelector('img'); "
           "const src = () => { const img = picture(); return img ? img.src : null; };")

# Time from a key-down on the box's first slider to its next picture, decoded (ms), or null.
PRESS = """async ([selector, index, key]) => {
  const box = document.querySelectorAll(selector)[index];
  const handle = box.querySelector('.noUi-handle');
  PICTURE_JS
  const before = src();
  const t0 = performance.now();
  const arrived = new Promise((resolve) => {
    const done = async () => {
      observer.disconnect(); clearTimeout(timer);
      try { await picture().decode(); } catch (e) {}
      resolve(performance.now() - t0); };
    const observer = new MutationObserver(() => { const now = src(); if (now && now !== before) done(); });
    observer.observe(box, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    const timer = setTimeout(() => { observer.disconnect(); resolve(null); }, 15000);
  });
  handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  return arrived; }""".replace("PICTURE_JS", PICTURE)

# Hold a key: `count` key-downs `gap` ms apart; the times (ms from the first) of each new picture.
HOLD = """async ([selector, index, key, count, gap]) => {
  const box = document.querySelectorAll(selector)[index];
  const handle = box.querySelector('.noUi-handle');
  PICTURE_JS
  let last = src(); const shown = []; const t0 = performance.now();
  const observer = new MutationObserver(() => { const s = src(); if (s && s !== last) { last = s; shown.push(performance.now() - t0); } });
  observer.observe(box, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  for (let i = 0; i < count; i++) {
    handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
    await new Promise((r) => setTimeout(r, gap)); }
  await new Promise((r) => setTimeout(r, 4000));
  observer.disconnect();
  return {shown, pressed: (count - 1) * gap, value: handle.getAttribute('aria-valuenow')}; }""".replace("PICTURE_JS", PICTURE)

# One press, with every kernel message the page sends or receives meanwhile (ms from key-down).
TRACE = """async ([selector, index, key]) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const box = document.querySelectorAll(selector)[index];
  const handle = box.querySelector('.noUi-handle');
  PICTURE_JS
  const before = src(); const events = []; const t0 = performance.now();
  const onMessage = (_, args) => {
    const msg = args.msg, content = msg.content || {};
    let what = msg.header.msg_type;
    if (what === 'status') what += ' ' + content.execution_state;
    if (what === 'comm_msg') what = (content.data && content.data.method) + ((msg.buffers || []).length ? ' +image' : '');
    events.push([args.direction, what, performance.now() - t0]); };
  kernel.anyMessage.connect(onMessage);
  const shown = await new Promise((resolve) => {
    const done = async () => {
      observer.disconnect(); clearTimeout(timer);
      const changed = performance.now() - t0;
      try { await picture().decode(); } catch (e) {}
      resolve([changed, performance.now() - t0]); };
    const observer = new MutationObserver(() => { const now = src(); if (now && now !== before) done(); });
    observer.observe(box, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
    const timer = setTimeout(() => { observer.disconnect(); resolve([null, null]); }, 15000);
    handle.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
  });
  await new Promise((r) => setTimeout(r, 100));
  kernel.anyMessage.disconnect(onMessage);
  return {events, changed: shown[0], decoded: shown[1]}; }""".replace("PICTURE_JS", PICTURE)

# The kernel's own time for one move of figure k{i}: median ms of KnobFigure.set back and forth.
SET_TIME = """import time as _t, statistics as _s
_k, _n = k{i}, {knob!r}
_grid = list(_k.knobs[_n].grid()); _v0 = _k.values[_n]
_j = min(range(len(_grid)), key=lambda j: abs(_grid[j] - _v0)); _other = _grid[_j + 1 if _j + 1 < len(_grid) else _j - 1]
_ts = []
for _m in range(10):
    _a = _t.perf_counter(); _k.set(**{{_n: _other if _m % 2 == 0 else _v0}}); _ts.append((_t.perf_counter() - _a) * 1000)
print(f"{{_s.median(_ts):.1f}}")"""

STEPS = (("send", "slider value sent"), ("recv status busy", "kernel busy"), ("recv echo_update", "echo back"),
         ("recv status idle", "kernel idle"), ("recv update +image", "image update in"))


def trace(page, selector, index, moves):
    """Median ms from key-down to each step of a press (see STEPS), over ``moves`` presses."""
    page.locator(selector).nth(index).scroll_into_view_if_needed()
    key = "ArrowLeft" if page.evaluate(AT_MAX, [selector, index]) else "ArrowRight"
    steps = {label: [] for _, label in STEPS}
    steps.update({"image changed": [], "image decoded": []})
    for move in range(moves):
        key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"      # back and forth
        result = page.evaluate(TRACE, [selector, index, key])
        if result["decoded"] is None:
            continue
        for match, label in STEPS:
            direction, what = match.split(" ", 1) if match != "send" else ("send", None)
            times = [t for d, w, t in result["events"] if d == direction and (what is None or w == what)]
            if times:
                steps[label].append(times[0])
        steps["image changed"].append(result["changed"])
        steps["image decoded"].append(result["decoded"])
        page.wait_for_timeout(150)
    return {label: statistics.median(times) if times else float("nan") for label, times in steps.items()}


def print_trace(rows):
    labels = [label for _, label in STEPS] + ["image changed", "image decoded"]
    print("| figure (first slider) | KnobFigure.set in the kernel | " + " | ".join(labels) + " |")
    print("|---|---|" + "---|" * len(labels))
    for name, knob, set_ms, steps in rows:
        print(f"| {name} ({knob}) | {set_ms} ms | " + " | ".join(f"{steps[label]:.0f}" for label in labels) + " |")
    print("\n(ms after the key-down, median over the presses; the kernel time is `set` alone)")


AT_MAX = """([selector, index]) => { const h = document.querySelectorAll(selector)[index].querySelector('.noUi-handle');
  return Number(h.getAttribute('aria-valuenow')) >= Number(h.getAttribute('aria-valuemax')); }"""
AT_MIN = """([selector, index]) => { const h = document.querySelectorAll(selector)[index].querySelector('.noUi-handle');
  return Number(h.getAttribute('aria-valuenow')) <= Number(h.getAttribute('aria-valuemin')); }"""

PAST_MIDDLE = """([selector, index]) => { const h = document.querySelectorAll(selector)[index].querySelector('.noUi-handle');
  return 2 * Number(h.getAttribute('aria-valuenow')) > Number(h.getAttribute('aria-valuemin')) + Number(h.getAttribute('aria-valuemax')); }"""

KERNEL_PRINT = """async (code) => { const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  let out = ''; const future = kernel.requestExecute({code, silent: false, store_history: false});
  future.onIOPub = (msg) => { if (msg.header.msg_type === 'stream') out += msg.content.text; };
  await future.done; return out; }"""


def notebook(names, trace_only=False):
    """A notebook showing each figure as KnobFigure, as base64 HTML and through interact."""
    cells = [SETUP]
    for i, name in enumerate(names):
        cells.append(f'k{i} = factory("{name}")(); display(k{i}.widget())')
        if trace_only:
            continue
        cells.append(f'h{i} = factory("{name}")(); display(html_version(h{i}))')
        cells.append(f'display(interact_version(factory("{name}")()))')
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": f"c{n}", "metadata": {},
                       "outputs": [], "source": source} for n, source in enumerate(cells)],
            "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                        "name": "python3"}},
            "nbformat": 4, "nbformat_minor": 5}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def measure(page, selector, index, moves):
    """Latencies (ms) of ``moves`` key presses, back and forth on the first slider."""
    page.locator(selector).nth(index).scroll_into_view_if_needed()
    key = "ArrowLeft" if page.evaluate(AT_MAX, [selector, index]) else "ArrowRight"
    times = []
    for move in range(moves):
        if move == moves // 2:
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
        if key == "ArrowRight" and page.evaluate(AT_MAX, [selector, index]):
            key = "ArrowLeft"               # a short slider: turn round at its ends
        elif key == "ArrowLeft" and page.evaluate(AT_MIN, [selector, index]):
            key = "ArrowRight"
        elapsed = page.evaluate(PRESS, [selector, index, key])
        if elapsed is not None:
            times.append(elapsed)
        page.wait_for_timeout(120)
    return times


def settle(page, count, timeout_s=120):
    """Wait until no KnobFigure of the notebook is drawing pictures ahead (kernel work that
    would slow whatever is timed next)."""
    busy = "print(sum(k._widgets.ahead_scheduled for k in [" + ", ".join(f"k{i}" for i in range(count)) + "]))"
    for _ in range(timeout_s * 5):
        if page.evaluate(KERNEL_PRINT, busy).strip() == "0":
            return
        page.wait_for_timeout(200)


def hold(page, selector, index):
    """Hold a key down towards the slider's farther end (10 presses, 30 ms apart)."""
    key = "ArrowLeft" if page.evaluate(PAST_MIDDLE, [selector, index]) else "ArrowRight"
    return page.evaluate(HOLD, [selector, index, key, 10, 30])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=12)
    parser.add_argument("--only", default="", help="comma-separated figure modules, e.g. line,neuron")
    parser.add_argument("--trace", action="store_true", help="break one KnobFigure press down instead")
    args = parser.parse_args()
    names = [n for n, _ in factories() if not args.only or n.split(".")[0] in args.only.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lab_latency.ipynb"
        path.write_text(json.dumps(notebook(names, trace_only=args.trace)))
        with lab_server([path]) as url, chromium() as browser, new_page(browser) as page:
            open_notebook(page, url, path.name)
            run_all(page, timeout_s=900)
            rows = []
            if args.trace:
                for i, name in enumerate(names):
                    knob = first_slider(name).name
                    steps = trace(page, ".knob-figure-box:not(.bench-html)", i, args.moves)
                    set_ms = page.evaluate(KERNEL_PRINT, SET_TIME.format(i=i, knob=knob)).strip()
                    rows.append((name, knob, set_ms, steps))
                    print(f"# {name}: {steps}", file=sys.stderr, flush=True)
                print_trace(rows)
                return
            for i, name in enumerate(names):
                settle(page, len(names))        # no figure is drawing ahead while the others are timed
                html = measure(page, ".bench-html", i, args.moves)
                interact = measure(page, ".bench-interact", i, args.moves)
                live = measure(page, ".knob-figure-box:not(.bench-html)", i, args.moves)
                held = hold(page, ".knob-figure-box:not(.bench-html)", i)
                slider = first_slider(name)
                # the slider's aria-valuenow is its index (a SelectionSlider): is the figure there too?
                kernel_index = page.evaluate(KERNEL_PRINT, f"print(k{i}.knobs[{slider.name!r}]"
                                                          f".index(k{i}.values[{slider.name!r}]))").strip()
                held_ok = int(kernel_index) == int(float(held["value"]))
                last_after = held["shown"][-1] - held["pressed"] if held["shown"] else float("nan")
                rows.append((name, slider.name, live, html, interact, len(held["shown"]), last_after, held_ok))
                print_row(rows[-1], flush=True)
    print_table(rows)


def first_slider(name):
    return next(k for k in dict(factories())[name]().knobs.values() if hasattr(k, "step"))


def stats(times):
    return (statistics.median(times), percentile(times, 0.95)) if times else (float("nan"), float("nan"))


def print_row(row, flush=False):
    name, knob, live, html, interact, redraws, last_after, ok = row
    print(f"# {name} ({knob}): live {stats(live)[0]:.0f} ms, html {stats(html)[0]:.0f} ms, "
          f"interact {stats(interact)[0]:.0f} ms, held {redraws} redraws", file=sys.stderr, flush=flush)


def print_table(rows):
    print("| figure (first slider) | KnobFigure p50 | p95 | base64 HTML p50 | p95 | interact p50 | p95 "
          "| speed-up vs interact (p50) | held key: redraws of 10, last image after last press, last value |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, knob, live, html, interact, redraws, last_after, ok in rows:
        (l50, l95), (h50, h95), (i50, i95) = stats(live), stats(html), stats(interact)
        print(f"| {name} ({knob}) | {l50:.0f} ms | {l95:.0f} ms | {h50:.0f} ms | {h95:.0f} ms | {i50:.0f} ms "
              f"| {i95:.0f} ms | {i50 / l50:.1f}× | {redraws}, {last_after:.0f} ms, {'yes' if ok else 'NO'} |")
    lives = [stats(r[2])[0] for r in rows]
    ratios = [stats(r[4])[0] / stats(r[2])[0] for r in rows]
    print(f"\nKnobFigure p50 over figures: median {statistics.median(lives):.0f} ms, worst {max(lives):.0f} ms; "
          f"speed-up vs interact: median {statistics.median(ratios):.1f}×, least {min(ratios):.1f}×")


if __name__ == "__main__":
    main()
