"""Checks for lesson 09, the learning rate: one step size predicted, the largest stable one
solved for, gradient descent with momentum, and its stable limit predicted.

The loss is the quadratic :math:`L(w) = \\tfrac{c}{2} w^2` of curvature :math:`c`; a step of
gradient descent multiplies :math:`w` by :math:`1 - \\eta c`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson09

__all__ = [
    "check_largest_stable_lr",
    "check_momentum_descent",
    "check_momentum_limit_prediction",
    "check_unit_step_prediction",
]


def check_unit_step_prediction(prediction: Any) -> None:
    """Check the prediction: what gradient descent with :math:`\\eta = 1` does on
    :math:`L(w) = w^2` from :math:`w_0 = 2`.

    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one.
    """
    check(lesson09.UNIT_STEP, prediction)


def check_largest_stable_lr(fn: Callable[[float], Any]) -> None:
    r"""Check ``largest_stable_lr(c)``: the learning rate above which gradient descent on
    :math:`L(w) = \tfrac{c}{2} w^2` stops converging.

    Each step gives :math:`w \leftarrow (1 - \eta c)\,w`, which converges exactly when
    :math:`|1 - \eta c| < 1`; the answer is the upper end of that range of :math:`\eta`.
    """
    check(lesson09.LARGEST_STABLE_LR, fn)


def check_momentum_descent(fn: Callable[..., Any]) -> None:
    r"""Check ``momentum_descent(grad, w0, lr, mu, steps)``: the path of heavy-ball momentum.

    From :math:`v = 0`: :math:`v \leftarrow \mu v - \eta \nabla L(w)`, then
    :math:`w \leftarrow w + v`; the result holds :math:`w_0, w_1, \dots, w_\text{steps}`,
    shape (steps + 1,) for a number ``w0``, (steps + 1, d) for ``d`` weights.
    """
    check(lesson09.MOMENTUM, fn)


def check_momentum_limit_prediction(prediction: Any) -> None:
    """Check the prediction: the largest stable learning rate with momentum
    :math:`\\mu = 0.9` on the curvature :math:`c = 10`.

    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one.
    """
    check(lesson09.MOMENTUM_LIMIT, prediction)
