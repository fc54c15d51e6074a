"""Lesson 09 (the learning rate): gradient descent's paths and losses, a speed controller."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course.palette import PALETTE
from course.plots._base import figure_axes, figure_of

__all__ = [
    "plot_descent",
    "plot_speed_control",
]


def _descent_series(paths: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """``paths`` as float arrays, all 1-D (one weight) or all of shape (steps + 1, 2)."""
    if not paths:
        raise ValueError("paths must map at least one label to a path of weights")
    series = {label: np.asarray(path, dtype=float) for label, path in paths.items()}
    dims = {1 if p.ndim == 1 else p.shape[1] if p.ndim == 2 else 0 for p in series.values()}
    if len(dims) != 1 or dims.pop() not in (1, 2):
        shapes = {label: p.shape for label, p in series.items()}
        raise ValueError(
            f"each path must be a 1-D array of weights or an array of shape (steps + 1, 2), "
            f"all of the same kind; got shapes {shapes}"
        )
    return series


def plot_descent(
    loss: Callable[..., Any],
    paths: Mapping[str, Any],
    xlim: tuple[float, float],
    ylim: tuple[float, float] | None = None,
    axes: Sequence[Axes] | None = None,
    title: str | None = None,
    loss_title: str | None = None,
) -> Figure:
    r"""Gradient descent on a loss: the paths of the weights and the loss at each step.

    Left: for one weight, the curve :math:`L(w)` over ``xlim`` with each path's points on it;
    for two weights (paths of shape (steps + 1, 2)), the contours of :math:`L(w_1, w_2)` over
    ``xlim`` x ``ylim`` with each path drawn as joined points. ``loss`` takes one array
    (1-D) or two arrays (2-D) and works element-wise. Right: :math:`L` after each step, on a
    log scale when every value is positive. A path that leaves the view is clipped on the
    left and keeps growing on the right.
    """
    series = _descent_series(paths)
    two_d = next(iter(series.values())).ndim == 2
    if two_d and ylim is None:
        raise ValueError("ylim is needed to draw the contours of a loss of two weights")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11.0, 4.2), layout="constrained")
    ax_path, ax_loss = axes
    fig = figure_of(ax_path)
    if two_d and ylim is not None:  # (ylim is given whenever two_d)
        g1, g2 = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
        surface = loss(g1, g2)
        levels = np.quantile(surface, np.linspace(0.0, 1.0, 16) ** 2)
        ax_path.contour(g1, g2, surface, levels=np.unique(levels), colors="0.7", linewidths=0.8)
        ax_path.set(xlim=xlim, ylim=ylim, xlabel="$w_1$", ylabel="$w_2$", aspect="equal")
    else:
        grid = np.linspace(*xlim, 400)
        ax_path.plot(grid, loss(grid), color="0.55", lw=2, label="$L(w)$")
        ax_path.set(xlim=xlim, xlabel="$w$", ylabel="$L(w)$")
    all_losses = []
    for k, (label, path) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        with np.errstate(over="ignore", invalid="ignore"):
            values = loss(path[:, 0], path[:, 1]) if two_d else loss(path)
        xs, ys = (path[:, 0], path[:, 1]) if two_d else (path, values)
        ax_path.plot(xs, ys, "o-", color=colour, ms=3.5, lw=1, alpha=0.9, label=label)
        ax_path.plot(xs[:1], ys[:1], "s", color=colour, ms=7)
        ax_loss.plot(np.arange(len(values)), values, "o-", color=colour, ms=3, label=label)
        all_losses.append(values[np.isfinite(values)])
    if not two_d:
        low, high = float(np.min(loss(grid))), float(np.max(loss(grid)))
        ax_path.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    ax_path.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    finite = np.concatenate(all_losses)
    if finite.size and np.all(finite > 0):
        ax_loss.set_yscale("log")
    ax_loss.set(xlabel="step", ylabel="loss $L$", title=loss_title or "The loss after each step")
    ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_path.set_title(title or ("The path on the contours" if two_d else "The path on the loss"))
    return fig


def plot_speed_control(
    speeds: Mapping[str, Any],
    target: float,
    dt: float = 1.0,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """The speed of a car at each control step, one line per gain (``label -> speeds``), with
    the target speed dashed."""
    if not speeds:
        raise ValueError("speeds must map at least one label to a sequence of speeds")
    fig, ax = figure_axes(ax, figsize=(8.0, 4.0))
    for k, (label, v) in enumerate(speeds.items()):
        v = np.asarray(v, dtype=float)
        ax.plot(np.arange(v.size) * dt, v, "o-", ms=3, color=PALETTE[k % len(PALETTE)], label=label)
    ax.axhline(target, color=PALETTE[7], ls="--", lw=1.2, label=f"target speed ({target:g} m/s)")
    ax.set(
        xlabel="time (s)",
        ylabel="speed (m/s)",
        title=title or "Speed under a proportional controller",
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    return fig
