"""``course lab``: the learner's workspace, and JupyterLab started in it.

The workspace holds the learner's edition of every ready lesson (answers stubbed, hidden
tests removed, test cells tagged ``raises-exception`` so that Run All runs every cell with
the exercises unanswered). It belongs to the learner: a file already there is never overwritten, so
running ``course lab`` again only adds lessons that are new.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import secrets
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from course.editions import learner_edition, read_notebook
from course.errors import CourseError
from course.kernel import check_kernel
from course.lessons import add_root_option, ready_lessons, root_of
from course.syllabus import Lesson

#: the workspace ``course lab`` makes when no folder is given
DEFAULT_WORKSPACE = "dl-course-work"


def write_new(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` atomically unless ``path`` exists; True when written.

    The bytes go to a temporary file in the same folder, which is then linked into place:
    a reader never sees half a file, and an existing file is never truncated or replaced.
    """
    if path.exists():
        return False
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode as umask allows
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)  # fails, rather than replaces, if the file appeared meanwhile
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: rename instead
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def learner_copy(lesson: Lesson, root: Path) -> bytes:
    """The learner's edition of ``lesson``, serialised as the notebook file's bytes."""
    import nbformat

    text = nbformat.writes(learner_edition(read_notebook(root / lesson.notebook)))
    return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def make_workspace(dest: Path, root: Path, lessons: Sequence[Lesson]) -> list[str]:
    """Add the learner's edition of each lesson to ``dest``, keeping every file already there.

    Returns one line per lesson: ``added NN_slug.ipynb`` or ``kept NN_slug.ipynb (...)``.
    """
    if dest.exists() and not dest.is_dir():
        raise CourseError(f"workspace {dest} exists and is not a folder")
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CourseError(f"cannot create the workspace {dest}: {exc.strerror}") from exc
    report = []
    for lesson in lessons:
        name = Path(lesson.notebook).name
        if write_new(dest / name, learner_copy(lesson, root)):
            report.append(f"added {name}")
        else:
            report.append(f"kept {name} (yours, not changed)")
    return report


def running_as_root() -> bool:
    """True when the effective user is root (a container, a cloud VM, a CI runner)."""
    return hasattr(os, "geteuid") and os.geteuid() == 0


def lab_command(
    no_browser: bool = False, forwarded: Sequence[str] = (), allow_root: bool = False
) -> list[str]:
    """The command that starts JupyterLab with this interpreter.

    ``forwarded`` (what follows ``--`` on the command line) goes to JupyterLab as it is;
    ``allow_root`` adds ``--allow-root``, without which JupyterLab refuses to run as root.
    Kernels get Curve-encrypted transport where the kernel supports it (see course.kernel).
    """
    from course.kernel import kernel_config

    command = [sys.executable, "-m", "jupyterlab", *(["--no-browser"] if no_browser else [])]
    if allow_root and "--allow-root" not in forwarded:
        command.append("--allow-root")
    for section, traits in kernel_config().items():
        command += [f"--{section}.{name}={value}" for name, value in traits.items()]
    return [*command, *forwarded]


def _run(args: argparse.Namespace) -> int:
    root = root_of(args)
    dest = Path(args.dir).expanduser().resolve()
    for line in make_workspace(dest, root, ready_lessons(root)):
        print(line)
    print(f"workspace: {dest}")
    if args.dry_run:
        print("dry run: JupyterLab not started")
        return 0
    if importlib.util.find_spec("jupyterlab") is None:
        raise CourseError("JupyterLab is not installed; install it with: pip install jupyterlab")
    check_kernel()
    as_root = running_as_root()
    if as_root:
        print("running as root: passing --allow-root to JupyterLab")
    return subprocess.call(lab_command(args.no_browser, args.forwarded, as_root), cwd=dest)


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``course lab``."""
    parser = sub.add_parser(
        "lab",
        help="make your workspace of exercises and open it in JupyterLab",
        description="Copy every ready lesson, answers replaced by stubs, into DIR (files "
        "already there are kept as they are), then start JupyterLab in DIR. Arguments after "
        "-- go to JupyterLab: course lab -- --port 8890 --ip 0.0.0.0",
        usage="course lab [-h] [DIR] [--no-browser] [--dry-run] [--root DIR] "
        "[-- JUPYTERLAB_ARGS ...]",
    )
    parser.add_argument(
        "dir",
        nargs="?",
        default=DEFAULT_WORKSPACE,
        metavar="DIR",
        help=f"the workspace folder (default: ./{DEFAULT_WORKSPACE})",
    )
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    parser.add_argument(
        "--dry-run", action="store_true", help="make the workspace but start nothing"
    )
    add_root_option(parser)
    parser.set_defaults(func=_run, forwards=True)
