"""The strict book build: zero warnings, and the knob figures survive into the HTML."""
import json
import re

import pytest

from conftest import HTML

WIDGET_STATE = re.compile(
    r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', re.S)


SPHINX_PROBLEM = re.compile(r"(WARNING|ERROR|CRITICAL):")


def widget_state(page):
    match = WIDGET_STATE.search((HTML / page).read_text())
    assert match, f"{page} has no widget state: the build lost the knobs"
    return json.loads(match.group(1))["state"]


def test_book_builds_without_warnings(built_book):
    code, log, _ = built_book
    warnings = [line for line in log.splitlines() if SPHINX_PROBLEM.search(line)]
    assert code == 0 and not warnings, "\n".join(warnings[:20]) or log[-3000:]


@pytest.mark.parametrize("page, labels", [("book/01_the_line.html", {"w (weight)", "b (bias)"})])
def test_knob_figures_are_in_the_page_at_their_defaults(built_book, page, labels):
    state = widget_state(page)
    models = [m["state"] for m in state.values()]
    pictures = [m for m in models if "data:image/png;base64," in str(m.get("value", ""))]
    assert pictures and all('alt="' in m["value"] for m in pictures)
    # the published page's sliders offer exactly the baked values (bake/page.py)
    sliders = {m["description"]: m for m in models if m.get("_model_name") == "SelectionSliderModel"}
    assert labels <= set(sliders)
    assert all(float(sliders[label]["_options_labels"][sliders[label]["index"]]) == 0.0 for label in labels)


def test_chapter_maths_and_solutions_are_in_the_page(built_book):
    page = (HTML / "book/01_the_line.html").read_text()
    assert "\\hat y = w\\,x + b" in page
    assert '<details class="solution">' in page and "Solution to exercise 1.1" in page
