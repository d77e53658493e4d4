"""Drawing primitives as compact text: SVG path data in tenths of a pixel, CSS colours,
and lossless image data URLs. What every recorded operation of the frames contract
(``FRAMES.md``) is written in.
"""
import base64
import io

import numpy as np
from matplotlib.path import Path
from PIL import Image, features

from .errors import BakeError

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


