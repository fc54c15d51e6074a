"""Lesson 06, a network worked by hand: the forward pass of a batch, the mean loss of a batch
(saturated outputs included), which gradients vanish, and one gradient-descent step, backward
pass included, for a customer who did not buy.

The network is the lesson's: a ReLU hidden layer ``H = ReLU(X W1 + b1)`` and one sigmoid
output ``O = σ(H W2 + b2)``, binary cross-entropy against the labels. Weight matrices have
dlcore's shape ``(n_in, n_out)``: ``W1[i, j]`` is the notes' :math:`W_{ij}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import dlcore as dl
from course.exercises import Case, Mistake, close, implement, predict

#: the lesson's worked example: Age 50 and Income 80 k$, both divided by 100
X_EXAMPLE = [0.5, 0.8]
W1_EXAMPLE = [[0.4, -0.6], [0.3, 0.2]]
B1_EXAMPLE = [0.1, -0.06]
W2_EXAMPLE = [[0.7], [-0.5]]
B2_EXAMPLE = [-0.2]
_NETWORK = (W1_EXAMPLE, B1_EXAMPLE, W2_EXAMPLE, B2_EXAMPLE)


def _network(W1: Any, b1: Any, W2: Any, b2: Any) -> dl.Sequential:
    """dlcore's 2-layer network (ReLU hidden layer, sigmoid output) with these weights."""
    W1, b1, W2, b2 = (np.asarray(a, dtype=float) for a in (W1, b1, W2, b2))
    (n_in, n_hidden), (_, n_out) = W1.shape, W2.shape
    layers = [dl.Dense(n_in, n_hidden, activation="relu"), dl.Dense(n_hidden, n_out, "sigmoid")]
    for layer, W, b in zip(layers, (W1, W2), (b1, b2), strict=True):
        layer.W[:], layer.b[:] = W, b
    return dl.Sequential(layers)


def _random_network(rng: np.random.Generator, n: int, n_in: int, n_hidden: int) -> tuple:
    X = rng.normal(size=(n, n_in))
    W1, b1 = rng.normal(size=(n_in, n_hidden)), rng.normal(size=n_hidden)
    W2, b2 = rng.normal(size=(n_hidden, 1)), rng.normal(size=1)
    return tuple(a.tolist() for a in (X, W1, b1, W2, b2))


# --- Exercise 1: the forward pass of a batch of customers -------------------------------------


def forward_pass(X: np.ndarray, W1: np.ndarray, b1: np.ndarray, W2: np.ndarray, b2: np.ndarray):
    r"""Reference: dlcore's network on the rows of ``X``,
    :math:`O = \sigma(\mathrm{ReLU}(X W_1 + \mathbf{b}_1) W_2 + b_2)`, one probability a row."""
    return _network(W1, b1, W2, b2).forward(np.atleast_2d(X))[:, 0]


def _sigmoid(z: Any) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))


def _forward_without_relu(X, W1, b1, W2, b2):
    return _sigmoid((X @ W1 + b1) @ W2 + b2)[:, 0]


def _forward_without_sigmoid(X, W1, b1, W2, b2):
    return (np.maximum(X @ W1 + b1, 0) @ W2 + b2)[:, 0]


def _forward_sigmoid_hidden(X, W1, b1, W2, b2):
    return _sigmoid(_sigmoid(X @ W1 + b1) @ W2 + b2)[:, 0]


def _forward_without_b1(X, W1, b1, W2, b2):
    return _sigmoid(np.maximum(X @ W1, 0) @ W2 + b2)[:, 0]


def _forward_without_b2(X, W1, b1, W2, b2):
    return _sigmoid(np.maximum(X @ W1 + b1, 0) @ W2)[:, 0]


def _forward_transposed(X, W1, b1, W2, b2):
    return _sigmoid(np.maximum(X @ W1.T + b1, 0) @ W2 + b2)[:, 0]


_rng = np.random.default_rng(606)
_SHOP = [[0.5, 0.8], [0.2, 0.3], [0.7, 0.2], [0.35, 1.2]]

FORWARD_PASS = implement(
    "l06-forward-pass-test",
    "forward_pass",
    (
        Case(
            ([X_EXAMPLE], *_NETWORK),
            "our customer alone, as a batch of one row: expected [0.5444]",
            label="forward_pass(np.array([[0.5, 0.8]]), W_hidden, b_hidden, W_out, b_out)",
        ),
        Case(
            (_SHOP, *_NETWORK),
            "four customers, one per row: each row goes through the network on its own",
            label="forward_pass(X_four, W_hidden, b_hidden, W_out, b_out) with four customers",
        ),
        Case(
            _random_network(_rng, 5, 3, 4),
            "3 inputs and 4 hidden units: the shapes come from W1 and W2, not from the lesson",
            label="forward_pass on 5 rows, 3 inputs, 4 hidden units (random weights)",
        ),
        Case(
            _random_network(_rng, 6, 4, 3),
            label="forward_pass on 6 rows, 4 inputs, 3 hidden units (random weights)",
        ),
        *(
            Case(_random_network(_rng, int(n), 2, 2), label=f"forward_pass, random batch {k}")
            for k, n in enumerate((3, 8), 1)
        ),
    ),
    forward_pass,
    compare=close(rtol=1e-6, fit="squeeze"),
    arrays=(0, 1, 2, 3, 4),
    hints=(
        "the whole batch goes through in two layers, one matrix product each: row n of the "
        "hidden layer's sums belongs to customer n, column j to hidden unit j",
        "Z_H = X W1 + b1 (shape (n, hidden)), H = ReLU(Z_H) = max(0, Z_H), z_O = H W2 + b2 "
        "(shape (n, 1)), O = σ(z_O) = 1 / (1 + e^(-z_O)); return the n values of O",
    ),
    mistakes=(
        Mistake(
            _forward_without_sigmoid,
            "those are the output's sums z_O: the output neuron applies the sigmoid, "
            "σ(z) = 1 / (1 + e^(-z)), to give a probability",
        ),
        Mistake(
            _forward_without_relu,
            "the hidden layer applies the ReLU to its sums: a negative sum becomes 0 "
            "before the output layer sees it",
        ),
        Mistake(
            _forward_sigmoid_hidden,
            "the hidden layer's activation is the ReLU, max(0, z); the sigmoid belongs to "
            "the output neuron only",
        ),
        Mistake(_forward_without_b1, "add the hidden biases b1 to the hidden sums"),
        Mistake(_forward_without_b2, "add the output bias b2 to the output's sum"),
        Mistake(
            _forward_transposed,
            "W1[i, j] is the weight from input i to hidden unit j, so row n of X times W1 "
            "sums over the inputs: use W1 as it is, not its transpose",
        ),
    ),
    library=(
        "dlcore.Dense.forward",
        "dlcore.Sequential.forward",
        "dlcore.Sequential.predict",
    ),
    success="forward_pass computes O = σ(ReLU(X W1 + b1) W2 + b2), one probability per row",
)

# --- Exercise 2: the mean binary cross-entropy of a batch -------------------------------------


def bce_loss(o: np.ndarray, y: np.ndarray) -> float:
    r"""Reference: :math:`L = -\frac{1}{n}\sum_i [y_i \ln O_i + (1 - y_i)\ln(1 - O_i)]`, by
    dlcore's loss (a term whose factor is 0 counts as 0)."""
    o, y = np.asarray(o, dtype=float).reshape(-1, 1), np.asarray(y, dtype=float).reshape(-1, 1)
    return dl.losses.get("bce").forward(o, y)


def _terms(o: Any, y: Any, log: Any = np.log) -> np.ndarray:
    """Each example's -[y ln o + (1 - y) ln(1 - o)], 0 log 0 counted as 0."""
    o, y = np.asarray(o, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        first = np.where(y == 0, 0.0, y * log(np.where(y == 0, 1.0, o)))
        second = np.where(y == 1, 0.0, (1 - y) * log(np.where(y == 1, 0.0, 1 - o)))
    return -(first + second)


def _bce_sum(o, y):
    return float(np.sum(_terms(o, y)))


def _bce_without_minus(o, y):
    return -float(np.mean(_terms(o, y)))


def _bce_ignoring_the_label(o, y):
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(np.asarray(o, dtype=float))))


def _bce_in_base_ten(o, y):
    return float(np.mean(_terms(o, y, np.log10)))


def _bce_labels_swapped(o, y):
    return float(np.mean(_terms(o, 1 - np.asarray(y, dtype=float))))


def _loss_compare(expected: Any, got: Any) -> str | None:
    """close(), and a word on what a nan or an infinite loss means."""
    wrong = close(rtol=1e-6, fit="squeeze")(expected, got)
    if wrong is None:
        return None
    try:
        value = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return wrong
    if np.isnan(value).any():
        return (
            f"{wrong}: a term computed 0 · ln 0 (numpy gives nan). An output that rounded to "
            "exactly its label makes one term 0 · ln 0; its limit is 0, so count it as 0"
        )
    if np.isinf(value).any():
        return f"{wrong}: a log of 0 was not multiplied away; the term whose factor is 0 is 0"
    return wrong


_O = 1.0 / (1.0 + np.exp(-0.178))  # the lesson's worked output
_SATURATED = (float(_O), 1.0, 0.0, 0.9, 1.0)  # sigmoid(40) and sigmoid(-800) round to 1 and 0
_rng = np.random.default_rng(607)
_RANDOM_BATCHES = tuple(
    (_rng.uniform(0.01, 0.99, int(n)).tolist(), _rng.integers(0, 2, int(n)).astype(float).tolist())
    for n in (5, 12, 20)
)


def _labels(o: list, y: list) -> str:
    return f"bce_loss(o=np.array({[round(float(v), 4) for v in o]}), y=np.array({y}))"


BCE_LOSS = implement(
    "l06-bce-loss-test",
    "bce_loss",
    (
        Case(([_O], [1.0]), "our customer, who bought: -ln 0.5444", label=_labels([_O], [1.0])),
        Case(
            ([_O], [0.0]),
            "the same prediction for a customer who did not buy: the loss is -ln(1 - 0.5444)",
            label=_labels([_O], [0.0]),
        ),
        Case(
            ([_O, _O, 0.9, 0.2], [1.0, 0.0, 1.0, 0.0]),
            "a batch of four: the mean of the four losses, each with its own label",
            label=_labels([_O, _O, 0.9, 0.2], [1.0, 0.0, 1.0, 0.0]),
        ),
        Case(
            (list(_SATURATED), [1.0, 1.0, 0.0, 1.0, 1.0]),
            "sure and right: O = 1.0 for y = 1 and O = 0.0 for y = 0 cost nothing, 0 · ln 0 = 0",
            label=_labels(list(_SATURATED), [1.0, 1.0, 0.0, 1.0, 1.0]),
        ),
        *(Case(b, label=f"bce_loss on a random batch of {len(b[0])}") for b in _RANDOM_BATCHES),
    ),
    bce_loss,
    compare=_loss_compare,
    arrays=(0, 1),
    hints=(
        "the loss of a batch is the mean of its examples' losses; each is minus the log of "
        "the probability the network gave to that example's true label, and the other term "
        "is switched off by its factor 0",
        "L = -(1/n) Σ_i [y_i ln O_i + (1 - y_i) ln(1 - O_i)]; where a factor y_i or 1 - y_i "
        "is 0 its term is 0, even when its log is ln 0 (the limit of t ln t at 0 is 0)",
    ),
    mistakes=(
        Mistake(
            _bce_without_minus,
            "the log of a probability is negative or 0: the minus sign in front makes the "
            "loss positive",
        ),
        Mistake(_bce_sum, "that is the sum of the losses: the loss of a batch is their mean"),
        Mistake(
            _bce_ignoring_the_label,
            "the label decides which term counts: with y = 0 an example's loss is "
            "-ln(1 - O), the log of the probability of the TRUE class",
        ),
        Mistake(
            _bce_labels_swapped,
            "the terms are swapped: y multiplies ln O (the probability of class 1) and 1 - y "
            "multiplies ln(1 - O)",
        ),
        Mistake(
            _bce_in_base_ten,
            "use the natural logarithm, ln (np.log; np.log10 is the base-10 one)",
        ),
    ),
    library=(
        "dlcore.losses.BinaryCrossEntropy._forward",
        "dlcore.losses.BinaryCrossEntropy._forward_logits",
        "dlcore.losses.CrossEntropy._forward",
        "dlcore.losses.CrossEntropy._forward_logits",
    ),
    success="bce_loss is the mean of -[y ln O + (1 - y) ln(1 - O)], with 0 · ln 0 counted as 0",
)

# --- Exercise 3: predict which gradients are zero ---------------------------------------------

ZERO_GRADIENTS = predict(
    "l06-zero-gradients-test",
    "B",
    {
        "A": "W11, W21 and b1, the parameters of H1",
        "B": "W12, W22, b2 and W32, every parameter that touches H2",
        "C": "none: every parameter had a part in computing O, so each gets a gradient",
        "D": "only W32, since H2 = 0 is what W32 multiplies",
    },
    {
        "A": "H1 is active (z_H1 = 0.54 > 0), so the ReLU passes its slope 1 and the error "
        "flows through it: its weights get non-zero gradients",
        "C": "a parameter can take part and still get gradient 0: look at what multiplies "
        "each link of the chain when H2's sum is negative",
        "D": "W32's gradient is δ_O H2 = 0 indeed; now follow the chain into H2: what is the "
        "ReLU's slope at z_H2 = -0.2?",
    },
    success="B: H2 is off (z_H2 < 0), so H2 = 0 zeroes dL/dW32 and ReLU'(z_H2) = 0 zeroes "
    "the gradients of W12, W22 and b2",
)

# --- Exercise 4: one gradient-descent step, for a customer who did not buy ---------------------

#: the parameters a step returns, and their shapes for n inputs and m hidden units
_STEP_NAMES = ("W1", "b1", "W2", "b2")


def step_parts(answer: Any, n_in: int = 2, n_hidden: int = 2) -> tuple[np.ndarray, ...]:
    """The four things ``gradient_step`` returns as float arrays ``W1 (n_in, n_hidden)``,
    ``b1 (n_hidden,)``, ``W2 (n_hidden, 1)``, ``b2 (1,)``, whatever their spelling (lists,
    tuples, arrays, ``b2`` a number); ValueError saying what is wrong when they do not fit."""
    shapes = ((n_in, n_hidden), (n_hidden,), (n_hidden, 1), (1,))
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 4:
        raise ValueError(f"expected four things (W1, b1, W2, b2), got {str(answer)[:60]}")
    parts = []
    for name, shape, value in zip(_STEP_NAMES, shapes, answer, strict=True):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must hold numbers, got {str(value)[:60]}") from None
        if array.size != int(np.prod(shape)):
            raise ValueError(f"expected {name} of shape {shape}, got {str(value)[:60]}")
        parts.append(array.reshape(shape))
    return tuple(parts)


def stepped(target, x, y, W1, b1, W2, b2, lr):
    """Driver: ``target(x, y, W1, b1, W2, b2, lr)`` on float arrays (copies: an answer that
    changes them in place changes nothing here); the four parameters it returns, each as a
    list of numbers in its own shape, or what is wrong with them."""
    import numpy

    arrays = [numpy.array(a, dtype=float) for a in (x, W1, b1, W2, b2)]
    x, W1, b1, W2, b2 = arrays
    result = target(x.copy(), float(y), W1.copy(), b1.copy(), W2.copy(), b2.copy(), lr)
    if isinstance(result, (str, bytes)) or not hasattr(result, "__len__") or len(result) != 4:
        return {"error": f"expected four things (W1, b1, W2, b2), got {str(result)[:60]}"}
    found = {}
    for name, like, value in zip(("W1", "b1", "W2", "b2"), (W1, b1, W2, b2), result, strict=True):
        try:
            array = numpy.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return {"error": f"{name} must hold numbers, got {str(value)[:60]}"}
        if array.size != like.size:
            return {"error": f"expected {name} of shape {like.shape}, got {str(value)[:60]}"}
        found[name] = array.reshape(like.shape).tolist()
    return found


def gradient_step(x, y, W1, b1, W2, b2, lr):
    r"""Reference: one step :math:`w \leftarrow w - \eta\,\partial L/\partial w` for every
    parameter, by dlcore's ``backprop`` and ``SGD``; the new ``(W1, b1, W2, b2)``."""
    model = _network(W1, b1, W2, b2)
    model.backprop(np.asarray(x, dtype=float)[None, :], [[float(y)]], loss="bce")
    dl.SGD(lr=lr).step(model.parameters())
    hidden, output = model.layers
    return hidden.W.copy(), hidden.b.copy(), output.W.copy(), output.b.copy()


def _step(x, y, W1, b1, W2, b2, lr, *, sign=1.0, slope=True, new_w2=False, biases=True):
    """One step by hand, with one typical mistake switched on."""
    z_h = x @ W1 + b1
    h = np.maximum(z_h, 0.0)
    o = float(_sigmoid(h @ W2[:, 0] + b2[0]))
    delta_o = o - y
    W2_new = W2 - sign * lr * np.outer(h, [delta_o])
    w = (W2_new if new_w2 else W2)[:, 0]
    delta_h = delta_o * w * ((z_h > 0) if slope else 1.0)
    W1_new = W1 - sign * lr * np.outer(x, delta_h)
    b1_new = b1 - sign * lr * delta_h if biases else b1
    b2_new = b2 - sign * lr * delta_o if biases else b2
    return W1_new, b1_new, W2_new, b2_new


def _step_uphill(x, y, W1, b1, W2, b2, lr):
    return _step(x, y, W1, b1, W2, b2, lr, sign=-1.0)


def _step_without_relu_slope(x, y, W1, b1, W2, b2, lr):
    return _step(x, y, W1, b1, W2, b2, lr, slope=False)


def _step_with_the_new_w2(x, y, W1, b1, W2, b2, lr):
    return _step(x, y, W1, b1, W2, b2, lr, new_w2=True)


def _step_without_biases(x, y, W1, b1, W2, b2, lr):
    return _step(x, y, W1, b1, W2, b2, lr, biases=False)


def _step_compare(expected: dict, got: Any) -> str | None:
    """Right when each of the four parameters is close to the reference's; else the first
    one that is not."""
    if not isinstance(got, dict):
        return f"expected (W1, b1, W2, b2), got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    for name in _STEP_NAMES:
        wrong = close(atol=1e-8, rtol=1e-6)(expected[name], got.get(name))
        if wrong is not None:
            return f"the new {name}: {wrong}"
    return None


def _step_case(x, y, network, lr, hint, label):
    return Case((x, y, *network, lr), hint, label=label)


_rng = np.random.default_rng(609)
_RANDOM_STEPS = tuple(
    (
        _rng.normal(size=3).tolist(),
        float(k % 2),
        _rng.normal(size=(3, 4)).tolist(),
        _rng.normal(size=4).tolist(),
        _rng.normal(size=(4, 1)).tolist(),
        _rng.normal(size=1).tolist(),
        0.1,
    )
    for k in range(3)
)

GRADIENT_STEP = implement(
    "l06-gradient-step-test",
    "gradient_step",
    (
        _step_case(
            X_EXAMPLE,
            0.0,
            _NETWORK,
            0.5,
            "our customer had NOT bought (y = 0): δ_O = O - 0 is positive now",
            "gradient_step(x, 0.0, W_hidden, b_hidden, W_out, b_out, lr=0.5)",
        ),
        _step_case(
            X_EXAMPLE,
            1.0,
            _NETWORK,
            0.5,
            "the lesson's own step (y = 1): section 5's table",
            "gradient_step(x, 1.0, W_hidden, b_hidden, W_out, b_out, lr=0.5)",
        ),
        _step_case(
            [1.0, -0.5],
            0.0,
            ([[0.5, 0.3], [0.1, -0.4]], [0.2, 0.1], [[1.0], [-2.0]], [0.3]),
            0.1,
            "both hidden units on, y = 0",
            "gradient_step(x=[1.0, -0.5], y=0.0, other weights, lr=0.1)",
        ),
        *(
            Case(args, label=f"gradient_step, 3 inputs and 4 hidden units, random {k}")
            for k, args in enumerate(_RANDOM_STEPS, 1)
        ),
    ),
    gradient_step,
    compare=_step_compare,
    driver=stepped,
    hints=(
        "compute every gradient first, from the weights as they were (forward pass, then "
        "the errors δ_O and δ_H walking back), and only then move each parameter a step "
        "against its gradient",
        "δ_O = O - y; dL/dW2 = H^T δ_O (W2's shape), dL/db2 = δ_O; δ_H = δ_O W2[:, 0] ⊙ "
        "ReLU'(z_H) with the old W2; dL/dW1[i, j] = x_i δ_Hj, dL/db1 = δ_H; "
        "then w_new = w - lr · dL/dw for all four",
    ),
    mistakes=(
        Mistake(
            _step_uphill,
            "every parameter moved the wrong way, up the slope: the loss rises. Gradient "
            "descent subtracts lr · gradient, and δ_O is O - y (not y - O)",
        ),
        Mistake(
            _step_with_the_new_w2,
            "δ_H used the updated W2: every gradient belongs to the weights before the step, "
            "so compute them all before changing any parameter",
        ),
        Mistake(
            _step_without_relu_slope,
            "a hidden unit that is off (z_Hj < 0) passes no error back: multiply by "
            "ReLU'(z_Hj), so its weights and bias do not move",
        ),
        Mistake(
            _step_without_biases,
            "the biases learn too: dL/db1 = δ_H and dL/db2 = δ_O, each moved by -lr times "
            "its gradient",
        ),
    ),
    library=(
        "dlcore.Dense.backward",
        "dlcore.Dense._gradients",
        "dlcore.SGD.update",
        "dlcore.numerical_gradient",
    ),
    success="gradient_step moves every parameter against its gradient: for y = 0 the "
    "output falls towards 0",
)

EXERCISES = [FORWARD_PASS, BCE_LOSS, ZERO_GRADIENTS, GRADIENT_STEP]
