"""Pin the course's runtime environment for a Binder or JupyterHub image.

Run: python binder/pins.py   (in a venv where the course is installed; rewrites
binder/constraints.txt). The pins are every distribution the course needs at run time, the
``hub`` extra included, at the version installed here: the closure of its requirements,
markers evaluated for this Python. ``.ci/run`` installs the test environment with these pins
as constraints, so the environment the tests pass in is the one the image gets.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement

COURSE = "dl-fundamentals-course"
EXTRAS = ("hub",)
CONSTRAINTS = Path(__file__).with_name("constraints.txt")
HEADER = """\
# Every distribution the course and its hub extra need at run time, at the version the tests
# passed with (binder/requirements.txt installs the course with these). Written by
# binder/pins.py; .ci/run and the README install the test environment with these pins as
# constraints, and tests/cli/test_binder.py checks the two agree.
"""


def canonical(name: str) -> str:
    """PEP 503's normalized name: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(name: str = COURSE, extras: tuple[str, ...] = EXTRAS) -> dict[str, str]:
    """Every distribution ``name[extras]`` needs here, by canonical name, to its version."""
    found: dict[str, str] = {}
    todo = [(name, extras)]
    while todo:
        project, wanted = todo.pop()
        dist = distribution(project)
        for line in dist.requires or ():
            requirement = Requirement(line)
            markers = [{**default_environment(), "extra": e} for e in ("", *wanted)]
            if requirement.marker and not any(requirement.marker.evaluate(m) for m in markers):
                continue
            key = canonical(requirement.name)
            try:
                version = distribution(requirement.name).version
            except PackageNotFoundError as missing:
                needed = f"{requirement.name} (needed by {project}) is not installed"
                raise SystemExit(needed) from missing
            if key not in found:
                found[key] = version
                todo.append((requirement.name, tuple(requirement.extras)))
            elif requirement.extras:
                todo.append((requirement.name, tuple(requirement.extras)))
    found.pop(canonical(name), None)
    return dict(sorted(found.items()))


def constraints_text(pins: dict[str, str]) -> str:
    """The constraints file: one ``name==version`` a line, after the header."""
    return HEADER + "".join(f"{name}=={version}\n" for name, version in pins.items())


if __name__ == "__main__":
    CONSTRAINTS.write_text(constraints_text(closure()), encoding="utf-8")
    print(f"wrote {CONSTRAINTS}")
