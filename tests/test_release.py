"""``course release``: stubs, no hidden tests, no outputs, locked cells and nbgrader checksums.

Also home of the homework fixtures the grading and nbgrader tests import: a two-exercise
lesson in nbgrader markup and the helpers that write students' submissions from it.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from course import syllabus
from course.cli import main
from course.editions import has_markers, is_solution_cell, is_test_cell, nbgrader_meta
from course.release import MANIFEST, compute_checksum, release, release_notebook

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


def test_release_stubs_every_answer_and_drops_hidden_tests_and_outputs():
    nb = homework_notebook()
    nb.cells[5].outputs = [new_output("stream", name="stdout", text="weighted sum: ok\n")]
    nb.cells[5].execution_count = 4
    out = release_notebook(nb)
    assert len(out.cells) == len(nb.cells)
    text = "\n".join(cell.source for cell in out.cells)
    for secret in SECRETS:
        assert secret not in text
    assert not any(has_markers(cell.source) for cell in out.cells)
    for cell in out.cells:
        if is_solution_cell(cell):
            assert "raise NotImplementedError()" in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
    assert "assert step(3) == 1" in out.cells[8].source
    assert nb.cells[5].outputs, "the instructor notebook itself is left as it was"


def test_release_locks_test_and_fixed_cells_and_leaves_answers_editable():
    out = release_notebook(homework_notebook())
    for cell in out.cells:
        meta = nbgrader_meta(cell)
        if is_solution_cell(cell):
            assert cell.metadata.get("editable", True) is True
            assert meta["locked"] is False
        else:
            assert meta["locked"] is True
            assert cell.metadata["editable"] is False
            assert cell.metadata["deletable"] is False
        assert cell.metadata["deletable"] is False
    parameters = out.cells[1]
    assert parameters.metadata["tags"] == ["parameters"]
    grade_ids = [nbgrader_meta(cell)["grade_id"] for cell in out.cells]
    assert len(set(grade_ids)) == len(grade_ids)


def test_checksums_change_when_a_test_cell_or_its_points_change():
    out = release_notebook(homework_notebook())
    test = out.cells[5]
    assert nbgrader_meta(test)["checksum"] == compute_checksum(test)
    edited = copy.deepcopy(test)
    edited.source = "pass"
    assert compute_checksum(edited) != nbgrader_meta(test)["checksum"]
    more_points = copy.deepcopy(test)
    more_points.metadata["nbgrader"]["points"] = 20
    assert compute_checksum(more_points) != nbgrader_meta(test)["checksum"]


def test_checksum_is_nbgraders():
    utils = pytest.importorskip("nbgrader.utils", reason="nbgrader is not installed")
    for cell in release_notebook(homework_notebook()).cells:
        assert compute_checksum(cell) == utils.compute_checksum(cell)


def test_release_writes_editions_and_a_manifest_of_checksums(tmp_path):
    source = write_lesson(tmp_path / "course")
    (target,) = release([source], tmp_path / "release")
    assert target == tmp_path / "release" / "03_perceptron.ipynb"
    released = nbformat.read(target, as_version=4)
    manifest = json.loads((tmp_path / "release" / MANIFEST).read_text())
    cells = manifest["notebooks"]["03_perceptron.ipynb"]["cells"]
    for cell in released.cells:
        meta = nbgrader_meta(cell)
        assert cells[meta["grade_id"]]["checksum"] == meta["checksum"]
    tests = {gid: rec["points"] for gid, rec in cells.items() if rec["kind"] == "test"}
    assert tests == FIXTURE_POINTS
    assert sum(is_test_cell(c) for c in released.cells) == 2


def test_release_refuses_to_overwrite_the_instructor_notebooks(tmp_path):
    source = write_lesson(tmp_path / "course")
    before = source.read_bytes()
    code = main(["release", str(source), "--out", str(source.parent)])
    assert code == 2
    assert source.read_bytes() == before


def test_release_rejects_a_solution_marker_outside_a_solution_cell(tmp_path, capsys):
    nb = homework_notebook()
    nb.cells[2].source += "\n### BEGIN SOLUTION\nsecret = 1\n### END SOLUTION"
    path = tmp_path / "leaky.ipynb"
    nbformat.write(nb, path)
    code = main(["release", str(path), "--out", str(tmp_path / "out")])
    assert code == 2
    assert "cell 2 still holds an exercise marker" in capsys.readouterr().err
    assert not (tmp_path / "out" / "leaky.ipynb").exists()


def test_cli_release_by_lesson_number(tmp_path, capsys):
    write_lesson(tmp_path / "course")
    code = main(["release", "3", "--root", str(tmp_path / "course"), "--out", str(tmp_path / "r")])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "03_perceptron.ipynb" in out
    assert (tmp_path / "r" / "03_perceptron.ipynb").is_file()
    assert (tmp_path / "r" / MANIFEST).is_file()


@pytest.mark.parametrize(
    ("lesson", "message"),
    [("99", "unknown lesson '99'"), ("5", "lesson 05 (neural-networks) is planned")],
)
def test_cli_release_of_an_unknown_or_planned_lesson_is_a_clear_error(
    tmp_path, capsys, lesson, message
):
    write_lesson(tmp_path / "course")
    code = main(["release", lesson, "--root", str(tmp_path / "course"), "--out", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def _ready_exercise_lessons() -> list[str]:
    root = Path(__file__).resolve().parents[1]
    return [
        lesson.notebook
        for lesson in syllabus.ready(root)
        if any(is_test_cell(c) for c in nbformat.read(root / lesson.notebook, as_version=4).cells)
    ]


@pytest.mark.parametrize("notebook", _ready_exercise_lessons())
def test_release_of_each_ready_lesson_leaks_no_solution(notebook):
    root = Path(__file__).resolve().parents[1]
    instructor = nbformat.read(root / notebook, as_version=4)
    out = release_notebook(instructor, notebook)
    for src, cell in zip(instructor.cells, out.cells, strict=True):
        assert not has_markers(cell.source)
        if is_solution_cell(src):
            assert "raise NotImplementedError()" in cell.source or cell.cell_type == "markdown"
            assert unmarked(src.source) != cell.source
