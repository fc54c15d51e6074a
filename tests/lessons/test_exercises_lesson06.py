"""Lesson 06's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, graded, right_everywhere, wrong_everywhere

import dlcore as dl
from course.exercises import lesson06

FORWARD = "def forward_pass(X, W1, b1, W2, b2):\n    H = np.maximum(X @ W1 + b1, 0)\n    BODY"
LOSS = "def bce_loss(o, y):\n    return BODY"
STEP = (
    "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
    "    z = x @ W1 + b1\n"
    "    h = relu(z)\n"
    "    o = sigmoid(h @ W2 + b2)[0]\n"
    "    d_o = o - y\n"
    "    W2_new = W2 - lr * np.outer(h, d_o)\n"
    "    d_h = d_o * W2[:, 0] * (z > 0)\n"
    "    return W1 - lr * np.outer(x, d_h), b1 - lr * d_h, W2_new, b2 - lr * d_o"
)

RIGHT = {
    "l06-forward-pass-test": [
        FORWARD.replace("BODY", "return sigmoid(H @ W2 + b2)[:, 0]"),
        # a column (n, 1), the sigmoid written out
        FORWARD.replace("BODY", "return 1 / (1 + np.exp(-(H @ W2 + b2)))"),
        # row by row, with loops and lists
        "def forward_pass(X, W1, b1, W2, b2):\n"
        "    out = []\n"
        "    for x in X:\n"
        "        h = [max(0.0, sum(x[i] * W1[i, j] for i in range(len(x))) + b1[j])\n"
        "             for j in range(len(b1))]\n"
        "        z = sum(h[j] * W2[j, 0] for j in range(len(h))) + b2[0]\n"
        "        out.append(1 / (1 + np.exp(-z)))\n"
        "    return out",
        # dlcore's activation objects are fine: they are not the layer
        "def forward_pass(X, W1, b1, W2, b2):\n"
        "    H = dl.activations.get('relu').forward(X @ W1 + b1)\n"
        "    return np.ravel(softmax(np.c_[np.zeros(len(X)), H @ W2 + b2])[:, 1])",
    ],
    "l06-bce-loss-test": [
        "def bce_loss(o, y):\n"
        "    p_true = np.where(y == 1, o, 1 - o)\n"
        "    return -np.mean(np.log(p_true))",
        # 0 log 0 = 0 spelled out, a loop over the batch
        "def bce_loss(o, y):\n"
        "    total = 0.0\n"
        "    for oi, yi in zip(o, y):\n"
        "        total += -np.log(oi) if yi == 1 else -np.log(1 - oi)\n"
        "    return total / len(o)",
        # both logs computed, the unused one masked away (warnings, the right number)
        "def bce_loss(o, y):\n    return np.mean(np.where(y == 1, -np.log(o), -np.log(1 - o)))",
        # clipped, as libraries do
        "def bce_loss(o, y):\n"
        "    o = np.clip(o, 1e-12, 1 - 1e-12)\n"
        "    return -np.mean(y * np.log(o) + (1 - y) * np.log(1 - o))",
        # each term masked where its factor is 0
        "def bce_loss(o, y):\n"
        "    with np.errstate(divide='ignore', invalid='ignore'):\n"
        "        t = np.where(y > 0, y * np.log(o), 0)\n"
        "        t = t + np.where(y < 1, (1 - y) * np.log(1 - o), 0)\n"
        "    return float(-t.sum() / t.size)",
        # a one-element array
        LOSS.replace("BODY", "np.array([-np.mean(np.log(np.where(y == 1, o, 1 - o)))])"),
    ],
    "l06-zero-gradients-test": [
        "def my_prediction():\n    return 'B'",
        "my_prediction = ' b '",
        "def my_prediction():\n    return '(B) every parameter that touches H2'",
    ],
    "l06-gradient-step-test": [
        STEP,
        # in place on the arrays it was given, b2 as a number, lists out
        "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
        "    z = x @ W1 + b1\n"
        "    h = np.maximum(z, 0)\n"
        "    o = float(1 / (1 + np.exp(-(h @ W2[:, 0] + b2[0]))))\n"
        "    d_h = (o - y) * W2[:, 0] * (z > 0)\n"
        "    W2 -= lr * (o - y) * h[:, None]\n"
        "    W1 -= lr * np.outer(x, d_h)\n"
        "    b1 -= lr * d_h\n"
        "    return W1.tolist(), list(b1), W2, float(b2[0] - lr * (o - y))",
        # the gradients in a dict first, then one loop of updates
        "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
        "    z = x @ W1 + b1\n"
        "    h = relu(z)\n"
        "    d_o = sigmoid(h @ W2 + b2) - y\n"
        "    d_h = (W2 @ d_o) * relu_derivative(z)\n"
        "    grads = {'W1': np.outer(x, d_h), 'b1': d_h, 'W2': np.outer(h, d_o), 'b2': d_o}\n"
        "    params = {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}\n"
        "    return tuple(params[k] - lr * grads[k] for k in ('W1', 'b1', 'W2', 'b2'))",
    ],
}

WRONG = {
    "l06-forward-pass-test": [
        (FORWARD.replace("BODY", "return (H @ W2 + b2)[:, 0]"), "those are the output's sums"),
        (
            "def forward_pass(X, W1, b1, W2, b2):\n    return sigmoid((X @ W1 + b1) @ W2 + b2)",
            "the hidden layer applies the ReLU",
        ),
        (
            "def forward_pass(X, W1, b1, W2, b2):\n"
            "    return sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)",
            "the sigmoid belongs to the output neuron only",
        ),
        (
            "def forward_pass(X, W1, b1, W2, b2):\n"
            "    return sigmoid(np.maximum(X @ W1, 0) @ W2 + b2)",
            "add the hidden biases b1",
        ),
        (FORWARD.replace("BODY", "return sigmoid(H @ W2)"), "add the output bias b2"),
        (
            "def forward_pass(X, W1, b1, W2, b2):\n"
            "    return sigmoid(np.maximum(X @ W1.T + b1, 0) @ W2 + b2)",
            "use W1 as it is, not its transpose",
        ),
        (
            "def forward_pass(X, W1, b1, W2, b2):\n"
            "    H = np.maximum(X[0] @ W1 + b1, 0)\n"
            "    return sigmoid(H @ W2 + b2)",
            "each row goes through the network on its own",
        ),
    ],
    "l06-bce-loss-test": [
        # the lesson's line, averaged: 0 * log(0) is nan
        (
            LOSS.replace("BODY", "-np.mean(y * np.log(o) + (1 - y) * np.log(1 - o))"),
            "count it as 0",
        ),
        (LOSS.replace("BODY", "np.mean(y * np.log(o) + (1 - y) * np.log(1 - o))"), "minus sign"),
        (
            LOSS.replace("BODY", "-np.sum(np.log(np.where(y == 1, o, 1 - o)))"),
            "the loss of a batch is their mean",
        ),
        (LOSS.replace("BODY", "-np.mean(np.log(o))"), "with y = 0 an example's loss"),
        (
            LOSS.replace("BODY", "-np.mean(np.log(np.where(y == 1, 1 - o, o)))"),
            "the terms are swapped",
        ),
        (
            LOSS.replace("BODY", "-np.mean(np.log10(np.where(y == 1, o, 1 - o)))"),
            "use the natural logarithm",
        ),
        (LOSS.replace("BODY", "-np.log(o[0]) if y[0] == 1 else -np.log(1 - o[0])"), "mean"),
    ],
    "l06-zero-gradients-test": [
        ("my_prediction = 'A'", "H1 is active"),
        ("def my_prediction():\n    return 'C'", "can take part and still get gradient 0"),
        ("my_prediction = 'D'", "what is the ReLU's slope at z_H2 = -0.2"),
    ],
    "l06-gradient-step-test": [
        (
            STEP.replace("W1 - lr", "W1 + lr")
            .replace("b1 - lr", "b1 + lr")
            .replace("b2 - lr", "b2 + lr")
            .replace("W2 - lr", "W2 + lr"),
            "up the slope",
        ),
        (STEP.replace("d_o = o - y", "d_o = y - o"), "up the slope"),
        (STEP.replace("W2[:, 0] * (z > 0)", "W2_new[:, 0] * (z > 0)"), "used the updated W2"),
        (STEP.replace("W2[:, 0] * (z > 0)", "W2[:, 0]"), "passes no error back"),
        (
            STEP.replace("b1 - lr * d_h", "b1").replace("b2 - lr * d_o", "b2"),
            "the biases learn too",
        ),
        (
            STEP.replace("return W1", "return W1_grad, W1").replace(
                "    d_h", "    W1_grad = 0\n    d_h"
            ),
            "expected four things",
        ),
    ],
}

#: for each exercise, an answer that calls each withheld dlcore function
LIBRARY = {
    "l06-forward-pass-test": {
        "dlcore.Dense.forward": "def forward_pass(X, W1, b1, W2, b2):\n"
        "    h = dl.Dense(*W1.shape, activation='relu'); h.W[:], h.b[:] = W1, b1\n"
        "    o = dl.Dense(*W2.shape, activation='sigmoid'); o.W[:], o.b[:] = W2, b2\n"
        "    return o.forward(h.forward(X))[:, 0]",
        "dlcore.Sequential.forward": "def forward_pass(X, W1, b1, W2, b2):\n"
        "    m = dl.MLP([W1.shape[0], W1.shape[1], 1])\n"
        "    for layer, W, b in zip(m.layers, (W1, W2), (b1, b2)):\n"
        "        layer.W[:], layer.b[:] = W, b\n"
        "    return m.forward(X)[:, 0]",
        "dlcore.Sequential.predict": "def forward_pass(X, W1, b1, W2, b2):\n"
        "    m = dl.MLP([W1.shape[0], W1.shape[1], 1])\n"
        "    for layer, W, b in zip(m.layers, (W1, W2), (b1, b2)):\n"
        "        layer.W[:], layer.b[:] = W, b\n"
        "    return m.predict(X)[:, 0]",
    },
    "l06-bce-loss-test": {
        "dlcore.losses.BinaryCrossEntropy._forward": "def bce_loss(o, y):\n"
        "    return dl.losses.get('bce').forward(o[:, None], y[:, None])",
        "dlcore.losses.BinaryCrossEntropy._forward_logits": "def bce_loss(o, y):\n"
        "    with np.errstate(divide='ignore'):\n"
        "        z = np.log(o) - np.log(1 - o)\n"
        "    return dl.losses.get('bce').forward_logits(z[:, None], y[:, None])",
        "dlcore.losses.CrossEntropy._forward": "def bce_loss(o, y):\n"
        "    return dl.losses.get('cross_entropy').forward(np.c_[1 - o, o], y.astype(int))",
        "dlcore.losses.CrossEntropy._forward_logits": "def bce_loss(o, y):\n"
        "    with np.errstate(divide='ignore'):\n"
        "        z = np.c_[np.log(1 - o), np.log(o)]\n"
        "    return dl.losses.get('cross_entropy').forward_logits(z, y.astype(int))",
    },
    "l06-gradient-step-test": {
        "dlcore.Dense._gradients": "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
        "    h = dl.Dense(*W1.shape, activation='relu'); h.W[:], h.b[:] = W1, b1\n"
        "    a = h.forward(x[None, :])\n"
        "    d_o = sigmoid(a @ W2 + b2) - y\n"
        "    h._gradients(d_o @ W2.T)\n"
        "    return W1 - lr * h.dW, b1 - lr * h.db, W2 - lr * a.T @ d_o, b2 - lr * d_o[0]",
        "dlcore.Dense.backward": "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
        "    m = dl.MLP([W1.shape[0], W1.shape[1], 1])\n"
        "    for layer, W, b in zip(m.layers, (W1, W2), (b1, b2)):\n"
        "        layer.W[:], layer.b[:] = W, b\n"
        "    o = m.forward(x[None, :])\n"
        "    m.backward(dl.losses.get('bce').backward(o, [[y]]))\n"
        "    return tuple(v - lr * g for _, v, g in m.parameters())",
        "dlcore.SGD.update": "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
        "    z = x @ W1 + b1\n"
        "    h = relu(z)\n"
        "    d_o = sigmoid(h @ W2 + b2) - y\n"
        "    d_h = (W2 @ d_o) * relu_derivative(z)\n"
        "    params = [('W1', W1, np.outer(x, d_h)), ('b1', b1, d_h),\n"
        "              ('W2', W2, np.outer(h, d_o)), ('b2', b2, d_o)]\n"
        "    dl.SGD(lr=lr).step(params)\n"
        "    return W1, b1, W2, b2",
        "dlcore.numerical_gradient": "def gradient_step(x, y, W1, b1, W2, b2, lr):\n"
        "    def loss(_):\n"
        "        o = sigmoid(relu(x @ W1 + b1) @ W2 + b2)[0]\n"
        "        return -(y * np.log(o) + (1 - y) * np.log(1 - o))\n"
        "    grads = [dl.numerical_gradient(loss, p) for p in (W1, b1, W2, b2)]\n"
        "    return tuple(p - lr * g for p, g in zip((W1, b1, W2, b2), grads))",
    },
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("06"))


def test_every_withheld_function_has_an_answer_calling_it():
    assert {t: set(answers) for t, answers in LIBRARY.items()} == {
        e.test_id: set(e.library) for e in lesson06.EXERCISES if e.library
    }


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("06", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("06", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "name", "answer"),
    [(t, name, a) for t, answers in LIBRARY.items() for name, a in answers.items()],
)
def test_an_answer_calling_a_withheld_function_is_wrong_everywhere(test_id, name, answer):
    message = wrong_everywhere("06", test_id, answer)
    assert "is not available in this exercise" in message
    _, reason = graded(test_id, answer)
    assert f"{name} is not available" in reason  # the grader's reason is cut at 80 characters


def test_the_withheld_functions_work_again_after_the_check():
    checked(
        "06",
        "l06-bce-loss-test",
        LIBRARY["l06-bce-loss-test"]["dlcore.losses.BinaryCrossEntropy._forward"],
    )
    checked("06", "l06-gradient-step-test", LIBRARY["l06-gradient-step-test"]["dlcore.SGD.update"])
    model = dl.MLP([2, 2, 1], seed=0)
    assert model.backprop([[0.5, 0.8]], [[1.0]], loss="bce") > 0
    dl.SGD(lr=0.1).step(model.parameters())


def test_a_second_wrong_answer_shows_the_next_hint_never_the_code():
    wrong = "def gradient_step(x, y, W1, b1, W2, b2, lr):\n    return W1, b1, W2, b2"
    first = checked("06", "l06-gradient-step-test", wrong)
    second = checked("06", "l06-gradient-step-test", wrong)
    assert "Hint 1 of 2: compute every gradient first" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: δ_O = O - y" in second
    for code in ("np.", "outer(", "return", "relu_derivative("):
        assert code not in second


def test_the_copied_line_of_the_lesson_is_told_why_it_gives_nan():
    answer = LOSS.replace("BODY", "-np.mean(y * np.log(o) + (1 - y) * np.log(1 - o))")
    with np.errstate(divide="ignore", invalid="ignore"):
        message = wrong_everywhere("06", "l06-bce-loss-test", answer)
    assert "got nan" in message and "0 · ln 0" in message


def test_the_step_reference_agrees_with_a_numerical_gradient():
    """The reference's step is w - lr * the loss's true slope, not just dlcore's opinion
    (kept from the old test of the hidden weights' gradients)."""
    x = np.array(lesson06.X_EXAMPLE)
    W1, b1, W2, b2 = (np.array(a, dtype=float) for a in lesson06._NETWORK)
    for y in (0.0, 1.0):

        def loss(_, y=y):
            o = 1 / (1 + np.exp(-(np.maximum(x @ W1 + b1, 0) @ W2 + b2)))
            return float(-(y * np.log(o) + (1 - y) * np.log(1 - o))[0])

        stepped = lesson06.gradient_step(x, y, W1, b1, W2, b2, 0.5)
        for new, old in zip(stepped, (W1, b1, W2, b2), strict=True):
            assert np.allclose(new, old - 0.5 * dl.numerical_gradient(loss, old), atol=1e-8)
        numeric = dl.numerical_gradient(loss, W1)
        assert numeric[0, 1] == numeric[1, 1] == 0.0  # H2 is off, whatever the label


def test_the_step_reference_lowers_the_loss_for_either_label():
    x = np.array(lesson06.X_EXAMPLE)
    for y in (0.0, 1.0):
        before = lesson06.bce_loss(lesson06.forward_pass(x[None, :], *lesson06._NETWORK), [y])
        after_weights = lesson06.gradient_step(x, y, *lesson06._NETWORK, 0.5)
        after = lesson06.bce_loss(lesson06.forward_pass(x[None, :], *after_weights), [y])
        assert after < before


@pytest.mark.parametrize(
    "answer", [([[1, 2], [3, 4]], [0, 0], [[1], [2]], 0.5), (np.eye(2), np.zeros(2), [1, 2], [3])]
)
def test_step_parts_takes_every_spelling(answer):
    W1, b1, W2, b2 = lesson06.step_parts(answer)
    assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((2, 2), (2,), (2, 1), (1,))


@pytest.mark.parametrize(
    ("answer", "message"),
    [((1, 2, 3), "expected four things"), (([1, 2], [0, 0], [1, 2], [0]), "expected W1 of shape")],
)
def test_step_parts_says_what_does_not_fit(answer, message):
    with pytest.raises(ValueError, match=message):
        lesson06.step_parts(answer)


def _lesson_state() -> dict:
    """The names the lesson's test cells read, as the lesson defines them."""
    from exercise_util import HELPERS

    from course.checks import lesson06 as checks

    W1, b1, W2, b2 = (np.array(a, dtype=float) for a in lesson06._NETWORK)
    model = lesson06._network(W1, b1, W2, b2)
    x = np.array(lesson06.X_EXAMPLE)
    O = float(model.forward(x[None, :])[0, 0])  # noqa: E741 (the lesson's name)
    names = {"W_hidden": W1, "b_hidden": b1, "W_out": W2, "b_out": b2, "model": model, "x": x}
    names |= {"O": O, "y": 1.0, "ETA": 0.5, "L": -np.log(O), "bce": dl.losses.get("bce")}
    return {**HELPERS, **vars(checks), **names}


@pytest.mark.parametrize(
    ("test_id", "answer"),
    [(t, a) for t, As in RIGHT.items() for a in As if t != "l06-zero-gradients-test"],
)
def test_a_right_answer_runs_in_its_test_cell_hidden_tests_included(test_id, answer, capsys):
    """Whatever the check accepts also runs in the rest of its test cell (which uses the
    answer, converted by the lesson's helpers) and passes the instructor's hidden tests."""
    _, test_source = exercise_cells("06")[test_id]
    namespace = _lesson_state()
    with np.errstate(divide="ignore", invalid="ignore"):
        exec(answer, namespace)
        exec(test_source.replace("### BEGIN HIDDEN TESTS", "").replace("### END", "#"), namespace)
    assert capsys.readouterr().out.startswith("\u2714 ")
