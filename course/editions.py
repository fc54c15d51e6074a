"""Editions of a lesson notebook: the instructor source and what learners and readers get.

Exercise cells use nbgrader's markup. A solution cell holds its answer between
``### BEGIN SOLUTION`` and ``### END SOLUTION``; a test cell may hold stricter cases between
``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.

- the student edition replaces each answer with a stub, drops every hidden test and clears
  all outputs (``course release`` locks and checksums it);
- the learner edition (``course lab``) is the student edition whose test cells, and stubs
  that raise at top level, carry the ``raises-exception`` tag, so Run All goes on past an
  unanswered exercise;
- the reader edition (``course book``) keeps each answer, folded under "Show solution",
  drops every hidden test and every nbgrader marker and metadata.
"""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from course.errors import CourseError

if TYPE_CHECKING:  # nbformat loads when a notebook is read: ``course --help`` stays quick
    import nbformat

#: what replaces a code answer, as nbgrader writes it
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
#: what replaces a written answer in a markdown solution cell
MARKDOWN_STUB = "YOUR ANSWER HERE"
#: the tag that lets Run All (and nbclient) go on past a cell that raises
RAISES_TAG = "raises-exception"
#: the labels of a folded answer in the book
SHOW_SOLUTION = "Show solution"
HIDE_SOLUTION = "Hide solution"

_SOLUTION = re.compile(
    r"^([ \t]*)### BEGIN SOLUTION[ \t]*\n.*?^[ \t]*### END SOLUTION[ \t]*$", re.M | re.S
)
_HIDDEN = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*\n.*?^[ \t]*### END HIDDEN TESTS[ \t]*(\n|\Z)",
    re.M | re.S,
)
_MARKER_LINE = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.M)
_MARKERS = (
    "### BEGIN SOLUTION",
    "### END SOLUTION",
    "### BEGIN HIDDEN TESTS",
    "### END HIDDEN TESTS",
)


def nbgrader_meta(cell: dict) -> dict:
    """The cell's nbgrader metadata (empty when it has none)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_solution_cell(cell: dict) -> bool:
    """True for an exercise cell whose answer the learner writes."""
    return bool(nbgrader_meta(cell).get("solution"))


def is_test_cell(cell: dict) -> bool:
    """True for a graded test cell (it carries points)."""
    return bool(nbgrader_meta(cell).get("grade")) and not is_solution_cell(cell)


def strip_solution(source: str, stub: str = CODE_STUB) -> str:
    """Replace every ``BEGIN/END SOLUTION`` region with ``stub`` at the region's indentation."""
    _check_balanced(source, "### BEGIN SOLUTION", "### END SOLUTION")

    def indent(match: re.Match) -> str:
        pad = match.group(1)
        return "\n".join(pad + line for line in stub.splitlines())

    return _SOLUTION.sub(indent, source)


def strip_hidden_tests(source: str) -> str:
    """Remove every ``BEGIN/END HIDDEN TESTS`` region, markers included."""
    _check_balanced(source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
    stripped, n = _HIDDEN.subn("", source)
    return stripped.rstrip("\n") if n else source


def has_markers(source: str) -> bool:
    """True when any solution or hidden-test marker is left in ``source``."""
    return any(marker in source for marker in _MARKERS)


def clear_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop every code cell's outputs and execution count, in place; returns ``nb``."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def student_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with answers stubbed, hidden tests removed and outputs cleared."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if is_solution_cell(cell):
            stub = CODE_STUB if cell.cell_type == "code" else MARKDOWN_STUB
            cell.source = strip_solution(cell.source, stub)
        cell.source = strip_hidden_tests(cell.source)
    return clear_outputs(out)


def raises_at_top_level(source: str) -> bool:
    """True when ``source`` has a ``raise`` statement outside every function and class."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return any(isinstance(node, ast.Raise) for node in body)


def add_tag(cell: dict, tag: str) -> None:
    """Add ``tag`` to the cell's ``metadata.tags`` unless it is there."""
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if tag not in tags:
        tags.append(tag)


#: under the title of the learner edition: how to run it (a downloaded notebook opened
#: without the course installed fails at ``import dlcore``)
RUN_NOTE = (
    "> **To run this notebook** you need the course's two packages, `dlcore` and `course`: in "
    "a clone of the course's repository, `python3 -m venv .venv && .venv/bin/pip install -e . "
    "&& .venv/bin/course lab` installs them and opens every lesson in JupyterLab (the README's "
    "quickstart). Without them the first code cell stops at `No module named 'dlcore'`."
)


def learner_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The student edition with ``raises-exception`` on each test cell and top-level stub,
    and RUN_NOTE under its title.

    JupyterLab's Run All and nbclient go on past a cell with that tag when it raises, so a
    learner meets every exercise's message, not only the first.
    """
    out = student_edition(nb)
    for cell in out.cells:
        if cell.cell_type != "code":
            continue
        if is_test_cell(cell) or (is_solution_cell(cell) and raises_at_top_level(cell.source)):
            add_tag(cell, RAISES_TAG)
    first = out.cells[0] if out.cells else None
    if first is not None and first.cell_type == "markdown" and first.source.startswith("# "):
        title, _, rest = first.source.partition("\n")
        first.source = f"{title}\n\n{RUN_NOTE}\n{rest}"
    return out


def reveal_solution(source: str) -> str:
    """``source`` with its ``BEGIN/END SOLUTION`` marker lines removed and the answer kept."""
    _check_balanced(source, "### BEGIN SOLUTION", "### END SOLUTION")
    return _MARKER_LINE.sub("", source).rstrip("\n")


def reader_edition(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` for the book: answers folded under "Show solution", nothing hidden.

    Hidden tests, exercise markers and nbgrader metadata go; a code answer gets myst-nb's
    ``hide-input`` tag with the prompt "Show solution"; a written answer is wrapped in a
    dropdown admonition titled "Show solution". Outputs are cleared (the book runs it).
    """
    out = copy.deepcopy(nb)
    for cell in out.cells:
        solution = is_solution_cell(cell)
        cell.metadata.pop("nbgrader", None)
        cell.source = strip_hidden_tests(cell.source)
        if not solution:
            continue
        if cell.cell_type == "code":
            cell.source = reveal_solution(cell.source)
            add_tag(cell, "hide-input")
            cell.metadata["mystnb"] = {
                "code_prompt_show": SHOW_SOLUTION,
                "code_prompt_hide": HIDE_SOLUTION,
            }
        else:
            cell.source = _SOLUTION.sub(_dropdown, cell.source)
    return clear_outputs(out)


def _dropdown(match: re.Match) -> str:
    answer = reveal_solution(match.group(0)).strip("\n")
    return f"::::{{admonition}} {SHOW_SOLUTION}\n:class: dropdown\n\n{answer}\n::::"


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    """Read a notebook, or raise ``CourseError`` saying why it cannot be read."""
    import nbformat

    path = Path(path)
    if not path.is_file():
        raise CourseError(f"notebook not found: {path}")
    try:
        return nbformat.read(path, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} is not valid notebook JSON: {exc}") from exc
    except (nbformat.ValidationError, KeyError, AttributeError) as exc:
        raise CourseError(f"{path} is not a valid Jupyter notebook: {exc}") from exc


def _check_balanced(source: str, begin: str, end: str) -> None:
    n_begin, n_end = source.count(begin), source.count(end)
    if n_begin != n_end:
        raise CourseError(
            f"unbalanced exercise markers: {n_begin} '{begin}' but {n_end} '{end}' in:\n"
            + source[:200]
        )
