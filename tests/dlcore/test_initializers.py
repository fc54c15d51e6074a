"""dlcore.initializers: shapes, scales, reproducibility, names and errors."""

import numpy as np
import pytest

from dlcore import initializers as init

FUNCTIONS = [
    init.xavier_uniform,
    init.xavier_normal,
    init.he_normal,
    init.he_uniform,
    init.small_normal,
    init.zeros,
]


@pytest.mark.parametrize("fn", FUNCTIONS)
def test_shape_and_dtype(fn):
    W = fn(3, 5, np.random.default_rng(0))
    assert W.shape == (3, 5) and W.dtype == np.float64


@pytest.mark.parametrize(
    ("fn", "std"),
    [
        (init.xavier_uniform, np.sqrt(2 / (400 + 600))),
        (init.xavier_normal, np.sqrt(2 / (400 + 600))),
        (init.he_normal, np.sqrt(2 / 400)),
        (init.he_uniform, np.sqrt(2 / 400)),
        (init.small_normal, 0.01),
    ],
)
def test_standard_deviation_matches_the_formula(fn, std):
    W = fn(400, 600, np.random.default_rng(1))
    assert abs(W.mean()) < 0.01 * std
    assert W.std() == pytest.approx(std, rel=0.02)


def test_uniform_initialisers_stay_inside_their_limits():
    rng = np.random.default_rng(2)
    assert np.abs(init.xavier_uniform(30, 50, rng)).max() <= np.sqrt(6 / 80)
    assert np.abs(init.he_uniform(30, 50, rng)).max() <= np.sqrt(6 / 30)


def test_zeros_are_zeros():
    assert not np.any(init.zeros(4, 2, np.random.default_rng(0)))


def test_same_seed_same_weights_other_seed_other_weights():
    a = init.initialize("he", 4, 3, seed=7)
    np.testing.assert_array_equal(a, init.initialize("he", 4, 3, seed=7))
    assert not np.array_equal(a, init.initialize("he", 4, 3, seed=8))
    rng = np.random.default_rng(7)
    np.testing.assert_array_equal(init.initialize("he", 4, 3, seed=rng), a)


def test_names_and_aliases():
    assert init.get("xavier") is init.xavier_uniform
    assert init.get("glorot") is init.xavier_uniform
    assert init.get("he") is init.he_normal
    assert init.get("normal") is init.small_normal
    for name in init.NAMES:
        assert init.get(name)(2, 2, np.random.default_rng(0)).shape == (2, 2)
    with pytest.raises(ValueError, match="unknown init 'kaiming'; expected one of: glorot, he"):
        init.get("kaiming")


def test_bad_arguments_are_named():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="n_in must be a positive integer; got 0"):
        init.xavier_uniform(0, 3, rng)
    with pytest.raises(TypeError, match=r"n_out must be a positive integer; got 2.5"):
        init.he_normal(3, 2.5, rng)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator.*got int"):
        init.zeros(2, 2, 0)
    with pytest.raises(ValueError, match="seed must be None or a non-negative integer; got -1"):
        init.initialize("he", 2, 2, seed=-1)
