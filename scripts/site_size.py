"""Print the size of the built site against its budget (the end of `make book`).

Usage: python scripts/site_size.py [_build/html]. Exits 1 when the site is over budget. The
weight of each page with everything it loads, as a reader's browser gets it, is measured by
tests/test_browser.py in Chromium and printed at the end of `make test`.
"""
import pathlib
import sys

# The whole site: the in-browser Python (pyodide/, 32 MB), the pages with their default frames
# (13 MB), the JupyterLite app (lite/, 12 MB) and the other frames, gzip-compressed (frames/,
# 7.5 MB) are most of it: 68 MB when measured, against a target of 80 MB.
BUDGET = 80 * 10**6     # bytes


def main(html=pathlib.Path("_build/html")):
    files = [p for p in html.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    pages = sorted((p for p in files if p.suffix == ".html"), key=lambda p: -p.stat().st_size)
    heaviest = ", ".join(f"{p.relative_to(html)} {p.stat().st_size / 1e6:.2f} MB" for p in pages[:3])
    verdict = "within" if total <= BUDGET else "OVER"
    print(f"Site size: {total / 1e6:.1f} MB in {len(files)} files, {verdict} the {BUDGET / 1e6:.0f} MB budget "
          f"(largest pages: {heaviest})")
    return 0 if total <= BUDGET else 1


if __name__ == "__main__":
    sys.exit(main(*map(pathlib.Path, sys.argv[1:])))
