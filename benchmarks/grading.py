"""Grading throughput: one class of a lesson (half correct, half stubs), graded here with the
worker pool and on a local Dask cluster, with a projection to a large class on a cluster.

Run: python benchmarks/grading.py [--lesson 03] [--copies 200] [--jobs 2] [--sandbox bwrap]
        [--workers 2] [--no-feedback] [--class-size 10000] [--machines 16] [--cores 2]
Prints, for each run, the wall time, the notebooks graded per minute and the seconds one
slot (a job, or a worker's thread) spends per notebook; then the cluster's overhead per task
(its slot-seconds per notebook less the local pool's), the teacher's CPU time per task, and
the projected wall time of ``--class-size`` submissions on ``--machines`` machines of
``--cores`` cores, each running one single-threaded worker per core.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from course.editions import is_solution_cell, nbgrader_meta
from course.grading import grade
from course.grading.pool import kill_tree
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


def start_cluster(folder: Path, workers: int) -> tuple[str, list[subprocess.Popen]]:
    """A scheduler and ``workers`` single-threaded workers on 127.0.0.1, each in its own
    folder; returns the scheduler's address and the processes."""
    dask = str(Path(sys.executable).with_name("dask"))
    file = folder / "scheduler.json"
    local = ["--dashboard-address", "127.0.0.1:0"]
    commands = [["scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", str(file)]]
    commands += [
        ["worker", "--scheduler-file", str(file), "--nthreads", "1", "--no-nanny"]
        + ["--host", "127.0.0.1", "--local-directory", str(folder / f"w{n}")]
        for n in range(workers)
    ]
    processes = []
    for number, command in enumerate(commands):
        cwd = folder / ("scheduler" if number == 0 else f"w{number - 1}")
        cwd.mkdir(parents=True)
        log = (folder / f"{cwd.name}.log").open("wb")
        processes.append(
            subprocess.Popen([dask, *command, *local], cwd=cwd, stdout=log, stderr=log)
        )
        while number == 0 and not (file.is_file() and file.read_text().strip().endswith("}")):
            time.sleep(0.1)
    address = json.loads(file.read_text())["address"]
    import distributed

    with distributed.Client(address, set_as_default=False, timeout=60) as client:
        client.wait_for_workers(workers, timeout=120)
    return address, processes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lesson", default="03")
    parser.add_argument("--copies", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2])
    parser.add_argument("--sandbox", nargs="+", default=["bwrap"])
    parser.add_argument("--workers", type=int, default=2, help="local Dask workers (0: none)")
    parser.add_argument("--no-feedback", action="store_true", help="grade without --feedback")
    parser.add_argument("--class-size", type=int, default=10_000)
    parser.add_argument("--machines", type=int, default=16)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    source = resolve(args.lesson).path
    correct, stub = submissions(nbformat.read(source, as_version=4))
    rows: list[tuple[str, float, float]] = []  # (run, wall, slot-seconds per notebook)
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "submitted"
        for index in range(args.copies):
            folder = subs / f"student{index:03d}"
            folder.mkdir(parents=True)
            nbformat.write(correct if index % 2 == 0 else stub, folder / source.name)
        feedback = "without" if args.no_feedback else "with"
        print(f"{args.copies} submissions of {source.name}, half correct, {feedback} feedback")
        sheets = {}
        for sandbox in args.sandbox:
            for jobs in args.jobs:
                name = f"local, sandbox={sandbox}, jobs={jobs}"
                out = Path(tmp) / f"grades-{sandbox}-{jobs}.csv"
                pages = None if args.no_feedback else Path(tmp) / f"feedback-{sandbox}-{jobs}"
                start = time.perf_counter()
                grade(subs, source, out, jobs=jobs, sandbox=sandbox, feedback=pages, progress=False)
                wall = time.perf_counter() - start
                rows.append((name, wall, jobs * wall / args.copies))
                sheets[name] = out.read_bytes()
        teacher_cpu = None
        if args.workers:
            address, processes = start_cluster(Path(tmp) / "cluster", args.workers)
            try:
                out = Path(tmp) / "grades-cluster.csv"
                pages = None if args.no_feedback else Path(tmp) / "feedback-cluster"
                cpu, start = time.process_time(), time.perf_counter()
                grade(subs, source, out, scheduler=address, feedback=pages, progress=False)
                wall = time.perf_counter() - start
                teacher_cpu = (time.process_time() - cpu) / args.copies
                name = f"Dask cluster, {args.workers} workers x 1 thread"
                rows.append((name, wall, args.workers * wall / args.copies))
                same = [k for k, sheet in sheets.items() if sheet == out.read_bytes()]
                print(f"cluster's grade sheet byte for byte that of: {', '.join(same) or 'none'}")
            finally:
                for process in processes:
                    kill_tree(process.pid)
                    process.wait()
    print("\n| run | wall s | notebooks/min | s per notebook per slot |\n|---|---:|---:|---:|")
    for name, wall, per_slot in rows:
        print(f"| {name} | {wall:.1f} | {60 * args.copies / wall:.1f} | {per_slot:.2f} |")
    if teacher_cpu is None or len(rows) < 2:
        return
    local, remote = rows[0][2], rows[-1][2]
    slots = args.machines * args.cores
    print(
        f"\ncluster overhead per task: {remote - local:+.2f} slot-seconds "
        f"({remote:.2f} against {local:.2f} for the local pool); teacher's CPU per task: "
        f"{teacher_cpu * 1000:.0f} ms"
    )
    compute = args.class_size * remote / slots
    teacher = args.class_size * teacher_cpu
    print(
        f"projected: {args.class_size} submissions on {args.machines} machines x {args.cores} "
        f"cores ({slots} workers): {max(compute, teacher) / 60:.1f} min "
        f"(workers {compute / 60:.1f} min, teacher's process {teacher / 60:.1f} min)"
    )


if __name__ == "__main__":
    main()
