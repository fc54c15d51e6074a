"""course.plots.lesson03: the perceptron's states, updates and accuracy per epoch."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

import dlcore as dl
from course import plots
from course.values import epoch_accuracies

# ---- lesson 03


@pytest.fixture
def fitted_linear():
    X, y = dl.datasets.make_linear(n_samples=40, seed=3)
    return dl.Perceptron(lr=1.0, epochs=20, seed=3).fit(X, y), X, y


def test_update_replay_draws_one_panel_per_update_with_its_line(fitted_linear):
    p, X, y = fitted_linear
    n = sum(s.updated for s in p.steps_)
    fig = plots.plot_update_replay(p.steps_, X, y, max_panels=n)
    drawn = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split(" (")[0] for ax in drawn] == [
        f"update {k} of {n}" for k in range(1, n + 1)
    ]
    assert all(len(ax.get_lines()) == 1 for ax in drawn)  # the boundary of that state
    with pytest.raises(ValueError, match="no update"):
        plots.plot_update_replay([s for s in p.steps_ if not s.updated], X, y)
    plt.close("all")


def test_line_and_circle_and_update_figures_label_their_lines():
    fig = plots.plot_line_and_circle([0.8, -0.5], 0.1, [[0.3, 0.4]], ["inside"])
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["the circle", "$0.8 x_1 -0.5 x_2 +0.1 = 0$", "inside"]
    fig = plots.plot_update(([0.8, -0.5], 0.1), ([0.2, -0.05], -0.4), [1.2, -0.9], 0)
    lines = fig.axes[0].get_lines()
    assert [line.get_linestyle() for line in lines] == ["--", "-"]
    assert lines[1].get_label().startswith("after: $0.2 x_1 -0.05 x_2 -0.4")
    plt.close("all")


def test_accuracy_per_epoch_shows_the_chance_baseline(fitted_linear):
    p, X, y = fitted_linear
    fig = plots.plot_accuracy_per_epoch({"linear": (p, X, y)}, baseline=0.5)
    line, base = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_ydata(), epoch_accuracies(p.steps_, X, y))
    assert list(base.get_ydata()) == [0.5, 0.5] and "majority class (50%)" in base.get_label()
    plt.close("all")


@pytest.mark.parametrize(("w_weather", "decision"), [(0.6, "stay in"), (0.7, "go outside")])
def test_go_outside_map_titles_todays_decision(w_weather, decision):
    fig = plots.plot_go_outside(w_weather, 0.4, 5.0, today=(6, 3))
    z = w_weather * 6 + 0.4 * 3 - 5
    assert fig.axes[0].get_title() == f"Today: {decision} (z = {z:+.2f})"
    plt.close("all")
