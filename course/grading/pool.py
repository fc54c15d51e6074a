"""The worker pool: each submission graded in its own process, under a time limit.

At most ``jobs`` workers run at once. A worker grades one notebook, in a scratch folder of
its own that the parent made, and hands back its Result through a pickle file; one that
runs longer than the per-notebook limit is killed with every process it started (its
sandbox and kernel), and one that dies gets an ``error`` row. The parent removes every
scratch folder on every way out (done, timeout, Ctrl-C, SIGTERM). With a sandbox, a worker
may hold at most :data:`WORKER_MEMORY` of address space: a kernel that sends it messages
too large to hold (the worker runs outside the sandbox's limits) stops only its own grading.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path

import psutil

from course.grading.feedback import write_feedback
from course.grading.logic import Lesson, Result, grade_notebook

#: the longest the parent waits before checking its workers' time limits, in seconds
_POLL_SECONDS = 0.2
#: the address space of a worker grading a sandboxed submission, in bytes (about 0.5 GiB
#: is what grading a lesson uses)
WORKER_MEMORY = 2 * 2**30


@dataclass(frozen=True)
class Task:
    """One submission to grade: the student, the notebook (None when missing), the lesson,
    the per-cell time limit in seconds and the feedback folder (None for no feedback)."""

    student: str
    path: Path | None
    lesson: Lesson
    cell_timeout: float
    feedback: Path | None = None


def run_workers(
    tasks: list[Task], jobs: int, notebook_timeout: float, done: Callable[[int], object]
) -> list[Result]:
    """Grade each task in at most ``jobs`` worker processes at once; ``done(1)`` after each.

    A worker still running after ``notebook_timeout`` seconds is killed with its kernel.
    """
    ctx = _context()
    pending, running, results = deque(enumerate(tasks)), [], []
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
                    process = ctx.Process(target=_worker, args=(str(result_path), task, workdir))
                    process.start()
                    running.append(_Running(process, task, result_path))
                wait([worker.process.sentinel for worker in running], timeout=_POLL_SECONDS)
                for worker in list(running):
                    result = _collect(worker, notebook_timeout)
                    if result is not None:
                        running.remove(worker)
                        results.append(result)
                        done(1)
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


def kill_tree(pid: int) -> None:
    """Kill a worker and every process it started (its kernel)."""
    try:
        parent = psutil.Process(pid)
        procs = [*parent.children(recursive=True), parent]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)


def _worker(result_path: str, task: Task, workdir: Path) -> None:
    """Worker process: grade one notebook in ``workdir``, write the pickled Result to
    ``result_path``, then remove ``workdir``."""
    if task.lesson.sandboxed:  # a soft limit: the sandbox's own prlimit may set its own
        import resource  # Unix only, as the sandbox is

        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, hard))
    try:
        result, graded = grade_notebook(
            task.student, task.path, task.lesson, task.cell_timeout, workdir
        )
        shutil.rmtree(workdir, ignore_errors=True)
        write_feedback(result, task.lesson, task.feedback, graded)
    except Exception as exc:  # never leave the parent without an answer
        reason = f"grader error: {type(exc).__name__}"  # no message: it could carry a case
        result = Result(task.student, task.lesson.zero(), "error", [reason])
    partial = Path(result_path + ".part")
    partial.write_bytes(pickle.dumps(result))
    partial.replace(result_path)


@dataclass
class _Running:
    """A worker process grading one submission."""

    process: multiprocessing.process.BaseProcess
    task: Task
    result_path: Path
    started: float = field(default_factory=time.monotonic)


def _context() -> multiprocessing.context.BaseContext:
    """Fork on Linux (workers inherit the imports, no start-up cost), spawn elsewhere."""
    if sys.platform.startswith("linux"):
        import nbclient  # noqa: F401  imported once here, inherited by every worker
        import nbconvert  # noqa: F401

        import course.grading.execute  # noqa: F401

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _collect(worker: _Running, notebook_timeout: float) -> Result | None:
    """The finished worker's Result, a timeout/crash Result, or None while it still runs."""
    task = worker.task
    if not worker.process.is_alive():
        worker.process.join()
        if worker.result_path.is_file():
            return pickle.loads(worker.result_path.read_bytes())
        reason = f"grader process died (exit code {worker.process.exitcode})"
        return Result(task.student, task.lesson.zero(), "error", [reason])
    if time.monotonic() - worker.started >= notebook_timeout:
        kill_tree(worker.process.pid)
        worker.process.join()
        reason = f"notebook was stopped after {notebook_timeout:g} s (time limit per notebook)"
        result = Result(task.student, task.lesson.zero(), "timeout", [reason])
        write_feedback(result, task.lesson, task.feedback)
        return result
    return None
