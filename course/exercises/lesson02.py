"""Lesson 02, why deep learning took off: how the time of a product grows when n doubles,
the power law of the timings fitted by least squares on their logarithms, and where a
learning curve stops improving."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import numpy as np

from course.exercises import (
    LEAST_SQUARES,
    Case,
    Exercise,
    Mistake,
    close,
    implement,
    predict,
    tagged_args,
)

# --- Exercise 1: predict how much longer a product twice as big takes ------------------------

#: the factor each choice of the doubling prediction claims
FACTORS: dict[str, float] = {"A": 2, "B": 4, "C": 8, "D": 16}


def factor_choice(answer: object) -> str | None:
    """The choice letter an answer names: "C", "c", "(c)", "C) 8 times", 8, 8.0, "8x",
    "eight times"; None when it names none."""
    if isinstance(answer, str):
        text = answer.strip().lower().lstrip("(").strip()
        if text[:1] in ("a", "b", "c", "d") and (len(text) == 1 or not text[1].isalpha()):
            return text[0].upper()
        words = {"two": "2", "four": "4", "eight": "8", "sixteen": "16"}
        text = " ".join(words.get(word, word) for word in text.split())
        match = re.fullmatch(r"(\d+(?:\.\d*)?)\s*(?:x|times)?", text)
        answer = float(match.group(1)) if match else None
    if isinstance(answer, int | float | np.number) and not isinstance(answer, bool):
        for letter, factor in FACTORS.items():
            if float(answer) == factor:
                return letter
    return None


@dataclasses.dataclass(frozen=True)
class FactorPrediction(Exercise):
    """A predict-then-run question whose answer may be the letter or the factor it names."""

    def letter(self, value: Any) -> str | None:
        """The letter ``value`` names, as a letter or as its factor (8, "8x", "eight")."""
        return factor_choice(value)


_DOUBLING = predict(
    "l02-double-n-test",
    "C",
    {
        "A": "2 times is how a job grows whose work is proportional to n, like adding two "
        "vectors of length n; a product has n * n entries, and each of them is a sum of n "
        "products",
        "B": "4 times counts the entries of the result (n * n of them, so 4 times as many), "
        "but each entry is also a sum twice as long: count the multiply-adds per entry too",
        "C": "8 times: n * n entries, each a sum of n products, so the work is 2 n**3, and "
        "(2n)**3 = 8 n**3",
        "D": "16 times would be work growing like n**4; count the entries of the result "
        "(n * n) and the multiply-adds that each entry needs (n): n**2 * n",
    },
    (
        "count the work: how many entries does the product of two n x n matrices have, and "
        "how many multiply-adds does each entry need?",
        "work(n) = (number of entries) x (products per entry) = n**2 x n; compare work(2n) "
        "with work(n)",
    ),
    names=("predict_doubling",),
    mistakes=(
        Mistake(
            "A",
            "doubling n doubles the length of each sum, and also the number of rows "
            "and of columns of the result",
        ),  # fmt: skip
        Mistake("B", "the entries grow 4 times, and each entry's sum is twice as long"),
        Mistake(
            "D", "only three things double: the rows, the columns and the length of each sum"
        ),  # fmt: skip
    ),
    success="8 times: n * n entries, each a sum of n products, so the work is 2 n**3",
)
DOUBLING = FactorPrediction(
    **{f.name: getattr(_DOUBLING, f.name) for f in dataclasses.fields(_DOUBLING)}
)

# --- Exercise 2: the power law of the timings, by least squares on the logarithms ----------


def fit_power_law(sizes: Any, seconds: Any) -> tuple[float, float]:
    r"""Reference: :math:`(p, C)` of :math:`t \approx C n^p`, from the least-squares line
    :math:`\log t = p \log n + c` through the points :math:`(\log n_i, \log t_i)`, and
    :math:`C = e^c`."""
    u = np.log(np.asarray(sizes, dtype=float).reshape(-1))
    v = np.log(np.asarray(seconds, dtype=float).reshape(-1))
    p, c = np.polyfit(u, v, 1)
    return float(p), float(np.exp(c))


def _logs(sizes: Any, seconds: Any) -> tuple[np.ndarray, np.ndarray]:
    return np.log(np.asarray(sizes, dtype=float)), np.log(np.asarray(seconds, dtype=float))


def _two_points(sizes: Any, seconds: Any) -> tuple[float, None]:
    u, v = _logs(sizes, seconds)
    return float((v[-1] - v[0]) / (u[-1] - u[0])), None


def _no_logs(sizes: Any, seconds: Any) -> tuple[float, None]:
    n, t = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    return float(np.polyfit(n, t, 1)[0]), None


def _inverted(sizes: Any, seconds: Any) -> tuple[float, None]:
    u, v = _logs(sizes, seconds)
    return float(np.polyfit(v, u, 1)[0]), None


def _without_centring(sizes: Any, seconds: Any) -> tuple[float, None]:
    u, v = _logs(sizes, seconds)
    return float((u @ v) / (u @ u)), None


def _mean_of_steps(sizes: Any, seconds: Any) -> tuple[float, None]:
    u, v = _logs(sizes, seconds)
    return float(np.mean(np.diff(v) / np.diff(u))), None


def _log_of_times_only(sizes: Any, seconds: Any) -> tuple[float, None]:
    u, v = _logs(sizes, seconds)
    return float(np.polyfit(np.exp(u), v, 1)[0]), None


#: timings shaped like one core's: a fixed overhead per call at small n, n**3 beyond
_CORE_SIZES = [128, 181, 256, 362, 512, 724, 1024]
_CORE_SECONDS = [9.1e-05, 0.00021, 0.00055, 0.0016, 0.0045, 0.0131, 0.0362]


def _log_constant(sizes: Any, seconds: Any) -> tuple[float, float]:
    p, C = fit_power_law(sizes, seconds)
    return p, float(np.log(C))


def _base_ten_constant(sizes: Any, seconds: Any) -> tuple[float, float]:
    p, C = fit_power_law(sizes, seconds)
    return p, float(np.exp(np.log10(C)))


def _constant_of_the_mean_point(sizes: Any, seconds: Any) -> tuple[float, float]:
    p, _ = fit_power_law(sizes, seconds)
    n, t = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    return p, float(t.mean() / n.mean() ** p)


def _power_law(expected: Any, got: Any) -> str | None:
    """Right when ``got`` is two numbers, the exponent p and the constant C, each close to
    the expected one (a mistake's C of None: only p is compared)."""
    try:
        have = np.asarray(got, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return f"expected two numbers (p, C), got {str(got)[:60]}"
    if have.shape != (2,):
        return f"expected two numbers (p, C), got {str(got)[:60]}"
    p, C = expected
    if not np.isclose(have[0], p, rtol=1e-7, atol=1e-9):
        return f"the exponent p: expected {p:.6g}, got {have[0]:.6g}"
    if C is not None and not np.isclose(have[1], C, rtol=1e-6, atol=0.0):
        return f"the constant C: expected {C:.6g}, got {have[1]:.6g}"
    return None


def _timings(sizes: Any, seconds: Any, what: str, label: str) -> Case:
    return Case((sizes, seconds), what, label=f"fit_power_law({label})")


POWER_LAW = implement(
    "l02-power-law-test",
    "fit_power_law",
    (
        _timings(
            [10, 20, 40, 80, 320],
            [5.0, 4.0, 16.0, 64.0, 3000.0],
            "a bump at each end: least squares weighs every size, not just the first and last",
            "[10, 20, 40, 80, 320], [5, 4, 16, 64, 3000]",
        ),
        _timings(
            [100, 200, 400],
            [1.0, 8.0, 64.0],
            "an exact n**3 law: each doubling of n multiplies the time by 8",
            "[100, 200, 400], [1, 8, 64]",
        ),
        _timings(
            [2, 4], [3, 12], "two sizes: the slope of the one line through them", "[2, 4], [3, 12]"
        ),  # fmt: skip
        _timings(
            [1, 2, 3, 4],
            [2.0, 4.0, 6.0, 8.0],
            "a time proportional to n: the exponent is 1",
            "[1, 2, 3, 4], [2, 4, 6, 8]",
        ),
        Case(
            ({"tuple": _CORE_SIZES}, {"array": _CORE_SECONDS}),
            "timings like this lesson's: SIZES is a tuple, seconds an array",
            label=f"fit_power_law({tuple(_CORE_SIZES)}, np.array({_CORE_SECONDS}))",
        ),
        _timings(
            [64, 128, 256, 512],
            [0.02, 0.05, 0.3, 2.5],
            "times that grow faster than the count at large n (the caches run out)",
            "[64, 128, 256, 512], [0.02, 0.05, 0.3, 2.5]",
        ),
    ),
    fit_power_law,
    compare=_power_law,
    driver=tagged_args,
    hints=(
        "on log-log axes a power law t = C n**p is a straight line: log t = p log n + log C. "
        "Take the logarithms of both, then fit one line to all the points by least squares, "
        "as lesson 01's forecast did with months and sales; its slope is p, and its intercept "
        "is log C",
        "with u_i = log n_i and v_i = log t_i: p = sum_i (u_i - u_mean)(v_i - v_mean) / "
        "sum_i (u_i - u_mean)^2 and c = v_mean - p u_mean; then C = e^c (any base b of "
        "logarithm gives the same p, and C = b^c)",
    ),
    mistakes=(
        Mistake(
            _two_points,
            "that slope uses the first and the last size only: least squares "
            "fits one line to every size",
        ),  # fmt: skip
        Mistake(
            _mean_of_steps,
            "that is the mean of the slopes between neighbouring sizes "
            "(with sizes spaced evenly in log n, the first-to-last slope): fit one line to "
            "all the points",
        ),  # fmt: skip
        Mistake(
            _no_logs,
            "that line was fitted to the times themselves: take the logarithms "
            "of the sizes and of the times first",
        ),  # fmt: skip
        Mistake(
            _log_of_times_only,
            "only the times were put on a log scale: take the logarithm of the sizes too",
        ),  # fmt: skip
        Mistake(
            _inverted,
            "that is the slope of log n against log t, 1/p: the times are the v, the sizes the u",
        ),  # fmt: skip
        Mistake(
            _without_centring,
            "the slope divides sums of u v and u^2: subtract the "
            "means first, (u_i - u_mean) and (v_i - v_mean)",
        ),  # fmt: skip
        Mistake(
            _log_constant,
            "that C is the line's intercept c = log C: undo the logarithm, C = e^c",
        ),
        Mistake(
            _base_ten_constant,
            "the logarithms were in base 10 and the intercept was undone with e^c: undo it in "
            "the base you took, C = 10^c",
        ),
        Mistake(
            _constant_of_the_mean_point,
            "that C makes the power law pass through the mean time at the mean size; the "
            "least-squares line passes through the mean of the logarithms, c = v_mean - p u_mean",
        ),
    ),
    library=(
        *LEAST_SQUARES,
        "sklearn.linear_model.LinearRegression.fit",
    ),
    success="fit_power_law fits one line to the log-log plot by least squares: its slope p and "
    "its intercept, C = e^c",
)

# --- Exercise 3: where does a learning curve stop improving? ---------------------------------


def plateau_size(sizes: Any, accuracies: Any, tol: float = 0.01) -> float:
    r"""Reference: the first size :math:`n_i` with :math:`|a_j - a_{last}| \le tol` for
    every :math:`j \ge i`."""
    final = accuracies[-1]
    start = len(accuracies) - 1
    while start > 0 and abs(accuracies[start - 1] - final) <= tol:
        start -= 1
    return sizes[start]


def _first_within(sizes: Any, accuracies: Any, tol: float = 0.01) -> float:
    for size, accuracy in zip(sizes, accuracies, strict=True):
        if abs(accuracy - accuracies[-1]) <= tol:
            return size
    return sizes[-1]


def _index(sizes: Any, accuracies: Any, tol: float = 0.01) -> int:
    return list(sizes).index(plateau_size(sizes, accuracies, tol))


def _strict(sizes: Any, accuracies: Any, tol: float = 0.01) -> float:
    start = len(accuracies) - 1
    while start > 0 and abs(accuracies[start - 1] - accuracies[-1]) < tol:
        start -= 1
    return sizes[start]


def _from_the_best(sizes: Any, accuracies: Any, tol: float = 0.01) -> float:
    best = max(accuracies)
    start = len(accuracies) - 1
    while start > 0 and abs(accuracies[start - 1] - best) <= tol:
        start -= 1
    return sizes[start]


def _next_step_only(sizes: Any, accuracies: Any, tol: float = 0.01) -> float:
    for i in range(len(sizes) - 1):
        if abs(accuracies[i + 1] - accuracies[i]) <= tol:
            return sizes[i]
    return sizes[-1]


def _curve(sizes: list, accuracies: list, tol: float | None, what: str) -> Case:
    args = (sizes, accuracies) if tol is None else (sizes, accuracies, tol)
    shown = f"{sizes}, {accuracies}" + ("" if tol is None else f", tol={tol}")
    return Case(args, what, label=f"plateau_size({shown})")


PLATEAU = implement(
    "l02-plateau-size-test",
    "plateau_size",
    (
        _curve([10, 20, 40, 80], [0.50, 0.70, 0.80, 0.80], 0.01, "levels off at 40"),
        _curve(
            [10, 20, 40, 80],
            [0.50, 0.60, 0.70, 0.80],
            0.01,
            "still improving: only the last size is within tol of the last accuracy",
        ),  # fmt: skip
        _curve([10, 20, 40], [0.90, 0.90, 0.90], 0.01, "flat from the start"),
        _curve(
            [10, 20, 40, 80, 160],
            [0.50, 0.80, 0.60, 0.80, 0.80],
            0.01,
            "dips, then recovers: the dip at 40 restarts the search",
        ),  # fmt: skip
        _curve([10, 20, 40, 80], [0.70, 0.76, 0.79, 0.80], 0.05, "a looser tolerance"),
        _curve(
            [25, 50, 100, 200], [0.62, 0.78, 0.795, 0.80], 0.01, "noise inside the tolerance"
        ),  # fmt: skip
        _curve([10, 20, 40], [0.5, 0.75, 1.0], 0.25, "exactly tol away counts as within"),
        _curve(
            [10, 20, 40, 80],
            [0.6, 0.9, 0.85, 0.85],
            0.01,
            "the curve passed its final "
            "accuracy on the way: compare with the last accuracy, not the best",
        ),  # fmt: skip
        _curve([1, 2, 3], [0.1, 0.5, 0.505], None, "the default tol is 0.01"),
        _curve([10, 20], [0.3, 0.9], None, "two sizes: the last always qualifies"),
        _curve(
            [5, 6, 7, 8],
            [0.2, 0.4, 0.41, 0.5],
            1.0,
            "a tolerance so loose that the whole curve qualifies",
        ),  # fmt: skip
    ),
    plateau_size,
    compare=close(),
    hints=(
        "the plateau starts at the earliest size from which every later accuracy stays close "
        "to the final one; walking back from the last size, stop at the first accuracy that "
        "is too far away: a curve that came close and then dipped has not settled yet",
        "return n_i for the smallest i such that |a_j - a_last| <= tol for every j >= i (a "
        "size, not its position i; a_last itself always qualifies)",
    ),
    mistakes=(
        Mistake(
            _first_within,
            "that is the first size whose accuracy is within tol of the "
            "last; a later one may leave it again (a dip), so every later size must "
            "stay within tol",
        ),  # fmt: skip
        Mistake(_index, "that is the position of the size in the list: return the size itself"),
        Mistake(
            _strict,
            "an accuracy exactly tol away from the last counts as within: the "
            "condition is |a_j - a_last| <= tol",
        ),  # fmt: skip
        Mistake(
            _from_the_best,
            "that compares with the best accuracy; the plateau is judged "
            "against the final one, a_last",
        ),  # fmt: skip
        Mistake(
            _next_step_only,
            "that looks at one step of the curve at a time: compare "
            "every later accuracy with the final one",
        ),  # fmt: skip
    ),
    success="plateau_size finds where the learning curve stops gaining",
)

EXERCISES = [DOUBLING, POWER_LAW, PLATEAU]
