r"""Loss functions $L(\hat y, y)$: how far the predictions are from the targets.

Every loss is a mean over the $n$ samples (rows) of a sum over the outputs (columns).
``forward`` returns that number; ``backward`` returns $\partial L/\partial \hat y$ with the
shape of ``y_pred``, already divided by $n$, ready for the output layer's ``backward``.

On probabilities, logarithms are taken of $\max(p, \varepsilon)$ with
$\varepsilon = 10^{-12}$, so predictions of exactly 0 or 1 give a large but finite loss
(at most $-\ln 10^{-12} = 27.6$ per output), and a perfect prediction of a 0/1 target gives
exactly 0.

The two classification losses can also be computed from the **logits** $z$, the output
layer's sums before its sigmoid or softmax (``forward_logits``, ``backward_logits``), as
PyTorch's ``BCEWithLogitsLoss`` and ``CrossEntropyLoss`` do: no probability is rounded to
0 or 1 on the way, so a confidently wrong prediction costs its full loss (100 or more) and
gets its full gradient $\partial L/\partial z = (p - y)/n$. ``Sequential.fit``,
``evaluate`` and ``backprop`` take this path whenever the model's output activation is the
loss's own.
"""

from __future__ import annotations

import numpy as np

from . import activations
from .validation import FloatArray, as_array, check_choice, check_same_length

EPS = 1e-12


class Loss:
    """Base class: checks the inputs, then calls :meth:`_forward` / :meth:`_backward`.

    A subclass defines ``_forward(p, y)`` and ``_backward(p, y)`` on checked arrays (or
    overrides :meth:`forward` and :meth:`backward` themselves). What the training loop needs
    to know about a loss is declared here, not guessed from its name:

    - ``is_classification``: whether an accuracy is measured (:meth:`n_correct`);
    - ``prediction_range``: the values ``y_pred`` must lie in (``(0, 1)`` for a loss on
      probabilities), None for any real number;
    - ``output_activation``: the output activation that gives such predictions, suggested
      when a model's output does not fit;
    - ``takes_logits``: whether the loss can be computed from that activation's logits
      (:meth:`forward_logits`), which a subclass gives by defining ``_forward_logits`` and
      ``_logits_gradient`` (the gradient $\\partial L/\\partial z$ from $p = f(z)$).
    """

    name = "loss"
    is_classification: bool = False
    prediction_range: tuple[float, float] | None = None
    output_activation: str | None = None

    def forward(self, y_pred: object, y_true: object) -> float:
        r"""Return the loss, a float $\ge 0$."""
        p, y = self._check(y_pred, y_true)
        return float(self._forward(p, y)) + 0.0  # + 0.0 turns -0.0 into 0.0

    def backward(self, y_pred: object, y_true: object) -> FloatArray:
        r"""Return $\partial L/\partial \hat y$ with the shape of ``y_pred``."""
        p, y = self._check(y_pred, y_true)
        return self._backward(p, y)

    def forward_logits(self, logits: object, y_true: object) -> float:
        r"""Return the loss of the predictions $f(z)$, $f$ = ``output_activation``, computed
        from the logits $z$ themselves (exact where $f(z)$ rounds to 0 or 1)."""
        z, y = self._check_logits(logits, y_true)
        return float(self._forward_logits(z, y)) + 0.0

    def backward_logits(self, logits: object, y_true: object) -> FloatArray:
        r"""Return $\partial L/\partial z$, the gradient with respect to the logits, with the
        shape of ``logits``."""
        z, y = self._check_logits(logits, y_true)
        return self._backward_logits(z, y)

    @property
    def takes_logits(self) -> bool:
        """Whether :meth:`forward_logits` computes this loss: its class defines the formulas
        on logits, and no subclass redefined the ones on probabilities after them (a
        learner's subclass with its own ``forward`` is trained with its own formula)."""

        def owner(name: str) -> type:
            return next(k for k in type(self).__mro__ if name in vars(k))

        logits, gradient = owner("_forward_logits"), owner("_logits_gradient")
        if logits is Loss or not issubclass(logits, gradient):
            return False
        if not issubclass(gradient, owner("_backward_logits")):  # its own _backward_logits
            return False
        on_probabilities = ("forward", "_forward", "backward", "_backward", "_check")
        return all(issubclass(logits, owner(name)) for name in on_probabilities)

    def n_correct(self, y_pred: object, y_true: object) -> int:
        """Number of correctly classified rows (classification losses only)."""
        p, y = self._check(y_pred, y_true)
        return self._n_correct(p, y)

    def targets(self, y: object, name: str = "y") -> FloatArray:
        """The caller's targets as a float array, checked: a vector ``(n,)`` becomes a
        column ``(n, 1)``, one target per row."""
        y = as_array(y, name, ndim=(1, 2))
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def __call__(self, y_pred: object, y_true: object) -> float:
        return self.forward(y_pred, y_true)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _check(
        self, y_pred: object, y_true: object, name: str = "y_pred"
    ) -> tuple[FloatArray, FloatArray]:
        """Both arrays checked, ``y_true`` in the form ``_forward`` takes (``name``: what
        the first argument is called in the messages)."""
        p = as_array(y_pred, name, ndim=(1, 2))
        y = as_array(y_true, "y_true", ndim=(1, 2))
        check_same_length(p, name, y, "y_true")
        if y.shape != p.shape:
            if y.size != p.size or p.size != p.shape[0]:
                raise ValueError(
                    f"y_true must have the shape of {name}, {p.shape}; got shape {y.shape}"
                )
            y = y.reshape(p.shape)  # (n,) targets for a (n, 1) output, or the reverse
        return p, y

    def _check_logits(self, logits: object, y_true: object) -> tuple[FloatArray, FloatArray]:
        """The logits (any real numbers: ``_check`` tests the range of ``y_pred`` only) and
        the targets, checked."""
        return self._check(logits, y_true, "logits")

    def _forward(self, p: FloatArray, y: FloatArray) -> float:
        raise NotImplementedError

    def _backward(self, p: FloatArray, y: FloatArray) -> FloatArray:
        raise NotImplementedError

    def _forward_logits(self, z: FloatArray, y: FloatArray) -> float:
        raise NotImplementedError(
            f"{type(self).__name__} has no formula on logits: define _forward_logits(z, y) "
            "and _logits_gradient(p, y)"
        )

    def _backward_logits(self, z: FloatArray, y: FloatArray) -> FloatArray:
        """$\\partial L/\\partial z$ from $p = f(z)$, $f$ = ``output_activation``."""
        if self.output_activation is None:
            return self._logits_gradient(z, y)  # raises: no formula on logits
        return self._logits_gradient(activations.get(self.output_activation).f(z), y)

    def _logits_gradient(self, p: FloatArray, y: FloatArray) -> FloatArray:
        """$\\partial L/\\partial z$ given $p = f(z)$ (the output layer's own output, which
        the training loop passes instead of computing $f(z)$ again)."""
        raise NotImplementedError(
            f"{type(self).__name__} has no formula on logits: define _forward_logits(z, y) "
            "and _logits_gradient(p, y)"
        )

    def _n_correct(self, p: FloatArray, y: FloatArray) -> int:
        raise NotImplementedError(
            f"{type(self).__name__} measures no accuracy: set is_classification = True and "
            "define _n_correct(p, y)"
        )


class MSE(Loss):
    r"""Mean squared error $L = \frac{1}{n}\sum_i \sum_j (\hat y_{ij} - y_{ij})^2$.

    For one output this is the mean of $(\hat y - y)^2$ and
    $\partial L/\partial \hat y_i = 2(\hat y_i - y_i)/n$.
    """

    name = "mse"

    def _forward(self, p: FloatArray, y: FloatArray) -> float:
        return float(np.sum((p - y) ** 2) / len(p))

    def _backward(self, p: FloatArray, y: FloatArray) -> FloatArray:
        return 2.0 * (p - y) / len(p)


class BinaryCrossEntropy(Loss):
    r"""Binary cross-entropy $L = -\frac{1}{n}\sum_i [y_i \log p_i + (1-y_i)\log(1-p_i)]$.

    ``y_pred`` holds probabilities $p$ (a sigmoid's output) and ``y_true`` targets, both in
    $[0, 1]$. $\partial L/\partial p_i = (-y_i/p_i + (1-y_i)/(1-p_i))/n$; after a sigmoid
    output the chain rule gives the famous $\partial L/\partial z = (p - y)/n$.

    From the logits $z$, $p = \sigma(z)$ (PyTorch's ``BCEWithLogitsLoss``), each term is
    $-[y \ln\sigma(z) + (1-y)\ln(1-\sigma(z))] = \max(z, 0) - z\,y + \ln(1 + e^{-|z|})$,
    which no exponential can overflow, and $\partial L/\partial z = (\sigma(z) - y)/n$.
    """

    name = "bce"
    is_classification = True
    prediction_range = (0.0, 1.0)
    output_activation = "sigmoid"

    def _check(
        self, y_pred: object, y_true: object, name: str = "y_pred"
    ) -> tuple[FloatArray, FloatArray]:
        p, y = super()._check(y_pred, y_true, name)
        if name == "y_pred":
            _check_range(p, "y_pred", "probabilities in [0, 1] (e.g. a sigmoid's output)")
        _check_range(y, "y_true", "targets in [0, 1] (class labels 0 and 1)")
        return p, y

    def _forward(self, p: FloatArray, y: FloatArray) -> float:
        log_p = np.log(np.maximum(p, EPS))
        log_1mp = np.log(np.maximum(1.0 - p, EPS))
        return float(-np.sum(y * log_p + (1.0 - y) * log_1mp) / len(p))

    def _backward(self, p: FloatArray, y: FloatArray) -> FloatArray:
        grad = -y / np.maximum(p, EPS) + (1.0 - y) / np.maximum(1.0 - p, EPS)
        return grad / len(p)

    def _forward_logits(self, z: FloatArray, y: FloatArray) -> float:
        with np.errstate(under="ignore"):  # e^{-|z|} rounding to 0 is the right answer
            softplus = np.log1p(np.exp(-np.abs(z)))
        return float(np.sum(np.maximum(z, 0.0) - z * y + softplus) / len(z))

    def _logits_gradient(self, p: FloatArray, y: FloatArray) -> FloatArray:
        return (p - y) / len(p)

    def _n_correct(self, p: FloatArray, y: FloatArray) -> int:
        """Rows whose every output is on the target's side of 0.5."""
        return int(np.count_nonzero(np.all((p >= 0.5) == (y >= 0.5), axis=1)))


class CrossEntropy(Loss):
    r"""Categorical cross-entropy $L = -\frac{1}{n}\sum_i \sum_k y_{ik} \log p_{ik}$.

    ``y_pred`` has shape ``(n, k)``: rows of class probabilities (a softmax's output).
    ``y_true`` is one-hot ``(n, k)`` or integer labels ``(n,)`` in ``0..k-1``.
    $\partial L/\partial p_{ik} = -y_{ik}/(n\,p_{ik})$; after a softmax output the chain
    rule gives $\partial L/\partial z = (p - y)/n$.

    From the logits $z$, $p = \mathrm{softmax}(z)$ (PyTorch's ``CrossEntropyLoss``), by
    log-sum-exp: $-\ln p_{ik} = \mathrm{lse}(z_i) - z_{ik}$ with
    $\mathrm{lse}(z_i) = m_i + \ln \sum_k e^{z_{ik} - m_i}$, $m_i = \max_k z_{ik}$, so
    $L = \frac{1}{n}\sum_i \sum_k y_{ik}(\mathrm{lse}(z_i) - z_{ik})$, which is
    $\mathrm{lse}(z_i) - z_{i,y_i}$ per row for labels, and
    $\partial L/\partial z_{ik} = (p_{ik} \sum_j y_{ij} - y_{ik})/n$, $(p - y)/n$ for
    one-hot rows.
    """

    name = "cross_entropy"
    is_classification = True
    prediction_range = (0.0, 1.0)
    output_activation = "softmax"

    def targets(self, y: object, name: str = "y") -> FloatArray:
        """The caller's targets, checked: integer labels ``(n,)`` stay a vector, one-hot
        rows stay a matrix."""
        return as_array(y, name, ndim=(1, 2))

    def _check(
        self, y_pred: object, y_true: object, name: str = "y_pred"
    ) -> tuple[FloatArray, FloatArray]:
        p = as_array(y_pred, name, ndim=2)
        y = as_array(y_true, "y_true", ndim=(1, 2))
        check_same_length(p, name, y, "y_true")
        if name == "y_pred":
            _check_range(p, "y_pred", "probabilities in [0, 1] (e.g. a softmax's output)")
        k = p.shape[1]
        if y.ndim == 2 and y.shape[1] == 1 and k > 1:
            y = y.ravel()  # a column of integer labels
        if y.ndim == 1:
            return p, one_hot(y, k, name="y_true")
        if y.shape != p.shape:
            raise ValueError(
                f"y_true must be one-hot with the shape of {name}, {p.shape}, or integer "
                f"labels of shape ({p.shape[0]},); got shape {y.shape}"
            )
        _check_range(y, "y_true", "one-hot targets in [0, 1]")
        return p, y

    def _forward(self, p: FloatArray, y: FloatArray) -> float:
        return float(-(y * np.log(np.maximum(p, EPS))).sum() / len(p))

    def _backward(self, p: FloatArray, y: FloatArray) -> FloatArray:
        return -y / np.maximum(p, EPS) / len(p)

    def _forward_logits(self, z: FloatArray, y: FloatArray) -> float:
        m = z.max(axis=1, keepdims=True)
        with np.errstate(under="ignore"):  # e^{-1000} rounding to 0 is the right answer
            lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        return float(np.sum(y * (lse - z)) / len(z))

    def _logits_gradient(self, p: FloatArray, y: FloatArray) -> FloatArray:
        row_sums: FloatArray = y.sum(axis=1, keepdims=True)
        return (p * row_sums - y) / len(p)

    def _n_correct(self, p: FloatArray, y: FloatArray) -> int:
        """Rows whose most probable class (argmax) is the target's."""
        return int(np.count_nonzero(p.argmax(axis=1) == y.argmax(axis=1)))


def one_hot(labels: object, n_classes: int, *, name: str = "labels") -> FloatArray:
    """Return the ``(n, n_classes)`` one-hot matrix of integer ``labels`` in
    ``0..n_classes-1``."""
    y = as_array(labels, name, ndim=1)
    bad = y[(y != np.round(y)) | (y < 0) | (y > n_classes - 1)]
    if bad.size:
        raise ValueError(
            f"{name} must be integer class labels in 0..{n_classes - 1} "
            f"({n_classes} classes); got label(s) {_few(bad)}"
        )
    rows: FloatArray = np.eye(n_classes)[y.astype(int)]
    return rows


def _check_range(a: FloatArray, name: str, expected: str) -> None:
    bad = a[(a < 0) | (a > 1)]
    if bad.size:
        raise ValueError(
            f"{name} must hold {expected}; got {bad.size} value(s) outside [0, 1], e.g. {_few(bad)}"
        )


def _few(values: FloatArray) -> str:
    return ", ".join(f"{v:g}" for v in sorted(set(values.tolist()))[:5])


_LOSSES: dict[str, Loss] = {
    "mse": MSE(),
    "bce": BinaryCrossEntropy(),
    "cross_entropy": CrossEntropy(),
}
_ALIASES = {
    "mean_squared_error": "mse",
    "binary_cross_entropy": "bce",
    "categorical_cross_entropy": "cross_entropy",
}

NAMES: tuple[str, ...] = tuple(_LOSSES)


def get(loss: str | Loss) -> Loss:
    """Return the :class:`Loss` called ``loss`` (names in :data:`NAMES` or an alias such as
    ``"binary_cross_entropy"``); a :class:`Loss` is returned unchanged."""
    if isinstance(loss, Loss):
        return loss
    if not isinstance(loss, str):
        raise TypeError(f"loss must be a name or a Loss; got {loss!r} ({type(loss).__name__})")
    name = check_choice(loss, "loss", (*NAMES, *_ALIASES))
    return _LOSSES[_ALIASES.get(name, name)]


def is_classification(loss: str | Loss) -> bool:
    """Return True for the classification losses ("bce", "cross_entropy"): the loss's own
    ``is_classification``."""
    return get(loss).is_classification
