"""``course grade``: points per test cell, hidden tests restored, and every bad submission a row.

One class of submissions (correct, stub, edited test, partial, infinite loop, not JSON,
missing, a bare ``<student>.ipynb``) is graded once per module; each test reads its row.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import socket
from pathlib import Path

import nbformat
import psutil
import pytest
from homework_util import (
    FIXTURE_POINTS,
    answered,
    ready_exercise_lessons,
    stubbed,
    unmarked,
    write_lesson,
)
from jupyter_client.kernelspec import KernelSpecManager

from course.cli import main
from course.editions import (
    RAISES_TAG,
    add_tag,
    is_solution_cell,
    is_test_cell,
    learner_edition,
    nbgrader_meta,
)
from course.errors import CourseError
from course.grading.batch import grade
from course.grading.files import find_submissions
from course.grading.logic import load_lesson, restore_cells
from course.release import release, release_notebook

pytestmark = pytest.mark.kernel  # grades notebooks in kernels

NOTEBOOK = "03_perceptron.ipynb"
#: a submission that passes the visible test of step but not its hidden tests
PARTIAL_STEP = "def step(z):\n    return 1 if z > 0 else 0"
#: a weighted_sum that never returns
LOOPING_SUM = "def weighted_sum(x, w, b):\n    while True:\n        pass"


def _edited_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if is_test_cell(cell):
            cell.source = "pass"
    return nb


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory, python3_kernel_module):
    """Grade a class of eight submissions once; yields (rows by student, paths)."""
    tmp = tmp_path_factory.mktemp("grading")
    source = write_lesson(tmp / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp / "submitted"
    notebooks = {
        "alice": answered(instructor),
        "bob": stubbed(instructor),
        "carol": _edited_tests(stubbed(instructor)),
        "dave": answered(instructor, step=PARTIAL_STEP),
        "erin": answered(instructor, weighted_sum=LOOPING_SUM),
    }
    for student, nb in notebooks.items():
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / NOTEBOOK)
    (subs / "frank").mkdir()
    (subs / "frank" / NOTEBOOK).write_text('{"cells": [', encoding="utf-8")
    (subs / "grace").mkdir()
    (subs / "grace" / "notes.txt").write_text("forgot to upload", encoding="utf-8")
    nbformat.write(answered(instructor), subs / "heidi.ipynb")
    before = _digests(subs)
    out = tmp / "grades.csv"
    grade(
        subs,
        source,
        out,
        jobs=2,
        cell_timeout=3,
        notebook_timeout=120,
        feedback=tmp / "feedback",
        progress=False,
    )
    with out.open(newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {"rows": rows, "before": before, "subs": subs, "tmp": tmp, "out": out}


@pytest.fixture(scope="module")
def python3_kernel_module():
    """Skip (fail under CI=true) when the Jupyter kernel the grader runs is missing."""
    if "python3" not in KernelSpecManager().find_kernel_specs():
        if os.environ.get("CI") == "true":
            pytest.fail("required under CI=true: the Jupyter kernel 'python3' is not installed")
        pytest.skip("the Jupyter kernel 'python3' is not installed")


def _points(row: dict) -> dict[str, float]:
    return {gid: float(row[gid]) for gid in FIXTURE_POINTS}


def test_the_csv_has_a_column_per_exercise_and_a_row_per_student(graded):
    with graded["out"].open(newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["student", *FIXTURE_POINTS, "total", "max_total", "status", "reason"]
    assert sorted(graded["rows"]) == [
        "alice",
        "bob",
        "carol",
        "dave",
        "erin",
        "frank",
        "grace",
        "heidi",
    ]
    assert {row["max_total"] for row in graded["rows"].values()} == {"3"}


@pytest.mark.parametrize("student", ["alice", "heidi"])
def test_a_correct_submission_scores_full_marks(graded, student):
    row = graded["rows"][student]
    assert _points(row) == FIXTURE_POINTS
    assert (row["total"], row["status"], row["reason"]) == ("3", "graded", "")


def test_a_stub_scores_zero_on_each_exercise(graded):
    row = graded["rows"]["bob"]
    assert _points(row) == dict.fromkeys(FIXTURE_POINTS, 0.0)
    assert row["status"] == "graded"
    assert "weighted-sum-test: not answered (still the stub)" in row["reason"]


def test_an_edited_test_cell_is_noted_and_graded_with_the_original(graded):
    row = graded["rows"]["carol"]
    assert _points(row) == _points(graded["rows"]["bob"])
    for gid in FIXTURE_POINTS:
        assert f"{gid}: the test cell was edited; the original was restored" in row["reason"]


def test_hidden_tests_are_put_back(graded):
    row = graded["rows"]["dave"]
    assert _points(row) == {"weighted-sum-test": 2.0, "step-test": 0.0}
    assert "step-test: failed (AssertionError)" in row["reason"]


def test_an_infinite_loop_is_stopped_and_the_rest_is_graded(graded):
    row = graded["rows"]["erin"]
    assert _points(row) == {"weighted-sum-test": 0.0, "step-test": 1.0}
    assert row["status"] == "graded"
    assert "weighted-sum-test: timed out after 3 s in its test cell" in row["reason"]


def test_a_corrupt_notebook_gets_a_row_with_its_reason(graded):
    row = graded["rows"]["frank"]
    assert (row["total"], row["status"]) == ("0", "invalid")
    assert "not a valid notebook" in row["reason"]


def test_a_missing_notebook_gets_a_row(graded):
    row = graded["rows"]["grace"]
    assert (row["total"], row["status"], row["reason"]) == ("0", "missing", f"no {NOTEBOOK}")


def test_submissions_are_byte_for_byte_unchanged(graded):
    assert _digests(graded["subs"]) == graded["before"]


def test_every_student_gets_a_feedback_page_with_the_score(graded):
    for student, row in graded["rows"].items():
        page = (graded["tmp"] / "feedback" / f"{student}.html").read_text(encoding="utf-8")
        assert f"Total: {row['total']} / 3" in page


def test_a_notebook_that_ignores_interrupts_is_killed_with_its_kernel(
    tmp_path, python3_kernel_module
):
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    marker = "4242.4242"  # the sleep a stubborn answer leaves running, found by its argument
    stubborn = (
        "import os, signal, subprocess\n"
        f"subprocess.Popen(['sleep', '{marker}'], start_new_session=True)\n"
        "def weighted_sum(x, w, b):\n"
        "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "    while True:\n"
        "        pass"
    )
    (tmp_path / "subs" / "mallory").mkdir(parents=True)
    nbformat.write(
        answered(instructor, weighted_sum=stubborn), tmp_path / "subs" / "mallory" / NOTEBOOK
    )
    nbformat.write(answered(instructor), tmp_path / "subs" / "alice.ipynb")
    results = grade(
        tmp_path / "subs",
        source,
        tmp_path / "g.csv",
        jobs=2,
        cell_timeout=1,
        notebook_timeout=8,
        progress=False,
    )
    by_student = {r.student: r for r in results}
    assert by_student["mallory"].status == "timeout"
    assert by_student["mallory"].total == 0
    assert "stopped after 8 s (time limit per notebook)" in by_student["mallory"].reasons[0]
    assert by_student["alice"].total == 3
    left = [p for p in psutil.process_iter(["cmdline"]) if p.info["cmdline"] == ["sleep", marker]]
    assert not left


def test_restore_cells_puts_back_a_deleted_test_cell_after_its_solution(tmp_path):
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    submission = answered(instructor)
    submission.cells = [
        c for c in submission.cells if nbgrader_meta(c).get("grade_id") != "step-test"
    ]
    checksums = {
        nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["checksum"]
        for c in release_notebook(instructor).cells
    }
    restored, notes = restore_cells(submission, instructor, checksums)
    ids = [nbgrader_meta(c).get("grade_id") for c in restored.cells]
    assert ids.index("step-test") == ids.index("step") + 1
    assert "### BEGIN HIDDEN TESTS" in restored.cells[ids.index("step-test")].source
    assert notes == ["step-test: the test cell was missing; the original was restored"]


def test_checksums_come_from_the_release_manifest_when_given(tmp_path):
    source = write_lesson(tmp_path / "course")
    release([source], tmp_path / "release")
    assert load_lesson(source, tmp_path / "release").checksums == load_lesson(source).checksums
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "release.json").write_text('{"format": 1, "notebooks": {}}')
    with pytest.raises(CourseError, match="has no entry for 03_perceptron.ipynb"):
        load_lesson(source, tmp_path / "other")


def test_find_submissions_reads_folders_and_files_and_skips_hidden_entries(tmp_path):
    (tmp_path / "ann").mkdir()
    (tmp_path / "ann" / NOTEBOOK).write_text("{}")
    (tmp_path / "ben.ipynb").write_text("{}")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / "grades.csv").write_text("")
    (tmp_path / "cy").mkdir()
    assert find_submissions(tmp_path, NOTEBOOK) == {
        "ann": tmp_path / "ann" / NOTEBOOK,
        "ben": tmp_path / "ben.ipynb",
        "cy": None,
    }


def _cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_grade_writes_the_csv_and_says_so(tmp_path, capsys, python3_kernel_module):
    root = tmp_path / "course"
    instructor = nbformat.read(write_lesson(root), as_version=4)
    (tmp_path / "subs").mkdir()
    nbformat.write(answered(instructor), tmp_path / "subs" / "ann.ipynb")
    code, out, _ = _cli(
        capsys,
        "grade",
        tmp_path / "subs",
        "--lesson",
        "perceptron",
        "--root",
        root,
        "--out",
        tmp_path / "g.csv",
        "--jobs",
        "1",
        "--memory",
        "2",
    )
    assert code == 0
    assert "each submission in a bubblewrap sandbox: at most 2 GiB of memory" in out
    assert f"graded 1 submissions (0 could not be run in full); wrote {tmp_path / 'g.csv'}" in out
    (row,) = csv.DictReader((tmp_path / "g.csv").open(newline=""))
    assert (row["student"], row["total"]) == ("ann", "3")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lesson", "99"], "unknown lesson '99'"),
        (["--lesson", "5"], "lesson 05 (neural-networks) is planned"),
        (["--lesson", "3", "--jobs", "0"], "--jobs must be positive, got 0"),
        (["--lesson", "3", "--timeout-cell", "-1"], "--timeout-cell must be positive, got -1.0"),
        (["--lesson", "3", "--memory", "0"], "--memory must be positive, got 0.0"),
    ],
)
def test_cli_grade_bad_input_is_a_clear_error(tmp_path, capsys, args, message):
    root = tmp_path / "course"
    write_lesson(root)
    (tmp_path / "subs").mkdir()
    code, _, err = _cli(
        capsys, "grade", tmp_path / "subs", "--root", root, "--out", tmp_path / "g.csv", *args
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "g.csv").exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: None, "neither a folder of submissions nor a notebook"),
        (lambda d: d.mkdir(), "no submissions in"),
    ],
)
def test_cli_grade_without_submissions_is_a_clear_error(tmp_path, capsys, make, message):
    root = tmp_path / "course"
    write_lesson(root)
    make(tmp_path / "subs")
    code, _, err = _cli(
        capsys,
        "grade",
        tmp_path / "subs",
        "--lesson",
        "3",
        "--root",
        root,
        "--out",
        tmp_path / "g.csv",
    )
    assert code == 2
    assert message in err


def test_cli_grade_refuses_to_write_into_the_submissions(tmp_path, capsys):
    root = tmp_path / "course"
    write_lesson(root)
    (tmp_path / "subs" / "ann").mkdir(parents=True)
    code, _, err = _cli(
        capsys,
        "grade",
        tmp_path / "subs",
        "--lesson",
        "3",
        "--root",
        root,
        "--out",
        tmp_path / "subs" / "g.csv",
    )
    assert code == 2
    assert "is inside the submissions folder" in err


def _tagged_raises_exception(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for cell in nb.cells:
        if cell.cell_type == "code":
            add_tag(cell, RAISES_TAG)
    return nb


def test_raises_exception_tags_do_not_turn_a_failure_into_points(tmp_path, python3_kernel_module):
    """The learner's workspace tags test cells so that Run All goes on; grading ignores that."""
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp_path / "subs"
    submissions = {
        "stub": _tagged_raises_exception(stubbed(instructor)),
        "right": _tagged_raises_exception(answered(instructor)),
        "workspace": learner_edition(instructor),  # what `course lab` wrote, handed in
    }
    for student, nb in submissions.items():
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / NOTEBOOK)
    assert any(
        RAISES_TAG in c.metadata.get("tags", []) and is_test_cell(c)
        for c in submissions["workspace"].cells
    )
    results = {
        r.student: r
        for r in grade(subs, source, tmp_path / "g.csv", jobs=2, cell_timeout=30, progress=False)
    }
    zero = dict.fromkeys(FIXTURE_POINTS, 0.0)
    for student in ("stub", "workspace"):
        assert results[student].scores == zero, results[student].reasons
        assert any(": not answered" in reason for reason in results[student].reasons)
    assert results["right"].scores == FIXTURE_POINTS, results["right"].reasons


def _prediction_attack(instructor: nbformat.NotebookNode) -> tuple[str, str, dict[str, str]]:
    """A wrong answer to the lesson's first prediction that passes its test cell.

    The answer cell rebinds the check to a no-op and returns a ``str`` whose ``strip`` and
    ``upper`` give the right letter, so the hidden ``assert`` passes too; its value is a
    wrong letter. Returns the test cell's grade_id, that letter and the answers for
    :func:`answered`.
    """
    solution = ""
    for cell in instructor.cells:
        if is_solution_cell(cell):
            solution, grade_id = unmarked(cell.source), nbgrader_meta(cell)["grade_id"]
        elif is_test_cell(cell) and (right := re.search(r'return "([A-D])"$', solution)):
            check = re.match(r"(check_\w+)\(", cell.source).group(1)
            name = re.match(r"def (\w+)\(", solution).group(1)
            wrong = "A" if right.group(1) != "A" else "D"
            attack = (
                f"{check} = lambda *args, **kwargs: None\n"
                "class _Sly(str):\n"
                "    strip = lstrip = rstrip = lambda self, *args: self\n"
                f"    upper = lower = lambda self: {right.group(1)!r}\n"
                f"def {name}():\n    return _Sly({wrong!r})"
            )
            return nbgrader_meta(cell)["grade_id"], wrong, {grade_id.replace("-", "_"): attack}
    raise AssertionError("the lesson has no prediction exercise")


@pytest.mark.parametrize("notebook", ready_exercise_lessons())
def test_each_ready_lesson_is_judged_by_the_grader(tmp_path, notebook, python3_kernel_module):
    """Full marks for the instructor's answers, 0 for a stub, and 0 for a wrong prediction
    whose answer cell rebinds the check: every exercise is judged by the grader."""
    source = Path(__file__).resolve().parents[2] / notebook
    instructor = nbformat.read(source, as_version=4)
    modes = load_lesson(source).modes()
    assert all(mode.startswith("judged by the grader") for mode in modes.values()), modes
    attacked, wrong, attack = _prediction_attack(instructor)
    name = Path(notebook).name
    submissions = {
        "right": answered(instructor),
        "stub": stubbed(instructor),
        "sly": answered(instructor, **attack),
    }
    for student, nb in submissions.items():
        (tmp_path / "subs" / student).mkdir(parents=True)
        nbformat.write(nb, tmp_path / "subs" / student / name)
    results = {
        r.student: r
        for r in grade(
            tmp_path / "subs", source, tmp_path / "g.csv", jobs=2, cell_timeout=60, progress=False
        )
    }
    points = {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
        for c in instructor.cells
        if is_test_cell(c)
    }
    assert results["right"].scores == points, results["right"].reasons
    assert results["stub"].scores == dict.fromkeys(points, 0.0)
    assert results["sly"].scores == points | {attacked: 0.0}, results["sly"].reasons
    assert results["sly"].reasons == [
        f"{attacked} failed the grader's check (case 1: not the right choice ({wrong}))"
    ]
    assert any(is_solution_cell(c) and unmarked(c.source) for c in instructor.cells)


def test_an_answer_that_calls_the_exercises_reference_scores_zero(tmp_path, python3_kernel_module):
    """The reference inside ``course.exercises`` is the answer; the sandbox does not have it,
    and outside grading the check refuses it too: it calls dlcore's ``Perceptron.update``,
    the function the exercise asks the learner to write."""
    source = Path(__file__).resolve().parents[2] / "notebooks" / "03_perceptron.ipynb"
    instructor = nbformat.read(source, as_version=4)
    copied = (
        "from course.exercises.lesson03 import perceptron_update as reference\n"
        "def perceptron_update(w, b, x, y, lr):\n"
        "    return reference(w, b, x, y, lr)"
    )
    from course.checks.lesson03 import check_perceptron_update

    namespace: dict = {}
    exec(copied, namespace)
    with pytest.raises(AssertionError, match="dlcore.Perceptron.update is not available"):
        check_perceptron_update(namespace["perceptron_update"])
    (tmp_path / "subs").mkdir()
    nbformat.write(
        answered(instructor, l03_perceptron_update=copied), tmp_path / "subs" / "copier.ipynb"
    )
    (result,) = grade(tmp_path / "subs", source, tmp_path / "g.csv", progress=False)
    assert result.scores["l03-perceptron-update-test"] == 0.0
    assert result.scores["l03-weighted-sum-test"] > 0
    assert any(r.startswith("l03-perceptron-update-test") for r in result.reasons)


def test_cli_grade_on_an_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    """``--scheduler`` reaches the cluster path: a closed port is an error, not a hang."""
    from course.grading import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2.0)
    root = tmp_path / "course"
    instructor = nbformat.read(write_lesson(root), as_version=4)
    (tmp_path / "subs").mkdir()
    nbformat.write(answered(instructor), tmp_path / "subs" / "alice.ipynb")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    code, _, err = _cli(
        capsys,
        "grade",
        tmp_path / "subs",
        "--lesson",
        "3",
        "--root",
        root,
        "--out",
        tmp_path / "g.csv",
        "--scheduler",
        f"tcp://127.0.0.1:{port}",
    )
    assert code == 2
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in err
    assert not (tmp_path / "g.csv").exists()
