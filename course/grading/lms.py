"""Gradebook files for Canvas and Moodle, from a grade sheet and the teacher's roster.

The roster is a CSV the teacher writes: a ``student`` column (the submission's name as the
grade sheet shows it) and any of :data:`IDENTITIES`, the student's identities in the LMS.
Every roster student gets a row with the total points of the sheet; one without a row on
the sheet gets 0 and is listed (:attr:`Gradebook.absent`); a sheet student not on the
roster is left out and listed (:attr:`Gradebook.unrostered`). Every cell written goes
through :func:`~course.grading.report.csv_cell`, so no cell starts a formula; an identity
the LMS matches that would need that guard is refused instead, since the LMS would then not
find the student.

**Canvas** (Grades > Import). Sources, and what they say:

- Canvas's own importer, ``GradebookImporter`` (instructure/canvas-lms,
  ``app/models/gradebook_importer.rb``): the header is ``Student``, ``ID``, optionally
  ``SIS User ID`` and ``SIS Login ID``, then ``Section``; every later column is an
  assignment (trailing ``Current Score``, ``Final Score``, ``Final Grade``, ...
  columns are dropped). A row whose first cell contains ``Points Possible`` sets each
  assignment's points. A student is found by ``ID`` (Canvas's user id), else by SIS User
  ID, else by SIS Login ID, else by name. An assignment column titled ``Name (123)``
  (``Assignment.title_and_id``, ``/\\A(.*)\\s\\((\\d+)\\)\\z/``) updates assignment 123;
  another title matches an assignment of that title or makes a new one.
- Canvas's export (``Course#gradebook_to_csv``, same repository): the same header, and the
  ``Points Possible`` row second.
- https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
  (Ohio State's Canvas guide): the file needs the student's name or ID or SIS User ID, the
  SIS Login ID, the section and the assignment column; a new assignment column makes a new
  assignment; an imported score overwrites the gradebook's.
- https://ts.vcu.edu/askit/teaching-and-learning/canvas/faculty/grading-faculty/gradebook-action-menu-faculty/
  (VCU's Canvas guide): export and import from the Gradebook's action menu; read-only
  columns are ignored on import.

**Moodle** (Grades > Import > CSV file). Sources:

- https://docs.moodle.org/311/en/Grade_import (also /27/ and /20/): a CSV with a header
  row; on the preview page the teacher maps one column to the user ("Map from" a column,
  "Map to" ``useremail``, ``useridnumber``, ``username`` or ``userid``) and each other
  column to a grade item or a new one; grades above the item's maximum need the site's
  ``unlimitedgrades`` setting.
- moodle/moodle ``grade/import/csv/classes/load_data.php``
  (``map_user_data_with_value``, ``prepare_import_grade_data``): those four map to the
  user's ``id``, ``idnumber``, ``email`` and ``username``; a row whose user is not found
  stops the whole import.

The Moodle file here is the identifier column (:data:`MOODLE_IDENTIFIERS`: the roster's
``email``, ``username``, or ``sis_user_id`` as Moodle's ID number) and one grade column
titled by the assignment.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from course.errors import CourseError
from course.grading.files import read_regular
from course.grading.report import FORMULA_START, csv_cell
from course.grading.sheet import AFTER, BEFORE, SHEET_BYTES, read_sheet, uncell

#: the roster's columns besides ``student``: the identities an LMS knows a student by
IDENTITIES = ("name", "id", "sis_user_id", "sis_login_id", "section", "email", "username")
#: the identities that name one student only, so appear once in a roster
UNIQUE = ("id", "sis_user_id", "sis_login_id", "email", "username")
#: the largest roster read, in bytes
ROSTER_BYTES = 16 * 2**20
#: Canvas's first columns, and the roster column each is taken from
CANVAS_COLUMNS = {
    "Student": "name",
    "ID": "id",
    "SIS User ID": "sis_user_id",
    "SIS Login ID": "sis_login_id",
    "Section": "section",
}
#: the columns Canvas finds a student by, in the order it tries them
CANVAS_MATCHED = ("id", "sis_user_id", "sis_login_id", "name")
#: a first cell Canvas reads as the Points Possible row
POINTS_POSSIBLE = re.compile("Points Possible")
#: trailing column titles Canvas's importer drops as read-only totals
CANVAS_TOTALS = re.compile("Current Score|Current Points|Final Score|Final Points|Final Grade")
#: ``--moodle-id``: the roster column and the Moodle column title of each identifier
MOODLE_IDENTIFIERS = {
    "email": ("email", "Email address"),
    "username": ("username", "Username"),
    "idnumber": ("sis_user_id", "ID number"),
}


@dataclass(frozen=True)
class Gradebook:
    """Each roster student with a total, and who is absent from the sheet or the roster."""

    rows: list[tuple[dict[str, str], float]]
    absent: list[str]
    unrostered: list[str]


def read_totals(path: Path) -> tuple[dict[str, float], float]:
    """Each student's total on the grade sheet ``path`` (by the name the sheet shows), and
    the sheet's ``max_total``; a CourseError names the file and the line when it is not a
    grade sheet written by ``course grade``."""
    try:
        text = read_regular(path, SHEET_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"cannot read the grade sheet {path}: {exc}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = [uncell(c) for c in rows[0]] if rows else []
    if header[:1] != BEFORE or header[-len(AFTER) :] != AFTER or len(header) < 5:
        raise CourseError(
            f"{path}, line 1: not a grade sheet; expected the header course grade writes: "
            f"{', '.join(BEFORE)}, <exercises>, {', '.join(AFTER)}"
        )
    results = read_sheet(path, dict.fromkeys(header[1 : -len(AFTER)], 0.0))
    if not results:
        raise CourseError(f"{path}: no student rows, nothing to export")
    maxima = set()
    for line, row in enumerate(rows[1:], 2):
        try:
            maxima.add(float(row[-3]))
        except ValueError:
            raise CourseError(
                f"{path}, line {line}: max_total {row[-3]!r} is not a number"
            ) from None
    if len(maxima) > 1:
        raise CourseError(f"{path}: the rows have different max_total values, expected one")
    return {r.student: r.total for r in results}, maxima.pop()


def read_roster(path: Path) -> list[dict[str, str]]:
    """The roster's rows, each a dict of its columns (lower case) to their stripped cells.

    A CourseError names the file, the line and what was expected: no ``student`` column, a
    column not in :data:`IDENTITIES`, a row of the wrong length, an empty student, a
    student or a :data:`UNIQUE` identity twice, an ``id`` that is not a number, or an
    identity starting with a formula character.
    """
    try:
        text = read_regular(path, ROSTER_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"cannot read the roster {path}: {exc}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    expected = f"student, then any of {', '.join(IDENTITIES)}"
    columns = [c.strip().lower() for c in rows[0]] if rows else []
    if "student" not in columns:
        raise CourseError(f"{path}, line 1: no 'student' column; expected the header {expected}")
    for column in columns:
        if column not in ("student", *IDENTITIES):
            raise CourseError(f"{path}, line 1: unknown column {column!r}; expected {expected}")
        if columns.count(column) > 1:
            raise CourseError(f"{path}, line 1: the column {column!r} twice; expected each once")
    roster: list[dict[str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, cells in enumerate(rows[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise CourseError(
                f"{path}, line {line}: {len(cells)} cells, expected {len(columns)} "
                f"({', '.join(columns)})"
            )
        row = {c: v.strip() for c, v in zip(columns, cells, strict=True)}
        if not row["student"]:
            raise CourseError(f"{path}, line {line}: the student cell is empty")
        if row.get("id") and not row["id"].isdigit():
            raise CourseError(
                f"{path}, line {line}: id {row['id']!r} is not a number; expected the "
                "student's Canvas user id (digits)"
            )
        for column in ("student", *UNIQUE):
            value = row.get(column, "")
            if column != "student" and value.startswith(FORMULA_START):
                raise CourseError(
                    f"{path}, line {line}: {column} {value!r} starts with {value[0]!r}, which "
                    "a spreadsheet runs as a formula; the guarded cell would not match the LMS"
                )
            if value and (column, value) in seen:
                raise CourseError(
                    f"{path}, line {line}: {column} {value!r} is also on line "
                    f"{seen[column, value]}; expected each student once"
                )
            seen[column, value] = line
        roster.append(row)
    if not roster:
        raise CourseError(f"{path}: no students; expected a row per student after the header")
    return roster


def gradebook(totals: dict[str, float], roster: list[dict[str, str]]) -> Gradebook:
    """The roster's students with their totals (0 when absent from the sheet)."""
    names = {row["student"] for row in roster}
    return Gradebook(
        rows=[(row, totals.get(row["student"], 0.0)) for row in roster],
        absent=[row["student"] for row in roster if row["student"] not in totals],
        unrostered=sorted(set(totals) - names),
    )


def check_assignment(name: str) -> None:
    """Refuse an assignment title Canvas's importer would misread (empty, or a total's)."""
    if not name.strip():
        raise CourseError("--assignment: the title is empty; expected the assignment's name")
    if CANVAS_TOTALS.search(name):
        raise CourseError(
            f"--assignment {name!r}: Canvas drops a column whose title contains "
            "Current/Final Score/Points/Grade; expected another title"
        )


def canvas_csv(book: Gradebook, assignment: str, points: float) -> str:
    """Canvas's gradebook CSV: the five identity columns and ``assignment``, then the
    Points Possible row, then one row per roster student."""
    check_assignment(assignment)
    for row, _ in book.rows:
        if not any(row.get(column) for column in CANVAS_MATCHED):
            raise CourseError(
                f"the roster gives {row['student']!r} none of id, sis_user_id, sis_login_id "
                "or name; Canvas needs one to find the student"
            )
        if POINTS_POSSIBLE.search(row.get("name", "")):
            raise CourseError(
                f"the roster's name {row['name']!r} contains 'Points Possible', which Canvas "
                "reads as the row of each assignment's points; expected the student's name"
            )
    students = [
        [*(row.get(c, "") for c in CANVAS_COLUMNS.values()), f"{t:g}"] for row, t in book.rows
    ]
    return _csv(
        [
            [*CANVAS_COLUMNS, assignment],
            ["Points Possible", "", "", "", "", f"{points:g}"],
            *students,
        ]
    )


def moodle_csv(book: Gradebook, assignment: str, identifier: str = "email") -> str:
    """Moodle's import CSV: the ``identifier`` column (:data:`MOODLE_IDENTIFIERS`) and one
    grade column titled ``assignment``, one row per roster student."""
    check_assignment(assignment)
    if identifier not in MOODLE_IDENTIFIERS:
        raise CourseError(
            f"--moodle-id {identifier!r}: expected one of {', '.join(MOODLE_IDENTIFIERS)}"
        )
    column, title = MOODLE_IDENTIFIERS[identifier]
    missing = [row["student"] for row, _ in book.rows if not row.get(column)]
    if missing:
        raise CourseError(
            f"the roster has no {column} for {', '.join(missing[:5])}"
            + (" and others" if len(missing) > 5 else "")
            + "; Moodle stops the whole import at a row whose user it cannot find "
            "(add the column, or choose another --moodle-id)"
        )
    return _csv([[title, assignment], *([row[column], f"{t:g}"] for row, t in book.rows)])


def _csv(rows: list[list[str]]) -> str:
    """The rows as CSV text (CRLF line ends), every cell through csv_cell."""
    handle = io.StringIO(newline="")
    writer = csv.writer(handle, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return handle.getvalue()
