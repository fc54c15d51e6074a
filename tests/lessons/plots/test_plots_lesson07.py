"""course.plots.lesson07: a regression's predictions against the true values."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course import plots

# ---------------------------------------------------------------- lesson 07: plot_predictions


def test_predictions_scatter_the_points_draw_y_equals_x_and_give_the_mean_error():
    y_true, y_pred = np.array([100.0, 200.0, 300.0]), np.array([110.0, 190.0, 330.0])
    fig = plots.plot_predictions(y_true, y_pred, unit="$", title="Houses")
    ax = fig.axes[0]
    (points,) = ax.collections
    assert np.allclose(points.get_offsets(), np.column_stack([y_true, y_pred]))
    (line,) = ax.lines
    assert np.allclose(line.get_xdata(), [100, 330]) and np.allclose(line.get_ydata(), [100, 330])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "prediction: mean |error| 17 $"  # (10 + 10 + 30) / 3
    assert ax.get_title() == "Houses" and ax.get_xlabel() == "true value ($)"
    plt.close(fig)


def test_predictions_reject_lengths_that_differ():
    with pytest.raises(ValueError, match="same number of values"):
        plots.plot_predictions([1.0, 2.0], [1.0])
