"""How long a chapter page takes to run live, and how fast its knobs then move (headless Chromium).

Serves the built book (_build/html, or --site) as a web host does (text gzipped, as
tests/conftest.py's server) and measures, with the page's own clock (window.__live, from
assets/live.js, and window.__knobTimings, from assets/knob-player.js):

- click on "Run this page live" -> the first knob figure drawn by Python, cold (a fresh
  browser profile, nothing cached) and warm (a second visit in the same profile: the browser
  cache, and the compiled modules the first visit kept in Cache Storage once it was live),
  each with matplotlib's prebuilt font list and without it (the site's fontlist.json
  refused, so matplotlib scans its fonts in the browser as it would on a first import);
  "Python ready" is when Pyodide, numpy, matplotlib and nnlib are loaded, before the cells run;
- a knob move, key press -> new picture on the canvas, p50 and p95: live (Python draws) and
  baked (the player replays stored frames), the same slider of the same figure in the same run,
  pressed as soon as the last picture is there and, live, with --pause ms of looking between
  presses (the time a figure that works ahead, chapter 7's, has to train the next setting);
- the bytes sent to the browser from the click to the first live figure, and what they would be
  with every file gzipped (the test server gzips text only; .wasm, .zip and .whl go as they are).

Run:  python benchmarks/live_start.py [--page book/01_the_line] [--runs 3] [--moves 30] [--pause 500]
Medians over --runs cold and warm starts each. Needs the built book and Chromium (make book).
"""
import argparse
import gzip
import os
import pathlib
import statistics
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

LIVE = "() => ['live', 'failed'].includes(window.__live.state) && (window.__live.firstFigure || window.__live.error)"


def open_page(context, base, page_path, fonts):
    """A page of the site; refuses other hosts, and the font list when fonts is False."""
    page = context.new_page()

    def route(request_route):
        url = request_route.request.url
        if not url.startswith(base) or (not fonts and url.endswith("/fontlist.json")):
            return request_route.abort()
        return request_route.continue_()
    page.route("**/*", route)
    page.goto(f"{base}{page_path}.html", wait_until="networkidle")
    page.wait_for_function("() => document.documentElement.dataset.widgetsRendered === 'true'"
                           " && window.__knobPlayers && window.__knobPlayers.length > 0"
                           " && window.__knobPlayers.every(p => p.background)", timeout=60000)
    return page


def start_live(page, keep=False):
    """Click, wait for the first live figure (and, with keep, for the compiled modules to be
    kept for the next visit); returns (seconds to Python ready, to the first figure, {loading
    message: seconds from the click to its end}, seconds to the modules kept or None)."""
    page.get_by_role("button", name="Run this page live").click()
    page.wait_for_function(LIVE, timeout=300000)
    kept = None
    if keep:
        page.wait_for_function("() => window.__live.bytecodeKept", timeout=60000)
    live = page.evaluate("() => window.__live")
    if live.get("error"):
        raise SystemExit(f"the page could not run live: {live['error']}")
    if keep:
        kept = (live["bytecodeKept"] - live["clicked"]) / 1000
    ends = [stage["at"] for stage in live["stages"][1:]] + [live["ready"]]
    stages = {stage["text"]: (end - live["clicked"]) / 1000 for stage, end in zip(live["stages"], ends)}
    return (live["ready"] - live["clicked"]) / 1000, (live["firstFigure"] - live["clicked"]) / 1000, stages, kept


def gzipped_size(site, path):
    file = site / path.split("?", 1)[0].lstrip("/")
    return len(gzip.compress(file.read_bytes(), compresslevel=6)) if file.is_file() else 0


def one_start(browser, server, site, page_path, fonts):
    """A cold start in a fresh profile, then a warm one in the same profile: a dict of results."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = open_page(context, server.url, page_path, fonts)
        with server.recording() as sent:
            cold = start_live(page, keep=True)
        page.close()
        page = open_page(context, server.url, page_path, fonts)
        warm = start_live(page)
        page.close()
    finally:
        context.close()
    return {"cold": cold, "warm": warm, "sent": sum(s for _, _, s in sent),
            "gzipped": sum(gzipped_size(site, p) for p, _, _ in sent)}


def starts(browser, server, site, page_path, runs):
    """{True: [results with the font list], False: [without]}: the two settings take turns, so
    that a change in the machine's load falls on both alike."""
    results = {True: [], False: []}
    for _ in range(runs):
        for fonts in (True, False):
            results[fonts].append(one_start(browser, server, site, page_path, fonts))
    return results


SETTLED = """i => { const p = window.__knobPlayers[i];
    return p.source ? !p.sourceBusy && p.sourceShown === p.indexes().join(',')
                    : p.wanted === p.current() && p.frame === p.wanted; }"""


def key_moves(page, moves, pause=0):
    """Step the first slider of the first figure from its left end, one key press at a time,
    waiting for each picture and then ``pause`` ms; returns the ms from each press to its picture."""
    handle = page.locator(".knob-figure-box").nth(0).locator(".noUi-handle").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    handle.press("Home")
    page.wait_for_function(SETTLED, arg=0)
    page.evaluate("() => { window.__knobTimings.length = 0; }")
    for _ in range(moves):
        handle.press("ArrowRight")
        page.wait_for_function(SETTLED, arg=0)
        page.wait_for_timeout(pause)
    return [t["ms"] for t in page.evaluate("() => window.__knobTimings")]


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=str(ROOT / "_build" / "html"), help="the built book's html folder")
    parser.add_argument("--page", default="book/01_the_line", help="the chapter page, without .html")
    parser.add_argument("--runs", type=int, default=3, help="cold and warm starts per font-list setting")
    parser.add_argument("--moves", type=int, default=30, help="key presses per knob-move measurement")
    parser.add_argument("--pause", type=int, default=500, help="ms between a picture and the next press, live")
    args = parser.parse_args()
    site = pathlib.Path(args.site)
    from playwright.sync_api import sync_playwright
    with serve(site) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = starts(browser, server, site, args.page, args.runs)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        baked = key_moves(open_page(context, server.url, args.page, True), args.moves)
        page = open_page(context, server.url, args.page, True)
        start_live(page)
        live = key_moves(page, args.moves)
        page.close()
        page = open_page(context, server.url, args.page, True)    # afresh: nothing computed yet
        start_live(page)
        paced = key_moves(page, args.moves, args.pause)
        browser.close()

    def median(rows, key, column):
        return statistics.median(row[key][column] for row in rows)

    print(f"{args.page}, medians of {args.runs} runs (seconds from the click); "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end\n")
    print("| start | font list | Python ready | first live figure |")
    print("|---|---|---:|---:|")
    for fonts, name in ((True, "prebuilt"), (False, "built in the browser")):
        for key, start in (("cold", "cold (fresh profile)"), ("warm", "warm (browser cache)")):
            rows = results[fonts]
            print(f"| {start} | {name} | {median(rows, key, 0):.1f} s | {median(rows, key, 1):.1f} s |")
    print("\n| prebuilt font list: stage | cold: ends after | warm: ends after |")
    print("|---|---:|---:|")
    for text in results[True][0]["cold"][2]:
        cold, warm = (statistics.median(r[key][2].get(text, 0) for r in results[True]) for key in ("cold", "warm"))
        print(f"| {text} | {cold:.1f} s | {warm:.1f} s |")
    kept = statistics.median(r["cold"][3] for rows in results.values() for r in rows)
    print(f"\nThe first visit kept its compiled modules for the next {kept:.1f} s after the click (median).")
    print("\n| knob move, key press -> new picture | moves | p50 | p95 |")
    print("|---|---:|---:|---:|")
    for name, times in (("live (Python in the page), next press at once", live),
                        (f"live, next press {args.pause} ms after the picture", paced),
                        ("baked (stored frames), next press at once", baked)):
        print(f"| {name} | {len(times)} | {percentile(times, 0.5):.0f} ms | {percentile(times, 0.95):.0f} ms |")
    print("\n| bytes to the first live figure (cold, prebuilt font list) | MB |")
    print("|---|---:|")
    print(f"| sent by the test server (text gzipped) | {statistics.median(r['sent'] for r in results[True]) / 1e6:.1f} |")
    print(f"| the same files, every one gzipped | {statistics.median(r['gzipped'] for r in results[True]) / 1e6:.1f} |")

if __name__ == "__main__":
    main()
