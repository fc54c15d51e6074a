"""Lesson 11, beyond the MLP: a conv layer predicted, IoU, non-maximum suppression with it,
attention weights, and a decoder's causal mask.

Boxes are ``(x1, y1, x2, y2)`` with ``x1 < x2`` and ``y1 < y2``. Attention weights are
:math:`\\mathrm{softmax}(QK^\\top/\\sqrt{d})` along each row, ``Q (n_q, d)``, ``K (n_k, d)``;
the causal weights hide, for word ``i``, every word ``j > i``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import dlcore as dl
from course.exercises import (
    TORCH_SOFTMAX,
    Case,
    Mistake,
    close,
    implement,
    predict,
    tagged_args,
)

# --- Exercise 1: predict a conv layer's output and parameters ---------------------------------

#: the choices of the prediction exercise: 8 kernels of 3x3 with biases on the 8x8 digit
CONV_LAYER_CHOICES = {
    "A": "8 feature maps of 8x8, and 80 parameters",
    "B": "8 feature maps of 6x6, and 80 parameters",
    "C": "8 feature maps of 6x6, and 18,720 parameters",
    "D": "1 feature map of 6x6, and 72 parameters",
}

CONV_LAYER_PREDICTION = predict(
    "l11-conv-layer-prediction-test",
    "B",
    {
        "A": "8x8 maps need 'same' padding (a border of zeros); a valid convolution keeps "
        "the whole 3x3 kernel inside the image, so count the positions where it fits",
        "B": CONV_LAYER_CHOICES["B"],
        "C": "18,720 is what a DENSE layer needs for the same outputs, a weight for every "
        "(pixel, output) pair; a conv layer shares each kernel over all positions",
        "D": "each kernel makes its own feature map; and each kernel has a bias as well as "
        "its weights",
    },
    (
        "a valid convolution places the kernel only where it fits inside the image; a conv "
        "layer's parameters are its kernels and their biases, shared by all positions, so "
        "the image size does not enter",
        "side of a map = H - k + 1 for a k x k kernel on H x H; parameters = (number of "
        "kernels) x (k x k weights + 1 bias)",
    ),
    success="B: each 3x3 kernel fits 8 - 3 + 1 = 6 times per row and column, and the layer "
    "has 8 x (3 x 3 + 1) = 80 parameters whatever the image size",
)

# --- Exercise 2: IoU of two boxes -------------------------------------------------------------


def iou(box_a: Any, box_b: Any) -> float:
    r"""Reference: :math:`|A\cap B| / (|A| + |B| - |A\cap B|)`, the intersection's width and
    height clipped at 0 (dlcore has no IoU)."""
    a, b = np.asarray(box_a, dtype=float), np.asarray(box_b, dtype=float)
    width = max(min(a[2], b[2]) - max(a[0], b[0]), 0.0)
    height = max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)
    inter = width * height
    return float(inter / (_area(a) + _area(b) - inter))


def _area(box: Any) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


def _raw_sides(a: Any, b: Any) -> tuple[float, float]:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])


def _iou_unclipped(a: Any, b: Any) -> float:
    w, h = _raw_sides(a, b)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(w * h / (_area(a) + _area(b) - w * h))


def _iou_union_twice(a: Any, b: Any) -> float:
    w, h = _raw_sides(a, b)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(max(w, 0) * max(h, 0) / (_area(a) + _area(b)))


def _iou_over_one_box(a: Any, b: Any) -> float:
    w, h = _raw_sides(a, b)
    return float(max(w, 0) * max(h, 0) / _area(np.asarray(a, dtype=float)))


#: (box_a, box_b): half overlap, identical, disjoint, touching, inside, diagonal, floats
_IOU_PAIRS = (
    ((0, 0, 4, 4), (2, 0, 6, 4), "the lesson's worked example: they share a 2 x 4 box"),
    ((1, 2, 5, 7), (1, 2, 5, 7), "identical boxes: IoU 1"),
    ((0, 0, 4, 4), (5, 5, 9, 9), "boxes that do not overlap: IoU 0"),
    ((0, 0, 4, 4), (4, 0, 8, 4), "boxes that only touch along an edge share no area"),
    ((0, 0, 4, 4), (1, 1, 3, 3), "a box inside the other: the intersection is the small one"),
    ((0, 0, 2, 2), (1, 1, 3, 3), "a diagonal overlap of one unit square"),
    ((0, 0, 3, 1), (2, 3, 5, 4), "overlapping in x but not in y: IoU 0"),
    ((0.5, 1.5, 3.0, 4.0), (1.0, 0.0, 2.5, 2.5), "boxes with fractional corners"),
    ((6.0, 36.0, 30.0, 52.0), (6.4, 35.5, 30.2, 51.7), "the car and a jittered prediction"),
)


def _random_boxes(rng: np.random.Generator, n: int) -> np.ndarray:
    corners = np.sort(rng.uniform(0, 20, (n, 2, 2)), axis=1)  # (x1, x2), (y1, y2) sorted
    return corners.transpose(0, 2, 1).reshape(n, 4)[:, [0, 2, 1, 3]]


_rng = np.random.default_rng(1111)
_RANDOM_A, _RANDOM_B = _random_boxes(_rng, 12), _random_boxes(_rng, 12)

IOU = implement(
    "l11-iou-test",
    "iou",
    (
        *(
            Case(({"tuple": list(a)}, {"tuple": list(b)}), hint, label=f"iou({a}, {b})")
            for a, b, hint in _IOU_PAIRS
        ),
        *(
            Case(
                ({"array": list(a)}, {"array": list(b)}),
                hint,
                label=f"iou(np.array({list(a)}), np.array({list(b)}))",
            )
            for a, b, hint in _IOU_PAIRS[:4]
        ),
        *(
            Case(
                ({"array": a.tolist()}, {"array": b.tolist()}),
                label=f"iou on two random boxes {n}",
            )
            for n, (a, b) in enumerate(zip(_RANDOM_A, _RANDOM_B, strict=True), 1)
        ),
    ),
    iou,
    compare=close(atol=1e-6, rtol=1e-5, fit="squeeze"),  # float32 boxes pass
    driver=tagged_args,
    hints=(
        "the area the two boxes share is itself a box, or nothing; the union counts the "
        "shared area once, so it is the two areas added minus the shared one",
        "intersection from (max of the x1, max of the y1) to (min of the x2, min of the y2); "
        "its width and height become 0 when negative; IoU = intersection / (area A + area B "
        "- intersection)",
    ),
    mistakes=(
        Mistake(
            _iou_unclipped,
            "boxes that do not overlap have a negative width or height of intersection: "
            "clip each at 0 before multiplying",
        ),
        Mistake(_iou_union_twice, "the union counts the shared area once: |A| + |B| - |A ∩ B|"),
        Mistake(
            _iou_over_one_box,
            "divide by the area of the UNION of both boxes, not by one box's area",
        ),
    ),
    success="iou computes |A ∩ B| / |A ∪ B|: 1 for identical boxes, 0 when they do not overlap",
)

# --- Exercise 3: non-maximum suppression ------------------------------------------------------


def nms(boxes: Any, scores: Any, threshold: float) -> list[int]:
    """Reference: greedy non-maximum suppression. Take the most confident box left, keep
    it, drop every remaining box whose IoU with it is above ``threshold`` (strictly); repeat.
    The indices kept, most confident first."""
    boxes, scores = np.asarray(boxes, dtype=float), np.asarray(scores, dtype=float)
    left, kept = list(np.argsort(-scores, kind="stable")), []
    while left:
        best = int(left.pop(0))
        kept.append(best)
        left = [j for j in left if iou(boxes[best], boxes[j]) <= threshold]
    return kept


def kept_indices(answer: Any, n: int) -> list[int]:
    """The box indices a ``nms`` answer returns (a list, tuple or array of whole numbers
    from 0 to ``n - 1``), sorted; ValueError saying what is wrong otherwise."""
    try:
        values = np.asarray(answer, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise ValueError(
            f"expected the indices of the boxes kept, got {str(answer)[:60]}"
        ) from None
    if not np.all(values == np.round(values)) or np.any(values < 0) or np.any(values >= n):
        raise ValueError(
            f"expected the indices of the boxes kept (whole numbers from 0 to {n - 1}), got "
            f"{str(answer)[:60]}"
        )
    if len(set(values.tolist())) != len(values):
        raise ValueError(f"each box is kept once at most, got {str(answer)[:60]}")
    return sorted(int(v) for v in values)


def suppressed(target, boxes, scores, threshold):
    """Driver: ``target(boxes, scores, threshold)`` on the boxes ``(n, 4)`` and scores
    ``(n,)`` as float arrays; the indices it keeps, sorted, or what is wrong with them."""
    import numpy

    boxes, scores = numpy.array(boxes, dtype=float), numpy.array(scores, dtype=float)
    result = target(boxes.copy(), scores.copy(), threshold)
    n, shown = len(boxes), str(getattr(result, "tolist", lambda: result)())[:60]
    if isinstance(result, numpy.ndarray) and result.dtype == bool:
        return {"error": "expected the indices of the boxes kept, got an array of True/False"}
    try:
        values = numpy.asarray(result, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return {"error": f"expected the indices of the boxes kept, got {shown}"}
    if values.size and (numpy.any(values != numpy.round(values)) or values.min() < 0 or
                        values.max() >= n):  # fmt: skip
        return {"error": f"expected the indices of the boxes kept (whole numbers from 0 to "
                f"{n - 1}), not the boxes themselves; got {shown}"}  # fmt: skip
    if len(set(values.tolist())) != len(values):
        return {"error": f"each box is kept once at most, got {shown}"}
    return {"kept": sorted(int(v) for v in values)}


def _kept(expected: dict, got: Any) -> str | None:
    """Right when the same boxes are kept, in any order."""
    if not isinstance(got, dict) or ("kept" not in got and "error" not in got):
        return f"expected the indices of the boxes kept, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    if got["kept"] == expected["kept"]:
        return None
    return f"expected the boxes {expected['kept']} to be kept, got {got['kept']}"


def _nms_variant(boxes, scores, threshold, *, order="score", against="kept", drop="above"):
    """Non-maximum suppression with one typical mistake switched on."""
    boxes, scores = np.asarray(boxes, dtype=float), np.asarray(scores, dtype=float)
    ranked = {
        "score": list(np.argsort(-scores, kind="stable")),
        "given": list(range(len(boxes))),
        "lowest": list(np.argsort(scores, kind="stable")),
    }[order]
    overlaps = {
        "above": lambda v: v > threshold,
        "at": lambda v: v >= threshold,
        "below": lambda v: v < threshold,
    }[drop]
    if against == "best":  # one round: the best box suppresses, every other one is kept
        best = ranked[0]
        return [best, *(j for j in ranked[1:] if not overlaps(iou(boxes[best], boxes[j])))]
    kept = []
    for rank, j in enumerate(ranked):
        others = kept if against == "kept" else ranked[:rank]
        if not any(overlaps(iou(boxes[i], boxes[j])) for i in others):
            kept.append(j)
    return kept


def _nms_in_given_order(boxes, scores, threshold):
    return _nms_variant(boxes, scores, threshold, order="given")


def _nms_least_confident(boxes, scores, threshold):
    return _nms_variant(boxes, scores, threshold, order="lowest")


def _nms_best_only(boxes, scores, threshold):
    return _nms_variant(boxes, scores, threshold, against="best")


def _nms_dropped_boxes_suppress(boxes, scores, threshold):
    return _nms_variant(boxes, scores, threshold, against="all")


def _nms_at_threshold(boxes, scores, threshold):
    return _nms_variant(boxes, scores, threshold, drop="at")


def _nms_keeps_overlaps(boxes, scores, threshold):
    return _nms_variant(boxes, scores, threshold, drop="below")


def _candidates(rng: np.random.Generator, truth: Any, per_object: int) -> tuple[list, list]:
    boxes = [np.array(box, float) + rng.uniform(-0.5, 0.5, 4) for box in truth]
    boxes = [box + rng.uniform(-0.5, 0.5, 4) for box in boxes for _ in range(per_object)]
    scores = rng.choice(np.arange(300, 1000), size=len(boxes), replace=False) / 1000  # no ties
    return np.round(boxes, 3).tolist(), scores.tolist()


_SCENE = [[6, 36, 30, 52], [40, 8, 50, 34], [12, 8, 22, 18]]
_SCENE_BOXES, _SCENE_SCORES = _candidates(np.random.default_rng(11), _SCENE, 4)
_rng = np.random.default_rng(1112)
_CLUSTERS = [_candidates(_rng, _random_boxes(_rng, 10) * 2, 3) for _ in range(3)]


def _nms_case(boxes: list, scores: list, threshold: float, hint: str, label: str) -> Case:
    return Case((boxes, scores, threshold), hint, label=label)


NMS = implement(
    "l11-nms-test",
    "nms",
    (
        _nms_case(
            [[0, 0, 4, 4], [1, 0, 5, 4], [10, 10, 14, 14], [11, 10, 15, 14]],
            [0.6, 0.9, 0.8, 0.7],
            0.5,
            "boxes 0 and 1 overlap with IoU 0.6, and so do boxes 2 and 3; the more confident "
            "of each pair stays (boxes 1 and 2), the other goes",
            label="nms(boxes=[[0, 0, 4, 4], [1, 0, 5, 4], [10, 10, 14, 14], [11, 10, 15, 14]], "
            "scores=[0.6, 0.9, 0.8, 0.7], threshold=0.5)",
        ),
        _nms_case(
            [[0, 0, 4, 4], [0, 0, 4, 4.2], [8, 0, 12, 4], [8, 0, 12, 3.8]],
            [0.9, 0.85, 0.8, 0.7],
            0.5,
            "two objects, two boxes each: each object's most confident box stays, whatever "
            "the other object's boxes do",
            label="nms on two objects with two boxes each, threshold=0.5",
        ),
        _nms_case(
            [[0, 0, 4, 4], [2, 0, 6, 4], [4, 0, 8, 4]],
            [0.9, 0.8, 0.7],
            0.3,
            "a chain: box 1 overlaps boxes 0 and 2 (IoU 1/3 each), boxes 0 and 2 do not "
            "overlap. Box 1 goes because of box 0; a box that is gone suppresses nothing, so "
            "box 2 stays",
            label="nms(boxes=[[0, 0, 4, 4], [2, 0, 6, 4], [4, 0, 8, 4]], "
            "scores=[0.9, 0.8, 0.7], threshold=0.3)",
        ),
        _nms_case(
            [[0, 0, 4, 4], [0, 0, 4, 2]],
            [0.9, 0.8],
            0.5,
            "an IoU of exactly 0.5 is not above the threshold 0.5: both boxes stay",
            label="nms(boxes=[[0, 0, 4, 4], [0, 0, 4, 2]], scores=[0.9, 0.8], threshold=0.5)",
        ),
        _nms_case(
            [[1, 1, 3, 3]], [0.4], 0.5, "a single box is always kept", label="nms on one box"
        ),
        _nms_case(
            _SCENE_BOXES,
            _SCENE_SCORES,
            0.5,
            "the lesson's scene: four boxes per object, one kept for each",
            label="nms on 12 boxes around the lesson's 3 objects, threshold=0.5",
        ),
        *(
            _nms_case(
                boxes,
                scores,
                threshold,
                "",
                label=f"nms on 30 random overlapping boxes {n}, threshold={threshold}",
            )
            for n, ((boxes, scores), threshold) in enumerate(
                zip(_CLUSTERS, (0.3, 0.5, 0.7), strict=True), 1
            )
        ),
    ),
    nms,
    compare=_kept,
    driver=suppressed,
    hints=(
        "greedy: the most confident box left is surely kept; every box that overlaps it "
        "too much is a duplicate of it and goes; repeat with the boxes still left until "
        "none is left",
        "order the boxes by decreasing score; the first one left is kept, and a remaining box "
        "j is dropped when iou(kept box, box j) > threshold; a dropped box never drops "
        "another one; return the indices of the kept boxes",
    ),
    mistakes=(
        Mistake(
            _nms_in_given_order,
            "the boxes were taken in the order given: take the most confident box first "
            "(sort the indices by decreasing score)",
        ),
        Mistake(
            _nms_least_confident,
            "the least confident box of each group was kept: sort by DECREASING score",
        ),
        Mistake(
            _nms_best_only,
            "only the single most confident box suppressed others: repeat with the most "
            "confident box still left, so each object keeps one box",
        ),
        Mistake(
            _nms_dropped_boxes_suppress,
            "a box that was already dropped suppressed another: compare each box with the "
            "boxes KEPT so far only",
        ),
        Mistake(
            _nms_at_threshold,
            "an IoU equal to the threshold is not above it: drop a box only when its IoU with "
            "a kept box is strictly greater",
        ),
        Mistake(
            _nms_keeps_overlaps,
            "the boxes that overlap were kept and the others dropped: a box goes when its IoU "
            "with a kept box is ABOVE the threshold",
        ),
    ),
    success="nms keeps the most confident box of each object and drops its duplicates",
)

# --- Exercise 4: attention weights ------------------------------------------------------------


def attention_weights(Q: Any, K: Any) -> np.ndarray:
    r"""Reference: :math:`\mathrm{softmax}(QK^\top/\sqrt{d})` along each row, by dlcore."""
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    return dl.activations.softmax(Q @ K.T / np.sqrt(K.shape[1]))


def _softmax_columns(s: np.ndarray) -> np.ndarray:
    return dl.activations.softmax(s.T).T


def _attention_unscaled(Q, K):
    return dl.activations.softmax(Q @ K.T)


def _attention_over_d(Q, K):
    return dl.activations.softmax(Q @ K.T / K.shape[1])


def _attention_by_column(Q, K):
    return _softmax_columns(Q @ K.T / np.sqrt(K.shape[1]))


def _attention_transposed(Q, K):
    return dl.activations.softmax(K @ Q.T / np.sqrt(K.shape[1]))


#: the lesson's toy sentence: its embeddings (animate, place, pronoun, function word)
SENTENCE = [[0, 0, 0, 1], [1, 0, 0, 0], [0.2, 0.2, 0, 0.3], [0, 0.3, 0, 1], [0, 0, 0, 1]]
SENTENCE += [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0.2], [0, 0, 0, 0.8], [0.6, 0, 0.2, 0]]


def _sentence_queries() -> list:
    W_q = np.eye(4)
    W_q[2, 0] = 4.0  # a pronoun's query looks for the animate dimension
    return (np.array(SENTENCE) @ W_q).tolist()


_rng = np.random.default_rng(11)
_TOY_Q = [[0.0, 0.0, 1.0, 0.2], [1.0, 0.0, 0.0, 0.0], [4.0, 0.0, 1.0, 0.2]]
_TOY_K = [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.2]]
_ATTENTION_CASES = [
    ((_TOY_Q, _TOY_K), "three toy words: the third query matches the first key most"),
    ((_rng.normal(size=(2, 3)).tolist(), _rng.normal(size=(5, 3)).tolist()), "2 queries, 5 keys"),
    ((_rng.normal(size=(4, 9)).tolist(), _rng.normal(size=(3, 9)).tolist()), "4 queries, 3 keys"),
    ((_sentence_queries(), SENTENCE), "the lesson's sentence: 'it' attends most to 'cat'"),
]
_rng = np.random.default_rng(1113)
_ATTENTION_CASES += [
    ((_rng.normal(size=(nq, d)).tolist(), _rng.normal(size=(nk, d)).tolist()), "")
    for nq, nk, d in [(2, 5, 3), (6, 1, 8), (4, 4, 16)]
]


def _shapes_label(name: str, Q: list, K: list) -> str:
    return f"{name}(Q of shape {np.shape(Q)}, K of shape {np.shape(K)})"


ATTENTION = implement(
    "l11-attention-weights-test",
    "attention_weights",
    tuple(
        Case((Q, K), hint, label=_shapes_label("attention_weights", Q, K))
        for (Q, K), hint in _ATTENTION_CASES
    ),
    attention_weights,
    compare=close(atol=1e-8, rtol=1e-5),
    arrays=(0, 1),
    hints=(
        "every query is compared with every key by a dot product, scaled so that long "
        "vectors do not saturate the softmax; each query's scores then become weights that "
        "are positive and sum to 1",
        "scores = Q K^T / sqrt(d), d = the length of a key, of shape (n_q, n_k); then each "
        "row i becomes exp(scores[i]) / sum of exp(scores[i])",
    ),
    mistakes=(
        Mistake(_attention_unscaled, "divide the scores by sqrt(d), d = the length of a key"),
        Mistake(_attention_over_d, "divide by the SQUARE ROOT of d, not by d"),
        Mistake(
            _attention_by_column,
            "the softmax runs along each ROW (one query's weights over all keys sum to 1): "
            "normalise over axis=1",
        ),
        Mistake(
            _attention_transposed,
            "the result has one row per query and one column per key: Q @ K.T, not K @ Q.T",
        ),
    ),
    success="attention_weights computes softmax(Q K^T / sqrt(d)), each row summing to 1",
)

# --- Exercise 5: a decoder's causal mask ------------------------------------------------------


def causal_attention_weights(Q: Any, K: Any) -> np.ndarray:
    r"""Reference: :math:`\mathrm{softmax}(QK^\top/\sqrt{d} + M)` along each row, by dlcore,
    with :math:`M_{ij} = -\infty` for :math:`j > i` (a large negative number here: dlcore's
    softmax takes finite numbers only, and :math:`e^{-10^9}` is 0 as well)."""
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    scores = Q @ K.T / np.sqrt(K.shape[1])
    future = np.triu(np.ones(scores.shape, dtype=bool), k=1)
    return dl.activations.softmax(np.where(future, -1e9, scores))


def _masked(Q, K, *, k=1, side=np.triu, fill=-1e9, scale=True):
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    scores = Q @ K.T / (np.sqrt(K.shape[1]) if scale else 1.0)
    hidden = side(np.ones(scores.shape, dtype=bool), k=k)
    return dl.activations.softmax(np.where(hidden, fill, scores))


def _causal_hides_the_past(Q, K):
    return _masked(Q, K, k=-1, side=np.tril)


def _causal_hides_itself(Q, K):
    return _masked(Q, K, k=0)


def _causal_zero_scores(Q, K):
    return _masked(Q, K, fill=0.0)


def _causal_unscaled(Q, K):
    return _masked(Q, K, scale=False)


def _causal_not_renormalised(Q, K):
    A = attention_weights(Q, K)
    return A * np.tril(np.ones(A.shape))


def _causal_by_column(Q, K):
    Q, K = np.asarray(Q, dtype=float), np.asarray(K, dtype=float)
    scores = Q @ K.T / np.sqrt(K.shape[1])
    return _softmax_columns(np.where(np.triu(np.ones(scores.shape, dtype=bool), k=1), -1e9, scores))


_rng = np.random.default_rng(1114)
_CAUSAL_CASES = [
    (
        (_TOY_Q, [[1.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.2]]),
        "three words: the first sees only itself, the second the first two, the third all",
    ),
    ((_sentence_queries(), SENTENCE), "the lesson's sentence: 'it' sees the words up to itself"),
    (([[0.3, -1.2]], [[2.0, 0.5]]), "a single word attends to itself with weight 1"),
    *(
        ((_rng.normal(size=(n, d)).tolist(), _rng.normal(size=(n, d)).tolist()), "")
        for n, d in [(5, 3), (4, 8), (7, 16)]
    ),
]

CAUSAL = implement(
    "l11-causal-attention-test",
    "causal_attention_weights",
    tuple(
        Case((Q, K), hint, label=_shapes_label("causal_attention_weights", Q, K))
        for (Q, K), hint in _CAUSAL_CASES
    ),
    causal_attention_weights,
    compare=close(atol=1e-8, rtol=1e-5),
    arrays=(0, 1),
    hints=(
        "word i may look at the words 0, 1, ..., i only: hide the later words' scores before "
        "the softmax, so that their weights come out exactly 0 and the weights of the words "
        "it may see still sum to 1",
        "scores s = Q K^T / sqrt(d); for j > i replace s_ij by -inf (or a very large negative "
        "number such as -1e9: e to that power is 0); then each row becomes "
        "exp(s_ij - m_i) / sum_j exp(s_ij - m_i), with m_i the row's largest score",
    ),
    mistakes=(
        Mistake(
            _causal_hides_the_past,
            "the mask hides the words BEFORE each word: a decoder's word i sees the words "
            "j <= i, so hide j > i (above the diagonal)",
        ),
        Mistake(
            _causal_hides_itself,
            "the diagonal is hidden too: word i may attend to itself, hide only j > i",
        ),
        Mistake(
            _causal_zero_scores,
            "a hidden score of 0 still gets the weight e^0 / sum: give the hidden scores a "
            "very large negative value (or -inf), whose exponential is 0",
        ),
        Mistake(_causal_unscaled, "divide the scores by sqrt(d), d = the length of a key"),
        Mistake(
            _causal_not_renormalised,
            "the later words' weights were set to 0 after the softmax, so the rows no longer "
            "sum to 1: hide the scores before the softmax (or divide each row by its new sum)",
        ),
        Mistake(
            _causal_by_column,
            "the softmax runs along each ROW (one query's weights over the keys): normalise "
            "over axis=1",
        ),
    ),
    library=("dlcore.activations.softmax", "scipy.special.softmax", *TORCH_SOFTMAX),
    success="causal_attention_weights lets each word attend to itself and the words before "
    "it only, each row summing to 1",
)

EXERCISES = [CONV_LAYER_PREDICTION, IOU, NMS, ATTENTION, CAUSAL]
