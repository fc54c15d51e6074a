"""Grading a class: every submission of a lesson through the worker pool into the grades CSV."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from course.errors import CourseError
from course.grading.exercises import Exercise
from course.grading.files import check_outputs, find_submissions, submissions_folder
from course.grading.logic import Result, load_lesson
from course.grading.pool import Task, run_workers
from course.grading.report import write_csv
from course.grading.sandbox import Limits, probe
from course.grading.sheet import merge, read_sheet

#: the ways a submission can run: isolated by bubblewrap, or as the teacher (trusted only)
SANDBOXES = ("bwrap", "none")


def grade(
    submissions: str | Path,
    source: str | Path,
    out: str | Path,
    *,
    jobs: int = 1,
    cell_timeout: float = 30.0,
    notebook_timeout: float = 300.0,
    feedback: str | Path | None = None,
    release_dir: str | Path | None = None,
    sandbox: str = "bwrap",
    hidden_tests: str | Path | None = None,
    exercises: dict[str, Exercise] | None = None,
    limits: Limits | None = None,
    progress: bool = True,
    replace_sheet: bool = False,
    report: str | Path | None = None,
    scheduler: str | None = None,
) -> list[Result]:
    """Grade every submission of the lesson ``source`` and write the CSV ``out``.

    ``jobs`` notebooks run at once, each in a worker process killed (with its kernel) after
    ``notebook_timeout`` seconds; a cell is interrupted after ``cell_timeout`` seconds.
    Each kernel runs in a bubblewrap sandbox unless ``sandbox="none"``; a CourseError says
    why when the machine cannot isolate. One feedback HTML per student goes to
    ``feedback`` when given. ``exercises`` replaces the package's grader-side specs, and
    ``hidden_tests`` (a JSON file) adds cases to them. An ``out`` that exists keeps the
    rows of the students not graded now (:func:`course.grading.sheet.merge`), unless
    ``replace_sheet``. ``report`` is a folder for the class report of the whole sheet
    (:mod:`course.grading.classreport`). With ``scheduler`` (``tcp://HOST:PORT``) each
    submission is graded on that Dask cluster (:mod:`course.grading.cluster`) instead of
    here. Returns the rows of the students graded now.
    """
    check_positive("--jobs", jobs)
    check_positive("--timeout-cell", cell_timeout)
    check_positive("--timeout-notebook", notebook_timeout)
    if sandbox not in SANDBOXES:
        raise CourseError(f"--sandbox must be one of {', '.join(SANDBOXES)}, got {sandbox!r}")
    if sandbox == "bwrap":
        problem = probe()
        if problem is not None:
            raise CourseError(
                f"cannot isolate the submissions: {problem}. Install bubblewrap (Debian: "
                "apt-get install bubblewrap), or grade inside a container or as a throwaway "
                "user and pass --sandbox none (see the teachers' guide)"
            )
    lesson = load_lesson(source, release_dir, exercises=exercises, hidden_tests=hidden_tests)
    lesson = replace(lesson, sandboxed=sandbox == "bwrap", limits=limits or Limits())
    found = find_submissions(submissions, lesson.source.name)
    out = Path(out)
    feedback = Path(feedback) if feedback is not None else None
    course = lesson.source.resolve().parent
    forbidden = {
        "the submissions folder": submissions_folder(submissions),
        "the course": course.parent if course.name == "notebooks" else course,
    }
    if report is not None:  # the report's page is checked as a sheet would be
        check_outputs(Path(report) / "index.html", None, forbidden, [lesson.source])
    check_outputs(out, feedback, forbidden, [lesson.source, *filter(None, found.values())])
    previous = read_sheet(out, lesson.points) if out.exists() and not replace_sheet else []
    if feedback is not None:
        feedback.mkdir(parents=True, exist_ok=True)
    tasks = [Task(student, path, lesson, cell_timeout, feedback) for student, path in found.items()]
    tqdm.monitor_interval = 0  # no monitor thread: the workers are forked from this process
    with (
        _terminate_as_interrupt(),
        tqdm(
            total=len(tasks), desc=f"grading {lesson.source.stem}", unit="nb", disable=not progress
        ) as bar,
    ):
        if scheduler is None:
            results = run_workers(tasks, jobs, notebook_timeout, bar.update)
        else:
            from course.grading.cluster import run_on_cluster

            results = run_on_cluster(tasks, scheduler, notebook_timeout, bar.update)
    results.sort(key=lambda r: r.student)
    merged = merge(previous, results)
    write_csv(merged.results, lesson, out)
    if progress and previous:
        print(merged.summary(out))
    if report is not None:
        from course.grading.classreport import write_report

        write_report(merged.results, lesson, Path(report))
    return results


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile, so the workers and scratch are cleaned."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def check_positive(option: str, value: float) -> None:
    """Raise ``CourseError`` naming ``option`` unless ``value`` is positive."""
    if not value > 0:
        raise CourseError(f"{option} must be positive, got {value!r}")
