"""The class report: one offline page and two plots for the whole grade sheet.

``index.html`` shows the counts by status, the mean and median total, each exercise's pass
rate with its most common reason, and every student who could not be graded;
``scores.png`` is the histogram of totals and ``pass_rates.png`` the pass rates.

Every rate is a share of all the students on the sheet (a missing notebook counts as no
points): *full* is the share with the exercise's full points, *some* the share with more
than 0. A reason is about exercise X when its first word, less a trailing colon, is X's
grade_id (:func:`course.grading.feedback.exercise_reasons`); the most common one is the
reason given to the most students (ties: the first in alphabetical order).

Names and reasons are student text: shown through :func:`~course.grading.report.visible`,
then HTML-escaped. The page holds no script and carries :data:`CONTENT_POLICY`, so a
browser loads nothing but its inline style and the two PNGs beside it. Files are written
with :func:`~course.grading.files.overwrite` (never through a symlink) into a folder that
is not a symlink.
"""

from __future__ import annotations

import html
import io
import math
import statistics
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from course.errors import CourseError
from course.grading.feedback import exercise_reasons
from course.grading.files import overwrite
from course.grading.logic import Lesson, Result
from course.grading.report import visible

if TYPE_CHECKING:  # matplotlib loads when a plot is drawn
    from matplotlib.figure import Figure

#: what the page may load: its inline style and the PNGs in its own folder
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'"
#: the statuses of a row, in the order the page counts them (:class:`Result`)
STATUSES = ("graded", "missing", "invalid", "timeout", "limit", "error")
#: the plots' colours: the course palette's blue, bluish green and orange (Okabe & Ito;
#: the tooling does not import the teaching half's ``course.palette``)
BLUE, GREEN, ORANGE = "#0072B2", "#009E73", "#E69F00"
#: the most bars in the histogram; a larger maximum total gets wider bins
MAX_BINS = 40


def pass_rates(results: list[Result], points: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Per exercise: (share of students with full points, share with some points)."""
    n = len(results) or 1
    return {
        gid: (
            sum(r.scores.get(gid, 0.0) >= top for r in results) / n,
            sum(r.scores.get(gid, 0.0) > 0 for r in results) / n,
        )
        for gid, top in points.items()
    }


def common_reasons(results: list[Result], lesson: Lesson) -> dict[str, tuple[str, int]]:
    """Per exercise, and ``""`` for the whole notebook: the reason given to the most
    students and to how many; an exercise without a reason is left out."""
    counts: dict[str, Counter[str]] = {gid: Counter() for gid in [*lesson.points, ""]}
    for result in results:
        about, general = exercise_reasons(result, lesson)
        for gid, reasons in [*about.items(), ("", general)]:
            counts[gid].update(set(reasons))
    return {
        gid: min(found.items(), key=lambda item: (-item[1], item[0]))
        for gid, found in counts.items()
        if found
    }


def write_report(results: list[Result], lesson: Lesson, folder: Path) -> Path:
    """Write ``folder/index.html``, ``scores.png`` and ``pass_rates.png``; the page's path.

    A CourseError when ``folder`` is a symlink or not a folder, or a file in it cannot be
    written (a symlink in its place is never followed).
    """
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise CourseError(f"the report folder {folder} is a symbolic link or not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    rates = pass_rates(results, lesson.points)
    files = {
        "scores.png": _png(_histogram([r.total for r in results], lesson.max_total)),
        "pass_rates.png": _png(_rates_plot(rates)),
        "index.html": _page(results, lesson, rates).encode("utf-8"),
    }
    for name, data in files.items():
        try:
            overwrite(folder / name, data)
        except OSError as exc:
            raise CourseError(f"cannot write {folder / name}: {exc.strerror or exc}") from None
    return folder / "index.html"


def _text(text: str) -> str:
    """Student text for the page: invisible characters as escapes, then HTML-escaped."""
    return html.escape(visible(text))


def _page(results: list[Result], lesson: Lesson, rates: dict[str, tuple[float, float]]) -> str:
    title = html.escape(f"Class report: {lesson.source.stem}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n{_summary(results, lesson)}\n"
        f"{_exercises(results, lesson, rates)}\n{_ungraded(results)}\n"
        "</main>\n</body>\n</html>\n"
    )


def _summary(results: list[Result], lesson: Lesson) -> str:
    """The counts by status, the mean and median totals, and the histogram."""
    statuses = Counter(r.status for r in results)
    known = [s for s in STATUSES if statuses[s]] + sorted(set(statuses) - set(STATUSES))
    counts = "".join(
        f'<tr class="{"ok" if s == "graded" else "bad"}"><td>{html.escape(s)}</td>'
        f'<td class="n">{statuses[s]}</td></tr>'
        for s in known
    )
    graded = [r.total for r in results if r.status == "graded"]
    top = f"{lesson.max_total:g}"
    rows = "".join(
        f'<tr><td>{who} ({len(totals)})</td><td class="n">{_mean(totals)}</td>'
        f'<td class="n">{_median(totals)}</td></tr>'
        for who, totals in (("every student", [r.total for r in results]), ("graded", graded))
    )
    return (
        f"<p>{len(results)} students on the sheet; each total is out of {top} points.</p>\n"
        '<div class="row">\n<table><caption>Students by status</caption>'
        f"<tr><th>status</th><th>students</th></tr>{counts}</table>\n"
        f"<table><caption>Totals (of {top})</caption>"
        f"<tr><th>students</th><th>mean</th><th>median</th></tr>{rows}</table>\n</div>\n"
        f'<img src="scores.png" width="700" height="320" alt="Histogram of the totals of the '
        f"{len(results)} students, from 0 to {top} points; mean "
        f'{_mean([r.total for r in results])}">'
    )


def _mean(totals: list[float]) -> str:
    return f"{statistics.mean(totals):.2f}" if totals else "-"


def _median(totals: list[float]) -> str:
    return f"{statistics.median(totals):g}" if totals else "-"


def _exercises(results: list[Result], lesson: Lesson, rates: dict[str, tuple[float, float]]) -> str:
    """Each exercise's points, pass rates and most common reason, and the pass-rate plot."""
    reasons = common_reasons(results, lesson)

    def reason(gid: str) -> str:
        if gid not in reasons:
            return "none"
        text, count = reasons[gid]
        return f'{_text(text)} <span class="count">({count} of {len(results)})</span>'

    rows = "".join(
        f'<tr><td><code>{html.escape(gid)}</code></td><td class="n">{lesson.points[gid]:g}</td>'
        f'<td class="n">{full:.0%}</td><td class="n">{some:.0%}</td><td>{reason(gid)}</td></tr>'
        for gid, (full, some) in rates.items()
    )
    whole = (
        f"<p>Most common reason about the whole notebook: {reason('')}</p>" if "" in reasons else ""
    )
    height = _rates_height(len(rates))
    return (
        "<h2>Exercises</h2>\n"
        f'<img src="pass_rates.png" width="700" height="{height}" alt="Pass rate of each of '
        f"the {len(rates)} exercises: the share of the students with full points and with "
        'some points">\n'
        f"<table><caption>Pass rates, of all {len(results)} students</caption>"
        "<tr><th>exercise</th><th>points</th><th>full points</th><th>some points</th>"
        f"<th>most common reason (students)</th></tr>{rows}</table>\n{whole}"
    )


def _ungraded(results: list[Result]) -> str:
    """The students whose notebook could not be graded, with their status and reasons."""
    ungraded = sorted((r for r in results if r.status != "graded"), key=lambda r: r.student)
    if not ungraded:
        return "<h2>Could not be graded (0)</h2>\n<p>Every notebook ran.</p>"
    rows = "".join(
        f"<tr><td>{_text(r.student)}</td><td>{html.escape(r.status)}</td>"
        f"<td>{_text('; '.join(r.reasons))}</td></tr>"
        for r in ungraded
    )
    return (
        f'<h2>Could not be graded ({len(ungraded)})</h2>\n<table class="ungraded">'
        f"<tr><th>student</th><th>status</th><th>reason</th></tr>{rows}</table>"
    )


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _histogram(totals: list[float], top: float) -> Figure:
    """The totals' histogram: bars of a whole number of points, centred on their value."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    width = max(1, math.ceil(top / MAX_BINS))
    edges = [k - width / 2 for k in range(0, math.ceil(top) + width + 1, width)]
    figure = Figure(figsize=(7, 3.2), layout="constrained")
    axes = figure.subplots()
    axes.hist(totals, bins=edges, color=BLUE, edgecolor="white")
    axes.set(xlabel=f"total (of {top:g} points)", ylabel="students", title="Totals")
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _rates_height(exercises: int) -> int:
    """The pass-rate plot's height in pixels at 100 dpi."""
    return int(100 * (0.55 * exercises + 1.3))


def _rates_plot(rates: dict[str, tuple[float, float]]) -> Figure:
    """Two bars per exercise, top to bottom in the lesson's order: full and some points."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, _rates_height(len(rates)) / 100), layout="constrained")
    axes = figure.subplots()
    names = list(rates)
    rows = range(len(names))
    full = [rates[n][0] for n in names]
    some = [rates[n][1] for n in names]
    axes.barh([y - 0.2 for y in rows], full, height=0.4, color=GREEN, label="full points")
    axes.barh([y + 0.2 for y in rows], some, height=0.4, color=ORANGE, label="some points")
    for y, (a, b) in enumerate(zip(full, some, strict=True)):
        axes.text(a + 0.01, y - 0.2, f"{a:.0%}", va="center", fontsize=8)
        axes.text(b + 0.01, y + 0.2, f"{b:.0%}", va="center", fontsize=8)
    axes.set_yticks(list(rows), names)
    axes.invert_yaxis()
    axes.set(xlim=(0, 1.1), xlabel="share of the students", title="Pass rate per exercise")
    axes.xaxis.set_major_formatter("{x:.0%}")
    axes.legend(loc="lower right", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


STYLE = """
body{margin:0;background:#eef0f3;color:#1f2430;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif}
main{max-width:56rem;margin:0 auto;padding:1.2rem 1.6rem 3rem;background:#fff;min-height:100vh}
h1{font-size:1.6rem;margin:.6rem 0 .4rem}h2{font-size:1.3rem;margin:1.6rem 0 .4rem;
padding-bottom:.15rem;border-bottom:1px solid #e1e4e8}
table{border-collapse:collapse;margin:.6rem 1.5rem .6rem 0}
th,td{border:1px solid #d8dce2;padding:.2rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}caption{text-align:left;font-weight:600;padding:.2rem 0}
td.n{text-align:right}
.row{display:flex;flex-wrap:wrap;align-items:flex-start}
tr.ok td:first-child{border-left:4px solid #009E73}
tr.bad td:first-child{border-left:4px solid #D55E00}
.count{color:#5b6270;white-space:nowrap}
.ungraded td{overflow-wrap:anywhere}
img{max-width:100%;height:auto;display:block;margin:.6rem 0}
code{font-size:.9em;white-space:nowrap}
"""
