"""Grader-side specs of lesson 05: softmax, the shape of a layer's output, cross-entropy."""

from __future__ import annotations

import functools

import numpy as np

from course.checks.lesson05 import _CE_CASES, _SOFTMAX_CASES, _softmax
from course.grading.exercises import Exercise, close, predicted, tagged_args


def _softmax_of(z: list) -> np.ndarray:
    return _softmax(np.asarray(z, dtype=float))


def _cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Reference: -mean_i log probs[i, labels[i]]."""
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(probs[np.arange(len(labels)), labels])))


_rng = np.random.default_rng(5)
_Z = _rng.normal(scale=50, size=(6, 10))
_rng = np.random.default_rng(11)
_P = _softmax(_rng.normal(size=(20, 10)))
_Y = _rng.integers(0, 10, size=20)

EXERCISES = [
    Exercise(
        "l05-softmax-test",
        ("my_softmax",),
        (
            *((z,) for z, _ in _SOFTMAX_CASES),
            (_Z.tolist(),),
            (_Z[0].tolist(),),
            ([-1000.0, 0.0, 1000.0],),
            ([[3.0, -2.0, 0.5, 700.0]],),
        ),
        close(_softmax_of, rtol=1e-5),
        arrays=(0,),
    ),
    predicted("l05-shapes-test", "A"),
    Exercise(
        "l05-cross-entropy-test",
        ("my_cross_entropy",),
        (
            *(({"array": p}, {"array": y}) for p, y, _ in _CE_CASES),
            ({"array": _P.tolist()}, {"array": _Y.tolist()}),
            ({"array": [[0.1, 0.8, 0.1]]}, {"array": [1]}),
        ),
        close(functools.partial(tagged_args, _cross_entropy), atol=1e-6, rtol=1e-5, fit="squeeze"),
        driver=tagged_args,
    ),
]
