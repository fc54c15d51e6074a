"""Checks for lesson 06, a network worked by hand: the forward pass of a batch, the mean
loss, which gradients vanish, one gradient-descent step.

The network is the lesson's: inputs ``x``, a ReLU hidden layer ``H = ReLU(x W1 + b1)``, one
sigmoid output ``O = σ(H W2 + b2)``, binary cross-entropy against the label ``y``. Weight
matrices have dlcore's shape ``(n_in, n_out)``: ``W1[i, j]`` is the notes' :math:`W_{ij}`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson06
from course.exercises.lesson06 import step_parts

__all__ = [
    "check_bce_loss",
    "check_forward_pass",
    "check_gradient_step",
    "check_zero_gradient_prediction",
    "step_parts",
]


def check_forward_pass(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(X, W1, b1, W2, b2)``: the network's probability for every row of ``X``.

    :math:`H = \mathrm{ReLU}(X W_1 + \mathbf{b}_1)`, :math:`O = \sigma(H W_2 + b_2)`, one
    value per row (shape ``(n,)``; ``(n, 1)`` is accepted too).
    """
    check(lesson06.FORWARD_PASS, fn)


def check_bce_loss(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(o, y)``: the mean binary cross-entropy of a batch,
    :math:`L = -\frac{1}{n}\sum_i \left[y_i \ln O_i + (1 - y_i)\ln(1 - O_i)\right]`, where a
    term whose factor is 0 counts as 0 (:math:`0 \ln 0 = 0`)."""
    check(lesson06.BCE_LOSS, fn)


def check_zero_gradient_prediction(prediction: Any) -> None:
    """Check the predicted choice: which parameters get a gradient of exactly zero for the
    lesson's customer? ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a
    function returning one."""
    check(lesson06.ZERO_GRADIENTS, prediction)


def check_gradient_step(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, y, W1, b1, W2, b2, lr)`` returns the new ``(W1, b1, W2, b2)`` after one
    step :math:`w \leftarrow w - \eta\,\partial L/\partial w` on one example: every gradient
    computed from the weights before the step, :math:`\delta_O = O - y`,
    :math:`\partial L/\partial W_{2} = H^\top \delta_O`, :math:`\partial L/\partial b_2 = \delta_O`,
    :math:`\delta_{Hj} = \delta_O W_{2,j} \mathrm{ReLU}'(z_{Hj})`,
    :math:`\partial L/\partial W_{1,ij} = x_i \delta_{Hj}`,
    :math:`\partial L/\partial b_1 = \delta_H`.
    """
    check(lesson06.GRADIENT_STEP, fn)
