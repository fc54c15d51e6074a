"""Grader-side specs of lesson 12: weights in torch's layout, accumulation, the step order.

``to_torch_state`` takes numpy arrays, which JSON cannot carry: its driver builds them in
the kernel from the case and sends back the learner's dict as plain lists. The step order
is a list of strings, judged by the lesson's own check run here, in the grader.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np

from course.checks._core import CheckFailed
from course.checks.lesson12 import (
    _STATE_CASES,
    _expected_state,
    check_training_step_order,
)
from course.grading.exercises import Exercise, Outcome, predicted, value_of


def state_as_lists(target, weights):
    """Driver: ``target([(W, b), ...])`` on float arrays; its dict as ``[[key, values], ...]``
    (results travel as JSON lists and numbers)."""
    import numpy

    arrays = [(numpy.array(W, dtype=float), numpy.array(b, dtype=float)) for W, b in weights]
    state = target(arrays)
    if not isinstance(state, dict):
        return repr(type(state))
    pairs = []
    for key, value in state.items():
        if hasattr(value, "detach"):  # a torch tensor
            value = value.detach().cpu().numpy()
        pairs.append([str(key), numpy.asarray(value, dtype=float).tolist()])
    return pairs


def _state(args: tuple, outcome: Outcome) -> str | None:
    """Right when the dict has torch's keys, each weight W.T and each bias b."""
    value, why = value_of(outcome)
    if why:
        return why
    pairs_ok = isinstance(value, list) and all(
        isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str) for pair in value
    )
    if not pairs_ok:
        return f"expected a dict of weights and biases, got {str(value)[:60]}"
    value = dict(value)
    expected = _expected_state(args[0])
    if set(value) != set(expected):
        return f"expected the keys {sorted(expected)}, got {sorted(value)[:6]}"
    for key, want in expected.items():
        have = np.asarray(value[key], dtype=float)
        if key.endswith(".bias") and have.size == want.size:
            have = have.reshape(want.shape)
        if have.shape != want.shape or not np.allclose(have, want):
            return f"{key}: expected {want.tolist()}, got {str(value[key])[:60]}"
    return None


def _step_order(args: tuple, outcome: Outcome) -> str | None:
    """Right when the lesson's check, run in the grader, accepts the order."""
    value, why = value_of(outcome)
    if why:
        return why
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return f"expected a list of step names, got {str(value)[:60]}"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            check_training_step_order(value)
    except CheckFailed as failed:
        return str(failed).splitlines()[0][:100]
    return None


EXERCISES = [
    Exercise(
        "l12-to-torch-state-test",
        ("to_torch_state",),
        tuple((weights,) for weights in _STATE_CASES),
        _state,
        driver=state_as_lists,
    ),
    predicted("l12-grad-accumulation-test", "B"),
    Exercise("l12-training-step-test", ("training_step_order",), ((),), _step_order),
]
