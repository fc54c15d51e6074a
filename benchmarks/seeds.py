"""The seed sweep: run lessons under many seeds and say which cell failed at which seeds.

Run: ``python benchmarks/seeds.py --lessons 01-12 --seeds 0-29 --jobs 2``. Each run puts
``SEED = N`` in a cell after the lesson's ``parameters`` cell (as papermill does), runs the
instructor notebook top to bottom in a fresh kernel and goes on after an error, so that every
cell that raised is named. Prints one row per lesson: the seeds that ran clean, and for each
failing cell (0-based index in ``notebooks/``) its error and the seeds it failed at. Exits with
1 when any run failed. A lesson's claims are meant to hold at every seed: this is how to check it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from course import syllabus
from course.kernel import kernel_config, kernel_name

#: seeds the sweep always adds: ones that once broke a lesson's claims
EXTRA_SEEDS = (3, 11, 29, 2026)


def parse_range(text: str) -> list[int]:
    """``"0-29,2026"`` -> ``[0, 1, ..., 29, 2026]``; ``"04-07"`` -> ``[4, 5, 6, 7]``."""
    values: list[int] = []
    for part in text.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise SystemExit(f"not a number or a range like 0-29: {part!r}")
        values.extend(range(int(first), int(last or first) + 1))
    return values


def run_one(path: Path, seed: int, timeout: int) -> tuple[str, int, list[tuple[int, str]], float]:
    """Execute ``path`` with ``SEED = seed``; the (0-based cell, error) pairs of failing cells.

    Cell indices are those of the committed notebook (the injected cell is not counted).
    """
    nb = nbformat.read(path, as_version=4)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    if not tagged:
        raise SystemExit(f"{path.name} has no cell tagged 'parameters'")
    injected = tagged[0] + 1  # papermill's way: a cell after the parameters cell
    nb.cells.insert(injected, nbformat.v4.new_code_cell(f"SEED = {seed}"))
    client = NotebookClient(
        nb,
        timeout=timeout,
        allow_errors=True,
        kernel_name=kernel_name(nb),
        resources={"metadata": {"path": str(path.parent)}},
        config=kernel_config(),
    )
    start = time.perf_counter()
    failures: list[tuple[int, str]] = []
    try:
        client.execute()
    except Exception as exc:  # a timeout or a dead kernel: the run as a whole failed
        failures.append((-1, f"{type(exc).__name__}: {str(exc).splitlines()[0][:80]}"))
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or i == injected:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                index = i - (i > injected)
                failures.append((index, f"{out['ename']}: {out['evalue'][:70]}"))
                break
    return path.name, seed, failures, time.perf_counter() - start


def main() -> int:
    """Run the sweep and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lessons", default="01-12", help="lesson numbers, e.g. 04-07,11")
    parser.add_argument("--seeds", default="0-29", help="seeds, e.g. 0-29 (default)")
    parser.add_argument(
        "--no-extra", action="store_true", help=f"do not add the seeds {EXTRA_SEEDS}"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=300, help="seconds one cell may take")
    parser.add_argument("--root", type=Path, default=None, help="course root (default: this one)")
    args = parser.parse_args()
    root = args.root.resolve() if args.root else syllabus.course_root()
    numbers = set(parse_range(args.lessons))
    seeds = sorted(set(parse_range(args.seeds)) | (set() if args.no_extra else set(EXTRA_SEEDS)))
    lessons = [les for les in syllabus.ready(root) if les.number in numbers]
    if not lessons:
        raise SystemExit(f"no ready lesson among {args.lessons} under {root}")
    print(
        f"{len(lessons)} lesson(s) x {len(seeds)} seeds ({seeds[0]}..{seeds[-1]}), "
        f"{args.jobs} job(s)",
        flush=True,
    )
    results: dict[str, dict[int, list[tuple[int, str]]]] = defaultdict(dict)
    seconds: dict[str, list[float]] = defaultdict(list)
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        futures = [
            pool.submit(run_one, root / les.notebook, seed, args.timeout)
            for les in lessons
            for seed in seeds
        ]
        for future in futures:
            name, seed, failures, took = future.result()
            results[name][seed] = failures
            seconds[name].append(took)
            mark = "ok" if not failures else "FAIL " + ", ".join(f"c{i}" for i, _ in failures)
            print(f"  {name} SEED={seed}: {mark} ({took:.1f} s)", file=sys.stderr, flush=True)
    print("\n| lesson | clean seeds | mean s | failing cells (0-based): seeds |")
    print("|---|---|---|---|")
    bad = 0
    for les in lessons:
        name = Path(les.notebook).name
        runs = results[name]
        clean = sum(not f for f in runs.values())
        cells: dict[tuple[int, str], list[int]] = defaultdict(list)
        for seed, failures in sorted(runs.items()):
            for index, error in failures:
                cells[(index, error.split(":")[0])].append(seed)
        detail = "; ".join(
            f"c{i} {err}: {','.join(map(str, s))}" for (i, err), s in sorted(cells.items())
        )
        mean = sum(seconds[name]) / len(seconds[name])
        print(f"| {les.id} | {clean}/{len(runs)} | {mean:.1f} | {detail or '-'} |")
        bad += clean < len(runs)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
