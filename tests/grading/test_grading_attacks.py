"""``course grade`` against hostile submissions: each attack scores 0, the victims are intact.

One class is graded once per module in the bubblewrap sandbox, with grader-side specs for
the homework fixture's two exercises and a teacher's private hidden-tests file. The
attackers hand in wrong answers (stubs, or functions returning objects equal to anything)
together with an attack on the grader; alice and zed answer correctly and are the victims.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import resource
import signal
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from homework_util import SPECS, answered, stubbed, write_lesson

from course.editions import is_test_cell
from course.errors import CourseError
from course.grading.batch import grade
from course.grading.report import csv_cell
from course.grading.sandbox import Limits

# grades a class of attacks in sandboxed kernels, and measures their limits (beside other
# tests: the watchdog's verdict does not depend on the machine's load, see
# test_grading_limit_race.py)
pytestmark = pytest.mark.kernel

NOTEBOOK = "03_perceptron.ipynb"
#: a student folder name that is HTML
NAME = "<img src=x onerror=alert(1)>"
FULL = {"weighted-sum-test": 2.0, "step-test": 1.0}


#: a teacher's private case: its numbers must appear in no reason and no feedback page
PRIVATE = [[7.77], [1.11], 9.99]

#: an answer that, asked for a private case, sends it out as the position of a JSON error
LEAK_BY_ERRORS = r"""
import json as _json, sys as _sys, threading as _threading, IPython.display as _display
_publish = _display.publish_display_data
def _signed_garbage(lines, columns):
    kernel = get_ipython().kernel
    session = kernel.session
    parts = [_json.dumps(session.msg_header("display_data"), default=str).encode(),
             _json.dumps(kernel.get_parent().get("header", {}), default=str).encode(),
             b"{}", ("\n" * lines + " " * columns + "}").encode()]
    frames = [b"x", b"<IDS|MSG>", session.sign(parts), *parts]
    sent = _threading.Event()
    kernel.iopub_thread.schedule(
        lambda: (kernel.iopub_thread.socket.send_multipart(frames), sent.set()))
    sent.wait(5)
def _leaky(data, *args, **kwargs):
    spec = _sys._getframe(1).f_locals.get("spec")
    if isinstance(spec, dict) and 9.99 in [case[-1] for case in spec.get("cases", [])]:
        x = spec["cases"][0][0]
        mime = next(iter(data))
        data = {mime: "\n" * round(x[0] * 100) + " " * round(spec["cases"][0][1][0] * 100) + "}"}
        _publish(data, *args, **kwargs)
        _signed_garbage(round(x[0] * 100), 111)
        return None
    return _publish(data, *args, **kwargs)
_display.publish_display_data = _leaky
def weighted_sum(x, w, b):
    return sum(xi * wi for xi, wi in zip(x, w)) + b
"""

#: an object equal to anything: passes every ``==`` assert of the test cells
ALWAYS_EQUAL = (
    "class _Anything(float):\n"
    "    def __eq__(self, other):\n        return True\n"
    "    __ne__ = lambda self, other: False\n"
    "    __bool__ = lambda self: True\n"
)
STUB_SUM = "def weighted_sum(x, w, b):\n    raise NotImplementedError()"
STUB_STEP = "def step(z):\n    raise NotImplementedError()"


def _stub_with(attack: str) -> dict[str, str]:
    """Both exercises stubbed, ``attack`` run first in the first answer cell."""
    return {"weighted_sum": attack + "\n" + STUB_SUM, "step": STUB_STEP}


def _cheat_from(path: str) -> str:
    """Read a notebook from the ``path`` expression; run each cell that defines a function."""
    return (
        "import json, re\n"
        "try:\n"
        f"    _nb = json.load(open({path}))\n"
        "    for _c in _nb['cells']:\n"
        "        _src = ''.join(_c['source'])\n"
        "        if _c['cell_type'] == 'code' and _src.startswith('def '):\n"
        "            exec(re.sub(r'### (BEGIN|END) SOLUTION', '', _src))\n"
        "except Exception as _e:\n"
        "    print('attack failed:', _e)\n"
    )


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(scope="module")
def attacked(tmp_path_factory, sandbox_available):
    """Grade the class of attackers and victims once; yields what the tests read."""
    tmp = tmp_path_factory.mktemp("attacks")
    source = write_lesson(tmp / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp / "submitted"
    out = tmp / "grades.csv"
    feedback = tmp / "feedback"
    victim = subs / "alice" / NOTEBOOK
    later = subs / "zed" / NOTEBOOK
    sleeper = "4343.4343"  # a detached process's argument, to find it afterwards
    attacks = {
        "custom-exc": _stub_with(
            "get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)"
        ),
        "clear-hook": _stub_with(
            "from IPython.display import clear_output\n"
            "get_ipython().events.register('post_run_cell', lambda result: clear_output())"
        ),
        "rebind": {
            "weighted_sum": ALWAYS_EQUAL
            + "import builtins\nnp = None\nfloat = lambda value=0: _Anything()\n"
            "builtins.AssertionError = type('Quiet', (Exception,), {})\n"
            "def weighted_sum(x, w, b):\n    return _Anything()",
            "step": "def step(z):\n    return _Anything()",
        },
        "transformer": _stub_with(
            "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])"
        ),
        "instructor": _stub_with(
            _cheat_from(repr(str(source)))
            + "import course.syllabus\n"
            + _cheat_from(f"course.syllabus.course_root() / 'notebooks' / {NOTEBOOK!r}")
        ),
        "classmate": _stub_with(_cheat_from(repr(str(victim)))),
        "detached": _stub_with(
            "import subprocess\n"
            f"subprocess.Popen(['sh', '-c', 'sleep {sleeper}; echo pwned > {out}'],"
            " start_new_session=True)\n"
            f"try:\n    open({str(out)!r}, 'w').write('pwned')\nexcept OSError:\n    pass"
        ),
        "overwrite": _stub_with(
            f"try:\n    open({str(later)!r}, 'w').write('{{}}')\nexcept OSError:\n    pass"
        ),
        "big-print": _stub_with(
            "from IPython.display import HTML, display\n"
            "display(HTML('<script>alert(1)</script><b id=\"student-html\">bold</b>'))\n"
            "print('x' * 30_000_000)"
        ),
        "teacher-file": {"step": "def step(z):\n    return 1 if z >= 0 or z < -100 else 0"},
        # remembers the private case weighted_sum was called with, returns it from step
        "leak-later": {
            "weighted_sum": "_SEEN = []\n"
            "def weighted_sum(x, w, b):\n"
            "    _SEEN.append((list(x), list(w), b))\n"
            "    return sum(xi * wi for xi, wi in zip(x, w)) + b",
            "step": "def step(z):\n    return 'LEAK ' + str(_SEEN)",
        },
        # copies the harvest cells' source (all cases) into an earlier output
        "leak-hook": _stub_with(
            "from IPython.display import display, update_display\n"
            "display('placeholder', display_id='leak')\n"
            "def _grab(info):\n"
            "    update_display('LEAK ' + (info.raw_cell or ''), display_id='leak')\n"
            "    print('LEAK ' + (info.raw_cell or ''))\n"
            "get_ipython().events.register('pre_run_cell', _grab)"
        ),
        # on the private cases: results that are not JSON, and a signed iopub message that
        # is not JSON; the errors' positions (line, column) would encode the case
        "leak-errors": {
            "weighted_sum": LEAK_BY_ERRORS,
            "step": "def step(z):\n    return 1 if z >= 0 else 0",
        },
        # rewrites what the harvest cell sends: the judge still needs the right values
        "forge": _stub_with(
            "import json, IPython.display\n"
            "def _forged(data, *args, **kwargs):\n"
            "    for mime in data:\n"
            "        sent = json.loads(data[mime])\n"
            "        try:\n"
            "            from course.grading.exercises import builtin  # the grader's references\n"
            "        except ImportError:\n"
            "            pass\n"
            "        sent['outcomes'] = [{'value': 1.0} for _ in sent['outcomes']]\n"
            "        data[mime] = json.dumps(sent)\n"
            "    return _real(data, *args, **kwargs)\n"
            "_real = IPython.display.publish_display_data\n"
            "IPython.display.publish_display_data = _forged"
        ),
    }
    for student, answers in attacks.items():
        (subs / student).mkdir(parents=True)
        nbformat.write(answered(instructor, **answers), subs / student / NOTEBOOK)
    for folder in (victim.parent, later.parent):
        folder.mkdir(parents=True)
    nbformat.write(answered(instructor), victim)
    nbformat.write(answered(instructor), later)
    (subs / NAME).mkdir()
    nbformat.write(stubbed(instructor), subs / NAME / NOTEBOOK)
    nbformat.write(stubbed(instructor), subs / "=1+1.ipynb")
    nbformat.write(stubbed(instructor), subs / "upper.IPYNB")
    tagged = stubbed(instructor)  # a learner edition tags its test cells raises-exception
    for cell in tagged.cells:
        if is_test_cell(cell):
            cell.metadata["tags"] = ["raises-exception"]
    (subs / "tagged").mkdir()
    nbformat.write(tagged, subs / "tagged" / NOTEBOOK)
    nbformat.write(stubbed(instructor), subs / ".dotted.ipynb")
    (subs / "link-instructor.ipynb").symlink_to(source)
    (subs / "link-passwd.ipynb").symlink_to("/etc/passwd")
    (subs / "link-zero.ipynb").symlink_to("/dev/zero")
    os.mkfifo(subs / "fifo.ipynb")
    hidden = tmp / "private" / "hidden.json"
    hidden.parent.mkdir()
    hidden.write_text(json.dumps({"step-test": [[-1000]], "weighted-sum-test": [PRIVATE]}))
    before = {"subs": _digests(subs), "source": source.read_bytes()}
    with pytest.MonkeyPatch.context() as patch:
        scratch = _short_scratch(patch)
        results = grade(
            subs,
            source,
            out,
            jobs=2,
            cell_timeout=20,
            notebook_timeout=120,
            feedback=feedback,
            exercises=SPECS,
            hidden_tests=hidden,
            progress=False,
        )
    left = [
        p.info["pid"]
        for p in psutil.process_iter(["pid", "cmdline"])
        if sleeper in " ".join(p.info["cmdline"] or [])
    ]
    with out.open(newline="") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return {
        "results": {r.student: r for r in results},
        "rows": rows,
        "before": before,
        "subs": subs,
        "source": source,
        "out": out,
        "feedback": feedback,
        "scratch": scratch,
        "left": left,
    }


ATTACKERS = [
    "custom-exc",
    "clear-hook",
    "rebind",
    "transformer",
    "instructor",
    "classmate",
    "detached",
    "overwrite",
    "big-print",
    "forge",
    "leak-hook",
]


@pytest.mark.parametrize("student", ATTACKERS)
def test_an_attack_scores_zero(attacked, student):
    result = attacked["results"][student]
    assert result.total == 0, result.reasons


def test_a_failing_test_cell_tagged_raises_exception_scores_zero(attacked):
    result = attacked["results"]["tagged"]
    assert result.total == 0
    reasons = "; ".join(result.reasons)
    assert "step-test: not answered (still the stub)" in reasons


@pytest.mark.parametrize("student", ["alice", "zed"])
def test_the_victims_are_fully_marked(attacked, student):
    result = attacked["results"][student]
    assert (result.scores, result.status, result.reasons) == (FULL, "graded", [])


def test_no_submission_and_no_instructor_notebook_changed(attacked):
    assert _digests(attacked["subs"]) == attacked["before"]["subs"]
    assert attacked["source"].read_bytes() == attacked["before"]["source"]


def test_no_process_of_a_sandbox_outlives_its_grading(attacked):
    assert attacked["left"] == []
    assert "pwned" not in attacked["out"].read_text()


def test_forged_results_reach_the_judge_only_as_wrong_values(attacked):
    reasons = "; ".join(attacked["results"]["forge"].reasons)
    assert "weighted-sum-test failed the grader's check (case 1: expected 12.0, got 1.0)" in reasons


def test_hooks_do_not_reach_the_judge(attacked):
    for student in ("custom-exc", "clear-hook"):
        reasons = "; ".join(attacked["results"][student].reasons)
        assert "weighted-sum-test: not answered (still the stub)" in reasons


def test_an_error_hidden_by_a_hook_still_fails_a_test_cell_without_spec(
    tmp_path, sandbox_available, monkeypatch
):
    """Without grader-side specs the test cells decide, by their execute_reply."""
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp_path / "subs"
    subs.mkdir()
    hooks = {
        "custom-exc": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)",
        "clear-hook": "from IPython.display import clear_output\n"
        "get_ipython().events.register('post_run_cell', lambda result: clear_output())",
    }
    for student, hook in hooks.items():
        nbformat.write(answered(instructor, **_stub_with(hook)), subs / f"{student}.ipynb")
    scratch = _short_scratch(monkeypatch)
    results = grade(subs, source, tmp_path / "g.csv", exercises={}, progress=False)
    scratch.rmdir()
    for result in results:
        assert result.total == 0
        assert "weighted-sum-test: not answered (still the stub)" in result.reasons


def test_a_wrong_answer_passing_tampered_tests_fails_the_graders_check(attacked):
    reasons = "; ".join(attacked["results"]["rebind"].reasons)
    assert "weighted-sum-test failed the grader's check" in reasons
    transformer = "; ".join(attacked["results"]["transformer"].reasons)
    assert "failed the grader's check" in transformer


def test_a_private_case_reaches_no_reason_and_no_feedback_page(attacked):
    """Every public case is harvested before any private one, and nothing but the results
    is kept from the harvest: a learner's code cannot carry a private case out."""
    later = attacked["results"]["leak-later"]
    assert later.scores == {"weighted-sum-test": 2.0, "step-test": 0.0}
    assert "got LEAK [(" in "; ".join(later.reasons)  # what it saw is shown: no private case
    for student, result in attacked["results"].items():
        assert "7.77" not in "; ".join(result.reasons), student
    for page in attacked["feedback"].iterdir():
        text = page.read_text(encoding="utf-8")
        assert "7.77" not in text and "-1000" not in text, page.name
    hook = (attacked["feedback"] / "leak-hook.html").read_text(encoding="utf-8")
    assert "placeholder" in hook  # the output the hook tried to overwrite is as it was


def test_errors_on_private_cases_carry_no_numbers(attacked):
    """Once private cases are asked for, every failure reads the same: the student's code
    chooses how it fails, and could spell a case in its choices."""
    result = attacked["results"]["leak-errors"]
    assert result.scores == {"weighted-sum-test": 0.0, "step-test": 0.0}  # it stopped there
    assert result.reasons == [
        "execution stopped",
        "weighted-sum-test failed the grader's check (wrong on a private case (details withheld))",
        "step-test failed the grader's check (wrong on a private case (details withheld))",
    ]


def test_the_teachers_hidden_tests_file_adds_cases(attacked):
    result = attacked["results"]["teacher-file"]
    assert result.scores == {"weighted-sum-test": 2.0, "step-test": 0.0}
    # a private case is never shown: not its arguments, not the learner's error, not which
    assert result.reasons == [
        "step-test failed the grader's check (wrong on a private case (details withheld))"
    ]
    assert attacked["results"]["alice"].scores == FULL  # the private cases, answered right


@pytest.mark.parametrize("name", ["link-instructor", "link-passwd", "link-zero", "fifo"])
def test_a_symlink_or_special_file_is_refused_unread(attacked, name):
    result = attacked["results"][name]
    assert (result.total, result.status) == (0, "invalid"), result.reasons
    assert "root:" not in " ".join(result.reasons)


def test_every_ipynb_spelling_gets_a_row(attacked):
    assert {"upper", "dotted", "=1+1"} <= set(attacked["results"])


def test_csv_cells_cannot_be_formulas(attacked):
    assert "'=1+1" in attacked["rows"]
    assert csv_cell("+1") == "'+1" and csv_cell("@x") == "'@x" and csv_cell("-2") == "'-2"
    assert csv_cell("alice") == "alice"


def test_feedback_is_inert_and_bounded(attacked):
    page = (attacked["feedback"] / "big-print.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert '<b id="student-html">' not in page
    assert len(page) < 5_000_000
    named = (attacked["feedback"] / f"{NAME}.html").read_text(encoding="utf-8")
    assert NAME not in named


def test_feedback_pages_run_and_fetch_nothing(attacked):
    for page in attacked["feedback"].iterdir():
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page.name
        assert "cdnjs" not in text and 'src="http' not in text, page.name
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
    alice = (attacked["feedback"] / "alice.html").read_text(encoding="utf-8")
    assert '<h1 id="Feedback:-03_perceptron">' in alice and "<th>points</th>" in alice
    teacher = (attacked["feedback"] / "teacher-file.html").read_text(encoding="utf-8")
    assert "step-test failed the grader's check (wrong on a private case" in teacher


def test_scratch_files_are_removed(attacked):
    assert list(attacked["scratch"].iterdir()) == []
    attacked["scratch"].rmdir()


def _short_scratch(monkeypatch) -> Path:
    """An empty temporary folder with a short path (ipc socket paths), used by grading."""
    scratch = Path(tempfile.mkdtemp(prefix="cg-", dir="/tmp"))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def _class(tmp_path: Path) -> tuple[Path, Path]:
    source = write_lesson(tmp_path / "course")
    (tmp_path / "subs").mkdir()
    nbformat.write(stubbed(nbformat.read(source, as_version=4)), tmp_path / "subs" / "a.ipynb")
    return source, tmp_path / "subs"


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (lambda src, subs: src, "is inside the course"),
        (lambda src, subs: subs / "a.ipynb", "is inside the submissions folder"),
        (lambda src, subs: src.parent.parent.parent, "would overwrite the notebook"),
        (lambda src, subs: subs.parent / "folder", "is not a regular file"),
    ],
)
def test_out_is_checked_before_any_notebook_runs(tmp_path, out, message):
    source, subs = _class(tmp_path)
    (tmp_path / "folder").mkdir()
    before = source.read_bytes()
    with pytest.raises(CourseError, match=message):
        grade(subs, source, out(source, subs), sandbox="none", progress=False)
    assert source.read_bytes() == before


def test_without_isolation_grading_refuses_unless_asked(tmp_path, monkeypatch):
    source, subs = _class(tmp_path)
    monkeypatch.setattr("course.grading.batch.probe", lambda: "bubblewrap is not installed")
    with pytest.raises(CourseError, match="cannot isolate the submissions.*--sandbox none"):
        grade(subs, source, tmp_path / "g.csv", progress=False)
    assert not (tmp_path / "g.csv").exists()


def test_hidden_tests_file_errors_are_clear(tmp_path):
    source, subs = _class(tmp_path)
    bad = tmp_path / "hidden.json"
    bad.write_text('{"nope-test": [[1]]}')
    with pytest.raises(CourseError, match="no grader-side spec for 'nope-test'"):
        grade(subs, source, tmp_path / "g.csv", exercises=SPECS, hidden_tests=bad, progress=False)
    bad.write_text('{"step-test": [1]}')
    with pytest.raises(CourseError, match="must be a list of argument lists"):
        grade(subs, source, tmp_path / "g.csv", exercises=SPECS, hidden_tests=bad, progress=False)


def test_ctrl_c_leaves_no_scratch_and_no_sandbox(tmp_path, sandbox_available, monkeypatch):
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    (tmp_path / "subs").mkdir()
    marker = "4444.4444"
    looping = f"import subprocess\nsubprocess.Popen(['sleep', '{marker}'])\n{STUB_SUM}"
    nbformat.write(
        answered(instructor, weighted_sum=looping + "\nwhile True:\n    pass"),
        tmp_path / "subs" / "a.ipynb",
    )
    scratch = _short_scratch(monkeypatch)

    graded, interrupted = threading.Event(), threading.Event()

    def interrupt_when_running() -> None:
        """Ctrl-C once the submission's process runs (however long that takes to come)."""
        while not graded.is_set():
            if any(
                marker in " ".join(p.info["cmdline"] or [])
                for p in psutil.process_iter(["cmdline"])
            ):
                interrupted.set()
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.1)

    # Ctrl-C raises KeyboardInterrupt, whatever handler an earlier test in this process left
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    threading.Thread(target=interrupt_when_running, daemon=True).start()
    try:
        results = grade(tmp_path / "subs", source, tmp_path / "g.csv", notebook_timeout=900,
                        progress=False)  # fmt: skip
    except KeyboardInterrupt:
        pass
    else:
        seen = "was interrupted" if interrupted.is_set() else "never seen running"
        pytest.fail(
            f"graded, though the submission {seen} (SIGINT's handler was {previous!r}): "
            f"{[r.reasons for r in results]}"
        )
    finally:
        graded.set()
        signal.signal(signal.SIGINT, previous)
    assert list(scratch.iterdir()) == []
    scratch.rmdir()
    survivors = [
        p for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])
    ]
    assert survivors == []
    assert not (tmp_path / "g.csv").exists()


def test_the_lessons_inside_an_installed_package_are_hidden_from_the_sandbox(
    tmp_path, monkeypatch, sandbox_available
):
    """A wheel carries the instructor notebooks in ``course/_lessons``: mounted over, empty."""
    import subprocess
    import sys

    from course.grading import sandbox

    package = tmp_path / "site" / "course"
    (package / sandbox.LESSONS_DIR / "notebooks").mkdir(parents=True)
    secret = package / sandbox.LESSONS_DIR / "notebooks" / "03_perceptron.ipynb"
    secret.write_text('{"answer": 42}', encoding="utf-8")
    (package / "visible.txt").write_text("the package itself is readable", encoding="utf-8")
    real = sandbox.package_dirs()
    monkeypatch.setattr(sandbox, "package_dirs", lambda: [*real, package])
    assert sandbox.hidden_dirs() == [package / sandbox.LESSONS_DIR]
    work = _scratch_for_a_sandbox(tmp_path)
    probe_code = (
        "import os, sys; p = sys.argv[1]; print(open(p + '/visible.txt').read()); "
        "print(sorted(os.listdir(p + '/_lessons')))"
    )
    inner = [sys.executable, "-c", probe_code, str(package)]
    done = subprocess.run(
        sandbox.command(inner, work, sandbox.Limits()), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["the package itself is readable", "[]"]
    assert secret.read_text(encoding="utf-8") == '{"answer": 42}'  # untouched outside


def _scratch_for_a_sandbox(tmp_path: Path) -> Path:
    """A grader's scratch folder as ``sandbox.command`` needs it."""
    from course.grading import sandbox

    work = tmp_path / "work"
    work.mkdir()
    (work / "kernel.json").write_text("{}")
    sandbox.write_checks_stand_in(work)
    return work


def _in_sandbox(tmp_path: Path, code: str, limits=None) -> list[str]:
    """What ``code`` prints, run by Python in a grading sandbox."""
    import subprocess
    import sys

    from course.grading import sandbox

    inner = [sys.executable, "-c", code]
    command = sandbox.command(inner, _scratch_for_a_sandbox(tmp_path), limits or sandbox.Limits())
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_no_reference_answer_is_in_the_sandbox(tmp_path, sandbox_available):
    """The exercises' references and the grader's specs are not there; lessons still import."""
    code = """
import os
import course, course.plots, course.checks.lesson03 as checks
from course.checks.lesson03 import check_perceptron_update
for hidden in ("grading", "exercises"):
    try:
        __import__(f"course.{hidden}.lesson03")
    except ImportError as exc:
        print(type(exc).__name__)
    print(os.listdir(os.path.join(os.path.dirname(course.__file__), hidden)))
for call in (lambda: checks.check_weighted_sum(sum), check_perceptron_update):
    try:
        call()
    except RuntimeError as exc:
        print(exc)
"""
    assert _in_sandbox(tmp_path, code) == [
        "ModuleNotFoundError",
        "[]",
        "ModuleNotFoundError",
        "[]",
        "course.checks.lesson03.check_weighted_sum is not available while grading: "
        "the grader judges the exercises itself",
        "course.checks.lesson03.check_perceptron_update is not available while grading: "
        "the grader judges the exercises itself",
    ]


def test_the_sandbox_writes_only_its_own_bounded_memory_folders(tmp_path, sandbox_available):
    """A submission cannot fill the grader's disk: /tmp and /dev/shm are small tmpfs
    folders, everything else is read-only."""
    from course.grading.sandbox import Limits

    code = """
import os
def fill(folder):
    written = 0
    try:
        with open(os.path.join(folder, "fill"), "wb") as handle:
            while written < 2**30:
                handle.write(b"x" * 2**20)
                handle.flush()
                written += 2**20
    except OSError as exc:
        return f"{folder} {written // 2**20} {exc.errno}"
    return f"{folder} {written // 2**20} none"
print(fill("/tmp"))
os.remove("/tmp/fill")
print(fill("/dev/shm"))
for folder in ("/", "/etc", "/dev", "/usr", os.path.dirname(os.__file__), "/proc"):
    print(fill(folder).split()[-1])
for name in ("/proc/sys/kernel/core_pattern", "/proc/sys/vm/drop_caches", "/proc/sysrq-trigger"):
    try:
        open(name, "w").close()
        print(name, "written")
    except OSError as exc:
        print(exc.errno)
print(os.getcwd(), os.path.expanduser("~"))
"""
    limits = Limits(disk=64 * 2**20, shared_memory=16 * 2**20, file_size=2**30)
    out = _in_sandbox(tmp_path, code, limits)
    assert out[:2] == ["/tmp 64 28", "/dev/shm 16 28"]  # 28: ENOSPC, no space left
    assert set(out[2:8]) <= {"30", "13", "2"}  # read-only, permission denied, no such entry
    # as root, /proc/sys would be writable in a read-write /proc: core_pattern runs a
    # command outside the sandbox
    assert out[8:10] == ["30", "30"]
    assert out[10] in {"30", "2"}  # /proc/sysrq-trigger: read-only, or absent here
    assert out[11] == "/tmp/work /tmp/home"


#: attacks on the machine, not on the score: each is stopped, its classmate graded in full
LIMITED = Limits(
    memory=2**30, processes=32, disk=64 * 2**20, shared_memory=16 * 2**20, files=10_000
)
RESOURCE_ATTACKS = {
    "memory": "import os, time\n"
    "for _ in range(3):\n"
    "    if os.fork() == 0:\n"
    "        _hog = b'x' * (500 * 2**20)\n"
    "        time.sleep(60)\n"
    "        os._exit(0)\n"
    "time.sleep(30)",
    "processes": "import os, time\n"
    "for _ in range(100):\n"
    "    if os.fork() == 0:\n"
    "        time.sleep(60)\n"
    "        os._exit(0)\n"
    "time.sleep(30)",
    "disk": "import os\n"
    "for _folder in ('/tmp', '/tmp/work', os.path.expanduser('~'), '/dev/shm'):\n"
    "    for _n in range(100):\n"
    "        try:\n"
    "            with open(f'{_folder}/fill-{_n}', 'wb') as _handle:\n"
    "                _handle.write(b'x' * 2**24)\n"
    "        except OSError:\n"
    "            break",
    "threads": "import threading, time\n"
    "_stop = threading.Event()\n"
    "for _ in range(100):\n"
    "    threading.Thread(target=_stop.wait, daemon=True).start()\n"
    "time.sleep(30)",
    # one update shown by 1000 outputs: nbclient would copy it into each
    "display-amplify": "from IPython.display import display, update_display\n"
    "for _ in range(1000):\n"
    "    display('', display_id='amp')\n"
    "update_display({'text/plain': 'y' * 1_000_000}, raw=True, display_id='amp')",
    # strings nested deeper than a size count would look
    "nested": "from IPython.display import publish_display_data\n"
    "_big = 'y' * 2**20\n"
    "for _ in range(50):\n"
    "    publish_display_data({'text/plain': 'hi'}, metadata={'a': {'b': {'c': {'d': {'e': "
    "{'f': {'g': [_big]}}}}}}})",
    # empty files: no space in /tmp, but kernel memory
    "files": "import os, time\n"
    "for _n in range(30_000):\n"
    "    open(f'/tmp/empty-{_n}', 'w').close()\n"
    "time.sleep(30)",
    # 400,000 characters of code: colouring them would take the worker a minute and a GB
    "long-source": "if 0:\n    " + "a=1;" * 100_000,
    # one message of 300 buffer frames of 7 MB each, all one buffer in the sandbox
    "multipart": "import threading\n"
    "_kernel = get_ipython().kernel\n"
    "_big = memoryview(b'z' * (7 * 2**20))\n"
    "_sent = threading.Event()\n"
    "def _send():\n"
    "    _kernel.session.send(_kernel.iopub_thread.socket, 'display_data',\n"
    "        {'data': {'text/plain': 'bomb'}, 'metadata': {}}, parent=_kernel.get_parent(),\n"
    "        buffers=[_big] * 300)\n"
    "    _sent.set()\n"
    "_kernel.iopub_thread.schedule(_send)\n"
    "_sent.wait(30)\n"
    "import time; time.sleep(5)",
    "comm-flood": "from comm import create_comm\n"
    "_comm = create_comm(target_name='jupyter.widget', data={'state': {}})\n"
    "for _ in range(400):\n"
    "    _comm.send({'method': 'update', 'state': {'value': 'x' * 100_000}})",
}


@pytest.fixture(scope="module")
def limited(tmp_path_factory, sandbox_available):
    """Grade the resource attackers and a victim with small limits."""
    tmp = tmp_path_factory.mktemp("limits")
    source = write_lesson(tmp / "course")
    instructor = nbformat.read(source, as_version=4)
    subs = tmp / "submitted"
    subs.mkdir()
    for student, attack in RESOURCE_ATTACKS.items():
        nbformat.write(answered(instructor, **_stub_with(attack)), subs / f"{student}.ipynb")
    nbformat.write(answered(instructor), subs / "alice.ipynb")
    with pytest.MonkeyPatch.context() as patch:
        scratch = _short_scratch(patch)
        results = grade(
            subs,
            source,
            tmp / "grades.csv",
            jobs=2,
            cell_timeout=60,
            notebook_timeout=120,
            exercises=SPECS,
            limits=LIMITED,
            feedback=tmp / "feedback",
            progress=False,
        )
    # the largest resident size of any process this one has waited for: the workers (and,
    # through them, a sandbox's processes, which hold less here). No sampling thread: the
    # workers are forked from this process, and a fork beside a running thread is unsafe
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    yield {r.student: r for r in results} | {"feedback": tmp / "feedback", "worker peak": peak}
    assert list(scratch.iterdir()) == []
    scratch.rmdir()


@pytest.mark.parametrize(
    ("student", "reason"),
    [
        ("memory", "more than 1 GiB of memory"),
        ("processes", "more than 32 processes and threads"),
        ("threads", "more than 32 processes and threads"),
        ("files", "more than 10000 files"),
    ],
)
def test_a_sandbox_over_its_memory_or_processes_is_stopped(limited, student, reason):
    result = limited[student]
    assert (result.total, result.status) == (0, "limit"), result.reasons
    assert f"the sandbox was stopped: it used {reason}" in result.reasons


def test_a_full_disk_hurts_only_its_own_sandbox(limited):
    result = limited["disk"]
    assert (result.total, result.status) == (0, "graded"), result.reasons
    assert result.reasons[0] == "weighted-sum-test: not answered (still the stub)"


@pytest.mark.parametrize("student", ["display-amplify", "nested"])
def test_display_updates_and_nesting_spend_the_output_budget(limited, student):
    result = limited[student]
    assert (result.total, result.status) == (0, "graded"), result.reasons
    assert "the output was cut: more than the output limit per notebook" in result.reasons
    page = limited["feedback"] / f"{student}.html"
    assert page.stat().st_size < 5_000_000


def test_a_message_too_large_for_the_worker_stops_only_its_own_grading(limited):
    """300 frames of 7 MB: the worker, outside the sandbox, would hold 2.1 GB."""
    from course.grading.pool import WORKER_MEMORY

    assert limited["multipart"].total == 0
    assert limited["alice"].status == "graded"
    assert 0 < limited["worker peak"] < WORKER_MEMORY


def test_a_long_source_is_shown_plain_and_cut(limited):
    result = limited["long-source"]
    assert (result.total, result.status) == (0, "graded"), result.reasons
    page = (limited["feedback"] / "long-source.html").read_text(encoding="utf-8")
    assert len(page) < 1_500_000
    assert "a=1;a=1;" in page and '<span class="n">a</span>' not in page


def test_widget_messages_spend_the_output_budget(limited):
    result = limited["comm-flood"]
    assert (result.total, result.status) == (0, "graded")  # its malformed widget is dropped
    assert "the output was cut: more than the output limit per notebook" in result.reasons


def test_the_classmate_of_resource_attackers_is_fully_marked(limited):
    result = limited["alice"]
    assert (result.scores, result.status, result.reasons) == (FULL, "graded", [])


def test_memory_no_process_holds_cannot_be_made(tmp_path, sandbox_available):
    """memfd_create and System V shmget are refused (the watchdog could not see their
    memory); so are the system calls of another architecture; open files are bounded."""
    import platform

    from course.grading.sandbox import SYSCALLS, seccomp_filter

    assert platform.machine() in SYSCALLS, "the filter must cover the machine the tests run on"
    assert seccomp_filter("riscv64") is None
    code = """
import ctypes, errno, os, resource
try:
    os.memfd_create("hog")
    print("memfd made")
except OSError as exc:
    print(errno.errorcode[exc.errno])
libc = ctypes.CDLL(None, use_errno=True)
print(libc.shmget(0, 2**20, 0o1600), errno.errorcode[ctypes.get_errno()])
print(libc.msgget(0, 0o1600), errno.errorcode[ctypes.get_errno()])
print(libc.semget(0, 1, 0o1600), errno.errorcode[ctypes.get_errno()])
print(resource.getrlimit(resource.RLIMIT_NOFILE))
r, w = os.pipe()
print("pipes work")
"""
    assert _in_sandbox(tmp_path, code) == [
        "EPERM",
        "-1 EPERM",
        "-1 EPERM",
        "-1 EPERM",
        "(1024, 1024)",
        "pipes work",
    ]


def test_a_socket_replaced_by_a_symlink_is_never_followed(tmp_path, sandbox_available, monkeypatch):
    """The grader reaches the kernel's sockets through /proc/<pid>/root, where an absolute
    symlink would resolve on the grader's side: it connects once, to sockets seen to be
    sockets, and never reconnects."""
    import socket

    trap = Path(tempfile.mkdtemp(prefix="trap-", dir="/tmp")) / "trap.sock"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(trap))
    listener.listen(100)
    listener.settimeout(0.2)
    source = write_lesson(tmp_path / "course")
    instructor = nbformat.read(source, as_version=4)
    swap = (
        "import glob, os, socket, time\n"
        "for _path in glob.glob('/tmp/k-*'):\n"
        "    os.unlink(_path)\n"
        f"    os.symlink({str(trap)!r}, _path)\n"
        "for _fd in os.listdir('/proc/self/fd'):\n"
        "    try:\n"
        "        _s = socket.socket(fileno=int(_fd))\n"
        "        if _s.family == socket.AF_UNIX:\n"
        "            _s.shutdown(socket.SHUT_RDWR)\n"
        "        _s.detach()\n"
        "    except OSError:\n"
        "        pass\n"
        "time.sleep(3)"
    )
    (tmp_path / "subs").mkdir()
    nbformat.write(answered(instructor, **_stub_with(swap)), tmp_path / "subs" / "a.ipynb")
    nbformat.write(answered(instructor), tmp_path / "subs" / "alice.ipynb")
    scratch = _short_scratch(monkeypatch)
    results = grade(
        tmp_path / "subs",
        source,
        tmp_path / "g.csv",
        cell_timeout=5,
        notebook_timeout=40,
        exercises=SPECS,
        progress=False,
    )
    scratch.rmdir()
    connections = 0
    while True:
        try:
            listener.accept()[0].close()
            connections += 1
        except TimeoutError:
            break
    listener.close()
    assert connections == 0
    by_student = {r.student: r for r in results}
    assert by_student["a"].total == 0
    assert by_student["alice"].scores == FULL


def test_a_url_in_a_reason_is_not_a_link(tmp_path):
    from course.grading.feedback import write_feedback
    from course.grading.logic import Result, load_lesson

    lesson = load_lesson(write_lesson(tmp_path / "course"), exercises=SPECS)
    reason = "weighted-sum-test failed the grader's check (got http://evil.example/x)"
    result = Result("ann", lesson.zero(), "graded", [reason])
    (tmp_path / "feedback").mkdir()
    write_feedback(result, lesson, tmp_path / "feedback")
    page = (tmp_path / "feedback" / "ann.html").read_text(encoding="utf-8")
    assert (
        "<li>weighted-sum-test failed the grader's check (got http://evil.example/x)</li>" in page
    )
    assert 'href="http' not in page
