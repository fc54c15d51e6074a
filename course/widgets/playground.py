"""The playground: TensorFlow Playground inside Jupyter, on dlcore.

Pick a data set (or add your own points), the noise, the hidden layers and their sizes, the
activation, the learning rate and the number of epochs; **Train** fits a ``dlcore.MLP``
(sigmoid output, binary cross-entropy, Adam on the whole training half at once) and the
picture shows the decision regions, the loss curves and the test accuracy against the
majority-class baseline. **Reset** goes back to the untrained network (the same initial
weights, drawn from the seed). A teacher fixes any control with ``lock``: a locked control
is hidden and keeps its value, as Playground's hidden parameters do.

Clicks on an ``ipywidgets.Image`` do not reach Python (and ipympl, which would allow them,
is not a course dependency), so the learner's own points come from a small form: x1, x2,
class, **Add point**, **Clear points**.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ipywidgets as W
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course.palette import OKABE_ITO
from course.plots import plot_playground
from course.widgets.base import caption_html, figure_png
from course.widgets.static import (
    Axis,
    ReaderViewMixin,
    control_axis,
    html_copy,
    picture_copy,
    reader_view,
)
from dlcore import MLP, Adam, History, datasets

__all__ = ["CONTROLS", "DATASETS", "Playground", "playground"]

#: the generated data sets; "own" holds only the points added by hand
DATASETS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]] | None] = {
    "circles": datasets.make_circles,
    "xor": datasets.make_xor,
    "linear": datasets.make_linear,
    "spirals": datasets.make_spirals,
    "own": None,
}
#: the hidden-layer activations offered (the output is always a sigmoid)
ACTIVATIONS: tuple[str, ...] = ("tanh", "relu", "sigmoid", "identity")
#: learning rates to choose from, as in TensorFlow Playground
LEARNING_RATES: tuple[float, ...] = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
#: the controls a teacher can lock, with their default values
CONTROLS: dict[str, Any] = {
    "dataset": "circles",
    "noise": 0.1,
    "hidden": (4,),
    "activation": "tanh",
    "learning_rate": 0.03,
    "epochs": 300,
    "points": (),
}
#: generated points per data set: half to train, half to test
N_SAMPLES = 200
#: at most this many hidden layers, and units per layer
MAX_LAYERS, MAX_UNITS = 6, 32
#: the width of each box of the own-point form (x1, x2, class), label included
FORM_WIDTH = "9em"
#: the picture's size, in inches (drawn at 160 dpi)
FIGURE_SIZE = (9.0, 4.0)


def parse_hidden(value: Any) -> tuple[int, ...]:
    """Hidden-layer sizes from ``(4, 4)``, ``[8]``, ``4`` or the text ``"4, 4"``.

    ``()`` or ``""`` means no hidden layer: the network is then one sigmoid unit, a linear
    classifier.
    """
    if isinstance(value, str):
        parts = [p for p in value.replace(";", ",").replace(" ", ",").split(",") if p]
        try:
            sizes = tuple(int(p) for p in parts)
        except ValueError:
            raise ValueError(
                f"hidden must list layer sizes separated by commas, like '4, 4'; got {value!r}"
            ) from None
    elif isinstance(value, int | np.integer) and not isinstance(value, bool):
        sizes = (int(value),)
    elif isinstance(value, Iterable):
        sizes = tuple(value)
        if not all(isinstance(s, int | np.integer) and not isinstance(s, bool) for s in sizes):
            raise ValueError(f"hidden must hold whole numbers of units, like (4, 4); got {value!r}")
        sizes = tuple(int(s) for s in sizes)
    else:
        raise ValueError(f"hidden must be layer sizes like (4, 4) or '4, 4'; got {value!r}")
    if len(sizes) > MAX_LAYERS or any(not 1 <= s <= MAX_UNITS for s in sizes):
        raise ValueError(
            f"hidden must have at most {MAX_LAYERS} layers of 1 to {MAX_UNITS} units each; "
            f"got {value!r}"
        )
    return sizes


def _point(point: Any) -> tuple[float, float, int]:
    """One own point ``(x1, x2, label)``, checked."""
    try:
        x1, x2, label = point
        x1, x2 = float(x1), float(x2)
    except (TypeError, ValueError):
        raise ValueError(f"a point must be (x1, x2, class); got {point!r}") from None
    if label not in (0, 1) or isinstance(label, bool):
        raise ValueError(f"a point's class must be 0 or 1; got {label!r}")
    if not (np.isfinite(x1) and np.isfinite(x2)) or max(abs(x1), abs(x2)) > 5:
        raise ValueError(f"a point's x1 and x2 must lie between -5 and 5; got ({x1}, {x2})")
    return x1, x2, int(label)


class Playground(ReaderViewMixin, W.VBox):
    """A small neural network trained on 2-D data, with its controls.

    State for tests and curious learners: ``model`` (the ``dlcore.MLP``), ``history`` (the
    last ``fit``'s ``history_``; ``None`` before training), ``epochs_trained``,
    ``test_accuracy``, ``baseline``, ``points`` (the own points), ``locked`` (name ->
    value), ``train_seconds`` (the last run), ``figure`` and the widgets ``controls``
    (name -> widget), ``train_button``, ``reset_button``, ``add_button``, ``clear_button``,
    ``status`` and ``image``.
    """

    def __init__(
        self,
        dataset: str = CONTROLS["dataset"],
        noise: float = CONTROLS["noise"],
        hidden: Any = CONTROLS["hidden"],
        activation: str = CONTROLS["activation"],
        learning_rate: float = CONTROLS["learning_rate"],
        epochs: int = CONTROLS["epochs"],
        points: Iterable[Any] = CONTROLS["points"],
        seed: int = 0,
        lock: Mapping[str, Any] | Iterable[str] = (),
        train: bool = True,
    ) -> None:
        values = dict(
            dataset=dataset,
            noise=noise,
            hidden=hidden,
            activation=activation,
            learning_rate=learning_rate,
            epochs=epochs,
            points=points,
        )
        if isinstance(lock, Mapping):
            values.update(lock)
            lock = list(lock)
        elif isinstance(lock, str):
            lock = [lock]
        unknown = sorted(set(lock) - set(CONTROLS))
        if unknown:
            raise ValueError(f"cannot lock {unknown}: the controls are {list(CONTROLS)}")
        if not isinstance(seed, int | np.integer) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
        self.seed = int(seed)
        values = self._checked(values)
        self.points: list[tuple[float, float, int]] = list(values["points"])
        self.locked = {name: values[name] for name in lock}
        self._build_controls(values)
        self.status = W.HTML()
        self.image = W.Image(format="png")
        self.caption = W.HTML()
        #: the one figure every change redraws
        self.figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
        FigureCanvasAgg(self.figure)
        row = [self.controls[n] for n in ("dataset", "noise", "hidden")]
        row2 = [self.controls[n] for n in ("activation", "learning_rate", "epochs")]
        form = W.HBox([self._x1, self._x2, self._label, self.add_button, self.clear_button])
        self.controls["points"] = form
        for name in self.locked:
            self.controls[name].layout.display = "none"
        super().__init__(
            [
                W.HBox(row),
                W.HBox(row2),
                form,
                W.HBox([self.train_button, self.reset_button]),
                self.status,
                self.image,
                self.caption,
            ]
        )
        self.history: History | None = None
        self.reset(draw=not train)
        if train:
            self.train()

    # -- the static book's reader view ----------------------------------------------------
    reader_name = "playground"
    #: what the static book precomputes, each state trained for the chosen epochs: lesson
    #: 04's data sets, no hidden layer, 2 units (XOR), 16 and 16, 16, with tanh and relu
    READER_VALUES: dict[str, tuple[Any, ...]] = {
        "dataset": ("circles", "xor", "linear", "spirals"),
        "hidden": ("", "2", "16", "16, 16"),
        "activation": ("tanh", "relu"),
    }

    def reader_axes(self) -> list[Axis]:
        """READER_VALUES of the controls a teacher has not locked."""
        return [
            control_axis(self.controls[name], values, labels=(
                [v or "none" for v in values] if name == "hidden" else None))
            for name, values in self.READER_VALUES.items()
            if name not in self.locked
        ]  # fmt: skip

    def reader_capture(self) -> list[W.Widget]:
        """This state's network, trained from its initial weights, drawn."""
        self.reset(draw=False)
        self.train()
        v = self.values
        hidden = ", ".join(map(str, v["hidden"])) or "none"
        accuracy = self.test_accuracy
        setup = W.HTML(
            f"<b>{v['dataset']}, hidden layers {hidden}, {v['activation']}</b>: trained "
            f"{self.epochs_trained} epochs, training loss {self.loss[-1]:.3f}, test accuracy "
            + ("-" if accuracy is None else f"{accuracy:.0%}")
            + f" (always the commoner class: {self.baseline:.0%})"
        )
        return [
            setup,
            html_copy(self.status),
            picture_copy(self.image, self.caption.value),
            html_copy(self.caption),
        ]

    def reader(self) -> W.VBox:
        """The reader view; the playground then stands trained (or not) as before."""
        if getattr(self, "_reader", None) is None:
            trained = self.epochs_trained > 0
            self._reader = reader_view(
                self.reader_axes(), self.reader_capture, what="playground", held=self.held
            )
            self.reset(draw=not trained)
            if trained:
                self.train()
        return self._reader

    # -- controls -------------------------------------------------------------------------
    @staticmethod
    def _checked(values: dict[str, Any]) -> dict[str, Any]:
        """Every control value checked, with a clear error naming the bad one."""
        if values["dataset"] not in DATASETS:
            raise ValueError(f"dataset must be one of {list(DATASETS)}; got {values['dataset']!r}")
        noise = values["noise"]
        if not isinstance(noise, int | float) or not 0 <= noise <= 0.5:
            raise ValueError(f"noise must be a number between 0 and 0.5; got {noise!r}")
        values["hidden"] = parse_hidden(values["hidden"])
        if values["activation"] not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {list(ACTIVATIONS)}; got {values['activation']!r}"
            )
        if values["learning_rate"] not in LEARNING_RATES:
            raise ValueError(
                f"learning_rate must be one of {list(LEARNING_RATES)}; "
                f"got {values['learning_rate']!r}"
            )
        epochs = values["epochs"]
        if not isinstance(epochs, int | np.integer) or isinstance(epochs, bool):
            raise ValueError(f"epochs must be a whole number from 10 to 2000; got {epochs!r}")
        if not 10 <= epochs <= 2000:
            raise ValueError(f"epochs must be a whole number from 10 to 2000; got {epochs!r}")
        values["points"] = tuple(_point(p) for p in values["points"])
        return values

    def _build_controls(self, values: dict[str, Any]) -> None:
        style = {"description_width": "initial"}
        self.controls: dict[str, W.Widget] = {
            "dataset": W.Dropdown(
                options=list(DATASETS), value=values["dataset"], description="data set"
            ),
            "noise": W.FloatSlider(
                value=values["noise"],
                min=0.0,
                max=0.5,
                step=0.05,
                description="noise",
                continuous_update=False,
            ),
            "hidden": W.Text(
                value=", ".join(map(str, values["hidden"])),
                description="hidden layers",
                placeholder="e.g. 4, 4",
                continuous_update=False,
                style=style,
            ),
            "activation": W.Dropdown(
                options=list(ACTIVATIONS), value=values["activation"], description="activation"
            ),
            "learning_rate": W.Dropdown(
                options=list(LEARNING_RATES),
                value=values["learning_rate"],
                description="learning rate",
                style=style,
            ),
            "epochs": W.IntSlider(
                value=values["epochs"],
                min=10,
                max=2000,
                step=10,
                description="epochs",
                continuous_update=False,
            ),
        }
        # the labels as wide as their text: JupyterLab's default label width (80 px) would
        # leave the boxes of a narrow widget too little room to show their value
        self._x1 = W.FloatText(
            value=0.0, description="x1", style=style, layout=W.Layout(width=FORM_WIDTH)
        )
        self._x2 = W.FloatText(
            value=0.0, description="x2", style=style, layout=W.Layout(width=FORM_WIDTH)
        )
        self._label = W.Dropdown(
            options=[0, 1],
            value=1,
            description="class",
            style=style,
            layout=W.Layout(width=FORM_WIDTH),
        )
        self.add_button = W.Button(description="Add point", tooltip="add (x1, x2) to the data")
        self.clear_button = W.Button(description="Clear points", tooltip="remove your points")
        self.train_button = W.Button(
            description="Train",
            button_style="primary",
            tooltip="train for the chosen number of epochs",
        )
        self.reset_button = W.Button(description="Reset", tooltip="back to the untrained network")
        for name in ("dataset", "noise", "hidden", "activation"):
            self.controls[name].observe(lambda change, n=name: self._changed(n, change), "value")
        for name in ("learning_rate", "epochs"):
            self.controls[name].observe(lambda change, n=name: self._guard(n, change), "value")
        self.add_button.on_click(lambda _: self._add_from_form())
        self.clear_button.on_click(lambda _: self.clear_points())
        self.train_button.on_click(lambda _: self.train())
        self.reset_button.on_click(lambda _: self.reset())

    def _guard(self, name: str, change: dict[str, Any]) -> bool:
        """Put a locked control back to its value; True if the change was refused."""
        if name in self.locked and change["new"] != self._shown(name):
            self.controls[name].value = change["old"]
            return True
        return False

    def _shown(self, name: str) -> Any:
        """The locked value as its widget shows it."""
        value = self.locked[name]
        return ", ".join(map(str, value)) if name == "hidden" else value

    def _changed(self, name: str, change: dict[str, Any]) -> None:
        """A change of data or network: refused if locked, else a fresh untrained network."""
        if self._guard(name, change):
            return
        if name == "hidden":
            try:
                parse_hidden(change["new"])
            except ValueError as exc:
                self._say(str(exc), error=True)
                return
        if not self._holding:
            self.reset()

    def update(self) -> None:
        """A fresh untrained network for the controls, drawn (what a change of them does)."""
        self.reset()

    def redraw_held(self) -> None:
        """The end of ``held()``: the new network, undrawn, since the reader view's capture
        trains and draws it next."""
        self.reset(draw=False)

    @property
    def values(self) -> dict[str, Any]:
        """The current control values (``hidden`` as a tuple of sizes)."""
        out = {n: self.controls[n].value for n in CONTROLS if n != "points"}
        out["hidden"] = parse_hidden(out["hidden"])
        out["points"] = tuple(self.points)
        return out

    def set(self, **values: Any) -> None:
        """Set controls by name, as a learner would; a locked control raises ValueError."""
        for name, value in values.items():
            if name not in CONTROLS or name == "points":
                raise ValueError(
                    f"unknown control {name!r}; the controls are {list(CONTROLS)[:-1]}"
                )
            if name in self.locked:
                raise ValueError(f"{name} is locked at {self.locked[name]!r} by the teacher")
            checked = self._checked({**self.values, name: value})[name]
            self.controls[name].value = (
                ", ".join(map(str, checked)) if name == "hidden" else checked
            )

    # -- own points -----------------------------------------------------------------------
    def add_point(self, x1: float, x2: float, label: int) -> None:
        """Add the point ``(x1, x2)`` of class ``label`` to the training data."""
        if "points" in self.locked:
            raise ValueError("the points are locked by the teacher")
        self.points.append(_point((x1, x2, label)))
        self.reset()

    def _add_from_form(self) -> None:
        try:
            self.add_point(self._x1.value, self._x2.value, self._label.value)
        except ValueError as exc:
            self._say(str(exc), error=True)

    def clear_points(self) -> None:
        """Remove every point added by hand."""
        if "points" in self.locked:
            raise ValueError("the points are locked by the teacher")
        self.points.clear()
        self.reset()

    # -- data, training -------------------------------------------------------------------
    def data(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(X_train, y_train, X_test, y_test)``: the generated points split in halves,
        the own points added to the training half."""
        v = self.values
        make = DATASETS[v["dataset"]]
        if make is None:
            X, y = np.zeros((0, 2)), np.zeros(0)
        else:
            X, y = make(N_SAMPLES, noise=v["noise"], seed=self.seed)
        half = len(y) // 2
        own = np.array([p[:2] for p in self.points], dtype=float).reshape(-1, 2)
        own_y = np.array([p[2] for p in self.points], dtype=float)
        return np.vstack([X[:half], own]), np.concatenate([y[:half], own_y]), X[half:], y[half:]

    def reset(self, draw: bool = True) -> None:
        """A new untrained network (initial weights from the seed) for the current controls;
        ``draw=False`` skips the picture (when training follows at once)."""
        v = self.values
        self.model = MLP(
            [2, *v["hidden"], 1], hidden=v["activation"], init="xavier", seed=self.seed
        )
        self.optimizer = Adam(lr=v["learning_rate"])
        self.history = None
        self.epochs_trained = 0
        self.loss: list[float] = []
        self.test_loss: list[float] = []
        self.train_seconds = 0.0
        if draw:
            self._redraw()

    def train(self) -> None:
        """Train for ``epochs`` more epochs (full batch) and redraw; errors become a message."""
        try:
            v = self.values
        except ValueError as exc:  # a hidden-layer text that is not layer sizes
            self._say(str(exc), error=True)
            return
        X, y, X_test, y_test = self.data()
        if len(np.unique(y)) < 2:
            self._redraw()
            self._say("add at least one point of each class (0 and 1) to train", error=True)
            return
        self.optimizer.lr = v["learning_rate"]
        start = time.perf_counter()
        try:
            self.history = self.model.fit(
                X,
                y,
                optimizer=self.optimizer,
                epochs=v["epochs"],
                batch_size=len(y),
                seed=self.seed + self.epochs_trained,
                validation_data=(X_test, y_test) if len(y_test) else None,
            ).history_
        except ValueError as exc:  # diverged: the message suggests a smaller learning rate
            self.reset()
            self._say(str(exc), error=True)
            return
        self.train_seconds = time.perf_counter() - start
        self.epochs_trained += v["epochs"]
        assert self.history is not None  # fit has just set it
        self.loss += self.history.loss
        self.test_loss += self.history.val_loss
        self._redraw()

    @property
    def test_accuracy(self) -> float | None:
        """Accuracy on the test half (on the own points when there is no test data)."""
        X, y, X_test, y_test = self.data()
        if len(y_test) == 0:
            X_test, y_test = X, y
        if len(y_test) == 0:
            return None
        return float(np.mean((self.model.predict(X_test)[:, 0] >= 0.5) == y_test))

    @property
    def baseline(self) -> float | None:
        """Accuracy of always answering the most frequent class, on the same points."""
        X, y, X_test, y_test = self.data()
        y_test = y_test if len(y_test) else y
        return float(max(np.mean(y_test), 1 - np.mean(y_test))) if len(y_test) else None

    # -- drawing --------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        color = OKABE_ITO["vermillion"] if error else OKABE_ITO["black"]
        self.status.value = f"<span style='color:{color}'>{html.escape(text)}</span>"

    def _redraw(self) -> None:
        """Draw the picture (``course.plots.plot_playground``) on the playground's one
        figure, and rewrite the status and the caption."""
        v = self.values
        X, y, X_test, y_test = self.data()
        low, high = {"linear": (-4.0, 4.0), "xor": (-0.7, 1.7)}.get(v["dataset"], (-1.8, 1.8))
        if self.points:
            reach = np.abs(np.array([p[:2] for p in self.points])).max() + 0.3
            low, high = min(low, -reach), max(high, reach)
        acc, base = self.test_accuracy, self.baseline
        n_test, n_generated = len(y_test), len(y) - len(self.points)
        shape = " -> ".join(map(str, (2, *v["hidden"], 1)))
        title = f"{v['dataset']}, network {shape}, {self.epochs_trained} epochs"
        on = "test" if n_test else "training"
        score = "" if acc is None else f"\n{on} accuracy {acc:.0%}, majority baseline {base:.0%}"
        plot_playground(
            self.model,
            (X[:n_generated], y[:n_generated]),
            (X_test, y_test),
            (X[n_generated:], y[n_generated:]),
            limits=(low, high),
            title=title + score,
            history={"loss": self.loss, "val_loss": self.test_loss} if self.loss else None,
            fig=self.figure,
        )
        self.image.value = figure_png(self.figure, dpi=160)
        if acc is None:
            summary = "no data yet: add points of both classes, or choose a data set"
        else:
            on = "test" if len(y_test) else "your points"
            summary = f"{on} accuracy {acc:.0%} (always answering the majority class: {base:.0%})"
        loss = f", training loss {self.loss[-1]:.3f}" if self.loss else ""
        fixed = ", ".join(f"{k} = {self._shown(k) or 'none'}" for k in self.locked)
        self._say(
            f"{title}: {summary}{loss}" + (f". Fixed by the teacher: {fixed}" if fixed else "")
        )
        self.caption.value = caption_html(
            f"Left: the {v['dataset']} data (training points filled, test points hollow) on the "
            f"regions where the network answers class 0 (blue) and class 1 (orange). Right: "
            f"the training and test loss per epoch. {summary}."
        )


def playground(
    dataset: str = CONTROLS["dataset"],
    noise: float = CONTROLS["noise"],
    hidden: Any = CONTROLS["hidden"],
    activation: str = CONTROLS["activation"],
    learning_rate: float = CONTROLS["learning_rate"],
    epochs: int = CONTROLS["epochs"],
    points: Iterable[Any] = CONTROLS["points"],
    seed: int = 0,
    lock: Mapping[str, Any] | Iterable[str] = (),
    train: bool = True,
) -> Playground:
    """The playground, trained once (``train=True``) so that its saved picture teaches.

    ``lock`` fixes controls: a mapping sets and locks them (``lock={"dataset": "xor",
    "hidden": (4,)}``), a list of names locks them at the values given
    (``dataset="xor", lock=["dataset"]``). ``points`` are own points ``(x1, x2, class)``.
    """
    return Playground(
        dataset,
        noise,
        hidden,
        activation,
        learning_rate,
        epochs,
        points,
        seed=seed,
        lock=lock,
        train=train,
    )
