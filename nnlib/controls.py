"""ipywidgets wiring for a KnobFigure: one control per knob, the picture above.

Thin on purpose: every control calls ``KnobFigure.set`` and the picture is replaced
in place (never a new figure). Each slider is a ``SelectionSlider`` over the knob's
values, labelled with the knob's own readout. The picture is a
:class:`~nnlib.picture_stack.PictureStack`: while the reader looks, the kernel draws the
pictures of the neighbouring values of the slider moved last, and the browser switches to
one the moment a key press lands on it, with no round trip to the kernel.
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

from .knobs import Choice
from .picture_stack import PictureStack

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


def slider_for(knob, values=None):
    """A SelectionSlider over ``values`` (default: every live value of the knob), labelled
    ``w (weight)``, each value shown as the knob's readout, updating while dragged."""
    values = [int(v) if knob.integer else float(v) for v in (knob.grid() if values is None else values)]
    default = min(values, key=lambda v: abs(v - knob.default))
    return widgets.SelectionSlider(options=[(knob.readout(v), v) for v in values], value=default,
                                   description=knob.label, continuous_update=True,
                                   style=LABEL_STYLE, layout=widgets.Layout(width=CONTROL_WIDTH))


def choice_for(knob):
    """Toggle buttons, one per option, labelled like a slider."""
    return widgets.ToggleButtons(options=list(knob.options), value=knob.default,
                                 description=knob.label, style=LABEL_STYLE)


def picture_for(knob_figure):
    """A function making the figure's picture widgets: URL bytes -> Image, as wide as the figure
    at most, with its size in pixels as the image's width and height (so that the page keeps
    the picture's room while one loads)."""
    width, height = (int(v) for v in knob_figure.figure.bbox.size)

    def picture(url):
        # (no tooltip: ipywidgets 8.1's ImageView fails to render with one; the alt text goes in
        # the box's note, see build)
        image = widgets.Image(value=url, format="url", width=str(width), height=str(height),
                              layout=widgets.Layout(width="100%", max_width=f"{width}px", height="auto"))
        image.add_class("knob-figure")
        return image
    return picture


@dataclass
class Controls:
    """The widgets of one KnobFigure: the pictures and a control per knob."""

    pictures: PictureStack
    controls: dict
    box: widgets.VBox
    lead: str = None                               # the slider moved last (at first, the first)
    pending: dict = field(default_factory=dict)    # knob moves not drawn yet: {name: value}
    scheduled: bool = False
    ahead_scheduled: bool = False
    prefetching: object = None                     # the background prefetch thread, if running

    def show(self, knob_figure):
        """Bring pictures and controls up to date with the figure's values."""
        for name, control in self.controls.items():
            knob, value = knob_figure.knobs[name], knob_figure.values[name]
            if isinstance(knob, Choice):
                if control.value != value:
                    control.value = value
            elif control.index != knob.index(value):
                control.index = knob.index(value)
        self.pictures.follow(self.lead, self.controls.get(self.lead), knob_figure.values, knob_figure.png)
        self.schedule_ahead(knob_figure)

    def request(self, knob_figure, name, value):
        """A control moved: redraw soon, at the latest values.

        In a kernel the redraw waits for the event loop's next turn, so that moves already
        received are merged into one picture; without a running loop (tests, scripts) it
        redraws at once.
        """
        self.pending[name] = value
        if not isinstance(knob_figure.knobs[name], Choice):
            self.lead = name
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

    def schedule_ahead(self, knob_figure):
        """Draw the next picture ahead on the event loop's next turn (none without a running loop,
        and none for a figure that would have to train its networks on the main thread)."""
        if self.ahead_scheduled or (knob_figure.prefetch is not None and not CAN_PREFETCH):
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self.ahead_scheduled = True
        loop.call_soon(self.ahead, knob_figure)

    def ahead(self, knob_figure):
        """Draw one picture ahead along the lead slider, then come back, until every place ahead
        is drawn; a move stops it (its redraw starts it again). Waits for a running prefetch,
        which computes what those pictures need."""
        self.ahead_scheduled = False
        if self.pending or self.scheduled:
            return
        if self.prefetching is not None and self.prefetching.is_alive():
            self.ahead_scheduled = True
            asyncio.get_running_loop().call_later(0.05, self.ahead, knob_figure)
            return
        if self.draw_ahead(knob_figure):
            self.schedule_ahead(knob_figure)

    def draw_ahead(self, knob_figure):
        """Draw the next picture ahead now: True if there was one to draw."""
        place = self.pictures.next_place()
        if place is None:
            return False
        value = self.controls[self.lead].options[place][1]
        self.pictures.put(place, knob_figure.picture_at(**{self.lead: value}))
        return True

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
    controls = {}
    for name, knob in knob_figure.knobs.items():
        control = choice_for(knob) if isinstance(knob, Choice) else slider_for(knob)
        if isinstance(knob, Choice):
            control.value = knob_figure.values[name]
        else:
            control.index = knob.index(knob_figure.values[name])
        controls[name] = control
    pictures = PictureStack(picture_for(knob_figure))
    box = widgets.VBox([pictures.box, *controls.values(), pictures.warm, note_for(knob_figure)],
                       layout=widgets.Layout(align_items="flex-start"))
    box.add_class("knob-figure-box")
    lead = next((n for n, k in knob_figure.knobs.items() if not isinstance(k, Choice)), None)
    wired = Controls(pictures, controls, box, lead)
    for name, control in controls.items():
        control.observe(lambda change, name=name: wired.request(knob_figure, name, change["new"]),
                        names="value")
    wired.prefetch(knob_figure)
    wired.show(knob_figure)
    return wired
