"""``course doctor``: one table of needs, a fix for each missing piece, exit 1 when required."""

from __future__ import annotations

import pytest

from course import doctor, kernel
from course.cli import main

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
)


@pytest.fixture
def no_optional(monkeypatch):
    """A machine without Chromium, npm and torch."""
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
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
    for need in ("Chromium (book checks)", "npm (course book)", "torch (lesson 12)"):
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
