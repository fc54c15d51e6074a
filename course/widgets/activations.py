"""The activation explorer: each activation and its derivative, at a point you choose."""

from __future__ import annotations

import html
from collections.abc import Sequence

import ipywidgets as W
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.palette import OKABE_ITO, PALETTE
from course.widgets.base import _new_figure, caption_html, figure_png
from dlcore import activations
from dlcore.validation import check_positive

#: the activations offered by the explorer (softmax is not element-wise, so it is left out)
EXPLORER_ACTIVATIONS: tuple[str, ...] = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "step",
    "identity",
)


class ActivationExplorer(W.VBox):
    """Pick an activation and slide z: the point :math:`(z, f(z))` with its tangent of slope
    :math:`f'(z)` on the curve, and the point :math:`(z, f'(z))` on the derivative's curve.

    State: ``dropdown``, ``slider``, ``readout`` (HTML), ``figure`` and ``image`` (its PNG),
    ``value`` = f(z), ``slope`` = f'(z).
    """

    def __init__(self, names: Sequence[str] = EXPLORER_ACTIVATIONS, z_max: float = 5.0) -> None:
        names = [names] if isinstance(names, str) else list(names)
        if not names:
            raise ValueError("names must list at least one activation; got an empty list")
        for name in names:
            activations.get(name).derivative(np.zeros(1))  # fail now on an unusable name
        self.z_max = check_positive(z_max, "z_max")
        self.dropdown = W.Dropdown(options=names, value=names[0], description="activation")
        self.slider = W.FloatSlider(
            value=1.0,
            min=-self.z_max,
            max=self.z_max,
            step=0.1,
            description="z",
            continuous_update=False,
        )
        self.readout = W.HTML()
        self.image = W.Image(format="png")
        self.caption = W.HTML()
        self.dropdown.observe(lambda _: self._redraw(), names="value")
        self.slider.observe(lambda _: self._redraw(), names="value")
        super().__init__(
            [W.HBox([self.dropdown, self.slider]), self.readout, self.image, self.caption]
        )
        self._redraw()

    def _redraw(self) -> None:
        """Recompute f(z) and f'(z), rewrite the readout, redraw both panels."""
        act = activations.get(self.dropdown.value)
        z = float(self.slider.value)
        self.value = float(act.forward(np.array([z]))[0])
        self.slope = float(act.derivative(np.array([z]))[0])
        self.readout.value = (
            f"<b>{html.escape(act.name)}</b>: z = {z:.4f}, f(z) = {self.value:.4f}, "
            f"slope f'(z) = {self.slope:.4f}"
        )
        self.figure = self._figure(act, z)
        self.image.value = figure_png(self.figure)
        self.caption.value = caption_html(
            f"Left: the {act.name} curve with the point z = {z:.2f} and its tangent of slope "
            f"{self.slope:.4f}. Right: the derivative curve with the same point."
        )

    def _figure(self, act: activations.Activation, z: float) -> Figure:
        """Left: f with the point and its tangent. Right: f' with the point."""
        fig = _new_figure((8.0, 3.4))
        left, right = fig.subplots(1, 2, sharex=True)
        grid = np.linspace(-self.z_max, self.z_max, 401)
        _curve(left, grid, act.forward(grid), PALETTE[0], f"{act.name}(z)")
        tangent = self.value + self.slope * (grid - z)
        left.plot(grid, tangent, color=PALETTE[3], linestyle="--", label="tangent")
        left.plot([z], [self.value], "o", color=PALETTE[3], markersize=8)
        left.set_ylim(_limits(act.forward(grid)))
        left.set(title=f"{act.name}: value {self.value:.4f}", xlabel="z", ylabel="f(z)")
        left.legend(loc="upper left", fontsize="small")
        _curve(right, grid, act.derivative(grid), PALETTE[1], f"{act.name}'(z)")
        right.plot([z], [self.slope], "o", color=PALETTE[3], markersize=8)
        right.set_ylim(_limits(act.derivative(grid)))
        right.set(title=f"derivative: slope {self.slope:.4f}", xlabel="z", ylabel="f'(z)")
        right.legend(loc="upper left", fontsize="small")
        return fig


def _curve(ax: Axes, z: np.ndarray, values: np.ndarray, color: str, label: str) -> None:
    """One curve with the axes through the origin and a light grid."""
    ax.axhline(0, color=OKABE_ITO["black"], linewidth=0.6, alpha=0.4)
    ax.axvline(0, color=OKABE_ITO["black"], linewidth=0.6, alpha=0.4)
    ax.plot(z, values, color=color, linewidth=2, label=label)
    ax.grid(alpha=0.3)


def _limits(values: np.ndarray) -> tuple[float, float]:
    """y-limits that show the whole curve with a margin (so the tangent does not rescale)."""
    low, high = float(values.min()), float(values.max())
    pad = max(0.15 * (high - low), 0.2)
    return low - pad, high + pad


def activation_explorer(
    names: Sequence[str] = EXPLORER_ACTIVATIONS, z_max: float = 5.0
) -> ActivationExplorer:
    """A dropdown of activations and a z slider; shows f(z), f'(z), a tangent and both curves."""
    return ActivationExplorer(names, z_max=z_max)
