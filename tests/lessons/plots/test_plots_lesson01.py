"""course.plots.lesson01: nested fields, a labelled split, groups, a held-out fit."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex
from plots_util import (
    legend_texts,
    lines_by_label,
    png_bytes,
)

from course import plots
from course.palette import CLASS_COLORS

# ---------------------------------------------------------------- lesson 01


def test_nested_rings_draw_one_ellipse_per_ring_with_labels_and_examples():
    rings = [("outer", 8.0, 5.0, 0.0), ("inner", 3.0, 2.0, -1.0)]
    fig = plots.plot_nested_rings(rings, [("an example", 1.0, 0.5)], title="nested")
    png_bytes(fig)
    ax = fig.axes[0]
    assert [(p.width, p.height, p.center[1]) for p in ax.patches] == [
        (8.0, 5.0, 0.0),
        (3.0, 2.0, -1.0),
    ]
    assert {t.get_text() for t in ax.texts} == {"outer", "inner", "an example"}
    assert ax.get_xlim() == (-4.2, 4.2) and ax.get_title() == "nested"
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_nested_rings([])


def test_labelled_split_fills_training_points_and_leaves_test_points_hollow(blobs):
    X, y = blobs
    fig = plots.plot_labelled_split(X[:15:2], y[:15:2], X[15:], y[15:], names=("cat", "dog"))
    png_bytes(fig)
    ax = fig.axes[0]
    by_label = {c.get_label(): c for c in ax.collections}
    assert list(by_label) == ["cat (training)", "cat (test)", "dog (training)", "dog (test)"]
    assert len(by_label["cat (training)"].get_offsets()) == 8
    assert (
        len(by_label["dog (test)"].get_offsets()) == 10
        and len(by_label["cat (test)"].get_offsets()) == 0
    )
    assert to_hex(by_label["dog (training)"].get_facecolors()[0]) == CLASS_COLORS[1].lower()
    assert by_label["dog (test)"].get_facecolors().size == 0  # hollow


def test_groups_draw_each_group_with_its_size_and_the_centres():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    fig = plots.plot_groups(X, np.array([0, 0, 1]), centres=[[0.0, 0.5], [5.0, 5.0]])
    png_bytes(fig)
    ax = fig.axes[0]
    assert legend_texts(ax) == ["group 0 (2)", "group 1 (1)", "centres"]
    np.testing.assert_allclose(ax.collections[2].get_offsets(), [[0.0, 0.5], [5.0, 5.0]])
    _, ax2 = plt.subplots()
    plots.plot_groups(X, [1, 0, 1], ax=ax2, legend=False)
    assert ax2.get_legend() is None and len(ax2.collections) == 2
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_groups(X, [0, 1])


def test_holdout_fit_shades_the_held_out_span_and_dashes_curves_there():
    t = np.arange(10.0)
    fig = plots.plot_holdout_fit(t, 2 * t, 7, {"double": lambda s: 2 * s})
    png_bytes(fig)
    ax = fig.axes[0]
    (band,) = ax.patches
    assert band.get_x() == pytest.approx(6.5)  # the band starts between fitted and held out
    solid, dashed = [line for line in ax.get_lines() if line.get_linestyle() in ("-", "--")][-2:]
    assert solid.get_label() == "double" and solid.get_xdata().max() == pytest.approx(6.5)
    assert dashed.get_linestyle() == "--" and dashed.get_xdata().min() == pytest.approx(6.5)
    np.testing.assert_allclose(dashed.get_ydata(), 2 * dashed.get_xdata())
    held = lines_by_label(ax)["held out"]
    np.testing.assert_allclose(held.get_xdata(), [7.0, 8.0, 9.0])
    with pytest.raises(ValueError, match="n_train"):
        plots.plot_holdout_fit(t, 2 * t, 10, {})
