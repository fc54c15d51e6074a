"""Checks for lesson 10, vanishing gradients: the depth at which the 0.25^n bound becomes
tiny, the first weight's gradient of a chain of sigmoids, the setup that keeps the first
layer's gradient, and an exploding-gradient run through He's weights, by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson10
from course.exercises.lesson10 import LARGEST_GRADIENT_CHOICES

__all__ = [
    "LARGEST_GRADIENT_CHOICES",
    "check_exploding_run",
    "check_first_weight_gradient",
    "check_largest_gradient_prediction",
    "check_smallest_depth",
]


def check_smallest_depth(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(threshold, slope=0.25)``: the smallest :math:`n \ge 1` with
    :math:`\text{slope}^n < \text{threshold}`, that is the smallest whole number strictly
    greater than :math:`\log(\text{threshold}) / \log(\text{slope})`."""
    check(lesson10.SMALLEST_DEPTH, fn)


def check_first_weight_gradient(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(x, y, w, b)`` = :math:`\partial L/\partial w_1` for a chain of sigmoid
    neurons :math:`a_k = \sigma(w_k a_{k-1} + b_k)`, :math:`a_0 = x`, :math:`L = (a_n - y)^2`:

    .. math:: \frac{\partial L}{\partial w_1} = 2(a_n - y)\,\prod_{k=2}^{n}\big(\sigma'(z_k)\,
       w_k\big)\,\sigma'(z_1)\,x, \qquad \sigma'(z_k) = a_k(1 - a_k).
    """
    check(lesson10.FIRST_WEIGHT_GRADIENT, fn)


def check_largest_gradient_prediction(prediction: Any) -> None:
    """Check the answer to: which 20-layer setup keeps the first layer's gradient largest?
    ``prediction`` is a letter ``"A"``..``"D"`` (any case), or a function returning one."""
    check(lesson10.LARGEST_GRADIENT, prediction)


def check_exploding_run(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(X, G, sizes, rng, scale=1.0)`` returns ``(weights, norms)``: He's weights
    times ``scale``, each :math:`W^{[l]}` of shape :math:`(n_{l-1}, n_l)` drawn from ``rng``
    with mean 0 and :math:`\mathrm{Var}(w) = \text{scale}^2 \cdot 2 / n_{l-1}` (the variance
    that keeps :math:`\mathrm{Var}(z) = n_\text{in}\,\mathrm{Var}(w)\,E[a^2]` the same from
    one ReLU layer to the next, ReLU halving :math:`E[a^2]`), and the norms
    :math:`\lVert \partial L/\partial W^{[l]}\rVert`, layer 1 first, of the ReLU network
    :math:`a^{[l]} = \max(a^{[l-1]} W^{[l]}, 0)`, :math:`a^{[0]} = X`, given
    :math:`G = \partial L/\partial a^{[L]}`. Backward, for :math:`l = L, \dots, 1`:
    :math:`dz = G \odot [z^{[l]} > 0]`, :math:`\partial L/\partial W^{[l]} = a^{[l-1]\top} dz`,
    then :math:`G \leftarrow dz\, W^{[l]\top}`."""
    check(lesson10.EXPLODING_RUN, fn)
