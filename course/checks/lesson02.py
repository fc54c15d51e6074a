"""Checks for lesson 02: why deep learning took off."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from course.checks._core import as_float, call, expect_close, passed

__all__ = ["check_gflops", "check_matmul_time_estimate", "check_plateau_size"]


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


def check_matmul_time_estimate(fn: Callable[[float, int, int], float]) -> None:
    r"""Check ``matmul_time_estimate(t_small, n_small, n_big)``: :math:`t (n_{big}/n_{small})^3`."""
    cases = [(0.01, 100, 200), (1.0, 1000, 500), (0.002, 256, 1024), (0.5, 300, 300), (3.0, 10, 30)]
    for t_small, n_small, n_big in cases:
        case = f"matmul_time_estimate({t_small}, {n_small}, {n_big})"
        got = call(fn, t_small, n_small, n_big, case=case)
        expect_close(
            as_float(got, case),
            t_small * (n_big / n_small) ** 3,
            case,
            hint="the work grows as n**3, so the time scales by (n_big / n_small) ** 3; "
            "doubling n costs 8 times as long",
            atol=1e-12,
        )
    passed("matmul_time_estimate scales a measured time by the cube of the size ratio")


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
