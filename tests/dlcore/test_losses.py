"""dlcore.losses: values, gradients, finiteness at 0 and 1, label checks and get()."""

import warnings

import numpy as np
import pytest

from dlcore import activations, losses

MSE, BCE, CE = losses.get("mse"), losses.get("bce"), losses.get("cross_entropy")


def test_mse_value_and_gradient():
    y_pred = np.array([[1.0], [2.0], [4.0]])
    y_true = np.array([1.0, 3.0, 2.0])
    assert MSE.forward(y_pred, y_true) == pytest.approx((0 + 1 + 4) / 3)
    np.testing.assert_allclose(MSE.backward(y_pred, y_true), [[0.0], [-2 / 3], [4 / 3]])
    assert MSE.backward(y_pred, y_true).shape == (3, 1)


def test_mse_sums_over_outputs_and_averages_over_samples():
    y_pred = np.array([[1.0, 2.0], [0.0, 0.0]])
    y_true = np.array([[0.0, 0.0], [0.0, 1.0]])
    assert MSE.forward(y_pred, y_true) == pytest.approx((1 + 4 + 1) / 2)


def test_targets_of_shape_n_and_n_by_1_give_the_same_result():
    y_pred = np.array([[0.2], [0.9]])
    for loss in (MSE, BCE):
        assert loss.forward(y_pred, [0, 1]) == loss.forward(y_pred, [[0], [1]])
        assert loss.forward(y_pred.ravel(), [[0], [1]]) == loss.forward(y_pred, [0, 1])


def test_bce_value_by_hand():
    expected = -(np.log(0.8) + np.log(1 - 0.3)) / 2
    assert BCE.forward([[0.8], [0.3]], [1, 0]) == pytest.approx(expected)
    assert BCE([[0.8], [0.3]], [1, 0]) == pytest.approx(expected)  # callable


def test_bce_is_finite_and_warning_free_at_predictions_0_and_1():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        wrong = BCE.forward([[0.0], [1.0]], [1, 0])
        grad = BCE.backward([[0.0], [1.0]], [1, 0])
        perfect = BCE.forward([[0.0], [1.0]], [0, 1])
    assert np.isfinite(wrong) and wrong > 20  # confidently wrong costs a lot
    assert np.all(np.isfinite(grad))
    assert perfect == 0.0


def test_cross_entropy_integer_and_one_hot_labels_agree():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    labels = np.array([0, 2])
    one_hot = np.eye(3)[labels]
    expected = -(np.log(0.7) + np.log(0.8)) / 2
    assert CE.forward(p, labels) == pytest.approx(expected)
    assert CE.forward(p, one_hot) == pytest.approx(expected)
    assert CE.forward(p, labels[:, None]) == pytest.approx(expected)
    np.testing.assert_allclose(CE.backward(p, labels), CE.backward(p, one_hot))
    assert CE.forward(one_hot, labels) == 0.0


def test_output_gradients_simplify_to_prediction_minus_target():
    """sigmoid + BCE and softmax + cross-entropy both give dL/dz = (p - y) / n."""
    z = np.array([[0.3], [-1.2], [2.0]])
    y = np.array([[1.0], [0.0], [0.0]])
    sig = activations.get("sigmoid")
    p = sig.forward(z)
    np.testing.assert_allclose(sig.backward(z, BCE.backward(p, y)), (p - y) / 3)

    z = np.array([[0.3, -1.0, 2.0], [1.0, 1.0, 0.0]])
    labels = np.array([2, 0])
    soft = activations.get("softmax")
    p = soft.forward(z)
    expected = (p - np.eye(3)[labels]) / 2
    np.testing.assert_allclose(soft.backward(z, CE.backward(p, labels)), expected)


def test_labels_outside_the_range_are_named():
    p = np.array([[0.5, 0.3, 0.2]])
    with pytest.raises(
        ValueError, match=r"y_true must be integer class labels in 0\.\.2.*got label\(s\) 3"
    ):
        CE.forward(p, [3])
    with pytest.raises(ValueError, match=r"got label\(s\) -1"):
        CE.forward(p, [-1])
    with pytest.raises(ValueError, match=r"got label\(s\) 1.5"):
        CE.forward(p, [1.5])
    with pytest.raises(ValueError, match=r"y_true must hold targets in \[0, 1\].*e\.g\. 2"):
        BCE.forward([[0.5], [0.5]], [1, 2])
    with pytest.raises(ValueError, match=r"y_true must hold one-hot targets.*-1"):
        CE.forward(p, [[0.0, 2.0, -1.0]])


def test_predictions_that_are_not_probabilities_are_rejected():
    with pytest.raises(ValueError, match=r"y_pred must hold probabilities in \[0, 1\].*1.5"):
        BCE.forward([[1.5]], [1])
    with pytest.raises(ValueError, match=r"y_pred must hold probabilities.*-0.1"):
        CE.forward([[-0.1, 1.1]], [0])


def test_shape_and_value_errors_name_the_argument():
    with pytest.raises(ValueError, match=r"same number of samples; got 2 and 3"):
        MSE.forward([[1.0], [2.0]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"y_true must have the shape of y_pred, \(2, 2\)"):
        MSE.forward([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"y_true must be one-hot with the shape of y_pred"):
        CE.forward([[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    with pytest.raises(ValueError, match=r"y_pred must be 2-D"):
        CE.forward([0.5, 0.5], [0, 1])
    with pytest.raises(ValueError, match=r"y_pred must be 1-D or 2-D"):
        MSE.forward(np.zeros((2, 2, 2)), np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="y_pred must hold finite numbers"):
        MSE.forward([[np.nan]], [1.0])
    with pytest.raises(ValueError, match="y_true must hold finite numbers"):
        BCE.backward([[0.5]], [np.inf])
    with pytest.raises(TypeError, match="y_true must be array-like"):
        MSE.forward([[1.0]], ["a"])


def test_get_names_aliases_and_errors():
    assert set(losses.NAMES) == {"mse", "bce", "cross_entropy"}
    assert losses.get("binary_cross_entropy") is BCE
    assert losses.get("categorical_cross_entropy") is CE
    assert losses.get(MSE) is MSE
    with pytest.raises(ValueError, match="unknown loss 'hinge'; expected one of: bce.*mse"):
        losses.get("hinge")
    with pytest.raises(TypeError, match="loss must be a name or a Loss"):
        losses.get(None)


def test_is_classification():
    assert losses.is_classification("bce") and losses.is_classification(CE)
    assert not losses.is_classification("mse")


def test_one_hot():
    np.testing.assert_array_equal(losses.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])
    with pytest.raises(ValueError, match=r"labels must be integer class labels in 0\.\.1"):
        losses.one_hot([2], 2)


def test_each_loss_declares_what_training_needs_to_know():
    assert (MSE.is_classification, MSE.prediction_range, MSE.output_activation) == (
        False,
        None,
        None,
    )
    assert (BCE.is_classification, BCE.prediction_range, BCE.output_activation) == (
        True,
        (0.0, 1.0),
        "sigmoid",
    )
    assert (CE.is_classification, CE.prediction_range, CE.output_activation) == (
        True,
        (0.0, 1.0),
        "softmax",
    )


def test_targets_keep_labels_for_cross_entropy_and_make_columns_otherwise():
    assert MSE.targets([1.0, 2.0, 3.0]).shape == (3, 1)
    assert BCE.targets([0, 1]).shape == (2, 1)
    assert BCE.targets([[0], [1]]).shape == (2, 1)
    assert CE.targets([2, 0, 1]).shape == (3,)
    assert CE.targets(np.eye(3)).shape == (3, 3)
    with pytest.raises(ValueError, match=r"y_val must hold finite numbers"):
        MSE.targets([1.0, np.nan], "y_val")


def test_n_correct_thresholds_bce_and_takes_the_argmax_for_cross_entropy():
    assert BCE.n_correct([[0.2], [0.7], [0.5], [0.4]], [0, 1, 0, 1]) == 2
    p = [[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.3, 0.4, 0.3]]
    assert CE.n_correct(p, [0, 2, 0]) == 2
    assert CE.n_correct(p, np.eye(3)[[0, 2, 0]]) == 2
    with pytest.raises(NotImplementedError, match="MSE measures no accuracy"):
        MSE.n_correct([[1.0]], [1.0])
    with pytest.raises(ValueError, match=r"y_pred must hold probabilities"):
        BCE.n_correct([[1.5]], [1])


# -- from the logits, against PyTorch, and the clipping of the losses on probabilities ---


def _confidently_wrong_logits(k, seed=0):
    """Logits of 8 rows of width ``k`` and labels that each row gets wrong by 150 or more:
    the class of the smallest logit, 150 below the largest (for k = 1, a logit of size 150
    or more on the other side of 0), so that the loss is over 150."""
    rng = np.random.default_rng(seed)
    if k == 1:
        z = rng.choice([-1.0, 1.0], size=(8, 1)) * (150.0 + 100.0 * rng.random((8, 1)))
        return z, (z[:, 0] < 0).astype(float)
    z = 100.0 * rng.normal(size=(8, k))
    labels = z.argmin(axis=1)
    z[np.arange(8), labels] = z.max(axis=1) - 150.0 - 100.0 * rng.random(8)
    return z, labels


@pytest.mark.parametrize("one_hot", [False, True], ids=["integer labels", "one-hot"])
def test_cross_entropy_from_logits_matches_torch_at_loss_100_and_more(one_hot, torch):
    z, labels = _confidently_wrong_logits(5)
    y = np.eye(5)[labels] if one_hot else labels
    zt = torch.tensor(z, requires_grad=True)
    target = torch.tensor(y) if one_hot else torch.tensor(labels)
    expected = torch.nn.CrossEntropyLoss()(zt, target)
    expected.backward()
    value = CE.forward_logits(z, y)
    assert value > 150  # far beyond the 27.6 that clipping allows on probabilities
    assert CE.forward(activations.softmax(z), y) < 27.7
    assert value == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(CE.backward_logits(z, y), zt.grad.numpy(), rtol=1e-12, atol=0)


def test_bce_from_logits_matches_torch_at_loss_100_and_more(torch):
    z, y = _confidently_wrong_logits(1)
    zt = torch.tensor(z, requires_grad=True)
    expected = torch.nn.BCEWithLogitsLoss()(zt, torch.tensor(y[:, None]))
    expected.backward()
    value = BCE.forward_logits(z, y)
    assert value > 150
    assert BCE.forward(activations.sigmoid(z), y) < 27.7
    assert value == pytest.approx(expected.item(), rel=1e-12)
    np.testing.assert_allclose(BCE.backward_logits(z, y), zt.grad.numpy(), rtol=1e-12, atol=0)


def test_losses_from_logits_equal_the_losses_on_probabilities_where_nothing_is_clipped():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(6, 3))
    labels = rng.integers(0, 3, size=6)
    soft = activations.softmax(z)
    assert CE.forward_logits(z, labels) == pytest.approx(CE.forward(soft, labels), rel=1e-13)
    expected = activations.get("softmax").backward(z, CE.backward(soft, labels))
    np.testing.assert_allclose(CE.backward_logits(z, labels), expected, rtol=1e-12, atol=1e-15)
    z1, y1 = z[:, :1], (labels == 0).astype(float)
    sig = activations.sigmoid(z1)
    assert BCE.forward_logits(z1, y1) == pytest.approx(BCE.forward(sig, y1), rel=1e-13)
    expected = activations.get("sigmoid").backward(z1, BCE.backward(sig, y1))
    np.testing.assert_allclose(BCE.backward_logits(z1, y1), expected, rtol=1e-12, atol=1e-15)


def test_losses_from_logits_are_finite_and_warning_free_at_huge_logits():
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        ce = CE.forward_logits([[1e4, -1e4, 0.0]], [1])
        ce_grad = CE.backward_logits([[1e4, -1e4, 0.0]], [1])
        bce = BCE.forward_logits([[1e4], [-1e4]], [0, 1])
        bce_grad = BCE.backward_logits([[1e4], [-1e4]], [0, 1])
        perfect = BCE.forward_logits([[1e4], [-1e4]], [1, 0])
    assert ce == 2e4 and bce == 1e4 and perfect == 0.0
    np.testing.assert_array_equal(ce_grad, [[1.0, -1.0, 0.0]])
    np.testing.assert_array_equal(bce_grad, [[0.5], [-0.5]])


def test_the_losses_on_probabilities_keep_their_documented_clipping():
    cap = -np.log(losses.EPS)  # 27.63: the most one output can cost
    assert cap == pytest.approx(27.631, abs=1e-3)
    p = np.array([[1e-300, 1.0 - 1e-300], [0.0, 1.0]])
    assert CE.forward(p, [0, 0]) == pytest.approx(cap, rel=1e-12)
    np.testing.assert_allclose(CE.backward(p, [0, 0]), [[-0.5 / losses.EPS, 0.0]] * 2)
    assert BCE.forward([[0.0], [1e-300]], [1, 1]) == pytest.approx(cap, rel=1e-12)
    np.testing.assert_allclose(BCE.backward([[0.0], [1.0]], [1, 0]), [[-0.5e12], [0.5e12]])
    assert CE.forward([[1e-6, 1.0 - 1e-6]], [0]) == pytest.approx(-np.log(1e-6), rel=1e-12)


def test_which_losses_take_logits():
    assert BCE.takes_logits and CE.takes_logits and not MSE.takes_logits

    class Renamed(losses.CrossEntropy):
        name = "renamed"

    class OwnFormula(losses.CrossEntropy):
        def _forward(self, p, y):
            return 2.0 * super()._forward(p, y)

    class OwnLogitsGradient(losses.CrossEntropy):  # fit would pass it by (_logits_gradient)
        def _forward_logits(self, z, y):
            return super()._forward_logits(z, y)

        def _backward_logits(self, z, y):
            return 2.0 * super()._backward_logits(z, y)

    assert Renamed().takes_logits and not OwnFormula().takes_logits
    assert not OwnLogitsGradient().takes_logits
    with pytest.raises(NotImplementedError, match="MSE has no formula on logits"):
        MSE.forward_logits([[1.0]], [1.0])


def test_logits_errors_name_the_logits():
    with pytest.raises(ValueError, match=r"logits must hold finite numbers"):
        CE.forward_logits([[np.inf, 0.0]], [0])
    with pytest.raises(ValueError, match=r"y_true must be one-hot with the shape of logits"):
        CE.backward_logits([[0.5, 3.0]], [[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"y_true must hold targets in \[0, 1\]"):
        BCE.forward_logits([[5.0]], [2])
    assert BCE.forward_logits([[-5.0], [7.5]], [0, 1]) > 0  # logits need not be in [0, 1]


def test_the_logits_gradient_from_the_output_is_backward_logits():
    z = np.array([[0.5, -2.0, 3.0], [0.0, 1.0, -1.0]])
    y = np.array([[0.0, 0.0, 1.0], [0.3, 0.7, 0.0]])
    p = activations.softmax(z)
    np.testing.assert_array_equal(CE._logits_gradient(p, y), CE.backward_logits(z, y))
    zb, yb = np.array([[2.0], [-1.0]]), np.array([[1.0], [0.0]])
    pb = activations.sigmoid(zb)
    np.testing.assert_array_equal(BCE._logits_gradient(pb, yb), BCE.backward_logits(zb, yb))
