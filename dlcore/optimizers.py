"""Optimisers: the weight update rule that follows backpropagation.

An optimiser's :meth:`Optimizer.step` receives the model's parameters as a list of
``(name, value, gradient)`` triples and updates each ``value`` in place, so the layers,
which hold the same arrays, see the new weights at once. Per-parameter state (velocity,
moment estimates) is kept under the parameter's name, together with the array it belongs
to: an optimiser reused on a new model (new arrays under the same names) starts from fresh
state, exactly like a new optimiser.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .validation import check_fraction, check_positive

Parameters = Iterable[tuple[str, np.ndarray, np.ndarray]]


class Optimizer:
    """Base class: updates parameters in place from their gradients.

    Parameters
    ----------
    lr : float
        The learning rate $\\eta > 0$.
    """

    def __init__(self, lr: float) -> None:
        self.lr = check_positive(lr, "lr")
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self._owners: dict[str, np.ndarray] = {}

    def step(self, parameters: Parameters) -> None:
        """Apply one update to every ``(name, value, gradient)`` triple, in place."""
        for name, value, grad in parameters:
            self.update(name, value, grad)

    def update(self, name: str, value: np.ndarray, grad: np.ndarray) -> None:
        """Update one parameter in place; subclasses define the rule."""
        raise NotImplementedError

    def reset(self) -> None:
        """Forget the per-parameter state (velocities, moments, step counts)."""
        self.state.clear()
        self._owners.clear()

    def _buffers(self, name: str, value: np.ndarray, *keys: str) -> dict[str, np.ndarray]:
        """The state arrays of one parameter, created as zeros on first use and again when
        ``name`` now refers to another array (another model's weights)."""
        slot = self.state.get(name)
        if slot is None or not _same_array(self._owners.get(name), value):
            slot = {key: np.zeros_like(value) for key in keys}
            self.state[name] = slot
            self._owners[name] = value
            self._new_slot(name)
        return slot

    def _new_slot(self, name: str) -> None:
        """Hook: forget any other state kept for ``name`` (Adam's step count)."""

    def __repr__(self) -> str:
        args = ", ".join(
            f"{k}={v!r}" for k, v in vars(self).items() if k not in ("state", "t", "_owners")
        )
        return f"{type(self).__name__}({args})"


def _same_array(old: np.ndarray | None, new: np.ndarray) -> bool:
    """True if ``new`` is ``old`` or a view of exactly the same memory (``old`` is kept
    alive by the optimiser, so its address cannot be reused by another array)."""
    if old is new:
        return True
    if old is None or old.shape != new.shape or old.strides != new.strides:
        return False
    return bool(old.__array_interface__["data"] == new.__array_interface__["data"])


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (heavy-ball) momentum.

    Without momentum: $w \\leftarrow w - \\eta\\, g$.
    With momentum $\\mu$: $v \\leftarrow \\mu v - \\eta\\, g$, then
    $w \\leftarrow w + v$ (the velocity starts at zero; for a constant learning rate
    this is the same update as PyTorch's ``SGD(momentum=mu)`` and scikit-learn's
    ``nesterovs_momentum=False``).

    Parameters
    ----------
    lr : float, default 0.1
        Learning rate $\\eta > 0$.
    momentum : float, default 0.0
        Momentum $\\mu \\in [0, 1)$.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.0) -> None:
        super().__init__(lr)
        self.momentum = check_fraction(momentum, "momentum")

    def update(self, name: str, value: np.ndarray, grad: np.ndarray) -> None:
        """$v \\leftarrow \\mu v - \\eta g;\\ w \\leftarrow w + v$ (in place)."""
        if self.momentum == 0.0:
            value -= self.lr * grad
            return
        slot = self._buffers(name, value, "velocity", "scratch")
        velocity, scratch = slot["velocity"], slot["scratch"]
        velocity *= self.momentum
        np.multiply(grad, self.lr, out=scratch)
        velocity -= scratch
        value += velocity


class Adam(Optimizer):
    """Adam: momentum on the gradient and a per-weight step size from its running square.

    $$m \\leftarrow \\beta_1 m + (1-\\beta_1) g,\\quad
    v \\leftarrow \\beta_2 v + (1-\\beta_2) g^2,\\quad
    w \\leftarrow w - \\eta\\,\\frac{m / (1-\\beta_1^t)}{\\sqrt{v / (1-\\beta_2^t)} + \\epsilon}$$

    Parameters
    ----------
    lr : float, default 0.001
        Learning rate $\\eta > 0$.
    beta1, beta2 : float, default 0.9 and 0.999
        Decay rates of the first and second moment estimates, in [0, 1).
    eps : float, default 1e-8
        Added to the denominator so it is never zero.
    """

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(lr)
        self.beta1 = check_fraction(beta1, "beta1")
        self.beta2 = check_fraction(beta2, "beta2")
        self.eps = check_positive(eps, "eps")
        self.t: dict[str, int] = {}

    def update(self, name: str, value: np.ndarray, grad: np.ndarray) -> None:
        """One bias-corrected Adam step on ``value`` (in place)."""
        slot = self._buffers(name, value, "m", "v", "scratch")
        m, v, scratch = slot["m"], slot["v"], slot["scratch"]
        t = self.t.get(name, 0) + 1
        self.t[name] = t
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        np.multiply(grad, grad, out=scratch)
        scratch *= 1.0 - self.beta2
        v += scratch
        step = self.lr * np.sqrt(1.0 - self.beta2**t) / (1.0 - self.beta1**t)
        np.sqrt(v, out=scratch)
        scratch += self.eps * np.sqrt(1.0 - self.beta2**t)
        np.divide(m, scratch, out=scratch)
        scratch *= step
        value -= scratch

    def reset(self) -> None:
        """Forget the moments and the step counts."""
        super().reset()
        self.t.clear()

    def _new_slot(self, name: str) -> None:
        self.t[name] = 0
