"""Chapter 1: the picture shows what the maths says."""
import numpy as np
import pytest

import nnlib
from nnlib.exercises import line as exercises
from nnlib.figures import line


@pytest.fixture(scope="module")
def fit():
    return line.line_fit()


@pytest.mark.parametrize("w, b", [(-3.0, -5.0), (0.0, 0.0), (3.0, 5.0), (0.8, 1.3), (-1.25, 2.7)])
def test_line_and_readout_follow_the_knobs(fit, w, b):
    fit.set(w=w, b=b)
    drawn = fit.artists["line"]
    x, y = drawn.get_xdata(), drawn.get_ydata()
    assert np.allclose(y, w * np.asarray(x) + b)
    X, t = nnlib.datasets.line_points()
    mse = np.mean((w * X[:, 0] + b - t[:, 0]) ** 2)
    text = fit.artists["readout"].get_text()
    assert text == f"{line.equation(w, b)}\nMSE = {mse:.2f}"
    segments = fit.artists["residuals"].get_segments()
    assert len(segments) == len(X)
    for (x0, y0), (x1, y1) in segments:
        assert x0 == x1 and np.isclose(y1, w * x0 + b)


def test_equation_text_uses_true_minus_signs():
    assert line.equation(0.5, 1.2) == "y = 0.50·x + 1.20"
    assert line.equation(-0.5, -1.2) == "y = −0.50·x − 1.20"


def test_fit_exercise_feedback():
    X, y = nnlib.datasets.line_points()
    best_w, best_b = np.polyfit(X[:, 0], y[:, 0], deg=1)
    assert exercises.check_fit(best_w, best_b).ok
    verdict = exercises.check_fit(0.0, 0.0)
    assert not verdict.ok and "tilt" in verdict.message
    assert "b" in exercises.check_fit(best_w, best_b + 3).message
    for bad in ("abc", None, float("nan"), [1, 2]):
        result = exercises.check_fit(bad, 0.0)
        assert not result.ok and "could not read" in result.message


def test_output_exercise_feedback():
    assert exercises.check_output(2.5).ok
    assert not exercises.check_output(None).ok
    assert "bias" in exercises.check_output(4.5).message
    assert not exercises.check_output(3).ok
    assert "Well done" in exercises.check_output(2.5)._repr_html_()
