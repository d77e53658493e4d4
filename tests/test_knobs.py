"""Drive every knob of every figure at its minimum, default, maximum and random values."""
import ast
import html
import importlib
import inspect
import io
import json
import pathlib

import ipywidgets as widgets
import numpy as np
import pytest
from PIL import Image

from nnlib.knobs import Choice, KnobFigure, Slider, apply_frame
from nnlib.picture_stack import AHEAD, data_url, order_ahead
from knob_registry import factories

FACTORIES = factories()
IDS = [name for name, _ in FACTORIES]


def settings(knob, rng):
    """The values a test turns a knob to."""
    if isinstance(knob, Choice):
        return list(knob.options)
    grid = knob.grid()
    return [knob.min, knob.default, knob.max, grid[rng.integers(len(grid))]]


def as_image(png):
    return np.asarray(Image.open(io.BytesIO(png)))


CHAPTERS = sorted((pathlib.Path(__file__).resolve().parents[1] / "book").glob("0*.ipynb"))


def knob_figures_called(notebook):
    """{"module.factory", ...}: the nnlib.figures factories a notebook's code calls.

    Read from the code cells with ast: `from nnlib.figures import loss as figures`
    followed by `figures.be_the_optimizer()` counts as "loss.be_the_optimizer".
    """
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join(line for cell in cells if cell["cell_type"] == "code"
                     for line in "".join(cell["source"]).splitlines()
                     if not line.lstrip().startswith(("%", "!")))      # IPython magics
    tree = ast.parse(code, filename=notebook.name)
    modules = {alias.asname or alias.name: alias.name
               for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and node.module == "nnlib.figures" for alias in node.names}
    return {f"{modules[node.func.value.id]}.{node.func.attr}"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id in modules}


def test_every_chapter_has_figures():
    """Both ways: every chapter shows knob figures, each one registered (a factory in some
    nnlib.figures module's __all__, so that every test here drives it), and every
    registered figure is shown in some chapter."""
    assert len(CHAPTERS) >= 8, f"expected the chapter notebooks in book/, found {CHAPTERS}"
    registered = set(IDS)
    shown = set()
    for notebook in CHAPTERS:
        called = knob_figures_called(notebook)
        figures = {name for name in called if name in registered}
        assert figures, f"{notebook.name} shows no registered knob figure (it calls {sorted(called)})"
        for name in called - registered:   # a helper, e.g. training.draw_digits: not a knob figure
            module, attr = name.split(".")
            factory = getattr(importlib.import_module(f"nnlib.figures.{module}"), attr, None)
            assert factory is not None, f"{notebook.name} calls {name}, which nnlib.figures lacks"
            assert not _is_knob_factory(factory), (
                f"{notebook.name} shows {name}, a knob figure missing from {module}.__all__")
        shown |= figures
    assert not registered - shown, f"registered but in no chapter: {sorted(registered - shown)}"


def _is_knob_factory(function):
    """True if calling function() with no arguments gives a KnobFigure."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False
    if any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
           for p in signature.parameters.values()):
        return False
    return "KnobFigure" in str(signature.return_annotation) or _returns_knob_figure(function)


def _returns_knob_figure(function):
    try:
        return isinstance(function(), KnobFigure)
    except Exception:   # a helper that needs its arguments or draws into given axes
        return False


@pytest.fixture(scope="module", params=FACTORIES, ids=IDS)
def knob_figure(request):
    return request.param[1]()


def test_knobs_are_labelled(knob_figure):
    for name, knob in knob_figure.knobs.items():
        assert knob.label.startswith(f"{name} (") and knob.label.endswith(")")
        assert len(knob.meaning) >= 3
    assert len(knob_figure.alt) > 30


def test_every_knob_at_min_default_max_random(knob_figure):
    rng = np.random.default_rng(0)
    defaults = {n: k.default for n, k in knob_figure.knobs.items()}
    for name, knob in knob_figure.knobs.items():
        for value in settings(knob, rng):
            knob_figure.set(**defaults).set(**{name: value})
            assert knob_figure.values[name] == knob.check(value)
            image = as_image(knob_figure.png)
            assert image.shape[2] == 3 and image.std() > 0
            for data in knob_figure.frame.values():
                if isinstance(data, tuple):
                    assert all(np.all(np.isfinite(part)) for part in data)
    knob_figure.set(**defaults)


def test_same_values_same_picture(knob_figure):
    """No hidden state: a setting always gives the same pixels."""
    defaults = {n: k.default for n, k in knob_figure.knobs.items()}
    first = knob_figure.set(**defaults).png
    name, knob = next(iter(knob_figure.knobs.items()))
    other = knob.max if isinstance(knob, Slider) and knob.default != knob.max else (
        knob.min if isinstance(knob, Slider) else knob.options[-1])
    knob_figure.set(**{name: other})
    assert knob_figure.png != first, "turning a knob should change the picture"
    assert knob_figure.set(**defaults).png == first


def test_blit_matches_a_full_redraw(knob_figure):
    """Drawing only the moving artists gives the same picture as drawing everything."""
    blitted = as_image(knob_figure.png).astype(int)
    for artist in knob_figure.artists.values():
        artist.set_animated(False)
    try:
        knob_figure.canvas.draw()
        full = np.asarray(knob_figure.canvas.buffer_rgba())[..., :3].astype(int)
    finally:
        for artist in knob_figure.artists.values():
            artist.set_animated(True)
    assert np.abs(blitted - full).mean() < 1.0


def test_bad_knob_values_are_refused(knob_figure):
    with pytest.raises(ValueError, match="unknown knob"):
        knob_figure.set(not_a_knob=1)
    for name, knob in knob_figure.knobs.items():
        bad = knob.max + 10 * knob.step if isinstance(knob, Slider) else "no such option"
        with pytest.raises(ValueError, match=name):
            knob_figure.set(**{name: bad})


def test_widget_controls_are_labelled_and_redraw_in_place(knob_figure):
    """In a live kernel the picture is a stack of Image widgets holding PNG data URLs, its alt
    text beside it; each slider is a SelectionSlider over the knob's every value, showing the
    knob's readout; moving a control redraws the same figure."""
    box = knob_figure.widget()
    controls = knob_figure._widgets.controls
    assert set(controls) == set(knob_figure.knobs)
    pictures = knob_figure._widgets.pictures
    current = pictures.current
    figure_before, url_before = knob_figure.figure, current.value
    assert isinstance(current, widgets.Image) and current.format == "url"
    assert url_before == data_url(knob_figure.png) and bytes(url_before).startswith(b"data:image/png;base64,iVBORw0KGgo")
    assert "knob-figure" in current._dom_classes
    assert box.children[0] is pictures.box and pictures.warm in box.children
    assert html.escape(knob_figure.alt) in box.children[-1].value     # for screen readers
    for name, control in controls.items():
        knob = knob_figure.knobs[name]
        if isinstance(knob, Slider):
            assert isinstance(control, widgets.SelectionSlider)
            assert [v for _, v in control.options] == pytest.approx(list(knob.grid()))
            assert [label for label, _ in control.options] == [knob.readout(v) for v in knob.grid()]
    name, control = next(iter(controls.items()))
    knob = knob_figure.knobs[name]
    if isinstance(knob, Choice):
        control.value = knob.options[-1]
    else:
        control.index = knob.count - 1
    assert knob_figure.values[name] == control.value
    assert knob_figure.figure is figure_before
    assert current.value != url_before and current.value == data_url(knob_figure.png)
    knob_figure.set(**{name: knob.default})
    assert control.value == knob.default
    assert all(c.description == knob_figure.knobs[n].label for n, c in controls.items())


def test_pictures_drawn_ahead_are_the_pictures_of_their_values():
    """Each picture the stack holds at a place of the lead slider is what ``set`` to that value
    draws; the browser's link follows the slider moved last; a move of another knob drops
    the pictures drawn for its old value."""
    from nnlib.figures import line
    fit = line.line_fit()
    fit.widget()
    wired = fit._widgets
    stack = wired.pictures
    while wired.draw_ahead(fit):
        pass
    assert wired.lead == "w" and len(stack.box.children) == fit.knobs["w"].count
    assert stack.box.selected_index == wired.controls["w"].index
    assert stack.link.source == (wired.controls["w"], "index") and stack.link.target == (stack.box, "selected_index")
    home = wired.controls["w"].index
    assert sorted(stack.ready) == sorted(order_ahead(home, fit.knobs["w"].count, 1))
    assert sum(child is not stack.current for child in stack.box.children) == AHEAD
    for place, image in list(stack.ready.items())[:3]:
        value = wired.controls["w"].options[place][1]
        assert stack.box.children[place] is image
        assert image.value == data_url(line.line_fit().set(w=value).png)
        assert image in stack.warm.children        # loaded in the page before it is shown
    drawn, url_before = [], stack.current.value
    original = fit._render
    fit._render = lambda: drawn.append(1) or original()
    wired.controls["w"].index = home + 1          # a picture drawn ahead: not drawn again
    assert drawn == [] and fit.values["w"] == wired.controls["w"].value
    hit = stack.ready[home + 1]
    assert stack.shown is hit and stack.current.value == url_before      # nothing sent again
    assert all(child is hit for i, child in enumerate(stack.box.children) if i not in stack.ready)
    wired.controls["b"].index += 1
    assert stack.ready == {} and wired.lead == "b" and stack.link.source[0] is wired.controls["b"]
    assert len(stack.box.children) == fit.knobs["b"].count
    assert all(child is stack.current for child in stack.box.children)
    assert stack.current.value == data_url(fit.png) and drawn == [1]


def test_the_places_ahead_go_two_on_for_one_back():
    assert order_ahead(5, 10, 1) == [6, 7, 4, 8, 9, 3, 2, 1, 0]
    assert order_ahead(5, 10, -1) == [4, 3, 6, 2, 1, 7, 0, 8, 9]
    assert order_ahead(0, 4, -1) == [1, 2, 3] and order_ahead(3, 4, 1) == [2, 1, 0]
    assert order_ahead(50, 101, 1, most=4) == [51, 52, 49, 53]
    assert order_ahead(0, 1, 1) == []


def test_a_coarser_slider_grid_keeps_the_range_and_the_default():
    knob = Slider("w", "weight", -2.0, 2.0, 0.7, 0.1)
    assert knob.count == 41 and len(knob.grid()) == 41 and knob.index(0.7) == 27
    coarse = list(knob.grid(every=4))
    assert coarse[0] == -2.0 and coarse[-1] == 2.0 and 0.7 in coarse
    assert np.allclose(np.diff(coarse)[1:-1], 0.4) and max(np.diff(coarse)) <= 0.4 + 1e-9
    assert list(knob.grid(every=41)) == [-2.0, 0.7, 2.0]
    with pytest.raises(ValueError, match="every"):
        knob.grid(every=0)
    with pytest.raises(ValueError, match="between"):
        knob.index(3.0)
    choice = Choice("f", "activation", ("relu", "tanh"), "tanh")
    assert choice.count == 2 and choice.index("tanh") == 1 and choice.grid(every=5) == ["relu", "tanh"]


def test_declared_settings_must_be_reachable():
    from nnlib.figures import line
    fit = line.line_fit()
    made = KnobFigure(list(fit.knobs.values()), fit.draw_fn, fit.frame_fn, alt="a line",
                      settings=[{"w": 0.9, "b": 0.5}])
    assert made.settings == ({"w": 0.9, "b": 0.5},)
    with pytest.raises(ValueError, match="between the steps"):
        KnobFigure(list(fit.knobs.values()), fit.draw_fn, fit.frame_fn, alt="a line", settings=[{"w": 0.925}])
    with pytest.raises(ValueError, match="unknown knob"):
        KnobFigure(list(fit.knobs.values()), fit.draw_fn, fit.frame_fn, alt="a line", settings=[{"q": 1.0}])
    with pytest.raises(TypeError, match="dict"):
        KnobFigure(list(fit.knobs.values()), fit.draw_fn, fit.frame_fn, alt="a line", settings=[(0.9, 0.5)])


def test_picture_at_leaves_the_figure_as_it_was():
    from nnlib.figures import line
    fit = line.line_fit().set(w=0.5)
    before = fit.png
    other = fit.picture_at(w=1.5, b=-1.0)
    assert other != before and fit.values["w"] == 0.5 and fit.set(w=0.5).png == before
    assert fit.picture_at(**fit.values) == before
    background = fit.background()
    assert background.shape == (400, 640, 4) and background.dtype == np.uint8
    assert fit.moving == sorted(fit.moving, key=lambda n: fit.artists[n].get_zorder())


def test_moves_are_drawn_at_the_latest_value():
    """In a kernel, moves that arrive before the redraw runs are merged into one picture."""
    import asyncio
    from nnlib.figures import line
    fit = line.line_fit()
    fit.widget()
    slider, drawn = fit._widgets.controls["w"], []
    original = fit.set
    fit.set = lambda **values: drawn.append(values) or original(**values)

    async def hold_key():
        for step in range(1, 6):
            slider.index += 1
        await asyncio.sleep(0)
        return slider.value

    latest = asyncio.run(hold_key())
    assert drawn == [{"w": latest}] and fit.values["w"] == latest


def test_slider_grid_and_checks():
    knob = Slider("w", "weight", -1.0, 1.0, 0.0, 0.25)
    assert np.allclose(knob.grid(), [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1])
    with pytest.raises(TypeError):
        knob.check("0.5")
    with pytest.raises(ValueError):
        Slider("w", "weight", 0.0, 1.0, 2.0, 0.1)
    with pytest.raises(ValueError):
        Choice("f", "function", ("relu", "tanh"), "sigmoid")


def test_apply_frame_shorthands():
    from matplotlib.figure import Figure
    ax = Figure().add_subplot()
    (line,) = ax.plot([], [])
    text = ax.text(0, 0, "")
    apply_frame({"line": line, "text": text}, {"line": ([0, 1], [2, 3]), "text": "hi"})
    assert list(line.get_ydata()) == [2, 3] and text.get_text() == "hi"


def test_knob_figure_requires_alt_text():
    with pytest.raises(ValueError, match="alt"):
        KnobFigure([], lambda fig: {}, lambda: {}, alt="")


def test_slider_readouts_show_every_decimal_the_knob_needs():
    from nnlib.knobs import readout_format
    assert readout_format(Slider("w", "weight", -3.0, 3.0, 0.0, 0.05)) == ".2f"
    assert readout_format(Slider("lr", "learning rate", 0.5, 4.5, 2.5, 2.0)) == ".1f"
    assert readout_format(Slider("n", "units", 0.0, 10.0, 1.0, 1.0)) == ".0f"


def test_prefetch_runs_in_the_background_after_each_move():
    """A figure's prefetch (e.g. training the networks of nearby settings) runs off the main
    thread when the live widgets appear and after each move, with the values it was given."""
    calls = []

    def draw(fig):
        (drawn,) = fig.subplots().plot([0, 1], [0, 0])
        return {"line": drawn}

    def ahead(values):             # two steps of work per move, both taken
        for step in ("up", "down"):
            calls.append((step, dict(values)))
            yield step

    figure = KnobFigure([Slider("a", "slope", 0.0, 1.0, 0.5, 0.1)], draw,
                        lambda a: {"line": ([0, 1], [0, a])}, alt="a line with a slope knob",
                        figsize=(2, 2), prefetch=ahead)
    figure.widget()
    figure._widgets.prefetching.join(5)
    figure._widgets.controls["a"].index = 7
    figure._widgets.prefetching.join(5)
    assert calls == [("up", {"a": 0.5}), ("down", {"a": 0.5}), ("up", {"a": 0.7}), ("down", {"a": 0.7})]
    assert figure._widgets.prefetching.name == "knob-prefetch"


def test_a_slider_reads_out_its_values_as_every_page_shows_them():
    assert Slider("w", "weight", -3.0, 3.0, 0.0, 0.05).readout(0.5) == "0.50"
    assert Slider("n", "units", 1, 10, 2, 1, integer=True).readout(4) == "4"
    assert Slider("lr", "learning rate", 0.5, 4.5, 2.5, 2.0).readout(2.5) == "2.5"
