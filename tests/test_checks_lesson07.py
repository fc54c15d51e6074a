"""The exercise checks of lesson 07: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore as dl
from course.checks.lesson07 import (
    OVERFITTING_CHOICES,
    check_best_epoch,
    check_overfitting_prediction,
    check_sgd_epoch,
)

# --- correct answers, in more than one spelling ----------------------------------------------


def sgd_epoch(model, X, y, order, lr, batch_size, loss):
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        out = model.forward(X[rows])
        model.backward(loss.backward(out, y[rows]))
        for _, w, dw in model.parameters():
            w -= lr * dw


def sgd_epoch_with_the_optimizer(model, X, y, order, lr, batch_size, loss):
    sgd = dl.SGD(lr=lr)
    for rows in np.array_split(order, np.arange(batch_size, len(order), batch_size)):
        model.backward(loss.backward(model.forward(X[rows]), y[rows]))
        sgd.step(model.parameters())
    return model


def sgd_epoch_layer_by_layer(model, X, y, order, lr, batch_size, loss):
    X, y = X[order], y[order]  # shuffle once, then cut in order
    for start in range(0, len(X), batch_size):
        out = model.forward(X[start : start + batch_size])
        model.backward(loss.backward(out, y[start : start + batch_size]))
        for layer in model.layers:
            layer.W = layer.W - lr * layer.dW  # new arrays, not in place: fine too
            layer.b = layer.b - lr * layer.db


def my_prediction():
    return "B"


def best_epoch(val_loss):
    return int(np.argmin(val_loss)) + 1


def best_epoch_by_hand(val_loss):
    best = 0
    for i, value in enumerate(val_loss):
        if value < val_loss[best]:
            best = i
    return float(best + 1)


def best_epoch_as_an_array(val_loss):
    return np.array([np.argmin(val_loss) + 1])


# --- wrong answers, each a typical mistake ---------------------------------------------------


def sgd_in_row_order(model, X, y, order, lr, batch_size, loss):
    sgd_epoch(model, X, y, np.arange(len(order)), lr, batch_size, loss)


def sgd_one_step_per_epoch(model, X, y, order, lr, batch_size, loss):
    sgd_epoch(model, X, y, order, lr, len(order), loss)


def sgd_uphill(model, X, y, order, lr, batch_size, loss):
    sgd_epoch(model, X, y, order, -lr, batch_size, loss)


def sgd_drops_the_last_batch(model, X, y, order, lr, batch_size, loss):
    n_full = len(order) // batch_size * batch_size
    sgd_epoch(model, X, y, order[:n_full], lr, batch_size, loss)


def sgd_on_a_copy(model, X, y, order, lr, batch_size, loss):
    import copy

    sgd_epoch(copy.deepcopy(model), X, y, order, lr, batch_size, loss)


def best_epoch_from_zero(val_loss):
    return int(np.argmin(val_loss))


def best_loss_not_epoch(val_loss):
    return min(val_loss)


def last_epoch(val_loss):
    return len(val_loss)


def best_epoch_last_of_a_tie(val_loss):
    values = list(val_loss)
    return len(values) - values[::-1].index(min(values))


CHECKS = [
    (
        check_sgd_epoch,
        sgd_epoch,
        sgd_in_row_order,
        "sgd_epoch on MLP([3, 4, 1], output='identity'), mse, 10 rows, batch_size=4",
    ),
    (check_overfitting_prediction, my_prediction, lambda: "A", "my_prediction()"),
    (check_best_epoch, best_epoch, best_epoch_from_zero, "best_epoch([0.9, 0.5, 0.3, 0.4, 0.6])"),
]


@pytest.mark.parametrize("answer", [sgd_epoch_with_the_optimizer, sgd_epoch_layer_by_layer])
def test_other_correct_epochs_pass(answer, capsys):
    check_sgd_epoch(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (sgd_in_row_order, "in the given order"),
        (sgd_one_step_per_epoch, "one update per batch"),
        (sgd_uphill, "against the gradient"),
        (sgd_drops_the_last_batch, "keep the last batch"),
        (sgd_on_a_copy, "update the model.s own arrays"),
    ],
)
def test_each_epoch_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*{hint}"):
        check_sgd_epoch(wrong)


def test_the_reference_epoch_is_fits_first_epoch():
    """The check's expected weights are fit's: its order is default_rng(seed).permutation(n)."""
    X = np.random.default_rng(0).normal(size=(9, 2))
    y = X[:, :1] - X[:, 1:]
    start = dl.MLP([2, 3, 1], output="identity", init="xavier", seed=5)
    mine, fitted = dl.MLP([2, 3, 1], output="identity", init="xavier", seed=5), start
    fitted.fit(X, y, loss="mse", optimizer=dl.SGD(lr=0.1), epochs=1, batch_size=4, seed=11)
    order = np.random.default_rng(11).permutation(9)
    sgd_epoch(mine, X, y, order, 0.1, 4, dl.losses.get("mse"))
    for (_, a, _), (_, b, _) in zip(mine.parameters(), fitted.parameters(), strict=True):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("spelling", ["B", "b", " B ", "(B)", lambda: "b"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_overfitting_prediction(spelling)
    assert "noise" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("choice", "why"), [("A", "200 clean houses"), ("C", "falls at first"), ("D", "training loss")]
)
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in OVERFITTING_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_overfitting_prediction(choice)


@pytest.mark.parametrize("answer", [best_epoch_by_hand, best_epoch_as_an_array])
def test_other_correct_best_epochs_pass(answer, capsys):
    check_best_epoch(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (best_epoch_from_zero, "add 1"),
        (best_loss_not_epoch, "not the loss itself"),
        (last_epoch, "smallest value"),
        (best_epoch_last_of_a_tie, "take the first"),
    ],
)
def test_each_best_epoch_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_best_epoch(wrong)
