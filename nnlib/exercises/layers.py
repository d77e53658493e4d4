"""Chapter 4 exercises: count parameters, predict a shape, run a forward pass by hand,
and separate XOR by turning knobs."""
import math
import re

import numpy as np

from .. import datasets
from ..chapters.layers import xor_model
from ..metrics import accuracy
from . import Feedback, as_number, friendly

XOR_TARGET = 0.95
# The small network of the forward-pass-by-hand exercise (batch-first: x is one row).
HAND_X = np.array([[2.0, 1.0]])
HAND_W1 = np.array([[1.0, -1.0], [0.5, 2.0]])
HAND_B1 = np.array([0.0, -1.0])
HAND_W2 = np.array([[2.0], [3.0]])
HAND_B2 = np.array([-1.0])


def _one_number(value, name):
    """A number, or an array holding exactly one number, as a float."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.item()
    return as_number(value, name)


def parameter_count(sizes):
    """Weights and biases of dense layers joining consecutive sizes: sum of D·M + M."""
    return sum(d * m + m for d, m in zip(sizes[:-1], sizes[1:]))


def _count_hint(answer, sizes):
    """Why a wrong parameter count is wrong, for the usual slips."""
    pairs = list(zip(sizes[:-1], sizes[1:]))
    weights = sum(d * m for d, m in pairs)
    slips = {
        weights: "that is the number of weights only; each neuron after the input layer also "
                 "has one bias",
        weights + sum(sizes): "the input layer has no biases: its nodes only hold the input numbers",
        sum(sizes): "that counts the neurons; count the connections (each carries a weight) "
                    "and the biases instead",
        math.prod(sizes): "only neighbouring layers are connected, so count each layer on its "
                          "own and then add",
        pairs[0][0] * pairs[0][1] + pairs[0][1]: "that is the first layer; the second layer has "
                                                 "weights and biases too",
    }
    return slips.get(answer, "for each dense layer count D·M weights plus M biases, then add "
                             "the layers up")


@friendly
def check_parameter_count(answer, sizes=(784, 128, 10)):
    """Is ``answer`` the number of weights and biases of a dense network of these sizes?"""
    if answer is None:
        return Feedback(False, "replace None with a whole number, then run the cell again.")
    answer = _one_number(answer, "your answer")
    total = parameter_count(sizes)
    if answer == total:
        parts = " + ".join(f"({d}·{m} + {m})" for d, m in zip(sizes[:-1], sizes[1:]))
        return Feedback(True, f"{parts} = {total:,} parameters.")
    shown = f"{int(answer):,}" if answer == int(answer) else f"{answer:,}"
    return Feedback(False, f"{shown} is not it: {_count_hint(answer, sizes)}.")


def _as_shape(answer):
    """A shape given as a tuple, list, array or text such as '(32, 128)' -> tuple of ints."""
    if isinstance(answer, str):
        numbers = [int(part) for part in re.findall(r"-?\d+", answer)]
        if not numbers:
            raise ValueError(f"a shape is a tuple of whole numbers such as (5, 3), got {answer!r}")
        answer = numbers
    if isinstance(answer, (int, np.integer)) and not isinstance(answer, bool):
        answer = (answer,)
    if not isinstance(answer, (tuple, list, np.ndarray)) or len(answer) == 0:
        raise ValueError(f"a shape is a tuple of whole numbers such as (5, 3), got {answer!r}")
    shape = []
    for part in answer:
        number = _one_number(part, "each size in the shape")
        if number != int(number) or number < 1:
            raise ValueError(f"each size in a shape is a whole number of at least 1, got {part!r}")
        shape.append(int(number))
    return tuple(shape)


@friendly
def check_output_shape(answer, batch=32, n_inputs=784, n_outputs=128):
    """Is ``answer`` the shape of Dense(n_inputs, n_outputs) applied to a (batch, n_inputs) X?"""
    if answer is None:
        return Feedback(False, "replace None with a shape such as (5, 3), then run the cell again.")
    shape = _as_shape(answer)
    right = (batch, n_outputs)
    if shape == right:
        return Feedback(True, f"X ({batch}, {n_inputs}) @ W ({n_inputs}, {n_outputs}) + b "
                              f"({n_outputs},) gives ({batch}, {n_outputs}): one row per image, "
                              f"one column per neuron.")
    hints = {
        (n_outputs, batch): "the rows and columns are swapped: the batch comes first, one row "
                            "per example",
        (n_inputs, n_outputs): "that is the shape of the weight matrix W, not of the output",
        (batch, n_inputs): "that is the shape of the input X; the layer changes the number of columns",
        (n_outputs,): "that is the shape of the bias b (or of one example's output); the batch "
                      "keeps all its rows",
        (1, n_outputs): "that would be a batch of one; here every example in the batch gets a row",
    }
    hint = hints.get(shape, "write X @ W with the shapes under it: the inner sizes must match "
                            "and cancel, the outer ones are left")
    return Feedback(False, f"{shape} is not it: {hint}.")


def hand_forward():
    """The answer to the by-hand exercise: relu(x W1 + b1) W2 + b2, a (1, 1) array."""
    hidden = np.maximum(HAND_X @ HAND_W1 + HAND_B1, 0.0)
    return hidden @ HAND_W2 + HAND_B2


@friendly
def check_forward(answer):
    """Is ``answer`` the output of the two-layer network in the by-hand exercise?"""
    if answer is None:
        return Feedback(False, "replace None with a number, then run the cell again.")
    answer = _one_number(answer, "your answer")
    right = hand_forward().item()
    if abs(answer - right) < 1e-6:
        return Feedback(True, f"z = [2.5, −1], h = relu(z) = [2.5, 0], ŷ = 2.5·2 + 0·3 − 1 = {right:g}.")
    no_relu = ((HAND_X @ HAND_W1 + HAND_B1) @ HAND_W2 + HAND_B2).item()
    turned = (np.maximum(HAND_X @ HAND_W1.T + HAND_B1, 0.0) @ HAND_W2 + HAND_B2).item()
    no_bias = (np.maximum(HAND_X @ HAND_W1 + HAND_B1, 0.0) @ HAND_W2).item()
    hints = {
        no_relu: "you skipped the relu: the hidden value −1 must become 0 before the last layer",
        turned: "you multiplied along the rows of W₁; with x as a row, hidden unit j uses "
                "column j of W₁",
        no_bias: "you forgot the output bias b₂",
    }
    hint = next((text for value, text in hints.items() if abs(answer - value) < 1e-6),
                "work in two steps: first h = relu(x·W₁ + b₁), then ŷ = h·W₂ + b₂")
    return Feedback(False, f"{answer:g} is not it: {hint}.")


@friendly
def check_xor(w1, b1, w2, b2, target=XOR_TARGET):
    """Does the XOR figure's network with these knob values classify the points well enough?"""
    values = [_one_number(v, name) for v, name in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
    X, y = datasets.xor()
    acc = accuracy(xor_model(*values)(X), y)
    if acc >= target:
        return Feedback(True, f"accuracy {acc:.0%}: the band between your two lines holds the "
                              f"orange clouds and leaves the blue ones outside.")
    w1, b1, w2, b2 = values
    if w1 <= 0 or w2 <= 0:
        hint = ("first tilt both lines so that they run from top left to bottom right, parallel "
                "to the diagonal through the two orange clouds: that needs positive w₁ and w₂")
    elif b1 <= b2:
        hint = ("the orange band lies between the lines only when the h₁ line is below and left "
                "of the h₂ line: raise b₁ and lower b₂")
    else:
        hint = ("the lines lean the right way and are in the right order: keep them parallel to "
                "the orange diagonal and move them apart until each runs between the orange "
                "clouds and a blue one")
    return Feedback(False, f"accuracy {acc:.0%}, below {target:.0%}; {hint}.")
