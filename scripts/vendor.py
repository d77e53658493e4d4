"""Put the browser files the book serves itself into _vendor/ (from node_modules/).

`npm ci` installs them at the exact versions of package-lock.json; this script
writes only what a page loads (no source maps) into _vendor/, which
_config.yml lists in `html_static_path`, so Sphinx copies it into
_build/html/_static/:

  widgets/embed.js, .css   the Jupyter widget manager, bundled and minified by
                           esbuild from scripts/widgets/embed.mjs (550 kB; the
                           standalone build of @jupyter-widgets/html-manager is
                           1.9 MB, its AMD build 3.6 MB plus require.js)
  mathjax/                 MathJax 3: startup.js and the components it loads
                           (TeX input, HTML output, assistive MathML), the
                           fonts and the TeX extensions it loads on demand
  scripts/fontawesome.js   a stub replacing the theme's 1.5 MB copy of Font
                           Awesome as SVG-in-JavaScript: the theme's CSS and web
                           fonts already draw every icon the pages use

The folder is deliberately not called `_static`: Jupyter Book 1 would add every
script under a `_static` folder to every page.

Usage: python scripts/vendor.py   (run by `make book`, `make test` and the
built_book test fixture; it rewrites _vendor/ from scratch in about a second).
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
OUT = ROOT / "_vendor"
MATHJAX = NODE / "mathjax" / "es5"
ESBUILD = NODE / ".bin" / "esbuild"
WIDGETS_ENTRY = ROOT / "scripts" / "widgets" / "embed.mjs"
NO_SANITIZE = ROOT / "scripts" / "widgets" / "no-sanitize.mjs"    # see the file

# MathJax components a page loads; _config.yml's mathjax3_config loads the same list.
MATHJAX_COMPONENTS = ["startup.js", "core.js", "input/tex.js", "output/chtml.js",
                      "output/chtml/fonts/tex.js", "a11y/assistive-mml.js"]
# A `//# sourceMappingURL=...` comment would point at a file we do not ship.
SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$")
FONTAWESOME_STUB = b"""\
/* Turn the Knobs: this file replaces the theme's scripts/fontawesome.js (1.5 MB of Font Awesome
   icons as SVG in JavaScript, there so that sites can add custom icons). The book adds none: the
   theme's stylesheet and its Font Awesome web fonts draw every icon. See scripts/vendor.py. */
"""


def copy_script(src, dst):
    """Copy a .js file without its source-map comment."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(SOURCE_MAP.sub(b"\n", src.read_bytes()))


def copy_tree(src, dst, pattern):
    dst.mkdir(parents=True, exist_ok=True)
    for path in sorted(src.glob(pattern)):
        if path.suffix == ".js":
            copy_script(path, dst / path.name)
        else:
            shutil.copy2(path, dst / path.name)


def version(package):
    return json.loads((NODE / package / "package.json").read_text())["version"]


def bundle_widgets():
    """esbuild: one minified script and one stylesheet, no source map, licences kept apart."""
    out = OUT / "widgets" / "embed.js"
    subprocess.run([str(ESBUILD), str(WIDGETS_ENTRY), "--bundle", "--minify", "--format=iife",
                    "--target=es2020", "--log-level=warning", "--legal-comments=external",
                    "--define:process.env.NODE_ENV=\"production\"", f"--alias:sanitize-html={NO_SANITIZE}",
                    f"--outfile={out}"],
                   check=True, cwd=ROOT)
    legal = out.with_suffix(".js.LEGAL.txt")
    if legal.exists():
        legal.rename(out.parent / "LICENSES.txt")
    for extra in sorted(out.parent.iterdir()):
        if extra.name not in {"embed.js", "embed.css", "LICENSES.txt"}:
            sys.exit(f"vendor.py: esbuild wrote an unexpected file {extra.name}: does the widget CSS load assets?")


def vendor_mathjax():
    for component in MATHJAX_COMPONENTS:
        copy_script(MATHJAX / component, OUT / "mathjax" / component)
    copy_tree(MATHJAX / "output" / "chtml" / "fonts" / "woff-v2",
              OUT / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2", "*.woff")
    copy_tree(MATHJAX / "input" / "tex" / "extensions",
              OUT / "mathjax" / "input" / "tex" / "extensions", "*.js")
    shutil.copy2(MATHJAX.parent / "LICENSE", OUT / "mathjax" / "LICENSE")


def size(path):
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main():
    if not ESBUILD.exists() or not (MATHJAX.parent / "package.json").exists():
        sys.exit("vendor.py: node_modules/ is missing esbuild or MathJax: run `npm ci` first")
    if OUT.exists():
        shutil.rmtree(OUT)
    bundle_widgets()
    vendor_mathjax()
    (OUT / "scripts").mkdir()
    (OUT / "scripts" / "fontawesome.js").write_bytes(FONTAWESOME_STUB)
    print(f"vendor.py: @jupyter-widgets/controls {version('@jupyter-widgets/controls')}, "
          f"mathjax {version('mathjax')} -> {OUT.relative_to(ROOT)}/ ({size(OUT) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
