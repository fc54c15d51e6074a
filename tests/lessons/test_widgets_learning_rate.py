"""The learning-rate explorer driven headless: its path is gradient descent, its verdicts
and limits are the ones the lesson computes."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from widgets_util import assert_same_picture  # noqa: E402

from course.widgets import learning_rate as lr_widget  # noqa: E402
from course.widgets import learning_rate_explorer  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def by_hand(grad, w0, lr, steps, momentum=0.0):
    """Heavy-ball gradient descent written out: v <- mu v - lr grad, w <- w + v."""
    w, v, path = np.asarray(w0, dtype=float), 0.0, [np.asarray(w0, dtype=float)]
    for _ in range(steps):
        v = momentum * v - lr * grad(w)
        w = w + v
        path.append(w)
    return np.array(path)


def test_saved_state_zigzags_across_the_valley_and_converges():
    e = learning_rate_explorer()
    assert bytes(e.image.value).startswith(PNG_SIGNATURE)
    valley = lr_widget.SURFACES["valley"]
    assert np.allclose(e.path, by_hand(valley.grad, [-4.5, 2.0], 0.19, 30))
    w2 = e.path[:, 1]
    assert np.all(np.sign(w2[1:]) != np.sign(w2[:-1]))  # the instructive zigzag
    assert not e.diverged and e.losses[-1] < e.losses[0] / 100
    assert "still descending" in e.caption.value and "0.19" in e.caption.value
    assert "c = 10: η < 0.2" in e.readout.value  # the limit 2/c of the steep direction


def test_above_the_limit_the_loss_grows_and_momentum_widens_the_limit():
    e = learning_rate_explorer(lr=0.21)
    assert e.diverged and e.losses[-1] > e.losses[0]
    assert "diverging" in e.caption.value
    e.momentum.value = 0.5  # stable while eta c < 2 (1 + mu) = 3
    valley = lr_widget.SURFACES["valley"]
    assert np.allclose(e.path, by_hand(valley.grad, [-4.5, 2.0], 0.21, 30, momentum=0.5))
    assert not e.diverged and "c = 10: η < 0.3" in e.readout.value


def test_moving_a_control_redraws():
    e = learning_rate_explorer()
    before = bytes(e.image.value)
    e.steps.value = 5
    assert len(e.path) == 6 and bytes(e.image.value) != before
    e.starts[0].value = 3.0
    assert np.allclose(e.path[0], [3.0, 2.0])


def test_two_minima_the_start_and_step_decide_which_minimum():
    e = learning_rate_explorer(surface="two minima", lr=0.01, steps=100)
    minima = [m[0] for m in lr_widget.SURFACES["two minima"].minima]
    assert np.allclose(4 * np.array(minima) ** 3 - 6 * np.array(minima) + 1, 0, atol=1e-9)
    assert e.path.ndim == 1 and abs(e.path[-1] - minima[1]) < 1e-3
    assert "local minimum" in e.caption.value
    e.lr.value = 0.1
    assert abs(e.path[-1] - minima[0]) < 1e-6 and "global minimum" in e.caption.value
    e.starts[0].value = -2.0
    e.lr.value = 0.5  # far beyond 2/c: the path leaves for infinity and is cut
    assert e.diverged and len(e.path) < 101 and np.all(np.isfinite(e.path))


def test_one_stability_limit_per_minimum_set_by_its_steepest_curvature():
    valley = learning_rate_explorer().readout.value
    assert valley.count("η < ") == 1 and "c = 10: η < 0.2." in valley  # not 2, from c = 1
    two = learning_rate_explorer(surface="two minima").readout.value
    limits = [float(x) for x in re.findall(r"η < ([0-9.]+\d)", two)]
    minima = [m[0] for m in lr_widget.SURFACES["two minima"].minima]
    assert np.allclose(limits, [2 / (12 * m**2 - 6) for m in minima], rtol=1e-2)
    assert limits[0] < 0.19 < limits[1]  # eta = 0.19 can settle only in the local minimum


def test_switching_the_loss_resets_the_start():
    e = learning_rate_explorer()
    e.surface_menu.value = "two minima"
    assert e.surface.dims == 1 and e.path.ndim == 1 and e.path[0] == 2.0
    assert e.starts[1].disabled
    e.surface_menu.value = "valley"
    assert np.allclose(e.path[0], [-4.5, 2.0]) and not e.starts[1].disabled


def test_descent_path_is_dlcores_sgd():
    path = lr_widget.descent_path(lambda w: 2 * w, 2.0, 1.1, steps=3)
    assert np.allclose(path, [2.0, -2.4, 2.88, -3.456])
    assert lr_widget.largest_stable_lr(2.0) == 1.0 and lr_widget.largest_stable_lr(1, 0.5) == 3.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"surface": "bowl"}, "surface must be one of"),
        ({"lr": 0}, "lr"),
        ({"lr": 5.0}, "lr must be between 0.001 and 1"),
        ({"steps": 500}, "steps must be at most 100"),
        ({"momentum": 0.99}, "momentum must be at most 0.95"),
        ({"start": [1.0]}, "start must hold 2 number"),
        ({"start": [9.0, 0.0]}, r"start w1 must lie in \(-5.0, 5.0\)"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        learning_rate_explorer(**kwargs)


def test_descent_path_rejects_a_bad_start():
    with pytest.raises(ValueError, match="start must be a finite number"):
        lr_widget.descent_path(lambda w: w, [np.nan], 0.1, 3)


@pytest.mark.parametrize(
    "moves",
    [
        {"lr": 0.21},  # diverging: the loss axis stays logarithmic, its range grows
        {"momentum": 0.5, "steps": 5},
        {"lr": 0.9, "steps": 80},  # the path escapes: shorter, cut at ESCAPE
        {"surface": "two minima"},  # a new loss: drawn from scratch
        {"surface": "two minima", "lr": 0.05, "momentum": 0.9},
        {"surface": "two minima", "lr": 0.3},  # negative losses: a linear loss axis
    ],
)
def test_a_redrawn_picture_is_the_one_a_fresh_explorer_draws(moves):
    live = learning_rate_explorer()
    controls = {"lr": live.lr, "momentum": live.momentum, "steps": live.steps,
                "surface": live.surface_menu}  # fmt: skip
    for name in ("surface", "lr", "momentum", "steps"):
        if name in moves:
            controls[name].value = moves[name]
    fresh = learning_rate_explorer(
        surface=live.surface_menu.value,
        lr=live.lr.value,
        start=tuple(live.start),
        steps=live.steps.value,
        momentum=live.momentum.value,
    )
    assert np.array_equal(live.path, fresh.path)
    assert fresh.figure is not live.figure
    assert live.figure.axes[1].get_yscale() == fresh.figure.axes[1].get_yscale()
    assert_same_picture(live.image.value, fresh.image.value)
