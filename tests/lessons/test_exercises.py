"""What holds for every exercise in course.exercises, whatever its lesson.

- each library function an exercise withholds exists, so the stand-in really replaces it
  (a misspelt name would withhold nothing, silently);
- the teachers' guide lists every withheld function by its exercise;
- an implement exercise has hints in steps (the idea, then the formula), and no hint holds
  a line of the instructor's solution;
- every exercise has a test cell in its lesson, named as the lesson defines it.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from exercise_util import exercise_cells

from course.exercises import Exercise, builtin

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = sorted(builtin().values(), key=lambda e: e.test_id)
WITHHOLDING = [e for e in EXERCISES if e.library]


def _resolved(dotted: str) -> object:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for step in parts[cut:]:
            owner = getattr(owner, step)
        return owner
    raise ImportError(dotted)


def _lesson(exercise: Exercise) -> str:
    return exercise.test_id[1:3]


def _texts(exercise: Exercise) -> list[str]:
    return [
        *exercise.hints,
        *(m.hint for m in exercise.mistakes),
        *(c.hint for c in exercise.cases),
        *exercise.reasons.values(),
    ]


@pytest.mark.parametrize("exercise", WITHHOLDING, ids=lambda e: e.test_id)
def test_every_withheld_function_exists(exercise):
    for dotted in exercise.library:
        assert callable(_resolved(dotted)), dotted


def test_the_teachers_guide_lists_every_withheld_function():
    guide = (ROOT / "book" / "teachers.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(" `"): line
        for line in guide.splitlines()
        if re.match(r"\| `l\d\d-", line)
    }
    assert WITHHOLDING
    for exercise in WITHHOLDING:
        assert exercise.test_id in rows, f"{exercise.test_id} is not in the guide's table"
        for dotted in exercise.library:
            assert f"`{dotted}`" in rows[exercise.test_id], (exercise.test_id, dotted)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.test_id)
def test_an_implement_exercise_hints_in_steps(exercise):
    if not exercise.prediction:
        assert len(exercise.hints) >= 2, "the idea first, then the formula"


def _code_lines(solution: str) -> list[str]:
    lines = []
    for line in solution.splitlines():
        text = re.sub(r"\s+", "", line.split("#")[0])
        if len(text) >= 12 and not text.startswith(("def", '"""', "return(", "class")):
            lines.append(text)
    return lines


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.test_id)
def test_no_hint_holds_a_line_of_the_solution(exercise):
    solution, _ = exercise_cells(_lesson(exercise))[exercise.test_id]
    for text in _texts(exercise):
        squeezed = re.sub(r"\s+", "", text)
        for line in _code_lines(solution):
            assert line not in squeezed, f"a hint gives the line {line!r}: {text}"


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.test_id)
def test_every_exercise_is_in_its_lesson(exercise):
    cells = exercise_cells(_lesson(exercise))
    assert exercise.test_id in cells, f"no test cell {exercise.test_id}"
    solution, test = cells[exercise.test_id]
    assert exercise.name_in(solution), f"the solution defines none of {exercise.names}"
    assert "check_" in test


def _prose_before(lesson: str, solution_id: str) -> str:
    """The markdown cell that introduces the solution cell ``solution_id``."""
    import nbformat

    from course.editions import is_solution_cell, nbgrader_meta

    (path,) = (ROOT / "learner" / "notebooks").glob(f"{lesson}_*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    (index,) = [
        i for i, c in enumerate(cells) if is_solution_cell(c) and nbgrader_meta(c)["grade_id"]
        == solution_id
    ]  # fmt: skip
    return next(c.source for c in reversed(cells[:index]) if c.cell_type == "markdown")


def _shown_name(dotted: str) -> str:
    """How the lesson names a library function: ``Perceptron.fit``, ``softmax``."""
    *_, owner, name = dotted.split(".")
    return f"{owner}.{name}" if owner[:1].isupper() else name


@pytest.mark.parametrize("exercise", WITHHOLDING, ids=lambda e: e.test_id)
def test_the_learner_edition_says_what_is_withheld_next_to_the_exercise(exercise):
    solution_id = exercise.test_id.removesuffix("-test")
    prose = re.sub(r"\s+", " ", _prose_before(_lesson(exercise), solution_id))
    assert "not available in this exercise" in prose, prose[-300:]
    for dotted in exercise.library:
        if any(part.startswith("_") for part in dotted.split(".")):
            continue  # a private twin of a function the prose names
        assert _shown_name(dotted) in prose, f"{dotted} is not named next to the exercise"


def test_a_result_is_sent_and_shown_as_plain_python_numbers():
    """numpy.float64 is a float: it must still become one, or a reason reads np.float64(...)."""
    import numpy as np

    from course.exercises.calls import plain

    sent = plain(
        {"w": np.array([0.5]), "b": np.float64(-0.25), "n": np.int64(3), "ok": np.bool_(1)}
    )
    assert sent == {"w": [0.5], "b": -0.25, "n": 3, "ok": True}
    assert str(sent) == "{'w': [0.5], 'b': -0.25, 'n': 3, 'ok': True}"
    assert all(type(v) in (list, float, int, bool) for v in sent.values())


def test_an_inherited_method_is_withheld_on_its_class_alone_and_put_back():
    import numpy as np

    import dlcore as dl
    from course.exercises.calls import WITHHELD, withheld

    p, y = np.array([[0.8]]), np.array([[1.0]])
    assert "forward" not in vars(dl.losses.BinaryCrossEntropy)  # inherited from its base
    restore = withheld(["dlcore.losses.BinaryCrossEntropy.forward"])
    try:
        with pytest.raises(RuntimeError, match=f"BinaryCrossEntropy.forward {WITHHELD}"):
            dl.losses.BinaryCrossEntropy().forward(p, y)
        assert np.isclose(dl.losses.MSE().forward(p, y), 0.04)  # the base's other subclasses
    finally:
        restore()
    assert "forward" not in vars(dl.losses.BinaryCrossEntropy)
    assert np.isclose(dl.losses.BinaryCrossEntropy().forward(p, y), -np.log(0.8))


def test_a_decorated_library_function_is_withheld_under_every_name():
    """NumPy's dispatched functions and SciPy's decorated ones: a name taken before the check
    (``from numpy import polyfit``) raises too, and all work again afterwards."""
    from numpy import polyfit
    from scipy.stats import linregress

    from course.exercises.calls import WITHHELD, withheld

    restore = withheld(["numpy.polyfit", "scipy.stats.linregress"])
    try:
        for call in (lambda: polyfit([1, 2, 3], [2, 4, 6], 1), lambda: linregress([1, 2], [3, 5])):
            with pytest.raises(RuntimeError, match=WITHHELD):
                call()
    finally:
        restore()
    assert polyfit([1, 2, 3], [2, 4, 6], 1)[0] == pytest.approx(2.0)
    assert linregress([1, 2, 3], [2, 4, 7]).slope == pytest.approx(2.5)


def test_the_guides_private_cases_example_names_real_exercises_that_run():
    """The teachers' guide's --hidden-tests example: each grade_id exists and each case runs
    through its reference (a teacher copies it as it is)."""
    import json

    guide = (ROOT / "book" / "teachers.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", guide, flags=re.S).group(1)
    example = json.loads(block)
    for test_id, cases in example.items():
        exercise = builtin()[test_id]
        for args in cases:
            assert exercise.expected(tuple(args)) is not None, (test_id, args)


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.test_id)
def test_an_unanswered_exercise_is_told_it_is_a_stub(exercise):
    """The learner edition's own stub of each exercise (a function, a class or a value whose
    body raises NotImplementedError) reaches its check as 'still a stub', never as a
    traceback or a wrong answer."""
    import importlib

    import nbformat
    from exercise_util import HELPERS

    from course.editions import is_solution_cell, nbgrader_meta

    lesson = _lesson(exercise)
    (path,) = (ROOT / "learner" / "notebooks").glob(f"{lesson}_*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    solution_id = exercise.test_id.removesuffix("-test")
    (stub,) = [c.source for c in cells if is_solution_cell(c)
               and nbgrader_meta(c)["grade_id"] == solution_id]  # fmt: skip
    assert "NotImplementedError" in stub
    namespace = dict(HELPERS)
    exec(stub, namespace)
    _, test = exercise_cells(lesson)[exercise.test_id]
    check_name, argument = re.search(r"(check_\w+)\((\w+)\)", test).groups()
    check = getattr(importlib.import_module(f"course.checks.lesson{lesson}"), check_name)
    with pytest.raises(AssertionError, match="still a stub"):
        check(namespace[argument])
