"""Lesson 08 (backpropagation): one neuron's computational graph, descent on a 1-D loss."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import figure_axes
from course.values import neuron_graph_values

__all__ = [
    "plot_descent_paths",
    "plot_neuron_graph",
]


def plot_neuron_graph(
    x: float, w: float, b: float, y: float, ax: Axes | None = None, title: str | None = None
) -> Figure:
    r"""The computational graph of one neuron, $z = wx + b$, $a = \sigma(z)$, $L = (a - y)^2$.

    Each node shows its value (the forward pass, left to right, in black); each edge its
    local derivative, and under each node the gradient of $L$ with respect to it, the
    product of the local derivatives on the way back from $L$ (the backward pass, in
    vermillion). Numbers from :func:`neuron_graph_values`.
    """
    v = neuron_graph_values(x, w, b, y)
    fig, ax = figure_axes(ax, figsize=(11.0, 4.2))
    back = OKABE_ITO["vermillion"]
    nodes = {
        "w": ((0.0, 2.0), f"$w = {w:g}$"),
        "x": ((0.0, 1.0), f"$x = {x:g}$"),
        "b": ((0.0, 0.0), f"$b = {b:g}$"),
        "z": ((2.6, 1.0), f"$z = wx + b$\n$= {v['z']:.4f}$"),
        "a": ((5.2, 1.0), f"$a = \\sigma(z)$\n$= {v['a']:.4f}$"),
        "L": ((7.8, 1.0), f"$L = (a - y)^2$\n$= {v['L']:.4f}$"),
        "y": ((7.8, 2.35), f"$y = {y:g}$"),
    }
    grads = {
        "w": f"$\\partial L/\\partial w = {v['dL_dw']:.4f}$",
        "x": f"$\\partial L/\\partial x = {v['dL_dx']:.4f}$",
        "b": f"$\\partial L/\\partial b = {v['dL_db']:.4f}$",
        "z": f"$\\partial L/\\partial z = {v['dL_dz']:.4f}$",
        "a": f"$\\partial L/\\partial a = {v['dL_da']:.4f}$",
        "L": "$\\partial L/\\partial L = 1$",
    }
    edges = [
        ("w", "z", f"$\\partial z/\\partial w = x = {x:g}$"),
        ("x", "z", f"$\\partial z/\\partial x = w = {w:g}$"),
        ("b", "z", "$\\partial z/\\partial b = 1$"),
        ("z", "a", f"$\\partial a/\\partial z = a(1 - a)$\n$= {v['da_dz']:.4f}$"),
        ("a", "L", f"$\\partial L/\\partial a = 2(a - y)$\n$= {v['dL_da']:.4f}$"),
        ("y", "L", None),
    ]
    half = {"w": 0.36, "x": 0.3, "b": 0.36, "z": 0.5, "a": 0.48, "L": 0.56, "y": 0.3}
    for start, end, label in edges:
        (x0, y0), (x1, y1) = nodes[start][0], nodes[end][0]
        if start == "y":  # from the bottom of y to the top of L
            tail, head = (x0, y0 - 0.22), (x1, y1 + 0.36)
        else:  # from the right edge of the source to the left edge of the target
            tail, head = (x0 + half[start], y0), (x1 - half[end], y1 + 0.12 * (y0 - y1))
        ax.annotate(
            "",
            xy=head,
            xytext=tail,
            arrowprops={"arrowstyle": "-|>", "color": OKABE_ITO["black"], "lw": 1.3},
        )
        if label:
            ax.text(
                (tail[0] + head[0]) / 2,
                (tail[1] + head[1]) / 2 + {"w": 0.2, "x": 0.14, "b": -0.2}.get(start, 0.28),
                label,
                ha="center",
                va="center",
                fontsize=9,
                color=back,
                bbox={"fc": "white", "ec": "none", "pad": 1},
            )
    for name, ((nx, ny), text) in nodes.items():
        ax.text(
            nx,
            ny,
            text,
            ha="center",
            va="center",
            fontsize=11,
            bbox={"boxstyle": "round,pad=0.4", "fc": "#f2f2f2", "ec": OKABE_ITO["black"]},
        )
        if name in grads:
            ax.text(nx, ny - 0.5, grads[name], ha="center", va="top", fontsize=9.5, color=back)
    ax.set_xlim(-0.9, 8.9)
    ax.set_ylim(-0.9, 2.8)
    ax.axis("off")
    ax.set_title(title or "Forward (black, left to right) and backward (vermillion, right to left)")
    return fig


def plot_descent_paths(
    loss: Callable[[np.ndarray], Any],
    paths: Mapping[str, Any],
    xlim: tuple[float, float],
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    r"""A 1-D loss curve $L(w)$ over ``xlim`` and, for each ``label -> [w_0, w_1, ...]`` in
    ``paths``, the points $(w_t, L(w_t))$ of gradient descent joined in order, the start
    hollow and the end a star: where each run began and where it stopped."""
    if not paths:
        raise ValueError("paths must map at least one label to a sequence of weights")
    fig, ax = figure_axes(ax, figsize=(7.5, 4.2))
    grid = np.linspace(*xlim, 400)
    ax.plot(grid, loss(grid), color=PALETTE[7], lw=1.5, label="$L(w)$")
    for k, (label, path) in enumerate(paths.items()):
        w = np.asarray(path, dtype=float).reshape(-1)
        if w.size == 0:
            raise ValueError(f"path {label!r} is empty; give at least its start")
        colour = PALETTE[k % 7]
        ax.plot(w, loss(w), "o-", color=colour, ms=3.5, lw=1, alpha=0.8, label=label)
        ax.plot(w[:1], loss(w[:1]), "o", ms=10, mfc="white", color=colour)
        ax.plot(w[-1:], loss(w[-1:]), "*", ms=16, color=colour)
    ax.set(xlabel="$w$", ylabel="$L(w)$", title=title or "Gradient descent from two starts")
    ax.legend(loc="upper center")
    return fig
