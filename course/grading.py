"""``course grade``: execute every submission of a lesson and score its test cells.

Each submission runs in a fresh kernel, inside its own worker process, on a copy in a
temporary folder (the submission itself is only read). Before running, the instructor's
test cells (hidden tests included) and the release's locked cells replace the submitted
ones, matched by ``grade_id``; an edited test cell is noted and graded with the original.

A test cell that runs without error scores its points, one that raises scores 0. Cells
run with ``allow_errors``, so a stub or a crash in one exercise does not stop the others;
a cell running longer than the per-cell limit is interrupted, and a notebook running
longer than the per-notebook limit has its worker and kernel killed.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import csv
import logging
import multiprocessing
import multiprocessing.context
import os
import pickle
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.editions import is_test_cell, nbgrader_meta, read_notebook
from course.errors import CourseError
from course.kernel import kernel_config
from course.release import compute_checksum, read_manifest, release_notebook, resolve_source

if TYPE_CHECKING:  # nbformat loads when grading starts: ``course --help`` stays quick
    import nbformat

#: the longest piece of an error message kept in the reason column
_REASON_CHARS = 100
#: the longest the parent waits before checking its workers' time limits, in seconds
_POLL_SECONDS = 0.2


@dataclass
class Result:
    """One student's row: points per test cell (by grade_id), status and reasons.

    ``status`` is ``graded`` (the notebook ran), ``missing``, ``invalid`` (unreadable),
    ``timeout`` (killed at the per-notebook limit) or ``error`` (kernel or grader died).
    """

    student: str
    scores: dict[str, float]
    status: str
    reasons: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        """The sum of the points scored."""
        return sum(self.scores.values())


@dataclass(frozen=True)
class Lesson:
    """What grading needs of an instructor notebook: its tests and the release's checksums."""

    source: Path
    points: dict[str, float]
    checksums: dict[str, str]

    @property
    def max_total(self) -> float:
        """The points of every test cell together."""
        return sum(self.points.values())


def load_lesson(source: str | Path, release_dir: str | Path | None = None) -> Lesson:
    """Read an instructor notebook; checksums from ``release_dir``'s manifest when given.

    Without a release folder the checksums are those ``course release`` writes for the
    notebook as it is now.
    """
    source = Path(source)
    released = release_notebook(read_notebook(source), source.name)
    points = {
        nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
        for c in released.cells
        if is_test_cell(c)
    }
    if not points:
        raise CourseError(f"{source} has no graded test cells (nbgrader grade: true)")
    checksums = {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["checksum"] for c in released.cells}
    if release_dir is not None:
        entry = read_manifest(release_dir)["notebooks"].get(source.name)
        if entry is None:
            raise CourseError(
                f"{Path(release_dir) / 'release.json'} has no entry for {source.name}"
            )
        checksums = {gid: rec["checksum"] for gid, rec in entry["cells"].items()}
    return Lesson(source, points, checksums)


def find_submissions(directory: str | Path, notebook: str) -> dict[str, Path | None]:
    """Each student's submitted notebook (``None`` when missing), sorted by student.

    A student is a folder ``directory/<student>/`` holding ``notebook``, or a file
    ``directory/<student>.ipynb``; hidden entries are ignored.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CourseError(f"submissions folder not found: {directory}")
    found: dict[str, Path | None] = {}
    for entry in sorted(directory.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            student, path = entry.name, entry / notebook
            path = path if path.is_file() else None
        elif entry.suffix == ".ipynb":
            student, path = entry.stem, entry
        else:
            continue
        if student in found:
            raise CourseError(f"two submissions for student {student!r} in {directory}")
        found[student] = path
    if not found:
        raise CourseError(
            f"no submissions in {directory}: expected <student>/{notebook} folders "
            "or <student>.ipynb files"
        )
    return found


def restore_cells(
    submitted: nbformat.NotebookNode, source: nbformat.NotebookNode, checksums: dict[str, str]
) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook to grade: ``submitted`` with the instructor's test and locked cells.

    Test cells come back with their hidden tests. A cell whose checksum differs from the
    release's, or that is missing, is noted; a copy of a test cell is dropped.
    """
    released = release_notebook(source)
    originals: dict[str, nbformat.NotebookNode] = {}
    order: list[str] = []
    for src_cell, rel_cell in zip(source.cells, released.cells, strict=True):
        grade_id = nbgrader_meta(rel_cell)["grade_id"]
        order.append(grade_id)
        if nbgrader_meta(rel_cell).get("locked"):
            original = copy.deepcopy(rel_cell)
            original.source = src_cell.source
            originals[grade_id] = original
    notes: list[str] = []
    cells: list[nbformat.NotebookNode] = []
    seen: set[str] = set()
    for cell in submitted.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if grade_id not in originals:
            cells.append(cell)
            continue
        what = "test cell" if is_test_cell(originals[grade_id]) else "cell"
        if grade_id in seen:
            notes.append(f"a copy of {what} {grade_id} was ignored")
            continue
        seen.add(grade_id)
        try:
            edited = compute_checksum(cell) != checksums.get(grade_id)
        except (KeyError, TypeError, ValueError):
            edited = True
        if edited:
            notes.append(f"{what} {grade_id} was edited; the original was restored")
        cells.append(copy.deepcopy(originals[grade_id]))
    for position, grade_id in enumerate(order):
        if grade_id not in originals or grade_id in seen:
            continue
        what = "test cell" if is_test_cell(originals[grade_id]) else "cell"
        notes.append(f"{what} {grade_id} was missing; the original was restored")
        previous = order[position - 1] if position else None
        ids = [nbgrader_meta(c).get("grade_id") for c in cells]
        at = ids.index(previous) + 1 if previous in ids else (0 if position == 0 else len(cells))
        cells.insert(at, copy.deepcopy(originals[grade_id]))
        seen.add(grade_id)
    graded = copy.deepcopy(submitted)
    graded.cells = cells
    graded.metadata["kernelspec"] = copy.deepcopy(source.metadata.get("kernelspec", {}))
    return graded, notes


def score(
    nb: nbformat.NotebookNode, points: dict[str, float], cell_timeout: float
) -> tuple[dict[str, float], list[str]]:
    """Points per test cell of an executed notebook, and why any cell scored 0."""
    scores = dict.fromkeys(points, 0.0)
    notes = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        label = grade_id or f"{index + 1}"
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if any(e.ename == "KeyboardInterrupt" for e in errors):
            notes.append(f"cell {label} was stopped after {cell_timeout:g} s (time limit)")
        if grade_id not in points:
            continue
        if errors:
            first_line = (str(errors[0].evalue).strip().splitlines() or [""])[0]
            message = f"{errors[0].ename}: {first_line}".rstrip(": ")
            notes.append(f"{grade_id} failed ({message[:_REASON_CHARS]})")
        elif cell.execution_count is None:
            notes.append(f"{grade_id} was not run")
        else:
            scores[grade_id] = points[grade_id]
    return scores, notes


def grade_notebook(
    student: str,
    path: Path | None,
    lesson: Lesson,
    cell_timeout: float,
    feedback: Path | None = None,
) -> Result:
    """Grade one submission in a fresh kernel; ``path`` is read, never written."""
    zero = dict.fromkeys(lesson.points, 0.0)
    if path is None:
        return _finish(
            Result(student, zero, "missing", [f"no {lesson.source.name}"]), lesson, feedback
        )
    import nbformat
    from nbclient import NotebookClient  # imported here: only workers execute notebooks

    source = read_notebook(lesson.source)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        copy_path = Path(tmp) / path.name
        copy_path.write_bytes(path.read_bytes())
        try:
            submitted = nbformat.read(copy_path, as_version=4)
            graded, notes = restore_cells(submitted, source, lesson.checksums)
        except Exception as exc:  # anything unreadable is the submission's problem
            reason = f"not a valid notebook: {type(exc).__name__}: {exc}"[: 2 * _REASON_CHARS]
            return _finish(Result(student, zero, "invalid", [reason]), lesson, feedback)
        client = NotebookClient(
            graded,
            timeout=cell_timeout,
            interrupt_on_timeout=True,
            allow_errors=True,
            kernel_name=graded.metadata.get("kernelspec", {}).get("name", "python3"),
            resources={"metadata": {"path": tmp}},
            log=_quiet_log(),
            config=kernel_config(),
        )
        status = "graded"
        try:
            client.execute()
        except Exception as exc:  # a dead kernel: score what ran before it died
            status = "error"
            notes.append(f"execution stopped: {type(exc).__name__}: {exc}"[:_REASON_CHARS])
        scores, score_notes = score(graded, lesson.points, cell_timeout)
    return _finish(Result(student, scores, status, notes + score_notes), lesson, feedback, graded)


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
    _check_positive("--jobs", jobs)
    _check_positive("--timeout-cell", cell_timeout)
    _check_positive("--timeout-notebook", notebook_timeout)
    lesson = load_lesson(source, release_dir)
    found = find_submissions(submissions, lesson.source.name)
    for option, target in (("--out", out), ("--feedback", feedback)):
        if target is not None and Path(submissions).resolve() in Path(target).resolve().parents:
            raise CourseError(f"{option} {target} is inside the submissions folder {submissions}")
    feedback = Path(feedback) if feedback is not None else None
    if feedback is not None:
        feedback.mkdir(parents=True, exist_ok=True)
    tasks = [(student, path, lesson, cell_timeout, feedback) for student, path in found.items()]
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the workers are forked from this process
    with tqdm(
        total=len(tasks), desc=f"grading {lesson.source.stem}", unit="nb", disable=not progress
    ) as bar:
        results = _run_workers(tasks, jobs, notebook_timeout, bar.update)
    results.sort(key=lambda r: r.student)
    write_csv(results, lesson, out)
    return results


def write_csv(results: list[Result], lesson: Lesson, out: str | Path) -> None:
    """One row per student: student, points per grade_id, total, max_total, status, reason."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", *lesson.points, "total", "max_total", "status", "reason"])
        for r in results:
            row = [f"{r.scores[gid]:g}" for gid in lesson.points]
            writer.writerow(
                [
                    r.student,
                    *row,
                    f"{r.total:g}",
                    f"{lesson.max_total:g}",
                    r.status,
                    "; ".join(r.reasons),
                ]
            )


def feedback_notebook(
    result: Result, lesson: Lesson, graded: nbformat.NotebookNode | None = None
) -> nbformat.NotebookNode:
    """The graded notebook (or an empty one) headed by a summary of the student's scores."""
    import nbformat

    rows = "\n".join(
        f"| {gid} | {result.scores[gid]:g} | {pts:g} |" for gid, pts in lesson.points.items()
    )
    notes = "".join(f"\n- {note}" for note in result.reasons)
    summary = (
        f"# Feedback: {lesson.source.stem}\n\nStudent: **{result.student}**, "
        f"status: **{result.status}**\n\n| exercise | points | out of |\n|---|---|---|\n{rows}\n\n"
        f"**Total: {result.total:g} / {lesson.max_total:g}**\n"
        + (f"\nNotes:{notes}\n" if notes else "")
    )
    nb = copy.deepcopy(graded) if graded is not None else nbformat.v4.new_notebook()
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(summary))
    return nb


def _finish(
    result: Result,
    lesson: Lesson,
    feedback: Path | None,
    graded: nbformat.NotebookNode | None = None,
) -> Result:
    if feedback is not None:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_notebook_node(feedback_notebook(result, lesson, graded))
        (feedback / f"{result.student}.html").write_text(body, encoding="utf-8")
    return result


def _quiet_log() -> logging.Logger:
    log = logging.getLogger("course.grading.kernel")
    log.setLevel(logging.CRITICAL)
    return log


def _check_positive(option: str, value: float) -> None:
    if not value > 0:
        raise CourseError(f"{option} must be positive, got {value!r}")


def _worker(result_path: str, task: tuple) -> None:
    """Worker process: grade one notebook and write the pickled Result to ``result_path``."""
    student, _path, lesson, _cell_timeout, _feedback = task
    try:
        result = grade_notebook(*task)
    except Exception as exc:  # never leave the parent without an answer
        reason = f"grader error: {type(exc).__name__}: {exc}"[: 2 * _REASON_CHARS]
        result = Result(student, dict.fromkeys(lesson.points, 0.0), "error", [reason])
    partial = Path(result_path + ".part")
    partial.write_bytes(pickle.dumps(result))
    partial.replace(result_path)


def _kill_tree(pid: int) -> None:
    """Kill a worker and every process it started (its kernel)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = [*parent.children(recursive=True), parent]
    except psutil.NoSuchProcess:
        return
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(procs, timeout=5)


@dataclass
class _Running:
    """A worker process grading one submission."""

    process: multiprocessing.process.BaseProcess
    task: tuple
    result_path: Path
    started: float = field(default_factory=time.monotonic)


def _context() -> multiprocessing.context.BaseContext:
    """Fork on Linux (workers inherit the imports, no start-up cost), spawn elsewhere."""
    if sys.platform.startswith("linux"):
        import nbclient  # noqa: F401  imported once here, inherited by every worker
        import nbconvert  # noqa: F401

        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _run_workers(tasks: list[tuple], jobs: int, notebook_timeout: float, done: Any) -> list[Result]:
    """Run ``grade_notebook`` on each task in at most ``jobs`` worker processes at once."""
    ctx = _context()
    pending, running, results = deque(enumerate(tasks)), [], []
    with tempfile.TemporaryDirectory(prefix="course-workers-") as scratch:
        try:
            while pending or running:
                while pending and len(running) < jobs:
                    number, task = pending.popleft()
                    result_path = Path(scratch) / f"result-{number}.pickle"
                    process = ctx.Process(target=_worker, args=(str(result_path), task))
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
                _kill_tree(worker.process.pid)
                worker.process.join()
    return results


def _collect(worker: _Running, notebook_timeout: float) -> Result | None:
    """The finished worker's Result, a timeout/crash Result, or None while it still runs."""
    student, _path, lesson, _cell_timeout, feedback = worker.task
    zero = dict.fromkeys(lesson.points, 0.0)
    if not worker.process.is_alive():
        worker.process.join()
        if worker.result_path.is_file():
            return pickle.loads(worker.result_path.read_bytes())
        reason = f"grader process died (exit code {worker.process.exitcode})"
        return Result(student, zero, "error", [reason])
    if time.monotonic() - worker.started >= notebook_timeout:
        _kill_tree(worker.process.pid)
        worker.process.join()
        reason = f"notebook was stopped after {notebook_timeout:g} s (time limit per notebook)"
        return _finish(Result(student, zero, "timeout", [reason]), lesson, feedback)
    return None


def _run(args: argparse.Namespace) -> int:
    source = resolve_source(args.lesson, args.root)
    results = grade(
        args.submissions,
        source,
        args.out,
        jobs=args.jobs,
        cell_timeout=args.timeout_cell,
        notebook_timeout=args.timeout_notebook,
        feedback=args.feedback,
        release_dir=args.release,
        progress=True,
    )
    problems = sum(r.status != "graded" for r in results)
    print(
        f"graded {len(results)} submissions ({problems} could not be run in full); wrote {args.out}"
    )
    if args.feedback is not None:
        print(f"feedback in {args.feedback}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``grade`` sub-command."""
    parser = sub.add_parser(
        "grade",
        help="run and score every submitted notebook of a lesson into a CSV",
        description="Execute each submission (SUBMISSIONS/<student>/<notebook> or "
        "SUBMISSIONS/<student>.ipynb) in a fresh kernel with the instructor's test cells "
        "(hidden tests included) and write one row per student to --out.",
    )
    parser.add_argument("submissions", type=Path, metavar="SUBMISSIONS_DIR")
    parser.add_argument(
        "--lesson",
        required=True,
        help="lesson number or slug (3, perceptron) or a path to an instructor notebook",
    )
    parser.add_argument("--out", required=True, type=Path, help="the grades CSV to write")
    parser.add_argument(
        "--root", type=Path, help="course root holding notebooks/ (default: this clone)"
    )
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
        "--release",
        type=Path,
        metavar="DIR",
        help="the release folder whose release.json checksums to compare "
        "against (default: recompute them from the lesson)",
    )
    parser.set_defaults(func=_run)
