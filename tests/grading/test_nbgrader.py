"""The lessons are nbgrader source notebooks: generate_assignment and autograde score them.

A course folder in a temporary directory holds the lessons as source/<assignment>/; a
student who answers as the instructor did gets full marks, one who hands in the stubs gets
zero. The fixture lesson's stub is autograded; a real lesson's is not run again here: its
release is the learner edition cell for cell, whose every test cell fails unanswered
(tests/lessons/test_notebooks.py runs it), and nbgrader scores a failing test cell zero.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from homework_util import FIXTURE_POINTS, ready_exercise_lessons, unmarked, write_lesson

from course.editions import (
    is_solution_cell,
    is_test_cell,
    learner_edition,
    nbgrader_meta,
    read_notebook,
)
from course.release import compute_checksum

pytestmark = pytest.mark.kernel  # nbgrader autogrades the lessons in kernels

ASSIGNMENT = "hw"


def _require_nbgrader() -> None:
    found = subprocess.run([sys.executable, "-m", "nbgrader", "--version"], capture_output=True)
    if found.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("required under CI=true: nbgrader is not installed")
        pytest.skip("nbgrader is not installed (pip install nbgrader)")


def _nbgrader(course: Path, *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        capture_output=True,
        text=True,
        timeout=600,
        # nbgrader runs ``alembic`` from PATH: this interpreter's scripts folder goes first
        env={
            **os.environ,
            "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
        },
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _answer(
    released: nbformat.NotebookNode, instructor: nbformat.NotebookNode
) -> nbformat.NotebookNode:
    """nbgrader's release with every solution cell holding the instructor's answer."""
    answers = {
        nbgrader_meta(c)["grade_id"]: unmarked(c.source)
        for c in instructor.cells
        if is_solution_cell(c)
    }
    submission = copy.deepcopy(released)
    for cell in submission.cells:
        if is_solution_cell(cell):
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return submission


def _autograde(
    tmp_path: Path, sources: list[Path], students: tuple[str, ...] = ("right", "stub")
) -> tuple[Path, dict[str, dict[str, dict[str, float]]]]:
    """Generate, submit (``students``: right, stub) and autograde ``sources`` as one
    assignment.

    Returns the course folder and the scores: notebook stem -> student -> grade_id -> score.
    """
    _require_nbgrader()
    from nbgrader.api import Gradebook

    course = tmp_path / "nbgrader-course"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    for source in sources:
        shutil.copy(source, course / "source" / ASSIGNMENT / source.name)
    db = tmp_path / "gradebook.db"
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        f"c.CourseDirectory.db_url = {('sqlite:///' + str(db))!r}\n"
        "c.ExecutePreprocessor.timeout = 120\n"
    )
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for source in sources:
        released = nbformat.read(course / "release" / ASSIGNMENT / source.name, as_version=4)
        instructor = nbformat.read(source, as_version=4)
        handed_in = {"right": _answer(released, instructor), "stub": released}
        for student in students:
            nb = handed_in[student]
            folder = course / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / source.name)
            (folder / "timestamp.txt").write_text("2026-01-01 12:00:00.000000 UTC")
    _nbgrader(course, "autograde", ASSIGNMENT, "--force")
    scores: dict[str, dict[str, dict[str, float]]] = {}
    with Gradebook(f"sqlite:///{db}") as gradebook:
        for source in sources:
            scores[source.stem] = {}
            for student in students:
                notebook = gradebook.find_submission_notebook(source.stem, ASSIGNMENT, student)
                scores[source.stem][student] = {g.name: g.score for g in notebook.grades}
    return course, scores


def test_nbgrader_autogrades_the_fixture_lesson(tmp_path):
    source = write_lesson(tmp_path / "lessons")
    course, by_notebook = _autograde(tmp_path, [source])
    scores = by_notebook[source.stem]
    assert scores["right"] == FIXTURE_POINTS
    assert scores["stub"] == dict.fromkeys(FIXTURE_POINTS, 0.0)
    released = nbformat.read(course / "release" / ASSIGNMENT / source.name, as_version=4)
    for cell in released.cells:
        if is_test_cell(cell):
            assert nbgrader_meta(cell)["checksum"] == compute_checksum(cell)


@pytest.fixture(scope="module")
def every_lesson_autograded(tmp_path_factory) -> tuple[Path, dict[str, dict[str, float]]]:
    """Every ready lesson as one nbgrader assignment, the instructor's answers autograded:
    the course folder and, by notebook stem, the scores by grade_id."""
    root = Path(__file__).resolve().parents[2]
    sources = [root / notebook for notebook in ready_exercise_lessons()]
    course, scores = _autograde(tmp_path_factory.mktemp("nbgrader"), sources, ("right",))
    return course, {stem: by_student["right"] for stem, by_student in scores.items()}


@pytest.mark.parametrize("notebook", ready_exercise_lessons())
def test_nbgrader_autogrades_each_ready_lesson(every_lesson_autograded, notebook):
    source = Path(__file__).resolve().parents[2] / notebook
    points = {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
        for c in nbformat.read(source, as_version=4).cells
        if is_test_cell(c)
    }
    assert every_lesson_autograded[1][source.stem] == points


@pytest.mark.parametrize("notebook", ready_exercise_lessons())
def test_nbgraders_release_of_each_lesson_is_its_learner_edition(every_lesson_autograded, notebook):
    """So its stub scores zero: the learner edition's test cells all fail unanswered."""
    source = Path(__file__).resolve().parents[2] / notebook
    course = every_lesson_autograded[0]
    released = nbformat.read(course / "release" / ASSIGNMENT / source.name, as_version=4)
    learner = learner_edition(read_notebook(source))
    assert [c.cell_type for c in released.cells] == [c.cell_type for c in learner.cells]
    graded = 0
    for ours, theirs in zip(learner.cells, released.cells, strict=True):
        if is_solution_cell(ours) or is_test_cell(ours):
            assert theirs.source == ours.source, nbgrader_meta(ours)["grade_id"]
            assert nbgrader_meta(theirs)["grade_id"] == nbgrader_meta(ours)["grade_id"]
            graded += is_test_cell(theirs)
    assert graded == len([c for c in learner.cells if is_test_cell(c)]) >= 2
