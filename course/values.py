"""Numbers the lessons' figures and widgets show, computed with dlcore and drawn elsewhere.

``course.plots`` draws them and ``course.widgets`` shows them live; a notebook that wants
the numbers themselves (to print or to check) calls these. In lesson order: the perceptron
of lesson 03, the forward pass of lessons 05-07, the one-neuron graph of lesson 08.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from dlcore import activations

__all__ = [
    "dense_layers",
    "epoch_accuracies",
    "forward_values",
    "neuron_graph_values",
    "step_model",
]

# ---- lesson 03: the perceptron


def step_model(w: Any, b: float) -> Callable[[np.ndarray], np.ndarray]:
    r"""The perceptron $\hat y = [w^\top x + b \ge 0]$ as a function of (n, 2) points."""
    w = np.asarray(w, dtype=float)
    return lambda points: (points @ w + float(b) >= 0).astype(int)


def epoch_accuracies(steps: Sequence[Any], X: Any, y: Any) -> np.ndarray:
    """Accuracy on ``(X, y)`` of the weights at the end of each epoch in ``steps_``."""
    X, y = np.asarray(X, dtype=float), np.asarray(y).reshape(-1)
    ends = {s.epoch: s for s in steps}  # the last presentation of each epoch
    return np.array([np.mean(step_model(s.w, s.b)(X) == y) for s in ends.values()])


# ---- lessons 05-07: the forward pass of a dense network


def dense_layers(layers_or_model: Any) -> list[Any]:
    """The layers of a dlcore ``Sequential`` (or a list of layers), each checked to be a
    Dense layer with ``W`` and an activation."""
    layers = getattr(layers_or_model, "layers", layers_or_model)
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(
            "layers_or_model must be a dlcore Sequential or a list of Dense layers; got "
            f"{type(layers_or_model).__name__}"
        )
    for i, layer in enumerate(layers):
        if not (hasattr(layer, "W") and hasattr(layer, "activation")):
            raise TypeError(
                f"layer {i} must be a dlcore Dense layer (with W and an activation), not bare "
                f"weight matrices; got {type(layer).__name__}"
            )
    return list(layers)


def forward_values(layers_or_model: Any, x: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    r"""``[(z, a), ...]`` of every Dense layer for one example ``x``, by dlcore's forward pass.

    Layer :math:`l` computes :math:`z^{[l]} = a^{[l-1]} W^{[l]} + b^{[l]}` and
    :math:`a^{[l]} = f^{[l]}(z^{[l]})` with :math:`a^{[0]} = x` (dlcore's row form).
    """
    layers = dense_layers(layers_or_model)
    n_in = layers[0].W.shape[0]
    a = np.asarray(x, dtype=float).reshape(1, -1)
    if a.shape[1] != n_in or not np.all(np.isfinite(a)):
        raise ValueError(f"x must be {n_in} finite numbers, one per input; got {x!r}")
    values = []
    for layer in layers:
        a = layer.forward(a, training=False)
        values.append((layer.Z[0].copy(), a[0].copy()))
    return values


# ---- lesson 08: one neuron's computational graph


def neuron_graph_values(x: float, w: float, b: float, y: float) -> dict[str, float]:
    r"""Forward values, local derivatives and gradients of one neuron with a squared error.

    Forward: $z = wx + b$, $a = \sigma(z)$, $L = (a - y)^2$. Local derivatives:
    $\partial L/\partial a = 2(a - y)$, $\partial a/\partial z = \sigma(z)(1 - \sigma(z))$,
    $\partial z/\partial w = x$, $\partial z/\partial x = w$, $\partial z/\partial b = 1$.
    Gradients (chain rule): $\partial L/\partial z = \partial L/\partial a \cdot
    \partial a/\partial z$, then $\partial L/\partial w = \partial L/\partial z \cdot x$,
    $\partial L/\partial b = \partial L/\partial z$, $\partial L/\partial x = \partial L/\partial z
    \cdot w$. Keys: ``z, a, L, dL_da, da_dz, dL_dz, dL_dw, dL_db, dL_dx``.
    """
    values = {"x": x, "w": w, "b": b, "y": y}
    for name, value in values.items():
        if isinstance(value, bool) or not np.isfinite(np.asarray(value, dtype=float)).all():
            raise ValueError(f"{name} must be a finite number; got {value!r}")
        if np.ndim(value) != 0:
            raise ValueError(f"{name} must be one number (one neuron, one example); got {value!r}")
    x, w, b, y = float(x), float(w), float(b), float(y)
    z = w * x + b
    a = float(activations.sigmoid(np.array(z)))
    dL_da, da_dz = 2.0 * (a - y), a * (1.0 - a)
    dL_dz = dL_da * da_dz
    return {
        "z": z,
        "a": a,
        "L": (a - y) ** 2,
        "dL_da": dL_da,
        "da_dz": da_dz,
        "dL_dz": dL_dz,
        "dL_dw": dL_dz * x,
        "dL_db": dL_dz,
        "dL_dx": dL_dz * w,
    }
