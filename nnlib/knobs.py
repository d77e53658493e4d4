"""Knob figures: a figure drawn once whose moving parts follow the knobs.

A knob figure keeps three things apart (model, view, controls):

- ``knobs``: the controls, a list of :class:`Slider` and :class:`Choice`;
- ``draw(fig) -> {name: artist}``: the view, called once. It fixes the axes,
  draws everything that never moves and creates the artists that do;
- ``frame(**values) -> {name: data}``: the model, a pure function of the knob
  values that says where each moving artist goes. No matplotlib in it, no
  hidden state: the same values always give the same frame.

Frame data for an artist is a dict of properties passed to ``artist.set``, or a
shorthand: a string sets a Text's text, a 2-tuple ``(x, y)`` sets a line's data.

:class:`KnobFigure` joins them. ``k.set(w=0.5)`` computes the frame, moves the
artists and renders the picture as PNG bytes, redrawing only the moving
artists over a cached background. In a notebook the same object shows
ipywidgets sliders that call ``set`` as they move.
"""
import base64
import html
import struct
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .plotting import legible_draw


@dataclass(frozen=True)
class Slider:
    """A numeric knob: ``name`` is the symbol (``"w"``), ``meaning`` what it is (``"weight"``)."""

    name: str
    meaning: str
    min: float
    max: float
    default: float
    step: float
    integer: bool = False

    def __post_init__(self):
        if not self.min <= self.default <= self.max:
            raise ValueError(f"knob {self.name}: default {self.default} is outside [{self.min}, {self.max}]")
        if self.step <= 0:
            raise ValueError(f"knob {self.name}: step must be > 0, got {self.step}")

    @property
    def label(self):
        return f"{self.name} ({self.meaning})"

    def check(self, value):
        """Return ``value`` as a number inside the knob's range, or raise."""
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"knob {self.name} takes a number, got {type(value).__name__}")
        if not self.min <= value <= self.max:
            raise ValueError(f"knob {self.name} must be between {self.min} and {self.max}, got {value}")
        return int(value) if self.integer else float(value)

    @property
    def count(self):
        """How many values the slider can take: its grid's length."""
        return int(round((self.max - self.min) / self.step)) + 1

    def grid(self, every=1):
        """The values the slider can take, min to max: (S,).

        every: keep only every ``every``-th value, counted from the default both ways,
        and the two ends (a coarser grid with the same range and the default on it).
        """
        if isinstance(every, bool) or not isinstance(every, (int, np.integer)) or every < 1:
            raise ValueError(f"every must be a whole number >= 1, got {every!r}")
        steps = np.arange(self.count)
        if every > 1:
            home = self.index(self.default)
            steps = steps[((steps - home) % every == 0) | (steps == 0) | (steps == self.count - 1)]
        values = self.min + self.step * steps
        return values.astype(int) if self.integer else np.round(values, 10)

    def index(self, value):
        """Position of ``value`` on the full grid (the nearest step), e.g. for a frame number."""
        return int(round((self.check(value) - self.min) / self.step))

    def readout(self, value):
        """The text the slider shows for ``value``: '0.50' for a step of 0.05, '3' for a whole number.
        The live sliders, the published page's and the page run live all show this text."""
        return str(int(value)) if self.integer else format(value, readout_format(self))


@dataclass(frozen=True)
class Choice:
    """A knob that picks one of a few named options (shown as buttons)."""

    name: str
    meaning: str
    options: tuple
    default: str

    def __post_init__(self):
        if self.default not in self.options:
            raise ValueError(f"knob {self.name}: default {self.default!r} is not one of {self.options}")

    @property
    def label(self):
        return f"{self.name} ({self.meaning})"

    def check(self, value):
        if value not in self.options:
            raise ValueError(f"knob {self.name} must be one of {list(self.options)}, got {value!r}")
        return value

    @property
    def count(self):
        return len(self.options)

    def grid(self, every=1):
        """Every option (a choice is never made coarser): a list."""
        return list(self.options)

    def index(self, value):
        return self.options.index(self.check(value))


def readout_format(knob):
    """Readout format with the decimals the knob's numbers need (step 0.05 -> '.2f').

    Counts min, max and default as well as the step: a slider from 0.5 in steps of 2
    must still show 0.5 and 2.5, not 0 and 3. (It lives here, not in controls.py, so that
    a page running Python in the browser, where ipywidgets is not installed, formats its
    slider labels with it too.)
    """
    def decimals(value):
        places = 0
        while round(value * 10**places, 9) != round(value * 10**places) and places < 4:
            places += 1
        return places
    return f".{max(decimals(v) for v in (knob.min, knob.max, knob.default, knob.step))}f"


def apply_frame(artists, frame):
    """Move each named artist to its frame data (dict of properties, str or (x, y))."""
    for name, data in frame.items():
        artist = artists[name]
        if isinstance(data, str):
            data = {"text": data}
        elif isinstance(data, tuple):
            data = {"data": data}
        artist.set(**data)


def _png_chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(canvas):
    """PNG bytes of an Agg canvas: opaque 8-bit RGB, rows unfiltered, zlib level 1.

    Written directly rather than through Pillow: Pillow tries every PNG row filter on
    every row, which costs more than the compression itself; for these flat-coloured
    plots unfiltered rows are as small and the encode takes about half the time
    (``python benchmarks/knob_latency.py``). Lossless: the pixels are the canvas's own.
    """
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    height, width, _ = rgb.shape
    rows = np.empty((height, width * 3 + 1), np.uint8)
    rows[:, 0] = 0                                     # filter type 0 (None) on every row
    rows[:, 1:] = rgb.reshape(height, width * 3)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)   # 8-bit truecolour
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _png_chunk(b"IEND", b""))


class KnobFigure:
    """A figure whose moving artists follow a pure function of knob values.

    knobs: list of Slider/Choice.  draw: fig -> {name: artist}.
    frame: (**values) -> {name: data}.  alt: what the picture shows, for
    readers who cannot see it.  prefetch: optional ``values -> iterator``, a generator
    that computes ahead what the neighbouring knob values will need (a figure whose frames
    train networks), one piece per step, most likely next move first. After each move a
    live notebook runs it to the end in a background thread; a page running Python in the
    browser, which has no threads, takes one step at a time while the reader is idle.
    fixed: names of artists ``draw`` returns only so that they can be looked up
    (``k.artists[name]``) but that never move: they are drawn once into the cached
    background instead of on every move, and the frame must not name them.
    settings: the knob settings the chapter's text names or asks the reader to try
    (a list of ``{name: value}``, other knobs at their defaults). Each is checked to be
    one the sliders can reach, so that wherever the figure is shown they can be set.
    """

    def __init__(self, knobs, draw, frame, *, alt, figsize=(6.4, 4.0), dpi=100, prefetch=None, fixed=(),
                 settings=()):
        if not alt:
            raise ValueError("alt must describe what the figure shows")
        self.fixed = frozenset(fixed)
        self.knobs = {knob.name: knob for knob in knobs}
        self.settings = tuple(self._reachable(setting) for setting in settings)
        self.frame_fn = frame
        # The book's font sizes for every knob figure, in one place (nnlib.plotting.legible_draw);
        # kept for comparisons that rebuild the figure (benchmarks/).
        self.draw_fn = legible_draw(draw)
        self.prefetch = prefetch
        self.alt = alt
        self.figure = Figure(figsize=figsize, dpi=dpi, facecolor="white")
        self.canvas = FigureCanvasAgg(self.figure)
        self.artists = self.draw_fn(self.figure)
        unknown = self.fixed - set(self.artists)
        if unknown:
            raise ValueError(f"fixed names {sorted(unknown)} are not among the artists draw returned")
        # The moving artists by name, in the order they are drawn (by zorder, as Agg would).
        self.moving = sorted((n for n in self.artists if n not in self.fixed),
                             key=lambda n: self.artists[n].get_zorder())
        for name in self.moving:
            self.artists[name].set_animated(True)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._widgets = None
        self._drawn = OrderedDict()        # recent pictures_at results: {setting key: PNG bytes}
        self.values = {}
        self.set(**{name: knob.default for name, knob in self.knobs.items()})

    def __repr__(self):
        knobs = ", ".join(f"{k}={v!r}" for k, v in self.values.items())
        return f"KnobFigure({knobs})"

    def _reachable(self, setting):
        """A declared setting, checked: known knobs, each value on its slider's grid."""
        if not isinstance(setting, dict):
            raise TypeError(f"a setting is a dict of knob values, got {type(setting).__name__}")
        checked = self.checked(setting, start={})
        for name, value in checked.items():
            knob = self.knobs[name]
            if isinstance(knob, Slider) and not np.isclose(knob.grid()[knob.index(value)], value):
                raise ValueError(f"setting {setting}: {name} = {value} is between the steps of its slider "
                                 f"({knob.min} to {knob.max} in steps of {knob.step})")
        return checked

    def checked(self, values, start=None):
        """Return the current values updated with ``values``, each checked."""
        unknown = set(values) - set(self.knobs)
        if unknown:
            raise ValueError(f"unknown knob(s) {sorted(unknown)}; this figure has {list(self.knobs)}")
        merged = dict(self.values if start is None else start)
        merged.update({name: self.knobs[name].check(v) for name, v in values.items()})
        return merged

    def set(self, **values):
        """Turn knobs by name (``k.set(w=0.5, b=1.2)``) and redraw. Returns self."""
        self.values = self.checked(values)
        frame = self.frame_fn(**self.values)
        moved_fixed = self.fixed.intersection(frame)
        if moved_fixed:
            raise ValueError(f"the frame moves {sorted(moved_fixed)}, which the figure declared fixed")
        self.frame = frame
        apply_frame(self.artists, self.frame)
        self.png = self._drawn.get(self._key(self.values)) or self._render()
        if self._widgets is not None:
            self._sync_widgets()
        return self

    def _render(self):
        """Restore the static background, draw the moving artists, encode PNG."""
        self.canvas.restore_region(self._background)
        for name in self.moving:
            self.figure.draw_artist(self.artists[name])
        return encode_png(self.canvas)

    def background(self):
        """The picture without its moving artists: (H, W, 4) uint8 RGBA, a copy."""
        self.canvas.restore_region(self._background)
        pixels = np.asarray(self.canvas.buffer_rgba()).copy()
        self._render()
        return pixels

    def picture_at(self, **values):
        """The PNG bytes ``set(**values)`` would show, leaving the figure's values as they are.

        The last few pictures drawn this way are kept, so that ``set`` to one of those values
        (a slider moved to a picture the live widgets drew ahead) need not draw it again.
        """
        setting = self.checked(values)
        apply_frame(self.artists, self.frame_fn(**setting))
        png = self._render()
        apply_frame(self.artists, self.frame)
        self._drawn[self._key(setting)] = png
        while len(self._drawn) > self.KEEP_DRAWN:
            self._drawn.popitem(last=False)
        return png

    KEEP_DRAWN = 32
    """How many pictures ``picture_at`` keeps for ``set``."""

    @staticmethod
    def _key(setting):
        return tuple(sorted(setting.items()))

    def img_html(self):
        """The current picture as an HTML <img> with its alt text."""
        data = base64.b64encode(self.png).decode("ascii")
        width = int(self.figure.bbox.width)
        return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" '
                f'style="width:100%;max-width:{width}px;height:auto" class="knob-figure">')

    def widget(self):
        """The ipywidgets view: the picture above one control per knob."""
        if self._widgets is None:
            from . import controls  # ipywidgets is imported only when sliders are wanted
            self._widgets = controls.build(self)
        return self._widgets.box

    def _sync_widgets(self):
        self._widgets.show(self)

    def _ipython_display_(self):
        from IPython.display import display
        display(self.widget())
