"""The grade sheet and the feedback show student text visibly: no control, bidirectional or
zero-width character reaches them raw, so no name or reason can forge a row or a name."""

from __future__ import annotations

import csv
import os
import unicodedata
from pathlib import Path

import nbformat
import pytest
from homework_util import SPECS, answered, write_lesson

from course.grading.batch import grade
from course.grading.feedback import feedback_page, write_feedback
from course.grading.logic import Result, load_lesson
from course.grading.report import csv_cell, visible, write_csv
from course.grading.sandbox import probe

NOTEBOOK = "03_perceptron.ipynb"
#: a value that, quoted raw in a reason, ends the row and starts a forged one
FORGED = "1\n\u202ehonest,2,1,3,3,graded,l03-perceptron-update-test OK"
#: a folder name that a bidirectional view shows as "honest"
MIRRORED = "\u202etsenoh"
#: every character a text view of the sheet or a browser would not show as itself
INVISIBLE = "\n\r\t\x00\x1b\x7f\x85\u2028\u2029\u200b\u200c\u200d\u2060\ufeff\u00ad"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def _raw(text: str) -> list[str]:
    """The characters of ``text`` that :func:`visible` should have escaped."""
    return [c for c in text if unicodedata.category(c) in {"Cc", "Cf", "Zl", "Zp", "Cs"}]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        ("\x00\x1b[31m\x7f", "\\u0000\\u001b[31m\\u007f"),
        ("next\x85line\u2028para\u2029", "next\\u0085line\\u2028para\\u2029"),
        (MIRRORED, "\\u202etsenoh"),
        ("\u2066x\u2069 \u200eRLM\u200f", "\\u2066x\\u2069 \\u200eRLM\\u200f"),
        ("zero\u200bwidth\u200c\u200d\u2060", "zero\\u200bwidth\\u200c\\u200d\\u2060"),
        ("\ufeffbom", "\\ufeffbom"),
        ("soft\u00adhyphen", "soft\\u00adhyphen"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("bad\udcffname", "bad\\udcffname"),
        (FORGED, "1\\n\\u202ehonest,2,1,3,3,graded,l03-perceptron-update-test OK"),
    ],
)
def test_visible_escapes_control_format_and_separator_characters(text, shown):
    assert visible(text) == shown


def test_visible_escapes_every_invisible_and_bidirectional_character():
    shown = visible(INVISIBLE + BIDI)
    assert not _raw(shown)
    assert shown.count("\\") == len(INVISIBLE + BIDI)


@pytest.mark.parametrize(
    "text", ["", "alice", "Zoë Ångström-Núñez", "李小龙", "emoji 🎉👍🏽", "a  b", "x = 'y'; \\"]
)
def test_visible_leaves_ordinary_text_alone(text):
    assert visible(text) == text


def _lesson(tmp_path: Path):
    return load_lesson(write_lesson(tmp_path / "course"), exercises=SPECS)


def _hostile(lesson) -> list[Result]:
    reason = f"weighted-sum-test failed the grader's check (case 1: got {FORGED})"
    return [
        Result("honest", lesson.zero(), "graded"),
        Result(MIRRORED, lesson.zero(), "graded", [reason, "zero\u200bwidth\ufeff"]),
        Result("=HYPERLINK\u2028x", lesson.zero(), "graded", ["\tstarts with a tab"]),
    ]


def test_a_hostile_name_and_reason_keep_one_line_per_row_in_the_csv(tmp_path):
    lesson = _lesson(tmp_path)
    out = tmp_path / "grades.csv"
    write_csv(_hostile(lesson), lesson, out)
    text = out.read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    assert lines[-1] == "" and len(lines) == 1 + 3 + 1, lines
    assert not any(_raw(line) for line in lines), lines
    assert not _raw(text.replace("\r\n", ""))
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student"] for r in rows] == ["honest", "\\u202etsenoh", "'=HYPERLINK\\u2028x"]
    assert rows[1]["reason"] == (
        "weighted-sum-test failed the grader's check (case 1: got 1\\n\\u202ehonest,2,1,3,3,"
        "graded,l03-perceptron-update-test OK); zero\\u200bwidth\\ufeff"
    )
    assert rows[2]["reason"] == "\\tstarts with a tab"
    assert [r["total"] for r in rows] == ["0", "0", "0"]


def test_csv_cells_stay_inert_as_formulas():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("\tx") == "'\tx"
    assert csv_cell(visible("\tx")) == "\\tx"


def test_the_feedback_shows_a_hostile_name_and_reason_escaped(tmp_path):
    lesson = _lesson(tmp_path)
    result = _hostile(lesson)[1]
    summary = feedback_page(result, lesson)
    assert not _raw(summary.replace("\n", ""))
    assert "Student: <strong>\\u202etsenoh</strong>" in summary
    assert "got 1\\n\\u202ehonest,2,1,3,3,graded" in summary
    (tmp_path / "feedback").mkdir()
    write_feedback(result, lesson, tmp_path / "feedback")
    page = (tmp_path / "feedback" / f"{MIRRORED}.html").read_text(encoding="utf-8")
    for char in BIDI + "\u200b\u200c\u200d\u2060\ufeff\u00ad\u2028\u2029\x85":
        assert char not in page, f"U+{ord(char):04X}"
    assert "\\u202etsenoh" in page
    assert "zero\\u200bwidth\\ufeff</li>" in page


def test_grading_a_hostile_name_and_value_gives_one_visible_row_each(tmp_path, python3_kernel):
    """End to end: a folder named with U+202E and a returned value holding a newline and a
    forged row; the submissions themselves are read unchanged."""
    if (problem := probe()) is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"required under CI=true: {problem}")
        pytest.skip(problem)
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp_path / "subs"
    forged = f"def weighted_sum(x, w, b):\n    return {FORGED!r}"
    for name, nb in {"honest": answered(instructor), MIRRORED: answered(instructor)}.items():
        (subs / name).mkdir(parents=True)
        if name == MIRRORED:
            nb = answered(instructor, weighted_sum=forged)
        nbformat.write(nb, subs / name / NOTEBOOK)
    before = {p: p.read_bytes() for p in subs.rglob("*.ipynb")}
    out = tmp_path / "grades.csv"
    results = grade(
        subs,
        source,
        out,
        jobs=1,
        cell_timeout=30,
        exercises=SPECS,
        feedback=tmp_path / "fb",
        progress=False,
    )
    by_student = {r.student: r for r in results}
    assert by_student["honest"].total == 3
    assert by_student[MIRRORED].scores == {"weighted-sum-test": 0.0, "step-test": 1.0}
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) == 3, lines
    assert not _raw(text.replace("\n", ""))
    assert lines[1] == "honest,2,1,3,3,graded,"
    assert lines[2].startswith("\\u202etsenoh,0,1,1,3,graded,")
    assert "\\n\\u202ehonest,2,1,3,3,graded,l03-perceptron-update-test OK" in lines[2]
    page = (tmp_path / "fb" / f"{MIRRORED}.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "\\u202ehonest" in page
    assert {p: p.read_bytes() for p in subs.rglob("*.ipynb")} == before
