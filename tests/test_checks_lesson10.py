"""The exercise checks of lesson 10: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import math

import numpy as np
import pytest

import dlcore as dl
from course.checks.lesson10 import (
    LARGEST_GRADIENT_CHOICES,
    chain_reference,
    check_first_weight_gradient,
    check_largest_gradient_prediction,
    check_smallest_depth,
)

# --- correct answers, in more than one spelling ----------------------------------------------


def smallest_depth(threshold, slope=0.25):
    n = 1
    while slope**n >= threshold:
        n += 1
    return n


def smallest_depth_by_logs(threshold, slope=0.25):
    return np.floor(np.log(threshold) / np.log(slope)) + 1  # a numpy float, not an int


def smallest_depth_by_ceil(threshold, slope=0.25):
    return math.ceil(math.log(threshold) / math.log(slope))


def first_weight_gradient(x, y, w, b):
    acts, a = [], x
    for wk, bk in zip(w, b, strict=True):
        a = 1 / (1 + np.exp(-(wk * a + bk)))
        acts.append(a)
    grad = 2 * (acts[-1] - y)
    for k in range(len(w) - 1, 0, -1):
        grad *= acts[k] * (1 - acts[k]) * w[k]
    return grad * acts[0] * (1 - acts[0]) * x


def first_weight_gradient_with_dlcore(x, y, w, b):
    model = dl.Sequential([dl.Dense(1, 1, activation="sigmoid") for _ in w])
    for layer, wk, bk in zip(model.layers, w, b, strict=True):
        layer.W[:], layer.b[:] = wk, bk
    mse = dl.losses.get("mse")
    model.backward(mse.backward(model.forward([[x]]), [[y]]))
    return model.layers[0].dW  # a (1, 1) array, not a float


def my_prediction():
    return "C"


# --- wrong answers, each a typical mistake ---------------------------------------------------


def smallest_depth_one_short(threshold, slope=0.25):
    return smallest_depth(threshold, slope) - 1


def smallest_depth_one_long(threshold, slope=0.25):
    return smallest_depth(threshold, slope) + 1


def gradient_without_weights(x, y, w, b):
    acts, a = [], x
    for wk, bk in zip(w, b, strict=True):
        a = 1 / (1 + np.exp(-(wk * a + bk)))
        acts.append(a)
    return 2 * (acts[-1] - y) * np.prod([s * (1 - s) for s in acts]) * x


def gradient_without_two(x, y, w, b):
    return first_weight_gradient(x, y, w, b) / 2


def gradient_without_x(x, y, w, b):
    return first_weight_gradient(x, y, w, b) / x


CHECKS = [
    (
        check_smallest_depth,
        smallest_depth,
        smallest_depth_one_short,
        "smallest_depth(threshold=1e-06, slope=0.25)",
    ),
    (
        check_first_weight_gradient,
        first_weight_gradient,
        gradient_without_weights,
        "first_weight_gradient(x=1.0, y=1.0, w=[0.5, 1.0, 1.5], b=[0.5, -0.5, -0.5])",
    ),
    (check_largest_gradient_prediction, my_prediction, lambda: "A", "my_prediction()"),
]


def test_the_reference_is_the_lessons_worked_example():
    assert math.isclose(chain_reference(1.0, 1.0, [0.5, 1.0, 1.5], [0.5, -0.5, -0.5]), -0.0147,
                        abs_tol=5e-5)  # fmt: skip


@pytest.mark.parametrize("answer", [smallest_depth_by_logs, smallest_depth_by_ceil])
def test_other_correct_depths_pass(answer, capsys):
    check_smallest_depth(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "got", "hint"),
    [(smallest_depth_one_short, 9, "not yet"), (smallest_depth_one_long, 11, "already below")],
)
def test_an_off_by_one_depth_gets_its_own_hint(wrong, got, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected 10, got {got}.*Hint: .*{hint}"):
        check_smallest_depth(wrong)


def test_a_depth_that_is_not_a_whole_number_fails():
    with pytest.raises(AssertionError, match="expected 10, got 9.9"):
        check_smallest_depth(lambda threshold, slope=0.25: 9.9)


def test_the_gradient_as_an_array_from_dlcore_passes(capsys):
    check_first_weight_gradient(first_weight_gradient_with_dlcore)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (gradient_without_weights, "also passes a weight"),
        (gradient_without_two, "factor 2 is missing"),
        (gradient_without_x, "the input that w_1 multiplies"),
        (lambda x, y, w, b: -first_weight_gradient(x, y, w, b), "sign is flipped"),
    ],
)
def test_each_gradient_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_first_weight_gradient(wrong)


@pytest.mark.parametrize("spelling", ["C", "c", " C ", "(c)", lambda: "C"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_largest_gradient_prediction(spelling)
    assert "BatchNorm" in capsys.readouterr().out


@pytest.mark.parametrize(("choice", "why"), [("A", "0.25"), ("B", "He's"), ("D", "weights")])
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in LARGEST_GRADIENT_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_largest_gradient_prediction(choice)
