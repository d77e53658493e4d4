"""Print the built book as one PDF: `python scripts/print_pdf.py _build/html _build/pdf/turn-the-knobs.pdf`.

Why this route: the pages already render everything a reader sees (MathJax, the widget pictures at
their default knob values, the theme's CSS), offline, in the Chromium the browser tests use. So each
page of _toc.yml is opened in headless Chromium, once its widgets and maths have rendered its
article is copied into one print page (images made absolute, the page's styles kept), and Chromium
prints that page. LaTeX would need a large TeX installation and would not draw the widget figures;
Jupyter Book's own pdfhtml builder downloads a Chromium of its own, which cannot be had here.
"""
import functools
import http.server
import pathlib
import shutil
import sys
import threading

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Pages without widgets never render any: only those with a widget state wait for them.
WIDGETS_DONE_JS = """() => document.documentElement.dataset.widgetsRendered === 'true'
  || !document.querySelector('script[type="application/vnd.jupyter.widget-state+json"]')"""
ARTICLE_JS = r"""async () => {
  if (window.MathJax && MathJax.startup) await MathJax.startup.promise;
  const article = document.querySelector('main article') || document.querySelector('main');
  for (const img of article.querySelectorAll('img')) img.setAttribute('src', img.src);
  for (const a of article.querySelectorAll('a[href]')) a.setAttribute('href', a.href);
  return article.innerHTML;
}"""
# Styles are gathered from every page: MathJax adds the rules of each character a page uses to its
# stylesheet through the CSSOM, so a <style> is read from its rules, not its text.
STYLES_JS = r"""() => ({
  links: [...document.querySelectorAll('link[rel="stylesheet"]')].map((e) => e.href),
  rules: [...document.querySelectorAll('style')].flatMap((e) => [...e.sheet.cssRules].map((r) => r.cssText)),
})"""
PRINT_CSS = """
<style>
  @page { size: A4; margin: 16mm 14mm; }
  body { background: white; }
  .print-page { break-before: page; }
  .print-page:first-child { break-before: auto; }
  /* The figures print at their default knob values; the controls themselves cannot be used on paper. */
  .knob-figure-box .widget-slider, .knob-figure-box .widget-toggle-buttons,
  .headerlink, .copybtn, .toggle-button, .prev-next-area { display: none !important; }
  img, canvas, figure, table, mjx-container[display="true"] { break-inside: avoid; }
  img.knob-figure, .cell_output img { max-width: 100% !important; min-width: 0 !important; }
  h1, h2, h3 { break-after: avoid; }
</style>
"""


def toc_pages():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]
    for part in toc.get("parts", []):
        pages += [entry["file"] for entry in part.get("chapters", [])]
    return pages


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(html, out, keep=False):
    """Print the book built in ``html`` to the PDF ``out``; ``keep`` leaves print.html in place."""
    from playwright.sync_api import sync_playwright
    html, out = pathlib.Path(html).resolve(), pathlib.Path(out).resolve()
    if not (html / "index.html").exists():
        sys.exit(f"no built book in {html}: run `make book` first")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
        page = context.new_page()
        articles, links, rules = [], {}, {}
        for name in toc_pages():
            page.goto(base + name + ".html")
            page.wait_for_function(WIDGETS_DONE_JS, timeout=120_000)
            articles.append(f'<section class="print-page">{page.evaluate(ARTICLE_JS)}</section>')
            found = page.evaluate(STYLES_JS)
            links.update(dict.fromkeys(found["links"]))
            rules.update(dict.fromkeys(found["rules"]))
            print(f"  {name}", flush=True)
        styles = "".join(f'<link rel="stylesheet" href="{href}">' for href in links)
        styles += "<style>" + "\n".join(rules) + "</style>"
        book = (f'<!DOCTYPE html><html lang="en" data-theme="light"><head><meta charset="utf-8">'
                f"<title>Turn the Knobs</title>{styles}{PRINT_CSS}</head><body><main class=\"bd-main\">"
                f'<div class="bd-content"><div class="bd-article-container">{"".join(articles)}'
                f"</div></div></main></body></html>")
        (html / "print.html").write_text(book.replace(base, ""))   # print.html sits at the root
        page.goto(base + "print.html")
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), format="A4", print_background=True,
                 margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        browser.close()
    server.shutdown()
    if not keep:
        (html / "print.html").unlink()      # not part of the published site
    print(f"{out} ({out.stat().st_size / 2**20:.1f} MB, {len(articles)} pages of the book)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], keep="--keep-html" in sys.argv[3:])
