"""Lesson 10 (vanishing gradients): gradient norm per layer, loss per epoch, runs side by
side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course.palette import PALETTE
from course.plots._base import figure_axes

__all__ = [
    "plot_gradient_norms",
    "plot_loss_per_epoch",
    "plot_training_runs",
]


def _positive(values: Any, name: str) -> np.ndarray:
    """``values`` as a 1-D float array, zeros (not drawable on a log scale) as NaN."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D sequence of numbers; got shape {arr.shape}"
        )
    if np.any(arr < 0) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must hold finite numbers >= 0; got {arr.tolist()}")
    return np.where(arr > 0, arr, np.nan)


def plot_gradient_norms(
    norms: Mapping[str, Any],
    ax: Axes | None = None,
    title: str | None = None,
    styles: Sequence[Mapping[str, Any]] | None = None,
) -> Figure:
    r"""The gradient norm $\lVert \partial L/\partial W^{[l]} \rVert$ of every layer $l$, one
    line per setup (``label -> norms``, first layer first), on a log scale.

    A norm of exactly 0 has no place on a log scale: it is left out of its line.
    ``styles`` gives extra line properties per setup (e.g. ``{"ls": "--"}``).
    """
    if not norms:
        raise ValueError("norms must map at least one setup's name to its per-layer norms")
    styles = list(styles) if styles is not None else [{}] * len(norms)
    if len(styles) != len(norms):
        raise ValueError(f"styles must give one dict per setup ({len(norms)}); got {len(styles)}")
    fig, ax = figure_axes(ax, figsize=(7.0, 4.0))
    for k, ((label, values), style) in enumerate(zip(norms.items(), styles, strict=True)):
        g = _positive(values, f"norms[{label!r}]")
        line = {"color": PALETTE[k % len(PALETTE)], "marker": "o", "ms": 3, **style}
        ax.plot(np.arange(1, g.size + 1), g, label=label, **line)
    ax.set(
        yscale="log",
        xlabel="layer $l$ (1 = next to the input)",
        ylabel=r"$\Vert \partial L / \partial W^{[l]} \Vert$",
        title=title or "Gradient norm of each layer",
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3, which="major")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return fig


def plot_loss_per_epoch(
    losses: Mapping[str, Any],
    ax: Axes | None = None,
    title: str | None = None,
    chance: float = float(np.log(10)),
) -> Figure:
    r"""The training loss of each setup (``label -> loss per epoch``) against the epoch, with
    a dashed line at ``chance``, the cross-entropy of guessing (for 10 classes, $\ln 10$)."""
    if not losses:
        raise ValueError("losses must map at least one setup's name to its loss per epoch")
    fig, ax = figure_axes(ax, figsize=(5.0, 3.6))
    for k, (label, values) in enumerate(losses.items()):
        loss = _positive(values, f"losses[{label!r}]")
        ax.plot(np.arange(1, loss.size + 1), loss, "o-", ms=3, color=PALETTE[k % len(PALETTE)],
                label=label)  # fmt: skip
    ax.axhline(chance, color=PALETTE[7], ls="--", lw=1.2, label=f"guessing ({chance:.2f})")
    ax.set(xlabel="epoch", ylabel="training loss", title=title or "Training loss", ylim=(0, None))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(loc="lower left", fontsize=8)
    return fig


def plot_training_runs(
    runs: Mapping[str, tuple[Any, Any]], title: str | None = None, layer: int = 0
) -> Figure:
    r"""Two panels for setups trained side by side (``label -> (losses, norms)``, as
    returned by ``course.widgets.vanishing.train_recording``): the training loss per epoch,
    and the gradient norm of ``layer`` (default the first) before training and after each
    epoch, on a log scale."""
    if not runs:
        raise ValueError("runs must map at least one setup's name to (losses, norms)")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.5, 3.8), layout="constrained")
    plot_loss_per_epoch({k: losses for k, (losses, _) in runs.items()}, ax=left)
    for k, (label, (_, norms)) in enumerate(runs.items()):
        norms = np.asarray(norms, dtype=float)
        if norms.ndim != 2 or not -norms.shape[1] <= layer < norms.shape[1]:
            raise ValueError(
                f"norms of {label!r} must be (epochs + 1, layers) with a layer {layer}; "
                f"got shape {norms.shape}"
            )
        g = _positive(norms[:, layer], f"norms[{label!r}]")
        right.plot(np.arange(g.size), g, "o-", ms=3, color=PALETTE[k % len(PALETTE)], label=label)
    which = "first" if layer == 0 else f"layer {layer + 1 if layer >= 0 else layer}"
    right.set(yscale="log", xlabel="epoch (0 = before training)",
              ylabel=r"$\Vert \partial L / \partial W^{[1]} \Vert$" if layer == 0 else "norm",
              title=f"Gradient norm of the {which} layer")  # fmt: skip
    right.xaxis.set_major_locator(MaxNLocator(integer=True))
    right.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    left.legend(handles=left.get_lines()[-1:], loc="lower left", fontsize=8)  # guessing only
    if title:
        fig.suptitle(title)
    return fig
