"""The course as a newcomer installs it: sdist -> wheel -> a fresh virtual environment.

The sdist is built from a copy of the repository's packaged files, the wheel from the
unpacked sdist (as ``pip install`` from PyPI would), and the wheel is installed without its
dependencies into a new venv that sees this environment's packages but not the course: the
``course`` it runs comes from the wheel. Every command then runs from a folder outside the
repository. Nothing is downloaded.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from lab_util import course_lab, jupyter_env

from course import syllabus

ROOT = Path(__file__).resolve().parents[2]
READY = [Path(lesson.notebook).name for lesson in syllabus.ready(ROOT)]
#: what the sdist is made of (the rest of the repository is not packaged)
PACKAGED = ("pyproject.toml", "README.md", "LICENSE", "course", "dlcore", "notebooks")
_JUNK = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

pytestmark = pytest.mark.slow


def _python(*args: str, cwd: Path, python: str = sys.executable, **kw) -> str:
    done = subprocess.run(
        [python, *args], cwd=cwd, capture_output=True, text=True, timeout=600, **kw
    )
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def _copy_packaged(dest: Path) -> Path:
    """A copy of the files the sdist is made of, in ``dest``."""
    dest.mkdir()
    for name in PACKAGED:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=_JUNK)
        else:
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _make_venv(path: Path) -> Path:
    """A fresh venv at ``path`` that sees this environment's packages but not its course.

    A path in a .pth file is only appended to ``sys.path`` (the .pth files in it are not
    run), so this environment's editable install of the course is not loaded.
    """
    _python("-m", "venv", "--system-site-packages", str(path), cwd=path.parent)
    code = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = _python("-c", code, cwd=path, python=str(path / "bin" / "python")).strip()
    (Path(site) / "outer_env.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return path


def _pip_install(venv: Path, *args: str) -> None:
    _python("-m", "pip", "install", "--no-deps", "--no-index", "--no-build-isolation", "-q",
            *args, cwd=venv, python=str(venv / "bin" / "python"), env=_env(venv))  # fmt: skip


@pytest.fixture(scope="module")
def dists(tmp_path_factory) -> tuple[Path, Path]:
    """The sdist and the wheel built from it, with setuptools from this environment."""
    base = tmp_path_factory.mktemp("dists")
    src = _copy_packaged(base / "src")
    build = "import sys, setuptools.build_meta as b; print(b.build_sdist(sys.argv[1]))"
    sdist = base / "dist" / _python("-c", build, str(base / "dist"), cwd=src).split()[-1]
    with tarfile.open(sdist) as tar:
        tar.extractall(base / "unpacked", filter="data")
    (unpacked,) = (base / "unpacked").iterdir()
    _python(
        "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
        "-w", str(base / "dist"), str(unpacked), cwd=base,
    )  # fmt: skip
    (wheel,) = (base / "dist").glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def venv(tmp_path_factory, dists) -> Path:
    """A fresh venv with the wheel installed."""
    path = _make_venv(tmp_path_factory.mktemp("venv") / "venv")
    _pip_install(path, str(dists[1]))
    return path


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env


def _course(venv: Path, cwd: Path, *args: str, code: int | None = 0) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [str(venv / "bin" / "course"), *args],
        cwd=cwd,
        env=_env(venv),
        capture_output=True,
        text=True,
        timeout=600,
    )
    report = f"course {args}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert code is None or done.returncode == code, report
    return done


def test_sdist_and_wheel_carry_the_one_notebooks_folder(dists):
    sdist, wheel = dists
    with tarfile.open(sdist) as tar:
        in_sdist = {name.split("/", 1)[-1] for name in tar.getnames()}
    with zipfile.ZipFile(wheel) as whl:
        in_wheel = set(whl.namelist())
    assert READY
    for name in READY:
        assert f"notebooks/{name}" in in_sdist
        assert f"course/_lessons/notebooks/{name}" in in_wheel
    modules = {
        path.relative_to(ROOT).as_posix()
        for package in ("course", "dlcore")
        for path in (ROOT / package).rglob("*.py")
    }
    assert modules <= in_wheel, f"missing from pyproject's packages list: {modules - in_wheel}"


def test_commands_from_the_wheel_work_outside_the_repository(venv, tmp_path, python3_kernel):
    where = _python("-c", "import course; print(course.__file__)", cwd=tmp_path,
                    python=str(venv / "bin" / "python"), env=_env(venv)).strip()  # fmt: skip
    assert Path(where).is_relative_to(venv), where
    package = Path(where).parent
    installed = {p for p in package.rglob("*") if "__pycache__" not in p.parts}

    listed = _course(venv, tmp_path, "list").stdout
    assert f"{len(READY)} ready" in listed

    # the exit code depends on this environment (the widgets extension lives in its share/)
    doctor = _course(venv, tmp_path, "doctor", code=None).stdout
    lessons_row = next(line for line in doctor.splitlines() if line.startswith("the lessons"))
    assert f"{len(READY)} ready" in lessons_row and "(installed package)" in lessons_row

    made = _course(venv, tmp_path, "lab", "work", "--dry-run").stdout
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == sorted(READY), made

    run = _course(venv, tmp_path, "run", "1", "--no-progress")
    assert "1 of 1 notebook(s) ran without error" in run.stdout
    assert (tmp_path / "build" / "executed" / READY[0]).is_file()
    assert "without encryption" not in run.stdout + run.stderr

    _course(venv, tmp_path, "release", "3", "--out", "release")
    released = tmp_path / "release" / "03_perceptron.ipynb"
    assert released.is_file() and (tmp_path / "release" / "release.json").is_file()
    (tmp_path / "submitted" / "alice").mkdir(parents=True)
    shutil.copy(released, tmp_path / "submitted" / "alice")
    _course(venv, tmp_path, "grade", "submitted", "--lesson", "3", "--out", "grades.csv",
            "--jobs", "1")  # fmt: skip
    with (tmp_path / "grades.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["student"] for row in rows] == ["alice"]

    book = _course(venv, tmp_path, "book", code=2)
    assert "the book builds from a clone of the course repository" in book.stderr

    env = jupyter_env(tmp_path / "jupyter", _env(venv))
    course = [str(venv / "bin" / "course")]
    with course_lab(course, tmp_path / "work", tmp_path, env, tmp_path / "lab.log") as lab:
        assert lab.api("/api/status")["started"]
    after = {p for p in package.rglob("*") if "__pycache__" not in p.parts}
    assert after == installed, f"written into the installed package: {after - installed}"


def test_editable_install_reads_the_lessons_of_its_clone(tmp_path):
    clone = _copy_packaged(tmp_path / "clone")
    venv = _make_venv(tmp_path / "venv")
    _pip_install(venv, "-e", str(clone))
    code = "import course, course.syllabus as s; print(course.__file__); print(s.course_root())"
    where, root = _python("-c", code, cwd=tmp_path, python=str(venv / "bin" / "python"),
                          env=_env(venv)).split()  # fmt: skip
    assert Path(where).is_relative_to(clone) and Path(root) == clone
    assert f"{len(READY)} ready" in _course(venv, tmp_path, "list").stdout
