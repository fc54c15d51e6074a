"""``course release``: stubs, no hidden tests, no outputs, locked cells and nbgrader checksums."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest
from homework_util import (
    FIXTURE_POINTS,
    ROOT,
    SECRETS,
    homework_notebook,
    ready_exercise_lessons,
    unmarked,
    write_lesson,
)
from nbformat.v4 import new_output

from course.cli import main
from course.editions import has_markers, is_solution_cell, is_test_cell, nbgrader_meta
from course.release import MANIFEST, compute_checksum, release, release_notebook


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


@pytest.mark.parametrize("notebook", ready_exercise_lessons())
def test_release_of_each_ready_lesson_leaks_no_solution(notebook):
    root = ROOT
    instructor = nbformat.read(root / notebook, as_version=4)
    out = release_notebook(instructor, notebook)
    for src, cell in zip(instructor.cells, out.cells, strict=True):
        assert not has_markers(cell.source)
        if is_solution_cell(src):
            assert "raise NotImplementedError()" in cell.source or cell.cell_type == "markdown"
            assert unmarked(src.source) != cell.source
