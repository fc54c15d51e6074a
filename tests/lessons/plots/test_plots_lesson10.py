"""course.plots.lesson10: gradient norms per layer, loss per epoch, runs side by side."""

from __future__ import annotations

import numpy as np
import pytest
from plots_util import (
    legend_texts,
    png_bytes,
)

from course import plots

# ---- lesson 10


def test_gradient_norms_plot_one_line_per_setup_on_a_log_scale_leaving_out_zeros():
    fig = plots.plot_gradient_norms({"a": [1e-6, 1e-3, 1.0], "b": [0.0, 0.5, 0.5]})
    png_bytes(fig)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and legend_texts(ax) == ["a", "b"]
    a, b = ax.get_lines()
    assert list(a.get_xdata()) == [1, 2, 3] and list(a.get_ydata()) == [1e-6, 1e-3, 1.0]
    assert np.isnan(b.get_ydata()[0])  # a zero norm has no place on a log scale
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_gradient_norms({})
    with pytest.raises(ValueError, match="finite numbers >= 0"):
        plots.plot_gradient_norms({"a": [1.0, -1.0]})


def test_loss_per_epoch_draws_the_loss_of_guessing():
    fig = plots.plot_loss_per_epoch({"net": [2.4, 1.5, 0.9]})
    png_bytes(fig)
    ax = fig.axes[0]
    line, chance = ax.get_lines()
    assert list(line.get_xdata()) == [1, 2, 3]
    assert np.isclose(chance.get_ydata()[0], np.log(10)) and "guessing (2.30)" in legend_texts(ax)


def test_training_runs_show_the_loss_and_the_first_layers_norm_per_epoch():
    norms = np.array([[1e-3, 1.0], [1e-2, 0.5], [1e-1, 0.2]])
    fig = plots.plot_training_runs({"net": ([2.0, 1.0], norms)}, title="runs")
    png_bytes(fig)
    left, right = fig.axes
    assert list(left.get_lines()[0].get_ydata()) == [2.0, 1.0]
    assert right.get_yscale() == "log" and list(right.get_lines()[0].get_ydata()) == [
        1e-3,
        1e-2,
        1e-1,
    ]
    assert list(right.get_lines()[0].get_xdata()) == [0, 1, 2]
    assert legend_texts(left) == ["guessing (2.30)"]
    with pytest.raises(ValueError, match=r"must be \(epochs \+ 1, layers\)"):
        plots.plot_training_runs({"net": ([2.0], [1.0, 2.0])})
