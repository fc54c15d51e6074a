"""Lesson 01 (AI, ML, DL): nested fields, a labelled split, groups found without labels,
a fit judged on held-out data."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import check_xy, class_style, figure_axes

__all__ = [
    "plot_groups",
    "plot_holdout_fit",
    "plot_labelled_split",
    "plot_nested_rings",
]

_GROUP_MARKERS = ("o", "^", "s", "D", "v", "P", "X", "*")


def plot_nested_rings(
    rings: Sequence[tuple[str, float, float, float]],
    examples: Sequence[tuple[str, float, float]] = (),
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Nested ellipses, outermost first, each ``(label, width, height, centre y)``, its label
    at its top; then each example ``(text, x, y)`` written where it sits in the picture."""
    if not rings:
        raise ValueError("rings must hold at least one (label, width, height, centre y)")
    fig, ax = figure_axes(ax, figsize=(8, 5.2))
    colours = (OKABE_ITO["sky_blue"], OKABE_ITO["bluish_green"], OKABE_ITO["orange"], *PALETTE)
    for (label, width, height, y), colour in zip(rings, colours, strict=False):
        ax.add_patch(
            Ellipse((0, y), width, height, facecolor=colour, alpha=0.35, edgecolor=colour, lw=2)
        )
        ax.text(0, y + height / 2 - 0.3, label, ha="center", fontsize=13, fontweight="bold")
    for text, x, y in examples:
        ax.text(x, y, text, ha="center", va="center", fontsize=9.5)
    half_w, half_h = rings[0][1] / 2 + 0.2, rings[0][2] / 2 + 0.2
    ax.set_xlim(-half_w, half_w)
    ax.set_ylim(rings[0][3] - half_h, rings[0][3] + half_h)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig


def plot_labelled_split(
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    names: Sequence[str] = ("class 0", "class 1"),
    ax: Axes | None = None,
) -> Figure:
    """Training points filled, test points hollow, each class in its colour and marker."""
    X_train, y_train = check_xy(X_train, y_train)
    X_test, y_test = check_xy(X_test, y_test)
    fig, ax = figure_axes(ax, figsize=(7, 5))
    for c, name in enumerate(names):
        colour, marker = class_style(c)
        train, new = X_train[y_train == c], X_test[y_test == c]
        ax.scatter(
            train[:, 0], train[:, 1], color=colour, marker=marker, label=f"{name} (training)"
        )
        ax.scatter(
            new[:, 0],
            new[:, 1],
            facecolors="none",
            edgecolors=colour,
            marker=marker,
            label=f"{name} (test)",
        )
    return fig


def plot_groups(
    X: Any, groups: Any, centres: Any = None, ax: Axes | None = None, legend: bool = True
) -> Figure:
    """Points coloured and shaped by their group (0..k-1), with the group sizes in the
    legend and, when given, the group centres as black crosses."""
    X, groups = np.asarray(X, dtype=float), np.asarray(groups)
    if X.ndim != 2 or X.shape[1] != 2 or groups.shape != (len(X),):
        raise ValueError(
            f"X must have shape (n, 2) and groups shape (n,); got {X.shape} and {groups.shape}"
        )
    fig, ax = figure_axes(ax, figsize=(7, 5))
    for j in range(int(groups.max()) + 1):
        members = X[groups == j]
        ax.scatter(
            members[:, 0],
            members[:, 1],
            color=PALETTE[j % len(PALETTE)],
            marker=_GROUP_MARKERS[j % len(_GROUP_MARKERS)],
            alpha=0.75,
            label=f"group {j} ({len(members)})",
        )
    if centres is not None:
        centres = np.asarray(centres, dtype=float)
        ax.scatter(centres[:, 0], centres[:, 1], color="black", marker="X", s=160, label="centres")
    if legend:
        ax.legend(fontsize=9)
    return fig


def plot_holdout_fit(
    t: Any,
    y: Any,
    n_train: int,
    curves: Mapping[str, Callable[[np.ndarray], Any]],
    ax: Axes | None = None,
) -> Figure:
    """A series ``y`` over ``t`` whose first ``n_train`` values were used for fitting (filled
    dots) and the rest held out (hollow dots, shaded band); each fitted curve is solid over
    the fitting span and dashed over the held-out one."""
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    if t.ndim != 1 or t.shape != y.shape or not 0 < n_train < len(t):
        raise ValueError(
            f"t and y must be 1-D of the same length and 0 < n_train < {len(t)}; got shapes "
            f"{t.shape}, {y.shape} and n_train={n_train!r}"
        )
    fig, ax = figure_axes(ax, figsize=(8, 4.5))
    edge = (t[n_train - 1] + t[n_train]) / 2
    ax.axvspan(edge, t[-1] + 0.5, color=PALETTE[5], alpha=0.15, label="held out (not fitted)")
    ax.plot(t[:n_train], y[:n_train], "o", color=PALETTE[7], label="fitted on")
    ax.plot(t[n_train:], y[n_train:], "o", mfc="none", color=PALETTE[7], label="held out")
    fit_t, test_t = np.linspace(t[0], edge, 200), np.linspace(edge, t[-1], 100)
    for i, (label, curve) in enumerate(curves.items()):
        colour = PALETTE[i % len(PALETTE)]
        ax.plot(fit_t, np.asarray(curve(fit_t), dtype=float), color=colour, lw=2, label=label)
        ax.plot(test_t, np.asarray(curve(test_t), dtype=float), "--", color=colour, lw=2)
    return fig
