r"""The training loop: mini-batch gradient descent, as :meth:`dlcore.Sequential.fit` runs it.

:func:`fit` checks the data once, then runs epochs; :func:`train_epoch` shuffles the rows
and runs :func:`train_step` on each batch: the forward pass, the loss, the backward pass and
one optimiser step, $w \leftarrow w - \eta\, \partial L/\partial w$ for plain SGD.

When the output layer is a :class:`~dlcore.Dense` with the loss's own activation (softmax
with cross-entropy, sigmoid with binary cross-entropy), the loss and its gradient come from
that layer's logits $Z$ (:meth:`dlcore.losses.Loss.forward_logits`), as PyTorch's
``CrossEntropyLoss`` and ``BCEWithLogitsLoss`` do: exact at any confidence.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import losses
from .layers import Dense, check_input
from .optimizers import SGD, Optimizer
from .output_range import check_output_range, check_outputs
from .validation import FloatArray, as_array, check_positive, check_same_length, check_seed

if TYPE_CHECKING:
    from .models import Sequential

Data = tuple[FloatArray, FloatArray]


@dataclass
class History:
    """What :func:`fit` measured, one entry per epoch.

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

    def as_dict(self) -> dict[str, Any]:
        """The history as a plain dict (copies of the lists)."""
        return asdict(self)

    def summary(self) -> str:
        """The last epoch's numbers, ``"loss=0.1234, accuracy=0.950"``."""
        parts = [f"loss={self.loss[-1]:.4f}"]
        if self.accuracy:
            parts.append(f"accuracy={self.accuracy[-1]:.3f}")
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[-1]:.4f}")
        if self.val_accuracy:
            parts.append(f"val_accuracy={self.val_accuracy[-1]:.3f}")
        return ", ".join(parts)


def fit(
    model: Sequential,
    X: npt.ArrayLike,
    y: npt.ArrayLike,
    loss: str | losses.Loss = "bce",
    optimizer: Optimizer | None = None,
    epochs: int = 100,
    batch_size: int = 32,
    seed: int | None = 0,
    validation_data: tuple[npt.ArrayLike, npt.ArrayLike] | None = None,
    progress: bool = False,
    verbose: bool = False,
) -> History:
    """Train ``model`` by mini-batch gradient descent; return the :class:`History`, also
    kept as ``model.history_`` (see :meth:`dlcore.Sequential.fit` for the parameters)."""
    loss_fn = losses.get(loss)
    optimizer = _check_optimizer(optimizer)
    epochs = check_positive(epochs, "epochs", integer=True)
    batch_size = check_positive(batch_size, "batch_size", integer=True)
    rng = np.random.default_rng(check_seed(seed))
    run = LossPath(model, loss_fn)
    train = checked_data(model, X, y, run, "X", "y")
    validation = _validation(model, validation_data, run)
    history = model.history_ = History()
    with np.errstate(over="ignore", invalid="ignore"), _one_blas_thread():
        for epoch in _epochs(epochs, history, progress, verbose):
            train_epoch(model, run, optimizer, train, batch_size, rng, epoch, history)
            if validation is not None:
                record_validation(model, run, optimizer, validation, epoch, history)
            history.epochs = epoch
    return history


def _epochs(epochs: int, history: History, progress: bool, verbose: bool) -> Iterator[int]:
    """``1..epochs``; after each, the history's summary in a tqdm bar (``progress``) or
    printed (``verbose``)."""
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, desc="fit", unit="epoch")
    try:
        for epoch in range(1, epochs + 1):
            yield epoch
            if bar is not None:
                bar.update()
                bar.set_postfix_str(history.summary())
            if verbose:
                print(f"epoch {epoch}/{epochs}: {history.summary()}")
    finally:
        if bar is not None:
            bar.close()


def _validation(
    model: Sequential,
    validation_data: tuple[npt.ArrayLike, npt.ArrayLike] | None,
    run: LossPath,
) -> Data | None:
    """The validation pair, checked like the training data (None when there is none)."""
    if validation_data is None:
        return None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError(
            f"validation_data must be a pair (X_val, y_val); got {type(validation_data).__name__}"
        )
    X_val, y_val = validation_data
    return checked_data(model, X_val, y_val, run, "validation_data[0] (X_val)", "y_val")


def batches(n: int, batch_size: int, rng: np.random.Generator) -> Iterator[npt.NDArray[np.intp]]:
    """The rows of each mini-batch of one epoch: a permutation of ``0..n-1`` in slices of
    ``batch_size`` (the last one may be smaller)."""
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def train_epoch(
    model: Sequential,
    run: LossPath,
    optimizer: Optimizer,
    data: Data,
    batch_size: int,
    rng: np.random.Generator,
    epoch: int,
    history: History,
) -> None:
    """One pass over ``data`` in shuffled mini-batches; appends the epoch's mean loss (and
    accuracy) to ``history``."""
    X, y = data
    params = model.parameters()
    total, correct = 0.0, 0
    for rows in batches(X.shape[0], batch_size, rng):
        Xb, yb = X[rows], y[rows]
        out, batch_loss = train_step(model, run, optimizer, params, Xb, yb, epoch)
        total += batch_loss * rows.size
        if run.loss.is_classification:
            correct += run.n_correct(out, yb)
    history.loss.append(total / X.shape[0])
    if run.loss.is_classification:
        history.accuracy.append(correct / X.shape[0])


def train_step(
    model: Sequential,
    run: LossPath,
    optimizer: Optimizer,
    params: list[tuple[str, FloatArray, FloatArray]],
    X: FloatArray,
    y: FloatArray,
    epoch: int,
) -> tuple[FloatArray, float]:
    """Forward, loss, backward, one optimiser step on the batch ``(X, y)``; return the
    batch's output and loss (ValueError if the loss is not finite)."""
    out = forward_pass(model, X, training=True)
    batch_loss = run.value(out, y, epoch, optimizer)
    backward_pass(model, run.gradient(out, y), logits=run.logits is not None)
    optimizer.step(params)
    return out, batch_loss


def record_validation(
    model: Sequential,
    run: LossPath,
    optimizer: Optimizer,
    data: Data,
    epoch: int,
    history: History,
) -> None:
    """Score the validation data in eval mode into ``val_loss`` (and ``val_accuracy``)."""
    X, y = data
    out = forward_pass(model, X, training=False)
    history.val_loss.append(run.value(out, y, epoch, optimizer, "validation loss") + 0.0)
    if run.loss.is_classification:
        history.val_accuracy.append(run.n_correct(out, y) / out.shape[0])


def forward_pass(model: Sequential, X: FloatArray, training: bool) -> FloatArray:
    r"""$A^{(l)} = \text{layer}_l(A^{(l-1)})$, $A^{(0)} = X$, on data already checked (the
    model's own ``forward`` when a subclass redefines it)."""
    if not model._own_passes():
        return model.forward(X, training=training)
    for layer in model.layers:
        X = layer.forward(X, training=training)
    return X


def backward_pass(model: Sequential, grad: FloatArray, logits: bool) -> None:
    r"""Backpropagate $\partial L/\partial \text{out}$ through the layers in reverse order
    (with ``logits``, ``grad`` is $\partial L/\partial Z$ of the last layer). The first
    layer, a Dense, stores its gradients but computes no $\partial L/\partial X$."""
    if not model._own_passes():
        model.backward(grad)
        return
    last = len(model.layers) - 1
    for i in range(last, -1, -1):
        layer = model.layers[i]
        from_logits = logits and i == last
        if i == 0 and type(layer).backward is Dense.backward:
            layer._gradients(grad, logits=from_logits)  # type: ignore[attr-defined]
        elif from_logits:
            grad = layer.backward(grad, logits=True)  # type: ignore[call-arg]
        else:
            grad = layer.backward(grad)


def logits_layer(model: Sequential, loss_fn: losses.Loss) -> Dense | None:
    """The output layer whose logits $Z$ the loss is computed from, or None.

    That is the last layer when it is a plain :class:`Dense` whose activation is the
    loss's ``output_activation`` and the loss ``takes_logits``, in a model whose passes
    are Sequential's own. Any other model (a learner's layer or loss subclass among
    them) is trained on its outputs, with the loss on probabilities.
    """
    from . import activations

    last = model.layers[-1]
    if type(last) is not Dense or not loss_fn.takes_logits or not model._own_passes():
        return None
    if last.activation is not activations.get(loss_fn.output_activation):
        return None
    return last


class LossPath:
    """How the training loop calls its loss on every batch.

    A loss whose public ``forward``, ``backward`` and ``n_correct`` are :class:`Loss`'s own
    is called through its formulas (``_forward``, ``_backward``, ``_n_correct``) on targets
    that :meth:`prepare` checked and converted once (one-hot rows for integer labels); a
    learner's loss that redefines them is called through them, on the caller's targets.
    With a :func:`logits_layer`, the value and the gradient come from that layer's $Z$.
    """

    def __init__(self, model: Sequential, loss: losses.Loss) -> None:
        self.loss = loss
        public = ("forward", "backward", "n_correct")
        self.fast = all(getattr(type(loss), m) is getattr(losses.Loss, m) for m in public)
        self.logits = logits_layer(model, loss) if self.fast else None
        self.watch_range = check_output_range(model, loss)

    def value(
        self,
        out: FloatArray,
        y: FloatArray,
        epoch: int,
        optimizer: Optimizer,
        what: str = "loss",
    ) -> float:
        """The loss of ``out``; ValueError if it is not finite (training diverged) or the
        outputs left the loss's range."""
        if self.watch_range:
            check_outputs(out, self.loss, epoch)
        if self.logits is not None:
            assert self.logits.Z is not None
            value = float(self.loss._forward_logits(self.logits.Z, y))
        elif self.fast:
            value = float(self.loss._forward(out, y))
        else:
            value = float(self.loss.forward(out, y))
        if not math.isfinite(value):
            raise ValueError(
                f"the {what} became {value} at epoch {epoch}: training diverged; "
                f"try a smaller learning rate (lr={optimizer.lr:g})"
            )
        return value

    def gradient(self, out: FloatArray, y: FloatArray) -> FloatArray:
        r"""$\partial L/\partial$ ``out``, or $\partial L/\partial Z$ of the logits layer."""
        if self.logits is not None:  # the layer's output A is f(Z): not computed again
            assert self.logits.A is not None
            return self.loss._logits_gradient(self.logits.A, y)
        if self.fast:
            return self.loss._backward(out, y)
        return self.loss.backward(out, y)

    def n_correct(self, out: FloatArray, y: FloatArray) -> int:
        """Correctly classified rows of the batch."""
        return self.loss._n_correct(out, y) if self.fast else self.loss.n_correct(out, y)

    def prepare(self, y: FloatArray, width: int) -> FloatArray:
        """Check ``y`` against predictions of ``width`` columns (ValueError if it does not
        fit the loss); return it in the form the batch calls take."""
        probe = np.full((y.shape[0], width), 0.5)
        if self.fast:
            return self.loss._check(probe, y)[1]
        self.loss.forward(probe, y)
        return y


def checked_data(
    model: Sequential, X: npt.ArrayLike, y: npt.ArrayLike, run: LossPath, x_name: str, y_name: str
) -> Data:
    """Check ``(X, y)`` once, with the caller's names in every message; return ``X`` and
    ``y`` in the form the loss path takes."""
    X = as_array(X, x_name, ndim=2)
    if model.n_in is not None:
        check_input(X, model.n_in, x_name)
    y = run.loss.targets(y, y_name)
    check_same_length(X, x_name, y, y_name)
    try:
        width = model.forward(X[:1], training=False).shape[1]
    except ValueError as exc:
        raise ValueError(f"the model cannot take {x_name} of shape {X.shape}: {exc}") from exc
    try:
        return X, run.prepare(y, width)
    except ValueError as exc:
        raise ValueError(
            f"{y_name} does not fit the network's output for loss "
            f"{run.loss.name!r} ({width} output(s)): {exc}"
        ) from exc


def _check_optimizer(optimizer: Optimizer | None) -> Optimizer:
    if optimizer is None:
        return SGD(lr=0.1)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be an Optimizer such as dl.SGD(lr=0.1); got {type(optimizer).__name__}"
        )
    return optimizer


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
