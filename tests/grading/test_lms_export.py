"""``course export``: the Canvas and Moodle import files of a grade sheet and a roster.

The expected files are written out here from the formats the LMSs document (the sources are
in course/grading/lms.py's docstring), not produced by the code under test: Canvas's header
``Student,ID,SIS User ID,SIS Login ID,Section,<assignment>``, then its ``Points Possible``
row; Moodle's identifier column and one grade column.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.cli import main
from course.errors import CourseError
from course.grading.lms import canvas_csv, gradebook, moodle_csv, read_roster, read_totals
from course.grading.logic import Lesson, Result
from course.grading.report import write_csv

SHEET = (
    "student,l04-a-test,l04-b-test,total,max_total,status,reason\n"
    "alice,2,1,3,3,graded,\n"
    "bob,0,1.5,1.5,3,graded,l04-a-test: not answered (still the stub)\n"
    "zed,1,0,1,3,graded,\n"
    "yves,0,0,0,3,missing,no notebook 04_linear-classifiers.ipynb\n"
)
ROSTER = (
    "student,name,id,sis_user_id,sis_login_id,section,email,username\n"
    'alice,"Liddell, Alice",101,S101,alice,A,alice@example.edu,aliddell\n'
    'bob,"Builder, Bob",102,S102,bob,B,bob@example.edu,bbuilder\n'
    'carol,"Danvers, Carol",103,S103,carol,A,carol@example.edu,cdanvers\n'
)
CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Lesson 4 (1234)\r\n"
    "Points Possible,,,,,3\r\n"
    '"Liddell, Alice",101,S101,alice,A,3\r\n'
    '"Builder, Bob",102,S102,bob,B,1.5\r\n'
    '"Danvers, Carol",103,S103,carol,A,0\r\n'
)
MOODLE = (
    "Email address,Lesson 4 (1234)\r\n"
    "alice@example.edu,3\r\n"
    "bob@example.edu,1.5\r\n"
    "carol@example.edu,0\r\n"
)


def _files(tmp_path: Path, sheet: str = SHEET, roster: str = ROSTER) -> tuple[Path, Path]:
    (tmp_path / "grades.csv").write_text(sheet, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(roster, encoding="utf-8")
    return tmp_path / "grades.csv", tmp_path / "roster.csv"


def _export(tmp_path: Path, *extra: str, sheet: str = SHEET, roster: str = ROSTER) -> int:
    sheet_path, roster_path = _files(tmp_path, sheet, roster)
    return main(["export", str(sheet_path), "--roster", str(roster_path), *extra])


def test_export_writes_the_documented_files_and_lists_who_is_absent(tmp_path, capsys):
    canvas, moodle = tmp_path / "canvas.csv", tmp_path / "moodle.csv"
    code = _export(
        tmp_path,
        "--canvas",
        str(canvas),
        "--moodle",
        str(moodle),
        "--assignment",
        "Lesson 4 (1234)",
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert canvas.read_bytes().decode("utf-8") == CANVAS
    assert moodle.read_bytes().decode("utf-8") == MOODLE
    assert f"wrote {canvas}: 3 students, 'Lesson 4 (1234)' out of 3" in out
    assert "1 on the roster without a row on the sheet, given 0: carol" in out
    assert "warning: 2 on the sheet but not on the roster, left out: yves, zed" in err


def test_moodle_by_username_or_id_number(tmp_path, capsys):
    for field, title, values in [
        ("username", "Username", ["aliddell", "bbuilder", "cdanvers"]),
        ("idnumber", "ID number", ["S101", "S102", "S103"]),
    ]:
        target = tmp_path / f"{field}.csv"
        assert _export(tmp_path, "--moodle", str(target), "--moodle-id", field) == 0
        rows = [f"{v},{t}" for v, t in zip(values, ["3", "1.5", "0"], strict=True)]
        assert target.read_bytes().decode("utf-8") == "\r\n".join([f"{title},grades", *rows, ""])
    capsys.readouterr()


def test_every_cell_is_guarded_against_formulas(tmp_path):
    """A student named like a formula on the sheet (written as '=cmd by course grade) is
    found under its own name in the roster; every cell written that starts a formula gets
    a quote, the assignment's title included."""
    lesson = Lesson(Path("04_x.ipynb"), {"l04-a-test": 2.0}, {})
    results = [Result("=cmd|' /C calc'!A0", {"l04-a-test": 2.0}, "graded")]
    write_csv(results, lesson, tmp_path / "grades.csv")
    (tmp_path / "roster.csv").write_text(
        "student,name,id,section,email\n"
        '"=cmd|\' /C calc\'!A0",=HYPERLINK("http://x"),7,@SUM(A1),e@x.org\n',
        encoding="utf-8",
    )
    book = gradebook(read_totals(tmp_path / "grades.csv")[0], read_roster(tmp_path / "roster.csv"))
    assert book.absent == [] and book.unrostered == []
    assert canvas_csv(book, "+1 bonus", 2) == (
        "Student,ID,SIS User ID,SIS Login ID,Section,'+1 bonus\r\n"
        "Points Possible,,,,,2\r\n"
        '"\'=HYPERLINK(""http://x"")",7,,,\'@SUM(A1),2\r\n'
    )
    assert moodle_csv(book, "-lesson") == "Email address,'-lesson\r\ne@x.org,2\r\n"


def test_the_sheet_max_total_is_the_points_possible(tmp_path):
    sheet, _ = _files(tmp_path)
    assert read_totals(sheet) == ({"alice": 3.0, "bob": 1.5, "zed": 1.0, "yves": 0.0}, 3.0)


ROSTER_ERRORS = [
    ("name,email\nAlice,a@x.org\n", r"roster.csv, line 1: no 'student' column"),
    ("student,mail\nalice,a@x.org\n", r"roster.csv, line 1: unknown column 'mail'"),
    ("student,email,Email\nalice,a,b\n", r"roster.csv, line 1: the column 'email' twice"),
    ("student,email\nalice,a@x.org\nalice,b@x.org\n", r"line 3: student 'alice' is also on line 2"),
    ("student,email\nalice,a@x.org\nbob,a@x.org\n", r"line 3: email 'a@x.org' is also on line 2"),
    ("student,id\nalice,101\nbob,101\n", r"line 3: id '101' is also on line 2"),
    ("student,email\nalice,a@x.org,extra\n", r"line 2: 3 cells, expected 2 \(student, email\)"),
    ("student,email\n,a@x.org\n", r"line 2: the student cell is empty"),
    ("student,id\nalice,u101\n", r"line 2: id 'u101' is not a number"),
    ("student,email\nalice,-a@x.org\n", r"line 2: email '-a@x.org' starts with '-'"),
    ("student,email\n", r"roster.csv: no students"),
]


@pytest.mark.parametrize(("roster", "message"), ROSTER_ERRORS)
def test_a_bad_roster_is_a_clear_error(tmp_path, roster, message):
    _, path = _files(tmp_path, roster=roster)
    with pytest.raises(CourseError, match=message):
        read_roster(path)


SHEET_ERRORS = [
    ("name,total\nalice,3\n", r"grades.csv, line 1: not a grade sheet; expected the header"),
    (SHEET.replace("bob,0,1.5,1.5,3", "bob,0,1.5,3"), r"grades.csv, line 3: 6 cells, expected 7"),
    (SHEET.replace("bob,0,1.5", "bob,x,1.5"), r"grades.csv, line 3: a score is not a number"),
    (SHEET.replace("zed,1,0,1,3", "zed,1,0,1,4"), r"different max_total values"),
    (SHEET.replace("zed,1,0,1,3", "zed,1,0,1,x"), r"line 4: max_total 'x' is not a number"),
    (SHEET.splitlines(keepends=True)[0], r"grades.csv: no student rows"),
]


@pytest.mark.parametrize(("sheet", "message"), SHEET_ERRORS)
def test_a_bad_sheet_is_a_clear_error(tmp_path, sheet, message):
    path, _ = _files(tmp_path, sheet=sheet)
    with pytest.raises(CourseError, match=message):
        read_totals(path)


def test_an_unreadable_sheet_is_a_clear_error(tmp_path):
    (tmp_path / "grades.csv").write_bytes(b"student,\xff\n")
    with pytest.raises(CourseError, match="cannot read the grade sheet .*grades.csv"):
        read_totals(tmp_path / "grades.csv")
    with pytest.raises(CourseError, match="cannot read the grade sheet .*absent.csv"):
        read_totals(tmp_path / "absent.csv")


def test_what_an_lms_would_misread_is_refused(tmp_path):
    sheet, roster = _files(tmp_path)
    book = gradebook(read_totals(sheet)[0], read_roster(roster))
    with pytest.raises(CourseError, match="Canvas drops a column"):
        canvas_csv(book, "Final Score", 3)
    with pytest.raises(CourseError, match="title is empty"):
        moodle_csv(book, " ")
    with pytest.raises(CourseError, match="--moodle-id 'userid': expected one of email"):
        moodle_csv(book, "L4", "userid")
    (tmp_path / "r2.csv").write_text("student,section\nalice,A\n", encoding="utf-8")
    with pytest.raises(CourseError, match="none of id, sis_user_id, sis_login_id or name"):
        canvas_csv(gradebook({}, read_roster(tmp_path / "r2.csv")), "L4", 3)
    with pytest.raises(CourseError, match="the roster has no email for alice"):
        moodle_csv(gradebook({}, read_roster(tmp_path / "r2.csv")), "L4")
    (tmp_path / "r3.csv").write_text("student,name\nalice,Points Possible\n", encoding="utf-8")
    with pytest.raises(CourseError, match="contains 'Points Possible'"):
        canvas_csv(gradebook({}, read_roster(tmp_path / "r3.csv")), "L4", 3)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ([], "nothing to write: give --canvas FILE, --moodle FILE or both"),
        (["--canvas", "{sheet}"], "--canvas .*grades.csv would overwrite the grade sheet"),
        (["--moodle", "{roster}"], "--moodle .*roster.csv would overwrite the roster"),
        (["--canvas", "{tmp}/o.csv", "--moodle", "{tmp}/o.csv"], "are the same file"),
        (["--canvas", "{tmp}/link.csv"], "--canvas .*link.csv is not a regular file"),
        (["--canvas", "{tmp}"], "is not a regular file"),
        (["--moodle", "{tmp}/m.csv", "--moodle-id", "id"], "--moodle-id 'id': expected one of"),
    ],
)
def test_the_cli_reports_errors_in_one_line(tmp_path, capsys, options, message):
    sheet, roster = _files(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / "link.csv").symlink_to(victim)
    names = {"sheet": str(sheet), "roster": str(roster), "tmp": str(tmp_path)}
    argv = ["export", str(sheet), "--roster", str(roster), *(o.format(**names) for o in options)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("course export: error: ") and len(err.splitlines()) == 1
    assert re.search(message, err), err
    assert victim.read_text() == "keep me"
    assert sheet.read_text(encoding="utf-8") == SHEET and roster.read_text() == ROSTER


def test_the_cli_names_the_bad_roster_line(tmp_path, capsys):
    code = _export(tmp_path, "--canvas", str(tmp_path / "c.csv"), roster="student,id\nal,x1\n")
    assert code == 2
    assert "roster.csv, line 2: id 'x1' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_the_default_assignment_is_the_sheets_name(tmp_path, capsys):
    assert _export(tmp_path, "--canvas", str(tmp_path / "c.csv")) == 0
    written = (tmp_path / "c.csv").read_bytes().decode("utf-8")
    header = "Student,ID,SIS User ID,SIS Login ID,Section,grades\r\nPoints Possible,,,,,3\r\n"
    assert written.startswith(header)
    capsys.readouterr()
