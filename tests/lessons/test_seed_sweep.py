"""``benchmarks/seeds.py``: the sweep names the cell that fails and the seeds it fails at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

pytestmark = pytest.mark.notebooks
SWEEP = Path(__file__).resolve().parents[2] / "benchmarks" / "seeds.py"


def test_the_sweep_reports_the_failing_cell_and_its_seeds(tmp_path, python3_kernel):
    cells = [
        new_markdown_cell("# Lesson 01: a claim that one seed breaks"),
        new_code_cell("SEED = 0", metadata={"tags": ["parameters"]}),
        new_code_cell("value = 10 - SEED"),
        new_code_cell("assert value > 8, f'value {value}'"),
    ]
    nb = new_notebook(
        cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    )
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / "01_ai-ml-dl.ipynb")
    args = ["--root", str(tmp_path), "--lessons", "01", "--seeds", "0-3", "--no-extra"]
    done = subprocess.run(
        [sys.executable, str(SWEEP), *args, "--jobs", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "| 01 | 2/4 |" in done.stdout, done.stdout
    assert "c3 AssertionError: 2,3 |" in done.stdout, done.stdout


def test_a_seed_range_that_is_not_one_is_refused():
    done = subprocess.run(
        [sys.executable, str(SWEEP), "--seeds", "0-x"], capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "not a number or a range like 0-29: '0-x'" in done.stderr
