"""The worker pool: each submission graded in its own process, under a time limit.

At most ``jobs`` workers run at once. A worker grades one notebook, in a scratch folder of
its own that the parent made, and hands back its Result and its feedback page through a
pickle file (the parent writes the page, :func:`run_workers`, or a Dask worker sends it to
the teacher, :mod:`course.grading.cluster`); one that runs longer than the per-notebook limit
is killed with every process it started (its sandbox and kernel), one that dies gets an
``error`` row, and on Linux one whose parent dies is killed by the kernel. The parent
removes every scratch folder on every way out (done, timeout, Ctrl-C, SIGTERM). With a
sandbox, a worker may hold at most :data:`WORKER_MEMORY` of address space: a kernel that
sends it messages too large to hold (the worker runs outside the sandbox's limits) stops
only its own grading.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import os
import pickle
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path, PurePosixPath

import nbformat
import psutil

from course.errors import CourseError
from course.grading.feedback import write_feedback
from course.grading.files import overwrite
from course.grading.logic import Lesson, Result, grade_notebook

#: the longest the parent waits before checking its workers' time limits, in seconds
_POLL_SECONDS = 0.2
#: the address space of a worker grading a sandboxed submission, in bytes (about 0.5 GiB
#: is what grading a lesson uses)
WORKER_MEMORY = 2 * 2**30
#: prctl's option that has the kernel signal a process when its parent dies (Linux)
_PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Task:
    """One submission to grade: the student, the notebook (None when missing), the lesson,
    the per-cell time limit in seconds, the feedback folder (None for no feedback) and the
    notebook's bytes when they were read already (:func:`course.grading.logic.read_submission`;
    None: the worker reads ``path``)."""

    student: str
    path: Path | None
    lesson: Lesson
    cell_timeout: float
    feedback: Path | None = None
    data: bytes | None = None


@dataclass(frozen=True)
class Graded:
    """What grading one task gives back: its Result and, when the task asks for feedback,
    the files :func:`~course.grading.feedback.write_feedback` writes for it (name relative to
    the feedback folder: bytes)."""

    result: Result
    pages: dict[str, bytes] = field(default_factory=dict)


def run_workers(
    tasks: list[Task], jobs: int, notebook_timeout: float, done: Callable[[int], object]
) -> list[Result]:
    """Grade each task in at most ``jobs`` worker processes at once; ``done(1)`` after each.

    A worker still running after ``notebook_timeout`` seconds is killed with its kernel.
    This process writes each task's feedback page as its result comes.
    """

    def finished(task: Task, graded: Graded) -> None:
        write_pages(task.feedback, graded.pages)
        done(1)

    return [graded.result for graded in grade_tasks(tasks, jobs, notebook_timeout, finished)]


def write_pages(folder: Path | None, pages: dict[str, bytes]) -> None:
    """Write a task's feedback ``pages`` into ``folder`` (nothing when it is None)."""
    if folder is None:
        return
    for name, data in pages.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise CourseError(
                f"a grader sent a feedback file outside the feedback folder: {name!r}"
            )
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        overwrite(folder / relative, data)


def grade_tasks(
    tasks: list[Task],
    jobs: int,
    notebook_timeout: float,
    finished: Callable[[Task, Graded], object],
) -> list[Graded]:
    """:func:`run_workers`, giving back each task's pages instead of writing them:
    ``finished(task, graded)`` as each task's result comes."""
    ctx = _context()
    pending, results = deque(enumerate(tasks)), []
    running: list[_Running] = []
    scratch_dir = tempfile.TemporaryDirectory(
        prefix="course-workers-", dir=_scratch_base(), ignore_cleanup_errors=True
    )
    with scratch_dir as scratch:
        try:
            while pending or running:
                while pending and len(running) < jobs:
                    number, task = pending.popleft()
                    result_path = Path(scratch) / f"result-{number}.pickle"
                    workdir = Path(scratch) / f"task-{number}"
                    workdir.mkdir()
                    process = ctx.Process(
                        target=_worker, args=(str(result_path), task, workdir, os.getpid())
                    )
                    process.start()
                    running.append(_Running(process, task, result_path))
                wait([worker.process.sentinel for worker in running], timeout=_POLL_SECONDS)
                for worker in list(running):
                    graded = _collect(worker, notebook_timeout)
                    if graded is not None:
                        running.remove(worker)
                        results.append(graded)
                        finished(worker.task, graded)
        finally:
            for worker in running:  # interrupted: leave no worker or kernel behind
                kill_tree(worker.process.pid)
                worker.process.join()
    return results


def _scratch_base() -> str:
    """The temporary folder, or ``/tmp`` when its path is too long for the kernel's ipc
    sockets (a Unix socket path has at most 107 bytes)."""
    base = tempfile.gettempdir()
    return base if len(base) <= 50 or not os.path.isdir("/tmp") else "/tmp"


def kill_tree(pid: int | None) -> None:
    """Kill a worker and every process it started (its kernel); nothing when ``pid`` is
    None (a worker not started)."""
    if pid is None:
        return
    try:
        parent = psutil.Process(pid)
        procs = [*parent.children(recursive=True), parent]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)


def _worker(result_path: str, task: Task, workdir: Path, parent: int) -> None:
    """Worker process: grade one notebook in ``workdir``, remove ``workdir``, then write the
    pickled :class:`Graded` to ``result_path``. Killed when the process ``parent`` dies."""
    _die_with(parent)
    if task.lesson.sandboxed:  # a soft limit: the sandbox's own prlimit may set its own
        import resource  # Unix only, as the sandbox is

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, hard))
    try:
        result, notebook = grade_notebook(
            task.student, task.path, task.lesson, task.cell_timeout, workdir, task.data
        )
        shutil.rmtree(workdir, ignore_errors=True)
        graded = Graded(result, feedback_files(result, task, notebook))
    except Exception as exc:  # never leave the parent without an answer
        reason = f"grader error: {type(exc).__name__}"  # no message: it could carry a case
        graded = Graded(Result(task.student, task.lesson.zero(), "error", [reason]))
    partial = Path(result_path + ".part")
    partial.write_bytes(pickle.dumps(graded))
    partial.replace(result_path)


def _die_with(parent: int) -> None:
    """On Linux, have the kernel kill this process when the thread that started it ends: that
    thread waits for this process, so it ends first only when its process dies (killed)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the call
        os._exit(1)


def feedback_files(
    result: Result, task: Task, notebook: nbformat.NotebookNode | None = None
) -> dict[str, bytes]:
    """The files :func:`~course.grading.feedback.write_feedback` writes for ``result``, by
    name, when ``task`` asks for feedback (else none), written into a folder of their own."""
    if task.feedback is None:
        return {}
    with tempfile.TemporaryDirectory(prefix="course-feedback-", dir=_scratch_base()) as tmp:
        write_feedback(result, task.lesson, Path(tmp), notebook)
        return {
            path.relative_to(tmp).as_posix(): path.read_bytes()
            for path in sorted(Path(tmp).rglob("*"))
            if path.is_file()
        }


@dataclass
class _Running:
    """A worker process grading one submission."""

    process: multiprocessing.process.BaseProcess
    task: Task
    result_path: Path
    started: float = field(default_factory=time.monotonic)


def _context() -> multiprocessing.context.ForkContext | multiprocessing.context.SpawnContext:
    """Fork on Linux (workers inherit the imports, no start-up cost), spawn elsewhere."""
    if sys.platform.startswith("linux"):
        import nbclient  # noqa: F401  imported once here, inherited by every worker
        import nbconvert  # noqa: F401

        import course.grading.execute  # noqa: F401

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _collect(worker: _Running, notebook_timeout: float) -> Graded | None:
    """The finished worker's Graded, a timeout/crash one, or None while it still runs."""
    task = worker.task
    if not worker.process.is_alive():
        worker.process.join()
        if worker.result_path.is_file():
            return pickle.loads(worker.result_path.read_bytes())
        reason = f"grader process died (exit code {worker.process.exitcode})"
        return Graded(Result(task.student, task.lesson.zero(), "error", [reason]))
    if time.monotonic() - worker.started >= notebook_timeout:
        kill_tree(worker.process.pid)
        worker.process.join()
        reason = f"notebook was stopped after {notebook_timeout:g} s (time limit per notebook)"
        result = Result(task.student, task.lesson.zero(), "timeout", [reason])
        return Graded(result, feedback_files(result, task))
    return None
