"""``course export``: a grade sheet as the gradebook files Canvas and Moodle import.

The roster maps each student of the sheet to their LMS identities
(:mod:`course.grading.lms`). A roster student without a row on the sheet gets 0 and is
listed; a sheet student not on the roster is left out, with a warning. Neither output may
be the sheet or the roster, and neither is written through a symlink.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from course.errors import CourseError


def _run(args: argparse.Namespace) -> int:
    from course.grading.files import overwrite
    from course.grading.lms import canvas_csv, gradebook, moodle_csv, read_roster, read_totals
    from course.grading.report import visible

    targets = {"--canvas": args.canvas, "--moodle": args.moodle}
    if not any(targets.values()):
        raise CourseError("nothing to write: give --canvas FILE, --moodle FILE or both")
    if args.canvas and args.moodle and args.canvas.resolve() == args.moodle.resolve():
        raise CourseError(f"--canvas and --moodle are the same file {args.canvas}")
    inputs = {args.sheet.resolve(): "the grade sheet", args.roster.resolve(): "the roster"}
    for option, target in targets.items():
        if target is None:
            continue
        if target.resolve() in inputs:
            raise CourseError(f"{option} {target} would overwrite {inputs[target.resolve()]}")
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise CourseError(f"{option} {target} is not a regular file (expected a CSV to write)")
    totals, points = read_totals(args.sheet)
    book = gradebook(totals, read_roster(args.roster))
    assignment = args.assignment if args.assignment is not None else args.sheet.stem
    texts = {
        args.canvas: canvas_csv(book, assignment, points) if args.canvas else None,
        args.moodle: moodle_csv(book, assignment, args.moodle_id) if args.moodle else None,
    }
    for target, text in texts.items():
        if target is not None and text is not None:
            try:
                overwrite(target, text.encode("utf-8"))
            except OSError as exc:
                raise CourseError(f"cannot write {target}: {exc.strerror or exc}") from None
            print(f"wrote {target}: {len(book.rows)} students, {assignment!r} out of {points:g}")
    if book.absent:
        print(
            f"{len(book.absent)} on the roster without a row on the sheet, given 0: "
            + ", ".join(visible(s) for s in book.absent)
        )
    if book.unrostered:
        print(
            f"warning: {len(book.unrostered)} on the sheet but not on the roster, left out: "
            + ", ".join(visible(s) for s in book.unrostered),
            file=sys.stderr,
        )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``export`` sub-command."""
    parser = sub.add_parser(
        "export",
        help="write a grade sheet as the CSV files Canvas and Moodle import",
        description="Read the grade sheet of course grade and a roster CSV (a student column, "
        "then any of name, id, sis_user_id, sis_login_id, section, email, username) and write "
        "Canvas's gradebook import file and/or a Moodle grade import file, in points.",
    )
    parser.add_argument("sheet", type=Path, metavar="SHEET", help="the grades CSV")
    parser.add_argument("--roster", required=True, type=Path, help="the roster CSV")
    parser.add_argument("--canvas", type=Path, metavar="FILE", help="the Canvas CSV to write")
    parser.add_argument("--moodle", type=Path, metavar="FILE", help="the Moodle CSV to write")
    parser.add_argument(
        "--moodle-id",
        default="email",
        metavar="FIELD",
        help="what Moodle finds students by: email, username or idnumber (the roster's "
        "sis_user_id); default email",
    )
    parser.add_argument(
        "--assignment",
        metavar="NAME",
        help="the grade column's title; for Canvas, 'Name (123)' updates the existing "
        "assignment 123 (default: the sheet's file name)",
    )
    parser.set_defaults(func=_run)
