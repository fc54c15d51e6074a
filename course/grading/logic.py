"""Grading one submission: the lesson's tests, the cells put back, the run and its score.

Before running, the instructor's test cells (hidden tests included) and the release's
locked cells replace the submitted ones, matched by ``grade_id``; an edited test cell is
noted and graded with the original. An exercise with a grader-side spec
(:mod:`course.grading.exercises`) scores its points when the grader's own judge accepts the
learner's results on the spec's cases; its test cell does not run (so nothing in the
kernel after the learner's code decides the points). Any other test cell scores when its
execute_reply says ``ok``; otherwise 0. Cells run with ``allow_errors``, so a stub or a
crash in one exercise does not stop the others; a cell running longer than the per-cell
limit is interrupted.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

from course.editions import is_solution_cell, is_test_cell, nbgrader_meta, read_notebook
from course.errors import CourseError
from course.grading.exercises import (
    PRIVATE_WRONG,
    Exercise,
    builtin,
    case_list,
    with_hidden_tests,
)
from course.grading.files import NOTEBOOK_BYTES, read_regular
from course.grading.sandbox import Limits
from course.release import compute_checksum, read_manifest, release_notebook

#: the longest piece of an error message kept in the reason column
REASON_CHARS = 100
#: what runs instead of the test cell of an exercise the grader judges
JUDGED = "# judged by the grader, in its own process"


@dataclass
class Result:
    """One student's row: points per test cell (by grade_id), status and reasons.

    ``status`` is ``graded`` (the notebook ran), ``missing``, ``invalid`` (unreadable),
    ``timeout`` (killed at the per-notebook limit), ``limit`` (the sandbox was stopped for
    using too much memory or too many processes) or ``error`` (kernel or grader died).
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
    exercises: dict[str, Exercise] = field(default_factory=dict)
    sandboxed: bool = True
    limits: Limits = field(default_factory=Limits)

    def modes(self) -> dict[str, str]:
        """How each test cell is scored: by the grader's judge, or by the test cell alone."""
        return {
            gid: (
                f"judged by the grader ({len(self.exercises[gid].cases)} cases)"
                if gid in self.exercises
                else "test cell only (no grader-side spec)"
            )
            for gid in self.points
        }

    @property
    def max_total(self) -> float:
        """The points of every test cell together."""
        return sum(self.points.values())

    def zero(self) -> dict[str, float]:
        """No points on any test cell."""
        return dict.fromkeys(self.points, 0.0)


def load_lesson(
    source: str | Path,
    release_dir: str | Path | None = None,
    *,
    exercises: dict[str, Exercise] | None = None,
    hidden_tests: str | Path | None = None,
) -> Lesson:
    """Read an instructor notebook; checksums from ``release_dir``'s manifest when given.

    Without a release folder the checksums are those ``course release`` writes for the
    notebook as it is now. ``exercises`` are the grader-side specs (default: the package's),
    with the cases of the teacher's ``hidden_tests`` file merged in; a spec is kept for a
    test cell whose solution cell defines the spec's function or value.
    """
    source = Path(source)
    instructor = read_notebook(source)
    released = release_notebook(instructor, source.name)
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
    specs = builtin() if exercises is None else exercises
    if hidden_tests is not None:
        specs = with_hidden_tests(specs, hidden_tests)
    return Lesson(source, points, checksums, _matched(instructor, specs))


def _matched(nb: nbformat.NotebookNode, specs: dict[str, Exercise]) -> dict[str, Exercise]:
    """The specs whose function or value the solution cell before their test cell defines."""
    matched: dict[str, Exercise] = {}
    solution = ""
    for cell in nb.cells:
        if is_solution_cell(cell):
            solution = cell.source
        elif is_test_cell(cell):
            spec = specs.get(nbgrader_meta(cell)["grade_id"])
            name = spec.name_in(solution) if spec is not None else None
            if spec is not None and name is not None:
                matched[spec.test_id] = replace(spec, names=(name,))
    return matched


def find_submissions(directory: str | Path, notebook: str) -> dict[str, Path | None]:
    """Each student's submitted notebook (``None`` when missing), sorted by student.

    A student is a folder ``directory/<student>/`` holding ``notebook``, or a file
    ``directory/<student>.ipynb``. Hidden folders are ignored; any other ``*.ipynb``
    spelling (``x.IPYNB``, ``.x.ipynb``) counts as the student's too, so it is reported
    rather than skipped. A student with two notebooks is a CourseError naming both.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise CourseError(f"submissions folder not found: {directory}")
    found: dict[str, Path | None] = {}
    for entry in sorted(directory.iterdir()):
        is_notebook = entry.name.lower().endswith(".ipynb") and not entry.is_dir()
        if entry.name.startswith(".") and not is_notebook:
            continue
        if entry.is_dir() and not entry.is_symlink():
            student, path = entry.name, _student_notebook(entry, notebook)
        elif is_notebook:
            student, path = entry.name.lstrip(".")[: -len(".ipynb")], entry
        else:
            continue
        if student in found:
            raise CourseError(
                f"two submissions for student {student!r} in {directory}: {found[student]} "
                f"and {path}; keep one"
            )
        found[student] = path
    if not found:
        raise CourseError(
            f"no submissions in {directory}: expected <student>/{notebook} folders "
            "or <student>.ipynb files"
        )
    return found


def _student_notebook(folder: Path, notebook: str) -> Path | None:
    """``folder/notebook``, else the one file of the folder spelling its name differently."""
    exact = folder / notebook
    if os.path.lexists(exact):
        return exact
    wanted = notebook.lower()
    variants = [p for p in sorted(folder.iterdir()) if p.name.lstrip(".").lower() == wanted]
    return variants[0] if variants else None


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
    nb: nbformat.NotebookNode,
    lesson: Lesson,
    replies: dict[int, dict[str, str]],
    outcomes: dict[str, list[dict] | str],
    cell_timeout: float,
) -> tuple[dict[str, float], list[str]]:
    """Points per test cell of an executed notebook, and why any cell scored 0.

    A test cell scores when its execute_reply says ``ok`` and no error output shows, and,
    for an exercise with a spec, when the grader's judge accepts every case's ``outcomes``.
    """
    scores = lesson.zero()
    notes = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        label = grade_id or f"{index + 1}"
        reply = replies.get(index)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        names = {str(e.get("ename")) for e in errors} | {reply["ename"] if reply else ""}
        if "KeyboardInterrupt" in names:
            notes.append(f"cell {label} was stopped after {cell_timeout:g} s (time limit)")
        if grade_id not in lesson.points:
            continue
        if reply is None:
            notes.append(f"{grade_id} was not run")
        elif reply["status"] != "ok" or errors:
            ename = reply["ename"] or (str(errors[0].get("ename", "")) if errors else "")
            evalue = reply["evalue"] or (str(errors[0].get("evalue", "")) if errors else "")
            first_line = (evalue.strip().splitlines() or [""])[0]
            message = f"{ename or reply['status']}: {first_line}".rstrip(": ")
            notes.append(f"{grade_id} failed ({message[:REASON_CHARS]})")
        elif grade_id in lesson.exercises:
            share, wrong = judge(lesson.exercises[grade_id], outcomes.get(grade_id, "no results"))
            scores[grade_id] = round(lesson.points[grade_id] * share, 2)
            if wrong is not None:
                notes.append(f"{grade_id} failed the grader's check ({wrong[:REASON_CHARS]})")
        else:
            scores[grade_id] = lesson.points[grade_id]
    return scores, notes


def judge(exercise: Exercise, outcomes: list[dict] | str) -> tuple[float, str | None]:
    """The share of the exercise's points the outcomes earn, and what was wrong (None when
    every case is right), in the grader.

    An exercise scores all or nothing unless it is ``partial``: then each public case earns
    its own points. A teacher's private cases earn nothing apart: one of them wrong, and
    the exercise scores 0 with a reason that names none of them.
    """
    if isinstance(outcomes, str):
        return 0.0, outcomes
    cases = case_list(exercise)
    public = len(cases) if exercise.public is None else exercise.public
    earned, wrong, private_wrong = 0.0, [], False
    for number, (case, outcome) in enumerate(zip(cases, outcomes, strict=True), 1):
        try:
            why = exercise.judge(tuple(case.args), outcome)
        except Exception as exc:  # a malformed result: the learner's problem
            why = f"unjudgeable result ({type(exc).__name__})"
        if why is None:
            earned += case.points if number <= public else 0.0
        elif number <= public:
            wrong.append((number, why))
        else:
            private_wrong = True  # not even which case: the student's code could choose it
    if not wrong:
        return (0.0, PRIVATE_WRONG) if private_wrong else (1.0, None)
    first, why = wrong[0]
    if not getattr(exercise, "partial", False):
        return 0.0, f"case {first}: {why}"
    total = sum(case.points for case in cases[:public])
    share = 0.0 if private_wrong or not total else earned / total
    if len(wrong) == public:
        return share, f"all {public} cases wrong; case {first}: {why}"
    named = f"case {first}" if len(wrong) == 1 else "cases " + ", ".join(str(n) for n, _ in wrong)
    right = public - len(wrong)
    return share, f"{right} of {public} cases right, {named} wrong; case {first}: {why}"


def grade_notebook(
    student: str, path: Path | None, lesson: Lesson, cell_timeout: float, workdir: Path
) -> tuple[Result, nbformat.NotebookNode | None]:
    """Grade one submission in a fresh kernel: its Result and the executed notebook, if any.

    ``path`` is read (a regular file, bounded), never written; the kernel runs in a
    sandbox when the lesson says so, with its connection file in ``workdir``; the
    learner's results on the judged exercises come back as display messages.
    """
    if path is None:
        return Result(student, lesson.zero(), "missing", [f"no {lesson.source.name}"]), None
    from course.grading.execute import run  # imported here: only workers execute notebooks
    from course.grading.harvest import cell_source, gathered, phases

    source = read_notebook(lesson.source)
    try:
        submitted = nbformat.reads(read_regular(path, NOTEBOOK_BYTES).decode("utf-8"), 4)
        graded, notes = restore_cells(submitted, source, lesson.checksums)
    except Exception as exc:  # anything unreadable is the submission's problem
        reason = f"not a valid notebook: {type(exc).__name__}: {exc}"[: 2 * REASON_CHARS]
        return Result(student, lesson.zero(), "invalid", [reason]), None
    cells = len(graded.cells)
    judged = {  # their test cells do not run: the grader judges these exercises itself
        index: cell.source
        for index, cell in enumerate(graded.cells)
        if is_test_cell(cell) and nbgrader_meta(cell)["grade_id"] in lesson.exercises
    }
    for index in judged:
        graded.cells[index].source = JUDGED
    harvest = phases(lesson.exercises)
    for gid, cases, _ in harvest:
        exercise = lesson.exercises[gid]
        graded.cells.append(new_code_cell(cell_source(exercise, exercise.names[0], cases)))
    status = "graded"
    client = run(graded, workdir, cell_timeout, lesson.sandboxed, lesson.limits, cells)
    # once private cases are asked for, the student's code may choose how the run stops
    private_from = cells + sum(not private for _, _, private in harvest)
    in_private = max(client.replies, default=-1) + 1 >= private_from
    if client.limit is not None:  # the watchdog stopped it: score what ran before
        status = "limit"
        used = "a limit" if in_private else client.limit
        notes.append(f"the sandbox was stopped: it used {used}")
    elif client.error is not None:  # a dead kernel: score what ran before it died
        status = "error"  # no message: a kernel can make it carry a private case
        kind = "" if in_private else f": {type(client.error).__name__}"
        notes.append(f"execution stopped{kind}"[:REASON_CHARS])
    if client.output_cut:
        notes.append("the output was cut: more than the output limit per notebook")
    results = [client.results.get(cells + n) for n in range(len(harvest))]
    outcomes = gathered(lesson.exercises, harvest, results)
    graded.cells = graded.cells[:cells]
    for index, source in judged.items():
        graded.cells[index].source = source
    scores, score_notes = score(graded, lesson, client.replies, outcomes, cell_timeout)
    return Result(student, scores, status, notes + score_notes), graded
