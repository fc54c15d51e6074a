"""The environment a Binder or JupyterHub image gets: ``binder/``, pinned, and run for real.

``binder/constraints.txt`` pins every distribution the course needs at run time (its hub
extra included); ``binder/requirements.txt`` installs the course with those pins. The pins
must be what this environment has (``.ci/run`` and the README install it with them as
constraints), and ``.ci/install-image.sh`` installs ``binder/requirements.txt`` into a fresh
venv of its own, from the package registry, the way repo2docker does: that venv runs a lesson.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from browser_util import ROOT, require
from packaging.requirements import Requirement
from packaging.version import Version

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

BINDER = ROOT / "binder"
#: the venv .ci/install-image.sh builds from binder/requirements.txt alone
IMAGE = ROOT / ".ci" / "image" / "venv"


def _pins_module():
    spec = importlib.util.spec_from_file_location("binder_pins", BINDER / "pins.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pins = _pins_module()


def constraints() -> dict[str, str]:
    """binder/constraints.txt as {canonical name: version}."""
    found = {}
    for line in (BINDER / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement = Requirement(line)
            (specifier,) = requirement.specifier
            assert specifier.operator == "==", f"{line!r} is not pinned with =="
            found[pins.canonical(requirement.name)] = specifier.version
    return found


def test_the_constraints_pin_every_runtime_distribution_at_the_version_installed_here():
    expected = pins.closure()
    pinned = constraints()
    assert sorted(set(expected) - set(pinned)) == [], "needed but not pinned"
    assert sorted(set(pinned) - set(expected)) == [], "pinned but not needed"
    stale = {n: (pinned[n], v) for n, v in expected.items() if pinned[n] != v}
    assert stale == {}, "pinned != installed: rerun python binder/pins.py, or install with -c"
    assert pins.constraints_text(expected) == (BINDER / "constraints.txt").read_text()


def test_the_pins_satisfy_the_ranges_the_package_declares():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = meta["dependencies"] + meta["optional-dependencies"]["hub"]
    pinned = constraints()
    for line in declared:
        requirement = Requirement(line)
        version = pinned[pins.canonical(requirement.name)]
        assert requirement.specifier.contains(Version(version)), (line, version)


def test_the_requirements_install_the_course_with_its_hub_extra_under_the_pins():
    lines = [
        line
        for line in (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines == ["-c constraints.txt", ".[hub]"]
    (python,) = (BINDER / "runtime.txt").read_text().split()
    assert re.fullmatch(r"python-3\.\d+", python), python
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert Requirement(f"python{meta['requires-python']}").specifier.contains(python[7:] + ".0")


def _image(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [str(IMAGE / "bin" / "python"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    assert done.returncode == 0, f"{args}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.slow
@pytest.mark.kernel
def test_the_image_environment_has_exactly_the_pins_and_runs_a_lesson(tmp_path):
    require(
        (IMAGE / "bin" / "python").is_file(),
        f"{IMAGE} is missing: bash .ci/install-image.sh installs binder/requirements.txt there",
    )
    _image("-m", "pip", "check", cwd=tmp_path)
    listed = json.loads(_image("-m", "pip", "list", "--format", "json", cwd=tmp_path))
    versions = {pins.canonical(d["name"]): d["version"] for d in listed}
    pinned = constraints()
    assert {n: versions.get(n) for n in pinned} == pinned
    assert (
        versions[pins.canonical(pins.COURSE)]
        == _image("-c", "import course; print(course.__version__)", cwd=tmp_path).strip()
    )
    where = _image("-c", "import course; print(course.__file__)", cwd=tmp_path)
    assert Path(where.strip()).is_relative_to(IMAGE), "the image's course is its own install"
    extensions = _image("-m", "jupyter", "server", "extension", "list", cwd=tmp_path)
    assert "nbgitpuller" in extensions
    out = tmp_path / "executed"
    _image("-m", "course", "run", "1", "-p", "SEED", "5", "--out", str(out), cwd=tmp_path)
    (executed,) = out.glob("01_*.ipynb")
    cells = json.loads(executed.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells if c["cell_type"] == "code" for o in c["outputs"]]
    assert outputs and not [o for o in outputs if o["output_type"] == "error"]
