"""Getting the learner's results out of the sandboxed kernel as plain JSON.

After the notebook has run, one extra cell per judged exercise calls the learner's
function on the spec's cases (or reads the learner's value) and writes the results, plain
numbers, strings and lists, to a file of the sandbox's folder named with a random token.
An exercise's driver (its source, run in a fresh namespace) makes each call when it has one.
The grader reads that file (a regular file, bounded) and judges it in its own process.
"""

from __future__ import annotations

import inspect
import json
import textwrap
from pathlib import Path

from course.grading.exercises import Exercise, Outcome
from course.grading.files import read_regular

#: the largest result file read per exercise, in bytes
RESULT_BYTES = 2 * 2**20

_CELL = """\
def _course_harvest(spec):
    import builtins, json, numpy
    from builtins import (Exception, TypeError, bool, callable, enumerate, exec, float,
                          globals, int, isinstance, list, open, str, tuple, type)
    spec = json.loads(spec)
    drive = None
    if spec["driver"]:
        namespace = {"__builtins__": builtins}
        exec(spec["driver"], namespace)
        drive = namespace[spec["driver_name"]]
    def plain(value, depth=0):
        if depth > 8:
            raise TypeError("nested too deeply")
        if value is None or isinstance(value, (bool, int, float, str)):
            return value if not isinstance(value, str) else value[:1000]
        if isinstance(value, numpy.generic):
            return value.item()
        if isinstance(value, numpy.ndarray):
            if value.size > 100000:
                raise TypeError("array too large")
            return value.tolist()
        if isinstance(value, (list, tuple)):
            return [plain(item, depth + 1) for item in value[:100000]]
        raise TypeError(f"cannot send a {type(value).__name__}")
    name = spec["name"]
    outcomes = []
    for args in spec["cases"]:
        args = [numpy.array(a, dtype=float) if i in spec["arrays"] else a
                for i, a in enumerate(args)]
        try:
            target = globals()[name]
            if spec["prediction"]:
                value = target() if callable(target) else target
            elif drive is not None:
                value = drive(target, *args)
            else:
                value = target(*args)
            outcomes.append({"value": plain(value)})
        except Exception as exc:
            outcomes.append({"raised": type(exc).__name__, "message": str(exc)[:200]})
    with open(spec["path"], "w") as handle:
        json.dump({"outcomes": outcomes}, handle)
_course_harvest({spec})
del _course_harvest
"""


def cell_source(exercise: Exercise, name: str, path: Path) -> str:
    """The code that writes ``name``'s results on the exercise's cases to ``path``."""
    spec = {
        "name": name,
        "cases": [list(case) for case in exercise.cases],
        "arrays": list(exercise.arrays),
        "prediction": exercise.prediction,
        "path": str(path),
        "driver": textwrap.dedent(inspect.getsource(exercise.driver)) if exercise.driver else "",
        "driver_name": exercise.driver.__name__ if exercise.driver else "",
    }
    return _CELL.replace("{spec}", repr(json.dumps(spec)))


def read_outcomes(path: Path, cases: int) -> list[Outcome] | str:
    """The outcome of each case from ``path``, or why they cannot be read."""
    try:
        data = json.loads(read_regular(path, RESULT_BYTES))
    except FileNotFoundError:
        return "the function could not be called (no result)"
    except (OSError, ValueError) as exc:
        return f"unreadable results ({str(exc)[:60]})"
    outcomes = data.get("outcomes") if isinstance(data, dict) else None
    if not isinstance(outcomes, list) or len(outcomes) != cases:
        return "malformed results"
    if not all(isinstance(o, dict) for o in outcomes):
        return "malformed results"
    return outcomes
