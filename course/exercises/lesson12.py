"""Lesson 12, from dlcore to PyTorch: weights in torch's layout, what ``.grad`` holds after two
backward passes, a training loop over a ``DataLoader``, and a network as an ``nn.Module``.

This module imports no PyTorch. The drivers build the torch objects inside their bodies, in
the kernel that runs the learner's answer; the references and the typical mistakes are
computed with dlcore (on the same weights and batches, in float64), so the grader's process
needs no PyTorch to judge.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import dlcore as dl
from course.exercises import Case, Mistake, implement, predict

# --- Exercise 1: dlcore's weights as a torch state dict -------------------------------------

#: the lesson's Age and Income network (lesson 06), in dlcore's layout W (n_in, n_out)
AGE_INCOME = [
    ([[0.4, -0.6], [0.3, 0.2]], [0.1, -0.06]),
    ([[0.7], [-0.5]], [-0.2]),
]
_STATE_CASES = (
    (AGE_INCOME, "the lesson's Age and Income network: its hidden W is square"),
    ([([[1.0, 2.0, 3.0]], [0.5, -0.5, 0.0])], "one layer, 1 input and 3 units"),
    (
        [
            ([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [0.0, 1.0]),
            ([[1.0, -1.0, 0.5, 2.0], [0.0, 3.0, -2.0, 1.0]], [0.1, 0.2, 0.3, 0.4]),
            ([[1.0], [2.0], [3.0], [4.0]], [-1.0]),
        ],
        "three layers: 3 -> 2 -> 4 -> 1",
    ),
)


def to_torch_state(weights: Any) -> dict[str, np.ndarray]:
    r"""Reference: the state dict of ``nn.Sequential(Linear, act, Linear, act, ...)``: layer
    :math:`i` (from 0) sits at place :math:`2i`, its ``weight`` is :math:`W_i^\top` of shape
    (units, inputs) and its ``bias`` is :math:`\mathbf{b}_i`."""
    state = {}
    for i, (W, b) in enumerate(weights):
        state[f"{2 * i}.weight"] = np.asarray(W, dtype=float).T
        state[f"{2 * i}.bias"] = np.asarray(b, dtype=float)
    return state


def _state_untransposed(weights: Any) -> dict[str, np.ndarray]:
    state = to_torch_state(weights)
    return {k: (v.T if k.endswith(".weight") else v) for k, v in state.items()}


def _state_consecutive_keys(weights: Any) -> dict[str, np.ndarray]:
    state = to_torch_state(weights)
    return {f"{int(k.split('.')[0]) // 2}.{k.split('.')[1]}": v for k, v in state.items()}


def state_as_lists(target, weights):
    """Driver: ``target([(W, b), ...])`` on float arrays (copies); the dict it returns with
    each value as nested lists (a torch tensor too), or what is wrong with it."""
    import numpy

    arrays = [(numpy.array(W, dtype=float), numpy.array(b, dtype=float)) for W, b in weights]
    state = target([(W.copy(), b.copy()) for W, b in arrays])
    if not isinstance(state, dict):
        return {"error": f"expected a dict like {{'0.weight': ..., '0.bias': ...}}, got "
                f"{type(state).__name__} {str(state)[:60]}"}  # fmt: skip
    values = {}
    for key, value in state.items():
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().numpy()
        try:
            values[str(key)] = numpy.asarray(value, dtype=float).tolist()
        except (TypeError, ValueError):
            return {"error": f"{key}: expected numbers, got {str(value)[:60]}"}
    return {"state": values}


def _state(expected: dict, got: object) -> str | None:
    """Right when the dict has torch's keys, each weight W.T and each bias b (a bias of
    shape (units, 1) or (1, units) counts)."""
    if not isinstance(got, dict):
        return f"expected a dict of weights and biases, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    want, have = expected["state"], got.get("state", {})
    if set(have) != set(want):
        return f"expected the keys {sorted(want)}, got {sorted(have)[:8]}"
    for key, values in want.items():
        w = np.asarray(values, dtype=float)
        h = np.asarray(have[key], dtype=float)
        if key.endswith(".bias") and h.size == w.size:
            h = h.reshape(w.shape)
        if h.shape != w.shape:
            return f"['{key}']: expected shape {w.shape}, got {h.shape}"
        if not np.allclose(h, w):
            want_text, have_text = str(np.round(w, 6).tolist())[:60], str(h.tolist())[:60]
            return f"['{key}']: expected {want_text}, got {have_text}"
    return None


TO_TORCH_STATE = implement(
    "l12-to-torch-state-test",
    "to_torch_state",
    tuple(
        Case((weights,), hint, label=f"to_torch_state({weights})") for weights, hint in _STATE_CASES
    ),
    to_torch_state,
    compare=_state,
    driver=state_as_lists,
    hints=(
        "a state dict names each parameter by the place of its module in the nn.Sequential, "
        "then the parameter's name; the activation modules between the Linear layers take "
        "places too, and nn.Linear stores its weight as (out_features, in_features)",
        "dlcore's layer i (counting from 0) sits at place 2i: '2i.weight' = W_i transposed, "
        "of shape (units, inputs), and '2i.bias' = b_i unchanged",
    ),
    mistakes=(
        Mistake(
            _state_untransposed,
            "nn.Linear stores weight with shape (out_features, in_features): row j holds the "
            "weights INTO unit j, so torch's weight[j, i] is dlcore's W[i, j]: transpose it, "
            "even when it is square",
        ),
        Mistake(
            _state_consecutive_keys,
            "the activation modules between the Linear layers take a place too (0: Linear, "
            "1: ReLU, 2: Linear, ...): the Linear layers are at 0, 2, 4, ...",
        ),
    ),
    success="to_torch_state gives torch's layout: weight = W.T at places 0, 2, 4, ...; bias = b",
)

# --- Exercise 2: predict what .grad holds after two backward passes --------------------------

#: the choices of the prediction exercise
ACCUMULATION_CHOICES = {
    "A": "the gradient of the second pass, the same numbers as after the first",
    "B": "twice the gradient: backward() adds the new gradient to what .grad holds",
    "C": "zero: the second pass cancels the first",
    "D": "an error: backward() may be called only once per model",
}

GRAD_ACCUMULATION = predict(
    "l12-grad-accumulation-test",
    "B",
    ACCUMULATION_CHOICES,
    (
        "dlcore's backward() writes dW; ask what PyTorch's backward() does with the number "
        "already in .grad, and what optimizer.zero_grad() would be for otherwise",
        "after the first pass .grad = g; the second pass computes the same g for the same "
        "customer and the same weights: is .grad then g, g + g, or g - g?",
    ),
    mistakes=(
        Mistake(
            "A",
            "that is what dlcore does (each backward pass overwrites dW), but PyTorch adds "
            "each backward() into .grad, so that several losses or batches can be summed",
        ),
        Mistake(
            "C",
            "nothing is subtracted: the same example gives the same gradient twice, and "
            "PyTorch adds the second to the first",
        ),
        Mistake(
            "D",
            "each forward pass records a new graph, so backward() may run once per forward "
            "pass; only a second backward() through the SAME graph fails",
        ),
    ),
    success="B: PyTorch accumulates: .grad += the new gradient, which is why every training "
    "step starts with optimizer.zero_grad()",
)

# --- Exercise 3: a training loop over a DataLoader --------------------------------------------


def _dlcore_model(weights: Any) -> dl.Sequential:
    """dlcore's twin of the driver's network: ReLU hidden layers, a softmax output (whose
    cross-entropy dlcore takes from the logits, as nn.CrossEntropyLoss does)."""
    layers = []
    for i, (W, b) in enumerate(weights):
        W, b = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
        last = i == len(weights) - 1
        layer = dl.Dense(W.shape[0], W.shape[1], activation="softmax" if last else "relu")
        layer.W[:], layer.b[:] = W, b
        layers.append(layer)
    return dl.Sequential(layers)


def _dlcore_loop(
    weights: Any,
    X: Any,
    y: Any,
    lr: float,
    momentum: float,
    batch_size: int,
    epochs: int,
    mistake: str = "",
) -> dict[str, list]:
    """The epochs of the torch loop, in dlcore: the batches in order, dlcore's ``backprop``
    (the cross-entropy of the logits and its gradient) and ``SGD(lr, momentum).step``; with
    one typical ``mistake`` switched on. The per-epoch losses and the weights after."""
    model = _dlcore_model(weights)
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=int)
    optimizer = dl.SGD(lr=lr, momentum=momentum)
    summed: dict[str, np.ndarray] = {}
    losses = []
    for _ in range(epochs):
        batch_losses, sizes = [], []
        for start in range(0, len(y), batch_size):
            Xb, yb = X[start : start + batch_size], y[start : start + batch_size]
            batch_losses.append(model.backprop(Xb, yb, loss="cross_entropy"))
            sizes.append(len(yb))
            if mistake == "no_update":
                continue
            params = model.parameters()
            if mistake == "accumulate":  # .grad never cleared: the sum of every gradient
                for name, _, grad in params:
                    summed[name] = summed.get(name, 0.0) + grad
                    grad[...] = summed[name]
            optimizer.step(params)
        if mistake == "unweighted":
            losses.append(float(np.mean(batch_losses)))
        elif mistake == "last":
            losses.append(float(batch_losses[-1]))
        elif mistake == "summed":
            losses.append(float(np.sum(batch_losses)))
        else:
            losses.append(float(np.dot(batch_losses, sizes) / sum(sizes)))
    dense = [layer for layer in model.layers if isinstance(layer, dl.Dense)]  # all of them
    after = [[layer.W.tolist(), layer.b.tolist()] for layer in dense]
    return {"losses": losses, "weights": after}


def train_epochs(weights, X, y, lr, momentum, batch_size, epochs):
    r"""Reference: ``epochs`` passes over the batches in order; per batch, the gradient of
    the mean cross-entropy of the logits and one step of SGD with momentum (dlcore's
    ``backprop`` and ``SGD.step``); per epoch, the mean loss over the examples,
    :math:`\frac{1}{n}\sum_{\text{batches}} n_\text{batch} L_\text{batch}`."""
    return _dlcore_loop(weights, X, y, lr, momentum, batch_size, epochs)


def _no_zero_grad(weights, X, y, lr, momentum, batch_size, epochs):
    return _dlcore_loop(weights, X, y, lr, momentum, batch_size, epochs, "accumulate")


def _no_update(weights, X, y, lr, momentum, batch_size, epochs):
    return _dlcore_loop(weights, X, y, lr, momentum, batch_size, epochs, "no_update")


def _unweighted_mean(weights, X, y, lr, momentum, batch_size, epochs):
    return _dlcore_loop(weights, X, y, lr, momentum, batch_size, epochs, "unweighted")


def _last_batch(weights, X, y, lr, momentum, batch_size, epochs):
    return _dlcore_loop(weights, X, y, lr, momentum, batch_size, epochs, "last")


def _summed(weights, X, y, lr, momentum, batch_size, epochs):
    return _dlcore_loop(weights, X, y, lr, momentum, batch_size, epochs, "summed")


def trained_in_torch(target, weights, X, y, lr, momentum, batch_size, epochs):
    """Driver: build the network of ``weights`` (dlcore's layout, ReLU between the layers,
    logits out) in PyTorch in float64, a DataLoader of batches in order, SGD and
    nn.CrossEntropyLoss; run ``target(model, loader, optimizer, loss_fn, epochs)`` and send
    back the losses it returns and the weights after, in dlcore's layout. The course's own
    reference and mistakes (computed with dlcore) are called on the data instead."""
    if getattr(target, "__module__", None) == "course.exercises.lesson12":
        return target(weights, X, y, lr, momentum, batch_size, epochs)
    try:
        import torch
        from torch import nn
        from torch.utils.data import DataLoader, TensorDataset
    except ImportError:
        return {"error": "this exercise needs PyTorch, which is not installed here"}
    layers = []
    for W, b in weights:
        linear = nn.Linear(len(W), len(b)).to(torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(W, dtype=torch.float64).T)
            linear.bias.copy_(torch.tensor(b, dtype=torch.float64))
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers[:-1])
    data = TensorDataset(torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.long))
    loader = DataLoader(data, batch_size=batch_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    losses = target(model, loader, optimizer, nn.CrossEntropyLoss(), epochs)
    if isinstance(losses, (str, bytes)) or not hasattr(losses, "__len__"):
        return {"error": f"expected a list of {epochs} losses, one per epoch, got "
                f"{str(losses)[:60]}"}  # fmt: skip
    try:
        losses = [float(loss) for loss in losses]
    except (TypeError, ValueError, RuntimeError):
        return {"error": f"expected a list of numbers (one per epoch), got {str(losses)[:60]}"}
    after = [
        [module.weight.detach().numpy().T.tolist(), module.bias.detach().numpy().tolist()]
        for module in model
        if isinstance(module, nn.Linear)
    ]
    return {"losses": losses, "weights": after}


def _trained(expected: dict, got: object) -> str | None:
    """Right when the losses per epoch and the weights after training are the reference's,
    to a relative 1e-9 (float64 in both)."""
    if not isinstance(got, dict):
        return f"expected the losses of each epoch, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    want, have = np.asarray(expected["losses"]), np.asarray(got["losses"], dtype=float)
    if have.shape != want.shape:
        return f"expected {want.size} losses (one per epoch), got {have.size}"
    for i, (layer_want, layer_have) in enumerate(
        zip(expected["weights"], got["weights"], strict=True)
    ):
        for kind, w, h in zip(("W", "b"), layer_want, layer_have, strict=True):
            if not np.allclose(np.asarray(h), np.asarray(w), rtol=1e-9, atol=1e-12):
                return (
                    f"the weights after training differ from dlcore's (layer {i}, {kind}); "
                    f"the losses per epoch: expected {np.round(want, 6).tolist()}, got "
                    f"{np.round(have, 6).tolist()}"[:240]
                )
    if not np.allclose(have, want, rtol=1e-9, atol=1e-12):
        return (
            f"the weights are right, but the losses per epoch: expected "
            f"{np.round(want, 6).tolist()}, got {np.round(have, 6).tolist()}"[:240]
        )
    return None


def _case_data() -> tuple[Case, ...]:
    rng = np.random.default_rng(12)

    def net(*sizes: int) -> list:
        return [
            (
                np.round(rng.normal(0, 0.6, (n_in, n_out)), 3).tolist(),
                np.round(rng.normal(0, 0.1, n_out), 3).tolist(),
            )
            for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=False)
        ]

    X7 = np.round(rng.normal(0, 1, (7, 2)), 3).tolist()
    y7 = [0, 1, 1, 0, 1, 0, 0]
    X_digits, y_digits = dl.datasets.load_digits()
    rows = rng.permutation(len(y_digits))[:40]
    X40, y40 = np.round(X_digits[rows], 4).tolist(), y_digits[rows].tolist()
    X9 = np.round(rng.normal(0, 1, (9, 3)), 3).tolist()
    y9 = [0, 2, 1, 2, 0, 1, 1, 2, 0]
    return (
        Case(
            (net(2, 3, 2), X7, y7, 0.5, 0.0, 3, 3),
            "7 points in batches of 3, 3 and 1, plain SGD: each epoch's loss is the mean over "
            "the 7 examples",
            label="train_epochs on a 2-3-2 network, 7 points, batch_size=3, lr=0.5, 3 epochs",
        ),
        Case(
            (net(2, 3, 2), X7, y7, 0.2, 0.9, 2, 2),
            "momentum 0.9: the optimizer keeps its velocity, the loop only calls step()",
            label="train_epochs on a 2-3-2 network, batch_size=2, lr=0.2, momentum=0.9, 2 epochs",
        ),
        Case(
            (net(64, 8, 10), X40, y40, 0.1, 0.9, 16, 3),
            "40 digits in batches of 16, 16 and 8",
            label="train_epochs on a 64-8-10 network, 40 digits, batch_size=16, 3 epochs",
        ),
        Case(
            (net(3, 4, 4, 3), X9, y9, 0.3, 0.5, 4, 2),
            "two hidden layers: the loop does not depend on the network",
            label="train_epochs on a 3-4-4-3 network, 9 points, batch_size=4, 2 epochs",
        ),
    )


TRAIN_EPOCHS = implement(
    "l12-train-epochs-test",
    "train_epochs",
    _case_data(),
    train_epochs,
    compare=_trained,
    driver=trained_in_torch,
    hints=(
        "iterating over the loader gives one (inputs, labels) batch at a time; each batch is "
        "one training step of five calls, and exercise 2 says which of them must come before "
        "backward(); the loss of an epoch is the mean over its examples, not over its batches",
        "per batch, in this order: clear the gradients; the logits of the batch's inputs; "
        "the loss of those logits against the labels; the backward pass from that loss; one "
        "optimizer step. Per epoch: Σ over the batches of (batch size × the batch's loss as a "
        "float), divided by the number of examples: one number per epoch in the list",
    ),
    mistakes=(
        Mistake(
            _no_zero_grad,
            "the gradients were never cleared: backward() adds into .grad (exercise 2), so "
            "each step used the sum of all the gradients so far. Clear them once per batch, "
            "before backward()",
        ),
        Mistake(
            _no_update,
            "the weights never moved: step() found no gradient. Is the gradient cleared "
            "between backward() and step(), or step() called before backward()?",
        ),
        Mistake(
            _unweighted_mean,
            "the training is right, but the loss of an epoch is the mean over its batches: "
            "the last batch is smaller, so weight each batch's loss by its number of examples "
            "and divide by the number of examples",
        ),
        Mistake(
            _last_batch,
            "the training is right, but each epoch's loss is that of its last batch only: "
            "add up every batch's loss (times its size) over the epoch",
        ),
        Mistake(
            _summed,
            "the training is right, but each epoch's loss is the sum of its batches' losses: "
            "weight each by its size and divide by the number of examples",
        ),
    ),
    success="train_epochs trains as dlcore does, batch for batch: the same losses and weights",
)

# --- Exercise 4: a network as an nn.Module of one's own ----------------------------------------


def _two_layer(n_in, n_hidden, n_out, weights, X, hidden="relu", output=None):
    """dlcore's Dense(n_in, n_hidden, hidden), Dense(n_hidden, n_out, output) with
    ``weights`` [(W1, b1), (W2, b2)], on ``X``: its outputs (logits without ``output``)."""
    model = dl.Sequential(
        [dl.Dense(n_in, n_hidden, activation=hidden), dl.Dense(n_hidden, n_out, activation=output)]
    )
    for layer, (W, b) in zip(model.layers, weights, strict=True):
        layer.W[:], layer.b[:] = np.asarray(W, dtype=float), np.asarray(b, dtype=float)
    return {"logits": model.forward(np.asarray(X, dtype=float)).tolist()}


def two_layer_net(n_in, n_hidden, n_out, weights, X):
    r"""Reference: the logits :math:`\mathrm{ReLU}(X W_1 + \mathbf{b}_1) W_2 + \mathbf{b}_2`,
    by dlcore's ``Dense`` layers (a ReLU hidden layer, no activation on the output)."""
    return _two_layer(n_in, n_hidden, n_out, weights, X)


def _softmax_out(n_in, n_hidden, n_out, weights, X):
    return _two_layer(n_in, n_hidden, n_out, weights, X, output="softmax")


def _no_relu(n_in, n_hidden, n_out, weights, X):
    return _two_layer(n_in, n_hidden, n_out, weights, X, hidden=None)


def _sigmoid_hidden(n_in, n_hidden, n_out, weights, X):
    return _two_layer(n_in, n_hidden, n_out, weights, X, hidden="sigmoid")


def _relu_out(n_in, n_hidden, n_out, weights, X):
    return _two_layer(n_in, n_hidden, n_out, weights, X, output="relu")


def module_logits(target, n_in, n_hidden, n_out, weights, X):
    """Driver: ``target(n_in, n_hidden, n_out)`` must be an nn.Module with two Linear
    layers' parameters; they are set to ``weights`` (dlcore's layout, each parameter found
    by its shape) in float64, and the module's output on ``X`` is sent back. The course's
    own reference and mistakes (computed with dlcore) are called on the data instead."""
    if getattr(target, "__module__", None) == "course.exercises.lesson12":
        return target(n_in, n_hidden, n_out, weights, X)
    try:
        import torch
        from torch import nn
    except ImportError:
        return {"error": "this exercise needs PyTorch, which is not installed here"}
    model = target(n_in, n_hidden, n_out)
    if not isinstance(model, nn.Module):
        return {"error": f"expected an nn.Module, got {type(model).__name__}"}
    model = model.to(torch.float64)
    (W1, b1), (W2, b2) = weights
    values = {
        (n_hidden, n_in): torch.tensor(W1, dtype=torch.float64).T,
        (n_hidden,): torch.tensor(b1, dtype=torch.float64),
        (n_out, n_hidden): torch.tensor(W2, dtype=torch.float64).T,
        (n_out,): torch.tensor(b2, dtype=torch.float64),
    }
    shapes = sorted(tuple(p.shape) for p in model.parameters())
    if shapes != sorted(values):
        return {"error": f"expected 4 parameters of the shapes {sorted(values)} (each "
                f"Linear's weight (out, in) and bias), got {shapes}"}  # fmt: skip
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.copy_(values[tuple(parameter.shape)])
        out = model(torch.tensor(X, dtype=torch.float64))
    if not hasattr(out, "detach"):
        return {"error": f"expected forward to return a tensor, got {type(out).__name__}"}
    return {"logits": out.detach().numpy().tolist()}


def _logits(expected: dict, got: object) -> str | None:
    """Right when the module's output is the reference's logits."""
    if not isinstance(got, dict):
        return f"expected the module's output, got {str(got)[:60]}"
    if "error" in got:
        return str(got["error"])
    want, have = np.asarray(expected["logits"]), np.asarray(got["logits"], dtype=float)
    if have.shape != want.shape:
        return f"expected an output of shape {want.shape}, got {have.shape}"
    if not np.allclose(have, want, rtol=1e-9, atol=1e-12):
        want_text, have_text = str(np.round(want, 4).tolist()), str(np.round(have, 4).tolist())
        cut = [text if len(text) <= 80 else text[:77] + "..." for text in (want_text, have_text)]
        return f"expected {cut[0]}, got {cut[1]}"
    return None


def _module_cases() -> tuple[Case, ...]:
    rng = np.random.default_rng(4)
    cases = []
    for n_in, n_hidden, n_out, n in ((2, 3, 4, 5), (4, 6, 3, 4), (64, 32, 10, 3)):
        weights = [
            (
                np.round(rng.normal(0, 0.8, (n_in, n_hidden)), 3).tolist(),
                np.round(rng.normal(0, 0.3, n_hidden), 3).tolist(),
            ),
            (
                np.round(rng.normal(0, 0.8, (n_hidden, n_out)), 3).tolist(),
                np.round(rng.normal(0, 0.3, n_out), 3).tolist(),
            ),
        ]
        X = np.round(rng.normal(0, 1, (n, n_in)), 3).tolist()
        label = f"two_layer_net({n_in}, {n_hidden}, {n_out}) with set weights, on {n} rows"
        cases.append(Case((n_in, n_hidden, n_out, weights, X), label=label))
    return tuple(cases)


TWO_LAYER_NET = implement(
    "l12-two-layer-net-test",
    "two_layer_net",
    _module_cases(),
    two_layer_net,
    compare=_logits,
    driver=module_logits,
    hints=(
        "a module of your own is a class derived from nn.Module: its __init__ calls the "
        "parent's __init__ first and then creates the layers as attributes, which is how "
        "PyTorch finds their parameters; its forward says what the layers compute, in order",
        "two attributes, Linear(n_in, n_hidden) and Linear(n_hidden, n_out); forward(X) "
        "returns the second applied to the ReLU of the first: logits, with no activation "
        "after the last layer (nn.CrossEntropyLoss applies the softmax itself)",
    ),
    mistakes=(
        Mistake(
            _softmax_out,
            "the outputs are probabilities (each row sums to 1): forward must return the "
            "logits, as digits_torch does; nn.CrossEntropyLoss applies the softmax itself",
        ),
        Mistake(
            _no_relu,
            "the hidden layer's ReLU is missing: two Linear layers in a row are one linear "
            "map, so the network could draw only straight boundaries",
        ),
        Mistake(
            _sigmoid_hidden,
            "the hidden layer uses a sigmoid: this network is dlcore's MLP with a ReLU hidden "
            "layer",
        ),
        Mistake(
            _relu_out,
            "a ReLU after the last Linear clips the negative logits to 0: no activation "
            "after the output layer",
        ),
    ),
    success="two_layer_net is an nn.Module of your own: Linear, ReLU, Linear, logits out",
)

EXERCISES = [TO_TORCH_STATE, GRAD_ACCUMULATION, TRAIN_EPOCHS, TWO_LAYER_NET]
