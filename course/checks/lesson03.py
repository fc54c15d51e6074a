"""Checks for lesson 03, the perceptron: weighted sum, one learning update, the training
loop, the margin."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson03

__all__ = [
    "check_gap_prediction",
    "check_perceptron_update",
    "check_train_perceptron",
    "check_weighted_sum",
]


def check_weighted_sum(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, w, b)`` = :math:`z = \sum_i w_i x_i + b = \mathbf{w}^\top\mathbf{x} + b`."""
    check(lesson03.WEIGHTED_SUM, fn)


def check_perceptron_update(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(w, b, x, y, lr)`` returns the pair after Rosenblatt's rule.

    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x}`,
    :math:`b \leftarrow b + \eta (y - \hat y)`,
    where :math:`\hat y = f(\mathbf{w}^\top\mathbf{x} + b)`.
    """
    check(lesson03.PERCEPTRON_UPDATE, fn)


def check_train_perceptron(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(X, y, lr, epochs)`` returns ``(w, b, errors)``: Rosenblatt's training loop.

    From :math:`\mathbf{w} = 0, b = 0`, each epoch presents the examples in their order and
    applies :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x}`,
    :math:`b \leftarrow b + \eta (y - \hat y)`; ``errors[t]`` counts the mistakes of epoch
    :math:`t`, and training stops after the first epoch without one.
    """
    check(lesson03.TRAIN_PERCEPTRON, fn)


def check_gap_prediction(prediction: Any) -> None:
    """Check the answer to: what happens to the loan perceptron without the 40-point gap?
    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one."""
    check(lesson03.GAP_PREDICTION, prediction)
