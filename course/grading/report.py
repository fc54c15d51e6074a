"""What grading writes: the grades CSV and one feedback page per student.

Both hold text the students control (names, error messages, outputs). A CSV cell that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) is prefixed with ``'``. The feedback page shows the student's outputs as
text: HTML, JavaScript, SVG, widgets and markdown's raw HTML never reach it as markup, a
PNG is kept only when it is plain base64, and every name is escaped. In both, the student's
name and the reasons show control, bidirectional and zero-width characters as visible
escapes (:func:`visible`), so no student text can look like another row or another name.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from pathlib import Path

import nbformat

from course.grading.files import write_new
from course.grading.logic import Lesson, Result

#: the first characters that make a spreadsheet read a cell as a formula
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: the characters of one output kept in a feedback page
FEEDBACK_OUTPUT_CHARS = 10_000
#: the largest PNG kept in a feedback page, in base64 characters
FEEDBACK_PNG_CHARS = 2_000_000
#: the source shown in a feedback page, in characters (a lesson has about 20,000)
FEEDBACK_SOURCE_CHARS = 500_000
#: above this much code, a feedback page shows it without colours (colouring is slow:
#: about 10 s and 200 MB per 100,000 characters of short tokens)
HIGHLIGHT_CHARS = 50_000
_BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


#: the Unicode categories :func:`visible` escapes: control (``\n``, ``\r``, ``\t``, U+0085
#: ...), format (bidirectional overrides, embeddings and isolates, zero-width characters,
#: the BOM, the soft hyphen ...), line and paragraph separators, and lone surrogates (a
#: file name that is not UTF-8)
INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(text: str) -> str:
    """``text`` with every invisible or layout-changing character shown as an escape.

    A character of a category in :data:`INVISIBLE` becomes ``\\n``, ``\\r``, ``\\t`` or
    ``\\uXXXX`` (``\\UXXXXXXXX`` above U+FFFF), e.g. U+202E becomes ``\\u202e``; anything
    else (accents, CJK, emoji, spaces) is kept. Student text (a submission's name, a value
    quoted in a reason) goes through it before the grade sheet or a feedback page shows it,
    so a newline cannot start what looks like another row in a text view of the CSV, and a
    direction override or a zero-width character cannot make two names read alike.
    """
    return "".join(
        _NAMED.get(c) or (f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}")
        if unicodedata.category(c) in INVISIBLE
        else c
        for c in text
    )


def csv_cell(text: str) -> str:
    """``text`` made inert for a spreadsheet: a leading formula character gets a ``'``."""
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(results: list[Result], lesson: Lesson, out: str | Path) -> None:
    """One row per student: student, points per grade_id, total, max_total, status, reason."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle = io.StringIO(newline="")
    writer = csv.writer(handle)
    header = ["student", *lesson.points, "total", "max_total", "status", "reason"]
    writer.writerow([csv_cell(c) for c in header])
    for r in results:
        row = [f"{r.scores[gid]:g}" for gid in lesson.points]
        writer.writerow(
            [
                csv_cell(visible(r.student)),
                *row,
                f"{r.total:g}",
                f"{lesson.max_total:g}",
                r.status,
                csv_cell(visible("; ".join(r.reasons))),
            ]
        )
    write_new(out, handle.getvalue().encode("utf-8"))


def _inert(output: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """An output reduced to text (and a plain PNG), each piece cut to a bounded length."""
    kind = output.get("output_type")
    if kind == "stream":
        return nbformat.v4.new_output(
            "stream", name=str(output.get("name", "stdout")), text=_cut(output.get("text", ""))
        )
    if kind == "error":
        lines = [str(line) for line in output.get("traceback", [])][:50]
        return nbformat.v4.new_output(
            "error",
            ename=_cut(output.get("ename", ""), 200),
            evalue=_cut(output.get("evalue", ""), 2000),
            traceback=[_cut(line, 2000) for line in lines],
        )
    data = output.get("data", {}) if isinstance(output.get("data"), dict) else {}
    kept: dict[str, str] = {"text/plain": _cut(data.get("text/plain", ""))}
    png = data.get("image/png")
    if isinstance(png, str) and len(png) <= FEEDBACK_PNG_CHARS and _BASE64.fullmatch(png):
        kept["image/png"] = png
    return nbformat.v4.new_output("display_data", data=kept)


def _cut(text: object, limit: int = FEEDBACK_OUTPUT_CHARS) -> str:
    text = "".join(text) if isinstance(text, list) else str(text)
    return text if len(text) <= limit else text[:limit] + "\n[... cut]"


def _inert_notebook(graded: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The graded notebook with every cell shown as text: markdown and raw cells become
    escaped text, outputs become :func:`_inert` outputs, metadata is dropped."""
    nb = nbformat.v4.new_notebook()
    left = FEEDBACK_SOURCE_CHARS
    for cell in graded.cells:
        source = _cut(cell.get("source", ""), max(left, 0))
        left -= len(source)
        if cell.get("cell_type") == "code":
            new = nbformat.v4.new_code_cell(source)
            new.outputs = [_inert(o) for o in cell.get("outputs", []) if isinstance(o, dict)]
            count = cell.get("execution_count")
            new.execution_count = count if isinstance(count, int) else None
        else:
            new = nbformat.v4.new_markdown_cell(
                "<pre>" + html.escape(source) + "</pre>" if source.strip() else ""
            )
        nb.cells.append(new)
    return nb


def feedback_notebook(
    result: Result, lesson: Lesson, graded: nbformat.NotebookNode | None = None
) -> nbformat.NotebookNode:
    """The graded notebook (or an empty one), made inert, headed by the student's scores."""
    rows = "\n".join(
        f"| {gid} | {result.scores[gid]:g} | {pts:g} |" for gid, pts in lesson.points.items()
    )
    # an HTML list: markdown would turn a URL in a reason into a link
    notes = "".join(
        f"<li>{html.escape(visible(note), quote=False)}</li>" for note in result.reasons
    )
    summary = (
        f"# Feedback: {lesson.source.stem}\n\nStudent: **{_escape(result.student)}**, "
        f"status: **{result.status}**\n\n| exercise | points | out of |\n|---|---|---|\n{rows}\n\n"
        f"**Total: {result.total:g} / {lesson.max_total:g}**\n"
        + (f"\nNotes:\n\n<ul>{notes}</ul>\n" if notes else "")
    )
    nb = _inert_notebook(graded) if graded is not None else nbformat.v4.new_notebook()
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(summary))
    return nb


def _escape(text: str) -> str:
    """Student text for markdown: invisible characters shown (:func:`visible`), HTML
    escaped (not quotes: it is never in an attribute), markdown's own markup characters too."""
    return re.sub(r"([\\`*_{}\[\]()#+!|~>-])", r"\\\1", html.escape(visible(text), quote=False))


def write_feedback(
    result: Result,
    lesson: Lesson,
    folder: Path | None,
    graded: nbformat.NotebookNode | None = None,
) -> None:
    """Write ``folder/<student>.html``, the feedback page, when a folder is given."""
    if folder is None:
        return
    from nbconvert import HTMLExporter  # imported here: only a run with --feedback needs it

    # no sanitizer: every student text is already escaped (_inert_notebook, _escape), and
    # nbconvert's would escape the header's own headings and table
    exporter = HTMLExporter(sanitize_html=False)
    nb = feedback_notebook(result, lesson, graded)
    if sum(len(c.source) for c in nb.cells if c.cell_type == "code") > HIGHLIGHT_CHARS:
        exporter.filters = {"highlight_code": _plain_code}
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": "feedback"}})
    write_new(folder / f"{result.student}.html", self_contained(body).encode("utf-8"))


def _plain_code(source: str, language: object = None, metadata: object = None) -> str:
    """Code as escaped text, for nbconvert's ``highlight_code`` filter."""
    return '<div class="highlight"><pre>' + html.escape(source) + "</pre></div>"


#: what a feedback page may load: its own inline styles and images, nothing else
CONTENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def self_contained(page: str) -> str:
    """``page`` without the template's scripts (MathJax, require.js, mermaid from a CDN) and
    with a content policy that lets a browser run or fetch nothing."""
    page = re.sub(r"<script\b.*?</script\s*>", "", page, flags=re.S | re.I)
    meta = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">'
    return re.sub(r"<head>", "<head>\n" + meta, page, count=1, flags=re.I)
