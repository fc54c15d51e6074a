"""What grading writes: the grades CSV, and :func:`visible`, the student text both it and
the feedback pages (:mod:`course.grading.feedback`) show.

Both hold text the students control (names, error messages, outputs). A CSV cell that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is prefixed with ``'``. The student's name and the reasons show control,
bidirectional and zero-width characters as visible escapes (:func:`visible`), so no student
text can look like another row or another name.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

from course.grading.files import overwrite
from course.grading.logic import Lesson, Result

#: the first characters that make a spreadsheet read a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


#: the Unicode categories :func:`visible` escapes: control (``\n``, ``\r``, ``\t``, U+0085
#: ...), format (bidirectional overrides, embeddings and isolates, zero-width characters,
#: the BOM, the soft hyphen ...), line and paragraph separators, and lone surrogates (a
#: file name that is not UTF-8)
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with every invisible or layout-changing character shown as an escape.

    A character of a category in :data:`INVISIBLE` becomes ``\\n``, ``\\r``, ``\\t`` or
    ``\\uXXXX`` (``\\UXXXXXXXX`` above U+FFFF), e.g. U+202E becomes ``\\u202e``; anything
    else (accents, CJK, emoji, spaces) is kept. Student text (a submission's name, a value
    quoted in a reason) goes through it before the grade sheet or a feedback page shows it,
    so a newline cannot start what looks like another row in a text view of the CSV, and a
    direction override or a zero-width character cannot make two names read alike.
    """
    return "".join(
        _NAMED.get(c) or (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        if unicodedata.category(c) in INVISIBLE
        else c
        for c in text
    )


def csv_cell(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading formula character gets a ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(results: list[Result], lesson: Lesson, out: str | Path) -> None:
    """One row per student: student, points per grade_id, total, max_total, status, reason."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    header = ["student", *lesson.points, "total", "max_total", "status", "reason"]
    writer.writerow([csv_cell(c) for c in header])
    for r in results:
        row = [f"{r.scores[gid]:g}" for gid in lesson.points]
        writer.writerow(
            [
                csv_cell(visible(r.student)),
                *row,
                f"{r.total:g}",
                f"{lesson.max_total:g}",
                r.status,
                csv_cell(visible("; ".join(r.reasons))),
            ]
        )
    overwrite(out, handle.getvalue().encode("utf-8"))
