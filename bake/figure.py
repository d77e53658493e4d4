"""Bake one knob figure: plan its grid, record its chunks on every core, report the cost."""
import bisect
import math
import concurrent.futures
import dataclasses
import multiprocessing
import os
import time

from nnlib.knobs import apply_frame

from . import grid, payload
from .budget import Budget, chunk_frames, estimate, frame_limit, gzip_size
from .encode import image_data_url

_FIGURE = None
"""The figure that forked workers record: inherited by the fork, never pickled."""


def _record(settings):
    return payload.record_chunk(_FIGURE, settings)


def record_chunks(knob_figure, pieces, workers):
    """One chunk per list of settings in ``pieces``, recorded by ``workers`` forked processes."""
    global _FIGURE
    if workers <= 1 or len(pieces) <= 1:
        chunks = [payload.record_chunk(knob_figure, piece) for piece in pieces]
        apply_frame(knob_figure.artists, knob_figure.frame)      # the figure as it was
        return chunks
    _FIGURE = knob_figure
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(min(workers, len(pieces)), mp_context=context) as pool:
            return list(pool.map(_record, pieces))
    finally:
        _FIGURE = None


def split_oversized(knob_figure, pieces, chunks, budget, workers):
    """Halve every chunk above ``budget.chunk_bytes`` and record the halves, until all fit."""
    while True:
        sizes = [gzip_size(chunk) for chunk in chunks]
        over = [i for i, size in enumerate(sizes) if size > budget.chunk_bytes and len(pieces[i]) > 1]
        if not over:
            return pieces, chunks, sizes
        halves = []
        for i in over:
            middle = len(pieces[i]) // 2
            halves += [pieces[i][:middle], pieces[i][middle:]]
        recorded = iter(record_chunks(knob_figure, halves, workers))
        new_pieces, new_chunks, halves = [], [], iter(halves)
        for i, (piece, chunk) in enumerate(zip(pieces, chunks)):
            if i in over:
                new_pieces += [next(halves), next(halves)]
                new_chunks += [next(recorded), next(recorded)]
            else:
                new_pieces.append(piece)
                new_chunks.append(chunk)
        pieces, chunks = new_pieces, new_chunks


def bake(knob_figure, budget=None, workers=None):
    """Record every frame of ``knob_figure`` on its grid: a :class:`payload.Baked`.

    budget: a :class:`Budget` (default ``Budget()``).  workers: processes that record
    chunks side by side (default: one per core). The figure is left as it was.
    """
    budget = budget or Budget()
    workers = workers or os.cpu_count() or 1
    start = time.perf_counter()
    knobs = list(knob_figure.knobs.values())
    seconds, per_frame = estimate(knob_figure, knobs)
    limit, binding = frame_limit(budget, seconds, per_frame, workers)
    planned = grid.plan(knobs, limit, knob_figure.settings)
    settings = list(planned.settings())
    size = chunk_frames(budget, per_frame)
    if len(settings) >= 100 * workers:        # at least one piece per core, so every core records
        size = min(size, -(-len(settings) // workers))
    pieces = [settings[first:first + size] for first in range(0, len(settings), size)]
    chunks = record_chunks(knob_figure, pieces, workers)
    pieces, chunks, sizes = split_oversized(knob_figure, pieces, chunks, budget, workers)
    starts = [0]
    for piece in pieces[:-1]:
        starts.append(starts[-1] + len(piece))
    default = planned.frame({k.name: k.default for k in knobs})
    default_chunk = bisect.bisect_right(starts, default) - 1
    background = image_data_url(knob_figure.background())
    head = payload.header(knob_figure, planned, background, starts, chunks, default_chunk)
    full = math.prod(k.count for k in knobs)
    first_load = gzip_size(head)
    report = {
        "id": head["id"], "alt": knob_figure.alt, "frames": len(settings), "full_frames": full,
        "rule": "live steps" if planned.is_live() else "coarser",
        "limited_by": None if planned.is_live() else binding,
        "grid": [planned.describe(k) for k in knobs],
        "every": planned.every, "chunks": len(chunks), "largest_chunk_gzip": max(sizes),
        "first_load_gzip": first_load,
        "gzip_bytes": first_load - sizes[default_chunk] + sum(sizes),
        "seconds": round(time.perf_counter() - start, 3), "workers": workers, "cached": False,
        "estimate": {"seconds_per_frame": round(seconds, 5), "gzip_bytes_per_frame": round(per_frame, 1)},
        "budget": dataclasses.asdict(budget),
    }
    return payload.Baked(head, chunks, report)
