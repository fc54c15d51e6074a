"""Time each ready lesson executed top to bottom in a fresh kernel (nbclient).

Run: ``python benchmarks/notebooks.py [--root DIR] [--repeat N]``. Prints one row per lesson:
the best wall time over ``N`` runs (kernel start included) against the template's 10 s target.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from course import syllabus
from course.kernel import check_kernel, kernel_config, kernel_name

#: each lesson must run in less than this, on a 2-core machine
TARGET_SECONDS = 10.0


def time_notebook(path: Path) -> float:
    """Seconds to execute ``path`` in a fresh kernel started in the notebook's folder."""
    nb = nbformat.read(path, as_version=4)
    check_kernel(kernel_name(nb))
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name=kernel_name(nb),
        resources={"metadata": {"path": str(path.parent)}},
        config=kernel_config(),
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> None:
    """Print the table of execution times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=None, help="course root (default: installed)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per lesson; the best counts")
    args = parser.parse_args()
    root = args.root.resolve() if args.root else syllabus.course_root()
    print(f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"{'lesson':<28} {'code cells':>10} {'seconds':>8}  verdict")
    for lesson in syllabus.ready(root):
        path, name = root / lesson.notebook, f"{lesson.id}_{lesson.slug}"
        n_code = sum(c.cell_type == "code" for c in nbformat.read(path, as_version=4).cells)
        try:
            seconds = min(time_notebook(path) for _ in range(max(1, args.repeat)))
        except CellExecutionError as exc:
            print(f"{name:<28} {n_code:>10} {'-':>8}  FAILED: {exc.ename}")
            continue
        verdict = "ok" if seconds < TARGET_SECONDS else f"SLOW (target < {TARGET_SECONDS:.0f} s)"
        print(f"{name:<28} {n_code:>10} {seconds:>8.2f}  {verdict}")


if __name__ == "__main__":
    main()
