"""The shape of every check: a short success line, or a ``CheckFailed`` with a hint.

``CheckFailed`` is an AssertionError (graders and nbgrader count it as a failed test) that
IPython shows as its message alone: ``✘ what was wrong``, then the hint, with no traceback
through ``course.checks``. When the learner's own function crashed, the frames of their
code are shown under the message.
"""

from __future__ import annotations

import contextlib
import inspect
import traceback
from collections.abc import Callable, Mapping
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np

from course.exercises import Exercise, choice_letter
from course.exercises.calls import WITHHELD, called, plain, withheld

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


#: how many wrong answers each exercise has had in this kernel: one more step of its hints
#: is shown after each
_attempts: dict[str, int] = {}


def reset_hints() -> None:
    """Forget the wrong answers counted so far: each exercise's hints start again at step 1."""
    _attempts.clear()


def _steps(exercise: Exercise) -> list[str]:
    """The hints in steps earned so far: one more after each wrong answer."""
    _attempts[exercise.test_id] = _attempts.get(exercise.test_id, 0) + 1
    shown = exercise.hints[: _attempts[exercise.test_id]]
    lines = [f"Hint {n} of {len(exercise.hints)}: {hint}" for n, hint in enumerate(shown, 1)]
    if len(shown) < len(exercise.hints):
        lines.append("(another wrong answer shows the next hint)")
    return lines


def _failed(exercise: Exercise, first: str, diagnosis: str) -> CheckFailed:
    lines = [first, *([f"Hint: {diagnosis}"] if diagnosis else []), *_steps(exercise)]
    return CheckFailed("\n".join(lines))


def _label(exercise: Exercise, number: int) -> str:
    case = exercise.shown[number]
    if case.label:
        return case.label
    if exercise.driver is not None:
        return f"{exercise.names[0]}, case {number + 1}"
    names: list[str] = []
    if exercise.reference is not None:
        with contextlib.suppress(TypeError, ValueError):
            names = list(inspect.signature(exercise.reference).parameters)
    shown = [f"{n}={a!r}" if n else repr(a) for n, a in zip_longest(names, case.args, fillvalue="")]
    return f"{exercise.names[0]}({', '.join(shown[: len(case.args)])})"


def _answer_on(exercise: Exercise, fn: Callable[..., Any], args: tuple, case: str) -> Any:
    """The learner's plain result on one case, with the exercise's library withheld."""
    restore = withheld(exercise.library)
    try:
        return plain(called(fn, args, exercise.arrays, exercise.driver))
    except NotImplementedError as exc:
        raise CheckFailed(f"{case}: the function is still a stub; write its body") from exc
    except RuntimeError as exc:
        if WITHHELD not in str(exc):
            raise CheckFailed(f"{case}: the function raised RuntimeError: {exc}") from exc
        raise CheckFailed(
            f"{case}: {exc}\nThe library function computes the very thing this exercise "
            "asks for, so it is switched off while your answer is checked (and graded)."
        ) from None
    except TypeError as exc:
        if "cannot send" in str(exc) or "too large" in str(exc) or "too deeply" in str(exc):
            raise CheckFailed(f"{case}: expected numbers, a string or lists, but {exc}") from None
        raise CheckFailed(f"{case}: the function raised TypeError: {exc}") from exc
    except Exception as exc:
        raise CheckFailed(f"{case}: the function raised {type(exc).__name__}: {exc}") from exc
    finally:
        restore()


def check(exercise: Exercise, answer: Any) -> None:
    """Judge ``answer`` on ``exercise``'s public cases as the grader will; the first wrong
    case raises CheckFailed with its diagnosis and the hints earned so far."""
    if exercise.prediction:
        asked = f"{exercise.names[0]}()"
        value = call(answer, case=asked) if callable(answer) else answer
        letter = exercise.letter(value)
        if letter is None:
            options = ", ".join(f"'{key}'" for key in exercise.reasons)
            raise CheckFailed(
                f"{asked}: expected one of the letters {options}, got {value!r}\n"
                'Hint: answer with the letter of your choice, as a string, for example "A"'
            )
        if letter != exercise.answer:
            first = (
                f"{asked}: expected a different choice, got {letter}: {exercise.reasons[letter]}"
            )
            raise _failed(exercise, first, exercise.diagnosis((), value))
        _attempts.pop(exercise.test_id, None)
        passed(exercise.success or f"{letter}: {exercise.reasons[letter]}")
        return
    for number, case in enumerate(exercise.shown):
        label = _label(exercise, number)
        value = _answer_on(exercise, answer, case.args, label)
        wrong = exercise.verdict(case.args, value)
        if wrong is not None:
            diagnosis = exercise.diagnosis(case.args, value) or case.hint
            raise _failed(exercise, f"{label}: {wrong}", diagnosis)
    _attempts.pop(exercise.test_id, None)
    passed(exercise.success or f"{exercise.names[0]} is right on all {len(exercise.shown)} cases")
