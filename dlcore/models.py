"""Models: layers in a row (the training loop that fits them is :mod:`dlcore.training`).

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

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from . import losses
from .layers import Dense, Layer, ParameterList
from .optimizers import Optimizer
from .training import History, backward_pass, logits_layer
from .training import fit as train
from .validation import FloatArray, as_array, check_positive, check_same_length, check_seed

__all__ = ["MLP", "History", "Sequential"]


class Sequential(Layer):
    """A network that applies its layers one after the other.

    Parameters
    ----------
    layers : iterable of Layer
        The layers, input side first. A Sequential is itself a Layer, so it can be nested
        (for instance inside a :class:`dlcore.Residual`).

    Attributes
    ----------
    history_ : History or None
        What the last :meth:`fit` measured, per epoch (``None`` before any training). Each
        call to ``fit`` replaces it; a run stopped by a non-finite loss keeps the epochs it
        completed.
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
        self.n_in, self.n_out = layers[0].n_in, layers[-1].n_out
        self.history_: History | None = None

    @property
    def output_range(self) -> tuple[float, float] | None:
        """The output range of the last layer."""
        return self.layers[-1].output_range

    # -- the passes ---------------------------------------------------------------------
    def forward(self, X: npt.ArrayLike, training: bool = True) -> FloatArray:
        """Run every layer in order: $A^{(l)} = \\text{layer}_l(A^{(l-1)})$, $A^{(0)} = X$."""
        A = as_array(X, "X", ndim=2)
        for layer in self.layers:
            A = layer.forward(A, training=training)
        return A

    def backward(self, dY: FloatArray) -> FloatArray:
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

    def predict(self, X: npt.ArrayLike) -> FloatArray:
        """The network's output in eval mode (probabilities for sigmoid/softmax outputs)."""
        return self.forward(X, training=False)

    def evaluate(
        self, X: npt.ArrayLike, y: npt.ArrayLike, loss: str | losses.Loss = "bce"
    ) -> dict[str, float]:
        """Return ``{"loss": ...}`` on ``(X, y)``, plus ``"accuracy"`` for a classification
        loss (the loss's ``n_correct``: bce thresholds at 0.5, cross_entropy takes the
        argmax). The loss comes from the output layer's logits when the output activation
        is the loss's own (softmax with cross_entropy, sigmoid with bce)."""
        loss_fn = losses.get(loss)
        X = as_array(X, "X", ndim=2)
        y = loss_fn.targets(y, "y")
        check_same_length(X, "X", y, "y")
        out = self.predict(X)
        logits = logits_layer(self, loss_fn)
        if logits is None:
            scores = {"loss": loss_fn.forward(out, y)}
        else:
            scores = {"loss": loss_fn.forward_logits(logits.Z, y)}
        if loss_fn.is_classification:
            scores["accuracy"] = loss_fn.n_correct(out, y) / out.shape[0]
        return scores

    def backprop(
        self,
        X: npt.ArrayLike,
        y: npt.ArrayLike,
        loss: str | losses.Loss = "bce",
        training: bool = True,
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
        logits = logits_layer(self, loss_fn)
        if logits is None or logits.Z is None:
            value = loss_fn.forward(out, y)
            self.backward(loss_fn.backward(out, y))
        else:
            value = loss_fn.forward_logits(logits.Z, y)
            backward_pass(self, loss_fn.backward_logits(logits.Z, y), logits=True)
        return value

    # -- training -----------------------------------------------------------------------
    def fit(
        self,
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
    ) -> Sequential:
        """Train by mini-batch gradient descent; return the model itself (scikit-learn's
        convention: ``model.fit(X, y).history_``).

        Each epoch shuffles the rows (from ``seed``: the same seed and initial weights give
        the same run), then for each batch of ``batch_size`` rows runs forward, the loss,
        backward and ``optimizer.step``. What the epochs measured is kept as
        ``self.history_``, a new :class:`History` at each call.

        When the output layer is a Dense with the loss's own activation (softmax with
        cross_entropy, sigmoid with bce), each batch's loss and gradient come from its
        logits (see :meth:`backprop`).

        The data are checked once, before the first epoch; the batches then run the layers
        and the loss's formulas without scanning them again (a layer checks only shapes).
        The only check per batch is the one number that can go wrong while training: the
        loss, which must stay finite.

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

        Returns
        -------
        Sequential
            ``self``, trained; its ``history_`` holds the per-epoch ``loss`` (and
            ``accuracy``, ``val_loss``, ``val_accuracy``) and ``epochs``.

        Raises
        ------
        ValueError
            For bad arguments; for a loss on probabilities (bce, cross_entropy) whose
            predictions the model's output cannot keep in [0, 1] (an identity output with
            bce: use a sigmoid); and when the loss becomes NaN or infinite (the error gives
            the epoch and the value and suggests a smaller learning rate).
        """
        train(
            self, X, y, loss, optimizer, epochs, batch_size, seed, validation_data, progress,
            verbose,
        )  # fmt: skip
        return self

    def _own_passes(self) -> bool:
        """Whether this model runs Sequential's own forward and backward (not a subclass's),
        so that the training loop may run its layers itself."""
        cls = type(self)
        return cls.forward is Sequential.forward and cls.backward is Sequential.backward

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

    Attributes
    ----------
    history_ : History or None
        What the last :meth:`~Sequential.fit` measured, per epoch (``None`` before any
        training); ``fit`` returns the model, so ``MLP(...).fit(X, y).history_``.
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
