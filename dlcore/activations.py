r"""Activation functions $a = f(z)$ and their derivatives $f'(z)$.

Every function works element-wise on an array of any shape (softmax works on the last
axis) and is numerically stable: inputs as large as $\pm 10^4$ give finite results and no
overflow warning.

A layer uses an :class:`Activation` object: ``forward(z)`` gives $a$, and
``backward(z, grad)`` turns $\partial L/\partial a$ into $\partial L/\partial z$ by the
chain rule, $\partial L/\partial z = \partial L/\partial a \cdot f'(z)$.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import numpy as np

from .validation import as_array, check_choice

ArrayFunction = Callable[[np.ndarray], np.ndarray]


INF = float("inf")


def step(z: object) -> np.ndarray:
    r"""Heaviside step, the perceptron's activation: $f(z) = 1$ if $z \ge 0$, else $0$."""
    return _step(as_array(z, "z"))


def step_derivative(z: object) -> np.ndarray:
    """Derivative of the step: $0$ everywhere (undefined at $z = 0$), so it cannot be trained
    by gradient descent."""
    return _zeros(as_array(z, "z"))


def sigmoid(z: object) -> np.ndarray:
    r"""Logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$, values in $(0, 1)$.

    Computed by sign so that ``exp`` never overflows: for $z \ge 0$ it uses
    $1/(1 + e^{-z})$, for $z < 0$ the equal form $e^{z}/(1 + e^{z})$.
    """
    return _sigmoid(as_array(z, "z"))


def sigmoid_derivative(z: object) -> np.ndarray:
    r"""Derivative of the sigmoid: $\sigma'(z) = \sigma(z)(1 - \sigma(z))$.

    In plain words: sigma'(z) = sigma(z) * (1 - sigma(z)), computed from the forward value
    $s = \sigma(z)$ as ``s * (1 - s)``. Its maximum is $0.25$ at $z = 0$: the source of
    vanishing gradients in deep sigmoid networks.
    """
    return _sigmoid_derivative(as_array(z, "z"))


def tanh(z: object) -> np.ndarray:
    r"""Hyperbolic tangent $\tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z})$, values in
    $(-1, 1)$."""
    return np.tanh(as_array(z, "z"))


def tanh_derivative(z: object) -> np.ndarray:
    r"""Derivative of tanh: $\tanh'(z) = 1 - \tanh^2(z)$ (at most $1$)."""
    return _tanh_derivative(as_array(z, "z"))


def relu(z: object) -> np.ndarray:
    r"""Rectified linear unit $\mathrm{ReLU}(z) = \max(0, z)$."""
    return _relu(as_array(z, "z"))


def relu_derivative(z: object) -> np.ndarray:
    """Derivative of ReLU: $1$ for $z > 0$, else $0$ (the value $0$ is used at $z = 0$)."""
    return _relu_derivative(as_array(z, "z"))


def leaky_relu(z: object, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU $\max(\alpha z, z)$ for $0 \le \alpha < 1$: $z$ for $z > 0$, else
    $\alpha z$ (a small slope keeps negative units learning)."""
    return _leaky_relu(as_array(z, "z"), _check_alpha(alpha))


def leaky_relu_derivative(z: object, alpha: float = 0.01) -> np.ndarray:
    r"""Derivative of leaky ReLU: $1$ for $z > 0$, else $\alpha$."""
    return _leaky_relu_derivative(as_array(z, "z"), _check_alpha(alpha))


def identity(z: object) -> np.ndarray:
    """Identity (linear) activation $f(z) = z$, used for regression outputs."""
    return as_array(z, "z").copy()


def identity_derivative(z: object) -> np.ndarray:
    """Derivative of the identity: $1$ everywhere."""
    return np.ones_like(as_array(z, "z"))


def softmax(z: object) -> np.ndarray:
    r"""Softmax over the last axis: $\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}$.

    Each row is shifted by its maximum first ($e^{z_k - m} / \sum_j e^{z_j - m}$ is the same
    value), so the largest exponent is $e^0 = 1$ and nothing overflows. Rows sum to 1.
    """
    return _softmax(as_array(z, "z", ndim=(1, 2, 3)))


# -- the unchecked kernels: the same formulas on an array already known to be valid ------
# (a layer's fast path in ``Sequential.fit`` calls these, so no batch is scanned twice)


def _step(z: np.ndarray) -> np.ndarray:
    return (z >= 0).astype(np.float64)


def _zeros(z: np.ndarray) -> np.ndarray:
    return np.zeros_like(z)


def _ones(z: np.ndarray) -> np.ndarray:
    return np.ones_like(z)


def _same(z: np.ndarray) -> np.ndarray:
    return z


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # e^{-|z|} is in [0, 1]: never overflows; its rounding to 0 (or to a subnormal that the
    # division rounds again) is the right answer, so underflow is not worth a warning
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _tanh_derivative(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    return 1.0 - t * t


def _relu(z: np.ndarray) -> np.ndarray:
    return np.maximum(z, 0.0)


def _relu_derivative(z: np.ndarray) -> np.ndarray:
    return (z > 0).astype(np.float64)


def _leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    with np.errstate(under="ignore"):  # alpha * (a subnormal z) rounding to 0 is harmless
        return np.where(z > 0, z, alpha * z)


def _leaky_relu_derivative(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    return np.where(z > 0, 1.0, alpha)


def _softmax(z: np.ndarray) -> np.ndarray:
    # z - max is <= 0: it can only overflow to -inf (for a row like [1e308, -1e308]), whose
    # exponential, 0, is the right answer; e^{-1000} underflowing to 0 is right too
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)


def _check_alpha(alpha: object) -> float:
    if isinstance(alpha, bool) or not isinstance(alpha, Real):
        raise TypeError(
            f"alpha must be a number with 0 <= alpha < 1; got {alpha!r} ({type(alpha).__name__})"
        )
    if not 0.0 <= float(alpha) < 1.0:
        raise ValueError(
            f"alpha must be a number with 0 <= alpha < 1 (the slope for z < 0; at alpha >= 1 "
            f"the function is no longer a leaky ReLU); got {alpha!r}"
        )
    return float(alpha)


class Activation:
    """An activation function together with its derivative, as used by a layer.

    Parameters
    ----------
    name : str
        Name used by :func:`get`.
    function, derivative : callable
        $f$ and $f'$, both element-wise; called by the public, checked :meth:`forward` and
        :meth:`derivative`.
    output_range : (low, high) or None
        The values $f$ can take (``(0, 1)`` for the sigmoid), or None if unknown; a loss
        that needs probabilities uses it to reject a wrong output activation before
        training.
    kernel, derivative_kernel : callable or None
        Unchecked versions of ``function`` and ``derivative`` for an array already known to
        be valid (the training loop's fast path); default: ``function`` and ``derivative``.
    """

    def __init__(
        self,
        name: str,
        function: ArrayFunction,
        derivative: ArrayFunction,
        output_range: tuple[float, float] | None = None,
        *,
        kernel: ArrayFunction | None = None,
        derivative_kernel: ArrayFunction | None = None,
    ) -> None:
        self.name = name
        self.output_range = output_range
        self._function = function
        self._derivative = derivative
        self._kernel = function if kernel is None else kernel
        self._derivative_kernel = derivative if derivative_kernel is None else derivative_kernel

    def forward(self, z: object) -> np.ndarray:
        """Return $a = f(z)$."""
        return self._function(z)

    def derivative(self, z: object) -> np.ndarray:
        """Return $f'(z)$ element-wise."""
        return self._derivative(z)

    def backward(self, z: object, grad: object) -> np.ndarray:
        r"""Return $\partial L/\partial z = \partial L/\partial a \odot f'(z)$ given
        ``grad`` $= \partial L/\partial a$ (same shape as ``z``)."""
        z = as_array(z, "z")
        grad = _check_grad(grad, z)
        return grad * self.derivative(z)

    def _forward(self, z: np.ndarray) -> np.ndarray:
        """$f(z)$ without input checks (``z`` is a float array from a layer)."""
        return self._kernel(z)

    def _backward(self, z: np.ndarray, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        """:meth:`backward` without input checks; ``a = f(z)`` from the forward pass."""
        return grad * self._derivative_kernel(z)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Softmax(Activation):
    r"""Softmax: each output depends on the whole row, so there is no element-wise derivative.

    ``backward`` applies the exact Jacobian:
    $\partial L/\partial z = s \odot (g - \sum_k g_k s_k)$ with $s = \mathrm{softmax}(z)$
    and $g = \partial L/\partial s$.
    """

    def __init__(self) -> None:
        super().__init__("softmax", softmax, self.derivative, (0.0, 1.0), kernel=_softmax)

    def derivative(self, z: object) -> np.ndarray:
        """Always raises: softmax has a full Jacobian, not an element-wise derivative."""
        raise ValueError(
            "softmax has no element-wise derivative: each output depends on every input of "
            "its row; use Activation.backward(z, grad), which applies the full Jacobian"
        )

    def backward(self, z: object, grad: object) -> np.ndarray:
        r"""Return the Jacobian-vector product $s \odot (g - \sum_k g_k s_k)$ per row."""
        s = softmax(z)
        return self._backward(z, s, _check_grad(grad, s))

    def _backward(self, z: np.ndarray, a: np.ndarray, grad: np.ndarray) -> np.ndarray:
        return a * (grad - (grad * a).sum(axis=-1, keepdims=True))


def _check_grad(grad: object, z: np.ndarray) -> np.ndarray:
    grad = as_array(grad, "grad")
    if grad.shape != z.shape:
        raise ValueError(
            f"grad must have the shape of z, {z.shape}; got an array of shape {grad.shape}"
        )
    return grad


_ACTIVATIONS: dict[str, Activation] = {
    "step": Activation(
        "step", step, step_derivative, (0.0, 1.0), kernel=_step, derivative_kernel=_zeros
    ),
    "sigmoid": Activation(
        "sigmoid",
        sigmoid,
        sigmoid_derivative,
        (0.0, 1.0),
        kernel=_sigmoid,
        derivative_kernel=_sigmoid_derivative,
    ),
    "tanh": Activation(
        "tanh",
        tanh,
        tanh_derivative,
        (-1.0, 1.0),
        kernel=np.tanh,
        derivative_kernel=_tanh_derivative,
    ),
    "relu": Activation(
        "relu",
        relu,
        relu_derivative,
        (0.0, INF),
        kernel=_relu,
        derivative_kernel=_relu_derivative,
    ),
    "leaky_relu": Activation(
        "leaky_relu",
        leaky_relu,
        leaky_relu_derivative,
        (-INF, INF),
        kernel=_leaky_relu,
        derivative_kernel=_leaky_relu_derivative,
    ),
    "identity": Activation(
        "identity",
        identity,
        identity_derivative,
        (-INF, INF),
        kernel=_same,
        derivative_kernel=_ones,
    ),
    "softmax": Softmax(),
}

NAMES: tuple[str, ...] = tuple(_ACTIVATIONS)


def get(activation: str | Activation | None) -> Activation:
    """Return the :class:`Activation` called ``activation`` (``None`` means ``"identity"``;
    an :class:`Activation` is returned unchanged)."""
    if activation is None:
        return _ACTIVATIONS["identity"]
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise TypeError(
            f"activation must be a name, an Activation or None; got {activation!r} "
            f"({type(activation).__name__})"
        )
    return _ACTIVATIONS[check_choice(activation, "activation", NAMES)]
