"""course.plots' public names: every one a notebook or course/ uses is in ``__all__``, and
``__all__`` is exactly what the figure modules export (plus course.values' two names that
course.widgets.forward imports from here)."""

from __future__ import annotations

import ast
import importlib
import json
import re
from pathlib import Path

import pytest

from course import plots

ROOT = Path(__file__).resolve().parents[3]
MODULES = [
    "boundaries",
    "curves",
    "networks",
    *(f"lesson{n:02d}" for n in (1, 2, 3, 4, 7, 8, 9, 10, 11)),
    "playground",
]
#: course.values' names re-exported by course.plots for course.widgets.forward
FROM_VALUES = {"dense_layers", "forward_values"}


def _notebook_uses() -> set[tuple[str, str]]:
    """``(notebook, NAME)`` for every ``plots.NAME`` in a code cell of notebooks/."""
    found = set()
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for name in re.findall(r"\bplots\.([A-Za-z_]\w*)", "".join(cell["source"])):
                    found.add((path.name, name))
    return found


def _course_uses() -> set[tuple[str, str]]:
    """``(module, NAME)`` for every ``from course.plots import NAME`` and ``plots.NAME`` in a
    module of course/ outside course/plots."""
    found = set()
    for path in sorted((ROOT / "course").rglob("*.py")):
        if "plots" in path.relative_to(ROOT / "course").parts[:1]:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "course.plots":
                found |= {(path.name, alias.name) for alias in node.names}
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "plots"
            ):
                found.add((path.name, node.attr))
    return found


def test_the_notebooks_and_course_use_plots():
    notebooks, course = _notebook_uses(), _course_uses()
    assert {"plot_data", "plot_forward_pass", "plot_training_runs"} <= {n for _, n in notebooks}
    assert ("forward.py", "plot_forward_pass") in course


USES = sorted(_notebook_uses() | _course_uses())


@pytest.mark.parametrize(("where", "name"), USES, ids=[f"{w}:{n}" for w, n in USES])
def test_every_name_used_is_public(where, name):
    assert name in plots.__all__, f"{where} uses plots.{name}, which course.plots does not export"


def test_all_lists_every_figure_module_export_once_and_nothing_else():
    assert len(plots.__all__) == len(set(plots.__all__))
    exported = set()
    for module in MODULES:
        exported |= set(importlib.import_module(f"course.plots.{module}").__all__)
    assert set(plots.__all__) == exported | FROM_VALUES
    for name in plots.__all__:
        assert getattr(plots, name) is not None


@pytest.mark.parametrize("module", MODULES)
def test_each_modules_all_is_its_public_definitions(module):
    path = ROOT / "course" / "plots" / f"{module}.py"
    defined = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            defined.add(node.name)
        elif isinstance(node, ast.Assign):
            defined |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    public = {name for name in defined if not name.startswith("_")}
    assert set(importlib.import_module(f"course.plots.{module}").__all__) == public
