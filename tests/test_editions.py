"""A learner's edition keeps the lesson, stubs every answer and drops every hidden test."""

import nbformat
import pytest

from course import editions
from course.errors import CourseError

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
