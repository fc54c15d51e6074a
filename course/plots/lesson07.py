"""Lesson 07 (training): a regression's predictions against the true values."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import PALETTE
from course.plots._base import figure_axes

__all__ = [
    "plot_predictions",
]


def plot_predictions(
    y_true: Any,
    y_pred: Any,
    ax: Axes | None = None,
    title: str | None = None,
    label: str = "prediction",
    unit: str = "",
) -> Figure:
    r"""A regression's predictions against the true values, one point per example, with the
    line $\hat y = y$ of perfect predictions; the mean absolute error
    $\frac{1}{n}\sum_i |\hat y_i - y_i|$ is written in the legend (in ``unit``)."""
    y_true = np.asarray(y_true, dtype=float).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=float).reshape(-1)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(
            "y_true and y_pred must hold the same number of values (at least one); got "
            f"{y_true.size} and {y_pred.size}"
        )
    fig, ax = figure_axes(ax, figsize=(5.5, 5.0))
    mae = float(np.mean(np.abs(y_pred - y_true)))
    ax.scatter(
        y_true,
        y_pred,
        s=18,
        alpha=0.7,
        color=PALETTE[0],
        label=f"{label}: mean |error| {mae:,.0f}{(' ' + unit) if unit else ''}",
    )
    low = float(min(y_true.min(), y_pred.min()))
    high = float(max(y_true.max(), y_pred.max()))
    ax.plot([low, high], [low, high], color=PALETTE[7], ls="--", label="perfect: $\\hat y = y$")
    suffix = f" ({unit})" if unit else ""
    ax.set(xlabel=f"true value{suffix}", ylabel=f"predicted value{suffix}", aspect="equal")
    ax.set_title(title or "Predictions against true values")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig
