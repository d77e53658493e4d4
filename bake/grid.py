"""Which knob values a baked figure stores: its grid.

Every value of every knob when that fits the frame limit. Otherwise sliders are made
coarser, the one with the most values first: a coarser slider keeps every ``every``-th
value counted from its default both ways, and both its ends (``Slider.grid(every)``), so
the page's slider has the live slider's whole range and starts where the live one starts.
Then each slider is made finer again while the grid still fits. Choices are never made
coarser. Frames are numbered in the contract's grid order (``contract.frame_number``).
"""
import itertools
import math

from nnlib.knobs import Choice

from .errors import BakeError


def size(knobs, every):
    """Frames in the grid: the product of each knob's number of values."""
    return math.prod(len(knob.grid(every.get(knob.name, 1))) for knob in knobs)


def plan(knobs, max_frames):
    """{knob name: every} for the finest grid of at most ``max_frames`` frames (see module doc)."""
    every = {knob.name: 1 for knob in knobs}
    sliders = [knob for knob in knobs if not isinstance(knob, Choice)]

    def count(knob):
        return len(knob.grid(every[knob.name]))

    def fewest(knob):                    # its ends and its default
        return len(knob.grid(knob.count))

    while size(knobs, every) > max_frames:
        coarser = [k for k in sliders if count(k) > fewest(k)]
        if not coarser:
            raise BakeError(f"no grid of {[k.name for k in knobs]} fits {max_frames} frames")
        knob = max(coarser, key=count)
        before = count(knob)
        while count(knob) == before:        # the next step that really drops a value
            every[knob.name] += 1
    for knob in sorted(sliders, key=count):
        while every[knob.name] > 1:
            every[knob.name] -= 1
            if size(knobs, every) > max_frames:
                every[knob.name] += 1
                break
    return every


def settings(knobs, every):
    """Every setting of the grid, in frame order: an iterator of {name: value}."""
    names = [knob.name for knob in knobs]
    values = [plain_values(knob, every.get(knob.name, 1)) for knob in knobs]
    for combination in itertools.product(*values):
        yield dict(zip(names, combination))


def plain_values(knob, every=1):
    """The knob's grid as JSON-friendly Python values (str, int or float)."""
    if isinstance(knob, Choice):
        return [str(v) for v in knob.grid()]
    return [int(v) if knob.integer else float(v) for v in knob.grid(every)]


def describe(knob, every):
    """One line for the report: 'w: 31 values, every 2nd (step 0.2 of 0.1)'."""
    if isinstance(knob, Choice):
        return f"{knob.name}: {len(knob.options)} options"
    count = len(knob.grid(every))
    if every == 1:
        return f"{knob.name}: {count} values, step {knob.step:g} (live)"
    return f"{knob.name}: {count} values, step {knob.step * every:g} (live {knob.step:g})"
