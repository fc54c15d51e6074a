"""Models: layers in a row, and the training loop that fits them to data.

:class:`Sequential` chains layers: the forward pass runs them in order, the backward pass
(backpropagation) in reverse. :meth:`Sequential.fit` is mini-batch gradient descent:
shuffle, then for each batch forward, loss, backward, and one optimiser step.

When the output layer is a :class:`Dense` with the loss's own activation (softmax with
cross-entropy, sigmoid with binary cross-entropy), ``fit``, ``evaluate`` and ``backprop``
compute the loss and its gradient from that layer's logits $Z$ (see
:meth:`dlcore.losses.Loss.forward_logits`), as PyTorch's ``CrossEntropyLoss`` and
``BCEWithLogitsLoss`` do: exact at any confidence, where the loss on probabilities is
capped by its clipping at $10^{-12}$.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from . import activations, losses
from .activations import Activation
from .layers import Dense, Layer, ParameterList, check_input, unchecked
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
        for i in range(1, len(layers)):
            given, taken = layers[i - 1].n_out, layers[i].n_in
            if None not in (given, taken) and given != taken:
                raise ValueError(
                    f"layers[{i}] ({layers[i]!r}) takes {taken} input(s) but layers[{i - 1}] "
                    f"({layers[i - 1]!r}) gives {given} output(s)"
                )
        self.layers = layers
        self.history: History | None = None

    @property
    def n_in(self) -> int | None:
        return self.layers[0].n_in

    @property
    def n_out(self) -> int | None:
        return self.layers[-1].n_out

    @property
    def output_range(self) -> tuple[float, float] | None:
        """The output range of the last layer."""
        return self.layers[-1].output_range

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

    def _forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        for layer in self.layers:
            X = unchecked(layer, "forward")(X, training=training)
        return X

    def _backward(
        self, dY: np.ndarray, input_grad: bool = True, logits: bool = False
    ) -> np.ndarray | None:
        """Unchecked backward pass; with ``input_grad=False`` (training) a first Dense layer
        stores its gradients but skips the product that would give $\\partial L/\\partial X$.
        With ``logits``, ``dY`` is $\\partial L/\\partial Z$ of the last layer, a Dense whose
        activation the loss's gradient already includes (see :meth:`_logits_layer`)."""
        last = len(self.layers) - 1
        for i in range(last, -1, -1):
            layer, from_logits = self.layers[i], logits and i == last
            backward = unchecked(layer, "backward")
            unused_dX = i == 0 and not input_grad and isinstance(layer, Dense)
            if unused_dX and (from_logits or backward.__name__ == "_backward"):
                layer._gradients(dY, from_logits)
                return None
            dY = layer._backward(dY, logits=True) if from_logits else backward(dY)
        return dY

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
        loss (the loss's ``n_correct``: bce thresholds at 0.5, cross_entropy takes the
        argmax). The loss comes from the output layer's logits when the output activation
        is the loss's own (softmax with cross_entropy, sigmoid with bce)."""
        loss_fn = losses.get(loss)
        X = as_array(X, "X", ndim=2)
        y = loss_fn.targets(y, "y")
        check_same_length(X, "X", y, "y")
        out = self.predict(X)
        logits = self._logits_layer(loss_fn)
        if logits is None:
            scores = {"loss": loss_fn.forward(out, y)}
        else:
            scores = {"loss": loss_fn.forward_logits(logits.Z, y)}
        if loss_fn.is_classification:
            scores["accuracy"] = loss_fn.n_correct(out, y) / out.shape[0]
        return scores

    def backprop(
        self, X: object, y: object, loss: str | losses.Loss = "bce", training: bool = True
    ) -> float:
        """One forward and one backward pass on ``(X, y)``: fill every parameter's gradient
        and return the loss (PyTorch's ``L = loss_fn(model(X), y); L.backward()``).

        With the loss's own output activation (softmax with cross_entropy, sigmoid with
        bce) the loss is computed from the output layer's logits $Z$ and the backward pass
        starts from $\\partial L/\\partial Z = (p - y)/n$, exact at any confidence; otherwise
        it is ``loss.forward(out, y)`` and ``self.backward(loss.backward(out, y))``.
        """
        loss_fn = losses.get(loss)
        X = as_array(X, "X", ndim=2)
        y = loss_fn.targets(y, "y")
        check_same_length(X, "X", y, "y")
        out = self.forward(X, training=training)
        logits = self._logits_layer(loss_fn)
        if logits is None:
            value = loss_fn.forward(out, y)
            self.backward(loss_fn.backward(out, y))
        else:
            value = loss_fn.forward_logits(logits.Z, y)
            self._backward(loss_fn.backward_logits(logits.Z, y), logits=True)
        return value

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

        When the output layer is a Dense with the loss's own activation (softmax with
        cross_entropy, sigmoid with bce), each batch's loss and gradient come from its
        logits (see :meth:`backprop`).

        The data are checked once, before the first epoch; the batches then take the
        layers' and the loss's unchecked fast paths. The only check per batch is the one
        number that can go wrong while training: the loss, which must stay finite.

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
            For bad arguments; for a loss on probabilities (bce, cross_entropy) whose
            predictions the model's output cannot keep in [0, 1] (an identity output with
            bce: use a sigmoid); and when the loss becomes NaN or infinite (the error gives
            the epoch and the value and suggests a smaller learning rate).
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
        watch_range = self._check_output_range(loss_fn)
        run = _LossPath(loss_fn, self._logits_layer(loss_fn))
        X, y = self._training_data(X, y, run, "X", "y")
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise TypeError(
                    "validation_data must be a pair (X_val, y_val); got "
                    f"{type(validation_data).__name__}"
                )
            validation_data = self._training_data(
                *validation_data, run, "validation_data[0] (X_val)", "y_val"
            )

        history = self.history = History()
        classify = loss_fn.is_classification
        params = self.parameters()
        forward, backward = unchecked(self, "forward"), unchecked(self, "backward")
        if type(self)._backward is Sequential._backward:  # skip the unused dL/dX of layer 0
            backward = functools.partial(
                self._backward, input_grad=False, logits=run.logits is not None
            )
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
                    out = forward(Xb, training=True)
                    if watch_range:
                        self._check_outputs(out, loss_fn, epoch)
                    batch_loss = float(run.value(out, yb))
                    if not math.isfinite(batch_loss):
                        raise _diverged(epoch, batch_loss, optimizer)
                    backward(run.gradient(out, yb))
                    optimizer.step(params)
                    total += batch_loss * rows.size
                    if classify:
                        correct += run.n_correct(out, yb)
                history.loss.append(total / n)
                if classify:
                    history.accuracy.append(correct / n)
                if validation_data is not None:
                    X_val, y_val = validation_data
                    out = forward(X_val, training=False)
                    if watch_range:
                        self._check_outputs(out, loss_fn, epoch)
                    val_loss = float(run.value(out, y_val))
                    if not math.isfinite(val_loss):
                        raise _diverged(epoch, val_loss, optimizer, "validation loss")
                    history.val_loss.append(val_loss + 0.0)
                    if classify:
                        history.val_accuracy.append(run.n_correct(out, y_val) / out.shape[0])
                history.epochs = epoch
                summary = _summary(history)
                if progress:
                    bar.set_postfix_str(summary)
                if verbose:
                    print(f"epoch {epoch}/{epochs}: {summary}")
        return history

    # -- helpers ------------------------------------------------------------------------
    def _training_data(
        self, X: object, y: object, run: _LossPath, x_name: str, y_name: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Check ``(X, y)`` once, with the caller's shapes in every message; return ``X``
        and ``y`` in the form the training loop's loss path takes."""
        X = as_array(X, x_name, ndim=2)
        if self.n_in is not None:
            check_input(X, self.n_in, x_name)
        y = run.loss.targets(y, y_name)
        check_same_length(X, x_name, y, y_name)
        try:
            width = self.forward(X[:1], training=False).shape[1]
        except ValueError as exc:
            raise ValueError(f"the model cannot take {x_name} of shape {X.shape}: {exc}") from exc
        try:
            return X, run.prepare(y, width)
        except ValueError as exc:
            raise ValueError(
                f"{y_name} does not fit the network's output for loss "
                f"{run.loss.name!r} ({width} output(s)): {exc}"
            ) from exc

    def _logits_layer(self, loss_fn: losses.Loss) -> Dense | None:
        """The output layer whose logits $Z$ the loss is computed from, or None.

        That is the last layer when it is a plain :class:`Dense` whose activation is the
        loss's ``output_activation`` and the loss ``takes_logits``, in a model whose passes
        are Sequential's own. Any other model (a learner's layer or loss subclass among
        them) is trained on its outputs, with the loss on probabilities.
        """
        last = self.layers[-1]
        if type(last) is not Dense or not loss_fn.takes_logits:
            return None
        if last.activation is not activations.get(loss_fn.output_activation):
            return None
        passes = ("forward", "_forward", "backward", "_backward")
        if any(getattr(type(self), name) is not getattr(Sequential, name) for name in passes):
            return None
        return last

    def _check_output_range(self, loss_fn: losses.Loss) -> bool:
        """Fail before training when the model's output range does not fit the loss's
        (an identity output for bce); return True when that range is unknown, so that
        the training loop must watch the outputs themselves."""
        need = loss_fn.prediction_range
        if need is None:
            return False
        have = self.output_range
        if have is None:
            return True
        if not need[0] <= have[0] <= have[1] <= need[1]:
            raise ValueError(
                f"loss {loss_fn.name!r} needs predictions in {_interval(need)}"
                f"{_probabilities(need)}, but {self._describe_output()} gives values in "
                f"{_interval(have)}; {_remedy(loss_fn)}"
            )
        return False

    def _check_outputs(self, out: np.ndarray, loss_fn: losses.Loss, epoch: int) -> None:
        """Raise if the outputs left the loss's range (for a last layer of unknown range)."""
        low, high = loss_fn.prediction_range
        lowest, highest = float(out.min()), float(out.max())
        if lowest < low or highest > high:  # NaN compares False: left to the loss check
            raise ValueError(
                f"at epoch {epoch} the model's outputs left {_interval((low, high))} (values "
                f"from {lowest:g} to {highest:g}), but loss {loss_fn.name!r} needs predictions "
                f"in {_interval((low, high))}{_probabilities((low, high))}; {_remedy(loss_fn)}"
            )

    def _describe_output(self) -> str:
        last = self.layers[-1]
        while isinstance(last, Sequential):
            last = last.layers[-1]
        activation = getattr(last, "activation", None)
        if isinstance(activation, Activation):
            return f"the model's output activation is {activation.name!r}, which"
        return f"the model's last layer, {last!r},"

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


class _LossPath:
    """How ``fit`` calls its loss on every batch.

    Normally the loss's unchecked ``_forward``, ``_backward`` and ``_n_correct``, on targets
    that ``prepare`` checked and converted once (one-hot rows for integer labels). A loss
    whose class overrides the public ``forward`` or ``backward`` (a learner's own loss) is
    called through its public methods instead, on the caller's targets. With a ``logits``
    layer (:meth:`Sequential._logits_layer`), the value and the gradient come from that
    layer's $Z$, and the gradient is $\\partial L/\\partial Z$.
    """

    def __init__(self, loss: losses.Loss, logits: Dense | None = None) -> None:
        self.loss = loss
        methods = [unchecked(loss, name) for name in ("forward", "backward", "n_correct")]
        self.fast = all(m.__name__.startswith("_") for m in methods)
        if not self.fast:
            methods = [loss.forward, loss.backward, loss.n_correct]
        self.logits = logits if self.fast else None
        self._value, self._gradient, self.n_correct = methods

    def value(self, out: np.ndarray, y: np.ndarray) -> float:
        """The batch's loss."""
        if self.logits is not None:
            return self.loss._forward_logits(self.logits.Z, y)
        return self._value(out, y)

    def gradient(self, out: np.ndarray, y: np.ndarray) -> np.ndarray:
        """$\\partial L/\\partial$ ``out``, or $\\partial L/\\partial Z$ of the logits layer."""
        if self.logits is not None:
            return self.loss._backward_logits(self.logits.Z, y)
        return self._gradient(out, y)

    def prepare(self, y: np.ndarray, width: int) -> np.ndarray:
        """Check ``y`` against predictions of ``width`` columns (ValueError if it does not
        fit the loss); return it in the form the batch calls take."""
        probe = np.full((y.shape[0], width), 0.5)
        if self.fast:
            return self.loss._check(probe, y)[1]
        self.loss.forward(probe, y)
        return y


def _interval(bounds: tuple[float, float]) -> str:
    low, high = bounds
    left = "(" if math.isinf(low) else "["
    right = ")" if math.isinf(high) else "]"
    return f"{left}{low:g}, {high:g}{right}"


def _probabilities(bounds: tuple[float, float]) -> str:
    return " (probabilities)" if tuple(bounds) == (0.0, 1.0) else ""


def _remedy(loss_fn: losses.Loss) -> str:
    if loss_fn.output_activation is None:
        return "change the model's last layer so that its outputs stay in that range"
    name = loss_fn.output_activation
    return (
        f"use a {name} output (MLP(..., output={name!r}), or activation={name!r} on the "
        "last Dense layer)"
    )


def _diverged(epoch: int, value: float, optimizer: Optimizer, what: str = "loss") -> ValueError:
    """The error of a run whose loss became NaN or infinite."""
    return ValueError(
        f"the {what} became {value} at epoch {epoch}: training diverged; "
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
