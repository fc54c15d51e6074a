"""Files grading reads from students and writes for the teacher: regular files only, bounded.

A class's submissions are found in its folder (:func:`find_submissions`: one folder or one
file per student). A submission is read only if it is a regular file (not a symlink, a
device or a FIFO) and no larger than a limit; the grade sheet and the feedback go only
where no notebook, no submission and nothing of the course can be overwritten.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from course.errors import CourseError

#: the largest submitted notebook read, in bytes
NOTEBOOK_BYTES = 32 * 2**20


def find_submissions(directory: str | Path, notebook: str) -> dict[str, Path | None]:
    """Each student's submitted notebook (``None`` when missing), sorted by student.

    A student is a folder ``directory/<student>/`` holding ``notebook``, or a file
    ``directory/<student>.ipynb``. Hidden folders are ignored; any other ``*.ipynb``
    spelling (``x.IPYNB``, ``.x.ipynb``) counts as the student's too, so it is reported
    rather than skipped. A student with two notebooks is a CourseError naming both.
    ``directory`` may also be one submitted notebook: a class of one.
    """
    directory = Path(directory)
    if directory.is_file() and not directory.is_symlink():
        return {_student_of_file(directory, notebook): directory}
    if not directory.is_dir():
        raise CourseError(
            f"submissions not found: {directory} is neither a folder of submissions nor a "
            "notebook (.ipynb)"
        )
    found: dict[str, Path | None] = {}
    for entry in sorted(directory.iterdir()):
        is_notebook = entry.name.lower().endswith(".ipynb") and not entry.is_dir()
        if entry.name.startswith(".") and not is_notebook:
            continue
        if entry.is_dir() and not entry.is_symlink():
            student, path = entry.name, _student_notebook(entry, notebook)
        elif is_notebook:
            student, path = entry.name.lstrip(".")[: -len(".ipynb")], entry
        else:
            continue
        if student in found:
            raise CourseError(
                f"two submissions for student {student!r} in {directory}: {found[student]} "
                f"and {path}; keep one"
            )
        found[student] = path
    if not found:
        raise CourseError(
            f"no submissions in {directory}: expected <student>/{notebook} folders "
            "or <student>.ipynb files"
        )
    return found


def _student_of_file(path: Path, notebook: str) -> str:
    """The student of one submitted file: its folder's name for ``<student>/<notebook>``,
    else the file's name without ``.ipynb``. A file that is not a notebook is refused."""
    if not path.name.lower().endswith(".ipynb"):
        raise CourseError(f"{path} is not a notebook (expected a .ipynb file or a folder)")
    if path.name.lower() == notebook.lower():
        return path.resolve().parent.name
    return path.name.lstrip(".")[: -len(".ipynb")]


def submissions_folder(submissions: str | Path) -> Path:
    """The folder grading must not write into: the submissions folder, or the folder of
    the one submitted notebook."""
    submissions = Path(submissions)
    return submissions.parent if submissions.is_file() else submissions


def _student_notebook(folder: Path, notebook: str) -> Path | None:
    """``folder/notebook``, else the one file of the folder spelling its name differently."""
    exact = folder / notebook
    if os.path.lexists(exact):
        return exact
    wanted = notebook.lower()
    variants = [p for p in sorted(folder.iterdir()) if p.name.lstrip(".").lower() == wanted]
    return variants[0] if variants else None


class NotRegular(OSError):
    """The path is a symlink, a device, a FIFO or a folder, or is too large."""


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes.

    Opened without following a symlink and without blocking on a FIFO; the size is checked
    on the open file and the read is bounded, so a file growing meanwhile is cut, not read.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise NotRegular(f"{Path(path).name} is a symbolic link, not a file") from None
        raise exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(f"{Path(path).name} is not a regular file")
        if info.st_size > limit:
            raise NotRegular(f"{Path(path).name} is larger than {limit} bytes")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise NotRegular(f"{Path(path).name} is larger than {limit} bytes")
    return data


def overwrite(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, replacing what a file there held (a regrading rewrites its
    sheet and pages), and never through a symlink that stands in its place.

    Not :func:`course.workspace.write_new`, which never replaces a file (a learner's copy).
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_outputs(
    out: Path, feedback: Path | None, forbidden: dict[str, Path], notebooks: list[Path]
) -> None:
    """Refuse an ``--out`` or ``--feedback`` that would overwrite what grading reads.

    Neither may lie inside a folder of ``forbidden`` (the course, the submissions, by what
    they are), nor be
    one of the ``notebooks``; ``--out`` must be a file in a writable folder and
    ``--feedback`` a folder (or nothing yet). Checked before the first notebook runs.
    """
    targets = [("--out", out)] + ([("--feedback", feedback)] if feedback is not None else [])
    for option, target in targets:
        resolved = target.resolve()
        for what, folder in forbidden.items():
            if _inside(resolved, folder.resolve()):
                raise CourseError(f"{option} {target} is inside {what} {folder}")
        for notebook in notebooks:
            if resolved == notebook.resolve() or _inside(notebook.resolve(), resolved):
                raise CourseError(f"{option} {target} would overwrite the notebook {notebook}")
    if out.is_symlink() or (out.exists() and not out.is_file()):
        raise CourseError(f"--out {out} is not a regular file (expected the CSV to write)")
    for target in (out.resolve().parent, *([feedback.resolve()] if feedback else [])):
        existing: Path | None = target
        while existing is not None and not existing.exists():
            existing = existing.parent
        if existing is not None and not (existing.is_dir() and os.access(existing, os.W_OK)):
            raise CourseError(f"cannot write into {target}: {existing} is not a writable folder")
    if feedback is not None and (
        feedback.is_symlink() or (feedback.exists() and not feedback.is_dir())
    ):
        raise CourseError(f"--feedback {feedback} is not a folder")
