"""The feedback page shows what the student had, scored beside each exercise, like the book.

No line of a hidden test or of an instructor's solution reaches it (a solution only where
the student wrote it); markdown and math are rendered with the student's HTML escaped;
plots show inline; every exercise's points and reasons sit right after its test cell; the
page runs and fetches nothing.
"""

from __future__ import annotations

import base64
import copy
import html
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from course.editions import is_solution_cell, nbgrader_meta, read_notebook
from course.grading.batch import grade
from course.grading.feedback import (
    CONTENT_POLICY,
    HIDDEN_LINE,
    WIDGET_NOTE,
    exercise_reasons,
    feedback_page,
)
from course.grading.logic import Lesson, Result, load_lesson, restore_cells
from course.release import release_notebook
from course.syllabus import course_root, ready

LESSONS = [lesson.notebook for lesson in ready(course_root())]
LESSON_04 = "notebooks/04_linear-classifiers.ipynb"
#: a 1x1 PNG
PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
    )
).decode()


def _blocks(instructor: nbformat.NotebookNode) -> dict[str, set[str]]:
    """The stripped lines of every hidden-test and every solution block, markers included."""
    found: dict[str, set[str]] = {"HIDDEN TESTS": set(), "SOLUTION": set()}
    for cell in instructor.cells:
        inside = None
        for line in cell.source.splitlines():
            marker = re.match(r"\s*### (BEGIN|END) (HIDDEN TESTS|SOLUTION)\s*$", line)
            if marker and marker.group(1) == "BEGIN":
                inside = marker.group(2)
            if inside:
                found[inside].add(line.strip())
            if marker and marker.group(1) == "END":
                inside = None
    return found


def _secret(lines: set[str], released: nbformat.NotebookNode) -> set[str]:
    """The lines worth looking for: not blank, and not in what the release itself shows."""
    shown = "\n".join(cell.source for cell in released.cells)
    return {line for line in lines if line and line not in shown}


def _found(lines: set[str], text: str) -> list[str]:
    """The ``lines`` that ``text`` holds."""
    return sorted(line for line in lines if line in text)


def _text(page: str) -> str:
    """What a reader of the page sees: its text without tags, character references read."""
    return html.unescape(re.sub(r"<[^>]*>", "", page))


def _setup(notebook: str) -> tuple[Lesson, nbformat.NotebookNode, nbformat.NotebookNode]:
    source = course_root() / notebook
    instructor = read_notebook(source)
    return load_lesson(source), instructor, release_notebook(instructor, source.name)


def _reasons(lesson: Lesson) -> list[str]:
    return [f"{gid} failed the grader's check (case 1: wrong for {gid})" for gid in lesson.points]


def _page(lesson: Lesson, submitted: nbformat.NotebookNode, instructor, reasons=None) -> str:
    """The page of ``submitted`` as the grader sees it (its test cells back), not run."""
    graded, notes = restore_cells(submitted, instructor, lesson.checksums)
    why = notes + (_reasons(lesson) if reasons is None else reasons)
    return feedback_page(Result("sam", lesson.zero(), "graded", why), lesson, graded)


@pytest.mark.parametrize("notebook", LESSONS)
def test_no_line_of_a_hidden_test_or_solution_reaches_the_page(notebook):
    lesson, instructor, released = _setup(notebook)
    page = _page(lesson, copy.deepcopy(released), instructor)
    blocks = _blocks(instructor)
    secrets = _secret(blocks["HIDDEN TESTS"] | blocks["SOLUTION"], released)
    assert secrets, "the lesson has solutions: the test must look for something"
    seen = _text(page)
    assert not _found(secrets, seen), _found(secrets, seen)
    for gid in lesson.points:
        assert f"wrong for {gid}" in seen


class _Outside(HTMLParser):
    """The text outside the student's own cells (class ``mine``), and the text inside."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # open divs/sections, counting from the student's cell
        self.outside: list[str] = []
        self.inside: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("div", "section"):
            return
        if self.depth:
            self.depth += 1
        elif "mine" in (dict(attrs).get("class") or "").split():
            self.depth = 1

    def handle_endtag(self, tag):
        if tag in ("div", "section") and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        (self.inside if self.depth else self.outside).append(data)


@pytest.mark.parametrize("notebook", LESSONS)
def test_the_instructors_notebook_handed_in_shows_solutions_only_in_its_answers(notebook):
    lesson, instructor, released = _setup(notebook)
    page = _page(lesson, copy.deepcopy(instructor), instructor)
    blocks = _blocks(instructor)
    parser = _Outside()
    parser.feed(page)
    outside, inside = "".join(parser.outside), "".join(parser.inside)
    hidden = _secret(blocks["HIDDEN TESTS"], released)
    assert not _found(hidden, outside + "\n" + inside)
    solutions = _secret(blocks["SOLUTION"] - {"### BEGIN SOLUTION", "### END SOLUTION"}, released)
    assert not _found(solutions, outside), _found(solutions, outside)
    assert _found(solutions, inside), "the student's answers are shown"


def _lesson_04(*extra: nbformat.NotebookNode) -> tuple[Lesson, nbformat.NotebookNode, object]:
    """Lesson 04's released notebook with ``extra`` cells added after its first exercise."""
    lesson, instructor, released = _setup(LESSON_04)
    submitted = copy.deepcopy(released)
    first = next(i for i, c in enumerate(submitted.cells) if is_solution_cell(c))
    submitted.cells[first + 2 : first + 2] = list(extra)
    return lesson, submitted, instructor


def test_markdown_is_rendered_and_the_students_html_escaped():
    cell = new_markdown_cell(
        "# My title\n\n## A part\n\n- one\n- two\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n"
        "*stress* and `code`\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[a link](http://evil.example/) and ![a picture](http://evil.example/p.png)"
    )
    lesson, submitted, instructor = _lesson_04(cell)
    page = _page(lesson, submitted, instructor)
    assert "<h1>My title</h1>" in page and "<h2>A part</h2>" in page
    assert "<li>one</li>" in page and "<td>1</td>" in page
    assert "<em>stress</em>" in page and "<code>code</code>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert not re.search(r"""(href|src)=["']?http""", page)
    assert "a link" in page and "[image: a picture]" in page
    assert "<h1>Lesson 04: Linear classifiers and their limits</h1>" in page  # the lesson's


def test_math_becomes_mathml_and_what_cannot_be_converted_shows_as_tex():
    cell = new_markdown_cell(
        r"Inline $\frac{a}{b}$, then $$\sum_i w_i x_i$$ and $\text{<b>bold</b>}$ and "
        r"$\href{javascript:alert(1)}{x}\style{color:red}{y}$"
    )
    lesson, submitted, instructor = _lesson_04(cell)
    page = _page(lesson, submitted, instructor)
    assert "<mfrac><mrow><mi>a</mi></mrow><mrow><mi>b</mi></mrow></mfrac>" in page
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow><msub>' in page
    assert r'<span class="tex"><code>\text{&lt;b&gt;bold&lt;/b&gt;}</code></span>' in page
    assert "<b>bold" not in page
    assert "javascript" not in page.replace(r"\href{javascript", "") and "color:red" not in page
    lesson_math = page.count('class="math"')
    assert lesson_math > 50, "the lesson's own formulas are MathML too"


def test_a_plain_png_is_an_image_and_anything_else_is_dropped():
    outputs = [
        new_output("display_data", data={"image/png": PIXEL, "text/plain": "<Figure>"}),
        new_output("display_data", data={"image/png": '"><script>alert(1)</script>'}),
        new_output("display_data", data={"text/html": "<b id='x'>bold</b>", "text/plain": "B"}),
        new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json": {"model_id": "1"}, "text/plain": "W"},
        ),
    ]
    cell = new_code_cell("plot()", outputs=outputs)
    lesson, submitted, instructor = _lesson_04(cell)
    page = _page(lesson, submitted, instructor)
    assert page.count("data:image/png") == 1
    assert f'<img alt="a plot" src="data:image/png;base64,{PIXEL}">' in page
    assert "<script" not in page.lower() and "<b id=" not in page and "&lt;Figure&gt;" not in page
    assert WIDGET_NOTE in page


def test_long_outputs_fold_and_a_hidden_test_printed_later_is_not_shown():
    lesson, instructor, released = _setup(LESSON_04)
    hidden = sorted(_secret(_blocks(instructor)["HIDDEN TESTS"], released), key=len)[-1]
    long_print = "".join(f"line {n}\n" for n in range(100))
    cell = new_code_cell(
        "print(In)",
        outputs=[
            new_output("stream", name="stdout", text=long_print),
            new_output("stream", name="stdout", text=f"history: {hidden}\nafter\n"),
        ],
    )
    lesson, submitted, instructor = _lesson_04(cell)
    page = _page(lesson, submitted, instructor)
    assert "<summary>88 more lines</summary>" in page and "line 99" in page
    assert hidden not in _text(page) and HIDDEN_LINE in page and "after" in page


def test_a_test_cells_outputs_are_not_shown():
    """A failing hidden test's traceback quotes it: the test cell's outputs are dropped."""
    lesson, instructor, released = _setup(LESSON_04)
    graded, _ = restore_cells(copy.deepcopy(released), instructor, lesson.checksums)
    for cell in graded.cells:
        if nbgrader_meta(cell).get("grade_id") in lesson.points:
            cell.outputs = [new_output("stream", name="stdout", text="TEST CELL OUTPUT\n")]
    result = Result("sam", lesson.zero(), "graded", _reasons(lesson))
    assert "TEST CELL OUTPUT" not in feedback_page(result, lesson, graded)


def test_each_exercises_reason_sits_after_its_answer_and_before_the_next():
    lesson, submitted, instructor = _lesson_04()
    general = "execution stopped"
    page = _page(lesson, submitted, instructor, [general, *_reasons(lesson)])
    ids = list(lesson.points)
    start = page.index("</header>")
    assert page.index(f"<li>{general}</li>") < start  # about the notebook: in the summary
    for number, gid in enumerate(ids):
        answer = page.index(f'id="answer-{gid}"')
        box = page.index(f'id="ex-{gid}"')
        end = page.index("</div>", box)
        assert start < answer < box, gid
        assert f"<strong>{gid}: 0 of {lesson.points[gid]:g}</strong>" in page[box:end]
        assert f"wrong for {gid}" in page[box:end]
        if number + 1 < len(ids):
            assert box < page.index(f'id="answer-{ids[number + 1]}"'), gid
        assert f'<a href="#ex-{gid}">{gid}</a>' in page[:start]  # the table links to it


def test_a_full_score_is_ticked_and_the_score_table_and_total_are_kept():
    lesson, submitted, instructor = _lesson_04()
    graded, _ = restore_cells(submitted, instructor, lesson.checksums)
    scores = dict(lesson.points)
    page = feedback_page(Result("sam", scores, "graded"), lesson, graded)
    for gid, points in lesson.points.items():
        assert f"<strong>{gid}: {points:g} of {points:g} \u2713</strong>" in page
    assert "<th>points</th>" in page and f"Total: {lesson.max_total:g} / {lesson.max_total:g}"
    assert '<h1 id="Feedback:-04_linear-classifiers">' in page


def test_the_lessons_own_text_and_code_fold_and_the_exercises_do_not():
    lesson, submitted, instructor = _lesson_04()
    page = _page(lesson, submitted, instructor)

    def folded(at: int) -> bool:
        return page.rfind("<details", 0, at) > page.rfind("</details>", 0, at)

    assert not folded(page.index("<h2>2. Where a line fails: circles and XOR</h2>"))
    assert folded(page.index("Lesson 03 built the perceptron"))  # the lesson's prose
    assert folded(page.index("matplotlib.pyplot"))  # the lesson's code
    assert not folded(page.index("<strong>Exercise 1</strong>"))  # a statement: in view
    for gid in lesson.points:
        assert not folded(page.index(f'id="answer-{gid}"'))
        assert not folded(page.index(f'id="ex-{gid}"'))


def test_reasons_are_told_apart_by_their_first_word():
    lesson, _, _ = _lesson_04()
    gid = next(iter(lesson.points))
    reasons = [f"{gid}: not answered", f"{gid} failed", f"{gid}x: other", "the notebook", ""]
    about, general = exercise_reasons(Result("s", lesson.zero(), "graded", reasons), lesson)
    assert about[gid] == [f"{gid}: not answered", f"{gid} failed"]
    assert general == [f"{gid}x: other", "the notebook", ""]


def test_a_page_without_a_notebook_has_every_reason_in_its_summary():
    lesson, _, _ = _lesson_04()
    result = Result("sam", lesson.zero(), "timeout", ["stopped", *_reasons(lesson)])
    page = feedback_page(result, lesson)
    for reason in result.reasons:
        assert f"<li>{html.escape(reason, quote=False)}</li>" in page
    assert 'href="#' not in page  # no box to link to


@pytest.mark.parametrize("notebook", [LESSON_04, LESSONS[0]])
def test_the_page_runs_and_fetches_nothing(notebook):
    lesson, instructor, released = _setup(notebook)
    page = _page(lesson, copy.deepcopy(released), instructor)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">' in page
    assert CONTENT_POLICY == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"""(href|src)=(?!["']?(#|data:image/png;base64,))""", page)


@pytest.mark.slow
def test_a_graded_submission_shows_the_students_plot_and_the_reasons(tmp_path, python3_kernel):
    """End to end, lesson 01 without a sandbox: one exercise right, with a plot in its
    answer cell; the others left as released."""
    lesson, instructor, released = _setup(LESSONS[0])
    submitted = copy.deepcopy(released)
    answered = next(c for c in submitted.cells if is_solution_cell(c))
    gid = nbgrader_meta(answered)["grade_id"]
    assert gid == "l01-inertia-prediction"
    answered.source = (
        "import matplotlib.pyplot as plt\nplt.plot([0, 1], [1, 0])\nplt.show()\n\n"
        'def my_prediction():\n    return "B"'
    )
    (tmp_path / "subs").mkdir()
    nbformat.write(submitted, tmp_path / "subs" / "sam.ipynb")
    results = grade(
        tmp_path / "subs",
        course_root() / LESSONS[0],
        tmp_path / "grades.csv",
        jobs=1,
        feedback=tmp_path / "feedback",
        sandbox="none",
        progress=False,
    )
    (result,) = results
    assert result.scores[f"{gid}-test"] == 1 and result.total == 1
    page = Path(tmp_path / "feedback" / "sam.html").read_text(encoding="utf-8")
    answer = page.index(f'id="answer-{gid}-test"')
    box = page.index(f'id="ex-{gid}-test"')
    assert '<img alt="a plot" src="data:image/png;base64,iVBOR' in page[answer:box]
    assert f"<strong>{gid}-test: 1 of 1 \u2713</strong>" in page
    for other in set(lesson.points) - {f"{gid}-test"}:
        start = page.index(f'id="ex-{other}"')
        assert "not answered" in page[start : page.index("</div>", start)], other
    blocks = _blocks(instructor)
    assert not _found(_secret(blocks["HIDDEN TESTS"], released), _text(page))
    parser = _Outside()  # the student's own answer is the solution's line: shown, as theirs
    parser.feed(page)
    assert not _found(_secret(blocks["SOLUTION"], released), "".join(parser.outside))
