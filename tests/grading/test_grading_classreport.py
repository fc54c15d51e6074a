"""The class report: its page lists who could not be graded, each exercise's pass rates and
most common reason, counts and averages, with valid plots, escaped student text, no script,
and nothing written through a symlink; in Chromium it loads its images and logs no error."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from browser_util import BUILD, chromium, offline_page
from matplotlib.image import imread

from course.errors import CourseError
from course.grading.classreport import CONTENT_POLICY, write_report
from course.grading.logic import Lesson, Result

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
POINTS = {"l04-pocket-test": 2.0, "l04-majority-baseline-test": 1.0, "l04-margin-test": 1.0}
LESSON = Lesson(source=Path("04_linear-classifiers.ipynb"), points=POINTS, checksums={})
SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
BIDI = "eve\u202egnp.exe"
NOT_ANSWERED = "l04-pocket-test: not answered (still the stub)"
WRONG = "l04-margin-test failed the grader's check (case 1: expected 0.5, got 1)"


def _class() -> list[Result]:
    """Eight students: four graded (one with a hostile name), one of each other status."""
    zero = dict.fromkeys(POINTS, 0.0)
    return [
        Result("alice", {**POINTS}, "graded"),
        Result(
            "bob",
            {"l04-pocket-test": 0.0, "l04-majority-baseline-test": 1.0, "l04-margin-test": 0.0},
            "graded",
            [NOT_ANSWERED, WRONG],
        ),
        Result(
            SCRIPT,
            {"l04-pocket-test": 1.0, "l04-majority-baseline-test": 1.0, "l04-margin-test": 0.0},
            "graded",
            [WRONG],
        ),
        Result(
            "dave",
            {"l04-pocket-test": 0.0, "l04-majority-baseline-test": 0.0, "l04-margin-test": 1.0},
            "graded",
            [NOT_ANSWERED, "l04-majority-baseline-test: not answered (still the stub)"],
        ),
        Result(FORMULA, dict(zero), "missing", ["no notebook 04_linear-classifiers.ipynb"]),
        Result(BIDI, dict(zero), "invalid", [f"not a notebook: <b>{SCRIPT}</b>"]),
        Result("grace", dict(zero), "timeout", ["timed out after 300 s (the notebook limit)"]),
        Result("heidi", dict(zero), "limit", ["stopped: used more than 4 GB of memory"]),
        Result("ivan", dict(zero), "error", ["the kernel died"]),
    ]


@pytest.fixture
def report(tmp_path) -> tuple[Path, str]:
    page = write_report(_class(), LESSON, tmp_path / "report")
    return page, page.read_text(encoding="utf-8")


def _cells(page: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first`` (markup removed)."""
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
        cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row for {first!r}")


def test_the_page_lists_every_student_who_could_not_be_graded(report):
    _, page = report
    ungraded = page.split("Could not be graded (5)")[1]
    for name in ("grace", "heidi", "ivan", html.escape(FORMULA), "eve\\u202egnp.exe"):
        assert name in ungraded
    timeout = ["timeout", "timed out after 300 s (the notebook limit)"]
    assert _cells(ungraded, "grace")[1:] == timeout
    assert _cells(ungraded, "ivan")[1:] == ["error", "the kernel died"]
    for graded in ("alice", "bob", "dave"):
        assert f"<td>{graded}</td>" not in ungraded


def test_the_pass_rates_are_the_shares_of_the_whole_class(report):
    _, page = report
    results = _class()
    for gid, top in POINTS.items():
        full = sum(1 for r in results if r.scores[gid] == top) / len(results)
        some = sum(1 for r in results if r.scores[gid] > 0) / len(results)
        assert _cells(page, gid)[1:4] == [f"{top:g}", f"{full:.0%}", f"{some:.0%}"]
    # by hand: pocket full for alice only (1/9), some for alice and <script> (2/9)
    assert _cells(page, "l04-pocket-test")[2:4] == ["11%", "22%"]


def test_the_most_common_reason_of_each_exercise_with_its_count(report):
    _, page = report
    assert _cells(page, "l04-pocket-test")[4] == f"{html.escape(NOT_ANSWERED)} (2 of 9)"
    assert _cells(page, "l04-margin-test")[4] == f"{html.escape(WRONG)} (2 of 9)"
    assert _cells(page, "l04-majority-baseline-test")[4].endswith("(1 of 9)")
    # about the whole notebook: five reasons once each, the first alphabetically
    assert "whole notebook: no notebook 04_linear-classifiers.ipynb" in re.sub(r"<[^>]+>", "", page)


def test_the_counts_by_status_and_the_mean_and_median(report):
    _, page = report
    for status, count in [("graded", 4), ("missing", 1), ("invalid", 1), ("timeout", 1)]:
        assert _cells(page, status) == [status, str(count)]
    # totals: 4, 1, 2, 1 graded and five 0s: mean 8/9, median 0; graded mean 2, median 1.5
    assert _cells(page, "every student (9)") == ["every student (9)", "0.89", "0"]
    assert _cells(page, "graded (4)") == ["graded (4)", "2.00", "1.5"]


def test_student_text_is_escaped_and_the_page_runs_and_fetches_nothing(report):
    _, page = report
    assert SCRIPT not in page and "<b>" not in page
    assert html.escape(SCRIPT) in page
    assert "\u202e" not in page and "eve\\u202egnp.exe" in page
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">' in page
    assert "default-src 'none'" in CONTENT_POLICY and "script" not in CONTENT_POLICY
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert re.findall(r"""(?:href|src)=["']?([^"' >]+)""", page) == ["scores.png", "pass_rates.png"]


def test_the_plots_are_valid_pngs(report):
    page, _ = report
    for name in ("scores.png", "pass_rates.png"):
        data = (page.parent / name).read_bytes()
        assert data.startswith(PNG_SIGNATURE)
        pixels = imread(page.parent / name)
        assert pixels.ndim == 3 and pixels.shape[0] > 100 and pixels.shape[1] > 100
        assert pixels.std() > 0  # something is drawn


def test_a_symlinked_folder_or_file_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "linked").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(CourseError, match="symbolic link or not a folder"):
        write_report(_class(), LESSON, tmp_path / "linked")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(CourseError, match="not a folder"):
        write_report(_class(), LESSON, tmp_path / "a-file")
    target = tmp_path / "victim.html"
    target.write_text("keep me")
    folder = tmp_path / "report"
    folder.mkdir()
    (folder / "index.html").symlink_to(target)
    with pytest.raises(CourseError, match="cannot write .*index.html"):
        write_report(_class(), LESSON, folder)
    assert target.read_text() == "keep me"
    assert list(elsewhere.iterdir()) == []


def test_a_class_where_everyone_ran(tmp_path):
    page = write_report([Result("alice", {**POINTS}, "graded")], LESSON, tmp_path / "r")
    text = page.read_text(encoding="utf-8")
    assert "Could not be graded (0)" in text and "Every notebook ran." in text
    assert _cells(text, "l04-pocket-test")[2:] == ["100%", "100%", "none"]


@pytest.mark.browser
def test_the_report_loads_in_chromium_with_its_images(report):
    page_path, _ = report
    with chromium() as browser:
        page, log = offline_page(browser)
        try:
            page.goto(page_path.as_uri())
            page.wait_for_load_state("load")
            widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
            assert len(widths) == 2 and all(w > 0 for w in widths), widths
            assert "Could not be graded (5)" in page.inner_text("main")
            assert page.evaluate("document.scripts.length") == 0
            screenshots = BUILD / "screenshots"
            screenshots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshots / "class-report.png"), full_page=True)
            assert not log.problems(), "\n".join(log.problems())
        finally:
            page.context.close()
