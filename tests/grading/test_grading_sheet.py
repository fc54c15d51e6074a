"""Regrading keeps the class: the sheet read back, rows merged, a single notebook graded.

Grading into an existing ``--out`` replaces the rows of the students graded now and keeps
every other row byte for byte; ``--replace`` starts the sheet again; a sheet of another
lesson is refused, not overwritten. One submitted ``.ipynb`` is a class of one.
"""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat
import pytest
from homework_util import FIXTURE_POINTS, answered, stubbed, write_lesson

from course.cli import main
from course.errors import CourseError
from course.grading.batch import grade
from course.grading.files import find_submissions
from course.grading.logic import Lesson, Result
from course.grading.report import write_csv
from course.grading.sheet import merge, read_sheet

NOTEBOOK = "03_perceptron.ipynb"
POINTS = {"a-test": 2.0, "b-test": 1.0}


def _lesson() -> Lesson:
    return Lesson(Path("03_perceptron.ipynb"), POINTS, {})


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def _lines(path: Path) -> dict[str, str]:
    """Each data line of a sheet by its first cell (no name here holds a comma)."""
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {line.split(",")[0]: line for line in lines}


def test_a_sheet_reads_back_as_it_was_written(tmp_path):
    results = [
        Result("=cmd", {"a-test": 2.0, "b-test": 0.0}, "graded", ["b-test: not answered"]),
        Result("line\nbreak", {"a-test": 0.5, "b-test": 1.0}, "graded", ["x; y", "z"]),
        Result("zoe", {"a-test": 0.0, "b-test": 0.0}, "missing", []),
    ]
    out = tmp_path / "g.csv"
    write_csv(results, _lesson(), out)
    back = read_sheet(out, POINTS)
    assert [r.student for r in back] == ["=cmd", "line\\nbreak", "zoe"]
    assert [r.scores for r in back] == [r.scores for r in results]
    assert back[0].reasons == ["b-test: not answered"]
    assert back[2].reasons == []
    write_csv(back, _lesson(), tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == out.read_bytes()


def test_merge_replaces_the_graded_rows_keeps_the_rest_and_counts():
    zero = dict.fromkeys(POINTS, 0.0)
    previous = [Result(s, zero, "graded") for s in ("ann", "ben", "cid")]
    now = [Result("ben", {"a-test": 2.0, "b-test": 1.0}, "graded"), Result("dee", zero, "graded")]
    merged = merge(previous, now)
    assert [r.student for r in merged.results] == ["ann", "ben", "cid", "dee"]
    assert merged.results[1].total == 3.0
    assert (merged.updated, merged.added, merged.kept) == (1, 1, 2)
    assert "1 updated, 1 added, 2 kept as they were (4 students)" in merged.summary(Path("g"))


def test_a_sheet_of_another_lesson_is_refused_with_what_was_expected(tmp_path):
    out = tmp_path / "g.csv"
    out.write_text("student,other-test,total,max_total,status,reason\nann,1,1,1,graded,\n")
    with pytest.raises(
        CourseError, match=r"not a grade sheet of this lesson.*expected student, a-test"
    ):
        read_sheet(out, POINTS)
    out.write_text("student,a-test,b-test,total,max_total,status,reason\nann,1,1\n")
    with pytest.raises(CourseError, match=r"g\.csv, line 2: 3 cells, expected 7"):
        read_sheet(out, POINTS)
    out.write_text("student,a-test,b-test,total,max_total,status,reason\nann,x,1,1,3,graded,\n")
    with pytest.raises(CourseError, match=r"line 2: a score is not a number"):
        read_sheet(out, POINTS)


def test_one_notebook_is_a_class_of_one(tmp_path):
    (tmp_path / "alice").mkdir()
    inside = tmp_path / "alice" / NOTEBOOK
    inside.write_text("{}")
    bare = tmp_path / "bob.ipynb"
    bare.write_text("{}")
    assert find_submissions(inside, NOTEBOOK) == {"alice": inside}
    assert find_submissions(bare, NOTEBOOK) == {"bob": bare}
    (tmp_path / "notes.txt").write_text("")
    with pytest.raises(CourseError, match="is not a notebook"):
        find_submissions(tmp_path / "notes.txt", NOTEBOOK)
    with pytest.raises(CourseError, match="neither a folder of submissions nor a notebook"):
        find_submissions(tmp_path / "absent", NOTEBOOK)


@pytest.fixture(scope="module")
def regraded(tmp_path_factory):
    """A class of three graded, then bob's fixed notebook regraded alone into the same sheet."""
    tmp = tmp_path_factory.mktemp("regrade")
    source = write_lesson(tmp / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp / "submitted"
    for student, nb in {
        "alice": answered(instructor),
        "bob": stubbed(instructor),
        "carol": stubbed(instructor),
    }.items():
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / NOTEBOOK)
    out = tmp / "grades.csv"
    grade(subs, source, out, jobs=2, exercises={}, progress=False)
    first = _lines(out)
    nbformat.write(answered(instructor), subs / "bob" / NOTEBOOK)
    return {"tmp": tmp, "source": source, "subs": subs, "out": out, "first": first}


@pytest.mark.kernel
def test_regrading_one_student_keeps_the_others_rows_as_they_were(regraded, capsys):
    out, first = regraded["out"], regraded["first"]
    assert set(first) == {"alice", "bob", "carol"}
    report = regraded["tmp"] / "report"
    results = grade(regraded["subs"] / "bob" / NOTEBOOK, regraded["source"], out, report=report)
    assert [r.student for r in results] == ["bob"]
    lines = _lines(out)
    assert lines["alice"] == first["alice"] and lines["carol"] == first["carol"]
    assert lines["bob"] != first["bob"]
    assert float(_rows(out)["bob"]["total"]) == sum(FIXTURE_POINTS.values())
    assert "1 updated, 0 added, 2 kept as they were (3 students)" in capsys.readouterr().out
    # the class report covers the whole sheet, not only the student graded now
    assert "3 students on the sheet" in (report / "index.html").read_text(encoding="utf-8")


@pytest.mark.kernel
def test_replace_starts_the_sheet_again_and_a_foreign_sheet_is_kept(regraded, capsys):
    tmp, subs = regraded["tmp"], regraded["subs"]
    out = tmp / "fresh.csv"
    out.write_bytes(regraded["out"].read_bytes())
    root = ["--root", str(tmp / "course")]
    code = main(
        [
            "grade",
            str(subs / "carol" / NOTEBOOK),
            "--lesson",
            "3",
            "--out",
            str(out),
            "--replace",
            *root,
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert list(_rows(out)) == ["carol"]
    foreign = tmp / "foreign.csv"
    foreign.write_text("name,score\nann,3\n")
    code = main(["grade", str(subs), "--lesson", "3", "--out", str(foreign), *root])
    assert code == 2
    assert "is not a grade sheet of this lesson" in capsys.readouterr().err
    assert foreign.read_text() == "name,score\nann,3\n"
