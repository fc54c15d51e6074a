"""course.plots.lesson11: feature maps, detections, hidden states, attention."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import to_hex
from plots_util import (
    legend_texts,
    png_bytes,
)

from course import plots

# ---- lesson 11


def test_feature_maps_show_the_image_and_each_map_on_a_symmetric_scale():
    image = np.arange(16.0).reshape(4, 4)
    fmap = np.array([[-2.0, 1.0], [0.5, 0.0]])
    fig = plots.plot_feature_maps(image, {"edges": fmap})
    png_bytes(fig)
    axes = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in axes] == ["input 4×4", "edges 2×2"]
    np.testing.assert_array_equal(axes[1].get_images()[0].get_array(), fmap)
    assert axes[1].get_images()[0].get_clim() == (-2.0, 2.0)
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_feature_maps(image, {})


def test_detections_colour_hits_and_misses_by_the_threshold():
    truth = {"a": (0, 0, 4, 4), "b": (10, 10, 14, 14)}
    predicted = {"a": (0, 0, 4, 4), "b": (12, 10, 16, 14)}
    ious = {"a": 1.0, "b": 1 / 3}
    fig = plots.plot_detections(np.zeros((20, 20)), truth, predicted, ious, threshold=0.5, grid=4)
    png_bytes(fig)
    ax = fig.axes[0]
    dashed = [p for p in ax.patches if p.get_linestyle() == "--"]
    assert [to_hex(p.get_edgecolor()) for p in dashed] == ["#009e73", "#d55e00"]  # hit, miss
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("IoU")] == [
        "IoU 1.00",
        "IoU 0.33",
    ]
    assert len(ax.get_lines()) == 6  # the 4x4 grid: 3 vertical and 3 horizontal lines
    assert legend_texts(ax) == ["true box", "hit", "miss"]


def test_hidden_states_draw_one_row_per_unit_and_one_column_per_step():
    x = np.sin(np.arange(5.0))
    states = np.tanh(np.outer(x, [1.0, -1.0, 0.5]))
    fig = plots.plot_hidden_states(x, states)
    png_bytes(fig)
    top, bottom = fig.axes[:2]
    np.testing.assert_array_equal(top.get_lines()[0].get_ydata(), x)
    np.testing.assert_array_equal(bottom.get_images()[0].get_array(), states.T)
    with pytest.raises(ValueError, match="states must have shape"):
        plots.plot_hidden_states(x, states[:4])


def test_attention_heatmap_writes_every_weight():
    weights = np.array([[0.9, 0.1], [0.25, 0.75]])
    fig = plots.plot_attention(weights, ["it", "cat"])
    png_bytes(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.90", "0.10", "0.25", "0.75"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["it", "cat"]
    with pytest.raises(ValueError, match="shape \\(3, 3\\)"):
        plots.plot_attention(weights, ["a", "b", "c"])
