"""Lesson 07's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

import dlcore as dl
from course.exercises import lesson07

SOLUTION = (
    "def train_with_early_stopping(model, train_epoch, val_loss, patience, max_epochs):\n"
    "    best_loss, best_epoch, waited = np.inf, 0, 0\n"
    "    best = [value.copy() for _, value, _ in model.parameters()]\n"
    "    for epoch in range(1, max_epochs + 1):\n"
    "        train_epoch(model)\n"
    "        loss = val_loss(model)\n"
    "        if loss < best_loss:\n"
    "            best_loss, best_epoch, waited = loss, epoch, 0\n"
    "            best = [value.copy() for _, value, _ in model.parameters()]\n"
    "        else:\n"
    "            waited += 1\n"
    "            if waited >= patience:\n"
    "                break\n"
    "    for (_, value, _), saved in zip(model.parameters(), best):\n"
    "        value[...] = saved\n"
    "    return best_epoch\n"
)

RIGHT = {
    "l07-overfitting-prediction-test": [
        "my_prediction = 'b'",
        "def my_prediction():\n    return ' (B) '",
        "def my_prediction():\n    return 'B'",
    ],
    "l07-early-stopping-test": [
        SOLUTION,
        # a copy of the whole model, its arrays bound back into the layers; a 1-element array
        "import copy\n"
        "def train_with_early_stopping(model, train_epoch, val_loss, patience, max_epochs):\n"
        "    kept, lowest, at, wait = copy.deepcopy(model), float('inf'), 0, 0\n"
        "    for epoch in range(1, max_epochs + 1):\n"
        "        train_epoch(model)\n"
        "        v = val_loss(model)\n"
        "        if v < lowest:\n"
        "            kept, lowest, at, wait = copy.deepcopy(model), v, epoch, 0\n"
        "        elif (wait := wait + 1) == patience:\n"
        "            break\n"
        "    for layer, saved in zip(model.layers, kept.layers):\n"
        "        layer.W, layer.b = saved.W, saved.b\n"
        "    return np.array([at])\n",
        # a while loop, the weights by name, the epoch as a float
        "def train_with_early_stopping(model, train_epoch, val_loss, patience, max_epochs):\n"
        "    history, epoch, best = [], 0, None\n"
        "    while epoch < max_epochs and (best is None or epoch - best < patience):\n"
        "        train_epoch(model)\n"
        "        epoch += 1\n"
        "        history.append(val_loss(model))\n"
        "        if history[-1] < min(history[:-1], default=np.inf):\n"
        "            best = epoch\n"
        "            weights = {n: np.array(v) for n, v, _ in model.parameters()}\n"
        "    for name, value, _ in model.parameters():\n"
        "        np.copyto(value, weights[name])\n"
        "    return float(best)\n",
    ],
    "l07-patience-test": [
        "def my_patience():\n    return 30",
        "my_patience = 20",
        "def my_patience():\n    return np.int64(70)",
        "my_patience = 45.0",
    ],
}

WRONG = {
    "l07-overfitting-prediction-test": [
        ("my_prediction = 'A'", "200 clean houses"),
        ("my_prediction = 'C'", "the validation loss falls at first"),
        ("def my_prediction():\n    return 'D'", "the training loss; it is the loss on houses"),
    ],
    "l07-early-stopping-test": [
        (
            SOLUTION.replace("value[...] = saved", "pass"),
            "ends with the weights of the last epoch it trained",
        ),
        (
            SOLUTION.replace(
                "best = [value.copy() for _, value, _ in model.parameters()]\n        else",
                "best = [value for _, value, _ in model.parameters()]\n        else",
            ),
            "a reference to the array changes with the next update",
        ),
        (SOLUTION.replace("return best_epoch", "return best_epoch - 1"), "epochs count from 1"),
        (SOLUTION.replace("return best_epoch", "return epoch"), "not the last one trained"),
        (SOLUTION.replace("return best_epoch", "return best_loss"), "not its loss"),
        (SOLUTION.replace("waited >= patience", "waited > patience"), "one epoch too many"),
        (SOLUTION.replace("if waited >= patience:", "if False:"), "leave the loop"),
        (SOLUTION.replace("loss < best_loss", "loss <= best_loss"), "must be strictly lower"),
        (
            SOLUTION.replace("best_epoch, waited = loss, epoch, 0", "best_epoch = loss, epoch"),
            "must start again at 0 at every improvement",
        ),
        (
            SOLUTION.replace(
                "train_epoch(model)\n", "train_epoch(model)\n        train_epoch(model)\n"
            ),
            "epochs 4 and 5 do not beat it",
        ),
    ],
    "l07-patience-test": [
        ("my_patience = 2", "that patience is too short"),
        ("def my_patience():\n    return 10", "stopped too early"),
        ("my_patience = 1000", "that patience is too long"),
        ("my_patience = 75", "has not stopped after 100 epochs"),
        ("my_patience = 2.5", "a patience is a whole number of epochs"),
        ("my_patience = 0", "a patience is at least 1 epoch"),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("07"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("07", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("07", test_id, answer)


def test_a_second_wrong_answer_shows_the_next_hint_never_the_code():
    wrong = (
        "def train_with_early_stopping(model, train_epoch, val_loss, patience, max_epochs):\n"
        "    return 1"
    )
    first = checked("07", "l07-early-stopping-test", wrong)
    second = checked("07", "l07-early-stopping-test", wrong)
    assert "Hint 1 of 2: after each epoch" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: for t = 1, 2, ..., max_epochs" in second
    for code in ("copy()", "[...]", "range(", "break", "parameters()"):
        assert code not in second


def test_the_patience_hints_go_in_steps():
    first = checked("07", "l07-patience-test", "my_patience = 3")
    second = checked("07", "l07-patience-test", "my_patience = 3")
    assert "too short" in first and "Hint 1 of 2: the patience must outlast a swing" in first
    assert "Hint 2 of 2: look at the curve above" in second


def test_the_reference_finds_the_lowest_validation_loss_of_fits_run():
    """Epoch by epoch, early stopping with a long patience keeps the very weights that fit
    reaches at the epoch of the lowest validation loss of a full run."""
    X, price = dl.datasets.make_house_prices(n_samples=60, noise=0.3, seed=1)
    X, y = (X - X[:20].mean(axis=0)) / X[:20].std(axis=0), (price - price.mean()) / price.std()
    run = dl.MLP([3, 16, 1], output="identity", init="he", seed=1)
    history = run.fit(
        X[:20],
        y[:20],
        loss="mse",
        optimizer=dl.SGD(lr=0.01, momentum=0.9),
        epochs=200,
        batch_size=20,
        validation_data=(X[20:], y[20:]),
    ).history_
    optimizer, model = (
        dl.SGD(lr=0.01, momentum=0.9),
        dl.MLP([3, 16, 1], "relu", "identity", "he", 1),
    )

    def train_epoch(m):
        m.fit(X[:20], y[:20], loss="mse", optimizer=optimizer, epochs=1, batch_size=20)

    def val_loss(m):
        return m.evaluate(X[20:], y[20:], loss="mse")["loss"]

    found = lesson07.train_with_early_stopping(model, train_epoch, val_loss, 200, 200)
    assert found == int(np.argmin(history.val_loss)) + 1
    assert np.isclose(val_loss(model), min(history.val_loss))


def test_the_patience_the_lesson_gives_stops_in_time_at_every_seed_of_the_sweep():
    for seed in range(10):
        outcome = lesson07.stopping_at(lesson07.my_patience, seed, lesson07.BUDGET)
        assert outcome["stops"] == "in time", outcome
