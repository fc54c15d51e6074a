"""course.plots.lesson08: one neuron's computational graph, descent on a 1-D loss."""

from __future__ import annotations

import numpy as np
import pytest
from plots_util import (
    legend_texts,
    png_bytes,
)

from course import plots

# ---- lesson 08


def test_neuron_graph_writes_every_value_and_local_derivative():
    fig = plots.plot_neuron_graph(2.0, 0.5, -0.5, 0.8)
    png_bytes(fig)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for number in ["0.5000", "0.6225", "0.0315", "0.2350", "-0.3551", "-0.1669", "-0.0834"]:
        assert number in texts, number
    assert "a(1 - a)" in texts and "2(a - y)" in texts and "= x = 2" in texts
    arrows = [t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 6  # w, x, b -> z -> a -> L <- y


def test_descent_paths_draw_each_run_on_the_loss_curve():
    def loss(w):
        return (np.asarray(w) ** 2 - 1) ** 2

    fig = plots.plot_descent_paths(loss, {"left": [-1.5, -1.2, -1.0], "right": [0.5, 1.0]}, (-2, 2))
    png_bytes(fig)
    ax = fig.axes[0]
    curve, left, left_start, left_end = ax.get_lines()[:4]
    np.testing.assert_allclose(curve.get_ydata(), loss(curve.get_xdata()))
    np.testing.assert_allclose(left.get_xdata(), [-1.5, -1.2, -1.0])
    np.testing.assert_allclose(left.get_ydata(), loss([-1.5, -1.2, -1.0]))
    assert list(left_start.get_xdata()) == [-1.5] and list(left_end.get_xdata()) == [-1.0]
    assert legend_texts(ax) == ["$L(w)$", "left", "right"]
    with pytest.raises(ValueError, match="at least one label"):
        plots.plot_descent_paths(loss, {}, (-2, 2))
    with pytest.raises(ValueError, match="'right' is empty"):
        plots.plot_descent_paths(loss, {"right": []}, (-2, 2))
