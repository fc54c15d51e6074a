"""Lesson 11 (beyond the MLP): feature maps, detections, an RNN's hidden states,
attention."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import figure_axes

__all__ = [
    "plot_attention",
    "plot_detections",
    "plot_feature_maps",
    "plot_hidden_states",
]


def plot_feature_maps(
    image: Any, maps: Mapping[str, Any], title: str | None = None, cmap: str = "RdBu_r"
) -> Figure:
    """The input image beside each feature map (``name -> 2-D array``), every map on a
    colour scale symmetric about 0, so positive and negative responses read alike."""
    image = np.asarray(image, dtype=float)
    if image.ndim != 2 or not maps:
        raise ValueError("image must be 2-D and maps must hold at least one 2-D feature map")
    fig, axes = plt.subplots(
        1, len(maps) + 1, figsize=(3.0 * (len(maps) + 1), 3.3), layout="constrained"
    )
    axes[0].imshow(image, cmap="gray_r")
    axes[0].set_title(f"input {image.shape[0]}×{image.shape[1]}")
    for ax, (name, fmap) in zip(axes[1:], maps.items(), strict=True):
        fmap = np.asarray(fmap, dtype=float)
        limit = max(float(np.abs(fmap).max()), 1e-12)
        shown = ax.imshow(fmap, cmap=cmap, vmin=-limit, vmax=limit)
        ax.set_title(f"{name} {fmap.shape[0]}×{fmap.shape[1]}")
        fig.colorbar(shown, ax=ax, shrink=0.8)
    for ax in axes:
        ax.set(xticks=[], yticks=[])
    if title:
        fig.suptitle(title)
    return fig


def plot_detections(
    image: Any,
    truth: Mapping[str, Any],
    predicted: Mapping[str, Any],
    ious: Mapping[str, float],
    threshold: float = 0.5,
    grid: int | None = None,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """A scene with its true boxes (solid) and predicted boxes (dashed, green for a hit with
    IoU >= ``threshold``, vermillion for a miss), each labelled with its IoU. Boxes are
    ``(x1, y1, x2, y2)`` in pixels; ``grid`` draws YOLO's S×S grid."""

    image = np.asarray(image, dtype=float)
    fig, ax = figure_axes(ax, figsize=(6.0, 6.0))
    ax.imshow(image, cmap="gray_r", vmin=0, vmax=1, extent=(0, image.shape[1], image.shape[0], 0))
    if grid:
        for k in range(1, grid):
            ax.axvline(k * image.shape[1] / grid, color=PALETTE[7], lw=0.6, alpha=0.6)
            ax.axhline(k * image.shape[0] / grid, color=PALETTE[7], lw=0.6, alpha=0.6)
    for name, (x1, y1, x2, y2) in truth.items():
        ax.add_patch(
            Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, lw=2, color=OKABE_ITO["blue"])
        )
        ax.text(x1, y1 - 1, name, color=OKABE_ITO["blue"], fontsize=9, va="bottom")
    for name, (x1, y1, x2, y2) in predicted.items():
        hit = ious[name] >= threshold
        colour = OKABE_ITO["bluish_green"] if hit else OKABE_ITO["vermillion"]
        ax.add_patch(Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, lw=2, ls="--", color=colour))
        ax.text(x2, y2 + 1, f"IoU {ious[name]:.2f}", color=colour, fontsize=9, ha="right", va="top")
    handles = [
        Rectangle((0, 0), 1, 1, fill=False, lw=2, color=OKABE_ITO["blue"], label="true box"),
        Rectangle(
            (0, 0), 1, 1, fill=False, lw=2, ls="--", color=OKABE_ITO["bluish_green"], label="hit"
        ),
        Rectangle(
            (0, 0), 1, 1, fill=False, lw=2, ls="--", color=OKABE_ITO["vermillion"], label="miss"
        ),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set(title=title or f"Detections, hit when IoU ≥ {threshold}", xticks=[], yticks=[])
    return fig


def plot_hidden_states(
    x: Any, states: Any, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """An RNN's input sequence (top) and its hidden state at every step (below: one row per
    hidden unit, one column per time step, colour = the unit's value in (-1, 1))."""
    x, states = np.asarray(x, dtype=float).ravel(), np.asarray(states, dtype=float)
    if states.ndim != 2 or states.shape[0] != x.size:
        raise ValueError(
            f"states must have shape (T, n_hidden) with T = len(x) = {x.size}; got {states.shape}"
        )
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(8.0, 4.6), sharex=True, height_ratios=(1, 2), layout="constrained"
    )
    top.plot(np.arange(x.size), x, "o-", ms=3, color=PALETTE[0])
    top.set(ylabel="$x_t$", title=title or "Input and hidden state, step by step")
    shown = bottom.imshow(
        states.T,
        aspect="auto",
        cmap="RdBu_r",
        vmin=-1,
        vmax=1,
        extent=(-0.5, x.size - 0.5, states.shape[1] - 0.5, -0.5),
    )
    bottom.set(xlabel="time step $t$", ylabel="hidden unit")
    fig.colorbar(shown, ax=bottom, label="$h_t$", shrink=0.9)
    return fig


def plot_attention(
    weights: Any, tokens: Sequence[str], ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Attention weights as a heatmap: row i is the query token, column j the key token,
    each cell written with its weight (every row sums to 1)."""
    weights = np.asarray(weights, dtype=float)
    n = len(tokens)
    if weights.shape != (n, n):
        raise ValueError(f"weights must have shape ({n}, {n}) for {n} tokens; got {weights.shape}")
    fig, ax = figure_axes(ax, figsize=(6.4, 5.4))
    shown = ax.imshow(weights, cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            colour = "white" if weights[i, j] > 0.6 else "black"
            ax.text(
                j, i, f"{weights[i, j]:.2f}", ha="center", va="center", fontsize=7, color=colour
            )
    ax.set(
        xticks=range(n),
        yticks=range(n),
        xticklabels=tokens,
        yticklabels=tokens,
        xlabel="key (the word looked at)",
        ylabel="query (the word looking)",
        title=title or "Attention weights",
    )
    ax.tick_params(axis="x", rotation=45)
    fig.colorbar(shown, ax=ax, shrink=0.8)
    return fig
