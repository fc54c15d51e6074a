"""Gradient checking: compare backpropagation with finite differences.

If ``backward`` is right, each analytic derivative matches the slope of the loss measured
by nudging one weight up and down:
$\\frac{\\partial L}{\\partial w} \\approx \\frac{L(w + \\epsilon) - L(w - \\epsilon)}{2\\epsilon}$.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import losses
from .layers import Layer
from .validation import as_array, check_positive

TINY = 1e-12


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Central differences of the scalar function ``f`` at the array ``x``.

    $$g_i = \\frac{f(x + \\epsilon e_i) - f(x - \\epsilon e_i)}{2\\epsilon}$$

    ``x`` is nudged in place one entry at a time and ``f(x)`` is called each time, so ``f``
    may also ignore its argument and read an array it shares with ``x`` (a layer's
    weights). Every entry is restored afterwards.

    Parameters
    ----------
    f : callable
        Returns a float.
    x : ndarray of floats
        The point; a float array that can be modified in place.
    eps : float, default 1e-6
        The step $\\epsilon$.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            "x must be a float numpy array (it is nudged in place); got "
            f"{type(x).__name__} {getattr(x, 'dtype', '')}".rstrip()
        )
    eps = check_positive(eps, "eps")
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = float(f(x))
        x[i] = old - eps
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def gradcheck(
    model: Layer, X: object, y: object, loss: str | losses.Loss = "mse", eps: float = 1e-6
) -> dict[str, float]:
    """Max relative error between backpropagation and central differences, per parameter.

    For each parameter entry: $|a - n| / \\max(|a| + |n|, 10^{-12})$ with $a$ from
    ``model.backward`` and $n$ from :func:`numerical_gradient` of the loss; the result maps
    each parameter name to the largest such error (below about $10^{-7}$ means the
    backward pass is right). The forward passes run in training mode, so a BatchNorm is
    checked with its batch statistics.

    Parameters
    ----------
    model : Layer or Sequential
    X, y : arrays
        A small batch and its targets.
    loss : str or Loss, default "mse"
    eps : float, default 1e-6
    """
    if not isinstance(model, Layer):
        raise TypeError(f"model must be a Layer or a Sequential; got {type(model).__name__}")
    if not model.parameters():
        raise ValueError(
            f"model {type(model).__name__} has no parameters: gradcheck compares the gradients "
            "of a model's weights, so give it a layer with weights (e.g. a Dense)"
        )
    loss_fn = losses.get(loss)
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", ndim=(1, 2))

    def objective(_: np.ndarray) -> float:
        return loss_fn.forward(model.forward(X, training=True), y)

    out = model.forward(X, training=True)
    model.backward(loss_fn.backward(out, y))
    analytic = {name: grad.copy() for name, _, grad in model.parameters()}
    errors = {}
    for name, value, _ in model.parameters():
        numeric = numerical_gradient(objective, value, eps)
        a = analytic[name]
        scale = np.maximum(np.abs(a) + np.abs(numeric), TINY)
        errors[name] = float(np.max(np.abs(a - numeric) / scale))
    return errors
