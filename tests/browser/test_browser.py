"""The course in a real browser: the built book opened from disk with no network, and
lesson 03 run in JupyterLab the way a learner meets it."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from browser_util import BUILD, ROOT, built_book, chromium, offline_page

from course import syllabus
from course.editions import SHOW_SOLUTION, is_solution_cell, read_notebook, reveal_solution
from course.serve import serving
from course.workspace import make_workspace

READY = syllabus.ready(ROOT)
PERCEPTRON = syllabus.get("perceptron")
SCREENSHOTS = BUILD / "screenshots"
#: how long a page may take to typeset its math and render its widgets
SETTLE_MS = 20_000

#: the page's prose: main without code, printed outputs and typeset formulas
PROSE_TEXT = """() => {
  const main = document.querySelector("main").cloneNode(true);
  main.querySelectorAll("pre, code, script, mjx-container").forEach(e => e.remove());
  return main.textContent;
}"""

pytestmark = [pytest.mark.book, pytest.mark.browser]


@pytest.fixture(scope="module")
def html() -> Path:
    return built_book()


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def open_offline(browser, path: Path):
    """Open a built page from disk; every non-file request is aborted and recorded."""
    page, log = offline_page(browser)
    page.goto(path.as_uri(), wait_until="load")
    return page, log


def wait_for_math(page) -> None:
    """Wait until MathJax 3 has finished typesetting the page."""
    page.wait_for_function(
        "() => window.MathJax && MathJax.startup && MathJax.startup.promise"
        " && MathJax.startup.promise.then(() => true)",
        timeout=SETTLE_MS,
    )


@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_lesson_page_typesets_math_shows_plots_and_stays_offline(html, browser, lesson):
    page, log = open_offline(browser, html / Path(lesson.notebook).with_suffix(".html"))
    try:
        wait_for_math(page)
        assert page.locator("mjx-container").count() > 0, "no typeset formula"
        text = page.evaluate(PROSE_TEXT)
        raw = re.findall(r"\$\$|\\[(\[]|\\(?:frac|sum|mathbf|hat|eta)\b", text)
        assert not raw, f"formulas left as raw TeX: {raw[:5]}"
        widths = page.eval_on_selector_all(
            "main img[src*='_images/']", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)"
        )
        assert widths and all(w > 0 for w in widths), f"plots not loaded: {widths}"
        page.wait_for_timeout(500)  # late console errors (widget manager, fonts)
        assert not log.problems(), "\n".join(log.problems())
    finally:
        page.context.close()


@pytest.mark.parametrize("name", ["book/intro.html", "book/glossary.html", "book/teachers.html"])
def test_book_pages_open_offline_without_errors(html, browser, name):
    page, log = open_offline(browser, html / name)
    try:
        if name.endswith("glossary.html"):
            wait_for_math(page)
            assert page.locator("mjx-container").count() > 10
        assert page.locator("main h1").first.inner_text().strip(), "the page has no title"
        page.wait_for_timeout(500)
        assert not log.problems(), "\n".join(log.problems())
    finally:
        page.context.close()


def test_perceptron_page_shows_the_steppers_reader_view(html, browser):
    """The book's stepper: its note, a menu of the precomputed presentations (no buttons:
    nothing would run them), the status table and the drawing of the opening one."""
    page, log = open_offline(browser, html / Path(PERCEPTRON.notebook).with_suffix(".html"))
    try:
        wait_for_math(page)
        note = page.locator(".widget-html", has_text="This stepper shows")
        note.first.wait_for(timeout=SETTLE_MS)
        assert re.search(r"shows \d+ precomputed states", note.first.inner_text())
        view = note.first.locator("xpath=..")
        assert view.locator("button.widget-button").count() == 0
        menu = view.locator(".widget-dropdown").first
        assert menu.locator("label").first.inner_text().strip() == "presentation"
        shown = menu.locator("select").evaluate("s => s.options[s.selectedIndex].text")
        shown = shown.replace("\xa0", " ")  # ipywidgets writes an option's spaces as NBSP
        assert re.fullmatch(r"epoch \d+, \d+/\d+ \(update\)", shown), shown
        status = view.locator(".widget-html").filter(has_text="w1").first
        assert re.search(r"w1\s*-?\d+\.\d+", status.inner_text())
        image = view.locator("img").first
        assert "Epoch" in image.get_attribute("alt"), "the drawing says what it shows"
        assert image.evaluate("img => img.naturalWidth") > 0, "the stepper's drawing is empty"
        menu.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(PERCEPTRON.notebook).stem}.png"))
        assert not log.problems(), "\n".join(log.problems())
    finally:
        page.context.close()


@pytest.mark.parametrize("lesson", READY, ids=lambda lesson: lesson.id)
def test_a_solution_is_folded_and_show_solution_unfolds_it(html, browser, lesson):
    nb = read_notebook(ROOT / lesson.notebook)
    solution = next(c for c in nb.cells if is_solution_cell(c) and c.cell_type == "code")
    answer = [line.strip() for line in reveal_solution(solution.source).splitlines()][-1]
    page, log = open_offline(browser, html / Path(lesson.notebook).with_suffix(".html"))
    try:
        folds = page.locator("main details", has_text=SHOW_SOLUTION)
        fold = folds.filter(has_text=answer).first
        code = fold.locator("pre").first
        assert not code.is_visible(), "the solution is shown before it is asked for"
        summary = fold.locator("summary")
        assert SHOW_SOLUTION in summary.inner_text()
        summary.scroll_into_view_if_needed()
        summary.click()
        code.wait_for(state="visible", timeout=SETTLE_MS)
        assert answer in code.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{Path(lesson.notebook).stem}-solution.png"))
        assert not log.problems(), "\n".join(log.problems())
    finally:
        page.context.close()


#: the lessons whose explorers have a reader view in the book, with how many each page holds
READER_VIEWS = {
    "ai-ml-dl": 1,
    "why-deep-learning": 1,
    "perceptron": 2,
    "linear-classifiers": 1,
    "neural-networks": 1,
    "learning-rate": 1,
    "vanishing-gradients": 1,
}

#: what a reader view shows now: the visible pictures (their sources' sizes and ends) and the
#: visible texts, its note left out
READER_STATE = """(root) => {
  const shown = e => e.offsetParent !== null;
  const pictures = [...root.querySelectorAll("img")].filter(shown)
    .map(i => i.src.length + ":" + i.src.slice(-48));
  const texts = [...root.querySelectorAll(".widget-html")].filter(shown)
    .map(h => h.textContent).filter(t => !t.includes("precomputed states"));
  return JSON.stringify({pictures, texts});
}"""


def _reader_views(page):
    """The reader views of a page: the boxes whose first child is the precomputed note."""
    note = page.locator(".widget-html", has_text="precomputed states")
    return [note.nth(i).locator("xpath=..") for i in range(note.count())]


def _assert_announced(control, label: str) -> None:
    """A screen reader gets the control's name and the value it shows (a slider's handle is
    named by the page's script, a menu by its label)."""
    handle = control.locator(".noUi-handle")
    if handle.count():
        control.page.wait_for_function(
            "([h, r]) => h.getAttribute('aria-valuetext') === r.textContent.trim()",
            arg=[handle.element_handle(), control.locator(".widget-readout").element_handle()],
            timeout=2000,
        )
        assert handle.get_attribute("aria-label") == label
    else:
        select = control.locator("select")
        assert select.evaluate("s => s.labels.length && s.labels[0].textContent.trim()") == label


def _change(control) -> None:
    """Move one control of a reader view to another state, as a reader would."""
    select = control.locator("select")
    if select.count():
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.selectedIndex")
        select.select_option(index=(current + 1) % len(options))
        return
    handle = control.locator(".noUi-handle")
    handle.focus()
    at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
    handle.press("ArrowLeft" if at_end else "ArrowRight")


@pytest.mark.parametrize("slug", list(READER_VIEWS))
def test_every_control_of_a_reader_view_switches_picture_and_readout_offline(html, browser, slug):
    lesson = syllabus.get(slug)
    page, log = open_offline(browser, html / Path(lesson.notebook).with_suffix(".html"))
    try:
        page.locator(".widget-html", has_text="precomputed states").first.wait_for(
            timeout=SETTLE_MS
        )
        views = _reader_views(page)
        assert len(views) == READER_VIEWS[slug]
        for k, view in enumerate(views):
            controls = view.locator(
                ":scope > .widget-hbox > .widget-dropdown, :scope > .widget-hbox > .widget-slider"
            )
            assert controls.count() >= 1
            for i in range(controls.count()):
                control = controls.nth(i)
                label = control.locator("label").first.inner_text().strip()
                assert label, "every control of a reader view is named"
                _assert_announced(control, label)
                before = view.evaluate(READER_STATE)
                control.scroll_into_view_if_needed()
                _change(control)
                view.evaluate(
                    "(root, before) => new Promise((done, fail) => { const t0 = Date.now();"
                    f" (function poll() {{ if (({READER_STATE})(root) !== before) done(true);"
                    " else if (Date.now() - t0 > 5000) fail('no change'); else"
                    " requestAnimationFrame(poll); })(); })",
                    before,
                )
                after = view.evaluate(READER_STATE)
                was, now = json.loads(before), json.loads(after)
                assert now["pictures"] != was["pictures"] or not was["pictures"], label
                assert now["texts"] != was["texts"], f"{label}: the readout did not change"
                _assert_announced(control, label)
            view.scroll_into_view_if_needed()
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{Path(lesson.notebook).stem}-reader-{k}.png"))
        page.wait_for_timeout(300)
        assert not log.problems(), "\n".join(log.problems())
    finally:
        page.context.close()


# ------------------------------------------------------------------ served over HTTP


@pytest.mark.parametrize("base", ["/", "/example-course/"], ids=["root", "sub-path"])
def test_served_book_navigates_to_a_lesson_and_searches_with_every_asset_found(html, browser, base):
    """The book as ``course book --serve`` (at /) and GitHub Pages (under /REPO/) serve it:
    index, a lesson reached by its link, and the search page, with no failed request and no
    request outside the book's URL."""
    lesson = READY[0]
    with serving(html, base) as url:
        page, log = offline_page(browser, allowed_prefixes=(url,))
        failed: list[str] = []
        page.on("response", lambda r: r.status < 400 or failed.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
        try:
            page.goto(url, wait_until="load")
            page.wait_for_url(f"{url}book/intro.html")
            link = page.locator(f"nav a[href$='notebooks/{Path(lesson.notebook).stem}.html']")
            link.first.click()
            page.wait_for_url(url + Path(lesson.notebook).with_suffix(".html").as_posix())
            wait_for_math(page)
            assert lesson.title.split()[0] in page.locator("main h1").first.inner_text()
            page.goto(f"{url}search.html?q=perceptron", wait_until="load")
            results = page.locator("#search-results ul.search li a")
            results.first.wait_for(timeout=SETTLE_MS)
            hrefs = results.evaluate_all("as => as.map(a => a.href)")
            assert any("/notebooks/" in h for h in hrefs), hrefs
            assert all(h.startswith(url) for h in hrefs), hrefs
            page.wait_for_timeout(500)
            assert not failed, failed
            assert not log.problems(), "\n".join(log.problems())
        finally:
            page.context.close()


# ------------------------------------------------------------------ JupyterLab


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jupyter_lab(tmp_path):
    """JupyterLab on 127.0.0.1 serving the learner's lesson 03, as ``course lab`` makes it.

    Its exercises are unanswered: Run All must go past them (their test cells are tagged
    ``raises-exception``) to the stepper. Yields ``(url of the notebook, base url)``; the
    server is stopped by its process id.
    """
    workspace = tmp_path / "work"
    make_workspace(workspace, ROOT, [PERCEPTRON])
    home = tmp_path / "jupyter"
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )
    token, port = secrets.token_hex(16), free_port()
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={workspace}", "--ServerApp.port_retries=0",
        "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        *(["--allow-root"] if os.geteuid() == 0 else []),  # CI containers run as root
    ]  # fmt: skip
    log_path = tmp_path / "jupyterlab.log"
    with log_path.open("wb") as log_file:
        server = subprocess.Popen(command, cwd=workspace, env=env, stdout=log_file, stderr=log_file)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.3)
        name = Path(PERCEPTRON.notebook).name
        yield f"{base}/lab/tree/{name}?token={token}", base
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


def status_numbers(page) -> dict[str, str]:
    """The stepper's status table as {row name: value}."""
    rows = page.eval_on_selector_all(
        ".jp-Notebook .widget-html table tr",
        "rows => rows.map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))",
    )
    return {row[0]: row[1] for row in rows if len(row) == 2}


def wait_for_change(page, row: str, old: str, timeout: float = 15.0) -> dict[str, str]:
    """Poll the status table until ``row`` no longer shows ``old``; returns the table."""
    deadline = time.monotonic() + timeout
    while True:
        numbers = status_numbers(page)
        if numbers.get(row) != old:
            return numbers
        if time.monotonic() > deadline:
            pytest.fail(f"the stepper's {row!r} stayed at {old!r} after a click on Step")
        page.wait_for_timeout(100)


def test_learner_runs_lesson_03_in_jupyterlab_and_steps_the_perceptron(browser, jupyter_lab):
    url, base = jupyter_lab
    page, log = offline_page(browser, allowed_prefixes=(base,))
    try:
        page.goto(url)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        # the status bar says "Python 3 (ipykernel) | Idle" once the kernel has started
        page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"Python 3.*\| Idle")).wait_for(
            timeout=60_000
        )
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        buttons = page.locator(".jp-Notebook button.widget-button")
        buttons.first.wait_for(state="attached", timeout=120_000)
        # textContent, not innerText: JupyterLab does not lay out the cells out of view
        labels = buttons.evaluate_all("bs => bs.map(b => b.textContent.trim())")
        assert {"Step", "Epoch", "Reset"} <= set(labels), labels
        step = buttons.nth(labels.index("Step"))
        step.scroll_into_view_if_needed()
        before = status_numbers(page)
        weights = {key for key in before if re.fullmatch(r"w\d+|b", key)}
        assert {"w1", "w2", "b"} <= weights, before
        changed = False
        for _ in range(40):  # a correctly classified sample leaves w and b as they are
            sample = status_numbers(page)["sample"]
            step.click()
            after = wait_for_change(page, "sample", sample)
            if any(after[key] != before[key] for key in weights):
                changed = True
                break
        assert changed, f"the weights never changed: {before} -> {after}"
        # each unanswered exercise shows its check's message, not a traceback
        errors = page.locator(
            ".jp-Notebook .jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']"
        )
        shown = errors.evaluate_all("es => es.map(e => e.textContent)")
        assert shown and all(text.lstrip().startswith("\u2718 ") for text in shown), shown
        assert any("weighted_sum(" in text and "still a stub" in text for text in shown), shown
        assert not any("course/checks" in text or "Traceback" in text for text in shown), shown
        assert not log.remote_requests, log.remote_requests
    finally:
        page.context.close()
