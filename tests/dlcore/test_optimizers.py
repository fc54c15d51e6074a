"""SGD (with and without momentum) and Adam against hand computations."""

import numpy as np
import pytest

import dlcore as dl


def test_sgd_step_is_w_minus_lr_times_grad_in_place():
    w = np.array([1.0, -2.0])
    g = np.array([0.5, 1.0])
    dl.SGD(lr=0.1).step([("w", w, g)])
    np.testing.assert_allclose(w, [0.95, -2.1])


def test_sgd_momentum_matches_hand_computation():
    # lr = 0.1, mu = 0.9, w0 = 1, gradients 2 then -1:
    # v1 = -0.1 * 2 = -0.2, w1 = 0.8; v2 = 0.9 * -0.2 - 0.1 * -1 = -0.08, w2 = 0.72;
    # v3 = 0.9 * -0.08 - 0.1 * 0 = -0.072, w3 = 0.648 (momentum keeps moving with g = 0).
    w = np.array([1.0])
    opt = dl.SGD(lr=0.1, momentum=0.9)
    expected = [0.8, 0.72, 0.648]
    for grad, want in zip([2.0, -1.0, 0.0], expected, strict=True):
        opt.step([("w", w, np.array([grad]))])
        assert w[0] == pytest.approx(want, abs=1e-12)
    np.testing.assert_allclose(opt.state["w"]["velocity"], [-0.072])


def test_momentum_state_is_kept_per_parameter_name():
    a, b = np.zeros(1), np.zeros(1)
    opt = dl.SGD(lr=1.0, momentum=0.5)
    opt.step([("a", a, np.array([1.0])), ("b", b, np.array([-1.0]))])
    opt.step([("a", a, np.array([0.0])), ("b", b, np.array([0.0]))])
    # a: v = -1, -0.5 -> a = -1.5; b mirrors it
    np.testing.assert_allclose([a[0], b[0]], [-1.5, 1.5])
    opt.reset()
    opt.step([("a", a, np.array([0.0]))])
    assert a[0] == -1.5  # no velocity left after reset


def test_adam_first_step_moves_each_weight_by_lr_against_the_gradient_sign():
    # bias correction makes m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps)
    w = np.array([0.0, 0.0, 0.0])
    dl.Adam(lr=0.01).step([("w", w, np.array([3.0, -0.002, 50.0]))])
    np.testing.assert_allclose(w, [-0.01, 0.01, -0.01], rtol=1e-5)


def test_adam_matches_the_textbook_formula_over_several_steps():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(5, 4))
    lr, b1, b2, eps = 0.05, 0.8, 0.99, 1e-8
    w = np.ones(4)
    opt = dl.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps)
    ref, m, v = np.ones(4), np.zeros(4), np.zeros(4)
    for t, g in enumerate(grads, start=1):
        opt.step([("w", w, g)])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        ref = ref - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(w, ref, rtol=1e-12)


@pytest.mark.parametrize("opt", [dl.SGD(lr=0.1), dl.SGD(lr=0.05, momentum=0.9), dl.Adam(lr=0.1)])
def test_optimizers_minimise_a_quadratic(opt):
    w = np.array([3.0, -4.0])
    for _ in range(300):
        opt.step([("w", w, 2.0 * w)])  # gradient of |w|^2
    assert np.linalg.norm(w) < 1e-2


@pytest.mark.parametrize(
    ("make", "arg", "value", "error"),
    [
        (dl.SGD, "lr", 0.0, ValueError),
        (dl.SGD, "lr", -0.1, ValueError),
        (dl.SGD, "lr", "fast", TypeError),
        (dl.SGD, "momentum", 1.0, ValueError),
        (dl.SGD, "momentum", -0.1, ValueError),
        (dl.Adam, "lr", 0, ValueError),
        (dl.Adam, "beta1", 1.0, ValueError),
        (dl.Adam, "beta2", "x", TypeError),
        (dl.Adam, "eps", 0.0, ValueError),
    ],
)
def test_bad_hyperparameters_raise_naming_the_argument(make, arg, value, error):
    with pytest.raises(error, match=rf"{arg} must be .*got {value!r}"):
        make(**{arg: value})


@pytest.mark.parametrize(
    "make", [lambda: dl.SGD(lr=0.05, momentum=0.9), lambda: dl.Adam(lr=0.01)], ids=["sgd", "adam"]
)
def test_an_optimizer_reused_on_a_new_model_gives_the_numbers_of_a_fresh_one(make):
    X, y = dl.datasets.make_xor(n_samples=40, seed=0)

    def train(optimizer):
        model = dl.MLP([2, 8, 1], hidden="tanh", output="sigmoid", seed=0)
        model.fit(X, y, loss="bce", optimizer=optimizer, epochs=5, batch_size=8)
        return model.history_.loss, [value.copy() for _, value, _ in model.parameters()]

    shared = make()
    train(shared)  # leaves velocities / moments under the names "0.W", "0.b", ...
    reused_loss, reused_weights = train(shared)
    fresh_loss, fresh_weights = train(make())
    assert reused_loss == fresh_loss
    for reused, fresh in zip(reused_weights, fresh_weights, strict=True):
        np.testing.assert_array_equal(reused, fresh)


def test_state_follows_the_array_not_only_its_name():
    opt = dl.SGD(lr=1.0, momentum=0.5)
    w = np.zeros(2)
    opt.step([("w", w, np.ones(2))])
    opt.step([("w", w[:], np.zeros(2))])  # a view of the same memory keeps its velocity
    np.testing.assert_allclose(w, [-1.5, -1.5])
    other = np.zeros(2)  # another array under the same name starts from rest
    opt.step([("w", other, np.zeros(2))])
    np.testing.assert_array_equal(other, [0.0, 0.0])
    square = np.zeros((2, 2))
    opt.step([("m", square, np.ones((2, 2)))])
    opt.step([("m", square.T, np.zeros((2, 2)))])  # same memory, other layout: fresh state
    np.testing.assert_array_equal(square, -np.ones((2, 2)))
