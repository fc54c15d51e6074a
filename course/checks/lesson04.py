"""Checks for lesson 04, linear classifiers: the majority baseline, the best line on XOR's
corners, XOR's weights by hand, the pocket perceptron."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson04
from course.exercises.lesson04 import XOR_CORNERS, XOR_LABELS, xor_network_output, xor_parts

__all__ = [
    "XOR_CORNERS",
    "XOR_LABELS",
    "check_best_line_prediction",
    "check_majority_baseline",
    "check_pocket_perceptron",
    "check_xor_weights",
    "xor_network_output",
    "xor_parts",
]


def check_majority_baseline(fn: Callable[[Any], float]) -> None:
    r"""Check ``majority_baseline(y)``: the accuracy of always answering the most frequent class.

    :math:`\text{baseline} = \max_c \frac{1}{n}\sum_i [y_i = c]`, a number between 0 and 1.
    """
    check(lesson04.MAJORITY_BASELINE, fn)


def check_best_line_prediction(prediction: Any) -> None:
    """Check the prediction: the best accuracy one straight line reaches on the XOR corners.

    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one.
    """
    check(lesson04.BEST_LINE, prediction)


def check_xor_weights(fn: Callable[[], Any]) -> None:
    r"""Check ``xor_weights()``: a step network with 2 hidden units that computes XOR.

    :math:`\mathbf{h} = f(\mathbf{x} W + \mathbf{b})`,
    :math:`\hat y = f(\mathbf{h}\cdot\mathbf{w}_\text{out} + b_\text{out})`, with
    :math:`f(z) = [z \ge 0]`; every weight set is accepted whose outputs on the four corners
    are :math:`x_1 \oplus x_2`: 0, 1, 1, 0.
    """
    check(lesson04.XOR_WEIGHTS, fn)


def check_pocket_perceptron(fn: Callable[..., Any]) -> None:
    r"""Check ``pocket_perceptron(X, y, lr, epochs)`` returns ``(w, b, accuracy)``: the best
    weights Rosenblatt's rule passes through and their accuracy.

    Train from :math:`\mathbf{w} = 0, b = 0` by
    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x}`,
    :math:`b \leftarrow b + \eta (y - \hat y)`, the examples in their order; after every
    update score :math:`\frac{1}{n}\sum_i [f(\mathbf{w}\cdot\mathbf{x}_i + b) = y_i]` and keep
    the best weights seen (the pocket).
    """
    check(lesson04.POCKET, fn)
