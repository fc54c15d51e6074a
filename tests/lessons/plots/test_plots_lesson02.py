"""course.plots.lesson02: a timeline, matrix-multiply scaling, learning curves."""

from __future__ import annotations

import numpy as np
import pytest
from plots_util import (
    legend_texts,
    lines_by_label,
    png_bytes,
)

from course import plots

# ---------------------------------------------------------------- lesson 02


def test_plot_timeline_puts_each_group_on_its_row_first_group_on_top():
    events = [(2004, "Facebook", "social"), (2006, "Hadoop", "tools"), (2005, "YouTube", "social")]
    fig = plots.plot_timeline(events, title="names")
    png_bytes(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tools", "social"]
    dots = {(line.get_xdata()[0], line.get_ydata()[0]) for line in ax.get_lines()}
    assert dots == {(2004, 1), (2006, 0), (2005, 1)}
    assert {t.get_text() for t in ax.texts} == {"Facebook", "Hadoop", "YouTube"}
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_timeline([])


def test_plot_matmul_scaling_draws_the_times_an_n_cubed_reference_and_the_gflops():
    sizes = np.array([100, 200, 400])
    seconds = np.array([1e-4, 9e-4, 6e-3])
    fig = plots.plot_matmul_scaling(sizes, seconds)
    png_bytes(fig)
    left, right = fig.axes
    lines = lines_by_label(left)
    np.testing.assert_allclose(lines["measured"].get_ydata(), seconds * 1e3)
    reference = lines["$n^3$ reference"].get_ydata()
    np.testing.assert_allclose(reference / reference[0], (sizes / 100) ** 3)
    assert reference[-1] == pytest.approx(seconds[-1] * 1e3)
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), 2 * sizes**3 / seconds / 1e9)
    with pytest.raises(ValueError, match="same length"):
        plots.plot_matmul_scaling([100, 200], [1e-4])
    with pytest.raises(ValueError, match="positive"):
        plots.plot_matmul_scaling([100, 200], [1e-4, 0.0])


def test_plot_learning_curves_one_line_per_model_a_chance_line_and_the_legend_outside():
    sizes = [25, 50, 100]
    curves = {"linear": [0.6, 0.62, 0.63], "MLP": [0.7, 0.85, 0.9]}
    fig = plots.plot_learning_curves(sizes, curves)
    png_bytes(fig)
    ax = fig.axes[0]
    lines = lines_by_label(ax)
    np.testing.assert_allclose(lines["MLP"].get_ydata(), [0.7, 0.85, 0.9])
    np.testing.assert_allclose(lines["chance (0.5)"].get_ydata(), [0.5, 0.5])
    assert legend_texts(ax) == ["linear", "MLP", "chance (0.5)"]
    fig.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    assert legend_box.x0 > ax.get_window_extent().x1  # clear of the data
    with pytest.raises(ValueError, match="one accuracy per size"):
        plots.plot_learning_curves(sizes, {"short": [0.5, 0.6]})
