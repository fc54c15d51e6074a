"""The course's figures: data, decision boundaries, loss curves, activations, networks.

Every function returns its matplotlib ``Figure``. With ``ax=None`` it opens a new pyplot
figure, which Jupyter shows at the end of the cell (assign the result, ``fig = ...``, or end
the line with ``;`` so it is not shown twice); given an ``ax`` it draws there, which is how
the widgets reuse these figures off-screen. Colours come from ``course.palette``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import ListedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse
from matplotlib.ticker import MaxNLocator

from course.palette import CLASS_COLORS, CLASS_MARKERS, OKABE_ITO, PALETTE
from dlcore import activations

__all__ = [
    "draw_line",
    "shade_regions",
    "plot_activations",
    "plot_data",
    "plot_decision_boundary",
    "plot_loss_curves",
    "plot_network",
    "plot_network_values",
]

#: at most this many units per layer in a network diagram (beyond, the weights are unreadable)
MAX_UNITS = 16


class _Predictor(Protocol):
    def predict(self, X: np.ndarray) -> Any: ...


# ---------------------------------------------------------------- helpers


def _axes(ax: Axes | None, figsize: tuple[float, float] = (5.5, 4.5)) -> tuple[Figure, Axes]:
    """Return ``(figure, ax)``: the given axes' figure, or a new pyplot figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize, layout="constrained")
        return fig, ax
    return ax.get_figure(), ax


def _check_xy(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Return ``X`` as (n, 2) floats and ``y`` as (n,) non-negative integer labels."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to be drawn in 2-D; got {X.shape}")
    y = np.asarray(y, dtype=float)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X; got {y.shape}")
    if np.any(y < 0) or np.any(y != np.round(y)):
        raise ValueError(f"y must hold class labels 0, 1, ...; got values {np.unique(y)[:5]}")
    return X, y.astype(int)


def _class_style(label: int) -> tuple[str, str]:
    """Colour and marker of class ``label`` (CLASS_COLORS/MARKERS, then the PALETTE)."""
    if label < len(CLASS_COLORS):
        return CLASS_COLORS[label], CLASS_MARKERS[label]
    markers = ("s", "D", "v", "P", "X", "*")
    return PALETTE[label % len(PALETTE)], markers[label % len(markers)]


def _grid(X: np.ndarray, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """A ``resolution`` x ``resolution`` grid covering the data with a 10% margin."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = np.maximum(0.1 * (high - low), 0.5)
    x1 = np.linspace(low[0] - pad[0], high[0] + pad[0], resolution)
    x2 = np.linspace(low[1] - pad[1], high[1] + pad[1], resolution)
    return np.meshgrid(x1, x2)


def _predicted_classes(model: _Predictor, points: np.ndarray) -> np.ndarray:
    """Class of each point: (n,) or (n, 1) outputs thresholded at 0.5, (n, k) by argmax."""
    out = np.asarray(model.predict(points), dtype=float)
    if out.ndim == 2 and out.shape[1] > 1:
        return out.argmax(axis=1)
    return (out.reshape(len(points)) >= 0.5).astype(int)


# ---------------------------------------------------------------- data and boundaries


def plot_data(
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    xlabel: str = "x1",
    ylabel: str = "x2",
) -> Figure:
    """Scatter 2-D samples, one colour and marker per class, with a legend."""
    X, y = _check_xy(X, y)
    fig, ax = _axes(ax)
    for label in np.unique(y):
        color, marker = _class_style(int(label))
        pts = X[y == label]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            c=color,
            marker=marker,
            s=30,
            edgecolors="white",
            linewidths=0.5,
            label=f"class {label}",
            zorder=3,
        )
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or "Data")
    ax.legend(loc="best", framealpha=0.9)
    return fig


def shade_regions(
    ax: Axes,
    predict: _Predictor | Callable[[np.ndarray], Any],
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    resolution: int = 200,
    alpha: float = 0.15,
) -> None:
    """Fill the plane with the colour of the class ``predict`` chooses at each point.

    ``predict`` is a model with ``.predict`` or a function of an ``(n, 2)`` array; its
    outputs are read as in :func:`plot_decision_boundary`. The limits default to the axes'.
    """
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    xlim = ax.get_xlim() if xlim is None else xlim
    ylim = ax.get_ylim() if ylim is None else ylim
    g1, g2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    model = predict if hasattr(predict, "predict") else _FunctionModel(predict)
    classes = _predicted_classes(model, np.column_stack([g1.ravel(), g2.ravel()]))
    classes = classes.reshape(g1.shape)
    k = int(classes.max()) + 1
    fills = ListedColormap([to_rgba(_class_style(c)[0], alpha) for c in range(k)])
    ax.contourf(g1, g2, classes, levels=np.arange(k + 1) - 0.5, cmap=fills)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)


def draw_line(ax: Axes, w: Any, b: float, **style: Any) -> bool:
    r"""Draw the boundary $w_1 x_1 + w_2 x_2 + b = 0$ across the axes' current limits.

    Returns False, drawing nothing, when $w = 0$: then every point gets the same class and
    there is no line. ``style`` goes to ``ax.plot`` (colour, ``ls``, ``label``, ...).
    """
    w = np.asarray(w, dtype=float).reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"w must hold 2 weights (w1, w2); got shape {w.shape}")
    (x_lo, x_hi), (y_lo, y_hi) = ax.get_xlim(), ax.get_ylim()
    if w[1] != 0 and abs(w[1]) >= abs(w[0]):
        xs = np.array([x_lo, x_hi])
        ys = -(w[0] * xs + float(b)) / w[1]
    elif w[0] != 0:
        ys = np.array([y_lo, y_hi])
        xs = -(w[1] * ys + float(b)) / w[0]
    else:
        return False
    ax.plot(xs, ys, **{"color": OKABE_ITO["black"], "lw": 2, **style})
    ax.set_xlim(x_lo, x_hi)
    ax.set_ylim(y_lo, y_hi)
    return True


class _FunctionModel:
    """A plain function ``f(points)`` seen as a model with ``.predict``."""

    def __init__(self, fn: Callable[[np.ndarray], Any]) -> None:
        if not callable(fn):
            raise TypeError(f"predict must be a model or a function; got {type(fn).__name__}")
        self.predict = fn


def plot_decision_boundary(
    model: _Predictor,
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    resolution: int = 200,
    xlabel: str = "x1",
    ylabel: str = "x2",
) -> Figure:
    """Regions where ``model.predict`` chooses each class (light fill), the boundary, the data.

    Outputs of shape (n,) or (n, 1) are thresholded at 0.5; (n, k) ones are argmax-ed.
    """
    X, y = _check_xy(X, y)
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2; got {resolution!r}")
    fig, ax = _axes(ax)
    g1, g2 = _grid(X, resolution)
    classes = _predicted_classes(model, np.column_stack([g1.ravel(), g2.ravel()]))
    classes = classes.reshape(g1.shape)
    k = int(max(classes.max(), y.max())) + 1
    fills = ListedColormap([to_rgba(_class_style(c)[0], 0.25) for c in range(k)])
    levels = np.arange(k + 1) - 0.5
    ax.contourf(g1, g2, classes, levels=levels, cmap=fills)
    if classes.min() != classes.max():
        ax.contour(g1, g2, classes, levels=levels[1:-1], colors=OKABE_ITO["black"], linewidths=1.2)
    plot_data(X, y, ax=ax, title=title or "Decision boundary", xlabel=xlabel, ylabel=ylabel)
    return fig


# ---------------------------------------------------------------- training curves


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
    fig, ax = _axes(ax)
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


# ---------------------------------------------------------------- activations


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


# ---------------------------------------------------------------- network diagrams


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
    pairs = []
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
    fig, ax = _axes(ax, figsize=(2.2 + 2.3 * len(pairs), 1.2 + 1.0 * max(sizes)))
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


# ---- lesson 01

__all__ += ["plot_groups", "plot_holdout_fit", "plot_labelled_split", "plot_nested_rings"]

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
    fig, ax = _axes(ax, figsize=(8, 5.2))
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
    X_train, y_train = _check_xy(X_train, y_train)
    X_test, y_test = _check_xy(X_test, y_test)
    fig, ax = _axes(ax, figsize=(7, 5))
    for c, name in enumerate(names):
        colour, marker = _class_style(c)
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
    fig, ax = _axes(ax, figsize=(7, 5))
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
    fig, ax = _axes(ax, figsize=(8, 4.5))
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


# ---- lesson 03

__all__ += [
    "epoch_accuracies",
    "plot_accuracy_per_epoch",
    "plot_go_outside",
    "plot_line_and_circle",
    "plot_perceptron_state",
    "plot_update",
    "plot_update_replay",
]


def _step_model(w: Any, b: float) -> Callable[[np.ndarray], np.ndarray]:
    r"""The perceptron $\hat y = [w^\top x + b \ge 0]$ as a function of (n, 2) points."""
    w = np.asarray(w, dtype=float)
    return lambda points: (points @ w + float(b) >= 0).astype(int)


def plot_perceptron_state(
    ax: Axes, X: Any, y: Any, w: Any, b: float, title: str = "", ring: Any = None
) -> None:
    r"""One state of a perceptron on 2-D data: the regions of $\hat y$, the line
    $w^\top x + b = 0$, the samples, and (optionally) the sample ``ring`` circled."""
    X, y = _check_xy(X, y)
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (high - low)
    shade_regions(
        ax,
        _step_model(w, b),
        (low[0] - pad[0], high[0] + pad[0]),
        (low[1] - pad[1], high[1] + pad[1]),
        resolution=120,
    )
    draw_line(ax, w, b)
    plot_data(X, y, ax=ax, title=title, xlabel="$x_1$", ylabel="$x_2$")
    if ring is not None:
        ax.scatter(
            *np.asarray(ring, dtype=float),
            s=220,
            facecolor="none",
            edgecolor=PALETTE[3],
            lw=2,
            zorder=4,
        )
    ax.get_legend().remove()


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
    fig, ax = _axes(ax, figsize=(5.5, 5))
    shade_regions(ax, _step_model(w, b), (-1.6, 1.6), (-1.6, 1.6))
    circle = plt.Circle((0, 0), 1, fill=False, color=PALETTE[2], lw=2, label="the circle")
    ax.add_patch(circle)
    w1, w2 = np.asarray(w, dtype=float)
    draw_line(ax, w, b, label=f"${w1:g} x_1 {w2:+g} x_2 {float(b):+g} = 0$")
    for point, label in zip(points, labels, strict=True):
        color, marker = _class_style(int(np.linalg.norm(point) < 1))
        ax.scatter(*point, s=80, c=color, marker=marker, edgecolor="k", zorder=3, label=label)
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
    fig, ax = _axes(ax, figsize=(7, 5))
    shade_regions(ax, _step_model(*after), (-1.6, 3.0), (-1.6, 1.6))
    for (w, b), when, style in (
        (before, "before", {"ls": "--", "color": PALETTE[4]}),
        (after, "after", {}),
    ):
        w1, w2 = np.asarray(w, dtype=float)
        draw_line(ax, w, b, label=f"{when}: ${w1:g} x_1 {w2:+g} x_2 {float(b):+g} = 0$", **style)
    color, marker = _class_style(int(y))
    x = np.asarray(x, dtype=float)
    ax.scatter(
        *x,
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


def epoch_accuracies(steps: Sequence[Any], X: Any, y: Any) -> np.ndarray:
    """Accuracy on ``(X, y)`` of the weights at the end of each epoch in ``steps_``."""
    X, y = np.asarray(X, dtype=float), np.asarray(y).reshape(-1)
    ends = {s.epoch: s for s in steps}  # the last presentation of each epoch
    return np.array([np.mean(_step_model(s.w, s.b)(X) == y) for s in ends.values()])


def plot_accuracy_per_epoch(
    runs: Mapping[str, tuple[Any, Any, Any]], baseline: float, ax: Axes | None = None
) -> Figure:
    """Accuracy after each epoch of fitted perceptrons, ``{name: (perceptron, X, y)}``, with
    the chance baseline (always guessing the majority class) dashed."""
    fig, ax = _axes(ax, figsize=(6, 3.5))
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
    shade_regions(ax, _step_model(w, b), (0, 10), (0, 12), resolution=201, alpha=0.35)
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


# ---- lesson 02

__all__ += ["plot_learning_curves", "plot_matmul_scaling", "plot_timeline"]


def plot_timeline(
    events: Sequence[tuple[float, str, str]], ax: Axes | None = None, title: str | None = None
) -> Figure:
    """A timeline: one row per group, a dot and a label for each ``(year, name, group)``.

    Rows appear in the order their group first occurs in ``events``, top row first.
    """
    if not events:
        raise ValueError("events must list at least one (year, name, group); got none")
    rows = list(dict.fromkeys(group for _, _, group in events))[::-1]
    fig, ax = _axes(ax, figsize=(9, 3.8))
    for year, name, group in events:
        y = rows.index(group)
        ax.plot(year, y, "o", color=PALETTE[y % len(PALETTE)])
        ax.annotate(
            name,
            (year, y),
            xytext=(0, 7),
            textcoords="offset points",
            ha="left",
            fontsize=8.5,
            rotation=40,
        )
    years = [year for year, _, _ in events]
    ax.set_xlim(min(years) - 1, max(years) + 3.5)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_yticks(range(len(rows)), rows)
    ax.set_ylim(-0.5, len(rows) - 0.1)
    ax.set(xlabel="year (approximate first public release)", title=title or "Timeline")
    ax.grid(axis="x", alpha=0.3)
    return fig


def plot_matmul_scaling(sizes: Any, seconds: Any, title: str | None = None) -> Figure:
    r"""Two panels: matrix-multiply time against $n$ (log-log, with an $n^3$ reference line
    through the largest size) and the speed $2n^3 / t$ in GFLOP/s."""
    sizes, seconds = np.asarray(sizes, dtype=float), np.asarray(seconds, dtype=float)
    if sizes.ndim != 1 or sizes.shape != seconds.shape or sizes.size < 2:
        raise ValueError(
            "sizes and seconds must be 1-D arrays of the same length >= 2; got shapes "
            f"{sizes.shape} and {seconds.shape}"
        )
    if np.any(sizes <= 0) or np.any(seconds <= 0):
        raise ValueError("sizes and seconds must be positive")
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    left.loglog(sizes, seconds * 1e3, "o-", color=PALETTE[0], label="measured")
    reference = seconds[-1] * (sizes / sizes[-1]) ** 3 * 1e3
    left.loglog(sizes, reference, "--", color=PALETTE[1], label="$n^3$ reference")
    right.semilogx(sizes, 2 * sizes**3 / seconds / 1e9, "o-", color=PALETTE[2])
    for ax in (left, right):
        ax.set_xticks(sizes, [f"{n:.0f}" for n in sizes])
        ax.minorticks_off()
        ax.set_xlabel("matrix size $n$ (log scale)")
    left.set(ylabel="time of one product (ms, log scale)", title="Time of an $n \\times n$ product")
    left.legend(loc="upper left")
    right.set_ylim(0, right.get_ylim()[1] * 1.1)
    right.set(ylabel="GFLOP/s", title="Speed reached, $2n^3 / t$")
    if title:
        fig.suptitle(title)
    return fig


def plot_learning_curves(
    sizes: Any,
    curves: Mapping[str, Any],
    ax: Axes | None = None,
    chance: float | None = 0.5,
    title: str | None = None,
) -> Figure:
    """Test accuracy against training-set size (log scale), one line per model, a dotted
    chance baseline, and the legend outside the axes, clear of the data."""
    sizes = np.asarray(sizes, dtype=float)
    if sizes.ndim != 1 or sizes.size < 2 or np.any(sizes <= 0):
        raise ValueError(f"sizes must be a 1-D array of >= 2 positive sizes; got {sizes!r}")
    fig, ax = _axes(ax, figsize=(8, 4))
    markers = "osD^vP"
    for k, (name, accuracies) in enumerate(curves.items()):
        accuracies = np.asarray(accuracies, dtype=float)
        if accuracies.shape != sizes.shape:
            raise ValueError(
                f"curve {name!r} must hold one accuracy per size, {sizes.shape}; "
                f"got {accuracies.shape}"
            )
        ax.semilogx(
            sizes, accuracies, markers[k % len(markers)] + "-", color=PALETTE[k], label=name
        )
    if chance is not None:
        ax.axhline(chance, color=OKABE_ITO["black"], ls=":", lw=1, label=f"chance ({chance:g})")
    ax.set_xticks(sizes, [f"{n:.0f}" for n in sizes])
    ax.minorticks_off()
    ax.set(
        xlabel="training-set size (log scale)",
        ylabel="test accuracy",
        ylim=(0.4, 1.0),
        title=title or "Learning curves",
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9)
    return fig


# ---- lesson 05


def dense_layers(layers_or_model: Any) -> list[Any]:
    """The layers of a dlcore ``Sequential`` (or a list of layers), each checked to be a
    Dense layer with ``W`` and an activation."""
    layers = getattr(layers_or_model, "layers", layers_or_model)
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(
            "layers_or_model must be a dlcore Sequential or a list of Dense layers; got "
            f"{type(layers_or_model).__name__}"
        )
    for i, layer in enumerate(layers):
        if not (hasattr(layer, "W") and hasattr(layer, "activation")):
            raise TypeError(
                f"layer {i} must be a dlcore Dense layer (with W and an activation), not bare "
                f"weight matrices; got {type(layer).__name__}"
            )
    return list(layers)


def forward_values(layers_or_model: Any, x: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    r"""``[(z, a), ...]`` of every Dense layer for one example ``x``, by dlcore's forward pass.

    Layer :math:`l` computes :math:`z^{[l]} = a^{[l-1]} W^{[l]} + b^{[l]}` and
    :math:`a^{[l]} = f^{[l]}(z^{[l]})` with :math:`a^{[0]} = x` (dlcore's row form).
    """
    layers = dense_layers(layers_or_model)
    n_in = layers[0].W.shape[0]
    a = np.asarray(x, dtype=float).reshape(1, -1)
    if a.shape[1] != n_in or not np.all(np.isfinite(a)):
        raise ValueError(f"x must be {n_in} finite numbers, one per input; got {x!r}")
    values = []
    for layer in layers:
        a = layer.forward(a, training=False)
        values.append((layer.Z[0].copy(), a[0].copy()))
    return values


def plot_forward_pass(
    layers_or_model: Any,
    x: Any,
    ax: Axes | None = None,
    title: str | None = None,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
) -> Figure:
    """A dense network's diagram with one example flowing through it: the input values, and
    under every unit its weighted sum ``z`` and activation ``a = f(z)`` (gids ``z:l:j`` and
    ``a:l:j``); weights on the edges and biases as in :func:`plot_network`."""
    values = forward_values(layers_or_model, x)
    layers = getattr(layers_or_model, "layers", layers_or_model)
    x = np.asarray(x, dtype=float).reshape(-1)
    fig = plot_network(
        layers, ax=ax, title=title, input_names=input_names, output_names=output_names
    )
    ax = fig.axes[0] if ax is None else ax
    sizes = [x.size] + [a.size for _, a in values]
    pos = _node_positions(sizes)
    box = {"boxstyle": "round,pad=0.2", "facecolor": "#f4f4f4", "edgecolor": "none"}
    for j, (px, py) in enumerate(pos[0]):
        ax.text(px, py + 0.24, f"{x[j]:.2f}", ha="center", fontsize=9, gid=f"x:{j}", bbox=box)
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
            ax.text(px, py + 0.42, f"z={z[j]:.2f}", ha="center", fontsize=8, gid=f"z:{layer}:{j}")
            ax.text(
                px,
                py + 0.24,
                f"{a_name}={a[j]:.3f}" if last else f"a={a[j]:.2f}",
                ha="center",
                fontsize=9,
                gid=f"a:{layer}:{j}",
                bbox=box,
            )
    ax.set_ylim(-top - 0.2, top + 0.4)
    return fig


# ---------------------------------------------------------------- lesson 06


def plot_network_values(
    model: Any,
    x: Any,
    ax: Axes | None = None,
    title: str | None = None,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
) -> Figure:
    r""":func:`plot_network` for one example ``x``, every unit's value written above it.

    Each input shows :math:`x_i`; each later unit shows its weighted sum
    :math:`z_j = \sum_i a_i W_{ij} + b_j` and its activation :math:`a_j = f(z_j)`, computed
    from the layers' ``W``, ``b`` and ``activation``: the diagram carries one forward pass.
    """
    layers = getattr(model, "layers", model)
    pairs = _weight_matrices(layers)
    values = forward_values(layers, x)
    fig = plot_network(layers, ax, title, input_names, output_names)
    ax = fig.axes[-1] if ax is None else ax
    sizes = [pairs[0][0].shape[0]] + [W.shape[1] for W, _ in pairs]
    pos = _node_positions(sizes)
    texts = [[f"{v:.3f}" for v in np.asarray(x, dtype=float)]]
    texts += [[f"z={zj:.3f}\na={aj:.3f}" for zj, aj in zip(z, a, strict=True)] for z, a in values]
    for layer, (points, labels) in enumerate(zip(pos, texts, strict=True)):
        for j, ((px, py), label) in enumerate(zip(points, labels, strict=True)):
            ax.text(
                px,
                py + 0.24,
                label,
                ha="center",
                va="bottom",
                fontsize=8,
                linespacing=1.1,
                gid=f"value:{layer}:{j}",
                zorder=6,
            )
    low, high = ax.get_ylim()
    ax.set_ylim(low, high + 0.35)
    return fig


# ---- lesson 04


def plot_line_moves(
    panels: Sequence[tuple[Any, float, str]],
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    point: Any = None,
) -> Figure:
    r"""One panel per ``(w, b, title)``: the regions of $\mathbf{w}\cdot\mathbf{x} + b \ge 0$
    (class 1) and below, the line $\mathbf{w}\cdot\mathbf{x} + b = 0$, and the arrow
    $\mathbf{w}$ from the line's point nearest the origin, $-b\,\mathbf{w}/\lVert\mathbf{w}\rVert^2$
    (the arrow points to the class-1 side). ``point`` (x1, x2) is marked in every panel."""
    if not panels:
        raise ValueError("panels must list at least one (w, b, title)")
    fig, axes = plt.subplots(
        1, len(panels), figsize=(3.6 * len(panels), 3.7), squeeze=False, layout="constrained"
    )
    for ax, (w, b, title) in zip(axes[0], panels, strict=True):
        w = np.asarray(w, dtype=float).reshape(-1)
        shade_regions(
            ax, lambda P, w=w, b=b: (P @ w + b >= 0).astype(float), xlim, ylim, alpha=0.25
        )
        if draw_line(ax, w, b, label="$\\mathbf{w}\\cdot\\mathbf{x} + b = 0$"):
            foot = -b * w / (w @ w)
            ax.annotate(
                "",
                xy=foot + w / np.linalg.norm(w) * 0.8,
                xytext=foot,
                arrowprops={"arrowstyle": "->", "color": PALETTE[3], "lw": 2},
            )
        if point is not None:
            ax.plot(*point, "*", ms=14, color=OKABE_ITO["black"])
        ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    return fig


def plot_hidden_lines(
    predict: _Predictor | Callable[[np.ndarray], Any],
    W_hidden: Any,
    b_hidden: Any,
    X: Any,
    y: Any,
    ax: Axes | None = None,
    title: str | None = None,
    lim: tuple[float, float] | None = None,
) -> Figure:
    r"""A network's decision regions with its data and the line
    $w_{1j} x_1 + w_{2j} x_2 + b_j = 0$ of each hidden unit $j$ (column $j$ of ``W_hidden``),
    dashed and labelled $h_j$: where each hidden unit switches between its two halves."""
    X, y = _check_xy(X, y)
    W_hidden = np.asarray(W_hidden, dtype=float)
    b_hidden = np.asarray(b_hidden, dtype=float).reshape(-1)
    if W_hidden.ndim != 2 or W_hidden.shape[0] != 2 or b_hidden.shape != (W_hidden.shape[1],):
        raise ValueError(
            "W_hidden must have shape (2, units) and b_hidden one bias per unit; got shapes "
            f"{W_hidden.shape} and {b_hidden.shape}"
        )
    fig, ax = _axes(ax, figsize=(5.5, 5.0))
    if lim is None:
        lim = (float(X.min()) - 0.5, float(X.max()) + 0.5)
    shade_regions(ax, predict, lim, lim, alpha=0.25)
    plot_data(
        X,
        y,
        ax=ax,
        title=title or "Decision regions and hidden-unit lines",
        xlabel="$x_1$",
        ylabel="$x_2$",
    )
    styles = ("--", "-.", ":", (0, (5, 1, 1, 1)))
    for j in range(W_hidden.shape[1]):
        draw_line(
            ax,
            W_hidden[:, j],
            b_hidden[j],
            color=PALETTE[(j + 2) % len(PALETTE)],
            ls=styles[j % len(styles)],
            label=f"$h_{j + 1}$ line",
        )
    ax.set_aspect("equal")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
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
    fig, ax = _axes(ax, figsize=(7.0, 4.0))
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


def plot_accuracy_bars(
    scores: Mapping[str, tuple[float, float]],
    baseline: float,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Training and test accuracy of each model (``name -> (train, test)``) as paired bars,
    with the majority-class baseline as a dashed line and each bar's value written on it."""
    if not scores:
        raise ValueError("scores must map at least one model name to (train, test) accuracy")
    fig, ax = _axes(ax, figsize=(6.5, 4.0))
    x = np.arange(len(scores))
    for k, (what, colour) in enumerate((("training", PALETTE[0]), ("test", PALETTE[1]))):
        values = [pair[k] for pair in scores.values()]
        bars = ax.bar(x + (k - 0.5) * 0.38, values, 0.36, color=colour, label=what)
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in values], padding=2, fontsize=9)
    ax.axhline(
        baseline,
        color=PALETTE[7],
        ls="--",
        lw=1.5,
        label=f"majority-class baseline ({baseline:.0%})",
    )
    ax.set(
        xticks=x,
        xticklabels=list(scores),
        ylim=(0, 1.18),
        ylabel="accuracy",
        title=title or "Accuracy",
    )
    ax.legend(loc="upper left", ncol=3, fontsize=8)
    return fig


# ---- lesson 07

__all__ += ["plot_predictions"]


def plot_predictions(
    y_true: Any,
    y_pred: Any,
    ax: Axes | None = None,
    title: str | None = None,
    label: str = "prediction",
    unit: str = "",
) -> Figure:
    r"""A regression's predictions against the true values, one point per example, with the
    line $\hat y = y$ of perfect predictions; the mean absolute error
    $\frac{1}{n}\sum_i |\hat y_i - y_i|$ is written in the legend (in ``unit``)."""
    y_true = np.asarray(y_true, dtype=float).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=float).reshape(-1)
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(
            "y_true and y_pred must hold the same number of values (at least one); got "
            f"{y_true.size} and {y_pred.size}"
        )
    fig, ax = _axes(ax, figsize=(5.5, 5.0))
    mae = float(np.mean(np.abs(y_pred - y_true)))
    ax.scatter(
        y_true,
        y_pred,
        s=18,
        alpha=0.7,
        color=PALETTE[0],
        label=f"{label}: mean |error| {mae:,.0f}{(' ' + unit) if unit else ''}",
    )
    low = float(min(y_true.min(), y_pred.min()))
    high = float(max(y_true.max(), y_pred.max()))
    ax.plot([low, high], [low, high], color=PALETTE[7], ls="--", label="perfect: $\\hat y = y$")
    suffix = f" ({unit})" if unit else ""
    ax.set(xlabel=f"true value{suffix}", ylabel=f"predicted value{suffix}", aspect="equal")
    ax.set_title(title or "Predictions against true values")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    return fig


# ---- lesson 08

__all__ += ["neuron_graph_values", "plot_descent_paths", "plot_neuron_graph"]


def neuron_graph_values(x: float, w: float, b: float, y: float) -> dict[str, float]:
    r"""Forward values, local derivatives and gradients of one neuron with a squared error.

    Forward: $z = wx + b$, $a = \sigma(z)$, $L = (a - y)^2$. Local derivatives:
    $\partial L/\partial a = 2(a - y)$, $\partial a/\partial z = \sigma(z)(1 - \sigma(z))$,
    $\partial z/\partial w = x$, $\partial z/\partial x = w$, $\partial z/\partial b = 1$.
    Gradients (chain rule): $\partial L/\partial z = \partial L/\partial a \cdot
    \partial a/\partial z$, then $\partial L/\partial w = \partial L/\partial z \cdot x$,
    $\partial L/\partial b = \partial L/\partial z$, $\partial L/\partial x = \partial L/\partial z
    \cdot w$. Keys: ``z, a, L, dL_da, da_dz, dL_dz, dL_dw, dL_db, dL_dx``.
    """
    values = {"x": x, "w": w, "b": b, "y": y}
    for name, value in values.items():
        if isinstance(value, bool) or not np.isfinite(np.asarray(value, dtype=float)).all():
            raise ValueError(f"{name} must be a finite number; got {value!r}")
        if np.ndim(value) != 0:
            raise ValueError(f"{name} must be one number (one neuron, one example); got {value!r}")
    x, w, b, y = float(x), float(w), float(b), float(y)
    z = w * x + b
    a = float(activations.sigmoid(np.array(z)))
    dL_da, da_dz = 2.0 * (a - y), a * (1.0 - a)
    dL_dz = dL_da * da_dz
    return {
        "z": z,
        "a": a,
        "L": (a - y) ** 2,
        "dL_da": dL_da,
        "da_dz": da_dz,
        "dL_dz": dL_dz,
        "dL_dw": dL_dz * x,
        "dL_db": dL_dz,
        "dL_dx": dL_dz * w,
    }


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
    fig, ax = _axes(ax, figsize=(11.0, 4.2))
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
    fig, ax = _axes(ax, figsize=(7.5, 4.2))
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


# ---- lesson 09

__all__ += ["plot_descent", "plot_speed_control"]


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
        fig, axes = plt.subplots(1, 2, figsize=(11.0, 4.2), layout="constrained")
    ax_path, ax_loss = axes
    fig = ax_path.get_figure()
    if two_d:
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
    fig, ax = _axes(ax, figsize=(8.0, 4.0))
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


# ---- lesson 10

__all__ += ["plot_gradient_norms", "plot_loss_per_epoch", "plot_training_runs"]


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
    fig, ax = _axes(ax, figsize=(7.0, 4.0))
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
    fig, ax = _axes(ax, figsize=(5.0, 3.6))
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


# ---- lesson 11

__all__ += ["plot_attention", "plot_detections", "plot_feature_maps", "plot_hidden_states"]


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
    from matplotlib.patches import Rectangle

    image = np.asarray(image, dtype=float)
    fig, ax = _axes(ax, figsize=(6.0, 6.0))
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
    fig, ax = _axes(ax, figsize=(6.4, 5.4))
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
