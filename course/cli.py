"""The ``course`` command: list, run, lab, release, grade, export, book, link and doctor.

Each sub-command lives in its own module, which adds its parser through ``register``.
Errors the user can fix (``CourseError``) are printed as one clear line with exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from course.errors import CourseError

#: modules that define a sub-command, in the order ``course --help`` lists them
COMMAND_MODULES = (
    "listing",
    "runner",
    "workspace",
    "release",
    "grading",
    "export",
    "book",
    "hub",
    "doctor",
)


class _Version(argparse.Action):
    """``--version``: ``course 0.1.0``, the version read from dlcore only when asked for (so
    ``course --help`` imports neither dlcore nor NumPy)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from dlcore import __version__

        print(f"course {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="course",
        description="Deep-learning fundamentals: lessons, workspace, homework and book.",
    )
    parser.add_argument("--version", action=_Version, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"course.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``course`` command; returns the process exit code.

    What follows the first ``--`` is kept apart as ``args.forwarded``, for the commands that
    pass it on to another program (``course lab -- --port 8890``); the others refuse it.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    forwarded: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, forwarded = argv[:cut], argv[cut + 1 :]
    parser = build_parser()
    args = parser.parse_args(argv)
    if forwarded and not getattr(args, "forwards", False):
        parser.error(f"course {args.command} takes no arguments after --: {' '.join(forwarded)}")
    args.forwarded = forwarded
    try:
        return int(args.func(args) or 0)
    except CourseError as exc:
        print(f"course {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"course {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
