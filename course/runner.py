"""``course run``: execute lessons top to bottom with papermill, parameters injected.

Each lesson runs in a fresh kernel; the executed notebook is written to ``build/executed/``.
A failing cell is reported by its error name, message and source, not by a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from course import syllabus
from course.editions import read_notebook
from course.errors import CourseError
from course.kernel import check_kernel, kernel_config, kernel_name
from course.lessons import LESSON_HELP, add_root_option, resolve_all, root_of

if TYPE_CHECKING:  # papermill loads only when a lesson runs: ``course --help`` stays quick
    from papermill.exceptions import PapermillExecutionError

#: the default limit on one cell's execution time, in seconds
CELL_TIMEOUT = 600
#: how many source lines of the failing cell a report shows
EXCERPT_LINES = 8
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ARROW = re.compile(r"^-+> ?(\d+)", re.M)


@dataclass(frozen=True)
class Target:
    """A notebook to run: a label for messages, its path and the kernel it asks for."""

    label: str
    path: Path
    kernel: str


def parse_parameters(pairs: Sequence[Sequence[str]] | None) -> dict[str, object]:
    """Typed values of ``-p NAME VALUE`` pairs, parsed as papermill's own ``-p`` parses them.

    ``True``/``False``/``None`` become those constants, then int, then float, else the string:
    ``[("SEED", "7"), ("LR", "0.1")]`` -> ``{"SEED": 7, "LR": 0.1}``.
    """
    return {name: typed(value) for name, value in pairs or ()}


def typed(value: str) -> object:
    """One ``-p`` value: ``True``, ``False``, ``None``, an int, a float, or the string."""
    constants: dict[str, object] = {"True": True, "False": False, "None": None}
    if value in constants:
        return constants[value]
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def declared_parameters(path: str | Path) -> list[str]:
    """The names the notebook's cell tagged ``parameters`` assigns, in order.

    Raises ``CourseError`` when the notebook has no such cell.
    """
    nb = read_notebook(path)
    if not any("parameters" in cell.metadata.get("tags", []) for cell in nb.cells):
        raise CourseError(f"{path} has no cell tagged 'parameters', so it takes no -p values")
    import papermill

    return list(papermill.inspect_notebook(str(path)))


def check_parameters(target: Target, parameters: dict[str, object]) -> None:
    """Raise ``CourseError`` naming any parameter the notebook does not declare."""
    if not parameters:
        return
    declared = declared_parameters(target.path)
    unknown = [name for name in parameters if name not in declared]
    if unknown:
        raise CourseError(
            f"{target.label} does not declare the parameter(s) {', '.join(unknown)}; "
            f"its parameters cell declares: {', '.join(declared) or 'nothing'}"
        )


def resolve_targets(keys: Sequence[str], root: Path) -> list[Target]:
    """The notebooks ``course.lessons`` names by ``keys`` (every ready lesson when empty)."""
    return [
        Target(nb.label, nb.path, kernel_name(read_notebook(nb.path)))
        for nb in resolve_all(keys, root)
    ]


def run_notebook(
    target: Target,
    out_dir: Path,
    parameters: dict[str, object],
    progress: bool = True,
    timeout: float | None = CELL_TIMEOUT,
) -> Path:
    """Execute ``target`` in a fresh kernel, its own folder as working directory.

    Returns the executed notebook's path in ``out_dir``; raises papermill's
    ``PapermillExecutionError`` when a cell fails (the executed notebook is still written)
    and nbclient's ``CellTimeoutError`` when a cell runs longer than ``timeout`` seconds.
    """
    import papermill

    out_dir.mkdir(parents=True, exist_ok=True)
    output = out_dir / target.path.name
    papermill.execute_notebook(
        str(target.path),
        str(output),
        parameters=parameters,
        kernel_name=target.kernel,
        progress_bar={"desc": target.label, "file": sys.stderr} if progress else False,
        cwd=str(target.path.parent),
        execution_timeout=timeout,
        config=kernel_config(),
    )
    return output


def describe_failure(target: Target, exc: PapermillExecutionError, output: Path) -> str:
    """The failing cell's error and an excerpt of its source, as a short report."""
    lines = exc.source.splitlines() or [""]
    arrow = _ARROW.search(_ANSI.sub("", "\n".join(exc.traceback or [])))
    line = int(arrow.group(1)) if arrow else 1
    start = max(0, min(line - EXCERPT_LINES // 2, len(lines) - EXCERPT_LINES))
    excerpt = [
        f"  {'>' if i + 1 == line and arrow else ' '} {i + 1:3d} | {lines[i]}"
        for i in range(start, min(len(lines), start + EXCERPT_LINES))
    ]
    return "\n".join(
        [
            f"{target.label} failed in cell [{exc.exec_count}]: {exc.ename}: {exc.evalue}",
            *excerpt,
            f"  the executed notebook, with the full traceback: {output}",
        ]
    )


def _run(args: argparse.Namespace) -> int:
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    root = root_of(args)
    targets = resolve_targets(args.lessons, root)
    parameters = parse_parameters(args.parameters)
    for target in targets:
        check_kernel(target.kernel)
        check_parameters(target, parameters)
    out_dir = (args.out or syllabus.output_dir(root) / "executed").expanduser().resolve()
    failed = 0
    for target in targets:
        start = time.perf_counter()
        try:
            output = run_notebook(
                target, out_dir, parameters, progress=not args.no_progress, timeout=args.timeout
            )
        except PapermillExecutionError as exc:
            failed += 1
            print(describe_failure(target, exc, out_dir / target.path.name), file=sys.stderr)
            continue
        except CellTimeoutError:
            failed += 1
            print(f"{target.label}: a cell ran longer than {args.timeout} s", file=sys.stderr)
            continue
        except DeadKernelError as exc:
            failed += 1
            print(f"{target.label}: the kernel died: {exc}", file=sys.stderr)
            continue
        print(f"ok  {target.label} in {time.perf_counter() - start:.1f} s -> {output}")
    print(f"{len(targets) - failed} of {len(targets)} notebook(s) ran without error")
    return 1 if failed else 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``course run``."""
    parser = sub.add_parser(
        "run",
        help="execute lessons top to bottom (papermill), optionally with parameters",
        description="Execute lessons in a fresh kernel with papermill and save the executed "
        "notebooks. LESSON is a number (3), a slug (perceptron) or a notebook path; "
        "default: every ready lesson.",
    )
    parser.add_argument(
        "lessons", nargs="*", metavar="LESSON", help=f"{LESSON_HELP}; default: every ready one"
    )
    parser.add_argument(
        "-p",
        "--parameter",
        dest="parameters",
        nargs=2,
        action="append",
        metavar=("NAME", "VALUE"),
        help="set a parameter of the notebook's parameters cell, e.g. -p SEED 7",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="where executed notebooks go (default: build/executed under the course root, "
        "or under the current folder when the lessons come from the installed package)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=CELL_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a cell that runs longer than this (default: {CELL_TIMEOUT})",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_root_option(parser)
    parser.set_defaults(func=_run)
