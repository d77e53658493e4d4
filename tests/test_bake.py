"""Baking knob figures for the static page (the baker, bake/), checked in Python.

The recorder is checked by replaying its operations through matplotlib's own
Agg rasterizer (the same one the live kernel uses) and comparing with the live
picture: every registered figure, at its minimum, default, maximum and a random
setting. The browser side is tests/test_baked_browser.py.
"""
import base64
import gzip
import io
import json
import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.backend_bases import GraphicsContextBase
from matplotlib.colors import to_rgba
from matplotlib.path import Path
from matplotlib.transforms import Bbox, IdentityTransform, TransformedPath
from PIL import Image

from bake import cache, contract, encode, grid, hook, page, payload, recorder, report, tables
from bake.budget import Budget
from bake.figure import bake
from knob_registry import factories
from nnlib.figures import line
from nnlib.knobs import Choice, KnobFigure, Slider, apply_frame

FACTORIES = factories()
IDS = [name for name, _ in FACTORIES]

# Replayed through Agg, a recorded frame matches the live picture to within this
# mean absolute difference (0-255 levels, RGB), and at most this share of pixels
# may differ by more than 64 levels (edges of images the replay resamples with PIL).
REPLAY_MEAN = 0.5
REPLAY_FAR = 0.003


# ------------------------------------------------------------------ replay (Agg)

TOKEN = re.compile(r"[Mmlqcz]|-?(?:\d+\.?\d*|\.\d+)")
COUNT = {"M": 2, "m": 2, "l": 2, "q": 4, "c": 6, "z": 0}
CODE = {"M": Path.MOVETO, "m": Path.MOVETO, "l": Path.LINETO, "q": Path.CURVE3, "c": Path.CURVE4}


def parse_path(data):
    """SVG path data written by encode.path_data -> (vertices (V, 2), codes (V,)) in canvas pixels."""
    tokens = TOKEN.findall(data)
    vertices, codes = [], []
    here = start = np.zeros(2)
    i, letter = 0, None
    while i < len(tokens):
        if tokens[i].isalpha():
            letter, i = tokens[i], i + 1
        if letter == "z":
            vertices.append(start)
            codes.append(Path.CLOSEPOLY)
            here = start
            continue
        numbers = np.array([float(t) for t in tokens[i:i + COUNT[letter]]]).reshape(-1, 2)
        i += COUNT[letter]
        points = numbers if letter == "M" else here + numbers
        vertices += list(points)
        codes += [CODE[letter]] * len(points)
        here = points[-1]
        if letter in "Mm":
            start = here
    return np.array(vertices).reshape(-1, 2), np.array(codes, np.uint8)


def decode_png(url):
    return np.array(Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA"))


def replay(header, payload, frame):
    """Rasterize frame ``frame`` of chunk ``payload`` with Agg (dpi 72, so one point is one pixel),
    over the header's background: (H, W, 3) uint8. Reads the operation codes from the contract."""
    width, height = header["width"], header["height"]
    kinds = contract.OPS
    agg = RendererAgg(width, height, 72)
    raw = agg._renderer
    alive = []

    def gc_for(style):
        gc = GraphicsContextBase()
        clip = style[6]
        if clip >= 0:
            for part in payload["clips"][clip]:
                if part[0] == "rect":
                    x, y, w, h = part[1:]
                    gc.set_clip_rectangle(Bbox.from_bounds(x, height - y - h, w, h))
        return gc

    def up(vertices):
        return np.column_stack([vertices[:, 0], height - vertices[:, 1]])

    def paint(style, vertices, codes):
        gc = gc_for(style)
        gc.set_snap(False)
        gc.set_linewidth(style[2] if style[1] else 0)
        if style[1]:
            gc.set_foreground(to_rgba(css(style[1])), isRGBA=True)
            gc.set_capstyle({"b": "butt", "r": "round", "p": "projecting"}[style[4]])
            gc.set_joinstyle({"m": "miter", "r": "round", "b": "bevel"}[style[5]])
            if style[3]:
                gc.set_dashes(style[3][0], style[3][1:])
        fill = to_rgba(css(style[0])) if style[0] else None
        path = Path(up(vertices), codes)
        if fill is not None:
            plain = gc_for(style)
            plain.set_linewidth(0)
            raw.draw_path(plain, path, _identity(), fill)
        if style[7] >= 0:                     # the hatch: its tile repeated, clipped to the path
            tile = picture(style[7])
            reps = (height // tile.shape[0] + 1, width // tile.shape[1] + 1, 1)
            pattern = np.ascontiguousarray(np.tile(tile, reps)[:height, :width][::-1])
            hatch_gc = gc_for(style)
            clip = TransformedPath(path, _identity())
            alive.append(clip)            # Agg caches a clip mask by the clip path's address
            hatch_gc.set_clip_path(clip)
            raw.draw_image(hatch_gc, 0, 0, pattern)
        if style[1]:
            raw.draw_path(gc, path, _identity(), None)

    sheets = [decode_png(url) for url in payload["sheets"]]

    def picture(index):
        sheet, x, y, w, h = payload["pictures"][index]
        return sheets[sheet][y:y + h, x:x + w].copy()

    background = decode_png(header["background"])
    raw.draw_image(GraphicsContextBase(), 0, 0, np.ascontiguousarray(background[::-1]))  # rows bottom up
    atlas = decode_png(payload["atlas"])[..., 3] if payload["atlas"] else None
    for index in payload["frames"][frame]:
        op = payload["ops"][index]
        style = payload["styles"][op[1]]
        if op[0] == kinds["path"]:
            paint(style, *parse_path(op[2]))
        elif op[0] == kinds["stamp"]:
            vertices, codes = parse_path(payload["shapes"][op[2]])
            for x, y in np.array(op[3]).reshape(-1, 2) / 10:
                paint(style, vertices + [x, y], codes)
        elif op[0] == kinds["glyphs"]:
            gc = gc_for(style)
            gc.set_foreground(to_rgba(css(style[0])), isRGBA=True)
            x = y = 0
            for g, dx, dy in np.array(op[2]).reshape(-1, 3):
                x, y = x + dx, y + dy
                sx, sy, w, h, ox, oy = payload["glyphs"][g]
                cover = np.ascontiguousarray(atlas[sy:sy + h, sx:sx + w])
                raw.draw_text_image(cover, int(x + ox), int(y + oy + h), 0, gc)
        elif op[0] == kinds["picture"]:
            image = picture(op[2])
            image[..., 3] = np.round(image[..., 3] * op[5])     # Agg ignores a gc's alpha here
            a, b, c, d, e, f = op[3]
            inverse = np.linalg.inv([[a, c, e], [b, d, f], [0, 0, 1]])
            pil = Image.fromarray(image).transform(
                (width, height), Image.AFFINE, data=tuple(inverse[:2].ravel()),
                resample=Image.BILINEAR if op[4] else Image.NEAREST)
            gc = gc_for(style)
            raw.draw_image(gc, 0, 0, np.ascontiguousarray(np.asarray(pil)[::-1]))
    return np.asarray(agg.buffer_rgba())[..., :3].copy()


def _identity():
    return IdentityTransform()


def css(colour):
    match = re.fullmatch(r"rgba\((\d+),(\d+),(\d+),([\d.]+)\)", colour)
    if match:
        r, g, b, a = match.groups()
        return (int(r) / 255, int(g) / 255, int(b) / 255, float(a))
    return colour


def as_image(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def difference(a, b):
    """(mean absolute difference in levels, share of pixels off by more than 64 levels)."""
    delta = np.abs(a.astype(int) - b.astype(int))
    return delta.mean(), (delta.max(axis=2) > 64).mean()


def header_of(knob_figure):
    """What replay needs of a header: the canvas size and the background."""
    width, height = (int(v) for v in knob_figure.canvas.get_width_height())
    return {"width": width, "height": height, "background": encode.image_data_url(knob_figure.background())}


def chunk_for(knob_figure, settings):
    """A chunk holding exactly the frames of ``settings``, every moving artist drawn afresh
    (no reuse of recorded content), as the page gets it."""
    table = tables.Tables()
    recording = recorder.Recorder(knob_figure.canvas.get_renderer(), table)
    frames = []
    for values in settings:
        apply_frame(knob_figure.artists, knob_figure.frame_fn(**values))
        artists = [knob_figure.artists[name] for name in knob_figure.moving]
        frames.append([table.op(op) for op in recording.record(artists)])
    apply_frame(knob_figure.artists, knob_figure.frame)
    atlas, glyphs = table.atlas()
    sheets, pictures = table.sheets()
    chunk = {"styles": [json.loads(s) for s in table.styles], "clips": [list(c) for c in table.clips],
             "shapes": list(table.shapes), "atlas": atlas, "glyphs": glyphs, "sheets": sheets,
             "pictures": pictures, "ops": [json.loads(o) for o in table.ops], "frames": frames}
    return json.loads(json.dumps(chunk))


def settings_of(knob_figure, rng):
    knobs = knob_figure.knobs.values()
    return [
        {k.name: k.default for k in knobs},
        {k.name: (k.options[0] if isinstance(k, Choice) else k.min) for k in knobs},
        {k.name: (k.options[-1] if isinstance(k, Choice) else k.max) for k in knobs},
        {k.name: (k.options[rng.integers(len(k.options))] if isinstance(k, Choice)
                  else k.grid()[rng.integers(len(k.grid()))]) for k in knobs},
    ]


# ------------------------------------------------------------------ the recorder

@pytest.mark.parametrize("name, factory", FACTORIES, ids=IDS)
def test_recorded_frames_replay_as_the_live_picture(name, factory):
    """Every figure: replaying the recorded ops through Agg gives the live kernel's picture."""
    knob_figure = factory()
    settings = settings_of(knob_figure, np.random.default_rng(1))
    chunk, header = chunk_for(knob_figure, settings), header_of(knob_figure)
    for n, values in enumerate(settings):
        live = as_image(knob_figure.picture_at(**values))
        mean, far = difference(replay(header, chunk, n), live)
        assert mean < REPLAY_MEAN and far < REPLAY_FAR, f"{name} at {values}: mean {mean:.3f}, far {far:.4f}"


@pytest.mark.parametrize("name, factory", FACTORIES, ids=IDS)
def test_artists_recorded_once_per_distinct_data_give_the_same_frames(name, factory):
    """Baking reuses an artist's ops when its frame data repeat: same pictures as drawing afresh."""
    knob_figure = factory()
    rng = np.random.default_rng(2)
    knobs = list(knob_figure.knobs.values())
    options = {k.name: grid.plain_values(k) for k in knobs}
    settings = [{n: v[rng.integers(len(v))] for n, v in options.items()} for _ in range(6)]
    settings += [dict(settings[0], **{knobs[-1].name: v}) for v in options[knobs[-1].name][:3]]
    cached = json.loads(json.dumps(payload.record_chunk(knob_figure, settings)))
    fresh, header = chunk_for(knob_figure, settings), header_of(knob_figure)
    for n, values in enumerate(settings):
        assert np.array_equal(replay(header, cached, n), replay(header, fresh, n)), f"{name} at {values}"


def test_a_moving_artist_is_really_recorded():
    """The line of chapter 1 moves: different knob values, different recorded path."""
    knob_figure = line.line_fit()
    chunk = chunk_for(knob_figure, [{"w": 0.0, "b": 0.0}, {"w": 1.0, "b": 0.0}])
    first, second = ([chunk["ops"][i] for i in frame] for frame in chunk["frames"])
    assert first[0][0] == contract.OPS["path"] and first[0][2] != second[0][2]
    vertices, _ = parse_path(first[0][2])
    # w = 0, b = 0: the line is horizontal at y = 0, i.e. one canvas row for both ends
    assert vertices.shape == (2, 2) and abs(vertices[0, 1] - vertices[1, 1]) < 0.05
    ax = knob_figure.figure.axes[0]
    row = knob_figure.figure.bbox.height - ax.transData.transform((0, 0))[1]
    assert abs(vertices[0, 1] - row) <= 1.0      # Agg snaps a horizontal line to a pixel row


def test_path_data_round_trips_to_a_tenth_of_a_pixel():
    rng = np.random.default_rng(0)
    vertices = rng.uniform(-50, 700, (40, 2))
    codes = np.array([Path.MOVETO] + [Path.LINETO] * 9 + [Path.CLOSEPOLY]
                     + [Path.MOVETO] + [Path.CURVE4] * 9 + [Path.MOVETO] + [Path.CURVE3] * 18, np.uint8)
    vertices[10] = vertices[0]
    data = encode.path_data(vertices, codes)
    back, back_codes = parse_path(data)
    assert list(back_codes) == list(codes)
    assert np.abs(back - vertices).max() <= 0.05 + 1e-9
    assert encode._tenths(12) == "1.2" and encode._tenths(-3) == "-.3" and encode._tenths(40) == "4"


# ------------------------------------------------------------------ the grid and the contract

def test_the_live_grid_when_it_fits_else_coarser_with_the_live_range_and_default():
    knobs = [Slider("w", "weight", -3.0, 3.0, 0.7, 0.05), Slider("b", "bias", -5.0, 5.0, 0.0, 0.1)]
    assert grid.plan(knobs, max_frames=10**6).every == {"w": 1, "b": 1}
    planned = grid.plan(knobs, max_frames=2000)
    every = planned.every
    assert 1000 < planned.size() <= 2000
    for knob in knobs:
        values = grid.plain_values(knob, every[knob.name])
        assert values[0] == knob.min and values[-1] == knob.max and knob.default in values
        inner = np.diff(values)[1:-1]
        assert np.allclose(inner, every[knob.name] * knob.step)
        assert (np.diff(values) <= every[knob.name] * knob.step + 1e-9).all()
    assert len(grid.plain_values(knobs[0], every["w"])) >= len(grid.plain_values(knobs[1], every["b"])) - 1


def test_declared_settings_stay_on_the_grid_however_coarse():
    knobs = [Slider("w", "weight", -3.0, 3.0, 0.7, 0.05), Slider("b", "bias", -5.0, 5.0, 0.0, 0.1)]
    planned = grid.plan(knobs, max_frames=200, settings=[{"w": 0.95}, {"w": -2.85, "b": 4.9}])
    assert planned.size() <= 200 and planned.every["w"] > 1
    w, b = planned.values(knobs[0]), planned.values(knobs[1])
    assert {0.95, -2.85, 0.7, -3.0, 3.0} <= set(w) and 4.9 in b and w == sorted(w)
    assert planned.frame({"w": 0.95, "b": 0.0}) is not None and planned.frame({"w": 0.951, "b": 0.0}) is None


def test_a_slider_whose_declared_settings_give_it_every_live_value_is_live():
    """Chapter 7's t: every stop from 0 to 600 is a setting its text names, so however coarse
    the planning made t, the page has every live value and must not say otherwise."""
    knobs = [Slider("t", "epochs", 0, 100, 100, 10, integer=True), Slider("w", "weight", -1.0, 1.0, 0.0, 0.01)]
    every_t = [{"t": v} for v in range(0, 101, 10)]
    planned = grid.plan(knobs, max_frames=60, settings=every_t)
    assert planned.every["t"] == 1 and planned.values(knobs[0]) == list(range(0, 101, 10))
    assert planned.describe(knobs[0]) == "t: 11 values, step 10 (live)"
    assert planned.every["w"] > 1 and not planned.is_live()        # w really is coarser
    assert grid.plan(knobs[:1], max_frames=3, settings=every_t).is_live()


def test_choices_are_never_coarsened_and_a_tiny_budget_gets_the_coarsest_grid():
    knobs = [Choice("f", "function", ("relu", "tanh", "sigmoid"), "relu"),
             Slider("t", "steps", 0, 30, 7, 1, integer=True)]
    planned = grid.plan(knobs, max_frames=40)
    assert planned.values(knobs[0]) == ["relu", "tanh", "sigmoid"] and planned.size() <= 40
    t = planned.values(knobs[1])
    assert t[0] == 0 and t[-1] == 30 and 7 in t
    coarsest = grid.plan(knobs, max_frames=5)
    assert coarsest.values(knobs[1]) == [0, 7, 30] and coarsest.size() == 9


def test_frame_numbers_follow_the_contracts_grid_order():
    knobs = [Choice("c", "colour", ("a", "b"), "a"), Slider("x", "x", 0, 2, 1, 1, integer=True),
             Slider("y", "y", 0.0, 0.3, 0.0, 0.1)]
    settings = list(grid.plan(knobs, 10**6).settings())
    counts = [len(grid.plain_values(k)) for k in knobs]
    for number, setting in enumerate(settings):
        indices = [grid.plain_values(k).index(setting[k.name]) for k in knobs]
        assert contract.frame_number(counts, indices) == number
    assert contract.VERSION == 3 and set(contract.OPS) == {"path", "stamp", "glyphs", "picture"}
    with pytest.raises(ValueError):
        contract.frame_number(counts, [0, 3, 0])


# ------------------------------------------------------------------ baking a figure

def small_figure(default=0.0):
    knobs = [Slider("a", "slope", -1.0, 1.0, default, 0.1), Choice("c", "colour", ("blue", "orange"), "blue")]

    def draw(fig):
        ax = fig.add_subplot()
        ax.set_xlim(0, 1)
        ax.set_ylim(-1, 1)
        (drawn,) = ax.plot([], [], linewidth=2)
        return {"line": drawn, "label": ax.text(0.05, 0.9, "")}

    def frame(a, c):
        return {"line": {"data": ([0, 1], [0, a]), "color": c}, "label": f"a = {a:.1f}"}

    return KnobFigure(knobs, draw, frame, alt="a line whose slope and colour follow two knobs",
                      figsize=(3, 2), settings=[{"a": 0.5}, {"a": -0.3, "c": "orange"}])


def test_bake_keeps_to_the_budget_and_restores_the_figure():
    knob_figure = line.line_fit().set(w=0.5, b=1.0)
    before = knob_figure.png
    baked = bake(knob_figure, Budget(frames=60), workers=1)
    report_ = baked.report
    assert report_["frames"] <= 60 and report_["rule"] == "coarser" and report_["limited_by"] == "frames"
    assert sum(len(c["frames"]) for c in baked.chunks) == report_["frames"]
    assert knob_figure.set(w=0.5, b=1.0).png == before
    text = baked.html()
    start = '<script type="application/json" class="knob-frames">'
    assert text.startswith(start) and "</script" not in text[len(start):-9]
    header = json.loads(text[len(start):-9])
    assert header["v"] == contract.VERSION and header["chunks"]["path"] == f"frames/{baked.id}/"
    (inline,) = header["chunks"]["inline"].values()
    assert inline in baked.chunks


def test_chunks_keep_to_their_byte_budget_and_the_page_carries_the_default_one():
    knob_figure = line.line_fit()
    baked = bake(knob_figure, Budget(frames=3000, chunk_bytes=24 * 1024), workers=2)
    starts = baked.header["chunks"]["starts"]
    assert len(baked.chunks) > 2 and starts[0] == 0 and starts == sorted(starts)
    sizes = [len(gzip.compress(payload.compact(c).encode(), 6)) for c in baked.chunks]
    assert max(sizes) <= 24 * 1024 == baked.report["budget"]["chunk_bytes"]
    # the inline chunk holds the default setting's frame, and it shows the default picture
    default = contract.frame_of(baked.header["knobs"], {"w": knob_figure.knobs["w"].default,
                                                        "b": knob_figure.knobs["b"].default})
    (number, inline), = baked.header["chunks"]["inline"].items()
    first = starts[int(number)]
    assert first <= default < first + len(inline["frames"])
    live = as_image(knob_figure.png)
    mean, far = difference(replay(baked.header, inline, default - first), live)
    assert mean < REPLAY_MEAN and far < REPLAY_FAR
    chunk = json.loads(baked.chunk_text(1))
    assert (chunk["v"], chunk["id"], chunk["chunk"]) == (contract.VERSION, baked.id, 1)


def test_baking_is_deterministic_whichever_the_number_of_workers():
    first = bake(small_figure(), Budget(chunk_bytes=1200), workers=1)
    again = bake(small_figure(), Budget(chunk_bytes=1200), workers=2)
    assert len(first.chunks) > 1
    assert first.chunks == again.chunks
    assert {k: v for k, v in first.header.items() if k != "id"} == {k: v for k, v in again.header.items() if k != "id"}
    assert first.html() == again.html()


# ------------------------------------------------------------------ the page and the build hook

def test_the_page_shows_selection_sliders_over_the_baked_values_and_says_when_they_are_coarser():
    knob_figure = small_figure(default=0.3)
    baked = bake(knob_figure, Budget(frames=12), workers=1)
    box = page.box(knob_figure, baked)
    picture, slider, buttons, note = box.children
    assert 'class="knob-frames"' in picture.value and 'alt="a line whose slope' in picture.value
    values = [value for _, value in slider.options]
    assert values[0] == -1.0 and values[-1] == 1.0 and slider.value == 0.3 and len(values) <= 6
    assert slider.index == values.index(0.3) and buttons.options == ("blue", "orange")
    assert "a</strong> in steps of" in note.value and "(live: 0.1)" in note.value
    assert "knob-figure-box" in box._dom_classes
    fine = bake(knob_figure, Budget(), workers=1)
    assert len(page.box(knob_figure, fine).children) == 3      # no note
    # the declared settings' values are on the grid however coarse it is
    values = [v for _, v in slider.options]
    assert 0.5 in values and -0.3 in values


def test_the_hook_bakes_each_figure_shown_and_writes_chunks_reports_and_references(tmp_path):
    from IPython.core.formatters import IPythonDisplayFormatter
    formatter = IPythonDisplayFormatter()
    shell = type("Shell", (), {})()
    shell.display_formatter = type("Formatters", (), {"ipython_display_formatter": formatter})()
    baker = hook.install(tmp_path / "out", cache=tmp_path / "cache", budget=Budget(frames=12, chunk_bytes=150),
                         shell=shell)
    knob_figure = small_figure()
    shown = []
    baker_show = baker.show
    assert formatter.lookup(knob_figure) == baker_show
    baked = baker.bake(knob_figure)
    baker.write(knob_figure, baked)
    shown.append(baked.id)
    out = tmp_path / "out"
    data = json.loads((out / f"{baked.id}.json").read_text())
    assert data["frames"] <= 12 and data["rule"] == "coarser" and not data["cached"]
    inline = baked.header["chunks"]["inline"]
    files = sorted((out / "frames" / baked.id).iterdir(), key=lambda p: int(p.name.split(".")[0]))
    assert [p.name for p in files] == [f"{n}.json.gz" for n in range(len(baked.chunks)) if str(n) not in inline]
    assert len(files) == len(baked.chunks) - 1 >= 1     # every chunk but the page's own has its file
    for file in files:                                  # ... gzip-compressed, the chunk's JSON as it is
        n = int(file.name.split(".")[0])
        assert json.loads(gzip.decompress(file.read_bytes())) == json.loads(baked.chunk_text(n))
    declared = [r for r in data["references"] if r["declared"]]
    assert [r["values"] for r in declared] == [{"a": 0.5, "c": "blue"}, {"a": -0.3, "c": "orange"}]
    for ref in data["references"]:
        assert (out / ref["png"]).read_bytes()[:4] == b"\x89PNG"
    summary = report.summarise(out)
    assert baked.id in summary and "baking took" in summary


def test_an_unchanged_figure_comes_from_the_cache_and_a_changed_one_does_not(tmp_path):
    first = hook.Baker(tmp_path / "a", cache=tmp_path / "cache", budget=Budget(frames=12)).bake(small_figure())
    again = hook.Baker(tmp_path / "b", cache=tmp_path / "cache", budget=Budget(frames=12)).bake(small_figure())
    assert not first.report["cached"] and again.report["cached"] and again.html() == first.html()
    assert again.chunks == first.chunks
    changed = hook.Baker(tmp_path / "c", cache=tmp_path / "cache", budget=Budget(frames=12)).bake(
        small_figure(default=0.2))
    assert not changed.report["cached"]
    other_budget = hook.Baker(tmp_path / "d", cache=tmp_path / "cache", budget=Budget(frames=10)).bake(
        small_figure())
    assert not other_budget.report["cached"]
    assert cache.key(small_figure(), Budget()) != cache.key(small_figure(), Budget(), code="other code")


def test_nnlib_knows_nothing_of_baking():
    """The library readers install neither imports the baker nor reads the build's settings."""
    import pathlib
    import subprocess
    import sys
    root = pathlib.Path(__file__).resolve().parent.parent
    for path in (root / "nnlib").rglob("*.py"):
        text = path.read_text()
        assert "import bake" not in text and "from bake" not in text and "os.environ" not in text, path
    code = ("import sys, nnlib, nnlib.knobs, nnlib.controls, nnlib.figures.line; "
            "print(any(m == 'bake' or m.startswith('bake.') for m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root / "book")
    assert run.stdout.strip() == "False", run.stderr
    packages = (root / "pyproject.toml").read_text()
    assert '"bake"' not in packages


def test_the_report_finds_the_figures_of_a_built_page(tmp_path):
    """In a built page the header sits JSON-escaped inside the widget state."""
    knob_figure = small_figure()
    baker = hook.Baker(tmp_path / "bake", budget=Budget(frames=12))
    baked = baker.bake(knob_figure)
    baker.write(knob_figure, baked)
    state = {"state": {"m": {"state": {"value": '<img alt="x">' + baked.html()}}}}
    page_file = tmp_path / "html" / "book" / "page.html"
    page_file.parent.mkdir(parents=True)
    page_file.write_text(f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps(state)}</script>')
    assert report.page_figures(page_file) == [baked.id]
    summary = report.summarise(tmp_path / "bake", tmp_path / "html")
    assert "book/page.html" in summary and "Pages" in summary
