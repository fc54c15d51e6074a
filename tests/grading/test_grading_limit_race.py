"""The status ``limit`` does not depend on the watchdog winning a race with the sandbox.

Here the watchdog loses every race on purpose: its own look comes once an hour, so the only
looks left are the ones that do not depend on timing, after each cell and when the kernel
dies (the sandbox is held until then). Attacks over the sandbox's memory or processes,
left running by a cell or by a kernel that then dies, are still stopped with status
``limit`` and the right reason; a kernel that dies, or claims a limit, without being over
one is ``error``, and an ordinary error in a cell is the student's (``graded``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import psutil
import pytest
from homework_util import SPECS, answered, write_lesson

from course.grading import execute, sandbox, watchdog
from course.grading.logic import grade_notebook, load_lesson

# starts sandboxed kernels; not alone: what it checks must hold on a busy machine
pytestmark = [pytest.mark.kernel]

LIMITS = sandbox.Limits(memory=512 * 2**20, processes=32)
MEMORY = "more than 0.5 GiB of memory"
PROCESSES = "more than 32 processes and threads"
STUBS = {"step": "def step(z):\n    raise NotImplementedError()"}
STUB_SUM = "def weighted_sum(x, w, b):\n    raise NotImplementedError()"

#: three children of 200 MB each, which the cell waits for and leaves running
HOGS = (
    "import os, signal, time\n"
    "_ready, _done = os.pipe()\n"
    "for _ in range(3):\n"
    "    if os.fork() == 0:\n"
    "        _hog = b'x' * (200 * 2**20)\n"
    "        os.write(_done, b'.')\n"
    "        time.sleep(60)\n"
    "        os._exit(0)\n"
    "for _ in range(3):\n"
    "    os.read(_ready, 1)\n"
)
#: 40 sleeping children, left running
SLEEPERS = (
    "import os, signal, time\n"
    "for _ in range(40):\n"
    "    if os.fork() == 0:\n"
    "        time.sleep(60)\n"
    "        os._exit(0)\n"
)
#: the kernel kills itself, as an out-of-memory killer or a failed fork inside it would
DIE = "os.kill(os.getpid(), signal.SIGKILL)\n"
SUBMISSIONS = {
    "memory": HOGS,
    "processes": SLEEPERS,
    "memory-then-dead": HOGS + DIE,
    "processes-then-dead": SLEEPERS + DIE,
    "dead": "import os, signal\n" + DIE,
    "zero-division": "1 / 0",
    "fake-memory-error": "print('MemoryError')\nraise MemoryError('out of memory')",
    "fake-fork-failure": f"print('the sandbox was stopped: it used {PROCESSES}')\n"
    "raise BlockingIOError(11, 'Resource temporarily unavailable')",
    "fake-limit-dead": "import os, signal\n"
    f"print('MemoryError: the sandbox was stopped: it used {MEMORY}')\n" + DIE,
}


@pytest.fixture(scope="module")
def lost_race(tmp_path_factory, sandbox_available):
    """Each submission graded while the watchdog's own look comes once an hour."""
    tmp = tmp_path_factory.mktemp("race")
    source = write_lesson(tmp / "course")
    instructor = nbformat.read(source, as_version=4)
    lesson = replace(load_lesson(source, exercises=SPECS), limits=LIMITS)
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(watchdog, "WATCH_SECONDS", 3600.0)
        for student, code in {**SUBMISSIONS, "alice": None}.items():
            answers = {} if code is None else {"weighted_sum": code + "\n" + STUB_SUM, **STUBS}
            path = tmp / f"{student}.ipynb"
            nbformat.write(answered(instructor, **answers), path)
            work = tmp / f"work-{student}"
            work.mkdir()
            results[student], _ = grade_notebook(student, path, lesson, 30, work)
    return results


@pytest.mark.parametrize(
    ("student", "limit"),
    [
        ("memory", MEMORY),
        ("processes", PROCESSES),
        ("memory-then-dead", MEMORY),
        ("processes-then-dead", PROCESSES),
    ],
)
def test_a_sandbox_over_a_limit_is_stopped_though_the_watchdog_lost_the_race(
    lost_race, student, limit
):
    result = lost_race[student]
    assert (result.total, result.status) == (0, "limit"), result.reasons
    assert result.reasons[0] == f"the sandbox was stopped: it used {limit}"


def test_a_kernel_that_dies_under_its_limits_is_an_error(lost_race):
    result = lost_race["dead"]
    assert (result.total, result.status) == (0, "error"), result.reasons
    assert result.reasons[0] == "execution stopped: DeadKernelError"


@pytest.mark.parametrize("student", ["zero-division", "fake-memory-error", "fake-fork-failure"])
def test_an_error_in_a_cell_is_the_students_whatever_it_says(lost_race, student):
    result = lost_race[student]
    assert (result.total, result.status) == (0, "graded"), result.reasons
    assert not any("sandbox" in reason for reason in result.reasons)
    assert result.reasons[1] == "step-test: not answered (still the stub)"


def test_a_limit_printed_before_dying_is_an_error(lost_race):
    result = lost_race["fake-limit-dead"]
    assert (result.total, result.status) == (0, "error"), result.reasons
    assert result.reasons[0] == "execution stopped: DeadKernelError"


def test_the_classmate_is_fully_marked(lost_race):
    result = lost_race["alice"]
    assert (result.total, result.status, result.reasons) == (3.0, "graded", [])


def test_a_held_sandbox_outlives_its_command_until_killed_from_outside(sandbox_available):
    """Its PID 1 ignores every signal sent inside; the process its command left stays."""
    with tempfile.TemporaryDirectory(prefix="cg-", dir="/tmp") as tmp:
        scratch = Path(tmp)
        (scratch / "kernel.json").write_text("{}")
        sandbox.write_checks_stand_in(scratch)
        inner = ["/bin/sh", "-c", "for s in KILL INT TERM HUP; do kill -$s 1; done; sleep 60 &"]
        held = subprocess.Popen(sandbox.command(inner, scratch, sandbox.Limits(), hold=True))
        try:
            deadline = time.monotonic() + 30
            init, left, names = None, [], []
            while names != ["sleep"] and time.monotonic() < deadline:
                time.sleep(0.05)
                with contextlib.suppress(psutil.Error, IndexError):
                    init = psutil.Process(held.pid).children()[0]  # the sandbox's PID 1
                    left = init.children()
                    names = [process.name() for process in left]
            assert (names, held.poll()) == (["sleep"], None)
        finally:
            held.kill()
        assert held.wait(timeout=10) != 0
        assert psutil.wait_procs([init, *left], timeout=10)[1] == []  # the sandbox is gone


def test_a_linux_without_pidfds_is_named_as_the_problem(monkeypatch, sandbox_available):
    def no_pidfds(pid: int) -> int:
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(os, "pidfd_open", no_pidfds)
    sandbox.probe.cache_clear()
    try:
        assert sandbox.probe() == "this Linux has no pidfd_open (Linux 5.3 or later is needed)"
    finally:
        sandbox.probe.cache_clear()


def test_no_cell_is_sent_after_the_watchdog_stopped_the_sandbox(tmp_path):
    """The look after a cell that finds a limit ends the run: the kernel is gone, and a
    message to it would wait for a peer that never comes back (the sockets never
    reconnect)."""

    class Stopping:
        def look(self) -> str:
            return PROCESSES

    km = execute.SandboxedKernelManager(kernel_name="python3")
    km.setup(tmp_path, False, sandbox.Limits())
    km.watchdog = Stopping()
    client = execute.GradingClient(nbformat.v4.new_notebook(), km=km, harvest_from=0)
    reply = {"content": {"status": "ok"}}
    with pytest.raises(execute.SandboxStopped, match=PROCESSES):
        client.on_cell_executed(cell=None, cell_index=3, execute_reply=reply)
    assert client.replies[3]["status"] == "ok"  # the cell's own reply still counts
    km.context.destroy(linger=0)


def test_a_message_to_a_kernel_gone_between_cells_fails_instead_of_waiting(tmp_path, monkeypatch):
    """A kernel that dies after its cell's reply leaves the grader's socket without a
    peer: the next send raises zmq.Again after SEND_TIMEOUT_MS instead of blocking the
    grading (and every timeout with it) for ever."""
    import asyncio

    import zmq

    monkeypatch.setattr(execute, "SEND_TIMEOUT_MS", 300)
    km = execute.SandboxedKernelManager(kernel_name="python3")
    km.setup(tmp_path, False, sandbox.Limits())
    address = f"ipc://{tmp_path}/kernel-shell"
    kernel = zmq.Context().socket(zmq.ROUTER)
    kernel.bind(address)
    grader = km.context.socket(zmq.DEALER)
    grader.connect(address)

    async def send_after_the_kernel_died() -> str:
        await grader.send(b"cell 1")
        kernel.recv_multipart()
        kernel.close(linger=0)  # the kernel dies
        await asyncio.sleep(0.3)
        try:
            await asyncio.wait_for(grader.send(b"cell 2"), 30)
        except zmq.Again:
            return "zmq.Again"
        except asyncio.TimeoutError:
            return "still waiting after 30 s"
        return "sent"

    try:
        assert asyncio.run(send_after_the_kernel_died()) == "zmq.Again"
    finally:
        grader.close(linger=0)
        km.context.destroy(linger=0)
