"""A matplotlib renderer that records drawing operations instead of painting pixels."""
import json
import math

import numpy as np
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.image import AxesImage
from matplotlib.path import Path
from matplotlib.transforms import Affine2D

from .encode import CURVE3, CURVE4, LINETO, STOP, css_color, path_data
from .errors import BakeError


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
