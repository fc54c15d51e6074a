"""The shape of every check: a short success line, or a ``CheckFailed`` with a hint.

``CheckFailed`` is an AssertionError (graders and nbgrader count it as a failed test) that
IPython shows as its message alone: ``✘ what was wrong``, then the hint, with no traceback
through ``course.checks``. When the learner's own function crashed, the frames of their
code are shown under the message.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

import numpy as np

#: ANSI red and reset, which JupyterLab and nbconvert render in an error's lines
_RED, _RESET = "\x1b[31m", "\x1b[0m"
#: the folder of the checks, whose frames a learner never needs to read
_CHECKS_DIR = Path(__file__).resolve().parent


class CheckFailed(AssertionError):
    """A check's verdict on a wrong answer; IPython shows its message, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        """The lines IPython shows in place of the traceback: ✘ message, hint, your frames."""
        first, *rest = str(self).splitlines() or [""]
        lines = [f"{_RED}\u2718 {first}{_RESET}", *rest]
        cause = self.__cause__
        if cause is not None and not isinstance(cause, NotImplementedError):
            lines += _learner_traceback(cause)
        return lines


def _learner_traceback(exc: BaseException) -> list[str]:
    """The frames of ``exc`` outside ``course.checks`` (none: an empty list)."""
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if _CHECKS_DIR not in Path(frame.filename).resolve().parents
    ]
    if not frames:
        return []
    text = traceback.StackSummary.from_list(frames).format()
    text += traceback.format_exception_only(type(exc), exc)
    return ["", "Where your code raised it:", *"".join(text).rstrip("\n").splitlines()]


def passed(message: str) -> None:
    """Print the one-line success message of a check."""
    print(f"\u2714 {message}")


def expect_close(got: Any, expected: Any, case: str, *, hint: str = "", atol: float = 1e-8) -> None:
    """Raise CheckFailed naming ``case`` unless ``got`` is close to ``expected``."""
    try:
        ok = np.shape(got) == np.shape(expected) and np.allclose(got, expected, atol=atol)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        message = f"{case}: expected {expected!r}, got {got!r}"
        raise CheckFailed(message + (f"\nHint: {hint}" if hint else ""))


def call(fn: Callable[..., Any], *args: Any, case: str) -> Any:
    """Call the learner's ``fn``; a stub or a crash becomes a clear CheckFailed."""
    try:
        return fn(*args)
    except NotImplementedError as exc:
        raise CheckFailed(f"{case}: the function is still a stub; write its body") from exc
    except Exception as exc:
        raise CheckFailed(f"{case}: the function raised {type(exc).__name__}: {exc}") from exc


def as_float(value: object, case: str) -> float:
    """The learner's answer as a float, or a CheckFailed naming the case."""
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise CheckFailed(f"{case}: expected a number, got {value!r}") from exc


def choice_letter(answer: object, letters: Collection[str]) -> str | None:
    """The letter a multiple-choice answer names ("B", "b", " (b) ", "B) because ..."), or None."""
    if not isinstance(answer, str):
        return None
    text = answer.strip().lstrip("(").strip().upper()
    if text[:1] in letters and (len(text) == 1 or not text[1].isalpha()):
        return text[0]
    return None


def check_choice(
    prediction: object,
    *,
    case: str,
    answer: str,
    reasons: Mapping[str, str],
    hint: str | Mapping[str, str],
    success: str | None = None,
    read: Callable[[object], str | None] | None = None,
) -> None:
    """Judge a predict-then-run answer: a letter, or a function that returns one.

    ``reasons`` says, for every letter, what that choice means or why it is wrong; ``hint``
    (one text, or one per letter) points a wrong answer to the idea. ``read`` turns the
    learner's value into a letter (default: :func:`choice_letter`).
    """
    got = call(prediction, case=case) if callable(prediction) else prediction
    letter = (read or (lambda value: choice_letter(value, reasons)))(got)
    if letter is None:
        options = ", ".join(f"'{key}'" for key in reasons)
        raise CheckFailed(
            f"{case}: expected one of the letters {options}, got {got!r}\n"
            'Hint: answer with the letter of your choice, as a string, for example "A"'
        )
    if letter != answer:
        why = hint[letter] if isinstance(hint, Mapping) else hint
        raise CheckFailed(
            f"{case}: expected a different choice, got {letter}: {reasons[letter]}\nHint: {why}"
        )
    passed(success or f"{answer}: {reasons[answer]}")
