"""Lesson 02's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

from course.exercises import lesson02

POWER_LAW = (
    "def fit_power_law(sizes, seconds):\n"
    "    u, v = np.log(np.asarray(sizes, dtype=float)), np.log(np.asarray(seconds, dtype=float))\n"
    "    p = SLOPE\n"
    "    return p, CONSTANT\n"
)
LEAST_SQUARES = "np.sum((u - u.mean()) * (v - v.mean())) / np.sum((u - u.mean()) ** 2)"


def power_law(slope=LEAST_SQUARES, constant="np.exp(v.mean() - p * u.mean())", log="np.log"):
    text = POWER_LAW.replace("SLOPE", slope).replace("CONSTANT", constant)
    return text.replace("np.log(np.asarray", f"{log}(np.asarray")


PLATEAU = (
    "def plateau_size(sizes, accuracies, tol=0.01):\n"
    "    start = len(accuracies) - 1\n"
    "    while start > 0 and abs(accuracies[start - 1] - accuracies[-1]) <= tol:\n"
    "        start -= 1\n"
    "    return sizes[start]\n"
)

RIGHT = {
    "l02-double-n-test": [
        "def predict_doubling():\n    return 'C'",
        "def predict_doubling():\n    return ' (c) '",
        "def predict_doubling():\n    return 'C) 8 times'",
        "def predict_doubling():\n    return 8",
        "def predict_doubling():\n    return 8.0",
        "def predict_doubling():\n    return np.int64(8)",
        "def predict_doubling():\n    return '8x'",
        "def predict_doubling():\n    return 'Eight times'",
        "predict_doubling = 'c'",
    ],
    "l02-power-law-test": [
        power_law(),
        # log base 10 and np.cov / np.var, C undone in base 10; an array of two numbers
        "def fit_power_law(sizes, seconds):\n"
        "    u, v = np.log10(sizes), np.log10(seconds)\n"
        "    p = np.cov(u, v, bias=True)[0, 1] / np.var(u)\n"
        "    return np.array([p, 10 ** (v.mean() - p * u.mean())])\n",
        # the normal equations with np.linalg.solve, log base 2, a list
        "def fit_power_law(sizes, seconds):\n"
        "    A = np.column_stack([np.log2(sizes), np.ones(len(sizes))])\n"
        "    p, c = np.linalg.solve(A.T @ A, A.T @ np.log2(seconds))\n"
        "    return [p, 2.0**c]\n",
        # plain Python with math.log, C as the geometric mean of t / n**p
        "import math\n"
        "def fit_power_law(sizes, seconds):\n"
        "    u = [math.log(n) for n in sizes]\n"
        "    v = [math.log(t) for t in seconds]\n"
        "    um, vm = sum(u) / len(u), sum(v) / len(v)\n"
        "    top = sum((a - um) * (b - vm) for a, b in zip(u, v))\n"
        "    p = top / sum((a - um) ** 2 for a in u)\n"
        "    ratios = [t / n**p for n, t in zip(sizes, seconds)]\n"
        "    return p, math.prod(ratios) ** (1 / len(ratios))\n",
    ],
    "l02-plateau-size-test": [
        PLATEAU,
        "def plateau_size(sizes, accuracies, tol=0.01):\n"
        "    for i in range(len(sizes)):\n"
        "        if all(abs(a - accuracies[-1]) <= tol for a in accuracies[i:]):\n"
        "            return sizes[i]\n",
        "def plateau_size(sizes, accuracies, tol=0.01):\n"
        "    far = np.abs(np.asarray(accuracies) - accuracies[-1]) > tol\n"
        "    i = 0 if not far.any() else np.flatnonzero(far)[-1] + 1\n"
        "    return np.asarray(sizes)[i]\n",
        "def plateau_size(sizes, accuracies, tol=0.01):\n"
        "    i = len(sizes) - 1\n"
        "    for j in reversed(range(len(sizes) - 1)):\n"
        "        if abs(accuracies[j] - accuracies[-1]) > tol:\n"
        "            break\n"
        "        i = j\n"
        "    return float(sizes[i])\n",
    ],
}

WRONG = {
    "l02-double-n-test": [
        ("def predict_doubling():\n    return 'A'", "proportional to n"),
        ("def predict_doubling():\n    return 2", "proportional to n"),
        ("def predict_doubling():\n    return 'b'", "each entry is also a sum twice as long"),
        ("def predict_doubling():\n    return '4x'", "each entry's sum is twice as long"),
        ("def predict_doubling():\n    return 'four times'", "a sum twice as long"),
        ("def predict_doubling():\n    return 'D'", "n**4"),
        ("def predict_doubling():\n    return 16.0", "only three things double"),
        ("def predict_doubling():\n    return 'cubic'", "expected one of the letters"),
        ("def predict_doubling():\n    return True", "expected one of the letters"),
        ("def predict_doubling():\n    return 3", "expected one of the letters"),
    ],
    "l02-power-law-test": [
        (
            power_law("np.log(seconds[-1] / seconds[0]) / np.log(sizes[-1] / sizes[0])"),
            "the first and the last size only",
        ),
        (power_law("np.mean(np.diff(v) / np.diff(u))"), "the mean of the slopes between"),
        (
            power_law("np.cov(sizes, seconds, bias=True)[0, 1] / np.var(sizes)"),
            "fitted to the times themselves",
        ),
        (
            power_law().replace("np.log(np.asarray(sizes", "(np.asarray(sizes"),
            "only the times were put on a log scale",
        ),
        (
            power_law("np.sum((v - v.mean()) * (u - u.mean())) / np.sum((v - v.mean()) ** 2)"),
            "that is the slope of log n against log t",
        ),
        (power_law("(u @ v) / (u @ u)"), "subtract the means first"),
        (power_law(constant="v.mean() - p * u.mean()"), "undo the logarithm, C = e^c"),
        (power_law(log="np.log10"), "undo it in the base you took, C = 10^c"),
        (
            power_law(constant="np.mean(seconds) / np.mean(sizes) ** p"),
            "passes through the mean of the logarithms",
        ),
        ("def fit_power_law(sizes, seconds):\n    return 3.0", "expected two numbers (p, C)"),
        (
            "def fit_power_law(sizes, seconds):\n"
            "    p, c = np.polyfit(np.log(sizes), np.log(seconds), 1)\n"
            "    return p, np.exp(c)",
            "numpy.polyfit is not available in this exercise",
        ),
        (
            "def fit_power_law(sizes, seconds):\n"
            "    A = np.column_stack([np.log(sizes), np.ones(len(sizes))])\n"
            "    p, c = np.linalg.lstsq(A, np.log(seconds), rcond=None)[0]\n"
            "    return p, np.exp(c)",
            "numpy.linalg.lstsq is not available in this exercise",
        ),
        (
            "def fit_power_law(sizes, seconds):\n"
            "    A = np.column_stack([np.log(sizes), np.ones(len(sizes))])\n"
            "    p, c = np.linalg.pinv(A) @ np.log(seconds)\n"
            "    return p, np.exp(c)",
            "numpy.linalg.pinv is not available in this exercise",
        ),
        (
            "def fit_power_law(sizes, seconds):\n"
            "    c, p = np.polynomial.polynomial.polyfit(np.log(sizes), np.log(seconds), 1)\n"
            "    return p, np.exp(c)",
            "numpy.polynomial.polynomial.polyfit is not available in this exercise",
        ),
        (
            "import scipy.stats\n"
            "def fit_power_law(sizes, seconds):\n"
            "    fit = scipy.stats.linregress(np.log(sizes), np.log(seconds))\n"
            "    return fit.slope, np.exp(fit.intercept)",
            "scipy.stats.linregress is not available in this exercise",
        ),
        (
            "from sklearn.linear_model import LinearRegression\n"
            "def fit_power_law(sizes, seconds):\n"
            "    u = np.log(np.asarray(sizes, dtype=float))[:, None]\n"
            "    fit = LinearRegression().fit(u, np.log(seconds))\n"
            "    return fit.coef_[0], np.exp(fit.intercept_)",
            "sklearn.linear_model.LinearRegression.fit is not available in this exercise",
        ),
    ],
    "l02-plateau-size-test": [
        (
            "def plateau_size(sizes, accuracies, tol=0.01):\n"
            "    for size, a in zip(sizes, accuracies):\n"
            "        if abs(a - accuracies[-1]) <= tol:\n"
            "            return size",
            "a later one may leave it again",
        ),
        (PLATEAU.replace("return sizes[start]", "return start"), "return the size itself"),
        (PLATEAU.replace("<= tol", "< tol"), "exactly tol away from the last counts as within"),
        (
            PLATEAU.replace("accuracies[-1]) <= tol", "max(accuracies)) <= tol"),
            "compares with the best accuracy",
        ),
        (
            "def plateau_size(sizes, accuracies, tol=0.01):\n"
            "    for i in range(len(sizes) - 1):\n"
            "        if abs(accuracies[i + 1] - accuracies[i]) <= tol:\n"
            "            return sizes[i]\n"
            "    return sizes[-1]",
            "looks at one step of the curve at a time",
        ),
        (PLATEAU.replace("tol=0.01", "tol=0.001"), "the default tol is 0.01"),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("02"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("02", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("02", test_id, answer)


def test_every_library_function_of_the_power_law_is_tested_as_withheld():
    named = {hint.split(" is not")[0] for _, hint in WRONG["l02-power-law-test"]}
    assert set(lesson02.POWER_LAW.library) <= named


@pytest.mark.parametrize(
    ("test_id", "wrong", "first", "second", "code"),
    [
        (
            "l02-power-law-test",
            "def fit_power_law(sizes, seconds):\n    return 3.0, 1.0",
            "on log-log axes a power law",
            "with u_i = log n_i and v_i = log t_i",
            ("np.", "log(", "return", "mean()"),
        ),
        (
            "l02-plateau-size-test",
            "def plateau_size(sizes, accuracies, tol=0.01):\n    return sizes[0]",
            "the plateau starts at the earliest size",
            "return n_i for the smallest i",
            ("while", "for i in", "range(", "abs(", "sizes[", "accuracies["),
        ),
        (
            "l02-double-n-test",
            "def predict_doubling():\n    return 'A'",
            "count the work",
            "work(n) = (number of entries)",
            ("return",),
        ),
    ],
)
def test_a_second_wrong_answer_shows_the_next_hint_never_the_code(
    test_id, wrong, first, second, code
):
    once = checked("02", test_id, wrong)
    twice = checked("02", test_id, wrong)
    assert f"Hint 1 of 2: {first}" in once and "Hint 2 of 2" not in once
    assert f"Hint 2 of 2: {second}" in twice
    hints = twice.split("Hint 1 of 2")[1]
    for piece in code:
        assert piece not in hints


def test_a_non_numeric_answer_and_a_crash_are_reported_as_such():
    wrong = "def fit_power_law(sizes, seconds):\n    return 'fast'"
    assert "expected two numbers (p, C), got fast" in wrong_everywhere(
        "02", "l02-power-law-test", wrong
    )
    crash = "def fit_power_law(sizes, seconds):\n    return 1 / 0"
    assert "raised ZeroDivisionError" in wrong_everywhere("02", "l02-power-law-test", crash)
