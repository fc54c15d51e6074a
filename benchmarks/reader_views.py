"""The book's reader views: how long each takes to precompute, how much it adds to its page,
and how fast a control switches the picture in the browser.

    python benchmarks/reader_views.py                 # precompute every explorer, no book
    python benchmarks/reader_views.py --book DIR      # and measure the pages of a built book
                                                      # (DIR/_build/html, from `course book`)

Precomputing runs each lesson's explorer as the lesson opens it, with the reader view on
(``COURSE_STATIC_EXPLORERS=1``), and reports its states, seconds and the bytes of its
pictures. With ``--book``, each explorer page is opened from disk in headless Chromium with
the network blocked; every control of every reader view is moved five times, in the page
(a key press on a slider, a new choice in a menu), and the time until the picture or text on
screen changed is measured there with ``performance.now()`` (median and worst).
The live view a JupyterLab learner gets has no such numbers: it calls Python on each move.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["COURSE_STATIC_EXPLORERS"] = "1"

import ipywidgets as W  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "01_ai-ml-dl": "k-means groups",
    "02_why-deep-learning": "matrix-product estimate",
    "03_perceptron": "stepper, go-outside gate",
    "04_linear-classifiers": "playground",
    "05_neural-networks": "forward-pass explorer",
    "09_learning-rate": "learning-rate explorer",
    "10_vanishing-gradients": "vanishing-gradient dashboard",
}


def _explorers():
    """Each class-based explorer as its lesson opens it: (name, factory)."""
    import dlcore as dl
    from course.widgets import (
        learning_rate_explorer,
        perceptron_stepper,
        playground,
        vanishing_dashboard,
    )
    from course.widgets.forward import default_network, forward_explorer

    def stepper():
        X, y = dl.datasets.make_linear(n_samples=100, seed=0)
        fitted = dl.Perceptron(lr=1.0, epochs=20, seed=0).fit(X, y)
        n = sum(s.updated for s in fitted.steps_)
        return perceptron_stepper(X, y, lr=1.0, seed=0, epochs=20, updates=max(1, n - 1))

    def forward():
        explorer = forward_explorer(default_network(), x=(1.0, 0.5))
        explorer.weight_sliders[(0, 0, 1)].value = 1.0
        return explorer

    return [
        ("03 stepper", stepper),
        ("04 playground", lambda: playground(dataset="circles", hidden=(16,), activation="tanh")),
        ("05 forward-pass explorer", forward),
        ("09 learning-rate explorer", lambda: learning_rate_explorer(lr=0.19, steps=30)),
        ("10 dashboard", lambda: vanishing_dashboard(depth=20, activation="sigmoid")),
    ]


def _pictures(widget: W.Widget) -> list[str]:
    """The pictures of a reader view: the HTML of its <img> elements."""
    value = getattr(widget, "value", "")
    found = [value] if isinstance(value, str) and value.startswith("<img ") else []
    for child in getattr(widget, "children", ()):
        found += _pictures(child)
    return found


def precompute() -> None:
    print("| explorer | states | seconds | pictures (MB) |\n|---|---|---|---|")
    for name, make in _explorers():
        explorer = make()
        start = time.perf_counter()
        view = explorer.reader()
        seconds = time.perf_counter() - start
        states = math.prod(len(axis.values) for axis in explorer.reader_axes())
        megabytes = sum(map(len, _pictures(view))) / 1e6
        print(f"| {name} | {states} | {seconds:.1f} | {megabytes:.2f} |", flush=True)


#: in the page: move control ``i`` of a reader view one step (a key press on a slider's
#: handle, the next option of a menu) and return the milliseconds until its picture or text
#: on screen changed
SWITCH_MS = """(root, i) => new Promise(done => {
  const controls = root.querySelectorAll(
    ":scope > .widget-hbox > .widget-dropdown, :scope > .widget-hbox > .widget-slider");
  const control = controls[i];
  const state = () => [...root.querySelectorAll("img, .widget-html")]
    .filter(e => e.offsetParent !== null).map(e => e.src || e.textContent).join("|");
  const before = state();
  const t0 = performance.now();
  const select = control.querySelector("select");
  if (select) {
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    select.dispatchEvent(new Event("change", {bubbles: true}));
  } else {
    const handle = control.querySelector(".noUi-handle");
    const end = handle.getAttribute("aria-valuenow") === handle.getAttribute("aria-valuemax");
    handle.dispatchEvent(new KeyboardEvent("keydown",
      {key: end ? "ArrowLeft" : "ArrowRight", bubbles: true}));
  }
  (function poll() {
    if (state() !== before) { done(performance.now() - t0); } else { requestAnimationFrame(poll); }
  })();
})"""


def measure_pages(html: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_util import chromium, offline_page
    from test_browser import _reader_views

    print("\n| page | explorers | page (MB) | widget state (MB) | switch median (ms) | worst |")
    print("|---|---|---|---|---|---|")
    with chromium() as browser:
        for stem, what in PAGES.items():
            path = html / "notebooks" / f"{stem}.html"
            text = path.read_text(encoding="utf-8")
            start = text.find('application/vnd.jupyter.widget-state+json">')
            state = len(text[start : text.find("</script>", start)]) if start >= 0 else 0
            page, _log = offline_page(browser)
            page.goto(path.as_uri(), wait_until="load")
            page.locator(".widget-html", has_text="precomputed states").first.wait_for()
            times, views = [], _reader_views(page)
            for view in views:
                selector = ":scope > .widget-hbox > .widget-dropdown, "
                controls = view.locator(selector + ":scope > .widget-hbox > .widget-slider")
                for i in range(controls.count()):
                    controls.nth(i).scroll_into_view_if_needed()
                    for _ in range(5):
                        times.append(view.evaluate(SWITCH_MS, i))
            page.context.close()
            print(
                f"| {stem} ({what}) | {len(views)} | "
                f"{path.stat().st_size / 1e6:.2f} | {state / 1e6:.2f} | "
                f"{statistics.median(times):.0f} | {max(times):.0f} |",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", type=Path, help="a built book folder (its _build/html)")
    parser.add_argument("--no-precompute", action="store_true", help="measure the pages only")
    args = parser.parse_args()
    if not args.no_precompute:
        precompute()
    if args.book:
        measure_pages(args.book / "_build" / "html")


if __name__ == "__main__":
    main()
