"""What grading writes: the grades CSV and one feedback page per student."""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import nbformat

from course.grading.logic import Lesson, Result


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


def write_feedback(
    result: Result,
    lesson: Lesson,
    folder: Path | None,
    graded: nbformat.NotebookNode | None = None,
) -> None:
    """Write ``folder/<student>.html``, the feedback page, when a folder is given."""
    if folder is None:
        return
    from nbconvert import HTMLExporter  # imported here: only a run with --feedback needs it

    body, _ = HTMLExporter().from_notebook_node(feedback_notebook(result, lesson, graded))
    (folder / f"{result.student}.html").write_text(body, encoding="utf-8")
