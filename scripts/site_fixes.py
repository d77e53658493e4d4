"""Small Sphinx fixes for the published book (a local extension named in _config.yml).

1. With Sphinx 7.4, the inline scripts that extensions add once per build (sphinx-thebe's
   ``const THEBE_JS_URL = ...``, sphinx-togglebutton's selector) are written into every page
   twice: once with the file name None, once with ''. Declaring a ``const`` twice is a
   SyntaxError, which the browser reports on every page. Each script is kept once.

2. myst-nb writes the toggle of a hidden cell (tags hide-cell, hide-input, hide-output) as
   ``<summary aria-label="Toggle hidden content">`` around the visible words "Show code cell
   content". A screen reader then announces a name that is not the text on screen, which
   axe-core reports as serious (label-content-name-mismatch). The same toggle is written here
   without that aria-label, so its name is the visible text.

3. Sphinx copies static files only when it writes some page. After a change to a static file
   alone (say scripts/vendor.py rebuilt _vendor/widgets/embed.js), an incremental build found
   nothing out of date and left the old copy in _build/html. The root page is now re-read when
   any file of html_static_path is newer than the last build, so that the copy happens.

4. The theme ships source maps (3.4 MB of .map files) that no page loads (a browser fetches
   one only while its developer tools are open). They are deleted from the built site after
   each build.

5. The chapters are notebooks that must read right in JupyterLab and Colab too, where a MyST
   role such as {term}`weight` shows as literal text. So they link terms and citations with
   ordinary Markdown links, ``[weights](glossary.md#term-weight)`` and
   ``[Rosenblatt (1958)](references.md#cite-rosenblatt1958)``. MyST resolves a link to a file
   with a fragment only against heading anchors and would warn; here, before MyST resolves it,
   such a link becomes a reference to the glossary term (Sphinx's own id ``term-<name>``) or to
   the bibliography entry (id ``cite-<key>``, bibtex_cite_id in _config.yml). A fragment that
   names no term or no entry is a warning, so the strict build fails on a broken link.

6. An exercise cell (a code cell tagged ``exercise``, which calls a checker on the reader's answer)
   ran at build time on the placeholder answer, so the page would show its stale verdict ("Not
   yet: replace None ...") that nobody can act on: a static page runs no code. Its output is
   dropped from the page, and in its place stands a note, ``<div class="exercise-note">``, that
   says how to check an answer from here: the chapter's own Binder and Colab links (the same
   addresses as the launch menu at the top of the page, filled in once the theme has made them),
   or ``make lab`` on the reader's computer. A live mode that runs cells in the page can find each
   cell's note by that class and its ``data-cell`` (the cell's index in the notebook) and show the
   checker's feedback there instead. JupyterLab and Colab read the notebook itself, where the tag
   changes nothing: the check prints its feedback as before.

7. Every notebook page's launch menu (the rocket) gains "JupyterLite (in your browser)": a link,
   relative to the page, to the same notebook in the site's own JupyterLite (lite/, which
   scripts/build_lite.py builds from every notebook of book/). It opens in the Notebook app and
   runs on the site's Pyodide, so the reader needs no other host. The exercise notes name it too.

8. Jupyter Book always loads sphinx-thebe, which adds to every page its stylesheet, two scripts
   (one names Thebe's address on a CDN) and a <script type="text/x-thebe-config"> block, even
   with the Live Code button off (``launch_buttons: thebe: false``: assets/live.js runs the page
   instead). They are left out of the pages, and its two files out of the site.
"""
import pathlib
import posixpath
import re
from html import escape

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.nodes import make_refnode

logger = logging.getLogger(__name__)
GLOSSARY, REFERENCES = "book/glossary", "book/references"
EXERCISE_TAG = "exercise"
LAUNCH_LINKS = "<!-- exercise-note: launch links -->"   # filled in per page, see launch_links
LITE_LABEL = "JupyterLite (in your browser)"
LITE_NOTEBOOK = "lite/notebooks/index.html?path={name}"   # from the site's root; see 7.
EXERCISE_NOTE = (
    '<div class="exercise-note" role="note" data-cell="{cell}">\n'
    '<p><strong class="exercise-note-title">Check your answer live.</strong> Press <strong>Run this '
    "page live</strong> under the chapter's title: Python then runs in this page, and this cell "
    f"becomes a box for your answer. Or open the chapter {LAUNCH_LINKS} or on your own computer "
    "with <code>make lab</code>, then write your answer in this cell and run it.</p>\n"
    "</div>\n")


def _key(script):
    attributes = getattr(script, "attributes", {}) or {}
    return getattr(script, "filename", script) or None, tuple(sorted(attributes.items()))


def drop_repeated_scripts(app, pagename, templatename, context, doctree):
    """Keep the first of scripts with the same file and attributes (inline: the same body)."""
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        if _key(script) not in seen:
            seen.add(_key(script))
            unique.append(script)
    # A new list: the builder restores its own list after every page.
    context["script_files"] = unique


THEBE_CONFIG = re.compile(r'\s*<script type="text/x-thebe-config">.*?</script>', re.DOTALL)
THEBE_FILES = ("sphinx-thebe.css", "sphinx-thebe.js")


def _is_thebe(asset):
    name = posixpath.basename(str(getattr(asset, "filename", asset) or ""))
    body = (getattr(asset, "attributes", {}) or {}).get("body", "")
    return name in THEBE_FILES or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    """sphinx-thebe's stylesheet, scripts and configuration block, out of the page."""
    for key in ("script_files", "css_files"):
        if context.get(key):
            context[key] = [asset for asset in context[key] if not _is_thebe(asset)]
    if "body" in context:
        context["body"] = THEBE_CONFIG.sub("", context["body"])


def visit_hidden_cell(self, node):
    """myst-nb's visit_HideCellInput (myst-nb 1.4), minus the summary's aria-label."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def newer_static_files(app, env, added, changed, removed):
    """[the root page] if a file of html_static_path changed since the last build, else []."""
    stamp = pathlib.Path(app.outdir) / ".buildinfo"
    if not stamp.exists():
        return []
    built = stamp.stat().st_mtime
    for folder in app.config.html_static_path:
        folder = pathlib.Path(app.confdir, folder)
        if any(p.stat().st_mtime > built for p in folder.rglob("*") if p.is_file()):
            return [app.config.root_doc]
    return []


def drop_unused_files(app, exception):
    """Delete the .map files under _static/ (4.) and sphinx-thebe's files (8.)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in (pathlib.Path(app.outdir) / "_static").rglob("*.map"):
        path.unlink()
    for name in THEBE_FILES:                  # no page loads them (8.)
        (pathlib.Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def _glossary_ids(env):
    """{anchor id: term} of every term defined on the glossary page."""
    terms = env.get_domain("std").objects
    return {labelid: name for (kind, name), (docname, labelid) in terms.items()
            if kind == "term" and docname == GLOSSARY}


def _citation_ids(env):
    """{anchor id: key} of every entry of the bibliography files."""
    domain = env.get_domain("cite")
    ids = {}
    for entry in domain.get_entries(list(domain.bibdata.bibfiles)):
        ids[nodes.make_id(env.app.config.bibtex_cite_id.format(key=entry.key, bibliography_count=1))] = entry.key
    return ids


class GlossaryAndCitationLinks(SphinxPostTransform):
    """Markdown links to glossary.md#term-x and references.md#cite-key -> checked references."""

    default_priority = 8          # before MyST's resolver (9), which would warn about the fragment

    def run(self, **kwargs):
        ids = {GLOSSARY: None, REFERENCES: None}       # looked up once per page, when first needed
        for node in list(self.document.findall(nodes.Element)):
            if not (node.tagname == "pending_xref" and node.get("refdomain") == "doc"
                    and node.get("reftype") == "myst" and node.get("reftargetid")):
                continue
            target, fragment = node["reftarget"], node["reftargetid"]
            if target not in ids:
                continue
            if ids[target] is None:
                ids[target] = (_glossary_ids if target == GLOSSARY else _citation_ids)(self.env)
            known = ids[target]
            kind, classes = (("glossary term", ["std", "std-term"]) if target == GLOSSARY
                             else ("bibliography entry", ["cite"]))
            if fragment not in known:
                logger.warning(f"link to {target}#{fragment}: no {kind} has that anchor "
                               f"(known: {', '.join(sorted(known)[:8])}, ...)", location=node)
                continue
            inner = nodes.inline("", "", *[child.deepcopy() for child in node.children[0].children],
                                 classes=classes)   # as MyST marks a resolved link
            reference = make_refnode(self.app.builder, self.env.docname, target, fragment, inner,
                                     title=known[fragment])
            node.replace_self(reference)


def _is_exercise_cell(node):
    return (node.get("nb_element") == "cell_code"
            and EXERCISE_TAG in (node.get("cell_metadata") or {}).get("tags", []))


class ExerciseNotes(SphinxPostTransform):
    """An exercise cell keeps its code; its build-time output gives way to a note (see 6.)."""

    default_priority = 198        # before myst-nb wraps hidden cells (199)
    formats = ("html",)

    def run(self, **kwargs):
        for cell in list(self.document.findall(nodes.container)):
            if not _is_exercise_cell(cell):
                continue
            for child in list(cell.children):
                if child.get("nb_element") == "cell_code_output":
                    cell.remove(child)
            cell += nodes.raw("", EXERCISE_NOTE.format(cell=cell.get("cell_index", "")), format="html")


def _launch_urls(context):
    """{'Binder': url, 'Colab': url} of the page's launch menu (sphinx-book-theme's header buttons)."""
    urls = {}
    for button in context.get("header_buttons") or []:
        if button.get("label") == "launch-buttons":
            urls.update({b["text"]: b["url"] for b in button.get("buttons", []) if b.get("url")})
    return urls


def lite_url(pagename):
    """The page's notebook in the site's JupyterLite, relative to the page (book/02_x -> ../lite/...)."""
    root = "../" * pagename.count("/")
    return root + LITE_NOTEBOOK.format(name=posixpath.basename(pagename) + ".ipynb")


def add_lite_launch(app, pagename, templatename, context, doctree):
    """Put the JupyterLite entry into a notebook page's launch menu, after the links (see 7.)."""
    if context.get("page_source_suffix") != ".ipynb":
        return
    for button in context.get("header_buttons") or []:
        if button.get("label") == "launch-buttons":
            entries = button["buttons"]
            links = sum(1 for entry in entries if entry.get("type") == "link")
            entries.insert(links, {"type": "link", "text": LITE_LABEL, "url": lite_url(pagename),
                                   "tooltip": "Open this chapter as a notebook that runs in your browser",
                                   "icon": "_static/images/logo_jupyterlite.svg"})


def launch_links(app, pagename, templatename, context, doctree):
    """Fill the exercise notes of a page with the links of its launch menu."""
    body = context.get("body", "")
    if LAUNCH_LINKS not in body:
        return
    urls = _launch_urls(context)
    links = [f'<a class="reference external" href="{escape(urls[name])}">{name}</a>'
             for name in ("Binder", "Colab") if name in urls]
    menu = "the launch menu, the rocket at the top of the page"
    if links and LITE_LABEL in urls:
        words = f"in your browser with JupyterLite, in {' or '.join(links)} (all of them also in {menu})"
    elif links:
        words = f"in {' or '.join(links)} (both also in {menu})"
    else:
        words = f"from {menu}"
    context["body"] = body.replace(LAUNCH_LINKS, words)


def setup(app):
    app.add_post_transform(GlossaryAndCitationLinks)
    app.add_post_transform(ExerciseNotes)
    app.connect("html-page-context", add_lite_launch, priority=550)   # after the theme's launch menu (501)
    app.connect("html-page-context", launch_links, priority=600)
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

    app.connect("html-page-context", drop_repeated_scripts, priority=900)
    app.connect("html-page-context", drop_thebe, priority=900)
    app.connect("env-get-outdated", newer_static_files)
    app.connect("build-finished", drop_unused_files)
    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_cell, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
