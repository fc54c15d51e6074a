"""Helpers for the figure tests (tests/lessons/plots): render a figure, read back what it drew."""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

import dlcore as dl

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_bytes(fig: Figure) -> bytes:
    """Render ``fig`` and check the result is a non-empty PNG image."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 100 and height > 100
    return data


def legend_texts(ax: Axes) -> list[str]:
    """The texts of the axes' legend, in order."""
    return [t.get_text() for t in ax.get_legend().get_texts()]


def lines_by_label(ax: Axes) -> dict[str, Line2D]:
    """The axes' lines by their label."""
    return {line.get_label(): line for line in ax.get_lines()}


def texts_by_gid(ax: Axes, prefix: str) -> dict[str, str]:
    """The texts whose gid starts with ``prefix`` (``weight:``, ``z:``, ...), by gid."""
    return {
        t.get_gid(): t.get_text()
        for t in ax.texts
        if t.get_gid() and t.get_gid().startswith(prefix)
    }


def contour_sets(ax: Axes) -> tuple[list[ContourSet], list[ContourSet]]:
    """The filled contour sets of the axes, and the line ones."""
    sets = [c for c in ax.collections if isinstance(c, ContourSet)]
    return [c for c in sets if c.filled], [c for c in sets if not c.filled]


def net_221() -> list[dl.Dense]:
    """Lesson 05's 2-2-1 network: two ReLU hidden units, one sigmoid output."""
    hidden, output = dl.Dense(2, 2, activation="relu"), dl.Dense(2, 1, activation="sigmoid")
    hidden.W[:] = [[0.5, -1.0], [0.8, 0.4]]
    hidden.b[:] = [0.1, -0.2]
    output.W[:] = [[1.5], [-2.0]]
    output.b[:] = [-0.5]
    return [hidden, output]


def worked_network() -> dl.Sequential:
    """The 2-2-1 network of lesson 06: one hidden unit on (z > 0), one off (z < 0)."""
    model = dl.Sequential([dl.Dense(2, 2, activation="relu"), dl.Dense(2, 1, activation="sigmoid")])
    model.layers[0].W[:] = [[0.4, -0.6], [0.3, 0.2]]
    model.layers[0].b[:] = [0.1, -0.06]
    model.layers[1].W[:] = [[0.7], [-0.5]]
    model.layers[1].b[:] = [-0.2]
    return model
