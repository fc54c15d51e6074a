"""Lesson names: the one place a user's lesson argument becomes a lesson and its notebook.

Every ``course`` command that takes lessons (run, release, grade) and every one that works on
the ready lessons (list, lab, book) goes through this module, so they accept the same names,
refuse the same ones and say so with the same message (the lookup by name is
:func:`course.syllabus.get`). A lesson is named by

- its number, as ``3`` or ``03``;
- its slug, ``perceptron``, or both, ``03_perceptron``;
- its notebook's file name, ``x/03_perceptron.ipynb`` (the folder is not read);
- or, for any notebook, the path of an existing ``.ipynb`` file, which is used as it is.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from course import syllabus
from course.errors import CourseError
from course.syllabus import Lesson

#: how every command's help describes a lesson argument
LESSON_HELP = "a lesson number, slug or both (3, 03, perceptron, 03_perceptron) or a notebook path"


@dataclass(frozen=True)
class LessonNotebook:
    """A notebook a command works on: its path and, when it is one, its syllabus lesson."""

    path: Path
    lesson: Lesson | None = None

    @property
    def label(self) -> str:
        """How messages name it: ``lesson 03 (The perceptron)``, else the file's name."""
        if self.lesson is None:
            return self.path.name
        return f"lesson {self.lesson.id} ({self.lesson.title})"


def add_root_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--root DIR``: the course repository that holds ``notebooks/``."""
    parser.add_argument(
        "--root",
        metavar="DIR",
        type=Path,
        default=None,
        help="the course repository holding notebooks/ (default: the one installed)",
    )


def checked_root(root: str | Path | None) -> Path | None:
    """``root`` made absolute, or None when not given; ``CourseError`` if it lacks notebooks/."""
    if root is None:
        return None
    root = Path(root).expanduser().resolve()
    if not (root / syllabus.NOTEBOOK_DIR).is_dir():
        raise CourseError(f"--root: {root} has no {syllabus.NOTEBOOK_DIR}/ directory")
    return root


def root_of(args: argparse.Namespace) -> Path:
    """The course root given with ``--root``, else the installed course's root."""
    return checked_root(args.root) or syllabus.course_root()


def planned_lesson(lesson: Lesson, root: Path) -> CourseError:
    """The error for a lesson of the syllabus whose notebook is not written yet."""
    return CourseError(
        f"lesson {lesson.id} ({lesson.slug}) is planned: {root / lesson.notebook} does not "
        "exist yet; `course list` shows the ready ones"
    )


def notebook_of(lesson: Lesson, root: Path) -> Path:
    """The notebook of ``lesson`` under the course ``root``; ``CourseError`` if it is planned."""
    if lesson.status(root) != "ready":
        raise planned_lesson(lesson, root)
    return root / lesson.notebook


def resolve(key: str, root: Path | None = None) -> LessonNotebook:
    """The notebook named by ``key``: an existing ``.ipynb`` path, or a lesson under ``root``.

    ``root`` defaults to the installed course's root, looked up only when ``key`` is a
    lesson name. Raises ``CourseError`` for an unknown or a planned lesson.
    """
    text = str(key).strip()
    path = Path(text).expanduser()
    if text.endswith(".ipynb") and path.is_file():
        try:
            lesson = syllabus.get(path.name)
        except CourseError:
            lesson = None
        return LessonNotebook(path.resolve(), lesson)
    lesson = syllabus.get(text)
    return LessonNotebook(notebook_of(lesson, root or syllabus.course_root()), lesson)


def ready_lessons(root: Path) -> list[Lesson]:
    """The lessons whose notebooks exist under ``root``; ``CourseError`` when there is none."""
    lessons = syllabus.ready(root)
    if not lessons:
        raise CourseError(f"no lesson is ready yet: {root / syllabus.NOTEBOOK_DIR} is empty")
    return lessons


def resolve_all(keys: Sequence[str], root: Path | None = None) -> list[LessonNotebook]:
    """The notebooks named by ``keys``, each once, in order; every ready lesson when empty."""
    if not keys:
        root = root or syllabus.course_root()
        return [LessonNotebook(root / les.notebook, les) for les in ready_lessons(root)]
    found = [resolve(key, root) for key in keys]
    return list({notebook.path: notebook for notebook in found}.values())
