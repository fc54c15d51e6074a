"""The forward-pass explorer driven headless: its values are dlcore's forward pass."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dlcore as dl  # noqa: E402
from course.widgets import forward as widgets_forward  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def by_hand(W1, b1, W2, b2, x):
    """The 2-2-1 forward pass written out: ReLU hidden units, sigmoid output."""
    z1 = x @ W1 + b1
    a1 = np.maximum(z1, 0)
    z2 = a1 @ W2 + b2
    return z1, a1, z2, 1 / (1 + np.exp(-z2))


def shown_texts(explorer, prefix):
    ax = explorer.figure.axes[0]
    return {t.get_gid(): t.get_text() for t in ax.texts if (t.get_gid() or "").startswith(prefix)}


def test_default_state_shows_every_value_of_the_forward_pass():
    e = widgets_forward.forward_explorer()
    assert bytes(e.image.value).startswith(PNG_SIGNATURE)
    net = widgets_forward.default_network()
    x = np.array([1.0, 0.5])
    z1, a1, z2, out = by_hand(net[0].W, net[0].b, net[1].W, net[1].b, x)
    assert np.allclose(e.values[0][0], z1) and np.allclose(e.values[0][1], a1)
    assert np.allclose(e.values[1][0], z2) and np.allclose(e.output, out)
    assert np.allclose(e.output, net.forward(x[None, :])[0])
    assert a1[1] == 0 and z1[1] < 0  # the saved state shows a ReLU unit switched off
    zs, acts = shown_texts(e, "z:"), shown_texts(e, "a:")
    assert zs["z:0:1"] == f"z={z1[1]:.2f}" and acts["a:0:0"] == f"a={a1[0]:.2f}"
    assert acts["a:1:0"] == f"ŷ={out[0]:.3f}"
    assert shown_texts(e, "x:") == {"x:0": "1.00", "x:1": "0.50"}
    assert f"{out[0]:.3f}" in e.caption.value and f"{out[0]:.3f}" in e.readout.value


def test_moving_a_slider_changes_the_network_and_every_value_downstream():
    e = widgets_forward.forward_explorer()
    before = bytes(e.image.value)
    e.weight_sliders[(0, 0, 1)].value = 1.2  # h2 now fires for x = (1, 0.5)
    assert e.layers[0].W[0, 1] == 1.2
    e.input_sliders[1].value = -1.0
    x = np.array([1.0, -1.0])
    L0, L1 = e.layers
    z1, a1, z2, out = by_hand(L0.W, L0.b, L1.W, L1.b, x)
    assert np.allclose(e.x, x) and np.allclose(e.values[0][0], z1)
    assert np.allclose(e.output, out) and np.allclose(
        e.output, dl.Sequential(e.layers).forward(x[None])[0]
    )
    assert bytes(e.image.value) != before
    assert shown_texts(e, "x:")["x:1"] == "-1.00"


def test_lesson_05s_saved_move_switches_h2_on_where_x2_alone_cannot():
    e = widgets_forward.forward_explorer()
    e.weight_sliders[(0, 0, 1)].value = 1.0  # the state lesson 05 saves
    (z1, a1), (_, out) = e.values
    assert np.isclose(z1[1], 1.0) and np.isclose(a1[1], 1.0) and np.isclose(a1[0], 1.0)
    assert np.isclose(out[0], 1 / (1 + np.exp(1.0)))  # sigmoid(-1.0) = 0.269, down from 0.731
    e = widgets_forward.forward_explorer()
    e.input_sliders[1].value = e.input_sliders[1].max  # x2 at the slider's end, 3
    assert e.input_sliders[1].max == 3.0 and abs(e.values[0][1][1]) < 1e-12  # h2 still at 0


def test_explorer_works_on_a_given_network_with_chosen_weight_sliders():
    net = dl.MLP([3, 4, 2], hidden="sigmoid", output="softmax", seed=1)
    e = widgets_forward.forward_explorer(net, x=[0.1, 0.2, 0.3], weights=[(1, 3, 0)])
    assert list(e.weight_sliders) == [(1, 3, 0)]
    assert e.weight_sliders[(1, 3, 0)].description == "w2[4→1]"
    assert np.allclose(e.output, net.forward(np.array([[0.1, 0.2, 0.3]]))[0])
    assert np.isclose(e.output.sum(), 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": [1.0]}, "x must hold 2 finite numbers"),
        ({"x": [1.0, np.nan]}, "x must hold 2 finite numbers"),
        ({"weights": [(2, 0, 0)]}, r"each weight must be \(layer, i, j\)"),
        ({"weights": [(0, 2, 0)]}, r"each weight must be \(layer, i, j\)"),
        ({"weights": ["w1"]}, r"each weight must be \(layer, i, j\)"),
        ({"limit": 0}, "limit"),
        ({"model": "net"}, "model must be a dlcore Sequential"),
        ({"model": [dl.BatchNorm(2)]}, "layer 0 must be a dlcore Dense layer"),
        ({"model": dl.MLP([2, 20, 1])}, "at most 16 units"),
        ({"input_names": ["age"]}, "input_names must name 2 inputs"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        widgets_forward.forward_explorer(**kwargs)
