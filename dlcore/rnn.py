r"""A recurrent cell: the same weights applied at every time step (forward only, a preview).

At step $t$ the cell combines the input $x_t$ with its previous hidden state $h_{t-1}$:

$$h_t = \tanh(x_t W_x + h_{t-1} W_h + b),$$

so $h_t$ carries a summary of everything seen so far.
"""

from __future__ import annotations

import numpy as np

from .activations import tanh
from .initializers import xavier_uniform
from .validation import as_array, check_positive, check_seed


class RNNCell:
    """An Elman recurrent cell with a tanh activation.

    Parameters
    ----------
    n_in : int
        Size of each input vector $x_t$.
    n_hidden : int
        Size of the hidden state $h_t$.
    seed : int or None
        Seed of the Xavier-initialised weights.

    Attributes
    ----------
    Wx : ndarray (n_in, n_hidden)
    Wh : ndarray (n_hidden, n_hidden)
    b : ndarray (n_hidden,)
    """

    def __init__(self, n_in: int, n_hidden: int, seed: int | None = 0) -> None:
        self.n_in = check_positive(n_in, "n_in", integer=True)
        self.n_hidden = check_positive(n_hidden, "n_hidden", integer=True)
        rng = np.random.default_rng(check_seed(seed))
        self.Wx = xavier_uniform(self.n_in, self.n_hidden, rng)
        self.Wh = xavier_uniform(self.n_hidden, self.n_hidden, rng)
        self.b = np.zeros(self.n_hidden)

    def step(self, x_t: object, h: object) -> np.ndarray:
        r"""One time step: $h_{next} = \tanh(x_t W_x + h W_h + b)$.

        ``x_t`` is ``(n_in,)`` or a batch ``(batch, n_in)``; ``h`` is ``(n_hidden,)`` or
        ``(batch, n_hidden)``.
        """
        x_t = self._check_last(as_array(x_t, "x_t", ndim=(1, 2)), "x_t", self.n_in)
        h = self._check_last(as_array(h, "h", ndim=(1, 2)), "h", self.n_hidden)
        return tanh(x_t @ self.Wx + h @ self.Wh + self.b)

    def forward(self, sequence: object, h0: object = None) -> np.ndarray:
        """Run the cell over ``sequence (T, n_in)`` or ``(batch, T, n_in)``.

        ``h0`` is the initial state (zeros by default). Returns every hidden state,
        ``(T, n_hidden)`` or ``(batch, T, n_hidden)``; the last one summarises the sequence.
        """
        seq = self._check_last(as_array(sequence, "sequence", ndim=(2, 3)), "sequence", self.n_in)
        batch_shape = seq.shape[:-2]  # () or (batch,)
        h = np.zeros((*batch_shape, self.n_hidden)) if h0 is None else as_array(h0, "h0")
        if h.shape != (*batch_shape, self.n_hidden):
            raise ValueError(
                f"h0 must have shape {(*batch_shape, self.n_hidden)}; got shape {h.shape}"
            )
        states = []
        for t in range(seq.shape[-2]):
            h = self.step(seq[..., t, :], h)
            states.append(h)
        return np.stack(states, axis=-2)

    @staticmethod
    def _check_last(a: np.ndarray, name: str, size: int) -> np.ndarray:
        if a.shape[-1] != size:
            raise ValueError(
                f"{name} must have {size} values along its last axis; got shape {a.shape}"
            )
        return a
