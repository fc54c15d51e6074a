"""Grader-side specs of lesson 04: the majority baseline, the best line on XOR, XOR's weights."""

from __future__ import annotations

import functools

import numpy as np

from course.checks._core import CheckFailed
from course.checks.lesson04 import XOR_LABELS, _as_weights, _majority_accuracy, xor_network_output
from course.grading.exercises import Exercise, close, predicted, tagged_args, value_of


def _majority(y: object) -> float:
    return _majority_accuracy(np.asarray(y))


def _xor(args: tuple, outcome: dict) -> str | None:
    """Right when the four things returned make a step network computing XOR."""
    value, why = value_of(outcome)
    if why:
        return why
    try:
        W, b, w, c = _as_weights(value, "xor_weights()")
    except CheckFailed as exc:
        return str(exc).splitlines()[0]
    _, y_hat = xor_network_output(W, b, w, c)
    if not np.array_equal(y_hat, XOR_LABELS):
        return f"the network's outputs on the four corners are {y_hat.tolist()}, not 0, 1, 1, 0"
    return None


_rng = np.random.default_rng(11)
_RANDOM_LABELS = tuple(
    ({"array": _rng.integers(0, 3, size=int(_rng.integers(1, 40))).tolist()},) for _ in range(5)
)

EXERCISES = [
    Exercise(
        "l04-majority-baseline-test",
        ("majority_baseline",),
        (
            ({"array": [0.0, 1.0, 0.0, 1.0]},),
            ({"array": [1, 1, 1, 0]},),
            ({"array": [0, 0, 0, 1, 0]},),
            ({"array": [1.0, 1.0, 1.0]},),
            ({"array": [2, 0, 1, 2, 2, 1]},),
            *_RANDOM_LABELS,
            ([0.0, 1.0, 1.0],),
        ),
        close(functools.partial(tagged_args, _majority), rtol=1e-5, fit="squeeze"),
        driver=tagged_args,
    ),
    predicted("l04-best-line-test", "B"),
    Exercise("l04-xor-weights-test", ("xor_weights",), ((),), _xor),
]
