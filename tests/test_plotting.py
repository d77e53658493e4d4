"""Tests for the network drawing helpers in nnlib.plotting."""
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnlib import plotting
from nnlib.knobs import apply_frame

BLUE = plotting._hex_rgb(plotting.COLORS["blue"])
VERMILLION = plotting._hex_rgb(plotting.COLORS["vermillion"])


def new_axes():
    return Figure().add_subplot()


# ---------------------------------------------------------------- layout

def test_layout_puts_layers_side_by_side_centred_top_first():
    nodes = plotting.network_layout([3, 2, 1])
    assert [n.shape for n in nodes] == [(3, 2), (2, 2), (1, 2)]
    np.testing.assert_allclose(nodes[0], [[0, 1], [0, 0], [0, -1]])
    np.testing.assert_allclose(nodes[1], [[1, 0.5], [1, -0.5]])
    np.testing.assert_allclose(nodes[2], [[2, 0]])


def test_edges_follow_the_order_of_w_ravel():
    sizes = [2, 3, 1]
    edges = plotting.network_edges(sizes)
    assert edges.shape == (2 * 3 + 3 * 1, 2, 2)
    nodes = plotting.network_layout(sizes)
    W = np.arange(6).reshape(2, 3)          # edge k joins row i to column j where W.ravel()[k] = W[i, j]
    for k, value in enumerate(W.ravel()):
        i, j = np.argwhere(W == value)[0]
        np.testing.assert_allclose(edges[k], [nodes[0][i], nodes[1][j]])
    np.testing.assert_allclose(edges[6:, 1], [nodes[2][0]] * 3)


@pytest.mark.parametrize("bad, error", [([3], ValueError), ("231", TypeError), (5, TypeError),
                                        ([2, 0, 1], ValueError), ([2, 1.5], TypeError),
                                        ([True, 2], TypeError)])
def test_bad_sizes_are_refused(bad, error):
    with pytest.raises(error, match="sizes"):
        plotting.network_layout(bad)


# ---------------------------------------------------------------- drawing

def test_draw_network_makes_one_artist_per_moving_part():
    ax = new_axes()
    names = [["a", "b"], ["top", "middle", "bottom"], ["out"]]
    artists = plotting.draw_network(ax, [2, 3, 1], names=names, titles=["in", "hidden", "out"])
    assert len(artists["edges"].get_segments()) == 9
    assert artists["nodes"].get_offsets().shape == (6, 2)
    values = sorted(k for k in artists if k.startswith("value"))
    assert values == ["value 0.0", "value 0.1", "value 1.0", "value 1.1", "value 1.2", "value 2.0"]
    assert artists["name 1.2"].get_text() == "bottom"
    # inputs named on the left, outputs on the right, hidden names above/below by half
    assert artists["name 0.0"].get_position()[0] < 0 < 2 < artists["name 2.0"].get_position()[0]
    assert artists["name 1.0"].get_position()[1] > 1.0 and artists["name 1.2"].get_position()[1] < -1.0
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < -1 and x1 > 3 and y0 < -1.5 and y1 > 1.5  # room for names and titles
    assert not ax.axison


def test_draw_network_without_names_has_no_name_labels_and_a_key():
    ax = new_axes()
    artists = plotting.draw_network(ax, [1, 1])
    assert not [k for k in artists if k.startswith("name")]
    assert ax.get_legend() is not None
    bare = new_axes()
    plotting.draw_network(bare, [1, 1], key=False)
    assert bare.get_legend() is None


@pytest.mark.parametrize("kwargs, match", [({"names": [["a"], ["b"]]}, "names"),
                                           ({"names": [["a", "b"], ["c"], None]}, r"names\[0\]"),
                                           ({"titles": ["only one"]}, "titles")])
def test_draw_network_checks_names_and_titles(kwargs, match):
    with pytest.raises(ValueError, match=match):
        plotting.draw_network(new_axes(), [1, 2, 1] if "titles" in kwargs else [1, 1, 1], **kwargs)


# ---------------------------------------------------------------- style

def small_network():
    weights = [np.array([[1.0, -2.0], [0.0, 0.5]]), np.array([[3.0], [-1.0]])]
    values = [np.array([1.0, -1.0]), np.array([0.0, 2.0]), np.array([-0.001])]
    return weights, values


def test_style_colours_and_widths_follow_the_weights():
    weights, values = small_network()
    style = plotting.network_style(weights, values, weight_scale=2.0)
    edges = style["edges"]
    w = np.concatenate([W.ravel() for W in weights])      # 1, -2, 0, 0.5, 3, -1
    colors = np.asarray(edges["colors"])
    np.testing.assert_allclose(colors[w > 0, :3], [BLUE] * 3)
    np.testing.assert_allclose(colors[w < 0, :3], [VERMILLION] * 2)
    assert colors[w == 0, 3][0] < 1 and np.allclose(colors[w == 0, :3], 0.6)
    widths = np.asarray(edges["linewidths"])
    assert widths[1] == widths[4] == widths.max()          # |w| >= scale: full width
    assert widths[3] < widths[0] < widths[1]                # 0.5 < 1 < 2
    assert [edges["linestyles"][k] == "solid" for k in range(6)] == list(w >= 0)


def test_style_accepts_one_weight_scale_per_matrix():
    weights, values = small_network()
    style = plotting.network_style(weights, values, weight_scale=[1.0, 100.0])
    widths = np.asarray(style["edges"]["linewidths"])
    assert widths[0] == widths.max() and widths[4] < widths[0]
    default = plotting.network_style(weights, values)        # scale = the largest |w|, 3
    assert np.argmax(default["edges"]["linewidths"]) == 4


def test_style_fills_nodes_by_value_and_labels_them():
    weights, values = small_network()
    style = plotting.network_style(weights, values, activation_scale=[1.0, 2.0, 1.0])
    fills = np.asarray(style["nodes"]["facecolors"])
    assert fills.shape == (5, 4)
    np.testing.assert_allclose(fills[0, :3], BLUE)            # +1 at scale 1
    np.testing.assert_allclose(fills[1, :3], VERMILLION)      # -1
    np.testing.assert_allclose(fills[2, :3], 1.0)             # 0 is white
    np.testing.assert_allclose(fills[3, :3], BLUE)            # +2 at scale 2
    assert style["value 0.1"] == {"text": "−1.00", "color": "white"}
    assert style["value 1.0"] == {"text": "0.00", "color": "black"}
    assert style["value 2.0"]["text"] == "0.00"                # no "−0.00" for a tiny negative


def test_style_decimals_per_layer():
    weights, values = small_network()
    style = plotting.network_style(weights, values, decimals=[0, 1, 3])
    assert style["value 0.0"]["text"] == "1" and style["value 1.1"]["text"] == "2.0"
    assert style["value 2.0"]["text"] == "−0.001"


def test_style_applies_to_the_drawing():
    ax = new_axes()
    artists = plotting.draw_network(ax, [2, 2, 1])
    weights, values = small_network()
    apply_frame(artists, plotting.network_style(weights, values))
    assert artists["value 1.1"].get_text() == "2.00"
    np.testing.assert_allclose(artists["nodes"].get_facecolors()[1, :3], VERMILLION)
    assert len(artists["edges"].get_linewidths()) == 6
    FigureCanvasAgg(ax.figure).draw()  # every style value is one matplotlib accepts


@pytest.mark.parametrize("weights, values, match", [
    ([np.ones((2, 3))], [np.ones(2), np.ones(2)], r"weights\[0\] must have shape \(2, 2\)"),
    ([np.ones((2, 2))], [np.ones(2)], "one activation vector per layer"),
    ([np.ones(4)], [np.ones(2), np.ones(2)], "2-D"),
    ([np.ones((1, 1))], [[np.nan], [1.0]], "NaN"),
])
def test_style_refuses_mismatched_networks(weights, values, match):
    with pytest.raises(ValueError, match=match):
        plotting.network_style(weights, values)


def test_style_refuses_bad_scales():
    weights, values = small_network()
    with pytest.raises(ValueError, match="activation_scale"):
        plotting.network_style(weights, values, activation_scale=[1.0, 2.0])
    with pytest.raises(ValueError, match="weight_scale"):
        plotting.network_style(weights, values, weight_scale=0.0)


def test_diverging_colours_clip_and_keep_shape():
    rgba = plotting.diverging_rgba(np.array([[-5.0, 0.0, 0.5, 5.0]]))
    assert rgba.shape == (1, 4, 4) and np.all(rgba[..., 3] == 1)
    np.testing.assert_allclose(rgba[0, 0, :3], VERMILLION)
    np.testing.assert_allclose(rgba[0, 1, :3], 1.0)
    np.testing.assert_allclose(rgba[0, 2, :3], (1 + BLUE) / 2)
    np.testing.assert_allclose(rgba[0, 3, :3], BLUE)
