"""``course release``: the student edition of a lesson, locked and checksummed for grading.

The edition is :func:`course.editions.student_edition` (answers stubbed, hidden tests
removed, outputs cleared) with, as nbgrader's ``generate_assignment`` writes them:

- every cell that must not change locked: test cells and every non-exercise cell get
  ``nbgrader.locked = true`` and ``"editable": false, "deletable": false``; solution cells
  stay editable but cannot be deleted;
- an nbgrader checksum in ``nbgrader.checksum`` of every exercise and locked cell, also
  kept in the manifest ``DIR/release.json`` so that grading can tell an edited test cell.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.editions import (
    has_markers,
    is_solution_cell,
    is_test_cell,
    nbgrader_meta,
    read_notebook,
    student_edition,
)
from course.errors import CourseError
from course.lessons import LESSON_HELP, add_root_option, checked_root, resolve_all

if TYPE_CHECKING:  # nbformat loads when a notebook is written: ``course --help`` stays quick
    import nbformat

#: the manifest written next to the released notebooks
MANIFEST = "release.json"
#: the manifest's format version
MANIFEST_FORMAT = 1


def compute_checksum(cell: dict) -> str:
    """nbgrader's checksum of a cell: its source, type, roles, grade_id and points.

    The same MD5 as ``nbgrader.utils.compute_checksum``, so a notebook released here and one
    released by nbgrader carry the same checksums.
    """
    meta = nbgrader_meta(cell)
    grade, solution = bool(meta.get("grade", False)), bool(meta.get("solution", False))
    locked = False if solution else (True if grade else bool(meta.get("locked", False)))
    digest = hashlib.md5()
    for part in (cell["source"], cell["cell_type"], str(grade), str(solution), str(locked)):
        digest.update(part.encode("utf-8"))
    digest.update(str(meta["grade_id"]).encode("utf-8"))
    if grade:
        digest.update(str(float(meta["points"])).encode("utf-8"))
    return digest.hexdigest()


def locked_cell_id(cell: dict, index: int) -> str:
    """The grade_id a release gives a non-exercise cell: from its cell id, else its position."""
    cell_id = cell.get("id")
    return f"cell-{cell_id}" if cell_id else f"cell-{index:03d}"


def cell_kind(cell: dict) -> str:
    """``"solution"``, ``"test"``, ``"locked"`` (an nbgrader read-only cell) or ``""``."""
    if is_solution_cell(cell):
        return "solution"
    if is_test_cell(cell):
        return "test"
    return "locked" if nbgrader_meta(cell).get("locked") else ""


def check_source(nb: nbformat.NotebookNode, name: str) -> None:
    """Raise ``CourseError`` unless every exercise cell of an instructor notebook is well formed."""
    seen: set[str] = set()
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if not (meta.get("solution") or meta.get("grade") or grade_id):
            continue
        if not grade_id:
            raise CourseError(f"{name}: exercise cell {index} has no nbgrader grade_id")
        if grade_id in seen:
            raise CourseError(f"{name}: grade_id {grade_id!r} is used by more than one cell")
        seen.add(grade_id)
        if is_test_cell(cell) and not isinstance(meta.get("points"), (int, float)):
            raise CourseError(
                f"{name}: test cell {grade_id!r} needs numeric nbgrader points, "
                f"got {meta.get('points')!r}"
            )


def release_notebook(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """The locked, checksummed student edition of the instructor notebook ``nb``.

    Raises ``CourseError`` when the source is malformed or a solution or hidden test would
    leak into the edition.
    """
    check_source(nb, name)
    out = student_edition(nb)
    for index, cell in enumerate(out.cells):
        if has_markers(cell.source):
            raise CourseError(
                f"{name}: cell {index} still holds an exercise marker after stripping; "
                "only nbgrader solution cells may hold ### BEGIN SOLUTION"
            )
        meta = cell.metadata.setdefault("nbgrader", {})
        if is_solution_cell(cell):
            cell.metadata["deletable"] = False
        else:
            if not is_test_cell(cell):
                meta.setdefault("grade", False)
                meta.setdefault("solution", False)
                meta.setdefault("grade_id", locked_cell_id(cell, index))
            meta["locked"] = True
            cell.metadata.update(editable=False, deletable=False)
        meta.setdefault("schema_version", 3)
        meta["checksum"] = compute_checksum(cell)
    return out


def manifest_entry(released: nbformat.NotebookNode, source: Path) -> dict[str, Any]:
    """The manifest's record of one released notebook: its source and each cell's checksum."""
    cells = {}
    for cell in released.cells:
        meta = nbgrader_meta(cell)
        record = {"kind": cell_kind(cell), "checksum": meta["checksum"]}
        if is_test_cell(cell):
            record["points"] = meta["points"]
        cells[meta["grade_id"]] = record
    return {
        "source": source.name,
        "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "cells": cells,
    }


def read_manifest(directory: str | Path) -> dict[str, Any]:
    """The manifest of a release directory, or an empty one when there is none."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        return {"format": MANIFEST_FORMAT, "notebooks": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CourseError(f"{path} is not a valid release manifest: {exc}") from exc
    if manifest.get("format") != MANIFEST_FORMAT or not isinstance(manifest.get("notebooks"), dict):
        raise CourseError(f"{path} is not a release manifest of format {MANIFEST_FORMAT}")
    return manifest


def release(sources: list[Path], out: str | Path) -> list[Path]:
    """Write the student edition of each instructor notebook into ``out``; returns their paths.

    ``out/release.json`` gains (or updates) one entry per notebook, keyed by file name.
    """
    import nbformat

    out = Path(out)
    for source in sources:
        if out.resolve() == source.resolve().parent:
            raise CourseError(
                f"--out {out} is the folder of the instructor notebook {source.name}; "
                "releasing there would overwrite the solutions. Choose another folder."
            )
    out.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(out)
    written = []
    for source in sources:
        released = release_notebook(read_notebook(source), source.name)
        target = out / source.name
        nbformat.write(released, target)
        manifest["notebooks"][source.name] = manifest_entry(released, source)
        written.append(target)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return written


def _run(args: argparse.Namespace) -> int:
    sources = [notebook.path for notebook in resolve_all(args.lessons, checked_root(args.root))]
    for path in release(sources, args.out):
        print(f"released {path}")
    print(f"checksums in {Path(args.out) / MANIFEST}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``release`` sub-command."""
    parser = sub.add_parser(
        "release",
        help="write the student edition of lessons (stubs, no hidden tests, locked cells)",
        description="Write the student edition of each lesson into --out: answers replaced "
        "by stubs, hidden tests removed, outputs cleared, fixed cells locked and the "
        "checksums of graded cells kept in OUT/release.json.",
    )
    parser.add_argument(
        "lessons",
        nargs="+",
        metavar="LESSON",
        help=LESSON_HELP,
    )
    parser.add_argument("--out", required=True, type=Path, help="folder for the editions")
    add_root_option(parser)
    parser.set_defaults(func=_run)
