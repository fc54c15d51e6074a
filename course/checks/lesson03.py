"""Checks for lesson 03, the perceptron: weighted sum, one learning update, the margin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course.checks._core import CheckFailed, call, check_choice, expect_close, passed


def _call(fn: Callable[..., Any], *args: Any, case: str, hint: str) -> Any:
    """``call`` that adds ``hint`` when the learner's function crashes (not when a stub)."""
    try:
        return call(fn, *args, case=case)
    except AssertionError as exc:
        if "still a stub" in str(exc):
            raise
        raise CheckFailed(f"{exc}\nHint: {hint}") from exc.__cause__


def check_weighted_sum(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, w, b)`` = :math:`z = \sum_i w_i x_i + b = \mathbf{w}^\top\mathbf{x} + b`."""
    cases = [
        ([1.0, 2.0], [0.5, -1.0], 0.5, "multiply each x_i by its w_i, add them up, then add b"),
        ([0.0, 0.0], [3.0, -2.0], 2.0, "the bias b is added after the sum: with x = 0, z = b"),
        ([2.0, -1.0, 4.0], [0.25, 3.0, 0.5], -1.0, "sum over all the features, not just two"),
    ]
    for x, w, b, hint in cases:
        case = f"weighted_sum(x={x}, w={w}, b={b})"
        got = _call(fn, np.array(x), np.array(w), b, case=case, hint=hint)
        expected = float(np.dot(w, x) + b)
        try:
            got = float(got)
        except (TypeError, ValueError):
            raise CheckFailed(
                f"{case}: expected one number {expected!r}, got {got!r}\n"
                "Hint: return a single number, e.g. np.dot(w, x) + b"
            ) from None
        expect_close(got, expected, case, hint=hint)
    passed("weighted_sum computes z = w·x + b")


def _reference_update(
    w: np.ndarray, b: float, x: np.ndarray, y: int, lr: float
) -> tuple[np.ndarray, float]:
    """Rosenblatt's rule on one sample (the expected answer)."""
    y_hat = 1.0 if np.dot(w, x) + b >= 0 else 0.0
    error = y - y_hat
    return w + lr * error * x, b + lr * error


def _as_floats(value: Any) -> Any:
    """``value`` as a float array when it is numeric, else unchanged (for the message)."""
    try:
        return np.squeeze(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        return value


_BIAS_HINT = "the bias moves too: b ← b + η (y - ŷ), like a weight whose input is always 1"

#: (w, b, x, y, lr, hint): one sample presented to the perceptron, and what to say if wrong
_UPDATE_CASES = [
    (
        [1.0, 1.0],
        0.0,
        [1.0, 1.0],
        1,
        1.0,
        "a correctly classified sample (ŷ = y) changes nothing: the error y - ŷ is 0",
    ),
    (
        [-1.0, 0.5],
        0.0,
        [2.0, 1.0],
        1,
        0.5,
        "z = -1.5 so ŷ = 0 but y = 1: the error is +1; multiply the change by lr",
    ),
    (
        [1.0, 1.0],
        0.5,
        [1.0, 2.0],
        0,
        1.0,
        "z = 3.5 so ŷ = 1 but y = 0: the error is -1, so w and b move down",
    ),
    (
        [1.0, -1.0],
        0.0,
        [1.0, 1.0],
        0,
        1.0,
        "here z = 0, and the step gives ŷ = 1 at z = 0, so the error is 0 - 1 = -1",
    ),
]


def check_perceptron_update(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(w, b, x, y, lr)`` returns the pair after Rosenblatt's rule.

    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x}`,
    :math:`b \leftarrow b + \eta (y - \hat y)`,
    where :math:`\hat y = f(\mathbf{w}^\top\mathbf{x} + b)`.
    """
    for w, b, x, y, lr, hint in _UPDATE_CASES:
        case = f"perceptron_update(w={w}, b={b}, x={x}, y={y}, lr={lr})"
        w_arr, x_arr = np.array(w), np.array(x)
        got = _call(fn, w_arr, b, x_arr, y, lr, case=case, hint=hint)
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            raise CheckFailed(
                f"{case}: expected a pair (new_w, new_b), got {got!r}\n"
                "Hint: end with `return w_new, b_new`"
            )
        if not (np.array_equal(w_arr, w) and np.array_equal(x_arr, x)):
            raise CheckFailed(
                f"{case}: the function changed the arrays passed in (w is now {w_arr!r})\n"
                "Hint: build new values, e.g. w_new = w + lr * error * x, instead of w += ..."
            )
        w_exp, b_exp = _reference_update(np.array(w), b, np.array(x), y, lr)
        expect_close(_as_floats(got[0]), w_exp, case + ": new w", hint=hint)
        expect_close(
            _as_floats(got[1]), np.float64(b_exp), case + ": new b", hint=f"{hint}; {_BIAS_HINT}"
        )
    passed("perceptron_update applies Rosenblatt's rule: w += η(y - ŷ)x, b += η(y - ŷ)")


#: why each answer to the loan-margin question is right or wrong
_GAP_REASONS = {
    "A": "the labels still come from the bank's linear rule, so a line (the bank's own) "
    "separates them: the data stays linearly separable and the perceptron does reach zero "
    "errors",
    "B": "the data stays separable, but the closest applicants now sit almost on the line: "
    "the margin shrinks, and Novikoff's bound (R/γ)² on the number of updates grows with it",
    "C": "the number of updates is bounded by (R/γ)², and γ, the distance of the closest "
    "applicant to the line, becomes much smaller without the gap",
    "D": "points near the line are the hard ones: each one is easy to get wrong, and every "
    "mistake costs an update; more of them means more updates, not fewer",
}


def check_gap_prediction(prediction: Any) -> None:
    """Check the answer to: what happens to the loan perceptron without the 40-point gap?

    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one.
    """
    check_choice(
        prediction,
        case="my_prediction()",
        answer="B",
        reasons=_GAP_REASONS,
        hint="think about what the convergence theorem needs, and what the gap changes.",
    )
