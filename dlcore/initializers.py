"""Weight initialisation: the starting values of a layer's weight matrix ``W (n_in, n_out)``.

Good scales keep the variance of the signal roughly constant from layer to layer:
Xavier/Glorot for sigmoid and tanh, He for ReLU. Every initialiser takes a
``numpy.random.Generator``, so the same seed always gives the same weights.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .validation import check_choice, check_positive, check_seed

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def _check(n_in: object, n_out: object, rng: object) -> tuple[int, int]:
    n_in = check_positive(n_in, "n_in", integer=True)
    n_out = check_positive(n_out, "n_out", integer=True)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); "
            f"got {type(rng).__name__}"
        )
    return n_in, n_out


def xavier_uniform(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    r"""Xavier/Glorot uniform: $W \sim U(-r, r)$ with $r = \sqrt{6 / (n_{in} + n_{out})}$,
    so $\mathrm{Var}(W) = 2 / (n_{in} + n_{out})$."""
    n_in, n_out = _check(n_in, n_out, rng)
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def xavier_normal(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    r"""Xavier/Glorot normal: $W \sim \mathcal{N}(0, 2 / (n_{in} + n_{out}))$."""
    n_in, n_out = _check(n_in, n_out, rng)
    return rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), size=(n_in, n_out))


def he_normal(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    r"""He (Kaiming) normal, for ReLU layers: $W \sim \mathcal{N}(0, 2 / n_{in})$."""
    n_in, n_out = _check(n_in, n_out, rng)
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))


def he_uniform(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    r"""He uniform: $W \sim U(-r, r)$ with $r = \sqrt{6 / n_{in}}$, so
    $\mathrm{Var}(W) = 2 / n_{in}$."""
    n_in, n_out = _check(n_in, n_out, rng)
    limit = np.sqrt(6.0 / n_in)
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def small_normal(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    r"""Small random numbers: $W \sim \mathcal{N}(0, 0.01^2)$ (fine for shallow networks,
    too small for deep ones: the signal shrinks layer after layer)."""
    n_in, n_out = _check(n_in, n_out, rng)
    return rng.normal(0.0, 0.01, size=(n_in, n_out))


def zeros(n_in: int, n_out: int, rng: np.random.Generator) -> np.ndarray:
    """All zeros. Every hidden unit then computes the same thing and receives the same
    gradient (the symmetry problem): fine for biases, bad for hidden weights."""
    n_in, n_out = _check(n_in, n_out, rng)
    return np.zeros((n_in, n_out))


_INITIALIZERS: dict[str, Initializer] = {
    "xavier": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot": xavier_uniform,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "normal": small_normal,
    "zeros": zeros,
}

NAMES: tuple[str, ...] = tuple(_INITIALIZERS)


def get(name: str) -> Initializer:
    """Return the initialiser called ``name`` (one of :data:`NAMES`)."""
    return _INITIALIZERS[check_choice(name, "init", NAMES)]


def initialize(
    name: str, n_in: int, n_out: int, seed: int | np.random.Generator | None = None
) -> np.ndarray:
    """Return a ``(n_in, n_out)`` weight matrix from the initialiser ``name``.

    ``seed`` is an integer (the same seed gives the same matrix), a
    ``numpy.random.Generator``, or None (fresh randomness).
    """
    init = get(name)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(check_seed(seed))
    return init(n_in, n_out, rng)
