"""Checks for lesson 10, vanishing gradients: the chain of sigmoid neurons, the setup that
keeps the first layer's gradient, and the depth at which the 0.25^n bound becomes tiny.

The chain is the notes' 3-layer example generalised to ``n`` neurons of one input each:
:math:`a_k = \\sigma(w_k a_{k-1} + b_k)` with :math:`a_0 = x`, and the loss
:math:`L = (a_n - y)^2`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import dlcore as dl
from course.checks._core import CheckFailed, as_float, call, check_choice, expect_close, passed

__all__ = [
    "LARGEST_GRADIENT_CHOICES",
    "check_first_weight_gradient",
    "check_largest_gradient_prediction",
    "check_smallest_depth",
]

#: the lesson's worked example: x = 1, y = 1, three neurons
X_EXAMPLE, Y_EXAMPLE = 1.0, 1.0
W_EXAMPLE, B_EXAMPLE = [0.5, 1.0, 1.5], [0.5, -0.5, -0.5]


# ---------------------------------------------------------------- exercise: the chain


def chain_reference(x: float, y: float, w: Sequence[float], b: Sequence[float]) -> float:
    """:math:`\\partial L/\\partial w_1` by dlcore's backward pass through ``n`` one-unit
    sigmoid layers, with :math:`L = (a_n - y)^2` (dlcore's "mse" on one example)."""
    model = dl.Sequential([dl.Dense(1, 1, activation="sigmoid") for _ in w])
    for layer, wk, bk in zip(model.layers, w, b, strict=True):
        layer.W[:], layer.b[:] = wk, bk
    mse = dl.losses.get("mse")
    out = model.forward(np.array([[x]]))
    model.backward(mse.backward(out, np.array([[y]])))
    return float(model.layers[0].dW[0, 0])


def _chain_mistakes(x: float, y: float, w: Sequence[float], b: Sequence[float]) -> list:
    """Typical wrong answers for the chain, each with its hint."""
    a, zs = x, []
    for wk, bk in zip(w, b, strict=True):
        zs.append(wk * a + bk)
        a = 1.0 / (1.0 + math.exp(-zs[-1]))
    slopes = [s * (1 - s) for s in (1.0 / (1.0 + np.exp(-np.array(zs))))]
    without_weights = 2 * (a - y) * math.prod(slopes) * x
    without_x = 2 * (a - y) * math.prod(slopes) * math.prod(w[1:])
    without_two = (a - y) * math.prod(slopes) * math.prod(w[1:]) * x
    return [
        (
            without_weights,
            "between two slopes the gradient also passes a weight: after sigma'(z_k) comes "
            "w_k, for k = n down to 2 (w_1 itself is not in the product)",
        ),
        (
            without_x,
            "the last factor is dz_1/dw_1 = x, the input that w_1 multiplies",
        ),
        (
            without_two,
            "L = (a_n - y)^2, so dL/da_n = 2 (a_n - y): the factor 2 is missing",
        ),
        (-chain_reference(x, y, w, b), "the sign is flipped: dL/da_n is a_n - y times 2"),
    ]


def check_first_weight_gradient(fn: Callable[..., Any]) -> None:
    """Check ``fn(x, y, w, b)`` = dL/dw_1 for a chain of sigmoid neurons, L = (a_n - y)^2."""
    cases = [
        (X_EXAMPLE, Y_EXAMPLE, W_EXAMPLE, B_EXAMPLE),
        (0.5, 0.0, [2.0], [-1.0]),
        (-1.0, 1.0, [1.0, -2.0], [0.0, 0.3]),
        (2.0, 0.0, [0.8, -1.5, 2.0, 1.2, -0.7], [0.1, 0.2, -0.3, 0.0, 0.4]),
    ]
    for x, y, w, b in cases:
        case = f"first_weight_gradient(x={x}, y={y}, w={w}, b={b})"
        got = call(fn, x, y, list(w), list(b), case=case)
        try:
            got = float(np.squeeze(np.asarray(got, dtype=float)))
        except (TypeError, ValueError):
            raise CheckFailed(f"{case}: expected one number, got {got!r}") from None
        expected = chain_reference(x, y, w, b)
        hint = next(
            (
                h
                for wrong, h in _chain_mistakes(x, y, w, b)
                if math.isclose(got, wrong, abs_tol=1e-10)
            ),
            "run the forward pass keeping every z_k, then multiply 2 (a_n - y), every "
            "sigma'(z_k) = a_k (1 - a_k), the weights w_n ... w_2 and finally x",
        )
        expect_close(got, expected, case, hint=hint, atol=1e-9)
    passed("first_weight_gradient multiplies the chain rule's factors, as backpropagation does")


# ---------------------------------------------------------------- exercise: prediction

LARGEST_GRADIENT_CHOICES = {
    "A": "sigmoid, Xavier initialisation",
    "B": "ReLU, Xavier initialisation",
    "C": "sigmoid, Xavier initialisation, BatchNorm after every hidden layer",
    "D": "tanh, small initial weights N(0, 0.01²)",
}
_LARGEST_REASONS = {
    "A": "each sigmoid layer multiplies the gradient by at most 0.25 (times its weights): "
    "after 19 layers the first layer's gradient is around 1e-12",
    "B": "ReLU passes the gradient with slope 1 where it is on, but Xavier's weights are too "
    "small for it: half the signal is cut at each layer, forward and backward, and the first "
    "layer's gradient is around 1e-3",
    "C": "BatchNorm divides each layer's output by its spread in the batch, and backward "
    "divides the gradient by the same spread (after taking away its batch mean and its part "
    "along the normalised output): it undoes the sigmoid's shrinking, and the first layer's "
    "gradient stays of the order of 1 (around 1e-12 without it)",
    "D": "tanh has slope 1 at 0, but weights of size 0.01 shrink the signal and the gradient "
    "by about 0.01 · √32 per layer: the first layer's gradient is around 1e-24",
}
_LARGEST_HINTS = {
    "A": "compare sigmoid's largest slope, 0.25, with what the other setups multiply by",
    "B": "He's initialisation exists because Xavier's weights are too small for ReLU",
    "D": "the factor per layer is slope times weights: what are the weights here?",
}


def check_largest_gradient_prediction(prediction: Any) -> None:
    """Check the answer to: which 20-layer setup keeps the first layer's gradient largest?"""
    check_choice(
        prediction,
        case="my_prediction()",
        answer="C",
        reasons=_LARGEST_REASONS,
        hint=_LARGEST_HINTS | {"C": ""},
    )


# ---------------------------------------------------------------- exercise: the bound


def check_smallest_depth(fn: Callable[..., Any]) -> None:
    """Check ``fn(threshold, slope=0.25)``: the smallest n >= 1 with slope**n < threshold."""
    cases = [(1e-6, 0.25), (0.1, 0.25), (0.3, 0.25), (1e-6, 0.5), (1e-3, 0.9)]
    for threshold, slope in cases:
        case = f"smallest_depth(threshold={threshold}, slope={slope})"
        got = as_float(call(fn, threshold, slope, case=case), case)
        expected = next(n for n in range(1, 10_000) if slope**n < threshold)
        if got == expected - 1:
            hint = (
                f"at n = {expected - 1}, slope**n = {slope ** (expected - 1):.3g} is not yet "
                "below the threshold: the answer is the first n where it is"
            )
        elif got == expected + 1:
            hint = (
                f"at n = {expected}, slope**n = {slope**expected:.3g} is already below the "
                "threshold: stop at the first such n"
            )
        else:
            hint = (
                "try n = 1, 2, 3, ... and stop at the first n with slope**n < threshold "
                "(or take the smallest whole n greater than log(threshold) / log(slope))"
            )
        if not float(got).is_integer() or got != expected:
            raise CheckFailed(f"{case}: expected {expected}, got {got!r}\nHint: {hint}")
    passed("smallest_depth finds the first depth at which slope**n falls below the threshold")
