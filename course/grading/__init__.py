"""``course grade``: execute every submission of a lesson and score its test cells.

Each submission runs in a fresh kernel, inside its own worker process, on a copy in a
temporary folder (the submission itself is only read). The package keeps apart

- :mod:`~course.grading.logic`: the lesson's tests, the submissions, the cells put back
  and the score of one notebook;
- :mod:`~course.grading.pool`: the worker processes, their time limits and the killing of
  a worker with its kernel;
- :mod:`~course.grading.report`: the grades CSV; :mod:`~course.grading.sheet`: the sheet
  read back, so that regrading keeps the class;
- :mod:`~course.grading.feedback`: one page per student;
  :mod:`~course.grading.classreport`: the class report; :mod:`~course.grading.lms`: the
  gradebook files for Canvas and Moodle (``course export``);
- :mod:`~course.grading.reasons`: the reasons, in words a teacher can act on;
- :mod:`~course.grading.batch`: ``grade()``, a class through the pool into the report;
- :mod:`~course.grading.sandbox` and :mod:`~course.grading.execute`: the bubblewrap
  sandbox and the kernel run in it, with every execute_reply recorded;
- :mod:`~course.grading.exercises` and :mod:`~course.grading.harvest`: the grader-side
  specs and the learner's results brought back as JSON to be judged in the grader;
- :mod:`~course.grading.files`: regular files only, bounded reads, safe output paths.

This module is the command; it imports none of them until the command runs, so that
``course --help`` starts no Jupyter machinery. ``course.grading.grade`` is
:func:`course.grading.batch.grade`.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from course.lessons import LESSON_HELP, add_root_option, checked_root, resolve


def __getattr__(name: str) -> object:
    """``grade``, imported from :mod:`course.grading.batch` on first use."""
    if name == "grade":
        from course.grading.batch import grade

        return grade
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _run(args: argparse.Namespace) -> int:
    source = resolve(args.lesson, checked_root(args.root)).path
    from course.grading.batch import check_positive, grade
    from course.grading.logic import load_lesson
    from course.grading.sandbox import Limits

    check_positive("--memory", args.memory)
    limits = Limits(memory=round(args.memory * 2**30))
    if args.sandbox == "none":
        print("WARNING: --sandbox none: submissions run as you, with your files and network")
    else:
        print(
            f"each submission in a bubblewrap sandbox: at most {args.memory:g} GiB of memory, "
            f"{limits.processes} processes and threads, {limits.disk // 2**20} MiB of files, "
            "no network"
        )
    exercises = None
    if args.exercises is not None:
        from course.grading.exercises import builtin, from_file

        own = from_file(args.exercises)
        replaced = sorted(set(own) & set(builtin()))
        print(
            f"{len(own)} exercises of your own from {args.exercises}"
            + (f" (in place of the course's {', '.join(replaced)})" if replaced else "")
        )
        exercises = {**builtin(), **own}
    lesson = load_lesson(source, args.release, exercises=exercises, hidden_tests=args.hidden_tests)
    for grade_id, mode in lesson.modes().items():
        print(f"  {grade_id}: {mode}")
    results = grade(
        args.submissions,
        source,
        args.out,
        jobs=args.jobs,
        cell_timeout=args.timeout_cell,
        notebook_timeout=args.timeout_notebook,
        feedback=args.feedback,
        release_dir=args.release,
        sandbox=args.sandbox,
        hidden_tests=args.hidden_tests,
        exercises=exercises,
        limits=limits,
        progress=True,
        replace_sheet=args.replace,
        report=args.report,
        scheduler=args.scheduler,
    )
    problems = sum(r.status != "graded" for r in results)
    print(
        f"graded {len(results)} submissions ({problems} could not be run in full); wrote {args.out}"
    )
    if args.feedback is not None:
        print(f"feedback in {args.feedback}")
    if args.report is not None:
        print(f"class report in {args.report / 'index.html'}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``grade`` sub-command."""
    parser = sub.add_parser(
        "grade",
        help="run and score every submitted notebook of a lesson into a CSV",
        description="Execute each submission (SUBMISSIONS/<student>/<notebook> or "
        "SUBMISSIONS/<student>.ipynb) in a fresh, sandboxed kernel with the instructor's "
        "test cells (hidden tests included), judge the exercises that have a grader-side "
        "spec in the grader itself, and write one row per student to --out.",
    )
    parser.add_argument(
        "submissions",
        type=Path,
        metavar="SUBMISSIONS",
        help="the folder of submissions, or one submitted notebook",
    )
    parser.add_argument(
        "--lesson",
        required=True,
        help=LESSON_HELP,
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="the grades CSV to write; if it exists, the rows of the students graded now are "
        "replaced and every other row is kept",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="start --out again with only the students graded now (default: keep the others)",
    )
    add_root_option(parser)
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="notebooks graded at once (default: CPU count, at most 4)",
    )
    parser.add_argument(
        "--timeout-cell",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds a cell may run before it is interrupted (default 30)",
    )
    parser.add_argument(
        "--timeout-notebook",
        type=float,
        default=300.0,
        metavar="S",
        help="seconds a notebook may run before it is killed (default 300)",
    )
    parser.add_argument(
        "--feedback", type=Path, metavar="DIR", help="write one feedback HTML per student into DIR"
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="grade each submission on this Dask cluster (pip install the course's "
        "[cluster] extra); the sheet and feedback are still written here",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="DIR",
        help="write the class report (index.html, scores.png, pass_rates.png) of the whole "
        "sheet into DIR",
    )
    parser.add_argument(
        "--release",
        type=Path,
        metavar="DIR",
        help="the release folder whose release.json checksums to compare "
        "against (default: recompute them from the lesson)",
    )
    parser.add_argument(
        "--sandbox",
        choices=("bwrap", "none"),
        default="bwrap",
        help="isolate each submission with bubblewrap (default), or run it as you: only "
        "inside a container or as a throwaway user",
    )
    parser.add_argument(
        "--memory",
        type=float,
        default=4.0,
        metavar="GB",
        help="memory (GiB) the processes of one sandboxed submission may hold together; "
        "a submission over it is stopped, status 'limit' (default 4)",
    )
    parser.add_argument(
        "--hidden-tests",
        type=Path,
        metavar="FILE",
        help="a JSON file of extra cases per test grade_id, kept out of the repository: "
        '{"l02-power-law-test": [[[300, 600], [0.01, 0.08]]]}',
    )
    parser.add_argument(
        "--exercises",
        type=Path,
        metavar="FILE",
        help="a Python file of your own exercise specs (EXERCISES = [...], the form of "
        "course/exercises/lessonNN.py), judged in the grader like the course's own",
    )
    parser.set_defaults(func=_run)
