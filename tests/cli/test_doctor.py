"""``course doctor``: one table of needs, a fix for each missing piece, exit 1 when required."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from course import doctor, kernel
from course.cli import main
from course.grading import sandbox

NEEDS = (
    "Python >= 3.10",
    "the lessons",
    "Jupyter kernel 'python3'",
    "JupyterLab >= 4",
    "ipywidgets + JupyterLab extension",
    "numpy and its BLAS",
    "Chromium (book checks)",
    "npm (course book)",
    "torch (lesson 12)",
    "bubblewrap (for course grade)",
)
#: the problem sandbox.probe() names on a machine without bubblewrap
NO_BWRAP = "bubblewrap (bwrap) is not installed"


@pytest.fixture
def no_optional(monkeypatch):
    """A machine without Chromium, npm, torch and bubblewrap."""
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    monkeypatch.setattr(sandbox, "probe", lambda: NO_BWRAP)  # its cached answer stays true
    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda dist: None if dist == "torch" else real(dist))


def test_doctor_lists_every_need_once(capsys):
    main(["doctor"])
    out = capsys.readouterr().out
    for need in NEEDS:
        assert sum(line.startswith(need + " ") for line in out.splitlines()) == 1, need


def test_optional_pieces_missing_is_not_a_failure(capsys, no_optional, python3_kernel):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 0, out
    rows = {line.split("  ")[0]: line for line in out.splitlines()}
    optional = ("Chromium (book checks)", "npm (course book)", "torch (lesson 12)")
    for need in (*optional, "bubblewrap (for course grade)"):
        assert "optional, missing" in rows[need]
    assert "fix Chromium (book checks): sudo apt-get install chromium" in out
    assert "fix torch (lesson 12): " in out and "pip install torch" in out


def test_missing_kernel_fails_and_says_how_to_install_it(capsys, monkeypatch):
    monkeypatch.setattr(kernel, "installed_kernels", lambda: {"other": "/k/other"})
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert code == 1
    kernel_row = next(line for line in out.splitlines() if line.startswith("Jupyter kernel"))
    assert "MISSING" in kernel_row and "installed: other" in kernel_row
    assert "-m ipykernel install --user --name python3" in out
    assert "required but missing: Jupyter kernel 'python3'" in out


def test_missing_jupyterlab_fails(capsys, monkeypatch):
    real = doctor._version
    monkeypatch.setattr(doctor, "_version", lambda d: None if d == "jupyterlab" else real(d))
    assert main(["doctor"]) == 1
    assert 'pip install "jupyterlab>=4"' in capsys.readouterr().out


def rows(out: str) -> dict[str, str]:
    """The table's rows of ``course doctor``'s output, by need."""
    return {line.split("  ")[0]: line for line in out.splitlines()}


def test_bubblewrap_row_gives_its_version_where_the_sandbox_starts(capsys):
    if (problem := sandbox.probe()) is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"required under CI=true: {problem}")
        pytest.skip(problem)
    main(["doctor"])
    row = rows(capsys.readouterr().out)["bubblewrap (for course grade)"]
    assert "  ok  " in row
    assert "bubblewrap 0." in row and f"({sandbox.bwrap_path()})" in row


def test_bubblewrap_that_cannot_start_is_optional_and_names_the_problem_and_fix(
    capsys, monkeypatch, python3_kernel
):
    problem = "bubblewrap failed on this machine: bwrap: setting up uid map: Permission denied"
    monkeypatch.setattr(sandbox, "probe", lambda: problem)
    code = main(["doctor"])
    out = capsys.readouterr().out
    row = rows(out)["bubblewrap (for course grade)"]
    assert "optional, missing" in row and problem in row
    assert f"fix bubblewrap (for course grade): {doctor.BUBBLEWRAP_FIX}" in out
    assert "apt-get install bubblewrap" in out and "--sandbox none" in out
    assert code == 0 and "required but missing" not in out


@pytest.fixture
def fresh_probe():
    """sandbox.probe() asked again, before the test and after it (it caches its answer)."""
    sandbox.probe.cache_clear()
    yield
    sandbox.probe.cache_clear()


def test_bubblewrap_not_on_the_path_is_reported_missing(capsys, monkeypatch, fresh_probe):
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent))
    main(["doctor"])
    out = capsys.readouterr().out
    row = rows(out)["bubblewrap (for course grade)"]
    assert "optional, missing" in row and NO_BWRAP in row
    assert f"fix bubblewrap (for course grade): {doctor.BUBBLEWRAP_FIX}" in out


def test_doctor_starts_no_notebook_machinery():
    """The bubblewrap check imports course.grading.sandbox, not the grader's nbclient."""
    script = (
        "import sys; from course.cli import main; main(['doctor']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'nbclient', 'nbconvert'}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "bubblewrap (for course grade)" in done.stdout
    assert done.stdout.splitlines()[-1] == "[]"
