"""The glossary, the index, the citations and the chapter frame (objectives, time, further reading).

The chapters are notebooks that must read right in JupyterLab and Colab as well as in the book, so
they link a term as ``[weights](glossary.md#term-weight)`` and a citation as
``[Rosenblatt (1958)](references.md#cite-rosenblatt1958)``: plain Markdown links, which
scripts/site_fixes.py turns into checked references in the book. The first tests read the sources;
the last ones read the built pages.
"""
import json
import re

import pytest

from conftest import HTML, ROOT

BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("0*.ipynb"))
PAGES = [BOOK / "intro.md", BOOK / "maths.md", BOOK / "notation.md"]
TERM_LINK = re.compile(r"\]\(glossary\.md#(term-[A-Za-z0-9-]+)\)")
CITE_LINK = re.compile(r"\]\(references\.md#cite-([a-z0-9]+)\)")
MATHS_LINK = re.compile(r"\]\(maths\.md#([a-z0-9-]+)\)")
TERM_ROLE = re.compile(r"\{term\}`([^`<]+?)(?:\s*<([^>]+)>)?`")
FENCE = re.compile(r"^(`{3,})\{(exercise|solution)\}.*?^\1\s*$", re.S | re.M)
# The people and results the chapters name, and the key each must be cited with.
NAMED = {"Rosenblatt": "rosenblatt1958", "Novikoff": "novikoff1962", "Minsky": "minsky1969",
         "universal approximation": "cybenko1989", "PyTorch": "paszke2019", "JAX": "bradbury2018",
         "LSTM": "hochreiter1997", "transformer": "vaswani2017", "UCI": "alpaydin1998"}


def term_id(term):
    """Sphinx's anchor for a glossary term: 'learning rate' -> 'term-learning-rate' (case kept)."""
    return "term-" + re.sub(r"[^A-Za-z0-9]+", "-", term).strip("-")


def glossary_terms():
    """{anchor id: definition} of book/glossary.md, read from its glossary directive."""
    text = (BOOK / "glossary.md").read_text()
    body = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    terms, current = {}, None
    for line in body.splitlines():
        if line and not line.startswith(" "):
            current = term_id(line.strip())
            assert current not in terms, f"glossary term {line!r} is defined twice"
            terms[current] = ""
        elif current:
            terms[current] += line.strip() + " "
    return terms


def markdown_cells(path):
    return ["".join(cell["source"]) for cell in json.loads(path.read_text())["cells"]
            if cell["cell_type"] == "markdown"]


def prose(text):
    """The text with exercise and solution blocks cut out."""
    return FENCE.sub("", text)


def all_sources():
    """[(name, text)] of every chapter's Markdown and every Markdown page."""
    found = [(p.name, "\n".join(markdown_cells(p))) for p in CHAPTERS]
    return found + [(p.name, p.read_text()) for p in PAGES]


def test_glossary_defines_terms_in_a_sentence():
    terms = glossary_terms()
    assert len(terms) >= 50, f"only {len(terms)} terms in the glossary"
    short = [t for t, d in terms.items() if len(d.split()) < 8]
    assert not short, f"definitions too short to explain anything: {short}"


def test_every_glossary_link_names_a_term():
    terms = glossary_terms()
    broken = [(name, t) for name, text in all_sources() for t in TERM_LINK.findall(text) if t not in terms]
    roles = [(name, term_id(target or text)) for name, text in all_sources()
             for text, target in TERM_ROLE.findall(text)]
    broken += [(name, t) for name, t in roles if t not in terms]
    assert not broken, f"links to terms the glossary does not define: {broken}"


def test_every_term_is_linked_from_where_the_book_introduces_it():
    linked = set()
    for name, text in all_sources():
        linked |= set(TERM_LINK.findall(text))
        linked |= {term_id(target or text) for text, target in TERM_ROLE.findall(text)}
    unlinked = sorted(set(glossary_terms()) - linked)
    assert not unlinked, f"glossary terms no page links to: {unlinked}"


def test_every_chapter_links_the_glossary_and_the_maths_page_only_to_real_anchors():
    slugs = {re.sub(r"[^a-z0-9 -]", "", line[3:].strip().lower()).replace(" ", "-")
             for line in (BOOK / "maths.md").read_text().splitlines() if line.startswith("## ")}
    for chapter in CHAPTERS:
        text = "\n".join(markdown_cells(chapter))
        assert len(TERM_LINK.findall(prose(text))) >= 4, f"{chapter.name} links few glossary terms"
        missing = set(MATHS_LINK.findall(text)) - slugs
        assert not missing, f"{chapter.name} links to no such section of maths.md: {missing}"


def test_notebooks_hold_no_myst_roles_that_jupyterlab_would_show_as_text():
    for chapter in CHAPTERS:
        for cell in markdown_cells(chapter):
            assert not re.search(r"\{(term|cite(:[a-z]+)?|index)\}`", prose(cell)), (
                f"{chapter.name}: a MyST role would show as literal text in JupyterLab and Colab: "
                f"{cell[:120]!r}")


def bib_keys():
    return set(re.findall(r"^@\w+\{(\w+),", (BOOK / "references.bib").read_text(), re.M))


def test_every_citation_is_in_the_bibliography():
    keys = bib_keys()
    cited = {(name, key) for name, text in all_sources() for key in CITE_LINK.findall(text)}
    assert cited and not {k for _, k in cited} - keys, f"unknown keys: {sorted(cited)}"


@pytest.mark.parametrize("name, key", sorted(NAMED.items()))
def test_people_and_results_the_text_names_are_cited(name, key):
    for chapter in CHAPTERS:
        for cell in markdown_cells(chapter):
            text = prose(cell)
            if name in text:
                assert key in CITE_LINK.findall(text), (
                    f"{chapter.name} names {name} but does not cite {key} in the same cell")
                return
    pytest.fail(f"no chapter names {name}")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_opens_with_objectives_and_time_and_ends_with_further_reading(chapter):
    cells = markdown_cells(chapter)
    opening, end = cells[0], cells[-1]
    assert "After this chapter you will be able to" in opening
    assert len(re.findall(r"^- ", opening, re.M)) >= 3, "fewer than three objectives"
    assert re.search(r"Time: about \d+ minutes", opening)
    reading = end.split("## Further reading", 1)
    assert len(reading) == 2, "the last cell has no Further reading section"
    assert CITE_LINK.search(reading[1]), "further reading cites nothing from the bibliography"


# ------------------------------------------------------------------ the built pages

def page(html, name):
    return (html / name).read_text()


def test_built_glossary_links_reach_term_anchors(built_html):
    glossary = page(built_html, "book/glossary.html")
    anchors = set(re.findall(r'id="(term-[^"]+)"', glossary))
    assert set(glossary_terms()) <= anchors
    for chapter in CHAPTERS:
        html = page(built_html, f"book/{chapter.stem}.html")
        targets = re.findall(r'href="glossary\.html#(term-[^"]+)"', html)
        assert targets, f"{chapter.stem}.html has no working glossary link"
        assert set(targets) <= anchors
        assert "glossary.md#" not in html, "a glossary link was left unresolved"


def test_built_citations_reach_bibliography_entries(built_html):
    references = page(built_html, "book/references.html")
    anchors = set(re.findall(r'id="cite-([^"]+)"', references))
    assert bib_keys() <= anchors
    for chapter in CHAPTERS:
        html = page(built_html, f"book/{chapter.stem}.html")
        assert set(re.findall(r'href="references\.html#cite-([^"]+)"', html)) <= anchors
        assert "references.md#" not in html


def test_index_has_entries_for_the_main_concepts(built_html):
    index = page(built_html, "genindex.html")
    for concept in ("backpropagation", "gradient descent", "loss", "softmax", "perceptron", "weight"):
        assert re.search(rf">\s*{concept}\s*<", index, re.I), f"the index has no entry {concept!r}"
