"""Checks for lesson 02, why deep learning took off: the doubling prediction, the power law
of the timings, the plateau of a learning curve."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson02
from course.exercises.lesson02 import FACTORS, factor_choice

__all__ = [
    "FACTORS",
    "check_doubling_prediction",
    "check_plateau_size",
    "check_power_law",
    "factor_choice",
]


def check_doubling_prediction(prediction: Any) -> None:
    r"""Check ``predict_doubling()``: doubling :math:`n` multiplies the time by :math:`2^3 = 8`.

    The answer may be the letter (any case, ``"C"``, ``"(c)"``, ``"C) 8 times"``) or the
    factor itself (``8``, ``8.0``, ``"8x"``, ``"eight times"``); each wrong choice gets its
    own explanation.
    """
    check(lesson02.DOUBLING, prediction)


def check_power_law(fn: Callable[..., Any]) -> None:
    r"""Check ``fit_power_law(sizes, seconds)`` returns ``(p, C)`` with
    :math:`t \approx C n^p`: the least-squares line :math:`\log t = p \log n + c` and
    :math:`C = e^c`.

    With :math:`u_i = \log n_i`, :math:`v_i = \log t_i`:
    :math:`p = \sum_i (u_i - \bar u)(v_i - \bar v) / \sum_i (u_i - \bar u)^2` and
    :math:`c = \bar v - p \bar u`. NumPy's, SciPy's and scikit-learn's fitting functions
    are not available while it runs.
    """
    check(lesson02.POWER_LAW, fn)


def check_plateau_size(fn: Callable[..., Any]) -> None:
    r"""Check ``plateau_size(sizes, accuracies, tol=0.01)``: where a learning curve stops
    improving.

    It is the smallest :math:`n_i` such that :math:`|a_j - a_{last}| \le tol` for every
    :math:`j \ge i`: from there on, more data changes the accuracy by at most ``tol``.
    """
    check(lesson02.PLATEAU, fn)
