"""The exercise checks of lesson 08: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore as dl
from course.checks.lesson08 import (
    SATURATION_CHOICES,
    check_forgetful_dense,
    check_neuron_gradients,
    check_saturation_prediction,
)

# --- correct answers, in more than one spelling ----------------------------------------------


def neuron_gradients(x, w, b, y):
    a = 1 / (1 + np.exp(-(w * x + b)))
    delta = 2 * (a - y) * a * (1 - a)
    return delta * x, delta


def neuron_gradients_with_dlcore(x, w, b, y):
    neuron = dl.Dense(1, 1, activation="sigmoid")
    neuron.W[:], neuron.b[:] = w, b
    out = neuron.forward(np.array([[x]]))
    neuron.backward(dl.losses.get("mse").backward(out, np.array([[y]])))
    return np.array([neuron.dW[0, 0], neuron.db[0]])  # an array, not a tuple


def neuron_gradients_as_a_list(x, w, b, y):
    z = w * x + b
    a = dl.activations.sigmoid(np.array(z))
    slope = dl.activations.sigmoid_derivative(np.array(z))
    return [2 * (a - y) * slope * x, 2 * (a - y) * slope]  # numpy 0-d arrays in a list


def my_prediction():
    return "B"


class ForgetfulDense(dl.Dense):
    def backward(self, dA):
        dZ = dA  # the bug: no * f'(Z)
        self.dW[:] = self.X.T @ dZ
        self.db[:] = dZ.sum(axis=0)
        return dZ @ self.W.T


class ForgetfulDenseRebinding(dl.Dense):
    """The same bug, with new arrays for dW and db and the private hook overridden."""

    def _backward(self, dA):
        self.dW, self.db = self.X.T @ dA, np.sum(dA, axis=0)
        return dA @ self.W.T


# --- wrong answers, each a typical mistake ---------------------------------------------------


def gradients_without_sigmoid_slope(x, w, b, y):
    a = 1 / (1 + np.exp(-(w * x + b)))
    return 2 * (a - y) * x, 2 * (a - y)


def gradients_without_two(x, w, b, y):
    dw, db = neuron_gradients(x, w, b, y)
    return dw / 2, db / 2


def gradients_y_minus_a(x, w, b, y):
    dw, db = neuron_gradients(x, w, b, y)
    return -dw, -db


def gradients_swapped(x, w, b, y):
    dw, db = neuron_gradients(x, w, b, y)
    return db, dw


def gradients_bias_times_x(x, w, b, y):
    dw, _ = neuron_gradients(x, w, b, y)
    return dw, dw


def gradients_one_number(x, w, b, y):
    return neuron_gradients(x, w, b, y)[0]


class CorrectDense(dl.Dense):
    def backward(self, dA):
        s = 1 / (1 + np.exp(-self.Z))
        dZ = dA * s * (1 - s)
        self.dW[:] = self.X.T @ dZ
        self.db[:] = dZ.sum(axis=0)
        return dZ @ self.W.T


class ForgetfulWithoutStoring(dl.Dense):
    def backward(self, dA):
        return dA @ self.W.T


class ForgetfulTransposed(dl.Dense):
    def backward(self, dA):
        self.dW = dA.T @ self.X
        self.db[:] = dA.sum(axis=0)
        return dA @ self.W.T


class ForgetfulReturningNothing(dl.Dense):
    def backward(self, dA):
        self.dW[:] = self.X.T @ dA
        self.db[:] = dA.sum(axis=0)


class BrokenForward(ForgetfulDense):
    def forward(self, X, training=True):
        return X @ self.W + self.b


class StubDense(dl.Dense):
    def backward(self, dA):
        raise NotImplementedError()


EXAMPLE_CASE = "neuron_gradients(x=2.0, w=0.5, b=-0.5, y=0.8)"

CHECKS = [
    (check_neuron_gradients, neuron_gradients, gradients_without_sigmoid_slope, EXAMPLE_CASE),
    (check_saturation_prediction, my_prediction, lambda: "D", "my_prediction()"),
    (
        check_forgetful_dense,
        ForgetfulDense,
        CorrectDense,
        "ForgetfulDense(3, 2, activation='sigmoid').dW",
    ),
]


@pytest.mark.parametrize("answer", [neuron_gradients_with_dlcore, neuron_gradients_as_a_list])
def test_other_correct_spellings_of_the_gradients_pass(answer, capsys):
    check_neuron_gradients(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (gradients_without_sigmoid_slope, r"its local derivative\s+da/dz"),
        (gradients_without_two, "keep the factor 2"),
        (gradients_y_minus_a, "flips the sign"),
        (gradients_swapped, "in this order"),
        (gradients_bias_times_x, "no factor x"),
        (gradients_one_number, "return a pair"),
    ],
)
def test_each_gradient_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)x=2\.0.*expected.*got.*Hint: .*{hint}"):
        check_neuron_gradients(wrong)


def test_the_reference_gradient_is_the_slope_of_the_loss():
    """The check's formula agrees with central differences, not only with itself."""
    x, w, b, y = 2.0, 0.5, -0.5, 0.8

    def loss(w_, b_):
        return (1 / (1 + np.exp(-(w_ * x + b_))) - y) ** 2

    eps = 1e-6
    numeric = [
        (loss(w + eps, b) - loss(w - eps, b)) / (2 * eps),
        (loss(w, b + eps) - loss(w, b - eps)) / (2 * eps),
    ]
    assert np.allclose(neuron_gradients(x, w, b, y), numeric, atol=1e-9)


@pytest.mark.parametrize("spelling", ["B", "b", " (B) ", "B) the sigmoid", lambda: "b"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_saturation_prediction(spelling)
    assert "sigmoid is flat" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("choice", "why"), [("A", "almost 2"), ("C", "linear in w"), ("D", "one factor near 0")]
)
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in SATURATION_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_saturation_prediction(choice)


def test_the_saturated_neuron_has_the_flat_sigmoid_as_its_small_factor():
    """The numbers behind answer B: x = 2, w = 5, b = 0, y = 0."""
    a = 1 / (1 + np.exp(-10.0))
    assert 2 * (a - 0) > 1.99 and a * (1 - a) < 5e-5
    assert abs(neuron_gradients(2.0, 5.0, 0.0, 0.0)[0]) < 2e-4


def test_the_same_bug_written_another_way_passes(capsys):
    check_forgetful_dense(ForgetfulDenseRebinding)
    out = capsys.readouterr().out
    assert out.startswith("\u2714 ") and "gradcheck sees it" in out


@pytest.mark.parametrize(
    ("wrong", "case", "hint"),
    [
        (CorrectDense, r"\.dW", "still correct"),
        (ForgetfulWithoutStoring, r"\.dW", "store the weights' gradient"),
        (ForgetfulTransposed, r"\.dW", r"X\.T @ dZ"),
        (ForgetfulReturningNothing, r"backward\(dA\) returns", r"dZ @ W\.T"),
        (BrokenForward, r"forward\(X\)", "keep Dense's forward"),
    ],
)
def test_each_forgetful_dense_mistake_gets_its_own_hint(wrong, case, hint):
    with pytest.raises(AssertionError, match=rf"(?s){case}.*Hint: .*{hint}"):
        check_forgetful_dense(wrong)


@pytest.mark.parametrize("answer", [dl.Dense, None, "ForgetfulDense", dl.Sequential])
def test_anything_but_a_broken_dense_subclass_is_refused(answer):
    with pytest.raises(AssertionError):
        check_forgetful_dense(answer)


def test_a_stubbed_backward_is_told_so():
    with pytest.raises(AssertionError, match="still a stub"):
        check_forgetful_dense(StubDense)


def test_gradcheck_flags_the_forgetful_layer_and_passes_dense():
    X, y = np.random.default_rng(0).normal(size=(4, 3)), np.full((4, 2), 0.5)
    broken = dl.gradcheck(ForgetfulDense(3, 2, activation="sigmoid", seed=1), X, y, loss="mse")
    right = dl.gradcheck(dl.Dense(3, 2, activation="sigmoid", seed=1), X, y, loss="mse")
    assert min(broken.values()) > 0.1 and max(right.values()) < 1e-7
