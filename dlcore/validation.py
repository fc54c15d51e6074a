"""Input checks shared by every public function of dlcore (public: course uses them too).

Each check raises a ValueError (TypeError for a wrong type) that names the argument,
what was received and what was expected, so a learner sees at once what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral, Real
from typing import Literal, overload

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def as_array(
    value: object,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype: type = np.float64,
    allow_empty: bool = False,
) -> FloatArray:
    """Return ``value`` as a finite float array, checking its number of dimensions.

    Complex numbers are refused (TypeError): casting them to float would silently drop
    their imaginary part.
    """
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be array-like of numbers; got {type(value).__name__} ({exc})"
        ) from exc
    if np.iscomplexobj(raw):
        raise TypeError(
            f"{name} must hold real numbers; got complex values (dtype {raw.dtype}); "
            "take the real part (np.real) or the magnitude (np.abs) first"
        )
    try:
        arr: FloatArray = raw.astype(dtype, copy=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be array-like of numbers; got {type(value).__name__} ({exc})"
        ) from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else ndim
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}; got an array of shape {arr.shape}")
    if arr.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty; got an array of shape {arr.shape}")
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} must hold finite numbers; got {bad} NaN or infinite value(s)")
    return arr


def check_same_length(a: np.ndarray, name_a: str, b: np.ndarray, name_b: str) -> None:
    """Raise when two arrays do not have the same number of samples (rows)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples; "
            f"got {a.shape[0]} and {b.shape[0]} (shapes {a.shape} and {b.shape})"
        )


@overload
def check_positive(value: object, name: str, *, integer: Literal[True]) -> int: ...


@overload
def check_positive(value: object, name: str, *, integer: Literal[False] = False) -> float: ...


def check_positive(value: object, name: str, *, integer: bool = False) -> float:
    """Return ``value`` if it is a positive number (an int when ``integer``)."""
    kind = Integral if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind):
        want = "a positive integer" if integer else "a positive number"
        raise TypeError(f"{name} must be {want}; got {value!r} ({type(value).__name__})")
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        want = "a positive integer" if integer else "a positive finite number"
        raise ValueError(f"{name} must be {want}; got {value!r}")
    return int(value) if integer else number  # type: ignore[call-overload]


def check_non_negative(value: object, name: str) -> float:
    """Return ``value`` if it is a finite number >= 0."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a number >= 0; got {value!r} ({type(value).__name__})")
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return number


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``choices``; the error lists the valid ones."""
    options = sorted(choices)
    if not isinstance(value, str) or value not in options:
        raise ValueError(f"unknown {name} {value!r}; expected one of: {', '.join(options)}")
    return value


def check_seed(seed: object, name: str = "seed") -> int | None:
    """Return ``seed`` if it is None or a non-negative integer."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ValueError(f"{name} must be None or a non-negative integer; got {seed!r}")
    return int(seed)


def check_fraction(value: object, name: str) -> float:
    """Return ``value`` if it is a number in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{name} must be a number in [0, 1); got {value!r} ({type(value).__name__})"
        )
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(f"{name} must be a number in [0, 1); got {value!r}")
    return float(value)
