"""Checks for lesson 02: why deep learning took off."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from course.checks._core import as_float, call, check_choice, expect_close, passed

__all__ = ["check_doubling_prediction", "check_gflops", "check_plateau_size"]


def check_gflops(fn: Callable[[int, float], float]) -> None:
    r"""Check ``gflops(n, seconds)``: :math:`2n^3 / \text{seconds} / 10^9`.

    Multiplying two :math:`n \times n` matrices takes :math:`n^3` multiplications and
    :math:`n^3` additions (to be exact :math:`n^2(n-1)`; the convention counts :math:`2n^3`).
    """
    cases = [(1000, 1.0), (100, 0.001), (512, 0.01), (2000, 4.0), (64, 2e-5)]
    for n, seconds in cases:
        case = f"gflops({n}, {seconds})"
        got = call(fn, n, seconds, case=case)
        expect_close(
            as_float(got, case),
            2 * n**3 / seconds / 1e9,
            case,
            hint="count 2 * n**3 floating-point operations (one multiply and one add per "
            "term), divide by the seconds, then by 1e9 for giga",
            atol=1e-9,
        )
    passed("gflops turns a matrix-multiply time into billions of operations per second")


#: the choices of the doubling prediction: the factor each one claims, and why it is wrong
DOUBLING_CHOICES: dict[str, tuple[float, str]] = {
    "A": (
        2,
        "2 times is how a job grows whose work is proportional to n, like adding two vectors "
        "of length n; a product has n * n entries, and each of them is a sum of n products",
    ),
    "B": (
        4,
        "4 times counts the entries of the result (n * n of them, so 4 times as many), but "
        "each entry is also a sum twice as long: count the multiply-adds per entry too",
    ),
    "C": (8, ""),
    "D": (
        16,
        "16 times would be work growing like n**4; count the entries of the result (n * n) "
        "and the multiply-adds that each entry needs (n): n**2 * n",
    ),
}


def _choice(answer: object) -> str | None:
    """The choice letter an answer names: "C", "c", "(c)", "C) 8 times", 8, 8.0, "8x"."""
    if isinstance(answer, str):
        text = answer.strip().lower().lstrip("(").strip()
        if text[:1] in ("a", "b", "c", "d") and (len(text) == 1 or not text[1].isalpha()):
            return text[0].upper()
        words = {"two": "2", "four": "4", "eight": "8", "sixteen": "16"}
        text = " ".join(words.get(word, word) for word in text.split())
        match = re.fullmatch(r"(\d+(?:\.\d*)?)\s*(?:x|times)?", text)
        answer = float(match.group(1)) if match else None
    if isinstance(answer, int | float | np.number) and not isinstance(answer, bool):
        for letter, (factor, _) in DOUBLING_CHOICES.items():
            if float(answer) == factor:
                return letter
    return None


def check_doubling_prediction(fn: Callable[[], object]) -> None:
    r"""Check ``predict_doubling()``: doubling :math:`n` multiplies the time by :math:`2^3 = 8`.

    The answer may be the letter (any case, ``"C"``, ``"(c)"``, ``"C) 8 times"``) or the
    factor itself (``8``, ``8.0``, ``"8x"``, ``"eight times"``); each wrong choice gets its
    own explanation.
    """
    check_choice(
        fn,
        case="predict_doubling()",
        answer="C",
        reasons={letter: f"{factor} times" for letter, (factor, _) in DOUBLING_CHOICES.items()},
        hint={letter: why for letter, (_, why) in DOUBLING_CHOICES.items()},
        success="8 times: n * n entries, each a sum of n products, so the work is 2 n**3",
        read=_choice,
    )


def _plateau(sizes: Sequence[float], accuracies: Sequence[float], tol: float) -> float:
    """Reference: the first size from which every accuracy stays within ``tol`` of the last."""
    final = accuracies[-1]
    start = len(accuracies) - 1
    while start > 0 and abs(accuracies[start - 1] - final) <= tol:
        start -= 1
    return sizes[start]


def check_plateau_size(fn: Callable[..., float]) -> None:
    r"""Check ``plateau_size(sizes, accuracies, tol)``: where a learning curve stops improving.

    It is the smallest :math:`n_i` such that :math:`|a_j - a_{last}| \le tol` for every
    :math:`j \ge i`: from there on, more data changes the accuracy by at most ``tol``.
    """
    cases = [
        ([10, 20, 40, 80], [0.50, 0.70, 0.80, 0.80], 0.01, "levels off at 40"),
        ([10, 20, 40, 80], [0.50, 0.60, 0.70, 0.80], 0.01, "still improving"),
        ([10, 20, 40], [0.90, 0.90, 0.90], 0.01, "flat from the start"),
        ([10, 20, 40, 80, 160], [0.50, 0.80, 0.60, 0.80, 0.80], 0.01, "dips, then recovers"),
        ([10, 20, 40, 80], [0.70, 0.76, 0.79, 0.80], 0.05, "a looser tolerance"),
        ([25, 50, 100, 200], [0.62, 0.81, 0.795, 0.80], 0.01, "noise inside the tolerance"),
    ]
    for sizes, accuracies, tol, what in cases:
        case = f"{what}: plateau_size({sizes}, {accuracies}, tol={tol})"
        got = call(fn, list(sizes), list(accuracies), tol, case=case)
        expect_close(
            as_float(got, case),
            _plateau(sizes, accuracies, tol),
            case,
            hint="return a training size, not an index; the curve must stay within tol of "
            "its LAST accuracy from that size to the end (a later dip restarts the search)",
        )
    passed("plateau_size finds where the learning curve stops gaining")
