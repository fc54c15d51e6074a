"""Checks for lesson 05, inside an artificial neural network: softmax, the shape of a layer's
output, a forward pass through any list of layers, cross-entropy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson05

__all__ = [
    "check_cross_entropy",
    "check_forward_pass",
    "check_layer_shape_prediction",
    "check_softmax",
]


def check_softmax(fn: Callable[[Any], Any]) -> None:
    r"""Check ``fn(z)`` = :math:`\mathrm{softmax}(z)_k = e^{z_k - m} / \sum_j e^{z_j - m}`,
    :math:`m = \max_j z_j`, on a vector and row by row on a batch, without overflow for large
    :math:`z`. dlcore's ``softmax`` is not available while it runs."""
    check(lesson05.SOFTMAX, fn)


def check_layer_shape_prediction(prediction: Any) -> None:
    """Check the prediction of the shape of the second hidden layer's output ``a2`` for a
    batch of 5 examples through dlcore's 64-32-16-10 network: a letter ``"A"``..``"D"``
    (any case), or a function returning one."""
    check(lesson05.LAYER_SHAPE, prediction)


def check_forward_pass(fn: Callable[[Any, Any], Any]) -> None:
    r"""Check ``fn(X, layers)``: the list of every layer's output for a list of
    ``(W, b, name)`` layers.

    :math:`A^{[0]} = X`, :math:`A^{[l]} = f^{[l]}(A^{[l-1]} W^{[l]} + \mathbf{b}^{[l]})` with
    ``W`` of shape ``(n_in, n_out)``, one example per row, and :math:`f^{[l]}` the activation
    named ``"relu"``, ``"sigmoid"``, ``"softmax"`` or ``"identity"``; ``fn`` returns
    :math:`[A^{[1]}, \dots, A^{[L]}]`. dlcore's ``Dense.forward`` and ``Sequential.forward``
    are not available while it runs.
    """
    check(lesson05.FORWARD_PASS, fn)


def check_cross_entropy(fn: Callable[[Any, Any], Any]) -> None:
    r"""Check ``fn(probs, labels)`` = :math:`L = -\frac{1}{n}\sum_i \log p_{i, y_i}`, the
    cross-entropy of ``probs`` ``(n, k)`` against integer ``labels`` ``(n,)``; 0 log 0 counts
    as 0. dlcore's cross-entropy is not available while it runs."""
    check(lesson05.CROSS_ENTROPY, fn)
