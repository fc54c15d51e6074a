"""The grader's side of the exercises: the course's specs, a teacher's private cases and
a teacher's own specs.

The specs themselves live in :mod:`course.exercises` (one home per exercise, shared with the
learner's instant checks). An exercise with a spec is judged in the grader's own process:
after the notebook has run, the sandboxed kernel calls the learner's function (or reads the
learner's value) on the spec's cases and sends back only plain JSON results, which the
grader compares with its own reference. Nothing the notebook does to its kernel (rebinding
``check_*``, ``np`` or ``float``, input transformers, exception hooks) can turn a wrong
result into points. An exercise without a spec is scored by its test cell alone (the
kernel's execute_reply), which a hostile notebook can fake.

This module adds what only the grader has: ``--hidden-tests`` (a teacher's private cases,
merged into the specs and never shown) and ``--exercises`` (a teacher's own specs, in the
form of ``course/exercises/lessonNN.py``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from course import exercises as course_exercises
from course.errors import CourseError
from course.exercises import Case, Exercise

#: the one reason given for any failure on a teacher's private case
PRIVATE_WRONG = "wrong on a private case (details withheld)"
#: an outcome the kernel sends back: {"value": plain JSON} or {"raised": name, "message": str}
Outcome = dict[str, Any]


def builtin() -> dict[str, Exercise]:
    """Every exercise of the course's lessons, by its test cell's grade_id."""
    return course_exercises.builtin()


def case_list(exercise: Exercise) -> list[Case]:
    """The exercise's cases (a teacher's private ones last)."""
    return list(exercise.cases)


#: the largest hidden-tests file read, in bytes
HIDDEN_TESTS_BYTES = 4 * 2**20


def with_hidden_tests(exercises: dict[str, Exercise], path: str | Path) -> dict[str, Exercise]:
    """``exercises`` with the extra cases of a teacher's JSON file merged in.

    The file maps a test cell's grade_id to a list of argument lists, for example
    ``{"l02-power-law-test": [[[300, 600, 1200], [0.01, 0.08, 0.7]]]}``; the grader's
    reference judges them.
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
    if spec is None:
        raise CourseError(f"--exercises {path}: not a Python file")
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
