r"""Activation functions $a = f(z)$ and their derivatives $f'(z)$.

Every function works element-wise on an array of any shape (softmax works on the last
axis) and is numerically stable: inputs as large as $\pm 10^4$ give finite results and no
overflow warning. Each checks its input (a finite real array) and then applies its formula.

A layer uses an :class:`Activation`, the function and its derivative together:
``forward(z)`` gives $a$, and ``backward(z, grad)`` turns $\partial L/\partial a$ into
$\partial L/\partial z = \partial L/\partial a \odot f'(z)$ by the chain rule.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from numbers import Real
from typing import Any, Concatenate, ParamSpec

import numpy as np
import numpy.typing as npt

from .validation import FloatArray, as_array, check_choice

P = ParamSpec("P")
Formula = Callable[..., FloatArray]
INF = float("inf")


def _checked(
    ndim: tuple[int, ...] | None = None,
) -> Callable[
    [Callable[Concatenate[FloatArray, P], FloatArray]],
    Callable[Concatenate[npt.ArrayLike, P], FloatArray],
]:
    """Decorator: the public function checks ``z`` (finite, real, of ``ndim`` dimensions)
    and applies the formula; a layer applies the formula itself (:attr:`Activation.f`) to
    arrays it computed."""

    def decorate(
        formula: Callable[Concatenate[FloatArray, P], FloatArray],
    ) -> Callable[Concatenate[npt.ArrayLike, P], FloatArray]:
        def public(z: npt.ArrayLike, /, *args: P.args, **kwargs: P.kwargs) -> FloatArray:
            return formula(as_array(z, "z", ndim=ndim), *args, **kwargs)

        functools.update_wrapper(public, formula)  # its name, docstring and __wrapped__
        return public

    return decorate


@_checked()
def step(z: FloatArray) -> FloatArray:
    r"""Heaviside step, the perceptron's activation: $f(z) = 1$ if $z \ge 0$, else $0$."""
    return (z >= 0).astype(np.float64)


@_checked()
def step_derivative(z: FloatArray) -> FloatArray:
    """Derivative of the step: $0$ everywhere (undefined at $z = 0$), so it cannot be trained
    by gradient descent."""
    return np.zeros_like(z)


@_checked()
def sigmoid(z: FloatArray) -> FloatArray:
    r"""Logistic sigmoid $\sigma(z) = 1 / (1 + e^{-z})$, values in $(0, 1)$.

    Computed by sign so that ``exp`` never overflows: for $z \ge 0$ it uses
    $1/(1 + e^{-z})$, for $z < 0$ the equal form $e^{z}/(1 + e^{z})$.
    """
    # e^{-|z|} is in [0, 1]: never overflows; its rounding to 0 is the right answer
    with np.errstate(under="ignore"):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


@_checked()
def sigmoid_derivative(z: FloatArray) -> FloatArray:
    r"""Derivative of the sigmoid: $\sigma'(z) = \sigma(z)(1 - \sigma(z))$.

    Its maximum is $0.25$ at $z = 0$: the source of vanishing gradients in deep sigmoid
    networks.
    """
    s: FloatArray = inspect.unwrap(sigmoid)(z)  # the formula: z is checked already
    return s * (1.0 - s)


@_checked()
def tanh(z: FloatArray) -> FloatArray:
    r"""Hyperbolic tangent $\tanh(z) = (e^{z} - e^{-z}) / (e^{z} + e^{-z})$, values in
    $(-1, 1)$."""
    return np.tanh(z)


@_checked()
def tanh_derivative(z: FloatArray) -> FloatArray:
    r"""Derivative of tanh: $\tanh'(z) = 1 - \tanh^2(z)$ (at most $1$)."""
    t = np.tanh(z)
    return 1.0 - t * t


@_checked()
def relu(z: FloatArray) -> FloatArray:
    r"""Rectified linear unit $\mathrm{ReLU}(z) = \max(0, z)$."""
    return np.maximum(z, 0.0)


@_checked()
def relu_derivative(z: FloatArray) -> FloatArray:
    r"""Derivative of ReLU: $1$ for $z > 0$, else $0$ (the value $0$ is used at $z = 0$)."""
    return (z > 0).astype(np.float64)


@_checked()
def leaky_relu(z: FloatArray, alpha: float = 0.01) -> FloatArray:
    r"""Leaky ReLU $\max(\alpha z, z)$ for $0 \le \alpha < 1$: $z$ for $z > 0$, else
    $\alpha z$ (a small slope keeps negative units learning)."""
    alpha = _check_alpha(alpha)
    with np.errstate(under="ignore"):  # alpha * (a subnormal z) rounding to 0 is harmless
        return np.where(z > 0, z, alpha * z)


@_checked()
def leaky_relu_derivative(z: FloatArray, alpha: float = 0.01) -> FloatArray:
    r"""Derivative of leaky ReLU: $1$ for $z > 0$, else $\alpha$."""
    return np.where(z > 0, 1.0, _check_alpha(alpha))


@_checked()
def identity(z: FloatArray) -> FloatArray:
    r"""Identity (linear) activation $f(z) = z$, used for regression outputs."""
    return z.copy()


@_checked()
def identity_derivative(z: FloatArray) -> FloatArray:
    r"""Derivative of the identity: $1$ everywhere."""
    return np.ones_like(z)


@_checked(ndim=(1, 2, 3))
def softmax(z: FloatArray) -> FloatArray:
    r"""Softmax over the last axis: $\mathrm{softmax}(z)_k = e^{z_k} / \sum_j e^{z_j}$.

    Each row is shifted by its maximum first ($e^{z_k - m} / \sum_j e^{z_j - m}$ is the same
    value), so the largest exponent is $e^0 = 1$ and nothing overflows. Rows sum to 1.
    """
    # z - max is <= 0: it can only overflow to -inf (for a row like [1e308, -1e308]), whose
    # exponential, 0, is the right answer; e^{-1000} underflowing to 0 is right too
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        s: FloatArray = e / e.sum(axis=-1, keepdims=True)
        return s


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
    r"""An activation function $f$ together with its derivative $f'$, as a layer uses it.

    Parameters
    ----------
    name : str
        Name used by :func:`get`.
    function, derivative : callable
        The public functions of this module for $f$ and $f'$ (``sigmoid`` and
        ``sigmoid_derivative``).
    output_range : (low, high) or None
        The values $f$ can take (``(0, 1)`` for the sigmoid), or None if unknown; a loss
        that needs probabilities uses it to reject a wrong output activation before
        training.

    Attributes
    ----------
    f, df : callable
        The formulas of $f$ and $f'$ on a float array, without the input check: what a
        layer applies to the sums it computed itself.
    """

    def __init__(
        self,
        name: str,
        function: Callable[..., FloatArray],
        derivative: Callable[..., FloatArray],
        output_range: tuple[float, float] | None = None,
    ) -> None:
        self.name = name
        self.output_range = output_range
        self.f: Formula = inspect.unwrap(function)
        self.df: Formula = inspect.unwrap(derivative)

    def forward(self, z: npt.ArrayLike) -> FloatArray:
        r"""Return $a = f(z)$."""
        return self.f(as_array(z, "z"))

    def derivative(self, z: npt.ArrayLike) -> FloatArray:
        r"""Return $f'(z)$ element-wise."""
        return self.df(as_array(z, "z"))

    def backward(self, z: npt.ArrayLike, grad: npt.ArrayLike) -> FloatArray:
        r"""Return $\partial L/\partial z = \partial L/\partial a \odot f'(z)$ given
        ``grad`` $= \partial L/\partial a$ (same shape as ``z``)."""
        z = as_array(z, "z")
        return self.chain(z, self.f(z), _check_grad(grad, z))

    def chain(self, z: FloatArray, a: FloatArray, grad: FloatArray) -> FloatArray:
        r"""$\partial L/\partial z = \partial L/\partial a \odot f'(z)$ on checked arrays,
        ``a = f(z)`` from the forward pass."""
        return grad * self.df(z)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Softmax(Activation):
    r"""Softmax: each output depends on the whole row, so there is no element-wise derivative.

    ``backward`` applies the exact Jacobian:
    $\partial L/\partial z = s \odot (g - \sum_k g_k s_k)$ with $s = \mathrm{softmax}(z)$
    and $g = \partial L/\partial s$.
    """

    def __init__(self) -> None:
        super().__init__("softmax", softmax, _no_derivative, (0.0, 1.0))

    def forward(self, z: npt.ArrayLike) -> FloatArray:
        r"""Return $s = \mathrm{softmax}(z)$ over the last axis."""
        return softmax(z)

    def derivative(self, z: npt.ArrayLike) -> FloatArray:
        """Always raises: softmax has a full Jacobian, not an element-wise derivative."""
        return _no_derivative(z)

    def backward(self, z: npt.ArrayLike, grad: npt.ArrayLike) -> FloatArray:
        r"""Return the Jacobian-vector product $s \odot (g - \sum_k g_k s_k)$ per row."""
        s = softmax(z)
        return self.chain(as_array(z, "z"), s, _check_grad(grad, s))

    def chain(self, z: FloatArray, a: FloatArray, grad: FloatArray) -> FloatArray:
        r"""$s \odot (g - \sum_k g_k s_k)$ on checked arrays, $s$ = ``a``."""
        dz: FloatArray = a * (grad - (grad * a).sum(axis=-1, keepdims=True))
        return dz


def _no_derivative(z: Any) -> FloatArray:
    raise ValueError(
        "softmax has no element-wise derivative: each output depends on every input of "
        "its row; use Activation.backward(z, grad), which applies the full Jacobian"
    )


def _check_grad(grad: npt.ArrayLike, z: FloatArray) -> FloatArray:
    checked = as_array(grad, "grad")
    if checked.shape != z.shape:
        raise ValueError(
            f"grad must have the shape of z, {z.shape}; got an array of shape {checked.shape}"
        )
    return checked


_ACTIVATIONS: dict[str, Activation] = {
    "step": Activation("step", step, step_derivative, (0.0, 1.0)),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, (0.0, 1.0)),
    "tanh": Activation("tanh", tanh, tanh_derivative, (-1.0, 1.0)),
    "relu": Activation("relu", relu, relu_derivative, (0.0, INF)),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative, (-INF, INF)),
    "identity": Activation("identity", identity, identity_derivative, (-INF, INF)),
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
