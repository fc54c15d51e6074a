"""The sandbox a submission's kernel runs in: bubblewrap, no network, limits, no leftovers.

The grader stays outside. It starts the student's kernel inside ``bwrap`` and talks to it
over ZMQ ``ipc`` sockets that the kernel binds in the sandbox's own ``/tmp``; the grader
reaches them through ``/proc/<kernel pid>/root``. The sandbox can write nowhere on the
grader's disk: ``/tmp`` (the kernel's working folder and home are in it) and ``/dev/shm``
are in-memory folders of a fixed size, everything else is read-only. Inside, the file
system holds only what a kernel needs: the system (``/usr``, a few entries of ``/etc``),
the Python environment and the ``course`` and ``dlcore`` packages, not the folder they sit
in (so not the course's ``notebooks/``). No reference answer is there: ``course.grading``
and ``course.exercises`` are empty folders, ``course.checks`` a stand-in whose functions
only say that the grader judges the exercise (:func:`write_checks_stand_in`), and an
installed wheel's lessons (``course/_lessons``) are hidden. The connection file is the one
file of the grader's scratch folder the sandbox sees, read-only.

The sandbox has its own network (loopback only), PID, IPC and UTS namespaces; it dies with
the grader process that started it (``--die-with-parent``), and when it dies the kernel
tears down its PID namespace, so every process the student started is gone. A grader's
sandbox is held (:data:`HOLDING_INIT`): it outlives the student's kernel until the grader
has measured what the kernel left and kills it. ``prlimit``
caps the address space, the size of a written file and the open files per process; a
seccomp filter refuses the system calls that make memory no process holds (``memfd_create``,
``shmget``); the grader's watchdog
(:mod:`course.grading.execute`) caps the memory and the number of processes of the whole
sandbox (``prlimit``'s process limit counts all the processes of the user, and none of
root's).
"""

from __future__ import annotations

import errno
import functools
import importlib.util
import os
import platform
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from course.errors import CourseError

#: the packages a kernel imports for the lessons and their checks
PACKAGES = ("course", "dlcore")
#: the instructor notebooks inside an installed ``course`` package (course.syllabus)
LESSONS_DIR = "_lessons"
#: system folders mounted read-only when they exist
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64")
#: the entries of ``/etc`` a kernel needs (not all of it: no ``shadow``, no keys)
ETC = (
    "alternatives",
    "fonts",
    "group",
    "hosts",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "localtime",
    "nsswitch.conf",
    "passwd",
    "ssl",
)
#: the sandbox's empty home folder
HOME = "/tmp/home"


#: where the kernel binds its sockets, inside the sandbox
SOCKETS = "/tmp/k"
#: the kernel's connection file, inside the sandbox
CONNECTION_FILE = "/tmp/kernel.json"
#: the kernel's working folder, inside the sandbox
WORKDIR = "/tmp/work"
#: the sandbox's stand-in for ``course.checks``, written in the grader's scratch folder
CHECKS_STAND_IN = "checks"
#: PID 1 of a held sandbox (:func:`command` with ``hold``): it starts its command with the
#: signals a fresh process has, reaps every process left to it, and, once none is left,
#: waits to be killed from outside (inside, no signal reaches it: it handles none)
HOLDING_INIT = """\
import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
fresh = (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ)
os.posix_spawnp(sys.argv[1], sys.argv[1:], os.environ, setsigdef=fresh)
while True:
    try:
        os.wait()
    except ChildProcessError:
        signal.pause()
"""


@dataclass(frozen=True)
class Limits:
    """What one sandbox may use, in bytes: memory of all its processes together (``memory``)
    and of one (``process_memory``, its address space), the size of one written file, of
    its ``/tmp`` and of its ``/dev/shm``; how many processes and threads it may run at once
    (``processes``, the watchdog's limit), and, as a backstop the kernel enforces at each
    fork for a user other than root, how many its user may run on the whole machine; how
    many files one process may hold open (pipes and sockets included); how many files and
    folders its in-memory folders may hold (``files``, the watchdog's limit: an empty file
    takes no space but about 1 KB of the kernel's memory)."""

    memory: int = 4 * 2**30
    process_memory: int = 4 * 2**30
    file_size: int = 256 * 2**20
    disk: int = 512 * 2**20
    shared_memory: int = 64 * 2**20
    processes: int = 256
    user_processes: int = 4096
    open_files: int = 1024
    files: int = 100_000


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None."""
    return shutil.which("bwrap")


def package_dirs() -> list[Path]:
    """The directories of the packages a kernel needs, as this interpreter imports them."""
    found: list[Path] = []
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise CourseError(f"cannot find the {name!r} package to mount in the sandbox")
        found.extend(Path(p).resolve() for p in spec.submodule_search_locations)
    return found


def hidden_dirs() -> list[Path]:
    """Folders inside the mounted packages that a submission must not read: the lessons an
    installed wheel carries (``course/_lessons``, the instructor notebooks)."""
    return [folder / LESSONS_DIR for folder in package_dirs() if (folder / LESSONS_DIR).is_dir()]


def module_dir(name: str) -> Path:
    """The folder of the subpackage ``name`` of ``course`` that this interpreter imports."""
    spec = importlib.util.find_spec(f"course.{name}")
    if spec is None or not spec.submodule_search_locations:
        raise CourseError(f"cannot find course.{name} to hide it in the sandbox")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


_STAND_IN = '''"""Not here while grading: the grader judges every exercise in its own process."""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)

    def judged_by_the_grader(*args, **kwargs):
        raise RuntimeError(
            f"{__name__}.{name} is not available while grading: "
            "the grader judges the exercises itself"
        )

    return judged_by_the_grader
'''


def write_checks_stand_in(folder: Path) -> Path:
    """A ``course.checks`` without any check: every module of the real one, each answering
    every name with a function that raises. Lesson cells that import checks still run."""
    stand_in = folder / CHECKS_STAND_IN
    stand_in.mkdir()
    for module in sorted(module_dir("checks").glob("*.py")):
        (stand_in / module.name).write_text(_STAND_IN)
    return stand_in


def python_dirs() -> list[Path]:
    """The Python environment: the venv and the installation its interpreter comes from."""
    dirs = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    dirs.add(Path(os.path.realpath(sys.executable)).parent.parent)
    return sorted(dirs)


#: per machine: the audit architecture and the numbers of the system calls refused
#: (``memfd_create`` and System V ``shmget``, ``msgget``, ``semget``)
SYSCALLS = {
    "x86_64": (0xC000003E, (319, 29, 68, 64)),
    "aarch64": (0xC00000B7, (279, 194, 186, 190)),
}


def seccomp_filter(machine: str | None = None) -> bytes | None:
    """A seccomp program (classic BPF) refusing, with EPERM, the system calls that make
    memory no process holds (``memfd_create``, System V shared memory, message queues and
    semaphores) and every system call of another architecture (x32, i386); None on a
    machine not in :data:`SYSCALLS`."""
    known = SYSCALLS.get(machine or platform.machine())
    if known is None:
        return None
    arch, refused = known
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, JMP|JEQ|K, JMP|JGE|K, RET|K
    allow, refuse = 0x7FFF0000, 0x00050000 | errno.EPERM  # SECCOMP_RET_ALLOW, _ERRNO
    checks = [(jeq, len(refused) - n, 0, number) for n, number in enumerate(refused)]
    program = [
        (load, 0, 0, 4),  # the architecture
        (jeq, 1, 0, arch),
        (ret, 0, 0, refuse),
        (load, 0, 0, 0),  # the system call's number
        (jge, len(refused) + 1, 0, 0x40000000),  # x32
        *checks,  # each jumps, when equal, to the last instruction
        (ret, 0, 0, allow),
        (ret, 0, 0, refuse),
    ]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def command(inner: list[str], scratch: Path, limits: Limits, hold: bool = False) -> list[str]:
    """``inner`` run in a sandbox that sees only ``scratch``'s connection file and checks
    stand-in (see the module's docstring) and writes only its own in-memory folders.

    The sandbox ends with ``inner``, unless ``hold``: then its PID 1 is
    :data:`HOLDING_INIT`, and the sandbox, with every process ``inner`` left, lasts until
    that PID 1 is killed (the grader's watchdog measures it first)."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise CourseError("bubblewrap (bwrap) is not installed")
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL"]
    if hold:
        args.append("--as-pid-1")
        inner = [sys.executable, "-I", "-S", "-c", HOLDING_INIT, *inner]
    for folder in SYSTEM_DIRS:
        if os.path.lexists(folder):
            kind = "--ro-bind" if not os.path.islink(folder) else "--symlink"
            target = os.readlink(folder) if kind == "--symlink" else folder
            args += [kind, target, folder]
    for name in ETC:
        if os.path.exists(f"/etc/{name}"):
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # read-only /proc: uid 0 without capabilities could still write /proc/sys files
    args += ["--dev", "/dev", "--remount-ro", "/dev", "--proc", "/proc", "--remount-ro", "/proc"]
    args += ["--size", str(limits.shared_memory), "--tmpfs", "/dev/shm"]
    args += ["--size", str(limits.disk), "--tmpfs", "/tmp", "--dir", HOME, "--dir", WORKDIR]
    for path in python_dirs():
        args += ["--ro-bind", str(path), str(path)]
    for path in package_dirs():
        args += ["--ro-bind", str(path), str(path)]
    # mounted over, after the binds that hold them: no reference answers, no lessons
    args += ["--ro-bind", str(scratch / CHECKS_STAND_IN), str(module_dir("checks"))]
    for hidden in ("grading", "exercises"):
        args += ["--tmpfs", str(module_dir(hidden)), "--remount-ro", str(module_dir(hidden))]
    for path in hidden_dirs():
        args += ["--tmpfs", str(path)]
    args += ["--ro-bind", str(scratch / "kernel.json"), CONNECTION_FILE]
    args += ["--remount-ro", "/", "--chdir", WORKDIR, "--clearenv"]  # the folders bwrap made
    python_path = os.pathsep.join(dict.fromkeys(str(p.parent) for p in package_dirs()))
    env = {
        "HOME": HOME,
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "PYTHONPATH": python_path,
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "MPLCONFIGDIR": f"{HOME}/.matplotlib",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "VIRTUAL_ENV": sys.prefix,
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    prlimit = [
        "prlimit",
        f"--as={limits.process_memory}",
        f"--fsize={limits.file_size}",
        f"--nproc={limits.user_processes}",
        f"--nofile={limits.open_files}",
        "--",
    ]
    program = seccomp_filter()
    if program is None:
        return [*args, "--", *prlimit, *inner]
    (scratch / "seccomp.bpf").write_bytes(program)
    # bwrap reads the program from a file descriptor: the shell opens it, then becomes bwrap
    shell = ["/bin/sh", "-c", 'exec "$@" 3<"$0"', str(scratch / "seccomp.bpf")]
    return [*shell, *args, "--seccomp", "3", "--", *prlimit, *inner]


@functools.cache
def probe() -> str | None:
    """Why isolation is unavailable on this machine, or None when a sandbox starts."""
    if bwrap_path() is None:
        return "bubblewrap (bwrap) is not installed"
    if shutil.which("prlimit") is None:
        return "prlimit (util-linux) is not installed"
    try:  # the grader's watchdog waits on its kernel through a pidfd
        os.close(os.pidfd_open(os.getpid()))
    except (AttributeError, OSError):
        return "this Linux has no pidfd_open (Linux 5.3 or later is needed)"
    import tempfile

    with tempfile.TemporaryDirectory(prefix="course-probe-") as tmp:
        scratch = Path(tmp)
        (scratch / "kernel.json").write_text("{}")
        inner = [sys.executable, "-c", "import course.checks, dlcore"]
        try:
            write_checks_stand_in(scratch)
            done = subprocess.run(
                command(inner, scratch, Limits()), capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired, CourseError) as exc:
            return f"bubblewrap did not start: {exc}"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        return f"bubblewrap failed on this machine: {last}"
    return None
