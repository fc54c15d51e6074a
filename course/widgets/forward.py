"""The forward-pass explorer: slide the inputs and some weights of a small network and watch
every value change, from the inputs through each unit's ``z`` and ``a`` to the output.

Drawn like ``course.widgets``: off-screen matplotlib figures shown as PNG bytes in an
``ipywidgets.Image`` (the last image is saved with the widget state, so a static book page
shows it), with a caption in words.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import dlcore as dl
from course.plots import MAX_UNITS, dense_layers, forward_values, plot_forward_pass
from course.widgets.base import caption_html, figure_png
from course.widgets.static import Axis, ReaderViewMixin, control_axis, html_copy, picture_copy
from dlcore.validation import check_positive

__all__ = ["DEFAULT_WEIGHTS", "ForwardExplorer", "default_network", "forward_explorer"]

#: every weight of the 2-2-1 network, as (layer, input unit, output unit), 0-based
DEFAULT_WEIGHTS: tuple[tuple[int, int, int], ...] = (
    (0, 0, 0),
    (0, 1, 0),
    (0, 0, 1),
    (0, 1, 1),
    (1, 0, 0),
    (1, 1, 0),
)
#: the values the static book precomputes, by slider: lesson 05's worked example and the
#: moves its text asks for (h2 off and on through w1[1→2], a weight downstream, x = 0)
READER_VALUES: dict[str, tuple[float, ...]] = {
    "x1": (0.0, 1.0),
    "x2": (0.0, 0.5, 3.0),
    "w1[1→2]": (-1.0, 0.0, 1.0),
    "w2[1→1]": (0.5, 1.5),
}


def default_network() -> dl.Sequential:
    """The 2-2-1 network of lesson 05: two ReLU hidden units, one sigmoid output.

    ``W1 = [[0.5, -1.0], [0.8, 0.4]]``, ``b1 = [0.1, -0.2]``, ``W2 = [[1.5], [-2.0]]``,
    ``b2 = [-0.5]`` (dlcore's row form: ``W1[i, j]`` joins input ``i`` to hidden unit ``j``).
    """
    hidden = dl.Dense(2, 2, activation="relu")
    output = dl.Dense(2, 1, activation="sigmoid")
    hidden.W[:] = [[0.5, -1.0], [0.8, 0.4]]
    hidden.b[:] = [0.1, -0.2]
    output.W[:] = [[1.5], [-2.0]]
    output.b[:] = [-0.5]
    return dl.Sequential([hidden, output])


def _dense_layers(model: Any) -> list[Any]:
    """The Dense layers of a Sequential or a list, checked to be small enough to draw."""
    layers = dense_layers(model)
    for i, layer in enumerate(layers):
        if max(layer.W.shape) > MAX_UNITS:
            raise ValueError(
                f"the explorer draws small networks (at most {MAX_UNITS} units per layer); "
                f"layer {i} has W of shape {layer.W.shape}"
            )
    return layers


def weight_label(layer: int, i: int, j: int) -> str:
    """A slider's name for weight ``W[layer][i, j]``, 1-based as in the notes: ``w1[1→2]``."""
    return f"w{layer + 1}[{i + 1}→{j + 1}]"


class ForwardExplorer(ReaderViewMixin, W.VBox):
    """Sliders for the inputs and some weights of a small dense network; its diagram shows
    the inputs, every unit's :math:`z = \\sum_i w_i a_i + b` and :math:`a = f(z)`, and the
    output, recomputed by dlcore's forward pass after every move.

    The sliders change the network's own weights (``layers[l].W``) in place. State for tests
    and curious learners: ``layers``, ``x`` (the inputs), ``values`` (``[(z, a), ...]`` per
    layer), ``output`` (the network's output), the widgets ``input_sliders``,
    ``weight_sliders`` (by ``(layer, i, j)``), ``readout`` (HTML), ``image`` and ``caption``,
    and ``figure`` (the last drawing).
    """

    def __init__(
        self,
        model: Any = None,
        x: Sequence[float] = (1.0, 0.5),
        weights: Sequence[tuple[int, int, int]] = DEFAULT_WEIGHTS,
        limit: float = 3.0,
        input_names: Sequence[str] | None = None,
    ) -> None:
        self.layers = _dense_layers(default_network() if model is None else model)
        self.limit = check_positive(limit, "limit")
        n_in = self.layers[0].W.shape[0]
        point = np.asarray(x, dtype=float).reshape(-1)
        if point.shape != (n_in,) or not np.isfinite(point).all():
            raise ValueError(
                f"x must hold {n_in} finite numbers, one per input; got {point.tolist()}"
            )
        self.input_names = list(input_names) if input_names else [f"x{i + 1}" for i in range(n_in)]
        if len(self.input_names) != n_in:
            raise ValueError(f"input_names must name {n_in} inputs; got {len(self.input_names)}")
        slider = dict(min=-self.limit, max=self.limit, step=0.1, continuous_update=False)
        self.input_sliders = [
            W.FloatSlider(value=float(v), description=name, **slider)
            for v, name in zip(point, self.input_names, strict=True)
        ]
        self.weight_sliders: dict[tuple[int, int, int], W.FloatSlider] = {}
        for key in weights:
            layer, i, j = self._check_weight(key)
            self.weight_sliders[(layer, i, j)] = W.FloatSlider(
                value=float(self.layers[layer].W[i, j]),
                description=weight_label(layer, i, j),
                **slider,
            )
        for control in [*self.input_sliders, *self.weight_sliders.values()]:
            control.observe(lambda _: self.update(), names="value")
        self.readout = W.HTML()
        self.image = W.Image(format="png")
        self.caption = W.HTML()
        columns = [W.VBox(self.input_sliders), W.VBox(list(self.weight_sliders.values()))]
        super().__init__([W.HBox(columns), W.HBox([self.image, self.readout]), self.caption])
        self.update()

    reader_name = "forward-pass explorer"

    def reader_axes(self) -> list[Axis]:
        """The sliders READER_VALUES names, each at its values (the others stay put)."""
        sliders = [*self.input_sliders, *self.weight_sliders.values()]
        return [
            control_axis(s, READER_VALUES[s.description])
            for s in sliders
            if s.description in READER_VALUES
        ]

    def reader_capture(self) -> list[W.Widget]:
        """The diagram beside its table, and the caption."""
        picture = picture_copy(self.image, self.caption.value, width="560")
        return [W.HBox([picture, html_copy(self.readout)]), html_copy(self.caption)]

    def _check_weight(self, key: Any) -> tuple[int, int, int]:
        """``key`` as a valid ``(layer, i, j)`` index of a weight, or a ValueError."""
        try:
            layer, i, j = (int(k) for k in key)
            shape = self.layers[layer].W.shape if 0 <= layer < len(self.layers) else None
        except (TypeError, ValueError):
            shape = None
        if shape is None or not (0 <= i < shape[0] and 0 <= j < shape[1]):
            shapes = [layer.W.shape for layer in self.layers]
            raise ValueError(
                f"each weight must be (layer, i, j) indexing W of a layer, 0-based; got {key!r} "
                f"for weight shapes {shapes}"
            )
        return layer, i, j

    @property
    def x(self) -> np.ndarray:
        """The inputs, from their sliders."""
        return np.array([s.value for s in self.input_sliders], dtype=float)

    def update(self) -> None:
        """Copy the weight sliders into the network, run the forward pass, redraw."""
        if self._holding:
            return
        for (layer, i, j), slider in self.weight_sliders.items():
            self.layers[layer].W[i, j] = slider.value
        self.values = forward_values(self.layers, self.x)
        self.output = self.values[-1][1].copy()
        self.figure = self._figure()
        self.image.value = figure_png(self.figure, dpi=160)
        self.readout.value = self._readout_html()
        inputs = ", ".join(f"{n} = {v:.2f}" for n, v in zip(self.input_names, self.x, strict=True))
        units = "; ".join(
            f"layer {layer + 1} unit {j + 1}: z = {z[j]:.2f}, a = {a[j]:.3f}"
            for layer, (z, a) in enumerate(self.values)
            for j in range(z.size)
        )
        self.caption.value = caption_html(
            f"The network's diagram with every weight on its edge and every bias under its "
            f"unit. Inputs {inputs}; {units}. Output {np.array2string(self.output, precision=3)}."
        )

    def _figure(self) -> Figure:
        fig = Figure(figsize=(6.4, 3.6), layout="constrained")
        FigureCanvasAgg(fig)
        out = self.output
        shown = f"ŷ = {out[0]:.3f}" if out.size == 1 else np.array2string(out, precision=3)
        title = f"Forward pass: output {shown}"
        plot_forward_pass(self.layers, self.x, ax=fig.add_subplot(), title=title,
                          input_names=self.input_names)  # fmt: skip
        return fig

    def _readout_html(self) -> str:
        """Each unit's weighted sum and activation, written out with its numbers."""
        rows = []
        previous = self.x
        for layer, ((z, a), lay) in enumerate(zip(self.values, self.layers, strict=True)):
            for j in range(z.size):
                terms = " + ".join(
                    f"({lay.W[i, j]:.2f})({previous[i]:.2f})" for i in range(previous.size)
                )
                rows.append(
                    f"<tr><td>layer {layer + 1}, unit {j + 1}</td>"
                    f"<td>z = {terms} + ({lay.b[j]:.2f}) = {z[j]:.3f}</td>"
                    f"<td>a = {html.escape(lay.activation.name)}(z) = {a[j]:.3f}</td></tr>"
                )
            previous = a
        return (
            "<table style='font-size: 85%'><tr><th>unit</th><th>weighted sum</th>"
            f"<th>activation</th></tr>{''.join(rows)}</table>"
        )


def forward_explorer(
    model: Any = None,
    x: Sequence[float] = (1.0, 0.5),
    weights: Sequence[tuple[int, int, int]] = DEFAULT_WEIGHTS,
    limit: float = 3.0,
    input_names: Sequence[str] | None = None,
) -> ForwardExplorer:
    """Sliders for the inputs ``x`` and the ``weights`` ``(layer, i, j)`` of ``model`` (the
    2-2-1 :func:`default_network` when None); shows every value of the forward pass."""
    return ForwardExplorer(model, x=x, weights=weights, limit=limit, input_names=input_names)
