"""``course grade`` on a Dask cluster: the same rows and pages as local grading, and its faults.

Each test that needs a cluster starts a real one on 127.0.0.1 with the ``dask`` command (a
scheduler, and workers without a nanny, so a killed worker is gone), each process in a
folder of its own that holds none of the teacher's files; teardown kills every process.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import psutil
import pytest
from homework_util import answered, stubbed, write_lesson
from jupyter_client.kernelspec import KernelSpecManager

from course.errors import CourseError
from course.grading import cluster
from course.grading.batch import grade
from course.grading.exercises import from_file
from course.grading.files import find_submissions
from course.grading.logic import load_lesson
from course.grading.pool import Task, kill_tree
from course.grading.report import write_csv
from course.grading.sandbox import Limits, probe

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

pytestmark = [pytest.mark.slow, pytest.mark.kernel]

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = "03_perceptron.ipynb"
DASK = Path(sys.executable).with_name("dask")
CELL_TIMEOUT = 60.0
NOTEBOOK_TIMEOUT = 240.0
#: how long the slow submission's answer cell sleeps, in seconds
SLEEP = 12
STUB_STEP = "def step(z):\n    raise NotImplementedError()"
RIGHT_SUM = "def weighted_sum(x, w, b):\n    return float(np.dot(x, w) + b)"


class Cluster:
    """A scheduler and workers started with the ``dask`` command, each in its own folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.processes: dict[str, subprocess.Popen] = {}
        self.file = folder / "scheduler.json"
        env = {**os.environ, "DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}
        self._start(
            "scheduler",
            ["scheduler", "--host", "127.0.0.1", "--port", "0"],
            ["--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(self.file)],
            env=env,
        )
        deadline = time.monotonic() + 120
        while not self.file.is_file() or not self.file.read_text().strip().endswith("}"):
            assert time.monotonic() < deadline, (folder / "scheduler.log").read_text()
            time.sleep(0.1)
        self.address = json.loads(self.file.read_text())["address"]

    def _start(self, name: str, *args: list[str], env: dict[str, str] | None = None) -> None:
        cwd = self.folder / name
        cwd.mkdir()
        log = (self.folder / f"{name}.log").open("wb")
        self.processes[name] = subprocess.Popen(
            [str(DASK), *[a for part in args for a in part]],
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env or dict(os.environ),
        )

    def worker(self, name: str, env: dict[str, str] | None = None) -> Path:
        """Start a worker named ``name`` (one thread, no nanny); returns its folder."""
        self._start(
            name,
            ["worker", "--scheduler-file", str(self.file), "--name", name],
            ["--nthreads", "1", "--no-nanny", "--host", "127.0.0.1"],
            ["--dashboard-address", "127.0.0.1:0", "--local-directory", str(self.folder / name)],
            env=env,
        )
        return self.folder / name

    def client(self):  # noqa: ANN201 (a distributed.Client)
        import distributed

        return distributed.Client(self.address, set_as_default=False, timeout=60)

    def wait_for(self, workers: int) -> None:
        with self.client() as client:
            client.wait_for_workers(workers, timeout=120)

    def names(self) -> dict[str, str]:
        """The address of each worker the scheduler knows, by name."""
        with self.client() as client:
            info = client.scheduler_info(n_workers=-1)["workers"]
        return {str(w["name"]): address for address, w in info.items()}

    def stop(self) -> None:
        for process in self.processes.values():
            kill_tree(process.pid)
            process.wait()


@pytest.fixture
def make_cluster(tmp_path_factory):
    """Start clusters; every process of each is killed at teardown."""
    started: list[Cluster] = []

    def make() -> Cluster:
        started.append(Cluster(tmp_path_factory.mktemp("cluster")))
        return started[-1]

    yield make
    for each in started:
        each.stop()


@pytest.fixture(scope="module")
def sandbox_available():
    """Fail when bubblewrap or the python3 kernel is missing: the workers grade with both."""
    problem = probe()
    if problem is not None:
        pytest.fail(f"the cluster's workers grade in bubblewrap: {problem}")
    if "python3" not in KernelSpecManager().find_kernel_specs():
        pytest.fail("the cluster's workers grade with the Jupyter kernel 'python3': not installed")


def _hostile(reads: list[str], writes: list[str], port: int) -> dict[str, str]:
    """Stubs, after trying to read the teacher's and the workers' files, to write into
    their folders and to reach the scheduler; an answer that scores if any of it worked."""
    attack = (
        "import glob, os, socket\n"
        "REACHED = []\n"
        f"for pattern in {reads!r}:\n"
        "    for path in sorted(glob.glob(pattern)):\n"
        "        try:\n"
        "            with open(path, 'rb') as handle:\n"
        "                handle.read(1)\n"
        "            REACHED.append(path)\n"
        "        except OSError:\n"
        "            pass\n"
        f"for folder in {writes!r}:\n"
        "    try:\n"
        "        with open(os.path.join(folder, 'pwned.txt'), 'w') as handle:\n"
        "            handle.write('pwned')\n"
        "        REACHED.append(folder)\n"
        "    except OSError:\n"
        "        pass\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        "    REACHED.append('the scheduler')\n"
        "except OSError:\n"
        "    pass\n"
        "print('reached:', REACHED)\n\n"
    )
    cheat = (
        "def weighted_sum(x, w, b):\n    if REACHED:\n        return float(np.dot(x, w) + b)\n"
        "    raise NotImplementedError()"
    )
    return {"weighted_sum": attack + cheat, "step": STUB_STEP}


def _on_cluster(subs: Path, source: Path, out: Path, feedback: Path, scheduler: str) -> int:
    """Grade as :func:`course.grading.batch.grade` does, with the cluster in place of the
    local pool; returns how many times progress was reported."""
    lesson = replace(load_lesson(source), sandboxed=True, limits=Limits())
    feedback.mkdir()
    tasks = [
        Task(student, path, lesson, CELL_TIMEOUT, feedback)
        for student, path in find_submissions(subs, NOTEBOOK).items()
    ]
    reported = []
    results = cluster.run_on_cluster(tasks, scheduler, NOTEBOOK_TIMEOUT, reported.append)
    results.sort(key=lambda r: r.student)
    write_csv(results, lesson, out)
    return len(reported)


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))}


@pytest.fixture(scope="module")
def both(tmp_path_factory, sandbox_available):
    """One class graded locally (2 jobs) and on a two-worker cluster."""
    tmp = tmp_path_factory.mktemp("class")
    teacher = tmp / "teacher"
    source = write_lesson(teacher / "course")
    instructor = nbformat.read(source, as_version=4)
    clusters = Cluster(tmp_path_factory.mktemp("cluster"))
    try:
        workers = [clusters.worker("w0"), clusters.worker("w1")]
        port = int(clusters.address.rsplit(":", 1)[1])
        local_out = teacher / "local" / "grades.csv"
        reads = [
            str(local_out),
            str(source),
            str(teacher / "*" / "*"),
            "/tmp/course-lesson-*/*",
            "/tmp/course-workers-*/*",
            *(f"{w}/*" for w in workers),
        ]
        writes = [str(teacher), *(str(w) for w in workers)]
        subs = teacher / "submitted"
        notebooks = {
            "alice": answered(instructor),
            "bob": stubbed(instructor),
            "dave": answered(instructor, step="def step(z):\n    return 1 if z > 0 else 0"),
            "eve": answered(instructor, **_hostile(reads, writes, port)),
        }
        for student, nb in notebooks.items():
            (subs / student).mkdir(parents=True)
            nbformat.write(nb, subs / student / NOTEBOOK)
        (subs / "frank").mkdir()
        (subs / "frank" / NOTEBOOK).write_text('{"cells": [', encoding="utf-8")
        (subs / "grace").mkdir()
        (subs / "mallory").mkdir()
        (subs / "mallory" / NOTEBOOK).symlink_to(source)
        nbformat.write(answered(instructor), subs / "heidi.ipynb")
        local_out.parent.mkdir()
        grade(
            subs,
            source,
            local_out,
            jobs=2,
            cell_timeout=CELL_TIMEOUT,
            notebook_timeout=NOTEBOOK_TIMEOUT,
            feedback=teacher / "local" / "feedback",
            progress=False,
        )
        clusters.wait_for(2)
        remote = teacher / "remote"
        remote.mkdir()
        reported = _on_cluster(
            subs, source, remote / "grades.csv", remote / "feedback", clusters.address
        )
        yield {
            "local": teacher / "local",
            "remote": remote,
            "reported": reported,
            "students": sorted(find_submissions(subs, NOTEBOOK)),
            "writes": [Path(w) for w in writes],
            "cluster": clusters.folder,
        }
    finally:
        clusters.stop()


def _rows(out: Path) -> dict[str, dict[str, str]]:
    with out.open(newline="") as handle:
        return {row["student"]: row for row in csv.DictReader(handle)}


def test_the_cluster_writes_the_grade_sheet_local_grading_writes(both):
    assert (both["remote"] / "grades.csv").read_bytes() == (
        both["local"] / "grades.csv"
    ).read_bytes()
    rows = _rows(both["remote"] / "grades.csv")
    assert sorted(rows) == both["students"]
    assert [rows[s]["total"] for s in ("alice", "heidi", "bob", "dave")] == ["3", "3", "0", "2"]
    assert [rows[s]["status"] for s in ("frank", "grace", "mallory")] == [
        "invalid",
        "missing",
        "invalid",
    ]
    assert "symbolic link" in rows["mallory"]["reason"]
    assert both["reported"] == len(both["students"])


def test_the_cluster_writes_the_feedback_local_grading_writes(both):
    local = _files(both["local"] / "feedback")
    assert sorted(local) == [f"{s}.html" for s in both["students"]]
    assert _files(both["remote"] / "feedback") == local


def test_a_hostile_submission_reaches_nothing_of_the_teacher_or_the_workers(both):
    row = _rows(both["remote"] / "grades.csv")["eve"]
    assert (row["total"], row["status"]) == ("0", "graded")
    page = (both["remote"] / "feedback" / "eve.html").read_text()
    assert "reached: []" in page
    assert not [p for folder in both["writes"] for p in folder.rglob("pwned.txt")]
    assert not list(both["cluster"].rglob("pwned.txt"))


def _grading(worker: psutil.Process) -> bool:
    """Whether a grading process forked by ``worker`` (its command line) runs a kernel."""
    try:
        return any(
            child.cmdline() == worker.cmdline() and child.children() for child in worker.children()
        )
    except psutil.Error:
        return False


def test_a_worker_killed_mid_task_has_its_task_graded_by_the_other(
    tmp_path,
    make_cluster,
    sandbox_available,
):
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp_path / "submitted"
    slow = f"import time\ntime.sleep({SLEEP})\n\n{RIGHT_SUM}"
    notebooks = {
        "alice": answered(instructor),
        "bob": stubbed(instructor),
        "carol": answered(instructor),
        "sloth": answered(instructor, weighted_sum=slow),
    }
    for student, nb in notebooks.items():
        (subs / student).mkdir(parents=True)
        nbformat.write(nb, subs / student / NOTEBOOK)
    lesson = replace(load_lesson(source), sandboxed=True, limits=Limits())
    tasks = [Task(s, p, lesson, CELL_TIMEOUT) for s, p in find_submissions(subs, NOTEBOOK).items()]
    clusters = make_cluster()
    clusters.worker("w0")
    clusters.worker("w1")
    clusters.wait_for(2)
    names = {address: name for name, address in clusters.names().items()}
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["results"] = cluster.run_on_cluster(
                tasks, clusters.address, NOTEBOOK_TIMEOUT, lambda n: None
            )
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    with clusters.client() as client:
        victim = None
        deadline = time.monotonic() + 180
        while victim is None:
            assert time.monotonic() < deadline and thread.is_alive(), outcome
            for address, keys in client.processing().items():
                if any("'sloth'" in str(key) for key in keys):
                    victim = names[address]
            time.sleep(0.05)
    process = psutil.Process(clusters.processes[victim].pid)
    while not _grading(process):  # the sloth's kernel runs in the worker's grading process
        assert thread.is_alive(), outcome
        time.sleep(0.05)
    time.sleep(1)
    grading = process.children(recursive=True)
    process.kill()
    thread.join(timeout=600)
    assert not thread.is_alive() and "error" not in outcome, outcome
    _, alive = psutil.wait_procs(grading, timeout=60)
    assert alive == []  # the killed worker's grading died with it
    results = {r.student: r for r in outcome["results"]}
    assert len(outcome["results"]) == len(results) == 4
    assert sorted(results) == sorted(notebooks)
    assert (results["sloth"].status, results["sloth"].total) == ("graded", 3.0)
    other = ({"w0", "w1"} - {victim}).pop()
    assert sorted(clusters.names()) == [other]  # the one left graded it


def test_a_worker_without_bubblewrap_refuses_and_the_run_stops(
    tmp_path, make_cluster, sandbox_available
):
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    (tmp_path / "submitted").mkdir()
    nbformat.write(answered(instructor), tmp_path / "submitted" / "alice.ipynb")
    lesson = replace(load_lesson(source), sandboxed=True, limits=Limits())
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    tasks = [Task("alice", tmp_path / "submitted" / "alice.ipynb", lesson, 30.0, feedback)]
    clusters = make_cluster()
    clusters.worker("bare", env={**os.environ, "PATH": str(DASK.parent)})
    clusters.wait_for(1)
    address = clusters.names()["bare"]
    reported = []
    with pytest.raises(CourseError) as error:
        cluster.run_on_cluster(tasks, clusters.address, 60.0, reported.append)
    assert f"the Dask worker {address}" in str(error.value)
    assert "cannot isolate the submissions: bubblewrap (bwrap) is not installed" in str(error.value)
    assert reported == [] and list(feedback.iterdir()) == []


def _one_task(tmp_path: Path, **lesson_options) -> list[Task]:
    source = write_lesson(tmp_path / "course")
    return [Task("alice", source, load_lesson(source, **lesson_options), 30.0)]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 2.0)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(
        CourseError, match=f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"
    ):
        cluster.run_on_cluster(_one_task(tmp_path), f"tcp://127.0.0.1:{port}", 60.0, print)


@pytest.mark.parametrize("address", ["127.0.0.1:8786", "http://host:8786", "tcp://host"])
def test_a_scheduler_address_without_scheme_or_port_is_refused(tmp_path, address):
    with pytest.raises(CourseError, match="expected tcp://HOST:PORT"):
        cluster.run_on_cluster(_one_task(tmp_path), address, 60.0, print)


def test_without_dask_the_error_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["name"]
    with pytest.raises(CourseError, match=rf'pip install "{project}\[cluster\]"'):
        cluster.run_on_cluster(_one_task(tmp_path), "tcp://127.0.0.1:8786", 60.0, print)


def test_a_teachers_own_exercises_file_is_refused_before_connecting(tmp_path):
    own = tmp_path / "own.py"
    own.write_text(
        "from course.exercises import implement\n\n\n"
        "def reference(x, w, b):\n    return sum(a * c for a, c in zip(x, w)) + b\n\n\n"
        'EXERCISES = [implement("weighted-sum-test", "weighted_sum", [([1], [2], 3)], '
        "reference)]\n"
    )
    tasks = _one_task(tmp_path, exercises=from_file(own))
    assert tasks[0].lesson.exercises  # the spec is the teacher's
    with pytest.raises(CourseError, match="use code the Dask workers cannot import"):
        cluster.run_on_cluster(tasks, "tcp://127.0.0.1:1", 60.0, print)
