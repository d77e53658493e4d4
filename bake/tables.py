"""The shared, de-duplicated parts of a chunk of frames: styles, clips, shapes, glyphs,
pictures and operations, each stored once and referred to by its index.
"""
import hashlib
import json

import numpy as np

from .encode import image_data_url


class Tables:
    """The shared, deduplicated parts of a payload: styles, clips, shapes, glyphs, images, ops."""

    def __init__(self):
        self.styles, self.clips, self.shapes, self.ops = {}, {}, {}, {}
        self.pictures = {}        # bytes digest -> (index, (H, W, 4) uint8 RGBA)
        self.glyphs = {}          # cache key -> (index, bitmap (h, w) uint8, dx, dy)
        self.hatches = {}         # hatch key -> picture index
        self.layouts = {}         # text and font -> its glyphs as Agg lays them out

    @staticmethod
    def _index(table, key):
        if key not in table:
            table[key] = len(table)
        return table[key]

    def style(self, key):
        return self._index(self.styles, key)

    def clip(self, key):
        return self._index(self.clips, key)

    def shape(self, data):
        return self._index(self.shapes, data)

    def picture(self, rgba):
        """Index of an RGBA image (stored once, packed into sheets by :meth:`sheets`)."""
        rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
        key = hashlib.blake2b(rgba.tobytes() + str(rgba.shape).encode(), digest_size=16).digest()
        if key not in self.pictures:
            self.pictures[key] = (len(self.pictures), rgba)
        return self.pictures[key][0]

    def sheets(self, tallest=8192):
        """Pack the pictures into a few PNG sheets: (data URLs, [[sheet, x, y, w, h], ...]).

        Pictures of one size share sheets (columns of them), each with a one-pixel border
        repeating its edge, so a browser smoothing an enlarged picture never reads its
        neighbour. A sheet is a palette PNG when it has at most 256 colours.
        """
        pictures = [rgba for _, rgba in sorted(self.pictures.values(), key=lambda v: v[0])]
        by_size = {}
        for index, rgba in enumerate(pictures):
            by_size.setdefault(rgba.shape[:2], []).append(index)
        urls, placed = [], [None] * len(pictures)
        for (h, w), indices in by_size.items():
            per_column = max(1, tallest // (h + 2))
            columns = max(1, min(-(-len(indices) // per_column), max(1, 8192 // (w + 2))))
            per_sheet = per_column * columns
            for start in range(0, len(indices), per_sheet):
                group = indices[start:start + per_sheet]
                rows = min(per_column, len(group))
                cols = -(-len(group) // rows)
                sheet = np.zeros((rows * (h + 2), cols * (w + 2), 4), np.uint8)
                for n, index in enumerate(group):
                    col, row = divmod(n, rows)
                    y, x = row * (h + 2), col * (w + 2)
                    sheet[y:y + h + 2, x:x + w + 2] = np.pad(pictures[index], ((1, 1), (1, 1), (0, 0)),
                                                             mode="edge")
                    placed[index] = [len(urls), x + 1, y + 1, w, h]
                urls.append(image_data_url(sheet))
        return urls, placed

    def op(self, op):
        return self._index(self.ops, json.dumps(op, separators=(",", ":")))

    def atlas(self):
        """Pack the glyph bitmaps in rows: (atlas data URL, [[sx, sy, w, h, dx, dy], ...])."""
        glyphs = sorted(self.glyphs.values())
        width = 512
        placed, x, y, row = [], 0, 0, 0
        for _, bitmap, dx, dy in glyphs:
            h, w = bitmap.shape
            if x + w > width:
                x, y, row = 0, y + row + 1, 0
            placed.append((x, y, w, h, dx, dy))
            x, row = x + w + 1, max(row, h)
        if not glyphs:
            return None, []
        atlas = np.zeros((y + row + 1, width, 4), np.uint8)
        for (sx, sy, w, h, _, _), (_, bitmap, _, _) in zip(placed, glyphs):
            atlas[sy:sy + h, sx:sx + w, 3] = bitmap
        return image_data_url(atlas), [list(p) for p in placed]
