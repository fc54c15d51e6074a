"""One student's feedback page: what they handed in, scored, laid out as the book lays a lesson.

The page shows what the student had, never what only the teacher has:

- every locked cell, test cells included, is shown as the release edition has it
  (:func:`course.release.release_notebook`: no hidden test, no solution), without the
  outputs of a test cell (a failing hidden test's traceback quotes it);
- an output line holding a line of a hidden test is replaced by :data:`HIDDEN_LINE` (a
  later cell of the student's can print the kernel's history);
- the student's own cells (answers, written answers, cells they added) are shown in full.

The lesson's own text and code are folded under ``<details>`` (headings, each exercise's
statement and every output, plots included, stay in view). Each exercise's points and
reasons are in a box right after its test cell; the summary at the top holds the score
table and the reasons about the whole notebook (or about an exercise the page does not
show). A reason is about exercise X when its first word, less a trailing colon, is X's
grade_id (:mod:`course.grading.reasons`).

All of it is text the students control, made inert (:mod:`course.grading.inert`: markdown
with no raw HTML and no link, math as checked MathML, code and outputs as escaped text), a
PNG only when plain base64 and bounded. The page holds no script and carries
:data:`CONTENT_POLICY`, so a browser runs and fetches nothing; every piece is bounded by
the constants below.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

from course.editions import is_solution_cell, is_test_cell, nbgrader_meta, read_notebook
from course.grading.files import overwrite
from course.grading.inert import code_html, line_html, markdown_html, text_html
from course.grading.logic import Lesson, Result
from course.grading.reasons import answer_cells, plural
from course.release import release_notebook

if TYPE_CHECKING:
    import nbformat

#: what a feedback page may load: its own inline styles and images, nothing else
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
#: the characters of one output kept in a feedback page
FEEDBACK_OUTPUT_CHARS = 10_000
#: the largest PNG kept in a feedback page, in base64 characters
FEEDBACK_PNG_CHARS = 2_000_000
#: the source shown in a feedback page, in characters (a lesson has about 20,000)
FEEDBACK_SOURCE_CHARS = 500_000
#: above this much code, a feedback page shows it without colours (colouring is slow:
#: about 10 s and 200 MB per 100,000 characters of short tokens)
HIGHLIGHT_CHARS = 50_000
#: an output longer than this many lines shows its first OUTPUT_HEAD lines, the rest folded
OUTPUT_LINES = 25
OUTPUT_HEAD = 12
#: the output of a widget, and what the page shows in its place (its text is its Python repr)
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = "[an interactive widget: run the notebook to use it]"
#: a cell of the lesson's own code longer than this many lines is shown folded
CODE_LINES = 3
#: the summaries of the lesson's own text and code, folded
_LESSON_TEXT = "the lesson's text"
_LESSON_CODE = "the lesson's code"
_HEADING = re.compile(r" {0,3}#{1,6}(\s|$)")
#: the traceback lines kept of one error
TRACEBACK_LINES = 50
#: what stands for an output line that holds a line of a hidden test
HIDDEN_LINE = "[a line of a hidden test, not shown]"
#: a line of a hidden test shorter than this is too common to look for in outputs
HIDDEN_LINE_CHARS = 8

_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def exercise_reasons(result: Result, lesson: Lesson) -> tuple[dict[str, list[str]], list[str]]:
    """The reasons about each exercise (by grade_id), and those about the whole notebook."""
    about: dict[str, list[str]] = {gid: [] for gid in lesson.points}
    general: list[str] = []
    for reason in result.reasons:
        first = reason.split()[0].rstrip(":") if reason.split() else ""
        about.get(first, general).append(reason)
    return about, general


def write_feedback(
    result: Result,
    lesson: Lesson,
    folder: Path | None,
    graded: nbformat.NotebookNode | None = None,
) -> None:
    """Write ``folder/<student>.html``, the feedback page, when a folder is given."""
    if folder is None:
        return
    page = feedback_page(result, lesson, graded)
    overwrite(folder / f"{result.student}.html", page.encode("utf-8"))


def feedback_page(
    result: Result, lesson: Lesson, graded: nbformat.NotebookNode | None = None
) -> str:
    """The whole page: the summary, then the graded notebook's cells as the student had
    them, each exercise's box after its test cell (no cells when ``graded`` is None)."""
    about, general = exercise_reasons(result, lesson)
    cells, placed = _cells(graded, lesson, result, about) if graded is not None else ("", set())
    for gid in lesson.points:
        if gid not in placed:
            general += about[gid]
    name = line_html(result.student)
    title = html.escape(f"Feedback: {lesson.source.stem}")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}, {name}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"{_summary(result, lesson, general, placed)}\n{cells}</main>\n</body>\n</html>\n"
    )


def _summary(result: Result, lesson: Lesson, general: list[str], placed: set[str]) -> str:
    """The heading, the score table, the total and the reasons about the whole notebook."""
    rows = []
    for gid, points in lesson.points.items():
        scored = result.scores[gid]
        name = html.escape(gid)
        shown = f'<a href="#ex-{html.escape(gid)}">{name}</a>' if gid in placed else name
        rows.append(
            f'<tr class="{_mark(scored, points)}"><td>{shown}</td><td>{scored:g}</td>'
            f"<td>{points:g}</td></tr>"
        )
    notes = "".join(f"<li>{line_html(note)}</li>" for note in general)
    stem = html.escape(lesson.source.stem)
    return (
        f'<header>\n<h1 id="Feedback:-{stem}">Feedback: {stem}</h1>\n'
        f"<p>Student: <strong>{line_html(result.student)}</strong>, status: "
        f"<strong>{html.escape(result.status)}</strong></p>\n"
        '<table class="scores"><thead><tr><th>exercise</th><th>points</th><th>out of</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
        f'<p class="total"><strong>Total: {result.total:g} / {lesson.max_total:g}</strong></p>\n'
        + (f'<p>Notes:</p><ul class="notes">{notes}</ul>\n' if notes else "")
        + "</header>\n"
    )


def _mark(scored: float, points: float) -> str:
    """The class of a score: ``ok`` (all its points), ``part`` or ``zero``."""
    return "ok" if scored >= points else "part" if scored > 0 else "zero"


def _cells(
    graded: nbformat.NotebookNode, lesson: Lesson, result: Result, about: dict[str, list[str]]
) -> tuple[str, set[str]]:
    """The cells as the student had them, with each exercise's box after its test cell;
    and the grade_ids whose box is on the page."""
    instructor = read_notebook(lesson.source)
    released = release_notebook(instructor, lesson.source.name)
    locked = {
        nbgrader_meta(c)["grade_id"]: c.source
        for c in released.cells
        if nbgrader_meta(c).get("locked")
    }
    hidden = _hidden_pattern(instructor, released)
    answers = answer_cells(graded)
    statements = _statements(graded, locked)
    code = sum(len(str(c.get("source", ""))) for c in graded.cells if c.get("cell_type") == "code")
    colour = code <= HIGHLIGHT_CHARS
    parts: list[str] = []
    folding: list[str] = []  # the lesson's text since its last heading
    placed: set[str] = set()
    left = FEEDBACK_SOURCE_CHARS
    for index, cell in enumerate(graded.cells):
        gid = nbgrader_meta(cell).get("grade_id")
        mine = is_solution_cell(cell) or gid not in locked
        source = _cut(str(cell.get("source", "")) if mine else locked[gid], max(left, 0))
        left -= len(source)
        test = is_test_cell(cell) and gid in lesson.points and not mine
        if test:
            label = f"test cell of {gid}"
        elif index in answers:
            label = f"your answer to {answers[index]}"
        elif is_solution_cell(cell):
            label = "your answer"
        else:
            label = "a cell you added" if mine else ""
        kind = cell.get("cell_type")
        folded = not (mine or test or index in statements)
        if kind == "markdown" and folded:  # headings shown; text folded with the text after
            head, rest = _headings(source)
            if head:
                parts.append(_fold(folding))
                folding = []
                parts.append(f'<section class="md">{markdown_html(head)}</section>')
            folding += [rest] if rest else []
            continue
        parts.append(_fold(folding))
        folding = []
        if kind == "markdown":
            parts.append(_markdown_cell(source, label))
        elif kind == "code":
            outputs = [] if test else [o for o in cell.get("outputs", []) if isinstance(o, dict)]
            anchor = f"answer-{answers[index]}" if index in answers else ""
            shown = _code_cell(source, outputs, label, anchor, colour, hidden, mine, folded)
            parts.append(shown)
        else:  # a raw cell: text
            parts.append(f'<pre class="raw">{text_html(source)}</pre>')
        if test and isinstance(gid, str) and gid not in placed:
            placed.add(gid)
            parts.append(_verdict(gid, result.scores[gid], lesson.points[gid], about[gid]))
    parts.append(_fold(folding))
    return "\n".join(part for part in parts if part) + "\n", placed


def _statements(graded: nbformat.NotebookNode, locked: dict[str, str]) -> set[int]:
    """The index of each exercise's statement: the lesson's markdown cell nearest before
    an answer cell (shown unfolded, with the answer)."""
    found: set[int] = set()
    for index, cell in enumerate(graded.cells):
        if not is_solution_cell(cell):
            continue
        before = index - 1
        while before >= 0 and is_solution_cell(graded.cells[before]):
            before -= 1
        previous = graded.cells[before] if before >= 0 else {}
        lesson_text = nbgrader_meta(previous).get("grade_id") in locked
        if previous.get("cell_type") == "markdown" and lesson_text:
            found.add(before)
    return found


def _verdict(gid: str, scored: float, points: float, reasons: list[str]) -> str:
    """The box of one exercise: ``gid: 1 of 2`` and why, or ``gid: 2 of 2 ✓``."""
    mark = _mark(scored, points)
    head = f"{html.escape(gid)}: {scored:g} of {points:g}" + (" \u2713" if mark == "ok" else "")
    items = "".join(f"<li>{line_html(r)}</li>" for r in reasons)
    return (
        f'<div class="verdict {mark}" id="ex-{html.escape(gid)}"><strong>{head}</strong>'
        + (f"<ul>{items}</ul>" if items else "")
        + "</div>"
    )


def _hidden_pattern(
    instructor: nbformat.NotebookNode, released: nbformat.NotebookNode
) -> re.Pattern[str] | None:
    """A pattern finding any line of the lesson's hidden tests (the lines of its non-answer
    cells that the release does not show), or None when it has none."""
    kept = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    lines = {
        line.strip()
        for cell in instructor.cells
        if not is_solution_cell(cell)
        for line in cell.source.splitlines()
    }
    found = sorted((x for x in lines - kept if len(x) >= HIDDEN_LINE_CHARS), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, found))) if found else None


def _cut(text: object, limit: int = FEEDBACK_OUTPUT_CHARS) -> str:
    text = "".join(text) if isinstance(text, list) else str(text)
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def _markdown_cell(source: str, label: str) -> str:
    """A markdown cell rendered, under its label."""
    tag = f'<div class="label">{text_html(label)}</div>' if label else ""
    klass = "md mine" if label else "md"
    return f'<section class="{klass}">{tag}{markdown_html(source)}</section>'


def _headings(source: str) -> tuple[str, str]:
    """A markdown cell's leading heading lines, and the rest."""
    lines = source.split("\n")
    start = 0
    while start < len(lines) and (_HEADING.match(lines[start]) or not lines[start].strip()):
        start += 1
    return "\n".join(lines[:start]).strip("\n"), "\n".join(lines[start:]).strip("\n")


def _fold(sources: list[str]) -> str:
    """The lesson's markdown ``sources`` rendered under one ``<details>`` ("" for none)."""
    if not sources:
        return ""
    lines = sum(len(source.split("\n")) for source in sources)
    body = "".join(markdown_html(source) for source in sources)
    summary = f"<summary>{_LESSON_TEXT}, {plural(lines, 'line')}</summary>"
    return f'<section class="md"><details class="lesson">{summary}{body}</details></section>'


def _count(text: str, word: str) -> str:
    """``"1 line"``, ``"12 lines"``: the lines of ``text``."""
    return plural(len(text.split("\n")), word)


def _code_cell(
    source: str,
    outputs: list[dict],
    label: str,
    anchor: str,
    colour: bool,
    hidden: re.Pattern[str] | None,
    mine: bool,
    folded: bool,
) -> str:
    """A code cell: its label, its source (coloured when ``colour``; under a ``<details>``
    when ``folded`` and longer than :data:`CODE_LINES`), then its outputs."""
    klass = "cell mine" if mine else "cell test" if label else "cell"
    ident = f' id="{html.escape(anchor)}"' if anchor else ""
    tag = f'<div class="label">{text_html(label)}</div>' if label else ""
    shown = "".join(_output(o, hidden) for o in outputs)
    body = f'<div class="outputs">{shown}</div>' if shown else ""
    code = f'<pre class="code">{code_html(source, colour)}</pre>'
    if folded and len(source.split("\n")) > CODE_LINES:
        code = (
            f"<details><summary>{_LESSON_CODE}, {_count(source, 'line')}</summary>{code}</details>"
        )
    return f'<div class="{klass}"{ident}>{tag}{code}{body}</div>'


def _output(output: dict, hidden: re.Pattern[str] | None) -> str:
    """One output as HTML: a stream or text as folded text, an error as its last line with
    the traceback folded, a plain-base64 PNG as an image, a widget as :data:`WIDGET_NOTE`;
    anything else (HTML, SVG, JavaScript) as its text."""
    kind = output.get("output_type")
    if kind == "stream":
        klass = "stderr" if output.get("name") == "stderr" else "stream"
        return _folded(_clean(output.get("text", ""), hidden), klass)
    if kind == "error":
        head = f"{_cut(output.get('ename', ''), 200)}: {_cut(output.get('evalue', ''), 2000)}"
        lines = [_cut(line, 2000) for line in list(output.get("traceback", []))[:TRACEBACK_LINES]]
        trace = text_html(_clean("\n".join(lines), hidden))
        return (
            f'<div class="error"><pre>{text_html(_clean(head, hidden))}</pre>'
            + (
                f"<details><summary>traceback</summary><pre>{trace}</pre></details>"
                if lines
                else ""
            )
            + "</div>"
        )
    data = output.get("data", {}) if isinstance(output.get("data"), dict) else {}
    png = data.get("image/png")
    if isinstance(png, str) and len(png) <= FEEDBACK_PNG_CHARS and _BASE64.fullmatch(png):
        plain = "".join(png.split())
        return f'<img alt="a plot" src="data:image/png;base64,{plain}">'
    if WIDGET_MIME in data:
        return f'<p class="widget">{WIDGET_NOTE}</p>'
    text = _clean(data.get("text/plain", ""), hidden)
    return _folded(text, "result") if text else ""


def _clean(text: object, hidden: re.Pattern[str] | None) -> str:
    """Output text cut to its bound, without terminal colour codes, and with each line that
    holds a line of a hidden test replaced by :data:`HIDDEN_LINE`."""
    lines = _ANSI.sub("", _cut(text)).split("\n")
    return "\n".join(HIDDEN_LINE if hidden and hidden.search(x) else x for x in lines)


def _folded(text: str, klass: str) -> str:
    """Text in ``<pre>``; past :data:`OUTPUT_LINES` lines, all but the first few folded."""
    lines = text.rstrip("\n").split("\n")
    if len(lines) <= OUTPUT_LINES:
        return f'<pre class="{klass}">{text_html(chr(10).join(lines))}</pre>'
    head, rest = "\n".join(lines[:OUTPUT_HEAD]), "\n".join(lines[OUTPUT_HEAD:])
    return (
        f'<pre class="{klass}">{text_html(head)}</pre><details class="{klass}"><summary>'
        f"{len(lines) - OUTPUT_HEAD} more lines</summary><pre>{text_html(rest)}</pre></details>"
    )


#: the page's whole stylesheet: a column as wide as the book's, code in grey boxes, each
#: exercise's box green (all its points), amber (some) or red (none)
_STYLE = """
body{margin:0;background:#eef0f3;color:#1f2430;
font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif}
main{max-width:50rem;margin:0 auto;padding:1.2rem 1.6rem 3rem;background:#fff;min-height:100vh}
h1{font-size:1.6rem;margin:.6rem 0 .4rem}h2{font-size:1.3rem;margin:1.4rem 0 .4rem;
padding-bottom:.15rem;border-bottom:1px solid #e1e4e8}h3,h4{font-size:1.05rem;margin:1rem 0 .3rem}
p,ul,ol{margin:.4rem 0}li{margin:.1rem 0}
blockquote{margin:.5rem 0;padding:.1rem .9rem;border-left:4px solid #d8dce2;color:#374151}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #d8dce2;padding:.2rem .6rem;
text-align:left}th{background:#f3f5f7}
header{border-bottom:2px solid #d8dce2;padding-bottom:.6rem;margin-bottom:1rem}
.scores td:nth-child(n+2){text-align:right}
.scores tr.ok td:first-child{border-left:4px solid #2e7d32}
.scores tr.part td:first-child{border-left:4px solid #c77700}
.scores tr.zero td:first-child{border-left:4px solid #c62828}.total{font-size:1.1rem}
a{color:#1f5fbf}.link{text-decoration:underline dotted}
code,pre{font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
p code,li code,td code{background:#f1f3f5;padding:0 .2rem;border-radius:3px}
pre{margin:0;padding:.45rem .7rem;white-space:pre-wrap;overflow-wrap:anywhere}
.md pre{background:#f6f8fa;border-radius:4px;margin:.4rem 0}
.cell{margin:.7rem 0}.code{background:#f6f8fa;border:1px solid #e1e4e8;border-radius:4px}
.mine>.code{border-left:4px solid #1f5fbf}.test>.code{background:#fbfbfc;color:#4a5160}
.label{font-size:.78rem;color:#5b6474;margin:0 0 .1rem;font-weight:600}
.mine>.label{color:#1f5fbf}.md.mine{border-left:4px solid #1f5fbf;padding-left:.7rem}
.outputs{padding:.2rem 0 0 .7rem}.outputs img{display:block;max-width:min(100%,32rem);
height:auto;margin:.3rem 0}
.stderr{background:#fff5f5}.error pre{background:#fdecec;color:#8a1c1c}
details>summary{cursor:pointer;color:#4a5568;font-size:.9rem;margin:.2rem 0}
.md details{border:1px solid #e1e4e8;border-radius:4px;padding:.2rem .7rem;margin:.4rem 0}
.verdict{margin:.5rem 0 1.3rem;padding:.45rem .8rem;border-radius:4px;border-left:6px solid}
.verdict.ok{background:#edf7ee;border-color:#2e7d32}.verdict.part{background:#fff4e0;
border-color:#c77700}.verdict.zero{background:#fdecec;border-color:#c62828}
.verdict ul{margin:.2rem 0 0;padding-left:1.2rem}
.math math[display=block]{margin:.4rem 0}div.math{overflow-x:auto}
.tex code{background:#f1f3f5}.widget{color:#5b6474;font-style:italic}
.k,.kn,.kc,.kd,.kr,.ow{color:#8839c5;font-weight:600}.s,.s1,.s2,.sa,.sd,.se,.si{color:#0b7a3b}
.c,.c1,.ch,.cm{color:#6b7280;font-style:italic}.m,.mi,.mf,.mh,.mo{color:#b3541e}
.nf,.fm,.nc{color:#1f5fbf}.nb,.bp{color:#0e7490}.o{color:#555}
"""
