"""dlcore.Perceptron: Rosenblatt's rule, learning on separable data, replay and errors."""

import numpy as np
import pytest

from dlcore import Perceptron
from dlcore.datasets import make_circles, make_linear, make_xor


def test_update_applies_rosenblatts_rule_by_hand():
    p = Perceptron(lr=0.5).initialize(2)
    # z = 0 -> y_hat = 1, label 0 -> e = -1: w = 0 - 0.5 * [1, 2], b = -0.5
    assert p.update(np.array([1.0, 2.0]), 0) == -1
    np.testing.assert_allclose(p.w, [-0.5, -1.0])
    assert p.b == -0.5
    # now z = -0.5*3 - 1*1 - 0.5 < 0 -> y_hat = 0, label 0: no change
    assert p.update(np.array([3.0, 1.0]), 0) == 0
    np.testing.assert_allclose(p.w, [-0.5, -1.0])
    # label 1 for the same point: e = +1
    assert p.update(np.array([3.0, 1.0]), 1) == 1
    np.testing.assert_allclose(p.w, [1.0, -0.5])
    assert p.b == 0.0


def test_predict_uses_the_step_function_with_step_at_zero():
    p = Perceptron().initialize(2)
    p.w[:] = [1.0, -1.0]
    np.testing.assert_array_equal(p.predict([[2.0, 1.0], [1.0, 1.0], [0.0, 1.0]]), [1, 1, 0])
    np.testing.assert_allclose(p.weighted_sum([[2.0, 1.0], [0.0, 1.0]]), [1.0, -1.0])
    assert p.predict([1.0, 3.0]) == 0  # a single sample


def test_learns_linearly_separable_data_to_zero_errors():
    X, y = make_linear(100, seed=3)
    p = Perceptron(epochs=50, seed=0).fit(X, y)
    assert p.errors_[-1] == 0
    assert len(p.errors_) < 50  # stopped early after the first clean epoch
    assert p.score(X, y) == 1.0


def test_steps_replay_the_learning():
    X, y = make_linear(40, seed=1)
    p = Perceptron(epochs=30, seed=2).fit(X, y)
    assert len(p.steps_) == len(X) * len(p.errors_)
    w, b = np.zeros(2), 0.0
    for epoch, errors in enumerate(p.errors_):
        steps = [s for s in p.steps_ if s.epoch == epoch]
        assert sorted(s.index for s in steps) == list(range(len(X)))  # each sample once
        assert sum(s.updated for s in steps) == errors
        for s in steps:
            e = s.y - s.y_hat
            assert s.updated == (e != 0)
            np.testing.assert_array_equal(s.x, X[s.index])
            w, b = w + p.lr * e * s.x, b + p.lr * e  # replay the rule
            np.testing.assert_allclose(s.w, w)
            assert s.b == pytest.approx(b)
    np.testing.assert_allclose(p.w, w)


def test_steps_hold_copies_of_the_weights():
    X, y = make_linear(20, seed=0)
    p = Perceptron(epochs=10).fit(X, y)
    assert p.steps_[0].w is not p.w
    assert not all(np.array_equal(s.w, p.w) for s in p.steps_)


def test_cannot_separate_circles_or_xor():
    for X, y in (make_circles(200, seed=0), make_xor(200, seed=0)):
        p = Perceptron(epochs=30).fit(X, y)
        assert len(p.errors_) == 30 and min(p.errors_) > 0
        assert p.score(X, y) < 0.9


def test_seed_and_shuffle_control_the_order():
    X, y = make_linear(30, seed=0)
    a = Perceptron(seed=1).fit(X, y)
    b = Perceptron(seed=1).fit(X, y)
    c = Perceptron(seed=2).fit(X, y)
    order = [s.index for s in a.steps_]
    assert order == [s.index for s in b.steps_]
    assert order != [s.index for s in c.steps_]
    d = Perceptron(shuffle=False).fit(X, y)
    assert [s.index for s in d.steps_[: len(X)]] == list(range(len(X)))


def test_constructor_rejects_bad_settings():
    with pytest.raises(ValueError, match="lr must be a positive finite number; got 0"):
        Perceptron(lr=0)
    with pytest.raises(ValueError, match="lr must be a positive finite number; got -1"):
        Perceptron(lr=-1.0)
    with pytest.raises(ValueError, match="epochs must be a positive integer; got 0"):
        Perceptron(epochs=0)
    with pytest.raises(TypeError, match="epochs must be a positive integer; got 2.5"):
        Perceptron(epochs=2.5)
    with pytest.raises(ValueError, match="seed must be None or a non-negative integer"):
        Perceptron(seed=-3)


def test_fit_rejects_bad_data():
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    p = Perceptron()
    with pytest.raises(ValueError, match=r"y must hold class labels 0 and 1; got \[-1.0, 2.0\]"):
        p.fit(X, [-1, 2])
    with pytest.raises(ValueError, match=r"X must be 2-D; got an array of shape \(2,\)"):
        p.fit([1.0, 2.0], [0, 1])
    with pytest.raises(
        ValueError, match="X and y must have the same number of samples; got 2 and 3"
    ):
        p.fit(X, [0, 1, 1])
    with pytest.raises(ValueError, match="X must hold finite numbers"):
        p.fit([[np.nan, 1.0], [0.0, 1.0]], [0, 1])


def test_predict_needs_weights_and_the_right_number_of_features():
    with pytest.raises(RuntimeError, match="call fit"):
        Perceptron().predict([[1.0, 2.0]])
    p = Perceptron().initialize(2)
    with pytest.raises(ValueError, match=r"X must have 2 features \(columns\); got shape \(1, 3\)"):
        p.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="y must be a class label 0 or 1; got 3"):
        p.update([1.0, 2.0], 3)
