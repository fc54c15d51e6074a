"""Where the course is published: its repository, and the notebooks the book's buttons open.

The repository's address comes from one place: ``--repository-url``, else the
``Repository`` (or ``Source``) entry of ``[project.urls]`` in pyproject.toml, else the git
remote ``origin`` (an ssh or https remote of github.com becomes ``https://github.com/o/r``).
With none, the book has no repository, issue or launch button.

The launch buttons (Binder, Colab) open a notebook of the repository by its path, so the
learner edition of every ready lesson is committed under ``learner/``, in the repository's
layout: ``learner/notebooks/NN_slug.ipynb`` is the notebook ``course lab`` gives for
``notebooks/NN_slug.ipynb`` (answers stubbed, hidden tests removed). ``course book``
rewrites it; tests/book/test_publish.py fails when it is stale.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from course.errors import CourseError
from course.syllabus import Lesson
from course.workspace import learner_copy

#: the ``[project.urls]`` labels that name the repository, in order of preference (lowercase)
URL_LABELS = ("repository", "source", "source code", "code")
#: the committed learner editions, relative to the repository root
LEARNER_DIR = "learner"
#: the branch the launch buttons open, the one the book is published from
BRANCH = "main"
BINDER_URL = "https://mybinder.org"
COLAB_URL = "https://colab.research.google.com"

_SCP_REMOTE = re.compile(r"^(?:[\w.-]+@)?github\.com:(?P<path>[\w.-]+/[\w.-]+?)(?:\.git)?/?$")
_URL_REMOTE = re.compile(
    r"^(?:https|ssh|git)://(?:[^@/]+@)?github\.com(?::\d+)?/(?P<path>[\w.-]+/[\w.-]+?)(?:\.git)?/?$"
)
_HTTPS = re.compile(r"^https://[\w.-]+(?::\d+)?/\S+$")


def github_https_url(remote: str) -> str | None:
    """``https://github.com/owner/repo`` for a github.com remote (ssh, git or https); else None."""
    remote = remote.strip()
    match = _SCP_REMOTE.match(remote) or _URL_REMOTE.match(remote)
    return f"https://github.com/{match['path']}" if match else None


def check_url(url: str) -> str:
    """``url`` without a trailing slash or ``.git``; CourseError unless it is an https URL."""
    if not _HTTPS.match(url):
        raise CourseError(
            f"the repository URL {url!r} is not an https URL; expected e.g. "
            "https://github.com/OWNER/REPO"
        )
    return re.sub(r"(\.git)?/*$", "", url)


def pyproject_url(root: Path) -> str | None:
    """The repository named in ``[project.urls]`` of ``root/pyproject.toml`` (None without)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10: tomli comes with the [dev] extra, like jupyter-book
        import tomli as tomllib

    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    urls = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {}).get("urls", {})
    by_label = {label.lower(): url for label, url in urls.items()}
    for label in URL_LABELS:
        if label in by_label:
            return check_url(by_label[label])
    return None


def git_remote_url(root: Path) -> str | None:
    """The https address of the git remote ``origin`` of ``root`` when it is on github.com."""
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:  # no git on this machine
        return None
    return github_https_url(done.stdout) if done.returncode == 0 else None


def repository_url(root: Path, given: str | None = None) -> str | None:
    """Where the course lives: ``given``, else pyproject.toml's, else the git remote's."""
    if given is not None:
        return check_url(given)
    return pyproject_url(root) or git_remote_url(root)


def book_settings(url: str | None) -> dict[str, Any]:
    """The sections of the book's ``_config.yml`` that depend on the repository ``url``.

    With a github.com ``url``: the repository and issue buttons, and launch buttons on Binder
    and Colab that open ``learner/<notebook>`` on BRANCH. With another host, the repository
    and issue buttons only (Binder and Colab launch from GitHub). With None, none of them:
    the repository URL is set empty, else Jupyter Book would link to its own repository.
    """
    on_github = url is not None and url.startswith("https://github.com/")
    return {
        "repository": {"url": url or "", "path_to_book": LEARNER_DIR, "branch": BRANCH},
        "launch_buttons": {
            "notebook_interface": "jupyterlab",
            "binderhub_url": BINDER_URL if on_github else "",
            "colab_url": COLAB_URL if on_github else "",
        },
        "html": {"use_repository_button": url is not None, "use_issues_button": url is not None},
    }


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``overrides`` applied, section by section (a new dict)."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def learner_path(lesson: Lesson) -> str:
    """Where the learner edition of ``lesson`` is committed: ``learner/<its notebook>``."""
    return f"{LEARNER_DIR}/{lesson.notebook}"


def stale_learner(root: Path, lessons: Sequence[Lesson]) -> list[str]:
    """The files of ``learner/`` that differ from the learner editions of ``lessons``.

    A missing or outdated edition, or a notebook there that no ready lesson has.
    """
    stale = []
    for lesson in lessons:
        path = root / learner_path(lesson)
        if not path.is_file() or path.read_bytes() != learner_copy(lesson, root):
            stale.append(learner_path(lesson))
    expected = {learner_path(lesson) for lesson in lessons}
    folder = root / LEARNER_DIR
    if folder.is_dir():
        extra = {p.relative_to(root).as_posix() for p in folder.rglob("*.ipynb")} - expected
        stale += sorted(extra)
    return stale


def write_learner(root: Path, lessons: Sequence[Lesson]) -> list[str]:
    """Make ``learner/`` hold exactly the learner editions of ``lessons``; the paths changed."""
    changed = stale_learner(root, lessons)
    by_path = {learner_path(lesson): lesson for lesson in lessons}
    for rel in changed:
        path = root / rel
        if rel in by_path:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(learner_copy(by_path[rel], root))
        else:
            path.unlink()
    return changed
