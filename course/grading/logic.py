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
from course.grading.reasons import REASON_CHARS, answer_cells, cell_names, error_text, plural
from course.grading.sandbox import Limits
from course.release import compute_checksum, read_manifest, release_notebook

#: the reason of an exercise whose function is still the stub
NOT_ANSWERED = "not answered (still the stub)"
#: how the reason of an exercise whose function did not return on the grader's cases starts
TIMED_OUT = "timed out after"


def undefined(exercise: Exercise) -> str:
    """The reason of an exercise whose function or value the notebook never defined."""
    return f"{exercise.names[0]} is not defined"


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
                f"judged by the grader ({plural(len(self.exercises[gid].cases), 'case')})"
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
    names = cell_names(source)
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
        what = _locked_name(originals[grade_id], names[order.index(grade_id)])
        if grade_id in seen:
            notes.append(f"a copy of {what} was ignored")
            continue
        seen.add(grade_id)
        try:
            edited = compute_checksum(cell) != checksums.get(grade_id)
        except (KeyError, TypeError, ValueError):
            edited = True
        if edited:
            notes.append(f"{what} was edited; the original was restored")
        cells.append(copy.deepcopy(originals[grade_id]))
    for position, grade_id in enumerate(order):
        if grade_id not in originals or grade_id in seen:
            continue
        what = _locked_name(originals[grade_id], names[position])
        notes.append(f"{what} was missing; the original was restored")
        previous = order[position - 1] if position else None
        ids = [nbgrader_meta(c).get("grade_id") for c in cells]
        at = ids.index(previous) + 1 if previous in ids else (0 if position == 0 else len(cells))
        cells.insert(at, copy.deepcopy(originals[grade_id]))
        seen.add(grade_id)
    graded = copy.deepcopy(submitted)
    graded.cells = cells
    graded.metadata["kernelspec"] = copy.deepcopy(source.metadata.get("kernelspec", {}))
    return graded, notes


def _locked_name(cell: nbformat.NotebookNode, name: str) -> str:
    """A locked cell in a reason: "X: the test cell" for a test cell (its exercise first),
    else "the locked cell N, under "Heading"" """
    if is_test_cell(cell):
        return f"{nbgrader_meta(cell)['grade_id']}: the test cell"
    return f"the locked {name}"


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
    Each reason names its exercise first (:mod:`course.grading.reasons`); an error in an
    exercise's answer cell (a ``SyntaxError`` on line 2) is named before what it caused.
    """
    scores = lesson.zero()
    notes = []
    names = cell_names(nb)
    answers = answer_cells(nb)
    answer_of = {gid: index for index, gid in answers.items()}
    after = ""  # the last exercise whose test cell came before this cell
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grade_id = nbgrader_meta(cell).get("grade_id")
        failure = _failure(cell, replies.get(index))
        if failure == "KeyboardInterrupt" and grade_id not in lesson.points:
            stopped = f"timed out after {cell_timeout:g} s"
            if index in answers:
                notes.append(f"{answers[index]}: {stopped} in its answer cell")
            else:
                where = f" (after exercise {after})" if after else ""
                notes.append(f"{stopped} in {names[index]}{where}")
        if grade_id not in lesson.points:
            continue
        after = grade_id
        answer = answer_of.get(grade_id)
        broken = _failure(nb.cells[answer], replies.get(answer)) if answer is not None else None
        answer_note = (
            f"{broken} in the answer cell" if broken not in (None, "KeyboardInterrupt") else ""
        )
        reply = replies.get(index)
        if reply is None:
            notes.append(f"{grade_id}: not run (the notebook stopped before its test cell)")
        elif failure is not None:
            notes.append(f"{grade_id}: {_test_cell_failure(failure, answer_note, cell_timeout)}")
        elif grade_id in lesson.exercises:
            exercise = lesson.exercises[grade_id]
            share, wrong = judge(exercise, outcomes.get(grade_id, "no results"))
            scores[grade_id] = round(lesson.points[grade_id] * share, 2)
            plain = wrong in (NOT_ANSWERED, undefined(exercise)) or str(wrong).startswith(TIMED_OUT)
            if wrong is not None and answer_note and wrong == undefined(exercise):
                notes.append(f"{grade_id}: {answer_note}, so {wrong}")
            elif wrong is not None and plain:
                notes.append(f"{grade_id}: {wrong}" + (f"; {answer_note}" if answer_note else ""))
            elif wrong is not None:
                why = wrong[:REASON_CHARS] + (f"; {answer_note}" if answer_note else "")
                notes.append(f"{grade_id} failed the grader's check ({why})")
        else:
            scores[grade_id] = lesson.points[grade_id]
    return scores, notes


def _failure(cell: nbformat.NotebookNode, reply: dict[str, str] | None) -> str | None:
    """How a run cell failed, in one line (``KeyboardInterrupt`` when it was stopped at the
    time limit), or None when it ran cleanly (or did not run)."""
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    if reply is None or (reply["status"] == "ok" and not errors):
        return None
    ename = reply["ename"] or (str(errors[0].get("ename", "")) if errors else "")
    evalue = reply["evalue"] or (str(errors[0].get("evalue", "")) if errors else "")
    names = {str(e.get("ename")) for e in errors} | {ename}
    if "KeyboardInterrupt" in names:
        return "KeyboardInterrupt"
    return error_text(ename or reply["status"], evalue)


def _test_cell_failure(failure: str, answer_note: str, cell_timeout: float) -> str:
    """Why a test cell that runs in the kernel (no grader-side spec) scored nothing."""
    if failure == "KeyboardInterrupt":
        return f"timed out after {cell_timeout:g} s in its test cell"
    if failure.startswith("NotImplementedError"):
        return NOT_ANSWERED
    return f"failed ({failure})" + (f"; {answer_note}" if answer_note else "")


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
    shown = outcomes[:public]
    if shown and all(o.get("undefined") is True for o in shown):
        return 0.0, undefined(exercise)
    if shown and all(o.get("raised") == "NotImplementedError" for o in shown):
        return 0.0, NOT_ANSWERED
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


def read_submission(student: str, path: Path | None, lesson: Lesson) -> bytes | Result:
    """The bytes of a submitted notebook (a regular file of at most :data:`NOTEBOOK_BYTES`),
    or the row of a submission that is missing (``path`` None) or cannot be read."""
    if path is None:
        return Result(student, lesson.zero(), "missing", [f"no {lesson.source.name}"])
    try:
        return read_regular(path, NOTEBOOK_BYTES)
    except Exception as exc:  # anything unreadable is the submission's problem
        return _invalid(student, lesson, exc)


def _invalid(student: str, lesson: Lesson, exc: Exception) -> Result:
    reason = f"not a valid notebook: {type(exc).__name__}: {exc}"[: 2 * REASON_CHARS]
    return Result(student, lesson.zero(), "invalid", [reason])


def grade_notebook(
    student: str,
    path: Path | None,
    lesson: Lesson,
    cell_timeout: float,
    workdir: Path,
    data: bytes | None = None,
) -> tuple[Result, nbformat.NotebookNode | None]:
    """Grade one submission in a fresh kernel: its Result and the executed notebook, if any.

    The submission is ``data``, its bytes as :func:`read_submission` gave them, or else
    ``path``, read here the same way (never written); the kernel runs in a sandbox when the
    lesson says so, with its connection file in ``workdir``; the learner's results on the
    judged exercises come back as display messages.
    """
    if data is None:
        read = read_submission(student, path, lesson)
        if isinstance(read, Result):
            return read, None
        data = read
    from course.grading.execute import run  # imported here: only workers execute notebooks
    from course.grading.harvest import cell_source, gathered, phases

    source = read_notebook(lesson.source)
    try:
        submitted = nbformat.reads(data.decode("utf-8"), 4)
        graded, notes = restore_cells(submitted, source, lesson.checksums)
    except Exception as exc:  # anything unreadable is the submission's problem
        return _invalid(student, lesson, exc), None
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
    for number, (gid, _, private) in enumerate(harvest):
        stopped = client.replies.get(cells + number, {}).get("ename") == "KeyboardInterrupt"
        if stopped and not private:  # a private case's timeout reads like any other failure
            name = lesson.exercises[gid].names[0]
            outcomes[gid] = (
                f"{TIMED_OUT} {cell_timeout:g} s on the grader's cases ({name} did not return)"
            )
    graded.cells = graded.cells[:cells]
    for index, source in judged.items():
        graded.cells[index].source = source
    scores, score_notes = score(graded, lesson, client.replies, outcomes, cell_timeout)
    return Result(student, scores, status, notes + score_notes), graded
