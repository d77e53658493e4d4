"""Bake knob figures into frames a static web page replays without a kernel.

When the book is built, every chapter runs in a kernel and every knob figure is
shown once. If the environment variable ``NNLIB_BAKE`` is set (only the book
build sets it), :meth:`KnobFigure.widget` also calls :func:`bake_widgets`: it
walks the figure's knob grid, calls the figure's pure ``frame`` function for
every setting and records how the moving artists would be drawn. The page's
player (``assets/knob-player.js``) draws those records on a ``<canvas>`` as
the reader turns the sliders: the book's own Python, replayed.

What a baked figure stores (the *payload*, JSON):

- ``background``: one image (lossless WebP) of everything that never moves;
- ``ops``: drawing operations in canvas pixels (y down), each stored once:
  a path (SVG path data, 0.1 px), a stamp (one marker shape at many places),
  glyphs (bitmaps FreeType rendered exactly as for Agg, kept in one atlas) or
  a picture (an image's own data, scaled by the browser, kept in sheets);
- ``styles``: colours, line widths, dashes, caps, joins, clips and hatches,
  each distinct style stored once;
- ``frames``: for every knob setting, the list of its ops (indices).

Each moving artist is recorded once per distinct frame data (an artist that
depends on one knob of three is drawn a third as often), so baking costs about
what the live kernel spends on the same moves, and usually less.

The grid rule: every value of every Slider (``knob.grid()``) and every option
of every Choice, if that fits the budget (:data:`BUDGET`: at most 2,000 frames
and 384 KiB of gzip-compressed payload per figure). Otherwise the sliders are
coarsened by whole multiples of their step, the slider with the most values
first, keeping each slider's minimum, default and maximum on the grid; then
each slider is refined again while the grid still fits. Only if no such grid
fits may a slider's grid be centred on its default and stop short of its ends
(by less than one coarse step). Choices are never coarsened. The baked page's
sliders get the coarse step (and range), so every value a reader can reach has
a frame; a live kernel keeps the fine step. ``bake`` reports which rule applied.

Nothing happens on import; ``NNLIB_BAKE`` is read when a widget is built.
"""
import base64
import dataclasses
import gzip
import hashlib
import io
import itertools
import json
import math
import os
import pathlib
import time

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.image import AxesImage
from matplotlib.path import Path
from matplotlib.transforms import Affine2D
from PIL import Image, features

from .knobs import Choice, apply_frame

ENV = "NNLIB_BAKE"
"""Set (to anything but ``0``) by the book build: knob figures bake their frames."""
DIR_ENV = "NNLIB_BAKE_DIR"
"""Optional folder: one JSON report per baked figure, plus reference renders for tests."""
FORMAT = 1


@dataclasses.dataclass(frozen=True)
class Budget:
    """Per-figure limits: frames, bytes of the payload once gzip-compressed (as served),
    and estimated seconds of baking.

    The first two decide the grid and are deterministic. The time limit is a guard
    against the build's per-cell timeout (120 s): estimated from a sample drawn with
    few cache hits, it overstates, and binds only for figures whose every frame is
    slow to draw (the report then says so).
    """

    frames: int = 2000
    gzip_bytes: int = 384 * 1024
    seconds: float = 75.0


BUDGET = Budget()


class BakeError(RuntimeError):
    """A figure that cannot be baked (an unsupported drawing feature, or no grid fits)."""


def enabled():
    """True when the book build asked for baking (``NNLIB_BAKE`` set and not ``0``)."""
    return os.environ.get(ENV, "") not in ("", "0")


# ------------------------------------------------------------------ encoding

MOVETO, LINETO, CURVE3, CURVE4, CLOSEPOLY, STOP = (Path.MOVETO, Path.LINETO, Path.CURVE3,
                                                   Path.CURVE4, Path.CLOSEPOLY, Path.STOP)
_LETTER = {MOVETO: "m", LINETO: "l", CURVE3: "q", CURVE4: "c"}
_VERTICES = {MOVETO: 1, LINETO: 1, CURVE3: 2, CURVE4: 3}


def _tenths(value):
    """An integer number of tenths of a pixel as short text: 12 -> '1.2', -3 -> '-.3', 40 -> '4'."""
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(int(value)), 10)
    if not tenth:
        return f"{sign}{whole}"
    return f"{sign}{whole or ''}.{tenth}"


def _join(numbers):
    """Numbers as SVG path text: separated by spaces, except before a minus sign."""
    out = []
    for number in numbers:
        text = _tenths(number)
        if out and text[0] != "-":
            out.append(" ")
        out.append(text)
    return "".join(out)


def path_data(vertices, codes):
    """SVG path data (relative commands, 0.1 px) for canvas-space vertices (V, 2) and codes (V,).

    The first move is absolute; later points are differences of rounded
    coordinates, so rounding never accumulates.
    """
    q = np.round(np.asarray(vertices, float) * 10).astype(np.int64)
    parts, here, start, previous, i = [], (0, 0), (0, 0), None, 0
    while i < len(codes):
        code = codes[i]
        if code == STOP:
            break
        if code == CLOSEPOLY:
            parts.append("z")
            here, previous, i = start, None, i + 1
            continue
        count = _VERTICES.get(code)
        if count is None:
            raise BakeError(f"unknown path code {code}")
        points = q[i:i + count]
        numbers = []
        for x, y in points:
            numbers += [x - here[0], y - here[1]]
        letter = _LETTER[code]
        if code == MOVETO and not parts:
            letter, numbers = "M", [points[0][0], points[0][1]]
        text = _join(numbers)
        if letter == previous and letter != "m":
            parts.append(text if text[0] == "-" else " " + text)
        else:
            parts.append(letter + text)
        here = tuple(points[-1])
        if code == MOVETO:
            start = here
        previous, i = letter, i + count
    return "".join(parts)


def css_color(rgba, alpha=None):
    """'#rrggbb' for an opaque colour, else 'rgba(r,g,b,a)'."""
    r, g, b = (int(round(float(c) * 255)) for c in rgba[:3])
    a = float(rgba[3]) if alpha is None and len(rgba) > 3 else (1.0 if alpha is None else float(alpha))
    if a >= 1.0:
        return f"#{r:02x}{g:02x}{b:02x}"
    return f"rgba({r},{g},{b},{round(a, 3):g})"


def image_data_url(rgba):
    """A compact, lossless data URL for an (H, W, 4) uint8 RGBA image.

    WebP lossless (a third of the PNG's size for a figure background) when Pillow
    can write it, else PNG with a palette when the image has at most 256 colours.
    """
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    opaque = bool((rgba[..., 3] == 255).all())
    out = io.BytesIO()
    if features.check("webp"):
        image = Image.fromarray(rgba[..., :3] if opaque else rgba, "RGB" if opaque else "RGBA")
        image.save(out, format="webp", lossless=True, quality=100, method=4, exact=True)
        return "data:image/webp;base64," + base64.b64encode(out.getvalue()).decode("ascii")
    colours, index = np.unique(rgba.reshape(-1, 4).view(np.uint32), return_inverse=True)
    options = {"optimize": True}
    if len(colours) <= 256:
        palette = colours.view(np.uint8).reshape(-1, 4)
        image = Image.fromarray(index.reshape(rgba.shape[:2]).astype(np.uint8), "P")
        image.putpalette(palette[:, :3].ravel().tolist())
        if (palette[:, 3] < 255).any():
            options["transparency"] = bytes(palette[:, 3].tolist())
    else:
        image = Image.fromarray(rgba[..., :3] if opaque else rgba, "RGB" if opaque else "RGBA")
    image.save(out, format="png", **options)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


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


# ------------------------------------------------------------------ the recorder

def _should_snap(vertices, codes, snap):
    """Whether Agg would snap this path to pixel centres: its PathSnapper rule (``snap`` None:
    at most 1024 vertices, no curves, every line segment horizontal or vertical)."""
    if snap is not None:
        return bool(snap)
    if len(vertices) > 1024 or len(vertices) == 0:
        return False
    codes = np.full(len(vertices), LINETO) if codes is None else np.asarray(codes)
    if ((codes == CURVE3) | (codes == CURVE4)).any():
        return False
    steps = np.abs(np.diff(vertices, axis=0))[codes[1:] == LINETO]
    return bool(((steps[:, 0] < 1e-4) | (steps[:, 1] < 1e-4)).all())


class Recorder(RendererBase):
    """A matplotlib renderer that records drawing operations instead of painting pixels.

    It answers every question about sizes exactly as the figure's Agg renderer
    does (text metrics, points to pixels), so artists lay out identically, and
    it records what Agg would paint: paths cleaned, snapped and simplified by
    matplotlib's own path code, marker stamps at whole pixels, glyph bitmaps
    rendered by FreeType at Agg's sub-pixel positions.
    """

    def __init__(self, agg, tables):
        super().__init__()
        self._agg = agg
        self.tables = tables
        self.width, self.height, self.dpi = agg.width, agg.height, agg.dpi
        self._flip = Affine2D().scale(1.0, -1.0).translate(0.0, self.height)
        self._merge = False       # True while drawing the elements of one collection
        self.ops = []

    # --- questions answered like Agg
    def get_canvas_width_height(self):
        return self.width, self.height

    def get_text_width_height_descent(self, s, prop, ismath):
        return self._agg.get_text_width_height_descent(s, prop, ismath)

    def points_to_pixels(self, points):
        return points * self.dpi / 72

    def option_image_nocomposite(self):
        return True

    def new_gc(self):
        return GraphicsContextBase()

    # --- styles
    def _clip(self, gc):
        """Index of the clip (rectangle rounded as Agg rounds it, or a path), -1 for none."""
        keys = []
        box = gc.get_clip_rectangle()
        if box is not None:
            x0, x1 = math.floor(box.x0 + 0.5), math.floor(box.x1 + 0.5)
            y0 = math.floor(self.height - box.y1 + 0.5)
            y1 = math.floor(self.height - box.y0 + 0.5)
            keys.append(("rect", max(x0, 0), max(y0, 0), min(x1, int(self.width)) - max(x0, 0),
                         min(y1, int(self.height)) - max(y0, 0)))
        path, transform = gc.get_clip_path()
        if path is not None:
            clean = path.cleaned(transform=transform + self._flip, remove_nans=True, curves=True)
            keys.append(("path", path_data(clean.vertices, clean.codes)))
        if not keys:
            return -1
        return self.tables.clip(tuple(keys))

    def _style(self, gc, fill=None, *, stroke=True, hatch=-1):
        """Index of the style: fill, stroke colour, width (px), dashes, cap, join, clip, hatch."""
        if gc.get_sketch_params() is not None:
            raise BakeError("sketched (xkcd-style) lines cannot be baked")
        width = self.points_to_pixels(gc.get_linewidth()) if stroke else 0.0
        rgb = gc.get_rgb()
        stroke_color = css_color(rgb) if width > 0 and rgb[3] > 0 else 0
        dashes = 0
        offset, pattern = gc.get_dashes()
        if stroke_color and pattern is not None and len(pattern):
            scale = self.dpi / 72
            dashes = [round((offset or 0) * scale, 2)] + [round(d * scale, 2) for d in pattern]
        key = (fill or 0, stroke_color, round(width, 3) if stroke_color else 0, dashes,
               gc.get_capstyle()[0] if stroke_color else "b",
               gc.get_joinstyle()[0] if stroke_color else "m", self._clip(gc), hatch)
        return self.tables.style(json.dumps(key, separators=(",", ":")))

    def _fill(self, gc, rgb_face):
        """The fill colour as Agg computes it (the gc alpha replaces it when forced), or None."""
        if rgb_face is None:
            return None
        rgb_face = tuple(rgb_face)
        alpha = gc.get_alpha() if len(rgb_face) == 3 or gc.get_forced_alpha() else rgb_face[3]
        if alpha == 0:
            return None
        return css_color(rgb_face[:3], alpha)

    def _hatch(self, gc):
        """Image index of the gc's hatch pattern, rendered by Agg at the page's phase."""
        if gc.get_hatch() is None:
            return -1
        key = (gc.get_hatch(), tuple(gc.get_hatch_color()), gc.get_hatch_linewidth(),
               tuple(gc.get_rgb()))
        if key not in self.tables.hatches:
            self.tables.hatches[key] = self._hatch_image(gc)
        return self.tables.hatches[key]

    def _hatch_image(self, gc):
        from matplotlib.backends.backend_agg import RendererAgg
        agg = RendererAgg(self.width, self.height, self.dpi)
        hatch_gc = GraphicsContextBase()
        hatch_gc.copy_properties(gc)
        hatch_gc.set_linewidth(0)
        hatch_gc.set_clip_rectangle(None)
        hatch_gc.set_clip_path(None)
        whole = Path([(0, 0), (self.width, 0), (self.width, self.height), (0, self.height), (0, 0)],
                     closed=True)
        agg.draw_path(hatch_gc, whole, Affine2D())
        tile = np.asarray(agg.buffer_rgba()).copy()
        for period in (int(self.dpi), 72, 100):
            if period < tile.shape[0] and period < tile.shape[1] and np.array_equal(
                    tile[:, period:], tile[:, :-period]) and np.array_equal(tile[period:], tile[:-period]):
                tile = tile[:period, :period]
                break
        return self.tables.picture(tile)

    # --- drawing
    def draw_path(self, gc, path, transform, rgbFace=None):
        fill = self._fill(gc, rgbFace)
        hatch = self._hatch(gc)
        stroke_alpha = gc.get_rgb()[3]
        width = self.points_to_pixels(gc.get_linewidth()) if stroke_alpha > 0 else 0.0
        if fill is None and hatch < 0 and width <= 0:
            return
        clip = fill is None and hatch < 0
        clean = path.cleaned(transform=transform + self._flip, remove_nans=True,
                             clip=(-1, -1, self.width + 1, self.height + 1) if clip else None,
                             simplify=path.should_simplify and clip, curves=True,
                             stroke_width=width, snap=gc.get_snap())
        data = path_data(clean.vertices, clean.codes)
        if not data:
            return
        style = self._style(gc, fill, hatch=hatch)
        last = self.ops[-1] if self.ops else None
        # elements of one collection become one path when that paints the same pixels:
        # opaque, and either only filled or only stroked (else a fill would cover an edge)
        single = hatch < 0 and (fill is None) != (width <= 0)
        opaque = "rgba" not in (fill or "") and (width <= 0 or gc.get_rgb()[3] >= 1)
        if self._merge and single and opaque and last is not None and last[0] == 0 and last[1] == style:
            last[2] += data
        else:
            self.ops.append([0, style, data])

    def draw_markers(self, gc, marker_path, marker_trans, path, trans, rgbFace=None):
        fill = self._fill(gc, rgbFace)
        width = self.points_to_pixels(gc.get_linewidth())
        shape = marker_path.cleaned(transform=marker_trans + Affine2D().scale(1.0, -1.0),
                                    remove_nans=True, curves=True, stroke_width=width,
                                    snap=gc.get_snap())
        points = (trans + Affine2D().scale(1.0, -1.0).translate(0.5, self.height + 0.5)
                  ).transform(path.vertices) if len(path.vertices) else np.empty((0, 2))
        points = np.floor(points[np.isfinite(points).all(axis=1)])
        if not len(points):
            return
        kept = shape.codes != STOP
        if not _should_snap(shape.vertices[kept], shape.codes[kept], gc.get_snap()):
            points += 0.5        # Agg centres an unsnapped marker on the pixel (measured)
        style = self._style(gc, fill)
        offsets = (points * 10).astype(np.int64).ravel().tolist()
        self.ops.append([1, style, self.tables.shape(path_data(shape.vertices, shape.codes)), offsets])

    def draw_path_collection(self, gc, master_transform, paths, all_transforms, offsets,
                             offset_trans, facecolors, edgecolors, linewidths, linestyles,
                             antialiaseds, urls, offset_position, *, hatchcolors=None):
        """Each element as Agg draws it; a shape repeated at offsets (a scatter) becomes stamps."""
        self._merge = True
        try:
            self._collection(gc, master_transform, paths, all_transforms, offsets, offset_trans,
                             facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                             offset_position, [] if hatchcolors is None else hatchcolors)
        finally:
            self._merge = False

    def _collection(self, gc, master_transform, paths, all_transforms, offsets, offset_trans,
                    facecolors, edgecolors, linewidths, linestyles, antialiaseds, urls,
                    offset_position, hatchcolors):
        path_ids = list(self._iter_collection_raw_paths(master_transform, paths, all_transforms))
        shapes, run = {}, None
        for xo, yo, (path, transform), gc0, rgb_face in self._iter_collection(
                gc, path_ids, offsets, offset_trans, facecolors, edgecolors, linewidths,
                linestyles, antialiaseds, urls, offset_position, hatchcolors=hatchcolors):
            if (xo == 0 and yo == 0) or gc0.get_hatch() is not None:
                self.draw_path(gc0, path, transform, rgb_face)
                run = None
                continue
            key = (id(path), transform.to_values())
            if key not in shapes:
                local = path.cleaned(transform=transform + Affine2D().scale(1.0, -1.0),
                                     remove_nans=True, curves=True)
                kept = local.codes != STOP
                shapes[key] = (local, _should_snap(local.vertices[kept], local.codes[kept], None))
            local, snaps = shapes[key]
            if gc0.get_snap() is True or (gc0.get_snap() is None and snaps):
                self.draw_path(gc0, path, transform + Affine2D().translate(xo, yo), rgb_face)
                run = None
                continue
            fill = self._fill(gc0, rgb_face)
            width = self.points_to_pixels(gc0.get_linewidth()) if gc0.get_rgb()[3] > 0 else 0.0
            if fill is None and width <= 0:
                continue
            style = self._style(gc0, fill)
            shape = self.tables.shape(path_data(local.vertices, local.codes))
            spot = [int(round(xo * 10)), int(round((self.height - yo) * 10))]
            if run is not None and run[1] == style and run[2] == shape:
                run[3] += spot
            else:
                run = [1, style, shape, spot]
                self.ops.append(run)

    def draw_gouraud_triangles(self, gc, triangles_array, colors_array, transform):
        raise BakeError("Gouraud-shaded meshes cannot be baked: draw the moving surface with imshow")

    def draw_image(self, gc, x, y, im, transform=None):
        """A resampled image exactly as Agg would blit it (whole pixels, the gc's alpha)."""
        left, top = int(x), int(self.height - (y + im.shape[0]))
        style = self._style(gc, stroke=False)
        image = self.tables.picture(im)
        # Agg blits the pixels as they are: any alpha is in them already
        self.ops.append([3, style, image, [1, 0, 0, 1, left, top], 0, 1])

    def draw_axes_image(self, artist):
        """An AxesImage as its own data plus the transform to the page (the browser scales it)."""
        if not artist.get_visible() or artist.get_array().size == 0:
            return
        im, x, y, trans = artist.make_image(self, unsampled=True)
        if im is None:
            return
        gc = self.new_gc()
        artist._set_gc_clip(gc)
        matrix = (trans + Affine2D().translate(x, y) + self._flip).get_matrix()
        a, c, e, b, d, f = matrix[:2].ravel()
        interpolation = artist.get_interpolation()
        if interpolation in ("antialiased", "auto"):
            scale = min(abs(a) + abs(c), abs(b) + abs(d))
            interpolation = "nearest" if scale >= 3 else "hanning"
        smooth = 0 if interpolation in ("nearest", "none") else 1
        style = self._style(gc, stroke=False)
        image = self.tables.picture(im)
        alpha = artist._get_scalar_alpha()      # Agg has it in the resampled pixels, once
        self.ops.append([3, style, image, [round(v, 4) for v in (a, b, c, d, e, f)], smooth,
                         round(alpha, 3)])
        gc.restore()

    def draw_tex(self, gc, x, y, s, prop, angle, *, mtext=None):
        self._draw_text_as_path(gc, x, y, s, prop, angle, ismath="TeX", mtext=mtext)

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        """Glyphs as Agg draws them: each rendered by FreeType at its sub-pixel position."""
        from matplotlib.backends.backend_agg import get_hinting_flag
        agg = self._agg
        from matplotlib.ft2font import FT2Font
        if not all(hasattr(FT2Font, name) for name in ("_layout", "_set_transform", "_render_glyph")):
            # not matplotlib 3.11's Agg text: record outlines (close, not pixel-identical)
            return self._draw_text_as_path(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        from matplotlib.font_manager import fontManager
        key = (s, bool(ismath), tuple(fontManager._find_fonts_by_props(prop)), prop.get_size_in_points(),
               prop.get_math_fontfamily(), str(features), str(language), bool(gc.get_antialiased()))
        if key not in self.tables.layouts:          # the same text laid out again: reuse it
            if ismath:
                parse = agg.mathtext_parser.parse(s, self.dpi, prop, antialiased=gc.get_antialiased())
                glyphs = [(font, size, index, 0, 1, dx, dy)
                          for font, size, _, index, dx, dy in parse.glyphs]
                boxes = parse.rects
            else:
                font = agg._prepare_font(prop)
                items = font._layout(s, flags=get_hinting_flag(), features=features, language=language)
                glyphs = [(item.ft_object, prop.get_size_in_points(), item.glyph_index, 0, 1,
                           item.x, item.y) for item in items]
                boxes = []
            self.tables.layouts[key] = (glyphs, boxes)
        glyphs, boxes = self.tables.layouts[key]
        self._glyphs(gc, x, y, angle, glyphs, get_hinting_flag())
        self._boxes(gc, x, y, angle, boxes)

    def _glyphs(self, gc, x, y, angle, glyphs, load_flags):
        from matplotlib.ft2font import RenderMode
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        aa = bool(gc.get_antialiased())
        placed, pen, matrices = [], (0, 0), {}
        for font, size, index, slant, extend, dx, dy in glyphs:
            if (slant, extend) not in matrices:
                matrices[slant, extend] = (0x10000 * np.array([[cos, -sin], [sin, cos]])
                                           @ [[extend, extend * slant], [0, 1]]).round().astype(int)
            matrix = matrices[slant, extend]
            px = round(0x40 * (x + dx * cos - dy * sin))
            py = round(0x40 * (self.height - y + dx * sin + dy * cos))
            key = (font.fname, size, self.dpi, index, matrix.tobytes(), px & 63, py & 63, aa,
                   load_flags)
            if key not in self.tables.glyphs:
                font.set_size(size, self.dpi)
                font._set_transform(matrix, [px & 63, py & 63])
                bitmap = font._render_glyph(index, load_flags,
                                            RenderMode.NORMAL if aa else RenderMode.MONO)
                buffer = np.array(bitmap.buffer, dtype=np.uint8)
                if not aa:
                    buffer *= 0xFF
                self.tables.glyphs[key] = (len(self.tables.glyphs), buffer, bitmap.left, -bitmap.top)
            glyph, buffer, gx, gy = self.tables.glyphs[key]
            if not buffer.size or not buffer.any():
                continue
            # pen position in canvas pixels (y down): whole part of the 26.6 position
            cx, cy = px >> 6, int(self.height) - (py >> 6)
            placed += [glyph, cx - pen[0], cy - pen[1]]
            pen = (cx, cy)
        if placed:
            rgba = gc.get_rgb()
            self.ops.append([2, self._style(gc, css_color(rgba), stroke=False), placed])

    def _boxes(self, gc, x, y, angle, boxes):
        """Mathtext rules (fraction bars), filled as Agg fills them."""
        if not len(boxes):
            return
        rgba = gc.get_rgb()
        if len(rgba) == 3 or gc.get_forced_alpha():
            rgba = rgba[:3] + (gc.get_alpha(),)
        box_gc = self.new_gc()
        box_gc.copy_properties(gc)
        box_gc.set_linewidth(0)
        for dx, dy, w, h in boxes:
            if box_gc.get_snap() in (None, True):
                if w < 1:
                    dx, w = dx - (1 - w) / 2, 1
                if h < 1:
                    dy, h = dy - (1 - h) / 2, 1
            box = Path._create_closed([(dx, dy), (dx + w, dy), (dx + w, dy + h), (dx, dy + h)])
            self.draw_path(box_gc, box, Affine2D().rotate_deg(angle).translate(x, self.height - y), rgba)
        box_gc.restore()

    def record(self, artists):
        """Draw ``artists`` in order (as KnobFigure._render does); return and clear the ops."""
        self.ops = []
        for artist in artists:
            if isinstance(artist, AxesImage):
                self.draw_axes_image(artist)
            else:
                artist.draw(self)
        ops, self.ops = self.ops, []
        return ops


# ------------------------------------------------------------------ the grid

@dataclasses.dataclass
class Axis:
    """The baked values of one knob: every ``factor``-th value of its own grid, from ``first``.

    For a Slider the values are ``grid[first], grid[first + factor], ...`` (``count`` of
    them): the baked slider has step ``factor * step``. A Choice keeps every option.
    """

    knob: object
    factor: int = 1
    first: int = 0
    count: int = 0

    def __post_init__(self):
        if not self.count:
            self.count = len(self.knob.options) if self.is_choice else self.intervals() + 1

    @property
    def is_choice(self):
        return isinstance(self.knob, Choice)

    def intervals(self):
        return int(round((self.knob.max - self.knob.min) / self.knob.step))

    def values(self):
        if self.is_choice:
            return list(self.knob.options)
        grid = self.knob.grid()
        return list(grid[self.first: self.first + (self.count - 1) * self.factor + 1: self.factor])

    def size(self):
        return self.count

    @property
    def exact(self):
        """True when the baked values still run from the knob's minimum to its maximum."""
        return self.is_choice or (self.first == 0 and (self.count - 1) * self.factor == self.intervals())

    def candidates(self, exact_only=True):
        """(factor, first, count) choices, most values first. All keep the default on the grid;
        exact ones keep the minimum and maximum too, the others centre the grid on the default
        and stop short of the ends by less than one coarse step (never fewer than 2 values)."""
        if self.is_choice:
            return [(1, 0, self.count)]
        n = self.intervals()
        d = int(round((self.knob.default - self.knob.min) / self.knob.step))
        best = {}
        for k in range(1, n + 1):
            first, count = d % k, d // k + (n - d) // k + 1
            exact = first == 0 and (count - 1) * k == n
            if count < 2 or (exact_only and not exact):
                continue
            # for the same number of values: an exact grid, else the widest one
            rank = (exact, k)
            if count not in best or rank > best[count][0]:
                best[count] = (rank, (k, first, count))
        return [best[c][1] for c in sorted(best, reverse=True)]

    def describe(self):
        if self.is_choice:
            return f"{self.knob.name}: {len(self.knob.options)} options"
        step = self.factor * self.knob.step
        values = self.values()
        text = f"{self.knob.name}: {len(values)} values, step {step:g}"
        if self.factor > 1:
            text += f" (× {self.factor} of {self.knob.step:g})"
        if not self.exact:
            text += f", from {values[0]:g} to {values[-1]:g}"
        return text


def grid_size(axes):
    return math.prod(axis.size() for axis in axes)


def plan_grid(knobs, max_frames):
    """The baked grid for ``knobs``: a list of :class:`Axis`, at most ``max_frames`` frames.

    The full grid if it fits. Otherwise the slider with the most values is coarsened
    (to the next whole multiple of its step that keeps its minimum, default and maximum
    on the grid), again and again until the grid fits; then each slider, fewest values
    first, is refined again as far as the budget allows. Only if that cannot fit are
    grids allowed that are centred on the default and stop short of the ends. Choices
    are never coarsened. Raises BakeError when nothing fits.
    """
    for exact_only in (True, False):
        axes = _coarsen([Axis(knob) for knob in knobs], max_frames, exact_only)
        if axes is not None:
            return axes
    raise BakeError(f"no grid of these knobs has at most {max_frames} frames "
                    f"(each slider keeps 2 values at least, each choice all its options)")


def _coarsen(axes, max_frames, exact_only):
    choices = {id(a): a.candidates(exact_only) for a in axes}
    where = {id(a): 0 for a in axes}

    def move(axis, to):
        axis.factor, axis.first, axis.count = choices[id(axis)][to]
        where[id(axis)] = to

    for axis in axes:
        if not axis.is_choice:
            if not choices[id(axis)]:
                return None
            move(axis, 0)
    while grid_size(axes) > max_frames:
        coarser = [a for a in axes if where[id(a)] + 1 < len(choices[id(a)])]
        if not coarser:
            return None
        axis = max(coarser, key=lambda a: a.size())
        move(axis, where[id(axis)] + 1)
    for axis in sorted(axes, key=lambda a: a.size()):
        for to in range(where[id(axis)]):
            before = where[id(axis)]
            move(axis, to)
            if grid_size(axes) <= max_frames:
                break
            move(axis, before)
    return axes


# ------------------------------------------------------------------ baking

@dataclasses.dataclass
class Baked:
    """A baked figure: the payload the page replays and a report of what it cost."""

    payload: dict
    axes: list
    report: dict

    @property
    def json(self):
        return json.dumps(self.payload, separators=(",", ":"), ensure_ascii=False)

    def html(self):
        """The ``<script type="application/json" class="knob-frames">`` the player looks for."""
        text = self.json.replace("<", "\\u003c")
        return f'<script type="application/json" class="knob-frames">{text}</script>'


def _feed(digest, data):
    """Feed ``data`` (arrays, numbers, strings and containers of them) into a hash; False if it
    holds anything else (then the artist is drawn afresh every frame)."""
    if isinstance(data, np.ndarray):
        if data.dtype == object:
            return all(_feed(digest, item) for item in data.ravel())
        digest.update(f"a{data.dtype}{data.shape}".encode())
        digest.update(np.ascontiguousarray(data).tobytes())
        return True
    if isinstance(data, (list, tuple)):
        digest.update(b"(" if isinstance(data, tuple) else b"[")
        ok = all(_feed(digest, item) for item in data)
        digest.update(b")")
        return ok
    if isinstance(data, dict):
        digest.update(b"{")
        ok = all(_feed(digest, key) and _feed(digest, data[key]) for key in sorted(data, key=repr))
        digest.update(b"}")
        return ok
    if data is None or isinstance(data, (str, bool, int, float, np.number, np.bool_)):
        digest.update(f"{type(data).__name__}:{data!r};".encode())
        return True
    return False


def _digest(data):
    digest = hashlib.blake2b(digest_size=16)
    return digest.hexdigest() if _feed(digest, data) else None


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
        names = {id(artist): name for name, artist in knob_figure.artists.items()}
        self.order = [names[id(artist)] for artist in knob_figure._moving]
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


def _background(knob_figure):
    """PNG data URL of the figure without its moving artists (the cached Agg background)."""
    canvas = knob_figure.canvas
    canvas.restore_region(knob_figure._background)
    return image_data_url(np.asarray(canvas.buffer_rgba()).copy())


def _estimate(knob_figure, axes, sample=48, longest=40):
    """Seconds and gzip bytes per frame, from rows of frames along the last knob (as baked).

    Pessimistic: a sample shares fewer ops between its frames than the whole grid does.
    """
    tables = Tables()
    record = FrameRecorder(knob_figure, tables)
    rng = np.random.default_rng(0)
    frames, start = [], time.perf_counter()
    last = axes[-1].values()
    rows = min(max(2, -(-sample // min(len(last), longest))), 12, grid_size(axes[:-1]) or 1)
    for _ in range(rows):
        values = {a.knob.name: a.values()[rng.integers(a.size())] for a in axes[:-1]}
        for value in last[:longest]:
            values[axes[-1].knob.name] = value
            frames.append(record(values))
    seconds = (time.perf_counter() - start) / len(frames)
    text = json.dumps([list(tables.ops), frames], separators=(",", ":")).encode()
    return seconds, len(gzip.compress(text, 6)) / len(frames)


def _bake_grid(knob_figure, axes):
    tables = Tables()
    record = FrameRecorder(knob_figure, tables)
    frames = []
    for values in itertools.product(*(axis.values() for axis in axes)):
        frames.append(record({axis.knob.name: value for axis, value in zip(axes, values)}))
    return tables, frames


def _payload(knob_figure, axes, tables, frames, background):
    atlas, glyphs = tables.atlas()
    sheets, pictures = tables.sheets()
    knobs = []
    for axis in axes:
        knob = axis.knob
        entry = {"name": knob.name, "label": knob.label,
                 "kind": "choice" if axis.is_choice else "slider",
                 "values": [_plain(knob, v) for v in axis.values()]}
        if not axis.is_choice:
            entry["step"] = float(knob.step * axis.factor)
        knobs.append(entry)
    width, height = (int(v) for v in knob_figure.canvas.get_width_height())
    payload = {"v": FORMAT, "id": "", "width": width, "height": height, "alt": knob_figure.alt,
               "knobs": knobs, "background": background,
               "styles": [json.loads(s) for s in tables.styles],
               "clips": [list(c) for c in tables.clips],
               "shapes": list(tables.shapes), "atlas": atlas, "glyphs": glyphs,
               "sheets": sheets, "pictures": pictures, "ops": [json.loads(o) for o in tables.ops],
               "frames": frames}
    digest = hashlib.sha1(json.dumps(payload, separators=(",", ":")).encode()).hexdigest()[:12]
    payload["id"] = digest
    return payload


def bake(knob_figure, budget=None):
    """Record every frame of ``knob_figure`` over its (possibly coarsened) grid: a :class:`Baked`.

    ``budget`` defaults to :data:`BUDGET`. The figure's artists are put back at
    its current values afterwards.
    """
    budget = budget or BUDGET
    start = time.perf_counter()
    knobs = list(knob_figure.knobs.values())
    full = plan_grid(knobs, max_frames=10**12)
    seconds, per_frame = _estimate(knob_figure, full) if knobs else (0.0, 0.0)
    background = _background(knob_figure)
    fixed = len(background) + 4096          # the background barely compresses; glyphs, tables
    limits = {"frames": budget.frames}
    if per_frame:
        limits["bytes"] = int((budget.gzip_bytes - fixed) / per_frame)
    if seconds:
        limits["seconds"] = int(budget.seconds / seconds)
    binding = min(limits, key=limits.get)
    limit = limits[binding]
    while True:
        axes = plan_grid(knobs, max_frames=max(limit, 1))
        tables, frames = _bake_grid(knob_figure, axes)
        payload = _payload(knob_figure, axes, tables, frames, background)
        text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
        packed = len(gzip.compress(text, 6))
        if packed <= budget.gzip_bytes or len(frames) <= 1:
            break
        limit, binding = int(len(frames) * (budget.gzip_bytes - fixed) / max(packed - fixed, 1) * 0.9), "bytes"
    apply_frame(knob_figure.artists, knob_figure.frame)
    full_size = grid_size(full)
    report = {
        "id": payload["id"], "alt": knob_figure.alt, "frames": len(frames), "full_frames": full_size,
        "rule": "full" if len(frames) == full_size else "coarse",
        "limited_by": None if len(frames) == full_size else binding,
        "grid": [axis.describe() for axis in axes], "ops": len(tables.ops),
        "raw_bytes": len(text), "gzip_bytes": packed, "seconds": round(time.perf_counter() - start, 3),
        "estimate": {"seconds_per_frame": round(seconds, 5), "gzip_bytes_per_frame": round(per_frame, 1)},
        "budget": dataclasses.asdict(budget),
    }
    return Baked(payload, axes, report)


def reference_settings(axes, count=5, seed=0):
    """Knob settings on the baked grid for fidelity checks: defaults, all-min, all-max, random."""
    def nearest(axis, value):
        values = axis.values()
        if axis.is_choice:
            return value
        return values[int(np.argmin([abs(v - value) for v in values]))]

    axes_by_name = {a.knob.name: a for a in axes}
    settings = [{a.knob.name: nearest(a, a.knob.default) for a in axes},
                {a.knob.name: a.values()[0] for a in axes},
                {a.knob.name: a.values()[-1] for a in axes}]
    rng = np.random.default_rng(seed)
    while len(settings) < count:
        settings.append({a.knob.name: a.values()[rng.integers(a.size())] for a in axes})
    clean = []
    for setting in settings:
        setting = {name: _plain(axes_by_name[name].knob, value) for name, value in setting.items()}
        if setting not in clean:
            clean.append(setting)
    return clean


def _plain(knob, value):
    """A knob value as a JSON-friendly Python value (str, int or float)."""
    if isinstance(knob, Choice):
        return str(value)
    return int(value) if knob.integer else float(value)


def live_png(knob_figure, values):
    """The live kernel's picture (PNG bytes) at ``values``, leaving the figure as it was."""
    apply_frame(knob_figure.artists, knob_figure.frame_fn(**knob_figure.checked(values)))
    png = knob_figure._render()
    apply_frame(knob_figure.artists, knob_figure.frame)
    knob_figure._render()
    return png


def write_report(baked, knob_figure, folder):
    """Write ``<id>.json`` (the report) and ``<id>/ref-N.png`` (live renders) under ``folder``."""
    folder = pathlib.Path(folder)
    target = folder / baked.payload["id"]
    target.mkdir(parents=True, exist_ok=True)
    references = []
    for n, values in enumerate(reference_settings(baked.axes)):
        name = f"ref-{n}.png"
        (target / name).write_bytes(live_png(knob_figure, values))
        references.append({"values": values, "png": f"{baked.payload['id']}/{name}"})
    report = dict(baked.report, references=references, cwd=os.getcwd())
    (folder / f"{baked.payload['id']}.json").write_text(json.dumps(report, indent=1))


def bake_widgets(knob_figure, controls, budget=None):
    """Bake ``knob_figure`` into its widgets: frames in the picture, coarse steps on the sliders."""
    baked = bake(knob_figure, budget)
    for axis in baked.axes:
        if axis.is_choice:
            continue
        control, knob = controls.controls[axis.knob.name], axis.knob
        values = axis.values()
        number = int if knob.integer else float
        control.step = int(knob.step * axis.factor) if knob.integer else round(knob.step * axis.factor, 10)
        if values[0] != control.min:
            control.min = number(values[0])
        if values[-1] != control.max:
            control.max = number(values[-1])
    controls.baked = baked.html()
    controls.show(knob_figure)
    folder = os.environ.get(DIR_ENV)
    if folder:
        write_report(baked, knob_figure, folder)
    return baked


# ------------------------------------------------------------------ the report

PAYLOAD = 'class="knob-frames">'


def page_figures(html_path):
    """Ids of the baked figures in a built page (found in its widget state)."""
    text = pathlib.Path(html_path).read_text(encoding="utf-8")
    found = []
    for part in text.split(PAYLOAD.replace('"', '\\"'))[1:]:
        start = part.find('\\"id\\":\\"')
        if start >= 0:
            found.append(part[start + 9: start + 21])
    return found


def summarise(bake_dir, html_dir=None):
    """Text tables: one row per baked figure, then one per page (when ``html_dir`` is given)."""
    reports = {}
    for path in sorted(pathlib.Path(bake_dir).glob("*.json")):
        report = json.loads(path.read_text())
        reports[report["id"]] = report
    lines = ["Baked knob figures (frames replayed by the static pages):",
             f"{'figure':<14}{'frames':>8}{'rule':>17}{'raw KB':>9}{'gzip KB':>9}{'bake s':>8}  grid"]
    for rid, r in reports.items():
        rule = r["rule"] + (f" ({r['limited_by']})" if r.get("limited_by") else "")
        lines.append(f"{rid:<14}{r['frames']:>8}{rule:>17}{r['raw_bytes'] / 1024:>9.1f}"
                     f"{r['gzip_bytes'] / 1024:>9.1f}{r['seconds']:>8.2f}  {'; '.join(r['grid'])}")
    total = sum(r["seconds"] for r in reports.values())
    lines.append(f"baking added {total:.1f} s to the build ({len(reports)} figures)")
    if html_dir:
        lines.append("Pages:")
        lines.append(f"{'page':<40}{'figures':>8}{'raw KB':>9}{'gzip KB':>9}{'bake s':>8}")
        for page in sorted(pathlib.Path(html_dir).rglob("*.html")):
            ids = page_figures(page)
            if not ids:
                continue
            rows = [reports[i] for i in ids if i in reports]
            lines.append(f"{str(page.relative_to(html_dir)):<40}{len(ids):>8}"
                         f"{sum(r['raw_bytes'] for r in rows) / 1024:>9.1f}"
                         f"{sum(r['gzip_bytes'] for r in rows) / 1024:>9.1f}"
                         f"{sum(r['seconds'] for r in rows):>8.2f}")
    return "\n".join(lines)


def main(argv=None):
    import argparse
    parser = argparse.ArgumentParser(description="Report what baking the knob figures cost.")
    parser.add_argument("bake_dir", help="the folder NNLIB_BAKE_DIR pointed at during the build")
    parser.add_argument("html_dir", nargs="?", help="the built site, for the per-page table")
    args = parser.parse_args(argv)
    print(summarise(args.bake_dir, args.html_dir))


if __name__ == "__main__":
    main()
