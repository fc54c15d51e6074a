"""Checks for lesson 11, beyond the MLP: a conv layer's output, IoU, non-maximum
suppression, attention weights, and a decoder's causal mask.

Boxes are ``(x1, y1, x2, y2)`` with ``x1 < x2`` and ``y1 < y2``; attention weights are
:math:`\\mathrm{softmax}(QK^\\top/\\sqrt{d})` along each row, ``Q (n_q, d)``, ``K (n_k, d)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson11
from course.exercises.lesson11 import CONV_LAYER_CHOICES, kept_indices

__all__ = [
    "CONV_LAYER_CHOICES",
    "check_attention_weights",
    "check_causal_attention",
    "check_conv_layer_prediction",
    "check_iou",
    "check_nms",
    "kept_indices",
]


def check_conv_layer_prediction(prediction: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`CONV_LAYER_CHOICES`: 8 kernels of 3x3 with biases, valid, on the 8x8 digit.

    A valid :math:`k\\times k` convolution on :math:`H\\times W` gives maps of
    :math:`(H - k + 1)\\times(W - k + 1)`; the layer has :math:`n_\\text{kernels}(k^2 + 1)`
    parameters.
    """
    check(lesson11.CONV_LAYER_PREDICTION, prediction)


def check_iou(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(box_a, box_b)`` = :math:`|A\cap B| / (|A| + |B| - |A\cap B|)`, the
    intersection's width and height clipped at 0."""
    check(lesson11.IOU, fn)


def check_nms(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(boxes, scores, threshold)``: greedy non-maximum suppression.

    In order of decreasing score, a box is kept unless its IoU with a box kept before it is
    above ``threshold`` (strictly); ``fn`` returns the indices of the kept boxes (any order).
    """
    check(lesson11.NMS, fn)


def check_attention_weights(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(Q, K)`` = :math:`\mathrm{softmax}(QK^\top/\sqrt{d})`, softmax along rows."""
    check(lesson11.ATTENTION, fn)


def check_causal_attention(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(Q, K)`` = :math:`\mathrm{softmax}(QK^\top/\sqrt{d} + M)` along rows, with
    :math:`M_{ij} = -\infty` for :math:`j > i` and 0 otherwise: word :math:`i` attends to
    the words :math:`j \le i` only. dlcore's softmax is not available in this exercise."""
    check(lesson11.CAUSAL, fn)
