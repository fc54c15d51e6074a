"""Curves over epochs and over $z$: the loss per epoch (training and validation), where
overfitting starts, and activation functions with their derivatives."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import figure_axes
from dlcore import activations

__all__ = [
    "plot_activations",
    "plot_loss_curves",
    "plot_overfitting",
]


def _loss_series(history: Any) -> tuple[list[float], list[float]]:
    """``(loss, val_loss)`` from a History, a mapping with those keys, or a list of losses."""
    if isinstance(history, Mapping):
        return list(history.get("loss", [])), list(history.get("val_loss", []) or [])
    if hasattr(history, "loss"):
        return list(history.loss), list(getattr(history, "val_loss", []) or [])
    if isinstance(history, Sequence | np.ndarray):
        return [float(v) for v in history], []
    raise TypeError(
        "history must be a dlcore History, a dict with 'loss' (and 'val_loss') or a list of "
        f"losses; got {type(history).__name__}"
    )


def plot_loss_curves(history: Any, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Training loss per epoch and, when recorded, the validation loss."""
    loss, val_loss = _loss_series(history)
    if not loss:
        raise ValueError("history holds no training loss; call fit() first")
    fig, ax = figure_axes(ax)
    epochs = np.arange(1, len(loss) + 1)
    ax.plot(
        epochs,
        loss,
        color=PALETTE[0],
        marker="o" if len(loss) <= 30 else None,
        markersize=3,
        label="training",
    )
    if val_loss:
        ax.plot(
            np.arange(1, len(val_loss) + 1),
            val_loss,
            color=PALETTE[1],
            linestyle="--",
            marker="s" if len(val_loss) <= 30 else None,
            markersize=3,
            label="validation",
        )
    ax.set(xlabel="epoch", ylabel="loss", title=title or "Loss per epoch")
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    return fig


def plot_overfitting(history: Any, ax: Axes | None = None, title: str | None = None) -> Figure:
    """Training and validation loss per epoch, the epoch of the lowest validation loss marked:
    after it, the training loss keeps falling while the validation loss climbs."""
    loss, val_loss = _loss_series(history)
    if not loss or not val_loss:
        raise ValueError(
            "history must hold a training and a validation loss; fit with "
            "validation_data=(X_val, y_val)"
        )
    fig, ax = figure_axes(ax, figsize=(7.0, 4.0))
    plot_loss_curves(history, ax=ax, title=title or "Training and validation loss")
    best = int(np.argmin(val_loss))
    ax.axvline(
        best + 1,
        color=PALETTE[7],
        ls=":",
        lw=1.5,
        label=f"lowest validation loss (epoch {best + 1})",
    )
    ax.legend(loc="center right")
    return fig


def _draw_activation(ax: Axes, name: str, z: np.ndarray) -> None:
    """The curve f(z) (solid) and its derivative f'(z) (dashed) of one activation."""
    act = activations.get(name)
    ax.axhline(0, color=OKABE_ITO["black"], linewidth=0.6, alpha=0.4)
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=0.6, alpha=0.4)
    ax.plot(z, act.forward(z), color=PALETTE[0], linewidth=2, label="f(z)")
    ax.plot(z, act.derivative(z), color=PALETTE[1], linewidth=2, linestyle="--", label="f'(z)")
    ax.set(title=act.name, xlabel="z")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize="small")


def plot_activations(
    names: Sequence[str] = ("sigmoid", "tanh", "relu", "leaky_relu"),
    z: Any = None,
    title: str | None = None,
) -> Figure:
    """One panel per activation: the curve f(z) and its derivative f'(z) over ``z``."""
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError("names must list at least one activation; got an empty list")
    z = np.linspace(-5.0, 5.0, 401) if z is None else np.asarray(z, dtype=float)
    if z.ndim != 1 or z.size < 2:
        raise ValueError(f"z must be a 1-D array of at least 2 values; got shape {z.shape}")
    fig, axes = plt.subplots(
        1,
        len(names),
        figsize=(3.2 * len(names), 3.2),
        squeeze=False,
        sharex=True,
        layout="constrained",
    )
    for ax, name in zip(axes[0], names, strict=True):
        _draw_activation(ax, name, z)
    axes[0, 0].set_ylabel("value")
    fig.suptitle(title or "Activation functions and their derivatives")
    return fig
