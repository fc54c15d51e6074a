"""Layers: the building blocks of a network, each with a forward and a backward pass.

A layer's ``forward(X)`` maps a batch ``X (n_samples, n_in)`` to its output and remembers
what ``backward`` needs; ``backward(dA)`` takes $\\partial L/\\partial A$ (the gradient of
the loss with respect to the layer's output), stores the gradients of the layer's own
parameters, and returns $\\partial L/\\partial X$ for the layer below: backpropagation is
these calls in reverse order.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import activations, initializers
from .validation import FloatArray, check_fraction, check_positive

ParameterList = list[tuple[str, FloatArray, FloatArray]]
Range = tuple[float, float]
INF = float("inf")


def check_input(X: object, n_in: int, name: str = "X") -> FloatArray:
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


class Layer:
    """Base class of every layer (and of :class:`dlcore.Sequential`).

    Subclasses implement :meth:`forward` and :meth:`backward`; layers with weights also
    implement :meth:`parameters`. A layer checks the shapes of what it is given (a constant
    cost); the model's public methods check the data's values once (``Sequential.fit``
    checks them before the first batch, not on every batch).

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

    def forward(self, X: FloatArray, training: bool = True) -> FloatArray:
        """Return the layer's output for the batch ``X``; ``training`` selects the mode."""
        raise NotImplementedError

    def backward(self, dA: FloatArray) -> FloatArray:
        """Given $\\partial L/\\partial A$, store the parameter gradients and return
        $\\partial L/\\partial X$."""
        raise NotImplementedError

    def parameters(self) -> ParameterList:
        """The trainable arrays as ``(name, value, gradient)``; the optimiser updates the
        values in place."""
        return []

    def __call__(self, X: FloatArray, training: bool = True) -> FloatArray:
        return self.forward(X, training=training)

    def _check_grad(self, dA: npt.ArrayLike, expected: tuple[int, ...]) -> FloatArray:
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
        self.n_in: int = check_positive(n_in, "n_in", integer=True)
        self.n_out: int = check_positive(n_out, "n_out", integer=True)
        self.activation = activations.get(activation)
        self.init = init
        self.W: FloatArray = np.array(
            initializers.initialize(init, self.n_in, self.n_out, seed), dtype=np.float64
        )
        self.b = np.zeros(self.n_out)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.X: FloatArray | None = None
        self.Z: FloatArray | None = None
        self.A: FloatArray | None = None

    @property
    def output_range(self) -> Range | None:
        """The range of the activation (e.g. ``(0, 1)`` for a sigmoid)."""
        return self.activation.output_range

    def forward(self, X: npt.ArrayLike, training: bool = True) -> FloatArray:
        r"""$Z = XW + b$, $A = f(Z)$; keeps ``X``, ``Z`` and ``A`` for :meth:`backward`."""
        self.X = check_input(X, self.n_in)
        self.Z = self.X @ self.W
        self.Z += self.b
        self.A = self.activation.f(self.Z)
        return self.A

    def backward(self, dA: npt.ArrayLike, logits: bool = False) -> FloatArray:
        r"""Store $\partial L/\partial W$ and $\partial L/\partial b$ (see
        :meth:`_gradients`) and return $\partial L/\partial X = \partial L/\partial Z\,
        W^\top$."""
        dX: FloatArray = self._gradients(dA, logits) @ self.W.T
        return dX

    def _gradients(self, dA: npt.ArrayLike, logits: bool = False) -> FloatArray:
        r"""$\partial L/\partial Z = \partial L/\partial A \odot f'(Z)$, then store
        $\partial L/\partial W = X^\top \partial L/\partial Z$ and
        $\partial L/\partial b = \sum_i (\partial L/\partial Z)_i$; return
        $\partial L/\partial Z$.

        With ``logits``, ``dA`` is already $\partial L/\partial Z$ (a loss computed from this
        layer's logits). The first layer of a network being trained needs nothing more (no
        $\partial L/\partial X$), so the training loop calls this instead of :meth:`backward`.
        """
        if self.X is None or self.Z is None or self.A is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        grad = self._check_grad(dA, self.Z.shape)
        dZ = grad if logits else self.activation.chain(self.Z, self.A, grad)
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
        self.n_in: int = self.n_features
        self.n_out: int = self.n_features
        self.momentum = check_fraction(momentum, "momentum")
        self.eps = check_positive(eps, "eps")
        self.gamma = np.ones(self.n_features)
        self.beta = np.zeros(self.n_features)
        self.dgamma = np.zeros_like(self.gamma)
        self.dbeta = np.zeros_like(self.beta)
        self.running_mean = np.zeros(self.n_features)
        self.running_var = np.ones(self.n_features)
        self.x_hat: FloatArray | None = None
        self.inv_std: FloatArray | None = None
        self.training = True

    @property
    def output_range(self) -> Range:
        """Any real number: $\\gamma \\hat x + \\beta$ is not bounded."""
        return (-INF, INF)

    def forward(self, X: npt.ArrayLike, training: bool = True) -> FloatArray:
        r"""$\gamma \hat x + \beta$, normalising with batch (training) or running (eval)
        statistics."""
        X = check_input(X, self.n_features)
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

    def backward(self, dA: npt.ArrayLike) -> FloatArray:
        r"""Store $\partial L/\partial \gamma = \sum \partial L/\partial y \odot \hat x$,
        $\partial L/\partial \beta = \sum \partial L/\partial y$ and return
        $\partial L/\partial X$ (the formula above; $g\,/\sqrt{\sigma^2 + \epsilon}$ in
        eval mode, where the statistics are constants)."""
        if self.x_hat is None or self.inv_std is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        dA = self._check_grad(dA, self.x_hat.shape)
        np.sum(dA * self.x_hat, axis=0, out=self.dgamma)
        np.sum(dA, axis=0, out=self.dbeta)
        g = dA * self.gamma
        if not self.training:  # the statistics are constants in eval mode
            return g * self.inv_std
        n = dA.shape[0]
        dX: FloatArray = (self.inv_std / n) * (
            n * g - g.sum(axis=0) - self.x_hat * (g * self.x_hat).sum(axis=0)
        )
        return dX

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
        self.n_in = self.n_out = block.n_in if block.n_in is not None else block.n_out

    def forward(self, X: FloatArray, training: bool = True) -> FloatArray:
        """$x + F(x)$."""
        X = np.asarray(X, dtype=np.float64)
        return self._add(X, self.block.forward(X, training=training))

    def backward(self, dA: FloatArray) -> FloatArray:
        """$\\partial L/\\partial y + $ the block's backward of it."""
        dA = np.asarray(dA, dtype=np.float64)
        return dA + self.block.backward(dA)

    @staticmethod
    def _add(X: FloatArray, out: FloatArray) -> FloatArray:
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
