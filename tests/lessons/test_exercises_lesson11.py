"""Lesson 11's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_util import (
    ROOT,
    checked,
    exercise_cells,
    graded,
    right_everywhere,
    wrong_everywhere,
)

import dlcore as dl
from course.exercises import lesson11

IOU = (
    "def iou(a, b):\n"
    "    w = min(a[2], b[2]) - max(a[0], b[0])\n"
    "    h = min(a[3], b[3]) - max(a[1], b[1])\n"
    "    inter = CLIP\n"
    "    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - UNION)"
)
RIGHT_IOU = IOU.replace("CLIP", "max(w, 0) * max(h, 0)").replace("UNION", "inter")

NMS = RIGHT_IOU + (
    "\n\n"
    "def nms(boxes, scores, threshold):\n"
    "    order = list(np.argsort(-scores))\n"
    "    keep = []\n"
    "    while order:\n"
    "        best = order.pop(0)\n"
    "        keep.append(best)\n"
    "        order = [j for j in order if iou(boxes[best], boxes[j]) <= threshold]\n"
    "    return keep"
)

CAUSAL = (
    "def causal_attention_weights(Q, K):\n"
    "    s = Q @ K.T / np.sqrt(K.shape[1])\n"
    "    s[np.triu_indices(len(s), k=1)] = FILL\n"
    "    e = np.exp(s - s.max(axis=1, keepdims=True))\n"
    "    return e / e.sum(axis=1, keepdims=True)"
)

RIGHT = {
    "l11-conv-layer-prediction-test": [
        "def my_prediction():\n    return 'B'",
        "my_prediction = ' (b) '",
        "def my_prediction():\n    return 'B: 80'",
    ],
    "l11-iou-test": [
        RIGHT_IOU,
        # float32 boxes, vectorised with clip, a one-element array
        "def iou(a, b):\n"
        "    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)\n"
        "    lo, hi = np.maximum(a[:2], b[:2]), np.minimum(a[2:], b[2:])\n"
        "    inter = np.prod(np.clip(hi - lo, 0, None))\n"
        "    union = np.prod(a[2:] - a[:2]) + np.prod(b[2:] - b[:2]) - inter\n"
        "    return np.array([inter / union])",
        # an early return of the integer 0
        "def iou(a, b):\n"
        "    if a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]:\n"
        "        return 0\n"
        "    x1, y1, x2, y2 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])\n"
        "    inter = (x2 - x1) * (y2 - y1)\n"
        "    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter\n"
        "    return inter / union",
        # float32 and max(..., 0) clamps, as the legacy grader test had it
        "def iou(a, b):\n    a, b = np.asarray(a, np.float32), np.asarray(b, np.float32)\n"
        "    w = max(min(a[2], b[2]) - max(a[0], b[0]), 0)\n"
        "    h = max(min(a[3], b[3]) - max(a[1], b[1]), 0)\n"
        "    u = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h\n"
        "    return np.array([w * h / u])",
    ],
    "l11-nms-test": [
        NMS,
        # a for loop over the sorted indices, compared with the kept boxes, an array back
        RIGHT_IOU + "\n\n"
        "def nms(boxes, scores, threshold):\n"
        "    keep = []\n"
        "    for j in sorted(range(len(scores)), key=lambda i: scores[i], reverse=True):\n"
        "        if all(iou(boxes[i], boxes[j]) <= threshold for i in keep):\n"
        "            keep.append(j)\n"
        "    return np.array(keep)",
        # a boolean array of the boxes still alive, indices returned in input order
        RIGHT_IOU + "\n\n"
        "def nms(boxes, scores, threshold):\n"
        "    alive = np.ones(len(boxes), dtype=bool)\n"
        "    for i in np.argsort(scores)[::-1]:\n"
        "        if alive[i]:\n"
        "            for j in range(len(boxes)):\n"
        "                if j != i and alive[j] and scores[j] < scores[i] and "
        "iou(boxes[i], boxes[j]) > threshold:\n"
        "                    alive[j] = False\n"
        "    return [int(i) for i in np.flatnonzero(alive)]",
    ],
    "l11-attention-weights-test": [
        "def attention_weights(Q, K):\n    return softmax(Q @ K.T / np.sqrt(K.shape[1]))",
        "def attention_weights(Q, K):\n"
        "    d = len(K[0])\n"
        "    rows = []\n"
        "    for q in Q:\n"
        "        scores = [sum(qi * ki for qi, ki in zip(q, k)) / d**0.5 for k in K]\n"
        "        exps = [np.exp(s) for s in scores]\n"
        "        rows.append([e / sum(exps) for e in exps])\n"
        "    return rows",
        "def attention_weights(Q, K):\n"
        "    s = np.asarray(Q, np.float32) @ np.asarray(K, np.float32).T / np.sqrt(K.shape[1])\n"
        "    e = np.exp(s - s.max(axis=-1, keepdims=True))\n"
        "    return e / e.sum(axis=-1, keepdims=True)",
    ],
    "l11-causal-attention-test": [
        CAUSAL.replace("FILL", "-np.inf"),
        CAUSAL.replace("FILL", "-1e9"),
        CAUSAL.replace("FILL", "-1e4"),
        # the softmax first, then the future zeroed and each row divided by its new sum
        "def causal_attention_weights(Q, K):\n"
        "    e = np.exp(Q @ K.T / np.sqrt(K.shape[1]))\n"
        "    e = e * np.tril(np.ones(e.shape))\n"
        "    return e / e.sum(axis=1, keepdims=True)",
        # row by row, over the words up to i only
        "def causal_attention_weights(Q, K):\n"
        "    n, d = len(Q), len(K[0])\n"
        "    A = np.zeros((n, n))\n"
        "    for i in range(n):\n"
        "        s = K[: i + 1] @ Q[i] / np.sqrt(d)\n"
        "        A[i, : i + 1] = np.exp(s - s.max()) / np.exp(s - s.max()).sum()\n"
        "    return A.tolist()",
    ],
}

WRONG = {
    "l11-conv-layer-prediction-test": [
        ("def my_prediction():\n    return 'A'", "'same' padding"),
        ("my_prediction = 'C'", "DENSE layer"),
        ("my_prediction = 'D'", "its own feature map"),
    ],
    "l11-iou-test": [
        (IOU.replace("CLIP", "w * h").replace("UNION", "inter"), "clip each at 0"),
        (
            IOU.replace("CLIP", "max(w, 0) * max(h, 0)").replace(" - UNION", ""),
            "counts the shared area once",
        ),
        (
            "def iou(a, b):\n    w = max(min(a[2], b[2]) - max(a[0], b[0]), 0)\n"
            "    h = max(min(a[3], b[3]) - max(a[1], b[1]), 0)\n"
            "    return w * h / ((a[2] - a[0]) * (a[3] - a[1]))",
            "UNION of both boxes",
        ),
    ],
    "l11-nms-test": [
        (NMS.replace("np.argsort(-scores)", "range(len(scores))"), "taken in the order given"),
        (NMS.replace("np.argsort(-scores)", "np.argsort(scores)"), "sort by DECREASING score"),
        (NMS.replace("<= threshold", "< threshold"), "strictly greater"),
        (NMS.replace("<= threshold", "> threshold"), "ABOVE the threshold"),
        (
            NMS.replace(
                "    while order:\n        best = order.pop(0)\n        keep.append(best)\n"
                "        order = [",
                "    best = order.pop(0)\n    keep.append(best)\n    keep += [",
            ),
            "only the single most confident box suppressed others",
        ),
        (
            RIGHT_IOU + "\n\n"
            "def nms(boxes, scores, threshold):\n"
            "    order = np.argsort(-scores)\n"
            "    return [j for r, j in enumerate(order)\n"
            "            if all(iou(boxes[i], boxes[j]) <= threshold for i in order[:r])]",
            "a box that was already dropped suppressed another",
        ),
        (
            RIGHT_IOU + "\n\ndef nms(boxes, scores, threshold):\n    return boxes[:1]",
            "not the boxes themselves",
        ),
    ],
    "l11-attention-weights-test": [
        ("def attention_weights(Q, K):\n    return softmax(Q @ K.T)", "by sqrt(d)"),
        ("def attention_weights(Q, K):\n    return softmax(Q @ K.T / K.shape[1])", "SQUARE ROOT"),
        (
            "def attention_weights(Q, K):\n    s = Q @ K.T / np.sqrt(K.shape[1])\n"
            "    e = np.exp(s - s.max(axis=0))\n    return e / e.sum(axis=0)",
            "along each ROW",
        ),
        (
            "def attention_weights(Q, K):\n    return softmax(K @ Q.T / np.sqrt(K.shape[1]))",
            "one row per query",
        ),
    ],
    "l11-causal-attention-test": [
        (CAUSAL.replace("FILL", "-1e9").replace("k=1", "k=0"), "the diagonal is hidden too"),
        (CAUSAL.replace("FILL", "0"), "a hidden score of 0 still gets the weight"),
        (
            CAUSAL.replace("FILL", "-1e9").replace(
                "triu_indices(len(s), k=1)", "tril_indices(len(s), k=-1)"
            ),
            "hides the words BEFORE each word",
        ),
        (CAUSAL.replace("FILL", "-np.inf").replace(" / np.sqrt(K.shape[1])", ""), "by sqrt(d)"),
        (
            "def causal_attention_weights(Q, K):\n"
            "    e = np.exp(Q @ K.T / np.sqrt(K.shape[1]))\n"
            "    return e / e.sum(axis=1, keepdims=True) * np.tril(np.ones(e.shape))",
            "the rows no longer sum to 1",
        ),
        (
            CAUSAL.replace("FILL", "-1e9").replace("axis=1", "axis=0"),
            "the softmax runs along each ROW",
        ),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("11"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("11", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("11", test_id, answer)


@pytest.mark.parametrize(
    ("library", "call"),
    [
        ("dlcore.activations.softmax", "softmax(np.where(future, -1e9, s))"),
        ("dlcore.activations.softmax", "dl.activations.softmax(np.where(future, -1e9, s))"),
        ("scipy.special.softmax", "special.softmax(np.where(future, -np.inf, s), axis=1)"),
        ("torch.softmax", "torch.softmax(torch.tensor(np.where(future, -np.inf, s)), 1).numpy()"),
        ("torch.Tensor.softmax", "torch.tensor(np.where(future, -np.inf, s)).softmax(1).numpy()"),
    ],
)
def test_a_library_softmax_does_not_answer_the_causal_exercise(library, call):
    """The causal exercise is to write the masked softmax: dlcore's and scipy's are withheld
    (and dlcore's refuses -inf anyway), however the answer reaches them."""
    answer = (
        "from scipy import special\nimport torch\n"
        "def causal_attention_weights(Q, K):\n"
        "    s = Q @ K.T / np.sqrt(K.shape[1])\n"
        "    future = np.triu(np.ones(s.shape, dtype=bool), k=1)\n"
        f"    return {call}"
    )
    message = wrong_everywhere("11", "l11-causal-attention-test", answer)
    assert f"{library} is not available in this exercise" in message
    _, reason = graded("l11-causal-attention-test", answer)
    assert f"{library} is not available in this exercise" in reason


def test_the_softmax_stays_available_in_the_attention_exercise_and_after():
    """Exercise 4 may use dlcore's softmax (the notebook imports it); the causal exercise's
    stand-in is put back once its answer has run."""
    wrong_everywhere(
        "11",
        "l11-causal-attention-test",
        "def causal_attention_weights(Q, K):\n    return softmax(Q @ K.T)",
    )
    assert np.allclose(dl.activations.softmax(np.array([0.0, 0.0])), [0.5, 0.5])
    right_everywhere("11", "l11-attention-weights-test", RIGHT["l11-attention-weights-test"][0])


def test_nms_uses_the_learners_iou():
    """A wrong iou makes a right nms wrong too: nms calls the learner's own iou."""
    wrong_iou = IOU.replace("CLIP", "max(w, 0) * max(h, 0)").replace(" - UNION", "")
    answer = NMS.replace(RIGHT_IOU, wrong_iou)
    assert wrong_everywhere("11", "l11-nms-test", answer)


def test_the_hints_go_in_steps_and_never_show_the_code():
    wrong = "def nms(boxes, scores, threshold):\n    return [0]"
    first = checked("11", "l11-nms-test", wrong)
    second = checked("11", "l11-nms-test", wrong)
    assert "Hint 1 of 2: greedy" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: order the boxes by decreasing score" in second
    for code in ("argsort", "while", "append", "for "):
        assert code not in second
    wrong = "def causal_attention_weights(Q, K):\n    return np.eye(len(Q))"
    first = checked("11", "l11-causal-attention-test", wrong)
    second = checked("11", "l11-causal-attention-test", wrong)
    assert "Hint 1 of 2: word i may look" in first
    assert "Hint 2 of 2: scores s = Q K^T / sqrt(d)" in second and "np." not in second


def test_the_prediction_the_lesson_runs_is_the_right_one():
    """B's numbers are what dlcore computes: 8 maps of 6x6, 8 x (9 + 1) parameters."""
    image = np.arange(64.0).reshape(8, 8)
    maps = np.stack([dl.conv2d(image, np.ones((3, 3))) for _ in range(8)])
    assert maps.shape == (8, 6, 6) and 8 * (3 * 3 + 1) == 80
    assert 64 * maps.size + maps.size == 18_720  # choice C: the dense layer's count
    assert lesson11.CONV_LAYER_PREDICTION.answer == "B"


def test_nms_keeps_one_box_per_object_of_the_scene():
    """The scene case: four boxes around each of three disjoint objects, one kept each."""
    boxes, scores = lesson11._SCENE_BOXES, lesson11._SCENE_SCORES
    kept = lesson11.nms(boxes, scores, 0.5)
    assert sorted(k // 4 for k in kept) == [0, 1, 2]
    assert all(scores[k] == max(scores[4 * (k // 4) : 4 * (k // 4) + 4]) for k in kept)


def test_kept_indices_reads_every_accepted_spelling():
    assert lesson11.kept_indices(np.array([3, 0]), 4) == [0, 3]
    assert lesson11.kept_indices((2.0,), 4) == [2]
    for bad in ([[0, 0, 4, 4]], [1.5], [4], [1, 1], "ab"):
        with pytest.raises(ValueError, match="kept"):
            lesson11.kept_indices(bad, 4)


def _lesson_until_after(test_id: str, answer: str) -> str:
    """The lesson's code cells run in order up to the first cell after ``test_id``'s test
    cell, with ``answer`` in place of its solution (the other solutions as the instructor
    wrote them); what the cells printed."""
    import contextlib
    import io

    import matplotlib
    import nbformat
    from homework_util import unmarked

    from course.editions import is_solution_cell, is_test_cell, nbgrader_meta

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    (path,) = (ROOT / "notebooks").glob("11_*.ipynb")
    cells = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    namespace: dict = {"__name__": "__lesson__"}
    printed, after = io.StringIO(), False
    with contextlib.redirect_stdout(printed), pytest.MonkeyPatch.context() as patch:
        patch.setattr(plt, "show", lambda *a, **k: plt.close("all"))
        for cell in cells:
            source = unmarked(cell.source) if is_solution_cell(cell) else cell.source
            if is_test_cell(cell) and nbgrader_meta(cell)["grade_id"] == test_id:
                after = True
            elif is_solution_cell(cell) and nbgrader_meta(cell)["grade_id"] == test_id[:-5]:
                source = answer
            elif after:
                exec(source, namespace)
                break
            exec(source, namespace)
    plt.close("all")
    return printed.getvalue()


@pytest.mark.parametrize(
    ("test_id", "answer", "shown"),
    [
        *(("l11-iou-test", a, "agrees: True") for a in RIGHT["l11-iou-test"]),
        *(("l11-nms-test", a, "keeps 1 of its 4 boxes") for a in RIGHT["l11-nms-test"]),
        *(
            ("l11-causal-attention-test", a, "gives this matrix: True")
            for a in RIGHT["l11-causal-attention-test"]
        ),
    ],
)
def test_a_right_answer_runs_in_the_cell_after_its_check(test_id, answer, shown):
    """Whatever the check accepts also runs in the cell that uses it, and gives the
    lesson's result there."""
    printed = _lesson_until_after(test_id, answer)
    assert "\u2714 " in printed and shown in printed, printed[-600:]
    if test_id == "l11-nms-test":
        assert printed.count(shown) == 3
