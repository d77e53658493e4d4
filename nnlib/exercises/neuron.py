"""Chapter 2 exercises: reading a neuron, finding the weight that matters, building AND, one update."""
import numpy as np

from .. import datasets, perceptron
from ..layers import Neuron
from . import Feedback, as_number, friendly

WALK_WEIGHTS, WALK_BIAS = (3.0, -2.0, 2.0), -2.5   # the chapter's walker (walk_decisions' default)
COAT_WEIGHTS = (3.0, -1.0, 2.0)                    # the same walker in a warm coat: the exercise
WALK_QUESTION = (1, 1, 0)                          # sunny, cold, no free time
PUZZLE_WEIGHTS, PUZZLE_BIAS = (1.5, -3.0, 2.0), -1.0
UPDATE_W, UPDATE_B, UPDATE_LR = (0.5, -1.0), 0.0, 0.5
UPDATE_X, UPDATE_Y = (1.0, 1.0), 1

_WALK_WORDS = {"walk": 1, "go": 1, "yes": 1, "1": 1, "stay": 0, "stay in": 0, "no": 0, "0": 0}
_INPUT_NAMES = {"sunny": 0, "x1": 0, "cold": 1, "x2": 1, "free time": 2, "free_time": 2,
                "free-time": 2, "freetime": 2, "free": 2, "x3": 2}


def _g(value):
    """A number in short form with a true minus sign: −1.5."""
    return f"{value:g}".replace("-", "−")


def _decision(answer):
    """The reader's decision as 0 (stay in) or 1 (walk): a word, a bool or 0/1."""
    if isinstance(answer, (bool, np.bool_)):
        return int(answer)
    if isinstance(answer, str):
        key = answer.strip().lower()
        if key in _WALK_WORDS:
            return _WALK_WORDS[key]
        raise ValueError(f'write "walk" or "stay in" (or 1 or 0), got {answer!r}')
    value = as_number(answer, "your answer")
    if value not in (0.0, 1.0):
        raise ValueError(f"the neuron's output is 0 or 1, got {answer!r}")
    return int(value)


def _sum_text(weights, x, bias):
    """'3 + (−2) + (−2.5) = −1.5': the votes of the inputs that are on, then the bias."""
    terms = [w for w, xi in zip(weights, x) if xi] + [bias]
    shown = " + ".join(f"{t:g}" if t >= 0 else f"(−{-t:g})" for t in terms)
    total = float(np.dot(weights, x) + bias)
    return f"{shown} = {total:g}".replace("-", "−")


@friendly
def check_walk(answer, x=WALK_QUESTION, weights=COAT_WEIGHTS):
    """Does the reader's decision (walk / stay in) match the walker neuron's output for inputs x?

    x: (3,) 0/1 inputs (sunny, cold, free time).  weights: (3,), with the bias WALK_BIAS.
    """
    if answer is None:
        return Feedback(False, 'replace None with "walk" or "stay in", then run the cell again.')
    guess = _decision(answer)
    neuron = Neuron(weights, WALK_BIAS, activation="step")
    expected = int(neuron([x])[0])
    if guess == expected:
        verdict = "0 or more, so the neuron fires: walk" if expected else "below 0, so it stays silent: stay in"
        return Feedback(True, f"z = {_sum_text(weights, x, WALK_BIAS)} is {verdict}.")
    shown = ", ".join(_g(w) for w in weights)
    return Feedback(False, f"add up the weights w = ({shown}) of the inputs that are 1 (yes), then add "
                           f"the bias b = {_g(WALK_BIAS)}; the neuron says walk only if that sum z is 0 or more.")


def _input_index(answer):
    """The reader's answer as an input number 0, 1 or 2 (sunny, cold, free time)."""
    if not isinstance(answer, str):
        raise ValueError(f'write the input\'s name as text, such as "sunny", got {answer!r}')
    key = answer.strip().lower()
    if key not in _INPUT_NAMES:
        raise ValueError(f'write one of "sunny", "cold" or "free time", got {answer!r}')
    return _INPUT_NAMES[key]


@friendly
def check_most_important(answer, weights=PUZZLE_WEIGHTS, bias=PUZZLE_BIAS):
    """Is ``answer`` the input whose flip changes the decision in the most situations?"""
    if answer is None:
        return Feedback(False, 'replace None with "sunny", "cold" or "free time", then run the cell again.')
    chosen = _input_index(answer)
    _, decisions = datasets.walk_decisions(weights, bias)
    d = decisions.reshape(2, 2, 2)
    flips = [int(np.sum(np.diff(d, axis=axis) != 0)) for axis in range(3)]
    best = int(np.argmax(flips))
    names = datasets.WALK_FEATURES
    counts = ", ".join(f"{name} {count}/4" for name, count in zip(names, flips))
    if chosen == best:
        return Feedback(True, f"flipping {names[best]} changes the decision in {flips[best]} of 4 "
                              f"situations ({counts}). Its weight is the largest in size; the "
                              "minus sign only says which way it pushes.")
    if weights[chosen] > 0 and abs(weights[best]) > weights[chosen]:
        hint = ("a negative weight is a vote too: compare the sizes |w| of the weights, "
                "not just the positive ones")
    else:
        hint = ("set the walk figure's knobs to these weights and bias, then count, for each input, "
                "the pairs of rows that differ only in that input and get different decisions")
    return Feedback(False, f"flipping {names[chosen]} changes the decision in only "
                           f"{flips[chosen]} of 4 situations; {hint}.")


@friendly
def check_and(w1, w2, b):
    """Does the step neuron with weights (w1, w2) and bias b compute AND on 0/1 inputs?"""
    if any(value is None for value in (w1, w2, b)):
        return Feedback(False, "replace each None with a number, then run the cell again.")
    w = np.array([as_number(w1, "w1"), as_number(w2, "w2")])
    b = as_number(b, "b")
    X, y = perceptron.logic_gate("AND")
    z = X @ w + b
    out = perceptron.predict(X, w, b)
    if np.array_equal(out, y):
        table = ", ".join(f"({int(p)}, {int(q)}) → z = {_g(v)}" for (p, q), v in zip(X, z))
        return Feedback(True, f"only (1, 1) reaches z ≥ 0: {table}.")
    if out[0] == 1:
        return Feedback(False, f"at (0, 0) both weights multiply 0, so z = b = {_g(b)}; the neuron "
                               "fires there. Make the bias negative.")
    if out[3] == 0:
        return Feedback(False, f"at (1, 1) z = w1 + w2 + b = {_g(z[3])} is below 0, so the neuron "
                               "never fires. Raise the weights (or the bias) until it is at least 0.")
    lonely = "(0, 1)" if out[1] == 1 else "(1, 0)"
    return Feedback(False, f"it fires at {lonely}, where only one input is on: each weight alone "
                           "must stay below −b, and only the two together may reach it.")


@friendly
def check_update(w_new, b_new):
    """Are w_new (2 numbers) and b_new the result of one perceptron update in the exercise?"""
    if w_new is None or b_new is None:
        return Feedback(False, "replace None with your new weights (two numbers) and new bias.")
    if isinstance(w_new, str) or np.ndim(w_new) != 1 or len(w_new) != 2:
        raise ValueError(f"w_new should be two numbers such as (0.5, 1.0), got {w_new!r}")
    w_new = np.array([as_number(v, "each new weight") for v in w_new])
    b_new = as_number(b_new, "b_new")
    w, b, error = perceptron.update(UPDATE_W, UPDATE_B, UPDATE_X, UPDATE_Y, UPDATE_LR)
    close = lambda ww, bb: np.allclose(ww, w_new) and abs(bb - b_new) < 1e-9  # noqa: E731
    if close(w, b):
        return Feedback(True, f"z = 0.5 − 1.0 + 0 < 0, so ŷ = 0 but y = {UPDATE_Y}: y − ŷ = {error}. Each "
                              f"weight moves by η·1·xᵢ = 0.5 and the bias by η·1 = 0.5: "
                              f"w = ({_g(w[0])}, {_g(w[1])}), b = {_g(b)}.")
    x, lr = np.array(UPDATE_X), UPDATE_LR
    if close(np.array(UPDATE_W), UPDATE_B):
        hint = "that is no change: check the guess ŷ first. z = 0.5 − 1.0 + 0 is negative"
    elif close(UPDATE_W + x, UPDATE_B + 1):
        hint = "right direction, but the step is too big: multiply by the learning rate η = 0.5"
    elif close(UPDATE_W - lr * x, UPDATE_B - lr):
        hint = "the step goes the wrong way: y − ŷ = 1 − 0 is +1, so add η·x"
    elif np.allclose(w, w_new):
        hint = "the weights are right; the bias moves too, by η·(y − ŷ)"
    else:
        hint = "work out ŷ = step(w · x + b) first, then y − ŷ, then add η·(y − ŷ)·x to w"
    return Feedback(False, f"{hint}.")
