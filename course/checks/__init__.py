"""Instant-feedback checks for the lessons' exercises.

Each check runs an exercise of :mod:`course.exercises` on its public cases, as the grader
will, and passes quietly with one success line, or raises ``CheckFailed`` (an
AssertionError that IPython shows as its message alone, without a traceback) naming the
first wrong case, the typical mistake it looks like, and one more step of the exercise's
hints after each wrong answer. ``from course.checks import check_weighted_sum`` works for
every lesson's checks; each lesson's live in ``course/checks/lessonNN.py`` and are listed
in its ``__all__`` (the names starting ``check_`` are the checks).

A lesson imports its own module, ``from course.checks.lesson05 import check_softmax``, and
loads no other lesson's exercises: the names of this package are found on first use (PEP
562), one lesson module at a time.
"""

import importlib as _importlib
import pkgutil as _pkgutil
import re as _re
from types import ModuleType as _ModuleType

from course.checks._core import reset_hints as reset_hints

_LESSONS = sorted(
    m.name for m in _pkgutil.iter_modules(__path__) if _re.fullmatch(r"lesson\d\d", m.name)
)


def _lesson(name: str) -> _ModuleType:
    return _importlib.import_module(f"{__name__}.{name}")


def _checks(module: _ModuleType) -> list[str]:
    return [name for name in module.__all__ if name.startswith("check_")]


def _all() -> list[str]:
    return sorted(["reset_hints", *(c for m in _LESSONS for c in _checks(_lesson(m)))])


def __getattr__(name: str) -> object:
    if name == "__all__":
        return _all()
    if name.startswith("check_"):
        for lesson in _LESSONS:
            module = _lesson(lesson)
            if name in _checks(module):
                return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_all(), *_LESSONS])
