"""Grading one submission: the lesson's tests, the cells put back, the run and its score.

Before running, the instructor's test cells (hidden tests included) and the release's
locked cells replace the submitted ones, matched by ``grade_id``; an edited test cell is
noted and graded with the original. A test cell that runs without error scores its points,
one that raises scores 0. Cells run with ``allow_errors``, so a stub or a crash in one
exercise does not stop the others; a cell running longer than the per-cell limit is
interrupted.
"""

from __future__ import annotations

import copy
import logging
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course.editions import is_test_cell, nbgrader_meta, read_notebook
from course.errors import CourseError
from course.kernel import kernel_config
from course.release import compute_checksum, read_manifest, release_notebook

#: the longest piece of an error message kept in the reason column
REASON_CHARS = 100


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

    def zero(self) -> dict[str, float]:
        """No points on any test cell."""
        return dict.fromkeys(self.points, 0.0)


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
            notes.append(f"{grade_id} failed ({message[:REASON_CHARS]})")
        elif cell.execution_count is None:
            notes.append(f"{grade_id} was not run")
        else:
            scores[grade_id] = points[grade_id]
    return scores, notes


def grade_notebook(
    student: str, path: Path | None, lesson: Lesson, cell_timeout: float
) -> tuple[Result, nbformat.NotebookNode | None]:
    """Grade one submission in a fresh kernel: its Result and the executed notebook, if any.

    ``path`` is read, never written; the notebook runs on a copy in a temporary folder.
    """
    if path is None:
        return Result(student, lesson.zero(), "missing", [f"no {lesson.source.name}"]), None
    from nbclient import NotebookClient  # imported here: only workers execute notebooks

    source = read_notebook(lesson.source)
    with tempfile.TemporaryDirectory(prefix="course-grade-") as tmp:
        copy_path = Path(tmp) / path.name
        copy_path.write_bytes(path.read_bytes())
        try:
            submitted = nbformat.read(copy_path, as_version=4)
            graded, notes = restore_cells(submitted, source, lesson.checksums)
        except Exception as exc:  # anything unreadable is the submission's problem
            reason = f"not a valid notebook: {type(exc).__name__}: {exc}"[: 2 * REASON_CHARS]
            return Result(student, lesson.zero(), "invalid", [reason]), None
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
            notes.append(f"execution stopped: {type(exc).__name__}: {exc}"[:REASON_CHARS])
        scores, score_notes = score(graded, lesson.points, cell_timeout)
    return Result(student, scores, status, notes + score_notes), graded


def _quiet_log() -> logging.Logger:
    log = logging.getLogger("course.grading.kernel")
    log.setLevel(logging.CRITICAL)
    return log
