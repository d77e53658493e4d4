"""How much a baked figure may cost: frames, bytes as served, and seconds of recording.

The bytes are those a reader downloads (gzip, as a web server sends JSON). A figure's
frames are split into chunks: the page carries the chunk of the figure's default setting,
and fetches any other from the site the first time the reader needs it.
"""
import dataclasses
import gzip
import json
import time

import numpy as np
from nnlib.knobs import apply_frame

from . import grid
from .frames import FrameRecorder
from .tables import Tables


@dataclasses.dataclass(frozen=True)
class Budget:
    """Per-figure limits.

    frames: frames in the grid.  chunk_bytes: gzip bytes of one chunk (the page carries
    one, the reader fetches the others).  figure_bytes: gzip bytes of all the figure's
    chunks together (what the site stores).  seconds: estimated seconds of recording
    (with the chunks recorded on every core), from the processor time one frame takes, so
    that a busy machine does not give a figure a coarser grid than a quiet one.
    """

    frames: int = 60_000
    chunk_bytes: int = 400 * 1024
    figure_bytes: int = 4 * 1024 * 1024
    seconds: float = 8.0


def gzip_size(data):
    """Bytes of ``data`` (JSON-able) once written compactly and gzip-compressed."""
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return len(gzip.compress(text, 6))


def estimate(knob_figure, knobs, sample=40):
    """(seconds, gzip bytes) per frame, from ``sample`` settings drawn at random from the grid.

    The seconds are this process's processor time (time.process_time), not the wall clock:
    other programs on the machine slow the clock, not the work a frame takes. Pessimistic: random settings share less of their content than neighbouring frames of a
    chunk do, so both the time and the bytes per frame come out high.
    """
    tables = Tables()
    record = FrameRecorder(knob_figure, tables)
    rng = np.random.default_rng(0)
    options = [(k.name, grid.plain_values(k)) for k in knobs]
    frames, start = [], time.process_time()
    for _ in range(sample):
        frames.append(record({name: values[rng.integers(len(values))] for name, values in options}))
    seconds = (time.process_time() - start) / len(frames)
    apply_frame(knob_figure.artists, knob_figure.frame)
    return seconds, gzip_size([list(tables.ops), frames]) / len(frames)


def frame_limit(budget, seconds, per_frame, workers):
    """(most frames the figure may have, which limit binds)."""
    limits = {"frames": budget.frames}
    if per_frame:
        limits["bytes"] = int(budget.figure_bytes / per_frame)
    if seconds:
        limits["seconds"] = int(budget.seconds * workers / seconds)
    binding = min(limits, key=limits.get)
    return max(limits[binding], 1), binding


def chunk_frames(budget, per_frame):
    """Frames per chunk so that a chunk stays within ``budget.chunk_bytes`` (with room to spare)."""
    return max(1, int(0.6 * budget.chunk_bytes / max(per_frame, 1.0)))
