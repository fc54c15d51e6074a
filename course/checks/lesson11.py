"""Checks for lesson 11, beyond the MLP: a conv layer's output, IoU, attention weights.

Boxes are ``(x1, y1, x2, y2)`` with ``x1 < x2`` and ``y1 < y2``; attention weights are
:math:`\\mathrm{softmax}(QK^\\top/\\sqrt{d})` along each row, ``Q (n_q, d)``, ``K (n_k, d)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course.checks._core import CheckFailed, as_float, call, check_choice, expect_close, passed

__all__ = ["check_attention_weights", "check_conv_layer_prediction", "check_iou"]

# ---------------------------------------------------------------- exercise 1 (predict)

#: the choices of the prediction exercise: 8 kernels of 3x3 with biases on the 8x8 digit
CONV_LAYER_CHOICES = {
    "A": "8 feature maps of 8x8, and 80 parameters",
    "B": "8 feature maps of 6x6, and 80 parameters",
    "C": "8 feature maps of 6x6, and 18,720 parameters",
    "D": "1 feature map of 6x6, and 72 parameters",
}
_CONV_LAYER_WHY = {
    "A": "a valid convolution keeps the 3x3 kernel inside the image: it fits in 8 - 3 + 1 = 6 "
    "positions per row and column, so each map is 6x6 (8x8 needs 'same' padding)",
    "C": "18,720 is what a DENSE layer needs for the same 288 outputs (64 x 288 weights + 288 "
    "biases); a conv layer shares each kernel over all positions: 9 weights + 1 bias per kernel",
    "D": "each kernel makes its own feature map, so 8 kernels give 8 maps; and each kernel has "
    "a bias too: 8 x (9 + 1) parameters",
}


def check_conv_layer_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`CONV_LAYER_CHOICES`, and say why a wrong choice is wrong."""
    check_choice(
        answer,
        case="my_prediction()",
        answer="B",
        reasons=CONV_LAYER_CHOICES,
        hint=_CONV_LAYER_WHY,
        success="B: each 3x3 kernel fits 8 - 3 + 1 = 6 times per row and column, and the layer "
        "has 8 x (3 x 3 + 1) = 80 parameters whatever the image size",
    )


# ---------------------------------------------------------------- exercise 2


def _iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = max(min(a[2], b[2]) - max(a[0], b[0]), 0.0)
    height = max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)
    inter = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union


def _area(box: tuple[float, ...]) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


#: (box_a, box_b): half overlap, identical, disjoint, touching, inside, diagonal, floats
_IOU_CASES = [
    ((0, 0, 4, 4), (2, 0, 6, 4)),
    ((1, 2, 5, 7), (1, 2, 5, 7)),
    ((0, 0, 4, 4), (5, 5, 9, 9)),
    ((0, 0, 4, 4), (4, 0, 8, 4)),
    ((0, 0, 4, 4), (1, 1, 3, 3)),
    ((0, 0, 2, 2), (1, 1, 3, 3)),
    ((0, 0, 3, 1), (2, 3, 5, 4)),
    ((0.5, 1.5, 3.0, 4.0), (1.0, 0.0, 2.5, 2.5)),
    ((6.0, 36.0, 30.0, 52.0), (6.4, 35.5, 30.2, 51.7)),
]


def check_iou(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(box_a, box_b)`` = :math:`|A\cap B| / (|A| + |B| - |A\cap B|)`."""
    for a, b in _IOU_CASES:
        for spelling in (tuple, np.array):
            case = f"iou({a}, {b})"
            got = call(fn, spelling(a), spelling(b), case=case)
            got = as_float(np.squeeze(got) if np.size(got) == 1 else got, case)
            expected = _iou(a, b)
            raw_w = min(a[2], b[2]) - max(a[0], b[0])
            raw_h = min(a[3], b[3]) - max(a[1], b[1])
            inter = max(raw_w, 0.0) * max(raw_h, 0.0)
            mistakes = [
                (
                    raw_w * raw_h / (_area(a) + _area(b) - raw_w * raw_h),
                    "boxes that do not overlap have a negative width or height of "
                    "intersection: clip each at 0 before multiplying (max(w, 0))",
                ),
                (
                    inter / (_area(a) + _area(b)),
                    "the union counts the shared area once: |A| + |B| - |A ∩ B|",
                ),
                (
                    inter / _area(a) if _area(a) else np.nan,
                    "divide by the area of the UNION of both boxes, not by one box's area",
                ),
            ]
            hint = "the intersection runs from (max of the x1, max of the y1) to (min of the "
            hint += "x2, min of the y2); its width or height is 0 if negative; then "
            hint += "intersection / (area A + area B - intersection)"
            for wrong, why in mistakes:
                if (
                    np.isfinite(wrong)
                    and np.isclose(got, wrong, rtol=0, atol=1e-6)
                    and not np.isclose(wrong, expected, rtol=0, atol=1e-6)
                ):
                    hint = why
                    break
            expect_close(got, expected, case, hint=hint, atol=1e-6)  # float32 passes
    passed("iou computes |A ∩ B| / |A ∪ B|: 1 for identical boxes, 0 when they do not overlap")


# ---------------------------------------------------------------- exercise 3


def _softmax_rows(s: np.ndarray, axis: int = 1) -> np.ndarray:
    e = np.exp(s - s.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _attention_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(11)
    toy_q = np.array([[0.0, 0.0, 1.0, 0.2], [1.0, 0.0, 0.0, 0.0], [4.0, 0.0, 1.0, 0.2]])
    toy_k = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.2]])
    return [
        (toy_q, toy_k),
        (rng.normal(size=(2, 3)), rng.normal(size=(5, 3))),
        (rng.normal(size=(4, 9)), rng.normal(size=(3, 9))),
    ]


def check_attention_weights(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(Q, K)`` = :math:`\mathrm{softmax}(QK^\top/\sqrt{d})`, softmax along rows."""
    for Q, K in _attention_cases():
        case = f"attention_weights(Q of shape {Q.shape}, K of shape {K.shape})"
        got = call(fn, Q.copy(), K.copy(), case=case)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError) as exc:
            raise CheckFailed(f"{case}: expected an array of numbers, got {got!r}") from exc
        d = K.shape[1]
        scores = Q @ K.T
        expected = _softmax_rows(scores / np.sqrt(d))
        mistakes = [
            (_softmax_rows(scores), "divide the scores by sqrt(d), d = the length of a key"),
            (_softmax_rows(scores / d), "divide by the SQUARE ROOT of d, not by d"),
            (
                _softmax_rows(scores / np.sqrt(d), axis=0),
                "the softmax runs along each ROW (one query's weights over all keys sum to 1): "
                "normalise over axis=1",
            ),
            (
                _softmax_rows(K @ Q.T / np.sqrt(d)),
                f"the result has one row per query: Q @ K.T, of shape {expected.shape}",
            ),
        ]
        hint = "scores = Q @ K.T / sqrt(d); then for each row, exp(scores) / the row's sum"
        for wrong, why in mistakes:
            if got.shape == wrong.shape and np.allclose(got, wrong, atol=1e-8):
                hint = why
                break
        expect_close(got, expected, case, hint=hint, atol=1e-8)
    passed("attention_weights computes softmax(Q K^T / sqrt(d)), each row summing to 1")
