"""Lesson 12's exercises through the check and the grader alike (see exercise_util)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from exercise_util import checked, exercise_cells, right_everywhere, wrong_everywhere

import dlcore as dl
from course.checks import lesson12 as checks
from course.checks._core import reset_hints
from course.exercises import builtin, lesson12

#: a loop over the loader; STEP is replaced by the five calls of one step, in some order
LOOP = (
    "def train_epochs(model, loader, optimizer, loss_fn, epochs):\n"
    "    losses = []\n"
    "    for _ in range(epochs):\n"
    "        total = 0.0\n"
    "        for X_batch, y_batch in loader:\n"
    "STEP"
    "            total += loss.item() * len(y_batch)\n"
    "        losses.append(total / len(loader.dataset))\n"
    "    return losses"
)
ZERO = "            optimizer.zero_grad()\n"
FORWARD = "            loss = loss_fn(model(X_batch), y_batch)\n"
BACKWARD = "            loss.backward()\n"
STEP = "            optimizer.step()\n"


def loop(*calls: str, epoch_loss: str = "") -> str:
    source = LOOP.replace("STEP", "".join(calls))
    if epoch_loss:
        source = source.replace("        losses.append(total / len(loader.dataset))", epoch_loss)
    return source


#: a module of one's own; FORWARD is replaced by what forward returns
MODULE = (
    "def two_layer_net(n_in, n_hidden, n_out):\n"
    "    from torch import nn\n"
    "    class Net(nn.Module):\n"
    "        def __init__(self):\n"
    "            super().__init__()\n"
    "            self.first = nn.Linear(n_in, n_hidden)\n"
    "            self.second = nn.Linear(n_hidden, n_out)\n"
    "        def forward(self, X):\n"
    "            return FORWARD\n"
    "    return Net()"
)


def module(forward: str) -> str:
    return MODULE.replace("FORWARD", forward)


RIGHT = {
    "l12-to-torch-state-test": [
        "def to_torch_state(weights):\n    return {f'{2 * i}.' + k: v for i, (W, b) in "
        "enumerate(weights) for k, v in (('weight', W.T.tolist()), ('bias', b))}",
        "def to_torch_state(weights):\n    state = {}\n    for i, (W, b) in enumerate(weights):\n"
        "        state[f'{2 * i}.weight'] = np.transpose(W)\n"
        "        state[f'{2 * i}.bias'] = b.reshape(-1, 1)\n    return state",
        "def to_torch_state(weights):\n    import torch\n    return {f'{2 * i}.{k}': "
        "torch.as_tensor(v) for i, (W, b) in enumerate(weights) for k, v in "
        "(('weight', W.T.copy()), ('bias', b))}",
        "def to_torch_state(weights):\n    keys = ((f'{j}.weight', f'{j}.bias') for j in "
        "range(0, 2 * len(weights), 2))\n    state = {}\n    for (kw, kb), (W, b) in "
        "zip(keys, weights):\n        state[kw], state[kb] = [list(r) for r in zip(*W)], list(b)\n"
        "    return state",
    ],
    "l12-grad-accumulation-test": [
        "def my_prediction():\n    return 'b) twice'",
        "my_prediction = 'B'",
        "def my_prediction():\n    return ' (b) '",
    ],
    "l12-train-epochs-test": [
        loop(ZERO, FORWARD, BACKWARD, STEP),
        loop(FORWARD, BACKWARD, STEP, ZERO),  # zeroed after the step: clean for the next one
        loop(FORWARD, ZERO, BACKWARD, STEP),
        loop("            model.zero_grad()\n", FORWARD, BACKWARD, STEP),
        loop("            optimizer.zero_grad(set_to_none=False)\n", FORWARD, BACKWARD, STEP),
        # the sizes counted while looping, a tensor total, and an array returned
        "def train_epochs(model, loader, optimizer, loss_fn, epochs):\n"
        "    out = np.zeros(epochs)\n"
        "    for e in range(epochs):\n"
        "        total, n = 0, 0\n"
        "        for xb, yb in loader:\n"
        "            optimizer.zero_grad()\n"
        "            logits = model.forward(xb)\n"
        "            L = loss_fn(logits, yb)\n"
        "            L.backward()\n"
        "            optimizer.step()\n"
        "            total = total + L.detach() * xb.shape[0]\n"
        "            n += yb.numel()\n"
        "        out[e] = float(total) / n\n"
        "    return out",
        # the sum of the per-example losses (reduction='sum' on the side)
        "def train_epochs(model, loader, optimizer, loss_fn, epochs):\n"
        "    import torch\n"
        "    losses = []\n"
        "    for _ in range(epochs):\n"
        "        total = 0.0\n"
        "        for xb, yb in loader:\n"
        "            optimizer.zero_grad()\n"
        "            logits = model(xb)\n"
        "            loss_fn(logits, yb).backward()\n"
        "            optimizer.step()\n"
        "            total += torch.nn.functional.cross_entropy(logits, yb, "
        "reduction='sum').item()\n"
        "        losses.append(total / len(loader.dataset))\n"
        "    return losses",
    ],
    "l12-two-layer-net-test": [
        module("self.second(self.first(X).relu())"),
        module("self.second(nn.functional.relu(self.first(X)))"),
        "def two_layer_net(n_in, n_hidden, n_out):\n    from torch import nn\n"
        "    return nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(),\n"
        "                         nn.Linear(n_hidden, n_out))",
        # the output layer created first, a ReLU module, torch imported in forward
        "def two_layer_net(n_in, n_hidden, n_out):\n"
        "    from torch import nn\n"
        "    class Net(nn.Module):\n"
        "        def __init__(self):\n"
        "            super().__init__()\n"
        "            self.out = nn.Linear(n_hidden, n_out)\n"
        "            self.act = nn.ReLU()\n"
        "            self.inp = nn.Linear(n_in, n_hidden)\n"
        "        def forward(self, x):\n"
        "            import torch\n"
        "            h = torch.clamp(self.inp(x), min=0)\n"
        "            return self.out(self.act(h))\n"
        "    return Net()",
    ],
}

WRONG = {
    "l12-to-torch-state-test": [
        (
            "def to_torch_state(weights):\n    return {f'{2 * i}.' + k: v for i, (W, b) in "
            "enumerate(weights) for k, v in (('weight', W), ('bias', b))}",
            "transpose it, even when it is square",
        ),
        (
            "def to_torch_state(weights):\n    return {f'{i}.' + k: v for i, (W, b) in "
            "enumerate(weights) for k, v in (('weight', W.T), ('bias', b))}",
            "the Linear layers are at 0, 2, 4",
        ),
        ("def to_torch_state(weights):\n    return [W.T for W, b in weights]", "expected a dict"),
        (
            "def to_torch_state(weights):\n    return {f'{2 * i}.' + k: v for i, (W, b) in "
            "enumerate(weights) for k, v in (('weight', W.T), ('bias', -b))}",
            "['0.bias']: expected",
        ),
    ],
    "l12-grad-accumulation-test": [
        ("def my_prediction():\n    return 'A'", "that is what dlcore does"),
        ("my_prediction = 'c'", "nothing is subtracted"),
        ("def my_prediction():\n    return 'D'", "SAME graph"),
    ],
    "l12-train-epochs-test": [
        (loop(FORWARD, BACKWARD, STEP), "the gradients were never cleared"),
        (loop(FORWARD, BACKWARD, ZERO, STEP), "the weights never moved"),
        (loop(ZERO, FORWARD, STEP, BACKWARD), "the weights never moved"),
        (
            loop(ZERO, FORWARD, BACKWARD, STEP)
            .replace("loss.item() * len(y_batch)", "loss.item()")
            .replace("total / len(loader.dataset)", "total / len(loader)"),
            "the mean over its batches",
        ),
        (
            loop(ZERO, FORWARD, BACKWARD, STEP, epoch_loss="        losses.append(loss.item())"),
            "that of its last batch only",
        ),
        (
            loop(ZERO, FORWARD, BACKWARD, STEP)
            .replace("loss.item() * len(y_batch)", "loss.item()")
            .replace("total / len(loader.dataset)", "total"),
            "the sum of its batches' losses",
        ),
        (
            "def train_epochs(model, loader, optimizer, loss_fn, epochs):\n"
            "    return [0.0] * (epochs + 1)",
            "one per epoch",
        ),
    ],
    "l12-two-layer-net-test": [
        (
            module("self.second(self.first(X).relu()).softmax(dim=1)"),
            "the outputs are probabilities",
        ),
        (module("self.second(self.first(X))"), "the hidden layer's ReLU is missing"),
        (module("self.second(self.first(X).sigmoid())"), "the hidden layer uses a sigmoid"),
        (module("self.second(self.first(X).relu()).relu()"), "clips the negative logits"),
        (
            module("self.second(self.first(X).relu())").replace("return Net()", "return Net"),
            "expected an nn.Module, got type",
        ),
        (
            "def two_layer_net(n_in, n_hidden, n_out):\n    from torch import nn\n"
            "    return nn.Sequential(nn.Linear(n_in, n_out))",
            "expected 4 parameters of the shapes",
        ),
    ],
}


def test_every_exercise_of_the_lesson_is_listed_here():
    assert set(RIGHT) == set(WRONG) == set(exercise_cells("12"))


@pytest.mark.parametrize(("test_id", "answer"), [(t, a) for t, As in RIGHT.items() for a in As])
def test_a_right_answer_is_right_for_the_check_and_the_grader(test_id, answer):
    right_everywhere("12", test_id, answer)


@pytest.mark.parametrize(
    ("test_id", "answer", "hint"), [(t, a, h) for t, As in WRONG.items() for a, h in As]
)
def test_a_typical_mistake_is_wrong_for_both_and_named_by_the_check(test_id, answer, hint):
    assert hint in wrong_everywhere("12", test_id, answer)


def test_a_second_wrong_answer_shows_the_next_hint_never_the_code():
    reset_hints()
    answer = loop(FORWARD, BACKWARD, STEP)
    first = checked("12", "l12-train-epochs-test", answer)
    second = checked("12", "l12-train-epochs-test", answer)
    assert "Hint 1 of 2" in first and "Hint 2 of 2" not in first
    assert "Hint 2 of 2" in second
    for hint in lesson12.TRAIN_EPOCHS.hints:
        assert "optimizer.zero_grad()" not in hint and "loss.backward()" not in hint
    reset_hints()


def test_without_torch_the_loops_check_says_torch_is_needed_and_does_not_fail(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "torch", None)  # import torch raises ImportError
    checks.check_train_epochs(lambda *args: [])
    checks.check_two_layer_net(lambda *args: None)
    assert capsys.readouterr().out.split("\n")[:2] == [checks.NEEDS_TORCH] * 2
    spec = builtin()["l12-train-epochs-test"]
    got = lesson12.trained_in_torch(lambda *args: [], *spec.cases[0].args)
    assert "needs PyTorch" in spec.verdict(spec.cases[0].args, got)
    spec = builtin()["l12-two-layer-net-test"]
    got = lesson12.module_logits(lambda *args: None, *spec.cases[0].args)
    assert "needs PyTorch" in spec.verdict(spec.cases[0].args, got)


@pytest.mark.parametrize("test_id", ["l12-train-epochs-test", "l12-two-layer-net-test"])
def test_the_reference_and_the_mistakes_need_no_torch(monkeypatch, test_id):
    monkeypatch.setitem(sys.modules, "torch", None)
    spec = builtin()[test_id]
    for case in spec.cases:
        expected = spec.expected(case.args)
        assert spec.diagnosis(case.args, expected) == ""
        for mistake in spec.mistakes:  # each mistake gives other numbers on every case
            assert spec.compare(expected, mistake.wrong(*case.args)) is not None


def test_the_state_dict_loads_into_the_torch_model(torch):
    """The expected answer is what torch's load_state_dict takes: outputs match dlcore's."""
    model = dl.Sequential([dl.Dense(2, 2, activation="relu"), dl.Dense(2, 1, activation="sigmoid")])
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1), torch.nn.Sigmoid()
    ).double()
    state = lesson12.to_torch_state([(layer.W, layer.b) for layer in model.layers])
    net.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()})
    X = np.array([[0.5, 0.8], [1.0, -2.0], [0.3, 0.1]])
    assert np.allclose(net(torch.from_numpy(X)).detach().numpy(), model.predict(X))


def test_the_learners_loop_on_the_digits_does_what_the_lesson_says_at_every_seed(torch):
    """The cell after exercise 3 trains the digits with the learner's loop; with the
    instructor's, at the sweep's seeds, the last epoch's loss is below a fifth of the
    first's and the test accuracy above 90 %."""
    namespace: dict = {}
    exec(exercise_cells("12")["l12-train-epochs-test"][0], namespace)
    X, y = dl.datasets.load_digits()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the lesson does: small networks run fastest on one thread
    try:
        for seed in (*range(10), 11, 29, 2026):
            losses, accuracy = _digits_with(torch, namespace["train_epochs"], X, y, seed)
            assert losses[-1] < losses[0] / 5 and accuracy > 0.9, (seed, losses, accuracy)
    finally:
        torch.set_num_threads(threads)


def _digits_with(torch, train_epochs, X, y, seed):  # noqa: ANN001, ANN202 (torch: the module)
    """The cell after exercise 3 at ``seed``: the losses of ``train_epochs`` and the test
    accuracy it reaches (the lesson's split, dlcore's starting weights, a shuffled loader)."""
    from torch.utils.data import DataLoader, TensorDataset

    split = np.random.default_rng(seed).permutation(len(X))
    train, test = split[:1500], split[1500:]
    start = dl.MLP([64, 32, 10], hidden="relu", output="softmax", seed=seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 32), torch.nn.ReLU(), torch.nn.Linear(32, 10)
    ).double()
    with torch.no_grad():
        for linear, layer in zip((model[0], model[2]), start.layers, strict=True):
            linear.weight.copy_(torch.from_numpy(layer.W.T))
            linear.bias.copy_(torch.from_numpy(layer.b))
    loader = DataLoader(
        TensorDataset(torch.from_numpy(X[train]), torch.from_numpy(y[train])),
        batch_size=32,
        shuffle=True,
        generator=torch.Generator().manual_seed(seed),
    )
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    losses = train_epochs(model, loader, optimizer, torch.nn.CrossEntropyLoss(), 5)
    accuracy = np.mean(model(torch.from_numpy(X[test])).argmax(dim=1).numpy() == y[test])
    return losses, accuracy
