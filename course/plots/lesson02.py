"""Lesson 02 (why deep learning): a timeline, matrix-multiply scaling, learning curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import figure_axes

__all__ = [
    "plot_learning_curves",
    "plot_matmul_scaling",
    "plot_timeline",
]


def plot_timeline(
    events: Sequence[tuple[float, str, str]], ax: Axes | None = None, title: str | None = None
) -> Figure:
    """A timeline: one row per group, a dot and a label for each ``(year, name, group)``.

    Rows appear in the order their group first occurs in ``events``, top row first.
    """
    if not events:
        raise ValueError("events must list at least one (year, name, group); got none")
    rows = list(dict.fromkeys(group for _, _, group in events))[::-1]
    fig, ax = figure_axes(ax, figsize=(9, 3.8))
    for year, name, group in events:
        y = rows.index(group)
        ax.plot(year, y, "o", color=PALETTE[y % len(PALETTE)])
        ax.annotate(
            name,
            (year, y),
            xytext=(0, 7),
            textcoords="offset points",
            ha="left",
            fontsize=8.5,
            rotation=40,
        )
    years = [year for year, _, _ in events]
    ax.set_xlim(min(years) - 1, max(years) + 3.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(-0.5, len(rows) - 0.1)
    ax.set(xlabel="year (approximate first public release)", title=title or "Timeline")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_matmul_scaling(sizes: Any, seconds: Any, title: str | None = None) -> Figure:
    r"""Two panels: matrix-multiply time against $n$ (log-log, with an $n^3$ reference line
    through the largest size) and the speed $2n^3 / t$ in GFLOP/s."""
    sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    if sizes.ndim != 1 or sizes.shape != seconds.shape or sizes.size < 2:
        raise ValueError(
            "sizes and seconds must be 1-D arrays of the same length >= 2; got shapes "
            f"{sizes.shape} and {seconds.shape}"
        )
    if np.any(sizes <= 0) or np.any(seconds <= 0):
        raise ValueError("sizes and seconds must be positive")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    left.loglog(sizes, seconds * 1e3, "o-", color=PALETTE[0], label="measured")
    reference = seconds[-1] * (sizes / sizes[-1]) ** 3 * 1e3
    left.loglog(sizes, reference, "--", color=PALETTE[1], label="$n^3$ reference")
    right.semilogx(sizes, 2 * sizes**3 / seconds / 1e9, "o-", color=PALETTE[2])
    for ax in (left, right):
        ax.set_xticks(sizes, [f"{n:.0f}" for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("matrix size $n$ (log scale)")
    left.set(ylabel="time of one product (ms, log scale)", title="Time of an $n \\times n$ product")
    left.legend(loc="upper left")
    right.set_ylim(0, right.get_ylim()[1] * 1.1)
    right.set(ylabel="GFLOP/s", title="Speed reached, $2n^3 / t$")
    if title:
        fig.suptitle(title)
    return fig


def plot_learning_curves(
    sizes: Any,
    curves: Mapping[str, Any],
    ax: Axes | None = None,
    chance: float | None = 0.5,
    title: str | None = None,
) -> Figure:
    """Test accuracy against training-set size (log scale), one line per model, a dotted
    chance baseline, and the legend outside the axes, clear of the data."""
    sizes = np.asarray(sizes, dtype=float)
    if sizes.ndim != 1 or sizes.size < 2 or np.any(sizes <= 0):
        raise ValueError(f"sizes must be a 1-D array of >= 2 positive sizes; got {sizes!r}")
    fig, ax = figure_axes(ax, figsize=(8, 4))
    markers = "osD^vP"
    for k, (name, accuracies) in enumerate(curves.items()):
        accuracies = np.asarray(accuracies, dtype=float)
        if accuracies.shape != sizes.shape:
            raise ValueError(
                f"curve {name!r} must hold one accuracy per size, {sizes.shape}; "
                f"got {accuracies.shape}"
            )
        ax.semilogx(
            sizes, accuracies, markers[k % len(markers)] + "-", color=PALETTE[k], label=name
        )
    if chance is not None:
        ax.axhline(chance, color=OKABE_ITO["black"], ls=":", lw=1, label=f"chance ({chance:g})")
    ax.set_xticks(sizes, [f"{n:.0f}" for n in sizes])
    ax.minorticks_off()
    ax.set(
        xlabel="training-set size (log scale)",
        ylabel="test accuracy",
        ylim=(0.4, 1.0),
        title=title or "Learning curves",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    return fig
