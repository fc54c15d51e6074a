"""Checks for lesson 08, backpropagation and the chain rule: one neuron's gradients, the
factor that vanishes when it saturates, a two-layer backward pass, a forgetful Dense layer.

The lesson's neuron: ``z = w x + b``, ``a = σ(z)``, ``L = (a - y)²``, whose gradients are the
products of the local derivatives along the chain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson08
from course.exercises.lesson08 import GRADIENTS, SATURATION_CHOICES, gradient_parts

__all__ = [
    "GRADIENTS",
    "SATURATION_CHOICES",
    "check_forgetful_dense",
    "check_neuron_gradients",
    "check_saturation_prediction",
    "check_two_layer_backward",
    "gradient_parts",
]


def check_neuron_gradients(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, w, b, y)`` returns :math:`(\partial L/\partial w, \partial L/\partial b)`
    for :math:`L = (\sigma(wx + b) - y)^2`: any pair (tuple, list, array, numpy numbers).

    :math:`\partial L/\partial w = 2(a - y)\,\sigma(z)(1 - \sigma(z))\,x` and
    :math:`\partial L/\partial b = 2(a - y)\,\sigma(z)(1 - \sigma(z))`, with :math:`z = wx + b`,
    :math:`a = \sigma(z)`.
    """
    check(lesson08.NEURON_GRADIENTS, fn)


def check_saturation_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`SATURATION_CHOICES`: which factor of dL/dw is almost 0 for x = 2, w = 5, b = 0,
    y = 0, and say why a wrong choice is wrong."""
    check(lesson08.SATURATION, answer)


def check_two_layer_backward(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(X, y, W1, b1, W2, b2)`` returns ``(dW1, db1, dW2, db2, dX)``, the gradients
    of :math:`L = \frac1n\sum_i (p_i - y_i)^2` for :math:`H = \sigma(XW_1 + b_1)`,
    :math:`P = HW_2 + b_2`.

    :math:`\partial L/\partial P = 2(P - y)/n`,
    :math:`\partial L/\partial W_2 = H^\top\,\partial L/\partial P`,
    :math:`\partial L/\partial H = \partial L/\partial P\,W_2^\top`,
    :math:`\partial L/\partial Z_1 = \partial L/\partial H \odot H(1 - H)`,
    :math:`\partial L/\partial W_1 = X^\top\,\partial L/\partial Z_1`,
    :math:`\partial L/\partial X = \partial L/\partial Z_1\,W_1^\top`; a bias's gradient is
    the column sum of its layer's :math:`\partial L/\partial Z`. Each gradient has the shape
    of its parameter.
    """
    check(lesson08.TWO_LAYER, fn)


def check_forgetful_dense(cls: Any) -> None:
    r"""Check ``cls``, a subclass of ``dl.Dense``, forgets the activation's slope in
    ``backward``: :math:`\partial L/\partial Z = \partial L/\partial A` instead of
    :math:`\partial L/\partial A \odot f'(Z)`, the rest as in Dense
    (:math:`\partial L/\partial W = X^\top\,\partial L/\partial Z`,
    :math:`\partial L/\partial b = \sum_\text{rows} \partial L/\partial Z`, returns
    :math:`\partial L/\partial Z\,W^\top`), and that ``dl.gradcheck`` then flags ``W`` and ``b``."""
    check(lesson08.FORGETFUL_DENSE, cls)
