"""Sequential and MLP: passes, fit, History, determinism, validation, divergence, torch."""

import copy

import numpy as np
import pytest

import dlcore as dl


def _xor_model(seed=0):
    return dl.MLP([2, 16, 1], hidden="tanh", output="sigmoid", init="xavier", seed=seed)


def _fit_xor(model, **kwargs):
    X, y = dl.datasets.make_xor(seed=0)
    args = {"loss": "bce", "optimizer": dl.SGD(lr=0.1, momentum=0.9), "epochs": 100}
    return model.fit(X, y, **{**args, "batch_size": 16, **kwargs}).history_


# -- learning ---------------------------------------------------------------------------


def test_fit_learns_xor():
    X, y = dl.datasets.make_xor(seed=0)
    model = _xor_model()
    _fit_xor(model)
    assert model.evaluate(X, y, loss="bce")["accuracy"] >= 0.95


def test_fit_learns_circles_and_generalises_to_fresh_samples():
    X, y = dl.datasets.make_circles(seed=0)
    X_new, y_new = dl.datasets.make_circles(seed=1)
    model = dl.MLP([2, 16, 1], hidden="tanh", output="sigmoid", init="xavier", seed=0)
    history = model.fit(
        X,
        y,
        loss="bce",
        optimizer=dl.SGD(lr=0.1, momentum=0.9),
        epochs=100,
        batch_size=16,
        validation_data=(X_new, y_new),
    ).history_
    assert model.evaluate(X, y)["accuracy"] >= 0.95
    assert history.val_accuracy[-1] >= 0.95


def test_softmax_cross_entropy_with_adam_learns_three_classes():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 3.0], [3.0, 0.0], [-3.0, -3.0]])
    y = rng.integers(0, 3, size=150)
    X = centres[y] + rng.normal(scale=0.7, size=(150, 2))
    model = dl.MLP([2, 8, 3], hidden="relu", output="softmax", seed=0)
    model.fit(X, y, loss="cross_entropy", optimizer=dl.Adam(lr=0.01), epochs=40)
    assert model.evaluate(X, y, loss="cross_entropy")["accuracy"] >= 0.95
    np.testing.assert_allclose(model.predict(X).sum(axis=1), 1.0)


def test_mse_regression_with_a_batchnorm_model_fits_a_curve():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(200, 1))
    y = np.sin(X[:, 0]) * 10 + 50  # an offset and scale that BatchNorm handles
    model = dl.Sequential(
        [dl.Dense(1, 16, "tanh", seed=0), dl.BatchNorm(16), dl.Dense(16, 1, seed=1)]
    )
    history = model.fit(
        X, y, loss="mse", optimizer=dl.Adam(lr=0.05), epochs=150, batch_size=32
    ).history_
    assert history.loss[-1] < 0.05 * history.loss[0]
    assert model.evaluate(X, y, loss="mse")["loss"] < 1.0
    assert history.accuracy == []  # regression: no accuracy


# -- History, determinism, progress ----------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: dl.Sequential([dl.Dense(2, 4, "tanh", seed=0), dl.Dense(4, 1, "sigmoid", seed=1)]),
        lambda: _xor_model(),
    ],
    ids=["Sequential", "MLP"],
)
def test_fit_returns_the_model_and_sets_a_new_history_at_each_call(make):
    X, y = dl.datasets.make_xor(n_samples=40, seed=0)
    model = make()
    assert model.history_ is None  # not fitted yet
    assert model.fit(X, y, epochs=3) is model  # scikit-learn's convention
    first = model.history_
    assert isinstance(first, dl.History) and first.epochs == 3 and len(first.loss) == 3
    assert model.fit(X, y, epochs=2) is model
    assert model.history_ is not first and model.history_.epochs == 2  # reset, not appended
    assert first.epochs == 3 and len(first.loss) == 3  # the earlier record is untouched


def test_perceptron_fit_returns_the_perceptron_and_resets_errors_and_steps():
    X, y = dl.datasets.make_linear(seed=0)
    p = dl.Perceptron(lr=1.0, epochs=5, seed=0)
    assert p.fit(X, y) is p
    errors, steps = p.errors_, p.steps_
    assert 1 <= len(errors) <= 5 and len(steps) == len(errors) * len(X)
    assert p.fit(X[:10], y[:10]) is p
    assert p.errors_ is not errors and len(p.steps_) == len(p.errors_) * 10


def test_history_has_one_entry_per_epoch():
    X, y = dl.datasets.make_xor(seed=0)
    X_val, y_val = dl.datasets.make_xor(seed=1)
    history = _xor_model().fit(X, y, epochs=7, validation_data=(X_val, y_val)).history_
    assert isinstance(history, dl.History) and history.epochs == 7
    for key in ("loss", "val_loss", "accuracy", "val_accuracy"):
        assert len(getattr(history, key)) == 7
    assert history.as_dict()["loss"] == history.loss
    assert all(0.0 <= a <= 1.0 for a in history.accuracy + history.val_accuracy)


def test_history_without_validation_has_empty_val_lists_and_is_kept_on_the_model():
    model = _xor_model()
    history = _fit_xor(model, epochs=3)
    assert history.val_loss == [] and history.val_accuracy == []
    assert model.history_ is history


def test_history_loss_of_a_full_batch_epoch_is_the_loss_before_its_update():
    X, y = dl.datasets.make_xor(seed=0)
    model = _xor_model()
    before = model.evaluate(X, y, loss="bce")
    history = model.fit(X, y, loss="bce", epochs=1, batch_size=len(X)).history_
    assert history.loss[0] == pytest.approx(before["loss"], rel=1e-12)
    assert history.accuracy[0] == pytest.approx(before["accuracy"])


def test_val_loss_is_the_evaluate_loss_after_the_epoch():
    X, y = dl.datasets.make_xor(seed=0)
    X_val, y_val = dl.datasets.make_xor(seed=1)
    model = _xor_model()
    history = model.fit(X, y, epochs=2, validation_data=(X_val, y_val)).history_
    assert history.val_loss[-1] == pytest.approx(model.evaluate(X_val, y_val)["loss"], rel=1e-12)


def test_same_seed_same_run_and_other_seed_other_run():
    a, b, c = _xor_model(), _xor_model(), _xor_model()
    ha, hb, hc = _fit_xor(a, epochs=5), _fit_xor(b, epochs=5), _fit_xor(c, epochs=5, seed=1)
    assert ha.loss == hb.loss
    for (_, wa, _), (_, wb, _) in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert ha.loss != hc.loss  # another shuffling order


def test_progress_bar_and_verbose_output(capsys):
    _fit_xor(_xor_model(), epochs=3, progress=True, verbose=True)
    captured = capsys.readouterr()
    assert "epoch 3/3: loss=" in captured.out
    assert "3/3" in captured.err  # tqdm writes its bar to stderr


# -- passes, predict, evaluate, structure -----------------------------------------------


def test_forward_backward_chain_the_layers():
    rng = np.random.default_rng(0)
    l1, l2 = dl.Dense(3, 4, "relu", seed=0), dl.Dense(4, 2, "sigmoid", seed=1)
    model = dl.Sequential([l1, l2])
    X = rng.normal(size=(5, 3))
    out = model.forward(X)
    np.testing.assert_allclose(out, l2.forward(l1.forward(X)))
    dY = rng.normal(size=(5, 2))
    dX = model.backward(dY)
    np.testing.assert_allclose(dX, l1.backward(l2.backward(dY)))
    assert [n for n, _, _ in model.parameters()] == ["0.W", "0.b", "1.W", "1.b"]


def test_predict_uses_eval_mode():
    rng = np.random.default_rng(0)
    bn = dl.BatchNorm(2)
    model = dl.Sequential([bn, dl.Dense(2, 1, "sigmoid", seed=0)])
    X = rng.normal(loc=3.0, size=(8, 2))
    p1 = model.predict(X)
    np.testing.assert_array_equal(bn.running_mean, [0.0, 0.0])  # predict did not update them
    np.testing.assert_allclose(model.predict(X[:3]), p1[:3])  # no batch dependence


def test_evaluate_accuracy_thresholds_bce_at_one_half():
    model = dl.Sequential([dl.Dense(1, 1, "sigmoid", init="zeros")])
    model.layers[0].W[:] = 1.0
    X = np.array([[-2.0], [-1.0], [1.0], [2.0]])  # predictions 0.12, 0.27, 0.73, 0.88
    scores = model.evaluate(X, np.array([0, 1, 1, 1]), loss="bce")
    assert scores["accuracy"] == 0.75
    p = 1 / (1 + np.exp(-X[:, 0]))
    want = -np.mean(np.log([1 - p[0], p[1], p[2], p[3]]))
    assert scores["loss"] == pytest.approx(want)
    assert set(dl.MLP([1, 1]).evaluate(X, np.zeros(4), loss="mse")) == {"loss"}


def test_mlp_builds_dense_layers_with_the_given_activations():
    model = dl.MLP([4, 8, 6, 3], hidden="tanh", output="softmax", seed=0)
    assert isinstance(model, dl.Sequential) and len(model) == 3
    assert [(d.n_in, d.n_out, d.activation.name) for d in model.layers] == [
        (4, 8, "tanh"),
        (8, 6, "tanh"),
        (6, 3, "softmax"),
    ]
    np.testing.assert_array_equal(model[0].W, dl.MLP([4, 8, 6, 3], seed=0)[0].W)
    assert not np.array_equal(model[0].W, dl.MLP([4, 8, 6, 3], seed=1)[0].W)


def test_sequential_nests_inside_residual():
    block = dl.Sequential([dl.Dense(3, 3, "tanh", seed=0), dl.Dense(3, 3, seed=1)])
    model = dl.Sequential([dl.Residual(block), dl.Dense(3, 1, "sigmoid", seed=2)])
    X = np.ones((2, 3))
    np.testing.assert_allclose(model.layers[0].forward(X), X + block.forward(X))
    assert [n for n, _, _ in model.parameters()][:2] == ["0.0.W", "0.0.b"]


# -- validation -------------------------------------------------------------------------


def test_wrong_number_of_features_names_the_expected_n_in():
    model = dl.MLP([2, 4, 1])
    with pytest.raises(ValueError, match=r"expected n_in=2 .*got an array of shape \(5, 3\)"):
        model.predict(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"expected n_in=2"):
        model.fit(np.zeros((5, 3)), np.zeros(5))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_inputs_are_rejected(bad):
    X, y = dl.datasets.make_xor(n_samples=20, seed=0)
    X[3, 1] = bad
    model = _xor_model()
    for call in (lambda: model.fit(X, y), lambda: model.predict(X), lambda: model.forward(X)):
        with pytest.raises(ValueError, match="X must hold finite numbers; got 1 NaN or infinite"):
            call()
    X[3, 1] = 0.0
    y[0] = bad
    with pytest.raises(ValueError, match="y must hold finite numbers"):
        model.fit(X, y)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"epochs": 0}, ValueError, "epochs must be a positive integer; got 0"),
        ({"epochs": -3}, ValueError, "epochs must be a positive integer; got -3"),
        ({"epochs": 2.5}, TypeError, r"epochs must be a positive integer; got 2.5 \(float\)"),
        ({"batch_size": 0}, ValueError, "batch_size must be a positive integer; got 0"),
        ({"batch_size": "32"}, TypeError, "batch_size must be a positive integer; got '32'"),
        ({"loss": "hinge"}, ValueError, "unknown loss 'hinge'; expected one of: .*bce"),
        ({"optimizer": "sgd"}, TypeError, "optimizer must be an Optimizer"),
        ({"seed": -1}, ValueError, "seed must be None or a non-negative integer; got -1"),
        ({"validation_data": np.zeros(3)}, TypeError, r"validation_data must be a pair"),
    ],
)
def test_bad_fit_arguments_raise_naming_the_argument(kwargs, error, message):
    X, y = dl.datasets.make_xor(n_samples=20, seed=0)
    with pytest.raises(error, match=message):
        _xor_model().fit(X, y, **kwargs)


def test_non_positive_learning_rate_is_rejected():
    with pytest.raises(ValueError, match="lr must be a positive finite number; got 0"):
        dl.SGD(lr=0)
    with pytest.raises(ValueError, match="lr must be a positive finite number; got -0.1"):
        dl.Adam(lr=-0.1)


def test_targets_that_do_not_fit_the_loss_fail_before_training():
    X = np.zeros((4, 2))
    model = dl.MLP([2, 3, 3], output="softmax")
    with pytest.raises(ValueError, match=r"y does not fit.*labels in 0\.\.2.*got label\(s\) \[?3"):
        model.fit(X, np.array([0, 1, 2, 3]), loss="cross_entropy")
    with pytest.raises(ValueError, match=r"targets in \[0, 1\]"):
        _xor_model().fit(X, np.array([0, 1, 2, 1]), loss="bce")
    with pytest.raises(ValueError, match="same number of samples; got 4 and 3"):
        _xor_model().fit(X, np.array([0, 1, 1]))
    with pytest.raises(ValueError, match="y_val does not fit"):
        _xor_model().fit(X, np.zeros(4), validation_data=(X, np.full(4, 5.0)))
    assert model.history_ is None  # nothing was trained


def test_mlp_rejects_bad_sizes_and_names():
    with pytest.raises(ValueError, match=r"at least an input and an output width.*got \[3\]"):
        dl.MLP([3])
    with pytest.raises(ValueError, match=r"sizes\[1\] must be a positive integer; got 0"):
        dl.MLP([3, 0, 1])
    with pytest.raises(ValueError, match="unknown activation 'sigmoidal'"):
        dl.MLP([2, 1], output="sigmoidal")
    with pytest.raises(ValueError, match="unknown init 'kaiming'"):
        dl.MLP([2, 1], init="kaiming")
    with pytest.raises(TypeError, match="layers\\[1\\] must be a Layer"):
        dl.Sequential([dl.Dense(2, 2), "relu"])


# -- divergence --------------------------------------------------------------------------


def test_a_diverging_fit_stops_with_the_epoch_and_a_smaller_learning_rate_hint():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3)) * 10
    y = X @ np.array([1.0, -2.0, 3.0]) * 100
    model = dl.MLP([3, 8, 1], hidden="relu", output="identity", seed=0)
    with pytest.raises(
        ValueError,
        match=r"the loss became (nan|inf).* at epoch \d+.*smaller "
        r"learning rate \(lr=1e\+06\)",
    ) as info:
        model.fit(X, y, loss="mse", optimizer=dl.SGD(lr=1e6), epochs=50)
    epoch = int(str(info.value).split("at epoch ")[1].split(":")[0])
    assert model.history_.epochs == epoch - 1 < 50  # stopped at that epoch, history kept


# -- against PyTorch ---------------------------------------------------------------------


def test_dense_sigmoid_bce_forward_and_backward_match_torch(torch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(6, 4))
    y = rng.integers(0, 2, size=(6, 1)).astype(float)
    layer = dl.Dense(4, 1, activation="sigmoid", seed=0)
    layer.b[:] = 0.3
    loss = dl.losses.get("bce")
    p = layer.forward(X)
    value = loss.forward(p, y)
    dX = layer.backward(loss.backward(p, y))

    Xt = torch.tensor(X, requires_grad=True)
    W = torch.tensor(layer.W, requires_grad=True)
    b = torch.tensor(layer.b, requires_grad=True)
    pt = torch.sigmoid(Xt @ W + b)
    lt = torch.nn.functional.binary_cross_entropy(pt, torch.tensor(y))
    lt.backward()
    np.testing.assert_allclose(p, pt.detach().numpy(), rtol=1e-12)
    assert value == pytest.approx(lt.item(), rel=1e-12)
    np.testing.assert_allclose(layer.dW, W.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(layer.db, b.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(dX, Xt.grad.numpy(), rtol=1e-10)


def _scaled_net_and_torch_twin(torch, n_out, output):
    """A 6-9-7-n_out ReLU network with its weights scaled by 5 (by 8 for one output, whose
    logit is the only one), its float64 PyTorch twin
    (which outputs logits), a batch, and labels it gets confidently wrong: the class of
    the smallest logit (for one sigmoid output, the side of 0 its logit is not on)."""
    model = dl.MLP([6, 9, 7, n_out], hidden="relu", output=output, seed=0)
    twin = torch.nn.Sequential(
        torch.nn.Linear(6, 9),
        torch.nn.ReLU(),
        torch.nn.Linear(9, 7),
        torch.nn.ReLU(),
        torch.nn.Linear(7, n_out),
    ).double()
    with torch.no_grad():
        for layer, linear in zip(model.layers, twin[::2], strict=True):
            layer.W *= 5.0 if n_out > 1 else 8.0
            linear.weight.copy_(torch.from_numpy(layer.W.T))
            linear.bias.copy_(torch.from_numpy(layer.b))
    X = np.random.default_rng(0).normal(size=(16, 6))
    model.forward(X)
    Z = model[-1].Z
    y = (Z[:, 0] < 0).astype(float) if n_out == 1 else Z.argmin(axis=1)
    return model, twin, X, y


def _torch_loss(torch, twin, X, y, one_hot=False):
    logits = twin(torch.from_numpy(X))
    if logits.shape[1] == 1:
        return torch.nn.BCEWithLogitsLoss()(logits, torch.from_numpy(y[:, None]))
    target = np.eye(logits.shape[1])[y] if one_hot else y
    return torch.nn.CrossEntropyLoss()(logits, torch.from_numpy(target))


def _assert_gradients_match(model, twin):
    for i, linear in enumerate(twin[::2]):
        layer = model[i]
        for ours, theirs in ((layer.dW, linear.weight.grad.T), (layer.db, linear.bias.grad)):
            np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-12, atol=0)


@pytest.mark.parametrize(
    ("n_out", "output", "loss", "one_hot"),
    [
        (4, "softmax", "cross_entropy", False),
        (4, "softmax", "cross_entropy", True),
        (1, "sigmoid", "bce", False),
    ],
    ids=["softmax+cross_entropy, integer labels", "softmax+cross_entropy, one-hot", "sigmoid+bce"],
)
def test_backprop_and_evaluate_match_torch_from_the_logits_at_loss_100_and_more(
    n_out, output, loss, one_hot, torch
):
    model, twin, X, y = _scaled_net_and_torch_twin(torch, n_out, output)
    targets = np.eye(n_out)[y] if one_hot else y
    expected = _torch_loss(torch, twin, X, y, one_hot)
    expected.backward()
    assert expected.item() > 100
    # on probabilities the clipping at 1e-12 caps each row's loss at 27.6
    assert dl.losses.get(loss).forward(model.predict(X), targets) < 27.7
    value = model.backprop(X, targets, loss=loss)
    assert value == pytest.approx(expected.item(), rel=1e-12)
    _assert_gradients_match(model, twin)
    assert model.evaluate(X, targets, loss=loss)["loss"] == pytest.approx(value, rel=1e-12)


@pytest.mark.parametrize(
    ("n_out", "output", "loss"), [(4, "softmax", "cross_entropy"), (1, "sigmoid", "bce")]
)
def test_fit_takes_its_loss_and_gradients_from_the_logits_like_torch(n_out, output, loss, torch):
    model, twin, X, y = _scaled_net_and_torch_twin(torch, n_out, output)
    expected = _torch_loss(torch, twin, X, y)
    expected.backward()
    torch.optim.SGD(twin.parameters(), lr=1e-3).step()
    history = model.fit(
        X, y, loss=loss, optimizer=dl.SGD(lr=1e-3), epochs=1, batch_size=16
    ).history_
    assert expected.item() > 100
    assert history.loss[0] == pytest.approx(expected.item(), rel=1e-12)  # one full batch
    for layer, linear in zip(model.layers, twin[::2], strict=True):  # the same step taken
        np.testing.assert_allclose(layer.W, linear.weight.detach().numpy().T, rtol=1e-12)
        np.testing.assert_allclose(layer.b, linear.bias.detach().numpy(), rtol=1e-12)


def test_backprop_on_any_other_model_is_backward_of_the_loss_on_its_outputs():
    X, y = dl.datasets.make_xor(n_samples=20, seed=0)
    for loss, model in (
        ("mse", dl.MLP([2, 4, 1], output="identity", seed=0)),
        ("bce", dl.Sequential([dl.Dense(2, 1, "sigmoid", seed=0), Stretch(0.9)])),
        ("bce", dl.MLP([2, 4, 1], output="sigmoid", seed=0)),  # within the clipping: equal
    ):
        loss_fn = dl.losses.get(loss)
        twin = copy.deepcopy(model)
        out = twin.forward(X)
        twin.backward(loss_fn.backward(out, y))
        assert model.backprop(X, y, loss) == pytest.approx(loss_fn.forward(out, y), rel=1e-12)
        for (name, _, ours), (_, _, theirs) in zip(
            model.parameters(), twin.parameters(), strict=True
        ):
            np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-15, err_msg=name)


# -- the output range a loss needs -------------------------------------------------------


@pytest.mark.parametrize(
    ("output", "loss", "n_out", "fix"),
    [
        ("identity", "bce", 1, "sigmoid"),
        ("relu", "bce", 1, "sigmoid"),
        ("tanh", "bce", 1, "sigmoid"),
        ("identity", "cross_entropy", 3, "softmax"),
    ],
)
def test_a_loss_on_probabilities_refuses_an_unbounded_output_before_training(
    output, loss, n_out, fix
):
    X, y = dl.datasets.make_xor(n_samples=40, seed=0)
    model = dl.MLP([2, 4, n_out], output=output, seed=0)
    W = model[0].W.copy()
    with pytest.raises(ValueError) as info:
        model.fit(X, y, loss=loss, epochs=5)
    message = str(info.value)
    assert f"loss {loss!r} needs predictions in [0, 1] (probabilities)" in message
    assert f"the model's output activation is {output!r}" in message
    assert f"use a {fix} output" in message
    assert "diverged" not in message
    assert model.history_ is None
    np.testing.assert_array_equal(model[0].W, W)  # not one step was taken


def test_a_batchnorm_last_layer_is_named_when_its_range_does_not_fit():
    X, y = dl.datasets.make_xor(n_samples=40, seed=0)
    model = dl.Sequential([dl.Dense(2, 1, seed=0), dl.BatchNorm(1)])
    with pytest.raises(ValueError, match=r"the model's last layer, BatchNorm\(1.*\(-inf, inf\)"):
        model.fit(X, y, loss="bce")
    model.fit(X, y, loss="mse", epochs=2)  # any real output suits mse


class Stretch(dl.Layer):
    """A learner's layer without a declared output range: multiplies by a constant."""

    def __init__(self, factor):
        self.factor = factor

    def forward(self, X, training=True):
        return self.factor * np.asarray(X)

    def backward(self, dA):
        return self.factor * np.asarray(dA)


def test_outputs_of_unknown_range_leaving_0_1_stop_training_with_that_reason():
    X, y = dl.datasets.make_xor(n_samples=40, seed=0)
    model = dl.Sequential([dl.Dense(2, 1, "sigmoid", seed=0), Stretch(3.0)])
    with pytest.raises(
        ValueError,
        match=r"at epoch 1 the model's outputs left \[0, 1\] \(values from .* to .*\), but "
        r"loss 'bce' needs predictions in \[0, 1\] \(probabilities\); use a sigmoid output",
    ):
        model.fit(X, y, loss="bce", epochs=3)
    # the same layer with outputs that stay in [0, 1] trains
    ok = dl.Sequential([dl.Dense(2, 1, "sigmoid", seed=0), Stretch(0.9)])
    assert ok.fit(X, y, loss="bce", epochs=3).history_.epochs == 3


# -- errors carry the caller's shapes, and other exceptions pass through ----------------


def test_shape_errors_name_the_callers_arrays_not_a_batch():
    X = np.zeros((200, 3))
    y = np.zeros(200)
    model = dl.MLP([2, 4, 1])
    with pytest.raises(
        ValueError, match=r"X must have shape \(n_samples, 2\).*got an array of shape \(200, 3\)"
    ):
        model.fit(X, y, batch_size=32)
    with pytest.raises(ValueError, match=r"same number of samples; got 200 and 150"):
        model.fit(np.zeros((200, 2)), np.zeros(150), batch_size=32)
    with pytest.raises(ValueError, match=r"X_val.*got an array of shape \(50, 3\)"):
        model.fit(np.zeros((200, 2)), y, validation_data=(np.zeros((50, 3)), np.zeros(50)))
    # a first layer that does not declare its width: the message still shows X's shape
    custom = dl.Sequential([Stretch(1.0), dl.Dense(2, 1, "sigmoid", seed=0)])
    with pytest.raises(ValueError, match=r"cannot take X of shape \(200, 3\)"):
        custom.fit(X, y, batch_size=32)


def test_sequential_refuses_layers_whose_widths_do_not_chain():
    with pytest.raises(
        ValueError,
        match=r"layers\[1\] \(Dense\(4, 1.*takes 4 input\(s\) but layers\[0\] .* gives 3",
    ):
        dl.Sequential([dl.Dense(2, 3), dl.Dense(4, 1)])


class Faulty(dl.Layer):
    """A learner's layer with a bug in its backward pass."""

    def __init__(self, error):
        self.error = error

    def forward(self, X, training=True):
        return np.asarray(X)

    def backward(self, dA):
        raise self.error


@pytest.mark.parametrize(
    "error", [ValueError("operands could not be broadcast"), TypeError("bad operand"), KeyError(3)]
)
def test_fit_lets_every_other_exception_through_unchanged(error):
    X, y = dl.datasets.make_xor(n_samples=20, seed=0)
    model = dl.Sequential([dl.Dense(2, 1, "sigmoid", seed=0), Faulty(error)])
    with pytest.raises(type(error)) as info:
        model.fit(X, y, loss="bce", epochs=1)
    assert info.value is error  # not wrapped, not turned into "training diverged"


# -- a learner's own Layer and Loss subclasses -------------------------------------------


class Scale(dl.Layer):
    """A learner's layer with one weight per feature: y = x * s."""

    def __init__(self, n):
        self.s = np.ones(n)
        self.ds = np.zeros(n)
        self.calls = 0

    def forward(self, X, training=True):
        self.calls += 1
        self.X = np.asarray(X)
        return self.X * self.s

    def backward(self, dA):
        self.ds[:] = np.sum(dA * self.X, axis=0)
        return dA * self.s

    def parameters(self):
        return [("s", self.s, self.ds)]


class MAE(dl.losses.Loss):
    """A learner's loss through the hooks: mean absolute error."""

    name = "mae"

    def _forward(self, p, y):
        return np.sum(np.abs(p - y)) / p.shape[0]

    def _backward(self, p, y):
        return np.sign(p - y) / p.shape[0]


class HalfSquares(dl.losses.Loss):
    """A learner's loss overriding the public methods, with its own accuracy."""

    name = "half_squares"
    is_classification = True

    def __init__(self):
        self.calls = 0

    def forward(self, y_pred, y_true):
        self.calls += 1
        return float(0.5 * np.mean(np.sum((y_pred - y_true) ** 2, axis=1)))

    def backward(self, y_pred, y_true):
        return (y_pred - y_true) / len(y_pred)

    def n_correct(self, y_pred, y_true):
        return int(np.sum((y_pred >= 0.5) == (y_true >= 0.5)))


def test_a_learners_own_layer_and_loss_subclasses_train_in_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = X @ np.array([2.0, -1.0]) + 0.5
    scale = Scale(2)
    model = dl.Sequential([scale, dl.Dense(2, 1, seed=0)])
    history = model.fit(
        X, y, loss=MAE(), optimizer=dl.SGD(lr=0.05), epochs=40, batch_size=16
    ).history_
    assert scale.calls > 40 * 4  # its forward ran for every batch (plus one probe)
    assert not np.array_equal(scale.s, np.ones(2))  # its weight was trained
    assert history.loss[-1] < 0.5 * history.loss[0]
    assert history.accuracy == []  # MAE is a regression loss

    loss = HalfSquares()
    X, y = dl.datasets.make_xor(n_samples=80, seed=0)
    model = _xor_model()
    history = model.fit(X, y, loss=loss, optimizer=dl.SGD(lr=0.5, momentum=0.9), epochs=60).history_
    assert loss.calls >= 60 * 3  # its own forward ran for every batch
    assert len(history.accuracy) == 60 and history.accuracy[-1] >= 0.9


def test_a_subclass_that_overrides_only_forward_is_not_bypassed_by_fit():
    class CountingDense(dl.Dense):
        calls = 0

        def forward(self, X, training=True):
            CountingDense.calls += 1
            return super().forward(X, training)

    X, y = dl.datasets.make_xor(n_samples=40, seed=0)
    model = dl.Sequential([CountingDense(2, 4, "tanh", seed=0), dl.Dense(4, 1, "sigmoid", seed=1)])
    model.fit(X, y, epochs=3, batch_size=10)
    assert CountingDense.calls == 1 + 3 * 4  # the probe, then every batch


def test_accuracy_comes_from_the_loss_class_not_its_name():
    class Renamed(dl.losses.BinaryCrossEntropy):
        name = "my_bce"

    X, y = dl.datasets.make_xor(n_samples=40, seed=0)
    a, b = _xor_model(), _xor_model()
    ha = a.fit(X, y, loss="bce", epochs=5).history_
    hb = b.fit(X, y, loss=Renamed(), epochs=5).history_
    assert ha.loss == hb.loss and ha.accuracy == hb.accuracy
    assert b.evaluate(X, y, loss=Renamed()) == a.evaluate(X, y, loss="bce")


# -- no validation work per batch --------------------------------------------------------


def test_fit_checks_the_data_once_not_per_batch(monkeypatch):
    """The values are scanned once (as_array); a layer's O(1) shape check is not a scan."""
    import dlcore.activations
    import dlcore.losses
    import dlcore.models
    import dlcore.training

    calls = {"n": 0}

    def counting(function):
        def wrapper(*args, **kwargs):
            calls["n"] += 1
            return function(*args, **kwargs)

        return wrapper

    for module, name in [
        (dlcore.models, "as_array"),
        (dlcore.losses, "as_array"),
        (dlcore.activations, "as_array"),
        (dlcore.training, "as_array"),
    ]:
        monkeypatch.setattr(module, name, counting(getattr(module, name)))
    X, y = dl.datasets.make_xor(n_samples=64, seed=0)
    counts = []
    for epochs in (1, 5):
        calls["n"] = 0
        model = dl.MLP([2, 8, 3], hidden="relu", output="softmax", seed=0)
        model.fit(X, y, loss="cross_entropy", epochs=epochs, batch_size=8, validation_data=(X, y))
        counts.append(calls["n"])
    assert counts[0] == counts[1] > 0  # 8 batches an epoch, yet no more checks for 5 epochs
