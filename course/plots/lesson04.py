"""Lesson 04 (linear classifiers): how $w$ and $b$ move the line, hidden units' lines,
training against test accuracy."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import Predictor, check_xy, figure_axes
from course.plots.boundaries import draw_line, plot_data, shade_regions
from course.values import step_model

__all__ = [
    "plot_accuracy_bars",
    "plot_hidden_lines",
    "plot_line_moves",
]


def plot_line_moves(
    panels: Sequence[tuple[Any, float, str]],
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    point: Any = None,
) -> Figure:
    r"""One panel per ``(w, b, title)``: the regions of $\mathbf{w}\cdot\mathbf{x} + b \ge 0$
    (class 1) and below, the line $\mathbf{w}\cdot\mathbf{x} + b = 0$, and the arrow
    $\mathbf{w}$ from the line's point nearest the origin, $-b\,\mathbf{w}/\lVert\mathbf{w}\rVert^2$
    (the arrow points to the class-1 side). ``point`` (x1, x2) is marked in every panel."""
    if not panels:
        raise ValueError("panels must list at least one (w, b, title)")
    fig, axes = plt.subplots(
        1, len(panels), figsize=(3.6 * len(panels), 3.7), squeeze=False, layout="constrained"
    )
    for ax, (w, b, title) in zip(axes[0], panels, strict=True):
        w = np.asarray(w, dtype=float).reshape(-1)
        shade_regions(ax, step_model(w, b), xlim, ylim, alpha=0.25)
        if draw_line(ax, w, b, label="$\\mathbf{w}\\cdot\\mathbf{x} + b = 0$"):
            foot = -b * w / (w @ w)
            ax.annotate(
                "",
                xy=foot + w / np.linalg.norm(w) * 0.8,
                xytext=foot,
                arrowprops={"arrowstyle": "->", "color": PALETTE[3], "lw": 2},
            )
        if point is not None:
            ax.plot(*point, "*", ms=14, color=OKABE_ITO["black"])
        ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    return fig


def plot_hidden_lines(
    predict: Predictor | Callable[[np.ndarray], Any],
    W_hidden: Any,
    b_hidden: Any,
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    lim: tuple[float, float] | None = None,
) -> Figure:
    r"""A network's decision regions with its data and the line
    $w_{1j} x_1 + w_{2j} x_2 + b_j = 0$ of each hidden unit $j$ (column $j$ of ``W_hidden``),
    dashed and labelled $h_j$: where each hidden unit switches between its two halves."""
    X, y = check_xy(X, y)
    W_hidden = np.asarray(W_hidden, dtype=float)
    b_hidden = np.asarray(b_hidden, dtype=float).reshape(-1)
    if W_hidden.ndim != 2 or W_hidden.shape[0] != 2 or b_hidden.shape != (W_hidden.shape[1],):
        raise ValueError(
            "W_hidden must have shape (2, units) and b_hidden one bias per unit; got shapes "
            f"{W_hidden.shape} and {b_hidden.shape}"
        )
    fig, ax = figure_axes(ax, figsize=(5.5, 5.0))
    if lim is None:
        lim = (float(X.min()) - 0.5, float(X.max()) + 0.5)
    shade_regions(ax, predict, lim, lim, alpha=0.25)
    plot_data(
        X,
        y,
        ax=ax,
        title=title or "Decision regions and hidden-unit lines",
        xlabel="$x_1$",
        ylabel="$x_2$",
    )
    styles = ("--", "-.", ":", (0, (5, 1, 1, 1)))
    for j in range(W_hidden.shape[1]):
        draw_line(
            ax,
            W_hidden[:, j],
            b_hidden[j],
            color=PALETTE[(j + 2) % len(PALETTE)],
            ls=styles[j % len(styles)],
            label=f"$h_{j + 1}$ line",
        )
    ax.set_aspect("equal")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return fig


def plot_accuracy_bars(
    scores: Mapping[str, tuple[float, float]],
    baseline: float,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Training and test accuracy of each model (``name -> (train, test)``) as paired bars,
    with the majority-class baseline as a dashed line and each bar's value written on it."""
    if not scores:
        raise ValueError("scores must map at least one model name to (train, test) accuracy")
    fig, ax = figure_axes(ax, figsize=(6.5, 4.0))
    x = np.arange(len(scores))
    for k, (what, colour) in enumerate((("training", PALETTE[0]), ("test", PALETTE[1]))):
        values = [pair[k] for pair in scores.values()]
        bars = ax.bar(x + (k - 0.5) * 0.38, values, 0.36, color=colour, label=what)
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], padding=2, fontsize=9)
    ax.axhline(
        baseline,
        color=PALETTE[7],
        ls="--",
        lw=1.5,
        label=f"majority-class baseline ({baseline:.0%})",
    )
    ax.set(
        xticks=x,
        xticklabels=list(scores),
        ylim=(0, 1.18),
        ylabel="accuracy",
        title=title or "Accuracy",
    )
    ax.legend(loc="upper left", ncol=3, fontsize=8)
    return fig
