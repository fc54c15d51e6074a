"""The watchdog: what stops a running sandbox over its memory, process or file limits.

The grader finds the sandbox's PID 1 (:func:`sandbox_init`), measures the sandbox from
outside (psutil on its processes, ``statvfs`` on its in-memory folders) and kills that PID 1,
and so its whole PID namespace, through a pidfd. Nothing the kernel sends enters a verdict.
See :class:`Watchdog`; :mod:`course.grading.sandbox` builds the sandbox's command.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time

import psutil

from course.grading import sandbox

#: how often the watchdog looks at the sandbox on its own, in seconds (it also looks after
#: each cell and when the kernel dies)
WATCH_SECONDS = 0.05


def sandbox_init(bwrap_pid: int) -> int:
    """The first process of the sandbox (PID 1 of its namespace), once it has entered the
    sandbox's file system."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(psutil.Error):
            children = psutil.Process(bwrap_pid).children()
            if children and any(c.name() != "bwrap" for c in children[0].children(recursive=True)):
                return children[0].pid
        time.sleep(0.005)
    raise RuntimeError("the sandbox did not start within 30 s")


class Watchdog(threading.Thread):
    """Stops a sandbox (kills its PID 1, so its whole PID namespace) when its processes
    together hold more memory than ``limits.memory`` or number more than
    ``limits.processes``, or its in-memory folders hold more than ``limits.files`` files;
    ``stopped`` then says which.

    It looks every :data:`WATCH_SECONDS`, whenever :meth:`look` is called (the grader calls
    it after each cell), and once more when the kernel dies: the sandbox is held
    (:func:`course.grading.sandbox.command`'s ``hold``), so what the kernel left is still
    there to measure however late that look comes, and the sandbox ends only after it. A
    verdict rests on what the grader measured, never on anything the kernel sends."""

    def __init__(self, init_pid: int, limits: sandbox.Limits) -> None:
        super().__init__(daemon=True)
        self.limits = limits
        self.stopped: str | None = None
        self.init = psutil.Process(init_pid)
        kernel = self.init.children()[0].pid  # the sandbox's only process yet
        # pidfds: the kernel's death wakes the watchdog at once, and its kill cannot reach
        # a process that has taken over the PID
        self.kernel_fd = os.pidfd_open(kernel)
        self.init_fd = os.pidfd_open(init_pid)
        self.wake_r, self.wake_w = os.pipe()
        self.lock = threading.Lock()

    def run(self) -> None:
        poller = select.poll()  # not select(): a descriptor may be above FD_SETSIZE
        poller.register(self.kernel_fd, select.POLLIN)
        poller.register(self.wake_r, select.POLLIN)
        try:
            while self.look() is None:
                ready = {fd for fd, _ in poller.poll(WATCH_SECONDS * 1000)}
                if self.wake_r in ready:
                    return
                if self.kernel_fd in ready:  # the kernel is gone; what it left is held
                    self.look()
                    return
        finally:  # the sandbox ends with its watchdog
            self._kill()

    def look(self) -> str | None:
        """Measure the sandbox now and stop it when it is over a limit; what it was stopped
        at, if it was."""
        with self.lock:
            if self.stopped is None:
                try:
                    processes = self.init.children(recursive=True)
                except psutil.Error:
                    return None
                self.stopped = self._over(processes)
                if self.stopped:
                    self._kill()
            return self.stopped

    def finish(self) -> str | None:
        """Stop watching (the kernel has been shut down) and end the sandbox; what it was
        stopped at, if it was."""
        os.write(self.wake_w, b"x")
        self.join()
        for fd in (self.init_fd, self.kernel_fd, self.wake_r, self.wake_w):
            os.close(fd)
        return self.stopped

    def _kill(self) -> None:
        with contextlib.suppress(OSError):
            signal.pidfd_send_signal(self.init_fd, signal.SIGKILL)

    def _over(self, processes: list[psutil.Process]) -> str | None:
        """What limit the sandbox's processes are over, or None."""
        if _threads(processes) > self.limits.processes:
            return f"more than {self.limits.processes} processes and threads"
        if self._files() > self.limits.files:
            return f"more than {self.limits.files} files"
        # resident pages shared by forked processes count once in their PSS (slower to read)
        memory = self.limits.memory
        if _memory(processes, "rss") > memory and _memory(processes, "pss") > memory:
            return f"more than {self.limits.memory / 2**30:g} GiB of memory"
        return None

    def _files(self) -> int:
        """The files and folders in the sandbox's in-memory folders."""
        total = 0
        for folder in ("/tmp", "/dev/shm"):
            with contextlib.suppress(OSError):
                usage = os.statvfs(f"/proc/{self.init.pid}/root{folder}")
                total += usage.f_files - usage.f_ffree
        return total


def _threads(processes: list[psutil.Process]) -> int:
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            total += process.num_threads()
    return total


def _memory(processes: list[psutil.Process], kind: str) -> int:
    total = 0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            info = process.memory_full_info() if kind == "pss" else process.memory_info()
            total += getattr(info, kind)
    return total
