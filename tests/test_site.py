"""The published site as files: self-contained, within budget, links resolving, figures
described, knob figures saved at their defaults, launch buttons, and the environments that run
the chapters elsewhere (Binder: requirements.txt alone; Colab: the install cell).
"""
import base64
import functools
import html
import html.parser
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import numpy as np
import pytest
from PIL import Image

from conftest import HTML, ROOT, book_config, toc_pages

from scripts.site_size import BUDGET as SITE_BUDGET   # bytes, all of _build/html: one number

PAGES = toc_pages()
NOTEBOOK_PAGES = [page for page in PAGES if (ROOT / f"{page}.ipynb").exists()]
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//)", re.I)
WIDGET_STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)
WIDGET_VIEW = re.compile(
    r'<script type="application/vnd.jupyter.widget-view\+json">(.*?)</script>', re.S)
KNOB_PICTURE = re.compile(r'<img src="data:image/(?:png|webp);base64,([^"]+)" alt="([^"]*)"')
INSTALL_URL = re.compile(r'"nnlib @ git\+([^"]+)"')


class Page(html.parser.HTMLParser):
    """Every id, every (tag, attribute, value) that points somewhere, and the article's images."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.refs, self.images = set(), [], []
        self.depth = {"article": 0, "figure": 0}
        self.figures, self.captioned = 0, set()     # figures seen; those with a caption

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key) and (key == "id" or tag == "a"):
                self.ids.add(attrs[key])
        for key in ("href", "src", "srcset", "data", "poster"):
            if attrs.get(key):
                self.refs.append((tag, key, attrs[key], attrs.get("rel") or ""))
        if tag in self.depth:
            self.depth[tag] += 1
        if tag == "figure":
            self.figures += 1
        if tag == "figcaption" and self.depth["figure"]:
            self.captioned.add(self.figures)
        if tag == "img" and self.depth["article"]:
            figure = self.figures if self.depth["figure"] else None
            self.images.append((attrs.get("alt") or "", attrs.get("src", ""), figure))

    def handle_endtag(self, tag):
        if tag in self.depth and self.depth[tag]:
            self.depth[tag] -= 1


@functools.lru_cache(maxsize=None)
def parsed(path):
    page = Page()
    page.feed(pathlib.Path(path).read_text(encoding="utf-8"))
    return page


def html_files(html):
    return sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="module")
def site(built_html):
    return built_html


# ------------------------------------------------------------------ self-contained, budget

def test_site_is_within_its_size_budget(site):
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert size <= SITE_BUDGET, f"_build/html is {size / 1e6:.1f} MB (budget {SITE_BUDGET / 1e6:.0f} MB)"


RESOURCE_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest"}


def test_pages_load_nothing_from_other_hosts(site):
    offenders = []
    for path in html_files(site):
        for tag, key, value, rel in parsed(path).refs:
            loads = tag != "a" and (tag != "link" or set(rel.split()) & RESOURCE_RELS)
            if loads and re.match(r"^(https?:)?//", value, re.I):
                offenders.append(f"{path.relative_to(site)}: <{tag} {key}={value}>")
    css_remote = re.compile(r"(url\(\s*['\"]?|@import\s+['\"])(https?:)?//", re.I)
    for css in site.rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        if css_remote.search(text):
            offenders.append(f"{css.relative_to(site)} loads from another host")
    assert not offenders, "\n".join(offenders[:20])


def test_vendored_browser_files_are_pinned_and_trimmed(site):
    package = json.loads((ROOT / "package.json").read_text())
    lock = json.loads((ROOT / "package-lock.json").read_text())
    for name, version in {**package["dependencies"], **package["devDependencies"]}.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned exactly: {version}"
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name
    assert not (ROOT / "_static").exists() and not (ROOT / "book" / "_static").exists(), \
        "a folder named _static makes Jupyter Book add all its scripts to every page"
    for folder in ("widgets", "mathjax"):
        files = [p for p in (site / "_static" / folder).rglob("*") if p.is_file()]
        assert files, f"_static/{folder} is missing"
        assert not [p for p in files if p.suffix == ".map"], f"source maps in _static/{folder}"
        assert not [p for p in files if p.suffix in {".js", ".css"} and b"sourceMappingURL" in p.read_bytes()]
    maps = [str(p.relative_to(site)) for p in site.rglob("*.map")]
    assert not maps, f"source maps in the site, which no page loads: {maps[:5]}"
    assert (site / "_static" / "scripts" / "fontawesome.js").stat().st_size < 1000, \
        "the theme's 1.5 MB fontawesome.js was not replaced by scripts/vendor.py's stub"


# ------------------------------------------------------------------ links

def test_internal_links_and_cross_references_resolve(site):
    broken = []
    for path in html_files(site):
        page = parsed(path)
        for tag, key, value, _ in page.refs:
            if key == "srcset" or EXTERNAL.match(value) or value.startswith("data:"):
                continue
            parts = urllib.parse.urlsplit(value)
            target = path if not parts.path else (path.parent / urllib.parse.unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {value} (no such file)")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in parsed(target).ids:
                broken.append(f"{path.relative_to(site)}: {value} (no such anchor)")
        text = path.read_text(encoding="utf-8")
        for unresolved in re.findall(r'class="xref (?:std|myst)[^"]*"[^>]*>([^<]*)', text):
            broken.append(f"{path.relative_to(site)}: unresolved cross-reference {unresolved!r}")
        if "???" in re.sub(r"<script.*?</script>|<pre.*?</pre>", "", text, flags=re.S):
            broken.append(f"{path.relative_to(site)}: an unresolved numbered reference (???)")
    assert not broken, "\n".join(broken[:30])


# ------------------------------------------------------------------ figures

def saved_widgets(page):
    """(models by id, model ids of the displayed views) of a page's saved widget state."""
    text = (HTML / f"{page}.html").read_text(encoding="utf-8")
    state = WIDGET_STATE.search(text)
    models = json.loads(state.group(1))["state"] if state else {}
    return models, [json.loads(view)["model_id"] for view in WIDGET_VIEW.findall(text)]


def control_value(state):
    """A slider's number (the published page's selection sliders show it as their label), or
    the label of the chosen option of toggle buttons."""
    if "value" in state:
        return state["value"]
    label = state["_options_labels"][state["index"]]
    return float(label) if state.get("_model_name") == "SelectionSliderModel" else label


def knob_boxes(page):
    """[(picture base64, alt, {slider label: value})] for each knob figure a page displays."""
    models, shown = saved_widgets(page)
    boxes = []
    for model_id in shown:
        box = models.get(model_id, {}).get("state", {})
        if "knob-figure-box" not in box.get("_dom_classes", []):
            continue
        children = [models[ref.removeprefix("IPY_MODEL_")]["state"] for ref in box["children"]]
        picture = KNOB_PICTURE.search(children[0].get("value", ""))
        values = {c["description"]: control_value(c) for c in children[1:] if c.get("description")}
        alt = html.unescape(picture.group(2)) if picture else ""
        boxes.append((picture.group(1) if picture else None, alt, values))
    return boxes


def pixels(data):
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


@functools.lru_cache(maxsize=None)
def figures_by_alt():
    """{alt text: (function name, factory)} for every registered knob-figure factory."""
    from knob_registry import factories
    return {factory().alt: (name.split(".")[-1], factory) for name, factory in factories()}


def code_of(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_widget_state_is_saved_with_every_view(site, page):
    models, shown = saved_widgets(page)
    assert all(model_id in models for model_id in shown), f"{page}: widget views without saved state"
    from knob_registry import factories
    code = code_of(ROOT / f"{page}.ipynb")
    calls = [name for name, _ in factories() if re.search(rf"\b{re.escape(name.split('.')[-1])}\(\)", code)]
    if calls:
        assert knob_boxes(page), f"{page} shows {calls} but its page has no knob figure: the build lost the widget state"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_knob_figures_are_saved_with_their_sliders_and_picture(site, page):
    """Each knob figure is saved at its default values (unless the chapter shows it turned on
    purpose, `factory().set(...)`, as in a worked solution), and its picture is the figure
    drawn at the values its sliders show."""
    known, code = figures_by_alt(), code_of(ROOT / f"{page}.ipynb")
    for picture, alt, values in knob_boxes(page):
        assert picture and len(alt) > 20, f"{page}: a knob figure without its picture or alt text"
        if alt not in known:
            continue            # a figure made in the notebook itself: no registered defaults
        function, factory = known[alt]
        figure = factory()
        names = {knob.label: knob.name for knob in figure.knobs.values()}
        assert set(values) == set(names), f"{page}: {alt[:40]}... has sliders {sorted(values)}"
        defaults = {knob.label: knob.default for knob in figure.knobs.values()}
        if values != defaults:
            assert re.search(rf"\b{function}\([^)]*\)\.set\(", code), \
                f"{page}: {function}() is saved at {values}, not at its defaults {defaults}"
        figure.set(**{names[label]: value for label, value in values.items()})
        assert np.array_equal(pixels(base64.b64decode(picture)), pixels(figure.png)), \
            f"{page}: the saved picture of {function}() is not the figure at {values}"


# An image path as alt text (myst-nb's default for a plot) says nothing about the picture.
MEANINGLESS_ALT = re.compile(r"(^|/)_images/|\.(png|jpe?g|svg|gif)$", re.I)


@pytest.mark.parametrize("page", PAGES)
def test_every_figure_says_what_it_shows(site, page):
    article = parsed(HTML / f"{page}.html")
    silent = [src for alt, src, figure in article.images
              if (len(alt.strip()) < 15 or MEANINGLESS_ALT.search(alt.strip()))
              and figure not in article.captioned]
    assert not silent, (f"{page}: images with no alt text or caption saying what they show "
                        f"(give the cell `mystnb: image: alt:` or `figure: caption:`): {silent}")


def test_figures_have_opaque_backgrounds(site):
    """Transparent pixels would show the dark theme through a figure."""
    pictures = [(p.name, p.read_bytes()) for p in (site / "_images").glob("*.png")]
    for page in NOTEBOOK_PAGES:
        pictures += [(page, base64.b64decode(b64)) for b64, _, _ in knob_boxes(page) if b64]
    see_through = []
    for name, data in pictures:
        with Image.open(io.BytesIO(data)) as image:
            if "A" in image.getbands() and image.getchannel("A").getextrema()[0] < 255:
                see_through.append(name)
    assert not see_through, f"figures with transparent pixels: {see_through}"


# ------------------------------------------------------------------ launch buttons, install cell

def repository():
    config = book_config()
    url = config["repository"]["url"].rstrip("/")
    org, repo = urllib.parse.urlsplit(url).path.strip("/").split("/")[:2]
    return config, url, org, repo


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_chapter_pages_have_binder_colab_and_live_buttons(site, page):
    config, _, org, repo = repository()
    branch = config["repository"].get("branch", "main")
    book = config["repository"].get("path_to_book", "")
    buttons = config["launch_buttons"]
    text = (site / f"{page}.html").read_text(encoding="utf-8")
    binder = (f'{buttons["binderhub_url"].rstrip("/")}/v2/gh/{org}/{repo}/{branch}'
              f'?urlpath=lab/tree/{book}{page}.ipynb')
    colab = f'{buttons["colab_url"].rstrip("/")}/github/{org}/{repo}/blob/{branch}/{book}{page}.ipynb'
    assert f'href="{binder}"' in text, f"{page}: no Binder button opening JupyterLab at {binder}"
    assert f'href="{colab}"' in text, f"{page}: no Colab button at {colab}"
    # no Thebe "Live Code" entry (it loaded Thebe from a CDN, then needed Binder): the page runs
    # itself live from the site's own files (assets/live.js, tests/test_live_browser.py)
    assert "btn-launch-thebe" not in text, f"{page}: the Thebe Live Code button is back"
    # ... nor what sphinx-thebe adds for it (site_fixes.py, 8.)
    for piece in ("sphinx-thebe", "THEBE_JS_URL", "x-thebe-config"):
        assert piece not in text, f"{page}: {piece} is on the page, with thebe off"
    assert not list((site / "_static").glob("sphinx-thebe*"))
    assert "_static/live.js" in text, f"{page}: no live.js, so no 'Run this page live' button"


def test_every_notebook_installs_nnlib_from_the_configured_repository():
    _, url, _, _ = repository()
    for notebook in sorted((ROOT / "book").glob("*.ipynb")):
        first = next(c for c in json.loads(notebook.read_text())["cells"] if c["cell_type"] == "code")
        source = "".join(first["source"])
        assert "remove-cell" in first["metadata"].get("tags", []), \
            f"{notebook.name}: the first code cell must be the hidden Colab install cell"
        assert 'find_spec("nnlib") is None' in source, f"{notebook.name}: the install cell must skip installed nnlib"
        found = INSTALL_URL.findall(source)
        assert found == [url], f"{notebook.name} installs nnlib from {found}, _config.yml says {url}"


# ------------------------------------------------------------------ Binder and Colab environments

def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_binder_and_colab_environments_run_the_chapters():
    """What Binder does: a fresh environment from requirements.txt alone, then every chapter.
    Then what Colab does: nnlib absent, the first cell installs it, the chapter runs."""
    runtime = (ROOT / "runtime.txt").read_text().strip()
    assert runtime == "python-%d.%d" % sys.version_info[:2], f"runtime.txt says {runtime}"
    chapters = [str(ROOT / f"{page}.ipynb") for page in NOTEBOOK_PAGES]
    with tempfile.TemporaryDirectory(prefix="binder-") as tmp:
        env_dir = pathlib.Path(tmp) / "env"
        python, bin_dir = env_dir / "bin" / "python", env_dir / "bin"
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
        env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        run([sys.executable, "-m", "venv", str(env_dir)], timeout=300)
        # pip's own cache makes this quick after the first time.
        run([str(python), "-m", "pip", "install", "-q", "-r", "requirements.txt"], cwd=ROOT, env=env, timeout=1200)
        run([str(bin_dir / "jupyter-execute"), "--timeout=600", *chapters],
            cwd=ROOT / "book", env=env, timeout=1800)

        # Colab: no nnlib; the install cell fetches it from the repository (here: a copy of
        # this checkout's package, so that building it leaves nothing behind in the checkout).
        run([str(python), "-m", "pip", "uninstall", "-q", "-y", "nnlib"], env=env, timeout=300)
        source = pathlib.Path(tmp) / "nnlib-source"
        shutil.copytree(ROOT / "nnlib", source / "nnlib", ignore=shutil.ignore_patterns("__pycache__"))
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, source / name)
        _, url, _, _ = repository()
        notebook = json.loads(pathlib.Path(chapters[0]).read_text())
        install = next(c for c in notebook["cells"] if c["cell_type"] == "code")
        install["source"] = "".join(install["source"]).replace(f"git+{url}", source.as_uri())
        assert source.as_uri() in install["source"]
        colab = pathlib.Path(tmp) / "colab"
        colab.mkdir()
        (colab / "chapter.ipynb").write_text(json.dumps(notebook))
        run([str(bin_dir / "jupyter-execute"), "--timeout=600", "chapter.ipynb"], cwd=colab, env=env, timeout=1200)
        check = run([str(python), "-c", "import nnlib, os; print(os.path.dirname(nnlib.__file__))"],
                    cwd=colab, env=env, timeout=60)
        assert str(env_dir) in check.stdout, "nnlib was not installed by the notebook's first cell"


# ------------------------------------------------------------------ a failing cell fails the build

@pytest.mark.slow
def test_a_failing_cell_fails_the_build():
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "_build", ".pytest_cache",
                                    ".hypothesis", "__pycache__", "*.egg-info")
    with tempfile.TemporaryDirectory(prefix="broken-book-") as tmp:
        copy = pathlib.Path(tmp) / "book"
        shutil.copytree(ROOT, copy, ignore=ignore)
        chapter = NOTEBOOK_PAGES[0]
        (copy / "_toc.yml").write_text(
            f"format: jb-book\nroot: {PAGES[0]}\nchapters:\n  - file: {chapter}\n")
        notebook = json.loads((copy / f"{chapter}.ipynb").read_text())
        notebook["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {},
                                  "outputs": [], "source": ["raise RuntimeError('broken on purpose')"]})
        (copy / f"{chapter}.ipynb").write_text(json.dumps(notebook))
        jupyter_book = pathlib.Path(sys.executable).parent / "jupyter-book"
        done = subprocess.run([str(jupyter_book), "build", str(copy), "-W", "-n", "--keep-going"],
                              capture_output=True, text=True, cwd=copy, timeout=900)
        log = done.stdout + done.stderr
        assert done.returncode != 0, "a notebook with a failing cell built without error"
        assert "broken on purpose" in log, log[-2000:]
