"""The shape of every check: a short success line, or an AssertionError with a hint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def passed(message: str) -> None:
    """Print the one-line success message of a check."""
    print(f"\u2714 {message}")


def expect_close(got: Any, expected: Any, case: str, *, hint: str = "", atol: float = 1e-8) -> None:
    """Raise AssertionError naming ``case`` unless ``got`` is close to ``expected``."""
    try:
        ok = np.shape(got) == np.shape(expected) and np.allclose(got, expected, atol=atol)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        message = f"{case}: expected {expected!r}, got {got!r}"
        raise AssertionError(message + (f"\nHint: {hint}" if hint else ""))


def call(fn: Callable[..., Any], *args: Any, case: str) -> Any:
    """Call the learner's ``fn``; a stub or a crash becomes a clear AssertionError."""
    try:
        return fn(*args)
    except NotImplementedError as exc:
        raise AssertionError(f"{case}: the function is still a stub; write its body") from exc
    except Exception as exc:
        raise AssertionError(f"{case}: the function raised {type(exc).__name__}: {exc}") from exc


def as_float(value: object, case: str) -> float:
    """The learner's answer as a float, or an AssertionError naming the case."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"{case}: expected a number, got {value!r}") from exc
