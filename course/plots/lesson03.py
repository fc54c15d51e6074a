"""Lesson 03 (the perceptron): its regions and line, each update, accuracy per epoch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import check_xy, class_style, figure_axes
from course.plots.boundaries import draw_line, plot_data, shade_regions
from course.values import epoch_accuracies, step_model

__all__ = [
    "plot_accuracy_per_epoch",
    "plot_go_outside",
    "plot_line_and_circle",
    "plot_perceptron_state",
    "plot_update",
    "plot_update_replay",
]


def plot_perceptron_state(
    ax: Axes, X: Any, y: Any, w: Any, b: float, title: str = "", ring: Any = None
) -> None:
    r"""One state of a perceptron on 2-D data: the regions of $\hat y$, the line
    $w^\top x + b = 0$, the samples, and (optionally) the sample ``ring`` circled."""
    X, y = check_xy(X, y)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low)
    shade_regions(
        ax,
        step_model(w, b),
        (low[0] - pad[0], high[0] + pad[0]),
        (low[1] - pad[1], high[1] + pad[1]),
        resolution=120,
    )
    draw_line(ax, w, b)
    plot_data(X, y, ax=ax, title=title, xlabel="$x_1$", ylabel="$x_2$")
    if ring is not None:
        ring_x, ring_y = np.asarray(ring, dtype=float)
        ax.scatter(
            ring_x,
            ring_y,
            s=220,
            facecolor="none",
            edgecolor=PALETTE[3],
            lw=2,
            zorder=4,
        )
    legend = ax.get_legend()  # plot_data's; the panels are small
    if legend is not None:
        legend.remove()


def plot_update_replay(steps: Sequence[Any], X: Any, y: Any, max_panels: int = 6) -> Figure:
    """Small panels of the boundary after each update recorded in ``Perceptron.steps_``.

    With more updates than ``max_panels``, the first ``max_panels - 1`` and the last are shown;
    each panel circles the sample that caused its update.
    """
    updates = [s for s in steps if s.updated]
    if not updates:
        raise ValueError("steps holds no update; fit the perceptron first")
    shown = updates if len(updates) <= max_panels else updates[: max_panels - 1] + updates[-1:]
    n_cols = min(3, len(shown))
    n_rows = -(-len(shown) // n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(3.4 * n_cols, 3.2 * n_rows), squeeze=False, layout="constrained"
    )
    for ax, s in zip(axes.flat, shown, strict=False):
        k = updates.index(s) + 1
        title = f"update {k} of {len(updates)} (epoch {s.epoch + 1})"
        plot_perceptron_state(ax, X, y, s.w, s.b, title=title, ring=s.x)
    for ax in axes.flat[len(shown) :]:
        ax.axis("off")
    fig.suptitle("The boundary after each update (circled: the sample that caused it)")
    return fig


def plot_line_and_circle(
    w: Any, b: float, points: Sequence[Any], labels: Sequence[str], ax: Axes | None = None
) -> Figure:
    r"""The unit circle, the regions and line of the perceptron $[w^\top x + b \ge 0]$, and
    labelled points (a point at distance < 1 from the origin is drawn as class 1)."""
    fig, ax = figure_axes(ax, figsize=(5.5, 5))
    shade_regions(ax, step_model(w, b), (-1.6, 1.6), (-1.6, 1.6))
    circle = plt.Circle((0, 0), 1, fill=False, color=PALETTE[2], lw=2, label="the circle")
    ax.add_patch(circle)
    w1, w2 = np.asarray(w, dtype=float)
    draw_line(ax, w, b, label=f"${w1:g} x_1 {w2:+g} x_2 {float(b):+g} = 0$")
    for point, label in zip(points, labels, strict=True):
        color, marker = class_style(int(np.linalg.norm(point) < 1))
        ax.scatter(
            point[0], point[1], s=80, c=color, marker=marker, edgecolor="k", zorder=3, label=label
        )
    ax.set(
        aspect="equal",
        xlabel="$x_1$",
        ylabel="$x_2$",
        title="A perceptron splits the plane with a line",
    )
    ax.legend(loc="upper left", fontsize=8, framealpha=0.9)
    return fig


def plot_update(
    before: tuple[Any, float], after: tuple[Any, float], x: Any, y: int, ax: Axes | None = None
) -> Figure:
    r"""The boundary before (dashed) and after (solid, with its regions) one update on the
    sample ``x`` with label ``y``; ``before`` and ``after`` are ``(w, b)`` pairs."""
    fig, ax = figure_axes(ax, figsize=(7, 5))
    shade_regions(ax, step_model(*after), (-1.6, 3.0), (-1.6, 1.6))
    for (w, b), when, style in (
        (before, "before", {"ls": "--", "color": PALETTE[4]}),
        (after, "after", {}),
    ):
        w1, w2 = np.asarray(w, dtype=float)
        draw_line(ax, w, b, label=f"{when}: ${w1:g} x_1 {w2:+g} x_2 {float(b):+g} = 0$", **style)
    color, marker = class_style(int(y))
    x = np.asarray(x, dtype=float)
    ax.scatter(
        x[0],
        x[1],
        s=90,
        c=color,
        marker=marker,
        edgecolor="k",
        zorder=3,
        label=f"$\\mathbf{{x}} = ({x[0]:g}, {x[1]:g})$, $y = {int(y)}$",
    )
    ax.set(
        aspect="equal",
        xlabel="$x_1$",
        ylabel="$x_2$",
        title="One update moves the line past the misclassified point",
    )
    ax.legend(loc="lower left", fontsize=8, framealpha=0.9)
    return fig


def plot_accuracy_per_epoch(
    runs: Mapping[str, tuple[Any, Any, Any]], baseline: float, ax: Axes | None = None
) -> Figure:
    """Accuracy after each epoch of fitted perceptrons, ``{name: (perceptron, X, y)}``, with
    the chance baseline (always guessing the majority class) dashed."""
    fig, ax = figure_axes(ax, figsize=(6, 3.5))
    for k, (name, (model, X, y)) in enumerate(runs.items()):
        acc = epoch_accuracies(model.steps_, X, y)
        ax.plot(
            np.arange(1, len(acc) + 1), acc, "^o"[k % 2] + "-", color=PALETTE[k], ms=4, label=name
        )
    ax.axhline(
        baseline,
        ls="--",
        color=OKABE_ITO["black"],
        lw=1,
        label=f"always the majority class ({baseline:.0%})",
    )
    ax.set(
        xlabel="epoch",
        ylabel="accuracy on all data",
        ylim=(0, 1.05),
        title="Accuracy after each epoch",
    )
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return fig


def plot_go_outside(
    w_weather: float, w_daylight: float, threshold: float, today: tuple[float, float]
) -> Figure:
    r"""The go-outside perceptron over every day (weather 0-10, daylight 0-12 h): go out
    where $w_\text{weather}\,\text{weather} + w_\text{daylight}\,\text{daylight} \ge \theta$;
    ``today`` is starred and the title gives its decision and $z$."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    w, b = np.array([w_weather, w_daylight]), -threshold
    shade_regions(ax, step_model(w, b), (0, 10), (0, 12), resolution=201, alpha=0.35)
    draw_line(ax, w, b)
    ax.scatter(*today, marker="*", s=300, c=PALETTE[7], zorder=3)
    ax.text(9.7, 11.5, "go outside", ha="right", va="top", fontsize=12)
    ax.text(0.3, 0.5, "stay in", ha="left", va="bottom", fontsize=12)
    z = float(w @ np.asarray(today, dtype=float) + b)
    ax.set(
        title=f"Today: {'go outside' if z >= 0 else 'stay in'} (z = {z:+.2f})",
        xlabel="weather (0 = storm, 10 = sunshine)",
        ylabel="hours of daylight left",
    )
    return fig
