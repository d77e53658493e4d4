"""A cache of baked figures, so that an unchanged figure is not baked again.

The key is a digest of what the frames depend on: the code (every source file of nnlib
and of the baker, and the frames contract), the figure's data as drawn (its background
pixels and the frame data at its default setting, which carry whatever data it was
given), its knobs, size and alt text, and the budget. Any change to one of them bakes
the figure afresh; a change to a chapter's prose changes none of them.
"""
import hashlib
import json
import pathlib
import shutil

import nnlib

from . import contract
from .frames import feed
from .payload import Baked, compact

SOURCES = (pathlib.Path(nnlib.__file__).resolve().parent, pathlib.Path(__file__).resolve().parent)


def code_digest():
    """Digest of nnlib's and the baker's Python sources and the contract file."""
    digest = hashlib.sha256()
    for folder in SOURCES:
        for path in sorted(folder.rglob("*.py")):
            digest.update(path.relative_to(folder.parent).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(contract.FILE.read_bytes())
    return digest.hexdigest()


def key(knob_figure, budget, code=None):
    """The cache key of ``knob_figure`` baked under ``budget``: 32 hex digits."""
    digest = hashlib.sha256((code or code_digest()).encode())
    digest.update(repr((knob_figure.alt, knob_figure.figure.get_size_inches().tolist(), knob_figure.figure.dpi,
                        [repr(k) for k in knob_figure.knobs.values()], sorted(knob_figure.fixed),
                        list(knob_figure.moving), budget)).encode())
    digest.update(knob_figure.background().tobytes())
    defaults = {name: knob.default for name, knob in knob_figure.knobs.items()}
    if not feed(digest, knob_figure.frame_fn(**defaults)):
        return None                     # frame data we cannot digest: never cached
    return digest.hexdigest()[:32]


class Cache:
    """Baked figures stored under ``folder``/<key>/ (header, chunks and report as JSON)."""

    def __init__(self, folder):
        self.folder = pathlib.Path(folder)

    def get(self, cache_key):
        """The stored :class:`Baked` for ``cache_key``, or None."""
        where = self.folder / str(cache_key)
        if cache_key is None or not (where / "done").exists():
            return None
        header = json.loads((where / "header.json").read_text(encoding="utf-8"))
        report = json.loads((where / "report.json").read_text(encoding="utf-8"))
        chunks = [json.loads((where / f"{n}.json").read_text(encoding="utf-8"))
                  for n in range(len(header["chunks"]["starts"]))]
        return Baked(header, chunks, dict(report, cached=True))

    def put(self, cache_key, baked):
        if cache_key is None:
            return
        where = self.folder / cache_key
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        (where / "header.json").write_text(compact(baked.header), encoding="utf-8")
        (where / "report.json").write_text(compact(baked.report), encoding="utf-8")
        for n, chunk in enumerate(baked.chunks):
            (where / f"{n}.json").write_text(compact(chunk), encoding="utf-8")
        (where / "done").write_text("")       # written last: a half-written entry is never read
