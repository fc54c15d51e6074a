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

import numpy as np

from .validation import as_array, check_choice, check_non_negative

ArrayFunction = Callable[[np.ndarray], np.ndarray]


def step(z: object) -> np.ndarray:
    r"""Heaviside step, the perceptron's activation: $f(z) = 1$ if $z \ge 0$, else $0$."""
    z = as_array(z, "z")
    return (z >= 0).astype(np.float64)


def step_derivative(z: object) -> np.ndarray:
    """Derivative of the step: $0$ everywhere (undefined at $z = 0$), so it cannot be trained
    by gradient descent."""
    z = as_array(z, "z")
    return np.zeros_like(z)


def sigmoid(z: object) -> np.ndarray:
    r"""Logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$, values in $(0, 1)$.

    Computed by sign so that ``exp`` never overflows: for $z \ge 0$ it uses
    $1/(1 + e^{-z})$, for $z < 0$ the equal form $e^{z}/(1 + e^{z})$.
    """
    z = as_array(z, "z")
    with np.errstate(under="ignore"):  # e^{-1000} rounding to 0 is the right answer
        e = np.exp(-np.abs(z))  # in [0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z: object) -> np.ndarray:
    r"""Derivative of the sigmoid: $\sigma'(z) = \sigma(z)(1 - \sigma(z))$.

    In plain words: sigma'(z) = sigma(z) * (1 - sigma(z)), computed from the forward value
    $s = \sigma(z)$ as ``s * (1 - s)``. Its maximum is $0.25$ at $z = 0$: the source of
    vanishing gradients in deep sigmoid networks.
    """
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: object) -> np.ndarray:
    r"""Hyperbolic tangent $\tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z})$, values in
    $(-1, 1)$."""
    z = as_array(z, "z")
    return np.tanh(z)


def tanh_derivative(z: object) -> np.ndarray:
    r"""Derivative of tanh: $\tanh'(z) = 1 - \tanh^2(z)$ (at most $1$)."""
    t = tanh(z)
    return 1.0 - t * t


def relu(z: object) -> np.ndarray:
    r"""Rectified linear unit $\mathrm{ReLU}(z) = \max(0, z)$."""
    z = as_array(z, "z")
    return np.maximum(z, 0.0)


def relu_derivative(z: object) -> np.ndarray:
    """Derivative of ReLU: $1$ for $z > 0$, else $0$ (the value $0$ is used at $z = 0$)."""
    z = as_array(z, "z")
    return (z > 0).astype(np.float64)


def leaky_relu(z: object, alpha: float = 0.01) -> np.ndarray:
    r"""Leaky ReLU $\max(\alpha z, z)$ for $0 \le \alpha < 1$: $z$ for $z > 0$, else
    $\alpha z$ (a small slope keeps negative units learning)."""
    z = as_array(z, "z")
    alpha = check_non_negative(alpha, "alpha")
    return np.where(z > 0, z, alpha * z)


def leaky_relu_derivative(z: object, alpha: float = 0.01) -> np.ndarray:
    r"""Derivative of leaky ReLU: $1$ for $z > 0$, else $\alpha$."""
    z = as_array(z, "z")
    alpha = check_non_negative(alpha, "alpha")
    return np.where(z > 0, 1.0, alpha)


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
    z = as_array(z, "z", ndim=(1, 2, 3))
    with np.errstate(under="ignore"):  # e^{-1000} rounding to 0 is the right answer
        e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class Activation:
    """An activation function together with its derivative, as used by a layer.

    Parameters
    ----------
    name : str
        Name used by :func:`get`.
    function, derivative : callable
        $f$ and $f'$, both element-wise.
    """

    def __init__(self, name: str, function: ArrayFunction, derivative: ArrayFunction) -> None:
        self.name = name
        self._function = function
        self._derivative = derivative

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

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Softmax(Activation):
    r"""Softmax: each output depends on the whole row, so there is no element-wise derivative.

    ``backward`` applies the exact Jacobian:
    $\partial L/\partial z = s \odot (g - \sum_k g_k s_k)$ with $s = \mathrm{softmax}(z)$
    and $g = \partial L/\partial s$.
    """

    def __init__(self) -> None:
        super().__init__("softmax", softmax, self.derivative)

    def derivative(self, z: object) -> np.ndarray:
        """Always raises: softmax has a full Jacobian, not an element-wise derivative."""
        raise ValueError(
            "softmax has no element-wise derivative: each output depends on every input of "
            "its row; use Activation.backward(z, grad), which applies the full Jacobian"
        )

    def backward(self, z: object, grad: object) -> np.ndarray:
        r"""Return the Jacobian-vector product $s \odot (g - \sum_k g_k s_k)$ per row."""
        s = softmax(z)
        grad = _check_grad(grad, s)
        return s * (grad - np.sum(grad * s, axis=-1, keepdims=True))


def _check_grad(grad: object, z: np.ndarray) -> np.ndarray:
    grad = as_array(grad, "grad")
    if grad.shape != z.shape:
        raise ValueError(
            f"grad must have the shape of z, {z.shape}; got an array of shape {grad.shape}"
        )
    return grad


_ACTIVATIONS: dict[str, Activation] = {
    "step": Activation("step", step, step_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "tanh": Activation("tanh", tanh, tanh_derivative),
    "relu": Activation("relu", relu, relu_derivative),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
    "identity": Activation("identity", identity, identity_derivative),
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
