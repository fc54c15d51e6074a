"""Grader-side specs of lesson 08: a neuron's gradients, saturation, a forgetful Dense layer.

``ForgetfulDense`` is a class, which JSON cannot carry: its driver builds a layer of the
learner's class in the kernel, sets its weights, runs forward and backward on a fixed
batch and sends back the output, ``dW``, ``db``, the returned ``dX`` and dl.gradcheck's
errors on a fresh layer; the grader runs the same driver on its own reference class.
"""

from __future__ import annotations

import numpy as np

import dlcore as dl
from course.checks.lesson08 import _NEURON_CASES
from course.grading.exercises import Exercise, close, predicted, value_of


def _neuron(x: float, w: float, b: float, y: float) -> list[float]:
    """Reference: (dL/dw, dL/db) = (2(a - y) a(1 - a) x, 2(a - y) a(1 - a)), a = sigma(wx + b)."""
    a = 1.0 / (1.0 + np.exp(-(w * x + b)))
    dz = 2.0 * (a - y) * a * (1.0 - a)
    return [dz * x, dz]


class _ReferenceForgetful(dl.Dense):
    """The expected answer: Dense with dZ = dA, the activation's slope left out."""

    def backward(self, dA: np.ndarray) -> np.ndarray:
        self.dW[:] = self.X.T @ dA
        self.db[:] = dA.sum(axis=0)
        return dA @ self.W.T


def forgetful_results(target, activation, n_in, n_out, seed, b, X, dA, targets):
    """Driver: a ``target(n_in, n_out, activation, "xavier", seed)`` layer (a dl.Dense) with
    bias ``b``: ``[forward(X), dW, db, backward(dA)]`` and gradcheck's two errors, flattened."""
    import numpy

    import dlcore

    layer = target(n_in, n_out, activation, "xavier", seed)
    if not isinstance(layer, dlcore.Dense):
        raise TypeError(f"expected a subclass of dl.Dense, got {type(layer).__name__}")
    layer.b[:] = b
    X, dA = numpy.array(X, dtype=float), numpy.array(dA, dtype=float)
    out = layer.forward(X)
    dX = layer.backward(dA)
    fresh = target(n_in, n_out, activation, "xavier", seed)
    errors = dlcore.gradcheck(fresh, X, numpy.array(targets, dtype=float), loss="mse")
    parts = [out, layer.dW, layer.db, dX]
    return [numpy.asarray(part, dtype=float).ravel().tolist() for part in parts] + [
        [float(errors["W"]), float(errors["b"])]
    ]


def _forgetful(args: tuple, outcome: dict) -> str | None:
    """Right when forward, dW, db and dX match the reference and gradcheck flags W and b."""
    value, why = value_of(outcome)
    if why:
        return why
    expected = forgetful_results(_ReferenceForgetful, *args)
    names = ["forward(X)", "dW", "db", "backward(dA)"]
    if not (isinstance(value, list) and len(value) == 5):
        return f"expected the layer's results, got {str(value)[:60]}"
    for name, got, want in zip(names, value[:4], expected[:4], strict=True):
        got = np.asarray(got, dtype=float)
        if got.shape != np.shape(want) or not np.allclose(got, want, atol=1e-8):
            return f"{name} differs from a Dense that forgets f'(Z): {str(got.tolist())[:60]}"
    if min(np.asarray(value[4], dtype=float)) < 1e-3:
        return f"gradcheck does not flag W and b (relative errors {value[4]})"
    return None


def _forgetful_cases() -> tuple:
    """The check's sigmoid layer, the hidden test's sigmoid and tanh layers, a wider batch."""
    rng = np.random.default_rng(808)
    b = rng.normal(size=2)
    X, dA = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    targets = rng.uniform(0.1, 0.9, (4, 2))
    cases = [("sigmoid", 3, 2, 8, b.tolist(), X.tolist(), dA.tolist(), targets.tolist())]
    X4 = np.random.default_rng(808).normal(size=(2, 5, 4))[0]
    for activation in ("sigmoid", "tanh"):
        b4 = dl.Dense(4, 2, activation=activation, seed=808).b
        cases.append(
            (
                activation,
                4,
                2,
                808,
                b4.tolist(),
                X4.tolist(),
                np.ones((5, 2)).tolist(),
                targets[:1].repeat(5, 0).tolist(),
            )
        )
    rng = np.random.default_rng(818)
    cases.append(
        (
            "tanh",
            3,
            4,
            18,
            rng.normal(size=4).tolist(),
            rng.normal(size=(6, 3)).tolist(),
            rng.normal(size=(6, 4)).tolist(),
            rng.uniform(-0.5, 0.5, (6, 4)).tolist(),
        )
    )
    return tuple(cases)


_rng = np.random.default_rng(808)
_RANDOM_NEURONS = tuple(tuple(float(v) for v in row) for row in _rng.uniform(-2, 2, size=(10, 4)))

EXERCISES = [
    Exercise(
        "l08-neuron-gradients-test",
        ("neuron_gradients",),
        (*_NEURON_CASES, *_RANDOM_NEURONS),
        close(_neuron, atol=1e-9, rtol=1e-5, fit="flat"),
    ),
    predicted("l08-saturation-prediction-test", "B"),
    Exercise(
        "l08-forgetful-dense-test",
        ("ForgetfulDense",),
        _forgetful_cases(),
        _forgetful,
        driver=forgetful_results,
    ),
]
