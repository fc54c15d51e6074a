"""``course`` and the lessons use dlcore's public API only: no ``_name`` of dlcore anywhere.

Every ``.py`` file under ``course/`` and every code cell of ``notebooks/`` is parsed. A use
is private when it imports a dlcore module or name that starts with ``_``, or reads such an
attribute from anything that comes from dlcore: a name imported from it, or a variable or
attribute assigned from one (``p = dl.Perceptron(); p._w``). Dunders (``__version__``)
are public. Values passed through function arguments are not followed.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
#: IPython magics and shell escapes, blanked before parsing (line numbers are kept)
_MAGIC = re.compile(r"^\s*[%!]")


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of names; calls and subscripts count as what they are made from."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        return _dotted(node.func)
    if isinstance(node, ast.Subscript):
        return _dotted(node.value)
    return None


def _from_dlcore(node: ast.AST, roots: set[str]) -> bool:
    dotted = _dotted(node)
    if dotted is None:
        return False
    parts = dotted.split(".")
    return any(".".join(parts[:n]) in roots for n in range(1, len(parts) + 1))


def private_uses(source: str) -> list[tuple[int, str]]:
    """Line and text of each use of a private dlcore name in the Python ``source``."""
    tree = ast.parse(source)
    roots: set[str] = set()
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "dlcore":
                    if any(_private(part) for part in alias.name.split(".")):
                        found.append((node.lineno, f"import {alias.name}"))
                    roots.add(alias.asname or "dlcore")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "dlcore":
                continue
            if any(_private(part) for part in node.module.split(".")):
                found.append((node.lineno, f"from {node.module} import ..."))
            for alias in node.names:
                if _private(alias.name):
                    found.append((node.lineno, f"from {node.module} import {alias.name}"))
                roots.add(alias.asname or alias.name)
    assignments = [n for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AnnAssign))]
    grew = True
    while grew:  # names assigned from dlcore, and names assigned from those, ...
        size = len(roots)
        for node in assignments:
            if node.value is None or not _from_dlcore(node.value, roots):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            roots.update(filter(None, map(_dotted, targets)))
        grew = len(roots) > size
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            if _from_dlcore(node.value, roots):
                found.append((node.lineno, ast.unparse(node)))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _private(node.args[1].value)
            and _from_dlcore(node.args[0], roots)
        ):
            found.append((node.lineno, ast.unparse(node)))
    return sorted(set(found))


def _notebook_source(path: Path) -> tuple[str, list[tuple[int, int]]]:
    """The code cells joined into one program, and (cell index, first line) of each."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines: list[str] = []
    starts: list[tuple[int, int]] = []
    for index, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        starts.append((index, len(lines) + 1))
        lines += ["" if _MAGIC.match(line) else line for line in text.splitlines()] + [""]
    return "\n".join(lines), starts


def _where(path: Path, line: int, starts: list[tuple[int, int]] | None) -> str:
    name = path.relative_to(ROOT).as_posix()
    if starts is None:
        return f"{name}:{line}"
    index, first = [s for s in starts if s[1] <= line][-1]
    return f"{name}: cell {index}, line {line - first + 1}"


def _sources() -> list[Path]:
    return sorted((ROOT / "course").rglob("*.py")) + sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_sources_to_scan():
    names = {path.name for path in _sources()}
    assert {"stepper.py", "networks.py", "03_perceptron.ipynb"} <= names


def test_course_and_notebooks_use_only_dlcores_public_api():
    offences = []
    for path in _sources():
        if path.suffix == ".py":
            source, starts = path.read_text(encoding="utf-8"), None
        else:
            source, starts = _notebook_source(path)
        offences += [f"{_where(path, line, starts)}: {text}" for line, text in private_uses(source)]
    assert not offences, "private dlcore names used:\n" + "\n".join(offences)


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("import dlcore._impl", 1),
        ("from dlcore._impl import x", 1),
        ("from dlcore.models import _fit_batch", 1),
        ("import dlcore as dl\nx = 1\ndl.models._check(x)", 3),
        ("from dlcore import models\nmodels._FLOAT", 2),
        ("import dlcore as dl\np = dl.Perceptron()\nprint(p._weights)", 3),
        ("from dlcore import MLP\nself.net = MLP([2, 1])\nself.net.layers[0]._grad", 3),
        ("import dlcore\ngetattr(dlcore.losses, '_LOSSES')", 2),
    ],
)
def test_the_scan_finds_each_kind_of_private_use(source, line):
    assert [found[0] for found in private_uses(source)] == [line]


@pytest.mark.parametrize(
    "source",
    [
        "import dlcore as dl\ndl.__version__",
        "import dlcore as dl\np = dl.Perceptron()\np.steps_",
        "import numpy as np\nrng = np.random.default_rng()\nrng._bit_generator",
        "from course.checks._core import call\nself._rng = None",
        "from dlcore.validation import check_positive\ncheck_positive('n', 1)",
    ],
)
def test_the_scan_leaves_public_and_non_dlcore_names_alone(source):
    assert private_uses(source) == []
