"""course.plots.lesson04: moving lines, hidden units' lines, training against test accuracy."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.contour import ContourSet
from plots_util import (
    legend_texts,
    png_bytes,
)

from course import plots

# ---------------------------------------------------------------- lesson 04


def test_line_moves_draw_one_panel_per_setting_with_the_line_and_the_arrow_of_w():
    panels = [
        ([0.8, -0.5], 0.1, "start"),
        ([0.8, -0.5], -0.4, "shifted"),
        ([0.0, 0.0], 1.0, "none"),
    ]
    fig = plots.plot_line_moves(panels, point=(0.3, 0.4))
    png_bytes(fig)
    assert [ax.get_title() for ax in fig.axes] == ["start", "shifted", "none"]
    start = fig.axes[0]
    (xs, ys) = start.get_lines()[0].get_data()
    np.testing.assert_allclose(0.8 * np.asarray(xs) - 0.5 * np.asarray(ys) + 0.1, 0, atol=1e-12)
    arrow = start.texts[0]  # annotate: from the foot of the perpendicular, along w
    foot = np.array([-0.1 * 0.8, 0.1 * 0.5]) / 0.89
    np.testing.assert_allclose(arrow.xyann, foot)
    np.testing.assert_allclose(
        np.asarray(arrow.xy) - foot, np.array([0.8, -0.5]) / np.sqrt(0.89) * 0.8
    )
    assert not fig.axes[2].texts  # w = 0: no line, no arrow
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_line_moves([])


def test_hidden_lines_draw_one_line_per_hidden_unit_over_the_regions():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    W, b = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5])
    fig = plots.plot_hidden_lines(lambda P: (P.sum(axis=1) % 2 > 0.4).astype(float), W, b, X, y)
    png_bytes(fig)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["$h_1$ line", "$h_2$ line"]
    for line, bias in zip(ax.get_lines(), b, strict=True):
        xs, ys = line.get_data()
        np.testing.assert_allclose(np.asarray(xs) + np.asarray(ys) + bias, 0, atol=1e-12)
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    with pytest.raises(ValueError, match="W_hidden must have shape"):
        plots.plot_hidden_lines(lambda P: P[:, 0], W, [0.0], X, y)


def test_accuracy_bars_pair_training_and_test_with_the_baseline():
    fig = plots.plot_accuracy_bars({"one": (0.8, 0.75), "two": (0.95, 0.9)}, baseline=0.6)
    png_bytes(fig)
    ax = fig.axes[0]
    heights = [round(p.get_height(), 2) for p in ax.patches]
    assert heights == [0.8, 0.95, 0.75, 0.9]
    assert [t.get_text() for t in ax.texts] == ["80%", "95%", "75%", "90%"]
    assert ax.get_lines()[0].get_ydata()[0] == 0.6
    assert "baseline (60%)" in legend_texts(ax)[0]
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_accuracy_bars({}, 0.5)
