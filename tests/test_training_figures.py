"""Chapter 7: the training pictures show what the networks really do."""
import time

import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

import nnlib
from nnlib import activations, losses
from nnlib.chapters import training as chapter
from nnlib.exercises import training as exercises
from nnlib.figures import training
from nnlib.knobs import Choice

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def trainer():
    return training.train_network()


# ------------------------------------------------------------------ data and training

@pytest.mark.parametrize("name", ["xor", "moons", "circles", "spirals"])
def test_datasets_fill_the_box_and_are_read_only(name):
    X, y = chapter.dataset(name)
    assert X.shape == (200, 2) and y.shape == (200,)
    assert set(np.unique(y)) == {0, 1} and np.sum(y == 1) == 100
    assert np.all(np.abs(X) < training.BOX[1])
    with pytest.raises(ValueError):
        X[0, 0] = 5.0
    with pytest.raises(ValueError, match="unknown data set"):
        chapter.dataset("rings")


def test_every_epoch_a_knob_reaches_has_a_snapshot():
    """The "epochs trained" knobs only pick snapshots, so each value they reach must have one."""
    for knobs, epochs, every in ((training.KNOBS, chapter.EPOCHS, chapter.EVERY),
                                 (training.UNIT_KNOBS, chapter.EPOCHS, chapter.EVERY),
                                 (training.FIT_KNOBS, chapter.FIT_EPOCHS, chapter.FIT_EVERY)):
        t = next(k for k in knobs if k.name == "t")
        assert [int(v) for v in t.grid()] == list(range(0, epochs + 1, every))


def test_one_training_is_fast_and_deterministic():
    X, y = chapter.dataset("spirals")
    start = time.perf_counter()
    first = chapter.train_run(X, y, (2, 8, 8, 1), "tanh", 2.5, chapter.EPOCHS, chapter.EVERY)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, f"a training took {elapsed:.2f} s; the budget is about 0.3 s"
    again = chapter.train_run(X, y, (2, 8, 8, 1), "tanh", 2.5, chapter.EPOCHS, chapter.EVERY)
    assert first.loss == again.loss
    assert all(np.array_equal(a, b) for a, b in zip(first.weights[-1], again.weights[-1]))
    assert first.epochs == tuple(range(0, chapter.EPOCHS + 1, chapter.EVERY))
    assert len(first.loss) == chapter.EPOCHS + 1 and not first.diverged


# ------------------------------------------------------------------ the training figure

@pytest.mark.parametrize("setting", [
    {"data": "moons", "f": "tanh", "width": 4, "depth": 2, "lr": 2.5, "t": 600},
    {"data": "xor", "f": "relu", "width": 2, "depth": 1, "lr": 0.5, "t": 150},
    {"data": "spirals", "f": "tanh", "width": 8, "depth": 1, "lr": 4.5, "t": 0},
    {"data": "circles", "f": "relu", "width": 6, "depth": 2, "lr": 2.5, "t": 300},
])
def test_map_loss_and_readouts_match_the_network_at_epoch_t(trainer, setting):
    trainer.set(**setting)
    run = chapter.trained(setting["data"], setting["f"], setting["width"], setting["depth"],
                           setting["lr"])
    net = chapter.network(run, run.snapshot(setting["t"]))
    assert [layer.n_outputs for layer in net if hasattr(layer, "W")] == \
        [setting["width"]] * setting["depth"] + [1]
    X, y = chapter.dataset(setting["data"])
    grid = nnlib.plotting.grid_points(training.BOX, training.BOX, training.GRID_N)
    expected = activations.sigmoid(net.forward(grid)).reshape(training.GRID_N, training.GRID_N)
    assert np.allclose(trainer.artists["surface"].get_array(), expected)
    # the loss after t epochs, recomputed from the weights of the snapshot
    loss, _ = losses.binary_cross_entropy_with_logits(net.forward(X), y.reshape(-1, 1))
    assert np.isclose(run.loss[setting["t"]], loss)
    assert trainer.artists["loss_readout"].get_text() == f"epoch {setting['t']}\nloss {loss:.3f}"
    accuracy = nnlib.metrics.accuracy(net.forward(X), y, threshold=0.0)
    assert trainer.artists["readout"].get_text() == f"training accuracy {accuracy:.0%}"
    assert list(trainer.artists["now"].get_xdata()) == [setting["t"]]
    assert len(trainer.artists["so_far"].get_xdata()) == setting["t"] + 1
    for k in (0, 1):
        assert np.array_equal(trainer.artists[f"class{k}"].get_offsets(), X[y == k])


def test_a_diverged_setting_shows_its_message_instead_of_a_map():
    frame = training.training_frame(data="moons", f="relu", width=8, depth=2, lr=30.0, t=300)
    assert frame["message"].replace("\n", " ").startswith("diverged: training diverged at epoch")
    assert "lower the learning rate" in frame["message"].replace("\n", " ")
    assert np.all(frame["surface"]["data"] == 0.5)
    run = chapter.trained("moons", "relu", 8, 2, 30.0)
    assert run.diverged and frame["loss_readout"] == f"training stopped\nlast finite loss {run.loss[-1]:.3g}"
    assert np.all(np.isfinite(frame["curve"][1]))
    before = training.training_frame(data="moons", f="relu", width=8, depth=2, lr=30.0, t=0)
    assert before["message"] == "" and before["surface"]["data"].std() > 0


def test_a_healthy_frame_has_no_message(trainer):
    trainer.set(data="moons", f="tanh", width=4, depth=2, lr=2.5, t=600)
    assert trainer.artists["message"].get_text() == ""


@pytest.mark.parametrize("data, f, width, depth, lr, low, high", [
    ("xor", "tanh", 2, 1, 2.5, 1.0, 1.0),       # two tanh units solve XOR
    ("xor", "relu", 2, 1, 2.5, 0.75, 0.75),     # ... two relu units leave a dead region
    ("circles", "tanh", 2, 1, 2.5, 0.7, 0.85),  # two lines cannot fence in a ring
    ("circles", "relu", 4, 1, 2.5, 0.99, 1.0),
    ("spirals", "tanh", 6, 1, 2.5, 0.5, 0.6),   # one layer of 6 is stuck
    ("spirals", "tanh", 6, 2, 2.5, 1.0, 1.0),   # two layers of 6 are not
    ("moons", "tanh", 4, 1, 0.5, 0.85, 0.9),    # a small step has not finished
    ("moons", "tanh", 4, 1, 2.5, 1.0, 1.0),
    ("circles", "relu", 4, 2, 4.5, 0.5, 0.5),   # a big step kills the relu network
])
def test_what_the_chapter_says_about_these_settings(data, f, width, depth, lr, low, high):
    assert low <= chapter.trained(data, f, width, depth, lr).accuracy[-1] <= high


def test_the_default_run_has_a_plateau_then_a_drop():
    loss = np.array(chapter.trained("moons", "tanh", 4, 2, 2.5).loss)
    assert np.all((loss[20:120] > 0.25) & (loss[20:120] < 0.35))
    assert loss[250] < 0.01


# ------------------------------------------------------------------ hidden units

def test_first_layer_maps_are_tanh_edges():
    frame = training.units_frame(data="circles", layer=1, t=600)
    run = chapter.trained("circles", **chapter.HIDDEN)
    W, b = run.weights[-1][0], run.weights[-1][1]
    grid = nnlib.plotting.grid_points(training.BOX, training.BOX, training.GRID_N)
    for j in range(8):
        expected = np.tanh(grid @ W[:, j] + b[j]).reshape(training.GRID_N, training.GRID_N)
        assert np.allclose(frame[f"unit{j}"]["data"], expected)
    same = training.training_frame(data="circles", t=600, **chapter.HIDDEN)
    assert np.allclose(frame["surface"]["data"], same["surface"]["data"])


def test_second_layer_maps_are_not_straight_edges():
    """A first-layer map only changes across one direction; a second-layer map bends."""
    def bends(image):
        singular = np.linalg.svd(image - image.mean(), compute_uv=False)
        return singular[1] / singular[0]
    first = training.units_frame(data="circles", layer=1, t=600)
    second = training.units_frame(data="circles", layer=2, t=600)
    first_bend = max(bends(first[f"unit{j}"]["data"]) for j in range(8))
    second_bend = max(bends(second[f"unit{j}"]["data"]) for j in range(8))
    assert second_bend > first_bend
    for j in range(8):
        assert np.all(np.abs(second[f"unit{j}"]["data"]) <= 1)


def test_unit_readout_names_layer_epoch_and_accuracy():
    figure = training.hidden_units().set(data="xor", layer=2, t=100)
    run = chapter.trained("xor", **chapter.HIDDEN)
    text = figure.artists["readout"].get_text()
    assert text == f"layer 2, epoch 100: training accuracy {run.accuracy[2]:.0%}"


# ------------------------------------------------------------------ too small, too big

@pytest.fixture(scope="module")
def sizes():
    return training.too_small_too_big()


def test_the_loss_curves_are_the_recorded_losses(sizes):
    sizes.set(size="16 units", t=200)
    run = chapter.fitted("16 units")
    assert np.allclose(sizes.artists["val"].get_ydata(), run.val_loss)
    assert np.allclose(sizes.artists["train"].get_ydata(), run.loss)
    best = chapter.best_epoch(run)
    assert list(sizes.artists["best"].get_xdata()) == [best]
    assert sizes.artists["best"].get_ydata()[0] == min(run.val_loss)
    text = sizes.artists["loss_readout"].get_text()
    assert text == (f"epoch 200\ntraining loss   {run.loss[200]:.2g}\n"
                    f"validation loss {run.val_loss[199]:.2g}")
    acc = sizes.artists["readout"].get_text()
    assert f"training {run.accuracy[2]:.0%}" in acc and f"new points {run.val_accuracy[2]:.0%}" in acc


def test_validation_accuracy_is_measured_on_the_validation_points():
    run = chapter.fitted("4 units")
    _, _, X_val, y_val = chapter.noisy_moons()
    net = chapter.network(run, run.snapshot(1000))
    assert run.val_accuracy[10] == nnlib.metrics.accuracy(net.forward(X_val), y_val, threshold=0.0)


def test_too_small_underfits_and_too_big_overfits():
    small, big = chapter.fitted("1 unit"), chapter.fitted("2 × 32 units")
    assert small.loss[-1] > 0.3 and small.val_loss[-1] > 0.3            # both high together
    assert abs(small.val_loss[-1] - min(small.val_loss)) < 0.02
    assert big.loss[-1] < 0.01                                           # memorised the points
    assert big.val_loss[-1] > 3 * min(big.val_loss)                      # ... and got worse on new ones
    assert 30 <= chapter.best_epoch(big) <= 100
    assert 100 <= chapter.best_epoch(chapter.fitted("16 units")) <= 200
    with pytest.raises(ValueError, match="unknown size"):
        chapter.fitted("3 units")


def test_the_size_knob_lists_growing_networks():
    knob = training.FIT_KNOBS[0]
    assert isinstance(knob, Choice)
    counts = [sum(chapter.SIZES[name][1:-1]) for name in knob.options]
    assert counts == sorted(counts) and counts[0] == 1


# ------------------------------------------------------------------ digits

def test_draw_confusion_writes_every_nonzero_count():
    counts = np.array([[5, 0], [2, 3]])
    ax = Figure().add_subplot()
    image = training.draw_confusion(ax, counts)
    assert sorted(t.get_text() for t in ax.texts) == ["2", "3", "5"]
    assert image.get_array()[1, 0] == 2 and image.get_array()[0, 0] == 0  # only mistakes shaded


def test_draw_mistakes_shows_each_probability():
    fig = Figure()
    axes = fig.subplots(2, 2)
    images = np.zeros((2, 8, 8))
    p = np.full((2, 10), 0.02)
    p[0, 3], p[1, 7] = 0.82, 0.82
    bars = training.draw_mistakes(axes, images, np.array([8, 1]), p)
    assert [round(r.get_height(), 2) for r in bars[0]] == list(np.round(p[0], 2))
    assert axes[0, 0].get_title() == "is 8, read as 3"
    assert axes[0, 1].get_title() == "is 1, read as 7"


def test_draw_datasets_and_digits_label_their_panels():
    fig = Figure()
    axes = training.draw_datasets(fig.subplots(1, 4))
    assert [ax.get_title() for ax in axes] == ["xor", "moons", "circles", "spirals"]
    axes = training.draw_digits(fig.subplots(1, 2), np.zeros((2, 8, 8)), ["a", "b"])
    assert [ax.get_title() for ax in axes] == ["a", "b"]


def test_the_chapters_digit_network_trains_fast_and_well():
    X, y, _ = nnlib.datasets.digits()
    X_train, X_test, y_train, y_test = nnlib.datasets.train_test_split(X, y, 0.25, seed=0)
    net = nnlib.Sequential.mlp([64, 32, 10], activation="relu", seed=0)
    start = time.perf_counter()
    nnlib.fit(net, X_train, y_train, loss="softmax_cross_entropy", lr=0.5, epochs=30,
              batch_size=32, seed=0)
    assert time.perf_counter() - start < 3.0
    predicted = net.forward(X_test).argmax(axis=1)
    counts = nnlib.metrics.confusion_matrix(y_test, predicted)
    assert 0.95 <= np.trace(counts) / counts.sum() <= 0.97
    off = counts - np.diag(np.diag(counts))
    assert np.unravel_index(off.argmax(), off.shape) == (8, 1)   # eights read as ones, as the text says


# ------------------------------------------------------------------ exercises

def test_smallest_xor_exercise():
    assert exercises.check_smallest_xor(2, 1, "tanh").ok
    relu = exercises.check_smallest_xor(2, 1, "relu")
    assert not relu.ok and "other activation" in relu.message
    bigger = exercises.check_smallest_xor(4, 1, "relu")
    assert not bigger.ok and "4 hidden units" in bigger.message
    assert "None" in exercises.check_smallest_xor(None, None, None).message
    for bad in [(3, 1, "tanh"), (2, 3, "tanh"), ("2", 1, "tanh"), (2.0, 1, "tanh")]:
        verdict = exercises.check_smallest_xor(*bad)
        assert not verdict.ok and "could not read" in verdict.message
    assert "relu" in exercises.check_smallest_xor(2, 1, "sigmoid").message


def test_accuracy_from_confusion_exercise():
    counts = np.array([[8, 2], [1, 9]])
    assert exercises.check_accuracy_from_confusion(0.85, counts).ok
    assert exercises.check_accuracy_from_confusion(np.trace(counts) / counts.sum(), counts).ok
    assert "divide" in exercises.check_accuracy_from_confusion(17, counts).message
    assert "fraction" in exercises.check_accuracy_from_confusion(85, counts).message
    assert "error rate" in exercises.check_accuracy_from_confusion(0.15, counts).message
    assert "diagonal" in exercises.check_accuracy_from_confusion(0.5, counts).message
    assert "None" in exercises.check_accuracy_from_confusion(None, counts).message
    assert "function" in exercises.check_accuracy_from_confusion(np.trace, counts).message
    assert "could not read" in exercises.check_accuracy_from_confusion("high", counts).message


def test_early_stop_exercise():
    best = chapter.best_epoch(chapter.fitted("16 units"))
    for good in (best, 100, 200):
        assert exercises.check_early_stop(good).ok
    late = exercises.check_early_stop(1500)
    assert not late.ok and "too late" in late.message
    early = exercises.check_early_stop(20)
    assert not early.ok and "too early" in early.message
    assert "nothing" in exercises.check_early_stop(0).message
    assert "whole number" in exercises.check_early_stop(12.5).message
    assert "whole number" in exercises.check_early_stop(5000).message
    assert "None" in exercises.check_early_stop(None).message
    assert "could not read" in exercises.check_early_stop("soon").message
