"""What course's code takes from other packages is declared, and what it overrides is there.

Every third-party package that ``course`` or ``dlcore`` imports is named in pyproject.toml.
The grader (:mod:`course.grading.execute`) overrides methods of nbclient and jupyter_client,
one of them private (``AsyncKernelManager._async_launch_kernel``): the installed versions
must be inside the ranges pyproject.toml declares (the ranges whose sources were read), and
every method overridden must still exist with the parameters the override takes.
"""

from __future__ import annotations

import ast
import inspect
import re
import sys
from importlib.metadata import packages_distributions, version
from pathlib import Path

import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager, KernelManager
from nbclient import NotebookClient
from packaging.requirements import Requirement
from packaging.version import Version

from course.grading.execute import GradingClient, HeartbeatlessClient, SandboxedKernelManager

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: distributions that come with a declared requirement rather than being named themselves:
#: an extra's, or (course/book*.py, the book's Sphinx extension) jupyter-book's own
COMES_WITH = {
    "distributed": "dask[distributed]",
    "myst-nb": "jupyter-book",
    "sphinx": "jupyter-book",
    "pyyaml": "jupyter-book",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements() -> dict[str, Requirement]:
    """Every requirement of pyproject.toml, the extras' too, by normalised name."""
    lines = PROJECT["dependencies"] + sum(PROJECT["optional-dependencies"].values(), [])
    return {_normal(req.name): req for req in map(Requirement, lines)}


def _imported() -> dict[str, set[str]]:
    """Top-level third-party module -> the files of course and dlcore that import it."""
    found: dict[str, set[str]] = {}
    for package in ("course", "dlcore"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in ("course", "dlcore"):
                        found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_package_imported_is_declared():
    declared = set(_requirements())
    distributions = packages_distributions()
    undeclared = []
    for module, files in sorted(_imported().items()):
        names = {_normal(d) for d in distributions.get(module, [module])}
        if not names & (declared | set(COMES_WITH)):
            undeclared.append(f"{module} ({', '.join(sorted(names))}) in {sorted(files)}")
    assert undeclared == []


@pytest.mark.parametrize("distribution", ["nbclient", "jupyter-client"])
def test_the_installed_version_is_inside_the_declared_range(distribution):
    req = _requirements()[distribution]
    assert any(spec.operator == "<" for spec in req.specifier), f"{req} has no upper bound"
    installed = version(distribution)
    assert Version(installed) in req.specifier, f"{distribution} {installed} is outside {req}"


def _parameters(function: object) -> list[tuple[str, object]]:
    return [(p.name, p.kind) for p in inspect.signature(function).parameters.values()]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (GradingClient, NotebookClient),
        (SandboxedKernelManager, AsyncKernelManager),
        (HeartbeatlessClient, AsyncKernelClient),
    ],
)
def test_every_method_overridden_exists_with_the_same_parameters(ours, theirs):
    overridden = [
        name for name, value in vars(ours).items() if callable(value) and hasattr(theirs, name)
    ]
    assert overridden, f"{ours.__name__} overrides nothing of {theirs.__name__}"
    for name in overridden:
        if name == "__init__":
            continue
        mine, base = _parameters(getattr(ours, name)), _parameters(getattr(theirs, name))
        assert mine == base, f"{ours.__name__}.{name}: {mine} is not {theirs.__name__}'s {base}"


def test_the_private_launch_hook_runs_between_the_public_start_steps():
    """SandboxedKernelManager waits for the sandbox's sockets in ``_async_launch_kernel``,
    so it must run before ``_async_post_start_kernel`` connects the control socket."""
    hook = AsyncKernelManager._async_launch_kernel
    assert inspect.iscoroutinefunction(hook)
    assert _parameters(hook) == [
        ("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("kernel_cmd", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("kw", inspect.Parameter.VAR_KEYWORD),
    ]
    assert AsyncKernelManager.start_kernel is KernelManager._async_start_kernel
    start = inspect.getsource(KernelManager._async_start_kernel)
    launch = start.index("await self._async_launch_kernel(kernel_cmd, **kw)")
    assert launch < start.index("await self._async_post_start_kernel(")
    assert "self._connect_control_socket()" in inspect.getsource(
        KernelManager._async_post_start_kernel
    )


def test_every_clearing_of_outputs_goes_through_clear_display_id_mapping():
    """GradingClient counts the outputs showing each display_id in ``output`` and forgets a
    cell's in ``clear_display_id_mapping``, as nbclient maps them."""
    for method in (NotebookClient.output, NotebookClient.clear_output):
        source = inspect.getsource(method)
        assert source.count("outs[:] = []") == source.count(
            "self.clear_display_id_mapping(cell_index)"
        ), method.__name__
