"""The layers of the code: what may import what.

``course`` has two halves that do not import each other: the **teaching** half that runs in
a learner's kernel (checks, plots, widgets, the values they show) and the **tooling** that
makes editions, runs and grades lessons. Below both sit ``course.exercises`` (each
exercise's one home, NumPy and dlcore only) and ``course.errors``; below everything,
``dlcore``, which imports nothing of ``course``. No module imports a private (``_name``)
name of another package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEACHING = ("course.checks", "course.plots", "course.widgets", "course.palette", "course.values")
TOOLING = (
    "course.__main__",
    "course.book",
    "course.book_extension",
    "course.cli",
    "course.doctor",
    "course.editions",
    "course.grading",
    "course.kernel",
    "course.lessons",
    "course.listing",
    "course.publish",
    "course.release",
    "course.runner",
    "course.serve",
    "course.syllabus",
    "course.workspace",
)
#: what course.exercises may import besides the standard library
BELOW = ("course.exercises", "dlcore", "numpy")


def _modules() -> dict[str, Path]:
    found = {}
    for package in ("course", "dlcore"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def _imports(module: str, path: Path, runtime_only: bool = False) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for every import of ``path``, at module
    level or in a function; with ``runtime_only``, not those under ``if TYPE_CHECKING:``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _runtime_nodes(tree) if runtime_only else ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            found += [(base, alias.name) for alias in node.names]
    return found


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of ``tree`` but those of ``if TYPE_CHECKING:`` blocks (never run)."""
    found, todo = [], [tree]
    while todo:
        node = todo.pop()
        found.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test) in _TYPE_CHECKING:
            todo += node.orelse
        else:
            todo += ast.iter_child_nodes(node)
    return found


_TYPE_CHECKING = ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _package(name: str) -> str:
    """The package a module belongs to: ``course.checks`` for ``course.checks.lesson03``,
    ``course`` for ``course.values``, ``dlcore`` for ``dlcore.losses``."""
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 or name in _packages() else parts[0]


def _packages() -> set[str]:
    return {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in ROOT.glob("*/*/__init__.py")
        if p.parts[-3] in ("course", "dlcore")
    }


MODULES = _modules()


def _violations(rule) -> list[str]:  # noqa: ANN001 (a predicate on (module, imported, name))
    return [
        f"{module} imports {imported}{'.' + name if name else ''}"
        for module, path in MODULES.items()
        for imported, name in _imports(module, path)
        if rule(module, imported, name)
    ]


def test_the_teaching_half_imports_no_tooling():
    assert _violations(lambda m, i, _: _within(m, TEACHING) and _within(i, TOOLING)) == []


def test_the_tooling_imports_no_teaching():
    assert _violations(lambda m, i, _: _within(m, TOOLING) and _within(i, TEACHING)) == []


def test_the_exercises_import_numpy_dlcore_and_themselves_only():
    def outside(module: str, imported: str, _name: str | None) -> bool:
        third_party_or_course = imported.split(".")[0] in ("course", "IPython", "nbformat")
        return _within(module, ("course.exercises",)) and (
            third_party_or_course and not _within(imported, BELOW)
        )

    assert _violations(outside) == []


def test_dlcore_imports_nothing_of_course():
    assert _violations(lambda m, i, _: _within(m, ("dlcore",)) and _within(i, ("course",))) == []


def test_no_module_imports_a_private_name_of_another_package():
    def private(module: str, imported: str, name: str | None) -> bool:
        taken = [*imported.split("."), *([name] if name else [])]
        if not any(part.startswith("_") and not part.startswith("__") for part in taken):
            return False
        return _package(module) != _package(imported)

    assert _violations(private) == []


@pytest.mark.parametrize(
    ("module", "imported", "package_of_each"),
    [
        ("course.checks.lesson03", "course.checks._core", ("course.checks", "course.checks")),
        ("course.grading.logic", "course.checks._core", ("course.grading", "course.checks")),
        ("dlcore.losses", "dlcore.activations", ("dlcore", "dlcore")),
        ("course.runner", "papermill.cli", ("course", "papermill")),
    ],
)
def test_a_module_belongs_to_its_package(module, imported, package_of_each):
    assert (_package(module), _package(imported)) == package_of_each


def _import_graph() -> dict[str, set[str]]:
    """Module -> the modules of course and dlcore it imports when it runs (at module level
    or in a function): ``from package import module`` imports that module."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        graph[module] = set()
        for imported, name in _imports(module, path, runtime_only=True):
            target = f"{imported}.{name}" if f"{imported}.{name}" in MODULES else imported
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``a -> b -> a``) through each strongly connected group of ``graph``."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        order[node] = low[node] = len(order)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in order:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], order[other])
        if low[node] == order[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1 or node in graph[node]:
                groups.append(group)

    for node in sorted(graph):
        if node not in order:
            visit(node)
    return [_cycle_in(graph, set(group)) for group in groups]


def _cycle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        node = todo.pop(0)
        for other in sorted(graph[node] & group):
            if other == start:
                return [*paths[node], start]
            if other not in paths:
                paths[other] = [*paths[node], other]
                todo.append(other)
    raise AssertionError(f"no cycle in {sorted(group)}")


def test_no_module_of_course_or_dlcore_imports_itself_through_others():
    cycles = [" -> ".join(cycle) for cycle in _cycles(_import_graph())]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_finder_names_a_cycle_and_only_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({**graph, "c": {"d"}}) == []


def test_imports_in_functions_count_and_type_checking_ones_do_not():
    # course.doctor imports the sandbox module inside a function only
    assert "course.grading.sandbox" in _import_graph()["course.doctor"]
    source = "if TYPE_CHECKING:\n    import a\nelse:\n    import b\ndef f():\n    import c\n"
    names = [
        n.names[0].name for n in _runtime_nodes(ast.parse(source)) if isinstance(n, ast.Import)
    ]
    assert sorted(names) == ["b", "c"]
