"""Lesson 08's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

import dlcore as dl
from course.exercises import lesson08
from course.exercises.calls import WITHHELD

NEURON = (
    "def neuron_gradients(x, w, b, y):\n"
    "    a = sigmoid(w * x + b)\n"
    "    d = 2 * (a - y) * a * (1 - a)\n"
    "    return d * x, d\n"
)

TWO_LAYER = (
    "def two_layer_backward(X, y, W1, b1, W2, b2):\n"
    "    H = sigmoid(X @ W1 + b1)\n"
    "    P = H @ W2 + b2\n"
    "    dP = 2 * (P - y) / len(X)\n"
    "    dW2, db2 = H.T @ dP, dP.sum(axis=0)\n"
    "    dH = dP @ W2.T\n"
    "    dZ1 = dH * H * (1 - H)\n"
    "    dW1, db1 = X.T @ dZ1, dZ1.sum(axis=0)\n"
    "    dX = dZ1 @ W1.T\n"
    "    return dW1, db1, dW2, db2, dX\n"
)

FORGETFUL = (
    "class ForgetfulDense(dl.Dense):\n"
    "    def backward(self, dA):\n"
    "        dZ = dA\n"
    "        self.dW[:] = self.X.T @ dZ\n"
    "        self.db[:] = dZ.sum(axis=0)\n"
    "        return dZ @ self.W.T\n"
)

RIGHT = {
    "l08-neuron-gradients-test": [
        NEURON,
        # numpy 0-d arrays in a list, dlcore's sigmoid slope
        "def neuron_gradients(x, w, b, y):\n"
        "    z = np.array(w * x + b)\n"
        "    a, slope = sigmoid(z), dl.activations.sigmoid_derivative(z)\n"
        "    return [2 * (a - y) * slope * x, 2 * (a - y) * slope]\n",
        # a column array; the chain written with exp
        "def neuron_gradients(x, w, b, y):\n"
        "    a = 1 / (1 + np.exp(-(w * x + b)))\n"
        "    d = 2 * (a - y) * a * (1 - a)\n"
        "    return np.array([[d * x], [d]])\n",
    ],
    "l08-saturation-prediction-test": [
        "my_prediction = 'B'",
        "def my_prediction():\n    return ' (b) '",
        "my_prediction = 'B) the sigmoid is flat'",
    ],
    "l08-two-layer-backward-test": [
        TWO_LAYER,
        # one example at a time, the contributions added; the biases as (1, k) and a number
        "def two_layer_backward(X, y, W1, b1, W2, b2):\n"
        "    dW1, db1, dW2, db2 = 0 * W1, np.zeros((1, len(b1))), 0 * W2, 0.0\n"
        "    dX = np.zeros_like(X)\n"
        "    for i in range(len(X)):\n"
        "        x = X[i]\n"
        "        h = 1 / (1 + np.exp(-(x @ W1 + b1)))\n"
        "        d = 2 * (h @ W2 + b2 - y[i]) / len(X)\n"
        "        dz = (W2 @ d) * h * (1 - h)\n"
        "        dW2 += np.outer(h, d)\n"
        "        db2 += d[0]\n"
        "        dW1 += np.outer(x, dz)\n"
        "        db1 += dz\n"
        "        dX[i] = W1 @ dz\n"
        "    return dW1, db1, dW2, db2, dX\n",
        # dlcore's activation slope, einsum, keepdims, lists
        "def two_layer_backward(X, y, W1, b1, W2, b2):\n"
        "    Z1 = X @ W1 + b1\n"
        "    H = sigmoid(Z1)\n"
        "    dP = 2.0 * (H @ W2 + b2 - y) / X.shape[0]\n"
        "    dZ1 = np.einsum('nk,hk->nh', dP, W2) * dl.activations.sigmoid_derivative(Z1)\n"
        "    return [np.einsum('ni,nh->ih', X, dZ1), dZ1.sum(axis=0, keepdims=True),\n"
        "            (H.T @ dP).tolist(), float(dP.sum()), (dZ1 @ W1.T).tolist()]\n",
    ],
    "l08-forgetful-dense-test": [
        FORGETFUL,
        # new arrays for dW and db, and the gradient step overridden
        "class ForgetfulDense(dl.Dense):\n"
        "    def _gradients(self, dA, logits=False):\n"
        "        self.dW, self.db = self.X.T @ dA, np.sum(dA, axis=0)\n"
        "        return dA\n",
    ],
}


def _two_layer(old: str, new: str) -> str:
    assert old in TWO_LAYER, old
    return TWO_LAYER.replace(old, new)


WRONG = {
    "l08-neuron-gradients-test": [
        (NEURON.replace(" * a * (1 - a)", ""), "multiply by its local derivative da/dz"),
        (NEURON.replace("d = 2 * (a - y)", "d = (a - y)"), "keep the factor 2"),
        (NEURON.replace("(a - y)", "(y - a)"), "(y - a) flips the sign"),
        (NEURON.replace(" * (1 - a)", ""), "not sigma(z)"),
        (NEURON.replace("return d * x, d", "return d, d * x"), "in this order"),
        (NEURON.replace("return d * x, d", "return d * x, d * x"), "no factor x"),
        (NEURON.replace("return d * x, d", "return d * x"), "return the pair (dL/dw, dL/db)"),
    ],
    "l08-saturation-prediction-test": [
        ("my_prediction = 'A'", "almost 2"),
        ("def my_prediction():\n    return 'C'", "linear in w"),
        ("my_prediction = 'D'", "one factor near 0"),
    ],
    "l08-two-layer-backward-test": [
        (_two_layer(" / len(X)", ""), "the loss is the mean over the n examples"),
        (_two_layer("2 * (P - y)", "(P - y)"), "keep the factor 2"),
        (_two_layer("(P - y)", "(y - P)"), "flips every sign"),
        (_two_layer("dH * H * (1 - H)", "dH"), "passes the sigmoid"),
        (
            _two_layer(
                "    H = sigmoid(X @ W1 + b1)\n", "    Z = X @ W1 + b1\n    H = sigmoid(Z)\n"
            ).replace("dH * H * (1 - H)", "dH * Z * (1 - Z)"),
            "the values after the sigmoid (H), not z",
        ),
        (_two_layer("dH * H * (1 - H)", "dH * H"), "= H(1 - H), not H"),
        (
            _two_layer("X.T @ dZ1", "np.outer(X[-1], dZ1[-1])")
            .replace("H.T @ dP", "np.outer(H[-1], dP[-1])")
            .replace("dZ1.sum(axis=0)", "dZ1[-1]")
            .replace("dP.sum(axis=0)", "dP[-1]"),
            "the last example's gradients only",
        ),
        (_two_layer("X.T @ dZ1", "dZ1.T @ X"), "dL/dW1: expected shape (2, 3), got (3, 2)"),
        (_two_layer("X.T @ dZ1", "dZ1.T @ X"), "one entry per weight of W1"),
        (_two_layer("H.T @ dP", "dP.T @ H"), "dL/dW2 has one row per hidden unit"),
        (
            _two_layer("dZ1.sum(axis=0)", "dZ1").replace("dP.sum(axis=0)", "dP"),
            "a bias is added to every example's sum",
        ),
        (_two_layer("dZ1.sum(axis=0)", "dZ1"), "dL/db1: expected shape (3,), got (4, 3)"),
        (_two_layer("dZ1 @ W1.T", "dZ1[:, -1:] @ W1[:, -1:].T"), "that is one path only"),
        (_two_layer("dZ1 @ W1.T", "dH @ W1.T"), "after the sigmoid's slope, not from dL/dH"),
        (_two_layer("return dW1, db1, dW2, db2, dX", "return dW1, db1, dW2, db2"), "five"),
    ],
    "l08-forgetful-dense-test": [
        ("class ForgetfulDense(dl.Dense):\n    pass", "this backward pass is still correct"),
        (
            "class ForgetfulDense(dl.Dense):\n    def backward(self, dA):\n"
            "        return dA @ self.W.T\n",
            "store the weights' gradient in self.dW",
        ),
        (
            FORGETFUL.replace("self.dW[:] = self.X.T @ dZ", "self.dW = dZ.T @ self.X"),
            "dW has the shape of W",
        ),
        (FORGETFUL.replace("return dZ @ self.W.T", "pass"), "return dL/dX"),
        (
            FORGETFUL + "\n    def forward(self, X, training=True):\n        return X @ self.W\n",
            "keep Dense's forward",
        ),
        (FORGETFUL.replace("self.db[:] = dZ.sum(axis=0)", "pass"), "self.db too"),
        ("ForgetfulDense = dl.Sequential", "expected a class that subclasses dl.Dense"),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("08"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("08", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("08", test_id, answer)


# --- the library that computes the answer in one call is withheld ---------------------------

_NEURON_BY = {
    "dlcore.Dense.backward": "neuron.backward(grad)",
    "dlcore.Dense._gradients": "neuron._gradients(grad)",
    "dlcore.Sequential.backward": "dl.Sequential([neuron]).backward(grad)",
}
_NET_BY = {
    "dlcore.Dense.backward": "dX = first.backward(second.backward(grad))",
    "dlcore.Dense._gradients": "dX = first._gradients(second._gradients(grad) @ W2.T) @ W1.T",
    "dlcore.Sequential.backward": "dX = net.backward(grad)",
}


def _neuron_calling(name: str) -> str:
    if name == "dlcore.numerical_gradient":
        return (
            "def neuron_gradients(x, w, b, y):\n"
            "    loss = lambda p: (sigmoid(p[0] * x + p[1]) - y) ** 2\n"
            "    return dl.numerical_gradient(loss, np.array([w, b], dtype=float))\n"
        )
    return (
        "def neuron_gradients(x, w, b, y):\n"
        "    neuron = dl.Dense(1, 1, activation='sigmoid')\n"
        "    neuron.W[:], neuron.b[:] = w, b\n"
        "    out = neuron.forward(np.array([[x]]))\n"
        "    grad = dl.losses.get('mse').backward(out, np.array([[y]]))\n"
        f"    {_NEURON_BY[name]}\n"
        "    return neuron.dW[0, 0], neuron.db[0]\n"
    )


def _net_calling(name: str) -> str:
    if name == "dlcore.numerical_gradient":
        return (
            "def two_layer_backward(X, y, W1, b1, W2, b2):\n"
            "    def loss(_):\n"
            "        return np.mean((sigmoid(X @ W1 + b1) @ W2 + b2 - y) ** 2)\n"
            "    return tuple(dl.numerical_gradient(loss, p) for p in (W1, b1, W2, b2, X))\n"
        )
    return (
        "def two_layer_backward(X, y, W1, b1, W2, b2):\n"
        "    first = dl.Dense(*W1.shape, activation='sigmoid')\n"
        "    second = dl.Dense(*W2.shape)\n"
        "    first.W[:], first.b[:], second.W[:], second.b[:] = W1, b1, W2, b2\n"
        "    net = dl.Sequential([first, second])\n"
        "    grad = dl.losses.get('mse').backward(net.forward(X), y)\n"
        f"    {_NET_BY[name]}\n"
        "    return first.dW, first.db, second.dW, second.db, dX\n"
    )


def test_both_exercises_withhold_every_backward_pass_of_dlcore():
    assert lesson08.NEURON_GRADIENTS.library == lesson08.BACKWARD_PASSES
    assert lesson08.TWO_LAYER.library == lesson08.BACKWARD_PASSES
    assert set(_NEURON_BY) | {"dlcore.numerical_gradient"} == set(lesson08.BACKWARD_PASSES)


@pytest.mark.parametrize("name", lesson08.BACKWARD_PASSES)
@pytest.mark.parametrize(
    ("test_id", "answer"),
    [("l08-neuron-gradients-test", _neuron_calling), ("l08-two-layer-backward-test", _net_calling)],
)
def test_an_answer_calling_the_library_is_wrong_everywhere(name, test_id, answer):
    message = wrong_everywhere("08", test_id, answer(name))
    assert f"{name} {WITHHELD}" in message


@pytest.mark.parametrize("name", lesson08.BACKWARD_PASSES)
def test_the_library_answers_are_right_once_it_is_back(name):
    """The answers above compute the right gradients when nothing is withheld, so what makes
    them wrong is the withheld call, not a slip in the test."""
    namespace = {"np": np, "dl": dl, "sigmoid": dl.activations.sigmoid}
    exec(_neuron_calling(name), namespace)
    exec(_net_calling(name), namespace)
    atol = 1e-6 if name == "dlcore.numerical_gradient" else 1e-12
    args = lesson08.NEURON_CASES[0]
    got = np.ravel(np.asarray(namespace["neuron_gradients"](*args), dtype=float))
    assert np.allclose(got, lesson08.neuron_gradients(*args), atol=atol)
    net = [np.array(a, dtype=float) for a in lesson08.TWO_LAYER.cases[0].args]
    expected = lesson08.two_layer_backward(*net)
    answer = namespace["two_layer_backward"](*[a.copy() for a in net])
    for mine, right in zip(answer, expected, strict=True):
        assert np.allclose(np.reshape(mine, np.shape(right)), right, atol=atol)


# --- the hints go in steps, and never give the code -----------------------------------------


def test_the_neuron_hints_name_the_idea_first_then_the_formula():
    wrong = "def neuron_gradients(x, w, b, y):\n    return 1.0, 2.0"
    first = checked("08", "l08-neuron-gradients-test", wrong)
    second = checked("08", "l08-neuron-gradients-test", wrong)
    assert "Hint 1 of 2: w reaches the loss through a chain" in first and "Hint 2" not in first
    assert "Hint 2 of 2: dL/dw = dL/da · da/dz · dz/dw" in second
    for factor in ("2 (a - y)", "2(a - y)", "a (1 - a)", "a(1 - a)", "(1 - sigma"):
        assert factor not in first.split("Hint 1 of 2:")[1]


def test_the_two_layer_hints_go_in_steps_never_the_code():
    wrong = "def two_layer_backward(X, y, W1, b1, W2, b2):\n    return W1, b1, W2, b2, X"
    first = checked("08", "l08-two-layer-backward-test", wrong)
    second = checked("08", "l08-two-layer-backward-test", wrong)
    assert "Hint 1 of 2: walk the network backwards" in first and "Hint 2" not in first
    assert "Hint 2 of 2: dL/dP = 2(P - y)/n" in second
    for code in (".T @", "sum(axis", "len(X)", "sigmoid(", "return"):
        assert code not in second


# --- what the exercises rest on -------------------------------------------------------------


def test_the_neuron_reference_is_the_slope_of_the_loss():
    """dlcore's gradients agree with central differences, not only with a formula."""
    for x, w, b, y in lesson08.NEURON_CASES:

        def loss(w_, b_, x=x, y=y):
            return (1 / (1 + np.exp(-(w_ * x + b_))) - y) ** 2

        eps = 1e-6
        numeric = [
            (loss(w + eps, b) - loss(w - eps, b)) / (2 * eps),
            (loss(w, b + eps) - loss(w, b - eps)) / (2 * eps),
        ]
        assert np.allclose(lesson08.neuron_gradients(x, w, b, y), numeric, atol=1e-9)


def test_the_saturated_neuron_has_the_flat_sigmoid_as_its_small_factor():
    """The numbers behind answer B: x = 2, w = 5, b = 0, y = 0."""
    a = 1 / (1 + np.exp(-10.0))
    assert 2 * (a - 0) > 1.99 and a * (1 - a) < 5e-5
    assert abs(lesson08.neuron_gradients(2.0, 5.0, 0.0, 0.0)[0]) < 2e-4
    assert lesson08.SATURATION.answer == "B"


def test_the_two_layer_reference_is_the_slope_of_the_loss():
    for case in lesson08.TWO_LAYER.cases:
        X, y, W1, b1, W2, b2 = (np.array(a, dtype=float) for a in case.args)

        def loss(_, X=X, y=y, W1=W1, b1=b1, W2=W2, b2=b2):
            return np.mean((dl.activations.sigmoid(X @ W1 + b1) @ W2 + b2 - y) ** 2)

        gradients = lesson08.two_layer_backward(X, y, W1, b1, W2, b2)
        for gradient, value in zip(gradients, (W1, b1, W2, b2, X), strict=True):
            assert np.allclose(gradient, dl.numerical_gradient(loss, value), atol=1e-8)


def test_the_two_neurons_of_the_lesson_sum_their_paths():
    """The lesson's two neurons (x = 2, w = 0.5 and -0.25, the prediction their average):
    dL/dx is path 1 + path 2 = -0.0097."""
    got = lesson08.two_layer_backward([[2.0]], [[0.8]], [[0.5, -0.25]], [0, 0], [[0.5], [0.5]], [0])
    assert np.isclose(got[4][0, 0], -0.0097, atol=5e-5)


def test_gradient_parts_takes_every_accepted_spelling_and_names_a_wrong_shape():
    W1, W2 = np.zeros((2, 3)), np.zeros((3, 1))
    parts = lesson08.gradient_parts(
        [W1.tolist(), [[1, 2, 3]], W2, 0.5, np.zeros((4, 2))], W1, W2, 4
    )
    assert [p.shape for p in parts] == [(2, 3), (3,), (3, 1), (1,), (4, 2)]
    with pytest.raises(ValueError, match=r"dL/dW1: expected shape \(2, 3\), got \(3, 2\)"):
        lesson08.gradient_parts([W1.T, np.zeros(3), W2, 0.0, np.zeros((4, 2))], W1, W2, 4)
    with pytest.raises(ValueError, match="expected five gradients"):
        lesson08.gradient_parts((W1, np.zeros(3)), W1, W2, 4)


def test_gradcheck_flags_the_forgetful_reference_and_passes_dense():
    X, y = np.random.default_rng(0).normal(size=(4, 3)), np.full((4, 2), 0.5)
    broken = dl.gradcheck(lesson08.ReferenceForgetful(3, 2, "sigmoid", seed=1), X, y, loss="mse")
    right = dl.gradcheck(dl.Dense(3, 2, activation="sigmoid", seed=1), X, y, loss="mse")
    assert min(broken.values()) > 0.1 and max(right.values()) < 1e-7


def test_a_stubbed_answer_is_told_it_is_a_stub():
    stub = "def two_layer_backward(X, y, W1, b1, W2, b2):\n    raise NotImplementedError()"
    assert "still a stub" in checked("08", "l08-two-layer-backward-test", stub)


def test_the_learners_unanswered_layer_is_told_it_is_a_stub():
    stub = (
        "class ForgetfulDense(dl.Dense):\n"
        "    def backward(self, dA):\n"
        "        raise NotImplementedError()\n"
    )
    assert "still a stub" in wrong_everywhere("08", "l08-forgetful-dense-test", stub)


@pytest.mark.parametrize("answer", ["ForgetfulDense = None", "ForgetfulDense = 'ForgetfulDense'"])
def test_anything_but_a_dense_subclass_is_refused(answer):
    message = wrong_everywhere("08", "l08-forgetful-dense-test", answer)
    assert "expected a class that subclasses dl.Dense" in message
