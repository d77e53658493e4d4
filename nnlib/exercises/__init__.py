"""Automatic feedback for the book's exercises.

A checker takes the reader's answer and returns a :class:`Feedback`, which a
notebook shows as a coloured box. Checkers never raise at the reader: an answer
that cannot be read becomes a friendly hint instead of a traceback.
Chapter checkers live in modules named after their chapters, like the figures
(``exercises.line``, ``exercises.gradient_descent``).
"""
import functools
import html
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``ok`` and a message for the reader."""

    ok: bool
    message: str

    def __bool__(self):
        return self.ok

    def __repr__(self):
        mark = "✓ Well done:" if self.ok else "✗ Not yet:"
        return f"{mark} {self.message}"

    def _repr_html_(self):
        colour, mark = ("#009E73", "✓ Well done") if self.ok else ("#D55E00", "✗ Not yet")
        return (f'<div class="exercise-feedback" style="border-left:4px solid {colour};'
                f'padding:0.4em 0.8em;margin:0.4em 0"><strong>{mark}:</strong> '
                f"{html.escape(self.message)}</div>")


def friendly(checker):
    """Wrap a checker so that bad answers become hints, never tracebacks."""
    @functools.wraps(checker)
    def wrapped(*args, **kwargs):
        try:
            return checker(*args, **kwargs)
        except (TypeError, ValueError) as err:
            return Feedback(False, f"I could not read that answer ({err}). Check what the exercise asks for.")
    return wrapped


def as_number(value, name):
    """``value`` as a float, or a ValueError that a checker turns into a hint."""
    if isinstance(value, bool):
        raise ValueError(f"{name} should be a number, not {value}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} should be a number like 0.5, got {value!r}") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{name} should be a finite number, got {value!r}")
    return number


def replace_none(answer):
    """Feedback asking to replace the placeholder, or None if there is an answer."""
    if answer is None:
        return Feedback(False, "replace None with your answer, then run the cell again.")
    return None


def call_reader(fn, *args):
    """Run the reader's function.  Returns (value, None) or (None, Feedback) if it failed."""
    if not callable(fn):
        return None, Feedback(False, f"pass your function itself (its name, without brackets), "
                                     f"got {type(fn).__name__}.")
    try:
        with np.errstate(all="ignore"):
            return fn(*args), None
    except Exception as err:  # noqa: BLE001 - any mistake in the reader's code becomes a hint
        return None, Feedback(False, f"your function stopped with {type(err).__name__}: {err}")
