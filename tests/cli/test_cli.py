"""The ``course`` command's list and run: tables, parameters, failures and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from papermill.exceptions import PapermillExecutionError

from course import kernel, syllabus
from course.cli import main
from course.runner import Target, describe_failure, parse_parameters


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_every_lesson_with_its_status(capsys, course_root):
    code, out, _ = _run(capsys, "list", "--root", course_root)
    assert code == 0
    lines = out.splitlines()
    for lesson in syllabus.LESSONS:
        (row,) = [line for line in lines if line.startswith(f"{lesson.id}  ")]
        assert lesson.title in row
        assert lesson.notebook in row
        assert row.split()[-2] == ("ready" if lesson.number == 3 else "planned")
    assert f"1 ready, {len(syllabus.LESSONS) - 1} planned" in out


def test_list_of_the_installed_course_names_every_lesson(capsys):
    code, out, _ = _run(capsys, "list")
    assert code == 0
    for lesson in syllabus.LESSONS:
        assert f"{lesson.id}  {lesson.title}" in out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("7", 7),
        ("-2", -2),
        ("0.5", 0.5),
        ("1e-3", 1e-3),
        ("True", True),
        ("False", False),
        ("None", None),
        ("relu", "relu"),
    ],
)
def test_parameters_are_typed_like_papermills(value, expected):
    assert parse_parameters([("X", value)]) == {"X": expected}
    assert type(parse_parameters([("X", value)])["X"]) is type(expected)


@pytest.mark.parametrize("lesson", ["99", "no-such-lesson"])
def test_run_unknown_lesson_is_a_clear_error(capsys, course_root, lesson):
    code, _, err = _run(capsys, "run", "--root", course_root, lesson)
    assert code == 2
    assert f"unknown lesson {lesson!r}" in err
    assert "03 (perceptron)" in err
    assert "Traceback" not in err


def test_run_planned_lesson_is_a_clear_error(capsys, course_root):
    code, _, err = _run(capsys, "run", "--root", course_root, "5")
    assert code == 2
    assert "05 (neural-networks) is planned" in err


def test_run_unknown_parameter_lists_the_declared_ones(capsys, course_root):
    code, _, err = _run(capsys, "run", "--root", course_root, "3", "-p", "UNKNOWN", "1")
    assert code == 2
    assert "UNKNOWN" in err
    assert "declares: SEED, SCALE" in err
    assert "Traceback" not in err


def test_run_parameter_of_a_notebook_without_parameters_cell(capsys, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    code, _, err = _run(capsys, "run", path, "-p", "SEED", "7")
    assert code == 2
    assert "no cell tagged 'parameters'" in err


def test_run_with_a_missing_kernel_is_a_clear_error(capsys, make_notebook):
    path = make_notebook("nokernel.ipynb", kernel="nonexistent-kernel")
    code, _, err = _run(capsys, "run", path)
    assert code == 2
    assert "'nonexistent-kernel' is not installed" in err
    assert "ipykernel install" in err
    assert "Traceback" not in err


def test_run_checks_the_kernel_before_running(capsys, course_root, monkeypatch):
    monkeypatch.setattr(kernel, "installed_kernels", lambda: {})
    code, _, err = _run(capsys, "run", "--root", course_root)
    assert code == 2
    assert "'python3' is not installed (installed kernels: none)" in err


def test_run_executes_with_the_given_parameters(capsys, course_root, tmp_path, python3_kernel):
    out_dir = tmp_path / "executed"
    code, out, _ = _run(
        capsys,
        "run",
        "--root",
        course_root,
        "perceptron",
        "-p",
        "SEED",
        "7",
        "-p",
        "SCALE",
        "3",
        "--out",
        out_dir,
        "--no-progress",
    )
    assert code == 0
    assert "1 of 1 notebook(s) ran without error" in out
    executed = nbformat.read(out_dir / "03_perceptron.ipynb", as_version=4)
    printed = "".join(
        output.get("text", "") for cell in executed.cells for output in cell.get("outputs", [])
    )
    assert "seed 7 scale 3" in printed


def test_run_defaults_to_build_executed_under_the_root(capsys, course_root, python3_kernel):
    code, _, _ = _run(capsys, "run", "--root", course_root, "--no-progress")
    assert code == 0
    assert (course_root / "build" / "executed" / "03_perceptron.ipynb").is_file()


def test_run_of_a_failing_notebook_shows_the_cell_error(
    capsys, make_notebook, tmp_path, python3_kernel
):
    path = make_notebook("failing.ipynb", fail=True)
    code, _, err = _run(capsys, "run", path, "--out", tmp_path / "out")
    assert code == 1
    assert "ValueError: boom from fixture" in err
    assert "raise ValueError('boom from fixture')" in err
    assert "Traceback" not in err
    assert (tmp_path / "out" / "failing.ipynb").is_file()


def test_failure_report_shows_the_lines_around_the_failing_one():
    failure = PapermillExecutionError(
        cell_index=5,
        exec_count=4,
        source="\n".join(f"line_{i} = {i}" for i in range(1, 21)),
        ename="KeyError",
        evalue="'w'",
        traceback=["\x1b[0;31mKeyError\x1b[0m", "Cell In[4], line 15\n---> 15 line_15 = 15"],
    )
    report = describe_failure(Target("lesson 03", Path("x.ipynb"), "python3"), failure, Path("o"))
    lines = report.splitlines()
    assert lines[0] == "lesson 03 failed in cell [4]: KeyError: 'w'"
    assert any(line.startswith("  >  15 | line_15 = 15") for line in lines)
    assert "line_1 = 1" not in report
    assert "line_20 = 20" not in report


def _console_script() -> Path:
    script = Path(sys.executable).parent / ("course.exe" if os.name == "nt" else "course")
    if not script.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the console script {script} is not installed")
        pytest.skip(f"the console script {script} is not installed (pip install -e .)")
    return script


def test_console_script_runs_list_and_reports_errors_without_traceback(course_root):
    script = _console_script()
    listed = subprocess.run(
        [script, "list", "--root", course_root], capture_output=True, text=True, timeout=120
    )
    assert listed.returncode == 0
    assert "03  The perceptron" in listed.stdout
    failed = subprocess.run(
        [script, "run", "--root", course_root, "99"], capture_output=True, text=True, timeout=120
    )
    assert failed.returncode == 2
    assert "course run: error: unknown lesson '99'" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_run_stops_a_cell_that_exceeds_the_timeout(capsys, tmp_path, python3_kernel):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import time\ntime.sleep(60)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    path = tmp_path / "slow.ipynb"
    nbformat.write(nb, path)
    code, _, err = _run(capsys, "run", path, "--timeout", "1", "--out", tmp_path / "out")
    assert code == 1
    assert "slow.ipynb: a cell ran longer than 1.0 s" in err


def test_run_kernels_do_not_warn_about_unencrypted_transport(capfd, course_root, python3_kernel):
    code = main(["run", "--root", str(course_root), "--no-progress"])
    out, err = capfd.readouterr()
    assert code == 0, err
    assert "1 of 1 notebook(s) ran without error" in out
    assert "without encryption" not in out + err


def test_help_and_list_load_no_notebook_machinery():
    """``course --help`` and ``course list`` stay quick: nothing heavy is imported for them."""
    code = (
        "import sys\n"
        "from course.cli import build_parser, main\n"
        "build_parser()\n"
        "main(['list'])\n"
        "heavy = {'nbformat', 'papermill', 'nbclient', 'jupyter_client', 'matplotlib',\n"
        "         'numpy', 'dlcore', 'psutil', 'tqdm', 'zmq', 'jsonschema', 'nbconvert'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


def test_installed_lessons_write_into_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert syllabus.output_dir(syllabus.PACKAGED_ROOT) == tmp_path / "build"
    assert syllabus.output_dir(tmp_path / "clone") == tmp_path / "clone" / "build"


def test_book_without_a_clone_says_it_needs_one(capsys, course_root):
    code, _, err = _run(capsys, "book", "--root", course_root, "--no-install")
    assert code == 2
    assert "the book builds from a clone of the course repository" in err
    assert not (course_root / "book").exists()
