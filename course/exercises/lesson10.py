"""Lesson 10, vanishing gradients: the depth at which the sigmoid's bound becomes negligible,
the first weight's gradient of a chain of sigmoids, the deep network that keeps its first
layer's gradient, He's initialiser from the variance argument, and the backward pass of a
ReLU network by hand, which shows a gradient exploding.

The chain is the notes' 3-layer example generalised to ``n`` neurons of one input each:
:math:`a_k = \\sigma(w_k a_{k-1} + b_k)` with :math:`a_0 = x`, and :math:`L = (a_n - y)^2`.
An initialiser draws from a random generator, which JSON cannot carry: its driver calls it
with generators made in the kernel and sends back what is judged, the shape, the variance and
mean of the weights in He's units, and whether the generator decides the draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

import dlcore as dl
from course.exercises import Case, Mistake, close, implement, predict

#: dlcore's backward pass, which computes a gradient in one call (Dense.backward and its
#: first half, Dense._gradients), and its numerical gradient
_BACKWARD = ("dlcore.Dense.backward", "dlcore.Dense._gradients", "dlcore.numerical_gradient")

# --- Exercise 1: the depth at which slope**n falls below a threshold --------------------------


def smallest_depth(threshold: float, slope: float = 0.25) -> int:
    """Reference: the smallest n >= 1 with slope**n < threshold, by trying n = 1, 2, ..."""
    return next(n for n in range(1, 10_000) if slope**n < threshold)


def _ceiling_of_logs(threshold: float, slope: float = 0.25) -> int:
    return math.ceil(math.log(threshold) / math.log(slope))


def _one_short(threshold: float, slope: float = 0.25) -> int:
    return smallest_depth(threshold, slope) - 1


def _one_long(threshold: float, slope: float = 0.25) -> int:
    return smallest_depth(threshold, slope) + 1


def _depth_label(threshold: float, slope: float) -> str:
    return f"smallest_depth(threshold={threshold}, slope={slope})"


_DEPTHS = (
    (1e-6, 0.25, "0.25^9 is about 3.8e-6, 0.25^10 about 9.5e-7"),
    (0.1, 0.25, "0.25^1 = 0.25 is not below 0.1, 0.25^2 = 0.0625 is"),
    (0.3, 0.25, "one layer is enough: 0.25 < 0.3"),
    (0.0625, 0.25, "0.0625 is exactly 0.25^2, and a number is not below itself"),
    (1e-6, 0.5, "with a slope of 0.5 per layer it takes twice as many layers"),
    (1e-3, 0.9, "a slope close to 1 shrinks slowly"),
    (0.5, 0.5, "0.5 is exactly 0.5^1, which is not below it"),
    (1e-30, 0.25, "the lesson's 50 layers"),
    (0.5, 0.9, "0.9^6 is about 0.53, 0.9^7 about 0.48"),
    (0.2, 0.25, "0.25^1 = 0.25 is not below 0.2"),
)

SMALLEST_DEPTH = implement(
    "l10-smallest-depth-test",
    "smallest_depth",
    tuple(Case((t, s), hint, label=_depth_label(t, s)) for t, s, hint in _DEPTHS),
    smallest_depth,
    compare=close(atol=0.0, rtol=0.0, fit="squeeze"),
    hints=(
        "the product of n slopes is slope**n, and it shrinks as n grows (the slope is below "
        "1): the answer is the first n at which it is strictly below the threshold",
        "either try n = 1, 2, 3, ... and stop at the first n with slope**n < threshold, or "
        "solve n log(slope) < log(threshold): n > log(threshold) / log(slope) (the inequality "
        "turns because log(slope) < 0), and take the smallest whole number strictly greater",
    ),
    mistakes=(
        Mistake(
            _ceiling_of_logs,
            "one layer short at an exact power of the slope: there slope**n equals the "
            "threshold, and equal is not below. Rounding log(threshold) / log(slope) up gives "
            "that n itself (take the smallest whole number strictly greater than the ratio); a "
            "loop must test slope**n < threshold, not <=",
        ),
        Mistake(
            _one_short,
            "at that depth slope**n is not yet below the threshold: the answer is the first n "
            "where it is",
        ),
        Mistake(
            _one_long,
            "one layer fewer is already below the threshold: stop at the first such n",
        ),
    ),
    success="smallest_depth finds the first depth at which slope**n falls below the threshold",
)

# --- Exercise 2: dL/dw_1 of a chain of sigmoid neurons ----------------------------------------

#: the lesson's worked example: x = 1, y = 1, three neurons
X_EXAMPLE, Y_EXAMPLE = 1.0, 1.0
W_EXAMPLE, B_EXAMPLE = [0.5, 1.0, 1.5], [0.5, -0.5, -0.5]


def first_weight_gradient(x: float, y: float, w: Sequence[float], b: Sequence[float]) -> float:
    r"""Reference: :math:`\partial L/\partial w_1` by dlcore's backward pass through ``n``
    one-unit sigmoid layers, with :math:`L = (a_n - y)^2` (dlcore's "mse" on one example)."""
    layers = [dl.Dense(1, 1, activation="sigmoid", seed=0) for _ in w]
    for layer, wk, bk in zip(layers, w, b, strict=True):
        layer.W[:], layer.b[:] = wk, bk
    model = dl.Sequential(layers)
    mse = dl.losses.get("mse")
    out = model.forward(np.array([[x]], dtype=float))
    model.backward(mse.backward(out, np.array([[y]], dtype=float)))
    return float(layers[0].dW[0, 0])


def _chain(x: float, y: float, w: Sequence[float], b: Sequence[float]) -> tuple:
    """The forward pass: the last activation, and every a_k."""
    a, acts = x, []
    for wk, bk in zip(w, b, strict=True):
        a = 1.0 / (1.0 + math.exp(-(wk * a + bk)))
        acts.append(a)
    return a, acts


def _gradient(x, y, w, b, *, two=2.0, weights=None, slope=None, last=None) -> float:
    """The product of the chain rule, with one factor changed (the typical mistakes)."""
    a, acts = _chain(x, y, w, b)
    slopes = [ak * (1 - ak) for ak in acts] if slope is None else [slope(ak) for ak in acts]
    weights = w[1:] if weights is None else weights(w)
    return two * (a - y) * math.prod(slopes) * math.prod(weights) * (x if last is None else last)


def _without_weights(x, y, w, b):
    return _gradient(x, y, w, b, weights=lambda w: [])


def _with_w1(x, y, w, b):
    return _gradient(x, y, w, b, weights=lambda w: w)


def _without_x(x, y, w, b):
    return _gradient(x, y, w, b, last=1.0)


def _without_two(x, y, w, b):
    return _gradient(x, y, w, b, two=1.0)


def _activations_as_slopes(x, y, w, b):
    return _gradient(x, y, w, b, slope=lambda a: a)


def _flipped(x, y, w, b):
    return -first_weight_gradient(x, y, w, b)


def _chain_label(x, y, w, b) -> str:
    return f"first_weight_gradient(x={x}, y={y}, w={w}, b={b})"


def _random_chains() -> tuple[Case, ...]:
    rng = np.random.default_rng(1010)
    cases = []
    for n in range(1, 9):
        w, b = rng.normal(0, 2, n).round(4).tolist(), rng.normal(0, 1, n).round(4).tolist()
        x, y = round(float(rng.normal()), 4), float(rng.integers(2))
        cases.append(Case((x, y, w, b), label=f"first_weight_gradient on a random chain of {n}"))
    return tuple(cases)


_CHAINS = (
    (
        1.5,
        0.0,
        [0.8, -1.5, 2.0, 1.2, -0.7],
        [0.1, 0.2, -0.3, 0.0, 0.4],
        "five neurons: four slopes and weights between the loss and w_1, then the first slope "
        "and x",
    ),
    (X_EXAMPLE, Y_EXAMPLE, W_EXAMPLE, B_EXAMPLE, "the lesson's example: about -0.0147"),
    (0.5, 0.0, [2.0], [-1.0], "one neuron: dL/dw_1 = 2 (a_1 - y) sigma'(z_1) x"),
    (-1.0, 1.0, [1.0, -2.0], [0.0, 0.3], "two neurons, a negative weight and a negative x"),
)

FIRST_WEIGHT_GRADIENT = implement(
    "l10-first-weight-gradient-test",
    "first_weight_gradient",
    (
        *(Case((x, y, w, b), hint, label=_chain_label(x, y, w, b)) for x, y, w, b, hint in _CHAINS),
        *_random_chains(),
    ),
    first_weight_gradient,
    compare=close(atol=1e-9, rtol=1e-5, fit="squeeze"),
    hints=(
        "run the forward pass and keep every activation a_k; then the chain rule of section 2 "
        "multiplies one factor per step back from the loss to w_1",
        "dL/dw_1 = 2 (a_n - y) · σ'(z_n) w_n · σ'(z_{n-1}) w_{n-1} ··· σ'(z_2) w_2 · σ'(z_1) · x, "
        "with σ'(z_k) = a_k (1 - a_k)",
    ),
    mistakes=(
        Mistake(
            _without_weights,
            "between two slopes the gradient also passes a weight: after σ'(z_k) comes w_k, "
            "for k = n down to 2",
        ),
        Mistake(
            _with_w1,
            "w_1 is the weight the gradient is taken for: z_1 = w_1 x + b_1 gives dz_1/dw_1 = x, "
            "so w_1 itself is no factor (the weights in the product are w_n down to w_2)",
        ),
        Mistake(_without_x, "the last factor is dz_1/dw_1 = x, the input that w_1 multiplies"),
        Mistake(
            _without_two,
            "L = (a_n - y)^2, so dL/da_n = 2 (a_n - y): the factor 2 is missing",
        ),
        Mistake(
            _activations_as_slopes,
            "the slope of a sigmoid is σ'(z_k) = a_k (1 - a_k), not the activation a_k itself",
        ),
        Mistake(_flipped, "the sign is flipped: dL/da_n is 2 (a_n - y), the output minus y"),
    ),
    library=_BACKWARD,
    success="first_weight_gradient multiplies the chain rule's factors, as backpropagation does",
)

# --- Exercise 3: predict which 20-layer network keeps its first layer's gradient --------------

LARGEST_GRADIENT_CHOICES = {
    "A": "sigmoid, Xavier initialisation",
    "B": "ReLU, Xavier initialisation",
    "C": "sigmoid, Xavier initialisation, BatchNorm after every hidden layer",
    "D": "tanh, small initial weights N(0, 0.01²)",
}

LARGEST_GRADIENT = predict(
    "l10-largest-gradient-test",
    "C",
    {
        "A": "each sigmoid layer multiplies the gradient by at most 0.25 (times its weights): "
        "after 19 layers the first layer's gradient is around 1e-12",
        "B": "ReLU passes the gradient with slope 1 where it is on, but Xavier's weights are "
        "too small for it: half the signal is cut at each layer, forward and backward, and the "
        "first layer's gradient is around 1e-3",
        "C": "BatchNorm divides each layer's output by its spread in the batch, and backward "
        "divides the gradient by the same spread (after taking away its batch mean and its part "
        "along the normalised output): it undoes the sigmoid's shrinking, and the first layer's "
        "gradient stays of the order of 1 (around 1e-12 without it)",
        "D": "tanh has slope 1 at 0, but weights of size 0.01 shrink the signal and the gradient "
        "by about 0.01 · √32 per layer: the first layer's gradient is around 1e-24",
    },
    {
        "A": "compare the sigmoid's largest slope, 0.25, with what the other setups multiply by",
        "B": "He's initialisation exists because Xavier's weights are too small for ReLU",
        "D": "the factor per layer is slope times weights: what are the weights here?",
    },
    success="C: BatchNorm's backward pass divides each layer's gradient by the batch's spread, "
    "which undoes the sigmoid's shrinking; section 5 runs all four",
)

# --- Exercise 4: He's initialiser and an exploding-gradient run, by hand ----------------------


def run_drawn(target, X, G, sizes, scale, seed):
    """Driver: ``target(X, G, sizes, rng, scale)`` with ``rng = numpy.random.default_rng(seed)``
    returns ``(weights, norms)``. Sent back: the weights' variance and mean in He's units
    (variance / (scale² · 2 / n_in), mean / (scale · sqrt(2 / n_in)), over all layers), whether
    the same seed draws the same weights and another seed others, and the learner's norms
    divided by the norms of the backward pass through the weights returned; or what is wrong
    with their shapes."""
    import numpy

    X, G = numpy.array(X, dtype=float), numpy.array(G, dtype=float)
    runs = [target(X.copy(), G.copy(), list(sizes), numpy.random.default_rng(s), scale)
            for s in (seed, seed, seed + 1)]  # fmt: skip
    parsed = []
    for run in runs:
        if isinstance(run, (str, bytes)) or not hasattr(run, "__len__") or len(run) != 2:
            return {"error": f"expected two things (weights, norms), got {str(run)[:60]}"}
        weights, norms = run
        if not isinstance(weights, (list, tuple)) or len(weights) != len(sizes) - 1:
            return {"error": f"expected (weights, norms) with weights a list of "
                    f"{len(sizes) - 1} weight matrices, got {str(run)[:60]}"}  # fmt: skip
        try:
            weights = [numpy.asarray(W, dtype=float) for W in weights]
            norms = numpy.asarray(norms, dtype=float).reshape(-1)
        except (TypeError, ValueError):
            return {"error": f"expected numbers, got {str(run)[:60]}"}
        for layer, (W, n_in, n_out) in enumerate(
            zip(weights, sizes[:-1], sizes[1:], strict=True), 1
        ):
            if W.shape != (n_in, n_out):
                return {"error": f"expected W of layer {layer} with shape ({n_in}, {n_out}), "
                        f"got {W.shape}"}  # fmt: skip
        if norms.shape != (len(weights),):
            return {"error": f"expected {len(weights)} norms, one per layer, got {norms.size}"}
        parsed.append((weights, norms))
    (weights, norms), (again, _), (other, _) = parsed
    squares = sums = count = 0.0
    for W, n_in in zip(weights, sizes[:-1], strict=True):
        std = scale * (2.0 / n_in) ** 0.5
        squares += float(((W - W.mean()) ** 2).sum()) / std**2
        sums += float(W.sum()) / std
        count += W.size
    inputs, z_all, a = [], [], X
    for W in weights:
        inputs.append(a)
        z_all.append(a @ W)
        a = numpy.maximum(z_all[-1], 0.0)
    true, g = [], G
    for W, a_in, z in zip(weights[::-1], inputs[::-1], z_all[::-1], strict=True):
        dz = g * (z > 0)
        true.append(float(numpy.linalg.norm(a_in.T @ dz)))
        g = dz @ W.T
    true = numpy.array(true[::-1])
    return {
        "variance": squares / count,
        "mean": sums / count,
        "same_seed_same_weights": all(
            numpy.array_equal(W, V) for W, V in zip(weights, again, strict=True)
        ),
        "other_seed_other_weights": not all(
            numpy.array_equal(W, V) for W, V in zip(weights, other, strict=True)
        ),
        "norms": norms.tolist(),
        "backward": true.tolist(),
    }


def exploding_run(X: Any, G: Any, sizes: Sequence[int], rng: np.random.Generator, scale=1.0):
    r"""Reference: He's weights by dlcore (:math:`\mathcal{N}(0, 2/n_\text{in})`) times
    ``scale``, layer by layer from ``rng``, and the norms of their weight gradients by dlcore's
    backward pass through ``Dense`` ReLU layers without biases, from
    :math:`\partial L/\partial a^{[L]} = G`; layer 1 first."""
    pairs = list(zip(sizes[:-1], sizes[1:], strict=True))
    weights = [scale * dl.initializers.he_normal(n_in, n_out, rng) for n_in, n_out in pairs]
    layers = [dl.Dense(n_in, n_out, activation="relu", seed=0) for n_in, n_out in pairs]
    for layer, W in zip(layers, weights, strict=True):
        layer.W[...] = W
    model = dl.Sequential(layers)
    model.forward(np.asarray(X, dtype=float))
    model.backward(np.asarray(G, dtype=float))
    return weights, [float(np.linalg.norm(layer.dW)) for layer in layers]


def _run(expected: dict, got: Any) -> str | None:
    """Right when the weights have the shapes, a variance within 3 % of the expected one, a
    mean within 0.05 standard deviations of it, come from the generator given, and the norms
    are those of the backward pass through them."""
    if not isinstance(got, dict):
        return f"expected (weights, norms), got {str(got)[:60]}"
    if "error" in got or "error" in expected:
        return None if got == expected else got.get("error", "expected an error")
    if abs(got["variance"] / expected["variance"] - 1) > 0.03:
        return (
            f"the weights' variance is {got['variance']:.3g} times scale² · 2 / n_in, "
            f"expected {expected['variance']:.3g} times"
        )
    if abs(got["mean"] - expected["mean"]) > 0.05:
        return f"the weights' mean is {got['mean']:.2g} standard deviations away from 0"
    if got["same_seed_same_weights"] != expected["same_seed_same_weights"]:
        return "two generators made with the same seed gave different weights"
    if got["other_seed_other_weights"] != expected["other_seed_other_weights"]:
        return "generators made with different seeds gave the same weights"
    mine = np.array(got["norms"]) / np.maximum(got["backward"], 1e-300)
    want = np.array(expected["norms"]) / np.maximum(expected["backward"], 1e-300)
    wrong = np.flatnonzero(~np.isclose(mine, want, rtol=1e-6, atol=0.0))
    if wrong.size:
        layer = int(wrong[0])
        return (
            f"the norm of layer {layer + 1}: the backward pass through the weights you returned "
            f"gives {got['backward'][layer] * want[layer]:.6g}, you returned "
            f"{got['norms'][layer]:.6g}"
        )
    return None


def _he_draws(sizes, rng, scale, *, std=None, uniform=False, transposed=False, own=False):
    """He's weights with one typical mistake: another std (of n_in, n_out), U(-r, r) with r
    that std, each matrix transposed, or a generator of its own."""
    rng = np.random.default_rng() if own else rng
    weights = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        s = math.sqrt(2 / n_in) if std is None else std(n_in, n_out)
        shape = (n_out, n_in) if transposed else (n_in, n_out)
        drawn = rng.uniform(-s, s, size=shape) if uniform else rng.normal(0.0, s, size=shape)
        weights.append(scale * drawn)
    return weights


def _backward(X, G, weights, *, slope=True, transpose=True, output=False, before=False):
    """The backward pass with one typical mistake switched on: no ReLU slope, W in place of
    its transpose, the layer's output in place of its input, the gradient before the slope."""
    acts, zs = [X], []
    for W in weights:
        zs.append(acts[-1] @ W)
        acts.append(np.maximum(zs[-1], 0))
    norms = []
    for layer in range(len(weights) - 1, -1, -1):
        dz = G * (zs[layer] > 0) if slope else G
        a = acts[layer + 1] if output else acts[layer]
        norms.append(float(np.linalg.norm(a.T @ (G if before else dz))))
        G = dz @ (weights[layer].T if transpose else weights[layer])
    return norms[::-1]


def _wrong_run(draws=None, backward=None, reverse=False, unscaled=False):
    """A run with one typical mistake, in the drawing (``draws``: options of _he_draws), the
    backward pass (options of _backward), the order of the norms or the scale forgotten."""

    def run(X, G, sizes, rng, scale=1.0):
        weights = _he_draws(sizes, rng, 1.0 if unscaled else scale, **(draws or {}))
        norms = _backward(X, G, weights, **(backward or {}))
        return weights, norms[::-1] if reverse else norms

    return run


def _run_case(seed: int, m: int, sizes: list[int], scale: float) -> tuple:
    rng = np.random.default_rng(100 + seed)
    X = rng.normal(size=(m, sizes[0])).round(3).tolist()
    G = (rng.normal(size=(m, sizes[-1])) / m).round(5).tolist()
    return X, G, sizes, scale, seed


def _run_label(m: int, sizes: list[int], scale: float, seed: int) -> str:
    shown = f"[{sizes[0]}] * {len(sizes)}" if len(set(sizes)) == 1 else str(sizes)
    return (
        f"exploding_run on {m} examples, sizes={shown}, np.random.default_rng({seed}), "
        f"scale={scale}"
    )


_RUNS = (
    (0, 4, [1024, 256, 64], 1.5, "weights 1.5 times He's: their variance is 1.5² · 2 / n_in"),
    (1, 6, [100, 300, 300, 50], 1.0, "three layers of He's weights, of different widths"),
    (2, 4, [128] * 11, 1.5, "ten layers, weights 1.5 times He's: every norm 1.5⁹ times larger"),
    (3, 4, [784, 200, 10], 0.5, "784 inputs, like MNIST's pixels, and weights half of He's"),
)

EXPLODING_RUN = implement(
    "l10-exploding-run-test",
    "exploding_run",
    tuple(
        Case(_run_case(seed, m, sizes, scale), hint, label=_run_label(m, sizes, scale, seed))
        for seed, m, sizes, scale, hint in _RUNS
    ),
    exploding_run,
    compare=_run,
    driver=run_drawn,
    hints=(
        "two parts. The weights: a unit sums n_in products w·a, whose variances add, so "
        "Var(z) = n_in Var(w) E[a²], and ReLU keeps half of E[z'²] of the layer below: choose "
        "Var(w) so that Var(z) stays the same, draw every matrix from rng, then multiply by "
        "scale. The norms: run the forward pass keeping each layer's input and sum, then go "
        "back from the last layer to the first: through the ReLU, to the weights, and on to "
        "the layer below",
        "W^[l] of shape (n_(l-1), n_l), mean 0, Var(w) = 2 / n_(l-1) (normal weights of "
        "standard deviation sqrt(2 / n_in), or uniform ones on (-r, r) with r²/3 = 2 / n_in), "
        "times scale. Backward for l = L down to 1: dz = G ⊙ [z^[l] > 0], "
        "dL/dW^[l] = (a^[l-1])ᵀ dz, its norm sqrt(Σ entries²), then G = dz (W^[l])ᵀ; the "
        "norms in the order of the layers, 1 to L",
    ),
    mistakes=(
        Mistake(
            _wrong_run(draws={"std": lambda n_in, n_out: 2 / n_in}),
            "2 / n_in is the variance; a normal draw takes the standard deviation, its square root",
        ),
        Mistake(
            _wrong_run(draws={"std": lambda n_in, n_out: math.sqrt(1 / n_in)}),
            "that variance is 1 / n_in (LeCun's), half of He's: ReLU sets half of the sums to 0, "
            "and the factor 2 makes up for the half it cuts",
        ),
        Mistake(
            _wrong_run(draws={"std": lambda n_in, n_out: math.sqrt(2 / (n_in + n_out))}),
            "that is Xavier's variance, 2 / (n_in + n_out), made for slope 1 on both sides of 0; "
            "He's counts the inputs only, 2 / n_in",
        ),
        Mistake(
            _wrong_run(draws={"std": lambda n_in, n_out: math.sqrt(2 / n_out)}),
            "that divides by n_out; a unit sums over its n_in inputs, so the variance is 2 / n_in",
        ),
        Mistake(
            _wrong_run(draws={"uniform": True}),
            "U(-r, r) has variance r²/3, not r²: for Var(w) = 2 / n_in take r = sqrt(6 / n_in)",
        ),
        Mistake(
            _wrong_run(unscaled=True),
            "the weights must be He's times scale: multiply every matrix by it (the variance "
            "then is scale² · 2 / n_in)",
        ),
        Mistake(
            _wrong_run(draws={"own": True}),
            "draw from the generator rng you are given (rng.normal, rng.uniform, ...): with a "
            "generator of your own the seed no longer decides the weights",
        ),
        Mistake(
            _wrong_run(backward={"slope": False}),
            "through each ReLU the gradient is multiplied by its slope: 1 where z > 0, 0 elsewhere",
        ),
        Mistake(
            _wrong_run(backward={"before": True}),
            "the weight gradient takes the gradient after the ReLU's slope: (a^[l-1])ᵀ dz with "
            "dz = G ⊙ [z > 0]",
        ),
        Mistake(
            _wrong_run(reverse=True),
            "those are the right norms in reverse order: the list starts with layer 1, next to "
            "the input",
        ),
    ),
    library=(
        "dlcore.initializers.he_normal",
        "dlcore.initializers.he_uniform",
        "dlcore.initializers.initialize",
        "dlcore.Dense.backward",
        "dlcore.Dense._gradients",
        "dlcore.numerical_gradient",
    ),
    success="exploding_run draws He's weights from rng and backpropagates through them as "
    "dlcore does",
)

EXERCISES = [SMALLEST_DEPTH, FIRST_WEIGHT_GRADIENT, LARGEST_GRADIENT, EXPLODING_RUN]
