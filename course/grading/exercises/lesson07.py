"""Grader-side specs of lesson 07: one epoch of SGD, overfitting, early stopping.

``sgd_epoch`` trains a model in place, which JSON cannot carry: its driver builds the model
and the data in the kernel from the case, calls the learner's function and sends back the
model's weights after the epoch, flattened; the grader runs the same driver with the
reference epoch (the check's, equal to ``fit(..., epochs=1)``) and compares.
"""

from __future__ import annotations

import functools

import numpy as np

import dlcore as dl
from course.checks.lesson07 import _EPOCH_CASES, _epoch, _sgd_cases
from course.grading.exercises import Exercise, close, predicted, tagged_args


def sgd_epoch_weights(target, sizes, hidden, output, seed, X, y, order, lr, batch_size, loss):
    """Driver: ``target(model, X, y, order, lr, batch_size, loss)`` on a fresh
    ``dl.MLP(sizes, hidden, output, "xavier", seed)``; returns its weights, flattened."""
    import numpy

    import dlcore

    model = dlcore.MLP(sizes, hidden=hidden, output=output, init="xavier", seed=seed)
    X, y, order = numpy.array(X, dtype=float), numpy.array(y, dtype=float), numpy.array(order)
    target(model, X, y, order, lr, batch_size, dlcore.losses.get(loss))
    return numpy.concatenate([value.ravel() for _, value, _ in model.parameters()]).tolist()


def _reference_epoch(
    model: dl.Sequential,
    X: np.ndarray,
    y: np.ndarray,
    order: np.ndarray,
    lr: float,
    batch_size: int,
    loss: dl.losses.Loss,
) -> None:
    """The check's epoch, whose weights ``fit(..., epochs=1)`` gives, written into ``model``."""
    trained = _epoch(model, X, y, order, lr, batch_size, loss)
    for (_, value, _), (_, new, _) in zip(model.parameters(), trained.parameters(), strict=True):
        value[:] = new


def _sgd_epoch_cases() -> tuple:
    """The check's three cases, the hidden test's (the house prices), and a tanh network."""
    models = [([3, 4, 1], "identity", 1), ([2, 3, 1], "sigmoid", 2), ([3, 4, 1], "identity", 3)]
    cases = []
    for k, ((sizes, output, seed), case) in enumerate(zip(models, _sgd_cases(), strict=True)):
        _, _, X, y, lr, batch_size, loss = case
        order = np.random.default_rng(70 + k).permutation(len(X))
        cases.append(
            (
                sizes,
                "relu",
                output,
                seed,
                X.tolist(),
                y.tolist(),
                order.tolist(),
                lr,
                batch_size,
                loss,
            )
        )
    X_houses, price = dl.datasets.make_house_prices(n_samples=300, noise=0.05, seed=0)
    X_raw, prices = X_houses[:200], price[:200]
    X = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)
    y = ((prices - prices.mean()) / prices.std()).reshape(-1, 1)
    order = np.random.default_rng(0).permutation(len(X))
    cases.append(
        ([3, 16, 1], "relu", "identity", 0, X.tolist(), y.tolist(), order.tolist(), 0.02, 32, "mse")
    )
    rng = np.random.default_rng(717)
    X = rng.normal(size=(9, 2)).round(3)
    y = (X[:, :1] > X[:, 1:]).astype(float)
    order = rng.permutation(9)
    cases.append(
        ([2, 5, 3, 1], "tanh", "sigmoid", 4, X.tolist(), y.tolist(), order.tolist(), 0.3, 2, "bce")
    )
    return tuple(cases)


def _best_epoch(values: list) -> int:
    """Reference: the epoch, counted from 1, of the first lowest value."""
    return int(np.argmin(values)) + 1


_CURVE = (1.0 / np.arange(1, 301) + 1e-5 * (np.arange(1, 301) - 120.0) ** 2).round(6).tolist()

EXERCISES = [
    Exercise(
        "l07-sgd-epoch-test",
        ("sgd_epoch",),
        _sgd_epoch_cases(),
        close(functools.partial(sgd_epoch_weights, _reference_epoch), atol=1e-10, rtol=1e-5),
        driver=sgd_epoch_weights,
    ),
    predicted("l07-overfitting-prediction-test", "B"),
    Exercise(
        "l07-best-epoch-test",
        ("best_epoch",),
        tuple(
            case
            for values in [*_EPOCH_CASES, [0.4, 0.2, 0.2, 0.3], _CURVE]
            for case in ((values,), ({"array": values},))
        ),
        close(functools.partial(tagged_args, _best_epoch), rtol=1e-5, fit="squeeze"),
        driver=tagged_args,
    ),
]
