"""The exercise checks of lesson 06: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore as dl
from course.checks.lesson06 import (
    ZERO_GRADIENT_CHOICES,
    check_bce_loss,
    check_hidden_activations,
    check_hidden_weight_gradients,
    check_zero_gradient_prediction,
)

# --- correct answers, in more than one spelling ----------------------------------------------


def hidden_activations(x, W, b):
    return np.maximum(x @ W + b, 0.0)


def hidden_activations_as_a_list(x, W, b):
    return [max(0.0, sum(x[i] * W[i, j] for i in range(len(x))) + b[j]) for j in range(len(b))]


def hidden_activations_with_dlcore(x, W, b):
    return dl.activations.relu(np.atleast_2d(x) @ W + b)  # a row (1, n), not a vector


def bce_loss(o, y):
    return float(-(y * np.log(o) + (1 - y) * np.log(1 - o)))


def bce_loss_by_cases(o, y):
    return -np.log(o) if y == 1 else -np.log(1 - o)


def bce_loss_with_dlcore(o, y):
    return dl.losses.get("bce").forward(np.array([[o]]), np.array([[y]]))


def my_prediction():
    return "B"


def hidden_weight_gradients(x, y, W1, b1, W2, b2):
    z_h = x @ W1 + b1
    h = np.maximum(z_h, 0)
    o = 1 / (1 + np.exp(-(h @ W2 + b2)))
    delta_h = (o - y) * W2[:, 0] * (z_h > 0)
    return np.outer(x, delta_h)


def hidden_weight_gradients_by_loops(x, y, W1, b1, W2, b2):
    z_h = [sum(x[i] * W1[i, j] for i in range(len(x))) + b1[j] for j in range(len(b1))]
    h = [max(0.0, z) for z in z_h]
    o = 1 / (1 + np.exp(-(sum(h[j] * W2[j, 0] for j in range(len(h))) + b2[0])))
    return [
        [(o - y) * W2[j, 0] * (1.0 if z_h[j] > 0 else 0.0) * x[i] for j in range(len(h))]
        for i in range(len(x))
    ]


# --- wrong answers, each a typical mistake ---------------------------------------------------


def hidden_without_relu(x, W, b):
    return x @ W + b


def hidden_transposed(x, W, b):
    return np.maximum(W @ x + b, 0.0)


def hidden_without_bias(x, W, b):
    return np.maximum(x @ W, 0.0)


def bce_without_minus(o, y):
    return y * np.log(o) + (1 - y) * np.log(1 - o)


def bce_ignoring_the_label(o, y):
    return -np.log(o)


def bce_in_base_ten(o, y):
    return -(y * np.log10(o) + (1 - y) * np.log10(1 - o))


def gradients_without_relu_slope(x, y, W1, b1, W2, b2):
    h = np.maximum(x @ W1 + b1, 0)
    o = 1 / (1 + np.exp(-(h @ W2 + b2)))
    return np.outer(x, (o - y) * W2[:, 0])


def gradients_with_y_minus_o(x, y, W1, b1, W2, b2):
    return -hidden_weight_gradients(x, y, W1, b1, W2, b2)


def gradients_transposed(x, y, W1, b1, W2, b2):
    return hidden_weight_gradients(x, y, W1, b1, W2, b2).T


EXAMPLE_GRADIENT_CASE = "hidden_weight_gradients(x=[0.5, 0.8], y=1.0"

CHECKS = [
    (
        check_hidden_activations,
        hidden_activations,
        hidden_without_relu,
        "hidden_activations(x=[0.5, 0.8], W=[[0.4, -0.6], [0.3, 0.2]], b=[0.1, -0.06])",
    ),
    (check_bce_loss, bce_loss, bce_without_minus, "bce_loss(o=0.5444, y=1): expected 0.6081"),
    (check_zero_gradient_prediction, my_prediction, lambda: "D", "my_prediction()"),
    (
        check_hidden_weight_gradients,
        hidden_weight_gradients,
        gradients_without_relu_slope,
        EXAMPLE_GRADIENT_CASE,
    ),
]


@pytest.mark.parametrize(
    "answer", [hidden_activations_as_a_list, hidden_activations_with_dlcore], ids=["list", "row"]
)
def test_other_correct_spellings_of_the_hidden_layer_pass(answer, capsys):
    check_hidden_activations(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (hidden_without_relu, r"np\.maximum\(z, 0\)"),
        (hidden_transposed, r"that is x @ W"),
        (hidden_without_bias, "add the bias"),
    ],
)
def test_each_hidden_layer_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_hidden_activations(wrong)


@pytest.mark.parametrize("answer", [bce_loss_by_cases, bce_loss_with_dlcore])
def test_other_correct_spellings_of_the_loss_pass(answer, capsys):
    check_bce_loss(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "case", "hint"),
    [
        (bce_without_minus, "y=1", "the minus sign"),
        (bce_ignoring_the_label, "y=0", r"with y = 0 the loss is\s+-ln\(1 - O\)"),
        (bce_in_base_ten, "y=1", "natural"),
    ],
)
def test_each_loss_mistake_gets_its_own_hint(wrong, case, hint):
    with pytest.raises(AssertionError, match=rf"(?s){case}\).*Hint: .*{hint}"):
        check_bce_loss(wrong)


@pytest.mark.parametrize("spelling", ["B", "b", " B ", "B.", lambda: "b"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_zero_gradient_prediction(spelling)
    assert "H2 is off" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("choice", "why"), [("A", "H1 is active"), ("C", "can take part and still"), ("D", "ReLU'")]
)
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in ZERO_GRADIENT_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_zero_gradient_prediction(choice)


@pytest.mark.parametrize("answer", ["E", 2, None, ""])
def test_a_prediction_that_is_no_choice_lists_the_letters(answer):
    with pytest.raises(AssertionError, match="expected one of the letters 'A', 'B', 'C', 'D'"):
        check_zero_gradient_prediction(answer)


def test_gradients_written_with_loops_and_lists_pass(capsys):
    check_hidden_weight_gradients(hidden_weight_gradients_by_loops)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (gradients_without_relu_slope, r"ReLU'\(z_Hj\)"),
        (gradients_with_y_minus_o, "flips the sign"),
        (gradients_transposed, r"np\.outer\(x, delta_H\)"),
    ],
)
def test_each_gradient_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_hidden_weight_gradients(wrong)


def test_the_gradient_check_agrees_with_a_numerical_gradient():
    """The reference the check uses is the loss's true slope, not just dlcore's opinion."""
    x, y = np.array([0.5, 0.8]), 1.0
    W1, b1 = np.array([[0.4, -0.6], [0.3, 0.2]]), np.array([0.1, -0.06])
    W2, b2 = np.array([[0.7], [-0.5]]), np.array([-0.2])

    def loss(_):
        o = 1 / (1 + np.exp(-(np.maximum(x @ W1 + b1, 0) @ W2 + b2)))
        return float(-(y * np.log(o) + (1 - y) * np.log(1 - o))[0])

    numeric = dl.numerical_gradient(loss, W1)
    assert np.allclose(hidden_weight_gradients(x, y, W1, b1, W2, b2), numeric, atol=1e-8)
    assert numeric[0, 1] == 0.0 and numeric[0, 0] < 0  # H2 is off, H1 on
