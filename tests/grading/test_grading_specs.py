"""The grader's path through the exercise specs, for every lesson.

Each answer below goes through the whole path the grader takes, in this process: the
harvest cell runs in a namespace holding the answer, its JSON results are read back, and
the spec's judge decides. Every exercise of a lesson has a spec naming its solution, and
the instructor's solutions are right; each lesson's own right and wrong answers, through
the check and the grader alike, are in tests/lessons/test_exercises_lessonNN.py.
"""

from __future__ import annotations

from pathlib import Path

import IPython.display
import nbformat
import pytest
from exercise_util import HELPERS, ROOT
from homework_util import unmarked

from course.editions import is_solution_cell, is_test_cell, nbgrader_meta
from course.exercises import Case, Exercise, builtin, close
from course.grading.execute import RESULTS_MIME
from course.grading.harvest import cell_source, read_outcomes
from course.grading.logic import judge

LESSONS = [f"{n:02d}" for n in range(1, 13)]


def _notebook(lesson: str) -> nbformat.NotebookNode:
    (path,) = (ROOT / "notebooks").glob(f"{lesson}_*.ipynb")
    return nbformat.read(path, as_version=4)


def _exercises(lesson: str) -> dict[str, tuple[str, str]]:
    """test_id -> (the instructor's solution, the test cell's source), in notebook order."""
    found, solution = {}, ""
    for cell in _notebook(lesson).cells:
        if is_solution_cell(cell):
            solution = unmarked(cell.source)
        elif is_test_cell(cell):
            found[nbgrader_meta(cell)["grade_id"]] = (solution, cell.source)
    return found


def _harvested(exercise: Exercise, answer: str) -> list[dict] | str:
    """The outcomes the harvest cell displays, run here after ``answer``."""
    namespace = dict(HELPERS)
    exec(answer, namespace)
    shown = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(IPython.display, "publish_display_data", shown.append)
        exec(cell_source(exercise, exercise.names[0], exercise.cases), namespace)
    (data,) = shown
    return read_outcomes(data[RESULTS_MIME], len(exercise.cases))


def _verdict(exercise: Exercise, answer: str, tmp_path: Path) -> str | None:
    """The grader's verdict on ``answer``: its harvest cell run here, its results judged."""
    return judge(exercise, _harvested(exercise, answer))[1]


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_exercise_of_the_lesson_has_a_spec_for_its_solutions_name(lesson):
    specs = builtin()
    for test_id, (solution, _) in _exercises(lesson).items():
        assert test_id in specs, f"no grader-side spec for {test_id}"
        assert specs[test_id].name_in(solution) is not None, test_id


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_instructors_solutions_are_judged_right(lesson, tmp_path):
    earlier = []  # a solution may call an earlier one's function (lesson 11's nms, iou)
    for test_id, (solution, _) in _exercises(lesson).items():
        earlier.append(solution)
        assert _verdict(builtin()[test_id], "\n\n".join(earlier), tmp_path) is None, test_id


MAJORITY = """def majority_baseline(y):
    y = list(y)
    return max(y.count(c) for c in set(y)) / len(y)"""


def test_a_driver_runs_in_a_fresh_namespace_and_its_errors_are_the_learners(tmp_path):
    """A learner's ``np = None`` or ``float = ...`` cannot reach the driver; a raise in the
    learner's code is that case's outcome."""
    exercise = builtin()["l04-majority-baseline-test"]
    tampered = MAJORITY + "\nnp = None\nfloat = str\nnumpy = None\ndlcore = None"
    assert _verdict(exercise, tampered, tmp_path) is None
    crashing = "def majority_baseline(*args):\n    raise ValueError('no')"
    verdict = _verdict(exercise, crashing, tmp_path)
    assert verdict == "case 1: raised ValueError: no"


def test_close_refuses_an_unknown_fit():
    with pytest.raises(ValueError, match="fit must be one of exact, squeeze, flat, got 'loose'"):
        close(fit="loose")


def test_a_private_case_is_judged_but_never_shown(tmp_path):
    """A teacher's ``--hidden-tests`` case: a wrong answer on it loses the points, and the
    reason names no argument, result or error message of that case."""
    from dataclasses import replace

    from course.grading.logic import judge as judge_results

    public = builtin()["l09-largest-stable-lr-test"]
    spec = replace(public, cases=(*public.cases, Case((123.5,))), public=len(public.cases))
    leaky = "def largest_stable_lr(c):\n    if c == 123.5:\n        raise ValueError(f'got {c}')\n"
    leaky += "    return 2 / c"
    _, reason = judge_results(spec, _harvested(spec, leaky))
    assert reason is not None and "private case" in reason
    assert "123.5" not in reason and "ValueError" not in reason
