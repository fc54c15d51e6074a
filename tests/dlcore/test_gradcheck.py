"""Gradient checks: every layer, activation and loss against central differences (float64)."""

import numpy as np
import pytest

import dlcore as dl

TOL = 1e-6
DIFFERENTIABLE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax"]
# each loss with the outputs it makes sense with
LOSS_OUTPUTS = [
    ("mse", "identity"),
    ("mse", "sigmoid"),
    ("mse", "tanh"),
    ("bce", "sigmoid"),
    ("cross_entropy", "softmax"),
]
KINKED = {"relu", "leaky_relu"}


def _data(loss, n_out, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(6, 3))
    if loss == "cross_entropy":
        return X, rng.integers(0, n_out, size=6)
    if loss == "bce":
        return X, rng.integers(0, 2, size=(6, n_out)).astype(float)
    return X, rng.normal(size=(6, n_out))


def _assert_away_from_kinks(model, X):
    """Central differences across max(0, z) at z = 0 would be wrong: keep |z| clear of 0."""
    model.forward(X)
    for layer in model.layers:
        if isinstance(layer, dl.Dense) and layer.activation.name in KINKED:
            assert np.min(np.abs(layer.Z)) > 1e-4, "pick another seed: an input sits on a kink"


def test_numerical_gradient_of_a_known_function_and_x_is_restored():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    before = x.copy()
    grad = dl.numerical_gradient(lambda v: float(np.sum(v**3)), x)
    np.testing.assert_allclose(grad, 3 * before**2, rtol=1e-8)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_rejects_a_non_float_array():
    with pytest.raises(TypeError, match="x must be a float numpy array"):
        dl.numerical_gradient(lambda v: 0.0, [1.0, 2.0])
    with pytest.raises(TypeError, match="int64"):
        dl.numerical_gradient(lambda v: 0.0, np.arange(3))


@pytest.mark.parametrize("hidden", DIFFERENTIABLE)
@pytest.mark.parametrize(("loss", "output"), LOSS_OUTPUTS)
def test_dense_network_gradients_match_central_differences(hidden, loss, output):
    n_out = 3 if output == "softmax" else 2
    model = dl.Sequential(
        [
            dl.Dense(3, 4, activation=hidden, init="xavier", seed=1),
            dl.Dense(4, n_out, activation=output, init="xavier", seed=2),
        ]
    )
    model.layers[0].b[:] = [0.1, -0.2, 0.3, 0.05]
    X, y = _data(loss, n_out)
    _assert_away_from_kinks(model, X)
    errors = dl.gradcheck(model, X, y, loss=loss)
    assert set(errors) == {"0.W", "0.b", "1.W", "1.b"}
    assert max(errors.values()) < TOL, errors


def test_cross_entropy_with_one_hot_targets_gradient():
    model = dl.MLP([3, 5, 4], hidden="tanh", output="softmax", seed=3)
    X, labels = _data("cross_entropy", 4)
    errors = dl.gradcheck(model, X, np.eye(4)[labels], loss="cross_entropy")
    assert max(errors.values()) < TOL, errors


def test_single_sigmoid_output_with_vector_targets():
    model = dl.MLP([3, 4, 1], hidden="tanh", output="sigmoid", seed=0)
    X, y = _data("bce", 1)
    errors = dl.gradcheck(model, X, y.ravel(), loss="bce")
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize("position", ["input", "hidden"])
def test_batchnorm_gradients_in_training_mode(position):
    if position == "input":
        layers = [dl.BatchNorm(3), dl.Dense(3, 4, "tanh", seed=1), dl.Dense(4, 2, seed=2)]
    else:
        layers = [
            dl.Dense(3, 4, "tanh", seed=1),
            dl.BatchNorm(4),
            dl.Dense(4, 2, "sigmoid", seed=2),
        ]
    model = dl.Sequential(layers)
    bn = next(layer for layer in layers if isinstance(layer, dl.BatchNorm))
    bn.gamma[:] = np.linspace(0.5, 2.0, bn.n_features)
    bn.beta[:] = np.linspace(-0.3, 0.3, bn.n_features)
    X, y = _data("mse", 2)
    errors = dl.gradcheck(model, X * [1.0, 3.0, 0.5] + 2.0, y, loss="mse")
    assert {"gamma", "beta"} <= {name.split(".")[1] for name in errors}
    assert max(errors.values()) < TOL, errors


def test_residual_gradients_with_a_layer_and_with_a_sequential_block():
    block = dl.Sequential([dl.Dense(4, 4, "tanh", seed=4), dl.Dense(4, 4, "sigmoid", seed=5)])
    model = dl.Sequential(
        [
            dl.Dense(3, 4, "tanh", seed=1),
            dl.Residual(dl.Dense(4, 4, "tanh", seed=2)),
            dl.Residual(block),
            dl.Dense(4, 3, "softmax", seed=3),
        ]
    )
    X, y = _data("cross_entropy", 3)
    errors = dl.gradcheck(model, X, y, loss="cross_entropy")
    assert {"1.W", "1.b", "2.0.W", "2.1.b"} <= set(errors)
    assert max(errors.values()) < TOL, errors


def test_gradcheck_catches_a_wrong_backward():
    class WrongDense(dl.Dense):
        def backward(self, dA):
            dX = super().backward(dA)
            self.dW *= 1.01  # a 1% mistake
            return dX

    model = dl.Sequential([WrongDense(3, 2, "tanh", seed=0), dl.Dense(2, 1, seed=1)])
    X, y = _data("mse", 1)
    errors = dl.gradcheck(model, X, y, loss="mse")
    assert errors["0.W"] > 1e-3
    assert errors["1.W"] < TOL


def test_gradcheck_of_a_single_layer():
    layer = dl.Dense(3, 2, activation="tanh", seed=0)
    X, y = _data("mse", 2)
    errors = dl.gradcheck(layer, X, y, loss="mse")
    assert set(errors) == {"W", "b"} and max(errors.values()) < TOL


def test_gradcheck_of_a_model_without_parameters_says_so():
    class Double(dl.Layer):
        def forward(self, X, training=True):
            return 2.0 * np.asarray(X)

        def backward(self, dA):
            return 2.0 * np.asarray(dA)

    X, y = _data("mse", 3)
    for model in (Double(), dl.Sequential([Double(), Double()])):
        with pytest.raises(ValueError, match=r"model \w+ has no parameters: gradcheck compares"):
            dl.gradcheck(model, X, y, loss="mse")
