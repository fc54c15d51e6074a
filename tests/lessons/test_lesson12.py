"""Lesson 12 runs with PyTorch and without it.

Without PyTorch (``FORCE_NO_TORCH = True`` in its parameters cell, the path of a learner who
has not installed the ``frameworks`` extra) the lesson runs top to bottom, says how to
install PyTorch, and each cell that needs it says it was skipped. With PyTorch no cell is
skipped. tests/lessons/test_notebooks.py runs the lesson under several seeds as every lesson.
"""

from __future__ import annotations

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from course import syllabus
from course.runner import Target, declared_parameters, describe_failure, run_notebook

pytestmark = pytest.mark.notebooks

LESSON = syllabus.get(12)
PATH = syllabus.course_root() / LESSON.notebook
#: what the guarded cells print when PyTorch is missing (the notebook's SKIPPED)
SKIPPED = "this cell's code is shown, not run"
INSTALL = 'pip install -e ".[frameworks]"'


def _run(tmp_path, **parameters) -> list[nbformat.NotebookNode]:
    """The executed code cells of lesson 12 with ``parameters`` (fails on a cell error)."""
    target = Target(LESSON.id, PATH, "python3")
    try:
        output = run_notebook(target, tmp_path, parameters, progress=False, timeout=120)
    except PapermillExecutionError as exc:
        pytest.fail(describe_failure(target, exc, tmp_path / PATH.name), pytrace=False)
    cells = nbformat.read(output, as_version=4).cells
    return [cell for cell in cells if cell.cell_type == "code"]


def _stdout(cell: nbformat.NotebookNode) -> str:
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def _guarded(cell: nbformat.NotebookNode) -> bool:
    """A cell whose PyTorch part is guarded: ``if HAVE_TORCH: ... else: print(SKIPPED)``."""
    return cell.source.rstrip().endswith("else:\n    print(SKIPPED)")


def test_the_lesson_declares_the_no_torch_switch():
    assert declared_parameters(PATH)[:2] == ["SEED", "FORCE_NO_TORCH"]
    nb = nbformat.read(PATH, as_version=4)
    guarded = [cell for cell in nb.cells if cell.cell_type == "code" and _guarded(cell)]
    assert len(guarded) >= 10  # a PyTorch cell left unguarded fails the run without torch


def test_without_torch_the_lesson_runs_says_how_to_install_and_skips_the_torch_cells(
    python3_kernel, tmp_path
):
    code = _run(tmp_path, FORCE_NO_TORCH=True, SEED=7)
    setup = next(cell for cell in code if "HAVE_TORCH = True" in cell.source)
    assert INSTALL in _stdout(setup) and "torch==2.13.0" in _stdout(setup)
    assert all(cell.execution_count for cell in code), "a cell was not run"
    for cell in code:
        assert not any(o.output_type == "error" for o in cell.outputs)
        assert (SKIPPED in _stdout(cell)) == _guarded(cell), cell.source[:80]
    printed = "".join(_stdout(cell) for cell in code)
    assert "PyTorch:" not in printed and "dlcore: test accuracy" in printed
    checks = [cell for cell in code if cell.source.startswith("check_")]
    # PyTorch is installed, only hidden: the checks of the PyTorch exercises still run
    assert len(checks) == 4 and all(_stdout(cell).startswith("\u2714 ") for cell in checks)


def test_with_torch_no_cell_is_skipped(torch, python3_kernel, tmp_path):
    code = _run(tmp_path)
    setup = next(cell for cell in code if "HAVE_TORCH = True" in cell.source)
    assert f"PyTorch {torch.__version__} is installed" in _stdout(setup)
    assert not any(SKIPPED in _stdout(cell) for cell in code)
    printed = "".join(_stdout(cell) for cell in code)
    assert "PyTorch: test accuracy" in printed and "torch.cuda.is_available():" in printed
    # the confidently wrong batch: dlcore's loss from the logits is PyTorch's, over 100
    assert "PyTorch's CrossEntropyLoss:" in printed
