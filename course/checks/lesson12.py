"""Checks for lesson 12, from dlcore to PyTorch: weights in torch's layout, accumulated
gradients, and the order of a training step.

Every check runs without PyTorch: the answers are numpy arrays (or anything
``np.asarray`` reads, torch tensors included), letters and lists of step names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from course.checks._core import CheckFailed, call, check_choice, expect_close, passed

__all__ = [
    "STEP_NAMES",
    "check_accumulation_prediction",
    "check_to_torch_state",
    "check_training_step_order",
]

# ---------------------------------------------------------------- exercise 1

#: the lesson's Age and Income network (lesson 06), in dlcore's layout W (n_in, n_out)
AGE_INCOME = [
    ([[0.4, -0.6], [0.3, 0.2]], [0.1, -0.06]),
    ([[0.7], [-0.5]], [-0.2]),
]
_STATE_CASES = [
    AGE_INCOME,
    [([[1.0, 2.0, 3.0]], [0.5, -0.5, 0.0])],
    [
        ([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]], [0.0, 1.0]),
        ([[1.0, -1.0, 0.5, 2.0], [0.0, 3.0, -2.0, 1.0]], [0.1, 0.2, 0.3, 0.4]),
        ([[1.0], [2.0], [3.0], [4.0]], [-1.0]),
    ],
]


def _expected_state(weights: Sequence[tuple[Any, Any]]) -> dict[str, np.ndarray]:
    """torch's state_dict of Sequential(Linear, act, Linear, act, ...): weights transposed."""
    state = {}
    for i, (W, b) in enumerate(weights):
        state[f"{2 * i}.weight"] = np.asarray(W, dtype=float).T
        state[f"{2 * i}.bias"] = np.asarray(b, dtype=float)
    return state


def _as_array(value: Any) -> Any:
    """``value`` as a float array (a list, a numpy array or a torch tensor), else as is."""
    try:
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().numpy()
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return value


def _close(got: Any, want: np.ndarray) -> bool:
    """Whether ``got`` has ``want``'s shape and values."""
    try:
        return np.shape(got) == want.shape and bool(np.allclose(got, want))
    except (TypeError, ValueError):
        return False


def check_to_torch_state(fn: Callable[..., Any]) -> None:
    r"""Check ``fn(weights)``: dlcore's ``[(W, b), ...]`` as the ``state_dict`` of
    ``nn.Sequential(Linear, activation, Linear, ...)``, with ``weight`` :math:`= W^\top`."""
    for weights in _STATE_CASES:
        arrays = [(np.array(W, dtype=float), np.array(b, dtype=float)) for W, b in weights]
        case = f"to_torch_state({weights})"
        got = call(fn, [(W.copy(), b.copy()) for W, b in arrays], case=case)
        expected = _expected_state(weights)
        if not isinstance(got, dict):
            raise CheckFailed(
                f"{case}: expected a dict like {{'0.weight': ..., '0.bias': ...}}, got "
                f"{type(got).__name__} {got!r}\nHint: build a dict with one 'weight' and "
                "one 'bias' entry per Linear layer"
            )
        keys = {str(key) for key in got}
        if keys != set(expected):
            consecutive = {
                f"{i}.{kind}" for i in range(len(weights)) for kind in ("weight", "bias")
            }
            hint = (
                "the activation modules between the Linear layers take an index too "
                "(0: Linear, 1: ReLU, 2: Linear, ...): the Linear layers are at 0, 2, 4, ..."
                if keys == consecutive and len(weights) > 1
                else "torch names a Linear layer's parameters '<index>.weight' and "
                "'<index>.bias', the index being its place in the nn.Sequential"
            )
            raise CheckFailed(
                f"{case}: expected the keys {sorted(expected)}, got {sorted(keys)}\nHint: {hint}"
            )
        for key, want in expected.items():
            have = _as_array(got[key])
            if key.endswith(".bias") and np.size(have) == want.size:
                have = np.reshape(have, want.shape)
            untransposed = want.T if key.endswith(".weight") else None
            if untransposed is not None and _close(have, untransposed):
                hint = (
                    "nn.Linear stores weight with shape (out_features, in_features): row j "
                    "holds the weights INTO unit j, so torch's weight[j, i] is dlcore's "
                    "W[i, j]: transpose it (W.T), even when it is square"
                )
            else:
                hint = "each weight is dlcore's W transposed, each bias dlcore's b unchanged"
            expect_close(have, want, f"{case}['{key}']", hint=hint)
    passed("to_torch_state gives torch's layout: weight = W.T at 0, 2, 4, ...; bias = b")


# ---------------------------------------------------------------- exercise 2 (predict)

#: the choices of the prediction exercise
ACCUMULATION_CHOICES = {
    "A": "the gradient of the second pass, the same numbers as after the first",
    "B": "twice the gradient: backward() adds the new gradient to what .grad holds",
    "C": "zero: the second pass cancels the first",
    "D": "an error: backward() may be called only once per model",
}
_ACCUMULATION_WHY = {
    "A": "that is what dlcore does (each backward pass overwrites dW), but PyTorch adds "
    "each backward() into .grad, so that several losses or batches can be summed: think "
    "of what optimizer.zero_grad() is for",
    "C": "nothing is subtracted: the same example gives the same gradient twice, and "
    "PyTorch adds the second to the first",
    "D": "each forward pass records a new graph, so backward() may run once per forward "
    "pass; only a second backward() through the SAME graph fails",
}


def check_accumulation_prediction(answer: Any) -> None:
    """Check the predicted choice (a letter, or a function returning it) among
    :data:`ACCUMULATION_CHOICES`, and say why a wrong choice is wrong."""
    check_choice(
        answer,
        case="my_prediction()",
        answer="B",
        reasons=ACCUMULATION_CHOICES,
        hint=_ACCUMULATION_WHY,
        success="B: PyTorch accumulates: .grad += the new gradient, which is why every "
        "training step starts with optimizer.zero_grad()",
    )


# ---------------------------------------------------------------- exercise 3

#: the five calls of a PyTorch training step, in alphabetical order
STEP_NAMES = ("backward", "forward", "loss", "step", "zero_grad")
_STEP_WORDS = (  # the first word found names the step: "loss.backward()" is backward
    ("zero", "zero_grad"),
    ("backward", "backward"),
    ("step", "step"),
    ("update", "step"),
    ("loss", "loss"),
    ("criterion", "loss"),
    ("forward", "forward"),
    ("model", "forward"),
    ("predict", "forward"),
)


def _step_name(item: object) -> str | None:
    """The step an answer names ("optimizer.zero_grad()", "Backward", ...), or None."""
    if not isinstance(item, str):
        return None
    text = item.strip().lower()
    return next((name for word, name in _STEP_WORDS if word in text), None)


def check_training_step_order(answer: Any) -> None:
    """Check the order of one PyTorch training step (a list, or a function returning it).

    Every order in which forward < loss < backward < step, with ``zero_grad`` anywhere but
    between ``backward`` and ``step``, is right: zeroing first or last both work in a loop.
    """
    case = "training_step_order()"
    got = call(answer, case=case) if callable(answer) else answer
    items = list(got) if isinstance(got, (list, tuple)) else None
    names = [_step_name(item) for item in items] if items is not None else None
    expected = "the five steps " + ", ".join(STEP_NAMES) + ", each once, in a working order"
    if names is None or None in names or sorted(names) != sorted(STEP_NAMES):
        raise CheckFailed(
            f"{case}: expected {expected}, got {got!r}\nHint: return a list of five strings, "
            f"each one of {list(STEP_NAMES)}, once each"
        )
    at = {name: names.index(name) for name in names}
    if at["step"] < at["backward"]:
        hint = (
            "optimizer.step() moves each weight against its .grad, and it is backward() "
            "that fills .grad: backward comes before step"
        )
    elif not at["forward"] < at["loss"] < at["backward"]:
        hint = (
            "backward() starts from the loss, and the loss needs the model's output: "
            "forward, then loss, then backward"
        )
    elif at["backward"] < at["zero_grad"] < at["step"]:
        hint = (
            "zero_grad() between backward() and step() erases the gradients that step() "
            "is about to use: zero them before the backward pass (or after the step)"
        )
    else:
        passed(
            f"{' -> '.join(names)}: gradients are cleared, computed by backward and "
            "used by step, once per batch"
        )
        return
    raise CheckFailed(f"{case}: expected {expected}, got {names}\nHint: {hint}")
