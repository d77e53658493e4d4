"""Which knob values a baked figure stores: its grid.

Every value of every knob when that fits the frame limit. Otherwise sliders are made
coarser, the one with the most values first: a coarser slider keeps every ``every``-th
value counted from its default both ways, and both its ends (``Slider.grid(every)``), so
the page's slider has the live slider's whole range and starts where the live one starts.
Then each slider is made finer again while the grid still fits. Choices are never made
coarser. Every value a figure's declared settings name (``KnobFigure.settings``, the
settings its chapter's text relies on) is on the grid whatever its coarseness; the
coarsest grid (ends, default and those values) is kept even when it is over the limit.
Frames are numbered in the contract's grid order (``contract.frame_number``).
"""
import dataclasses
import itertools
import math

from nnlib.knobs import Choice

from . import contract


def plain_values(knob, every=1):
    """The knob's grid as JSON-friendly Python values (str, int or float)."""
    if isinstance(knob, Choice):
        return [str(v) for v in knob.grid()]
    return [int(v) if knob.integer else float(v) for v in knob.grid(every)]


@dataclasses.dataclass(frozen=True)
class Grid:
    """The baked values of each knob: ``every[name]``-th live values plus the ``keep``
    values (those of declared settings). knobs: Slider/Choice list in the figure's order."""

    knobs: tuple
    every: dict
    keep: dict = dataclasses.field(default_factory=dict)

    def values(self, knob):
        """The knob's baked values, ascending for a slider: a list of plain values."""
        base = plain_values(knob, self.every.get(knob.name, 1))
        if isinstance(knob, Choice):
            return base
        live = plain_values(knob)
        kept = {live[knob.index(v)] for v in self.keep.get(knob.name, ())}
        return sorted(set(base) | kept)

    def size(self):
        """Frames in the grid: the product of each knob's number of values."""
        return math.prod(len(self.values(knob)) for knob in self.knobs)

    def settings(self):
        """Every setting of the grid, in frame order: an iterator of {name: value}."""
        names = [knob.name for knob in self.knobs]
        for combination in itertools.product(*(self.values(knob) for knob in self.knobs)):
            yield dict(zip(names, combination))

    def frame(self, setting):
        """The frame number of ``setting`` ({name: value}), or None when it is not on the grid."""
        return contract.frame_of([{"name": k.name, "values": self.values(k)} for k in self.knobs], setting)

    def is_live(self):
        """True when every knob has every live value."""
        return all(self.every.get(k.name, 1) == 1 for k in self.knobs)

    def describe(self, knob):
        """One line for the report: 'w: 31 values, step 0.2 (live 0.1)'."""
        if isinstance(knob, Choice):
            return f"{knob.name}: {len(knob.options)} options"
        count, every = len(self.values(knob)), self.every.get(knob.name, 1)
        if every == 1:
            return f"{knob.name}: {count} values, step {knob.step:g} (live)"
        return f"{knob.name}: {count} values, step {knob.step * every:g} (live {knob.step:g})"


def kept_values(settings):
    """{knob name: values the declared settings give it}."""
    kept = {}
    for setting in settings:
        for name, value in setting.items():
            kept.setdefault(name, []).append(value)
    return kept


def plan(knobs, max_frames, settings=()):
    """The finest :class:`Grid` of at most ``max_frames`` frames holding ``settings``' values."""
    knobs = tuple(knobs)
    every = {knob.name: 1 for knob in knobs}
    keep = kept_values(settings)
    sliders = [knob for knob in knobs if not isinstance(knob, Choice)]

    def size():
        return Grid(knobs, every, keep).size()

    def count(knob):
        return len(knob.grid(every[knob.name]))

    def fewest(knob):                    # its ends and its default
        return len(knob.grid(knob.count))

    while size() > max_frames:
        coarser = [k for k in sliders if count(k) > fewest(k)]
        if not coarser:
            break       # the coarsest grid: both ends, the default and the text's settings of each slider
        knob = max(coarser, key=count)
        before = count(knob)
        while count(knob) == before:        # the next step that really drops a value
            every[knob.name] += 1
    for knob in sorted(sliders, key=count):
        while every[knob.name] > 1:
            every[knob.name] -= 1
            if size() > max_frames:
                every[knob.name] += 1
                break
    for knob in sliders:         # the text's settings may fill in every live value: then it is live
        if len(Grid(knobs, every, keep).values(knob)) == len(knob.grid()):
            every[knob.name] = 1
    return Grid(knobs, dict(every), keep)
