"""Models: layers in a row, and the training loop that fits them to data.

:class:`Sequential` chains layers: the forward pass runs them in order, the backward pass
(backpropagation) in reverse. :meth:`Sequential.fit` is mini-batch gradient descent:
shuffle, then for each batch forward, loss, backward, and one optimiser step.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from . import losses
from .layers import Dense, Layer, ParameterList
from .optimizers import SGD, Optimizer
from .validation import as_array, check_positive, check_same_length, check_seed


@dataclass
class History:
    """What :meth:`Sequential.fit` measured, one entry per epoch.

    ``loss`` and ``accuracy`` are means over the epoch's mini-batches (weighted by batch
    size, measured while training); ``val_loss`` and ``val_accuracy`` are measured on the
    validation data after each epoch. Accuracies are empty for a regression loss, the
    ``val_`` lists when there is no validation data. ``epochs`` counts completed epochs.
    """

    loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    epochs: int = 0

    def as_dict(self) -> dict[str, list[float] | int]:
        """The history as a plain dict (copies of the lists)."""
        return asdict(self)


class Sequential(Layer):
    """A network that applies its layers one after the other.

    Parameters
    ----------
    layers : iterable of Layer
        The layers, input side first. A Sequential is itself a Layer, so it can be nested
        (for instance inside a :class:`dlcore.Residual`).
    """

    def __init__(self, layers: Iterable[Layer]) -> None:
        layers = list(layers)
        if not layers:
            raise ValueError("layers must hold at least one Layer; got an empty list")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be a Layer; got {type(layer).__name__}")
        self.layers = layers
        self.history: History | None = None

    # -- the passes ---------------------------------------------------------------------
    def forward(self, X: object, training: bool = True) -> np.ndarray:
        """Run every layer in order: $A^{(l)} = \\text{layer}_l(A^{(l-1)})$, $A^{(0)} = X$."""
        A = as_array(X, "X", ndim=2)
        for layer in self.layers:
            A = layer.forward(A, training=training)
        return A

    def backward(self, dY: np.ndarray) -> np.ndarray:
        """Backpropagate $\\partial L/\\partial Y$ through the layers in reverse order;
        returns $\\partial L/\\partial X$ (each layer stores its parameter gradients)."""
        grad = dY
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def parameters(self) -> ParameterList:
        """Every layer's ``(name, value, gradient)``, names prefixed by the layer index
        (``"0.W"``, ``"0.b"``, ``"1.gamma"``, ...)."""
        return [
            (f"{i}.{name}", value, grad)
            for i, layer in enumerate(self.layers)
            for name, value, grad in layer.parameters()
        ]

    def predict(self, X: object) -> np.ndarray:
        """The network's output in eval mode (probabilities for sigmoid/softmax outputs)."""
        return self.forward(X, training=False)

    def evaluate(self, X: object, y: object, loss: str | losses.Loss = "bce") -> dict[str, float]:
        """Return ``{"loss": ...}`` on ``(X, y)``, plus ``"accuracy"`` for a classification
        loss (bce: output >= 0.5; cross_entropy: argmax)."""
        loss_fn = losses.get(loss)
        X = as_array(X, "X", ndim=2)
        y = _targets(y, "y", loss_fn)
        check_same_length(X, "X", y, "y")
        return self._scores(self.predict(X), y, loss_fn)

    # -- training -----------------------------------------------------------------------
    def fit(
        self,
        X: object,
        y: object,
        loss: str | losses.Loss = "bce",
        optimizer: Optimizer | None = None,
        epochs: int = 100,
        batch_size: int = 32,
        seed: int | None = 0,
        validation_data: tuple[object, object] | None = None,
        progress: bool = False,
        verbose: bool = False,
    ) -> History:
        """Train by mini-batch gradient descent and return the :class:`History`.

        Each epoch shuffles the rows (from ``seed``: the same seed and initial weights give
        the same run), then for each batch of ``batch_size`` rows runs forward, the loss,
        backward and ``optimizer.step``. The history is also kept as ``self.history``.

        Parameters
        ----------
        X : array (n_samples, n_features)
        y : array
            Targets: ``(n,)`` or ``(n, 1)`` for one output with "mse"/"bce"; integer labels
            ``(n,)`` or one-hot ``(n, k)`` for "cross_entropy".
        loss : str or Loss, default "bce"
        optimizer : Optimizer, default ``SGD(lr=0.1)``
        epochs, batch_size : int
            Passes over the data, rows per update (the last batch may be smaller).
        seed : int or None
            Seed of the shuffling.
        validation_data : (X_val, y_val) or None
            Scored after every epoch into ``val_loss`` (and ``val_accuracy``).
        progress : bool
            Show a tqdm progress bar (notebook-aware).
        verbose : bool
            Print one line per epoch.

        Raises
        ------
        ValueError
            For bad arguments, and when the loss becomes NaN or infinite (the error gives the
            epoch and the value and suggests a smaller learning rate).
        """
        loss_fn = losses.get(loss)
        if optimizer is None:
            optimizer = SGD(lr=0.1)
        elif not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"optimizer must be an Optimizer such as dl.SGD(lr=0.1); got "
                f"{type(optimizer).__name__}"
            )
        epochs = check_positive(epochs, "epochs", integer=True)
        batch_size = check_positive(batch_size, "batch_size", integer=True)
        rng = np.random.default_rng(check_seed(seed))
        X = as_array(X, "X", ndim=2)
        y = _targets(y, "y", loss_fn)
        check_same_length(X, "X", y, "y")
        self._check_targets(X, y, loss_fn, "y")
        if validation_data is not None:
            validation_data = self._validation_data(validation_data, loss_fn)

        history = self.history = History()
        classify = losses.is_classification(loss_fn)
        params = self.parameters()
        n = X.shape[0]
        epoch_iter: Iterable[int] = range(1, epochs + 1)
        if progress:
            from tqdm.auto import tqdm

            epoch_iter = bar = tqdm(epoch_iter, total=epochs, desc="fit", unit="epoch")
        with np.errstate(over="ignore", invalid="ignore"), _one_blas_thread():
            for epoch in epoch_iter:
                order = rng.permutation(n)
                total, correct = 0.0, 0
                for start in range(0, n, batch_size):
                    rows = order[start : start + batch_size]
                    Xb, yb = X[rows], y[rows]
                    try:
                        out = self.forward(Xb, training=True)
                        batch_loss = loss_fn.forward(out, yb)
                        self.backward(loss_fn.backward(out, yb))
                    except ValueError as exc:  # non-finite values inside the network
                        raise _diverged(epoch, None, optimizer) from exc
                    if not math.isfinite(batch_loss):
                        raise _diverged(epoch, batch_loss, optimizer)
                    optimizer.step(params)
                    total += batch_loss * rows.size
                    if classify:
                        correct += _n_correct(out, yb, loss_fn)
                history.loss.append(total / n)
                if classify:
                    history.accuracy.append(correct / n)
                if validation_data is not None:
                    try:
                        scores = self._scores(
                            self.predict(validation_data[0]), validation_data[1], loss_fn
                        )
                    except ValueError as exc:
                        raise _diverged(epoch, None, optimizer) from exc
                    history.val_loss.append(scores["loss"])
                    if classify:
                        history.val_accuracy.append(scores["accuracy"])
                history.epochs = epoch
                summary = _summary(history)
                if progress:
                    bar.set_postfix_str(summary)
                if verbose:
                    print(f"epoch {epoch}/{epochs}: {summary}")
        return history

    # -- helpers ------------------------------------------------------------------------
    def _scores(self, out: np.ndarray, y: np.ndarray, loss_fn: losses.Loss) -> dict[str, float]:
        scores = {"loss": loss_fn.forward(out, y)}
        if losses.is_classification(loss_fn):
            scores["accuracy"] = _n_correct(out, y, loss_fn) / out.shape[0]
        return scores

    def _check_targets(self, X: np.ndarray, y: np.ndarray, loss_fn: losses.Loss, name: str) -> None:
        """Fail before training if the network's output and ``y`` do not fit the loss."""
        width = self.forward(X[:1], training=False).shape[1]
        try:
            loss_fn.forward(np.full((y.shape[0], width), 0.5), y)
        except ValueError as exc:
            raise ValueError(
                f"{name} does not fit the network's output for loss "
                f"{loss_fn.name!r} ({width} output(s)): {exc}"
            ) from exc

    def _validation_data(self, data: object, loss_fn: losses.Loss) -> tuple[np.ndarray, np.ndarray]:
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise TypeError(
                f"validation_data must be a pair (X_val, y_val); got {type(data).__name__}"
            )
        X_val = as_array(data[0], "validation_data[0] (X_val)", ndim=2)
        y_val = _targets(data[1], "validation_data[1] (y_val)", loss_fn)
        check_same_length(X_val, "X_val", y_val, "y_val")
        self._check_targets(X_val, y_val, loss_fn, "y_val")
        return X_val, y_val

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index]

    def __repr__(self) -> str:
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"{type(self).__name__}([\n{inner}\n])"


class MLP(Sequential):
    """A multilayer perceptron: a :class:`Sequential` of :class:`Dense` layers.

    Parameters
    ----------
    sizes : sequence of int
        Widths from input to output, e.g. ``[2, 8, 1]``: 2 inputs, one hidden layer of 8
        units, 1 output.
    hidden, output : str
        Activations of the hidden layers and of the output layer.
    init : str, default "he"
        Weight initialiser of every layer.
    seed : int or None, default 0
        Seed of all initial weights.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        hidden: str = "relu",
        output: str = "sigmoid",
        init: str = "he",
        seed: int | None = 0,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a list of ints like [2, 8, 1]; got {sizes!r}")
        if len(sizes) < 2:
            raise ValueError(
                f"sizes must list at least an input and an output width, like [2, 8, 1]; "
                f"got {list(sizes)}"
            )
        sizes = [check_positive(s, f"sizes[{i}]", integer=True) for i, s in enumerate(sizes)]
        rng = np.random.default_rng(check_seed(seed))
        last = len(sizes) - 2
        super().__init__(
            Dense(n_in, n_out, activation=output if i == last else hidden, init=init, seed=rng)
            for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=False))
        )
        self.sizes = tuple(sizes)


@contextlib.contextmanager
def _one_blas_thread() -> Iterator[None]:
    """Run the BLAS on one thread while training, when threadpoolctl is installed.

    A network's matrices are small (a batch of 64 rows): a second BLAS thread barely helps
    on an idle machine, and on a busy one its spin-waiting makes each product many times
    slower. threadpoolctl comes with scikit-learn; without it nothing changes.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _targets(y: object, name: str, loss_fn: losses.Loss) -> np.ndarray:
    """``y`` as a float array; a vector becomes a column except for class labels."""
    y = as_array(y, name, ndim=(1, 2))
    if y.ndim == 1 and loss_fn.name != "cross_entropy":
        y = y.reshape(-1, 1)
    return y


def _n_correct(out: np.ndarray, y: np.ndarray, loss_fn: losses.Loss) -> int:
    """Number of correctly classified rows (bce: threshold 0.5; cross_entropy: argmax)."""
    if loss_fn.name == "bce":
        return int(np.count_nonzero(np.all((out >= 0.5) == (y.reshape(out.shape) >= 0.5), axis=1)))
    labels = y.reshape(-1) if y.ndim == 1 or y.shape[1] == 1 else y.argmax(axis=1)
    return int(np.count_nonzero(out.argmax(axis=1) == labels))


def _diverged(epoch: int, value: float | None, optimizer: Optimizer) -> ValueError:
    """The error of a run whose loss became NaN or infinite (``value`` None: NaN or infinite
    values appeared inside the network before the loss could be computed)."""
    what = "nan (non-finite values inside the network)" if value is None else f"{value}"
    return ValueError(
        f"the loss became {what} at epoch {epoch}: training diverged; "
        f"try a smaller learning rate (lr={optimizer.lr:g})"
    )


def _summary(history: History) -> str:
    parts = [f"loss={history.loss[-1]:.4f}"]
    if history.accuracy:
        parts.append(f"accuracy={history.accuracy[-1]:.3f}")
    if history.val_loss:
        parts.append(f"val_loss={history.val_loss[-1]:.4f}")
    if history.val_accuracy:
        parts.append(f"val_accuracy={history.val_accuracy[-1]:.3f}")
    return ", ".join(parts)
