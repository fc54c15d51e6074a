"""Grader-side specs of lesson 11: a conv layer predicted, IoU, attention weights."""

from __future__ import annotations

import functools

import numpy as np

from course.checks.lesson11 import _IOU_CASES, _attention_cases, _iou, _softmax_rows
from course.grading.exercises import Exercise, close, predicted, tagged_args


def _iou_of(a: object, b: object) -> float:
    return _iou(tuple(np.asarray(a, dtype=float)), tuple(np.asarray(b, dtype=float)))


def _attention(Q: list, K: list) -> np.ndarray:
    """Reference: softmax(Q K^T / sqrt(d)) along each row."""
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    return _softmax_rows(Q @ K.T / np.sqrt(K.shape[1]))


def _random_attention() -> tuple:
    """The lesson's sentence (a pronoun's query looks for the animate word) and random ones."""
    words = [[0, 0, 0, 1], [1, 0, 0, 0], [0.2, 0.2, 0, 0.3], [0, 0.3, 0, 1], [0, 0, 0, 1]]
    words += [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0.2], [0, 0, 0, 0.8], [0.6, 0, 0.2, 0]]
    E, W_q = np.array(words), np.eye(4)
    W_q[2, 0] = 4.0
    cases = [((E @ W_q).tolist(), E.tolist())]
    rng = np.random.default_rng(1113)
    for nq, nk, d in [(2, 5, 3), (6, 1, 8), (4, 4, 16)]:
        cases.append((rng.normal(size=(nq, d)).tolist(), rng.normal(size=(nk, d)).tolist()))
    return tuple(cases)


def _boxes() -> tuple:
    """The check's pairs as tuples and as arrays, the lesson's scene, random pairs."""
    cases = [
        (tag(a), tag(b))
        for a, b in _IOU_CASES
        for tag in (lambda box: {"tuple": list(box)}, lambda box: {"array": list(box)})
    ]
    truth = {"car": (6, 36, 30, 52), "person": (40, 8, 50, 34), "sign": (12, 8, 22, 18)}
    shifted = {"car": (7, 37, 29, 53), "person": (44, 12, 54, 38), "sign": (11, 9, 23, 17)}
    cases += [({"tuple": list(truth[k])}, {"tuple": list(shifted[k])}) for k in truth]
    rng = np.random.default_rng(1111)
    a = np.sort(rng.uniform(0, 20, (30, 2, 2)), axis=1).transpose(0, 2, 1).reshape(30, 4)
    b = np.sort(rng.uniform(0, 20, (30, 2, 2)), axis=1).transpose(0, 2, 1).reshape(30, 4)
    cases += [
        ({"array": x.tolist()}, {"array": y.tolist()})
        for x, y in zip(a[:, [0, 2, 1, 3]], b[:, [0, 2, 1, 3]], strict=True)
    ]
    return tuple(cases)


EXERCISES = [
    predicted("l11-conv-layer-prediction-test", "B"),
    Exercise(
        "l11-iou-test",
        ("iou",),
        _boxes(),
        close(functools.partial(tagged_args, _iou_of), atol=1e-6, rtol=1e-5, fit="squeeze"),
        driver=tagged_args,
    ),
    Exercise(
        "l11-attention-weights-test",
        ("attention_weights",),
        (*((Q.tolist(), K.tolist()) for Q, K in _attention_cases()), *_random_attention()),
        close(_attention, rtol=1e-5),
        arrays=(0, 1),
    ),
]
