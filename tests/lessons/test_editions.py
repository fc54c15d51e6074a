"""A learner's edition keeps the lesson, stubs every answer and drops every hidden test."""

from pathlib import Path

import nbformat
import pytest

from course import editions, syllabus
from course.errors import CourseError

ROOT = Path(__file__).resolve().parents[2]

SOLUTION = """def weighted_sum(x, w, b):
    ### BEGIN SOLUTION
    return float(x @ w + b)
    ### END SOLUTION
"""
TESTS = """check_weighted_sum(weighted_sum)
### BEGIN HIDDEN TESTS
assert weighted_sum([1], [2], 3) == 5
### END HIDDEN TESTS"""


def _nb():
    nb = nbformat.v4.new_notebook()
    solution = nbformat.v4.new_code_cell(SOLUTION)
    solution.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "ws"}
    test = nbformat.v4.new_code_cell(TESTS)
    test.metadata["nbgrader"] = {
        "solution": False,
        "grade": True,
        "grade_id": "ws-test",
        "points": 2,
    }
    answer = nbformat.v4.new_markdown_cell("### BEGIN SOLUTION\nA line.\n### END SOLUTION")
    answer.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "why"}
    done = nbformat.v4.new_code_cell("print(1)", execution_count=3)
    done.outputs = [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells = [nbformat.v4.new_markdown_cell("# Lesson"), solution, test, answer, done]
    return nb


def test_student_edition_stubs_answers_at_their_indentation():
    out = editions.student_edition(_nb())
    assert out.cells[1].source == (
        "def weighted_sum(x, w, b):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"
    )
    assert out.cells[3].source == editions.MARKDOWN_STUB


def test_student_edition_drops_hidden_tests_and_keeps_the_visible_check():
    out = editions.student_edition(_nb())
    assert out.cells[2].source == "check_weighted_sum(weighted_sum)"
    assert not any(editions.has_markers(cell.source) for cell in out.cells)


def test_student_edition_clears_outputs_and_leaves_the_source_untouched():
    nb = _nb()
    out = editions.student_edition(nb)
    assert out.cells[4].outputs == [] and out.cells[4].execution_count is None
    assert nb.cells[4].outputs and "### BEGIN SOLUTION" in nb.cells[1].source


def test_cell_kinds_are_read_from_nbgrader_metadata():
    nb = _nb()
    assert [editions.is_solution_cell(c) for c in nb.cells] == [False, True, False, True, False]
    assert [editions.is_test_cell(c) for c in nb.cells] == [False, False, True, False, False]


def test_unbalanced_markers_are_reported():
    with pytest.raises(CourseError, match="unbalanced exercise markers"):
        editions.strip_solution("### BEGIN SOLUTION\nx = 1\n")


def test_read_notebook_reports_invalid_json(tmp_path):
    bad = tmp_path / "broken.ipynb"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CourseError, match="not valid notebook JSON"):
        editions.read_notebook(bad)
    with pytest.raises(CourseError, match="notebook not found"):
        editions.read_notebook(tmp_path / "missing.ipynb")


def _with_top_level_answer(nb):
    """``nb`` plus a predict-then-run exercise whose answer is a top-level assignment."""
    choice = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nprediction = 'b'\n### END SOLUTION")
    choice.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "predict"}
    nb.cells.append(choice)
    return nb


def test_learner_edition_tags_test_cells_and_top_level_stubs_raises_exception():
    out = editions.learner_edition(_with_top_level_answer(_nb()))
    tags = [cell.metadata.get("tags", []) for cell in out.cells]
    raising = [i for i, t in enumerate(tags) if editions.RAISES_TAG in t]
    # the test cell, and the top-level stub; not the stub inside a function, nor markdown
    assert raising == [2, 5]
    assert out.cells[5].source == editions.CODE_STUB
    student = [c.source for c in editions.student_edition(_with_top_level_answer(_nb())).cells]
    assert out.cells[0].source == f"{student[0]}\n\n{editions.RUN_NOTE}\n"  # under the title
    assert [c.source for c in out.cells[1:]] == student[1:]


def test_learner_edition_keeps_existing_tags_and_adds_the_tag_once():
    nb = _nb()
    nb.cells[2].metadata["tags"] = ["keep-me", editions.RAISES_TAG]
    out = editions.learner_edition(nb)
    assert out.cells[2].metadata["tags"] == ["keep-me", editions.RAISES_TAG]


@pytest.mark.parametrize(
    ("source", "raises"),
    [
        (editions.CODE_STUB, True),
        ("def f():\n    raise NotImplementedError()", False),
        ("if True:\n    raise ValueError()", False),  # conditional: may not raise
        ("x = 1", False),
        ("this is not python", False),
    ],
)
def test_raises_at_top_level_reads_only_top_level_raise_statements(source, raises):
    assert editions.raises_at_top_level(source) is raises


def test_reader_edition_folds_the_answer_and_drops_hidden_tests_and_nbgrader():
    nb = _with_top_level_answer(_nb())
    out = editions.reader_edition(nb)
    assert all("nbgrader" not in cell.metadata for cell in out.cells)
    assert not any(editions.has_markers(cell.source) for cell in out.cells)
    solution = out.cells[1]
    assert solution.source == ("def weighted_sum(x, w, b):\n    return float(x @ w + b)")
    assert "hide-input" in solution.metadata["tags"]
    assert solution.metadata["mystnb"]["code_prompt_show"] == "Show solution"
    assert out.cells[2].source == "check_weighted_sum(weighted_sum)"
    assert (
        out.cells[3].source == "::::{admonition} Show solution\n:class: dropdown\n\nA line.\n::::"
    )
    assert out.cells[5].source == "prediction = 'b'"
    assert out.cells[4].outputs == []
    assert "nbgrader" in nb.cells[1].metadata, "the source is left untouched"


@pytest.mark.parametrize("lesson", syllabus.ready(ROOT), ids=lambda lesson: lesson.id)
def test_the_downloaded_learner_edition_says_first_how_to_install_and_run_it(lesson):
    """The book's download and course lab's copy: opened without the course installed, its
    imports fail; its first cell, under the title, says how to install and run it."""
    nb = nbformat.read(ROOT / "learner" / lesson.notebook, as_version=4)
    first = nb.cells[0].source
    assert first.startswith(f"# Lesson {lesson.id}")
    assert "pip install -e ." in first and "course lab" in first and "dlcore" in first
    assert first.count(editions.RUN_NOTE) == 1
