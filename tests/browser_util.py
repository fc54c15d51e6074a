"""Helpers of the book and browser tests: one book build per test run, and offline Chromium.

The book build executes every lesson, so it runs once per process however many tests use
it (``built_book``). Chromium is Debian's ``/usr/bin/chromium`` driven by Playwright's Python
package; Playwright never downloads a browser here. A missing tool skips the test with the
reason, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import fcntl
import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from course.book import build_book, missing_assets

ROOT = Path(__file__).resolve().parents[1]
#: where the tests build the book and save screenshots (``build/`` is git-ignored)
BUILD = ROOT / "build"
CHROMIUM = Path("/usr/bin/chromium")
#: the repository the tests' book links to (an example: the project has chosen none)
EXAMPLE_URL = "https://github.com/example-owner/example-course"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def require(condition: bool, reason: str) -> None:
    """Skip the test with ``reason`` unless ``condition``; under ``CI=true``, fail instead."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


@functools.cache
def _build() -> Path | str:
    """Build the book once per test run: the HTML folder, or the error message of the build.

    pytest-xdist's workers share ``build/``: the first to ask builds under a file lock, and
    the others of the same run (``PYTEST_XDIST_TESTRUNUID``) wait for it and take its book.
    """
    BUILD.mkdir(exist_ok=True)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    stamp = BUILD / "test-book.run"
    with open(BUILD / "test-book.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if run and stamp.is_file():
            built_by, html = stamp.read_text(encoding="utf-8").split("\n", 1)
            if built_by == run:
                return Path(html) if Path(html).is_dir() else html
        stamp.unlink(missing_ok=True)
        try:
            result: Path | str = build_book(
                ROOT, BUILD / "test-book", install=False, update_toc=False, url=EXAMPLE_URL
            )
        except Exception as exc:  # reported by every test that needs the book
            result = f"{type(exc).__name__}: {exc}"
        if run:
            stamp.write_text(f"{run}\n{result}", encoding="utf-8")
        return result


def built_book() -> Path:
    """The HTML folder of the book built from this repository (built on first use), whose
    buttons link to EXAMPLE_URL.

    Skips (fails under ``CI=true``) when the npm assets are not installed; fails when the
    build itself fails.
    """
    require(
        not missing_assets(ROOT / "book"),
        "the book's npm assets are not installed (run: bash .ci/install-browser.sh)",
    )
    result = _build()
    if isinstance(result, str):
        pytest.fail(f"the book build failed: {result}")
    return result


@dataclass
class PageLog:
    """What a page did wrong: console errors, uncaught exceptions, and requests to the network."""

    errors: list[str] = field(default_factory=list)
    remote_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Every error and every remote request, one line each."""
        return self.errors + [f"remote request: {url}" for url in self.remote_requests]


@contextmanager
def chromium() -> Iterator[object]:
    """Headless Chromium (the Debian package) through Playwright's synchronous API."""
    require(CHROMIUM.is_file(), f"{CHROMIUM} is missing (run: bash .ci/install-browser.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser, allowed_prefixes: tuple[str, ...] = ("file://",)):
    """A new page whose requests outside ``allowed_prefixes`` are aborted and recorded.

    Returns ``(page, log)``; ``log`` collects console errors and uncaught page errors too.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    log = PageLog()

    def route(handle) -> None:
        url = handle.request.url
        if url.startswith(allowed_prefixes) or url.startswith(("data:", "blob:")):
            handle.continue_()
        else:
            log.remote_requests.append(url)
            handle.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: log.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: log.errors.append(f"page error: {exc}"))
    return page, log
