"""course.values: the numbers the figures and widgets show (perceptron accuracy per epoch,
a forward pass, one neuron's gradients), checked against formulas written out here."""

from __future__ import annotations

import numpy as np
import pytest
from plots_util import net_221

import dlcore as dl
from course.values import dense_layers, epoch_accuracies, forward_values, neuron_graph_values

# ---- lesson 03


@pytest.fixture
def fitted_linear():
    X, y = dl.datasets.make_linear(n_samples=40, seed=3)
    return dl.Perceptron(lr=1.0, epochs=20, seed=3).fit(X, y), X, y


def test_epoch_accuracies_score_the_weights_at_the_end_of_each_epoch(fitted_linear):
    p, X, y = fitted_linear
    acc = epoch_accuracies(p.steps_, X, y)
    assert len(acc) == len(p.errors_)
    last_of_first = [s for s in p.steps_ if s.epoch == 0][-1]
    assert acc[0] == np.mean(((X @ last_of_first.w + last_of_first.b) >= 0).astype(int) == y)
    assert acc[-1] == p.score(X, y) == 1.0


# ---- lesson 05


def test_forward_values_are_each_layers_z_and_a():
    layers = net_221()
    values = forward_values(layers, [1.0, 0.5])
    z1 = np.array([1.0, 0.5]) @ layers[0].W + layers[0].b
    assert np.allclose(values[0][0], z1) and np.allclose(values[0][1], np.maximum(z1, 0))
    z2 = np.maximum(z1, 0) @ layers[1].W + layers[1].b
    assert np.allclose(values[1][0], z2) and np.allclose(values[1][1], 1 / (1 + np.exp(-z2)))


def test_dense_layers_are_a_models_layers_or_the_list_itself():
    layers = net_221()
    assert dense_layers(layers) == layers
    model = dl.Sequential(layers)
    assert dense_layers(model) == model.layers


@pytest.mark.parametrize(
    ("layers", "x", "message"),
    [
        ("net", [1.0, 0.5], "layers_or_model must be"),
        ([np.eye(2)], [1.0, 0.5], "layer 0 must be a dlcore Dense layer"),
        (net_221(), [1.0], "x must be 2 finite numbers, one per input"),
    ],
)
def test_forward_values_reject_bad_input(layers, x, message):
    with pytest.raises((TypeError, ValueError), match=message):
        forward_values(layers, x)


# ---- lesson 08


def test_neuron_graph_values_follow_the_chain_rule():
    v = neuron_graph_values(2.0, 0.5, -0.5, 0.8)
    a = 1 / (1 + np.exp(-0.5))
    assert v["z"] == 0.5 and np.isclose(v["a"], a) and np.isclose(v["L"], (a - 0.8) ** 2)
    assert np.isclose(v["dL_dw"], 2 * (a - 0.8) * a * (1 - a) * 2.0)
    assert np.isclose(v["dL_db"], v["dL_dz"]) and np.isclose(v["dL_dx"], v["dL_dz"] * 0.5)
    eps = 1e-6  # the gradient is the loss's slope, by central differences

    def loss(w):
        return neuron_graph_values(2.0, w, -0.5, 0.8)["L"]

    assert np.isclose(v["dL_dw"], (loss(0.5 + eps) - loss(0.5 - eps)) / (2 * eps))
    with pytest.raises(ValueError, match="w must be a finite number"):
        neuron_graph_values(2.0, float("nan"), 0.0, 1.0)
    with pytest.raises(ValueError, match="x must be one number"):
        neuron_graph_values([1.0, 2.0], 0.5, 0.0, 1.0)
