"""Tests for nnlib.chapters: the chapters' models stay apart from their pictures."""
import importlib
import pkgutil
import subprocess
import sys

import numpy as np
import pytest

import nnlib.chapters
from nnlib import chapters

CHAPTER_MODULES = sorted(info.name for info in pkgutil.iter_modules(nnlib.chapters.__path__))
BOOK_CHAPTERS = ("line", "neuron", "activations", "layers", "loss", "gradient_descent", "training", "beyond")


def test_every_model_module_is_named_after_a_chapter():
    assert CHAPTER_MODULES and set(CHAPTER_MODULES) <= set(BOOK_CHAPTERS)
    figures = {info.name for info in pkgutil.iter_modules(importlib.import_module("nnlib.figures").__path__)}
    assert figures == set(BOOK_CHAPTERS)


def test_models_import_no_drawing_and_no_widgets():
    """In a fresh interpreter: importing every model module loads neither matplotlib nor ipywidgets."""
    imports = "; ".join(f"import nnlib.chapters.{name}" for name in CHAPTER_MODULES)
    check = ("import sys; " + imports + "; "
             "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'ipywidgets') "
             "or m.startswith('nnlib.figures') or m in ('nnlib.knobs', 'nnlib.controls', 'bake')); "
             "print(loaded)")
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout


@pytest.mark.parametrize("name", CHAPTER_MODULES)
def test_every_public_name_is_there_and_figures_use_the_same_objects(name):
    model = importlib.import_module(f"nnlib.chapters.{name}")
    figure = importlib.import_module(f"nnlib.figures.{name}")
    assert model.__all__ and model.__doc__
    for public in model.__all__:
        assert hasattr(model, public), public
        if hasattr(figure, public):  # one definition: the figure imports it, never copies it
            assert getattr(figure, public) is getattr(model, public), public


def test_frozen_marks_arrays_read_only():
    a, b = chapters.frozen(np.zeros(3), np.ones((2, 2)))
    with pytest.raises(ValueError):
        a[0] = 1.0
    with pytest.raises(ValueError):
        b[0, 0] = 0.0


def test_cached_data_is_read_only_and_shared():
    from nnlib.chapters import beyond, training
    X, y = training.dataset("moons")
    assert training.dataset("moons")[0] is X and not X.flags.writeable and not y.flags.writeable
    assert all(not array.flags.writeable for array in training.noisy_moons())
    picture = beyond.digit_picture()
    assert picture.shape == (20, 20) and not picture.flags.writeable


def test_cached_data_equals_the_data_sets():
    from nnlib import datasets
    from nnlib.chapters import beyond, training
    for name in datasets.PLANE_CLASSES:
        for cached, fresh in zip(training.dataset(name), datasets.plane_classes(name)):
            np.testing.assert_array_equal(cached, fresh)
    np.testing.assert_array_equal(beyond.digit_picture(), datasets.digit_zero())
    np.testing.assert_array_equal(beyond.input_sequence("held on"), datasets.pulse_sequence("held on"))


def test_unknown_names_raise_clearly():
    from nnlib.chapters import beyond, training
    with pytest.raises(ValueError, match="unknown data set name 'rings'"):
        training.dataset("rings")
    with pytest.raises(ValueError, match="unknown size"):
        training.fitted("3 units")
    with pytest.raises(ValueError, match="kind"):
        beyond.input_sequence("two blips")
