"""The values a loss needs its predictions in, checked against the model's output.

A loss on probabilities (bce, cross_entropy) needs predictions in $[0, 1]$. Before
training, :func:`check_output_range` compares that range with the one the model's last
layer declares (a sigmoid gives $(0, 1)$, the identity $(-\\infty, \\infty)$) and explains the
fix; for a last layer of unknown range the training loop calls :func:`check_outputs` on
every batch's outputs instead.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import losses
from .activations import Activation
from .layers import Layer
from .validation import FloatArray

if TYPE_CHECKING:
    from .models import Sequential


def check_output_range(model: Sequential, loss_fn: losses.Loss) -> bool:
    """Fail before training when the model's output range does not fit the loss's (an
    identity output for bce); return True when that range is unknown, so that the training
    loop must watch the outputs themselves."""
    need = loss_fn.prediction_range
    if need is None:
        return False
    have = model.output_range
    if have is None:
        return True
    if not need[0] <= have[0] <= have[1] <= need[1]:
        raise ValueError(
            f"loss {loss_fn.name!r} needs predictions in {_interval(need)}"
            f"{_probabilities(need)}, but {_describe_output(model)} gives values in "
            f"{_interval(have)}; {_remedy(loss_fn)}"
        )
    return False


def check_outputs(out: FloatArray, loss_fn: losses.Loss, epoch: int) -> None:
    """Raise if the outputs left the loss's range (for a last layer of unknown range)."""
    assert loss_fn.prediction_range is not None
    low, high = loss_fn.prediction_range
    lowest, highest = float(out.min()), float(out.max())
    if lowest < low or highest > high:  # NaN compares False: left to the loss check
        raise ValueError(
            f"at epoch {epoch} the model's outputs left {_interval((low, high))} (values "
            f"from {lowest:g} to {highest:g}), but loss {loss_fn.name!r} needs predictions "
            f"in {_interval((low, high))}{_probabilities((low, high))}; {_remedy(loss_fn)}"
        )


def _describe_output(model: Sequential) -> str:
    last: Layer = model.layers[-1]
    while isinstance(layers := getattr(last, "layers", None), list):  # a nested Sequential
        last = layers[-1]
    activation = getattr(last, "activation", None)
    if isinstance(activation, Activation):
        return f"the model's output activation is {activation.name!r}, which"
    return f"the model's last layer, {last!r},"


def _interval(bounds: tuple[float, float]) -> str:
    low, high = bounds
    left = "(" if math.isinf(low) else "["
    right = ")" if math.isinf(high) else "]"
    return f"{left}{low:g}, {high:g}{right}"


def _probabilities(bounds: tuple[float, float]) -> str:
    return " (probabilities)" if tuple(bounds) == (0.0, 1.0) else ""


def _remedy(loss_fn: losses.Loss) -> str:
    if loss_fn.output_activation is None:
        return "change the model's last layer so that its outputs stay in that range"
    name = loss_fn.output_activation
    return (
        f"use a {name} output (MLP(..., output={name!r}), or activation={name!r} on the "
        "last Dense layer)"
    )
