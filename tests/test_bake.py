"""Baking knob figures for the static page (nnlib.bake), checked in Python.

The recorder is checked by replaying its operations through matplotlib's own
Agg rasterizer (the same one the live kernel uses) and comparing with the live
picture: every registered figure, at its minimum, default, maximum and a random
setting. The browser side is tests/test_baked_browser.py.
"""
import base64
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

from knob_registry import factories
from nnlib import bake
from nnlib.figures import line
from nnlib.knobs import Choice, KnobFigure, Slider

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
    """SVG path data written by bake.path_data -> (vertices (V, 2), codes (V,)) in canvas pixels."""
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


def replay(payload, frame):
    """Rasterize one baked frame with Agg (dpi 72, so one point is one pixel): (H, W, 3) uint8."""
    width, height = payload["width"], payload["height"]
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

    background = decode_png(payload["background"])
    raw.draw_image(GraphicsContextBase(), 0, 0, np.ascontiguousarray(background[::-1]))  # rows bottom up
    atlas = decode_png(payload["atlas"])[..., 3] if payload["atlas"] else None
    for index in payload["frames"][frame]:
        op = payload["ops"][index]
        style = payload["styles"][op[1]]
        if op[0] == 0:
            paint(style, *parse_path(op[2]))
        elif op[0] == 1:
            vertices, codes = parse_path(payload["shapes"][op[2]])
            for x, y in np.array(op[3]).reshape(-1, 2) / 10:
                paint(style, vertices + [x, y], codes)
        elif op[0] == 2:
            gc = gc_for(style)
            gc.set_foreground(to_rgba(css(style[0])), isRGBA=True)
            x = y = 0
            for g, dx, dy in np.array(op[2]).reshape(-1, 3):
                x, y = x + dx, y + dy
                sx, sy, w, h, ox, oy = payload["glyphs"][g]
                cover = np.ascontiguousarray(atlas[sy:sy + h, sx:sx + w])
                raw.draw_text_image(cover, int(x + ox), int(y + oy + h), 0, gc)
        elif op[0] == 3:
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


def payload_for(knob_figure, settings):
    """A payload holding exactly the frames of ``settings`` (a list of knob-value dicts)."""
    tables = bake.Tables()
    recorder = bake.Recorder(knob_figure.canvas.get_renderer(), tables)
    frames = []
    for values in settings:             # drawn afresh, every moving artist (no cache)
        bake.apply_frame(knob_figure.artists, knob_figure.frame_fn(**values))
        frames.append([tables.op(op) for op in recorder.record(knob_figure._moving)])
    axes = [bake.Axis(k) for k in knob_figure.knobs.values()]
    payload = bake._payload(knob_figure, axes, tables, frames, bake._background(knob_figure))
    bake.apply_frame(knob_figure.artists, knob_figure.frame)
    return json.loads(json.dumps(payload))       # exactly what the page gets


def settings_of(knob_figure, rng):
    knobs = knob_figure.knobs.values()
    pick = [
        {k.name: k.default for k in knobs},
        {k.name: (k.options[0] if isinstance(k, Choice) else k.min) for k in knobs},
        {k.name: (k.options[-1] if isinstance(k, Choice) else k.max) for k in knobs},
        {k.name: (k.options[rng.integers(len(k.options))] if isinstance(k, Choice)
                  else k.grid()[rng.integers(len(k.grid()))]) for k in knobs},
    ]
    return pick


# ------------------------------------------------------------------ tests

@pytest.mark.parametrize("name, factory", FACTORIES, ids=IDS)
def test_recorded_frames_replay_as_the_live_picture(name, factory):
    """Every figure: replaying the recorded ops through Agg gives the live kernel's picture."""
    knob_figure = factory()
    settings = settings_of(knob_figure, np.random.default_rng(1))
    payload = payload_for(knob_figure, settings)
    for n, values in enumerate(settings):
        live = as_image(bake.live_png(knob_figure, values))
        mean, far = difference(replay(payload, n), live)
        assert mean < REPLAY_MEAN and far < REPLAY_FAR, f"{name} at {values}: mean {mean:.3f}, far {far:.4f}"


@pytest.mark.parametrize("name, factory", FACTORIES, ids=IDS)
def test_artists_recorded_once_per_distinct_data_give_the_same_frames(name, factory):
    """Baking reuses an artist's ops when its frame data repeat: same pictures as drawing afresh."""
    knob_figure = factory()
    rng = np.random.default_rng(2)
    axes = bake.plan_grid(list(knob_figure.knobs.values()), max_frames=10**12)
    settings = [{a.knob.name: a.values()[rng.integers(a.size())] for a in axes} for _ in range(6)]
    settings += [dict(settings[0], **{axes[-1].knob.name: v}) for v in axes[-1].values()[:3]]
    tables = bake.Tables()
    record = bake.FrameRecorder(knob_figure, tables)
    frames = [record(values) for values in settings]
    cached = json.loads(json.dumps(bake._payload(knob_figure, axes, tables, frames,
                                                 bake._background(knob_figure))))
    fresh = payload_for(knob_figure, settings)
    for n, values in enumerate(settings):
        assert np.array_equal(replay(cached, n), replay(fresh, n)), f"{name} at {values}"


def test_a_moving_artist_is_really_recorded():
    """The line of chapter 1 moves: different knob values, different recorded path."""
    knob_figure = line.line_fit()
    payload = payload_for(knob_figure, [{"w": 0.0, "b": 0.0}, {"w": 1.0, "b": 0.0}])
    first, second = ([payload["ops"][i] for i in frame] for frame in payload["frames"])
    assert first[0][0] == 0 and first[0][2] != second[0][2]
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
    data = bake.path_data(vertices, codes)
    back, back_codes = parse_path(data)
    assert list(back_codes) == list(codes)
    assert np.abs(back - vertices).max() <= 0.05 + 1e-9
    assert bake._tenths(12) == "1.2" and bake._tenths(-3) == "-.3" and bake._tenths(40) == "4"


def test_full_grid_when_it_fits_else_coarse_keeping_min_default_max():
    knobs = [Slider("w", "weight", -3.0, 3.0, 0.0, 0.05), Slider("b", "bias", -5.0, 5.0, 0.0, 0.1)]
    full = bake.plan_grid(knobs, max_frames=10**6)
    assert [a.size() for a in full] == [121, 101] and all(a.factor == 1 for a in full)
    axes = bake.plan_grid(knobs, max_frames=2000)
    assert bake.grid_size(axes) <= 2000
    for axis in axes:
        values = axis.values()
        assert values[0] == axis.knob.min and values[-1] == axis.knob.max
        assert axis.knob.default in values
        assert np.allclose(np.diff(values), axis.factor * axis.knob.step)
    # the slider with more values was coarsened at least as much, and the budget is used well
    assert axes[0].size() >= axes[1].size() and bake.grid_size(axes) > 1000


def test_choices_are_never_coarsened_and_impossible_budgets_fail_loudly():
    knobs = [Choice("f", "function", ("relu", "tanh", "sigmoid"), "relu"),
             Slider("t", "steps", 0, 30, 0, 1, integer=True)]
    axes = bake.plan_grid(knobs, max_frames=40)
    assert axes[0].values() == ["relu", "tanh", "sigmoid"] and bake.grid_size(axes) <= 40
    assert axes[1].values()[0] == 0 and axes[1].values()[-1] == 30
    with pytest.raises(bake.BakeError, match="no grid"):
        bake.plan_grid(knobs, max_frames=5)


def test_when_no_exact_grid_fits_the_grid_centres_on_the_default():
    """59 steps cannot be cut evenly: the baked slider keeps its default and stops short of
    the ends by less than one coarse step."""
    knob = Slider("n", "count", 0, 59, 10, 1, integer=True)
    (axis,) = bake.plan_grid([knob], max_frames=20)
    values = axis.values()
    step = axis.factor
    assert 2 <= len(values) <= 20 and 10 in values
    assert values[0] - knob.min < step and knob.max - values[-1] < step
    assert not axis.exact and "from" in axis.describe()
    # an exact grid is preferred whenever one fits
    (axis,) = bake.plan_grid([Slider("n", "count", 0, 60, 10, 1, integer=True)], max_frames=20)
    assert axis.exact and axis.values()[-1] == 60


def test_bake_keeps_to_the_budget_and_restores_the_figure():
    knob_figure = line.line_fit().set(w=0.5, b=1.0)
    before = knob_figure.png
    baked = bake.bake(knob_figure, bake.Budget(frames=60, gzip_bytes=64 * 1024))
    report = baked.report
    assert report["frames"] <= 60 and report["rule"] == "coarse" and report["gzip_bytes"] <= 64 * 1024
    assert len(baked.payload["frames"]) == report["frames"] == bake.grid_size(baked.axes)
    assert knob_figure.set(w=0.5, b=1.0).png == before
    text = baked.html()
    assert text.startswith('<script type="application/json" class="knob-frames">')
    assert "</script" not in text[len('<script type="application/json" class="knob-frames">'):-9]
    payload = json.loads(text.split(">", 1)[1].rsplit("<", 1)[0])
    assert payload == json.loads(baked.json)


def test_the_byte_budget_coarsens_too():
    knob_figure = line.line_fit()
    baked = bake.bake(knob_figure, bake.Budget(frames=2000, gzip_bytes=40 * 1024))
    assert baked.report["gzip_bytes"] <= 40 * 1024 and baked.report["frames"] < 500


def small_figure():
    knobs = [Slider("a", "slope", -1.0, 1.0, 0.0, 0.1), Choice("c", "colour", ("blue", "orange"), "blue")]

    def draw(fig):
        ax = fig.add_subplot()
        ax.set_xlim(0, 1)
        ax.set_ylim(-1, 1)
        (drawn,) = ax.plot([], [], linewidth=2)
        return {"line": drawn, "label": ax.text(0.05, 0.9, "")}

    def frame(a, c):
        return {"line": {"data": ([0, 1], [0, a]), "color": c}, "label": f"a = {a:.1f}"}

    return KnobFigure(knobs, draw, frame, alt="a line whose slope and colour follow two knobs",
                      figsize=(3, 2))


def test_without_the_environment_variable_nothing_is_baked(monkeypatch):
    monkeypatch.delenv(bake.ENV, raising=False)
    knob_figure = small_figure()
    knob_figure.widget()
    assert not knob_figure._widgets.baked
    assert knob_figure._widgets.controls["a"].step == 0.1


def test_the_build_bakes_into_the_widget_with_coarse_steps(monkeypatch, tmp_path):
    monkeypatch.setenv(bake.ENV, "1")
    monkeypatch.setenv(bake.DIR_ENV, str(tmp_path))
    monkeypatch.setattr(bake, "BUDGET", bake.Budget(frames=12, gzip_bytes=64 * 1024))
    knob_figure = small_figure()
    knob_figure.widget()
    widgets = knob_figure._widgets
    assert 'class="knob-frames"' in widgets.picture.value and "data:image/png;base64," in widgets.picture.value
    slider = widgets.controls["a"]
    assert slider.step == pytest.approx(0.5) and slider.max == 1.0 and slider.value == 0.0
    # a later knob move in the kernel keeps the frames in the picture
    knob_figure.set(a=0.5)
    assert 'class="knob-frames"' in widgets.picture.value
    (report,) = tmp_path.glob("*.json")
    data = json.loads(report.read_text())
    assert data["frames"] == 10 and data["rule"] == "coarse" and len(data["references"]) >= 3
    for ref in data["references"]:
        assert (tmp_path / ref["png"]).read_bytes()[:4] == b"\x89PNG"
    summary = bake.summarise(tmp_path)
    assert data["id"] in summary and "baking added" in summary


def test_baking_is_deterministic():
    first = bake.bake(small_figure()).json
    assert bake.bake(small_figure()).json == first


def test_a_centred_grid_moves_the_baked_sliders_ends(monkeypatch):
    """When the grid stops short of a slider's ends, the baked slider stops there too."""
    monkeypatch.setenv(bake.ENV, "1")
    monkeypatch.delenv(bake.DIR_ENV, raising=False)
    monkeypatch.setattr(bake, "BUDGET", bake.Budget(frames=8, gzip_bytes=64 * 1024))

    def draw(fig):
        ax = fig.add_subplot()
        ax.set_xlim(0, 59)
        (drawn,) = ax.plot([], [], "o")
        return {"dot": drawn}

    knob_figure = KnobFigure([Slider("n", "count", 0, 59, 10, 1, integer=True)], draw,
                             lambda n: {"dot": ([n], [0.5])}, alt="one dot at the count, on a line",
                             figsize=(3, 1))
    knob_figure.widget()
    slider = knob_figure._widgets.controls["n"]
    (axis,) = bake.plan_grid(list(knob_figure.knobs.values()), 8)
    assert (slider.min, slider.max, slider.step) == (axis.values()[0], axis.values()[-1], axis.factor)
    assert slider.value == 10 and slider.max < 59


def test_the_report_finds_the_figures_of_a_built_page(tmp_path):
    """In a built page the frames sit JSON-escaped inside the widget state."""
    baked = bake.bake(small_figure(), bake.Budget(frames=12, gzip_bytes=64 * 1024))
    state = {"state": {"m": {"state": {"value": '<img alt="x">' + baked.html()}}}}
    page = tmp_path / "html" / "book" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(f'<script type="application/vnd.jupyter.widget-state+json">{json.dumps(state)}</script>')
    assert bake.page_figures(page) == [baked.payload["id"]]
    (tmp_path / "bake").mkdir()
    (tmp_path / "bake" / f"{baked.payload['id']}.json").write_text(json.dumps(baked.report))
    summary = bake.summarise(tmp_path / "bake", tmp_path / "html")
    assert "book/page.html" in summary and "Pages:" in summary
