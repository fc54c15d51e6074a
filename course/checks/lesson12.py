"""Checks for lesson 12, from dlcore to PyTorch: weights in torch's layout, accumulated
gradients, a training loop over a ``DataLoader``, and a network as an ``nn.Module``.

The first two checks run without PyTorch (the answers are numpy arrays, or anything
``np.asarray`` reads, torch tensors included, and a letter). The training loop's check
runs the learner's loop on PyTorch objects, and the module's check builds the learner's
module, so both need PyTorch: without it, they say so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson12
from course.exercises.lesson12 import ACCUMULATION_CHOICES, AGE_INCOME

__all__ = [
    "ACCUMULATION_CHOICES",
    "AGE_INCOME",
    "check_accumulation_prediction",
    "check_to_torch_state",
    "check_train_epochs",
    "check_two_layer_net",
]

#: what the checks of the PyTorch exercises say where PyTorch cannot be imported
NEEDS_TORCH = (
    "PyTorch is not installed, and this exercise runs your code on PyTorch's objects: "
    "install it (the cell after the imports says how), restart the kernel and run this "
    "check again. (Not checked, so not counted as wrong.)"
)


def _have_torch() -> bool:
    """Whether PyTorch can be imported; when not, say so (the check cannot run)."""
    try:
        import torch  # noqa: F401 (only: is it there?)
    except ImportError:
        print(NEEDS_TORCH)
        return False
    return True


def check_to_torch_state(fn: Callable[..., Any]) -> None:
    r"""Check ``to_torch_state(weights)``: dlcore's ``[(W, b), ...]`` as the ``state_dict`` of
    ``nn.Sequential(Linear, activation, Linear, ...)``.

    Layer :math:`i` (from 0) sits at place :math:`2i`:
    ``"2i.weight"`` :math:`= W_i^\top`, of shape (units, inputs), and ``"2i.bias"``
    :math:`= \mathbf{b}_i`.
    """
    check(lesson12.TO_TORCH_STATE, fn)


def check_accumulation_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`ACCUMULATION_CHOICES`: what ``.grad`` holds after two ``backward()`` passes."""
    check(lesson12.GRAD_ACCUMULATION, answer)


def check_train_epochs(fn: Callable[..., Any]) -> None:
    r"""Check ``train_epochs(model, loader, optimizer, loss_fn, epochs)``: the list of each
    epoch's mean training loss, the model trained in place.

    Per batch: ``zero_grad``, forward, the loss, ``backward``, ``step``; per epoch
    :math:`\frac{1}{n}\sum_\text{batches} n_\text{batch} L_\text{batch}`. Compared with
    dlcore's ``backprop`` and ``SGD`` on the same weights and batches, in float64.
    """
    if _have_torch():
        check(lesson12.TRAIN_EPOCHS, fn)


def check_two_layer_net(fn: Callable[..., Any]) -> None:
    r"""Check ``two_layer_net(n_in, n_hidden, n_out)``: an ``nn.Module`` of your own whose
    forward computes the logits
    :math:`\mathrm{ReLU}(X W_1^\top + \mathbf{b}_1) W_2^\top + \mathbf{b}_2` (torch's
    layout), with its two Linear layers' weights set by the check.
    """
    if _have_torch():
        check(lesson12.TWO_LAYER_NET, fn)
