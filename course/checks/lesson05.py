"""Checks for lesson 05, inside an artificial neural network: softmax, the shape of a layer's
output, cross-entropy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course.checks._core import CheckFailed, as_float, call, check_choice, expect_close, passed

__all__ = ["check_cross_entropy", "check_layer_shape_prediction", "check_softmax"]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _as_array(value: Any) -> Any:
    """``value`` as a float array when it is numeric, else unchanged (for the message)."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return value


#: (z, hint): the input given to the learner's softmax, and what to say if the answer is wrong
_SOFTMAX_CASES = [
    ([1.0, 2.0, 3.0], "exponentiate every z_k, then divide each by the sum of the exponentials"),
    ([0.0, 0.0], "equal scores give equal probabilities: here 0.5 and 0.5"),
    ([-1.0, 0.5, 2.0, 0.0], "every output is positive and the outputs add up to 1"),
    (
        [1000.0, 1000.0, 999.0],
        "e^1000 overflows to inf (inf/inf is nan): subtract the largest z_k first; "
        "e^(z_k - m) / sum_j e^(z_j - m) is the same number and never overflows",
    ),
    (
        [[1.0, 2.0], [3.0, 0.0]],
        "a batch holds one example per row: take the maximum and the sum over each row "
        "(the last axis, keeping its dimension so the division broadcasts), not over the "
        "whole array",
    ),
]


def check_softmax(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(z)`` = :math:`\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}`, on a vector
    and row by row on a batch, without overflow for large :math:`z`."""
    for z, hint in _SOFTMAX_CASES:
        case = f"softmax(z={z})"
        z_arr = np.array(z)
        got = call(fn, z_arr.copy(), case=case)
        expect_close(_as_array(got), _softmax(z_arr), case, hint=hint)
    passed("softmax turns scores into positive numbers that sum to 1, row by row, stably")


#: (probs, labels, hint): one batch of predicted probabilities and its true classes
_CE_CASES = [
    (
        [[0.1, 0.8, 0.1]],
        [1],
        "for one example the loss is -log of the probability given to its true class "
        "(here class 1, probability 0.8)",
    ),
    (
        [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
        [0, 2],
        "pick, in each row i, the probability of that row's true class labels[i]; the loss is "
        "the mean of -log of those, over the rows (a mean, not a sum)",
    ),
    ([[1.0, 0.0], [0.0, 1.0]], [0, 1], "a certain, correct prediction costs nothing: loss 0"),
    (
        [[0.25, 0.25, 0.5], [0.9, 0.05, 0.05], [0.2, 0.6, 0.2]],
        [2, 1, 1],
        "use the natural logarithm, and the minus sign: the loss is positive",
    ),
]


def check_cross_entropy(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(probs, labels)`` = :math:`L = -\frac{1}{n}\sum_i \log p_{i, y_i}`, the
    cross-entropy of ``probs`` (n, k) against integer ``labels`` (n,)."""
    for probs, labels, hint in _CE_CASES:
        case = f"cross_entropy(probs={probs}, labels={labels})"
        p, y = np.array(probs), np.array(labels)
        got = call(fn, p.copy(), y.copy(), case=case)
        with np.errstate(divide="ignore"):
            expected = float(-np.mean(np.log(p[np.arange(len(y)), y])))
        try:
            value = as_float(got, case)
        except AssertionError as exc:
            raise CheckFailed(f"{exc}\nHint: return one number, the mean loss") from None
        expect_close(value, expected, case, hint=hint, atol=1e-6)
    passed("cross_entropy is the mean of -log(probability of the true class)")


#: why each choice of the shape prediction is right or wrong
SHAPE_CHOICES: dict[str, str] = {
    "A": "dlcore puts one example per row: 5 rows, and one column per unit of the layer, 16",
    "B": "(16, 5) is the notes' column form, one column per example; dlcore's row form "
    "Z = X @ W + b has the examples in rows, so it is the transpose of this",
    "C": "(32, 16) is the shape of the layer's weight matrix W (n_in, n_out), which stays "
    "the same whatever the batch size; the output has one row per example",
    "D": "(5, 32) is the output of the first hidden layer, the *input* of the second; the "
    "second layer maps each example's 32 numbers to 16",
}


def check_layer_shape_prediction(prediction: str | Callable[[], str]) -> None:
    """Check the prediction of the shape of the second hidden layer's output ``a2`` for a
    batch of 5 examples through dlcore's 64-32-16-10 network: ``"A"`` .. ``"D"``."""
    check_choice(
        prediction,
        case="shape of a2 for a batch of 5 through 64-32-16-10",
        answer="A",
        reasons=SHAPE_CHOICES,
        hint="in dlcore a layer turns an (examples, n_in) array into an (examples, n_out) "
        "one; follow the batch through the layers, then run the cell below.",
    )
