"""course.plots.playground: the playground's picture, regions and points beside the loss."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from plots_util import png_bytes

from course import plots


class LeftOfZero:
    """Class 1 where x1 < 0: a known boundary to shade."""

    def predict(self, X):
        return (np.asarray(X)[:, :1] < 0).astype(float)


def test_the_regions_the_points_and_the_note_before_training(blobs):
    X, y = blobs
    fig = plots.plot_playground(
        LeftOfZero(), (X[:20], y[:20]), (X[20:], y[20:]), limits=(-4, 4), title="blobs\n50%"
    )
    png_bytes(fig)
    assert plt.fignum_exists(fig.number)  # no figure given: a new pyplot one
    left, right = fig.axes
    assert any(isinstance(c, ContourSet) for c in left.collections)
    labels = [c.get_label() for c in left.collections if not isinstance(c, ContourSet)]
    assert labels == ["train, class 0", "train, class 1", "test, class 1"]  # no test 0 here
    hollow = next(c for c in left.collections if c.get_label() == "test, class 1")
    assert np.allclose(hollow.get_offsets(), X[20:])
    assert left.get_xlim() == left.get_ylim() == (-4, 4) and left.get_title() == "blobs\n50%"
    assert "not trained yet" in right.texts[0].get_text() and not right.get_lines()


def test_own_points_and_the_loss_curves_after_training_on_the_figure_given(blobs):
    X, y = blobs
    fig = Figure(figsize=(9.0, 4.0), layout="constrained")
    FigureCanvasAgg(fig)
    fig.subplots(1, 3)  # whatever was on it is cleared
    own = (np.array([[3.0, 3.0]]), np.array([0]))
    history = {"loss": [0.7, 0.5, 0.4], "val_loss": [0.8, 0.6, 0.5]}
    drawn = plots.plot_playground(LeftOfZero(), (X, y), (X[:0], y[:0]), own, history=history,
                                  fig=fig)  # fmt: skip
    assert drawn is fig and len(fig.axes) == 2
    left, right = fig.axes
    mine = next(c for c in left.collections if c.get_label() == "your points, class 0")
    assert np.allclose(mine.get_offsets(), [[3.0, 3.0]]) and mine.get_zorder() == 4
    assert [line.get_label() for line in right.get_lines()] == ["training", "test"]
    assert np.allclose(right.get_lines()[1].get_ydata(), history["val_loss"])
    assert [t.get_text() for t in right.get_legend().get_texts()] == ["training", "test"]
