"""Checks for lesson 09, the learning rate: one step size predicted, the largest stable one
computed.

The loss is the quadratic :math:`L(w) = \\tfrac{c}{2} w^2` of curvature :math:`c`; a step of
gradient descent multiplies :math:`w` by :math:`1 - \\eta c`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course.checks._core import CheckFailed, as_float, call, check_choice, passed

__all__ = ["check_largest_stable_lr", "check_unit_step_prediction"]


# ---------------------------------------------------------------- exercise 1 (predict)

#: the choices of the prediction exercise: eta = 1 on L(w) = w^2 from w0 = 2
UNIT_STEP_CHOICES = {
    "A": "it converges faster than eta = 0.4: the steps are bigger",
    "B": "it diverges like eta = 1.1: the loss grows at every step",
    "C": "w jumps between 2 and -2 for ever: the loss stays at 4",
    "D": "it lands on the minimum w = 0 in one step and stays there",
}
_UNIT_STEP_WHY = {
    "A": "a bigger step is faster only while it does not overshoot: with eta = 1 the step is "
    "w - 1 * 2w = -w, which jumps over the minimum to the other side, just as far away",
    "B": "compute one step: w - eta * 2w with eta = 1 gives -w, exactly as far from 0 as w; "
    "the distance does not grow (it grows only for eta > 1)",
    "D": "the one-step learning rate is the one with w - eta * 2w = 0, that is eta = 1/2; "
    "with eta = 1 compute w1 = 2 - 1 * (2 * 2)",
}


def check_unit_step_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`UNIT_STEP_CHOICES`, and say why a wrong choice is wrong."""
    check_choice(
        answer,
        case="my_prediction()",
        answer="C",
        reasons=UNIT_STEP_CHOICES,
        hint=_UNIT_STEP_WHY,
        success="C: w <- w - 1 * 2w = -w: each step flips the sign and keeps the distance, so "
        "the loss stays at 4 for ever (eta = 1 = 2/c is exactly the edge of stability)",
    )


# ---------------------------------------------------------------- exercise 2


#: the curvatures the check tries; the grader adds its private ones
CURVATURES = (2.0, 10.0, 0.5, 4, 1.0, 25.0)


def _one_number(value: Any) -> Any:
    """A one-element array or list as its number (``[1.0]`` counts as ``1.0``)."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return value
    return arr.reshape(()).item() if arr.size == 1 else value


def check_largest_stable_lr(fn: Callable[[float], Any]) -> None:
    r"""Check ``fn(c)`` = :math:`2/c`, the largest learning rate for which gradient descent on
    :math:`L(w) = \tfrac{c}{2} w^2` converges (it converges for every smaller positive one)."""
    for c in CURVATURES:
        case = f"largest_stable_lr({c})"
        got = as_float(_one_number(call(fn, c, case=case)), case)
        expected = 2.0 / c
        if np.isclose(got, expected, rtol=1e-9, atol=0.0):
            continue
        if np.isclose(got, 1.0 / c):
            hint = (
                "1/c is the learning rate that lands on the minimum in one step (1 - eta c = 0); "
                "larger ones overshoot but can still converge: how far can 1 - eta c go below 0 "
                "before |1 - eta c| reaches 1?"
            )
        elif np.isclose(got, 2.0 * c) or np.isclose(got, c / 2.0):
            hint = (
                "a steeper loss (larger c) needs a smaller step: the answer must shrink as c "
                "grows. Each step multiplies w by (1 - eta c); solve |1 - eta c| < 1 for eta"
            )
        else:
            verdict = "converges" if abs(1.0 - got * c) < 1.0 else "does not converge"
            hint = (
                f"with eta = {got:g}, gradient descent on (c/2) w^2 {verdict}. Each step "
                "multiplies w by (1 - eta c); it goes to 0 exactly when |1 - eta c| < 1: "
                "find the eta where 1 - eta c = -1"
            )
        raise CheckFailed(f"{case}: expected {expected!r}, got {got!r}\nHint: {hint}")
    passed("largest_stable_lr(c) = 2/c: each step multiplies w by 1 - eta c, and |1 - eta c| < 1")
