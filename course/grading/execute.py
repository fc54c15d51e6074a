"""Running a notebook in a sandboxed kernel and recording each cell's execute_reply.

The grader runs nbclient in its own process; the kernel runs in the sandbox
(:mod:`course.grading.sandbox`) and reaches the grader only through ZMQ ``ipc`` sockets in
the submission's scratch folder (the sandbox has no network, so no TCP). A cell's status
is the ``status`` of its execute_reply, recorded here whatever the cell's outputs say, so
an exception hook or a hook that clears outputs cannot hide an error. The outputs kept are
bounded: a message larger than :data:`MESSAGE_BYTES` is dropped by ZMQ, and after
:data:`OUTPUT_BYTES` of output per notebook the rest is discarded.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import psutil
import zmq
import zmq.asyncio
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from course.grading import sandbox

#: the largest kernel message accepted, in bytes
MESSAGE_BYTES = 8 * 2**20
#: the output kept per notebook, in characters
OUTPUT_BYTES = 2 * 2**20


class SandboxedKernelManager(AsyncKernelManager):
    """An ipykernel started in a sandbox (or not, when ``sandboxed`` is False)."""

    def setup(self, workdir: Path, sandboxed: bool, limits: sandbox.Limits) -> None:
        """Sockets and connection file in ``workdir``; the sandbox's limits."""
        self.workdir, self.sandboxed, self.limits = workdir, sandboxed, limits
        self.transport = "ipc"
        self.ip = str(workdir / "k")
        self.cache_ports = False
        self.connection_file = str(workdir / "kernel.json")
        # a signal would reach bwrap, not the kernel: interrupt with a control message
        self.kernel_spec.interrupt_mode = "message"
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.MAXMSGSIZE, MESSAGE_BYTES)
        self.context = context

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel command, inside ``bwrap`` when sandboxed."""
        inner = [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]
        if not self.sandboxed:
            return inner
        return sandbox.command(inner, self.workdir, self.limits)


class GradingClient(NotebookClient):
    """nbclient that records every execute_reply and bounds the outputs it keeps."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.replies: dict[int, dict[str, Any]] = {}
        self.output_left = OUTPUT_BYTES
        self.output_cut = False
        self.on_cell_executed = self._record

    def _record(self, cell: Any, cell_index: int, execute_reply: dict | None) -> None:
        content = (execute_reply or {}).get("content") or {}
        self.replies[cell_index] = {
            "status": str(content.get("status", "no reply")),
            "ename": str(content.get("ename", ""))[:100],
            "evalue": str(content.get("evalue", ""))[:300],
        }

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
        """Keep an output only while the notebook's output budget lasts."""
        size = _size(msg.get("content"))
        if size > self.output_left:
            self.output_left = 0
            self.output_cut = True
            return None
        self.output_left -= size
        return super().output(outs, msg, display_id, cell_index)


def _size(content: Any, depth: int = 0) -> int:
    """The characters of the strings in a message's content."""
    if isinstance(content, str):
        return len(content)
    if depth > 6:
        return 0
    if isinstance(content, dict):
        return sum(_size(v, depth + 1) for v in content.values())
    if isinstance(content, list):
        return sum(_size(v, depth + 1) for v in content)
    return 8


def run(
    nb: nbformat.NotebookNode,
    workdir: Path,
    cell_timeout: float,
    sandboxed: bool,
    limits: sandbox.Limits,
) -> GradingClient:
    """Execute ``nb`` in place in a fresh kernel; the client holds the replies and the
    exception that stopped the run, if any (``client.error``).

    Returns once the kernel and, in a sandbox, every process of its PID namespace are gone.
    """
    km = SandboxedKernelManager(kernel_name="python3")
    km.setup(workdir, sandboxed, limits)
    client = GradingClient(
        nb,
        km=km,
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(workdir)}},
        log=_quiet_log(),
    )
    client.namespace = None
    original_start = km.start_kernel

    async def start_kernel(**kwargs: Any) -> None:
        # the kernel's own stdout and stderr (its banner, a flood) never reach the terminal
        await original_start(**kwargs, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client.namespace = _namespace_of(km)

    km.start_kernel = start_kernel  # type: ignore[method-assign]
    client.error = None
    try:
        client.execute()
    except Exception as exc:  # a dead kernel, a timeout: the replies so far still count
        client.error = exc
    finally:
        _wait_gone(client.namespace)
        km.context.destroy(linger=0)
    return client


def _namespace_of(km: AsyncKernelManager) -> str | None:
    """The PID namespace of the sandbox a kernel runs in (of the launcher's first child)."""
    process = getattr(km.provisioner, "process", None)
    if process is None or not getattr(km, "sandboxed", False):
        return None
    for _ in range(50):
        with contextlib.suppress(psutil.Error):
            for child in psutil.Process(process.pid).children(recursive=True):
                with contextlib.suppress(OSError):
                    return os.readlink(f"/proc/{child.pid}/ns/pid")
        time.sleep(0.01)
    return None


def _wait_gone(namespace: str | None, timeout: float = 10.0) -> None:
    """Wait until no process lives in ``namespace``; kill any that does."""
    if namespace is None:
        return
    deadline = time.monotonic() + timeout
    while True:
        alive = []
        for pid in psutil.pids():
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/{pid}/ns/pid") == namespace:
                    alive.append(pid)
        if not alive or time.monotonic() > deadline:
            break
        for pid in alive:
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()
        time.sleep(0.02)
    if alive:
        raise RuntimeError(f"processes {alive} of the sandbox survived it")


def _quiet_log() -> logging.Logger:
    log = logging.getLogger("course.grading.kernel")
    log.setLevel(logging.CRITICAL)
    return log
