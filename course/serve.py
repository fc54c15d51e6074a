"""The built book served over HTTP on 127.0.0.1, as a reader (or GitHub Pages) sees it.

``course book --serve`` serves the HTML folder at ``http://127.0.0.1:PORT/``; the tests also
serve it under a sub-path (``/REPO/``), the way GitHub Pages publishes a project's site.
Only files inside the HTML folder are served; anything else is a 404.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from course.errors import CourseError

HOST = "127.0.0.1"


class BookHandler(SimpleHTTPRequestHandler):
    """Serves ``directory`` under the URL prefix ``base`` (``/`` or ``/name/``), quietly."""

    def __init__(self, *args, base: str = "/", quiet: bool = False, **kwargs) -> None:
        self.base, self.quiet = base, quiet
        super().__init__(*args, **kwargs)

    def send_head(self):  # noqa: ANN201 (the base class's file object or None)
        """A 404 for a URL outside ``base``; else the file (``/name`` redirects to ``/name/``)."""
        path = urlsplit(self.path).path
        if not (path.startswith(self.base) or path + "/" == self.base):
            self.send_error(404, f"outside the book, which is served under {self.base}")
            return None
        return super().send_head()

    def translate_path(self, path: str) -> str:
        """The file of URL ``path``: its part after ``base``, inside ``directory``."""
        return super().translate_path("/" + urlsplit(path).path[len(self.base) :])

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)


def make_server(html: Path, port: int = 0, base: str = "/", quiet: bool = False):
    """An HTTP server of ``html`` on 127.0.0.1:``port`` (0: any free port), not yet running."""
    if not (html / "index.html").is_file():
        raise CourseError(f"{html} has no index.html: build the book first (course book)")
    if not (base.startswith("/") and base.endswith("/")):
        raise CourseError(f"the URL prefix {base!r} must start and end with '/', e.g. /dl-course/")
    handler = functools.partial(BookHandler, directory=str(html), base=base, quiet=quiet)
    try:
        return ThreadingHTTPServer((HOST, port), handler)
    except OSError as exc:
        raise CourseError(
            f"cannot serve the book on {HOST}:{port} ({exc.strerror}); choose another --port"
        ) from exc


@contextmanager
def serving(html: Path, base: str = "/") -> Iterator[str]:
    """Serve ``html`` under ``base`` in a background thread; yields the book's root URL."""
    server = make_server(html, 0, base, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}{base}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def serve_forever(html: Path, port: int) -> None:
    """Serve ``html`` at ``http://127.0.0.1:port/`` until Ctrl-C."""
    server = make_server(html, port)
    print(f"serving the book at http://{HOST}:{server.server_address[1]}/ (Ctrl-C stops it)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("stopped")
    finally:
        server.server_close()
