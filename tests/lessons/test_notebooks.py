"""Every ready lesson: clean when committed, runs under nbval and papermill, sound exercises.

Each notebook runs under four seeds: nbval (lax) runs the book's (the default, ``SEED = 0``)
and papermill each of OTHER_SEEDS. Its learner edition runs top to bottom with nbclient,
exercises unanswered, each test cell showing its check's message.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from course import syllabus
from course.cli import main
from course.editions import (
    has_markers,
    is_solution_cell,
    is_test_cell,
    learner_edition,
    read_notebook,
)
from course.runner import Target, declared_parameters, describe_failure, run_notebook

pytestmark = pytest.mark.notebooks
#: seconds one cell may take before the test fails (the whole lesson should take < 20 s)
CELL_TIMEOUT = 120
#: the seeds papermill runs each lesson under, besides the default one nbval runs: seeds that
#: once broke a lesson's claims (``benchmarks/seeds.py`` sweeps 30 and more)
OTHER_SEEDS = (3, 11, 2026)

ROOT = syllabus.course_root()
READY = syllabus.ready(ROOT)
each_lesson = pytest.mark.parametrize("lesson", READY, ids=[les.notebook for les in READY])


def _read(lesson: syllabus.Lesson) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / lesson.notebook, as_version=4)


def _marked_lines(nb: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """Lines inside solution or hidden-test regions, and the lines outside every region."""
    inside, outside = set(), set()
    for cell in nb.cells:
        in_region = False
        for raw in cell.source.splitlines():
            line = raw.strip()
            if re.match(r"### BEGIN (SOLUTION|HIDDEN TESTS)", line):
                in_region = True
            elif re.match(r"### END (SOLUTION|HIDDEN TESTS)", line):
                in_region = False
            elif line and not line.startswith("#"):
                (inside if in_region else outside).add(line)
    return inside, outside


def test_lessons_are_ready():
    assert READY, f"no lesson notebook in {ROOT / syllabus.NOTEBOOK_DIR}"


@each_lesson
def test_committed_notebook_has_no_outputs_and_a_seed_parameter(lesson):
    nb = _read(lesson)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(not cell.outputs for cell in code), "outputs must be stripped"
    assert all(cell.execution_count is None for cell in code), "execution counts must be stripped"
    tagged = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    assert "SEED" in declared_parameters(ROOT / lesson.notebook)
    assert nb.metadata.kernelspec.name == "python3"


@each_lesson
def test_the_notes_are_cited_by_section_title_not_by_line(lesson):
    """The reader has no copy of the notes: no ``dl-notes.md`` and no line numbers of it."""
    for i, cell in enumerate(_read(lesson).cells):
        if cell.cell_type != "markdown":
            continue
        assert "dl-notes" not in cell.source, f"cell {i} names the notes' file"
        cited = re.search(r"\blines? \d+(\s*[-\u2013]\s*\d+)?\b", cell.source)
        assert not cited, f"cell {i} cites the notes by line number: {cited.group(0)!r}"
    header = _read(lesson).cells[0].source
    assert not re.search(r"\(\d+\s*[-\u2013]\s*\d+\)", header), "a line range in the header"


@each_lesson
def test_exercises_have_two_to_five_graded_tests_after_solutions(lesson):
    cells = _read(lesson).cells
    tests = [i for i, cell in enumerate(cells) if is_test_cell(cell)]
    assert 2 <= len(tests) <= 5, f"{len(tests)} graded test cells"
    for i in tests:
        assert i > 0 and is_solution_cell(cells[i - 1]), f"test cell {i} follows no solution cell"
        assert cells[i].metadata.nbgrader.get("points", 0) > 0
    for i, cell in enumerate(cells):
        if is_solution_cell(cell):
            assert "### BEGIN SOLUTION" in cell.source
            assert i + 1 < len(cells) and is_test_cell(cells[i + 1]), f"solution {i} untested"


@each_lesson
def test_grade_ids_follow_one_pattern(lesson):
    """``lNN-name`` for an answer and ``lNN-name-test`` for its test: the grade sheet's columns."""
    cells = _read(lesson).cells
    ids = [c.metadata.nbgrader.grade_id for c in cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids: {ids}"
    for i, cell in enumerate(cells):
        if is_solution_cell(cell):
            name = cell.metadata.nbgrader.grade_id
            assert re.fullmatch(rf"l{lesson.id}-[a-z0-9]+(-[a-z0-9]+)*", name), name
            assert not name.endswith("-test"), name
            assert cells[i + 1].metadata.nbgrader.grade_id == f"{name}-test"


@each_lesson
def test_nbval_lax_passes_every_code_cell(lesson, python3_kernel, tmp_path):
    path = ROOT / lesson.notebook
    n_code = sum(cell.cell_type == "code" for cell in _read(lesson).cells)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "nbval",
            "--nbval-lax",
            "-q",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=",
            "--nbval-cell-timeout",
            str(CELL_TIMEOUT),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},  # nbval alone: 1.5 s less
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    report = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout[-6000:] + result.stderr[-2000:])
    assert result.returncode == 0, report
    assert re.fullmatch(rf"{n_code} passed(, \d+ warnings?)? in [\d.]+s( \(.*\))?", summary), (
        summary
    )


@pytest.mark.parametrize("seed", OTHER_SEEDS)
@each_lesson
def test_papermill_with_another_seed(lesson, seed, python3_kernel, tmp_path):
    target = Target(lesson.id, ROOT / lesson.notebook, "python3")
    try:
        output = run_notebook(
            target, tmp_path, {"SEED": seed}, progress=False, timeout=CELL_TIMEOUT
        )
    except PapermillExecutionError as exc:
        pytest.fail(describe_failure(target, exc, tmp_path / target.path.name), pytrace=False)
    executed = nbformat.read(output, as_version=4)
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and f"SEED = {seed}" in injected[0].source


@each_lesson
def test_learner_edition_runs_top_to_bottom_with_exercises_unanswered(
    lesson, python3_kernel, tmp_path
):
    """nbclient honours ``raises-exception`` as JupyterLab's Run All does."""
    from nbclient import NotebookClient

    nb = learner_edition(read_notebook(ROOT / lesson.notebook))
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        kernel_name=python3_kernel,
        resources={"metadata": {"path": tmp_path}},
    )
    client.execute()  # raises CellExecutionError at an untagged cell that fails
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code), "a cell was not run"
    tests = [cell for cell in nb.cells if is_test_cell(cell)]
    for cell in tests:
        grade_id = cell.metadata.nbgrader.grade_id
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert errors, f"{grade_id} passed with the exercise unanswered"
        shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(errors[0].traceback))
        assert errors[0].ename == "CheckFailed", f"{grade_id}: {shown[-800:]}"
        assert shown.startswith("\u2718 ") and errors[0].evalue.splitlines()[0] in shown
        assert "course/checks" not in shown, f"{grade_id} shows a traceback through the checks"


@pytest.fixture
def lab_workspace(tmp_path) -> Path:
    """The workspace made by ``course lab --dry-run`` from the real lessons (per test, so
    that pytest-xdist spreads this module's lesson runs over its workers)."""
    ws = tmp_path / "dl-course-work"
    assert main(["lab", str(ws), "--dry-run"]) == 0
    return ws


@each_lesson
def test_workspace_copy_has_stubs_and_no_solution(lesson, lab_workspace):
    source = _read(lesson)
    copy = nbformat.read(lab_workspace / Path(lesson.notebook).name, as_version=4)
    assert [c.cell_type for c in copy.cells] == [c.cell_type for c in source.cells]
    for cell in copy.cells:
        assert not has_markers(cell.source)
        if is_solution_cell(cell) and cell.cell_type == "code":
            assert "raise NotImplementedError()" in cell.source
    inside, outside = _marked_lines(source)
    text = "\n".join(cell.source for cell in copy.cells)
    leaked = (inside - outside) & {line.strip() for line in text.splitlines()}
    assert not leaked, f"solution or hidden-test lines left in the learner's copy: {leaked}"
