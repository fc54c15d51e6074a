"""dlcore ships ``py.typed``: its annotations must hold under ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_strict_finds_no_error_in_dlcore():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "dlcore"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
