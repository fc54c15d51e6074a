"""The exercise checks of lesson 04: every correct answer passes, wrong ones are explained."""

from __future__ import annotations

import numpy as np
import pytest

from course.checks.lesson04 import (
    check_best_line_prediction,
    check_majority_baseline,
    check_xor_weights,
    xor_network_output,
)

# --- correct answers -------------------------------------------------------------------------


def majority_baseline(y):
    _, counts = np.unique(y, return_counts=True)
    return counts.max() / len(y)


def best_line_prediction():
    return "B"


def xor_weights():
    """h1 = OR, h2 = AND, output = h1 and not h2."""
    return [[1, 1], [1, 1]], [-0.5, -1.5], [1, -1], -0.5


# --- wrong answers, each a typical mistake ---------------------------------------------------


def majority_class_not_share(y):
    return float(np.bincount(np.asarray(y, dtype=int)).argmax())


def best_line_is_perfect():
    return "A"


def or_network():
    """Both hidden units compute OR: (1, 1) comes out 1."""
    return [[1, 1], [1, 1]], [-0.5, -0.5], [1, 1], -0.5


CHECKS = [
    (check_majority_baseline, majority_baseline, majority_class_not_share, "balanced labels"),
    (check_best_line_prediction, best_line_prediction, best_line_is_perfect, "XOR corners"),
    (check_xor_weights, xor_weights, or_network, "corner x = (1, 1)"),
]


@pytest.mark.parametrize(
    "answer",
    [
        lambda y: max(np.mean(y == c) for c in set(y.tolist())),
        lambda y: float(np.max(np.bincount(np.asarray(y, int))) / np.size(y)),
        lambda y: [np.mean(y == c) for c in np.unique(y)][
            int(np.argmax(np.unique(y, return_counts=True)[1]))
        ],
    ],
)
def test_majority_baseline_accepts_every_correct_formula(answer, capsys):
    check_majority_baseline(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


def test_majority_baseline_rejects_a_count():
    with pytest.raises(AssertionError, match=r"(?s)expected 0.5, got 2.0.*Hint: count"):
        check_majority_baseline(lambda y: float(np.bincount(np.asarray(y, int)).max()))


@pytest.mark.parametrize("answer", ["B", "b", " B ", "B)", lambda: "b"])
def test_best_line_prediction_accepts_the_letter_in_any_spelling(answer, capsys):
    check_best_line_prediction(answer)
    assert capsys.readouterr().out.startswith("\u2714 B:")


@pytest.mark.parametrize(
    ("answer", "why"),
    [("A", "no line separates XOR"), ("C", "cutting off a single corner"), ("D", "-w, -b")],
)
def test_best_line_prediction_explains_why_each_wrong_choice_is_wrong(answer, why):
    with pytest.raises(AssertionError, match=why):
        check_best_line_prediction(answer)


@pytest.mark.parametrize("answer", ["E", "", 3, None])
def test_best_line_prediction_asks_for_a_letter(answer):
    with pytest.raises(AssertionError, match="expected one of the letters"):
        check_best_line_prediction(answer)


@pytest.mark.parametrize(
    "weights",
    [
        ([[1, 1], [1, 1]], [-0.5, -1.5], [1, -1], -0.5),  # OR and AND
        ([[1, -1], [1, -1]], [-0.5, 1.5], [1, 1], -1.5),  # OR and NAND
        ([[1, -1], [-1, 1]], [-0.5, -0.5], [1, 1], -0.5),  # x1 and not x2, x2 and not x1
        (np.array([[20.0, -20.0], [20.0, -20.0]]), np.array([-10, 30]), [[20], [20]], [-30]),
        ((np.ones((2, 2)) * [1, 1]).T, (-0.5, -1.5), np.array([2.0, -3.0]), np.float32(-1)),
    ],
    ids=["or-and", "or-nand", "two-corners", "column-and-big", "tuples-floats"],
)
def test_xor_weights_accepts_every_correct_weight_set(weights, capsys):
    check_xor_weights(lambda: weights)
    assert capsys.readouterr().out.startswith("\u2714 ")


def test_xor_weights_reports_the_hidden_pattern_of_the_wrong_corner():
    with pytest.raises(AssertionError, match=r"corner x = \(1, 1\).*h = \(1, 1\)"):
        check_xor_weights(or_network)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ((1, 2), "expected four things"),
        (([1, 1], [-0.5, -1.5], [1, -1], -0.5), "expected W_hidden with 4 numbers"),
        (([[1, 1], [1, 1]], [-0.5], [1, -1], -0.5), "expected b_hidden with 2 numbers"),
        (([[1, 1], [1, 1]], [-0.5, -1.5], ["a", "b"], -0.5), "w_out must hold numbers"),
    ],
)
def test_xor_weights_names_a_badly_shaped_answer(weights, message):
    with pytest.raises(AssertionError, match=message):
        check_xor_weights(lambda: weights)


def test_xor_network_output_uses_the_step_with_z_zero_firing():
    H, y_hat = xor_network_output(np.eye(2), [0.0, -1.0], [1.0, 1.0], -1.0, np.array([[0.0, 0.0]]))
    np.testing.assert_array_equal(H, [[1.0, 0.0]])  # z = 0 fires, z = -1 does not
    np.testing.assert_array_equal(y_hat, [1.0])
