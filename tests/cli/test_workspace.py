"""``course lab``: the learner's workspace is made of stubs and never overwrites the learner."""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import BlockingKernelClient
from lab_util import course_lab, jupyter_env

from course import kernel, syllabus, workspace
from course.cli import main
from course.editions import has_markers, is_solution_cell, is_test_cell
from course.workspace import write_new

NAME = "03_perceptron.ipynb"


def _lab(capsys, *argv) -> tuple[int, str, str]:
    code = main(["lab", *(str(arg) for arg in argv)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_launch(monkeypatch):
    """Fail the test if anything is started."""

    def launch(*args, **kwargs):
        raise AssertionError(f"started {args} although nothing should start")

    monkeypatch.setattr(workspace.subprocess, "call", launch)


def test_dry_run_makes_stubbed_copies_and_starts_nothing(
    capsys, course_root, tmp_path, no_launch, fixture_solution
):
    ws = tmp_path / "work"
    code, out, _ = _lab(capsys, ws, "--dry-run", "--root", course_root)
    assert code == 0
    assert f"added {NAME}" in out.splitlines()
    assert "JupyterLab not started" in out
    copy = nbformat.read(ws / NAME, as_version=4)
    text = "\n".join(cell.source for cell in copy.cells)
    (solution,) = [cell for cell in copy.cells if is_solution_cell(cell)]
    assert "    # YOUR CODE HERE\n    raise NotImplementedError()" in solution.source
    assert solution.source.startswith("def scale(x):")
    assert not has_markers(text)
    for line in fixture_solution:
        assert line not in text
    assert "assert scale(-1)" not in text
    assert "assert scale(2) == 2 * SCALE" in text
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in copy.cells
        if c.cell_type == "code"
    )


def test_workspace_copy_tags_test_cells_so_run_all_goes_on(
    capsys, course_root, tmp_path, no_launch
):
    ws = tmp_path / "work"
    _lab(capsys, ws, "--dry-run", "--root", course_root)
    copy = nbformat.read(ws / NAME, as_version=4)
    tagged = [c for c in copy.cells if "raises-exception" in c.metadata.get("tags", [])]
    assert [c.source for c in tagged] == ["assert scale(2) == 2 * SCALE"]
    assert is_test_cell(tagged[0])


def test_default_workspace_is_dl_course_work_in_the_current_folder(
    capsys, course_root, tmp_path, monkeypatch, no_launch
):
    monkeypatch.chdir(tmp_path)
    code, _, _ = _lab(capsys, "--dry-run", "--root", course_root)
    assert code == 0
    assert (tmp_path / "dl-course-work" / NAME).is_file()


def test_rerun_keeps_the_learners_file_and_restores_a_removed_one(
    capsys, course_root, tmp_path, no_launch
):
    ws = tmp_path / "work"
    _lab(capsys, ws, "--dry-run", "--root", course_root)
    mine = (ws / NAME).read_bytes().replace(b"raise NotImplementedError()", b"return SCALE * x")
    (ws / NAME).write_bytes(mine)
    code, out, _ = _lab(capsys, ws, "--dry-run", "--root", course_root)
    assert code == 0
    assert f"kept {NAME} (yours, not changed)" in out.splitlines()
    assert (ws / NAME).read_bytes() == mine
    (ws / NAME).unlink()
    _, out, _ = _lab(capsys, ws, "--dry-run", "--root", course_root)
    assert f"added {NAME}" in out.splitlines()
    assert b"raise NotImplementedError()" in (ws / NAME).read_bytes()
    assert sorted(p.name for p in ws.iterdir()) == [NAME]  # no temporary file left behind


def test_rerun_adds_a_lesson_that_became_ready(capsys, course_root, tmp_path, no_launch):
    ws = tmp_path / "work"
    _lab(capsys, ws, "--dry-run", "--root", course_root)
    new = course_root / "notebooks" / "01_ai-ml-dl.ipynb"
    new.write_bytes((course_root / "notebooks" / NAME).read_bytes())
    _, out, _ = _lab(capsys, ws, "--dry-run", "--root", course_root)
    assert out.splitlines()[:2] == ["added 01_ai-ml-dl.ipynb", f"kept {NAME} (yours, not changed)"]


def test_write_new_never_replaces_an_existing_file(tmp_path):
    path = tmp_path / "a.ipynb"
    assert write_new(path, b"first")
    assert not write_new(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["a.ipynb"]


@pytest.fixture
def launches(monkeypatch) -> list:
    """Record each command ``course lab`` would start (and its folder) instead of starting it."""
    calls: list = []
    monkeypatch.setattr(
        workspace.subprocess, "call", lambda cmd, cwd: calls.append((cmd, cwd)) or 3
    )
    return calls


def test_lab_starts_jupyterlab_in_the_workspace(
    capsys, course_root, tmp_path, monkeypatch, launches
):
    monkeypatch.setattr(workspace, "running_as_root", lambda: False)
    ws = tmp_path / "work"
    code, out, _ = _lab(capsys, ws, "--no-browser", "--root", course_root)
    assert code == 3  # JupyterLab's own exit code
    ((cmd, cwd),) = launches
    assert cmd[:4] == [sys.executable, "-m", "jupyterlab", "--no-browser"]
    assert cwd == ws
    assert "--allow-root" not in cmd and "--allow-root" not in out
    _lab(capsys, ws, "--root", course_root)
    assert "--no-browser" not in launches[1][0]


def test_lab_as_root_passes_allow_root_and_says_so_once(
    capsys, course_root, tmp_path, monkeypatch, launches
):
    monkeypatch.setattr(workspace, "running_as_root", lambda: True)
    code, out, _ = _lab(capsys, tmp_path / "work", "--root", course_root)
    assert code == 3
    assert launches[0][0].count("--allow-root") == 1
    assert [line for line in out.splitlines() if "--allow-root" in line] == [
        "running as root: passing --allow-root to JupyterLab"
    ]


def test_lab_forwards_what_follows_the_double_dash(capsys, course_root, tmp_path, launches):
    ws = tmp_path / "work"
    argv = [ws, "--root", course_root, "--", "--port", "8890", "--ip", "0.0.0.0", "--allow-root"]
    code, _, _ = _lab(capsys, *argv)
    ((cmd, cwd),) = launches
    assert cwd == ws
    assert cmd[-5:] == ["--port", "8890", "--ip", "0.0.0.0", "--allow-root"]
    assert cmd.count("--allow-root") == 1


def test_commands_that_forward_nothing_refuse_arguments_after_double_dash(capsys, course_root):
    with pytest.raises(SystemExit) as exc:
        main(["list", "--root", str(course_root), "--", "--port", "8890"])
    assert exc.value.code == 2
    assert "course list takes no arguments after --: --port 8890" in capsys.readouterr().err


def test_lab_without_kernel_is_a_clear_error(capsys, course_root, tmp_path, monkeypatch, no_launch):
    monkeypatch.setattr(kernel, "installed_kernels", lambda: {})
    code, _, err = _lab(capsys, tmp_path / "work", "--root", course_root)
    assert code == 2
    assert "'python3' is not installed" in err
    assert "Traceback" not in err


def test_workspace_that_is_a_file_is_a_clear_error(capsys, course_root, tmp_path, no_launch):
    target = tmp_path / "work"
    target.write_text("not a folder")
    code, _, err = _lab(capsys, target, "--dry-run", "--root", course_root)
    assert code == 2
    assert "is not a folder" in err
    assert target.read_text() == "not a folder"


def test_root_without_notebooks_is_a_clear_error(capsys, tmp_path, no_launch):
    code, _, err = _lab(capsys, tmp_path / "work", "--dry-run", "--root", tmp_path)
    assert code == 2
    assert "has no notebooks/ directory" in err


@pytest.mark.slow
def test_course_lab_serves_the_workspace_on_the_forwarded_port(tmp_path, python3_kernel):
    root = syllabus.course_root()
    ws = tmp_path / "work"
    env = jupyter_env(tmp_path / "jupyter")
    course = [sys.executable, "-m", "course"]
    with course_lab(course, ws, tmp_path, env, tmp_path / "lab.log") as lab:
        listed = {item["name"] for item in lab.api("/api/contents")["content"]}
        assert listed == {Path(lesson.notebook).name for lesson in syllabus.ready(root)}
        started = lab.api("/api/kernels", "POST")
        runtime = Path(env["JUPYTER_RUNTIME_DIR"])
        client = BlockingKernelClient(connection_file=str(runtime / f"kernel-{started['id']}.json"))
        client.load_connection_file()
        client.start_channels()
        try:  # a reply means the kernel is past the point where ipykernel would warn
            request = client.kernel_info()
            reply = client.get_shell_msg(timeout=90)
        finally:
            client.stop_channels()
        assert reply["parent_header"]["msg_id"] == request
    log = lab.log.read_text()
    assert "without encryption" not in log
    as_root = "running as root: passing --allow-root to JupyterLab" in log
    assert as_root == workspace.running_as_root()
