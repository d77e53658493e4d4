"""Exercise cells on the published page: no stale verdict, and a note on how to check an answer.

Each chapter's exercise cells call a checker on the reader's answer (``exercises.check_...``). The
build runs them on the placeholder answers, and a static page cannot run them again, so
scripts/site_fixes.py drops their output and puts a note in its place. The notebooks mark those
cells with the tag ``exercise``; the first test keeps every checker cell tagged.
"""
import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, needs_chromium

CHAPTERS = sorted((ROOT / "book").glob("0*.ipynb"))
CHECKER_CALL = re.compile(r"\bexercises\.check_\w+\(")
TAG = "exercise"
# What a checker prints (nnlib.exercises.Feedback), as text and as its HTML box.
VERDICTS = ("Not yet", "Well done", "exercise-feedback")
SCREENSHOTS = ROOT / "_build" / "screenshots" / "exercise-notes"
SCREENS = {"laptop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOOKS = [("laptop", "light"), ("phone", "light"), ("phone", "dark")]


def exercise_cells(chapter):
    """[(index in the notebook, cell)] of the chapter's code cells that call a checker."""
    cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    return [(i, c) for i, c in enumerate(cells)
            if c["cell_type"] == "code" and CHECKER_CALL.search("".join(c["source"]))]


def tagged_cells(chapter):
    cells = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    return [i for i, c in enumerate(cells) if TAG in c["metadata"].get("tags", [])]


def page(built_html, chapter):
    return BeautifulSoup((built_html / "book" / f"{chapter.stem}.html").read_text(encoding="utf-8"),
                         "html.parser")


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_checker_cell_carries_the_exercise_tag(chapter):
    checkers = exercise_cells(chapter)
    assert checkers, f"{chapter.name} has no exercise cells"
    untagged = [i for i, cell in checkers if TAG not in cell["metadata"].get("tags", [])]
    assert not untagged, (f"{chapter.name}: cells {untagged} call a checker without the tag "
                          f"{TAG!r}; on the published page they would show the build's verdict")
    assert tagged_cells(chapter) == [i for i, _ in checkers], \
        f"{chapter.name}: only cells that call a checker carry the tag {TAG!r}"


def test_no_published_page_shows_a_checkers_verdict(built_html):
    pages = sorted(built_html.rglob("*.html"))
    assert len(pages) >= len(CHAPTERS)
    for path in pages:
        text = path.read_text(encoding="utf-8")
        shown = [verdict for verdict in VERDICTS if verdict in text]
        assert not shown, f"{path.relative_to(built_html)} shows {shown}"


def launch_menu(soup):
    """{'Binder': url, 'Colab': url} from the page's launch menu (the rocket)."""
    menu = soup.select_one("div.dropdown-launch-buttons")
    assert menu is not None, "the page has no launch menu"
    return {a.get_text(strip=True): a["href"] for a in menu.find_all("a", href=True)
            if a.get_text(strip=True) in ("Binder", "Colab")}


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_each_exercise_cell_holds_a_note_instead_of_its_output(built_html, chapter):
    soup = page(built_html, chapter)
    cells = soup.select("div.cell.tag_exercise")
    notes = soup.select("div.exercise-note")
    expected = tagged_cells(chapter)
    assert len(cells) == len(expected) and len(notes) == len(expected), \
        f"{chapter.stem}: {len(cells)} exercise cells and {len(notes)} notes on the page, {len(expected)} in the notebook"
    menu = launch_menu(soup)
    assert set(menu) == {"Binder", "Colab"}, menu
    for index, cell in zip(expected, cells):
        assert cell.select_one("div.cell_input"), f"{chapter.stem}: exercise cell {index} lost its code"
        assert not cell.select("div.cell_output"), f"{chapter.stem}: exercise cell {index} shows its output"
        note = cell.select("div.exercise-note")
        assert len(note) == 1, f"{chapter.stem}: exercise cell {index} has {len(note)} notes"
        note = note[0]
        assert note["data-cell"] == str(index)
        assert note.get("role") == "note"
        text = " ".join(note.get_text(" ", strip=True).split())
        assert "Check your answer live" in text and "Run this page live" in text and "make lab" in text, text
        links = {a.get_text(strip=True): a["href"] for a in note.find_all("a", href=True)}
        assert links == menu, f"{chapter.stem}: the note's links {links} are not the launch menu's {menu}"
        assert f"book/{chapter.stem}.ipynb" in links["Binder"] and links["Colab"].endswith(f"book/{chapter.name}")
        assert "<!--" not in str(note), "the launch links were never filled in"


@needs_chromium
@pytest.mark.parametrize("screen, scheme", LOOKS, ids=["-".join(look) for look in LOOKS])
def test_the_note_reads_as_a_note_on_laptop_and_phone(site_server, browser, screen, scheme):
    chapter = CHAPTERS[0]
    context = browser.new_context(viewport=SCREENS[screen], color_scheme=scheme)
    context.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort())
    try:
        view = context.new_page()
        view.goto(f"{site_server.url}book/{chapter.stem}.html")
        view.wait_for_load_state("load")
        note = view.locator("main div.exercise-note").first
        note.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        note.locator("xpath=..").screenshot(path=str(SCREENSHOTS / f"{chapter.stem}-{screen}-{scheme}.png"))
        found = note.evaluate("""(n) => {
            const s = getComputedStyle(n), page = getComputedStyle(document.body), r = n.getBoundingClientRect();
            const code = n.parentElement.querySelector('.cell_input').getBoundingClientRect();
            return {background: s.backgroundColor, page: page.backgroundColor,
                    edge: parseFloat(s.borderLeftWidth), left: r.left, right: r.right, width: r.width,
                    codeLeft: code.left, viewport: document.documentElement.clientWidth,
                    scrolls: document.documentElement.scrollWidth > document.documentElement.clientWidth,
                    links: [...n.querySelectorAll('a')].map((a) => a.getBoundingClientRect().right)};
        }""")
    finally:
        context.close()
    assert found["background"] not in ("rgba(0, 0, 0, 0)", "transparent", found["page"]), found
    assert found["edge"] >= 2, found
    assert found["left"] >= 0 and found["right"] <= found["viewport"] and not found["scrolls"], found
    assert abs(found["left"] - found["codeLeft"]) <= 2, "the note lines up with its cell's code"
    assert all(right <= found["right"] for right in found["links"]), "a link runs out of the note"
