"""Checks for lesson 07, training a network: overfitting, early stopping, its patience."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course.checks._core import check
from course.exercises import lesson07

__all__ = ["check_early_stopping", "check_overfitting_prediction", "check_patience"]


def check_overfitting_prediction(prediction: Any) -> None:
    """Check the answer to: what does the validation loss of the big network on 20 noisy
    houses do over 2000 epochs? ``prediction`` is a letter ``"A"``..``"D"`` (any case), or
    a function returning one."""
    check(lesson07.OVERFITTING_PREDICTION, prediction)


def check_early_stopping(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(model, train_epoch, val_loss, patience, max_epochs)``: early stopping.

    For epochs :math:`t = 1, 2, \dots`: train one epoch, measure :math:`v_t`; when
    :math:`v_t < \min_{s<t} v_s` keep a copy of the weights and set the wait to 0, else add
    1 to the wait and stop when it reaches ``patience``. The model ends with the weights of
    :math:`t^* = \arg\min_t v_t` (the first), and ``fn`` returns :math:`t^*`.
    """
    check(lesson07.EARLY_STOPPING, fn)


def check_patience(patience: Any) -> None:
    """Check a patience (a whole number of epochs, or a function returning one): early
    stopping with it must stop at the lowest validation loss of the lesson's overfitting
    run, within a twentieth of its 2000 epochs."""
    check(lesson07.PATIENCE, patience)
