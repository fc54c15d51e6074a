"""A teacher's own exercises: ``course grade --exercises FILE`` judges them in the grader.

The fixture lesson's one exercise, ``scale``, has no spec in the course: by default it is
scored by its test cell alone (``scale(2)`` and the hidden ``scale(-1)``), all or nothing,
in the student's kernel. The teacher's file below gives it a spec with four cases, each
worth its own points (``partial=True``), judged in the grader: an answer right on
``scale(2)`` alone earns a quarter, with a reason that names the cases it got wrong.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import numpy as np
import pytest

from course.cli import main
from course.errors import CourseError
from course.grading.exercises import from_file

OWN = '''
from course.exercises import Case, Mistake, implement


def scale(x):
    """Reference: 2 x (the fixture's SCALE)."""
    return 2 * x


EXERCISES = [
    implement(
        "scale-test",
        "scale",
        [Case((2,)), Case((-1,)), Case((0.5,)), Case((10,))],
        scale,
        partial=True,
        hints=("the lesson's SCALE multiplies x",),
        mistakes=(Mistake(lambda x: x + 2, "that adds SCALE; multiply instead"),),
    )
]
'''


def _submission(source: Path, body: str) -> nbformat.NotebookNode:
    nb = nbformat.read(source, as_version=4)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "scale":
            cell.source = f"def scale(x):\n    {body}"
    return nb


@pytest.fixture
def own_class(tmp_path, make_notebook, python3_kernel):
    source = make_notebook("teacher/lesson.ipynb")
    subs = tmp_path / "subs"
    subs.mkdir()
    answers = {"right": "return SCALE * x", "adds": "return x + SCALE", "none": "return 4"}
    for student, body in answers.items():
        nbformat.write(_submission(source, body), subs / f"{student}.ipynb")
    own = tmp_path / "private" / "exercises.py"
    own.parent.mkdir()
    own.write_text(OWN)
    return source, subs, own


def test_the_teachers_exercises_are_judged_by_the_grader_with_partial_credit(
    own_class, tmp_path, capsys
):
    source, subs, own = own_class
    out = tmp_path / "grades.csv"
    code = main(
        ["grade", str(subs), "--lesson", str(source), "--out", str(out)]
        + ["--exercises", str(own), "--jobs", "2"]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert f"1 exercises of your own from {own}" in printed
    assert "scale-test: judged by the grader (4 cases)" in printed
    rows = {row["student"]: row for row in csv.DictReader(out.open(newline=""))}
    assert rows["right"]["total"] == "1"
    # "return 4" is right on scale(2) alone: a quarter of the point, the others named
    assert rows["none"]["total"] == "0.25"
    assert "1 of 4 cases right, cases 2, 3, 4 wrong; case 2: expected" in rows["none"]["reason"]
    assert rows["adds"]["total"] == "0.25"  # x + 2 == 2x at x = 2 only


def test_without_the_file_the_test_cell_alone_scores(own_class, tmp_path, capsys):
    source, subs, _ = own_class
    out = tmp_path / "grades.csv"
    assert main(["grade", str(subs), "--lesson", str(source), "--out", str(out)]) == 0
    assert "scale-test: test cell only (no grader-side spec)" in capsys.readouterr().out
    rows = {row["student"]: row for row in csv.DictReader(out.open(newline=""))}
    assert (rows["right"]["total"], rows["none"]["total"], rows["adds"]["total"]) == ("1", "0", "0")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("EXERCISES = [\n    implement(\n", "line 2: '(' was never closed"),
        ("x = 1\n", "expected a non-empty list EXERCISES"),
        ("EXERCISES = [42]\n", "EXERCISES[0] is a int, expected an exercise"),
        ("raise ValueError('no')\n", "raised ValueError when run: no"),
        (OWN + "EXERCISES = EXERCISES * 2\n", "'scale-test' is defined twice"),
    ],
)
def test_a_broken_exercises_file_is_a_clear_error(tmp_path, text, message):
    path = tmp_path / "own.py"
    path.write_text(text)
    with pytest.raises(CourseError, match=f"--exercises {path}.*") as info:
        from_file(path)
    assert message in str(info.value)


def test_a_missing_exercises_file_is_a_clear_error(tmp_path):
    with pytest.raises(CourseError, match="not a readable Python file"):
        from_file(tmp_path / "nothing.py")


def _guide_example() -> str:
    """The Python block of the teachers' guide's worked example of an exercise of your own."""
    guide = (Path(__file__).resolve().parents[2] / "book" / "teachers.md").read_text()
    section = guide.split("### Exercises: one home each, and your own", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_guides_worked_example_judges_as_the_guide_says():
    from exercise_util import graded

    namespace: dict = {}
    exec(_guide_example(), namespace)
    (exercise,) = namespace["EXERCISES"]
    right = (
        "def margin(X, y, w, b):\n    d = (2 * y - 1) * (X @ w + b)\n"
        "    return d.min() / np.sqrt(w @ w)"
    )
    assert graded(exercise.test_id, right, exercise=exercise) == (1.0, None)
    unsigned = "def margin(X, y, w, b):\n    return np.abs(X @ w + b).min() / np.linalg.norm(w)"
    share, reason = graded(exercise.test_id, unsigned, exercise=exercise)
    assert share == pytest.approx(2 / 3)
    assert reason.startswith("2 of 3 cases right, case 3 wrong; case 3: expected -4.24")
    value = namespace["unsigned"](*[np.asarray(a) for a in exercise.cases[2].args])
    assert "sign it" in exercise.diagnosis(exercise.cases[2].args, value)
