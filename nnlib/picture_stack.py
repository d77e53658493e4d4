"""Pictures drawn ahead along one slider, which the browser shows without asking the kernel.

A live knob figure shows its picture in an ``ipywidgets.Stack`` with one place per value of
the *lead* slider, the one the reader moved last. The browser itself links that slider's
``index`` to the stack's ``selected_index`` (``ipywidgets.jslink``), so a key press picks a
place at once, before the kernel has heard of it. While the reader looks, the kernel draws
the pictures of the lead's neighbouring values (the other knobs as they are) and puts each
in its place; every other place holds ``current``, the picture at the kernel's own values,
which the kernel's redraw replaces as it always did.

Every picture is an ``Image`` of a ``data:`` URL, and each also sits in a hidden box
(``warm``) where the browser has already loaded it: a place the reader moves to then paints
in the same frame, where a new PNG blob would leave the picture blank for a frame.
"""
import base64

import ipywidgets as widgets

AHEAD = 12
"""Most pictures drawn ahead along the lead slider."""


def data_url(png):
    """PNG bytes as the ASCII bytes of a ``data:image/png;base64,...`` URL."""
    return b"data:image/png;base64," + base64.b64encode(png)


def order_ahead(index, count, direction, most=AHEAD):
    """The places to draw ahead from ``index`` on a slider of ``count`` values, likeliest first:
    two steps on in the last ``direction`` (+1 or -1) for each one back. A list of indices."""
    found, forward, back = [], 1, 1
    while len(found) < most and (0 <= index + forward * direction < count or 0 <= index - back * direction < count):
        for _ in range(2):
            place = index + forward * direction
            forward += 1
            if 0 <= place < count and len(found) < most:
                found.append(place)
        place = index - back * direction
        back += 1
        if 0 <= place < count and len(found) < most:
            found.append(place)
    return found


class PictureStack:
    """The picture of a live knob figure: ``box`` (the stack) and ``warm`` (hidden) to show.

    picture: a function PNG bytes -> Image widget, sized and classed for the page.
    """

    def __init__(self, picture):
        self.picture = picture
        self.current = picture(b"")
        self.box = widgets.Stack([self.current], selected_index=0,
                                 layout=widgets.Layout(width=self.current.layout.width,
                                                       max_width=self.current.layout.max_width))
        self.box.add_class("knob-figure-stack")
        self.warm = widgets.Box([self.current], layout=widgets.Layout(display="none"))
        self.lead, self.setting, self.link, self.index = None, None, None, 0
        self.ready = {}         # {place on the lead slider: Image holding its picture}
        self.pool = []          # every Image made for pictures ahead, placed or spare
        self.direction = 1
        self.shown = self.current  # the picture at the kernel's own values
        self.drawn = {}            # {Image: the PNG bytes it holds}

    def follow(self, slider_name, slider, values, png):
        """The kernel drew ``png`` at ``values``: lead with ``slider`` (a SelectionSlider named
        ``slider_name``, or None when the figure has no slider). Pictures drawn ahead for other
        values of the other knobs are dropped. When the move landed on a picture drawn ahead,
        that picture stays where it is and nothing is sent again."""
        others = {n: v for n, v in values.items() if n != slider_name}
        if slider_name != self.lead or others != self.setting:
            self.ready = {}
        if slider_name == self.lead and self.setting is not None and slider is not None:
            moved = slider.index - self.index
            self.direction = 1 if moved > 0 else -1 if moved < 0 else self.direction
        self.setting, self.index = others, (slider.index if slider is not None else 0)
        if self.index in self.ready and self.drawn[self.ready[self.index]] == png:
            self.shown = self.ready[self.index]
        else:
            self.ready.pop(self.index, None)
            self.current.value = data_url(png)
            self.shown = self.current
        places = self.places(len(slider.options) if slider is not None else 1)
        if slider_name != self.lead:
            if self.link is not None:
                self.link.unlink()
            with self.box.hold_sync():
                self.box.children = places
                self.box.selected_index = self.index
            self.link = widgets.jslink((slider, "index"), (self.box, "selected_index")) if slider else None
            self.lead = slider_name
        elif places != self.box.children:
            self.box.children = places

    def places(self, count):
        """The stack's children: the picture drawn ahead at each place, else the one shown now."""
        return tuple(self.ready.get(i, self.shown) for i in range(count))

    def next_place(self):
        """The place to draw next, or None when every place ahead is drawn."""
        if self.lead is None:
            return None
        count = len(self.box.children)
        return next((i for i in order_ahead(self.index, count, self.direction) if i not in self.ready), None)

    def put(self, place, png):
        """Put the picture of the lead at ``place`` (the other knobs as followed) in its place."""
        wanted = set(order_ahead(self.index, len(self.box.children), self.direction))
        spare = [image for image in self.pool if image not in self.ready.values()]
        if not spare and len(self.pool) < AHEAD + 2:
            spare = [self.picture(b"")]
            self.pool += spare
            self.warm.children = (self.current, *self.pool)
        if not spare:         # reuse the picture farthest from the lead's value, never the one shown
            farthest = max((i for i in self.ready if i not in wanted and self.ready[i] is not self.shown),
                           key=lambda i: abs(i - self.index), default=None)
            if farthest is None:
                return
            spare = [self.ready.pop(farthest)]
        image = spare[0]
        image.value = data_url(png)
        self.drawn[image] = png
        self.ready[place] = image
        self.box.children = self.places(len(self.box.children))
