"""Every exercise of the course, in one home: what is asked, what is right, what to say.

An :class:`Exercise` holds the grade_id of its test cell, the name the solution cell
defines, the public cases, the reference (dlcore's function wherever dlcore has one), the
right choice of a predict-then-run question, the typical mistakes with the hint that names
each, the hints in steps (the idea, then the formula, never the code), the points of each
case, and the library functions it implements. Both halves of ``course`` are built from
it, so they agree by construction:

- the instant feedback, :mod:`course.checks`, runs the public cases in the learner's
  kernel and explains the first wrong one;
- the grader, :mod:`course.grading`, runs every case (a teacher's private ones too) in
  the sandboxed kernel, brings the results back as JSON and judges them in its own
  process, with the same :meth:`Exercise.verdict`.

Each lesson's exercises are ``EXERCISES`` in ``course/exercises/lessonNN.py``; a teacher's
own come in the same form (``course grade --exercises FILE``). This package uses NumPy and
dlcore only: no Jupyter, no files.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from course.exercises.calls import called, plain, tagged_args

__all__ = [
    "LEAST_SQUARES",
    "TORCH_SOFTMAX",
    "Case",
    "Compare",
    "Exercise",
    "Mistake",
    "builtin",
    "choice_letter",
    "close",
    "equal",
    "implement",
    "predict",
    "tagged_args",
]

#: the library functions that fit a least-squares line in one call (withheld where an
#: exercise asks for that line)
LEAST_SQUARES = (
    "numpy.polyfit",
    "numpy.linalg.lstsq",
    "numpy.linalg.pinv",
    "numpy.polynomial.polynomial.polyfit",
    "scipy.stats.linregress",
)
#: PyTorch's softmax under each of its names (withheld where an exercise asks to write it;
#: each is skipped where PyTorch is not installed)
TORCH_SOFTMAX = (
    "torch.softmax",
    "torch.nn.functional.softmax",
    "torch.special.softmax",
    "torch.Tensor.softmax",
)
#: a comparison of a plain result with the expected one: None when right, else what differs
Compare = Callable[[Any, Any], "str | None"]
#: an outcome the kernel sends back: {"value": plain JSON} or {"raised": name, "message": str}
Outcome = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One call of the learner's function: its JSON ``args``, the ``hint`` shown when this
    case is wrong and no typical mistake explains it (what the case is about), and the
    ``points`` it is worth relative to the exercise's other cases."""

    args: tuple[Any, ...]
    hint: str = ""
    points: float = 1.0
    #: how the check names the call, when not ``name(args...)``
    label: str = ""


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer and the hint that names it.

    ``wrong`` computes what the mistaken answer returns for a case's arguments (called as
    the reference is), or, for a predict-then-run question, is the wrong letter.
    """

    wrong: Callable[..., Any] | str
    hint: str


def _fitted(array: np.ndarray, fit: str) -> np.ndarray:
    return {"exact": array, "squeeze": np.squeeze(array), "flat": array.reshape(-1)}[fit]


def _short(value: Any) -> str:
    return str(value)[:60]


def _close(atol: float, rtol: float, fit: str, expected: Any, got: Any) -> str | None:
    want = _fitted(np.asarray(expected, dtype=float), fit)
    try:
        have = _fitted(np.asarray(got, dtype=float), fit)
    except (TypeError, ValueError):
        return f"expected a number or array, got {_short(got)}"
    if have.shape != want.shape and want.shape == ():
        return f"expected one number, got an array of shape {have.shape}"
    if have.shape != want.shape:
        return f"expected shape {want.shape}, got {have.shape}"
    if not np.allclose(have, want, atol=atol, rtol=rtol):
        return f"expected {_short(np.round(want, 6).tolist())}, got {_short(got)}"
    return None


#: how a result's shape must match the reference's: exactly, up to axes of length 1, or
#: only in its number of entries
FITS = ("exact", "squeeze", "flat")


def close(atol: float = 1e-8, rtol: float = 1e-7, fit: str = "exact") -> Compare:
    """Right when the result has the reference's shape and is close to it: ``|got - expected|
    <= atol + rtol |expected|``. ``fit="squeeze"`` ignores axes of length 1 (a number and
    ``[number]`` are the same answer); ``fit="flat"`` compares only the number of entries."""
    if fit not in FITS:
        raise ValueError(f"fit must be one of {', '.join(FITS)}, got {fit!r}")
    return functools.partial(_close, atol, rtol, fit)


def _equal(expected: Any, got: Any) -> str | None:
    return None if got == expected else f"expected {_short(expected)}, got {_short(got)}"


#: right when the plain result equals the expected one exactly (strings, lists, integers)
equal: Compare = _equal


def choice_letter(answer: object, letters: Collection[str]) -> str | None:
    """The letter a multiple-choice answer names ("B", "b", " (b) ", "B) because ..."), or None."""
    if not isinstance(answer, str):
        return None
    text = answer.strip().lstrip("(").strip().upper()
    if text[:1] in letters and (len(text) == 1 or not text[1].isalpha()):
        return text[0]
    return None


@dataclass(frozen=True)
class Exercise:
    """One exercise: how its answer is called, what is right, and what to say when not.

    ``test_id`` is the grade_id of its test cell; ``names`` the function or value the
    solution cell defines (the first one found is used). An implement exercise has
    ``cases`` and a ``reference``; a predict-then-run one has the right letter ``answer``
    and a reason for every letter in ``reasons``. ``public`` is how many of the cases may
    be shown (the rest are a teacher's private ones); ``library`` names the functions the
    exercise implements, which raise while the learner's answer runs. A ``partial``
    exercise spreads its points over its cases by their ``points``.
    """

    test_id: str
    names: tuple[str, ...]
    cases: tuple[Case, ...] = (Case(()),)
    reference: Callable[..., Any] | None = None
    compare: Compare = field(default_factory=close)
    hints: tuple[str, ...] = ()
    mistakes: tuple[Mistake, ...] = ()
    arrays: tuple[int, ...] = ()
    driver: Callable[..., Any] | None = None
    library: tuple[str, ...] = ()
    success: str = ""
    answer: str | None = None
    reasons: Mapping[str, str] = field(default_factory=dict)
    public: int | None = None
    #: each case earns its own points (else the exercise scores all or nothing)
    partial: bool = False

    @property
    def prediction(self) -> bool:
        """Whether this is a predict-then-run question (a letter, judged once)."""
        return self.answer is not None

    @property
    def shown(self) -> tuple[Case, ...]:
        """The cases a reason may show: all but a teacher's private ones."""
        return self.cases if self.public is None else self.cases[: self.public]

    def name_in(self, solution: str) -> str | None:
        """The first of ``names`` the solution cell's source defines, or None."""
        for name in self.names:
            pattern = rf"^\s*((def|class)\s+{name}\b|{name}\s*=)"
            if re.search(pattern, solution, flags=re.M):
                return name
        return None

    def expected(self, args: tuple[Any, ...]) -> Any:
        """The reference's result on ``args``, as plain JSON values."""
        if self.reference is None:
            raise ValueError(f"{self.test_id} has no reference")
        return plain(called(self.reference, args, self.arrays, self.driver))

    def letter(self, value: Any) -> str | None:
        """The letter a predict-then-run answer names, or None."""
        return choice_letter(value, self.reasons)

    def verdict(self, args: tuple[Any, ...], value: Any) -> str | None:
        """None when ``value``, the learner's plain result on ``args``, is right; else what
        is wrong with it."""
        if self.prediction:
            letter = self.letter(value)
            if letter is None:
                options = ", ".join(f"'{key}'" for key in self.reasons)
                return f"expected one of the letters {options}, got {_short(value)}"
            return None if letter == self.answer else f"not the right choice ({letter})"
        return self.compare(self.expected(args), value)

    def diagnosis(self, args: tuple[Any, ...], value: Any) -> str:
        """The hint of the first typical mistake that gives ``value`` on ``args``, or ""."""
        for mistake in self.mistakes:
            if isinstance(mistake.wrong, str):
                if self.prediction and self.letter(value) == mistake.wrong:
                    return mistake.hint
                continue
            try:
                wrong = plain(called(mistake.wrong, args, self.arrays, self.driver))
                if self.compare(wrong, value) is None:
                    return mistake.hint
            except Exception:  # a mistake that does not apply to this case
                continue
        return ""

    def judge(self, args: tuple[Any, ...], outcome: Outcome) -> str | None:
        """The verdict on an outcome the kernel sent back (a value, or what it raised)."""
        if "raised" in outcome:
            return f"raised {outcome['raised']}: {str(outcome.get('message', ''))[:200]}"
        if "value" not in outcome:
            return "sent no result"
        return self.verdict(args, outcome["value"])


def implement(
    test_id: str,
    name: str | tuple[str, ...],
    cases: Collection[Case | tuple[Any, ...]],
    reference: Callable[..., Any],
    **options: Any,
) -> Exercise:
    """An implement exercise: the learner's ``name`` must agree with ``reference`` on every
    case (a bare tuple is a case of one point with no hint of its own)."""
    names = (name,) if isinstance(name, str) else tuple(name)
    each = tuple(c if isinstance(c, Case) else Case(tuple(c)) for c in cases)
    return Exercise(test_id, names, each, reference, **options)


def predict(
    test_id: str,
    answer: str,
    reasons: Mapping[str, str],
    hints: Mapping[str, str] | tuple[str, ...] = (),
    names: tuple[str, ...] = ("my_prediction",),
    **options: Any,
) -> Exercise:
    """A predict-then-run question whose right letter is ``answer``; ``reasons`` says what
    every letter means, ``hints`` (one per wrong letter, or steps) where to look."""
    if answer not in reasons:
        raise ValueError(f"{test_id}: the answer {answer!r} is not one of {sorted(reasons)}")
    if isinstance(hints, Mapping):
        options["mistakes"] = tuple(Mistake(letter, hint) for letter, hint in hints.items())
        hints = ()
    return Exercise(test_id, names, answer=answer, reasons=dict(reasons), hints=hints, **options)


@functools.cache
def builtin() -> dict[str, Exercise]:
    """Every exercise of the course's lessons, by its test cell's grade_id."""
    found: dict[str, Exercise] = {}
    for module in pkgutil.iter_modules(__path__):
        if re.fullmatch(r"lesson\d\d", module.name):
            for exercise in importlib.import_module(f"{__name__}.{module.name}").EXERCISES:
                found[exercise.test_id] = exercise
    return found
