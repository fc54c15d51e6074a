"""``mypy course`` (the settings of pyproject.toml's ``[tool.mypy]``) finds no error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_no_error_in_course():
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "course"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
