"""dlcore.activations: values, derivatives, stability, the Activation objects and errors."""

import warnings

import numpy as np
import pytest

from dlcore import activations as act

Z = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])


def test_sigmoid_matches_the_textbook_formula():
    np.testing.assert_allclose(act.sigmoid(Z), 1.0 / (1.0 + np.exp(-Z)), rtol=1e-15)
    assert act.sigmoid(0.0) == 0.5


def test_sigmoid_derivative_is_s_times_one_minus_s_with_maximum_quarter():
    s = 1.0 / (1.0 + np.exp(-Z))
    np.testing.assert_allclose(act.sigmoid_derivative(Z), s * (1 - s), rtol=1e-14)
    assert act.sigmoid_derivative(0.0) == 0.25
    assert np.all(act.sigmoid_derivative(np.linspace(-10, 10, 101)) <= 0.25)


def test_tanh_and_derivative():
    np.testing.assert_allclose(act.tanh(Z), np.tanh(Z))
    np.testing.assert_allclose(act.tanh_derivative(Z), 1 / np.cosh(Z) ** 2, rtol=1e-12)
    assert act.tanh_derivative(0.0) == 1.0


def test_step_relu_leaky_identity_values():
    np.testing.assert_array_equal(act.step(Z), [0, 0, 1, 1, 1])  # step(0) = 1
    np.testing.assert_array_equal(act.step_derivative(Z), np.zeros(5))
    np.testing.assert_array_equal(act.relu(Z), [0, 0, 0, 0.5, 3])
    np.testing.assert_array_equal(act.relu_derivative(Z), [0, 0, 0, 1, 1])
    np.testing.assert_allclose(act.leaky_relu(Z, alpha=0.1), [-0.3, -0.05, 0, 0.5, 3])
    np.testing.assert_allclose(act.leaky_relu_derivative(Z, alpha=0.1), [0.1, 0.1, 0.1, 1, 1])
    np.testing.assert_array_equal(act.identity(Z), Z)
    np.testing.assert_array_equal(act.identity_derivative(Z), np.ones(5))


def test_identity_returns_a_copy():
    z = np.array([1.0, 2.0])
    out = act.identity(z)
    out[0] = 99.0
    assert z[0] == 1.0


def test_softmax_rows_are_probabilities_and_shift_invariant():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    s = act.softmax(z)
    e = np.exp(z[0])
    np.testing.assert_allclose(s[0], e / e.sum())
    np.testing.assert_allclose(s[1], [1 / 3] * 3)
    np.testing.assert_allclose(s.sum(axis=1), [1.0, 1.0])
    np.testing.assert_allclose(act.softmax(z + 100.0), s)


@pytest.mark.parametrize("value", [1e4, -1e4, 1000.0, -1000.0])
def test_extreme_inputs_are_finite_without_warnings(value):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for name in act.NAMES:
            a = act.get(name)
            z = np.array([[value, 0.0]])
            assert np.all(np.isfinite(a.forward(z))), name
            assert np.all(np.isfinite(a.backward(z, np.ones_like(z)))), name
    with np.errstate(all="raise"):
        assert act.sigmoid(1000.0) == 1.0 and act.sigmoid(-1000.0) == 0.0
        np.testing.assert_array_equal(act.softmax([1000.0, 0.0]), [1.0, 0.0])


def test_backward_is_grad_times_derivative():
    grad = np.array([1.0, -2.0, 3.0, 0.5, 2.0])
    for name in ("sigmoid", "tanh", "relu", "leaky_relu", "identity", "step"):
        a = act.get(name)
        np.testing.assert_allclose(a.backward(Z, grad), grad * a.derivative(Z))


def test_softmax_backward_is_the_jacobian_vector_product():
    z = np.array([[0.2, -1.0, 2.0]])
    g = np.array([[1.0, 0.0, -0.5]])
    s = act.softmax(z)[0]
    jacobian = np.diag(s) - np.outer(s, s)  # d s_i / d z_j
    np.testing.assert_allclose(act.get("softmax").backward(z, g)[0], jacobian @ g[0])


def test_softmax_has_no_elementwise_derivative():
    with pytest.raises(ValueError, match="backward"):
        act.get("softmax").derivative(np.zeros((1, 3)))


def test_get_names_none_and_passthrough():
    assert set(act.NAMES) == {
        "step", "sigmoid", "tanh", "relu", "leaky_relu", "identity", "softmax",
    }  # fmt: skip
    for name in act.NAMES:
        assert act.get(name).name == name
    assert act.get(None).name == "identity"
    relu = act.get("relu")
    assert act.get(relu) is relu
    assert "relu" in repr(relu)


def test_get_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'swish'.*leaky_relu.*sigmoid.*softmax"):
        act.get("swish")
    with pytest.raises(TypeError, match="activation must be"):
        act.get(3)


def test_bad_inputs_name_the_argument():
    with pytest.raises(ValueError, match=r"z must hold finite numbers; got 1 NaN"):
        act.sigmoid([0.0, np.nan])
    with pytest.raises(ValueError, match="z must hold finite"):
        act.relu([np.inf])
    with pytest.raises(TypeError, match="z must be array-like"):
        act.tanh("abc")
    with pytest.raises(ValueError, match="z must not be empty"):
        act.step([])
    with pytest.raises(ValueError, match=r"alpha must be a number with 0 <= alpha < 1.*got -0.1"):
        act.leaky_relu(Z, alpha=-0.1)
    with pytest.raises(
        ValueError, match=r"z must be 1-D or 2-D or 3-D; got an array of shape \(\)"
    ):
        act.softmax(1.0)
    with pytest.raises(ValueError, match=r"grad must have the shape of z, \(5,\); got .* \(4,\)"):
        act.get("tanh").backward(Z, np.ones(4))
    with pytest.raises(ValueError, match="grad must have the shape of z"):
        act.get("softmax").backward(np.zeros((2, 3)), np.ones((3, 2)))


@pytest.mark.parametrize("alpha", [1, 1.0, 1.5, 10.0])
def test_leaky_relu_with_alpha_at_least_one_is_refused(alpha):
    for function in (act.leaky_relu, act.leaky_relu_derivative):
        with pytest.raises(
            ValueError, match=rf"alpha must be a number with 0 <= alpha < 1.*got {alpha}"
        ):
            function(Z, alpha=alpha)
    with pytest.raises(TypeError, match="alpha must be a number with 0 <= alpha < 1; got '0.1'"):
        act.leaky_relu(Z, alpha="0.1")
    np.testing.assert_allclose(act.leaky_relu(Z, alpha=0.0), act.relu(Z))  # 0 is allowed


@pytest.mark.parametrize("name", act.NAMES)
def test_complex_input_is_refused_by_every_activation(name):
    z = np.array([[1.0 + 2.0j, -0.5 + 0.0j]])
    a = act.get(name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning: refused before any cast
        with pytest.raises(TypeError, match=r"z must hold real numbers; got complex values"):
            a.forward(z)
        with pytest.raises(TypeError, match=r"z must hold real numbers; got complex values"):
            a.backward(z, np.ones((1, 2)))
        with pytest.raises(TypeError, match=r"z must hold real numbers; got complex values"):
            getattr(act, name)([3j])


@pytest.mark.parametrize(
    ("z", "expected"),
    [
        ([[-730.0, 0.0, 0.0]], [[0.0, 0.5, 0.5]]),
        ([[1e308, -1e308]], [[1.0, 0.0]]),
        ([[-1e308, 1e308, 0.0]], [[0.0, 1.0, 0.0]]),
        ([[-800.0, 0.0]], [[0.0, 1.0]]),
    ],
)
def test_softmax_of_extreme_rows_is_exact_without_warnings_or_errors(z, expected):
    # found by hypothesis: e^{-730} / 2 underflows in the division; 1e308 - (-1e308) overflows
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = act.softmax(z)
        back = act.get("softmax").backward(z, np.ones_like(s))
    np.testing.assert_allclose(s, expected, atol=1e-300)
    assert np.all(np.isfinite(back))


@pytest.mark.parametrize("value", [-740.0, -745.0, -1e308, 1e308])
def test_sigmoid_and_tanh_near_the_underflow_limit_raise_nothing(value):
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        for name in ("sigmoid", "tanh", "relu", "leaky_relu"):
            a = act.get(name)
            assert np.all(np.isfinite(a.forward([value]))), name
            assert np.all(np.isfinite(a.backward([value], [1.0]))), name
