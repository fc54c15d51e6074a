"""Lesson names: every command accepts the same names and refuses the same ones, alike.

``course run``, ``release`` and ``grade`` take lessons; each is run on the same names and
must pick the same notebook, or fail with the same message. The command's work after
resolving (executing, grading) is replaced by a recorder: only the choice is under test.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from course import lessons, release, runner, syllabus
from course.cli import main
from course.errors import CourseError
from course.grading import batch

NOTEBOOK = "notebooks/03_perceptron.ipynb"
#: names of lesson 03, ready in the ``course_root`` fixture
GOOD = ["3", "03", "perceptron", "03_perceptron", "x/03_perceptron.ipynb", " 3 "]
#: names of no lesson, and names of lesson 05, which the fixture does not have
UNKNOWN = ["99", "0", "003", "no-such-lesson", "x/99_nothing.ipynb", "3.0", ""]
PLANNED = ["5", "05", "neural-networks", "05_neural-networks"]


@pytest.fixture
def chosen(monkeypatch, tmp_path):
    """Run a command on one lesson name; returns (exit code, stderr, notebook it chose)."""
    picked: list[Path] = []
    monkeypatch.setattr(runner, "check_kernel", lambda name: None)
    monkeypatch.setattr(runner, "check_parameters", lambda target, parameters: None)
    monkeypatch.setattr(
        runner, "run_notebook", lambda target, *a, **k: picked.append(target.path) or target.path
    )
    monkeypatch.setattr(
        batch, "grade", lambda subs, source, out, **kw: picked.append(Path(source)) or []
    )
    monkeypatch.setattr(release, "release", lambda sources, out: picked.extend(sources) or [])

    def run(capsys, command: str, name: str, root: Path) -> tuple[int, str, Path | None]:
        out = tmp_path / "out"
        argv = {
            "run": ["run", name, "--no-progress", "--out", out],
            "release": ["release", name, "--out", out],
            "grade": ["grade", tmp_path, "--lesson", name, "--out", out / "g.csv"],
        }[command]
        code = main([str(arg) for arg in argv] + ["--root", str(root)])
        _, err = capsys.readouterr()
        return code, err, (picked.pop() if picked else None)

    return run


COMMANDS = ["run", "release", "grade"]


@pytest.mark.parametrize("name", GOOD)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_every_name_of_a_ready_lesson(
    capsys, chosen, course_root, command, name
):
    code, err, picked = chosen(capsys, command, name, course_root)
    assert (code, err) == (0, "")
    assert picked == (course_root / NOTEBOOK).resolve()


def _errors(capsys, chosen, root: Path, name: str) -> dict[str, str]:
    """Each command's message for ``name``, without its ``course CMD: error:`` prefix."""
    messages = {}
    for command in COMMANDS:
        code, err, picked = chosen(capsys, command, name, root)
        assert (code, picked) == (2, None), f"course {command} accepted {name!r}"
        prefix = f"course {command}: error: "
        assert err.startswith(prefix) and err.count("\n") == 1, err
        messages[command] = err.removeprefix(prefix)
    return messages


@pytest.mark.parametrize("name", UNKNOWN)
def test_every_command_refuses_an_unknown_lesson_with_one_message(
    capsys, chosen, course_root, name
):
    messages = _errors(capsys, chosen, course_root, name)
    assert len(set(messages.values())) == 1, messages
    message = messages["run"]
    assert message.startswith(f"unknown lesson {name!r}")
    assert all(f"{les.id} ({les.slug})" in message for les in syllabus.LESSONS)


@pytest.mark.parametrize("name", PLANNED)
def test_every_command_refuses_a_planned_lesson_with_one_message(capsys, chosen, course_root, name):
    messages = _errors(capsys, chosen, course_root, name)
    assert len(set(messages.values())) == 1, messages
    planned = course_root.resolve() / "notebooks" / "05_neural-networks.ipynb"
    assert messages["run"].startswith(f"lesson 05 (neural-networks) is planned: {planned} ")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_the_path_of_any_existing_notebook(
    capsys, chosen, course_root, make_notebook, command
):
    path = make_notebook("elsewhere/my-homework.ipynb")
    code, err, picked = chosen(capsys, command, str(path), course_root)
    assert (code, err) == (0, "")
    assert picked == path.resolve()


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["run", "3"],
        ["lab", "--dry-run"],
        ["release", "3", "--out", "x"],
        ["grade", ".", "--lesson", "3", "--out", "g.csv"],
        ["book", "--no-install"],
    ],
    ids=lambda argv: argv[0],
)
def test_every_command_refuses_a_root_without_notebooks_alike(capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    code = main([*argv, "--root", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    message = f"--root: {tmp_path.resolve()} has no notebooks/ directory"
    assert err == f"course {argv[0]}: error: {message}\n"


@pytest.mark.parametrize("argv", [["run"], ["lab", "--dry-run"]], ids=lambda argv: argv[0])
def test_commands_on_every_ready_lesson_refuse_an_empty_course_alike(
    capsys, tmp_path, monkeypatch, argv
):
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path)
    code = main([*argv, "--root", str(tmp_path)])
    _, err = capsys.readouterr()
    assert code == 2
    message = f"no lesson is ready yet: {tmp_path.resolve() / 'notebooks'} is empty"
    assert err == f"course {argv[0]}: error: {message}\n"


def test_resolve_all_keeps_each_notebook_once_in_the_order_given(course_root, make_notebook):
    other = make_notebook("other.ipynb")
    found = lessons.resolve_all(["perceptron", str(other), "3", "03"], course_root)
    assert [nb.path for nb in found] == [(course_root / NOTEBOOK).resolve(), other.resolve()]
    assert [nb.label for nb in found] == ["lesson 03 (The perceptron)", "other.ipynb"]


def test_an_existing_notebook_named_like_a_lesson_is_that_lesson(tmp_path):
    path = tmp_path / "03_perceptron.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), path)
    found = lessons.resolve(str(path))
    assert (found.path, found.lesson) == (path.resolve(), syllabus.get(3))


def test_syllabus_get_is_the_same_lookup(course_root):
    assert lessons.resolve("03_perceptron", course_root).lesson is syllabus.get("03_perceptron")
    with pytest.raises(CourseError) as by_syllabus:
        syllabus.get("99")
    with pytest.raises(CourseError) as by_lessons:
        lessons.resolve("99", course_root)
    assert str(by_syllabus.value) == str(by_lessons.value)
