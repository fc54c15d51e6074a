"""course.plots.networks: network diagrams, with one example's forward pass on them."""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from plots_util import net_221, png_bytes, texts_by_gid, worked_network

import dlcore as dl
from course import plots
from course.palette import PALETTE

W1 = np.array([[0.123, -1.456], [2.0, 0.004]])
W2 = np.array([[-0.5], [0.777]])


def test_network_writes_every_weight_on_its_edge_to_two_decimals():
    fig = plots.plot_network([W1, W2])
    png_bytes(fig)
    (ax,) = fig.axes
    weights = texts_by_gid(ax, "weight:")
    assert len(weights) == W1.size + W2.size
    for layer, W in enumerate([W1, W2]):
        for i, j in np.ndindex(W.shape):
            assert weights[f"weight:{layer}:{i}:{j}"] == f"{W[i, j]:.2f}"
    assert weights["weight:0:0:1"] == "-1.46"
    assert texts_by_gid(ax, "bias:") == {}  # plain matrices carry no biases
    assert ax.get_title() == "Network 2-2-1"


def test_network_edges_join_the_right_units_and_show_the_sign_by_colour():
    fig = plots.plot_network([W1, W2])
    ax = fig.axes[0]
    edges = ax.get_lines()
    assert len(edges) == W1.size + W2.size
    for edge in edges:
        x = edge.get_xdata()
        assert x[1] - x[0] == 1  # each edge goes to the next layer
    label = next(t for t in ax.texts if t.get_gid() == "weight:0:0:1")
    x, y = label.get_position()
    # the label of w[0, 1] lies on the segment from input 0 (0, 0.5) to hidden 1 (1, -0.5)
    assert 0 < x < 1 and y == pytest.approx(0.5 - x)
    assert to_rgba(label.get_color()) == to_rgba(PALETTE[3])  # negative weight
    positive = next(t for t in ax.texts if t.get_gid() == "weight:0:0:0")
    assert to_rgba(positive.get_color()) == to_rgba(PALETTE[0])


def test_network_from_dense_layers_names_the_units_and_writes_the_biases():
    layers = [SimpleNamespace(W=W1, b=np.array([0.1, -0.25])), SimpleNamespace(W=W2, b=[1.5])]
    fig = plots.plot_network(
        layers, title="Buys?", input_names=["age", "income"], output_names=["buys"]
    )
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert {"age", "income", "h1", "h2", "buys"} <= texts
    assert texts_by_gid(ax, "bias:") == {
        "bias:0:0": "b=0.10",
        "bias:0:1": "b=-0.25",
        "bias:1:0": "b=1.50",
    }
    assert ax.get_title() == "Buys?"


def test_network_accepts_a_model_with_layers():
    model = SimpleNamespace(layers=[SimpleNamespace(W=W1, b=np.zeros(2))])
    fig = plots.plot_network(model)
    assert texts_by_gid(fig.axes[0], "weight:")["weight:0:1:0"] == "2.00"


def test_network_from_dlcore_dense_layers():
    model = dl.Sequential([dl.Dense(3, 2, activation="relu", seed=0), dl.Dense(2, 1, seed=1)])
    fig = plots.plot_network(model)
    weights = texts_by_gid(fig.axes[0], "weight:")
    W = model.layers[0].W
    assert weights == {
        **{f"weight:0:{i}:{j}": f"{W[i, j]:.2f}" for i, j in np.ndindex(W.shape)},
        **{f"weight:1:{i}:0": f"{model.layers[1].W[i, 0]:.2f}" for i in range(2)},
    }
    assert fig.axes[0].get_title() == "Network 3-2-1"


@pytest.mark.parametrize(
    ("arg", "error", "message"),
    [
        ([np.zeros((2, 3)), np.zeros((2, 1))], ValueError, "has 2 inputs but layer 0 has 3"),
        ([np.zeros((20, 2))], ValueError, "at most 16 units"),
        ([np.zeros(3)], ValueError, "must be 2-D"),
        ([SimpleNamespace(parameters=list)], ValueError, "Dense layers only"),
        ("dense", TypeError, "layers_or_model must be"),
        ([], TypeError, "layers_or_model must be"),
    ],
)
def test_network_rejects_what_it_cannot_draw(arg, error, message):
    with pytest.raises(error, match=message):
        plots.plot_network(arg)


def test_network_rejects_names_of_the_wrong_length():
    with pytest.raises(ValueError, match="input_names must name 2 units; got 3"):
        plots.plot_network([W1, W2], input_names=["a", "b", "c"])


def test_forward_pass_diagram_writes_inputs_z_and_a_of_every_unit():
    fig = plots.plot_forward_pass(net_221(), [1.0, 0.5], input_names=["$x_1$", "$x_2$"])
    png_bytes(fig)
    ax = fig.axes[0]
    assert texts_by_gid(ax, "x:") == {"x:0": "1.00", "x:1": "0.50"}
    assert texts_by_gid(ax, "z:") == {"z:0:0": "z=1.00", "z:0:1": "z=-1.00", "z:1:0": "z=1.00"}
    assert texts_by_gid(ax, "a:") == {"a:0:0": "a=1.00", "a:0:1": "a=0.00", "a:1:0": "ŷ=0.731"}
    assert texts_by_gid(ax, "weight:")["weight:0:0:1"] == "-1.00"
    shown = {t.get_text() for t in ax.texts}
    assert {"hidden (relu)", "output (sigmoid)", "$x_1$"} <= shown


def test_forward_pass_to_three_decimals_writes_lesson_06s_worked_numbers_above_the_units():
    model = worked_network()
    fig = plots.plot_forward_pass(model, [0.5, 0.8], output_names=["O"], decimals=3)
    png_bytes(fig)
    ax = fig.axes[0]
    z_out = 0.7 * 0.54 - 0.2
    assert texts_by_gid(ax, "x:") == {"x:0": "0.500", "x:1": "0.800"}
    assert texts_by_gid(ax, "z:") == {
        "z:0:0": "z=0.540",
        "z:0:1": "z=-0.200",
        "z:1:0": f"z={z_out:.3f}",
    }
    assert texts_by_gid(ax, "a:") == {
        "a:0:0": "a=0.540",
        "a:0:1": "a=0.000",  # ReLU of a negative sum
        "a:1:0": f"O={1 / (1 + np.exp(-z_out)):.4f}",  # the output to one more place
    }
    assert texts_by_gid(ax, "a:1:")["a:1:0"] == "O=0.5444"
    # the weights and biases of plot_network are still there
    assert texts_by_gid(ax, "weight:")["weight:0:0:1"] == "-0.60"
    assert texts_by_gid(ax, "bias:")["bias:0:1"] == "b=-0.06"
    # each value sits just above its unit, inside the axes
    hidden_off = next(t for t in ax.texts if t.get_gid() == "a:0:1")
    x, y = hidden_off.get_position()
    assert x == 1.0 and -0.5 < y < 0.0
    assert ax.get_ylim()[1] > 0.5 + 0.42


def test_forward_pass_draws_on_a_given_ax_and_matches_the_model():
    model = dl.MLP([3, 4, 2], hidden="tanh", output="softmax", seed=0)
    x = np.array([0.2, -1.0, 0.5])
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.plot_forward_pass(model, x, ax=right) is fig
    assert not left.texts
    out = model.forward(x[None, :])[0]
    outputs = texts_by_gid(right, "a:1:")
    assert outputs == {"a:1:0": f"ŷ1={out[0]:.3f}", "a:1:1": f"ŷ2={out[1]:.3f}"}


@pytest.mark.parametrize(
    ("model", "x", "decimals", "error", "message"),
    [
        ([W1, W2], [0.5, 0.8], 2, TypeError, "not bare weight matrices"),
        (None, [0.5], 2, ValueError, r"x must be 2 finite numbers.*got \[0\.5\]"),
        (None, [0.5, np.nan], 2, ValueError, "x must be 2 finite numbers"),
        (None, [0.5, 0.8], -1, ValueError, "decimals must be a whole number >= 0; got -1"),
        (None, [0.5, 0.8], 2.5, ValueError, "decimals must be a whole number"),
    ],
)
def test_forward_pass_rejects_bare_matrices_a_bad_example_and_bad_decimals(
    model, x, decimals, error, message
):
    with pytest.raises(error, match=message):
        plots.plot_forward_pass(worked_network() if model is None else model, x, decimals=decimals)
