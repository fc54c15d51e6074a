"""Reasons that say what happened, one test per kind, on a class graded once.

Every reason about an exercise starts with its grade_id; a cell is named by its exercise
or its heading, never by an internal id; counts have their plural.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
from homework_util import answered, stubbed, write_lesson

from course.exercises import implement
from course.grading.batch import grade
from course.grading.logic import load_lesson
from course.grading.reasons import error_text, plural

pytestmark = pytest.mark.kernel  # grades a class once per module

NOTEBOOK = "03_perceptron.ipynb"
TIMEOUT = 3
#: the grader-side spec of the fixture's first exercise; the second has none
WEIGHTED_SUM = implement(
    "weighted-sum-test",
    "weighted_sum",
    [([1, 2], [3, 4], 1), ([0, 0], [1, 1], -2)],
    lambda x, w, b: float(np.dot(x, w) + b),
)


@pytest.fixture(scope="module")
def reasons(tmp_path_factory):
    """Each student's reasons, by student, from one graded class."""
    tmp = tmp_path_factory.mktemp("reasons")
    source = write_lesson(tmp / "course")
    instructor = nbformat.read(source, as_version=4)
    edited = answered(instructor)
    edited.cells[2].source += "\nrng = None"  # a locked cell, under the lesson's title
    edited.cells[5].source = "pass"  # the test cell of weighted-sum-test
    class_ = {
        "untouched": stubbed(instructor),
        "syntax": answered(instructor, weighted_sum="def weighted_sum(x, w, b)\n    return 0"),
        "loop": answered(
            instructor, weighted_sum="def weighted_sum(x, w, b):\n    while True:\n        pass"
        ),
        "crash": answered(
            instructor, weighted_sum="def weighted_sum(x, w, b):\n    return 0.0\n1 / 0"
        ),
        "wrong-step": answered(instructor, step="def step(z):\n    return 0"),
        "edited": edited,
    }
    subs = tmp / "submitted"
    subs.mkdir()
    for student, nb in class_.items():
        nbformat.write(nb, subs / f"{student}.ipynb")
    results = grade(
        subs,
        source,
        tmp / "g.csv",
        jobs=2,
        cell_timeout=TIMEOUT,
        exercises={"weighted-sum-test": WEIGHTED_SUM},
        progress=False,
    )
    return {r.student: r.reasons for r in results} | {"source": source}


def test_an_untouched_exercise_reads_not_answered(reasons):
    assert reasons["untouched"] == [
        "weighted-sum-test: not answered (still the stub)",
        "step-test: not answered (still the stub)",
    ]


def test_a_syntax_error_names_its_line_and_what_it_caused(reasons):
    (first, *_) = reasons["syntax"]
    assert first == (
        "weighted-sum-test: SyntaxError on line 1: expected ':' in the answer cell, "
        "so weighted_sum is not defined"
    )


def test_an_endless_loop_reads_timed_out_in_the_exercise_and_in_the_cell_after_it(reasons):
    assert reasons["loop"] == [
        f"weighted-sum-test: timed out after {TIMEOUT} s on the grader's cases "
        "(weighted_sum did not return)",
        f'timed out after {TIMEOUT} s in cell 10, under "Exercise 2: the step function" '
        "(after exercise step-test)",
    ]


def test_an_error_in_the_answer_cell_is_named_beside_the_wrong_result(reasons):
    assert reasons["crash"] == [
        "weighted-sum-test failed the grader's check (case 1: expected 12.0, got 0.0; "
        "ZeroDivisionError: division by zero in the answer cell)"
    ]


def test_a_failed_test_cell_names_its_error(reasons):
    assert reasons["wrong-step"] == ["step-test: failed (AssertionError)"]


def test_edited_cells_are_named_by_exercise_or_heading(reasons):
    assert reasons["edited"] == [
        'the locked cell 3, under "Lesson 03: Homework fixture" was edited; '
        "the original was restored",
        "weighted-sum-test: the test cell was edited; the original was restored",
    ]


def test_no_reason_names_a_cell_by_its_internal_id(reasons):
    every = [r for student, rs in reasons.items() if student != "source" for r in rs]
    assert not [r for r in every if "cell-" in r]


def test_counts_have_their_plural(reasons):
    lesson = load_lesson(reasons["source"], exercises={"weighted-sum-test": WEIGHTED_SUM})
    assert lesson.modes()["weighted-sum-test"] == "judged by the grader (2 cases)"
    one = load_lesson(
        reasons["source"],
        exercises={
            "weighted-sum-test": implement(
                "weighted-sum-test", "weighted_sum", [([1], [1], 0)], lambda x, w, b: 1.0
            )
        },
    )
    assert one.modes()["weighted-sum-test"] == "judged by the grader (1 case)"
    assert (plural(0, "case"), plural(1, "case"), plural(2, "case")) == (
        "0 cases",
        "1 case",
        "2 cases",
    )


def test_error_text_drops_ipythons_file_name_and_keeps_the_line():
    assert error_text("SyntaxError", "invalid syntax (1785314869.py, line 4)") == (
        "SyntaxError on line 4: invalid syntax"
    )
    assert error_text("NotImplementedError", "") == "NotImplementedError"
    assert error_text("ValueError", "bad\nsecond line") == "ValueError: bad"
