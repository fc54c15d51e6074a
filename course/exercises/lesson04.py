"""Lesson 04, linear classifiers: the majority baseline, the best line on XOR's corners, XOR's
weights by hand, and the pocket perceptron."""

from __future__ import annotations

from typing import Any

import numpy as np

import dlcore as dl
from course.exercises import Case, Mistake, close, implement, predict, tagged_args

# --- Exercise 1: the majority-class baseline -------------------------------------------------


def majority_baseline(y: Any) -> float:
    r"""Reference: :math:`\max_c \frac{1}{n}\sum_i [y_i = c]`, the share of the commonest label."""
    _, counts = np.unique(np.asarray(y), return_counts=True)
    return float(counts.max() / counts.sum())


def _majority_count(y: Any) -> float:
    return float(np.unique(np.asarray(y), return_counts=True)[1].max())


def _majority_class(y: Any) -> float:
    values, counts = np.unique(np.asarray(y), return_counts=True)
    return float(values[np.argmax(counts)])


def _share_of_class_one(y: Any) -> float:
    return float(np.mean(np.asarray(y) == 1))


def _minority_share(y: Any) -> float:
    _, counts = np.unique(np.asarray(y), return_counts=True)
    return float(counts.min() / counts.sum())


def _labels(y: list) -> str:
    return f"majority_baseline(y=np.array({y}))"


_HAND_LABELS = (
    ([0.0, 1.0, 0.0, 1.0], "balanced labels: each class is right half of the time"),
    ([1, 1, 1, 0], "three ones and a zero: always answering 1 is right 3 times out of 4"),
    ([0, 0, 0, 1, 0], "mostly zeros: the commonest class here is 0, not 1"),
    ([1.0, 1.0, 1.0], "a single class: always answering it is always right"),
    ([2, 0, 1, 2, 2, 1], "three classes: the commonest, 2, is half of the labels"),
)
_rng = np.random.default_rng(11)
_RANDOM_LABELS = tuple(
    Case(
        ({"array": _rng.integers(0, 3, size=int(_rng.integers(1, 40))).tolist()},),
        label=f"majority_baseline on random labels {n}",
    )
    for n in range(1, 6)
)

MAJORITY_BASELINE = implement(
    "l04-majority-baseline-test",
    "majority_baseline",
    (
        *(Case(({"array": y},), hint, label=_labels(y)) for y, hint in _HAND_LABELS),
        *_RANDOM_LABELS,
        Case(([0.0, 1.0, 1.0],), "y may be a plain list", label="majority_baseline([0, 1, 1])"),
    ),
    majority_baseline,
    compare=close(rtol=1e-5, fit="squeeze"),
    driver=tagged_args,
    hints=(
        "a model that ignores x and always answers one class c is right exactly on the "
        "examples labelled c; the best such model answers the most frequent class",
        "baseline = (number of labels equal to the most frequent class) / (number of labels), "
        "a share between 0 and 1",
    ),
    mistakes=(
        Mistake(
            _majority_count,
            "that is how often the commonest class occurs: divide by the number of labels",
        ),
        Mistake(
            _majority_class,
            "that is the commonest class itself; the baseline is how often it is right",
        ),
        Mistake(
            _minority_share,
            "that is the share of the rarest class: the baseline answers the commonest one",
        ),
        Mistake(
            _share_of_class_one,
            "that is the share of class 1; the commonest class may be another one",
        ),
    ),
    success="majority_baseline is the share of the most frequent class",
)

# --- Exercise 2: predict the best line on XOR's four corners --------------------------------

BEST_LINE = predict(
    "l04-best-line-test",
    "B",
    {
        "A": "100 % would need a line with (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) "
        "on the other; the segments joining each pair cross at (0.5, 0.5), so any line must "
        "cut one of them: no line separates XOR",
        "B": "a line can cut one corner off, say (1, 1), and put the other three on the other "
        "side: three of the four corners are right, and no line gets all four",
        "C": "50 % is what answering the same class everywhere gets (two corners of each "
        "class); a line can do better by cutting off a single corner",
        "D": "25 % is worse than answering one class everywhere (50 %); and flipping a "
        "line's sides (w, b -> -w, -b) turns every corner it gets wrong into a right one, so "
        "the best line cannot be that bad",
    },
    (
        "draw the four corners; a line splits the plane into two half-planes, and each "
        "half-plane is convex: with two points it holds the whole segment between them",
        "the two class-1 corners and the two class-0 corners are the two diagonals of the "
        "square: where do they cross? Then count how many corners a line that cuts off a "
        "single corner gets right",
    ),
)

# --- Exercise 3: XOR by hand with two hidden step units -------------------------------------

#: the four corners of XOR and their labels y = x1 XOR x2
XOR_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_LABELS = np.array([0.0, 1.0, 1.0, 0.0])
_SHAPES = {"W_hidden": (2, 2), "b_hidden": (2,), "w_out": (2,), "b_out": (1,)}


def xor_parts(answer: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The four things ``xor_weights()`` returns as ``W (2, 2)``, ``b (2,)``, ``w (2,)`` and a
    float, whatever their spelling (lists, tuples, arrays, ``[[1], [-1]]``, ``[-0.5]``);
    ValueError saying what is wrong when they do not fit."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 4:
        raise ValueError(
            f"expected four things (W_hidden, b_hidden, w_out, b_out), got {str(answer)[:60]}"
        )
    arrays = []
    for (name, shape), value in zip(_SHAPES.items(), answer, strict=True):
        try:
            array = np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must hold numbers, got {str(value)[:60]}") from None
        if array.size != int(np.prod(shape)):
            raise ValueError(
                f"expected {name} with {int(np.prod(shape))} numbers (shape {shape}), "
                f"got {str(value)[:60]}"
            )
        arrays.append(array.reshape(shape))
    return arrays[0], arrays[1], arrays[2], float(arrays[3][0])


def xor_network_output(
    W_hidden: Any, b_hidden: Any, w_out: Any, b_out: Any, X: Any = XOR_CORNERS
) -> tuple[np.ndarray, np.ndarray]:
    r"""Hidden activations and output of the step network on ``X`` (any accepted spelling).

    :math:`\mathbf{h} = f(X W + \mathbf{b})`, :math:`\hat y = f(\mathbf{h}\cdot\mathbf{w} + b)`,
    with the step :math:`f(z) = [z \ge 0]`.
    """
    W, b, w, c = xor_parts((W_hidden, b_hidden, w_out, b_out))
    H = (np.asarray(X, dtype=float) @ W + b >= 0) * 1.0
    return H, (H @ w + c >= 0) * 1.0


def on_the_corners(target):
    """Driver: the step network ``target()`` returns, run on XOR's four corners: its hidden
    patterns, output sums and outputs, or what is wrong with its shapes."""
    import numpy

    answer = target()
    shapes = {"W_hidden": (2, 2), "b_hidden": (2,), "w_out": (2,), "b_out": (1,)}
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 4:
        return {"error": f"expected four things (W_hidden, b_hidden, w_out, b_out), got "
                f"{str(answer)[:60]}"}  # fmt: skip
    parts = []
    for (name, shape), value in zip(shapes.items(), answer, strict=True):
        try:
            array = numpy.asarray(value, dtype=float)
        except (TypeError, ValueError):
            return {"error": f"{name} must hold numbers, got {str(value)[:60]}"}
        if array.size != int(numpy.prod(shape)):
            return {"error": f"expected {name} with {int(numpy.prod(shape))} numbers (shape "
                    f"{shape}), got {str(value)[:60]}"}  # fmt: skip
        parts.append(array.reshape(shape))
    W, b, w, c = parts
    corners = numpy.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    hidden = (corners @ W + b >= 0) * 1.0
    z = hidden @ w + c[0]
    return {"hidden": hidden.tolist(), "z": z.tolist(), "output": ((z >= 0) * 1.0).tolist()}


def xor_weights() -> tuple:
    """Reference: h1 = OR, h2 = AND, output = h1 and not h2."""
    return [[1, 1], [1, 1]], [-0.5, -1.5], [1, -1], -0.5


def _or_network() -> tuple:
    return [[1, 1], [1, 1]], [-0.5, -0.5], [1, 1], -0.5


def _and_network() -> tuple:
    return [[1, 1], [1, 1]], [-1.5, -1.5], [1, 1], -1.5


def _xor(expected: dict, got: object) -> str | None:
    """Right when the outputs on the four corners are the expected ones (0, 1, 1, 0 for the
    reference); else the first wrong corner, its hidden pattern and output sum."""
    if not isinstance(got, dict):
        return f"expected a network, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    if got.get("output") == expected["output"]:
        return None
    for corner, h, z, out, want in zip(
        XOR_CORNERS, got["hidden"], got["z"], got["output"], expected["output"], strict=True
    ):
        if out != want:
            where = f"at the corner x = ({corner[0]:g}, {corner[1]:g})"
            why = f"hidden units h = ({h[0]:g}, {h[1]:g}), output sum z = {z:g}"
            edge = " (z = 0 counts as firing: the step gives 1 there)" if z == 0 else ""
            return f"{where}: expected y_hat = {want:g}, got {out:g} ({why}){edge}"
    return f"expected the outputs {expected['output']}, got {got.get('output')}"


XOR_WEIGHTS = implement(
    "l04-xor-weights-test",
    "xor_weights",
    (Case((), label="xor_weights()"),),
    xor_weights,
    compare=_xor,
    driver=on_the_corners,
    hints=(
        "each hidden unit is a perceptron of its own: one line, and which side of it a corner "
        "lies on. The four corners give four hidden patterns (h1, h2); the output unit is a "
        "perceptron on those patterns",
        "choose the two lines so that both class-1 corners get one pattern that no class-0 "
        "corner gets (or so that the class-0 corners share patterns the class-1 corners do "
        "not), then pick w_out and b_out that fire on those patterns only; check "
        "z = w · x + b at every corner, remembering that z = 0 fires",
    ),
    mistakes=(
        Mistake(
            _or_network,
            "the output fires at (1, 1) too: this network computes OR. The two class-1 "
            "corners must give the output a pattern that (1, 1) does not give",
        ),
        Mistake(
            _and_network,
            "the output fires only at (1, 1): this network computes AND. The two class-1 "
            "corners (0, 1) and (1, 0) must fire, (1, 1) must not",
        ),
    ),
    success="your two hidden units and the output unit compute XOR on all four corners",
)

# --- Exercise 4: the pocket perceptron ------------------------------------------------------


def pocket_perceptron(X: np.ndarray, y: np.ndarray, lr: float, epochs: int):
    r"""Reference: Rosenblatt's rule from :math:`\mathbf{w} = 0, b = 0`, the examples in the
    given order, by dlcore's ``Perceptron(shuffle=False).fit``; the pocket holds the first
    weights with the highest accuracy on all of ``X``, among the start and every update."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    p = dl.Perceptron(lr=lr, epochs=epochs, shuffle=False).fit(X, y)
    best_w, best_b = np.zeros(X.shape[1]), 0.0
    best = float(np.mean((X @ best_w + best_b >= 0) == y))
    for s in p.steps_:
        if s.updated:
            accuracy = float(np.mean((X @ s.w + s.b >= 0) == y))
            if accuracy > best:
                best_w, best_b, best = s.w.copy(), s.b, accuracy
    return best_w, best_b, best


def pocketed(target, X, y, lr, epochs):
    """Driver: ``target(X, y, lr, epochs)`` on the data as float arrays; the accuracy it
    reports, and the accuracy its returned weights really get on ``X``."""
    import numpy

    X, y = numpy.array(X, dtype=float), numpy.array(y, dtype=float)
    result = target(X.copy(), y.copy(), lr, epochs)
    if isinstance(result, (str, bytes)) or not hasattr(result, "__len__") or len(result) != 3:
        return {"error": f"expected three things (w, b, accuracy), got {str(result)[:60]}"}
    try:
        w = numpy.asarray(result[0], dtype=float).reshape(-1)
        b = float(numpy.asarray(result[1], dtype=float).reshape(-1)[0])
        reported = float(numpy.asarray(result[2], dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return {"error": f"expected numbers (w, b, accuracy), got {str(result)[:60]}"}
    if w.shape != (X.shape[1],):
        return {"error": f"expected w with {X.shape[1]} weights, got {str(result[0])[:60]}"}
    really = float(numpy.mean((X @ w + b >= 0) == y))
    return {"accuracy": reported, "accuracy_of_w": really}


def _pocket(expected: dict, got: object) -> str | None:
    """Right when the reported accuracy is the best one, and the weights returned get it."""
    if not isinstance(got, dict):
        return f"expected (w, b, accuracy), got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    want, have = expected["accuracy"], got["accuracy"]
    if not np.isclose(have, want, atol=1e-9):
        return f"best accuracy: expected {want:.4f}, got {have:.4f}"
    if not np.isclose(got["accuracy_of_w"], expected["accuracy_of_w"], atol=1e-9):
        return (
            f"the w and b you returned get {got['accuracy_of_w']:.4f} on X, not the "
            f"{have:.4f} you report"
        )
    return None


def _pocket_variant(X, y, lr, epochs, *, at="update", alias=False, last=False):
    """A pocket perceptron with one typical mistake switched on."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    best_w, best_b = w.copy(), b
    best = float(np.mean((X @ w + b >= 0) == y))
    for _ in range(epochs):
        n_errors = 0
        for x, target in zip(X, y, strict=True):
            z = x @ w + b
            error = target - (1.0 if z >= 0 else 0.0)
            if error == 0:
                continue
            n_errors += 1
            w += lr * error * x  # in place: the pocket below holds this same array if aliased
            b = b + lr * error
            if at == "update":
                accuracy = float(np.mean((X @ w + b >= 0) == y))
                if accuracy > best:
                    best_w, best_b, best = (w if alias else w.copy()), b, accuracy
        if at == "epoch":
            accuracy = float(np.mean((X @ w + b >= 0) == y))
            if accuracy > best:
                best_w, best_b, best = w.copy(), b, accuracy
        if n_errors == 0:
            break
    if last:
        return w, b, best
    return best_w, best_b, best


def _pocket_aliased(X, y, lr, epochs):
    return _pocket_variant(X, y, lr, epochs, alias=True)


def _pocket_last_weights(X, y, lr, epochs):
    return _pocket_variant(X, y, lr, epochs, last=True)


def _pocket_at_epoch_ends(X, y, lr, epochs):
    return _pocket_variant(X, y, lr, epochs, at="epoch")


def _data(maker: str, n: int, seed: int) -> tuple[list, list]:
    X, y = getattr(dl.datasets, maker)(n_samples=n, noise=0.1, seed=seed)
    return X.tolist(), y.tolist()


_X_XOR, _Y_XOR = _data("make_xor", 200, 0)
_X_CIRC, _Y_CIRC = _data("make_circles", 200, 0)
_X_XOR_2, _Y_XOR_2 = _data("make_xor", 60, 5)
_AND = ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0.0, 0.0, 0.0, 1.0])
_XOR4 = (XOR_CORNERS.tolist(), XOR_LABELS.tolist())

POCKET = implement(
    "l04-pocket-test",
    "pocket_perceptron",
    (
        Case(
            (*_AND, 1.0, 10),
            "AND is separable: the pocket ends with a line that gets all four corners",
            label="pocket_perceptron on the AND corners, lr=1, epochs=10",
        ),
        Case(
            (*_XOR4, 1.0, 5),
            "on XOR's corners Rosenblatt's rule goes round in circles: the pocket keeps the "
            "best line it passes through",
            label="pocket_perceptron on the XOR corners, lr=1, epochs=5",
        ),
        Case(
            (_X_XOR, _Y_XOR, 1.0, 20),
            "the lesson's XOR data: score the weights after every update on all of X",
            label="pocket_perceptron(X_xor, y_xor, lr=1.0, epochs=20)",
        ),
        Case(
            (_X_CIRC, _Y_CIRC, 0.5, 20),
            "the lesson's circles, with lr = 0.5",
            label="pocket_perceptron(X_circ, y_circ, lr=0.5, epochs=20)",
        ),
        Case(
            (_X_XOR_2, _Y_XOR_2, 1.0, 8),
            label="pocket_perceptron on 60 other XOR points, lr=1, epochs=8",
        ),
    ),
    pocket_perceptron,
    compare=_pocket,
    driver=pocketed,
    hints=(
        "train exactly as Rosenblatt's rule does (from w = 0, b = 0, the examples in their "
        "order), and keep a second pair of weights on the side, the pocket: the best seen so "
        "far. Each time an update changes w and b, measure the accuracy of the new line on "
        "all of X and swap it into the pocket when it is better",
        "accuracy = (1/n) Σ_i [f(w · x_i + b) = y_i] with f(z) = 1 for z ≥ 0; the pocket "
        "starts with w = 0, b = 0 and their accuracy, and it must hold its own copy of w, "
        "not the array training keeps changing",
    ),
    mistakes=(
        Mistake(
            _pocket_aliased,
            "the weights in your pocket changed after you put them there: an in-place update "
            "(w += ...) changes the one array that both names hold. Put a copy in the pocket, "
            "or build a new array at each update",
        ),
        Mistake(
            _pocket_last_weights,
            "that is the last line training held, with the pocket's accuracy: return the "
            "weights in the pocket",
        ),
        Mistake(
            _pocket_at_epoch_ends,
            "the pocket was only filled at the end of each epoch: the best line is often one "
            "the perceptron held for a few examples only, so score it after every update",
        ),
    ),
    library=("dlcore.Perceptron.fit",),
    success="pocket_perceptron keeps the best line Rosenblatt's rule passes through",
)

EXERCISES = [MAJORITY_BASELINE, BEST_LINE, XOR_WEIGHTS, POCKET]
