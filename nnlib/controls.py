"""ipywidgets wiring for a KnobFigure: one control per knob, the picture above.

Thin on purpose: every control calls ``KnobFigure.set`` and the picture is replaced
in place (never a new figure). The picture is an ``ipywidgets.Image`` whose value is
the PNG bytes, sent as a binary buffer on the comm: no base64, no HTML to parse.
(The published book shows other widgets in its place, made by the build, which
replay frames baked at build time; this module knows nothing of them.)

Moves are redrawn at the latest value: while a redraw runs, newer values that arrive
replace older ones, so a held-down key never leaves a queue of stale pictures behind.
"""
import asyncio
import html
import sys
import threading
from dataclasses import dataclass, field

import ipywidgets as widgets

from .knobs import Choice, readout_format

CONTROL_WIDTH = "min(100%, 560px)"
# Pyodide (the Python of JupyterLite and of the site's pages) cannot start threads: no prefetch there.
CAN_PREFETCH = sys.platform != "emscripten"
LABEL_STYLE = {"description_width": "11em"}
# Long labels ("angle (direction of the query, degrees)") wrap onto a second line inside the
# 11em label column instead of being cut off. The book has the same rule in its own CSS; a live
# notebook gets it from this style element, scoped to knob-figure boxes.
LABEL_CSS = """
.knob-figure-box .widget-inline-hbox { height: auto; min-height: var(--jp-widgets-inline-height, 28px); }
.knob-figure-box .widget-inline-hbox > .widget-label {
  white-space: normal; line-height: 1.2; overflow: visible; text-overflow: clip;
  align-self: center; height: auto; }
.knob-figure-box .widget-toggle-buttons > .widget-label { width: auto !important; white-space: normal; }
.knob-figure-box .knob-figure-alt { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip-path: inset(50%); white-space: nowrap; }
"""


def slider_for(knob):
    """An ipywidgets slider labelled ``w (weight)``, updating while dragged."""
    cls = widgets.IntSlider if knob.integer else widgets.FloatSlider
    extra = {} if knob.integer else {"readout_format": readout_format(knob)}
    return cls(value=knob.default, min=knob.min, max=knob.max, step=knob.step,
               description=knob.label, continuous_update=True,
               style=LABEL_STYLE, layout=widgets.Layout(width=CONTROL_WIDTH), **extra)


def choice_for(knob):
    """Toggle buttons, one per option, labelled like a slider."""
    return widgets.ToggleButtons(options=list(knob.options), value=knob.default,
                                 description=knob.label, style=LABEL_STYLE)


def picture_for(knob_figure):
    """The picture widget: the PNG bytes as an Image, as wide as the figure at most."""
    width = int(knob_figure.figure.bbox.width)
    # (no tooltip: ipywidgets 8.1's ImageView fails to render with one; the alt text goes in
    # the box's note, see build)
    picture = widgets.Image(value=knob_figure.png, format="png",
                            layout=widgets.Layout(width="100%", max_width=f"{width}px", height="auto"))
    picture.add_class("knob-figure")
    return picture


@dataclass
class Controls:
    """The widgets of one KnobFigure: the picture and a control per knob."""

    picture: widgets.Image
    controls: dict
    box: widgets.VBox
    pending: dict = field(default_factory=dict)    # knob moves not drawn yet: {name: value}
    scheduled: bool = False
    prefetching: object = None                     # the background prefetch thread, if running

    def show(self, knob_figure):
        """Bring picture and controls up to date with the figure's values."""
        self.picture.value = knob_figure.png
        for name, control in self.controls.items():
            if control.value != knob_figure.values[name]:
                control.value = knob_figure.values[name]

    def request(self, knob_figure, name, value):
        """A control moved: redraw soon, at the latest values.

        In a kernel the redraw waits for the event loop's next turn, so that moves already
        received are merged into one picture; without a running loop (tests, scripts) it
        redraws at once.
        """
        self.pending[name] = value
        if self.scheduled:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.redraw(knob_figure)
            return
        self.scheduled = True
        loop.call_soon(self.redraw, knob_figure)

    def redraw(self, knob_figure):
        """Draw the pending moves, if any change a value."""
        self.scheduled = False
        moves = {n: v for n, v in self.pending.items() if knob_figure.values.get(n) != v}
        self.pending.clear()
        if moves:
            knob_figure.set(**moves)
            self.prefetch(knob_figure)

    def prefetch(self, knob_figure):
        """Run the figure's prefetch for its current values in the background (one at a time)."""
        if (knob_figure.prefetch is None or not CAN_PREFETCH
                or (self.prefetching is not None and self.prefetching.is_alive())):
            return
        steps = knob_figure.prefetch(dict(knob_figure.values))
        self.prefetching = threading.Thread(target=run_through, args=(steps,), daemon=True, name="knob-prefetch")
        self.prefetching.start()


def run_through(steps):
    """Take every step of a figure's prefetch (an iterator)."""
    for _ in steps:
        pass


def note_for(knob_figure):
    """The live box's last child, out of sight: the label CSS, and the picture's alt text for
    screen readers (an Image widget has no alt attribute)."""
    text = html.escape(knob_figure.alt)
    return widgets.HTML(f'<style>{LABEL_CSS}</style><p class="knob-figure-alt">Figure: {text}</p>',
                        layout=widgets.Layout(height="0px", margin="0px", overflow="hidden"))


def build(knob_figure):
    """Create the widgets for ``knob_figure`` and wire each control to ``set``."""
    picture = picture_for(knob_figure)
    controls = {}
    for name, knob in knob_figure.knobs.items():
        control = choice_for(knob) if isinstance(knob, Choice) else slider_for(knob)
        control.value = knob_figure.values[name]
        controls[name] = control
    box = widgets.VBox([picture, *controls.values(), note_for(knob_figure)],
                       layout=widgets.Layout(align_items="flex-start"))
    box.add_class("knob-figure-box")
    wired = Controls(picture, controls, box)
    for name, control in controls.items():
        control.observe(lambda change, name=name: wired.request(knob_figure, name, change["new"]),
                        names="value")
    wired.prefetch(knob_figure)
    return wired
