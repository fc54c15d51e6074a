"""Instant-feedback checks for the lessons' exercises.

Each check runs an exercise of :mod:`course.exercises` on its public cases, as the grader
will, and passes quietly with one success line, or raises ``CheckFailed`` (an
AssertionError that IPython shows as its message alone, without a traceback) naming the
first wrong case, the typical mistake it looks like, and one more step of the exercise's
hints after each wrong answer. ``from course.checks import check_weighted_sum`` works for
every lesson's checks; each lesson's live in ``course/checks/lessonNN.py`` and are listed
in its ``__all__``
(the names starting ``check_`` are the checks).
"""

import importlib as _importlib
import pkgutil as _pkgutil
import re as _re

from course.checks._core import reset_hints

__all__: list[str] = ["reset_hints"]
for _module in sorted(_pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _re.fullmatch(r"lesson\d\d", _module.name):
        _lesson = _importlib.import_module(f"{__name__}.{_module.name}")
        for _name in _lesson.__all__:
            if _name.startswith("check_"):
                globals()[_name] = getattr(_lesson, _name)
                __all__.append(_name)
__all__.sort()
