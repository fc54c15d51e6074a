r"""Data in the plane and the regions a classifier gives it: scatter, shaded regions, a
line $w^\top x + b = 0$, a decision boundary."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure

from course.palette import OKABE_ITO
from course.plots._base import Predictor, check_xy, class_style, figure_axes

__all__ = [
    "draw_line",
    "plot_data",
    "plot_decision_boundary",
    "shade_regions",
]


def _grid(X: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """A ``resolution`` x ``resolution`` grid covering the data with a 10% margin."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.maximum(0.1 * (high - low), 0.5)
    x1 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    x2 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    return np.meshgrid(x1, x2)


def _predicted_classes(model: Predictor, points: np.ndarray) -> np.ndarray:
    """Class of each point: (n,) or (n, 1) outputs thresholded at 0.5, (n, k) by argmax."""
    out = np.asarray(model.predict(points), dtype=float)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    return (out.reshape(len(points)) >= 0.5).astype(int)


def plot_data(
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "x1",
    ylabel: str = "x2",
) -> Figure:
    """Scatter 2-D samples, one colour and marker per class, with a legend."""
    X, y = check_xy(X, y)
    fig, ax = figure_axes(ax)
    for label in np.unique(y):
        color, marker = class_style(int(label))
        pts = X[y == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            c=color,
            marker=marker,
            s=30,
            edgecolors="white",
            linewidths=0.5,
            label=f"class {label}",
            zorder=3,
        )
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or "Data")
    ax.legend(loc="best", framealpha=0.9)
    return fig


def shade_regions(
    ax: Axes,
    predict: Predictor | Callable[[np.ndarray], Any],
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    resolution: int = 200,
    alpha: float = 0.15,
) -> None:
    """Fill the plane with the colour of the class ``predict`` chooses at each point.

    ``predict`` is a model with ``.predict`` or a function of an ``(n, 2)`` array; its
    outputs are read as in :func:`plot_decision_boundary`. The limits default to the axes'.
    """
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    xlim = ax.get_xlim() if xlim is None else xlim
    ylim = ax.get_ylim() if ylim is None else ylim
    g1, g2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    model = predict if hasattr(predict, "predict") else _FunctionModel(predict)
    classes = _predicted_classes(model, np.column_stack([g1.ravel(), g2.ravel()]))
    classes = classes.reshape(g1.shape)
    k = int(classes.max()) + 1
    fills = ListedColormap([to_rgba(class_style(c)[0], alpha) for c in range(k)])
    ax.contourf(g1, g2, classes, levels=np.arange(k + 1) - 0.5, cmap=fills)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)


def draw_line(ax: Axes, w: Any, b: float, **style: Any) -> bool:
    r"""Draw the boundary $w_1 x_1 + w_2 x_2 + b = 0$ across the axes' current limits.

    Returns False, drawing nothing, when $w = 0$: then every point gets the same class and
    there is no line. ``style`` goes to ``ax.plot`` (colour, ``ls``, ``label``, ...).
    """
    w = np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"w must hold 2 weights (w1, w2); got shape {w.shape}")
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    if w[1] != 0 and abs(w[1]) >= abs(w[0]):
        xs = np.array([x_lo, x_hi])
        ys = -(w[0] * xs + float(b)) / w[1]
    elif w[0] != 0:
        ys = np.array([y_lo, y_hi])
        xs = -(w[1] * ys + float(b)) / w[0]
    else:
        return False
    ax.plot(xs, ys, **{"color": OKABE_ITO["black"], "lw": 2, **style})
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    return True


class _FunctionModel:
    """A plain function ``f(points)`` seen as a model with ``.predict``."""

    def __init__(self, fn: Callable[[np.ndarray], Any]) -> None:
        if not callable(fn):
            raise TypeError(f"predict must be a model or a function; got {type(fn).__name__}")
        self.predict = fn


def plot_decision_boundary(
    model: Predictor,
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 200,
    xlabel: str = "x1",
    ylabel: str = "x2",
) -> Figure:
    """Regions where ``model.predict`` chooses each class (light fill), the boundary, the data.

    Outputs of shape (n,) or (n, 1) are thresholded at 0.5; (n, k) ones are argmax-ed.
    """
    X, y = check_xy(X, y)
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    fig, ax = figure_axes(ax)
    g1, g2 = _grid(X, resolution)
    classes = _predicted_classes(model, np.column_stack([g1.ravel(), g2.ravel()]))
    classes = classes.reshape(g1.shape)
    k = int(max(classes.max(), y.max())) + 1
    fills = ListedColormap([to_rgba(class_style(c)[0], 0.25) for c in range(k)])
    levels = np.arange(k + 1) - 0.5
    ax.contourf(g1, g2, classes, levels=levels, cmap=fills)
    if classes.min() != classes.max():
        ax.contour(g1, g2, classes, levels=levels[1:-1], colors=OKABE_ITO["black"], linewidths=1.2)
    plot_data(X, y, ax=ax, title=title or "Decision boundary", xlabel=xlabel, ylabel=ylabel)
    return fig
