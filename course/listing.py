"""``course list``: the syllabus with each lesson's status."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from course import syllabus
from course.lessons import add_root_option, root_of


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
