"""Grading a class on a Dask cluster: each submission one task, graded on a worker exactly
as :func:`course.grading.pool.run_workers` grades it on the teacher's machine.

This process reads each submission (:func:`~course.grading.logic.read_submission`: a regular
file, at most :data:`~course.grading.files.NOTEBOOK_BYTES`) and sends its bytes with the
instructor notebook's, the lesson and the limits, so a worker needs the course package and
nothing of the teacher's files; a missing or unreadable submission gets its row here, as
local grading gives it. On the worker, :func:`grade_on_worker` checks the sandbox
(:func:`~course.grading.sandbox.probe`), writes the instructor notebook into a scratch folder
of its own and grades through the pool (:func:`~course.grading.pool.grade_tasks`, one worker
process): the sandbox, the per-notebook kill, the scratch cleanup and
:data:`~course.grading.pool.WORKER_MEMORY` are those of local grading. Only the
:class:`~course.grading.pool.Graded` comes back (the Result and the feedback page's bytes,
which the page's own limits bound), and this process writes the feedback, so the grade
sheet and the pages are byte for byte those local grading writes.

Faults: a worker that cannot isolate refuses, and the run stops with a CourseError naming it
(nothing is graded unsandboxed); the scheduler runs the tasks of a worker that dies again on
another; a task that raised is retried :data:`RETRIES` times, then is an ``error`` row. Each
task is keyed by its student, and one row per student is kept. At most
:data:`AHEAD_BYTES` of submissions are sent ahead of the results, so neither the scheduler
nor this process holds a whole class at once. A scheduler that cannot be reached, or that
has no worker, is a CourseError after :data:`CONNECT_SECONDS`. Stopped (Ctrl-C, an error),
the run cancels its tasks; a notebook already running finishes on its worker, within the
per-notebook limit, and its result is dropped.

Dask is optional, the ``cluster`` extra; it is imported when a run starts.
"""

from __future__ import annotations

import io
import multiprocessing
import pickle
import re
import socket
import sys
import tempfile
import types
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from course.errors import CourseError
from course.grading.feedback import write_feedback
from course.grading.logic import Lesson, Result, read_submission
from course.grading.pool import Graded, Task, grade_tasks, write_pages
from course.grading.sandbox import probe

#: what ``pip install`` needs for ``--scheduler``
EXTRA = "dl-fundamentals-course[cluster]"
#: how long connecting to the scheduler, and waiting for its first worker, may take (seconds)
CONNECT_SECONDS = 10.0
#: how many times a task that raised is run again (a worker that dies is not counted here:
#: the scheduler runs its tasks again, up to its ``allowed-failures``)
RETRIES = 2
#: the bytes of submissions and instructor notebooks sent ahead of the results (at least one
#: task is always in flight)
AHEAD_BYTES = 256 * 2**20
#: a scheduler's address
ADDRESS = re.compile(r"(tcp|tls)://[^\s/]+:[0-9]+")


@dataclass(frozen=True)
class Job:
    """What one Dask task carries: the task (its ``data``, the submission's bytes), the
    instructor notebook's bytes and the per-notebook time limit in seconds."""

    task: Task
    instructor: bytes
    notebook_timeout: float


@dataclass(frozen=True)
class Refused:
    """A worker that will not grade: which one, and why."""

    worker: str
    problem: str


def grade_on_worker(job: Job) -> Graded | Refused:
    """The Dask task: grade ``job`` on this worker through the pool, with the instructor
    notebook in a scratch folder; Refused when this worker cannot grade as the lesson asks."""
    task = job.task
    isolation = probe() if task.lesson.sandboxed else None
    if isolation is not None:
        return Refused(
            _worker_name(),
            f"it cannot isolate the submissions: {isolation} (Debian: apt-get install "
            "bubblewrap); nothing was graded without a sandbox",
        )
    if multiprocessing.current_process().daemon:
        return Refused(
            _worker_name(),
            "its tasks run in a daemonic process, which cannot start the grading processes "
            "(start it with DASK_DISTRIBUTED__WORKER__DAEMON=False in its environment)",
        )
    with tempfile.TemporaryDirectory(prefix="course-lesson-") as scratch:
        source = Path(scratch) / task.lesson.source.name
        source.write_bytes(job.instructor)
        here = replace(task, lesson=replace(task.lesson, source=source))
        [graded] = grade_tasks([here], 1, job.notebook_timeout, lambda task, graded: None)
    return graded


def _worker_name() -> str:
    """This Dask worker's address and host name."""
    from distributed import get_worker

    try:
        address = get_worker().address
    except ValueError:  # not in a worker: called directly
        address = "a Dask worker"
    return f"{address} on {socket.gethostname()}"


def run_on_cluster(
    tasks: list[Task], scheduler: str, notebook_timeout: float, done: Callable[[int], object]
) -> list[Result]:
    """Grade each task on the Dask cluster at ``scheduler`` (``tcp://HOST:PORT``), as
    :func:`~course.grading.pool.run_workers` does here: one Result per task, ``done(1)``
    after each, each feedback page written by this process."""
    distributed = _distributed()
    if not ADDRESS.fullmatch(scheduler):
        raise CourseError(
            f"--scheduler {scheduler!r} is not a scheduler's address: expected tcp://HOST:PORT "
            "(or tls://HOST:PORT)"
        )
    for lesson in {task.lesson.source: task.lesson for task in tasks}.values():
        _check_portable(lesson)
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as exc:
        raise CourseError(
            f"cannot reach the Dask scheduler at {scheduler} within {CONNECT_SECONDS:g} s "
            f"({type(exc).__name__}: {exc}); is `dask scheduler` running there, and its port "
            "open to this machine?"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=CONNECT_SECONDS)
        except (OSError, TimeoutError):
            raise CourseError(
                f"the Dask scheduler at {scheduler} has no worker after {CONNECT_SECONDS:g} s: "
                f"start some with `dask worker {scheduler} --nworkers N --nthreads 1`"
            ) from None
        return _graded(client, distributed, tasks, notebook_timeout, done)
    finally:
        client.close()


def _distributed() -> types.ModuleType:
    """The ``distributed`` package, or a CourseError saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise CourseError(
            f'grading on a Dask cluster (--scheduler) needs Dask: pip install "{EXTRA}"'
        ) from None
    return distributed


def _graded(
    client: Any,
    distributed: types.ModuleType,
    tasks: list[Task],
    notebook_timeout: float,
    done: Callable[[int], object],
) -> list[Result]:
    """Send the tasks, at most :data:`AHEAD_BYTES` ahead, and collect a row per student."""
    run = _Run(client, distributed.as_completed(loop=client.loop), notebook_timeout, done)
    run.pending.extend(tasks)
    try:
        run.send()
        for future in run.completed:
            task, size, _ = run.sent.pop(future.key)
            run.ahead -= size
            graded = _outcome(future, task)
            future.release()
            if isinstance(graded, Refused):
                raise CourseError(
                    f"the Dask worker {graded.worker} refuses to grade: {graded.problem}. "
                    "Fix it or stop that worker, then grade again"
                )
            run.finish(task, graded)
            run.send()
    finally:
        if run.sent:  # stopped: the tasks not done yet are not wanted
            client.cancel([future for _, _, future in run.sent.values()], force=True)
    return list(run.results.values())


class _Run:
    """One class on the cluster: the tasks not sent yet, those sent (by key: the task, the
    bytes it carries, its future) and the rows so far (by student)."""

    def __init__(
        self, client: Any, completed: Any, notebook_timeout: float, done: Callable[[int], object]
    ) -> None:
        self.client, self.completed, self.done = client, completed, done
        self.notebook_timeout = notebook_timeout
        self.token = uuid.uuid4().hex[:12]  # another run's tasks never share a key
        self.pending: deque[Task] = deque()
        self.sent: dict[str, tuple[Task, int, Any]] = {}
        self.ahead = 0
        self.results: dict[str, Result] = {}
        self.instructors: dict[Path, bytes] = {}

    def send(self) -> None:
        """Submit tasks while fewer than :data:`AHEAD_BYTES` are in flight (at least one)."""
        while self.pending and (not self.sent or self.ahead < AHEAD_BYTES):
            task = self.pending.popleft()
            read = task.data
            data = read_submission(task.student, task.path, task.lesson) if read is None else read
            if isinstance(data, Result):  # missing or unreadable: its row is made here
                write_feedback(data, task.lesson, task.feedback)
                self.finish(task, Graded(data))
                continue
            source = task.lesson.source
            if source not in self.instructors:
                self.instructors[source] = source.read_bytes()
            instructor = self.instructors[source]
            job = Job(replace(task, data=data), instructor, self.notebook_timeout)
            key = f"course-grade-{self.token}-{ascii(task.student)}"
            future = self.client.submit(grade_on_worker, job, key=key, retries=RETRIES, pure=False)
            self.sent[key] = (task, len(data) + len(instructor), future)
            self.ahead += len(data) + len(instructor)
            self.completed.add(future)

    def finish(self, task: Task, graded: Graded) -> None:
        """Keep the task's row and write its pages; ``done(1)``."""
        if graded.result.student != task.student or task.student in self.results:
            raise CourseError(f"the cluster sent a second row for {task.student!r}")
        write_pages(task.feedback, graded.pages)
        self.results[task.student] = graded.result
        self.done(1)


def _outcome(future: Any, task: Task) -> Graded | Refused:
    """What a finished task gave: its Graded or Refused, or an ``error`` row for a task that
    failed every try (the type of what it raised only: its message could carry a case)."""
    if future.status == "finished":
        value = future.result()
        if not isinstance(value, (Graded, Refused)):
            raise CourseError(f"the cluster sent back a {type(value).__name__} for a grading")
        return value
    if future.status == "cancelled":
        raise CourseError(
            f"the Dask scheduler dropped the grading of {task.student!r} (was it restarted?)"
        )
    reason = f"grader error on the cluster: {type(future.exception()).__name__}"
    return Graded(Result(task.student, task.lesson.zero(), "error", [reason]))


class _Globals(pickle.Pickler):
    """Pickles nothing: records the module of every function and class reached."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO())
        self.modules: set[str] = set()

    def reducer_override(self, obj: object) -> Any:
        """Stand a placeholder in for every function or class, noting its module."""
        if obj is not str and isinstance(
            obj, (type, types.FunctionType, types.BuiltinFunctionType)
        ):
            self.modules.add(str(getattr(obj, "__module__", None) or "builtins"))
            return str, ()
        return NotImplemented


def _check_portable(lesson: Lesson) -> None:
    """Refuse a lesson whose exercises use code a worker cannot import (``--exercises FILE``
    is a file of the teacher's machine: its specs are judged there only)."""
    found = _Globals()
    try:
        found.dump(lesson.exercises)
    except Exception as exc:  # not picklable at all
        raise CourseError(
            f"the exercise specs of {lesson.source.name} cannot be sent to the Dask workers "
            f"({type(exc).__name__}: {exc}); grade them here, without --scheduler"
        ) from None
    foreign = sorted(name for name in found.modules if not _importable(name))
    if foreign:
        raise CourseError(
            f"the exercise specs of {lesson.source.name} use code the Dask workers cannot "
            f"import ({', '.join(foreign)}: an --exercises file stays on this machine); grade "
            "them here, without --scheduler"
        )


def _importable(module: str) -> bool:
    """Whether a module's top package is installed (found by an import finder, not only
    loaded: a teacher's file loaded by path is in ``sys.modules`` and found by none)."""
    top = module.partition(".")[0]
    return top in sys.builtin_module_names or any(
        finder.find_spec(top, None) is not None
        for finder in sys.meta_path
        if hasattr(finder, "find_spec")
    )
