"""Layers: the building blocks of a network, each with a forward and a backward pass.

A layer's ``forward(X)`` maps a batch ``X (n_samples, n_in)`` to its output and remembers
what ``backward`` needs; ``backward(dA)`` takes $\\partial L/\\partial A$ (the gradient of
the loss with respect to the layer's output), stores the gradients of the layer's own
parameters, and returns $\\partial L/\\partial X$ for the layer below: backpropagation is
these calls in reverse order.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from . import activations, initializers
from .validation import check_fraction, check_positive

ParameterList = list[tuple[str, np.ndarray, np.ndarray]]
Range = tuple[float, float]
INF = float("inf")


def check_input(X: object, n_in: int, name: str = "X") -> np.ndarray:
    """Return ``X`` as a float64 array of shape ``(n_samples, n_in)`` (ValueError if not).

    Only the shape is checked here; finiteness is checked once by the model's public methods
    (a diverging training run must reach its own clear error, see ``Sequential.fit``).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != n_in or X.shape[0] == 0:
        raise ValueError(
            f"{name} must have shape (n_samples, {n_in}): expected n_in={n_in} features per "
            f"row; got an array of shape {X.shape}"
        )
    return X


def unchecked(obj: object, method: str) -> Callable:
    """``obj._method`` (the unchecked fast path) if it is as specific as ``obj.method``, else
    the public, checked ``obj.method``.

    A learner's subclass that overrides only ``forward`` (or a loss's ``forward``) is thus
    still the code that runs in ``Sequential.fit``, never silently bypassed.
    """
    return getattr(obj, _fast_name(type(obj), method))


@functools.cache
def _fast_name(cls: type, method: str) -> str:
    def owner(name: str) -> type | None:
        return next((k for k in cls.__mro__ if name in vars(k)), None)

    public, private = owner(method), owner("_" + method)
    if private is not None and (public is None or issubclass(private, public)):
        return "_" + method
    return method


class Layer:
    """Base class of every layer (and of :class:`dlcore.Sequential`).

    Subclasses implement :meth:`forward` and :meth:`backward`; layers with weights also
    implement :meth:`parameters`. The built-in layers also have ``_forward`` and
    ``_backward``, the same passes without input checks, which ``Sequential.fit`` uses
    after checking the data once.

    ``n_in`` and ``n_out`` are the widths of the input and the output (None when the layer
    does not fix them); ``output_range`` is the interval the outputs lie in (None when
    unknown), so that a loss needing probabilities can reject a wrong last layer early.
    """

    n_in: int | None = None
    n_out: int | None = None

    @property
    def output_range(self) -> Range | None:
        """``(low, high)`` bounds of the outputs, or None when unknown."""
        return None

    def forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """Return the layer's output for the batch ``X``; ``training`` selects the mode."""
        raise NotImplementedError

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """Given $\\partial L/\\partial A$, store the parameter gradients and return
        $\\partial L/\\partial X$."""
        raise NotImplementedError

    def _forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """:meth:`forward` without input checks (default: the checked :meth:`forward`)."""
        return self.forward(X, training=training)

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        """:meth:`backward` without input checks (default: the checked :meth:`backward`)."""
        return self.backward(dA)

    def parameters(self) -> ParameterList:
        """The trainable arrays as ``(name, value, gradient)``; the optimiser updates the
        values in place."""
        return []

    def __call__(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        return self.forward(X, training=training)

    def _check_grad(self, dA: object, expected: tuple[int, ...] | None) -> np.ndarray:
        if expected is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        dA = np.asarray(dA, dtype=np.float64)
        if dA.shape != expected:
            raise ValueError(
                f"dA must have the shape of the layer's last output, {expected}; "
                f"got an array of shape {dA.shape}"
            )
        return dA


class Dense(Layer):
    """Fully connected layer: $Z = XW + b$, $A = f(Z)$.

    Backward, given $\\partial L/\\partial A$:
    $\\partial L/\\partial Z = \\partial L/\\partial A \\odot f'(Z)$,
    $\\partial L/\\partial W = X^\\top\\, \\partial L/\\partial Z$,
    $\\partial L/\\partial b = \\sum_i (\\partial L/\\partial Z)_i$,
    $\\partial L/\\partial X = \\partial L/\\partial Z\\; W^\\top$.

    Parameters
    ----------
    n_in, n_out : int
        Number of inputs (features) and of units.
    activation : str, Activation or None, default None
        One of :data:`dlcore.activations.NAMES`; None is the identity.
    init : str, default "xavier"
        Weight initialiser, one of :data:`dlcore.initializers.NAMES` ("xavier", "he",
        "normal", "zeros", ...). Biases start at zero.
    seed : int, numpy.random.Generator or None
        Seed of the initial weights (None: fresh randomness).

    Attributes
    ----------
    W : ndarray (n_in, n_out), b : ndarray (n_out,)
        Weights and biases.
    dW, db : ndarray
        Their gradients from the last :meth:`backward`.
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation: str | activations.Activation | None = None,
        init: str = "xavier",
        seed: int | np.random.Generator | None = None,
    ) -> None:
        self.n_in = check_positive(n_in, "n_in", integer=True)
        self.n_out = check_positive(n_out, "n_out", integer=True)
        self.activation = activations.get(activation)
        self.init = init
        self.W = np.array(initializers.initialize(init, self.n_in, self.n_out, seed), dtype=float)
        self.b = np.zeros(self.n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.X: np.ndarray | None = None
        self.Z: np.ndarray | None = None
        self.A: np.ndarray | None = None

    @property
    def output_range(self) -> Range | None:
        """The range of the activation (e.g. ``(0, 1)`` for a sigmoid)."""
        return self.activation.output_range

    def forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """$A = f(XW + b)$; caches ``X``, ``Z`` and ``A`` for :meth:`backward`."""
        return self._forward(check_input(X, self.n_in), training)

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """Store ``dW``, ``db`` and return $\\partial L/\\partial X$."""
        return self._backward(self._check_grad(dA, None if self.Z is None else self.Z.shape))

    def _forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        Z = X @ self.W
        Z += self.b
        A = self.activation._forward(Z)
        self.X, self.Z, self.A = X, Z, A
        return A

    def _backward(self, dA: np.ndarray, logits: bool = False) -> np.ndarray:
        return self._gradients(dA, logits) @ self.W.T

    def _gradients(self, dA: np.ndarray, logits: bool = False) -> np.ndarray:
        """Store ``dW`` and ``db``; return $\\partial L/\\partial Z$ (the first layer of a
        network being trained needs no $\\partial L/\\partial X$). With ``logits``, ``dA``
        is already $\\partial L/\\partial Z$ (a loss computed from this layer's logits)."""
        dZ = dA if logits else self.activation._backward(self.Z, self.A, dA)
        np.matmul(self.X.T, dZ, out=self.dW)
        dZ.sum(axis=0, out=self.db)
        return dZ

    def parameters(self) -> ParameterList:
        return [("W", self.W, self.dW), ("b", self.b, self.db)]

    def __repr__(self) -> str:
        return (
            f"Dense({self.n_in}, {self.n_out}, activation={self.activation.name!r}, "
            f"init={self.init!r})"
        )


class BatchNorm(Layer):
    """Batch normalisation of each feature, then a learned scale and shift.

    Training mode: $\\hat x = (x - \\mu_B)/\\sqrt{\\sigma_B^2 + \\epsilon}$ with the batch's
    mean and (biased) variance, $y = \\gamma \\hat x + \\beta$, and the running statistics
    follow $r \\leftarrow m\\, r + (1 - m)\\, s_B$ (``m`` = ``momentum``). Eval mode uses the
    running mean and variance instead of the batch's.

    Backward (training mode), with $g = \\gamma\\, \\partial L/\\partial y$ and batch size $N$:
    $\\partial L/\\partial x = \\frac{1}{N\\sqrt{\\sigma_B^2+\\epsilon}}
    (N g - \\sum g - \\hat x \\sum g \\hat x)$.

    Parameters
    ----------
    n_features : int
        Width of the input.
    momentum : float, default 0.9
        Weight of the old value in the running averages, in [0, 1).
    eps : float, default 1e-5
        Added to the variance so the division is safe.
    """

    def __init__(self, n_features: int, momentum: float = 0.9, eps: float = 1e-5) -> None:
        self.n_features = check_positive(n_features, "n_features", integer=True)
        self.momentum = check_fraction(momentum, "momentum")
        self.eps = check_positive(eps, "eps")
        self.gamma = np.ones(self.n_features)
        self.beta = np.zeros(self.n_features)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self.running_mean = np.zeros(self.n_features)
        self.running_var = np.ones(self.n_features)
        self.x_hat: np.ndarray | None = None
        self.inv_std: np.ndarray | None = None
        self.training = True

    @property
    def n_in(self) -> int:
        return self.n_features

    @property
    def n_out(self) -> int:
        return self.n_features

    @property
    def output_range(self) -> Range:
        """Any real number: $\\gamma \\hat x + \\beta$ is not bounded."""
        return (-INF, INF)

    def forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """$\\gamma \\hat x + \\beta$, normalising with batch (training) or running (eval)
        statistics."""
        return self._forward(check_input(X, self.n_features), training)

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """Store ``dgamma``, ``dbeta`` and return $\\partial L/\\partial X$."""
        return self._backward(
            self._check_grad(dA, None if self.x_hat is None else self.x_hat.shape)
        )

    def _forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        if training:
            mean = X.mean(axis=0)
            var = X.var(axis=0)
            self.running_mean *= self.momentum
            self.running_mean += (1.0 - self.momentum) * mean
            self.running_var *= self.momentum
            self.running_var += (1.0 - self.momentum) * var
        else:
            mean, var = self.running_mean, self.running_var
        self.training = training
        self.inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = (X - mean) * self.inv_std
        return self.x_hat * self.gamma + self.beta

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        np.sum(dA * self.x_hat, axis=0, out=self.dgamma)
        np.sum(dA, axis=0, out=self.dbeta)
        g = dA * self.gamma
        if not self.training:  # the statistics are constants in eval mode
            return g * self.inv_std
        n = dA.shape[0]
        return (self.inv_std / n) * (
            n * g - g.sum(axis=0) - self.x_hat * (g * self.x_hat).sum(axis=0)
        )

    def parameters(self) -> ParameterList:
        return [("gamma", self.gamma, self.dgamma), ("beta", self.beta, self.dbeta)]

    def __repr__(self) -> str:
        return f"BatchNorm({self.n_features}, momentum={self.momentum}, eps={self.eps})"


class Residual(Layer):
    """Skip connection: $y = x + F(x)$, so $\\partial L/\\partial x = \\partial L/\\partial y +
    F'(x)^\\top \\partial L/\\partial y$: the gradient always has a direct path back.

    Parameters
    ----------
    block : Layer or Sequential
        $F$; its output must have the width of its input.
    """

    def __init__(self, block: Layer) -> None:
        if not isinstance(block, Layer):
            raise TypeError(f"block must be a Layer or a Sequential; got {type(block).__name__}")
        self.block = block

    @property
    def n_in(self) -> int | None:
        return self.block.n_in if self.block.n_in is not None else self.block.n_out

    @property
    def n_out(self) -> int | None:
        return self.n_in

    def forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        """$x + F(x)$."""
        X = np.asarray(X, dtype=np.float64)
        return self._add(X, self.block.forward(X, training=training))

    def backward(self, dA: np.ndarray) -> np.ndarray:
        """$\\partial L/\\partial y + $ the block's backward of it."""
        dA = np.asarray(dA, dtype=np.float64)
        return dA + self.block.backward(dA)

    def _forward(self, X: np.ndarray, training: bool = True) -> np.ndarray:
        return self._add(X, unchecked(self.block, "forward")(X, training=training))

    def _backward(self, dA: np.ndarray) -> np.ndarray:
        return dA + unchecked(self.block, "backward")(dA)

    @staticmethod
    def _add(X: np.ndarray, out: np.ndarray) -> np.ndarray:
        if out.shape != X.shape:
            raise ValueError(
                f"Residual block must keep the shape of its input, {X.shape}; its output has "
                f"shape {out.shape}"
            )
        return X + out

    def parameters(self) -> ParameterList:
        return self.block.parameters()

    def __repr__(self) -> str:
        return f"Residual({self.block!r})"
