"""``course list``: the syllabus with each lesson's status, and choosing lessons by name."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from course import syllabus
from course.errors import CourseError
from course.syllabus import Lesson


def add_root_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--root DIR``: the course repository that holds ``notebooks/``."""
    parser.add_argument(
        "--root",
        metavar="DIR",
        type=Path,
        default=None,
        help="the course repository holding notebooks/ (default: the one installed)",
    )


def root_of(args: argparse.Namespace) -> Path:
    """The course root given with ``--root``, else the installed clone's root."""
    if args.root is None:
        return syllabus.course_root()
    root = args.root.expanduser().resolve()
    if not (root / syllabus.NOTEBOOK_DIR).is_dir():
        raise CourseError(f"--root: {root} has no {syllabus.NOTEBOOK_DIR}/ directory")
    return root


def select(keys: Sequence[str], root: Path) -> list[Lesson]:
    """The lessons named by ``keys`` (numbers or slugs), or every ready lesson when empty.

    Raises ``CourseError`` for an unknown lesson, a planned one, or when none is ready.
    """
    if not keys:
        lessons = syllabus.ready(root)
        if not lessons:
            raise CourseError(f"no lesson is ready yet: {root / syllabus.NOTEBOOK_DIR} is empty")
        return lessons
    lessons = [syllabus.get(key) for key in keys]
    for lesson in lessons:
        if lesson.status(root) != "ready":
            raise CourseError(
                f"lesson {lesson.id} ({lesson.slug}) is planned: {lesson.notebook} does not "
                "exist yet; `course list` shows the ready ones"
            )
    return list(dict.fromkeys(lessons))


def table(root: Path) -> str:
    """The syllabus as a text table: number, title, status and notebook path."""
    rows = [("#", "title", "status", "notebook")]
    rows += [(les.id, les.title, les.status(root), les.notebook) for les in syllabus.LESSONS]
    width = [max(len(row[i]) for row in rows) for i in range(3)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cells[i].ljust(width[i]) for i in range(3)) + "  " + cells[3]

    rule = [*("-" * w for w in width), "-" * len(rows[0][3])]
    n_ready = sum(row[2] == "ready" for row in rows[1:])
    summary = f"\n{n_ready} ready, {len(rows) - 1 - n_ready} planned"
    return "\n".join([line(rows[0]), line(rule), *map(line, rows[1:]), summary])


def _run(args: argparse.Namespace) -> int:
    print(table(root_of(args)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``course list``."""
    parser = sub.add_parser(
        "list",
        help="show the syllabus and which lessons are ready",
        description="Show every lesson of the syllabus: number, title, status, notebook.",
    )
    add_root_option(parser)
    parser.set_defaults(func=_run)
