"""The learning-rate explorer: gradient descent on a small loss, redrawn as you move the
learning rate, the starting point, the number of steps and the momentum.

Two losses (``SURFACES``): a narrow valley of two weights,
:math:`L(w_1, w_2) = \\tfrac12 (w_1^2 + 10\\, w_2^2)`, and a curve of one weight with two
minima, :math:`L(w) = w^4 - 3w^2 + w`. Each step is dlcore's ``SGD`` (with momentum
:math:`\\mu`: :math:`v \\leftarrow \\mu v - \\eta \\nabla L,\\ w \\leftarrow w + v`). Drawn like
every ``course.widgets`` explorer: an off-screen figure shown as PNG bytes in an ``Image``
(saved with the widget state, so a static page shows it), with a caption in words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import dlcore as dl
from course.plots import plot_descent
from course.widgets.base import caption_html, figure_png
from course.widgets.static import Axis, ReaderViewMixin, control_axis, html_copy, picture_copy
from dlcore.validation import check_fraction, check_positive

__all__ = ["SURFACES", "LearningRateExplorer", "Surface", "descent_path", "learning_rate_explorer"]

#: a path that gets this far from the origin has left for infinity: it is cut there
ESCAPE = 1e6
#: the learning rates the static book precomputes: lesson 09's 0.02, 0.18, 0.19 and 0.21,
#: and larger ones that diverge on both losses
READER_LRS = (0.02, 0.05, 0.1, 0.18, 0.19, 0.21, 0.3, 0.6)
#: the momentums the static book precomputes: off, and lesson 09's 0.9
READER_MOMENTUMS = (0.0, 0.9)


@dataclass(frozen=True)
class Surface:
    """A loss to descend: ``loss`` and ``grad`` of one weight (floats or arrays) or of two
    (``loss(w1, w2)``, ``grad(w) -> array of 2``), its view, a default start, its minima, and
    at each minimum its curvatures (the second derivative, or the Hessian's eigenvalues with
    two weights): the steepest of them sets the largest stable step there."""

    name: str
    formula: str
    loss: Callable[..., np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    dims: int
    xlim: tuple[float, float]
    ylim: tuple[float, float] | None
    start: tuple[float, ...]
    minima: tuple[tuple[float, ...], ...]
    curvatures: tuple[tuple[float, ...], ...]

    def value(self, w: np.ndarray) -> np.ndarray:
        """The loss at each point of a path (shape (n,) or (n, 2))."""
        w = np.asarray(w, dtype=float)
        with np.errstate(over="ignore", invalid="ignore"):
            return self.loss(w[..., 0], w[..., 1]) if self.dims == 2 else self.loss(w)


def _two_minima_minima() -> tuple[tuple[float], ...]:
    """The two minima of w^4 - 3 w^2 + w: the real roots of 4w^3 - 6w + 1 with L'' > 0."""
    roots = np.sort(np.roots([4.0, 0.0, -6.0, 1.0]).real)
    return tuple((float(r),) for r in roots if 12 * r**2 - 6 > 0)


SURFACES: dict[str, Surface] = {
    "valley": Surface(
        "valley",
        "L(w1, w2) = (w1² + 10 w2²) / 2",
        lambda w1, w2: 0.5 * (w1**2 + 10.0 * w2**2),
        lambda w: np.array([w[0], 10.0 * w[1]]),
        2,
        (-5.0, 5.0),
        (-2.5, 2.5),
        (-4.5, 2.0),
        ((0.0, 0.0),),
        ((1.0, 10.0),),
    ),
    "two minima": Surface(
        "two minima",
        "L(w) = w⁴ - 3 w² + w",
        lambda w: w**4 - 3.0 * w**2 + w,
        lambda w: 4.0 * w**3 - 6.0 * w + 1.0,
        1,
        (-2.2, 2.2),
        None,
        (2.0,),
        _two_minima_minima(),
        tuple((12 * m[0] ** 2 - 6,) for m in _two_minima_minima()),
    ),
}


def descent_path(
    grad: Callable[[np.ndarray], np.ndarray],
    start: Sequence[float] | np.ndarray | float,
    lr: float,
    steps: int,
    momentum: float = 0.0,
) -> np.ndarray:
    r"""The weights after each of ``steps`` steps of dlcore's SGD from ``start``:
    :math:`w \leftarrow w - \eta \nabla L(w)` (with momentum :math:`\mu`:
    :math:`v \leftarrow \mu v - \eta \nabla L,\ w \leftarrow w + v`).

    Shape (steps + 1,) for a scalar ``start``, (steps + 1, d) otherwise; a path that leaves
    for infinity (beyond ``ESCAPE``) stops there, so it may be shorter.
    """
    lr = check_positive(lr, "lr")
    steps = check_positive(steps, "steps", integer=True)
    momentum = check_fraction(momentum, "momentum")
    scalar = np.ndim(start) == 0
    w = np.atleast_1d(np.asarray(start, dtype=float)).copy()
    if w.ndim != 1 or not np.isfinite(w).all():
        raise ValueError(f"start must be a finite number or a 1-D list of numbers; got {start!r}")
    optimizer = dl.SGD(lr=lr, momentum=momentum)
    path = [w.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            g = np.asarray(grad(w.copy()) if not scalar else grad(w[0]), dtype=float).reshape(
                w.shape
            )
            optimizer.step([("w", w, g)])
            if not np.isfinite(w).all() or np.abs(w).max() > ESCAPE:
                break
            path.append(w.copy())
    out = np.array(path)
    return out[:, 0] if scalar else out


def largest_stable_lr(curvature: float, momentum: float = 0.0) -> float:
    r"""The step size where gradient descent on :math:`\tfrac{c}{2} w^2` stops converging:
    :math:`\eta c < 2(1 + \mu)`, i.e. :math:`2/c` without momentum."""
    return 2.0 * (1.0 + momentum) / curvature


class LearningRateExplorer(ReaderViewMixin, W.VBox):
    """Sliders for the learning rate (log scale), the starting point, the number of steps and
    the momentum; a dropdown for the loss. The figure shows the path of the weights on the
    loss (curve or contours) and the loss after each step.

    State for tests and curious learners: ``surface`` (the :class:`Surface`), ``path`` (the
    weights after each step), ``losses``, ``diverged`` (the path left for infinity or its
    loss grew past the start's), the widgets ``surface_menu``, ``lr``, ``starts``, ``steps``,
    ``momentum``, ``readout``, ``image``, ``caption``, and ``figure`` (the drawing on show:
    one figure, redrawn at every move).
    """

    def __init__(
        self,
        surface: str = "valley",
        lr: float = 0.19,
        start: Sequence[float] | None = None,
        steps: int = 30,
        momentum: float = 0.0,
    ) -> None:
        if surface not in SURFACES:
            raise ValueError(f"surface must be one of {sorted(SURFACES)}; got {surface!r}")
        lr = check_positive(lr, "lr")
        if not 1e-3 <= lr <= 1.0:
            raise ValueError(f"lr must be between 0.001 and 1 (the slider's range); got {lr}")
        steps = check_positive(steps, "steps", integer=True)
        if steps > 100:
            raise ValueError(f"steps must be at most 100; got {steps}")
        momentum = check_fraction(momentum, "momentum")
        if momentum > 0.95:
            raise ValueError(f"momentum must be at most 0.95 (the slider's range); got {momentum}")
        #: the one figure every move redraws, and the surface its contours or curve show
        self.figure = Figure(figsize=(9.0, 3.6), layout="constrained")
        FigureCanvasAgg(self.figure)
        self._drawn: Surface | None = None
        self.surface_menu = W.Dropdown(options=list(SURFACES), value=surface, description="loss")
        self.lr = W.FloatLogSlider(
            value=lr, base=10, min=-3, max=0, step=0.01, description="η", readout_format=".3f"
        )
        self.starts = [
            W.FloatSlider(step=0.1, description=f"start w{i + 1}", continuous_update=False)
            for i in range(2)
        ]
        self.steps = W.IntSlider(value=steps, min=1, max=100, description="steps")
        self.momentum = W.FloatSlider(
            value=momentum, min=0.0, max=0.95, step=0.05, description="momentum μ"
        )
        for control in (self.lr, self.steps, self.momentum):
            control.continuous_update = False
        self._set_surface(surface, start)
        for control in (self.lr, *self.starts, self.steps, self.momentum):
            control.observe(lambda _: self.update(), names="value")
        self.surface_menu.observe(lambda change: self._switch(change["new"]), names="value")
        self.readout = W.HTML()
        self.image = W.Image(format="png")
        self.caption = W.HTML()
        controls = W.HBox(
            [
                W.VBox([self.surface_menu, self.lr, self.steps]),
                W.VBox([*self.starts, self.momentum]),
            ]
        )
        super().__init__([controls, self.image, self.readout, self.caption])
        self.update()

    reader_name = "learning-rate explorer"

    def reader_axes(self) -> list[Axis]:
        """Both losses, READER_LRS and READER_MOMENTUMS, from each loss's default start."""
        return [
            control_axis(self.surface_menu, list(SURFACES)),
            control_axis(self.lr, READER_LRS),
            control_axis(self.momentum, READER_MOMENTUMS),
        ]

    def reader_capture(self) -> list[W.Widget]:
        """The picture, the readout and the caption on show now."""
        return [
            picture_copy(self.image, self.caption.value),
            html_copy(self.readout),
            html_copy(self.caption),
        ]

    def _set_surface(self, name: str, start: Sequence[float] | None) -> None:
        """Point the start sliders at the surface's view and its default (or given) start."""
        self.surface = SURFACES[name]
        values = self.surface.start if start is None else tuple(float(v) for v in start)
        if len(values) != self.surface.dims:
            raise ValueError(
                f"start must hold {self.surface.dims} number(s) for the {name!r} loss; got "
                f"{list(values)}"
            )
        limits = [self.surface.xlim, self.surface.ylim or (-1.0, 1.0)]
        for i, slider in enumerate(self.starts):
            slider.min, slider.max = -1e9, 1e9  # widen first, so value and range never clash
            low, high = limits[i]
            value = values[i] if i < len(values) else 0.0
            if not low <= value <= high:
                raise ValueError(f"start w{i + 1} must lie in {limits[i]}; got {value}")
            slider.value = value
            slider.min, slider.max = low, high
            slider.disabled = i >= self.surface.dims
            slider.layout.visibility = "hidden" if i >= self.surface.dims else "visible"

    def _switch(self, name: str) -> None:
        with self.held():  # the start sliders move: one redraw, at the new surface's start
            self._set_surface(name, None)

    @property
    def start(self) -> np.ndarray:
        """The starting point, from its slider(s)."""
        return np.array([s.value for s in self.starts[: self.surface.dims]], dtype=float)

    def update(self) -> None:
        """Run gradient descent with the controls' values and redraw."""
        if self._holding:
            return
        s = self.surface
        start = self.start if s.dims == 2 else float(self.start[0])
        self.path = descent_path(
            s.grad, start, self.lr.value, self.steps.value, self.momentum.value
        )
        self.losses = s.value(self.path)
        escaped = len(self.path) < self.steps.value + 1
        self.diverged = bool(escaped or self.losses[-1] > self.losses[0])
        label = f"η = {self.lr.value:.3g}" + (
            f", μ = {self.momentum.value:.2f}" if self.momentum.value else ""
        )
        self._draw(label, f"Loss per step: {self._verdict()}")
        self.image.value = figure_png(self.figure, dpi=160)
        self.readout.value = self._readout_html()
        where = np.array2string(np.atleast_1d(self.path[-1]), precision=3)
        origin = np.array2string(np.atleast_1d(self.path[0]), precision=2)
        self.caption.value = caption_html(
            f"Gradient descent on {s.formula} from {origin} "
            f"with learning rate {self.lr.value:.3g} and momentum {self.momentum.value:.2f}: "
            f"{self._verdict()}; after {len(self.path) - 1} steps the weights are {where} and "
            f"the loss {self.losses[-1]:.4g} (it started at {self.losses[0]:.4g})."
        )

    def _draw(self, label: str, loss_title: str) -> None:
        """Draw the path on the explorer's one figure: all of it with ``plot_descent`` when
        the loss is new, else only what a move changes (the path's points, the loss per
        step, the legend and the title), which gives the same picture in a fraction of the
        time (the contours are not traced again)."""
        s = self.surface
        if self._drawn is not s:
            self.figure.clear()
            plot_descent(s.loss, {label: self.path}, s.xlim, s.ylim,
                         axes=self.figure.subplots(1, 2), title=s.formula,
                         loss_title=loss_title)  # fmt: skip
            self._drawn = s
            return
        ax_path, ax_loss = self.figure.axes
        path_line, start_mark = ax_path.get_lines()[-2:]
        (loss_line,) = ax_loss.get_lines()
        # as plot_descent draws them: the points on the contours (two weights) or on the
        # curve (one), the start a square, the loss on a log scale when every value is > 0
        xs, ys = (self.path[:, 0], self.path[:, 1]) if s.dims == 2 else (self.path, self.losses)
        path_line.set_data(xs, ys)
        start_mark.set_data(xs[:1], ys[:1])
        loss_line.set_data(np.arange(len(self.losses)), self.losses)
        path_line.set_label(label)
        loss_line.set_label(label)
        ax_path.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)  # replaced
        finite = self.losses[np.isfinite(self.losses)]
        ax_loss.set_yscale("log" if finite.size and np.all(finite > 0) else "linear")
        ax_loss.relim()
        ax_loss.autoscale_view()
        ax_loss.set_title(loss_title)

    def _verdict(self) -> str:
        """One phrase: diverged, or which minimum the path is near."""
        if self.diverged:
            return (
                "the loss grows: diverging"
                if len(self.path) == self.steps.value + 1
                else "diverged"
            )
        end = np.atleast_1d(self.path[-1])
        distances = [np.linalg.norm(end - np.array(m)) for m in self.surface.minima]
        k = int(np.argmin(distances))
        if distances[k] > 0.05:
            return "still descending" if self.losses[-1] < self.losses[0] else "not descending"
        if len(self.surface.minima) == 1:
            return "at the minimum"
        best = int(np.argmin([self.surface.value(np.array(m)) for m in self.surface.minima]))
        return "at the global minimum" if k == best else "at the local minimum"

    def _readout_html(self) -> str:
        r"""One stability limit per minimum, :math:`\eta < 2(1 + \mu)/c`, with :math:`c` the
        steepest curvature there, for the current momentum."""
        mu = self.momentum.value
        limits = "; ".join(
            f"at {_point(m)}, c = {max(cs):.3g}: η < {largest_stable_lr(max(cs), mu):.3g}"
            for m, cs in zip(self.surface.minima, self.surface.curvatures, strict=True)
        )
        return (
            "<div style='font-size: 90%'>Largest stable learning rate at each minimum, "
            f"η c < 2(1 + μ) with c its steepest curvature: {limits}. "
            f"Now η = {self.lr.value:.3g}.</div>"
        )


def _point(w: Sequence[float]) -> str:
    """A minimum in words: ``w = -1.3`` or ``(w1, w2) = (0, 0)``."""
    if len(w) == 1:
        return f"w = {w[0]:.3g}"
    names = ", ".join(f"w{i + 1}" for i in range(len(w)))
    return f"({names}) = ({', '.join(f'{v:.3g}' for v in w)})"


def learning_rate_explorer(
    surface: str = "valley",
    lr: float = 0.19,
    start: Sequence[float] | None = None,
    steps: int = 30,
    momentum: float = 0.0,
) -> LearningRateExplorer:
    """The learning-rate explorer on ``surface`` ("valley" or "two minima"), opened with the
    given learning rate, start (the surface's default when None), steps and momentum."""
    return LearningRateExplorer(surface, lr=lr, start=start, steps=steps, momentum=momentum)
