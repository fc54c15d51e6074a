"""benchmarks/training.py compares like with like: its hand-written numpy floor trains the
same network on the same batches as dlcore's fit, so the two reach the same losses."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "training.py"


def worker(name: str, epochs: int) -> dict:
    args = ["--worker", name, "--epochs", str(epochs), "--repeat", "1"]
    out = subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("epochs", [1, 5])
def test_the_numpy_floor_trains_what_dlcore_trains(epochs):
    floor, dlcore = worker("numpy", epochs), worker("dlcore", epochs)
    assert floor["last_epoch_loss"] == pytest.approx(dlcore["last_epoch_loss"], rel=1e-9)
    assert floor["accuracy"] == dlcore["accuracy"]
    assert 0.5 < dlcore["accuracy"] <= 1.0
