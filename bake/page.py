"""The widgets a baked figure shows on the published page.

The same box as in a live notebook (picture, one control per knob, in order), but every
slider is a ``SelectionSlider`` over exactly the baked values, so the page can only be
set to settings that have a frame, and the player reads the frame from each control's
``index``. The picture is the figure's PNG in an ``<img>`` with the header of its frames
beside it (``payload.Baked.html``). Where a slider is coarser than live, a note under
the controls says so, and how to get every value.
"""
import html

import ipywidgets as widgets
from nnlib import controls
from nnlib.knobs import Choice


LIVE_HINT = ("For every value, press <strong>Run this page live</strong> under the chapter's title (Python "
             "then runs in this page), or open the chapter from the launch menu (the rocket at the top of "
             "the page) in JupyterLite, Binder or Colab, or locally with <code>make lab</code>.")


def coarse_note(knobs, entries):
    """HTML saying which sliders move in bigger steps than live, or '' when none does."""
    coarse = [(k, e["every"]) for k, e in zip(knobs, entries) if e["kind"] == "slider" and e["every"] > 1]
    if not coarse:
        return ""
    parts = [f"<strong>{html.escape(k.name)}</strong> in steps of {k.readout(k.step * every)} "
             f"(live: {k.readout(k.step)})" for k, every in coarse]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return (f'<p class="knob-coarse-note">On this page the sliders move in bigger steps than live, so '
            f"that every setting has a picture stored with the page: {listed}. Every setting the text "
            f"names is among them. {LIVE_HINT}</p>")


def box(knob_figure, baked):
    """The VBox the page shows: picture with the frames' header, controls, and the note if any."""
    picture = widgets.HTML(value=knob_figure.img_html() + baked.html())
    knobs, entries = list(knob_figure.knobs.values()), baked.header["knobs"]
    made = [controls.choice_for(k) if isinstance(k, Choice) else controls.slider_for(k, e["values"])
            for k, e in zip(knobs, entries)]
    note = coarse_note(knobs, entries)
    children = [picture, *made] + ([widgets.HTML(value=note)] if note else [])
    figure_box = widgets.VBox(children, layout=widgets.Layout(align_items="flex-start"))
    figure_box.add_class("knob-figure-box")
    return figure_box
