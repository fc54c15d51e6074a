"""The homework fixture the grading, release and nbgrader tests share.

A two-exercise lesson in nbgrader markup (``homework_notebook``), the helpers that write
students' submissions from it (``answered``, ``stubbed``), and its grader-side specs
(``SPECS``), since the package ships none for it.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from course import syllabus
from course.editions import is_solution_cell, is_test_cell, nbgrader_meta
from course.exercises import implement
from course.release import release_notebook

ROOT = Path(__file__).resolve().parents[1]

#: the points of each test cell of the homework fixture
FIXTURE_POINTS = {"weighted-sum-test": 2.0, "step-test": 1.0}
#: lines that appear only in the fixture's solutions and hidden tests
SECRETS = ("np.dot(x, w) + b", "1 if z >= 0", "step(-1e-9)", "weighted_sum([0, 0]")


def _meta(grade_id: str, points: int | None = None) -> dict:
    """nbgrader metadata of a solution cell (``points is None``) or a test cell."""
    solution = points is None
    meta = {
        "solution": solution,
        "grade": not solution,
        "grade_id": grade_id,
        "locked": not solution,
        "schema_version": 3,
    }
    if not solution:
        meta["points"] = points
    return {"nbgrader": meta}


def homework_notebook() -> nbformat.NotebookNode:
    """An instructor lesson with a parameters cell and two exercises with hidden tests."""
    cells = [
        new_markdown_cell("# Lesson 03: Homework fixture\n\nTwo exercises."),
        new_code_cell("SEED = 0", metadata={"tags": ["parameters"]}),
        new_code_cell("import numpy as np\n\nrng = np.random.default_rng(SEED)"),
        new_markdown_cell("## Exercise 1: the weighted sum"),
        new_code_cell(
            "def weighted_sum(x, w, b):\n    ### BEGIN SOLUTION\n"
            "    return float(np.dot(x, w) + b)\n    ### END SOLUTION",
            metadata=_meta("weighted-sum"),
        ),
        new_code_cell(
            "assert weighted_sum([1, 2], [3, 4], 1) == 12\nprint('weighted sum: ok')\n"
            "### BEGIN HIDDEN TESTS\nassert weighted_sum([0, 0], [1, 1], -2) == -2\n"
            "### END HIDDEN TESTS",
            metadata=_meta("weighted-sum-test", 2),
        ),
        new_markdown_cell("## Exercise 2: the step function"),
        new_code_cell(
            "def step(z):\n    ### BEGIN SOLUTION\n    return 1 if z >= 0 else 0\n"
            "    ### END SOLUTION",
            metadata=_meta("step"),
        ),
        new_code_cell(
            "assert step(3) == 1\n### BEGIN HIDDEN TESTS\nassert step(0) == 1\n"
            "assert step(-1e-9) == 0\n### END HIDDEN TESTS",
            metadata=_meta("step-test", 1),
        ),
        new_code_cell("print(step(weighted_sum(rng.normal(size=2), [1, 1], 0)))"),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_lesson(root: Path) -> Path:
    """A course root holding the fixture as notebooks/03_perceptron.ipynb; returns its path."""
    path = root / "notebooks" / "03_perceptron.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(homework_notebook(), path)
    return path


def unmarked(source: str) -> str:
    """A solution's source without its BEGIN/END SOLUTION lines."""
    return re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", source, flags=re.M).rstrip()


def answered(instructor: nbformat.NotebookNode, **answers: str) -> nbformat.NotebookNode:
    """A learner's released notebook with every exercise answered as the instructor did.

    ``answers`` replaces the source of solution cells by grade_id (dashes as underscores).
    """
    submission = release_notebook(instructor)
    solutions = {
        nbgrader_meta(c)["grade_id"]: c.source for c in instructor.cells if is_solution_cell(c)
    }
    for cell in submission.cells:
        if is_solution_cell(cell):
            grade_id = nbgrader_meta(cell)["grade_id"]
            cell.source = answers.get(grade_id.replace("-", "_"), unmarked(solutions[grade_id]))
    return submission


def stubbed(instructor: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A learner's released notebook handed in untouched."""
    return release_notebook(instructor)


def ready_exercise_lessons() -> list[str]:
    root = ROOT
    return [
        lesson.notebook
        for lesson in syllabus.ready(root)
        if any(is_test_cell(c) for c in nbformat.read(root / lesson.notebook, as_version=4).cells)
    ]


def _weighted_sum(x: list, w: list, b: float) -> float:
    return sum(xi * wi for xi, wi in zip(x, w, strict=True)) + b


def _step(z: float) -> int:
    return 1 if z >= 0 else 0


#: the fixture's grader-side specs (the package has none for it)
SPECS = {
    "weighted-sum-test": implement(
        "weighted-sum-test",
        "weighted_sum",
        (([1, 2], [3, 4], 1), ([0, 0], [1, 1], -2), ([0.5], [-2.0], 0.25)),
        _weighted_sum,
        hints=("multiply each x_i by w_i", "z = sum_i w_i x_i + b"),
    ),
    "step-test": implement("step-test", "step", ((3,), (0,), (-1e-9,), (-2,)), _step),
}
