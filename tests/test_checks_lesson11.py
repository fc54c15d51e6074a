"""The exercise checks of lesson 11: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

from course.checks.lesson11 import (
    CONV_LAYER_CHOICES,
    check_attention_weights,
    check_conv_layer_prediction,
    check_iou,
)
from dlcore.activations import softmax

# --- correct answers, in more than one spelling ----------------------------------------------


def my_prediction():
    return "B"


def iou(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = max(w, 0) * max(h, 0)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def iou_vectorised(a, b):
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    lo, hi = np.maximum(a[:2], b[:2]), np.minimum(a[2:], b[2:])
    inter = np.prod(np.clip(hi - lo, 0, None))
    union = np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter
    return np.array([inter / union])  # a one-element array, float32


def iou_with_an_early_return(a, b):
    if a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]:
        return 0
    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    inter = (x2 - x1) * (y2 - y1)
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def attention_weights(Q, K):
    return softmax(Q @ K.T / np.sqrt(K.shape[1]))


def attention_weights_by_hand(Q, K):
    d = len(K[0])
    rows = []
    for q in Q:
        scores = [sum(qi * ki for qi, ki in zip(q, k, strict=True)) / d**0.5 for k in K]
        exps = [np.exp(s) for s in scores]
        rows.append([e / sum(exps) for e in exps])
    return rows


# --- wrong answers, each a typical mistake ---------------------------------------------------


def iou_without_clipping(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def iou_union_counts_overlap_twice(a, b):
    w = max(min(a[2], b[2]) - max(a[0], b[0]), 0)
    h = max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]))


def iou_over_one_box(a, b):
    w = max(min(a[2], b[2]) - max(a[0], b[0]), 0)
    h = max(min(a[3], b[3]) - max(a[1], b[1]), 0)
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]))


def attention_unscaled(Q, K):
    return softmax(Q @ K.T)


def attention_over_d(Q, K):
    return softmax(Q @ K.T / K.shape[1])


def attention_wrong_axis(Q, K):
    s = np.exp(Q @ K.T / np.sqrt(K.shape[1]))
    return s / s.sum(axis=0, keepdims=True)


def attention_transposed(Q, K):
    return softmax(K @ Q.T / np.sqrt(K.shape[1]))


CHECKS = [
    (check_conv_layer_prediction, my_prediction, lambda: "C", "my_prediction()"),
    (check_iou, iou, iou_union_counts_overlap_twice, "iou((0, 0, 4, 4), (2, 0, 6, 4))"),
    (
        check_attention_weights,
        attention_weights,
        attention_unscaled,
        "attention_weights(Q of shape (3, 4), K of shape (3, 4))",
    ),
]


@pytest.mark.parametrize("spelling", ["B", "b", " (B) ", "B: 80", lambda: "b"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_conv_layer_prediction(spelling)
    assert "8 - 3 + 1 = 6" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("choice", "why"),
    [("A", "'same' padding"), ("C", "DENSE layer"), ("D", "its own feature map")],
)
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in CONV_LAYER_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_conv_layer_prediction(choice)


def test_the_prediction_the_lesson_runs_is_the_right_one():
    """B's numbers are what dlcore computes: 8 maps of 6x6, 8 x (9 + 1) parameters."""
    import dlcore as dl

    image = np.arange(64.0).reshape(8, 8)
    maps = np.stack([dl.conv2d(image, np.ones((3, 3))) for _ in range(8)])
    assert maps.shape == (8, 6, 6) and 8 * (3 * 3 + 1) == 80
    assert 64 * maps.size + maps.size == 18_720  # choice C: the dense layer's count


@pytest.mark.parametrize("answer", [iou_vectorised, iou_with_an_early_return])
def test_other_correct_spellings_of_iou_pass(answer, capsys):
    check_iou(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "case", "hint"),
    [
        (iou_without_clipping, r"\(5, 5, 9, 9\)", "clip each at 0"),
        (iou_union_counts_overlap_twice, r"\(2, 0, 6, 4\)", "counts the shared area once"),
        (iou_over_one_box, r"\(2, 0, 6, 4\)", "UNION"),
    ],
)
def test_each_iou_mistake_gets_its_own_hint(wrong, case, hint):
    with pytest.raises(AssertionError, match=rf"(?s){case}\).*Hint: .*{hint}"):
        check_iou(wrong)


def test_attention_written_with_loops_and_lists_passes(capsys):
    check_attention_weights(attention_weights_by_hand)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (attention_unscaled, r"by sqrt\(d\)"),
        (attention_over_d, "SQUARE ROOT"),
        (attention_wrong_axis, "along each ROW"),
        (attention_transposed, r"one row per query: Q @ K\.T"),
    ],
)
def test_each_attention_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_attention_weights(wrong)
