"""Lesson 10's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, graded, right_everywhere, wrong_everywhere

import dlcore as dl
from course.exercises import lesson10
from course.exercises.calls import called, plain

GRADIENT = (
    "def first_weight_gradient(x, y, w, b):\n"
    "    acts, a = [], x\n"
    "    for wk, bk in zip(w, b):\n"
    "        a = sigmoid(wk * a + bk)\n"
    "        acts.append(a)\n"
    "    grad = TWO * (acts[-1] - y)\n"
    "    for k in range(len(w) - 1, 0, -1):\n"
    "        grad *= acts[k] * (1 - acts[k]) * w[k]\n"
    "    return grad * acts[0] * (1 - acts[0]) * X\n"
)
RUN = (
    "def exploding_run(X, G, sizes, rng, scale=1.0):\n"
    "    weights = [scale * DRAW for n_in, n_out in zip(sizes[:-1], sizes[1:])]\n"
    "    inputs, sums, a = [], [], X\n"
    "    for W in weights:\n"
    "        inputs.append(a)\n"
    "        sums.append(a @ W)\n"
    "        a = np.maximum(sums[-1], 0)\n"
    "    norms = []\n"
    "    for W, a_prev, z in zip(weights[::-1], inputs[::-1], sums[::-1]):\n"
    "        dz = G * SLOPE\n"
    "        norms.append(np.linalg.norm(a_prev.T @ DZ))\n"
    "        G = dz @ W.T\n"
    "    return weights, norms[::-1]\n"
)
NORMAL = "rng.normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out))"
RIGHT_RUN = RUN.replace("DRAW", NORMAL).replace("SLOPE", "(z > 0)").replace("DZ", "dz")


def _draw(draw: str) -> str:
    return RUN.replace("DRAW", draw).replace("SLOPE", "(z > 0)").replace("DZ", "dz")


RIGHT = {
    "l10-smallest-depth-test": [
        "def smallest_depth(threshold, slope=0.25):\n    n = 1\n"
        "    while slope**n >= threshold:\n        n += 1\n    return n",
        # a numpy float, not an int
        "def smallest_depth(t, slope=0.25):\n    return np.floor(np.log(t) / np.log(slope)) + 1",
        "def smallest_depth(t, slope=0.25):\n"
        "    return int(np.floor(np.log(t) / np.log(slope))) + 1",
        "import math\ndef smallest_depth(t, slope=0.25):\n"
        "    n = math.log(t) / math.log(slope)\n    return math.floor(n) + 1",
        "import itertools\ndef smallest_depth(threshold, slope=0.25):\n"
        "    return next(n for n in itertools.count(1) if slope**n < threshold)",
    ],
    "l10-first-weight-gradient-test": [
        GRADIENT.replace("TWO", "2").replace("X", "x"),
        GRADIENT.replace("TWO", "2.0")
        .replace("X", "x")
        .replace("zip(w, b)", "zip(w, b, strict=True)"),
        # the factors collected, then multiplied by numpy; the result as a (1,) array
        "def first_weight_gradient(x, y, w, b):\n"
        "    a, factors = x, []\n"
        "    for k, (wk, bk) in enumerate(zip(w, b)):\n"
        "        a = 1 / (1 + np.exp(-(wk * a + bk)))\n"
        "        factors += [a * (1 - a)] + ([wk] if k > 0 else [])\n"
        "    return np.array([2 * (a - y) * np.prod(factors) * x])",
        # backwards through dz_k, as a backward pass does it
        "def first_weight_gradient(x, y, w, b):\n"
        "    a = [x]\n"
        "    for wk, bk in zip(w, b):\n"
        "        a.append(sigmoid(wk * a[-1] + bk))\n"
        "    dz = 2 * (a[-1] - y) * a[-1] * (1 - a[-1])\n"
        "    for k in range(len(w) - 1, 0, -1):\n"
        "        dz = dz * w[k] * a[k] * (1 - a[k])\n"
        "    return dz * a[0]",
    ],
    "l10-largest-gradient-test": [
        "my_prediction = 'C'",
        "def my_prediction():\n    return ' (c) '",
    ],
    "l10-exploding-run-test": [
        RIGHT_RUN,
        # the gradient it is given changed in place
        RIGHT_RUN.replace("        dz = G * (z > 0)\n", "        G *= z > 0\n        dz = G\n"),
        # uniform weights on (-r, r), r = sqrt(6 / n_in); the slope by relu_derivative; arrays
        _draw("rng.uniform(-np.sqrt(6 / n_in), np.sqrt(6 / n_in), (n_in, n_out))")
        .replace("(z > 0)", "relu_derivative(z)")
        .replace("return weights, norms[::-1]", "return tuple(weights), np.array(norms[::-1])"),
        # ±sqrt(2 / n_in) at random; the norm by hand
        _draw("np.sqrt(2 / n_in) * rng.choice([-1.0, 1.0], size=(n_in, n_out))").replace(
            "np.linalg.norm(a_prev.T @ dz)", "np.sqrt(np.sum((a_prev.T @ dz) ** 2))"
        ),
        # standard normals scaled, lists out, recursion for the backward pass
        "def exploding_run(X, G, sizes, rng, scale=1.0):\n"
        "    Ws = [rng.standard_normal((i, o)) * scale * (2 / i) ** 0.5\n"
        "          for i, o in zip(sizes, sizes[1:])]\n"
        "    def back(a, k):\n"
        "        if k == len(Ws):\n"
        "            return [], G\n"
        "        z = a @ Ws[k]\n"
        "        norms, g = back(np.maximum(z, 0), k + 1)\n"
        "        dz = g * (z > 0)\n"
        "        return [float(np.linalg.norm(a.T @ dz))] + norms, dz @ Ws[k].T\n"
        "    return [W.tolist() for W in Ws], back(X, 0)[0]\n",
    ],
}

WRONG = {
    "l10-smallest-depth-test": [
        (
            "def smallest_depth(t, slope=0.25):\n"
            "    return int(np.ceil(np.log(t) / np.log(slope)))",
            "one layer short at an exact power",
        ),
        (
            "import math\ndef smallest_depth(t, slope=0.25):\n"
            "    return math.ceil(math.log(t) / math.log(slope))",
            "Rounding log(threshold) / log(slope) up gives that n itself",
        ),
        (
            "def smallest_depth(threshold, slope=0.25):\n    n = 1\n"
            "    while slope**n > threshold:\n        n += 1\n    return n",
            "a loop must test slope**n < threshold, not <=",
        ),
        (
            "def smallest_depth(t, slope=0.25):\n"
            "    return int(np.floor(np.log(t) / np.log(slope)))",
            "not yet below the threshold",
        ),
        (
            "def smallest_depth(t, slope=0.25):\n"
            "    return int(np.floor(np.log(t) / np.log(slope))) + 2",
            "one layer fewer is already below",
        ),
    ],
    "l10-first-weight-gradient-test": [
        (GRADIENT.replace("TWO", "1").replace("X", "x"), "the factor 2 is missing"),
        (GRADIENT.replace("TWO", "2").replace("X", "x * w[0]"), "w_1 itself is no factor"),
        (GRADIENT.replace("TWO", "2").replace("X", "1"), "the input that w_1 multiplies"),
        (GRADIENT.replace("TWO", "-2").replace("X", "x"), "the sign is flipped"),
        (
            GRADIENT.replace("TWO", "2").replace("X", "x").replace(" * w[k]", ""),
            "the gradient also passes a weight",
        ),
        (
            GRADIENT.replace("TWO", "2")
            .replace("X", "x")
            .replace("acts[k] * (1 - acts[k])", "acts[k]")
            .replace("acts[0] * (1 - acts[0])", "acts[0]"),
            "not the activation a_k itself",
        ),
    ],
    "l10-largest-gradient-test": [
        ("my_prediction = 'A'", "after 19 layers the first layer's gradient is around 1e-12"),
        ("def my_prediction():\n    return 'B'", "He's initialisation exists because"),
        ("my_prediction = 'd'", "what are the weights here?"),
    ],
    "l10-exploding-run-test": [
        (_draw("rng.normal(0.0, 2 / n_in, size=(n_in, n_out))"), "2 / n_in is the variance"),
        (_draw("rng.normal(0.0, np.sqrt(1 / n_in), size=(n_in, n_out))"), "LeCun's"),
        (
            _draw("rng.normal(0.0, np.sqrt(2 / (n_in + n_out)), size=(n_in, n_out))"),
            "that is Xavier's variance",
        ),
        (_draw("rng.normal(0.0, np.sqrt(2 / n_out), size=(n_in, n_out))"), "divides by n_out"),
        (
            _draw("rng.uniform(-np.sqrt(2 / n_in), np.sqrt(2 / n_in), (n_in, n_out))"),
            "U(-r, r) has variance r²/3",
        ),
        (RIGHT_RUN.replace("[scale * ", "["), "multiply every matrix by it"),
        (
            _draw("rng.normal(0.0, np.sqrt(2 / n_in), size=(n_out, n_in))")
            .replace("a @ W)", "a @ W.T)")
            .replace("G = dz @ W.T", "G = dz @ W"),
            "expected W of layer 1 with shape (1024, 256), got (256, 1024)",
        ),
        (
            _draw("np.random.normal(0.0, np.sqrt(2 / n_in), size=(n_in, n_out))"),
            "draw from the generator rng you are given",
        ),
        (
            _draw("rng.normal(0.5, np.sqrt(2 / n_in), size=(n_in, n_out))"),
            "standard deviations away from 0",
        ),
        (
            RUN.replace("DRAW", NORMAL).replace("SLOPE", "1").replace("DZ", "dz"),
            "multiplied by its slope",
        ),
        (
            RUN.replace("DRAW", NORMAL).replace("SLOPE", "(z > 0)").replace("DZ", "G"),
            "the weight gradient takes the gradient after the ReLU's slope",
        ),
        (
            RIGHT_RUN.replace("return weights, norms[::-1]", "return weights, norms"),
            "in reverse order",
        ),
        (RIGHT_RUN.replace("G = dz @ W.T", "G = dz @ W"), "raised ValueError"),
        (
            RIGHT_RUN.replace("return weights, norms[::-1]", "return norms[::-1]"),
            "expected (weights, norms) with weights a list of 2 weight matrices",
        ),
        (
            RIGHT_RUN.replace("return weights, norms[::-1]", "return weights"),
            "expected (weights, norms)",
        ),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("10"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("10", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("10", test_id, answer)


# --- each diagnosis names its own mistake -----------------------------------------------------


def test_an_extra_w1_is_not_called_a_missing_factor_2():
    """Issue 19: on the lesson's example w_1 = 0.5, so an answer that multiplied in w_1 gives
    what one without the factor 2 gives; the first case tells them apart."""
    extra_w1 = wrong_everywhere(
        "10",
        "l10-first-weight-gradient-test",
        GRADIENT.replace("TWO", "2").replace("X", "x * w[0]"),
    )
    assert "factor 2" not in extra_w1 and "w_1 itself is no factor" in extra_w1
    without_two = wrong_everywhere(
        "10", "l10-first-weight-gradient-test", GRADIENT.replace("TWO", "1").replace("X", "x")
    )
    assert "w_1 itself" not in without_two and "factor 2 is missing" in without_two


def test_the_mistakes_give_different_numbers_on_the_first_case_of_each_exercise():
    """The first case a wrong answer fails on is where its diagnosis is made: there no two
    typical mistakes (nor a mistake and the reference) give the same result."""
    for exercise in (lesson10.FIRST_WEIGHT_GRADIENT, lesson10.EXPLODING_RUN):
        args = exercise.cases[0].args
        results = [exercise.expected(args)]
        for mistake in exercise.mistakes:
            results.append(plain(called(mistake.wrong, args, exercise.arrays, exercise.driver)))
        for i, first in enumerate(results):
            for second in results[i + 1 :]:
                assert exercise.compare(first, second) is not None, (exercise.test_id, first)


def test_a_ceiling_is_caught_by_a_public_exact_power_case():
    exact = [
        c.args for c in lesson10.SMALLEST_DEPTH.shown if c.args in ((0.0625, 0.25), (0.5, 0.5))
    ]
    assert exact, "an exact power among the public cases"
    ceiling = (
        "def smallest_depth(t, slope=0.25):\n    return int(np.ceil(np.log(t) / np.log(slope)))"
    )
    message = checked("10", "l10-smallest-depth-test", ceiling)
    assert message.startswith("smallest_depth(threshold=0.0625, slope=0.25): expected 3")


def test_a_depth_that_is_not_a_whole_number_fails():
    message = wrong_everywhere(
        "10", "l10-smallest-depth-test", "smallest_depth = lambda t, slope=0.25: 9.9"
    )
    assert "expected 10.0, got 9.9" in message


# --- the library that answers in one call is withheld -----------------------------------------

DLCORE_CHAIN = (
    "def first_weight_gradient(x, y, w, b):\n"
    "    model = dl.Sequential([dl.Dense(1, 1, activation='sigmoid') for _ in w])\n"
    "    for layer, wk, bk in zip(model.layers, w, b):\n"
    "        layer.W[:], layer.b[:] = wk, bk\n"
    "    mse = dl.losses.get('mse')\n"
    "    CALL\n"
    "    return model.layers[0].dW[0, 0]\n"
)
DLCORE_RUN = (
    "def exploding_run(X, G, sizes, rng, scale=1.0):\n"
    "    weights = [scale * DRAW for n_in, n_out in zip(sizes[:-1], sizes[1:])]\n"
    "    model = dl.Sequential([dl.Dense(*W.shape, activation='relu') for W in weights])\n"
    "    for layer, W in zip(model.layers, weights):\n"
    "        layer.W[...] = W\n"
    "    CALL\n"
    "    return weights, [np.linalg.norm(layer.dW) for layer in model.layers]\n"
)
#: dl.Dense cannot be built while the answer runs (its initialiser is withheld): layers built
#: beforehand, in the answer's cell, and given the weights
PREBUILT = (
    "import copy\n"
    "_proto = dl.Dense(1, 1, activation='relu')\n"
    "def exploding_run(X, G, sizes, rng, scale=1.0):\n"
    f"    weights = [scale * {NORMAL} for n_in, n_out in zip(sizes[:-1], sizes[1:])]\n"
    "    layers = []\n"
    "    for W in weights:\n"
    "        layer = copy.copy(_proto)\n"
    "        layer.n_in, layer.n_out = W.shape\n"
    "        layer.W, layer.b = W, np.zeros(W.shape[1])\n"
    "        layer.dW, layer.db = np.zeros_like(W), np.zeros(W.shape[1])\n"
    "        layers.append(layer)\n"
    "    model = dl.Sequential(layers)\n"
    "    model.forward(X)\n"
    "    CALL\n"
    "    return weights, [np.linalg.norm(layer.dW) for layer in model.layers]\n"
)
NUMERICAL_CHAIN = (
    "def first_weight_gradient(x, y, w, b):\n"
    "    model = dl.Sequential([dl.Dense(1, 1, activation='sigmoid') for _ in w])\n"
    "    for layer, wk, bk in zip(model.layers, w, b):\n"
    "        layer.W[:], layer.b[:] = wk, bk\n"
    "    loss = lambda _: float(((model.forward(np.array([[x]])) - y) ** 2).sum())\n"
    "    return dl.numerical_gradient(loss, model.layers[0].W)[0, 0]\n"
)
WITHHELD = {
    "l10-first-weight-gradient-test": {
        "dlcore.Dense.backward": DLCORE_CHAIN.replace(
            "CALL", "model.backward(mse.backward(model.forward([[x]]), [[y]]))"
        ),
        "dlcore.Dense._gradients": DLCORE_CHAIN.replace(
            "CALL", "model[0]._gradients(mse.backward(model.forward([[x]]), [[y]]))"
        ),
        "dlcore.numerical_gradient": NUMERICAL_CHAIN,
    },
    "l10-exploding-run-test": {
        "dlcore.initializers.he_normal": DLCORE_RUN.replace(
            "DRAW", "dl.initializers.he_normal(n_in, n_out, rng)"
        ).replace("CALL", "pass"),
        "dlcore.initializers.he_uniform": DLCORE_RUN.replace(
            "DRAW", "dl.initializers.he_uniform(n_in, n_out, rng)"
        ).replace("CALL", "pass"),
        "dlcore.initializers.initialize": DLCORE_RUN.replace(
            "DRAW", "dl.initializers.initialize('he', n_in, n_out, rng)"
        ).replace("CALL", "pass"),
        "dlcore.Dense.backward": PREBUILT.replace("CALL", "model.backward(G)"),
        "dlcore.Dense._gradients": PREBUILT.replace("CALL", "model[-1]._gradients(G)"),
        "dlcore.numerical_gradient": RIGHT_RUN.replace(
            "np.linalg.norm(a_prev.T @ dz)",
            "np.linalg.norm(dl.numerical_gradient(lambda _: 0.0, W.copy()))",
        ),
    },
}


def test_every_withheld_function_has_an_answer_below():
    for exercise in lesson10.EXERCISES:
        assert set(exercise.library) == set(WITHHELD.get(exercise.test_id, {})), exercise.test_id


@pytest.mark.parametrize(
    ("test_id", "name", "answer"),
    [(t, n, a) for t, answers in WITHHELD.items() for n, a in answers.items()],
)
def test_an_answer_calling_the_library_is_wrong_everywhere(test_id, name, answer):
    message = wrong_everywhere("10", test_id, answer)
    assert f"{name} is not available in this exercise" in message
    share, reason = graded(test_id, answer)
    assert share == 0.0 and "is not available in this exercise" in reason


def test_the_withheld_functions_work_again_after_the_check():
    answer = WITHHELD["l10-exploding-run-test"]["dlcore.initializers.he_normal"]
    checked("10", "l10-exploding-run-test", answer)
    assert dl.initializers.he_normal(4, 3, np.random.default_rng(0)).shape == (4, 3)
    layer = dl.Dense(3, 2, activation="relu", init="he", seed=0)
    layer.forward(np.ones((1, 3)))
    assert layer.backward(np.ones((1, 2))).shape == (1, 3)


# --- the references -------------------------------------------------------------------------


def test_the_reference_is_the_lessons_worked_example():
    got = lesson10.first_weight_gradient(1.0, 1.0, [0.5, 1.0, 1.5], [0.5, -0.5, -0.5])
    assert math.isclose(got, -0.0147, abs_tol=5e-5)


def test_the_backward_reference_agrees_with_a_numerical_gradient():
    X, G, sizes, scale, seed = lesson10.EXPLODING_RUN.cases[1].args
    X, G = np.array(X), np.array(G)
    weights, norms = lesson10.exploding_run(X, G, sizes, np.random.default_rng(seed), scale)

    def loss(_):
        a = X
        for W in weights:
            a = np.maximum(a @ W, 0)
        return float((a * G).sum())

    small = [W[:, :3] for W in weights[:1]]  # the first layer's first three units, numerically
    numeric = dl.numerical_gradient(loss, weights[0])[:, :3]
    assert small and np.isfinite(norms).all()
    full = dl.Sequential([dl.Dense(*W.shape, activation="relu") for W in weights])
    for layer, W in zip(full.layers, weights, strict=True):
        layer.W[...] = W
    full.forward(X)
    full.backward(G)
    assert np.allclose(full.layers[0].dW[:, :3], numeric, rtol=1e-5, atol=1e-9)
    assert np.allclose(norms, [np.linalg.norm(layer.dW) for layer in full.layers])


def test_the_he_weights_keep_the_variance_of_the_sums_through_20_relu_layers():
    """The variance argument the lesson gives, measured: with He's weights the sums of the
    20th layer have about the variance of the first's; with LeCun's they halve per layer."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 256))
    for gain, low, high in ((2.0, 0.3, 3.0), (1.0, 0.5**19 / 3, 0.5**19 * 3)):
        a, first = X, None
        for _ in range(20):
            z = a @ rng.normal(0, np.sqrt(gain / 256), size=(256, 256))
            first = z.var() if first is None else first
            a = np.maximum(z, 0)
        assert low < z.var() / first < high, gain


def test_the_hints_go_in_steps_and_never_give_the_code():
    wrong = "def exploding_run(X, G, sizes, rng, scale=1.0):\n    return [], []"
    first = checked("10", "l10-exploding-run-test", wrong)
    second = checked("10", "l10-exploding-run-test", wrong)
    assert "Hint 1 of 2: two parts. The weights" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2: W^[l] of shape" in second
    for code in ("rng.normal(", "np.sqrt", "size=", "@", ".T", "zip("):
        assert code not in second


# --- whatever the check accepts runs in the lesson's later cells -----------------------------


def _cell(lesson_text: str) -> str:
    import nbformat
    from exercise_util import ROOT

    (path,) = (ROOT / "notebooks").glob("10_*.ipynb")
    (source,) = [
        c.source
        for c in nbformat.read(path, as_version=4).cells
        if c.cell_type == "code" and lesson_text in c.source
    ]
    return source


@pytest.mark.parametrize("answer", RIGHT["l10-exploding-run-test"])
def test_every_accepted_run_goes_through_the_cell_after_it(answer, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course import plots

    monkeypatch.setattr(plt, "show", lambda: None)
    X_digits, _ = dl.datasets.load_digits()
    namespace = {"np": np, "dl": dl, "plt": plt, "plots": plots, "SEED": 3}
    namespace["relu_derivative"] = dl.activations.relu_derivative
    namespace["X_probe"] = X_digits[np.random.default_rng(3).permutation(len(X_digits))[:256]]
    exec(answer, namespace)
    exec(_cell("G_top = "), namespace)
    plt.close("all")
    assert set(namespace["relu_runs"]) == {"He × 0.5", "He × 1", "He × 1.5"}
