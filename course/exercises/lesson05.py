"""Lesson 05, inside an artificial neural network: softmax, the shape of a layer's output, a
forward pass through any list of layers, and cross-entropy.

The forward pass takes its layers as ``(W, b, activation name)`` triples, which JSON carries as
lists: its driver turns them into arrays and sends back every layer's output. The
cross-entropy's driver counts 0 log 0 as 0, as the notes' one-hot formula does: NumPy's
``0 * log 0`` is nan, so an answer that gives nan on probabilities holding an exact 0 is
asked again with each 0 a tiny positive number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import dlcore as dl
from course.exercises import TORCH_SOFTMAX, Case, Mistake, close, implement, predict

# --- Exercise 1: softmax ----------------------------------------------------------------------


def _exp_over_sum(z: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)


def _over_the_whole_array(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _over_the_columns(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def _without_keepdims(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1)


def _without_exp(z: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return z / z.sum(axis=-1, keepdims=True)


def _sigmoid_of_each(z: np.ndarray) -> np.ndarray:
    return dl.activations.sigmoid(z)


_rng = np.random.default_rng(5)
_Z = _rng.normal(scale=50, size=(6, 10))

SOFTMAX = implement(
    "l05-softmax-test",
    "my_softmax",
    (
        Case(([1.0, 2.0, 3.0],), "exponentiate every z_k, then divide each by their sum"),
        Case(([0.0, 0.0],), "equal scores give equal probabilities: here 0.5 and 0.5"),
        Case(([-1.0, 0.5, 2.0, 0.0],), "every output is positive and the outputs add up to 1"),
        Case(
            ([1000.0, 1000.0, 999.0],),
            "e^1000 overflows to inf (and inf / inf is nan): subtract the largest z_k first; "
            "e^(z_k - m) / sum_j e^(z_j - m) is the same number and never overflows",
        ),
        Case(
            ([[1.0, 2.0], [3.0, 0.0]],),
            "a batch holds one example per row: each row is a softmax of its own",
        ),
        Case((_Z.tolist(),), "six rows of large scores", label="my_softmax(6 rows of 10 scores)"),
        Case((_Z[0].tolist(),), label="my_softmax(10 large scores)"),
        Case(([-1000.0, 0.0, 1000.0],), "scores far apart: the largest takes everything"),
        Case(([[3.0, -2.0, 0.5, 700.0]],), "one row holding a large score"),
    ),
    dl.activations.softmax,
    compare=close(atol=1e-8, rtol=1e-5),
    arrays=(0,),
    hints=(
        "softmax makes every score positive with the exponential, then divides by the total, "
        "so that the outputs add up to 1. Subtracting the same number m from every score of a "
        "row does not change the result; m = the row's largest score keeps every exponent "
        "at most 0, so nothing overflows",
        "s_k = e^(z_k - m) / sum_j e^(z_j - m) with m = max_j z_j, where the max and the sum "
        "run over the last axis (each row of a batch on its own) and keep that axis, so that "
        "each row is divided by its own sum",
    ),
    mistakes=(
        Mistake(
            _over_the_whole_array,
            "the maximum and the sum were taken over the whole batch: take them over each "
            "row (the last axis), so that every row sums to 1",
        ),
        Mistake(
            _over_the_columns,
            "the sum ran down each column (axis 0): a batch holds one example per row, so sum "
            "over the last axis",
        ),
        Mistake(
            _without_keepdims,
            "each row must be divided by its own sum: without keepdims the sums of the rows "
            "broadcast along the rows, dividing column j by the sum of row j",
        ),
        Mistake(_without_exp, "exponentiate every z_k before dividing by the sum"),
        Mistake(
            _sigmoid_of_each,
            "that is a sigmoid of each score on its own; softmax divides each e^(z_k) by the "
            "sum over its row, so that the outputs add up to 1",
        ),
        Mistake(
            _exp_over_sum,
            "e^1000 overflows to inf: subtract the row's largest score before exponentiating",
        ),
    ),
    library=(
        "dlcore.activations.softmax",
        "scipy.special.softmax",
        *TORCH_SOFTMAX,
    ),
    success="my_softmax turns scores into positive numbers that sum to 1, row by row, stably",
)

# --- Exercise 2: predict the shape of the second hidden layer's output ------------------------

LAYER_SHAPE = predict(
    "l05-shapes-test",
    "A",
    {
        "A": "dlcore puts one example per row: 5 rows, and one column per unit of the second "
        "hidden layer, 16",
        "B": "(16, 5) puts the examples in columns, as the notes' column form does; dlcore's "
        "row form Z = X W + b puts them elsewhere",
        "C": "(32, 16) does not depend on the batch: it is the shape of something that stays "
        "the same whatever the number of examples, not of an output",
        "D": "(5, 32) holds 32 numbers per example, the width of the first hidden layer; a2 is "
        "the output of the second",
    },
    (
        "in dlcore each row of X is one example; ask what each layer does to one example's "
        "row of numbers, and what happens to the number of rows",
        "a layer computes Z = A W + b, and the product of an (r, m) and an (m, c) matrix has "
        "shape (r, c); W of the first hidden layer is (64, 32), of the second (32, 16)",
    ),
    success="A: dlcore puts one example per row, so a2 has 5 rows and one column per unit "
    "of the second hidden layer, 16",
)

# --- Exercise 3: a forward pass through any list of layers ------------------------------------

#: the activations a layer may name, and what each computes
ACTIVATIONS = ("relu", "sigmoid", "softmax", "identity")


def forward_pass(X: Any, layers: Any) -> list[np.ndarray]:
    r"""Reference: each ``(W, b, name)`` run as a dlcore ``Dense`` layer,
    :math:`A^{[l]} = f^{[l]}(A^{[l-1]} W^{[l]} + \mathbf{b}^{[l]})`, :math:`A^{[0]} = X`; the
    list of every layer's output (one example ``(n_in,)`` gives outputs of one row)."""
    X = np.asarray(X, dtype=float)
    A, outputs = np.atleast_2d(X), []
    for W, b, name in layers:
        W = np.asarray(W, dtype=float)
        dense = dl.Dense(W.shape[0], W.shape[1], activation=name)
        dense.W[:], dense.b[:] = W, b
        A = dense.forward(A)
        outputs.append(A[0] if X.ndim == 1 else A)
    return outputs


def through_layers(target, X, layers):
    """Driver: ``target(X, layers)`` on ``X`` as a float array and ``layers`` as a list of
    ``(W, b, name)`` with float arrays; every layer's output as lists, or what is wrong with
    what it returned."""
    import numpy

    given = [(numpy.array(W, dtype=float), numpy.array(b, dtype=float), f) for W, b, f in layers]
    result = target(numpy.array(X, dtype=float), given)
    n = len(layers)
    if isinstance(result, numpy.ndarray):
        shape = result.shape
        return {"error": f"expected a list of {n} outputs, one per layer, got one array of "
                f"shape {shape}: return every layer's output, not only the last"}  # fmt: skip
    if not isinstance(result, (list, tuple)):
        return {"error": f"expected a list of {n} outputs, one per layer, got "
                f"{str(result)[:60]}"}  # fmt: skip
    outputs = []
    for number, value in enumerate(list(result)[: n + 1], start=1):
        try:
            outputs.append(numpy.asarray(value, dtype=float).tolist())
        except (TypeError, ValueError):
            return {"error": f"output {number} is not an array of numbers: {str(value)[:60]}"}
    return {"outputs": outputs, "count": len(result)}


def _every_output(expected: dict, got: object) -> str | None:
    """Right when there is one output per layer and each is close to the reference's (a
    single example's outputs may be rows ``(1, n)`` or vectors ``(n,)``)."""
    if not isinstance(got, dict):
        return f"expected a list of outputs, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    if got.get("count") != expected["count"]:
        return (
            f"expected a list of {expected['count']} outputs, one per layer, got {got.get('count')}"
        )
    for number, (want, have) in enumerate(zip(expected["outputs"], got["outputs"], strict=True), 1):
        wrong = close(atol=1e-8, rtol=1e-6, fit="squeeze")(want, have)
        if wrong is not None:
            return f"the output of layer {number}: {wrong}"
    return None


def _apply(name: str, Z: np.ndarray) -> np.ndarray:
    return {
        "relu": dl.activations.relu,
        "sigmoid": dl.activations.sigmoid,
        "softmax": dl.activations.softmax,
        "identity": dl.activations.identity,
    }[name](Z)


def _forward_variant(X, layers, *, step="right", keep_input=False):
    """A forward pass with one typical mistake switched on (``step``)."""
    X = np.asarray(X, dtype=float)
    A, outputs = X, [X] if keep_input else []
    for W, b, name in layers:
        source = X if step == "same input" else A
        if step == "transposed":
            Z = source @ W.T + b
        elif step == "no bias":
            Z = source @ W
        elif step == "activation first":
            Z = _apply(name, source) @ W + b
        else:
            Z = source @ W + b
        if step in ("no activation", "activation first"):
            A = Z
        elif step == "relu everywhere":
            A = dl.activations.relu(Z)
        else:
            A = _apply(name, Z)
        outputs.append(A)
    return outputs


def _with_the_input(X, layers):
    return _forward_variant(X, layers, keep_input=True)


def _only_the_last(X, layers):
    return _forward_variant(X, layers)[-1]


def _forward_mistake(step: str):
    def wrong(X, layers):
        return _forward_variant(X, layers, step=step)

    return wrong


_WORKED = [
    ([[0.5, -1.0], [0.8, 0.4]], [0.1, -0.2], "relu"),
    ([[1.5], [-2.0]], [-0.5], "sigmoid"),
]


def _random_layers(seed: int, sizes: list[int], names: list[str]) -> list:
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out, name in zip(sizes[:-1], sizes[1:], names, strict=True):
        W, b = rng.normal(size=(n_in, n_out)).round(3), rng.normal(size=n_out).round(3)
        layers.append((W.tolist(), b.tolist(), name))
    return layers


def _batch(seed: int, n: int, n_in: int) -> list:
    return np.random.default_rng(seed).normal(size=(n, n_in)).round(3).tolist()


_SQUARE = _random_layers(1, [3, 3, 3, 3], ["relu", "identity", "softmax"])
_DIGITS_LIKE = _random_layers(2, [8, 6, 4, 3], ["relu", "relu", "softmax"])
_SIGMOIDS = _random_layers(3, [2, 4, 1], ["sigmoid", "sigmoid"])
_LINEAR = _random_layers(4, [3, 2], ["identity"])

FORWARD_PASS = implement(
    "l05-forward-pass-test",
    "forward_pass",
    (
        Case(
            (_batch(1, 4, 3), _SQUARE),
            "three layers of 3 units (ReLU, identity, softmax) on a batch of 4: each layer "
            "takes the previous one's output",
            label="forward_pass on a batch of 4 through three 3-unit layers "
            "(relu, identity, softmax)",
        ),
        Case(
            ([[1.0, 0.5]], _WORKED),
            "the worked example of section 4.1: h1 = 1.0 and h2 = 0 (ReLU switches it off), "
            "then y_hat = sigmoid(1.0) = 0.731",
            label="forward_pass(np.array([[1.0, 0.5]]), the worked example's two layers)",
        ),
        Case(
            (_batch(2, 5, 8), _DIGITS_LIKE),
            "a batch of 5 through 8-6-4-3 units: every output has 5 rows, one per example",
            label="forward_pass on a batch of 5 through 8-6-4-3 (relu, relu, softmax)",
        ),
        Case(
            (_batch(3, 6, 2), _SIGMOIDS),
            label="forward_pass on a batch of 6 through 2-4-1 (sigmoid, sigmoid)",
        ),
        Case(
            (_batch(4, 3, 3), _LINEAR),
            "one identity layer: a linear model, Z = X W + b and nothing else",
            label="forward_pass on a batch of 3 through one identity layer",
        ),
        Case(
            ([1.0, 0.5], _WORKED),
            "one example as a vector (n_in,): the same weighted sums, one row of outputs",
            label="forward_pass(np.array([1.0, 0.5]), the worked example's two layers)",
        ),
    ),
    forward_pass,
    compare=_every_output,
    driver=through_layers,
    hints=(
        "start from the input and go through the layers in their order: each layer takes the "
        "previous layer's output, computes its weighted sums plus its bias, applies its own "
        "activation, and hands the result on. Keep every layer's output in a list",
        "A^[0] = X, and for l = 1, ..., L: A^[l] = f^[l](A^[l-1] W^[l] + b^[l]), with W^[l] of "
        "shape (n_in, n_out) and one example per row; f^[l] is the activation the layer "
        "names. Return [A^[1], ..., A^[L]]",
    ),
    mistakes=(
        Mistake(
            _with_the_input,
            "the list holds the layers' outputs A^[1], ..., A^[L]; the input X is not one of them",
        ),
        Mistake(
            _forward_mistake("same input"),
            "every layer was given X: each layer takes the previous layer's output instead",
        ),
        Mistake(
            _forward_mistake("transposed"),
            "dlcore's W has shape (n_in, n_out), one row per input: Z = A W + b with the "
            "examples in rows (W transposed is the notes' column form)",
        ),
        Mistake(_forward_mistake("no bias"), "add each layer's bias b to its weighted sums"),
        Mistake(
            _forward_mistake("no activation"),
            "those are the weighted sums Z: apply each layer's activation to them",
        ),
        Mistake(
            _forward_mistake("relu everywhere"),
            "ReLU was applied in every layer: use the activation each layer names (the third "
            "item of its triple)",
        ),
        Mistake(
            _forward_mistake("activation first"),
            "the activation comes after the weighted sum: A = f(A_previous W + b), not "
            "f(A_previous) W + b",
        ),
    ),
    library=(
        "dlcore.Dense.forward",
        "dlcore.Sequential.forward",
    ),
    success="forward_pass runs any list of layers, each on the previous one's output",
)

# --- Exercise 4: cross-entropy ----------------------------------------------------------------


def cross_entropy(probs: Any, labels: Any) -> float:
    r"""Reference: dlcore's :math:`L = -\frac{1}{n}\sum_i \log p_{i, y_i}`."""
    return dl.losses.get("cross_entropy")(probs, labels)


def entropy_of(target, probs, labels):
    """Driver: ``target(probs, labels)`` on ``probs`` as a float array and ``labels`` as an
    integer array, warnings of log 0 silenced. 0 log 0 counts as 0: when the result is nan
    and ``probs`` holds an exact 0, it is the result with each 0 a tiny positive number
    (where 0 * log 0 gives 0 * (-690), which is 0)."""
    import numpy

    p, y = numpy.array(probs, dtype=float), numpy.array(labels, dtype=int)
    with numpy.errstate(divide="ignore", invalid="ignore"):
        result = target(p.copy(), y.copy())
        try:
            nan = bool(numpy.isnan(numpy.asarray(result, dtype=float)).any())
        except (TypeError, ValueError):
            nan = False
        if nan and bool((p == 0).any()):
            result = target(numpy.where(p == 0, 1e-300, p), y.copy())
    return result


def _true_class(probs: Any, labels: Any) -> np.ndarray:
    p, y = np.asarray(probs, dtype=float), np.asarray(labels, dtype=int)
    return p[np.arange(len(y)), y]


def _summed(probs, labels):
    return float(-np.sum(np.log(_true_class(probs, labels))))


def _without_minus(probs, labels):
    return float(np.mean(np.log(_true_class(probs, labels))))


def _log10(probs, labels):
    return float(-np.mean(np.log10(_true_class(probs, labels))))


def _per_example(probs, labels):
    return -np.log(_true_class(probs, labels))


def _mean_of_every_entry(probs, labels):
    p = np.asarray(probs, dtype=float)
    one_hot = np.eye(p.shape[1])[np.asarray(labels, dtype=int)]
    return float(-np.mean(one_hot * np.log(np.maximum(p, 1e-300))))


def _most_probable_class(probs, labels):
    return float(-np.mean(np.log(np.asarray(probs, dtype=float).max(axis=1))))


def _every_label_of_every_row(probs, labels):
    p = np.asarray(probs, dtype=float)
    return float(-np.mean(np.log(p[:, np.asarray(labels, dtype=int)])))


_rng = np.random.default_rng(11)
_P = dl.activations.softmax(_rng.normal(size=(20, 10)))
_Y = _rng.integers(0, 10, size=20)


def _ce_case(probs: list, labels: list, hint: str = "", label: str = "") -> Case:
    return Case(
        (probs, labels), hint, label=label or f"my_cross_entropy(probs={probs}, labels={labels})"
    )


CROSS_ENTROPY = implement(
    "l05-cross-entropy-test",
    "my_cross_entropy",
    (
        _ce_case(
            [[0.1, 0.8, 0.1]],
            [1],
            "for one example the loss is -log of the probability given to its true class "
            "(here class 1, probability 0.8)",
        ),
        _ce_case(
            [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]],
            [0, 2],
            "two examples: each has its own true class, and the loss of the batch is the "
            "average of their losses",
        ),
        _ce_case([[1.0, 0.0], [0.0, 1.0]], [0, 1], "a certain, correct prediction costs nothing"),
        _ce_case(
            [[0.25, 0.25, 0.5], [0.9, 0.05, 0.05], [0.2, 0.6, 0.2]],
            [2, 1, 1],
            "use the natural logarithm, and the minus sign: the loss is positive",
        ),
        _ce_case(
            _P.round(6).tolist(),
            _Y.tolist(),
            label="my_cross_entropy on 20 softmax rows of 10 classes",
        ),
    ),
    cross_entropy,
    compare=close(atol=1e-6, rtol=1e-5, fit="squeeze"),
    driver=entropy_of,
    hints=(
        "each example's loss is -log of the probability the network gave to that example's "
        "true class; the loss of the batch is the mean of those over the examples. (With "
        "one-hot targets y_ik the sum over k keeps only that term: 0 log 0 counts as 0)",
        "L = -(1/n) sum_i log p[i, y_i], with the natural logarithm: p[i, y_i] is the entry "
        "of row i in the column of its label y_i, one entry per row",
    ),
    mistakes=(
        Mistake(_summed, "that is the sum of the examples' losses: the loss is their mean"),
        Mistake(_without_minus, "log p is negative for p < 1: the loss is -log p, positive"),
        Mistake(_log10, "use the natural logarithm (np.log), not the base-10 one"),
        Mistake(
            _per_example,
            "that is the loss of each example: return one number, their mean",
        ),
        Mistake(
            _mean_of_every_entry,
            "that is the mean over every entry of the (n, k) array, so divided by k too: sum "
            "over the classes first, then take the mean over the n examples",
        ),
        Mistake(
            _most_probable_class,
            "that uses the largest probability of each row; the loss uses the probability of "
            "the row's true class, labels[i], whether or not the network favours it",
        ),
        Mistake(
            _every_label_of_every_row,
            "that took every label's column in every row (an n by n array): take one entry per "
            "row, row i in the column of labels[i]",
        ),
    ),
    library=(
        "dlcore.losses.CrossEntropy._forward",
        "dlcore.losses.CrossEntropy._forward_logits",
        "sklearn.metrics.log_loss",
        "torch.nn.functional.cross_entropy",
        "torch.nn.functional.nll_loss",
    ),
    success="my_cross_entropy is the mean of -log(probability of the true class)",
)

EXERCISES = [SOFTMAX, LAYER_SHAPE, FORWARD_PASS, CROSS_ENTROPY]
