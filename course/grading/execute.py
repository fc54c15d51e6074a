"""Running a notebook in a sandboxed kernel and recording each cell's execute_reply.

The grader runs nbclient in its own process; the kernel runs in the sandbox
(:mod:`course.grading.sandbox`) and reaches the grader only through ZMQ ``ipc`` sockets in
the sandbox's ``/tmp``, reached through ``/proc/<pid>/root`` (the sandbox has no network,
so no TCP). A cell's status is the ``status`` of its execute_reply, recorded here whatever
the cell's outputs say, so an exception hook or a hook that clears outputs cannot hide an
error. What the grader keeps is bounded: after :data:`OUTPUT_BYTES` of outputs, widget
messages and display updates per notebook the rest is discarded; a single message too large
to hold stops the grading of its submission only, at the worker's memory limit
(:data:`course.grading.pool.WORKER_MEMORY`). The kernel manager starts a
:class:`~course.grading.watchdog.Watchdog` with the kernel, and the client has it look
after each cell: a sandbox over its limits is stopped, and no further cell is sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import nbformat
import psutil
import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from course.grading import sandbox
from course.grading.watchdog import Watchdog, sandbox_init

#: the output kept per notebook, in characters
OUTPUT_BYTES = 2 * 2**20
#: the MIME type of the learner's results (JSON text), displayed by the harvest cells
RESULTS_MIME = "text/vnd.course.results"
#: the messages whose ``transient.display_id`` updates every output showing that id
DISPLAY_TYPES = frozenset({"execute_result", "display_data", "update_display_data"})
#: how long a message to the kernel may wait to be sent, in milliseconds: a live kernel's
#: sockets take it at once, a dead one's never (``zmq.Again``, reported as a dead kernel)
SEND_TIMEOUT_MS = 10_000


class SandboxedKernelManager(AsyncKernelManager):
    """An ipykernel started in a sandbox (or not, when ``sandboxed`` is False)."""

    def setup(self, scratch: Path, sandboxed: bool, limits: sandbox.Limits) -> None:
        """Connection file in ``scratch``; sockets in the sandbox's ``/tmp`` (in ``scratch``
        without a sandbox); the sandbox's limits."""
        self.scratch, self.sandboxed, self.limits = scratch, sandboxed, limits
        self.transport = "ipc"
        self.ip = sandbox.SOCKETS if sandboxed else str(scratch / "k")
        self.cache_ports = False
        self.connection_file = str(scratch / "kernel.json")
        self.sandbox_pid: int | None = None
        self.namespace: str | None = None
        self.watchdog: Watchdog | None = None
        # a signal would reach bwrap, not the kernel: interrupt with a control message
        spec = self.kernel_spec
        if spec is None:
            raise RuntimeError(f"no kernel spec {self.kernel_name!r}")
        spec.interrupt_mode = "message"
        context = zmq.asyncio.Context()
        # connect once, to sockets seen to be there: a reconnect would follow the path again,
        # and the student may have replaced a socket by a symlink to one of the machine's
        context.setsockopt(zmq.RECONNECT_IVL, -1)
        # so a kernel gone between two cells leaves no peer, and a send would wait for ever
        context.setsockopt(zmq.SNDTIMEO, SEND_TIMEOUT_MS)
        self.context = context
        self.client_factory = HeartbeatlessClient
        if sandboxed:
            sandbox.write_checks_stand_in(scratch)

    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        """Start the kernel, its own stdout and stderr (its banner, a flood) kept from the
        terminal; in a sandbox, note its PID namespace and start its :class:`Watchdog`."""
        await super().start_kernel(**kw, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.namespace = _namespace_of(self)
        if self.sandbox_pid is not None:
            self.watchdog = Watchdog(self.sandbox_pid, self.limits)
            self.watchdog.start()

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """The kernel command, inside ``bwrap`` when sandboxed."""
        if not self.sandboxed:
            return [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]
        inner = [sys.executable, "-m", "ipykernel_launcher", "-f", sandbox.CONNECTION_FILE]
        return sandbox.command(inner, self.scratch, self.limits, hold=True)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        """Launch, point the grader's side at the sockets inside the sandbox, and wait
        until the kernel has made them (before any of the student's code runs).

        jupyter_client's private launch step, which its docstring invites subclasses to
        override: it runs before ``post_start_kernel`` connects the control socket, the one
        place to wait. pyproject.toml bounds jupyter_client to the releases whose source was
        read; tests/cli/test_dependencies.py checks the hook and its place."""
        await super()._async_launch_kernel(kernel_cmd, **kw)
        process = self.provisioner.process  # type: ignore[union-attr]
        if self.sandboxed:
            self.sandbox_pid = sandbox_init(process.pid)
            self.ip = f"/proc/{self.sandbox_pid}/root{sandbox.SOCKETS}"
        ports = (self.shell_port, self.iopub_port, self.stdin_port, self.control_port)
        deadline = time.monotonic() + 60
        while not all(_is_socket(f"{self.ip}-{port}") for port in ports):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the kernel did not open its sockets")
            await asyncio.sleep(0.01)

    def client(self, **kwargs: Any) -> AsyncKernelClient:  # type: ignore[override]
        """A :class:`HeartbeatlessClient` on this manager's ZMQ context (its limits)."""
        return super().client(context=self.context, **kwargs)


class HeartbeatlessClient(AsyncKernelClient):
    """A kernel client without the heartbeat channel (whose reconnects would follow the
    socket's path again)."""

    def start_channels(
        self,
        shell: bool = True,
        iopub: bool = True,
        stdin: bool = True,
        hb: bool = False,
        control: bool = True,
    ) -> None:
        """Start the channels asked for, never the heartbeat."""
        super().start_channels(shell, iopub, stdin, False, control)


def _is_socket(path: str) -> bool:
    """Whether ``path`` is a Unix socket itself (not a symlink to one)."""
    try:
        return stat.S_ISSOCK(os.lstat(path).st_mode)
    except OSError:
        return False


class SandboxStopped(RuntimeError):
    """The watchdog stopped the sandbox (its argument says at which limit) after a cell."""


class GradingClient(NotebookClient):
    """nbclient that records every execute_reply, bounds what it keeps, and takes only the
    learner's results from the cells from ``harvest_from`` on."""

    def __init__(self, *args: Any, harvest_from: int, **kwargs: Any) -> None:
        super().__init__(*args, store_widget_state=False, **kwargs)
        self.replies: dict[int, dict[str, Any]] = {}
        self.results: dict[int, Any] = {}
        self.harvest_from = harvest_from
        self.output_left = OUTPUT_BYTES
        self.output_cut = False
        #: display_id -> cell index -> how many of the cell's outputs show it
        self.shown: dict[str, dict[int, int]] = {}
        self.namespace: str | None = None
        self.limit: str | None = None
        self.error: Exception | None = None
        self.on_cell_executed = self._record

    def _record(self, cell: Any, cell_index: int, execute_reply: dict | None) -> None:
        """Keep the cell's reply; in a sandbox, have its watchdog look before the next cell
        runs (every cell's leftovers are measured, however busy the machine)."""
        content = (execute_reply or {}).get("content") or {}
        self.replies[cell_index] = {
            "status": str(content.get("status", "no reply")),
            "ename": str(content.get("ename", ""))[:100],
            "evalue": str(content.get("evalue", ""))[:300],
        }
        watchdog = getattr(self.km, "watchdog", None)
        if watchdog is not None and (limit := watchdog.look()) is not None:
            raise SandboxStopped(limit)  # its kernel is gone: no other cell is sent

    def _spend(self, content: Any, times: int = 1) -> bool:
        """Whether ``times`` copies of a message's content fit in what is left of the
        budget (spent when they do)."""
        size = _size(content) * times
        if size > self.output_left:
            self.output_left = 0
            self.output_cut = True
            return False
        self.output_left -= size
        return True

    def process_message(self, msg, cell, cell_index):  # type: ignore[no-untyped-def]
        """In the harvest cells, keep the first results message of each and drop every
        other output, widget message or display update (the outputs of the notebook are
        final once its own cells have run); elsewhere, as nbclient does, except that an
        update of the outputs showing a display_id spends the budget once per output it
        changes, and changes none once the budget is gone."""
        if cell_index < self.harvest_from or msg["msg_type"] == "status":
            content = msg.get("content") or {}
            transient = content.get("transient")
            display_id = transient.get("display_id") if isinstance(transient, dict) else None
            if display_id and msg["msg_type"] in DISPLAY_TYPES:
                times = sum(self.shown.get(display_id, {}).values())
                if times and not self._spend(content, times):
                    # nbclient updates the outputs of a display_id it finds in the message
                    msg = {**msg, "content": {**content, "transient": {}}}
            return super().process_message(msg, cell, cell_index)
        data = (msg.get("content") or {}).get("data")
        if msg["msg_type"] == "display_data" and isinstance(data, dict) and RESULTS_MIME in data:
            self.results.setdefault(cell_index, data[RESULTS_MIME])
        return None

    def output(self, outs, msg, display_id, cell_index):  # type: ignore[no-untyped-def]
        """Keep an output only while the notebook's output budget lasts; count the outputs
        showing each display_id (as nbclient maps them, to update them)."""
        if not self._spend(msg.get("content")):
            return None
        out = super().output(outs, msg, display_id, cell_index)
        if out is not None and display_id:
            cells = self.shown.setdefault(display_id, {})
            cells[cell_index] = cells.get(cell_index, 0) + 1
        return out

    def clear_display_id_mapping(self, cell_index: int) -> None:
        """The cell's outputs are cleared: none of them shows a display_id any more."""
        super().clear_display_id_mapping(cell_index)
        for cells in self.shown.values():
            cells.pop(cell_index, None)

    def handle_comm_msg(self, outs, msg, cell_index):  # type: ignore[no-untyped-def]
        """Widget messages spend the output budget too; none is kept once it is gone, and a
        malformed one is dropped (nbclient would stop the run on it)."""
        if self._spend(msg.get("content")):
            with contextlib.suppress(Exception):
                super().handle_comm_msg(outs, msg, cell_index)


def _size(content: Any) -> int:
    """The characters of a message's content as JSON, however deeply it nests."""
    try:
        return len(json.dumps(content, default=repr))
    except (ValueError, RecursionError):
        return OUTPUT_BYTES + 1


def run(
    nb: nbformat.NotebookNode,
    scratch: Path,
    cell_timeout: float,
    sandboxed: bool,
    limits: sandbox.Limits,
    harvest_from: int | None = None,
) -> GradingClient:
    """Execute ``nb`` in place in a fresh kernel; the client holds the replies, the results
    of the cells from ``harvest_from`` on, the exception that stopped the run, if any
    (``client.error``) and the limit the sandbox was stopped at, if any (``client.limit``).

    Returns once the kernel and, in a sandbox, every process of its PID namespace are gone.
    """
    km = SandboxedKernelManager(kernel_name="python3")
    km.setup(scratch, sandboxed, limits)
    client = GradingClient(
        nb,
        km=km,
        timeout=cell_timeout,
        interrupt_on_timeout=True,
        allow_errors=True,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(scratch)}},
        log=_quiet_log(),
        harvest_from=len(nb.cells) if harvest_from is None else harvest_from,
    )
    try:
        client.execute()
    except zmq.Again:  # a message the kernel's sockets never took: the kernel is gone
        client.error = DeadKernelError("the kernel is gone")
    except Exception as exc:  # a dead kernel, a timeout: the replies so far still count
        client.error = exc
    finally:
        if km.watchdog is not None:
            client.limit = km.watchdog.finish()
        client.namespace = km.namespace
        _wait_gone(km.namespace)
        km.context.destroy(linger=0)
    return client


def _namespace_of(km: SandboxedKernelManager) -> str | None:
    """The PID namespace of the sandbox a kernel runs in, or None without a sandbox."""
    if km.sandbox_pid is None:
        return None
    with contextlib.suppress(OSError):
        return os.readlink(f"/proc/{km.sandbox_pid}/ns/pid")
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
