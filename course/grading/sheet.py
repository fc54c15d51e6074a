"""The grade sheet read back: regrading some students keeps the rest of the class.

``course grade`` writes one row per student (:func:`course.grading.report.write_csv`).
Grading again into the same ``--out`` replaces the rows of the students graded now and keeps
every other row as it was (:func:`merge`); a sheet of another lesson, or one that is not a
grade sheet, is refused rather than overwritten.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from course.errors import CourseError
from course.grading.files import read_regular
from course.grading.logic import Result
from course.grading.report import FORMULA_START, visible

#: the largest grade sheet read back, in bytes (a class of 10,000 is about 5 MB)
SHEET_BYTES = 64 * 2**20
#: the columns of a grade sheet around the exercises' columns
BEFORE, AFTER = ["student"], ["total", "max_total", "status", "reason"]


@dataclass(frozen=True)
class Merged:
    """A class after regrading: every row, and how many were updated, added and kept."""

    results: list[Result]
    updated: int
    added: int
    kept: int

    def summary(self, out: Path) -> str:
        """One line for the teacher: what happened to the sheet ``out``."""
        return (
            f"{out}: {self.updated} updated, {self.added} added, {self.kept} kept as they were "
            f"({len(self.results)} students)"
        )


def uncell(text: str) -> str:
    """A cell's text as :func:`~course.grading.report.csv_cell` had it before guarding."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def read_sheet(path: Path, points: dict[str, float]) -> list[Result]:
    """The rows of the grade sheet ``path``, written for exercises ``points``, as Results.

    A student's name is as the sheet shows it (invisible characters escaped); the reasons
    are the reason column split at ``"; "``. A CourseError names the file and line when it
    is not a grade sheet of these exercises.
    """
    try:
        text = read_regular(path, SHEET_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseError(f"cannot read the grade sheet {path}: {exc}") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    expected = [*BEFORE, *points, *AFTER]
    if not rows or [uncell(c) for c in rows[0]] != expected:
        found = ", ".join(rows[0]) if rows else "nothing"
        raise CourseError(
            f"{path} is not a grade sheet of this lesson: its header is {found}; expected "
            f"{', '.join(expected)}. Grade into another --out, or pass --replace to start "
            "it again"
        )
    results = []
    for line, row in enumerate(rows[1:], 2):
        if len(row) != len(expected):
            raise CourseError(
                f"{path}, line {line}: {len(row)} cells, expected {len(expected)}; "
                "fix the line, or pass --replace to start the sheet again"
            )
        try:
            scores = {gid: float(cell) for gid, cell in zip(points, row[1:], strict=False)}
        except ValueError:
            raise CourseError(f"{path}, line {line}: a score is not a number") from None
        reason = uncell(row[-1])
        results.append(
            Result(uncell(row[0]), scores, row[-2], reason.split("; ") if reason else [])
        )
    return results


def merge(previous: list[Result], graded: list[Result]) -> Merged:
    """The class with ``graded``'s rows in place of the same students' ``previous`` rows,
    sorted by student. Students match as the sheet shows their names."""
    now = {visible(r.student): r for r in graded}
    kept = [r for r in previous if r.student not in now]
    added = len(now) - (len(previous) - len(kept))
    results = sorted([*kept, *graded], key=lambda r: r.student)
    return Merged(results, len(graded) - added, added, len(kept))
