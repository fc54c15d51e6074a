"""Lesson 03, the perceptron: the weighted sum, Rosenblatt's update, the training loop, the
margin question."""

from __future__ import annotations

import numpy as np

import dlcore as dl
from course.exercises import Case, Mistake, close, implement, predict

# --- Exercise 1: the weighted sum z = w . x + b ---------------------------------------------


def weighted_sum(x: np.ndarray, w: np.ndarray, b: float) -> float:
    r"""Reference: :math:`z = \mathbf{w}^\top\mathbf{x} + b`, dlcore's perceptron's own sum."""
    perceptron = dl.Perceptron()
    perceptron.w, perceptron.b = np.asarray(w, dtype=float), float(b)
    return float(perceptron.weighted_sum(np.asarray(x, dtype=float)))


def _sum_without_bias(x: np.ndarray, w: np.ndarray, b: float) -> float:
    return float(np.dot(w, x))


def _sum_of_products_of_sums(x: np.ndarray, w: np.ndarray, b: float) -> float:
    return float(np.sum(x) * np.sum(w) + b)


_rng = np.random.default_rng(123)
_RANDOM_SUMS = tuple(
    Case((_rng.normal(size=6).tolist(), _rng.normal(size=6).tolist(), float(_rng.normal())))
    for _ in range(5)
)

WEIGHTED_SUM = implement(
    "l03-weighted-sum-test",
    "weighted_sum",
    (
        Case(([1.0, 2.0], [0.5, -1.0], 0.5), "multiply each x_i by its w_i, add them up, add b"),
        Case(([0.0, 0.0], [3.0, -2.0], 2.0), "with x = 0 every product is 0, so z is b alone"),
        Case(([2.0, -1.0, 4.0], [0.25, 3.0, 0.5], -1.0), "sum over all the features, not two"),
        *_RANDOM_SUMS,
    ),
    weighted_sum,
    compare=close(fit="squeeze"),
    arrays=(0, 1),
    hints=(
        "each input x_i is scaled by its own weight w_i; the scaled inputs are added, and the "
        "bias b is added once at the end",
        "z = w_1 x_1 + w_2 x_2 + ... + w_n x_n + b, which is the dot product of w and x, plus b",
    ),
    mistakes=(
        Mistake(_sum_without_bias, "that is the sum without the bias: add b once at the end"),
        Mistake(
            _sum_of_products_of_sums,
            "that multiplies the sum of the inputs by the sum of the weights: each x_i is "
            "paired with its own w_i",
        ),
    ),
    library=("dlcore.Perceptron.weighted_sum",),
    success="weighted_sum computes z = w·x + b",
)

# --- Exercise 2: one update of Rosenblatt's rule ---------------------------------------------


def presented(target, w, b, x, y, lr):
    """Driver: present one example to ``target(w, b, x, y, lr)``; its result, and whether it
    changed the arrays it was given."""
    import numpy

    w_in, x_in = numpy.array(w, dtype=float), numpy.array(x, dtype=float)
    result = target(w_in, b, x_in, y, lr)
    changed = not (numpy.array_equal(w_in, w) and numpy.array_equal(x_in, x))
    return {"result": result, "changed": changed}


def perceptron_update(w: np.ndarray, b: float, x: np.ndarray, y: int, lr: float):
    r"""Reference: :math:`\hat y = f(\mathbf{w}^\top\mathbf{x} + b)`, then
    :math:`\mathbf{w} \leftarrow \mathbf{w} + \eta (y - \hat y)\mathbf{x}` and
    :math:`b \leftarrow b + \eta (y - \hat y)`, by dlcore's ``Perceptron.update``."""
    perceptron = dl.Perceptron(lr=lr)
    perceptron.w, perceptron.b = np.array(w, dtype=float), float(b)
    perceptron.update(np.asarray(x, dtype=float), int(y))
    return perceptron.w, perceptron.b


def _update_forgetting_the_bias(w, b, x, y, lr):
    new_w, _ = perceptron_update(w, b, x, y, lr)
    return new_w, b


def _update_forgetting_the_learning_rate(w, b, x, y, lr):
    return perceptron_update(w, b, x, y, 1.0)


def _update_with_the_error_reversed(w, b, x, y, lr):
    new_w, new_b = perceptron_update(w, b, x, y, lr)
    return 2 * np.asarray(w) - new_w, 2 * b - new_b


def _step_at_zero_gives_zero(w, b, x, y, lr):
    y_hat = 1.0 if np.dot(w, x) + b > 0 else 0.0
    return np.asarray(w) + lr * (y - y_hat) * np.asarray(x), b + lr * (y - y_hat)


def _pair(expected: dict, got: object) -> str | None:
    """Right when the learner returned the pair (new w, new b) without changing its inputs."""
    if not isinstance(got, dict) or "result" not in got:
        return f"expected a pair (new_w, new_b), got {str(got)[:60]}"
    if got.get("changed"):
        return "the function changed the arrays passed in: build new ones instead of w += ..."
    result = got["result"]
    if not (isinstance(result, list) and len(result) == 2 and isinstance(result[0], list)):
        return f"expected a pair (new_w, new_b), got {str(result)[:60]}"
    new_w, new_b = expected["result"]
    wrong_w = close(fit="squeeze")(new_w, result[0])
    if wrong_w is not None:
        return f"new w: {wrong_w}"
    wrong_b = close(fit="squeeze")(new_b, result[1])
    return None if wrong_b is None else f"new b: {wrong_b}"


def _label(w, b, x, y, lr) -> str:
    return f"perceptron_update(w={w}, b={b}, x={x}, y={y}, lr={lr})"


_HAND_UPDATES = (
    (
        ([1.0, 1.0], 0.0, [1.0, 1.0], 1, 1.0),
        "a correctly classified example (ŷ = y) changes nothing",
    ),
    (([-1.0, 0.5], 0.0, [2.0, 1.0], 1, 0.5), "z = -1.5, so ŷ = 0 while y = 1: the error is +1"),
    (([1.0, 1.0], 0.5, [1.0, 2.0], 0, 1.0), "z = 3.5, so ŷ = 1 while y = 0: the error is -1"),
    (([1.0, -1.0], 0.0, [1.0, 1.0], 0, 1.0), "here z = 0 exactly: the step function gives ŷ = 1"),
)
_rng = np.random.default_rng(7)
_RANDOM_UPDATES = tuple(
    Case(
        (
            _rng.normal(size=3).tolist(),
            float(_rng.normal()),
            _rng.normal(size=3).tolist(),
            int(_rng.integers(2)),
            0.3,
        ),
        label=f"perceptron_update on random example {n}",
    )
    for n in range(1, 21)
)

PERCEPTRON_UPDATE = implement(
    "l03-perceptron-update-test",
    "perceptron_update",
    (*(Case(args, hint, label=_label(*args)) for args, hint in _HAND_UPDATES), *_RANDOM_UPDATES),
    perceptron_update,
    compare=_pair,
    driver=presented,
    hints=(
        "predict first, with the step function; the error y - ŷ is then 0, +1 or -1, and "
        "only a wrong prediction moves anything",
        "w ← w + η (y - ŷ) x and b ← b + η (y - ŷ): the bias is a weight whose input is 1",
    ),
    mistakes=(
        Mistake(
            _update_forgetting_the_bias,
            "the bias moves too: b ← b + η (y - ŷ), like a weight whose input is always 1",
        ),
        Mistake(
            _update_forgetting_the_learning_rate, "multiply the change by the learning rate lr"
        ),
        Mistake(
            _update_with_the_error_reversed,
            "the error is y - ŷ, the label minus the prediction, not ŷ - y",
        ),
        Mistake(
            _step_at_zero_gives_zero,
            "the step function is 1 at z = 0 (f(z) = 1 when z ≥ 0), so ŷ = 1 there",
        ),
    ),
    library=("dlcore.Perceptron.update", "dlcore.Perceptron.weighted_sum"),
    success="perceptron_update applies Rosenblatt's rule: w += η(y - ŷ)x, b += η(y - ŷ)",
)

# --- Exercise 3: the training loop ----------------------------------------------------------


def train_perceptron(X: np.ndarray, y: np.ndarray, lr: float, epochs: int):
    r"""Reference: dlcore's ``Perceptron(shuffle=False).fit``: from :math:`\mathbf{w} = 0,
    b = 0`, the examples in their order, Rosenblatt's rule after each; the mistakes of each
    epoch, stopping after the first epoch without one."""
    p = dl.Perceptron(lr=lr, epochs=epochs, shuffle=False).fit(X, y)
    return p.w, p.b, p.errors_


def trained(target, X, y, lr, epochs):
    """Driver: ``target(X, y, lr, epochs)`` on float arrays; the weights, the bias and the
    mistakes per epoch it returns, or what is wrong with their form."""
    import numpy

    X, y = numpy.array(X, dtype=float), numpy.array(y, dtype=float)
    result = target(X.copy(), y.copy(), lr, epochs)
    if isinstance(result, (str, bytes, dict)) or not hasattr(result, "__len__") or len(result) != 3:
        return {"error": f"expected three things (w, b, errors), got {str(result)[:60]}"}
    try:
        w = numpy.asarray(result[0], dtype=float).reshape(-1)
        b = numpy.asarray(result[1], dtype=float).reshape(-1)
        errors = numpy.asarray(result[2], dtype=float).reshape(-1)
    except (TypeError, ValueError):
        return {"error": f"expected numbers (w, b, errors), got {str(result)[:60]}"}
    if b.size != 1:
        return {"error": f"expected b to be one number, got {str(result[1])[:60]}"}
    return {"w": w.tolist(), "b": float(b[0]), "errors": errors.tolist()}


def _trained(expected: dict, got: object) -> str | None:
    """Right when the mistakes per epoch are the reference's, and so are w and b."""
    if not isinstance(got, dict):
        return f"expected (w, b, errors), got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    want, have = expected["errors"], got["errors"]
    if len(have) != len(want):
        return (
            f"expected {len(want)} epochs (mistakes per epoch {[int(e) for e in want]}), got "
            f"{len(have)}: {str(have)[:60]}"
        )
    if not np.array_equal(have, want):
        return f"mistakes per epoch: expected {[int(e) for e in want]}, got {str(have)[:60]}"
    if len(got["w"]) != len(expected["w"]):
        return f"expected {len(expected['w'])} weights, got {len(got['w'])}"
    if not np.allclose(got["w"], expected["w"], atol=1e-8):
        return f"w: expected {np.round(expected['w'], 6).tolist()}, got {str(got['w'])[:60]}"
    if not np.isclose(got["b"], expected["b"], atol=1e-8):
        return f"b: expected {expected['b']:.6g}, got {got['b']:.6g}"
    return None


def _loop(X, y, lr, epochs, *, stop="after", at_zero=1.0, bias=True, cumulative=False):
    """A training loop with one typical mistake switched on."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w, b, errors, total = np.zeros(X.shape[1]), 0.0, [], 0
    for _ in range(epochs):
        n = 0
        for x_i, y_i in zip(X, y, strict=True):
            z = x_i @ w + b
            y_hat = 1.0 if z > 0 else (at_zero if z == 0 else 0.0)
            if y_hat != y_i:
                n += 1
                w = w + lr * (y_i - y_hat) * x_i
                b = b + lr * (y_i - y_hat) * bias
        total += n
        if n == 0 and stop == "before":
            break
        errors.append(total if cumulative else n)
        if n == 0 and stop == "after":
            break
    return w, b, errors


def _never_stops(X, y, lr, epochs):
    return _loop(X, y, lr, epochs, stop="never")


def _drops_the_last_epoch(X, y, lr, epochs):
    return _loop(X, y, lr, epochs, stop="before")


def _counts_cumulatively(X, y, lr, epochs):
    return _loop(X, y, lr, epochs, cumulative=True)


def _step_zero_at_zero(X, y, lr, epochs):
    return _loop(X, y, lr, epochs, at_zero=0.0)


def _bias_never_learns(X, y, lr, epochs):
    return _loop(X, y, lr, epochs, bias=False)


_AND = ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 0.0, 0.0, 1.0])
_OR = (_AND[0], [0.0, 1.0, 1.0, 1.0])
_XOR = (_AND[0], [0.0, 1.0, 1.0, 0.0])


def _points(maker: str, n: int, seed: int, **options) -> tuple[list, list]:
    X, y = getattr(dl.datasets, maker)(n_samples=n, seed=seed, **options)
    return X.tolist(), y.tolist()


_rng3 = np.random.default_rng(3)
_X3 = _rng3.uniform(-1, 1, size=(25, 3))
_X3 = _X3[np.abs(_X3 @ [1.0, -2.0, 0.5] + 0.2) > 0.2]
_Y3 = (_X3 @ [1.0, -2.0, 0.5] + 0.2 >= 0).astype(float)

TRAIN_PERCEPTRON = implement(
    "l03-train-perceptron-test",
    "train_perceptron",
    (
        Case(
            (*_AND, 1.0, 10),
            "AND is separable: the mistakes stop, and the epoch without one ends the training",
            label="train_perceptron on the AND corners, lr=1, epochs=10",
        ),
        Case((*_OR, 0.5, 10), "OR, with lr = 0.5", label="train_perceptron on OR, lr=0.5"),
        Case(
            (*_XOR, 1.0, 4),
            "XOR is not separable: every epoch has mistakes, so all `epochs` epochs run",
            label="train_perceptron on the XOR corners, lr=1, epochs=4",
        ),
        Case(
            (*_points("make_linear", 40, 1), 1.0, 20),
            label="train_perceptron on 40 points of make_linear, lr=1, epochs=20",
        ),
        Case(
            (*_points("make_circles", 30, 2, noise=0.1), 0.5, 6),
            label="train_perceptron on 30 points of make_circles, lr=0.5, epochs=6",
        ),
        Case(
            (_X3.tolist(), _Y3.tolist(), 0.1, 50),
            "three features: one weight per column of X",
            label="train_perceptron on 3 features, lr=0.1, epochs=50",
        ),
    ),
    train_perceptron,
    compare=_trained,
    driver=trained,
    hints=(
        "training is two loops: the epochs outside, the examples inside, in their order. A "
        "mistake is an example whose prediction, made before its update, differs from its "
        "label; count them per epoch, and stop once a whole epoch had none: nothing changes "
        "after it",
        "start from w = 0 (one weight per column of X) and b = 0; ŷ = f(w · x + b) with "
        "f(z) = 1 for z ≥ 0; on a mistake w ← w + η (y - ŷ) x and b ← b + η (y - ŷ); "
        "errors[t] is the number of mistakes of epoch t, the last one 0 when training stopped",
    ),
    mistakes=(
        Mistake(
            _never_stops,
            "after an epoch without a mistake nothing can change any more: stop there, so "
            "that the list ends with that epoch's 0",
        ),
        Mistake(
            _drops_the_last_epoch,
            "the epoch without mistakes is an epoch too: record its 0, then stop",
        ),
        Mistake(
            _counts_cumulatively,
            "those are running totals: count the mistakes of each epoch on its own, from 0",
        ),
        Mistake(
            _step_zero_at_zero,
            "the step function is 1 at z = 0: at w = 0, b = 0 every example is predicted 1",
        ),
        Mistake(
            _bias_never_learns,
            "the bias learns too: b ← b + η (y - ŷ), like a weight whose input is always 1",
        ),
    ),
    library=("dlcore.Perceptron.fit",),
    success="train_perceptron is Rosenblatt's training loop, mistake for mistake",
)

# --- Exercise 4: predict what the margin does ------------------------------------------------

GAP_PREDICTION = predict(
    "l03-gap-prediction-test",
    "B",
    {
        "A": "the labels still come from the bank's linear rule, so a line (the bank's own) "
        "separates them: the data stays linearly separable and the perceptron does reach zero "
        "errors",
        "B": "the data stays separable, but the closest applicants now sit almost on the line: "
        "the margin shrinks, and Novikoff's bound (R/γ)² on the number of updates grows with it",
        "C": "the number of updates is bounded by (R/γ)², and γ, the distance of the closest "
        "applicant to the line, becomes much smaller without the gap",
        "D": "points near the line are the hard ones: each one is easy to get wrong, and every "
        "mistake costs an update; more of them means more updates, not fewer",
    },
    (
        "think about what the convergence theorem needs, and what the gap changes",
        "the theorem bounds the updates by (R/γ)²: which of R and γ does removing the gap move?",
    ),
    names=("my_prediction", "gap_prediction", "prediction"),
)

EXERCISES = [WEIGHTED_SUM, PERCEPTRON_UPDATE, TRAIN_PERCEPTRON, GAP_PREDICTION]
