"""What every figure module shares: the axes to draw on, 2-D data checks, class styles.

Colours and markers come from ``course.palette`` (Okabe & Ito), so every figure shows
class 0, class 1, ... alike.
"""

from __future__ import annotations

from typing import Any, Protocol

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure

from course.palette import CLASS_COLORS, CLASS_MARKERS, PALETTE


class Predictor(Protocol):
    """A model with ``predict(X)``: a dlcore model, a scikit-learn estimator, ..."""

    def predict(self, X: np.ndarray) -> Any: ...


def figure_of(ax: Axes) -> Figure:
    """The figure ``ax`` is drawn on (for axes in a SubFigure, the figure that holds it)."""
    fig: Figure | SubFigure | None = ax.get_figure()
    while isinstance(fig, SubFigure):
        fig = fig.get_figure()
    if fig is None:
        raise ValueError("ax must belong to a figure")
    return fig


def figure_axes(ax: Axes | None, figsize: tuple[float, float] = (5.5, 4.5)) -> tuple[Figure, Axes]:
    """Return ``(figure, ax)``: the given axes' figure, or a new pyplot figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return figure_of(ax), ax


def check_xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return ``X`` as (n, 2) floats and ``y`` as (n,) non-negative integer labels."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to be drawn in 2-D; got {X.shape}")
    y = np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X; got {y.shape}")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError(f"y must hold class labels 0, 1, ...; got values {np.unique(y)[:5]}")
    return X, y.astype(int)


def class_style(label: int) -> tuple[str, str]:
    """Colour and marker of class ``label`` (CLASS_COLORS/MARKERS, then the PALETTE)."""
    if label < len(CLASS_COLORS):
        return CLASS_COLORS[label], CLASS_MARKERS[label]
    markers = ("s", "D", "v", "P", "X", "*")
    return PALETTE[label % len(PALETTE)], markers[label % len(markers)]
