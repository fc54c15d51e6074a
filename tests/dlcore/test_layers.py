"""Dense, BatchNorm and Residual: forward formulas, backward formulas, modes, validation."""

import numpy as np
import pytest

import dlcore as dl


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_dense_forward_is_activation_of_xw_plus_b(rng):
    layer = dl.Dense(3, 2, activation="tanh", seed=0)
    layer.b[:] = [0.5, -0.5]
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(layer.forward(X), np.tanh(X @ layer.W + layer.b))
    assert layer.W.shape == (3, 2) and layer.b.shape == (2,)


def test_dense_backward_gives_the_chain_rule_gradients(rng):
    layer = dl.Dense(3, 2, activation="sigmoid", seed=1)
    X = rng.normal(size=(5, 3))
    A = layer.forward(X)
    dA = rng.normal(size=(5, 2))
    dX = layer.backward(dA)
    dZ = dA * A * (1 - A)
    np.testing.assert_allclose(layer.dW, X.T @ dZ)
    np.testing.assert_allclose(layer.db, dZ.sum(axis=0))
    np.testing.assert_allclose(dX, dZ @ layer.W.T)


def test_dense_initialisation_is_seeded_and_biases_start_at_zero():
    a = dl.Dense(4, 3, init="he", seed=5)
    b = dl.Dense(4, 3, init="he", seed=5)
    c = dl.Dense(4, 3, init="he", seed=6)
    np.testing.assert_array_equal(a.W, b.W)
    assert not np.array_equal(a.W, c.W)
    np.testing.assert_array_equal(a.b, np.zeros(3))
    np.testing.assert_array_equal(dl.Dense(4, 3, init="zeros").W, np.zeros((4, 3)))


def test_dense_parameters_are_the_live_arrays():
    layer = dl.Dense(2, 2, seed=0)
    names = [name for name, _, _ in layer.parameters()]
    assert names == ["W", "b"]
    _, W, dW = layer.parameters()[0]
    assert W is layer.W and dW is layer.dW


def test_dense_rejects_the_wrong_number_of_features():
    layer = dl.Dense(3, 2)
    with pytest.raises(ValueError, match=r"expected n_in=3 .*shape \(4, 5\)"):
        layer.forward(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        layer.forward(np.zeros(3))


def test_dense_rejects_a_gradient_of_the_wrong_shape_and_backward_before_forward():
    layer = dl.Dense(3, 2)
    with pytest.raises(RuntimeError, match="before forward"):
        layer.backward(np.zeros((4, 2)))
    layer.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"dA must have the shape .*\(4, 2\)"):
        layer.backward(np.zeros((4, 3)))


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"init": "gaussian"}, ValueError, "unknown init 'gaussian'; expected one of"),
        ({"activation": "swish"}, ValueError, "unknown activation 'swish'; expected one of"),
        ({"n_in": 0}, ValueError, "n_in must be a positive integer; got 0"),
        ({"n_out": 2.5}, TypeError, "n_out must be a positive integer"),
    ],
)
def test_dense_rejects_bad_arguments(kwargs, error, message):
    args = {"n_in": 2, "n_out": 2, **kwargs}
    with pytest.raises(error, match=message):
        dl.Dense(**args)


def test_batchnorm_training_mode_normalises_each_feature(rng):
    X = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.1], size=(64, 2))
    out = dl.BatchNorm(2).forward(X, training=True)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, atol=1e-3)


def test_batchnorm_running_statistics_follow_the_moving_average(rng):
    bn = dl.BatchNorm(2, momentum=0.9)
    X = rng.normal(loc=[5.0, -3.0], scale=[2.0, 0.5], size=(32, 2))
    bn.forward(X, training=True)
    np.testing.assert_allclose(bn.running_mean, 0.1 * X.mean(axis=0))
    np.testing.assert_allclose(bn.running_var, 0.9 * 1.0 + 0.1 * X.var(axis=0))
    for _ in range(200):
        bn.forward(X, training=True)
    np.testing.assert_allclose(bn.running_mean, X.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(bn.running_var, X.var(axis=0), rtol=1e-6)


def test_batchnorm_eval_mode_uses_running_statistics_and_does_not_update_them(rng):
    bn = dl.BatchNorm(3, eps=1e-5)
    bn.running_mean[:] = [1.0, 2.0, 3.0]
    bn.running_var[:] = [4.0, 1.0, 0.25]
    bn.gamma[:] = [2.0, 1.0, 1.0]
    bn.beta[:] = [0.0, 1.0, 0.0]
    X = rng.normal(size=(5, 3))
    out = bn.forward(X, training=False)
    want = (X - [1.0, 2.0, 3.0]) / np.sqrt(np.array([4.0, 1.0, 0.25]) + 1e-5) * [2, 1, 1] + [
        0,
        1,
        0,
    ]
    np.testing.assert_allclose(out, want)
    np.testing.assert_array_equal(bn.running_mean, [1.0, 2.0, 3.0])
    # one row at a time gives the same output: no dependence on the batch in eval mode
    np.testing.assert_allclose(bn.forward(X[:1], training=False), want[:1])


def test_batchnorm_eval_backward_is_a_per_feature_scale(rng):
    bn = dl.BatchNorm(2)
    bn.running_var[:] = [4.0, 9.0]
    bn.gamma[:] = [1.0, 3.0]
    bn.forward(rng.normal(size=(3, 2)), training=False)
    dX = bn.backward(np.ones((3, 2)))
    np.testing.assert_allclose(dX, np.tile([1 / np.sqrt(4 + 1e-5), 3 / np.sqrt(9 + 1e-5)], (3, 1)))


def test_batchnorm_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"momentum must be a number in \[0, 1\); got 1.5"):
        dl.BatchNorm(2, momentum=1.5)
    with pytest.raises(ValueError, match=r"expected n_in=2"):
        dl.BatchNorm(2).forward(np.zeros((3, 4)))


def test_residual_adds_the_input_to_the_block_output(rng):
    block = dl.Dense(3, 3, activation="relu", seed=0)
    res = dl.Residual(block)
    X = rng.normal(size=(4, 3))
    np.testing.assert_allclose(res.forward(X), X + np.maximum(X @ block.W + block.b, 0))
    dA = rng.normal(size=(4, 3))
    dX = res.backward(dA)
    dZ = dA * (X @ block.W + block.b > 0)
    np.testing.assert_allclose(dX, dA + dZ @ block.W.T)
    assert [name for name, _, _ in res.parameters()] == ["W", "b"]


def test_residual_rejects_a_block_that_changes_the_width_or_is_not_a_layer():
    with pytest.raises(ValueError, match=r"keep the shape of its input, \(2, 3\).*\(2, 4\)"):
        dl.Residual(dl.Dense(3, 4)).forward(np.zeros((2, 3)))
    with pytest.raises(TypeError, match="block must be a Layer"):
        dl.Residual(np.tanh)
