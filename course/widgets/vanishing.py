"""The vanishing-gradient dashboard: build a deep network on the digits, see every layer's
gradient and the training loss.

Choose the depth, the activation, the weight initialisation, batch normalisation and
residual connections; the dashboard builds the network with dlcore, measures the gradient
norm :math:`\\lVert \\partial L/\\partial W^{[l]} \\rVert` of every layer before and after a
short training run, and the training loss per epoch. Drawn like ``course.widgets``:
off-screen figures shown as PNG bytes in an ``ipywidgets.Image``, with a caption in words.

The functions that build, probe and train the network (:func:`deep_network`,
:func:`dense_layers`, :func:`gradient_norms`, :func:`train_recording`) and measure what
flows forward (:func:`dead_units`, :func:`effective_directions`) are the ones lesson 10
uses for its figures.
"""

from __future__ import annotations

import time
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import dlcore as dl
from course.plots import plot_gradient_norms, plot_loss_per_epoch
from course.widgets.base import caption_html, figure_png
from course.widgets.static import (
    Axis,
    ReaderViewMixin,
    control_axis,
    picture_copy,
    reader_view,
)

__all__ = [
    "ACTIVATIONS",
    "INITS",
    "VanishingDashboard",
    "dead_units",
    "deep_network",
    "dense_layers",
    "effective_directions",
    "gradient_norms",
    "train_recording",
    "trained_run",
    "vanishing_dashboard",
]

#: the hidden activations the dashboard offers
ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "leaky_relu")
#: the weight initialisations it offers (dlcore names): Xavier, He and small N(0, 0.01²)
INITS: tuple[str, ...] = ("xavier", "he", "normal")
#: the depths it allows (number of Dense layers, the softmax output included)
MIN_DEPTH, MAX_DEPTH = 2, 50
#: the depths the static book precomputes: lesson 10's 20 layers and its 50
READER_DEPTHS = (20, 50)
#: the loss of every deep network here: softmax output, cross-entropy over 10 digits
_LOSS = dl.losses.get("cross_entropy")


def deep_network(
    depth: int,
    activation: str = "sigmoid",
    init: str = "xavier",
    batchnorm: bool = False,
    residual: bool = False,
    n_in: int = 64,
    width: int = 32,
    n_out: int = 10,
    seed: int = 0,
) -> dl.Sequential:
    """``depth`` Dense layers: ``n_in -> width``, ``depth - 2`` hidden blocks ``width ->
    width``, then ``width -> n_out`` with a softmax.

    Each hidden block is ``Dense(width, width, activation)``, followed by ``BatchNorm``
    when ``batchnorm``; with ``residual`` the block is wrapped in ``Residual``:
    :math:`a^{[l]} = a^{[l-1]} + F(a^{[l-1]})`. All weights come from ``init`` and ``seed``.
    """
    if isinstance(depth, bool) or not isinstance(depth, int | np.integer):
        raise TypeError(f"depth must be a whole number of layers; got {depth!r}")
    if not MIN_DEPTH <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between {MIN_DEPTH} and {MAX_DEPTH} layers; got {depth}")
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {list(ACTIVATIONS)}; got {activation!r}")
    if init not in dl.initializers.NAMES:
        raise ValueError(f"init must be one of {list(dl.initializers.NAMES)}; got {init!r}")
    rng = np.random.default_rng(seed)
    layers: list[dl.Layer] = [dl.Dense(n_in, width, activation, init=init, seed=rng)]
    for _ in range(depth - 2):
        block: list[dl.Layer] = [dl.Dense(width, width, activation, init=init, seed=rng)]
        if batchnorm:
            block.append(dl.BatchNorm(width))
        inner = block[0] if len(block) == 1 else dl.Sequential(block)
        layers.append(dl.Residual(inner) if residual else inner)
    layers.append(dl.Dense(width, n_out, "softmax", init=init, seed=rng))
    return dl.Sequential(layers)


def dense_layers(model: Any) -> list[dl.Dense]:
    """The Dense layers of ``model`` in order, looking inside Sequential and Residual."""
    if isinstance(model, dl.Dense):
        return [model]
    if isinstance(model, dl.Residual):
        return dense_layers(model.block)
    return [d for layer in getattr(model, "layers", ()) for d in dense_layers(layer)]


def gradient_norms(model: dl.Sequential, X: Any, y: Any) -> np.ndarray:
    """One forward and backward pass on ``(X, y)`` (cross-entropy, from the logits); returns
    :math:`\\lVert \\partial L/\\partial W^{[l]} \\rVert_F` for every Dense layer, first to last."""
    model.backprop(X, y, loss=_LOSS)
    return np.array([np.linalg.norm(layer.dW) for layer in dense_layers(model)])


def dead_units(model: dl.Sequential, X: Any) -> list[np.ndarray]:
    """For every hidden Dense layer, first to last, a boolean mask of its units whose sum
    :math:`z` is :math:`\\le 0` for every row of ``X`` (evaluation mode): ReLU units that
    are off for all of ``X`` and pass back no gradient from it."""
    model.forward(np.asarray(X, dtype=float), training=False)
    return [np.all(np.asarray(layer.Z) <= 0, axis=0) for layer in dense_layers(model)[:-1]]


def effective_directions(A: Any) -> float:
    """How many directions the rows of ``A`` (one per example) spread over:
    :math:`(\\sum_i \\lambda_i)^2 / \\sum_i \\lambda_i^2`, with :math:`\\lambda_i` the variances
    of the centred rows along their principal directions (the squared singular values of
    :math:`A - \\bar A`). It is :math:`k` when the spread is equal along :math:`k` directions
    and 1 when the rows lie on one line. Rows that are all equal have no direction: 0."""
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] < 2:
        raise ValueError(f"A must have one row per example, at least 2 rows; got shape {A.shape}")
    lam = np.linalg.svd(A - A.mean(axis=0), compute_uv=False) ** 2
    total = lam.sum()
    return float(total**2 / (lam**2).sum()) if total > 0 else 0.0


def train_recording(
    model: dl.Sequential,
    X: Any,
    y: Any,
    epochs: int = 5,
    lr: float = 0.003,
    batch_size: int = 32,
    seed: int = 0,
    probe: int = 256,
) -> tuple[np.ndarray, np.ndarray]:
    """Train with Adam, one epoch at a time, and record as it goes.

    Returns ``losses`` (the mean training loss of each epoch, shape ``(epochs,)``) and
    ``norms`` (shape ``(epochs + 1, layers)``: :func:`gradient_norms` on the first ``probe``
    examples before training and after each epoch).
    """
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    optimizer = dl.Adam(lr=lr)
    norms = [gradient_norms(model, X[:probe], y[:probe])]
    losses = []
    for epoch in range(epochs):
        history = model.fit(
            X, y, loss="cross_entropy", optimizer=optimizer, epochs=1,
            batch_size=batch_size, seed=seed + epoch,
        ).history_  # fmt: skip
        assert history is not None  # fit has just set it
        losses.append(history.loss[-1])
        norms.append(gradient_norms(model, X[:probe], y[:probe]))
    return np.array(losses), np.array(norms)


def trained_run(
    X: np.ndarray, y: np.ndarray, values: dict[str, Any], epochs: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """The losses and gradient norms of the network ``values`` describe, trained as the
    dashboard trains it (:func:`train_recording`)."""
    model = deep_network(**values, seed=seed)
    return train_recording(model, X, y, epochs=epochs, seed=seed)


def _trained_runs(
    X: np.ndarray, y: np.ndarray, setups: list[dict[str, Any]], epochs: int, seed: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`trained_run` for every setup, on every core (fresh interpreters: nothing of
    the kernel that runs the lesson is copied into them)."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    workers = min(len(setups), os.cpu_count() or 1)
    if workers < 2:
        return [trained_run(X, y, v, epochs, seed) for v in setups]
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=spawn) as pool:
        runs = [pool.submit(trained_run, X, y, v, epochs, seed) for v in setups]
        return [run.result() for run in runs]


class VanishingDashboard(ReaderViewMixin, W.VBox):
    """Controls for a deep network on the digits and its per-layer gradient norms.

    State for tests and curious learners: ``model`` (the trained ``dl.Sequential``),
    ``losses`` and ``norms`` (from :func:`train_recording`), ``seconds`` (the last redraw),
    ``figure`` (the one figure, redrawn at every change), and the widgets ``controls``
    (name -> widget), ``image``, ``caption`` and ``readout``. The last ``KEEP`` setups stay
    trained: going back to one shows it again without training it again.
    """

    def __init__(
        self,
        depth: int = 20,
        activation: str = "sigmoid",
        init: str = "xavier",
        batchnorm: bool = False,
        residual: bool = False,
        n_samples: int = 256,
        epochs: int = 4,
        seed: int = 0,
    ) -> None:
        deep_network(depth, activation, init, batchnorm, residual)  # checks the choices
        if not 32 <= n_samples <= 1797:
            raise ValueError(f"n_samples must be between 32 and 1797 digits; got {n_samples}")
        if not 1 <= epochs <= 50:
            raise ValueError(f"epochs must be between 1 and 50; got {epochs}")
        X, y = dl.datasets.load_digits()
        rows = np.random.default_rng(seed).permutation(len(X))[:n_samples]
        self.X, self.y, self.epochs, self.seed = X[rows], y[rows], epochs, seed
        self.controls: dict[str, W.ValueWidget] = {
            "depth": W.IntSlider(value=depth, min=MIN_DEPTH, max=MAX_DEPTH, description="depth",
                                 continuous_update=False),
            "activation": W.Dropdown(options=ACTIVATIONS, value=activation,
                                     description="activation"),
            "init": W.Dropdown(options=INITS, value=init, description="init"),
            "batchnorm": W.Checkbox(value=batchnorm, description="BatchNorm"),
            "residual": W.Checkbox(value=residual, description="residual"),
        }  # fmt: skip
        for control in self.controls.values():
            control.observe(lambda _: self.update(), names="value")
        #: losses and norms already trained, by setup (while the reader view is drawn)
        self._runs: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        #: the setups trained here, newest last: a setup seen again is not trained again
        self._trained: dict[tuple, tuple[dl.Sequential, np.ndarray, np.ndarray]] = {}
        #: the one figure every change redraws (its two panels drawn on the first)
        self.figure = Figure(figsize=(8.4, 3.4), layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image = W.Image(format="png")
        self.caption = W.HTML()
        self.readout = W.HTML()
        rows_of_controls = [
            W.HBox([self.controls[k] for k in ("depth", "activation", "init")]),
            W.HBox([self.controls[k] for k in ("batchnorm", "residual")]),
        ]
        super().__init__([*rows_of_controls, self.image, self.readout, self.caption])
        self.update()

    reader_name = "dashboard"
    #: the most setups kept trained, so that going back to one shows it at once
    KEEP = 64

    def reader_axes(self) -> list[Axis]:
        """Every activation and initialiser, BatchNorm and residual off and on, at the two
        depths lesson 10 discusses (20 and 50 layers): 96 trained networks."""
        c = self.controls
        return [
            control_axis(c["depth"], READER_DEPTHS),
            control_axis(c["activation"], ACTIVATIONS),
            control_axis(c["init"], INITS),
            control_axis(c["batchnorm"], (False, True)),
            control_axis(c["residual"], (False, True)),
        ]

    def reader(self) -> W.VBox:
        """The reader view: its 96 networks trained on every core first, then drawn; the
        dashboard is then retrained at its own setup (its ``model`` trained, as before)."""
        if getattr(self, "_reader", None) is None:
            import itertools

            axes = self.reader_axes()
            names = ("depth", "activation", "init", "batchnorm", "residual")
            setups = [dict(zip(names, c, strict=True)) for c in
                      itertools.product(*(a.values for a in axes))]  # fmt: skip
            runs = _trained_runs(self.X, self.y, setups, self.epochs, self.seed)
            self._runs = {tuple(s.values()): run for s, run in zip(setups, runs, strict=True)}
            try:
                self._reader = reader_view(
                    axes, self.reader_capture, what=self.reader_name, held=self.held
                )
            finally:
                self._runs = {}
            self.update()
        return self._reader

    def reader_capture(self) -> list[W.Widget]:
        """The picture (a smaller copy: the page holds 96), the readout and the caption in
        one text (fewer widget models in the page)."""
        return [picture_copy(self.image, self.caption.value, pixels=600, colours=48),
                W.HTML(f"{self.readout.value}{self.caption.value}")]  # fmt: skip

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Build the chosen network, train it briefly while recording, redraw."""
        if self._holding:
            return
        start = time.perf_counter()
        v = self.values
        setup = tuple(v.values())
        ready = self._runs.get(setup)
        if ready is not None:  # trained already, for the reader view (self.model is not)
            self.model = deep_network(**v, seed=self.seed)
            self.losses, self.norms = ready
        elif setup in self._trained:
            self._trained[setup] = self._trained.pop(setup)  # the newest again
            self.model, self.losses, self.norms = self._trained[setup]
        else:
            self.model = deep_network(**v, seed=self.seed)
            self.losses, self.norms = train_recording(
                self.model, self.X, self.y, epochs=self.epochs, seed=self.seed
            )
            self._trained[setup] = (self.model, self.losses, self.norms)
            if len(self._trained) > self.KEEP:
                del self._trained[next(iter(self._trained))]  # the oldest
        self._draw()
        self.image.value = figure_png(self.figure, dpi=160)
        first, last = self.norms[0, 0], self.norms[0, -1]
        described = self._setup_text()
        self.readout.value = (
            f"<b>{described}</b>: at the start, first layer's gradient {first:.2e}, last layer's "
            f"{last:.2e} (ratio {self._ratio(first, last)}); training loss after "
            f"{self.epochs} epochs {self.losses[-1]:.3f} (guessing: ln 10 = {np.log(10):.3f})"
        )
        self.caption.value = caption_html(
            f"Left: the gradient norm of each of the {v['depth']} layers of a {described} network "
            f"on the digits, at the start (solid) and after {self.epochs} epochs (dashed), on "
            f"a log scale; the first layer's is {first:.1e}, the last's {last:.1e}. Right: the "
            f"training loss per epoch, from {self.losses[0]:.2f} to {self.losses[-1]:.2f}, "
            f"against the dashed line of guessing, ln 10."
        )
        self.seconds = time.perf_counter() - start

    @staticmethod
    def _ratio(first: float, last: float) -> str:
        return f"{first / last:.1e}" if last > 0 else "undefined: the last layer's is 0"

    def _setup_text(self) -> str:
        v = self.values
        extras = [name for name in ("batchnorm", "residual") if v[name]]
        names = {"batchnorm": "BatchNorm", "residual": "residual"}
        return ", ".join([v["activation"], v["init"], *(names[e] for e in extras)])

    def _draw(self) -> None:
        """Draw both panels on the dashboard's one figure the first time; after that move
        their lines (and the title) to the new numbers, rescaled as the plots scale them:
        the same picture as drawing it again, in less time."""
        title = f"{self._setup_text()}, {self.values['depth']} layers"
        if not self.figure.axes:
            left, right = self.figure.subplots(1, 2, width_ratios=[1.5, 1])
            plot_gradient_norms(
                {"start": self.norms[0], f"after {self.epochs} epochs": self.norms[-1]},
                ax=left,
                title=title,
                styles=[{"ls": "-"}, {"ls": "--"}],
            )
            plot_loss_per_epoch({"training loss": self.losses}, ax=right, title="Training loss")
            return
        left, right = self.figure.axes
        layers = np.arange(1, self.norms.shape[1] + 1)
        for line, norms in zip(left.get_lines(), (self.norms[0], self.norms[-1]), strict=True):
            line.set_data(layers, np.where(norms > 0, norms, np.nan))  # 0: off the log scale
        left.relim()
        left.autoscale_view()
        left.set_title(title)
        right.get_lines()[0].set_ydata(self.losses)  # the epochs stay; the chance line too
        right.set_autoscaley_on(True)
        right.relim()
        right.autoscale_view()
        right.set_ylim(0, None)


def vanishing_dashboard(
    depth: int = 20,
    activation: str = "sigmoid",
    init: str = "xavier",
    batchnorm: bool = False,
    residual: bool = False,
    n_samples: int = 256,
    epochs: int = 4,
    seed: int = 0,
) -> VanishingDashboard:
    """The dashboard, opened on the given setup (default: 20 sigmoid layers, Xavier)."""
    return VanishingDashboard(
        depth, activation, init, batchnorm, residual, n_samples=n_samples, epochs=epochs,
        seed=seed,
    )  # fmt: skip
