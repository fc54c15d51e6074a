"""Checks for lesson 04: linear classifiers and their limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from course.checks._core import CheckFailed, as_float, call, check_choice, expect_close, passed

__all__ = ["check_best_line_prediction", "check_majority_baseline", "check_xor_weights"]

#: the four corners of XOR and their labels y = x1 XOR x2
XOR_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0.0, 1.0, 1.0, 0.0])


def _majority_accuracy(y: np.ndarray) -> float:
    """Reference: the share of the most frequent label."""
    _, counts = np.unique(y, return_counts=True)
    return float(counts.max() / counts.sum())


def check_majority_baseline(fn: Callable[[Any], float]) -> None:
    r"""Check ``majority_baseline(y)``: the accuracy of always answering the most frequent class.

    :math:`\text{baseline} = \max_c \frac{1}{n}\sum_i [y_i = c]`, a number between 0 and 1.
    """
    cases = [
        (np.array([0.0, 1.0, 0.0, 1.0]), "balanced labels [0, 1, 0, 1]"),
        (np.array([1, 1, 1, 0]), "mostly ones [1, 1, 1, 0]"),
        (np.array([0, 0, 0, 1, 0]), "mostly zeros [0, 0, 0, 1, 0]"),
        (np.array([1.0, 1.0, 1.0]), "a single class [1, 1, 1]"),
        (np.array([2, 0, 1, 2, 2, 1]), "three classes [2, 0, 1, 2, 2, 1]"),
    ]
    for y, what in cases:
        case = f"{what}: majority_baseline(y)"
        got = call(fn, y.copy(), case=case)
        expect_close(
            as_float(got, case),
            _majority_accuracy(y),
            case,
            hint="count how often each class occurs; a model that always answers the most "
            "frequent class is right exactly that often: divide that count by the number of "
            "labels (a share between 0 and 1, not a count and not a class)",
        )
    passed("majority_baseline is the share of the most frequent class")


#: why each answer to "the best accuracy of one straight line on the four XOR corners" is
#: right or wrong
BEST_LINE_CHOICES: dict[str, str] = {
    "A": "100 % would need a line with (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on "
    "the other; the segments joining each pair cross at (0.5, 0.5), so any line must cut one "
    "of them: no line separates XOR",
    "B": "a line can cut one corner off, say (1, 1), and put the other three on the other "
    "side: three of the four corners are right, and no line gets all four",
    "C": "50 % is what answering the same class everywhere gets (two corners of each class); "
    "a line can do better by cutting off a single corner",
    "D": "25 % is worse than answering one class everywhere; flip the line's sides (w, b -> "
    "-w, -b) and it gets 75 %",
}


def check_best_line_prediction(prediction: str | Callable[[], str]) -> None:
    """Check the prediction: the best accuracy one straight line reaches on the XOR corners.

    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one.
    """
    check_choice(
        prediction,
        case="the best straight line on the four XOR corners",
        answer="B",
        reasons=BEST_LINE_CHOICES,
        hint="draw the four corners and try a few lines by hand: how many corners can end up "
        "on the correct side at once? Then run the cell below, which tries many lines.",
    )


def _as_weights(answer: Any, case: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The learner's ``(W_hidden, b_hidden, w_out, b_out)`` as arrays of the right shapes."""
    if not isinstance(answer, Sequence | np.ndarray) or len(answer) != 4:
        raise CheckFailed(
            f"{case}: expected four things (W_hidden, b_hidden, w_out, b_out), got {answer!r}\n"
            "Hint: return W_hidden, b_hidden, w_out, b_out, in that order"
        )
    shapes = {"W_hidden": (2, 2), "b_hidden": (2,), "w_out": (2,), "b_out": (1,)}
    arrays = []
    for (name, shape), value in zip(shapes.items(), answer, strict=True):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError) as exc:
            raise CheckFailed(f"{case}: {name} must hold numbers; got {value!r}") from exc
        if array.size != int(np.prod(shape)):
            raise CheckFailed(
                f"{case}: expected {name} with {int(np.prod(shape))} numbers (shape {shape}), "
                f"got {value!r}\nHint: W_hidden has one column per hidden unit (2 inputs x 2 "
                "units), b_hidden one bias per hidden unit, w_out one weight per hidden unit, "
                "b_out one number"
            )
        arrays.append(array.reshape(shape))
    return arrays[0], arrays[1], arrays[2], float(arrays[3][0])


def xor_network_output(
    W_hidden: Any, b_hidden: Any, w_out: Any, b_out: float, X: np.ndarray = XOR_CORNERS
) -> tuple[np.ndarray, np.ndarray]:
    r"""Hidden activations and output of the step network on ``X``.

    :math:`\mathbf{h} = f(X W + \mathbf{b})`, :math:`\hat y = f(\mathbf{h}\cdot\mathbf{w} + b)`,
    with the step :math:`f(z) = [z \ge 0]`.
    """
    H = (
        np.asarray(X, float) @ np.asarray(W_hidden, float) + np.asarray(b_hidden, float) >= 0
    ) * 1.0
    return H, (H @ np.asarray(w_out, float).reshape(-1) + float(b_out) >= 0) * 1.0


def check_xor_weights(fn: Callable[[], Any]) -> None:
    r"""Check ``xor_weights()``: a step network with 2 hidden units that computes XOR.

    Every weight set is accepted whose outputs :math:`\hat y` on the four corners are
    :math:`x_1 \oplus x_2`: 0, 1, 1, 0.
    """
    case = "xor_weights()"
    W, b, w, c = _as_weights(call(fn, case=case), case)
    H, y_hat = xor_network_output(W, b, w, c)
    for x, h, out, y in zip(XOR_CORNERS, H, y_hat, XOR_LABELS, strict=True):
        corner = f"{case} at the corner x = ({x[0]:g}, {x[1]:g})"
        if out != y:
            raise CheckFailed(
                f"{corner}: expected y_hat = {y:g}, got {out:g} (hidden units h = "
                f"({h[0]:g}, {h[1]:g}))\nHint: give each hidden unit one line: one that puts "
                "(0, 0) alone on its 0 side, one that puts (1, 1) alone on its 1 side. Then "
                "the output unit should fire only for the hidden pattern of the corners "
                "(0, 1) and (1, 0). Work out z = w . x + b at each corner (z >= 0 fires)."
            )
    passed("your two hidden units and the output unit compute XOR on all four corners")
