"""ipywidgets wiring for a KnobFigure: one control per knob, the picture above.

Thin on purpose: every control calls ``KnobFigure.set`` and the picture is an
``<img>`` with alt text whose source is replaced in place (never a new figure).
"""
from dataclasses import dataclass

import ipywidgets as widgets

from .knobs import Choice

CONTROL_WIDTH = "min(100%, 560px)"
LABEL_STYLE = {"description_width": "11em"}


def slider_for(knob):
    """An ipywidgets slider labelled ``w (weight)``, updating while dragged."""
    cls = widgets.IntSlider if knob.integer else widgets.FloatSlider
    extra = {} if knob.integer else {"readout_format": _format_for(knob)}
    return cls(value=knob.default, min=knob.min, max=knob.max, step=knob.step,
               description=knob.label, continuous_update=True,
               style=LABEL_STYLE, layout=widgets.Layout(width=CONTROL_WIDTH), **extra)


def choice_for(knob):
    """Toggle buttons, one per option, labelled like a slider."""
    return widgets.ToggleButtons(options=list(knob.options), value=knob.default,
                                 description=knob.label, style=LABEL_STYLE)


def _format_for(knob):
    """Readout format with the decimals the knob's numbers need (step 0.05 -> '.2f').

    Counts min, max and default as well as the step: a slider from 0.5 in steps of 2
    must still show 0.5 and 2.5, not 0 and 3.
    """
    def decimals(value):
        places = 0
        while round(value * 10**places, 9) != round(value * 10**places) and places < 4:
            places += 1
        return places
    return f".{max(decimals(v) for v in (knob.min, knob.max, knob.default, knob.step))}f"


@dataclass
class Controls:
    """The widgets of one KnobFigure: the picture and a control per knob."""

    picture: widgets.HTML
    controls: dict
    box: widgets.VBox
    baked: str = ""          # the frames a static page replays (nnlib.bake), kept with the picture

    def show(self, knob_figure):
        """Bring picture and controls up to date with the figure's values."""
        self.picture.value = knob_figure.img_html() + self.baked
        for name, control in self.controls.items():
            if control.value != knob_figure.values[name]:
                control.value = knob_figure.values[name]


def build(knob_figure):
    """Create the widgets for ``knob_figure`` and wire each control to ``set``."""
    picture = widgets.HTML(value=knob_figure.img_html())
    controls = {}
    for name, knob in knob_figure.knobs.items():
        control = choice_for(knob) if isinstance(knob, Choice) else slider_for(knob)
        control.value = knob_figure.values[name]
        control.observe(lambda change, name=name: _turn(knob_figure, name, change), names="value")
        controls[name] = control
    box = widgets.VBox([picture, *controls.values()], layout=widgets.Layout(align_items="flex-start"))
    box.add_class("knob-figure-box")
    return Controls(picture, controls, box)


def _turn(knob_figure, name, change):
    if knob_figure.values.get(name) != change["new"]:
        knob_figure.set(**{name: change["new"]})
