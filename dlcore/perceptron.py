r"""Rosenblatt's perceptron: one neuron with a step activation, trained sample by sample.

The neuron computes $z = \mathbf{w}^\top\mathbf{x} + b$ and predicts
$\hat y = 1$ if $z \ge 0$, else $0$. Learning rule, for each training sample:

$$e = y - \hat y, \qquad \mathbf{w} \leftarrow \mathbf{w} + \eta\, e\, \mathbf{x},
\qquad b \leftarrow b + \eta\, e.$$

A correct prediction ($e = 0$) changes nothing. On linearly separable data the rule reaches
zero errors after finitely many updates (the perceptron convergence theorem); on data that
no line separates (XOR, circles) it never does.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .activations import step
from .validation import FloatArray, as_array, check_positive, check_same_length, check_seed


class PerceptronStep(NamedTuple):
    """One presentation of one sample during training; ``w`` and ``b`` are the values after
    it, so a lesson can replay the learning."""

    epoch: int
    index: int  # type: ignore[assignment]  # a field named like tuple.index
    x: np.ndarray
    y: int
    y_hat: int
    w: np.ndarray
    b: float
    updated: bool


class Perceptron:
    r"""A single neuron with a step activation, trained by Rosenblatt's rule.

    Parameters
    ----------
    lr : float
        Learning rate $\eta > 0$.
    epochs : int
        Maximum number of passes over the data; training stops after an epoch without errors.
    seed : int or None
        Seed of the order in which samples are shown.
    shuffle : bool
        Show the samples in a new random order in every epoch (else in the given order).

    Attributes
    ----------
    w : ndarray (n_features,)
    b : float
    errors_ : list of int
        Misclassified samples in each epoch.
    steps_ : list of PerceptronStep
        One entry per sample presentation.
    """

    def __init__(
        self, lr: float = 1.0, epochs: int = 20, seed: int | None = 0, shuffle: bool = True
    ) -> None:
        self.lr = check_positive(lr, "lr")
        self.epochs = check_positive(epochs, "epochs", integer=True)
        self.seed = check_seed(seed)
        self.shuffle = bool(shuffle)
        self.w: np.ndarray | None = None
        self.b = 0.0
        self.errors_: list[int] = []
        self.steps_: list[PerceptronStep] = []

    def initialize(self, n_features: int) -> Perceptron:
        r"""Set $\mathbf{w} = 0$ and $b = 0$ for ``n_features`` inputs."""
        n_features = check_positive(n_features, "n_features", integer=True)
        self.w = np.zeros(n_features)
        self.b = 0.0
        return self

    def weighted_sum(self, X: npt.ArrayLike) -> FloatArray:
        r"""Return the weighted sum $z = \mathbf{w}^\top\mathbf{x} + b$ of each sample:
        $z = X\mathbf{w} + b$ for samples ``X (n, n_features)``, a 0-d array for one sample
        ``x (n_features,)``."""
        if self.w is None:
            raise RuntimeError("the perceptron has no weights yet; call fit(X, y) or initialize")
        X = as_array(X, "X", ndim=(1, 2))
        if X.shape[-1] != self.w.shape[0]:
            raise ValueError(
                f"X must have {self.w.shape[0]} features (columns); got shape {X.shape}"
            )
        z: FloatArray = X @ self.w + self.b
        return z

    def predict(self, X: npt.ArrayLike) -> npt.NDArray[np.int_]:
        r"""Return $\hat y = \mathrm{step}(z)$: 1 where $z \ge 0$, else 0 (as integers)."""
        return step(self.weighted_sum(X)).astype(int)

    def update(self, x: npt.ArrayLike, y: int) -> int:
        r"""Apply Rosenblatt's rule to one sample ``x`` with label ``y`` in {0, 1}.

        Returns the error $e = y - \hat y$ (0 when the prediction was right).
        """
        x = as_array(x, "x", ndim=1)
        if self.w is None:
            raise RuntimeError("the perceptron has no weights yet; call fit(X, y) or initialize")
        if isinstance(y, bool) or not np.isscalar(y) or y not in (0, 1):
            raise ValueError(f"y must be a class label 0 or 1; got {y!r}")
        error = int(y) - int(self.predict(x))
        self.w += self.lr * error * x
        self.b += self.lr * error
        return error

    def fit(self, X: npt.ArrayLike, y: npt.ArrayLike) -> Perceptron:
        """Train on ``X (n, n_features)`` and labels ``y (n,)`` in {0, 1}; return self."""
        X = as_array(X, "X", ndim=2)
        y = as_array(y, "y", ndim=1)
        check_same_length(X, "X", y, "y")
        bad = np.unique(y[(y != 0) & (y != 1)])
        if bad.size:
            raise ValueError(f"y must hold class labels 0 and 1; got {bad[:5].tolist()}")
        labels = y.astype(int)
        rng = np.random.default_rng(self.seed)
        self.initialize(X.shape[1])
        self.errors_, self.steps_ = [], []
        for epoch in range(self.epochs):
            order = rng.permutation(len(X)) if self.shuffle else np.arange(len(X))
            n_errors = 0
            for i in order:
                error = self.update(X[i], int(labels[i]))
                assert self.w is not None  # set by initialize
                n_errors += error != 0
                step_record = PerceptronStep(
                    epoch=epoch,
                    index=int(i),
                    x=X[i],
                    y=int(labels[i]),
                    y_hat=int(labels[i]) - error,
                    w=self.w.copy(),
                    b=self.b,
                    updated=error != 0,
                )
                self.steps_.append(step_record)
            self.errors_.append(int(n_errors))
            if n_errors == 0:
                break
        return self

    def score(self, X: npt.ArrayLike, y: npt.ArrayLike) -> float:
        r"""Return the accuracy, the fraction of samples with $\hat y = y$."""
        X = as_array(X, "X", ndim=2)
        y = as_array(y, "y", ndim=1)
        check_same_length(X, "X", y, "y")
        return float(np.mean(self.predict(X) == y))
