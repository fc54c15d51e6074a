"""Start ``course lab`` for real, with JupyterLab options after ``--``, and stop it again.

The server runs in its own process group (``course`` and the JupyterLab it starts), so the
test stops both by that group's id. Jupyter's config, runtime and settings folders are
private to the test: nothing of the user's setup is read or written.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Lab:
    """A running ``course lab``: where it answers, its token and its log file."""

    base: str
    token: str
    log: Path

    def api(self, path: str, method: str = "GET") -> dict | list:
        """The JSON answer of the server's REST API at ``path``."""
        request = urllib.request.Request(
            f"{self.base}{path}",
            method=method,
            data=b"{}" if method == "POST" else None,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())


def jupyter_env(home: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` (default: this process's environment) with private Jupyter folders."""
    return dict(
        os.environ if base is None else base,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )


@contextmanager
def course_lab(
    course: Sequence[str], workspace: Path, cwd: Path, env: dict[str, str], log: Path
) -> Iterator[Lab]:
    """Run ``course lab WORKSPACE -- --no-browser --port P --ServerApp.token=T ...``.

    ``course`` is the command that runs the course (``[python, "-m", "course"]`` or a
    console script). Yields once JupyterLab answers on port P; fails with the log's end
    when it exits or has not answered within two minutes.
    """
    token, port = secrets.token_hex(16), free_port()
    forwarded = [
        "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.token={token}", "--ServerApp.port_retries=0",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]  # fmt: skip
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [*course, "lab", str(workspace), "--", *forwarded],
            cwd=cwd,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    lab = Lab(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                lab.api("/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"course lab did not answer on {port}:\n{log.read_text()[-3000:]}")
                time.sleep(0.5)
        yield lab
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)  # course and the JupyterLab it started
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
