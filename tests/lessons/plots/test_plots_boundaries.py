"""course.plots.boundaries: data in the plane, shaded regions, lines, decision boundaries."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.contour import ContourSet
from plots_util import (
    contour_sets,
    legend_texts,
    lines_by_label,
    png_bytes,
)

import dlcore as dl
from course import plots
from course.palette import CLASS_COLORS, CLASS_MARKERS, PALETTE


class ThresholdModel:
    """Predicts class 1 right of x1 = 0 (a known vertical boundary)."""

    def predict(self, X):
        return (X[:, 0] > 0).astype(float)


# ---------------------------------------------------------------- plot_data


def test_plot_data_draws_each_class_with_its_colour_marker_and_legend(blobs):
    X, y = blobs
    fig = plots.plot_data(X, y, title="Two blobs", xlabel="age", ylabel="income")
    png_bytes(fig)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Two blobs", "age", "income")
    assert legend_texts(ax) == ["class 0", "class 1"]
    for cls, coll in enumerate(ax.collections):
        np.testing.assert_allclose(coll.get_offsets(), X[y == cls])
        assert to_hex(coll.get_facecolor()[0]) == CLASS_COLORS[cls].lower()
    markers = {coll.get_paths()[0].vertices.shape[0] for coll in ax.collections}
    assert len(markers) == len(CLASS_MARKERS)  # the two classes differ in shape too


def test_plot_data_accepts_float_and_column_labels_and_draws_on_a_given_ax(blobs):
    X, y = blobs
    fig, (left, right) = plt.subplots(1, 2)
    got = plots.plot_data(X, y.astype(float).reshape(-1, 1), ax=right)
    assert got is fig
    assert len(right.collections) == 2 and len(left.collections) == 0


def test_plot_data_more_than_two_classes_takes_palette_colours():
    X = np.arange(12.0).reshape(6, 2)
    fig = plots.plot_data(X, [0, 1, 2, 0, 1, 2])
    colours = [to_hex(c.get_facecolor()[0]) for c in fig.axes[0].collections]
    assert colours == [p.lower() for p in PALETTE[:3]]


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros((4, 3)), [0, 1, 0, 1], "X must have shape"),
        (np.zeros((4, 2)), [0, 1, 0], "y must have shape"),
        (np.zeros((4, 2)), [0, 1, 0.5, 1], "class labels"),
        (np.zeros((4, 2)), [0, -1, 0, 1], "class labels"),
    ],
)
def test_plot_data_rejects_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_data(X, y)


def test_decision_boundary_fills_regions_and_draws_the_boundary_where_the_model_switches(blobs):
    X, y = blobs
    fig = plots.plot_decision_boundary(ThresholdModel(), X, y, title="Threshold")
    png_bytes(fig)
    (ax,) = fig.axes
    filled, lines = contour_sets(ax)
    assert len(filled) == 1 and len(lines) == 1
    vertices = np.vstack([p.vertices for p in lines[0].get_paths() if len(p.vertices)])
    spacing = np.ptp(ax.get_xlim()) / 200
    assert np.all(np.abs(vertices[:, 0]) <= 2 * spacing)  # the line x1 = 0
    assert ax.get_title() == "Threshold"
    assert legend_texts(ax) == ["class 0", "class 1"]
    scatter = [c for c in ax.collections if not isinstance(c, ContourSet)]
    assert sum(len(c.get_offsets()) for c in scatter) == len(X)
    fills = [to_hex(c) for c in filled[0].get_facecolor()]
    assert fills == [c.lower() for c in CLASS_COLORS]


def test_decision_boundary_covers_the_data_with_a_margin(blobs):
    X, y = blobs
    fig = plots.plot_decision_boundary(ThresholdModel(), X, y, resolution=50)
    (ax,) = fig.axes
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    assert x_low < X[:, 0].min() and x_high > X[:, 0].max()
    assert y_low < X[:, 1].min() and y_high > X[:, 1].max()


def test_decision_boundary_thresholds_column_probabilities_at_one_half(blobs):
    X, y = blobs

    class Sigmoid:
        def predict(self, X):
            return (1 / (1 + np.exp(-(X[:, 1] - 1.0))))[:, None]  # p = 0.5 on x2 = 1

    fig = plots.plot_decision_boundary(Sigmoid(), X, y, resolution=100)
    ax = fig.axes[0]
    _, (line,) = contour_sets(ax)
    vertices = np.vstack([p.vertices for p in line.get_paths() if len(p.vertices)])
    assert np.all(np.abs(vertices[:, 1] - 1.0) <= 2 * np.ptp(ax.get_ylim()) / 100)


def test_decision_boundary_takes_the_argmax_of_several_outputs():
    X = np.array([[-3.0, 0.0], [0.0, 0.0], [3.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1, 2, 1])

    class ThreeBands:
        def predict(self, X):
            scores = np.column_stack([-X[:, 0] - 1, np.zeros(len(X)), X[:, 0] - 1])
            return scores

    fig = plots.plot_decision_boundary(ThreeBands(), X, y, resolution=60)
    filled, lines = contour_sets(fig.axes[0])
    assert len(filled[0].get_facecolor()) == 3  # three regions
    assert len(lines[0].levels) == 2  # two boundaries between them


def test_decision_boundary_of_a_constant_model_has_no_boundary_line(blobs):
    X, y = blobs

    class Always1:
        def predict(self, X):
            return np.ones(len(X))

    fig = plots.plot_decision_boundary(Always1(), X, y, resolution=20)
    png_bytes(fig)
    filled, lines = contour_sets(fig.axes[0])
    assert len(filled) == 1 and lines == []


def test_decision_boundary_rejects_a_bad_resolution(blobs):
    with pytest.raises(ValueError, match="resolution"):
        plots.plot_decision_boundary(ThresholdModel(), *blobs, resolution=1)


def test_plots_take_a_trained_dlcore_model_and_its_history():
    X, y = dl.datasets.make_xor(80, seed=0)
    model = dl.MLP([2, 4, 1], seed=0)
    history = model.fit(X, y, epochs=5, validation_data=(X[:20], y[:20])).history_
    fig = plots.plot_loss_curves(history)
    lines = lines_by_label(fig.axes[0])
    np.testing.assert_allclose(lines["training"].get_ydata(), history.loss)
    np.testing.assert_allclose(lines["validation"].get_ydata(), history.val_loss)
    fig = plots.plot_decision_boundary(model, X, y, resolution=40)
    png_bytes(fig)
    assert legend_texts(fig.axes[0]) == ["class 0", "class 1"]


def test_shade_regions_takes_a_function_and_colours_each_side():
    fig, ax = plt.subplots()
    plots.shade_regions(ax, lambda P: (P[:, 0] > 0).astype(float), xlim=(-1, 1), ylim=(-2, 2))
    assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == (-2, 2)
    (filled,) = [c for c in ax.collections]
    assert len(filled.get_paths()) >= 2  # one region per class
    plt.close(fig)


def test_draw_line_follows_w_dot_x_plus_b_and_skips_w_zero():
    fig, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    assert plots.draw_line(ax, [1.0, 2.0], -1.0)
    xs, ys = ax.lines[0].get_data()
    assert np.allclose(1.0 * xs + 2.0 * ys - 1.0, 0.0)
    assert not plots.draw_line(ax, [0.0, 0.0], 1.0)
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="2 weights"):
        plots.draw_line(ax, [1.0, 2.0, 3.0], 0.0)
    plt.close(fig)
