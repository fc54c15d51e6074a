"""Checks for lesson 06, a network worked by hand: hidden activations, the loss, a gradient.

The network is the lesson's: inputs ``x``, a ReLU hidden layer ``H = ReLU(x W1 + b1)``, one
sigmoid output ``O = σ(H W2 + b2)``, binary cross-entropy against the label ``y``. Weight
matrices have dlcore's shape ``(n_in, n_out)``: ``W1[i, j]`` is the notes' :math:`W_{ij}`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import dlcore as dl
from course.checks._core import as_float, call, check_choice, expect_close, passed

__all__ = [
    "check_bce_loss",
    "check_hidden_activations",
    "check_hidden_weight_gradients",
    "check_zero_gradient_prediction",
]

#: the lesson's worked example: Age 50 and Income 80 k$, both divided by 100
X_EXAMPLE = [0.5, 0.8]
W1_EXAMPLE = [[0.4, -0.6], [0.3, 0.2]]
B1_EXAMPLE = [0.1, -0.06]
W2_EXAMPLE = [[0.7], [-0.5]]
B2_EXAMPLE = [-0.2]


def _as_shape(value: Any, shape: tuple[int, ...]) -> Any:
    """``value`` as a float array of ``shape`` when it differs only by axes of length 1.

    A list, a tuple, a row ``(1, n)`` or a column all count as the same answer; a
    transposed matrix does not.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return value
    same = np.squeeze(arr).shape == tuple(n for n in shape if n != 1)
    return arr.reshape(shape) if same else arr


def _first_mistake(got: Any, mistakes: Sequence[tuple[Any, str]], otherwise: str) -> str:
    """The hint of the first typical mistake that ``got`` reproduces, else ``otherwise``."""
    for wrong, hint in mistakes:
        try:
            if np.shape(got) == np.shape(wrong) and np.allclose(got, wrong, atol=1e-8):
                return hint
        except (TypeError, ValueError):
            break
    return otherwise


# ---------------------------------------------------------------- exercise 1


_HIDDEN_CASES = [
    (X_EXAMPLE, W1_EXAMPLE, B1_EXAMPLE),
    ([1.0, 2.0], [[1.0, 0.0], [0.5, -1.0]], [0.0, 0.5]),
    (
        [0.2, -0.4, 1.0],
        [[1.0, -2.0, 0.5, 0.0], [0.3, 1.0, -1.0, 2.0], [-0.5, 0.1, 0.2, 0.4]],
        [0.1, 0.0, -0.3, 0.2],
    ),
    ([1.0, 1.0], [[-1.0, -2.0], [-1.0, 0.5]], [-0.5, -0.1]),
]


def check_hidden_activations(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, W, b)`` = :math:`H_j = \mathrm{ReLU}\big(\sum_i x_i W_{ij} + b_j\big)`."""
    for x, W, b in _HIDDEN_CASES:
        x_arr, W_arr, b_arr = np.array(x), np.array(W), np.array(b)
        case = f"hidden_activations(x={x}, W={W}, b={b})"
        got = call(fn, x_arr, W_arr, b_arr, case=case)
        z = x_arr @ W_arr + b_arr
        expected = np.maximum(z, 0.0)
        got = _as_shape(got, expected.shape)
        mistakes = [
            (z, "apply the ReLU to each sum: a negative z becomes 0 (np.maximum(z, 0))"),
            (np.maximum(x_arr @ W_arr, 0.0), "add the bias b_j to each sum before the ReLU"),
        ]
        if W_arr.shape[0] == W_arr.shape[1]:
            mistakes.append(
                (
                    np.maximum(W_arr @ x_arr + b_arr, 0.0),
                    "W[i, j] is the weight from input i to hidden unit j, so "
                    "z_j = sum over i of x[i] * W[i, j]: that is x @ W (W @ x sums over j)",
                )
            )
        hint = _first_mistake(
            got,
            mistakes,
            "for each hidden unit j: z_j = x[0] W[0, j] + x[1] W[1, j] + ... + b[j], "
            "then H_j = max(0, z_j); one vector per example",
        )
        expect_close(got, expected, case, hint=hint)
    passed("hidden_activations computes H = ReLU(x W + b), one value per hidden unit")


# ---------------------------------------------------------------- exercise 2


def check_bce_loss(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(o, y)`` = :math:`L = -\left[y \ln O + (1 - y)\ln(1 - O)\right]`."""
    o_example = 1.0 / (1.0 + np.exp(-0.178))
    cases = [(o_example, 1), (o_example, 0), (0.9, 1), (0.9, 0), (0.02, 0), (0.25, 1.0)]
    for o, y in cases:
        case = f"bce_loss(o={o:.4f}, y={y})"
        got = as_float(call(fn, o, y, case=case), case)
        expected = float(-(y * np.log(o) + (1 - y) * np.log(1 - o)))
        hint = _first_mistake(
            got,
            [
                (
                    -expected,
                    "the log of a probability is negative or 0: the minus sign in "
                    "front makes the loss positive",
                ),
                (
                    -np.log(o),
                    "the label decides which term counts: with y = 0 the loss is "
                    "-ln(1 - O), the log of the probability of the TRUE class",
                ),
                (
                    -(y * np.log10(o) + (1 - y) * np.log10(1 - o)),
                    "use the natural logarithm, np.log (np.log10 is the base-10 one)",
                ),
            ],
            "L = -[y ln(O) + (1 - y) ln(1 - O)]: one term is zero, since y is 0 or 1",
        )
        expect_close(got, expected, case, hint=hint)
    passed("bce_loss computes -[y ln O + (1 - y) ln(1 - O)], small when O is close to y")


# ---------------------------------------------------------------- exercise 3 (predict)


#: the choices of the prediction exercise, and why each wrong one is wrong
ZERO_GRADIENT_CHOICES = {
    "A": "W11, W21 and b1, the parameters of H1",
    "B": "W12, W22, b2 and W32, every parameter that touches H2",
    "C": "none: every parameter had a part in computing O, so each gets a gradient",
    "D": "only W32, since H2 = 0 is what W32 multiplies",
}
_ZERO_GRADIENT_ANSWER = "B"
_ZERO_GRADIENT_WHY = {
    "A": "H1 is active (z_H1 = 0.54 > 0), so ReLU'(z_H1) = 1 and the error flows through it: "
    "its weights get non-zero gradients",
    "C": "a parameter can take part and still get gradient 0: dL/dW32 = (O - y) H2 = 0 since "
    "H2 = 0, and the ReLU's slope at z_H2 = -0.2 < 0 is 0, which stops the chain for "
    "W12, W22 and b2",
    "D": "W32's gradient is (O - y) H2 = 0 indeed, but the chain rule for W12, W22 and b2 "
    "goes through ReLU'(z_H2), and that slope is 0 at z_H2 = -0.2: they get 0 too",
}


def check_zero_gradient_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`ZERO_GRADIENT_CHOICES`, and say why a wrong choice is wrong."""
    check_choice(
        answer,
        case="my_prediction()",
        answer=_ZERO_GRADIENT_ANSWER,
        reasons=ZERO_GRADIENT_CHOICES,
        hint=_ZERO_GRADIENT_WHY,
        success="B: H2 is off (z_H2 < 0), so H2 = 0 zeroes dL/dW32 and ReLU'(z_H2) = 0 zeroes "
        "the gradients of W12, W22 and b2",
    )


# ---------------------------------------------------------------- exercise 4


def _reference_gradient(
    x: np.ndarray, y: float, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray
) -> np.ndarray:
    """dL/dW1 from dlcore's own backward pass (the expected answer)."""
    model = dl.Sequential(
        [dl.Dense(*W1.shape, activation="relu"), dl.Dense(*W2.shape, activation="sigmoid")]
    )
    for layer, W, b in zip(model.layers, (W1, W2), (b1, b2), strict=True):
        layer.W[:], layer.b[:] = W, b
    bce = dl.losses.get("bce")
    out = model.forward(x[None, :])
    model.backward(bce.backward(out, np.array([[y]])))
    return model.layers[0].dW.copy()


_GRADIENT_CASES = [
    (X_EXAMPLE, 1.0, W1_EXAMPLE, B1_EXAMPLE, W2_EXAMPLE, B2_EXAMPLE),
    (X_EXAMPLE, 0.0, W1_EXAMPLE, B1_EXAMPLE, W2_EXAMPLE, B2_EXAMPLE),
    ([1.0, -0.5], 1.0, [[0.5, 0.3], [0.1, -0.4]], [0.2, 0.1], [[1.0], [-2.0]], [0.3]),
    (
        [0.3, 0.9, -0.2],
        0.0,
        [[0.2, -0.7, 0.5], [0.4, 0.1, -0.3], [0.1, 0.2, 0.6]],
        [0.0, 0.3, -0.2],
        [[0.8], [-0.6], [1.1]],
        [0.1],
    ),
]


def check_hidden_weight_gradients(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, y, W1, b1, W2, b2)`` = :math:`\partial L/\partial W_{ij} = \delta_{Hj}\, x_i`
    with :math:`\delta_{Hj} = (O - y)\, W_{3j}\, \mathrm{ReLU}'(z_{Hj})`."""
    for x, y, W1, b1, W2, b2 in _GRADIENT_CASES:
        args = [np.array(x), y, np.array(W1), np.array(b1), np.array(W2), np.array(b2)]
        case = f"hidden_weight_gradients(x={x}, y={y}, W1={W1}, b1={b1}, W2={W2}, b2={b2})"
        got = call(fn, *[a.copy() if isinstance(a, np.ndarray) else a for a in args], case=case)
        expected = _reference_gradient(*args)
        got = _as_shape(got, expected.shape)
        x_arr, W1_arr, W2_col = args[0], args[2], args[4][:, 0]
        z_h = x_arr @ W1_arr + args[3]
        h = np.maximum(z_h, 0.0)
        o = 1.0 / (1.0 + np.exp(-(h @ W2_col + args[5][0])))
        delta_h = (o - y) * W2_col * (z_h > 0)
        hint = _first_mistake(
            got,
            [
                (
                    np.outer(x_arr, (o - y) * W2_col),
                    "a hidden unit with z_Hj < 0 passes no "
                    "error back: multiply by ReLU'(z_Hj), which is 1 if z_Hj > 0 and 0 otherwise",
                ),
                (
                    -np.outer(x_arr, delta_h),
                    "delta_O = O - y (the output minus the label); "
                    "y - O flips the sign of every gradient",
                ),
                (
                    np.outer(x_arr, (o - y) * (z_h > 0)),
                    "the error reaches H_j through the "
                    "weight W_3j = W2[j, 0]: delta_Hj = (O - y) W_3j ReLU'(z_Hj)",
                ),
                (
                    np.outer(delta_h, x_arr),
                    "dL/dW_ij = delta_Hj x_i: row i belongs to "
                    "input i, like W1[i, j], so the result is np.outer(x, delta_H)",
                ),
            ],
            "forward first (z_H = x W1 + b1, H = ReLU(z_H), O = sigmoid(H W2 + b2)), then "
            "delta_O = O - y, delta_Hj = delta_O W2[j, 0] ReLU'(z_Hj), dL/dW_ij = x_i delta_Hj",
        )
        expect_close(got, expected, case, hint=hint, atol=1e-7)
    passed("hidden_weight_gradients matches backpropagation: dL/dW_ij = delta_Hj x_i")
