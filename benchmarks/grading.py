"""Grading throughput: 100 submissions of one lesson (half correct, half stubs), 1 and 2 jobs.

Run: python benchmarks/grading.py [--lesson 03] [--copies 100] [--jobs 1 2]
        [--sandbox bwrap none]
Prints the wall time and the notebooks graded per minute for each sandbox and number of jobs.
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

import nbformat

from course.editions import is_solution_cell, nbgrader_meta
from course.grading import grade
from course.lessons import resolve
from course.release import release_notebook


def submissions(instructor: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, ...]:
    """A correct submission (the instructor's answers in the release) and a stub one."""
    stub = release_notebook(instructor)
    correct = release_notebook(instructor)
    answers = {
        nbgrader_meta(c)["grade_id"]: re.sub(
            r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", c.source, flags=re.M
        )
        for c in instructor.cells
        if is_solution_cell(c)
    }
    for cell in correct.cells:
        if is_solution_cell(cell):
            cell.source = answers[nbgrader_meta(cell)["grade_id"]]
    return correct, stub


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="03")
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--sandbox", nargs="+", default=["bwrap", "none"])
    args = parser.parse_args()
    source = resolve(args.lesson).path
    correct, stub = submissions(nbformat.read(source, as_version=4))
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submitted"
        for index in range(args.copies):
            folder = subs / f"student{index:03d}"
            folder.mkdir(parents=True)
            nbformat.write(correct if index % 2 == 0 else stub, folder / source.name)
        print(f"{args.copies} submissions of {source.name} (half correct, half stubs)")
        for sandbox in args.sandbox:
            for jobs in args.jobs:
                start = time.perf_counter()
                out = Path(tmp) / f"grades-{sandbox}-{jobs}.csv"
                results = grade(subs, source, out, jobs=jobs, sandbox=sandbox, progress=False)
                wall = time.perf_counter() - start
                scored = sum(r.total > 0 for r in results)
                graded = sum(r.status == "graded" for r in results)
                print(
                    f"sandbox={sandbox:5s} jobs={jobs}: {wall:7.1f} s wall, "
                    f"{60 * len(results) / wall:6.1f} notebooks/min ({graded} graded in full, "
                    f"{scored} with points)"
                )


if __name__ == "__main__":
    main()
