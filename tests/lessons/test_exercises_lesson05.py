"""Lesson 05's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, graded, right_everywhere, wrong_everywhere

import dlcore as dl
from course.exercises import lesson05

FORWARD = (
    "def forward_pass(X, layers):\n"
    "    f = {'relu': lambda z: np.maximum(z, 0), 'sigmoid': lambda z: 1 / (1 + np.exp(-z)),\n"
    "         'softmax': softmax, 'identity': lambda z: z}\n"
    "    A, outputs = X, []\n"
    "    for W, b, name in layers:\n"
    "        A = f[name](STEP)\n"
    "        outputs.append(A)\n"
    "    return outputs"
)
RIGHT_FORWARD = FORWARD.replace("STEP", "A @ W + b")
ONE_HOT = (
    "def my_cross_entropy(probs, labels):\n"
    "    Y = np.eye(probs.shape[1])[labels]\n"
    "    return -np.mean(np.sum(Y * np.log(probs), axis=1))"
)

RIGHT = {
    "l05-softmax-test": [
        "def my_softmax(z):\n"
        "    e = np.exp(z - np.max(z, axis=-1, keepdims=True))\n"
        "    return e / np.sum(e, axis=-1, keepdims=True)",
        "def my_softmax(z):\n"  # a list back, and the log-sum-exp route
        "    m = z.max(axis=-1, keepdims=True)\n"
        "    lse = m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True))\n"
        "    return np.exp(z - lse).tolist()",
        "def my_softmax(z):\n"  # row by row, with a loop
        "    if z.ndim == 2:\n"
        "        return np.array([my_softmax(row) for row in z])\n"
        "    e = np.exp(z - max(z))\n"
        "    return e / sum(e)",
    ],
    "l05-shapes-test": ["def my_prediction():\n    return 'A'", "my_prediction = ' (a) '"],
    "l05-forward-pass-test": [
        RIGHT_FORWARD,
        "def forward_pass(X, layers):\n"  # dlcore's activations, tuples, a single example as a row
        "    A, outputs = np.atleast_2d(X), ()\n"
        "    for W, b, name in layers:\n"
        "        A = dl.activations.get(name).forward(np.dot(A, W) + b)\n"
        "        outputs = outputs + (A,)\n"
        "    return outputs",
        "def forward_pass(X, layers):\n"  # the notes' column form, transposed back: lists out
        "    a, outputs = np.asarray(X).T, []\n"
        "    for W, b, name in layers:\n"
        "        z = W.T @ a + b.reshape(-1, *[1] * (a.ndim - 1))\n"
        "        a = dl.activations.get(name).forward(z.T).T\n"
        "        outputs.append(a.T.tolist())\n"
        "    return outputs",
    ],
    "l05-cross-entropy-test": [
        "def my_cross_entropy(probs, labels):\n"
        "    return -np.mean(np.log(probs[np.arange(len(labels)), labels]))",
        ONE_HOT,  # the lesson's one-hot formula: 0 log 0 counts as 0
        "def my_cross_entropy(probs, labels):\n"  # a loop, and an int-valued float for one case
        "    total = 0.0\n"
        "    for row, label in zip(probs, labels):\n"
        "        total -= float(np.log(row[label]))\n"
        "    return [total / len(labels)]",
        "def my_cross_entropy(probs, labels):\n"  # the one-hot formula with 0 log 0 handled
        "    Y = np.eye(probs.shape[1])[labels]\n"
        "    return -np.sum(np.where(Y > 0, Y * np.log(np.where(Y > 0, probs, 1.0)), 0.0))"
        " / len(labels)",
    ],
}

WRONG = {
    "l05-softmax-test": [
        (
            "def my_softmax(z):\n    e = np.exp(z)\n    return e / e.sum(axis=-1, keepdims=True)",
            "subtract the largest z_k first",
        ),
        (
            "def my_softmax(z):\n    e = np.exp(z - z.max())\n    return e / e.sum()",
            "over each row (the last axis)",
        ),
        (
            "def my_softmax(z):\n    e = np.exp(z - z.max(axis=-1, keepdims=True))\n"
            "    return e / e.sum(axis=-1)",
            "without keepdims",
        ),
        ("def my_softmax(z):\n    return z / np.sum(z)", "exponentiate every z_k"),
        (
            "def my_softmax(z):\n    e = np.exp(z - z.max(axis=0))\n    return e / e.sum(axis=0)",
            "down each column (axis 0)",
        ),
        ("def my_softmax(z):\n    return sigmoid(z)", "a sigmoid of each score on its own"),
    ],
    "l05-shapes-test": [
        ("my_prediction = 'b'", "the notes' column form"),
        ("def my_prediction():\n    return 'C'", "does not depend on the batch"),
        ("my_prediction = 'D'", "the width of the first hidden layer"),
    ],
    "l05-forward-pass-test": [
        (FORWARD.replace("STEP", "X @ W + b"), "each layer takes the previous layer's output"),
        (FORWARD.replace("STEP", "A @ W"), "add each layer's bias b"),
        (FORWARD.replace("STEP", "A @ W.T + b"), "dlcore's W has shape (n_in, n_out)"),
        (FORWARD.replace("f[name](STEP)", "np.maximum(A @ W + b, 0)"), "ReLU was applied"),
        (FORWARD.replace("f[name](STEP)", "A @ W + b"), "apply each layer's activation"),
        (FORWARD.replace("STEP", "A) @ W + b; A = (A"), "the activation comes after"),
        (RIGHT_FORWARD.replace("outputs = X, []", "outputs = X, [X]"), "the input X is not one"),
        (RIGHT_FORWARD.replace("return outputs", "return A"), "not only the last"),
    ],
    "l05-cross-entropy-test": [
        (
            "def my_cross_entropy(p, y):\n    return -np.log(p[np.arange(len(y)), y]).sum()",
            "the loss is their mean",
        ),
        (
            "def my_cross_entropy(p, y):\n    return np.mean(np.log(p[np.arange(len(y)), y]))",
            "the loss is -log p, positive",
        ),
        (
            "def my_cross_entropy(p, y):\n    return -np.mean(np.log10(p[np.arange(len(y)), y]))",
            "natural logarithm",
        ),
        (
            "def my_cross_entropy(p, y):\n    return -np.log(p[np.arange(len(y)), y])",
            "return one number, their mean",
        ),
        (ONE_HOT.replace("np.sum(Y * np.log(probs), axis=1)", "Y * np.log(probs)"), "divided by k"),
        ("def my_cross_entropy(p, y):\n    return -np.mean(np.log(p.max(axis=1)))", "true class"),
        ("def my_cross_entropy(p, y):\n    return -np.mean(np.log(p[:, y]))", "one entry per row"),
    ],
}

#: for every library function an exercise withholds, an answer that calls it
LIBRARY = [
    ("l05-softmax-test", "def my_softmax(z):\n    return dl.activations.softmax(z)", 0),
    ("l05-softmax-test", "def my_softmax(z):\n    return softmax(z)", 0),
    (
        "l05-softmax-test",
        "def my_softmax(z):\n    from scipy.special import softmax\n    return softmax(z, axis=-1)",
        1,
    ),
    (
        "l05-forward-pass-test",
        "def forward_pass(X, layers):\n    outputs = []\n    for W, b, name in layers:\n"
        "        d = dl.Dense(*W.shape, activation=name); d.W[:], d.b[:] = W, b\n"
        "        X = d.forward(np.atleast_2d(X)); outputs.append(X)\n    return outputs",
        0,
    ),
    (
        "l05-forward-pass-test",
        "def forward_pass(X, layers):\n    ds = []\n    for W, b, name in layers:\n"
        "        d = dl.Dense(*W.shape, activation=name); d.W[:], d.b[:] = W, b; ds.append(d)\n"
        "    return [dl.Sequential(ds[: k + 1]).forward(np.atleast_2d(X)) for k in range(len(ds))]",
        1,
    ),
    (
        "l05-cross-entropy-test",
        "def my_cross_entropy(probs, labels):\n"
        "    return dl.losses.get('cross_entropy')(probs, labels)",
        0,
    ),
    (
        "l05-cross-entropy-test",
        "def my_cross_entropy(probs, labels):\n"
        "    return dl.losses.CrossEntropy().forward_logits(np.log(probs + 1e-300), labels)",
        1,
    ),
    (
        "l05-cross-entropy-test",
        "def my_cross_entropy(probs, labels):\n"
        "    from sklearn.metrics import log_loss\n"
        "    return log_loss(labels, probs, labels=list(range(probs.shape[1])))",
        2,
    ),
    *(
        ("l05-softmax-test", "def my_softmax(z):\n    import torch\n" + f"    return {call}", i)
        for i, call in enumerate(
            (
                "torch.softmax(torch.tensor(z), -1).numpy()",
                "torch.nn.functional.softmax(torch.tensor(z), -1).numpy()",
                "torch.special.softmax(torch.tensor(z), -1).numpy()",
                "torch.tensor(z).softmax(-1).numpy()",
            ),
            start=2,
        )
    ),
    (
        "l05-cross-entropy-test",
        "def my_cross_entropy(probs, labels):\n    import torch\n"
        "    p, y = torch.tensor(probs), torch.tensor(labels)\n"
        "    return torch.nn.functional.cross_entropy(torch.log(p), y).item()",
        3,
    ),
    (
        "l05-cross-entropy-test",
        "def my_cross_entropy(probs, labels):\n    import torch\n"
        "    p, y = torch.tensor(probs), torch.tensor(labels)\n"
        "    return torch.nn.functional.nll_loss(torch.log(p), y).item()",
        4,
    ),
]


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("05"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    with np.errstate(all="ignore"):
        right_everywhere("05", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    with np.errstate(all="ignore"):
        assert hint in wrong_everywhere("05", test_id, answer)


@pytest.mark.parametrize(("test_id", "answer", "index"), LIBRARY)
def test_a_withheld_library_function_does_not_answer_the_exercise(test_id, answer, index):
    name = lesson05.__dict__[
        {
            "l05-softmax-test": "SOFTMAX",
            "l05-forward-pass-test": "FORWARD_PASS",
            "l05-cross-entropy-test": "CROSS_ENTROPY",
        }[test_id]
    ].library[index]
    message = wrong_everywhere("05", test_id, answer)
    assert f"{name} is not available in this exercise" in message
    share, reason = graded(test_id, answer)
    assert share == 0.0 and f"{name} is not available in this exercise" in reason


def test_every_library_function_is_tested_and_exists():
    """Each name in ``library`` is called by an answer above, and names a real function (a
    misspelt name would be skipped by the stand-ins without a word)."""
    import importlib

    by_id = {e.test_id: e for e in lesson05.EXERCISES}
    tested = {(t, by_id[t].library[i]) for t, _, i in LIBRARY}
    assert tested == {(e.test_id, name) for e in lesson05.EXERCISES for name in e.library}
    for _, name in tested:
        module, attribute = name.rsplit(".", 1)
        try:
            owner = importlib.import_module(module)
        except ImportError:
            module, cls = module.rsplit(".", 1)
            owner = getattr(importlib.import_module(module), cls)  # a method, maybe inherited
        assert callable(getattr(owner, attribute)), name


def test_a_second_wrong_answer_shows_the_next_hint_never_the_code():
    wrong = FORWARD.replace("STEP", "X @ W + b")
    first = checked("05", "l05-forward-pass-test", wrong)
    second = checked("05", "l05-forward-pass-test", wrong)
    assert "Hint 1 of 2" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: A^[0] = X" in second
    assert "@" not in second and "append" not in second and "for W" not in second


def test_a_nan_only_from_zero_log_zero_is_right_and_any_other_nan_is_wrong():
    """0 log 0 counts as 0 (the one-hot formula); a nan of another cause is still wrong."""
    with np.errstate(all="ignore"):
        right_everywhere("05", "l05-cross-entropy-test", ONE_HOT)
        message = wrong_everywhere(
            "05", "l05-cross-entropy-test", "def my_cross_entropy(p, y):\n    return np.nan"
        )
    assert "expected 0.223144, got nan" in message


def test_the_references_are_dlcores_and_agree_with_the_lesson():
    assert lesson05.SOFTMAX.reference is dl.activations.softmax
    (layer_1, layer_2) = lesson05.forward_pass([[1.0, 0.5]], lesson05._WORKED)
    assert np.allclose(layer_1, [[1.0, 0.0]]) and np.allclose(layer_2, 1 / (1 + np.exp(-1.0)))
    assert np.isclose(lesson05.cross_entropy([[0.1, 0.8, 0.1]], [1]), -np.log(0.8))


def test_the_right_shape_is_what_dlcore_computes():
    net = dl.MLP([64, 32, 16, 10], output="softmax", seed=0)
    a2 = net[1].forward(net[0].forward(np.zeros((5, 64))))
    assert a2.shape == (5, 16) and net[1].W.shape == (32, 16)
    assert lesson05.LAYER_SHAPE.answer == "A"
