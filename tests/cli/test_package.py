"""The package as a user meets it: imports, entry point, extras, quickstart and CI."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

import dlcore

ROOT = Path(__file__).resolve().parents[2]


def test_dlcore_imports_numpy_only():
    code = (
        "import sys, dlcore\n"
        "heavy = {'matplotlib', 'sklearn', 'scipy', 'ipywidgets', 'course', 'torch', 'tqdm'}\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_version_is_written_once_and_is_the_installed_distributions():
    import course

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in meta["project"] and "version" in meta["project"]["dynamic"]
    assert meta["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "dlcore.__version__"}
    assert course.__version__ is dlcore.__version__
    assert importlib.metadata.version("dl-fundamentals-course") == dlcore.__version__
    written = re.findall(r'__version__ = "([^"]+)"', (ROOT / "dlcore" / "__init__.py").read_text())
    assert written == [dlcore.__version__]


def test_course_console_script_runs():
    exe = Path(sys.executable).with_name("course")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"course {dlcore.__version__}"


def test_extras_cover_tests_notebooks_book_and_frameworks():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    names = {
        re.split(r"[<>=!\[ ]", dep)[0].lower()
        for dep in meta["project"]["optional-dependencies"]["dev"]
    }
    assert {
        "pytest",
        "hypothesis",
        "nbval",
        "jupyter-book",
        "playwright",
        "nbgrader",
        "ruff",
    } <= names
    assert any(
        dep.startswith("torch") for dep in meta["project"]["optional-dependencies"]["frameworks"]
    )
    runtime = {re.split(r"[<>=!\[ ]", dep)[0].lower() for dep in meta["project"]["dependencies"]}
    assert {"numpy", "matplotlib", "ipywidgets", "jupyterlab", "papermill"} <= runtime


def test_environment_yml_uses_conda_forge_node_and_the_dev_extra():
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    assert "conda-forge" in text and "nodejs" in text and "-e .[dev]" in text


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(python3 -m venv .*)$", readme, flags=re.M)
    assert len(commands) == 2, commands
    assert commands[0].endswith("course lab")
    test_command = commands[1].rsplit("&& ", 1)[1]
    assert test_command == ".venv/bin/python -m pytest"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_readme_tour_of_dlcore_runs(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tour = re.search(r"## A short tour of dlcore\n\n```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(compile(tour, "README.md", "exec"), namespace)
    assert max(namespace["errors"].values()) < 1e-6
    assert (
        namespace["model"].evaluate(namespace["X"], namespace["y"], loss="bce")["accuracy"] > 0.95
    )
    assert namespace["p"].errors_[-1] == 0
    assert "'accuracy'" in capsys.readouterr().out
