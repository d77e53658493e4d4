"""The frames contract, read from ``assets/frames-contract.json``: the one file that the
baker, the page's player (``assets/knob-player.js``) and the tests' replay all read.
``FRAMES.md`` beside this module explains every field.
"""
import json
import pathlib

FILE = pathlib.Path(__file__).resolve().parent.parent / "assets" / "frames-contract.json"
CONTRACT = json.loads(FILE.read_text(encoding="utf-8"))
VERSION = CONTRACT["version"]
OPS = CONTRACT["ops"]
STYLE_FIELDS = CONTRACT["style_fields"]


def frame_number(counts, indices):
    """The frame of a setting: (K,) knob indices on grids of (K,) counts, row-major (last fastest)."""
    if len(counts) != len(indices):
        raise ValueError(f"{len(indices)} indices for {len(counts)} knobs")
    number = 0
    for count, index in zip(counts, indices):
        if not 0 <= index < count:
            raise ValueError(f"index {index} is outside 0..{count - 1}")
        number = number * count + index
    return number


def frame_of(knobs, setting):
    """The frame of ``setting`` ({name: value}) among a header's ``knobs`` (each with its
    ``values``), as the player finds it; None when a value is not among the knob's values."""
    counts, indices = [], []
    for knob in knobs:
        wanted = setting[knob["name"]]
        found = [i for i, v in enumerate(knob["values"])
                 if v == wanted or (not isinstance(v, str) and abs(v - wanted) < 1e-9)]
        if not found:
            return None
        counts.append(len(knob["values"]))
        indices.append(found[0])
    return frame_number(counts, indices)


def chunk_file(path, chunk):
    """Where chunk ``chunk`` of a figure is on the site, relative to the site's root."""
    return CONTRACT["chunk_file"].format(path=path, chunk=chunk)
