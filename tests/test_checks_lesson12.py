"""The exercise checks of lesson 12: correct answers pass, typical mistakes are named."""

from __future__ import annotations

import numpy as np
import pytest

import dlcore as dl
from course.checks.lesson12 import (
    ACCUMULATION_CHOICES,
    STEP_NAMES,
    check_accumulation_prediction,
    check_to_torch_state,
    check_training_step_order,
)

# --- correct answers, in more than one spelling ----------------------------------------------


def to_torch_state(weights):
    state = {}
    for i, (W, b) in enumerate(weights):
        state[f"{2 * i}.weight"], state[f"{2 * i}.bias"] = W.T, b
    return state


def to_torch_state_as_lists(weights):
    return {
        key: value
        for i, (W, b) in enumerate(weights)
        for key, value in (
            (f"{2 * i}.weight", np.transpose(W).tolist()),
            (f"{2 * i}.bias", list(b)),
        )
    }


def to_torch_state_with_column_biases(weights):
    state = to_torch_state(weights)
    return {key: (v.reshape(-1, 1) if key.endswith("bias") else v) for key, v in state.items()}


def my_prediction():
    return "B"


def training_step_order():
    return ["zero_grad", "forward", "loss", "backward", "step"]


# --- wrong answers, each a typical mistake ---------------------------------------------------


def state_not_transposed(weights):
    return {
        key: value
        for i, (W, b) in enumerate(weights)
        for key, value in ((f"{2 * i}.weight", W), (f"{2 * i}.bias", b))
    }


def state_with_consecutive_keys(weights):
    state = {}
    for i, (W, b) in enumerate(weights):
        state[f"{i}.weight"], state[f"{i}.bias"] = W.T, b
    return state


def state_as_a_list(weights):
    return [W.T for W, _ in weights]


def state_with_a_wrong_bias(weights):
    state = to_torch_state(weights)
    state["0.bias"] = -state["0.bias"]
    return state


def step_before_backward():
    return ["zero_grad", "forward", "loss", "step", "backward"]


CHECKS = [
    (
        check_to_torch_state,
        to_torch_state,
        state_not_transposed,
        "to_torch_state([([[0.4, -0.6], [0.3, 0.2]], [0.1, -0.06]), ([[0.7], [-0.5]], [-0.2])])"
        "['0.weight']",
    ),
    (check_accumulation_prediction, my_prediction, lambda: "A", "my_prediction()"),
    (
        check_training_step_order,
        training_step_order,
        step_before_backward,
        "training_step_order()",
    ),
]


# --- exercise 1 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer", [to_torch_state_as_lists, to_torch_state_with_column_biases], ids=["lists", "column"]
)
def test_other_correct_spellings_of_the_state_dict_pass(answer, capsys):
    check_to_torch_state(answer)
    assert capsys.readouterr().out.startswith("\u2714 ")


def test_torch_tensors_as_values_pass(torch, capsys):
    def with_tensors(weights):
        return {k: torch.as_tensor(np.asarray(v)) for k, v in to_torch_state(weights).items()}

    check_to_torch_state(with_tensors)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("wrong", "hint"),
    [
        (state_not_transposed, r"transpose it \(W\.T\), even when it is square"),
        (state_with_consecutive_keys, "the Linear layers are at 0, 2, 4"),
        (state_as_a_list, "build a dict"),
        (state_with_a_wrong_bias, "each bias dlcore's b unchanged"),
    ],
)
def test_each_state_dict_mistake_gets_its_own_hint(wrong, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_to_torch_state(wrong)


def test_the_state_dict_loads_into_the_torch_model(torch):
    """The expected answer is what torch's load_state_dict takes: outputs match dlcore's."""
    model = dl.Sequential([dl.Dense(2, 2, activation="relu"), dl.Dense(2, 1, activation="sigmoid")])
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1), torch.nn.Sigmoid()
    ).double()
    state = to_torch_state([(layer.W, layer.b) for layer in model.layers])
    net.load_state_dict({k: torch.as_tensor(v) for k, v in state.items()})
    X = np.array([[0.5, 0.8], [1.0, -2.0], [0.3, 0.1]])
    assert np.allclose(net(torch.from_numpy(X)).detach().numpy(), model.predict(X))


# --- exercise 2 ------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["B", "b", " B ", "(B)", lambda: "b"])
def test_the_prediction_accepts_the_letter_in_any_spelling(spelling, capsys):
    check_accumulation_prediction(spelling)
    assert "accumulates" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("choice", "why"),
    [("A", "that is what dlcore does"), ("C", "nothing is subtracted"), ("D", "SAME graph")],
)
def test_each_wrong_prediction_is_told_why_it_is_wrong(choice, why):
    assert choice in ACCUMULATION_CHOICES
    with pytest.raises(AssertionError, match=rf"(?s)got {choice}: .*Hint: .*{why}"):
        check_accumulation_prediction(choice)


# --- exercise 3 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        ["zero_grad", "forward", "loss", "backward", "step"],
        ["forward", "loss", "zero_grad", "backward", "step"],
        ["forward", "loss", "backward", "step", "zero_grad"],
        (
            "optimizer.zero_grad()",
            "model(X)",
            "loss = criterion(out, y)",
            "loss.backward()",
            "optimizer.step()",
        ),
        ["Zero_Grad", "Forward", "Loss", "Backward", "Step"],
    ],
    ids=["zero-first", "zero-before-backward", "zero-last", "code", "capitals"],
)
def test_every_working_order_passes(order, capsys):
    check_training_step_order(order)
    check_training_step_order(lambda: order)
    assert capsys.readouterr().out.startswith("\u2714 ")


@pytest.mark.parametrize(
    ("order", "hint"),
    [
        (["zero_grad", "forward", "loss", "step", "backward"], "backward comes before step"),
        (["zero_grad", "loss", "forward", "backward", "step"], "forward, then loss, then backward"),
        (["forward", "loss", "backward", "zero_grad", "step"], "erases the gradients"),
        (["forward", "loss", "backward", "step"], "five strings"),
        (["zero_grad", "forward", "loss", "backward", "backward"], "once each"),
        (["zero", "forward", "loss", "backprop", "step"], "five strings"),
        ("zero_grad forward loss backward step", "a list"),
    ],
)
def test_each_wrong_order_is_told_what_is_wrong(order, hint):
    with pytest.raises(AssertionError, match=rf"(?s)expected.*got.*Hint: .*{hint}"):
        check_training_step_order(order)


def test_the_step_names_are_the_five_calls():
    assert sorted(STEP_NAMES) == list(STEP_NAMES)
    assert set(STEP_NAMES) == {"zero_grad", "forward", "loss", "backward", "step"}
