"""The exercise checks of lesson 05: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore as dl
from course.checks.lesson05 import (
    SHAPE_CHOICES,
    check_cross_entropy,
    check_layer_shape_prediction,
    check_softmax,
)

# --- correct answers, in several spellings ---------------------------------------------------


def softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_with_dlcore(z):
    return dl.activations.get("softmax").forward(z).tolist()


def cross_entropy(probs, labels):
    return -np.mean(np.log(probs[np.arange(len(labels)), labels]))


def cross_entropy_loop(probs, labels):
    total = 0.0
    for row, label in zip(probs, labels, strict=True):
        total -= float(np.log(row[label]))
    return total / len(labels)


def cross_entropy_with_dlcore(probs, labels):
    return dl.losses.get("cross_entropy")(probs, labels)


def shape_prediction():
    return "A"


# --- wrong answers, each a typical mistake ---------------------------------------------------


def softmax_unstable(z):
    return np.exp(z) / np.sum(np.exp(z), axis=-1, keepdims=True)


def softmax_whole_array(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def softmax_without_exp(z):
    return z / np.sum(z)


def cross_entropy_summed(probs, labels):
    return -np.sum(np.log(probs[np.arange(len(labels)), labels]))


def cross_entropy_without_minus(probs, labels):
    return np.mean(np.log(probs[np.arange(len(labels)), labels]))


def shape_in_column_form():
    return "B"


CHECKS = [
    (check_softmax, softmax, softmax_without_exp, "softmax(z=[1.0, 2.0, 3.0])"),
    (
        check_cross_entropy,
        cross_entropy,
        cross_entropy_summed,
        "cross_entropy(probs=[[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]], labels=[0, 2])",
    ),
    (
        check_layer_shape_prediction,
        shape_prediction,
        shape_in_column_form,
        "shape of a2 for a batch of 5",
    ),
]


@pytest.mark.parametrize("answer", [softmax, softmax_with_dlcore])
def test_softmax_accepts_every_correct_spelling(answer, capsys):
    check_softmax(answer)
    assert capsys.readouterr().out.startswith("\u2714")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (softmax_unstable, "subtract the largest z_k first"),
        (softmax_whole_array, "over each row"),
        (softmax_without_exp, "exponentiate every z_k"),
    ],
)
def test_softmax_mistakes_get_their_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint), np.errstate(all="ignore"):
        check_softmax(answer)


@pytest.mark.parametrize("answer", [cross_entropy, cross_entropy_loop, cross_entropy_with_dlcore])
def test_cross_entropy_accepts_every_correct_spelling(answer, capsys):
    check_cross_entropy(answer)
    assert capsys.readouterr().out.startswith("\u2714")


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (cross_entropy_summed, "a mean, not a sum"),
        (cross_entropy_without_minus, "probability 0.8"),
        (lambda p, y: [0.2], "expected"),
    ],
)
def test_cross_entropy_mistakes_get_their_hint(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        check_cross_entropy(answer)


@pytest.mark.parametrize("answer", ["A", "a", " (A) ", shape_prediction])
def test_shape_prediction_accepts_the_letter_in_any_spelling(answer, capsys):
    check_layer_shape_prediction(answer)
    assert "rows" in capsys.readouterr().out


@pytest.mark.parametrize("letter", ["B", "C", "D"])
def test_shape_prediction_explains_why_each_wrong_choice_is_wrong(letter):
    with pytest.raises(AssertionError) as info:
        check_layer_shape_prediction(letter.lower())
    assert SHAPE_CHOICES[letter] in str(info.value) and "Hint:" in str(info.value)


@pytest.mark.parametrize("answer", ["(5, 16)", 1, "", None])
def test_shape_prediction_asks_for_a_letter(answer):
    with pytest.raises(AssertionError, match="expected one of the letters"):
        check_layer_shape_prediction(answer)


def test_the_right_shape_is_what_dlcore_computes():
    net = dl.MLP([64, 32, 16, 10], output="softmax", seed=0)
    a2 = net[1].forward(net[0].forward(np.zeros((5, 64))))
    assert a2.shape == (5, 16) and net[1].W.shape == (32, 16)
