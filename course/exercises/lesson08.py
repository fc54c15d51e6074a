"""Lesson 08, backpropagation and the chain rule: one neuron's gradients, the factor that
vanishes when it saturates, a two-layer backward pass whose fan-outs add, and a Dense layer
broken on purpose for the gradient check to find.

The lesson's neuron: ``z = w x + b``, ``a = σ(z)``, ``L = (a - y)²``. Its gradients come
from dlcore's ``Dense(1, 1, "sigmoid")`` and the two-layer network's from dlcore's
``Sequential``, which are withheld while the learner's answer runs. ``ForgetfulDense`` is a
class, which JSON cannot carry: its driver builds a layer of the learner's class in the
kernel, runs forward and backward on a fixed batch and sends back the output, ``dW``,
``db``, the returned ``dX`` and whether ``dl.gradcheck`` flags a fresh layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

import dlcore as dl
from course.exercises import Case, Mistake, close, implement, predict

#: what an answer may not call: each computes a whole backward pass (or its numbers) at once
BACKWARD_PASSES = (
    "dlcore.Dense.backward",
    "dlcore.Dense._gradients",
    "dlcore.Sequential.backward",
    "dlcore.numerical_gradient",
)

# --- Exercise 1: one neuron's gradients ------------------------------------------------------


def neuron_gradients(x: float, w: float, b: float, y: float) -> tuple[float, float]:
    r"""Reference: :math:`(\partial L/\partial w, \partial L/\partial b)` of
    :math:`L = (\sigma(wx + b) - y)^2`, from dlcore's sigmoid ``Dense(1, 1)`` and its mse."""
    neuron = dl.Dense(1, 1, activation="sigmoid")
    neuron.W[:], neuron.b[:] = w, b
    mse = dl.losses.get("mse")
    out = neuron.forward(np.array([[x]], dtype=float))
    neuron.backward(mse.backward(out, np.array([[y]], dtype=float)))
    return float(neuron.dW[0, 0]), float(neuron.db[0])


def _forward(x: float, w: float, b: float, y: float) -> tuple[float, float]:
    a = 1.0 / (1.0 + np.exp(-(w * x + b)))
    return a, 2.0 * (a - y)


def _without_sigmoid_slope(x, w, b, y):
    _, error = _forward(x, w, b, y)
    return error * x, error


def _without_two(x, w, b, y):
    dw, db = neuron_gradients(x, w, b, y)
    return dw / 2, db / 2


def _y_minus_a(x, w, b, y):
    dw, db = neuron_gradients(x, w, b, y)
    return -dw, -db


def _slope_is_a(x, w, b, y):
    a, error = _forward(x, w, b, y)
    return error * a * x, error * a


def _swapped(x, w, b, y):
    dw, db = neuron_gradients(x, w, b, y)
    return db, dw


def _only_dw(x, w, b, y):
    return neuron_gradients(x, w, b, y)[0]


def _bias_times_x(x, w, b, y):
    dw, _ = neuron_gradients(x, w, b, y)
    return dw, dw


#: (x, w, b, y): the lesson's student first
NEURON_CASES = (
    (2.0, 0.5, -0.5, 0.8),
    (1.0, -1.0, 0.3, 0.0),
    (-1.5, 0.8, 0.2, 1.0),
    (0.5, 3.0, 1.0, 0.2),
)
_rng = np.random.default_rng(808)
_RANDOM_NEURONS = tuple(tuple(float(v) for v in row) for row in _rng.uniform(-2, 2, size=(10, 4)))

NEURON_GRADIENTS = implement(
    "l08-neuron-gradients-test",
    "neuron_gradients",
    (
        Case(NEURON_CASES[0], "the lesson's student: about (-0.1669, -0.0834)"),
        *(Case(args) for args in NEURON_CASES[1:]),
        *(Case(args) for args in _RANDOM_NEURONS),
    ),
    neuron_gradients,
    compare=close(atol=1e-9, rtol=1e-5, fit="flat"),
    public=len(NEURON_CASES),
    hints=(
        "w reaches the loss through a chain of steps, w -> z -> a -> L, and b through the "
        "same chain from z on. The chain rule multiplies the local slope of each step, taken "
        "at the values of the forward pass: so run the forward pass first",
        "dL/dw = dL/da · da/dz · dz/dw and dL/db = dL/da · da/dz · dz/db, with the slopes of "
        "the table in section 2: of the square (a - y)², of the sigmoid (written with a), and "
        "of z = w x + b with respect to w and to b",
    ),
    mistakes=(
        Mistake(
            _without_sigmoid_slope,
            "the chain passes the sigmoid: multiply by its local derivative da/dz",
        ),
        Mistake(_without_two, "d/da (a - y)^2 = 2 (a - y): keep the factor 2"),
        Mistake(_y_minus_a, "dL/da = 2 (a - y), prediction minus target; (y - a) flips the sign"),
        Mistake(_slope_is_a, "the sigmoid's slope is sigma(z) (1 - sigma(z)), not sigma(z)"),
        Mistake(_swapped, "return (dL/dw, dL/db) in this order: dL/dw has the factor x"),
        Mistake(_bias_times_x, "dz/db = 1, so dL/db has no factor x"),
        Mistake(_only_dw, "that is dL/dw alone: return the pair (dL/dw, dL/db)"),
    ),
    library=BACKWARD_PASSES,
    success="neuron_gradients multiplies the local derivatives: dL/dw = 2(a - y) a(1 - a) x, "
    "dL/db = 2(a - y) a(1 - a)",
)

# --- Exercise 2: predict which factor vanishes when the neuron saturates ----------------------

#: the choices of the prediction exercise: the neuron with x = 2, w = 5, b = 0 and y = 0
SATURATION_CHOICES = {
    "A": "dL/da = 2(a - y)",
    "B": "da/dz = sigma(z)(1 - sigma(z))",
    "C": "dz/dw = x",
    "D": "none: the prediction is badly wrong, so every factor and the gradient are large",
}

SATURATION = predict(
    "l08-saturation-prediction-test",
    "B",
    SATURATION_CHOICES,
    {
        "A": "a is almost 1 and y = 0, so 2(a - y) is almost 2: this factor is as large as the "
        "squared error's slope gets for a sigmoid's output",
        "C": "z = w x + b is linear in w: its slope x = 2 does not depend on how large z is",
        "D": "the gradient is a product of the local derivatives: one factor near 0 makes it "
        "near 0, however large the others are; look at the sigmoid's curve far from z = 0",
    },
    success="B: at z = 10 the sigmoid is flat, sigma(10)(1 - sigma(10)) = 4.5e-5, and that "
    "factor makes dL/dw tiny although the prediction is badly wrong",
)

# --- Exercise 3: a two-layer backward pass, whose fan-outs add ------------------------------

#: the names of the five gradients two_layer_backward returns, in their order
GRADIENTS = ("dL/dW1", "dL/db1", "dL/dW2", "dL/db2", "dL/dX")


def two_layer_backward(X: Any, y: Any, W1: Any, b1: Any, W2: Any, b2: Any) -> tuple:
    r"""Reference: the gradients of :math:`L = \frac1n \sum_i (p_i - y_i)^2` for
    :math:`H = \sigma(XW_1 + b_1)`, :math:`P = HW_2 + b_2`, by dlcore's ``Sequential`` of a
    sigmoid ``Dense`` and a linear one: ``(dW1, db1, dW2, db2, dX)``."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float).reshape(-1, 1)
    W1, W2 = np.asarray(W1, dtype=float), np.asarray(W2, dtype=float)
    (n_in, n_hidden), (_, n_out) = W1.shape, W2.shape
    hidden = dl.Dense(n_in, n_hidden, activation="sigmoid")
    out = dl.Dense(n_hidden, n_out, activation=None)
    net = dl.Sequential([hidden, out])
    hidden.W[:], hidden.b[:], out.W[:], out.b[:] = W1, b1, W2, b2
    mse = dl.losses.get("mse")
    dX = net.backward(mse.backward(net.forward(X), y))
    return hidden.dW.copy(), hidden.db.copy(), out.dW.copy(), out.db.copy(), dX


def gradient_parts(answer: Any, W1: Any, W2: Any, n: int) -> tuple[np.ndarray, ...]:
    """The five gradients an answer of ``two_layer_backward`` returns, as float arrays of the
    shapes of ``W1``, ``b1``, ``W2``, ``b2`` and ``X`` (``n`` examples); a bias's gradient
    may come as ``(1, k)`` or, for one output, a number. ValueError when they do not fit."""
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 5:
        raise ValueError(f"expected five gradients ({', '.join(GRADIENTS)}), got {answer!r:.60}")
    (n_in, n_hidden), (_, n_out) = np.shape(W1), np.shape(W2)
    shapes = [(n_in, n_hidden), (n_hidden,), (n_hidden, n_out), (n_out,), (n, n_in)]
    parts = []
    for name, shape, value in zip(GRADIENTS, shapes, answer, strict=True):
        array = np.asarray(value, dtype=float)
        fits = array.shape == shape or (name in GRADIENTS[1:4:2] and array.size == shape[0])
        if not fits:
            raise ValueError(f"{name}: expected shape {shape}, got {array.shape}")
        parts.append(array.reshape(shape))
    return tuple(parts)


def _two_layer(expected: Any, got: Any) -> str | None:
    """Right when each of the five gradients is close to the reference's, the weights' and
    the input's with their exact shapes, the biases' up to axes of length 1."""
    if isinstance(got, dict) or not isinstance(got, list) or len(got) != 5:
        return f"expected five gradients ({', '.join(GRADIENTS)}), got {str(got)[:60]}"
    for number, (name, want, have) in enumerate(zip(GRADIENTS, expected, got, strict=True)):
        fit = "squeeze" if number in (1, 3) else "exact"
        wrong = close(atol=1e-9, rtol=1e-6, fit=fit)(want, have)
        if wrong is not None:
            return f"{name}: {wrong}"
    return None


def _backward_with(X, y, W1, b1, W2, b2, *, scale=1.0, slope="right", last_only=False):
    """The two-layer backward pass with one typical mistake switched on: returns the five
    gradients, and the arrays of the pass (for the mistakes that change its end)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float).reshape(-1, 1)
    Z1 = X @ W1 + b1
    H = 1.0 / (1.0 + np.exp(-Z1))
    P = H @ W2 + b2
    dP = scale * 2.0 * (P - y) / len(X)
    dH = dP @ W2.T
    f_prime = {"right": H * (1 - H), "none": 1.0, "of z": Z1 * (1 - Z1), "h": H}[slope]
    dZ1 = dH * f_prime
    rows = slice(-1, None) if last_only else slice(None)
    dW1, db1 = X[rows].T @ dZ1[rows], dZ1[rows].sum(axis=0)
    dW2, db2 = H[rows].T @ dP[rows], dP[rows].sum(axis=0)
    return [dW1, db1, dW2, db2, dZ1 @ W1.T], {"dZ1": dZ1, "dP": dP, "H": H}


def _sum_not_mean(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, scale=len(X))[0]


def _without_two_in_mse(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, scale=0.5)[0]


def _y_minus_p(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, scale=-1.0)[0]


def _forgets_the_hidden_slope(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, slope="none")[0]


def _slope_of_z(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, slope="of z")[0]


def _slope_is_h(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, slope="h")[0]


def _last_example_only(X, y, W1, b1, W2, b2):
    return _backward_with(X, y, W1, b1, W2, b2, last_only=True)[0]


def _transposed_dW1(X, y, W1, b1, W2, b2):
    grads, _ = _backward_with(X, y, W1, b1, W2, b2)
    return [grads[0].T, *grads[1:]]


def _transposed_dW2(X, y, W1, b1, W2, b2):
    grads, _ = _backward_with(X, y, W1, b1, W2, b2)
    return [grads[0], grads[1], grads[2].T, *grads[3:]]


def _biases_not_summed(X, y, W1, b1, W2, b2):
    grads, parts = _backward_with(X, y, W1, b1, W2, b2)
    return [grads[0], parts["dZ1"], grads[2], parts["dP"], grads[4]]


def _hidden_bias_not_summed(X, y, W1, b1, W2, b2):
    grads, parts = _backward_with(X, y, W1, b1, W2, b2)
    return [grads[0], parts["dZ1"], *grads[2:]]


def _input_through_one_unit(X, y, W1, b1, W2, b2):
    grads, parts = _backward_with(X, y, W1, b1, W2, b2)
    return [*grads[:4], parts["dZ1"][:, -1:] @ W1[:, -1:].T]


def _input_without_the_slope(X, y, W1, b1, W2, b2):
    grads, parts = _backward_with(X, y, W1, b1, W2, b2)
    return [*grads[:4], (parts["dP"] @ W2.T) @ W1.T]


def _net(seed: int, n: int, n_in: int = 2, n_hidden: int = 3) -> tuple[list, ...]:
    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n, n_in)), rng.uniform(0.0, 1.0, size=(n, 1))
    W1, b1 = rng.normal(size=(n_in, n_hidden)), rng.normal(scale=0.5, size=n_hidden)
    W2, b2 = rng.normal(size=(n_hidden, 1)), rng.normal(scale=0.5, size=1)
    return tuple(a.tolist() for a in (X, y, W1, b1, W2, b2))


def _net_case(seed: int, n: int, hint: str = "", n_in: int = 2, n_hidden: int = 3) -> Case:
    label = (
        f"two_layer_backward on {n} example{'s' * (n > 1)}, {n_in} inputs, {n_hidden} hidden "
        f"units, 1 output (seed {seed})"
    )
    return Case(_net(seed, n, n_in, n_hidden), hint, label=label)


TWO_LAYER = implement(
    "l08-two-layer-backward-test",
    "two_layer_backward",
    (
        _net_case(
            808, 4, "a batch of 4: each weight is used by every example, their gradients add"
        ),
        _net_case(
            809, 1, "one example: each input feeds all 3 hidden units, its gradient adds the paths"
        ),
        _net_case(810, 6, "other sizes: 3 inputs, 4 hidden units", n_in=3, n_hidden=4),
        _net_case(811, 5, n_in=4, n_hidden=2),
        _net_case(812, 8, n_in=2, n_hidden=5),
    ),
    two_layer_backward,
    compare=_two_layer,
    arrays=(0, 1, 2, 3, 4, 5),
    public=3,
    hints=(
        "walk the network backwards one layer at a time, each step a chain-rule product of "
        "what came from above and a local derivative: the loss to P, the output layer to H, "
        "the sigmoid to Z1, the first layer to X. Where a value is used more than once (a "
        "weight by every example, an input by every hidden unit) the gradients of its uses add",
        "dL/dP = 2(P - y)/n; dL/dW2 = Hᵀ dL/dP and dL/db2 = the column sums of dL/dP; "
        "dL/dH = dL/dP W2ᵀ; dL/dZ1 = dL/dH ⊙ σ'(Z1) with σ'(Z1) = H ⊙ (1 - H); then the same "
        "three products for the first layer: dL/dW1 = Xᵀ dL/dZ1, dL/db1, dL/dX = dL/dZ1 W1ᵀ",
    ),
    mistakes=(
        Mistake(
            _sum_not_mean,
            "n times too large: the loss is the mean over the n examples (dlcore's mse), so "
            "dL/dP = 2(P - y)/n",
        ),
        Mistake(_without_two_in_mse, "d/dp (p - y)² = 2(p - y): keep the factor 2"),
        Mistake(
            _y_minus_p, "dL/dP = 2(P - y)/n, prediction minus target; (y - P) flips every sign"
        ),
        Mistake(
            _forgets_the_hidden_slope,
            "the path from H back to Z1 passes the sigmoid: multiply dL/dH by its slope, "
            "element by element",
        ),
        Mistake(
            _slope_of_z,
            "the sigmoid's slope is σ(z)(1 - σ(z)), the values after the sigmoid (H), not z",
        ),
        Mistake(_slope_is_h, "the sigmoid's slope is σ(z)(1 - σ(z)) = H(1 - H), not H"),
        Mistake(
            _last_example_only,
            "those are the last example's gradients only: every example uses the same weights, "
            "so the weights' and biases' gradients add the contributions of all of them (a loop "
            "that assigns instead of adding keeps the last one)",
        ),
        Mistake(
            _transposed_dW1,
            "a gradient has the shape of its parameter: one entry per weight of W1, which "
            "maps the inputs (rows) to the hidden units (columns)",
        ),
        Mistake(
            _transposed_dW2,
            "a gradient has the shape of its parameter: dL/dW2 has one row per hidden unit",
        ),
        Mistake(
            _biases_not_summed,
            "a bias is added to every example's sum: its gradient adds the contributions of "
            "all the examples, one number per unit",
        ),
        Mistake(
            _hidden_bias_not_summed,
            "b1 is added to every example's sum: its gradient adds the contributions of all "
            "the examples, one number per hidden unit",
        ),
        Mistake(
            _input_through_one_unit,
            "that is one path only: each input feeds every hidden unit, so its gradient is "
            "the sum over those paths",
        ),
        Mistake(
            _input_without_the_slope,
            "dL/dX goes on from dL/dZ1, after the sigmoid's slope, not from dL/dH",
        ),
    ),
    library=BACKWARD_PASSES,
    success="two_layer_backward walks both layers back, and every fan-out adds: the batch in "
    "dW and db, the hidden units in dL/dX",
)

# --- Exercise 4: a Dense layer that forgets the activation's slope --------------------------


class ReferenceForgetful(dl.Dense):
    """Reference: Dense with dZ = dA, the activation's slope left out."""

    def backward(self, dA: npt.ArrayLike, logits: bool = False) -> np.ndarray:
        """dL/dW = X^T dA, dL/db = sum of dA's rows; return dL/dX = dA W^T."""
        if self.X is None:
            raise RuntimeError("backward called before forward")
        grad = np.asarray(dA, dtype=float)
        self.dW[:] = self.X.T @ grad
        self.db[:] = grad.sum(axis=0)
        return grad @ self.W.T


def forgetful_results(target, activation, n_in, n_out, seed, b, X, dA, targets):
    """Driver: a ``target(n_in, n_out, activation, "xavier", seed)`` layer (a dl.Dense) with
    bias ``b``: its ``forward(X)``, then ``dW``, ``db`` and the ``dX`` that ``backward(dA)``
    returns, and whether dl.gradcheck flags both W and b of a fresh layer. A forward pass
    unlike Dense's stops there (the rest None), and so does a gradcheck that cannot run."""
    import numpy

    import dlcore

    def listed(value):
        if value is None:
            return None
        return numpy.asarray(value, dtype=float).tolist()

    if not (isinstance(target, type) and issubclass(target, dlcore.Dense)):
        return {"error": f"expected a class that subclasses dl.Dense, got {target!r:.60}"}
    layer = target(n_in, n_out, activation, "xavier", seed)
    layer.b[:] = b
    X, dA = numpy.array(X, dtype=float), numpy.array(dA, dtype=float)
    dense = dlcore.Dense(n_in, n_out, activation, "xavier", seed)
    dense.W[:], dense.b[:] = layer.W, layer.b
    out = layer.forward(X)
    result = {"forward": listed(out), "dW": None, "db": None, "dX": None, "flagged": None}
    if numpy.shape(out) != (len(X), n_out) or not numpy.allclose(out, dense.forward(X)):
        return result
    dX = layer.backward(dA)
    result.update(dW=listed(layer.dW), db=listed(layer.db), dX=listed(dX))
    fresh = target(n_in, n_out, activation, "xavier", seed)
    try:
        errors = dlcore.gradcheck(fresh, X, numpy.array(targets, dtype=float), loss="mse")
    except (ValueError, TypeError):
        return result
    result["flagged"] = bool(min(errors.values()) > 1e-3)
    result["errors"] = {name: round(float(error), 4) for name, error in errors.items()}
    return result


_FORGETFUL_PARTS = {
    "forward": "forward(X)",
    "dW": "dW after backward(dA)",
    "db": "db after backward(dA)",
    "dX": "what backward(dA) returns",
}


def _forgetful(expected: dict, got: Any) -> str | None:
    """Right when forward, dW, db and dX match a Dense that forgets f'(Z), and gradcheck
    flags the layer as it flags the reference."""
    if not isinstance(got, dict):
        return f"expected the layer's results, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    for part, name in _FORGETFUL_PARTS.items():
        if got.get(part) is None or expected[part] is None:
            if got.get(part) is expected[part]:
                continue
            return f"{name}: expected an array, got {str(got.get(part))[:60]}"
        wrong = close(atol=1e-8)(expected[part], got[part])
        if wrong is not None and part == "forward":
            return f"{name}: {wrong} (break only the backward pass: keep Dense's forward)"
        if wrong is not None:
            return f"{name}: {wrong}"
    if got.get("flagged") != expected["flagged"]:
        if got.get("flagged") is None:
            return "dl.gradcheck could not run on the layer: keep dW and db the shapes of W and b"
        return f"expected gradcheck to flag W and b, got relative errors {got.get('errors')}"
    return None


class _NotStoring(dl.Dense):
    def backward(self, dA):
        return dA @ self.W.T


class _TransposedGradient(dl.Dense):
    def backward(self, dA):
        self.dW = dA.T @ self.X
        self.db[:] = dA.sum(axis=0)
        return dA @ self.W.T


class _ReturnsNothing(dl.Dense):
    def backward(self, dA):
        self.dW[:] = self.X.T @ dA
        self.db[:] = dA.sum(axis=0)


class _ForgetsTheBias(dl.Dense):
    def backward(self, dA):
        self.dW[:] = self.X.T @ dA
        return dA @ self.W.T


def _forgetful_cases() -> tuple[Case, ...]:
    """The check's sigmoid layer, the hidden test's sigmoid and tanh layers, a wider batch."""
    rng = np.random.default_rng(808)
    b = rng.normal(size=2)
    X, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    targets = rng.uniform(0.1, 0.9, (4, 2))
    label = "ForgetfulDense(3, 2, activation='sigmoid')"
    args = ("sigmoid", 3, 2, 8, b.tolist(), X.tolist(), dA.tolist(), targets.tolist())
    cases = [Case(args, label=label)]
    X4 = np.random.default_rng(808).normal(size=(2, 5, 4))[0]
    for activation in ("sigmoid", "tanh"):
        b4 = dl.Dense(4, 2, activation=activation, seed=808).b
        args = (
            activation,
            4,
            2,
            808,
            b4.tolist(),
            X4.tolist(),
            np.ones((5, 2)).tolist(),
            targets[:1].repeat(5, 0).tolist(),
        )
        cases.append(Case(args, label=f"ForgetfulDense(4, 2, activation={activation!r})"))
    rng = np.random.default_rng(818)
    args = (
        "tanh",
        3,
        4,
        18,
        rng.normal(size=4).tolist(),
        rng.normal(size=(6, 3)).tolist(),
        rng.normal(size=(6, 4)).tolist(),
        rng.uniform(-0.5, 0.5, (6, 4)).tolist(),
    )
    cases.append(Case(args, label="ForgetfulDense(3, 4, activation='tanh')"))
    return tuple(cases)


FORGETFUL_DENSE = implement(
    "l08-forgetful-dense-test",
    "ForgetfulDense",
    _forgetful_cases(),
    ReferenceForgetful,
    compare=_forgetful,
    driver=forgetful_results,
    public=2,
    hints=(
        "break one link of the chain and keep the others: Dense's backward pass multiplies "
        "dL/dA by the activation's slope to get dL/dZ; this layer skips that factor and "
        "does everything else as Dense does (store the gradients, hand dL/dX down)",
        "with dL/dZ = dL/dA: dL/dW = Xᵀ dL/dZ, dL/db = the column sums of dL/dZ, each stored "
        "in the layer's own dW and db (gradcheck reads them), and dL/dX = dL/dZ Wᵀ returned",
    ),
    mistakes=(
        Mistake(
            dl.Dense,
            "this backward pass is still correct, so gradcheck finds nothing: leave out the "
            "activation's slope, dL/dZ = dL/dA where Dense multiplies by f'(Z)",
        ),
        Mistake(_NotStoring, "store the weights' gradient in self.dW (gradcheck reads it)"),
        Mistake(
            _TransposedGradient,
            "a gradient has the shape of its parameter: dW has the shape of W, (n_in, n_out)",
        ),
        Mistake(
            _ReturnsNothing, "return dL/dX = dL/dZ Wᵀ, so that a layer below can go on the chain"
        ),
        Mistake(_ForgetsTheBias, "store the bias's gradient in self.db too: the sum over rows"),
    ),
    success="ForgetfulDense forgets f'(Z), and gradcheck sees it (a correct backward pass "
    "gives relative errors below 1e-7)",
)

EXERCISES = [NEURON_GRADIENTS, SATURATION, TWO_LAYER, FORGETFUL_DENSE]
