"""Checks for lesson 07, training a network: one epoch of mini-batch SGD, overfitting, early
stopping.

An epoch follows :meth:`dlcore.Sequential.fit`: the rows in the given ``order``, cut into
batches of ``batch_size`` (the last may be smaller); for each batch forward, the loss's
gradient, backward, and :math:`w \\leftarrow w - \\eta\\, \\partial L/\\partial w`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import numpy as np

import dlcore as dl
from course.checks._core import CheckFailed, as_float, call, check_choice, expect_close, passed

__all__ = ["check_best_epoch", "check_overfitting_prediction", "check_sgd_epoch"]


# ---------------------------------------------------------------- exercise 1


def _epoch(
    model: dl.Sequential,
    X: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    lr: float,
    batch_size: int,
    loss: dl.losses.Loss,
    sign: float = 1.0,
    keep_last: bool = True,
) -> dl.Sequential:
    """A copy of ``model`` after one epoch (``sign=-1``: steps uphill; ``keep_last=False``:
    the last, smaller batch skipped): the expected answer and the typical mistakes."""
    model = copy.deepcopy(model)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        if not keep_last and rows.size < batch_size:
            break
        out = model.forward(X[rows])
        model.backward(loss.backward(out, y[rows]))
        for _, value, grad in model.parameters():
            value -= sign * lr * grad
    return model


def _weights(model: dl.Sequential) -> np.ndarray:
    return np.concatenate([value.ravel() for _, value, _ in model.parameters()])


def _first_difference(mine: dl.Sequential, reference: dl.Sequential) -> str:
    """ "expected ..., got ..." for the first parameter entry where two models differ."""
    for (name, got, _), (_, expected, _) in zip(
        mine.parameters(), reference.parameters(), strict=True
    ):
        if got.shape != expected.shape:
            return f"expected {name} of shape {expected.shape} as fit gives, got {got.shape}"
        far = ~np.isclose(got, expected, atol=1e-10)
        if far.any():
            index = tuple(int(i) for i in np.argwhere(far)[0])
            return (
                f"expected {name}{list(index)} = {expected[index]:.6f} as fit(..., epochs=1) "
                f"gives, got {got[index]:.6f} ({int(far.sum())} of {far.size} entries of "
                f"{name} differ)"
            )
    return "expected the weights fit(..., epochs=1) gives, got other weights"


def _sgd_cases() -> list[tuple[str, dl.Sequential, np.ndarray, np.ndarray, float, int, str]]:
    """(name, model, X, y, lr, batch_size, loss): a regression with a smaller last batch, a
    classification, and one batch holding every row."""
    rng = np.random.default_rng(707)
    X1, X2 = rng.normal(size=(10, 3)), rng.normal(size=(7, 2))
    y1 = (X1[:, :1] * X1[:, 1:2] + 0.1 * rng.normal(size=(10, 1))).round(3)
    y2 = (X2[:, :1] + X2[:, 1:] > 0).astype(float)
    return [
        (
            "MLP([3, 4, 1], output='identity'), mse, 10 rows, batch_size=4",
            dl.MLP([3, 4, 1], output="identity", init="xavier", seed=1),
            X1.round(3),
            y1,
            0.1,
            4,
            "mse",
        ),
        (
            "MLP([2, 3, 1], output='sigmoid'), bce, 7 rows, batch_size=3",
            dl.MLP([2, 3, 1], output="sigmoid", init="xavier", seed=2),
            X2.round(3),
            y2,
            0.5,
            3,
            "bce",
        ),
        (
            "MLP([3, 4, 1], output='identity'), mse, 10 rows, batch_size=10",
            dl.MLP([3, 4, 1], output="identity", init="xavier", seed=3),
            X1.round(3),
            y1,
            0.05,
            10,
            "mse",
        ),
    ]


def check_sgd_epoch(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(model, X, y, order, lr, batch_size, loss)``: one epoch of mini-batch SGD
    that leaves ``model`` with the weights ``model.fit(..., epochs=1)`` gives."""
    for k, (name, model, X, y, lr, batch_size, loss_name) in enumerate(_sgd_cases()):
        seed = 70 + k
        order = np.random.default_rng(seed).permutation(len(X))
        loss = dl.losses.get(loss_name)
        case = f"sgd_epoch on {name}, lr={lr}"
        reference = copy.deepcopy(model)
        reference.fit(
            X, y, loss=loss, optimizer=dl.SGD(lr=lr), epochs=1, batch_size=batch_size, seed=seed
        )
        mine = copy.deepcopy(model)
        call(fn, mine, X.copy(), y.copy(), order.copy(), lr, batch_size, loss, case=case)
        got, expected = _weights(mine), _weights(reference)
        if np.array_equal(got, _weights(model)):
            raise CheckFailed(
                f"{case}: expected the weights to change, got the starting weights back\n"
                "Hint: update the model's own arrays in place (layer.W -= ...), or call "
                "dl.SGD(lr).step(model.parameters()) after each backward pass"
            )
        mistakes = [
            (
                _epoch(model, X, y, np.arange(len(X)), lr, batch_size, loss),
                "take the rows in the given order: batch k is X[order[k*batch_size : "
                "(k+1)*batch_size]], not X[k*batch_size : ...]",
            ),
            (
                _epoch(model, X, y, order, lr, len(X), loss),
                "one update per batch, not one per epoch: run forward, backward and the "
                "update inside the loop over the batches",
            ),
            (
                _epoch(model, X, y, order, lr, batch_size, loss, sign=-1.0),
                "step against the gradient: w <- w - lr * dL/dw",
            ),
            (
                _epoch(model, X, y, order, lr, batch_size, loss, keep_last=False),
                "keep the last batch even when it holds fewer than batch_size rows: "
                "range(0, n, batch_size) gives every start",
            ),
        ]
        hint = (
            "for each start in range(0, n, batch_size): rows = order[start : start + "
            "batch_size]; out = model.forward(X[rows]); model.backward(loss.backward(out, "
            "y[rows])); then w <- w - lr * dw for every (name, w, dw) in model.parameters()"
        )
        for wrong, why in mistakes:
            if np.allclose(got, _weights(wrong), atol=1e-10) and not np.allclose(
                got, expected, atol=1e-10
            ):
                hint = why
                break
        if got.shape != expected.shape or not np.allclose(got, expected, atol=1e-10):
            raise CheckFailed(f"{case}: {_first_difference(mine, reference)}\nHint: {hint}")
    passed("sgd_epoch gives the weights of fit(..., epochs=1): same batches, same updates")


# ---------------------------------------------------------------- exercise 2 (predict)


#: the choices of the prediction exercise, and what each one means
OVERFITTING_CHOICES = {
    "A": "the validation loss keeps falling with the training loss, only more slowly",
    "B": "the validation loss falls, reaches a minimum early, then rises while the training "
    "loss keeps falling",
    "C": "the validation loss rises from the very first epoch",
    "D": "both losses fall at first, then both rise: the network forgets what it learned",
}
_OVERFITTING_WHY = {
    "A": "that is what happens with 200 clean houses; with 20 noisy ones the network has "
    "enough weights to fit the noise of each training price, and noise does not carry over "
    "to new houses",
    "C": "at first the network learns what every house shares (bigger and better located "
    "means dearer), which helps on new houses too: the validation loss falls at first",
    "D": "gradient descent with a small learning rate keeps lowering the loss it is given, "
    "the training loss; it is the loss on houses it never sees that can go up",
}


def check_overfitting_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`OVERFITTING_CHOICES`, and say why a wrong choice is wrong."""
    check_choice(
        answer,
        case="my_prediction()",
        answer="B",
        reasons=OVERFITTING_CHOICES,
        hint=_OVERFITTING_WHY,
        success="B: first the network learns the pattern every house shares, then the noise "
        "of its 20 training prices; the second helps no new house, so the validation loss rises",
    )


# ---------------------------------------------------------------- exercise 3


_EPOCH_CASES = [
    [0.9, 0.5, 0.3, 0.4, 0.6],
    [0.8, 0.7, 0.65, 0.6],
    [0.2, 0.25, 0.3],
    [0.5, 0.31, 0.2, 0.2, 0.35],
]


def check_best_epoch(fn: Callable[..., Any]) -> None:
    """Check ``fn(val_loss)``: the epoch, counted from 1 as ``fit`` counts them, of the
    lowest validation loss (the first one when two are equal)."""
    for values in _EPOCH_CASES:
        for given in (list(values), np.array(values)):
            case = f"best_epoch({given!r})"
            got = call(fn, given, case=case)
            expected = int(np.argmin(values)) + 1
            if isinstance(got, (list, tuple, np.ndarray)) and np.size(got) == 1:
                got = np.ravel(got)[0]
            number = as_float(got, case)
            mistakes = [
                (
                    expected - 1,
                    "epochs count from 1 (the first epoch is epoch 1), and "
                    "np.argmin counts from 0: add 1",
                ),
                (min(values), "return the epoch of the lowest loss, not the loss itself"),
                (
                    len(values),
                    "the last epoch is not the best one when the validation loss "
                    "has risen since its minimum: look for the smallest value",
                ),
                (int(np.argmax(values)) + 1, "the best epoch has the LOWEST validation loss"),
            ]
            hint = next(
                (why for wrong, why in mistakes if np.isclose(number, wrong)),
                "find the index of the smallest value (np.argmin) and turn it into an epoch "
                "number counted from 1",
            )
            if len(values) - 1 - values[::-1].index(min(values)) + 1 == number != expected:
                hint = "when two epochs share the lowest loss, take the first: stopping earlier "
                hint += "costs nothing"
            expect_close(number, float(expected), case, hint=hint)
    passed("best_epoch finds the epoch of the lowest validation loss, counted from 1")
