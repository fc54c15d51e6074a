"""``course link``: the nbgitpuller link, and a real JupyterHub that hands the lessons out with it.

The hub test runs JupyterHub as a teacher would (its proxy, configurable-http-proxy, from
.ci/hub/, installed by .ci/install-browser.sh), with one shared password and
SimpleLocalProcessSpawner, so each student's home is a folder of the test. A student logs
in over HTTP, follows the link ``course link`` printed for a git clone of the course made in
the test (file://), starts the server the hub offers, and pulls with nbgitpuller the way its
page does: the page's xsrf token and values, then its event stream ``git-pull/api``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import psutil
import pytest
from browser_util import ROOT, require
from lab_util import free_port

from course.cli import main
from course.errors import CourseError
from course.hub import LEARNER_NOTEBOOKS, hub_link

#: where .ci/install-browser.sh installs JupyterHub's proxy
PROXY = ROOT / ".ci" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
#: the name of the course clone the students pull; their servers clone it into HOME/REPO_NAME
REPO_NAME = "dl-course"
#: how long the hub, a server or a pull may take on a loaded machine (a timeout, not a check)
PATIENCE = 300


# ---------------------------------------------------------------- the link


def test_the_link_opens_the_learner_notebooks_of_the_clone_in_jupyterlab():
    link = hub_link("https://hub.example.org/", "https://github.com/owner/dl-course.git")
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "hub.example.org")
    assert parts.path == "/hub/user-redirect/git-pull"
    assert parse_qs(parts.query, strict_parsing=True) == {
        "repo": ["https://github.com/owner/dl-course.git"],
        "urlpath": ["lab/tree/dl-course/learner/notebooks"],
        "branch": ["main"],
        "targetPath": ["dl-course"],
    }
    assert "urlpath=lab%2Ftree%2Fdl-course%2Flearner%2Fnotebooks" in link  # URL-encoded


def test_the_link_keeps_a_hubs_path_and_opens_the_path_and_branch_given():
    link = hub_link(
        "http://127.0.0.1:8000/jupyter",
        "file:///srv/courses/dl-course",
        branch="spring/2025",
        path="learner/notebooks/03_perceptron.ipynb",
    )
    assert link.startswith("http://127.0.0.1:8000/jupyter/hub/user-redirect/git-pull?")
    query = parse_qs(urlsplit(link).query)
    assert query["repo"] == ["file:///srv/courses/dl-course"]
    assert query["branch"] == ["spring/2025"]
    assert query["urlpath"] == ["lab/tree/dl-course/learner/notebooks/03_perceptron.ipynb"]


@pytest.mark.parametrize(
    ("hub", "repository", "branch", "path", "named", "expected"),
    [
        ("ftp://hub.example.org", "https://github.com/o/r", "main", "learner", "'ftp://", "http"),
        ("https://hub example.org", "https://github.com/o/r", "main", "x", "hub URL", "space"),
        ("hub.example.org", "https://github.com/o/r", "main", "x", "hub.example.org", "https://"),
        ("https://", "https://github.com/o/r", "main", "x", "'https://'", "no host"),
        ("https://h:80x", "https://github.com/o/r", "main", "x", "h:80x", "not a URL"),
        ("https://h/?next=x", "https://github.com/o/r", "main", "x", "next=x", "query"),
        ("https://h", "git@github.com:o/r.git", "main", "x", "git@github.com", "file://"),
        ("https://h", "https://github.com/", "main", "x", "github.com/'", "no repository"),
        ("https://h", "file://host/srv/r", "main", "x", "file://host", "absolute path"),
        ("https://h", "file:///srv/r\n", "main", "x", "repository URL", "control"),
        ("https://h", "https://github.com/o/..", "main", "x", "'..'", "folder name"),
        ("https://h", "https://github.com/o/r", "-x", "x", "'-x'", "branch name"),
        ("https://h", "https://github.com/o/r", "a..b", "x", "'a..b'", "branch name"),
        ("https://h", "https://github.com/o/r", "main", "../etc", "'../etc'", "relative"),
        ("https://h", "https://github.com/o/r", "main", "/etc", "'/etc'", "relative"),
        ("https://h", "https://github.com/o/r", "main", "a b", "'a b'", "relative"),
        ("https://h", "https://github.com/o/r", "main", "", "''", "relative"),
    ],
)
def test_a_bad_value_is_a_clear_error(hub, repository, branch, path, named, expected):
    with pytest.raises(CourseError) as caught:
        hub_link(hub, repository, branch, path)
    assert named in str(caught.value)
    assert expected in str(caught.value)


def test_course_link_prints_the_link_for_the_repository_of_pyproject(capsys, course_root):
    (course_root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[project.urls]\nRepository = "https://github.com/o/dl-course"\n'
    )
    code = main(["link", "--hub", "https://hub.example.org", "--root", str(course_root)])
    out, err = capsys.readouterr()
    assert code == 0
    assert out == hub_link("https://hub.example.org", "https://github.com/o/dl-course") + "\n"
    assert f"{LEARNER_NOTEBOOKS} of https://github.com/o/dl-course (branch main)" in err


def test_course_link_without_a_repository_says_how_to_name_one(capsys, course_root):
    code = main(["link", "--hub", "https://hub.example.org", "--root", str(course_root)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "pass --repository URL" in err
    assert "[project.urls]" in err


def test_course_link_names_a_bad_hub_in_one_line(capsys):
    code = main(["link", "--hub", "javascript:alert(1)", "--repository", "https://g.org/o/r"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.splitlines() == [
        "course link: error: the hub URL 'javascript:alert(1)' is not an https:// or http:// "
        "URL; expected an https:// or http:// URL such as https://hub.example.org (the "
        "address students log in at)"
    ]


# ---------------------------------------------------------------- a real JupyterHub


@dataclass
class Pull:
    """What one student saw: each page's status, nbgitpuller's events and the lab page."""

    statuses: dict[str, int] = field(default_factory=dict)
    landed: str = ""
    page: dict[str, str] = field(default_factory=dict)
    phases: list[str] = field(default_factory=list)
    lab_status: int = 0
    listing: list[str] = field(default_factory=list)


@dataclass
class Hub:
    """A running JupyterHub: its public address, the students' homes and the course clone."""

    url: str
    homes: Path
    repo: Path
    password: str
    log: Path
    process: subprocess.Popen

    def home(self, student: str) -> Path:
        return self.homes / student

    def link(self) -> str:
        """The link ``course link`` prints for this hub and the course clone."""
        args = ["-m", "course", "link", "--hub", self.url, "--repository", self.repo.as_uri()]
        done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def failure(self, what: str) -> None:
        pytest.fail(f"{what}; the hub's log ends:\n{self.log.read_text(errors='replace')[-4000:]}")


def _git(repo: Path, *args: str) -> str:
    identity = ["-c", "user.name=Teacher", "-c", "user.email=teacher@example.org"]
    done = subprocess.run(
        ["git", "-C", str(repo), *identity, *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def _course_clone(folder: Path) -> Path:
    """A git repository of the course's learner editions, as the teacher publishes it."""
    repo = folder / REPO_NAME
    shutil.copytree(ROOT / "learner", repo / "learner")
    _git(folder, "init", "-q", "-b", "main", str(repo))
    _git(repo, "add", "learner")
    _git(repo, "commit", "-q", "-m", "The learner editions")
    return repo


def _config(hub_dir: Path, homes: Path, password: str) -> Path:
    port, hub_port, api_port = free_port(), free_port(), free_port()
    singleuser = Path(sys.executable).with_name("jupyterhub-singleuser")
    args = ["--LabApp.news_url=None"]
    args += ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:  # a container or CI runner: the servers run as root too
        args.append("--allow-root")
    lines = [
        f"c.JupyterHub.bind_url = 'http://127.0.0.1:{port}'",
        f"c.JupyterHub.hub_bind_url = 'http://127.0.0.1:{hub_port}'",
        f"c.ConfigurableHTTPProxy.api_url = 'http://127.0.0.1:{api_port}'",
        f"c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]",
        # one password for every student: DummyAuthenticator's, renamed in JupyterHub 5.3
        "c.JupyterHub.authenticator_class = 'shared-password'",
        f"c.SharedPasswordAuthenticator.user_password = {password!r}",
        "c.Authenticator.allow_all = True",
        "c.JupyterHub.spawner_class = 'simple'",  # jupyterhub.spawner.SimpleLocalProcessSpawner
        f"c.SimpleLocalProcessSpawner.home_dir_template = {str(homes / '{username}')!r}",
        f"c.Spawner.cmd = [{str(singleuser)!r}]",
        f"c.Spawner.args = {args!r}",
        "c.Spawner.default_url = '/lab'",
        f"c.Spawner.start_timeout = {PATIENCE}",
        f"c.Spawner.http_timeout = {PATIENCE}",
        f"c.JupyterHub.db_url = 'sqlite:///{hub_dir / 'jupyterhub.sqlite'}'",
        f"c.JupyterHub.cookie_secret_file = {str(hub_dir / 'cookie_secret')!r}",
        "c.JupyterHub.cleanup_servers = True",
        "c.JupyterHub.tornado_settings = {'slow_spawn_timeout': 0}",
    ]
    config = hub_dir / "jupyterhub_config.py"
    config.write_text("\n".join(lines) + "\n")
    return config


def _stop(process: subprocess.Popen) -> None:
    """Stop the hub and everything it started (proxy, single-user servers, their kernels)."""
    try:
        family = [psutil.Process(process.pid)]
        family += family[0].children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    for proc in family:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.terminate()
    _, alive = psutil.wait_procs(family, timeout=30)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs(alive, timeout=10)
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def hub(tmp_path_factory) -> Iterator[Hub]:
    """A JupyterHub on 127.0.0.1 whose students' homes are folders of the test."""
    for module in ("jupyterhub", "nbgitpuller", "requests"):
        found = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
        require(found.returncode == 0, f'{module} is not installed (pip install -e ".[dev]")')
    require(
        PROXY.exists(), "configurable-http-proxy is not installed (bash .ci/install-browser.sh)"
    )
    require(shutil.which("git") is not None, "git is not installed")
    folder = tmp_path_factory.mktemp("hub")
    hub_dir, homes = folder / "hub", folder / "homes"
    hub_dir.mkdir()
    homes.mkdir()
    password = secrets.token_urlsafe(12)
    config = _config(hub_dir, homes, password)
    url = re.search(r"bind_url = '(http://[^']+)'", config.read_text())[1]
    log = hub_dir / "jupyterhub.log"
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(config)],
            cwd=hub_dir,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    running = Hub(url, homes, _course_clone(folder), password, log, process)
    try:
        _wait_for(running, lambda: _get(f"{url}/hub/api").status_code == 200, "the hub")
        yield running
    finally:
        _stop(process)


def _get(url: str, **kwargs):
    import requests

    try:
        return requests.get(url, timeout=30, **kwargs)
    except requests.ConnectionError:
        return requests.Response()  # status_code None: not answering yet


def _wait_for(hub: Hub, ready, what: str):  # noqa: ANN001 (a function returning a truthy value)
    deadline = time.monotonic() + PATIENCE
    while True:
        result = ready()
        if result:
            return result
        if hub.process.poll() is not None:
            hub.failure(f"the hub exited while waiting for {what}")
        if time.monotonic() > deadline:
            hub.failure(f"{what} did not answer within {PATIENCE} s")
        time.sleep(0.5)


def _page_data(html: str) -> dict[str, str]:
    """The ``data-*`` attributes of nbgitpuller's page (URL-encoded there, decoded here)."""
    return {
        key: unquote(unescape(value)) for key, value in re.findall(r'data-([\w-]+)="([^"]*)"', html)
    }


def _follow_the_link(hub: Hub, student: str) -> Pull:
    """Log in as ``student``, follow the link, start the server, and pull as nbgitpuller's
    page does; the statuses, page values and events seen on the way."""
    import requests

    pull, link = Pull(), hub.link()
    with requests.Session() as browser:
        first = browser.get(link, timeout=30)  # logged out: the hub's login page
        pull.statuses["link, logged out"] = first.status_code
        assert urlsplit(first.url).path == "/hub/login"
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', first.text)[1]
        login = browser.post(
            first.url,
            data={"_xsrf": xsrf, "username": student, "password": hub.password},
            timeout=30,
        )
        # back to the link as the student: with no server running, the hub starts one and
        # shows its progress page (at once: slow_spawn_timeout is 0)
        pull.statuses["link, logged in"] = login.status_code
        pull.landed = urlsplit(login.url).path

        def puller_page():
            answer = browser.get(link, timeout=30)
            on_server = urlsplit(answer.url).path == f"/user/{student}/git-pull"
            return answer if on_server and answer.status_code == 200 else None

        page = _wait_for(hub, puller_page, f"{student}'s server")
        pull.statuses["nbgitpuller's page"] = page.status_code
        pull.page = _page_data(page.text)
        base = hub.url + pull.page["base-url"]
        params = {"_xsrf": pull.page["xsrf"], "repo": pull.page["repo"]}
        params |= {"targetpath": pull.page["targetpath"], "branch": pull.page["branch"]}
        with browser.get(
            f"{base}git-pull/api", params=params, stream=True, timeout=PATIENCE
        ) as events:
            pull.statuses["git-pull/api"] = events.status_code
            for line in events.iter_lines(decode_unicode=True):
                if line.startswith("data: "):
                    pull.phases.append(json.loads(line[len("data: ") :])["phase"])
                    if pull.phases[-1] in ("finished", "error"):
                        break
        lab = browser.get(base + pull.page["path"], timeout=60)  # where the page redirects
        pull.lab_status = lab.status_code
        contents = browser.get(
            f"{base}api/contents/{pull.page['targetpath']}/{LEARNER_NOTEBOOKS}",
            headers={"X-XSRFToken": pull.page["xsrf"]},
            timeout=30,
        )
        pull.statuses["contents API"] = contents.status_code
        pull.listing = sorted(item["name"] for item in contents.json()["content"])
    return pull


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_student_who_follows_the_link_gets_the_learner_notebooks_in_their_home(hub):
    pull = _follow_the_link(hub, "alice")
    assert pull.statuses["link, logged out"] == 200
    assert (pull.landed, pull.statuses["link, logged in"]) == ("/hub/spawn-pending/alice", 200)
    assert pull.statuses["nbgitpuller's page"] == 200
    assert pull.page["repo"] == hub.repo.as_uri()
    assert pull.page["targetpath"] == REPO_NAME
    assert pull.page["path"] == f"lab/tree/{REPO_NAME}/{LEARNER_NOTEBOOKS}"
    assert pull.phases[-1] == "finished", pull.phases
    assert pull.lab_status == 200
    clone = hub.home("alice") / REPO_NAME
    assert _files(clone / "learner") == _files(hub.repo / "learner")
    notebooks = sorted(p.name for p in (hub.repo / LEARNER_NOTEBOOKS).glob("*.ipynb"))
    assert len(notebooks) == 12
    assert [name for name in pull.listing if name.endswith(".ipynb")] == notebooks


@pytest.mark.slow
def test_following_the_link_again_brings_the_update_and_keeps_the_students_edits(hub):
    _follow_the_link(hub, "carol")
    clone = hub.home("carol") / REPO_NAME / LEARNER_NOTEBOOKS
    edited = clone / "03_perceptron.ipynb"
    mine = edited.read_bytes().replace(b'"cells": [', b'"cells": [ ', 1)  # the student's edit
    edited.write_bytes(mine)
    (hub.repo / LEARNER_NOTEBOOKS / "13_next-week.md").write_text("# Next week\n")
    _git(hub.repo, "add", "learner")
    _git(hub.repo, "commit", "-q", "-m", "Next week's note")

    again = _follow_the_link(hub, "carol")
    assert again.phases[-1] == "finished", again.phases
    assert (clone / "13_next-week.md").read_text() == "# Next week\n"
    assert edited.read_bytes() == mine


@pytest.mark.slow
def test_a_second_student_has_a_server_and_a_copy_of_their_own(hub):
    _follow_the_link(hub, "alice")
    assert not (hub.home("bob") / REPO_NAME).exists()
    pull = _follow_the_link(hub, "bob")
    assert pull.phases[-1] == "finished", pull.phases
    assert pull.page["base-url"] == "/user/bob/"
    alice, bob = hub.home("alice") / REPO_NAME, hub.home("bob") / REPO_NAME
    assert alice.resolve() != bob.resolve()
    assert _files(bob / "learner") == _files(hub.repo / "learner")
    (bob / LEARNER_NOTEBOOKS / "01_ai-ml-dl.ipynb").write_text("bob's own")
    assert (alice / LEARNER_NOTEBOOKS / "01_ai-ml-dl.ipynb").read_text() != "bob's own"
