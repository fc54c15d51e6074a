"""The playground's picture (``course.widgets.playground``, lesson 04): a small network's
decision regions over its data, beside its loss per epoch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from course.palette import CLASS_COLORS, CLASS_MARKERS
from course.plots._base import Predictor
from course.plots.boundaries import shade_regions
from course.plots.curves import plot_loss_curves

__all__ = ["plot_playground"]

#: the grid of predictions that shades the regions, per side
_RESOLUTION = 120
#: the size, in inches, of a new figure
_FIGSIZE = (9.0, 4.0)


def _points(data: tuple[Any, Any]) -> tuple[np.ndarray, np.ndarray]:
    X, y = data
    return np.asarray(X, dtype=float).reshape(-1, 2), np.asarray(y, dtype=float).reshape(-1)


def plot_playground(
    model: Predictor,
    train: tuple[Any, Any],
    test: tuple[Any, Any],
    own: tuple[Any, Any] = ((), ()),
    limits: tuple[float, float] = (-1.8, 1.8),
    title: str = "",
    history: Mapping[str, Sequence[float]] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Left: the square ``limits`` x ``limits`` shaded by the class ``model`` predicts there
    (output >= 0.5: class 1), with the ``train`` points ``(X, y)`` filled, the ``test``
    points hollow and the learner's ``own`` points large, ringed in black; ``title`` above.
    Right: ``history``'s training and test loss per epoch (``"loss"``, ``"val_loss"``), or,
    when None, a note that the network is not trained yet.

    Drawn on ``fig`` (cleared first: the widget redraws its one figure) or on a new pyplot
    figure.
    """
    if fig is None:
        fig = plt.figure(figsize=_FIGSIZE, layout="constrained")
    else:
        fig.clear()
    (X, y), (X_test, y_test), (X_own, y_own) = _points(train), _points(test), _points(own)
    left, right = fig.subplots(1, 2, width_ratios=(1.1, 1))
    shade_regions(left, model, limits, limits, resolution=_RESOLUTION, alpha=0.3)
    for label in (0, 1):
        style = dict(c=CLASS_COLORS[label], marker=CLASS_MARKERS[label])
        mine, ours, theirs = y_own == label, y == label, y_test == label
        if ours.any():  # "own" has no generated points, only the learner's
            left.scatter(*X[ours].T, s=18, edgecolors="white", lw=0.5,
                         label=f"train, class {label}", **style)  # fmt: skip
        if theirs.any():
            left.scatter(*X_test[theirs].T, s=18, facecolors="none",
                         edgecolors=CLASS_COLORS[label], marker=CLASS_MARKERS[label], lw=1,
                         label=f"test, class {label}")  # fmt: skip
        if mine.any():
            left.scatter(*X_own[mine].T, s=90, edgecolors="black", lw=1.5,
                         label=f"your points, class {label}", zorder=4, **style)  # fmt: skip
    left.set(xlabel="$x_1$", ylabel="$x_2$")
    left.set_title(title, fontsize=10)
    if left.get_legend_handles_labels()[0]:
        left.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=7)
    if history is not None:
        plot_loss_curves(dict(history), ax=right, title="Loss (binary cross-entropy)")
        for line, name in zip(right.get_lines(), ("training", "test"), strict=False):
            line.set_label(name)
        right.legend(loc="upper right")
    else:
        right.text(0.5, 0.5, "not trained yet:\npress Train", ha="center", va="center")
        right.set(title="Loss (binary cross-entropy)", xticks=[], yticks=[])
    return fig
