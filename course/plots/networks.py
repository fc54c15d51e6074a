"""Diagrams of small dense networks: units as circles, weights on the edges, biases under
the units, and (:func:`plot_forward_pass`) the values of one example flowing through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import OKABE_ITO, PALETTE
from course.plots._base import figure_axes
from course.values import dense_layers, forward_values

__all__ = [
    "MAX_UNITS",
    "plot_forward_pass",
    "plot_network",
]

#: at most this many units per layer in a network diagram (beyond, the weights are unreadable)
MAX_UNITS = 16


def _weight_matrices(layers_or_model: Any) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """``[(W, b), ...]`` from a Sequential, a list of Dense layers or of weight matrices."""
    layers = getattr(layers_or_model, "layers", layers_or_model)
    if isinstance(layers, np.ndarray) and layers.ndim == 2:
        layers = [layers]
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(
            "layers_or_model must be a dlcore Sequential, a list of Dense layers or a list of "
            f"weight matrices; got {type(layers_or_model).__name__}"
        )
    pairs: list[tuple[np.ndarray, np.ndarray | None]] = []
    for i, layer in enumerate(layers):
        if hasattr(layer, "W"):
            W, b = np.asarray(layer.W, dtype=float), np.asarray(layer.b, dtype=float)
        elif hasattr(layer, "parameters"):
            raise ValueError(
                f"plot_network draws Dense layers only; layer {i} is {type(layer).__name__}"
            )
        else:
            W, b = np.asarray(layer, dtype=float), None
        if W.ndim != 2:
            raise ValueError(f"weight matrix {i} must be 2-D (n_in, n_out); got {W.shape}")
        if pairs and pairs[-1][0].shape[1] != W.shape[0]:
            raise ValueError(
                f"weight matrix {i} has {W.shape[0]} inputs but layer {i - 1} has "
                f"{pairs[-1][0].shape[1]} outputs"
            )
        pairs.append((W, b))
    return pairs


def _node_positions(sizes: list[int]) -> list[np.ndarray]:
    """(x, y) of each unit: one column per layer, units centred vertically."""
    return [
        np.column_stack([np.full(n, float(col)), (n - 1) / 2.0 - np.arange(n)])
        for col, n in enumerate(sizes)
    ]


def _node_names(
    sizes: list[int], input_names: Sequence[str] | None, output_names: Sequence[str] | None
) -> list[list[str]]:
    """Labels of the units: inputs x1.., hidden h1.., outputs ŷ or ŷ1.. (or the given names)."""
    names = [[f"h{j + 1}" for j in range(n)] for n in sizes]
    names[0] = [f"x{j + 1}" for j in range(sizes[0])]
    names[-1] = ["ŷ"] if sizes[-1] == 1 else [f"ŷ{j + 1}" for j in range(sizes[-1])]
    for layer, given, arg in ((0, input_names, "input_names"), (-1, output_names, "output_names")):
        if given is not None:
            if len(given) != sizes[layer]:
                raise ValueError(f"{arg} must name {sizes[layer]} units; got {len(given)}")
            names[layer] = [str(s) for s in given]
    return names


def _draw_edges(ax: Axes, layer: int, W: np.ndarray, src: np.ndarray, dst: np.ndarray) -> None:
    """Lines from every unit of a layer to every unit of the next, each labelled with w."""
    scale = max(float(np.abs(W).max()), 1e-12)
    n_out = W.shape[1]
    for i, j in np.ndindex(W.shape):
        w = float(W[i, j])
        color = PALETTE[0] if w >= 0 else PALETTE[3]
        (x0, y0), (x1, y1) = src[i], dst[j]
        ax.plot(
            [x0, x1],
            [y0, y1],
            color=color,
            linewidth=0.5 + 2.5 * abs(w) / scale,
            alpha=0.8,
            zorder=1,
        )
        t = 0.25 + 0.5 * (j + 0.5) / n_out  # stagger the labels along the edges
        ax.text(
            x0 + t * (x1 - x0),
            y0 + t * (y1 - y0),
            f"{w:.2f}",
            fontsize=8,
            ha="center",
            va="center",
            color=color,
            gid=f"weight:{layer}:{i}:{j}",
            zorder=4,
            bbox={
                "boxstyle": "round,pad=0.15",
                "facecolor": "white",
                "edgecolor": "none",
                "alpha": 0.85,
            },
        )


def _draw_nodes(
    ax: Axes, layer: int, pos: np.ndarray, names: list[str], b: np.ndarray | None, side: int
) -> None:
    """Circles for the units of one layer, their names, and the biases of matrix ``layer``.

    A name longer than 3 characters goes outside its circle, on ``side`` (-1 left, 1 right).
    """
    for j, (x, y) in enumerate(pos):
        ax.scatter([x], [y], s=900, color="white", edgecolors=OKABE_ITO["black"], zorder=5)
        outside = side != 0 and len(names[j]) > 3
        ax.text(
            x + 0.12 * side * outside,
            y,
            names[j],
            va="center",
            fontsize=10,
            zorder=6,
            ha={-1: "right", 1: "left"}[side] if outside else "center",
        )
        if b is not None:
            ax.text(
                x,
                y - 0.3,
                f"b={b[j]:.2f}",
                ha="center",
                va="top",
                fontsize=8,
                color=PALETTE[2],
                gid=f"bias:{layer}:{j}",
                zorder=6,
            )


def plot_network(
    layers_or_model: Any,
    ax: Axes | None = None,
    title: str | None = None,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
) -> Figure:
    """Diagram of a dense network: units as circles, each edge labelled with its weight.

    Blue edges are positive weights, vermillion negative; the width grows with :math:`|w|`.
    Biases (when known) are written under their units.
    """
    pairs = _weight_matrices(layers_or_model)
    sizes = [pairs[0][0].shape[0]] + [W.shape[1] for W, _ in pairs]
    if max(sizes) > MAX_UNITS:
        raise ValueError(
            f"plot_network draws small networks (at most {MAX_UNITS} units per layer); "
            f"got layer sizes {sizes}"
        )
    names = _node_names(sizes, input_names, output_names)
    fig, ax = figure_axes(ax, figsize=(2.2 + 2.3 * len(pairs), 1.2 + 1.0 * max(sizes)))
    pos = _node_positions(sizes)
    for layer, (W, _) in enumerate(pairs):
        _draw_edges(ax, layer, W, pos[layer], pos[layer + 1])
    _draw_nodes(ax, -1, pos[0], names[0], None, side=-1)
    for layer, (_, b) in enumerate(pairs):
        side = 1 if layer == len(pairs) - 1 else 0
        _draw_nodes(ax, layer, pos[layer + 1], names[layer + 1], b, side=side)
    ax.set_xlim(-0.4, len(pairs) + 0.4)
    ax.set_ylim(-max(sizes) / 2 - 0.2, max(sizes) / 2 + 0.1)
    ax.set_axis_off()
    ax.set_title(title or "Network " + "-".join(str(n) for n in sizes))
    return fig


def plot_forward_pass(
    layers_or_model: Any,
    x: Any,
    ax: Axes | None = None,
    title: str | None = None,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    decimals: int = 2,
) -> Figure:
    r""":func:`plot_network` with one example ``x`` flowing through it, by dlcore's forward pass.

    Each input shows :math:`x_i` (gid ``x:i``); above every later unit :math:`j` of layer
    :math:`l` stand its weighted sum :math:`z_j = \sum_i a_i W_{ij} + b_j` (gid ``z:l:j``)
    and its activation :math:`a_j = f(z_j)` (gid ``a:l:j``, named after the output unit in
    the last layer), and over each column its role and activation. Values are written to
    ``decimals`` places, the output's to one more.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a whole number >= 0; got {decimals!r}")
    values = forward_values(layers_or_model, x)
    layers = dense_layers(layers_or_model)
    x = np.asarray(x, dtype=float).reshape(-1)
    fig = plot_network(
        layers, ax=ax, title=title, input_names=input_names, output_names=output_names
    )
    ax = fig.axes[0] if ax is None else ax
    sizes = [x.size] + [a.size for _, a in values]
    pos = _node_positions(sizes)
    d = decimals
    box = {"boxstyle": "round,pad=0.2", "facecolor": "#f4f4f4", "edgecolor": "none"}
    for j, (px, py) in enumerate(pos[0]):
        ax.text(px, py + 0.24, f"{x[j]:.{d}f}", ha="center", fontsize=9, gid=f"x:{j}", bbox=box)
    top = max(sizes) / 2
    ax.text(0, top + 0.2, "input", ha="center", fontsize=9, color=PALETTE[7])
    for layer, ((z, a), lay) in enumerate(zip(values, layers, strict=True)):
        last = layer == len(values) - 1
        role = "output" if last else f"hidden {layer + 1}" if len(values) > 2 else "hidden"
        ax.text(
            layer + 1,
            top + 0.2,
            f"{role} ({lay.activation.name})",
            ha="center",
            fontsize=9,
            color=PALETTE[7],
        )
        for j, (px, py) in enumerate(pos[layer + 1]):
            out = "ŷ" if sizes[-1] == 1 else f"ŷ{j + 1}"
            a_name = (output_names[j] if output_names else out) if last else "a"
            ax.text(px, py + 0.42, f"z={z[j]:.{d}f}", ha="center", fontsize=8, gid=f"z:{layer}:{j}")
            ax.text(
                px,
                py + 0.24,
                f"{a_name}={a[j]:.{d + 1 if last else d}f}",
                ha="center",
                fontsize=9,
                gid=f"a:{layer}:{j}",
                bbox=box,
            )
    ax.set_ylim(-top - 0.2, top + 0.4)
    return fig
