"""The perceptron stepper: replay ``dl.Perceptron(...).fit(...).steps_`` one update at a time."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as W
import numpy as np

from course.palette import OKABE_ITO, PALETTE
from course.plots import draw_line, plot_data, shade_regions
from course.widgets.base import IMAGE_WIDTH, SCREEN_DPI, _new_figure, caption_html, figure_png
from course.widgets.static import (
    MAX_STATES,
    Axis,
    ReaderViewMixin,
    html_copy,
    picture_copy,
)
from dlcore import Perceptron


class PerceptronStepper(ReaderViewMixin, W.VBox):
    r"""Replay of ``Perceptron(lr, epochs, seed).fit(X, y).steps_``, one presentation a click.

    The widget does not re-implement the rule: it fits a ``dlcore.Perceptron`` once and shows
    its recorded steps, so what the learner clicks through is exactly what ``fit`` did. For
    each presentation of a sample :math:`(x, y)`: :math:`\hat y = [w \cdot x + b \ge 0]`,
    :math:`e = y - \hat y`, :math:`w \leftarrow w + \eta e x`, :math:`b \leftarrow b + \eta e`.

    State for tests and curious learners: ``fitted`` (the Perceptron), ``steps`` (its
    ``steps_``), ``shown`` (presentations replayed so far), ``perceptron`` (a Perceptron
    holding the replayed w, b), ``epoch`` (1, 2, ...), ``position`` (samples presented in
    this epoch), ``errors_this_epoch``, ``last`` (the last PerceptronStep or None),
    ``finished``, ``figure`` (the last drawing), and the widgets ``step_button``,
    ``epoch_button``, ``reset_button``, ``status`` (HTML) and ``image`` (its PNG).
    """

    def __init__(
        self, X: Any, y: Any, lr: float = 1.0, seed: int = 0, epochs: int = 20, updates: int = 0
    ) -> None:
        self.X, self.y = _perceptron_data(X, y)
        self.fitted = Perceptron(lr=lr, epochs=epochs, seed=seed).fit(self.X, self.y)
        self.steps = self.fitted.steps_
        n_updates = sum(s.updated for s in self.steps)
        if isinstance(updates, bool) or not isinstance(updates, int) or updates < 0:
            raise ValueError(f"updates must be an integer >= 0; got {updates!r}")
        if updates > n_updates:
            raise ValueError(
                f"updates must be at most {n_updates}, the number of updates fit made; "
                f"got {updates}"
            )
        self.perceptron = Perceptron(lr=lr, epochs=epochs, seed=seed).initialize(self.X.shape[1])
        self.step_button = W.Button(description="Step", tooltip="present one sample")
        self.epoch_button = W.Button(description="Epoch", tooltip="finish this epoch")
        self.reset_button = W.Button(description="Reset", tooltip="w = 0, b = 0")
        self.status = W.HTML()
        self.image = W.Image(format="png", width=IMAGE_WIDTH)
        self.caption = W.HTML()
        self.step_button.on_click(lambda _: self.step())
        self.epoch_button.on_click(lambda _: self.run_epoch())
        self.reset_button.on_click(lambda _: self.reset())
        buttons = W.HBox([self.step_button, self.epoch_button, self.reset_button])
        super().__init__([buttons, W.HBox([W.VBox([self.image, self.caption]), self.status])])
        self._go_to(self._after_update(updates))

    @property
    def n_samples(self) -> int:
        """Number of samples in one epoch."""
        return len(self.y)

    @property
    def finished(self) -> bool:
        """True once every recorded presentation has been replayed."""
        return self.shown == len(self.steps)

    def _after_update(self, k: int) -> int:
        """Presentations to replay to stand just after the k-th update (0: at the start)."""
        if k == 0:
            return 0
        updated = [i for i, s in enumerate(self.steps) if s.updated]
        return updated[k - 1] + 1

    def _go_to(self, shown: int) -> None:
        """Stand after ``shown`` presentations: set w, b and the counters, then redraw."""
        self.shown = shown
        self.last = self.steps[shown - 1] if shown else None
        if self.last is None:
            self.perceptron.initialize(self.X.shape[1])
        else:
            self.perceptron.w, self.perceptron.b = self.last.w.copy(), float(self.last.b)
        self.epoch = 1 + (shown - 1) // self.n_samples if shown else 1
        self.position = (shown - 1) % self.n_samples + 1 if shown else 0
        this_epoch = self.steps[shown - self.position : shown]
        self.errors_this_epoch = int(sum(s.updated for s in this_epoch))
        self.step_button.disabled = self.epoch_button.disabled = self.finished
        self._redraw()

    def reset(self) -> None:
        """Back to the start: w = 0, b = 0, epoch 1, nothing presented."""
        self._go_to(0)

    def step(self) -> None:
        """Replay the next presentation (nothing once training has finished)."""
        if not self.finished:
            self._go_to(self.shown + 1)

    def run_epoch(self) -> None:
        """Replay the rest of this epoch (a whole new one if it is complete)."""
        rest = self.n_samples - self.position if self.position < self.n_samples else self.n_samples
        if not self.finished:
            self._go_to(min(self.shown + rest, len(self.steps)))

    reader_name = "stepper"
    #: presentations after the opening one that the static book precomputes (Step clicks)
    READER_STEPS = 20

    def reader_axes(self) -> list[Axis]:
        """The presentations the static book precomputes: the start (Reset), after each
        update and at each epoch's end (Epoch), and the READER_STEPS after the opening one
        (Step); the last one too."""
        end = len(self.steps)
        updates = [i + 1 for i, s in enumerate(self.steps) if s.updated]
        epochs = range(self.n_samples, end + 1, self.n_samples)
        steps = range(self.shown, min(self.shown + self.READER_STEPS, end) + 1)
        shown = sorted({0, *updates, *epochs, *steps, end})
        if len(shown) > MAX_STATES:  # many updates (data no line separates): keep the clicks
            kept = {0, end, *steps, *epochs}
            rest = [k for k in shown if k not in kept]
            shown = sorted(kept | set(rest[:: -(-len(rest) // (MAX_STATES - len(kept)))]))
        return [
            Axis("presentation", shown, self._go_to, self.shown, [self._named(k) for k in shown])
        ]

    def _named(self, shown: int) -> str:
        """How the reader's slider names the state after ``shown`` presentations."""
        if shown == 0:
            return "start"
        epoch, position = 1 + (shown - 1) // self.n_samples, (shown - 1) % self.n_samples + 1
        return f"epoch {epoch}, {position}/{self.n_samples}" + (
            " (update)" if self.steps[shown - 1].updated else ""
        )

    def reader_capture(self) -> list[W.Widget]:
        """The picture, its caption and the status table on show now."""
        picture = W.VBox(
            [picture_copy(self.image, self.caption.value, IMAGE_WIDTH), html_copy(self.caption)]
        )
        return [W.HBox([picture, html_copy(self.status)])]

    def total_errors(self) -> int:
        """Samples of the whole data set the current weights misclassify."""
        return int(np.sum(self.perceptron.predict(self.X) != self.y))

    def _previous(self) -> tuple[np.ndarray, float]:
        """w, b before the last presentation."""
        if self.shown <= 1:
            return np.zeros(self.X.shape[1]), 0.0
        before = self.steps[self.shown - 2]
        return before.w, float(before.b)

    def update(self) -> None:
        """Redraw the presentation on show."""
        self._redraw()

    def _redraw(self) -> None:
        """Redraw the boundary (last sample ringed, the line before an update dashed) and
        rewrite the status table."""
        fig = _new_figure((4.6, 4.0))
        ax = fig.add_subplot()
        title = f"Epoch {self.epoch}, sample {self.position}/{self.n_samples}"
        low, high = self.X.min(axis=0), self.X.max(axis=0)
        pad = 0.1 * (high - low)
        xlim, ylim = (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])
        shade_regions(ax, self.perceptron, xlim, ylim, resolution=120, alpha=0.25)
        if self.last is not None and self.last.updated:
            w_before, b_before = self._previous()
            draw_line(ax, w_before, b_before, ls="--", lw=1.5, color=PALETTE[4], label="before")
        draw_line(ax, self.perceptron.w, self.perceptron.b, label="boundary")
        plot_data(self.X, self.y, ax=ax, title=title, xlabel="$x_1$", ylabel="$x_2$")
        if self.last is not None:
            ring = PALETTE[3] if self.last.updated else OKABE_ITO["black"]
            ax.scatter(
                [self.last.x[0]],
                [self.last.x[1]],
                s=220,
                facecolors="none",
                edgecolors=ring,
                linewidths=2,
                zorder=4,
            )
        ax.legend(loc="best", fontsize="small", framealpha=0.9)
        self.figure = fig
        self.image.value = figure_png(fig, dpi=2 * SCREEN_DPI)
        w, b = self._weights()
        self.caption.value = caption_html(
            f"{title}: the two classes (blue circles, orange triangles) and the perceptron's "
            f"decision line {w[0]:.2f} x1 + {w[1]:.2f} x2 + {b:.2f} = 0"
        )
        self.status.value = self._status_html()

    def _weights(self) -> tuple[np.ndarray, float]:
        """The perceptron's current weights and bias (set once it has been fitted)."""
        w, b = self.perceptron.w, self.perceptron.b
        assert w is not None and b is not None, "the stepper fits its perceptron first"
        return w, float(b)

    def _status_html(self) -> str:
        """The numbers of the current state as a small HTML table."""
        w, b = self._weights()
        rows = [("epoch", str(self.epoch)), ("sample", f"{self.position} / {self.n_samples}")]
        if self.last is not None:
            last = self.last
            verdict = "updated" if last.updated else "correct, no change"
            rows.append(("last", f"#{last.index}: y={last.y}, ŷ={last.y_hat} ({verdict})"))
        rows += [(f"w{i + 1}", f"{wi:.4f}") for i, wi in enumerate(w)]
        rows += [
            ("b", f"{b:.4f}"),
            ("errors this epoch", str(self.errors_this_epoch)),
            ("errors on all data", f"{self.total_errors()} / {self.n_samples}"),
        ]
        if self.finished:
            errors = self.fitted.errors_
            done = (
                f"no errors in epoch {len(errors)}: fit stopped"
                if errors[-1] == 0
                else f"stopped after {len(errors)} epochs, still {errors[-1]} errors"
            )
            rows.append(("training", done))
        cells = "".join(
            f"<tr><td style='padding-right:1em'>{html.escape(k)}</td>"
            f"<td style='text-align:right'>{html.escape(v)}</td></tr>"
            for k, v in rows
        )
        return f"<table>{cells}</table>"


def _perceptron_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Check ``X`` is (n, 2) and ``y`` holds n labels in {0, 1}."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to draw the boundary; got {X.shape}")
    y = np.asarray(y, dtype=float).reshape(-1)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must hold {X.shape[0]} labels to match X; got shape {y.shape}")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(f"y must hold labels 0 and 1; got values {np.unique(y)[:5]}")
    return X, y.astype(int)


def perceptron_stepper(
    X: Any, y: Any, lr: float = 1.0, seed: int = 0, epochs: int = 20, updates: int = 0
) -> PerceptronStepper:
    """Step, Epoch and Reset buttons replaying ``Perceptron(lr, epochs, seed).fit(X, y)``.

    ``updates`` > 0 opens the widget just after that many updates (the boundary visible, the
    sample that caused the last one ringed), so a saved page shows learning under way.
    """
    return PerceptronStepper(X, y, lr=lr, seed=seed, epochs=epochs, updates=updates)


# ---------------------------------------------------------------- activation explorer
