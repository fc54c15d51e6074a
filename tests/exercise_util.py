"""Answering an exercise as a learner would, through the check and through the grader.

``verdicts(lesson, test_id, answer)`` runs the answer's source (what a learner writes in
the solution cell) in a namespace holding the lessons' usual imports, then

- calls the lesson's check function (named in the test cell) on it: the check's message,
  or None when it passes;
- runs the grader's harvest cell on it in the same way and judges the results with the
  grader's judge: the grader's reason, or None when every case is right.

A test asserts that both say the same: ``right_everywhere`` and ``wrong_everywhere``.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import IPython.display
import nbformat
import numpy as np
import pytest

import dlcore as dl
from course.editions import is_solution_cell, is_test_cell, nbgrader_meta
from course.exercises import Exercise, builtin
from course.grading.execute import RESULTS_MIME
from course.grading.harvest import cell_source, read_outcomes
from course.grading.logic import judge

ROOT = Path(__file__).resolve().parents[1]
#: the names the lessons' solutions may use from their notebook's imports
HELPERS = {
    "np": np,
    "dl": dl,
    "relu": dl.activations.relu,
    "relu_derivative": dl.activations.relu_derivative,
    "sigmoid": dl.activations.sigmoid,
    "softmax": dl.activations.softmax,
}


def exercise_cells(lesson: str) -> dict[str, tuple[str, str]]:
    """test_id -> (the instructor's solution, the test cell's source), in notebook order."""
    from homework_util import unmarked

    (path,) = (ROOT / "notebooks").glob(f"{lesson}_*.ipynb")
    found, solution = {}, ""
    for cell in nbformat.read(path, as_version=4).cells:
        if is_solution_cell(cell):
            solution = unmarked(cell.source)
        elif is_test_cell(cell):
            found[nbgrader_meta(cell)["grade_id"]] = (solution, cell.source)
    return found


def _namespace(answer: str, helpers: dict | None) -> dict:
    namespace = {**HELPERS, **(helpers or {})}
    exec(answer, namespace)
    return namespace


def checked(lesson: str, test_id: str, answer: str, helpers: dict | None = None) -> str | None:
    """The check's message on ``answer`` (None: it passes), as the test cell calls it."""
    test_source = exercise_cells(lesson)[test_id][1]
    check_name, argument = re.search(r"(check_\w+)\((\w+)\)", test_source).groups()
    check = getattr(importlib.import_module(f"course.checks.lesson{lesson}"), check_name)
    namespace = _namespace(answer, helpers)
    try:
        check(namespace[argument])
    except AssertionError as exc:
        return str(exc)
    return None


def graded(
    test_id: str, answer: str, helpers: dict | None = None, exercise: Exercise | None = None
) -> tuple[float, str | None]:
    """The grader's share of the points and its reason on ``answer`` (its harvest cell run
    here, in the answer's namespace, and its JSON results judged); ``exercise`` in place
    of the course's exercise ``test_id``."""
    exercise = exercise or builtin()[test_id]
    namespace = _namespace(answer, helpers)
    name = next(n for n in exercise.names if n in namespace)
    shown: list[dict] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(IPython.display, "publish_display_data", shown.append)
        exec(cell_source(exercise, name, exercise.cases), namespace)
    (data,) = shown
    return judge(exercise, read_outcomes(data[RESULTS_MIME], len(exercise.cases)))


def right_everywhere(lesson: str, test_id: str, answer: str, helpers: dict | None = None) -> None:
    """Assert that the check passes ``answer`` and the grader gives it every point."""
    message = checked(lesson, test_id, answer, helpers)
    assert message is None, message
    share, reason = graded(test_id, answer, helpers)
    assert (share, reason) == (1.0, None), reason


def wrong_everywhere(lesson: str, test_id: str, answer: str, helpers: dict | None = None) -> str:
    """Assert that the check fails ``answer`` and the grader withholds points; the check's
    message (to assert on its hint)."""
    message = checked(lesson, test_id, answer, helpers)
    assert message is not None, "the check passed a wrong answer"
    share, reason = graded(test_id, answer, helpers)
    assert share < 1.0 and reason is not None, "the grader gave a wrong answer every point"
    return message
