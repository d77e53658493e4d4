"""The knob settings each figure declares: the ones its chapter's text names or asks the reader to try.

The baker puts every declared value on the published grid, so these checks keep the declarations
honest: each figure declares some, each one can be set on the live sliders, none is listed twice,
and each one draws something other than the default picture.
"""
import numpy as np
import pytest

from knob_registry import factories
from nnlib.knobs import Choice, Slider

FACTORIES = factories()
IDS = [name for name, _ in FACTORIES]


@pytest.fixture(scope="module", params=FACTORIES, ids=IDS)
def figure(request):
    """One instance of each registry figure for the whole file."""
    _, factory = request.param
    return factory()


def defaults(fig):
    """{name: default} for every knob of the figure."""
    return {name: knob.default for name, knob in fig.knobs.items()}


def resolved(fig, setting):
    """A declared setting with every knob it leaves out at its default: {name: value}."""
    return {**defaults(fig), **setting}


def on_grid(knob, value):
    """Whether a slider can land exactly on ``value``, or a choice offers it."""
    if isinstance(knob, Choice):
        return value in knob.options
    assert isinstance(knob, Slider)
    return bool(np.isclose(knob.grid(), value, rtol=0, atol=1e-9).any())


def test_every_figure_declares_a_setting(figure):
    assert len(figure.settings) >= 1


def test_declared_settings_are_known_knobs_on_the_live_grid(figure):
    for setting in figure.settings:
        assert isinstance(setting, dict) and setting, f"a setting is a non-empty dict, got {setting!r}"
        unknown = set(setting) - set(figure.knobs)
        assert not unknown, f"{setting}: unknown knobs {sorted(unknown)}"
        for name, value in setting.items():
            assert on_grid(figure.knobs[name], value), f"{setting}: {name} = {value!r} is off the slider's grid"


def test_no_setting_is_declared_twice(figure):
    # Two declarations that differ only by naming a knob at its default are the same setting.
    seen = {}
    for setting in figure.settings:
        key = tuple(sorted(resolved(figure, setting).items()))
        assert key not in seen, f"{setting} repeats {seen[key]}"
        seen[key] = setting


def test_each_declared_setting_draws_something_new(figure):
    home = defaults(figure)
    default_picture = figure.picture_at(**home)
    for setting in figure.settings:
        full = resolved(figure, setting)
        if full == home:
            continue  # the default itself: nothing to compare
        assert figure.picture_at(**full) != default_picture, f"{setting} draws the default picture"


def test_the_checks_compare_whole_settings_and_exact_steps():
    # Naming a knob at its default makes no new setting, and a value between two steps is off the grid.
    _, factory = FACTORIES[IDS.index("line.line_fit")]
    fig = factory()
    assert resolved(fig, {"w": 0.9, "b": 0.0}) == resolved(fig, {"w": 0.9})
    assert not on_grid(fig.knobs["w"], 0.925) and on_grid(fig.knobs["w"], 0.9)


def test_the_graph_reads_an_exact_zero_where_its_text_says_so():
    # Chapter 6 sets x = 0 for an exactly zero ∂L/∂w: no minus sign of either kind on it.
    from nnlib.figures import gradient_descent

    assert {"x": 0.0} in gradient_descent.NEURON_SETTINGS
    frame = gradient_descent.neuron_frame(x=0.0, w=0.5, b=-0.5)
    assert frame["back_w"] == "∂L/∂w = 0.000"
    assert frame["chain"].split("\n")[0].endswith("= 0.000")
    # A small negative value keeps its proper minus sign.
    assert gradient_descent.neuron_frame(x=2.0, w=-3.0, b=-3.0)["back_w"] == "∂L/∂w = −0.000"
