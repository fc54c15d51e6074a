"""The vanishing-gradient dashboard driven headless: its numbers are dlcore's."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from widgets_util import assert_same_picture  # noqa: E402

import dlcore as dl  # noqa: E402
from course.widgets import VanishingDashboard, vanishing, vanishing_dashboard  # noqa: E402
from course.widgets.vanishing import (  # noqa: E402
    dead_units,
    deep_network,
    dense_layers,
    effective_directions,
    gradient_norms,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def digits():
    X, y = dl.datasets.load_digits()
    return X[:128], y[:128]


def test_deep_network_has_the_chosen_depth_blocks_and_initialisation():
    net = deep_network(6, "relu", "he", batchnorm=True, residual=True, seed=3)
    dense = dense_layers(net)
    assert len(dense) == 6 and [d.W.shape for d in (dense[0], dense[1], dense[-1])] == [
        (64, 32),
        (32, 32),
        (32, 10),
    ]
    assert all(isinstance(layer, dl.Residual) for layer in net.layers[1:-1])
    assert isinstance(net.layers[1].block.layers[1], dl.BatchNorm)
    assert dense[-1].activation.name == "softmax" and dense[2].activation.name == "relu"
    assert np.array_equal(deep_network(6, "relu", "he", seed=3)[0].W, dense[0].W)  # same seed


def test_gradient_norms_are_the_norms_of_dlcores_backward_pass(digits):
    X, y = digits
    net = deep_network(5, "tanh", seed=1)
    norms = gradient_norms(net, X, y)
    twin = deep_network(5, "tanh", seed=1)
    ce = dl.losses.get("cross_entropy")
    twin.backward(ce.backward(twin.forward(X), y))
    assert np.allclose(norms, [np.linalg.norm(layer.dW) for layer in twin.layers])
    first = dl.numerical_gradient(lambda _: ce.forward(twin.forward(X), y), twin.layers[0].W)
    assert np.isclose(norms[0], np.linalg.norm(first), rtol=1e-5)


def test_gradient_norms_take_the_loss_from_the_logits():
    """A confidently wrong network: the gradient is (p - y)/n at the logits, unclipped."""
    net = deep_network(3, "relu", "he", seed=0)
    X = np.ones((4, 64))
    for layer in dense_layers(net):
        layer.W *= 30  # logits in the thousands: softmax rounds the true class to 0
    y = np.argmin(net.forward(X), axis=1)  # the least likely class is the right one
    norms = gradient_norms(net, X, y)
    last = dense_layers(net)[-1]
    p = dl.activations.softmax(last.Z)
    expected = last.X.T @ ((p - np.eye(10)[y]) / len(y))
    assert np.allclose(last.dW, expected) and np.isclose(norms[-1], np.linalg.norm(expected))


def test_dead_units_are_the_units_off_for_every_row():
    net = deep_network(4, "relu", "he", seed=1)
    dense_layers(net)[1].b[[0, 5]] = -1e6  # two units of layer 2 can never switch on
    dense_layers(net)[1].b[7] = 1e6  # and one is always on
    X = np.random.default_rng(0).random((50, 64))
    masks = dead_units(net, X)
    assert [m.shape for m in masks] == [(32,), (32,), (32,)]
    assert masks[1][[0, 5]].all() and not masks[1][7]
    z = dense_layers(net)[1].Z
    assert np.array_equal(masks[1], np.all(z <= 0, axis=0))


def test_effective_directions_counts_the_directions_of_the_spread():
    rng = np.random.default_rng(2)
    t = rng.normal(size=(200, 1))
    on_a_line = np.hstack([t, 2 * t, -t]) + 5.0  # shifted: only the centred spread counts
    assert np.isclose(effective_directions(on_a_line), 1.0)
    square = np.array([[1.0, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]])  # equal along 2 axes
    assert np.isclose(effective_directions(square), 2.0)
    assert 2.5 < effective_directions(rng.normal(size=(5000, 3))) <= 3.0
    assert effective_directions(np.ones((4, 3))) == 0.0
    with pytest.raises(ValueError, match="at least 2 rows"):
        effective_directions(np.ones((1, 3)))


def test_sigmoid_gradients_vanish_and_batchnorm_restores_them(digits):
    X, y = digits
    plain = gradient_norms(deep_network(12, "sigmoid", seed=0), X, y)
    normalised = gradient_norms(deep_network(12, "sigmoid", batchnorm=True, seed=0), X, y)
    assert plain[0] / plain[-1] < 0.25**8
    assert normalised[0] / normalised[-1] > 0.1


def test_the_saved_state_shows_the_problem_and_a_tick_changes_it():
    board = vanishing_dashboard(depth=12, n_samples=64, epochs=2)
    assert bytes(board.image.value).startswith(PNG_SIGNATURE)
    assert board.norms.shape == (3, 12) and board.losses.shape == (2,)
    assert board.norms[0, 0] < 1e-5 * board.norms[0, -1]
    assert (
        f"{board.norms[0, 0]:.2e}" in board.readout.value
        and "sigmoid, xavier" in board.readout.value
    )
    before = bytes(board.image.value)
    board.controls["batchnorm"].value = True
    assert any(isinstance(layer, dl.Sequential) for layer in board.model.layers)
    assert board.norms[0, 0] > 0.1 * board.norms[0, -1]
    assert "BatchNorm" in board.caption.value and bytes(board.image.value) != before
    board.controls["depth"].value = 4
    assert len(dense_layers(board.model)) == 4 and board.norms.shape == (3, 4)


def test_the_same_seed_gives_the_same_numbers():
    a = vanishing_dashboard(depth=5, activation="relu", init="he", n_samples=64, epochs=1, seed=2)
    b = VanishingDashboard(5, "relu", "he", n_samples=64, epochs=1, seed=2)
    assert np.array_equal(a.norms, b.norms) and np.array_equal(a.losses, b.losses)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depth": 1}, "depth must be between 2 and 50"),
        ({"depth": 51}, "depth must be between 2 and 50"),
        ({"depth": 2.5}, "depth must be a whole number"),
        ({"activation": "softmax"}, "activation must be one of"),
        ({"init": "big"}, "init must be one of"),
        ({"n_samples": 10}, "n_samples must be between 32"),
        ({"epochs": 0}, "epochs must be between 1"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        vanishing_dashboard(**kwargs)


def test_a_redrawn_picture_is_the_one_a_fresh_dashboard_draws():
    board = vanishing_dashboard(depth=12, n_samples=64, epochs=2)
    setups = [
        {"batchnorm": True},
        {"depth": 4, "activation": "relu", "init": "normal"},  # fewer layers, some norms 0
        {"residual": True, "depth": 20},
    ]
    for setup in setups:
        with board.held():  # one redraw for the changes together
            for name, value in setup.items():
                board.controls[name].value = value
        fresh = vanishing_dashboard(**board.values, n_samples=64, epochs=2)
        assert np.array_equal(board.norms, fresh.norms)
        assert np.array_equal(board.losses, fresh.losses)
        assert_same_picture(board.image.value, fresh.image.value)


def test_a_setup_seen_again_is_shown_without_training_again(monkeypatch):
    board = vanishing_dashboard(depth=6, n_samples=64, epochs=1)
    first = (board.model, board.norms)
    board.controls["activation"].value = "tanh"
    trained = []
    monkeypatch.setattr(vanishing, "train_recording", lambda *a, **k: trained.append(a))
    board.controls["activation"].value = "sigmoid"
    assert trained == [] and (board.model, board.norms) == first
    assert "sigmoid, xavier" in board.readout.value
