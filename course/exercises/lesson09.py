"""Lesson 09, the learning rate: one step size predicted, the largest stable one solved for,
gradient descent with momentum written by the learner, and its stable limit predicted and
then found by running it.

The loss is mostly the quadratic :math:`L(w) = \\tfrac{c}{2} w^2` of curvature :math:`c`,
on which a step of gradient descent multiplies :math:`w` by :math:`1 - \\eta c`. A gradient
is a function, which JSON cannot carry: the momentum exercise's driver builds it in the
kernel from the case (the curvatures of a quadratic, or the lesson's loss with two minima)
and hands it to the learner's function.
"""

from __future__ import annotations

import numpy as np

import dlcore as dl
from course.exercises import Case, Mistake, close, implement, predict

# --- Exercise 1: predict what eta = 1 does on w^2 ---------------------------------------------

UNIT_STEP = predict(
    "l09-unit-step-prediction-test",
    "C",
    {
        "A": "it converges faster than eta = 0.4: the steps are bigger",
        "B": "it diverges like eta = 1.1: the loss grows at every step",
        "C": "w jumps between 2 and -2 for ever: the loss stays at 4",
        "D": "it lands on the minimum w = 0 in one step and stays there",
    },
    (
        "compute one step by hand, w1 = w0 - eta * dL/dw with dL/dw = 2w at w0 = 2, and "
        "then the next one: does the distance to the minimum w = 0 shrink, stay or grow?",
        "one step multiplies w by 1 - 2 eta; what is that factor for eta = 1, and what does "
        "multiplying by it over and over do to w and to the loss w^2?",
    ),
    mistakes=(
        Mistake(
            "A",
            "a bigger step is faster only while it does not overshoot: with eta = 1 the step "
            "jumps over the minimum to the other side, just as far away",
        ),
        Mistake(
            "B",
            "compute one step: w - eta * 2w with eta = 1 is exactly as far from 0 as w; the "
            "distance does not grow (it grows only for eta > 1)",
        ),
        Mistake(
            "D",
            "the one-step learning rate is the one with w - eta * 2w = 0, that is eta = 1/2; "
            "with eta = 1 compute w1 = 2 - 1 * (2 * 2)",
        ),
    ),
    success="C: w <- w - 1 * 2w = -w: each step flips the sign and keeps the distance, so "
    "the loss stays at 4 for ever (eta = 1 = 2/c is exactly the edge of stability)",
)

# --- Exercise 2: the largest stable learning rate --------------------------------------------


def largest_stable_lr(c: float) -> float:
    r"""Reference: :math:`2/c`, where :math:`|1 - \eta c|` reaches 1."""
    return 2.0 / c


#: the curvatures the check tries (all public: the limit has no secret cases)
CURVATURES = (2.0, 10.0, 0.5, 4, 1.0, 25.0, 0.1, 3.0, 7, 100.0)

LARGEST_STABLE_LR = implement(
    "l09-largest-stable-lr-test",
    "largest_stable_lr",
    tuple(Case((c,)) for c in CURVATURES),
    largest_stable_lr,
    compare=close(atol=0.0, rtol=1e-9, fit="squeeze"),
    hints=(
        "each step multiplies w by the same factor 1 - eta c (section 3's table); gradient "
        "descent converges exactly when multiplying by that factor over and over shrinks w "
        "towards 0, whatever its sign",
        "write the condition |1 - eta c| < 1 as two inequalities, solve each for eta (c > 0), "
        "and keep the one that bites",
    ),
    mistakes=(
        Mistake(
            lambda c: 1.0 / c,
            "1/c is the learning rate that lands on the minimum in one step (1 - eta c = 0); "
            "larger ones overshoot to the other side but can still converge (section 3's "
            "table): how far past 1/c can eta go before the overshoot stops shrinking?",
        ),
        Mistake(
            lambda c: 2.0 * c,
            "a steeper loss (larger c) needs a smaller step: the answer must shrink as c grows",
        ),
        Mistake(
            lambda c: c / 2.0,
            "a steeper loss (larger c) needs a smaller step: the answer must shrink as c grows",
        ),
    ),
    library=("course.widgets.learning_rate.largest_stable_lr",),
    success="largest_stable_lr(c) = 2/c: each step multiplies w by 1 - eta c, and "
    "|1 - eta c| < 1 exactly for 0 < eta < 2/c",
)

# --- Exercise 3: gradient descent with momentum ----------------------------------------------


def momentum_descent(grad, w0, lr, mu, steps):
    r"""Reference: heavy-ball momentum from :math:`v = 0`, by dlcore's ``SGD(lr, momentum)``:
    :math:`v \leftarrow \mu v - \eta \nabla L(w)`, :math:`w \leftarrow w + v`; the weights
    :math:`w_0, \dots, w_\text{steps}`, shape (steps + 1,) for a number ``w0``, else
    (steps + 1, d)."""
    scalar = np.ndim(w0) == 0
    w = np.atleast_1d(np.array(w0, dtype=float))
    optimizer = dl.SGD(lr=lr, momentum=mu)
    path = [w.copy()]
    for _ in range(steps):
        g = np.asarray(grad(w[0] if scalar else w.copy()), dtype=float).reshape(w.shape)
        optimizer.step([("w", w, g)])
        path.append(w.copy())
    out = np.array(path)
    return out[:, 0] if scalar else out


def on_a_loss(target, loss, w0, lr, mu, steps):
    """Driver: ``target(grad, w0, lr, mu, steps)`` with ``grad`` the gradient of ``loss``: a
    list of curvatures (the quadratic sum of c_i w_i^2 / 2, whose gradient is c_i w_i) or
    "two minima" (L = w^4 - 3 w^2 + w); ``w0`` a number or a list, as a float or an array."""
    import numpy

    if loss == "two minima":

        def grad(w):
            return 4 * w**3 - 6 * w + 1

    else:
        curvature = numpy.array(loss, dtype=float)

        def grad(w):
            return curvature * w if curvature.size > 1 else curvature[0] * w

    start = float(w0) if not isinstance(w0, list) else numpy.array(w0, dtype=float)
    return target(grad, start, lr, mu, steps)


def _gradients(grad, w0, lr, mu, steps, *, look_ahead=False, lagged=False, damped=False):
    """Momentum with one typical mistake switched on; the path as the reference returns it."""
    w, v = np.array(w0, dtype=float), 0.0
    path = [w.copy()]
    with np.errstate(all="ignore"):  # the uphill mistake leaves for infinity
        for _ in range(steps):
            if lagged:  # w moved by the old velocity, then the velocity updated
                w = w + v
                v = mu * v - lr * grad(w)
            else:
                g = grad(w + mu * v) if look_ahead else grad(w)
                v = mu * v - (1 - mu if damped else 1) * lr * g
                w = w + v
            path.append(w.copy())
    return np.array(path)


def _no_momentum(grad, w0, lr, mu, steps):
    return _gradients(grad, w0, lr, 0.0, steps)


def _nesterov(grad, w0, lr, mu, steps):
    return _gradients(grad, w0, lr, mu, steps, look_ahead=True)


def _moved_before_the_velocity(grad, w0, lr, mu, steps):
    return _gradients(grad, w0, lr, mu, steps, lagged=True)


def _damped(grad, w0, lr, mu, steps):
    return _gradients(grad, w0, lr, mu, steps, damped=True)


def _uphill(grad, w0, lr, mu, steps):
    return _gradients(grad, w0, -lr, mu, steps)


def _without_the_start(grad, w0, lr, mu, steps):
    return momentum_descent(grad, w0, lr, mu, steps)[1:]


def _one_step_more(grad, w0, lr, mu, steps):
    return momentum_descent(grad, w0, lr, mu, steps + 1)


def _last_weights(grad, w0, lr, mu, steps):
    return momentum_descent(grad, w0, lr, mu, steps)[-1]


def _one_array_in_every_row(grad, w0, lr, mu, steps):
    path = momentum_descent(grad, w0, lr, mu, steps)
    return np.array([path[-1]] * len(path))


VALLEY = [1.0, 10.0]  # the lesson's valley: L = (w1^2 + 10 w2^2) / 2

MOMENTUM = implement(
    "l09-momentum-test",
    "momentum_descent",
    (
        Case(
            ([2.0], 2.0, 0.1, 0.5, 4),
            "L = w^2 from w0 = 2: the first step is the plain one, -eta * 4 = -0.4, and each "
            "later one adds half of the one before",
            label="momentum_descent(grad_1d, 2.0, lr=0.1, mu=0.5, steps=4), grad_1d(w) = 2w",
        ),
        Case(
            (VALLEY, [-4.5, 2.0], 0.02, 0.9, 30),
            "the valley of section 3 from (-4.5, 2): w is an array of two weights, and so is "
            "the velocity",
            label="momentum_descent(grad_2d, [-4.5, 2.0], lr=0.02, mu=0.9, steps=30)",
        ),
        Case(
            (VALLEY, [-4.5, 2.0], 0.1, 0.0, 10),
            "with mu = 0 momentum is plain gradient descent",
            label="momentum_descent(grad_2d, [-4.5, 2.0], lr=0.1, mu=0.0, steps=10)",
        ),
        Case(
            ("two minima", 2.0, 0.01, 0.8, 40),
            "the loss with two minima of section 6: its gradient changes from step to step, so "
            "take it where w is now",
            label="momentum_descent(grad_2min, 2.0, lr=0.01, mu=0.8, steps=40)",
        ),
        Case(
            ([10.0], 1.0, 0.45, 0.9, 12),
            "a learning rate too large even with momentum: the path grows, and must still be "
            "the same numbers",
            label="momentum_descent(lambda w: 10 * w, 1.0, lr=0.45, mu=0.9, steps=12)",
        ),
    ),
    momentum_descent,
    compare=close(atol=1e-9, rtol=1e-7, fit="squeeze"),
    driver=on_a_loss,
    hints=(
        "keep a second quantity beside w, the velocity v, starting at 0 (of w's shape): each "
        "step first updates the velocity from the gradient where w is now, then moves w by the "
        "velocity; record w after every step, starting with w0",
        "v <- mu v - eta grad(w), then w <- w + v; the path holds steps + 1 weights "
        "w_0, w_1, ..., w_steps, each its own copy",
    ),
    mistakes=(
        Mistake(
            _no_momentum,
            "that is plain gradient descent: mu never entered. The velocity keeps the fraction "
            "mu of the previous step and adds the new gradient step to it",
        ),
        Mistake(
            _moved_before_the_velocity,
            "your first step did not move w: you moved w by the old velocity (0) before "
            "updating it. Update the velocity with the gradient first, then move w by the new one",
        ),
        Mistake(
            _nesterov,
            "you took the gradient at the look-ahead point w + mu v: that is Nesterov's "
            "momentum. The heavy ball takes the gradient where w is now",
        ),
        Mistake(
            _damped,
            "your gradient step is scaled by (1 - mu): that averages the gradients instead of "
            "adding them up. The heavy ball adds the full step, eta times the gradient",
        ),
        Mistake(
            _uphill,
            "your steps go uphill: the velocity must subtract eta times the gradient",
        ),
        Mistake(
            _without_the_start,
            "the path must start with w0 itself: steps + 1 weights, w_0 to w_steps",
        ),
        Mistake(
            _one_step_more,
            "that is one step too many: steps + 1 weights in all, w_0 to w_steps",
        ),
        Mistake(
            _last_weights,
            "that is only the last weights: return the whole path, one row per step",
        ),
        Mistake(
            _one_array_in_every_row,
            "every row of your path holds the final weights: an in-place update (w += v) "
            "changes the one array that every row of the list refers to. Append a copy",
        ),
    ),
    # the explorer's descent_path calls SGD.update, so it raises too
    library=("dlcore.SGD.update",),
    success="momentum_descent takes the heavy-ball steps v <- mu v - eta grad(w), w <- w + v",
)

# --- Exercise 4: predict the stable limit with momentum --------------------------------------

MOMENTUM_LIMIT = predict(
    "l09-momentum-limit-prediction-test",
    "C",
    {
        "A": "about 0.2, as without momentum: the loss and its curvature are the same",
        "B": "about 0.02: momentum adds up about 1/(1 - mu) = 10 steps, so eta must be ten "
        "times smaller",
        "C": "about 0.38: momentum lets larger learning rates converge, almost twice as large",
        "D": "there is none: with mu = 0.9 every learning rate converges",
    },
    (
        "at the limit the path neither shrinks nor grows: it bounces, w changing sign at every "
        "step as at eta = 1 on w^2. Momentum keeps 90 % of the previous step; when steps "
        "alternate in sign, does that add to the next step or take away from it?",
        "combine the two lines of the update into one for w alone, "
        "w_{t+1} = (1 + mu - eta c) w_t - mu w_{t-1}, and ask which eta lets the bounce "
        "w_t = (-1)^t solve it, with c = 10 and mu = 0.9",
    ),
    mistakes=(
        Mistake(
            "A",
            "the curvature is the same, but the step is not: each step now carries 90 % of the "
            "previous one, and at the limit the steps alternate in sign",
        ),
        Mistake(
            "B",
            "10 steps add up only while they point the same way, along a gentle slope; at the "
            "limit w changes side at every step, so the kept fraction of the last step pulls "
            "the other way and damps the bounce",
        ),
        Mistake(
            "D",
            "momentum does not make every step safe: a large enough eta still overshoots "
            "farther at every step (exercise 3's last case grows)",
        ),
    ),
    names=("my_limit_prediction",),
    success="C: with mu = 0.9 the limit is 2(1 + mu)/c = 0.38: when w changes side at every "
    "step, the velocity kept from the last step points the other way and brakes",
)

EXERCISES = [UNIT_STEP, LARGEST_STABLE_LR, MOMENTUM, MOMENTUM_LIMIT]
