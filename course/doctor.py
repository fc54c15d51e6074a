"""``course doctor``: what the course needs next to what this machine has.

One row per need: the Python version, the lessons, the ``python3`` kernel, JupyterLab and
the ipywidgets extension, numpy and its BLAS, and the optional pieces (Chromium and npm for
the book, torch for lesson 12, bubblewrap for the sandbox of ``course grade``). A missing
piece comes with the command that installs it; the exit code is 1 when a required one is
missing.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from course import kernel, syllabus
from course.errors import CourseError

#: the oldest Python the course supports (``requires-python`` in pyproject.toml)
MIN_PYTHON = (3, 10)
#: the JupyterLab extension that renders widgets, under a ``labextensions`` folder
WIDGETS_EXTENSION = "@jupyter-widgets/jupyterlab-manager"
#: the Chromium executables the book's browser checks look for, in order
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: how to get a sandbox for ``course grade``, or do without one
BUBBLEWRAP_FIX = (
    "apt-get install bubblewrap (Debian/Ubuntu), or grade with --sandbox none inside a "
    "container (see the teachers' guide)"
)


@dataclass(frozen=True)
class Check:
    """One need: what it is, what the machine has, and how to fix it when it is missing."""

    need: str
    have: str
    ok: bool
    required: bool = True
    fix: str = ""


def _version(dist: str) -> str | None:
    """The installed version of distribution ``dist``, or None (nothing is imported)."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def check_python() -> Check:
    """Python ``MIN_PYTHON`` or newer."""
    have = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    need = f"Python >= {'.'.join(map(str, MIN_PYTHON))}"
    return Check(need, f"{have} ({sys.executable})", ok, fix="install Python 3.10 or newer")


def check_lessons() -> Check:
    """The instructor notebooks, in a clone or inside the installed package."""
    try:
        root = syllabus.course_root()
    except CourseError as exc:
        return Check("the lessons", str(exc), False, fix="pip install --force-reinstall <wheel>")
    where = "installed package" if syllabus.is_installed(root) else "clone"
    n_ready = len(syllabus.ready(root))
    have = f"{n_ready} ready in {root / syllabus.NOTEBOOK_DIR} ({where})"
    return Check("the lessons", have, n_ready > 0, fix="pip install -e . (from a clone)")


def check_kernel() -> Check:
    """The Jupyter kernel the lessons name."""
    name = kernel.DEFAULT_KERNEL
    found = kernel.installed_kernels()
    have = found.get(name, "missing (installed: " + (", ".join(sorted(found)) or "none") + ")")
    fix = f"{sys.executable} -m ipykernel install --user --name {name}"
    return Check(f"Jupyter kernel '{name}'", have, name in found, fix=fix)


def check_jupyterlab() -> Check:
    """JupyterLab 4, for ``course lab``."""
    version = _version("jupyterlab")
    ok = version is not None and int(version.split(".")[0]) >= 4
    fix = f'{sys.executable} -m pip install "jupyterlab>=4"'
    return Check("JupyterLab >= 4", version or "missing", ok, fix=fix)


def check_widgets() -> Check:
    """ipywidgets and its JupyterLab extension (``@jupyter-widgets/jupyterlab-manager``)."""
    from jupyter_core.paths import jupyter_path

    have = {dist: _version(dist) for dist in ("ipywidgets", "jupyterlab_widgets")}
    extension = any(
        (Path(folder) / WIDGETS_EXTENSION).is_dir() for folder in jupyter_path("labextensions")
    )
    text = ", ".join(f"{dist} {version or 'missing'}" for dist, version in have.items())
    text += "; lab extension " + ("installed" if extension else "missing")
    fix = f'{sys.executable} -m pip install --force-reinstall "ipywidgets>=8" jupyterlab_widgets'
    ok = all(have.values()) and extension
    return Check("ipywidgets + JupyterLab extension", text, ok, fix=fix)


def check_numpy() -> Check:
    """numpy, and the BLAS its matrix products run on (read with threadpoolctl)."""
    version = _version("numpy")
    fix = f'{sys.executable} -m pip install "numpy>=1.24" threadpoolctl'
    if version is None:
        return Check("numpy and its BLAS", "numpy missing", False, fix=fix)
    try:
        import numpy  # noqa: F401  (loads the BLAS so that threadpoolctl can see it)
        from threadpoolctl import threadpool_info
    except ImportError as exc:
        return Check("numpy and its BLAS", f"numpy {version}; {exc}", False, fix=fix)
    blas = [
        f"{lib.get('internal_api')} {lib.get('version') or ''} ({lib.get('num_threads')} threads)"
        for lib in threadpool_info()
        if lib.get("user_api") == "blas"
    ]
    have = f"numpy {version}; {'; '.join(blas) or 'no BLAS found'}"
    return Check("numpy and its BLAS", have, True)


def check_chromium() -> Check:
    """Chromium, for the book's browser checks (optional)."""
    found = next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)
    fix = "sudo apt-get install chromium (Debian), or: bash .ci/install-browser.sh"
    return Check("Chromium (book checks)", found or "missing", bool(found), False, fix)


def check_npm() -> Check:
    """npm, which ``course book`` runs once to fetch MathJax and the widget manager (optional)."""
    npm = shutil.which("npm")
    fix = "sudo apt-get install npm (Debian), or install Node.js from nodejs.org"
    if npm is None:
        return Check("npm (course book)", "missing", False, False, fix)
    done = subprocess.run([npm, "--version"], capture_output=True, text=True, check=False)
    return Check("npm (course book)", f"{done.stdout.strip()} ({npm})", done.returncode == 0, False)


def check_torch() -> Check:
    """torch, for lesson 12's comparison with dlcore (optional; not imported here: it is slow)."""
    version = _version("torch")
    fix = f"{sys.executable} -m pip install torch --index-url https://download.pytorch.org/whl/cpu"
    return Check("torch (lesson 12)", version or "missing", version is not None, False, fix)


def check_bubblewrap() -> Check:
    """bubblewrap, the sandbox ``course grade`` runs each submission in (optional: only
    grading needs it), tried with the probe grading itself runs (``sandbox.probe``)."""
    from course.grading import sandbox  # cheap: no Jupyter machinery

    need = "bubblewrap (for course grade)"
    problem = sandbox.probe()
    bwrap = sandbox.bwrap_path()
    if problem is not None or bwrap is None:
        return Check(need, problem or "missing", False, False, BUBBLEWRAP_FIX)
    done = subprocess.run([bwrap, "--version"], capture_output=True, text=True, check=False)
    return Check(need, f"{done.stdout.strip()} ({bwrap})", True, False)


#: every check, in the order the table lists them
CHECKS: tuple[Callable[[], Check], ...] = (
    check_python,
    check_lessons,
    check_kernel,
    check_jupyterlab,
    check_widgets,
    check_numpy,
    check_chromium,
    check_npm,
    check_torch,
    check_bubblewrap,
)


def status(check: Check) -> str:
    """``ok``, ``MISSING`` (required) or ``optional, missing``."""
    if check.ok:
        return "ok"
    return "MISSING" if check.required else "optional, missing"


def table(checks: list[Check]) -> str:
    """The checks as a text table, then one ``fix:`` line per missing piece."""
    rows = [("need", "status", "this machine")]
    rows += [(check.need, status(check), check.have) for check in checks]
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"{row[0].ljust(width[0])}  {row[1].ljust(width[1])}  {row[2]}" for row in rows]
    lines.insert(1, f"{'-' * width[0]}  {'-' * width[1]}  {'-' * len(rows[0][2])}")
    fixes = [f"fix {check.need}: {check.fix}" for check in checks if not check.ok and check.fix]
    return "\n".join(lines + ([""] + fixes if fixes else []))


def _run(args: argparse.Namespace) -> int:
    checks = [check() for check in CHECKS]
    print(table(checks))
    missing = [check.need for check in checks if check.required and not check.ok]
    if missing:
        print(f"\nrequired but missing: {', '.join(missing)}")
        return 1
    optional = "Chromium, npm, torch and bubblewrap are optional"
    print(f"\neverything the lessons need is here ({optional})")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``course doctor``."""
    parser = sub.add_parser(
        "doctor",
        help="check what the course needs on this machine, with the command for what is missing",
        description="One table of what the course needs (Python, the python3 kernel, "
        "JupyterLab, ipywidgets, numpy and its BLAS; optional: Chromium, npm, torch, bubblewrap) "
        "and what this machine has. Exit code 1 when a required piece is missing.",
    )
    parser.set_defaults(func=_run)
