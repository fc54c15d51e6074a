"""course.plots.lesson09: gradient descent's paths and losses, a speed controller."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.contour import ContourSet
from plots_util import (
    legend_texts,
    lines_by_label,
    png_bytes,
)

from course import plots

# ---- lesson 09


def test_descent_in_one_dimension_puts_each_path_on_the_curve_and_its_loss_per_step():
    paths = {"a": [2.0, 1.6, 1.28], "b": [2.0, -2.4, 2.88]}
    fig = plots.plot_descent(lambda w: w**2, paths, xlim=(-3, 3))
    png_bytes(fig)
    ax_path, ax_loss = fig.axes
    lines = lines_by_label(ax_path)
    assert {"$L(w)$", "a", "b"} <= set(lines)
    np.testing.assert_allclose(lines["b"].get_ydata(), [4.0, 5.76, 8.2944])
    np.testing.assert_allclose(lines_by_label(ax_loss)["a"].get_ydata(), [4.0, 2.56, 1.6384])
    assert ax_loss.get_yscale() == "log" and ax_path.get_xlabel() == "$w$"


def test_descent_in_two_dimensions_draws_contours_and_a_linear_scale_for_negative_losses():
    path = np.array([[1.0, 1.0], [0.5, -0.5], [0.0, 0.0]])
    fig = plots.plot_descent(
        lambda a, b: a**2 + b**2 - 1, {"gd": path}, xlim=(-2, 2), ylim=(-2, 2), title="bowl"
    )
    png_bytes(fig)
    ax_path, ax_loss = fig.axes
    assert any(isinstance(c, ContourSet) for c in ax_path.collections)
    np.testing.assert_allclose(lines_by_label(ax_path)["gd"].get_xydata(), path)
    np.testing.assert_allclose(lines_by_label(ax_loss)["gd"].get_ydata(), [1.0, -0.5, -1.0])
    assert ax_loss.get_yscale() == "linear" and ax_path.get_title() == "bowl"
    with pytest.raises(ValueError, match="ylim is needed"):
        plots.plot_descent(lambda a, b: a, {"gd": path}, xlim=(-2, 2))
    with pytest.raises(ValueError, match="all of the same kind"):
        plots.plot_descent(lambda w: w, {"a": [1.0, 2.0], "b": path}, xlim=(-2, 2))
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_descent(lambda w: w, {}, xlim=(-2, 2))


def test_speed_control_draws_each_gain_against_time_with_the_target():
    fig = plots.plot_speed_control({"k = 0.5": [30, 25, 22.5]}, target=20, dt=0.5)
    png_bytes(fig)
    ax = fig.axes[0]
    line = lines_by_label(ax)["k = 0.5"]
    np.testing.assert_allclose(line.get_xdata(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(line.get_ydata(), [30, 25, 22.5])
    assert ax.get_lines()[-1].get_ydata()[0] == 20
    assert "target speed (20 m/s)" in legend_texts(ax)
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_speed_control({}, target=20)
