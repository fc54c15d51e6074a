"""Grader-side specs of lesson 06: hidden activations, the loss, the zero gradients, dL/dW1."""

from __future__ import annotations

import numpy as np

import dlcore as dl
from course.checks.lesson06 import _GRADIENT_CASES, _HIDDEN_CASES, _reference_gradient
from course.grading.exercises import Exercise, close, predicted


def _hidden(x: list, W: list, b: list) -> np.ndarray:
    """Reference: H_j = ReLU(sum_i x_i W[i, j] + b_j)."""
    return np.maximum(np.asarray(x, float) @ np.asarray(W, float) + np.asarray(b, float), 0.0)


def _bce(o: float, y: float) -> float:
    """Reference: L = -[y ln(o) + (1 - y) ln(1 - o)]."""
    return float(-(y * np.log(o) + (1 - y) * np.log(1 - o)))


def _gradient(x: list, y: float, W1: list, b1: list, W2: list, b2: list) -> np.ndarray:
    """Reference: dL/dW1 by dlcore's backward pass."""
    x, W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (x, W1, b1, W2, b2))
    return _reference_gradient(x, y, W1, b1, W2, b2)


def _random_hidden() -> tuple:
    rng = np.random.default_rng(606)
    cases = []
    for _ in range(10):
        layer = dl.Dense(5, 3, activation="relu", seed=int(rng.integers(1000)))
        layer.b[:] = rng.normal(size=3)
        cases.append((rng.normal(size=5).tolist(), layer.W.tolist(), layer.b.tolist()))
    return tuple(cases)


def _random_gradients() -> tuple:
    rng = np.random.default_rng(608)
    cases = []
    for _ in range(10):
        x, W1, b1 = rng.normal(size=4), rng.normal(size=(4, 3)), rng.normal(size=3)
        W2, b2, y = rng.normal(size=(3, 1)), rng.normal(size=1), float(rng.integers(2))
        cases.append((x.tolist(), y, W1.tolist(), b1.tolist(), W2.tolist(), b2.tolist()))
    return tuple(cases)


_O = 1.0 / (1.0 + np.exp(-0.178))  # the lesson's worked output
_rng = np.random.default_rng(607)
_BCE_CASES = tuple(
    (float(o), int(y))
    for o, y in zip(_rng.uniform(0.01, 0.99, 20), _rng.integers(0, 2, 20), strict=True)
)

EXERCISES = [
    Exercise(
        "l06-hidden-activations-test",
        ("hidden_activations",),
        (*_HIDDEN_CASES, *_random_hidden()),
        close(_hidden, rtol=1e-5, fit="squeeze"),
        arrays=(0, 1, 2),
    ),
    Exercise(
        "l06-bce-loss-test",
        ("bce_loss",),
        ((_O, 1), (_O, 0), (0.9, 1), (0.9, 0), (0.02, 0), (0.25, 1.0), *_BCE_CASES),
        close(_bce, rtol=1e-5, fit="squeeze"),
    ),
    predicted("l06-zero-gradients-test", "B"),
    Exercise(
        "l06-hidden-gradients-test",
        ("hidden_weight_gradients",),
        (*_GRADIENT_CASES, *_random_gradients()),
        close(_gradient, atol=1e-7, rtol=1e-5, fit="squeeze"),
        arrays=(0, 2, 3, 4, 5),
    ),
]
