"""Getting the learner's results out of the sandboxed kernel as plain JSON.

After the notebook has run, one extra cell per judged exercise calls the learner's
function on the spec's cases (or reads the learner's value) and displays the results,
plain numbers, strings and lists as JSON text, under :data:`~course.grading.execute.RESULTS_MIME`.
An exercise's driver (its source, run in a fresh namespace) makes each call when it has one.
The grader takes that display message (bounded) and judges it in its own process.

The cell runs in the student's kernel, after the student's code, so a student could make
it display anything; but nothing in the sandbox knows the right results (no reference is
mounted there, :mod:`course.grading.sandbox`), so what it sends is at best what the
student's own code computes. The public cases of every exercise are harvested before any
private one (:func:`phases`), and the grader keeps nothing else from these cells, so no
value shown in a reason and no output in the feedback can carry a private case.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from collections.abc import Sequence
from typing import Any

from course.exercises.calls import called, plain, withheld
from course.grading.execute import RESULTS_MIME
from course.grading.exercises import PRIVATE_WRONG, Exercise, Outcome

#: the largest result read per exercise, in characters
RESULT_BYTES = 2 * 2**20

_CELL = """\
def _course_harvest(spec):
    import builtins, json
    from builtins import Exception, callable, exec, globals, str, type
    from IPython.display import publish_display_data
    spec = json.loads(spec)
    tools = {"__builtins__": builtins}
    exec(spec["tools"], tools)
    drive = None
    if spec["driver"]:
        namespace = {"__builtins__": builtins}
        exec(spec["driver"], namespace)
        drive = namespace[spec["driver_name"]]
    name = spec["name"]
    outcomes = []
    for args in spec["cases"]:
        if name not in globals():
            outcomes.append({"undefined": True})
            continue
        restore = tools["withheld"](spec["library"])
        try:
            target = globals()[name]
            if spec["prediction"]:
                value = target() if callable(target) else target
            else:
                value = tools["called"](target, args, spec["arrays"], drive)
            outcomes.append({"value": tools["plain"](value)})
        except Exception as exc:
            outcomes.append({"raised": type(exc).__name__, "message": str(exc)[:200]})
        finally:
            restore()
    publish_display_data({spec["mime"]: json.dumps({"outcomes": outcomes})})
_course_harvest({spec})
del _course_harvest
"""
#: the functions of :mod:`course.exercises.calls` the harvest cell runs, as source
TOOLS = "\n\n".join(
    textwrap.dedent(inspect.getsource(function)) for function in (plain, called, withheld)
)


def cell_source(exercise: Exercise, name: str, cases: Sequence[Any]) -> str:
    """The code that displays ``name``'s results on ``cases``, some of the exercise's."""
    spec = {
        "name": name,
        "cases": [list(case.args) for case in cases],
        "arrays": list(exercise.arrays),
        "prediction": exercise.prediction,
        "library": list(exercise.library),
        "mime": RESULTS_MIME,
        "tools": TOOLS,
        "driver": textwrap.dedent(inspect.getsource(exercise.driver)) if exercise.driver else "",
        "driver_name": exercise.driver.__name__ if exercise.driver else "",
    }
    return _CELL.replace("{spec}", repr(json.dumps(spec)))


def read_outcomes(text: object, cases: int) -> list[Outcome] | str:
    """The outcome of each case from the harvest cell's JSON ``text`` (None when it sent
    none), or why they cannot be read."""
    if text is None:
        return "the function could not be called (no result)"
    if not isinstance(text, str) or len(text) > RESULT_BYTES:
        return "malformed results"
    try:
        data = json.loads(text)
    except Exception:  # not JSON, or nested too deeply; its message could carry a case
        return "unreadable results"
    outcomes = data.get("outcomes") if isinstance(data, dict) else None
    if not isinstance(outcomes, list) or len(outcomes) != cases:
        return "malformed results"
    if not all(isinstance(o, dict) for o in outcomes):
        return "malformed results"
    return outcomes


def phases(exercises: dict[str, Exercise]) -> list[tuple[str, tuple, bool]]:
    """The harvest cells to run, as (test id, cases, private): every exercise's public
    cases, then every exercise's private cases (those past ``Exercise.public``)."""
    public = [(gid, ex.cases[: _public(ex)], False) for gid, ex in exercises.items()]
    private = [(gid, ex.cases[_public(ex) :], True) for gid, ex in exercises.items()]
    return [cell for cell in public + private if cell[1]]


def _public(exercise: Exercise) -> int:
    return len(exercise.cases) if exercise.public is None else exercise.public


def gathered(
    exercises: dict[str, Exercise], cells: list[tuple[str, tuple, bool]], results: list[object]
) -> dict[str, list[Outcome] | str]:
    """Each exercise's outcomes from the results of its harvest ``cells``, in case order, or
    why they cannot be read (for private cases, only that they were wrong: the student's
    code chooses how they fail, and could spell a case that way)."""
    found: dict[str, list[Outcome] | str] = {gid: [] for gid in exercises}
    for (gid, cases, private), text in zip(cells, results, strict=True):
        outcomes = read_outcomes(text, len(cases))
        if isinstance(found[gid], str):
            continue
        if private and isinstance(outcomes, str):
            outcomes = PRIVATE_WRONG
        found[gid] = outcomes if isinstance(outcomes, str) else [*found[gid], *outcomes]
    return found
