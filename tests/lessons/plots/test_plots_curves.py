"""course.plots.curves: loss per epoch, the start of overfitting, activation functions."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from plots_util import (
    legend_texts,
    lines_by_label,
    png_bytes,
)

from course import plots

# ---------------------------------------------------------------- plot_loss_curves


def test_loss_curves_show_training_and_validation_per_epoch():
    history = SimpleNamespace(loss=[0.9, 0.5, 0.3, 0.2], val_loss=[1.0, 0.6, 0.45, 0.4])
    fig = plots.plot_loss_curves(history, title="Training run")
    png_bytes(fig)
    (ax,) = fig.axes
    lines = lines_by_label(ax)
    np.testing.assert_array_equal(lines["training"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(lines["training"].get_ydata(), history.loss)
    np.testing.assert_allclose(lines["validation"].get_ydata(), history.val_loss)
    assert lines["training"].get_color() != lines["validation"].get_color()
    assert legend_texts(ax) == ["training", "validation"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Training run", "epoch", "loss")


@pytest.mark.parametrize(
    "history", [SimpleNamespace(loss=[3.0, 2.0, 1.5], val_loss=[]), {"loss": [3.0, 2.0, 1.5]}]
)
def test_loss_curves_without_validation_have_one_line(history):
    fig = plots.plot_loss_curves(history)
    (ax,) = fig.axes
    assert legend_texts(ax) == ["training"]
    np.testing.assert_allclose(lines_by_label(ax)["training"].get_ydata(), [3.0, 2.0, 1.5])


def test_loss_curves_accept_a_plain_list_and_reject_nonsense():
    fig = plots.plot_loss_curves([1.0, 0.5])
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [1.0, 0.5])
    with pytest.raises(ValueError, match="no training loss"):
        plots.plot_loss_curves({"loss": []})
    with pytest.raises(TypeError, match="history must be"):
        plots.plot_loss_curves(3.5)


# ---------------------------------------------------------------- plot_activations


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


EXPECTED = {  # f and f' written out here, independently of dlcore
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, 0.01 * z),
        lambda z: np.where(z > 0, 1.0, 0.01),
    ),
}


def test_activations_draw_one_panel_per_function_with_curve_and_derivative():
    fig = plots.plot_activations()
    png_bytes(fig)
    assert len(fig.axes) == 4
    assert fig.get_suptitle() == "Activation functions and their derivatives"
    for ax, name in zip(fig.axes, EXPECTED, strict=True):
        assert ax.get_title() == name and ax.get_xlabel() == "z"
        lines = lines_by_label(ax)
        z = lines["f(z)"].get_xdata()
        assert z.min() == -5 and z.max() == 5
        f, df = EXPECTED[name]
        np.testing.assert_allclose(lines["f(z)"].get_ydata(), f(z), atol=1e-12)
        np.testing.assert_allclose(lines["f'(z)"].get_ydata(), df(z), atol=1e-12)
        assert legend_texts(ax) == ["f(z)", "f'(z)"]


def test_activations_use_the_given_names_and_z():
    z = np.linspace(-1, 1, 11)
    fig = plots.plot_activations(["tanh", "step"], z=z, title="Two")
    assert [ax.get_title() for ax in fig.axes] == ["tanh", "step"]
    step = lines_by_label(fig.axes[1])
    np.testing.assert_array_equal(step["f(z)"].get_ydata(), (z >= 0).astype(float))
    np.testing.assert_array_equal(step["f'(z)"].get_ydata(), np.zeros_like(z))
    assert fig.get_suptitle() == "Two"


def test_activations_reject_unknown_names_and_bad_z():
    with pytest.raises(ValueError, match="swish"):
        plots.plot_activations(["swish"])
    with pytest.raises(ValueError, match="z must be a 1-D"):
        plots.plot_activations(z=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_activations([])


def test_overfitting_marks_the_epoch_of_the_lowest_validation_loss():
    history = {"loss": [0.7, 0.4, 0.2, 0.1, 0.05], "val_loss": [0.7, 0.5, 0.45, 0.6, 0.9]}
    fig = plots.plot_overfitting(history)
    png_bytes(fig)
    ax = fig.axes[0]
    marker = ax.get_lines()[-1]
    assert list(marker.get_xdata()) == [3, 3]
    assert "epoch 3" in legend_texts(ax)[-1]
    with pytest.raises(ValueError, match="validation loss"):
        plots.plot_overfitting({"loss": [1.0, 0.5]})
