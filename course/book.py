"""``course book``: the Jupyter Book of the ready lessons, readable with no network.

The book is the reader edition of the lessons (``course.editions.reader_edition``): each
answer folded under "Show solution", no hidden test, no nbgrader marker. ``course book``
writes that edition and the pages of ``book/`` into ``build/book-src/`` (the same layout as
the repository, so page addresses and launch links are unchanged) and builds it with Jupyter
Book 1.x; then each page's download, ``_sources/notebooks/NN_slug.ipynb``, is replaced by
the learner edition, the notebook ``course lab`` gives (answers stubbed).

The repository, issue and launch buttons are written into the staged ``_config.yml`` at
each build from the repository's address (``course.publish``): with none, the book has no
such button. The launch buttons open the committed learner editions in ``learner/``, which
``course book`` rewrites. ``course book --serve`` then serves the HTML on 127.0.0.1.

Its table of contents, ``book/_toc.yml``, is made from ``course.syllabus``: the
introduction, then every ready lesson in order, then the teachers' page and the glossary.
The lessons run with ``COURSE_STATIC_EXPLORERS=1``: each explorer shows its reader view,
precomputed states the page switches between with no kernel (``course.widgets.static``).
MathJax 3, the ipywidgets HTML manager and RequireJS come from the npm registry
(``book/package.json``) and are copied into ``book/static-assets/``, so the pages typeset
math and show widget views offline; the book's Sphinx extension,
:mod:`course.book_extension`, makes them work there.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from course.editions import read_notebook, reader_edition
from course.errors import CourseError
from course.lessons import add_root_option, ready_lessons, root_of
from course.publish import book_settings, merge, repository_url, write_learner
from course.reader_edition import STATIC_ENV
from course.syllabus import Lesson
from course.workspace import learner_copy

#: the book's folder, relative to the repository root
BOOK_DIR = "book"
#: where the npm assets are copied; Sphinx serves it as ``_static/`` (see book/_config.yml)
ASSET_DIR = "static-assets"
#: asset name in ASSET_DIR -> its source under ``book/node_modules/``
ASSETS: dict[str, str] = {
    "mathjax": "mathjax/es5",
    "html-manager": "@jupyter-widgets/html-manager/dist",
    "requirejs/require.js": "requirejs/require.js",
}
#: files of the npm packages the pages never load (source maps: 40 MB)
_SKIPPED = shutil.ignore_patterns("*.map")
#: where the reader edition and the book's pages are written, relative to the repository root
SOURCE_DIR = "build/book-src"
#: files of ``book/`` that are not the book's sources
_NOT_SOURCES = shutil.ignore_patterns(
    "node_modules", ASSET_DIR, "_build", "package.json", "package-lock.json", ".*"
)
#: the pages around the lessons, relative to the repository root, without suffix
INTRO = "book/intro"
BACK_MATTER = ("book/teachers", "book/glossary")


def toc_text(lessons: Sequence[Lesson]) -> str:
    """The ``_toc.yml`` (jb-book format) listing ``lessons`` in order between the intro pages."""
    lines = [
        "# The book's table of contents, written by `course book` from course.syllabus: the",
        "# ready lessons, in order. tests/book/test_book.py checks it; do not edit it by hand.",
        "format: jb-book",
        f"root: {INTRO}",
        "parts:",
        "  - caption: Lessons",
        "    chapters:",
    ]
    lines += [
        f"      - file: {Path(lesson.notebook).with_suffix('').as_posix()}" for lesson in lessons
    ]
    lines += ["  - caption: For teachers and reference", "    chapters:"]
    lines += [f"      - file: {page}" for page in BACK_MATTER]
    return "\n".join(lines) + "\n"


def write_toc(root: Path) -> bool:
    """Rewrite ``book/_toc.yml`` from the ready lessons under ``root``; True if it changed."""
    lessons = ready_lessons(root)
    path = root / BOOK_DIR / "_toc.yml"
    text = toc_text(lessons)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def missing_assets(book: Path) -> list[str]:
    """The sources of ASSETS that ``book/node_modules`` lacks (all of them before ``npm ci``)."""
    return [src for src in ASSETS.values() if not (book / "node_modules" / src).exists()]


def install_assets(book: Path) -> None:
    """Install the npm packages of ``book/package.json`` (``npm ci`` when a lock file exists)."""
    npm = shutil.which("npm")
    if npm is None:
        raise CourseError(
            "npm is not installed; the book needs it once to fetch MathJax and the widget "
            "manager (install Node.js, or run: bash .ci/install-browser.sh)"
        )
    verb = "ci" if (book / "package-lock.json").is_file() else "install"
    print(f"installing the book's browser assets: npm {verb} in {book}", flush=True)
    done = subprocess.run([npm, verb, "--no-audit", "--no-fund"], cwd=book, check=False)
    if done.returncode != 0:
        raise CourseError(f"npm {verb} failed in {book} (exit code {done.returncode})")


def copy_assets(book: Path) -> Path:
    """Copy ASSETS from ``book/node_modules`` into ``book/static-assets``; returns that folder."""
    missing = missing_assets(book)
    if missing:
        raise CourseError(
            f"the npm assets are not installed ({', '.join(missing)} missing in "
            f"{book / 'node_modules'}); run: npm ci --prefix {book}"
        )
    dest = book / ASSET_DIR
    for name, src in ASSETS.items():
        source, target = book / "node_modules" / src, dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=_SKIPPED, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target)
    return dest


def write_sources(root: Path, lessons: Sequence[Lesson], url: str | None = None) -> Path:
    """Write the book's sources into ``root/build/book-src``, replacing it; returns that folder.

    ``book/`` is copied (its npm assets linked, not copied), its ``_config.yml`` given the
    settings of the repository ``url`` (``course.publish.book_settings``; None: no
    repository), and each lesson is written as its reader edition at the same path as in
    the repository.
    """
    import nbformat
    import yaml

    stage = root / SOURCE_DIR
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(root / BOOK_DIR, stage / BOOK_DIR, ignore=_NOT_SOURCES)
    (stage / BOOK_DIR / ASSET_DIR).symlink_to((root / BOOK_DIR / ASSET_DIR).resolve())
    config_path = stage / BOOK_DIR / "_config.yml"
    if config_path.is_file():
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        text = yaml.safe_dump(merge(config, book_settings(url)), sort_keys=False)
        config_path.write_text(f"# written by course book from {BOOK_DIR}/_config.yml\n{text}")
    for lesson in lessons:
        target = stage / lesson.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(reader_edition(read_notebook(root / lesson.notebook)), target)
    return stage


def publish_downloads(root: Path, html: Path, lessons: Sequence[Lesson]) -> None:
    """Make each lesson page's download (``_sources/<notebook>``) the learner edition."""
    for lesson in lessons:
        target = html / "_sources" / lesson.notebook
        if not target.is_file():
            raise CourseError(f"the book has no download {target} for {lesson.notebook}")
        target.write_bytes(learner_copy(lesson, root))


def build_command(root: Path, out: Path) -> list[str]:
    """The ``jupyter-book build`` command, warnings as errors, for the book under ``root``."""
    book = root / BOOK_DIR
    script = Path(sys.executable).with_name("jupyter-book")
    program = [str(script)] if script.is_file() else [sys.executable, "-m", "jupyter_book.cli.main"]
    return [
        *program,
        "build",
        str(root),
        "--config",
        str(book / "_config.yml"),
        "--toc",
        str(book / "_toc.yml"),
        "--path-output",
        str(out),
        "--warningiserror",
        "--keep-going",
        "--all",
    ]


def build_book(
    root: Path,
    out: Path | None = None,
    *,
    install: bool = True,
    update_toc: bool = True,
    url: str | None = None,
) -> Path:
    """Build the book of the ready lessons under ``root`` into ``out`` (default ``root/book``).

    Installs the npm assets first when they are missing and ``install`` is true. When
    ``update_toc`` is true it rewrites the committed files made from the syllabus,
    ``book/_toc.yml`` and ``learner/`` (the tests build with the committed ones). The pages
    are built from the reader edition (``write_sources``), with the buttons of the
    repository ``url`` (None: none), and the downloads are the learner edition
    (``publish_downloads``). Returns the folder of the HTML pages, ``out/_build/html``.
    Raises ``CourseError`` when the build fails.
    """
    book = root / BOOK_DIR
    if missing_assets(book):
        if not install:
            raise CourseError(f"the npm assets are not installed in {book / 'node_modules'}")
        install_assets(book)
    copy_assets(book)
    if update_toc and write_toc(root):
        print(f"updated {book / '_toc.yml'} from the syllabus", flush=True)
    out = (book if out is None else out).resolve()
    lessons = ready_lessons(root)
    if update_toc:
        for path in write_learner(root, lessons):
            print(f"updated {path}, the learner edition the launch buttons open", flush=True)
    stage = write_sources(root, lessons, url)
    env = {**os.environ, STATIC_ENV: "1"}  # explorers precompute their reader views
    done = subprocess.run(build_command(stage, out), cwd=root, env=env, check=False)
    html = out / "_build" / "html"
    if done.returncode != 0 or not (html / "index.html").is_file():
        raise CourseError(
            f"the book build failed (exit code {done.returncode}); the messages above name "
            f"the page and the warning (the pages' sources are in {stage})"
        )
    publish_downloads(root, html, lessons)
    return html


def _run(args: argparse.Namespace) -> int:
    root = root_of(args)
    if not (root / BOOK_DIR / "_config.yml").is_file():
        raise CourseError(
            f"the book builds from a clone of the course repository (it needs {BOOK_DIR}/ next "
            f"to notebooks/), and {root} has no {BOOK_DIR}/_config.yml; clone the repository "
            "and run course book there, or give its folder with --root"
        )
    url = repository_url(root, args.repository_url)
    print(
        f"repository: {url}"
        if url
        else "no repository URL ([project.urls] Repository in "
        "pyproject.toml, a github.com git remote or --repository-url): no repository, issue "
        "or launch buttons",
        flush=True,
    )
    start = time.perf_counter()
    html = build_book(root, args.out, install=not args.no_install, url=url)
    print(f"built in {time.perf_counter() - start:.0f} s; open {html / 'index.html'}")
    if args.serve:
        from course.serve import serve_forever

        serve_forever(html, args.port)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``course book``."""
    parser = sub.add_parser(
        "book",
        help="build the Jupyter Book of the ready lessons (math and widgets work offline)",
        description="Install the book's npm assets if missing, execute every ready lesson and "
        "build the HTML book with warnings treated as errors; prints where the HTML is.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output folder; the HTML goes to DIR/_build/html (default: book/)",
    )
    parser.add_argument(
        "--no-install",
        action="store_true",
        help="fail instead of running npm when assets are missing",
    )
    parser.add_argument(
        "--repository-url",
        default=None,
        metavar="URL",
        help="the course's repository, e.g. https://github.com/OWNER/REPO, for the repository "
        "and launch buttons (default: [project.urls] Repository in pyproject.toml, else the "
        "git remote origin on github.com; none: no such buttons)",
    )
    parser.add_argument(
        "--serve",
        action="store_true",
        help="after the build, serve the book at http://127.0.0.1:PORT/ until Ctrl-C",
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="the port of --serve (default: 8000)"
    )
    add_root_option(parser)
    parser.set_defaults(func=_run)
