"""Grading a class: every submission of a lesson through the worker pool into the grades CSV."""

from __future__ import annotations

from pathlib import Path

from tqdm import tqdm

from course.errors import CourseError
from course.grading.logic import Result, find_submissions, load_lesson
from course.grading.pool import Task, run_workers
from course.grading.report import write_csv


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
    progress: bool = True,
) -> list[Result]:
    """Grade every submission of the lesson ``source`` and write the CSV ``out``.

    ``jobs`` notebooks run at once, each in a worker process killed (with its kernel) after
    ``notebook_timeout`` seconds; a cell is interrupted after ``cell_timeout`` seconds.
    One feedback HTML per student goes to ``feedback`` when given.
    """
    check_positive("--jobs", jobs)
    check_positive("--timeout-cell", cell_timeout)
    check_positive("--timeout-notebook", notebook_timeout)
    lesson = load_lesson(source, release_dir)
    found = find_submissions(submissions, lesson.source.name)
    for option, target in (("--out", out), ("--feedback", feedback)):
        if target is not None and Path(submissions).resolve() in Path(target).resolve().parents:
            raise CourseError(f"{option} {target} is inside the submissions folder {submissions}")
    feedback = Path(feedback) if feedback is not None else None
    if feedback is not None:
        feedback.mkdir(parents=True, exist_ok=True)
    tasks = [Task(student, path, lesson, cell_timeout, feedback) for student, path in found.items()]
    tqdm.monitor_interval = 0  # no monitor thread: the workers are forked from this process
    with tqdm(
        total=len(tasks), desc=f"grading {lesson.source.stem}", unit="nb", disable=not progress
    ) as bar:
        results = run_workers(tasks, jobs, notebook_timeout, bar.update)
    results.sort(key=lambda r: r.student)
    write_csv(results, lesson, out)
    return results


def check_positive(option: str, value: float) -> None:
    """Raise ``CourseError`` naming ``option`` unless ``value`` is positive."""
    if not value > 0:
        raise CourseError(f"{option} must be positive, got {value!r}")
