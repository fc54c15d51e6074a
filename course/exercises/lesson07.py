"""Lesson 07, training a network: what overfitting does, early stopping, and its patience.

Early stopping trains a model in place, which JSON cannot carry: its driver builds the model
in the kernel, hands the learner's function two small functions (one epoch of training, the
validation loss), and sends back what the run did: the epoch returned, how many epochs were
trained, and which epoch's weights the model holds at the end. The patience is a number, but
what it is judged on is what it does: its driver runs early stopping with it on the lesson's
overfitting run and sends back whether training stopped at the run's lowest validation loss,
and how soon.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course.exercises import Case, Mistake, close, implement, predict

# --- Exercise 1: predict what overfitting does to the validation loss -------------------------

OVERFITTING_PREDICTION = predict(
    "l07-overfitting-prediction-test",
    "B",
    {
        "A": "the validation loss keeps falling with the training loss, only more slowly",
        "B": "the validation loss falls, reaches a minimum early, then rises while the training "
        "loss keeps falling",
        "C": "the validation loss rises from the very first epoch",
        "D": "both losses fall at first, then both rise: the network forgets what it learned",
    },
    {
        "A": "that is what happens with 200 clean houses; with 20 noisy ones the network has "
        "enough weights to fit the noise of each training price, and noise does not carry over "
        "to new houses",
        "C": "at first the network learns what every house shares (bigger and better located "
        "means dearer), which helps on new houses too: the validation loss falls at first",
        "D": "gradient descent with a small learning rate keeps lowering the loss it is given, "
        "the training loss; it is the loss on houses it never sees that can go up",
    },
    success="B: first the network learns the pattern every house shares, then the noise of its "
    "20 training prices; the second helps no new house, so the validation loss rises",
)

# --- Exercise 2: early stopping that restores the best weights --------------------------------


def stopped_early(target, data, patience, max_epochs):
    """Driver: ``target(model, train_epoch, val_loss, patience, max_epochs)`` on a model built
    here; what the run did, as ``{"best_epoch", "epochs_trained", "holds"}`` (``holds``: the
    epoch whose weights the model has at the end, 0 for its starting weights, None for none).

    ``data`` is a list (a scripted validation curve: epoch k sets every weight of a small
    Dense layer to k, and the validation loss of weights k is the curve's k-th value) or
    ``{"houses": seed}`` (the lesson's big network on 20 noisy houses, trained for real).
    """
    import numpy

    import dlcore

    snapshots = []

    def flat(model):
        return numpy.concatenate([value.ravel() for _, value, _ in model.parameters()])

    def holding(model):
        now = flat(model)
        for epoch, weights in enumerate(snapshots):
            if weights.shape == now.shape and numpy.array_equal(weights, now):
                return epoch
        return None

    if isinstance(data, dict):
        seed = data["houses"]
        X_all, price = dlcore.datasets.make_house_prices(n_samples=60, noise=0.3, seed=seed)
        mean, spread = X_all[:20].mean(axis=0), X_all[:20].std(axis=0)
        p_mean, p_spread = price[:20].mean(), price[:20].std()
        X, y = (X_all[:20] - mean) / spread, (price[:20] - p_mean) / p_spread
        X_val, y_val = (X_all[20:] - mean) / spread, (price[20:] - p_mean) / p_spread
        model = dlcore.MLP([3, 64, 64, 1], hidden="relu", output="identity", init="he", seed=seed)
        optimizer = dlcore.SGD(lr=0.005, momentum=0.9)

        def fitted(m):
            m.fit(X, y, loss="mse", optimizer=optimizer, epochs=1, batch_size=20, seed=seed)

        def scored(m):
            return m.evaluate(X_val, y_val, loss="mse")["loss"]

    else:
        curve = [float(value) for value in data]
        model = dlcore.Sequential([dlcore.Dense(2, 2)])

        def fitted(m):
            for _, value, _ in m.parameters():
                value[...] = len(snapshots)

        def scored(m):
            epoch = holding(m)
            return curve[epoch - 1] if epoch else 10.0

    def train_epoch(m):
        if len(snapshots) > max_epochs:
            raise RuntimeError(f"trained more than max_epochs = {max_epochs} epochs")
        fitted(m)
        snapshots.append(flat(m).copy())

    def val_loss(m):
        return scored(m)

    snapshots.append(flat(model).copy())
    best = target(model, train_epoch, val_loss, patience, max_epochs)
    return {"best_epoch": best, "epochs_trained": len(snapshots) - 1, "holds": holding(model)}


def train_with_early_stopping(model, train_epoch, val_loss, patience, max_epochs):
    r"""Reference: train one epoch at a time; keep a copy of the weights whenever the
    validation loss beats the best so far; stop after ``patience`` epochs in a row without
    improvement (or at ``max_epochs``); write the best weights back; return their epoch."""
    best_loss, best_epoch, waited = np.inf, 0, 0
    best = [value.copy() for _, value, _ in model.parameters()]
    for epoch in range(1, max_epochs + 1):
        train_epoch(model)
        loss = val_loss(model)
        if loss < best_loss:
            best_loss, best_epoch, waited = loss, epoch, 0
            best = [value.copy() for _, value, _ in model.parameters()]
        else:
            waited += 1
            if waited >= patience:
                break
    for (_, value, _), saved in zip(model.parameters(), best, strict=True):
        value[...] = saved
    return best_epoch


def _early_stopping(
    model, train_epoch, val_loss, patience, max_epochs, *, better=np.less, reset=True, extra=0
):
    """Early stopping with a twist (the typical mistakes): a different test of improvement,
    a wait that is not reset, ``extra`` epochs past the patience; returns (best epoch, best
    weights, last epoch trained, best loss) and restores nothing."""
    best_loss, best_epoch, waited, epoch = np.inf, 0, 0, 0
    best = [value.copy() for _, value, _ in model.parameters()]
    for epoch in range(1, max_epochs + 1):  # noqa: B007 (the last epoch is returned)
        train_epoch(model)
        loss = val_loss(model)
        if better(loss, best_loss):
            best_loss, best_epoch = loss, epoch
            waited = 0 if reset else waited
            best = [value.copy() for _, value, _ in model.parameters()]
        else:
            waited += 1
            if waited >= patience + extra:
                break
    return best_epoch, best, epoch, best_loss


def _restored(model, best) -> None:
    for (_, value, _), saved in zip(model.parameters(), best, strict=True):
        value[...] = saved


def _keeps_the_last_weights(model, train_epoch, val_loss, patience, max_epochs):
    return _early_stopping(model, train_epoch, val_loss, patience, max_epochs)[0]


def _counts_epochs_from_zero(model, train_epoch, val_loss, patience, max_epochs):
    return train_with_early_stopping(model, train_epoch, val_loss, patience, max_epochs) - 1


def _returns_the_last_epoch(model, train_epoch, val_loss, patience, max_epochs):
    _, best, last, _ = _early_stopping(model, train_epoch, val_loss, patience, max_epochs)
    _restored(model, best)
    return last


def _returns_the_loss(model, train_epoch, val_loss, patience, max_epochs):
    _, best, _, loss = _early_stopping(model, train_epoch, val_loss, patience, max_epochs)
    _restored(model, best)
    return loss


def _never_stops(model, train_epoch, val_loss, patience, max_epochs):
    return train_with_early_stopping(model, train_epoch, val_loss, max_epochs + 1, max_epochs)


def _one_epoch_too_many(model, train_epoch, val_loss, patience, max_epochs):
    found, best, _, _ = _early_stopping(model, train_epoch, val_loss, patience, max_epochs, extra=1)
    _restored(model, best)
    return found


def _ties_count_as_better(model, train_epoch, val_loss, patience, max_epochs):
    found, best, _, _ = _early_stopping(
        model, train_epoch, val_loss, patience, max_epochs, better=np.less_equal
    )
    _restored(model, best)
    return found


def _wait_never_reset(model, train_epoch, val_loss, patience, max_epochs):
    found, best, _, _ = _early_stopping(
        model, train_epoch, val_loss, patience, max_epochs, reset=False
    )
    _restored(model, best)
    return found


def _held(epoch: int | None) -> str:
    if epoch is None:
        return "weights of none of its epochs"
    return "its starting weights" if epoch == 0 else f"the weights of epoch {epoch}"


def _stopped(expected: dict, got: Any) -> str | None:
    """Right when the learner's run returned the best epoch, trained as many epochs as the
    patience allows, and left the model with the best epoch's weights."""
    if not isinstance(got, dict) or "best_epoch" not in got:
        return f"expected the number of the best epoch, got {str(got)[:60]}"
    wrong = close(fit="squeeze")(expected["best_epoch"], got["best_epoch"])
    if wrong is not None:
        return f"the epoch returned: {wrong}"
    if got.get("epochs_trained") != expected["epochs_trained"]:
        return (
            f"expected training to stop after epoch {expected['epochs_trained']}, got "
            f"{got.get('epochs_trained')} epochs trained"
        )
    if got.get("holds") != expected["holds"]:
        return (
            f"expected the model to end with {_held(expected['holds'])}, the best, got "
            f"{_held(got.get('holds'))}"
        )
    return None


def _curve_case(curve: list[float], patience: int, max_epochs: int, hint: str) -> Case:
    label = (
        f"train_with_early_stopping with the validation losses {curve}, patience={patience}, "
        f"max_epochs={max_epochs}"
    )
    return Case((curve, patience, max_epochs), hint, label=label)


EARLY_STOPPING = implement(
    "l07-early-stopping-test",
    "train_with_early_stopping",
    (
        _curve_case(
            [0.9, 0.6, 0.4, 0.5, 0.45, 0.7, 0.3, 0.8],
            2,
            8,
            "epoch 3 is the best so far; epochs 4 and 5 do not beat it, so with patience 2 "
            "training stops after epoch 5 (the 0.3 of epoch 7 is never seen)",
        ),
        _curve_case(
            [0.9, 0.6, 0.4, 0.5, 0.45, 0.7, 0.3, 0.8],
            4,
            8,
            "epoch 7 beats epoch 3 before the patience of 4 runs out; the run then ends at "
            "max_epochs, with epoch 7 the best",
        ),
        _curve_case(
            [0.5, 0.3, 0.3, 0.35, 0.3, 0.4],
            2,
            6,
            "a loss equal to the best so far is no improvement: epoch 2 stays the best, and "
            "epochs 3 and 4 use up the patience",
        ),
        _curve_case(
            [0.9, 0.95, 0.7, 0.75, 0.6, 0.65, 0.66],
            2,
            7,
            "each improvement starts the count of epochs without improvement again at 0",
        ),
        _curve_case(
            [0.9, 0.8, 0.7, 0.6],
            1,
            4,
            "the loss improves at every epoch: all max_epochs are trained, the last is the best",
        ),
        _curve_case(
            [0.8, 0.85, 0.5, 0.4],
            1,
            4,
            "patience 1 stops at the first epoch without improvement, even when a better one "
            "would follow",
        ),
        Case(
            ({"houses": 0}, 10, 300),
            "the lesson's big network on 20 noisy houses, trained for real",
            label="train_with_early_stopping on the big network and 20 noisy houses (seed 0), "
            "patience=10, max_epochs=300",
        ),
        Case(
            ({"houses": 3}, 5, 300),
            "the lesson's big network on 20 noisy houses, trained for real",
            label="train_with_early_stopping on the big network and 20 noisy houses (seed 3), "
            "patience=5, max_epochs=300",
        ),
    ),
    train_with_early_stopping,
    compare=_stopped,
    driver=stopped_early,
    hints=(
        "after each epoch, compare the validation loss with the best one so far: when it is "
        "lower, remember the epoch and a copy of the weights, and start counting again; "
        "when it is not, count one more epoch without improvement, and stop when the count "
        "reaches the patience. At the end, put the remembered weights back into the model",
        "for t = 1, 2, ..., max_epochs: v_t improves when v_t < min of the earlier v_s "
        "(strictly); the wait is 0 after an improvement and 1 more after any other epoch, "
        "and training stops when it equals the patience; the saved weights are copies of the "
        "arrays (the optimiser goes on changing those), written back into the same arrays, "
        "in place, at the end; return the t of the last improvement",
    ),
    mistakes=(
        Mistake(
            _keeps_the_last_weights,
            "the model ends with the weights of the last epoch it trained, not of the best one: "
            "when the loss improves keep a copy of every parameter (a reference to the array "
            "changes with the next update), and at the end write the copies back into the "
            "model's own arrays",
        ),
        Mistake(
            _counts_epochs_from_zero,
            "epochs count from 1: the first epoch trained is epoch 1, as fit counts them",
        ),
        Mistake(
            _returns_the_last_epoch,
            "return the epoch of the best weights, not the last one trained",
        ),
        Mistake(_returns_the_loss, "return the number of the best epoch, not its loss"),
        Mistake(
            _never_stops,
            "the run never stopped early: after patience epochs in a row without improvement, "
            "leave the loop (break)",
        ),
        Mistake(
            _one_epoch_too_many,
            "that is one epoch too many: with patience p, stop as soon as p epochs in a row "
            "have not improved, so the best epoch b is followed by b + p as the last",
        ),
        Mistake(
            _ties_count_as_better,
            "a loss only equal to the best so far is no improvement: it must be strictly lower, "
            "so that the first of equal epochs stays the best and the patience keeps counting",
        ),
        Mistake(
            _wait_never_reset,
            "the count of epochs without improvement must start again at 0 at every "
            "improvement: the patience counts epochs in a row",
        ),
    ),
    success="train_with_early_stopping stops after `patience` epochs without improvement and "
    "leaves the model with the weights of its best epoch",
)

# --- Exercise 3: choose the patience ----------------------------------------------------------

#: epochs within which a patience must have stopped: a twentieth of the 2000 of the long run
BUDGET = 100


def stopping_at(target, seed, budget):
    """Driver: early stopping, with the patience ``target`` is (or returns), on the lesson's
    overfitting run at ``seed`` (20 noisy houses, the big network, momentum); whether it
    stops "in time" (at the run's lowest validation loss, within ``budget`` epochs), "too
    early" or "too late", and the numbers that say so."""
    import numpy

    import dlcore

    patience = target() if callable(target) else target
    if isinstance(patience, float) and patience.is_integer():
        patience = int(patience)
    if isinstance(patience, bool) or not isinstance(patience, (int, numpy.integer)):
        raise TypeError(f"a patience is a whole number of epochs, got {patience!r}")
    if patience < 1:
        raise ValueError(f"a patience is at least 1 epoch, got {patience}")
    curves = stopping_at.__dict__.setdefault("curves", {})
    if (seed, budget) not in curves:
        X, price = dlcore.datasets.make_house_prices(n_samples=220, noise=0.3, seed=seed)
        mean, spread = X[:20].mean(axis=0), X[:20].std(axis=0)
        p_mean, p_spread = price[:20].mean(), price[:20].std()
        model = dlcore.MLP([3, 64, 64, 1], hidden="relu", output="identity", init="he", seed=seed)
        history = model.fit(
            (X[:20] - mean) / spread,
            (price[:20] - p_mean) / p_spread,
            loss="mse",
            optimizer=dlcore.SGD(lr=0.005, momentum=0.9),
            epochs=budget,
            batch_size=20,
            seed=seed,
            validation_data=((X[20:] - mean) / spread, (price[20:] - p_mean) / p_spread),
        ).history_
        curves[seed, budget] = list(history.val_loss)
    curve = curves[seed, budget]
    best_loss, best, waited, stopped = float("inf"), 0, 0, None
    for epoch, loss in enumerate(curve, 1):
        if loss < best_loss:
            best_loss, best, waited = loss, epoch, 0
        else:
            waited += 1
            if waited >= patience:
                stopped = epoch
                break
    lowest = int(numpy.argmin(curve)) + 1
    verdict = "too late" if stopped is None else "in time" if best == lowest else "too early"
    return {
        "stops": verdict,
        "patience": int(patience),
        "seed": seed,
        "best_epoch": best,
        "lowest_epoch": lowest,
        "epochs_trained": stopped,
        "budget": budget,
    }


def my_patience() -> int:
    """Reference: a patience that outlasts momentum's swings and stops well within budget."""
    return 30


def _in_time(expected: dict, got: Any) -> str | None:
    """Right when the learner's patience stops as the reference's does (in time)."""
    if not isinstance(got, dict) or "stops" not in got:
        return f"expected a patience, a whole number of epochs, got {str(got)[:60]}"
    if got["stops"] == expected["stops"]:
        return None
    seed, patience = got.get("seed"), got.get("patience")
    if got["stops"] == "too late":
        return (
            f"at seed {seed}, patience {patience} has not stopped after {got.get('budget')} "
            "epochs: expected it to stop within a twentieth of the 2000"
        )
    return (
        f"at seed {seed}, patience {patience} stops after epoch {got.get('epochs_trained')} "
        f"with its best at epoch {got.get('best_epoch')}, but the lowest validation loss of "
        f"the run comes at epoch {got.get('lowest_epoch')}: it stopped too early"
    )


PATIENCE = implement(
    "l07-patience-test",
    ("my_patience", "patience", "PATIENCE"),
    tuple(
        Case(
            (seed, BUDGET),
            f"the overfitting run of the lesson at seed {seed}",
            label=f"early stopping with your patience on the overfitting run at seed {seed}",
        )
        for seed in (0, 5, 18)
    ),
    my_patience,
    compare=_in_time,
    driver=stopping_at,
    hints=(
        "the patience must outlast a swing (momentum makes the validation loss rise for a few "
        "epochs, then fall lower) but not wait far past the real minimum, which comes within "
        "the first few dozen epochs",
        "look at the curve above: count the epochs of the longest rise before the minimum; "
        f"the patience must be longer than that, and the minimum's epoch plus the patience "
        f"at most {BUDGET}",
    ),
    mistakes=(
        Mistake(
            lambda: 2,
            "that patience is too short: it stops on the first swing of the validation loss, "
            "before the real minimum; wait longer",
        ),
        Mistake(
            lambda: 1000,
            f"that patience is too long: early stopping should save most of the 2000 epochs, "
            f"so it must stop within {BUDGET}",
        ),
    ),
    success="your patience outlasts the swings and stops at the lowest validation loss, "
    "within a twentieth of the 2000 epochs",
)

EXERCISES = [OVERFITTING_PREDICTION, EARLY_STOPPING, PATIENCE]
