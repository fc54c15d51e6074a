"""Grader-side exercise specs: the learner's function, the cases, and the grader's judge.

An exercise with a spec is judged in the grader's own process. After the notebook has run,
the sandboxed kernel calls the learner's function (or reads the learner's value) on the
spec's cases and sends back only plain JSON results; the grader compares them with its own
reference. Nothing the notebook does to its kernel (rebinding ``check_*``, ``np`` or
``float``, input transformers, exception hooks) can turn a wrong result into points.

Adding a spec for a lesson's exercise: in ``course/grading/exercises/lessonNN.py`` list
``EXERCISES = [Exercise(test_id, name, cases, judge, ...)]``; ``test_id`` is the grade_id
of the exercise's test cell, ``name`` the function (or value) the solution cell defines,
``judge`` one of :func:`close`, :func:`one_of`, :func:`choice` or any function
``(args, outcome) -> None | str`` (None: right; a string: what was wrong). Every module of
this package named ``lessonNN`` is loaded. An exercise without a spec is scored by its test
cell alone (the kernel's execute_reply), which a hostile notebook can fake.

When the learner's answer takes or is an object JSON cannot carry (a model, a class, a
tuple or an integer array), a ``driver(target, *args)`` runs in the kernel: it builds the
objects from the JSON ``args``, calls the learner's ``target`` and returns plain numbers
(the weights after training, the gradients of a layer). The same driver called in the
grader's process with the grader's reference gives the expected result. A driver is a
module-level function without annotations whose imports are inside its body: its source
runs in a fresh namespace of the kernel. :func:`tagged_args` is the driver for arguments
that must reach the function as a tuple or as an array of their own dtype.
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from course import exercises as course_exercises
from course.errors import CourseError
from course.exercises import Case, choice_letter

#: the one reason given for any failure on a teacher's private case
PRIVATE_WRONG = "wrong on a private case (details withheld)"
#: an outcome the kernel sends back: {"value": plain JSON} or {"raised": name, "message": str}
Outcome = dict[str, Any]
#: a judge: None when the outcome is right for the arguments, else what was wrong
Judge = Callable[[tuple, Outcome], "str | None"]


@dataclass(frozen=True)
class Exercise:
    """How the grader judges one exercise.

    ``names`` are the learner's function or value, the first one the solution cell defines
    is used; ``cases`` the positional arguments of each call (JSON values; the positions in
    ``arrays`` reach the function as float NumPy arrays). A ``prediction`` is a value, or a
    function of no argument, judged once. A ``driver`` calls the function in the kernel
    (see the module's docstring).
    """

    test_id: str
    names: tuple[str, ...]
    cases: tuple[tuple[Any, ...], ...]
    judge: Judge
    arrays: tuple[int, ...] = ()
    prediction: bool = False
    driver: Callable[..., Any] | None = None
    #: how many of ``cases`` may be shown in a reason; the rest are the teacher's private
    #: cases (``--hidden-tests``), whose arguments, results and errors are never shown
    public: int | None = None

    def name_in(self, solution: str) -> str | None:
        """The first of ``names`` the solution cell's source defines, or None."""
        for name in self.names:
            pattern = rf"^\s*((def|class)\s+{name}\b|{name}\s*=)"
            if re.search(pattern, solution, flags=re.M):
                return name
        return None


def value_of(outcome: Outcome) -> tuple[Any, str | None]:
    """The returned value, or None and why there is none."""
    if "raised" in outcome:
        return None, f"raised {outcome['raised']}: {str(outcome.get('message', ''))[:80]}"
    if "value" not in outcome:
        return None, "sent no result"
    return outcome["value"], None


#: how a result's shape must match the reference's: exactly, up to axes of length 1, or
#: only in its number of entries
FITS = ("exact", "squeeze", "flat")


def _reshaped(array: np.ndarray, fit: str) -> np.ndarray:
    return {"exact": array, "squeeze": np.squeeze(array), "flat": array.reshape(-1)}[fit]


def _close(
    reference: Callable[..., Any],
    atol: float,
    rtol: float,
    fit: str,
    args: tuple,
    outcome: Outcome,
) -> str | None:
    value, why = value_of(outcome)
    if why:
        return why
    expected = _reshaped(np.asarray(reference(*args), dtype=float), fit)
    try:
        got = _reshaped(np.asarray(value, dtype=float), fit)
    except (TypeError, ValueError):
        return f"expected a number or array, got {str(value)[:60]}"
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got {got.shape}"
    if not np.allclose(got, expected, atol=atol, rtol=rtol):
        return f"expected {str(expected.tolist())[:60]}, got {str(value)[:60]}"
    return None


def close(
    reference: Callable[..., Any], atol: float = 1e-8, rtol: float = 1e-7, fit: str = "exact"
) -> Judge:
    """Right when the result has the shape of ``reference(*args)`` and is close to it.

    ``fit="squeeze"`` compares the shapes without their axes of length 1 (a number and
    ``[number]``, a row and a column, are the same answer); ``fit="flat"`` compares only
    the number of entries.
    """
    if fit not in FITS:
        raise ValueError(f"fit must be one of {', '.join(FITS)}, got {fit!r}")
    return functools.partial(_close, reference, atol, rtol, fit)


def tagged_args(target, *args):
    """Driver: call ``target`` with each ``{"array": data}`` argument as ``np.array(data)``
    (its dtype inferred: JSON integers stay integers) and each ``{"tuple": data}`` as a
    tuple; the result is returned as it is."""
    import numpy

    def decoded(arg):
        if isinstance(arg, dict) and set(arg) == {"array"}:
            return numpy.array(arg["array"])
        if isinstance(arg, dict) and set(arg) == {"tuple"}:
            return tuple(arg["tuple"])
        return arg

    return target(*[decoded(arg) for arg in args])


def _one_of(accepted: Callable[..., Sequence[str]], args: tuple, outcome: Outcome) -> str | None:
    value, why = value_of(outcome)
    if why:
        return why
    if not isinstance(value, str) or value.strip().upper() not in accepted(*args):
        return f"expected one of {sorted(accepted(*args))}, got {str(value)[:60]}"
    return None


def one_of(accepted: Callable[..., Sequence[str]]) -> Judge:
    """Right when the result, a string in any case, is in ``accepted(*args)`` (upper case)."""
    return functools.partial(_one_of, accepted)


def _choice(letter: Callable[[Any], str | None], right: str, args: tuple, outcome: Outcome):
    value, why = value_of(outcome)
    if why:
        return why
    if letter(value) != right:
        return f"not the right choice ({str(value)[:20]})"
    return None


def choice(letter: Callable[[Any], str | None], right: str) -> Judge:
    """Right when ``letter(answer)``, the choice the answer names, is ``right``."""
    return functools.partial(_choice, letter, right)


def letter_of(answer: Any) -> str | None:
    """The letter "A" to "D" a predict-then-run answer names, as the lessons' checks read it."""
    return choice_letter(answer, "ABCD")


def predicted(test_id: str, right: str, names: tuple[str, ...] = ("my_prediction",)) -> Exercise:
    """The spec of a predict-then-run exercise whose answer is the letter ``right``."""
    return Exercise(test_id, names, ((),), choice(letter_of, right), prediction=True)


def _raises(error: str, text: str, args: tuple, outcome: Outcome) -> str | None:
    if outcome.get("raised") != error:
        return f"expected {error}, got {str(outcome)[:60]}"
    if text not in str(outcome.get("message", "")):
        return f"expected the message of {error} to name {text!r}"
    return None


def raises(error: str, text: str) -> Judge:
    """Right when the call raised ``error`` (by class name) with ``text`` in its message."""
    return functools.partial(_raises, error, text)


def _per_case(judges: tuple[Judge, ...], fallback: Judge, args: tuple, outcome: Outcome):
    for test, judge in judges:
        if test(*args):
            return judge(args, outcome)
    return fallback(args, outcome)


def per_case(fallback: Judge, *judges: tuple[Callable[..., bool], Judge]) -> Judge:
    """The first judge whose test accepts the arguments, else ``fallback``."""
    return functools.partial(_per_case, judges, fallback)


@functools.cache
def builtin() -> dict[str, Exercise]:
    """Every spec of this package's ``lessonNN`` modules, by test-cell grade_id, and every
    exercise of :mod:`course.exercises` (which wins for the same grade_id)."""
    found: dict[str, Exercise] = {}
    for module in pkgutil.iter_modules(__path__):
        if re.fullmatch(r"lesson\d\d", module.name):
            for exercise in importlib.import_module(f"{__name__}.{module.name}").EXERCISES:
                found[exercise.test_id] = exercise
    return {**found, **course_exercises.builtin()}


def case_list(exercise: Exercise) -> list[Case]:
    """The exercise's cases as :class:`~course.exercises.Case` (a bare tuple is one point)."""
    return [case if isinstance(case, Case) else Case(tuple(case)) for case in exercise.cases]


#: the largest hidden-tests file read, in bytes
HIDDEN_TESTS_BYTES = 4 * 2**20


def with_hidden_tests(exercises: dict[str, Exercise], path: str | Path) -> dict[str, Exercise]:
    """``exercises`` with the extra cases of a teacher's JSON file merged in.

    The file maps a test cell's grade_id to a list of argument lists, for example
    ``{"l02-gflops-test": [[300, 0.25], [10, 1e-3]]}``; the grader's reference judges them.
    """
    from course.grading.files import read_regular

    path = Path(path)
    try:
        extra = json.loads(read_regular(path, HIDDEN_TESTS_BYTES))
    except (OSError, ValueError) as exc:
        raise CourseError(f"--hidden-tests {path}: not a readable JSON file ({exc})") from None
    if not isinstance(extra, dict):
        raise CourseError(f"--hidden-tests {path}: expected an object {{grade_id: [cases]}}")
    merged = dict(exercises)
    for test_id, cases in extra.items():
        if test_id not in merged:
            raise CourseError(
                f"--hidden-tests {path}: no grader-side spec for {test_id!r}; "
                f"known: {', '.join(sorted(merged)) or 'none'}"
            )
        if not isinstance(cases, list) or not all(isinstance(c, list) for c in cases):
            raise CourseError(
                f"--hidden-tests {path}: {test_id!r} must be a list of argument lists"
            )
        spec = merged[test_id]
        public = len(spec.cases) if spec.public is None else spec.public
        extra_cases = tuple(Case(tuple(c)) for c in cases)
        merged[test_id] = replace(spec, cases=(*case_list(spec), *extra_cases), public=public)
    return merged


#: the largest exercises file read, in bytes
EXERCISES_BYTES = 1 * 2**20


def from_file(path: str | Path) -> dict[str, Exercise]:
    """A teacher's own exercises: the ``EXERCISES`` list of a Python file, by test grade_id.

    The file is the teacher's (trusted: it runs in the grader's process, never in a
    sandbox) and has the form of ``course/exercises/lessonNN.py``.
    """
    import importlib.util
    import sys

    from course.exercises import Exercise as Spec
    from course.grading.files import read_regular

    path = Path(path)
    try:
        source = read_regular(path, EXERCISES_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"--exercises {path}: not a readable Python file ({exc})") from None
    name = f"course_teacher_exercises_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # drivers' source is read back through the module
    try:
        exec(compile(source, str(path), "exec"), module.__dict__)
    except SyntaxError as exc:
        raise CourseError(f"--exercises {path}, line {exc.lineno}: {exc.msg}") from None
    except Exception as exc:
        raise CourseError(
            f"--exercises {path} raised {type(exc).__name__} when run: {exc}"
        ) from None
    found = module.__dict__.get("EXERCISES")
    if not isinstance(found, (list, tuple)) or not found:
        raise CourseError(
            f"--exercises {path}: expected a non-empty list EXERCISES = [implement(...), ...]"
        )
    exercises: dict[str, Exercise] = {}
    for number, exercise in enumerate(found, 1):
        if not isinstance(exercise, Spec):
            raise CourseError(
                f"--exercises {path}: EXERCISES[{number - 1}] is a {type(exercise).__name__}, "
                "expected an exercise made by course.exercises.implement or predict"
            )
        if exercise.test_id in exercises:
            raise CourseError(f"--exercises {path}: {exercise.test_id!r} is defined twice")
        exercises[exercise.test_id] = exercise
    return exercises
