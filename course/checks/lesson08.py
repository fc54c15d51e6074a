"""Checks for lesson 08, backpropagation and the chain rule.

The lesson's neuron: ``z = w x + b``, ``a = σ(z)``, ``L = (a - y)²``, whose gradients are the
products of the local derivatives, ``∂L/∂w = 2(a - y) · σ(z)(1 - σ(z)) · x`` and
``∂L/∂b = 2(a - y) · σ(z)(1 - σ(z))``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import dlcore as dl
from course.checks._core import CheckFailed, call, check_choice, expect_close, passed

__all__ = [
    "check_forgetful_dense",
    "check_neuron_gradients",
    "check_saturation_prediction",
]


def _sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def _first_mistake(got: np.ndarray, mistakes: list[tuple[Any, str]], otherwise: str) -> str:
    """The hint of the first typical mistake that ``got`` reproduces, else ``otherwise``."""
    for wrong, hint in mistakes:
        wrong = np.asarray(wrong, dtype=float)
        if got.shape == wrong.shape and np.allclose(got, wrong, atol=1e-9):
            return hint
    return otherwise


# ---------------------------------------------------------------- exercise 1

#: (x, w, b, y): the lesson's worked example first
_NEURON_CASES = [
    (2.0, 0.5, -0.5, 0.8),
    (1.0, -1.0, 0.3, 0.0),
    (-1.5, 0.8, 0.2, 1.0),
    (0.5, 3.0, 1.0, 0.2),
]


def check_neuron_gradients(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, w, b, y)`` returns :math:`(\partial L/\partial w, \partial L/\partial b)`
    for :math:`L = (\sigma(wx + b) - y)^2`: any pair (tuple, list, array, numpy numbers)."""
    for x, w, b, y in _NEURON_CASES:
        case = f"neuron_gradients(x={x}, w={w}, b={b}, y={y})"
        got = call(fn, x, w, b, y, case=case)
        try:
            got = np.asarray(got, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            raise CheckFailed(
                f"{case}: expected two numbers (dL/dw, dL/db), got {got!r}\n"
                "Hint: return a pair, for example `return dL_dw, dL_db`"
            ) from None
        if got.shape != (2,):
            raise CheckFailed(
                f"{case}: expected two numbers (dL/dw, dL/db), got {got.size}\n"
                "Hint: return a pair, for example `return dL_dw, dL_db`"
            )
        a = _sigmoid(w * x + b)
        error, slope = 2.0 * (a - y), a * (1.0 - a)
        expected = np.array([error * slope * x, error * slope])
        hint = _first_mistake(
            got,
            [
                (
                    [error * x, error],
                    "the chain passes the sigmoid: multiply by its local derivative "
                    "da/dz = sigma(z) (1 - sigma(z))",
                ),
                (expected / 2, "d/da (a - y)^2 = 2 (a - y): keep the factor 2"),
                (-expected, "dL/da = 2 (a - y), prediction minus target; (y - a) flips the sign"),
                (
                    [error * a * x, error * a],
                    "the sigmoid's slope is sigma(z) (1 - sigma(z)), not sigma(z)",
                ),
                (expected[::-1], "return (dL/dw, dL/db) in this order: dL/dw has the factor x"),
                ([expected[0], expected[0]], "dz/db = 1, so dL/db has no factor x"),
            ],
            "forward first (z = w x + b, a = sigma(z)), then multiply the local derivatives "
            "back from L: 2 (a - y), then sigma(z) (1 - sigma(z)), then x for w or 1 for b",
        )
        expect_close(got, expected, case, hint=hint, atol=1e-9)
    passed(
        "neuron_gradients multiplies the local derivatives: dL/dw = 2(a - y) a(1 - a) x, "
        "dL/db = 2(a - y) a(1 - a)"
    )


# ---------------------------------------------------------------- exercise 2 (predict)

#: the choices of the prediction exercise: the neuron with x = 2, w = 5, b = 0 and y = 0
SATURATION_CHOICES = {
    "A": "dL/da = 2(a - y)",
    "B": "da/dz = sigma(z)(1 - sigma(z))",
    "C": "dz/dw = x",
    "D": "none: the prediction is badly wrong, so every factor and the gradient are large",
}
_SATURATION_WHY = {
    "A": "a is almost 1 and y = 0, so 2(a - y) is almost 2: this factor is as large as the "
    "squared error's slope gets for a sigmoid's output",
    "C": "z = w x + b is linear in w: its slope x = 2 does not depend on how large z is",
    "D": "the gradient is a product of the local derivatives: one factor near 0 makes it "
    "near 0, however large the others are; look at the sigmoid's curve far from z = 0",
}


def check_saturation_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`SATURATION_CHOICES`, and say why a wrong choice is wrong."""
    check_choice(
        answer,
        case="my_prediction()",
        answer="B",
        reasons=SATURATION_CHOICES,
        hint=_SATURATION_WHY,
        success="B: at z = 10 the sigmoid is flat, sigma(10)(1 - sigma(10)) = 4.5e-5, and "
        "that factor makes dL/dw tiny although the prediction is badly wrong",
    )


# ---------------------------------------------------------------- exercise 3


def _make(cls: Any, case: str) -> dl.Dense:
    """``cls(3, 2, "sigmoid", "xavier", 8)``: a sigmoid layer of 3 inputs and 2 units."""
    layer = call(cls, 3, 2, "sigmoid", "xavier", 8, case=case)
    if not isinstance(layer, dl.Dense):
        raise CheckFailed(
            f"{case}: expected a class that subclasses dl.Dense, got {cls!r}\n"
            "Hint: write `class ForgetfulDense(dl.Dense):` and override its `backward`"
        )
    return layer


def check_forgetful_dense(cls: Any) -> None:
    r"""Check ``cls``, a subclass of ``dl.Dense``, forgets the activation's slope in
    ``backward``: :math:`\partial L/\partial Z = \partial L/\partial A` instead of
    :math:`\partial L/\partial A \odot f'(Z)`, the rest as in Dense, and that
    ``dl.gradcheck`` then flags both ``W`` and ``b``."""
    case = "ForgetfulDense(3, 2, activation='sigmoid')"
    if not callable(cls):
        raise CheckFailed(
            f"{case}: expected a class that subclasses dl.Dense, got {cls!r}\n"
            "Hint: write `class ForgetfulDense(dl.Dense):` and override its `backward`"
        )
    rng = np.random.default_rng(808)
    layer, reference = _make(cls, case), dl.Dense(3, 2, activation="sigmoid", seed=8)
    layer.W[:] = reference.W
    layer.b[:] = reference.b = rng.normal(size=2)
    X, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    out = call(layer.forward, X, case=f"{case}.forward(X)")
    expect_close(
        out,
        reference.forward(X),
        f"{case}.forward(X)",
        hint="break only the backward pass: keep Dense's forward (do not override it)",
    )
    dX = call(layer.backward, dA, case=f"{case}.backward(dA)")
    W, Z = reference.W, X @ reference.W + reference.b
    slope = _sigmoid_slope(Z)
    right_dW, forgetful_dW = X.T @ (dA * slope), X.T @ dA
    dW = np.asarray(getattr(layer, "dW", None), dtype=float)
    hint = _first_mistake(
        dW,
        [
            (
                right_dW,
                "this backward pass is still correct, so gradcheck finds nothing: "
                "leave out the activation's slope, dZ = dA where Dense uses dA * f'(Z)",
            ),
            (np.zeros_like(W), "store the weights' gradient in self.dW (gradcheck reads it)"),
            (
                dA.T @ X,
                "dW has the shape of W, (n_in, n_out): X.T @ dZ",
            ),
        ],
        "with dZ = dA (the slope forgotten): dW = X.T @ dZ, db = dZ summed over the "
        "examples (axis 0), and return dZ @ W.T",
    )
    expect_close(dW, forgetful_dW, f"{case}.dW after backward(dA)", hint=hint)
    expect_close(
        np.asarray(getattr(layer, "db", None), dtype=float),
        dA.sum(axis=0),
        f"{case}.db after backward(dA)",
        hint="db is dZ summed over the examples, dZ.sum(axis=0), with dZ = dA",
    )
    expect_close(
        dX,
        dA @ W.T,
        f"{case}.backward(dA) returns",
        hint="return dL/dX = dZ @ W.T (with dZ = dA), so a layer below can go on",
    )
    errors = dl.gradcheck(_make(cls, case), X, rng.uniform(0.1, 0.9, (4, 2)), loss="mse")
    if min(errors.values()) < 1e-3:
        raise CheckFailed(
            f"{case}: expected gradcheck to flag W and b, got relative errors {errors}\n"
            "Hint: the slope f'(Z) must be missing from every gradient of the layer"
        )
    passed(
        f"ForgetfulDense forgets sigma'(Z), and gradcheck sees it: relative errors "
        f"W {errors['W']:.2f}, b {errors['b']:.2f} (a correct backward pass gives < 1e-7)"
    )


def _sigmoid_slope(Z: np.ndarray) -> np.ndarray:
    s = 1.0 / (1.0 + np.exp(-Z))
    return s * (1.0 - s)
