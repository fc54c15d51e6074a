"""The syllabus is the one list of lessons: notebooks/ and the README follow it."""

import json
import re
from pathlib import Path

import pytest

from course import syllabus
from course.errors import CourseError

ROOT = Path(__file__).resolve().parents[2]


def test_lessons_are_numbered_in_order_with_unique_slugs():
    numbers = [lesson.number for lesson in syllabus.LESSONS]
    assert numbers == list(range(1, 13))
    slugs = [lesson.slug for lesson in syllabus.LESSONS]
    assert len(set(slugs)) == len(slugs)
    for lesson in syllabus.LESSONS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", lesson.slug), lesson.slug
        assert lesson.sections and lesson.goals, lesson.id


def test_every_notebook_in_notebooks_is_a_syllabus_lesson():
    listed = {Path(lesson.notebook).name for lesson in syllabus.LESSONS}
    present = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert present, "no lesson notebooks found"
    assert present <= listed, f"notebooks not in the syllabus: {sorted(present - listed)}"


def test_ready_lessons_come_first_with_no_gap():
    statuses = [lesson.status(ROOT) for lesson in syllabus.LESSONS]
    n_ready = statuses.count("ready")
    assert n_ready >= 3
    assert statuses == ["ready"] * n_ready + ["planned"] * (len(statuses) - n_ready)
    assert [lesson.number for lesson in syllabus.ready(ROOT)] == list(range(1, n_ready + 1))


def test_readme_table_matches_the_syllabus():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("<!-- syllabus:start", 1)[1].split("<!-- syllabus:end -->", 1)[0]
    rows = [line for line in block.splitlines() if re.match(r"\| \d\d \|", line)]
    expected = [
        f"| {lesson.id} | {lesson.title} | `{lesson.notebook}` | {lesson.status(ROOT)} |"
        for lesson in syllabus.LESSONS
    ]
    assert rows == expected


@pytest.mark.parametrize(
    "key", [3, "3", "03", "perceptron", "03_perceptron", "x/03_perceptron.ipynb"]
)
def test_get_finds_a_lesson_by_number_slug_or_file(key):
    assert syllabus.get(key).slug == "perceptron"


def test_get_unknown_lesson_lists_the_valid_ones():
    with pytest.raises(CourseError, match=r"unknown lesson '99'.*01 \(ai-ml-dl\)"):
        syllabus.get("99")


def test_course_root_is_the_repository():
    assert syllabus.course_root() == ROOT


def test_the_notes_ledger_owns_every_line_of_the_notes_exactly_once():
    owners: dict[int, list[str]] = {}
    for lesson in syllabus.LESSONS:
        for part in lesson.notes:
            assert 1 <= part.first <= part.last <= syllabus.NOTES_LINES, (lesson.id, part)
            for line in range(part.first, part.last + 1):
                owners.setdefault(line, []).append(lesson.id)
    unowned = [n for n in range(1, syllabus.NOTES_LINES + 1) if n not in owners]
    shared = {n: ids for n, ids in owners.items() if len(ids) > 1}
    assert not unowned, f"notes lines owned by no lesson: {unowned[:10]}..."
    assert not shared, f"notes lines owned twice: {dict(list(shared.items())[:5])}"


def _headings(lesson: syllabus.Lesson) -> list[str]:
    nb = json.loads((ROOT / lesson.notebook).read_text(encoding="utf-8"))
    return [
        line.lstrip("#").strip().lower()
        for cell in nb["cells"]
        if cell["cell_type"] == "markdown"
        for line in "".join(cell["source"]).splitlines()
        if line.startswith("#")
    ]


@pytest.mark.parametrize("lesson", syllabus.ready(ROOT), ids=lambda les: les.id)
def test_every_ledger_range_of_a_ready_lesson_points_at_one_of_its_headings(lesson):
    headings = _headings(lesson)
    for part in lesson.notes:
        found = [h for h in headings if part.heading.lower() in h]
        assert found, f"notes lines {part.first}-{part.last}: no heading with {part.heading!r}"
