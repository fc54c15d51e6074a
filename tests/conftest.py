"""Shared fixtures: small notebooks in nbgrader markup and a course root that holds them.

Also the hypothesis profiles: "ci" (loaded when ``CI=true``) is derandomized, so the
property tests try the same examples on every run and cannot make CI flaky; "dev" (the
default) explores fresh random examples. Neither has a deadline (a loaded machine is not a
failure), and both print the blob that reproduces a failure. Cases hypothesis once found
are kept in the tests as explicit ``@example``s.
"""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from hypothesis import settings
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True, database=None)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

#: the answer lines of the fixture exercise; no learner's copy may contain them
FIXTURE_SOLUTION = ("result = SCALE * x", "return result")


def _nbgrader(grade_id: str, *, solution: bool, points: int = 0) -> dict:
    meta = {"grade": not solution, "solution": solution, "grade_id": grade_id}
    meta.update({"locked": not solution, "schema_version": 3})
    if not solution:
        meta["points"] = points
    return {"nbgrader": meta}


def fixture_notebook(*, fail: bool = False, kernel: str = "python3") -> nbformat.NotebookNode:
    """A tiny lesson: a parameters cell (SEED, SCALE), one exercise and its test cell.

    With ``fail=True`` its last cell raises ``ValueError("boom from fixture")``.
    """
    body = "\n".join(f"    {line}" for line in FIXTURE_SOLUTION)
    cells = [
        new_markdown_cell("# Lesson 03: Fixture\n\nA notebook made by the tests."),
        new_code_cell("SEED = 0\nSCALE = 2", metadata={"tags": ["parameters"]}),
        new_code_cell(
            f'def scale(x):\n    """SCALE times x."""\n    ### BEGIN SOLUTION\n{body}\n'
            "    ### END SOLUTION",
            metadata=_nbgrader("scale", solution=True),
        ),
        new_code_cell(
            "assert scale(2) == 2 * SCALE\n### BEGIN HIDDEN TESTS\nassert scale(-1) == -SCALE\n"
            "### END HIDDEN TESTS",
            metadata=_nbgrader("scale-test", solution=False, points=1),
        ),
        new_code_cell("print('seed', SEED, 'scale', SCALE)"),
    ]
    if fail:
        cells.append(new_code_cell("x = SEED + 1\nraise ValueError('boom from fixture')"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


@pytest.fixture
def fixture_solution() -> tuple[str, ...]:
    """The answer lines of the fixture notebook's exercise."""
    return FIXTURE_SOLUTION


@pytest.fixture
def make_notebook(tmp_path: Path) -> Callable[..., Path]:
    """Write a fixture notebook to ``tmp_path / name`` and return its path."""

    def make(name: str = "fixture.ipynb", **kwargs) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(fixture_notebook(**kwargs), path)
        return path

    return make


@pytest.fixture
def course_root(tmp_path: Path) -> Path:
    """A course root whose only ready lesson, 03_perceptron, is the fixture notebook."""
    root = tmp_path / "course"
    (root / "notebooks").mkdir(parents=True)
    nbformat.write(fixture_notebook(), root / "notebooks" / "03_perceptron.ipynb")
    return root


@pytest.fixture
def python3_kernel() -> str:
    """The kernel the notebooks run in; skips (fails under ``CI=true``) when it is missing."""
    from jupyter_client.kernelspec import KernelSpecManager

    if "python3" not in KernelSpecManager().find_kernel_specs():
        reason = "the Jupyter kernel 'python3' is not installed"
        if os.environ.get("CI") == "true":
            pytest.fail(f"required under CI=true: {reason}")
        pytest.skip(reason)
    return "python3"


@pytest.fixture
def torch():
    """PyTorch (the ``frameworks`` extra); skips when it is missing, fails under ``CI=true``."""
    try:
        import torch
    except ImportError:
        reason = 'PyTorch is not installed (pip install -e ".[frameworks]")'
        if os.environ.get("CI") == "true":
            pytest.fail(f"required under CI=true: {reason}")
        pytest.skip(reason)
    return torch


@pytest.fixture(autouse=True)
def _fresh_hints() -> None:
    """Each test meets every exercise's hints from step 1, whatever ran before it."""
    from course.checks import reset_hints

    reset_hints()


#: what the inner loop leaves out: everything that runs a lesson, a kernel, the book, a
#: browser, a server or an install (CONTRIBUTING.md)
HEAVY = ("notebooks", "kernel", "book", "browser", "slow")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--quick",
        action="store_true",
        help=f"the inner loop: deselect the tests marked {', '.join(HEAVY)}",
    )


@pytest.fixture(scope="module")
def sandbox_available() -> None:
    """Skip (fail under CI=true) when bubblewrap cannot isolate on this machine."""
    from browser_util import require

    from course.grading.sandbox import probe

    problem = probe()
    require(problem is None, problem or "")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one and a half workers per core. A test spends much of its time waiting
    for the kernels, servers and builds it starts (two workers kept two cores 61% busy), so
    a third worker fills the gaps."""
    return math.ceil(1.5 * len(os.sched_getaffinity(0)))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that asks for the ``python3_kernel`` fixture is marked ``kernel``; then
    ``--quick`` deselects the HEAVY ones."""
    for item in items:
        if "python3_kernel" in item.fixturenames:
            item.add_marker(pytest.mark.kernel)
    if not config.getoption("--quick"):
        return
    heavy = [item for item in items if any(item.get_closest_marker(m) for m in HEAVY)]
    if heavy:
        config.hook.pytest_deselected(items=heavy)
        items[:] = [item for item in items if not any(item.get_closest_marker(m) for m in HEAVY)]


@pytest.fixture(autouse=True)
def _kernels_only_in_marked_tests(request: pytest.FixtureRequest, tmp_path_factory, monkeypatch):
    """A test that starts a Jupyter kernel must carry one of HEAVY's markers, so that the
    inner loop (``--quick``) starts none. Every process the test starts with
    ``subprocess.Popen`` is looked at, in forked workers too (they inherit this patch): a
    kernel's command line names ``ipykernel``. Recorded in a file, since a fork's memory
    does not come back, and checked when the test ends."""
    if any(request.node.get_closest_marker(m) for m in HEAVY):
        yield
        return
    record = tmp_path_factory.mktemp("kernels") / "started.txt"
    start = subprocess.Popen.__init__

    def watched(self, args, *more, **kwargs):
        words = [str(a) for a in args] if isinstance(args, (list, tuple)) else [str(args)]
        if any("ipykernel" in word for word in words):
            with open(record, "a", encoding="utf-8") as file:
                file.write(" ".join(words)[:200] + "\n")
        start(self, args, *more, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", watched)
    yield
    started = record.read_text(encoding="utf-8") if record.exists() else ""
    assert not started, (
        f"this test starts a Jupyter kernel but is marked none of {', '.join(HEAVY)}: "
        f"mark it kernel (or ask for the python3_kernel fixture). It started:\n{started}"
    )
