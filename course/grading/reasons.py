"""The reasons on a grade sheet, in words a teacher can act on.

A reason about one exercise starts with the exercise's ``grade_id`` and a colon
("l04-pocket-test: not answered"); a reason about the whole notebook starts otherwise. A
cell is named by what it is to the student: the answer or the test cell of an exercise, or
a cell under a heading ("cell 23, under "The pocket algorithm""), never by an internal id.
"""

from __future__ import annotations

import re

import nbformat

from course.editions import is_solution_cell, is_test_cell, nbgrader_meta

#: the longest piece of an error message kept in a reason
REASON_CHARS = 100
#: the longest heading quoted in a cell's name
HEADING_CHARS = 60
_SYNTAX_LOCATION = re.compile(r"\s*\([^()]*, line (\d+)\)\s*$")


def plural(count: int, word: str) -> str:
    """``"1 case"``, ``"3 cases"``: ``count`` and ``word``, plural when ``count`` is not 1."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def error_text(ename: str, evalue: str) -> str:
    """An error in one line: ``"SyntaxError on line 2: expected ':'"``,
    ``"ZeroDivisionError: division by zero"``, or just the name when it has no message."""
    first = (evalue.strip().splitlines() or [""])[0]
    where = _SYNTAX_LOCATION.search(first)
    if where is not None:  # "expected ':' (1785314869.py, line 2)": the file is IPython's
        first = first[: where.start()]
        ename = f"{ename} on line {where.group(1)}"
    text = f"{ename}: {first}" if first else ename
    return text[:REASON_CHARS]


def cell_names(nb: nbformat.NotebookNode) -> list[str]:
    """What to call each cell of ``nb`` in a reason: "the answer cell of X", "the test cell
    of X", or "cell N, under "Heading"" (N counts from 1, every cell included)."""
    names: list[str] = []
    heading = ""
    answer_of = answer_cells(nb)
    for number, cell in enumerate(nb.cells, 1):
        if cell.get("cell_type") == "markdown":
            heading = _heading(str(cell.get("source", ""))) or heading
        if is_test_cell(cell):
            names.append(f"the test cell of {nbgrader_meta(cell)['grade_id']}")
        elif number - 1 in answer_of:
            names.append(f"the answer cell of {answer_of[number - 1]}")
        else:
            names.append(f'cell {number}, under "{heading}"' if heading else f"cell {number}")
    return names


def answer_cells(nb: nbformat.NotebookNode) -> dict[int, str]:
    """The index of each exercise's answer cell (the last solution cell before its test
    cell), mapped to the exercise's test ``grade_id``."""
    found: dict[int, str] = {}
    answer: int | None = None
    for index, cell in enumerate(nb.cells):
        if is_solution_cell(cell) and cell.get("cell_type") == "code":
            answer = index
        elif is_test_cell(cell) and answer is not None:
            found[answer] = nbgrader_meta(cell)["grade_id"]
            answer = None
    return found


def _heading(source: str) -> str:
    """The last markdown heading of a cell's source, without its ``#`` marks, or ""."""
    found = ""
    for line in source.splitlines():
        match = re.match(r"\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)
        if match:
            found = match.group(1)
    return found if len(found) <= HEADING_CHARS else found[: HEADING_CHARS - 3] + "..."
