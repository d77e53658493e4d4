"""What a baked figure ships: a header in the page and its frames in chunks.

The header (JSON in ``<script type="application/json" class="knob-frames">``) holds the
figure's size, knobs, background and chunk index, and the chunk of the default setting
inline. Each chunk is self-contained: its own styles, clips, shapes, glyph atlas,
pictures and operations, and one list of operations per frame. ``FRAMES.md`` is the
written contract; ``assets/frames-contract.json`` its machine-readable part.
"""
import dataclasses
import hashlib
import json

from nnlib.knobs import Choice

from . import contract
from .frames import FrameRecorder
from .tables import Tables


def compact(data):
    """JSON as the site stores it: no spaces, UTF-8."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def record_chunk(knob_figure, settings):
    """Record the frames of ``settings`` (a list of {name: value}) into one chunk: a dict."""
    tables = Tables()
    record = FrameRecorder(knob_figure, tables)
    frames = [record(values) for values in settings]
    atlas, glyphs = tables.atlas()
    sheets, pictures = tables.sheets()
    chunk = {"styles": [json.loads(s) for s in tables.styles], "clips": [list(c) for c in tables.clips],
             "shapes": list(tables.shapes), "atlas": atlas, "glyphs": glyphs,
             "sheets": sheets, "pictures": pictures, "ops": [json.loads(o) for o in tables.ops],
             "frames": frames}
    return json.loads(compact(chunk))        # plain JSON values, as the page and the cache get them


def knob_entry(knob, planned):
    """A knob as the header describes it: its baked values (the player counts them, the page's
    slider offers them) and, for a slider, how much coarser than live it is."""
    entry = {"name": knob.name, "label": knob.label, "values": planned.values(knob)}
    if isinstance(knob, Choice):
        return dict(entry, kind="choice")
    return dict(entry, kind="slider", every=planned.every.get(knob.name, 1),
                live_step=float(knob.step), integer=bool(knob.integer))


@dataclasses.dataclass
class Baked:
    """A baked figure: the page's header, every chunk, and a report of what it cost."""

    header: dict
    chunks: list
    report: dict

    @property
    def id(self):
        return self.header["id"]

    def html(self):
        """The ``<script type="application/json" class="knob-frames">`` the player looks for."""
        text = compact(self.header).replace("<", "\\u003c")
        return f'<script type="application/json" class="knob-frames">{text}</script>'

    def chunk_text(self, index):
        return compact(dict(self.chunks[index], v=contract.VERSION, id=self.id, chunk=index))


def header(knob_figure, planned, background, starts, chunks, default_chunk):
    """The page's part of a baked figure, its id a digest of everything it and its chunks hold."""
    width, height = (int(v) for v in knob_figure.canvas.get_width_height())
    head = {"v": contract.VERSION, "id": "", "width": width, "height": height, "alt": knob_figure.alt,
            "knobs": [knob_entry(k, planned) for k in planned.knobs], "background": background,
            "chunks": {"starts": starts, "path": "", "inline": {}}}
    digest = hashlib.sha1(compact(head).encode())
    for chunk in chunks:
        digest.update(compact(chunk).encode())
    head["id"] = digest.hexdigest()[:12]
    head["chunks"]["path"] = f"frames/{head['id']}/"
    head["chunks"]["inline"] = {str(default_chunk): chunks[default_chunk]}
    return head
