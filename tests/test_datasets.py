"""Tests for nnlib.datasets: shapes, dtypes, seeds, label rules and bad arguments."""
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

from nnlib import datasets as ds

CLASSIFIERS = [ds.xor, ds.moons, ds.circles, ds.spirals]
SEEDED = [ds.line_points, ds.house_prices, ds.two_clouds] + CLASSIFIERS
ROOT = pathlib.Path(__file__).resolve().parents[1]


# ---------------------------------------------------------------- shapes, dtypes, seeds

@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize("n", [2, 7, 200])
def test_classifier_shapes_and_dtypes(make, n):
    X, y = make(n=n)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert np.isfinite(X).all()


@pytest.mark.parametrize("make", SEEDED)
def test_same_seed_same_data_other_seed_other_data(make):
    first, again, other = make(seed=3), make(seed=3), make(seed=4)
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other[0])


@pytest.mark.parametrize("make", SEEDED)
def test_default_seed_is_zero(make):
    np.testing.assert_array_equal(make()[0], make(seed=0)[0])


@pytest.mark.parametrize("make", [ds.xor, ds.moons, ds.circles])
@pytest.mark.parametrize("n, counts", [(200, [100, 100]), (7, [4, 3]), (2, [1, 1])])
def test_two_class_sets_are_balanced(make, n, counts):
    _, y = make(n=n)
    assert np.bincount(y, minlength=2).tolist() == counts


@pytest.mark.parametrize("classes, n, counts", [(2, 9, [5, 4]), (3, 10, [4, 3, 3]), (5, 200, [40] * 5)])
def test_spiral_classes_are_balanced(classes, n, counts):
    _, y = ds.spirals(n=n, classes=classes)
    assert np.bincount(y).tolist() == counts


@pytest.mark.parametrize("make", CLASSIFIERS)
def test_rows_are_shuffled(make):
    _, y = make(n=200)
    assert np.count_nonzero(np.diff(y)) > 50  # classes mixed, not in blocks


# ---------------------------------------------------------------- regression sets

def test_line_points_shape_range_and_sorted():
    X, y = ds.line_points()
    assert X.shape == (12, 1) and y.shape == (12, 1)
    assert X.dtype == y.dtype == np.float64
    assert np.all((X >= -4) & (X <= 4))
    assert np.all(np.diff(X[:, 0]) >= 0)


def test_line_points_follow_the_line():
    X, y = ds.line_points(n=5, w=-2.0, b=3.0, noise=0.0, x_range=(1, 2))
    np.testing.assert_allclose(y, -2.0 * X + 3.0)
    X, y = ds.line_points(n=4000, w=0.8, b=1.0, noise=0.6)
    residual = y - (0.8 * X + 1.0)
    assert abs(residual.mean()) < 0.05 and abs(residual.std() - 0.6) < 0.05


def test_walk_decisions_table():
    X, y = ds.walk_decisions()
    assert X.shape == (8, 3) and X.dtype == np.float64 and y.dtype == np.int64
    assert X.tolist()[:3] == [[0, 0, 0], [0, 0, 1], [0, 1, 0]] and X.tolist()[-1] == [1, 1, 1]
    assert len({tuple(row) for row in X}) == 8
    expected = [int(3 * s - 2 * c + 2 * f - 2.5 >= 0) for s, c, f in X]
    assert y.tolist() == expected == [0, 0, 0, 0, 1, 1, 0, 1]
    assert ds.WALK_FEATURES == ("sunny", "cold", "free time")


def test_walk_decisions_other_neuron_and_threshold_counts_as_yes():
    _, y = ds.walk_decisions(weights=(1, 1, 1), bias=-3)  # an AND of all three
    assert y.tolist() == [0] * 7 + [1]
    _, y = ds.walk_decisions(weights=[0, 0, 0], bias=0)  # exactly on the threshold
    assert y.tolist() == [1] * 8


def test_house_prices_columns_in_range():
    X, y = ds.house_prices()
    assert X.shape == (200, 3) and y.shape == (200, 1)
    assert X.dtype == y.dtype == np.float64
    size, location, bedrooms = X.T
    assert size.min() >= 30 and size.max() <= 250
    assert location.min() >= 0 and location.max() <= 10
    assert set(bedrooms) <= {1, 2, 3, 4, 5}
    assert y.min() > 0
    assert len(ds.HOUSE_FEATURES) == 3


def test_house_prices_location_makes_each_m2_dearer():
    X, y = ds.house_prices(n=3000)
    per_m2 = y[:, 0] / X[:, 0]
    assert per_m2[X[:, 1] > 8].mean() > 2 * per_m2[X[:, 1] < 2].mean()


def test_house_prices_are_not_a_straight_line_of_the_features():
    X, y = ds.house_prices(n=2000)
    linear = np.column_stack([X, np.ones(len(X))])
    with_product = np.column_stack([linear, X[:, 0] * X[:, 1] ** 2])
    miss = [np.linalg.lstsq(A, y, rcond=None)[1][0] for A in (linear, with_product)]
    assert miss[1] < 0.5 * miss[0]


def test_standardize_training_and_test_data():
    X, _ = ds.house_prices()
    Z, mean, std = ds.standardize(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1)
    assert mean.shape == std.shape == (3,)
    X_new, _ = ds.house_prices(seed=1)
    Z_new, mean_again, std_again = ds.standardize(X_new, mean, std)
    np.testing.assert_allclose(Z_new, (X_new - mean) / std)
    np.testing.assert_array_equal(mean_again, mean)


def test_standardize_constant_column_is_only_shifted():
    Z, mean, std = ds.standardize([[1.0, 5.0], [3.0, 5.0]])
    assert np.isfinite(Z).all()
    assert Z[:, 1].tolist() == [0.0, 0.0] and std.tolist() == [1.0, 1.0]
    Z, _, std = ds.standardize([[2.0], [4.0]], mean=[0.0], std=[0.0])
    assert Z.tolist() == [[2.0], [4.0]] and std.tolist() == [1.0]


# ---------------------------------------------------------------- shapes of the 2-D sets

def test_xor_labels_follow_the_signs():
    X, y = ds.xor(n=400)
    assert np.array_equal(y == 1, np.sign(X[:, 0]) != np.sign(X[:, 1]))
    assert np.all(np.abs(np.abs(X) - 1) < 0.8)


def test_xor_without_noise_sits_on_the_corners():
    X, y = ds.xor(n=8, noise=0)
    assert sorted(map(tuple, X.tolist())) == sorted([(-1.0, -1.0), (-1.0, 1.0), (1.0, 1.0), (1.0, -1.0)] * 2)


def test_moons_without_noise_lie_on_their_arcs():
    X, y = ds.moons(n=50, noise=0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1)
    assert upper[:, 1].min() >= 0 and lower[:, 1].max() <= 0.5 + 1e-12


def test_circles_radii():
    X, y = ds.circles(n=60, noise=0, factor=0.3)
    radius = np.hypot(*X.T)
    np.testing.assert_allclose(radius[y == 0], 1)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_spirals_stay_in_unit_disc_and_arms_are_turned():
    X, y = ds.spirals(n=300, classes=3, noise=0.5)
    assert np.hypot(*X.T).max() <= 1 + 1e-12
    X, y = ds.spirals(n=40, classes=2, noise=0, turns=1.0)
    arm0, arm1 = (X[y == k][np.argsort(np.hypot(*X[y == k].T))] for k in (0, 1))
    np.testing.assert_allclose(arm0[-1], [1.0, 0.0], atol=1e-12)  # one full turn out
    np.testing.assert_allclose(arm1, -arm0, atol=1e-12)  # second arm: half a turn on


# ---------------------------------------------------------------- digits

def test_digits_shapes_dtypes_and_counts():
    X, y, images = ds.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert images.shape == (1797, 8, 8)
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert y[:10].tolist() == list(range(10))


def test_digits_pixels_scaled_and_consistent():
    X, _, images = ds.digits()
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(X * 16, np.round(X * 16))  # steps of 1/16
    np.testing.assert_array_equal(X, images.reshape(1797, 64))
    assert round(X.sum() * 16) == 561718  # checksum of the shipped file


def test_digits_callers_cannot_corrupt_the_cache():
    X, y, images = ds.digits()
    X[:] = -1
    y[:] = -1
    images[:] = -1
    X2, y2, images2 = ds.digits()
    assert X2.min() == 0 and y2.min() == 0 and images2.min() == 0
    assert not np.shares_memory(X2, images2)


def test_digit_file_is_small_and_sklearn_is_not_used():
    assert (ROOT / "nnlib" / "data" / "digits.npz").stat().st_size < 100_000
    source = (ROOT / "nnlib" / "datasets.py").read_text(encoding="utf-8")
    assert "sklearn" not in source


def test_import_reads_nothing():
    code = "import nnlib.datasets as d; print(d._digit_file.cache_info().currsize)"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.strip() == "0"


# ---------------------------------------------------------------- train/test split

def test_split_is_disjoint_complete_and_aligned():
    X = np.arange(40.0).reshape(20, 2)
    y = np.arange(20)
    X_train, X_test, y_train, y_test = ds.train_test_split(X, y, test_fraction=0.25)
    assert len(X_test) == len(y_test) == 5 and len(X_train) == len(y_train) == 15
    assert sorted(np.concatenate([y_train, y_test]).tolist()) == list(range(20))
    np.testing.assert_array_equal(X_train[:, 0], 2 * y_train)
    np.testing.assert_array_equal(X_test[:, 0], 2 * y_test)
    assert y_train.dtype == np.int64
    assert not np.array_equal(np.sort(y_train), y_train)  # shuffled


def test_split_is_seeded():
    X, y = ds.moons()
    a, b, c = (ds.train_test_split(X, y, seed=s) for s in (1, 1, 2))
    for left, right in zip(a, b):
        np.testing.assert_array_equal(left, right)
    assert not np.array_equal(a[3], c[3]) or not np.array_equal(a[1], c[1])


def test_split_keeps_regression_targets_and_both_parts_nonempty():
    X, y = ds.house_prices(n=3)
    X_train, X_test, y_train, y_test = ds.train_test_split(X, y, test_fraction=0.01)
    assert X_test.shape == (1, 3) and y_test.shape == (1, 1) and y_train.shape == (2, 1)
    X_train, X_test, _, _ = ds.train_test_split(X, y, test_fraction=0.99)
    assert len(X_train) == 1 and len(X_test) == 2


# ---------------------------------------------------------------- upsample

def test_upsample_shape_and_range():
    _, _, images = ds.digits()
    for method in ("bilinear", "nearest"):
        big = ds.upsample(images[0], method=method)
        assert big.shape == (28, 28) and big.dtype == np.float64
        assert big.min() >= 0 and big.max() <= images[0].max()


def test_upsample_nearest_copies_pixels_into_blocks():
    image = np.arange(64.0).reshape(8, 8)
    big = ds.upsample(image, size=16, method="nearest")
    np.testing.assert_array_equal(big, np.kron(image, np.ones((2, 2))))


def test_upsample_keeps_same_size_and_flat_images():
    image = np.random.default_rng(0).random((8, 8))
    for method in ("bilinear", "nearest"):
        np.testing.assert_allclose(ds.upsample(image, size=8, method=method), image)
        np.testing.assert_allclose(ds.upsample(np.full((8, 8), 0.3), method=method), 0.3)


def test_upsample_bilinear_blends_neighbours():
    big = ds.upsample([[0.0, 1.0]], size=4)
    np.testing.assert_allclose(big, [[0, 0.25, 0.75, 1]] * 4)


# ---------------------------------------------------------------- bad arguments

BAD_CALLS = [
    (ds.line_points, dict(n=0), ValueError),
    (ds.line_points, dict(n=2.5), TypeError),
    (ds.line_points, dict(n=True), TypeError),
    (ds.line_points, dict(noise=-0.1), ValueError),
    (ds.line_points, dict(noise="big"), TypeError),
    (ds.line_points, dict(w=float("nan")), ValueError),
    (ds.line_points, dict(b=None), TypeError),
    (ds.line_points, dict(x_range=(4, -4)), ValueError),
    (ds.line_points, dict(x_range=(1, 2, 3)), ValueError),
    (ds.line_points, dict(x_range="ab"), TypeError),
    (ds.line_points, dict(seed=-1), ValueError),
    (ds.line_points, dict(seed=1.5), TypeError),
    (ds.walk_decisions, dict(weights=(1, 2)), ValueError),
    (ds.walk_decisions, dict(weights=("a", "b", "c")), TypeError),
    (ds.walk_decisions, dict(bias="low"), TypeError),
    (ds.house_prices, dict(n=-5), ValueError),
    (ds.house_prices, dict(n="10"), TypeError),
    (ds.house_prices, dict(seed="zero"), TypeError),
    (ds.standardize, dict(X=[1.0, 2.0]), ValueError),
    (ds.standardize, dict(X=[[1.0, 2.0]], mean=[0.0]), ValueError),
    (ds.standardize, dict(X=[[1.0, 2.0]], std=[1.0, -1.0]), ValueError),
    (ds.xor, dict(n=1), ValueError),
    (ds.xor, dict(n=0), ValueError),
    (ds.xor, dict(noise=-1), ValueError),
    (ds.moons, dict(n=10.0), TypeError),
    (ds.moons, dict(noise=float("inf")), ValueError),
    (ds.circles, dict(factor=1.0), ValueError),
    (ds.circles, dict(factor=0), ValueError),
    (ds.circles, dict(factor="half"), TypeError),
    (ds.circles, dict(noise=-0.01), ValueError),
    (ds.spirals, dict(classes=1), ValueError),
    (ds.spirals, dict(classes=2.0), TypeError),
    (ds.spirals, dict(n=2, classes=3), ValueError),
    (ds.spirals, dict(turns=0), ValueError),
    (ds.spirals, dict(noise=-0.2), ValueError),
    (ds.train_test_split, dict(X=np.zeros((4, 2)), y=np.zeros(3)), ValueError),
    (ds.train_test_split, dict(X=np.zeros((4, 2)), y=np.zeros(4), test_fraction=0), ValueError),
    (ds.train_test_split, dict(X=np.zeros((4, 2)), y=np.zeros(4), test_fraction=1), ValueError),
    (ds.train_test_split, dict(X=np.zeros((4, 2)), y=np.zeros(4), test_fraction=1.5), ValueError),
    (ds.train_test_split, dict(X=np.zeros((4, 2)), y=np.zeros(4), test_fraction="0.2"), TypeError),
    (ds.train_test_split, dict(X=np.zeros((1, 2)), y=np.zeros(1)), ValueError),
    (ds.train_test_split, dict(X=np.zeros(4), y=np.zeros(4)), ValueError),
    (ds.train_test_split, dict(X=np.zeros((4, 2)), y=0), ValueError),
    (ds.upsample, dict(image=np.zeros((8, 8)), size=0), ValueError),
    (ds.upsample, dict(image=np.zeros((8, 8)), size=28.0), TypeError),
    (ds.upsample, dict(image=np.zeros((8, 8)), method="cubic"), ValueError),
    (ds.upsample, dict(image=np.zeros((8, 8)), method=None), TypeError),
    (ds.upsample, dict(image=np.zeros(64)), ValueError),
    (ds.upsample, dict(image="digit"), TypeError),
    (ds.two_clouds, dict(n=1), ValueError),
    (ds.two_clouds, dict(seed=-1), ValueError),
    (ds.bump_points, dict(n=0), ValueError),
    (ds.bump_points, dict(width=0.0), ValueError),
    (ds.bump_points, dict(noise=-0.1), ValueError),
    (ds.bump_points, dict(width="wide"), TypeError),
    (ds.centred_moons, dict(noise=-1.0), ValueError),
    (ds.noisy_moons, dict(n_val=1), ValueError),
    (ds.noisy_moons, dict(n_train=3.0), TypeError),
    (ds.plane_classes, dict(name="rings"), ValueError),
    (ds.plane_classes, dict(name=3), TypeError),
    (ds.pulse_sequence, dict(kind="two blips"), ValueError),
    (ds.pulse_sequence, dict(kind=None), TypeError),
    (ds.pulse_sequence, dict(kind="held on", steps=0), ValueError),
    (ds.pulse_sequence, dict(kind="held on", steps=2.5), TypeError),
    (ds.digit_zero, dict(size=0), ValueError),
    (ds.upscaled_digits, dict(size=28.0), TypeError),
]


@pytest.mark.parametrize("func, kwargs, error", BAD_CALLS,
                         ids=[f"{f.__name__}-{sorted(k)}-{i}" for i, (f, k, _) in enumerate(BAD_CALLS)])
def test_bad_arguments_raise(func, kwargs, error):
    with pytest.raises(error) as info:
        func(**kwargs)
    assert type(info.value) is error
    assert len(str(info.value)) > 15  # says what was expected


def test_error_messages_name_the_argument():
    with pytest.raises(ValueError, match="noise must be a number of at least 0"):
        ds.moons(noise=-1)
    with pytest.raises(ValueError, match="test_fraction must be between 0 and 1"):
        ds.train_test_split(np.zeros((4, 1)), np.zeros(4), test_fraction=2)
    with pytest.raises(ValueError, match="unknown method 'cubic'; expected one of: bilinear, nearest"):
        ds.upsample(np.zeros((8, 8)), method="cubic")


# ---------------------------------------------------------------- the chapters' own data sets

def test_two_clouds_are_two_separate_halves():
    X, y = ds.two_clouds()
    assert X.shape == (40, 2) and X.dtype == np.float64 and y.dtype == np.int64
    assert y.tolist() == [0] * 20 + [1] * 20
    np.testing.assert_allclose(X[y == 0].mean(axis=0), (-1.0, 0.8), atol=0.3)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), (1.0, -0.6), atol=0.3)
    assert np.bincount(ds.two_clouds(n=7)[1]).tolist() == [3, 4]


def test_bump_points_peak_in_the_middle():
    X, y = ds.bump_points()
    assert X.shape == y.shape == (25, 1)
    np.testing.assert_allclose(X[:, 0], np.linspace(-3, 3, 25))
    assert abs(y[12, 0] - 1.0) < 0.1 and np.all(np.abs(y[[0, -1], 0]) < 0.1)
    clean = ds.bump_points(noise=0.0)[1]
    np.testing.assert_allclose(clean[:, 0], np.exp(-X[:, 0] ** 2 / (2 * 0.7 ** 2)))
    np.testing.assert_array_equal(ds.bump_points(seed=2)[1], ds.bump_points(seed=2)[1])
    assert not np.array_equal(ds.bump_points(seed=2)[1], y)


def test_centred_moons_are_moons_moved_to_the_origin():
    X, y = ds.centred_moons(200, noise=0.0)
    moons_X, moons_y = ds.moons(200, noise=0.0)
    np.testing.assert_allclose(X, (moons_X - [0.5, 0.25]) * 1.2)
    np.testing.assert_array_equal(y, moons_y)
    np.testing.assert_allclose(X.mean(axis=0), 0.0, atol=0.05)


@pytest.mark.parametrize("name", ds.PLANE_CLASSES)
def test_plane_classes_fill_the_same_square(name):
    X, y = ds.plane_classes(name)
    assert X.shape == (200, 2) and y.shape == (200,) and y.dtype == np.int64
    assert np.bincount(y).tolist() == [100, 100]
    assert np.all(np.abs(X) < 2.2) and np.abs(X).max() > 1.2  # fills the square, within it
    again, _ = ds.plane_classes(name)
    np.testing.assert_array_equal(X, again)
    X[0, 0] = 99.0  # fresh arrays: changing one call's changes nothing else
    assert ds.plane_classes(name)[0][0, 0] != 99.0


def test_plane_classes_are_the_generators_scaled():
    np.testing.assert_array_equal(ds.plane_classes("xor")[0], ds.xor(200, noise=0.25)[0])
    np.testing.assert_allclose(ds.plane_classes("circles")[0], 1.5 * ds.circles(200, noise=0.1)[0])
    np.testing.assert_allclose(ds.plane_classes("spirals")[0], 1.7 * ds.spirals(200, noise=0.1)[0])
    np.testing.assert_allclose(ds.plane_classes("moons")[0], ds.centred_moons(200, noise=0.12)[0])


def test_noisy_moons_training_and_validation_differ():
    X, y, X_val, y_val = ds.noisy_moons()
    assert X.shape == (30, 2) and y.shape == (30,) and X_val.shape == (300, 2) and y_val.shape == (300,)
    np.testing.assert_array_equal(X, ds.centred_moons(30, noise=0.3, seed=1)[0])
    np.testing.assert_array_equal(X_val, ds.centred_moons(300, noise=0.3, seed=2)[0])
    smaller = ds.noisy_moons(n_train=10, n_val=20, noise=0.0)
    assert [len(a) for a in smaller] == [10, 10, 20, 20]


def test_pulse_sequences():
    assert ds.pulse_sequence("one blip", 4).tolist() == [1.0, 0.0, 0.0, 0.0]
    assert ds.pulse_sequence("held on", 3).tolist() == [1.0, 1.0, 1.0]
    assert ds.pulse_sequence("held on").shape == (30,)
    assert set(ds.PULSES) == {"one blip", "held on"}


def test_digit_zero_is_the_first_digit_enlarged():
    picture = ds.digit_zero()
    _, y, images = ds.digits()
    assert y[0] == 0 and picture.shape == (20, 20)
    assert 0.0 <= picture.min() and picture.max() <= 1.0
    np.testing.assert_array_equal(picture, ds.upsample(images[0], 20))
    assert ds.digit_zero(12).shape == (12, 12)


def test_upscaled_digits_rows_are_upsampled_pictures():
    X, y, images = ds.upscaled_digits()
    assert X.shape == (1797, 784) and y.shape == (1797,) and images.shape == (1797, 8, 8)
    np.testing.assert_array_equal(X[5].reshape(28, 28), ds.upsample(images[5], 28))
    np.testing.assert_array_equal(y, ds.digits()[1])
    assert ds.upscaled_digits(10)[0].shape == (1797, 100)
