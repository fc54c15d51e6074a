"""The sandbox a submission's kernel runs in: bubblewrap, no network, limits, no leftovers.

The grader stays outside. It starts the student's kernel inside ``bwrap`` and talks to it
over ZMQ ``ipc`` sockets in the submission's own scratch folder, the one folder the
sandbox may write. Inside, the file system holds only what a kernel needs, read-only: the
system (``/usr``, ``/etc``, ...), the Python environment (the venv and the interpreter it
points to) and the directories of the ``course`` and ``dlcore`` packages themselves, not
the folder they sit in (so not the course's ``notebooks/``). The home folder and ``/tmp``
are empty in-memory folders; the instructor notebooks, the other submissions, the grade
sheet and the feedback are not there at all.

The sandbox has its own network (loopback only), PID, IPC and UTS namespaces; it dies with
the grader process that started it (``--die-with-parent``), and when it dies the kernel
tears down its PID namespace, so every process the student started is gone. ``prlimit``
caps the address space, the size of a written file and the number of processes (the last
one is not enforced for root: the PID namespace and the time limit are what stop a fork
bomb there).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.errors import CourseError

#: the packages a kernel imports for the lessons and their checks
PACKAGES = ("course", "dlcore")
#: the instructor notebooks inside an installed ``course`` package (course.syllabus)
LESSONS_DIR = "_lessons"
#: system folders mounted read-only when they exist
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")
#: the entries of ``/etc`` a kernel needs (not all of it: no ``shadow``, no keys)
ETC = (
    "alternatives",
    "fonts",
    "group",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "nsswitch.conf",
    "passwd",
    "ssl",
)
#: the sandbox's empty home folder
HOME = "/tmp/home"


@dataclass(frozen=True)
class Limits:
    """What one sandboxed kernel may use: address space and written file size (bytes),
    number of processes of its user."""

    memory: int = 4 * 2**30
    file_size: int = 256 * 2**20
    processes: int = 512


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None."""
    return shutil.which("bwrap")


def package_dirs() -> list[Path]:
    """The directories of the packages a kernel needs, as this interpreter imports them."""
    found = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise CourseError(f"cannot find the {name!r} package to mount in the sandbox")
        found.extend(Path(p).resolve() for p in spec.submodule_search_locations)
    return found


def hidden_dirs() -> list[Path]:
    """Folders inside the mounted packages that a submission must not read: the lessons an
    installed wheel carries (``course/_lessons``, the instructor notebooks)."""
    return [folder / LESSONS_DIR for folder in package_dirs() if (folder / LESSONS_DIR).is_dir()]


def python_dirs() -> list[Path]:
    """The Python environment: the venv and the installation its interpreter comes from."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    dirs.add(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(dirs)


def command(inner: list[str], workdir: Path, limits: Limits) -> list[str]:
    """``inner`` run in a sandbox whose only writable folder is ``workdir``."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise CourseError("bubblewrap (bwrap) is not installed")
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    for folder in SYSTEM_DIRS:
        if os.path.lexists(folder):
            kind = "--ro-bind" if not os.path.islink(folder) else "--symlink"
            target = os.readlink(folder) if kind == "--symlink" else folder
            args += [kind, target, folder]
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", HOME]
    for folder in python_dirs():
        args += ["--ro-bind", str(folder), str(folder)]
    for folder in package_dirs():
        args += ["--ro-bind", str(folder), str(folder)]
    for folder in hidden_dirs():
        args += ["--tmpfs", str(folder)]  # mounted over, after the binds that hold it
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir), "--clearenv"]
    python_path = os.pathsep.join(dict.fromkeys(str(p.parent) for p in package_dirs()))
    env = {
        "HOME": HOME,
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "PYTHONPATH": python_path,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "VIRTUAL_ENV": sys.prefix,
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    prlimit = [
        "prlimit",
        f"--as={limits.memory}",
        f"--fsize={limits.file_size}",
        f"--nproc={limits.processes}",
        "--",
    ]
    return [*args, "--", *prlimit, *inner]


@functools.cache
def probe() -> str | None:
    """Why isolation is unavailable on this machine, or None when a sandbox starts."""
    if bwrap_path() is None:
        return "bubblewrap (bwrap) is not installed"
    if shutil.which("prlimit") is None:
        return "prlimit (util-linux) is not installed"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="course-probe-") as tmp:
        inner = [sys.executable, "-c", "import course, dlcore"]
        try:
            done = subprocess.run(
                command(inner, Path(tmp), Limits()), capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired, CourseError) as exc:
            return f"bubblewrap did not start: {exc}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap failed on this machine: {last}"
    return None
