"""``course link``: the nbgitpuller link that hands the learner edition out through a JupyterHub.

A student who opens the link logs in to the hub, which starts (or reuses) the student's own
server; there nbgitpuller clones the course repository into ``TARGET/`` of the student's
home (a later click fetches and merges, keeping the student's edits) and then opens
JupyterLab on ``TARGET/PATH``, by default the learner editions in ``learner/notebooks``
(course/publish.py). The link is nbgitpuller's (docs/topic/url-options.rst of
jupyterhub/nbgitpuller, and its link generator)::

    HUB/hub/user-redirect/git-pull?repo=REPO&urlpath=lab/tree/TARGET/PATH&branch=B&targetPath=TARGET

with each value URL-encoded. TARGET is the repository's name (the last part of its URL,
without ``.git``), given as ``targetPath`` so that the clone's folder and ``urlpath`` agree.
"""

from __future__ import annotations

import argparse
import re
import sys
from urllib.parse import SplitResult, urlencode, urlsplit

from course.errors import CourseError
from course.lessons import add_root_option, root_of
from course.publish import BRANCH, LEARNER_DIR, repository_url
from course.syllabus import NOTEBOOK_DIR

#: what JupyterLab opens after the pull, relative to the repository: the learner editions
LEARNER_NOTEBOOKS = f"{LEARNER_DIR}/{NOTEBOOK_DIR}"
#: a folder or file name in a repository path or a clone's folder: no space, no separator
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
#: a git branch name (a simplified ``git check-ref-format --branch``)
_BRANCH = re.compile(r"^(?![-/.])(?!.*\.\.)(?!.*//)(?!.*\.lock$)[A-Za-z0-9_./-]+(?<![./])$")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def _split(url: str, what: str, schemes: tuple[str, ...], example: str) -> SplitResult:
    """``urlsplit(url)`` once ``url`` is one piece of text with one of ``schemes``."""
    kinds = " or ".join(f"{scheme}://" for scheme in schemes)
    expected = f"expected an {kinds} URL such as {example}"
    if _UNSAFE.search(url):
        raise CourseError(f"{what} {url!r} has a space, quote or control character; {expected}")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is no number)
    except ValueError as exc:
        raise CourseError(f"{what} {url!r} is not a URL ({exc}); {expected}") from None
    if parts.scheme.lower() not in schemes:
        raise CourseError(f"{what} {url!r} is not an {kinds} URL; {expected}")
    if parts.query or parts.fragment or parts.username is not None:
        raise CourseError(f"{what} {url!r} has a query, fragment or user name; {expected}")
    return parts


def check_hub(url: str) -> str:
    """The hub's address without a trailing slash; CourseError unless it is an http(s) URL."""
    example = "https://hub.example.org (the address students log in at)"
    parts = _split(url, "the hub URL", ("https", "http"), example)
    if not parts.hostname:
        raise CourseError(f"the hub URL {url!r} names no host; expected e.g. {example}")
    return url.rstrip("/")


def check_repository(url: str) -> str:
    """The repository's address without a trailing slash; CourseError unless it is an
    ``https://`` or ``http://`` URL with a path, or a ``file://`` URL of an absolute path
    (a clone on the machine the students' servers run on)."""
    example = "https://github.com/OWNER/REPO or file:///srv/REPO"
    parts = _split(url, "the repository URL", ("https", "http", "file"), example)
    if parts.scheme.lower() == "file":
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise CourseError(
                f"the repository URL {url!r} is not file:/// and an absolute path; "
                f"expected e.g. {example}"
            )
    elif not parts.hostname or not parts.path.strip("/"):
        raise CourseError(
            f"the repository URL {url!r} names no repository; expected e.g. {example}"
        )
    return url.rstrip("/")


def clone_folder(repository: str) -> str:
    """The folder the students' servers clone ``repository`` into: its name without ``.git``."""
    name = urlsplit(repository).path.rstrip("/").rpartition("/")[2].removesuffix(".git")
    if not _NAME.match(name):
        raise CourseError(
            f"the repository URL {repository!r} ends in {name!r}, which is no folder name; "
            "expected a last part of letters, digits, '.', '_' or '-' (such as REPO or REPO.git)"
        )
    return name


def check_branch(branch: str) -> str:
    """``branch`` unchanged; CourseError unless it is a plain git branch name."""
    if not _BRANCH.match(branch):
        raise CourseError(
            f"the branch {branch!r} is not a git branch name; expected letters, digits, "
            "'_', '-', '.' and '/' (such as main or course/2025)"
        )
    return branch


def check_path(path: str) -> str:
    """``path`` without a trailing slash; CourseError unless it is a relative path inside the
    repository, of names of letters, digits, '.', '_' and '-' (no '..', no space)."""
    names = path.rstrip("/").split("/")
    if not all(_NAME.match(name) and name.strip(".") for name in names):
        raise CourseError(
            f"the path {path!r} is not a path inside the repository; expected a relative "
            f"path such as {LEARNER_NOTEBOOKS} or {LEARNER_NOTEBOOKS}/03_perceptron.ipynb"
        )
    return "/".join(names)


def hub_link(hub: str, repository: str, branch: str = BRANCH, path: str = LEARNER_NOTEBOOKS) -> str:
    """The nbgitpuller link that opens ``path`` of ``repository`` (on ``branch``) in JupyterLab
    in each student's own server on ``hub``; every value is checked first."""
    hub, repository = check_hub(hub), check_repository(repository)
    target = clone_folder(repository)
    query = {
        "repo": repository,
        "urlpath": f"lab/tree/{target}/{check_path(path)}",
        "branch": check_branch(branch),
        "targetPath": target,
    }
    return f"{hub}/hub/user-redirect/git-pull?{urlencode(query)}"


def _run(args: argparse.Namespace) -> int:
    repository = args.repository
    if repository is None:
        repository = repository_url(root_of(args))
        if repository is None:
            raise CourseError(
                "no repository to hand out: pass --repository URL, or name it as Repository "
                "under [project.urls] in pyproject.toml"
            )
    print(hub_link(args.hub, repository, args.branch, args.path))
    print(
        f"Students who open it get {check_path(args.path)} of {check_repository(repository)} "
        f"(branch {args.branch}) in their own server on {check_hub(args.hub)}, which needs "
        "nbgitpuller and the course installed (binder/requirements.txt).",
        file=sys.stderr,
    )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``course link``."""
    parser = sub.add_parser(
        "link",
        help="print the nbgitpuller link that hands the lessons out through a JupyterHub",
        description=(
            "Print the nbgitpuller link that gives every student of a JupyterHub the learner "
            "edition of the lessons: it clones the course repository into the student's own "
            "server (or updates it, keeping the student's edits) and opens JupyterLab there."
        ),
    )
    parser.add_argument(
        "--hub",
        required=True,
        metavar="URL",
        help="the hub's address, e.g. https://hub.example.org",
    )
    parser.add_argument(
        "--repository",
        metavar="URL",
        default=None,
        help="the course repository the servers clone: https://, http:// or file:///PATH "
        "(default: Repository under [project.urls] in pyproject.toml, else the git remote "
        "origin on github.com)",
    )
    parser.add_argument(
        "--branch", default=BRANCH, metavar="B", help=f"the branch to hand out (default {BRANCH})"
    )
    parser.add_argument(
        "--path",
        default=LEARNER_NOTEBOOKS,
        metavar="P",
        help=f"the folder or notebook JupyterLab opens, inside the repository "
        f"(default {LEARNER_NOTEBOOKS}: the learner editions)",
    )
    add_root_option(parser)
    parser.set_defaults(func=_run)
