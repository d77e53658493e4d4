"""Frames of a knob figure, recorded once per distinct content of each moving artist."""
import hashlib

import numpy as np
from nnlib.knobs import apply_frame

from .recorder import Recorder


def feed(digest, data):
    """Feed ``data`` (arrays, numbers, strings and containers of them) into a hash; False if it
    holds anything else (then the artist is drawn afresh every frame)."""
    if isinstance(data, np.ndarray):
        if data.dtype == object:
            return all(feed(digest, item) for item in data.ravel())
        digest.update(f"a{data.dtype}{data.shape}".encode())
        digest.update(np.ascontiguousarray(data).tobytes())
        return True
    if isinstance(data, (list, tuple)):
        digest.update(b"(" if isinstance(data, tuple) else b"[")
        ok = all(feed(digest, item) for item in data)
        digest.update(b")")
        return ok
    if isinstance(data, dict):
        digest.update(b"{")
        ok = all(feed(digest, key) and feed(digest, data[key]) for key in sorted(data, key=repr))
        digest.update(b"}")
        return ok
    if data is None or isinstance(data, (str, bool, int, float, np.number, np.bool_)):
        digest.update(f"{type(data).__name__}:{data!r};".encode())
        return True
    return False


def _digest(data):
    digest = hashlib.blake2b(digest_size=16)
    return digest.hexdigest() if feed(digest, data) else None


class FrameRecorder:
    """Records frames of a knob figure as lists of op indices into shared :class:`Tables`.

    Each moving artist's ops are kept per content of its frame data: an artist
    whose data is the same as in an earlier frame (it depends on other knobs
    only) is not drawn again. Artists are independent (each is moved only by
    its own entry of the frame), so this gives the same ops as drawing afresh.
    """

    def __init__(self, knob_figure, tables):
        self.knob_figure = knob_figure
        self.tables = tables
        self.recorder = Recorder(knob_figure.canvas.get_renderer(), tables)
        self.order = list(knob_figure.moving)
        self.cache = {}

    def __call__(self, values):
        knob_figure = self.knob_figure
        frame = knob_figure.frame_fn(**values)
        ops = []
        for name in self.order:
            data = frame.get(name, self)         # ``self``: not moved by this frame
            key = (name, "unmoved" if data is self else _digest(data))
            if key[1] is None or key not in self.cache:
                artist = knob_figure.artists[name]
                if data is not self:
                    apply_frame({name: artist}, {name: data})
                found = [self.tables.op(op) for op in self.recorder.record([artist])]
                if key[1] is None:
                    ops += found
                    continue
                self.cache[key] = found
            ops += self.cache[key]
        return ops
