"""dlcore.conv2d and dlcore.RNNCell: forward passes against explicit loops, and errors."""

import numpy as np
import pytest

from dlcore import RNNCell, conv2d


def conv_by_loops(image, kernel, stride):
    kh, kw = kernel.shape
    rows = (image.shape[0] - kh) // stride + 1
    cols = (image.shape[1] - kw) // stride + 1
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            for u in range(kh):
                for v in range(kw):
                    out[i, j] += image[i * stride + u, j * stride + v] * kernel[u, v]
    return out


@pytest.mark.parametrize(("shape", "kshape", "stride"), [((5, 6), (3, 3), 1), ((7, 8), (2, 3), 2)])
def test_conv2d_matches_the_definition(shape, kshape, stride):
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=shape), rng.normal(size=kshape)
    out = conv2d(image, kernel, stride=stride)
    expected_shape = ((shape[0] - kshape[0]) // stride + 1, (shape[1] - kshape[1]) // stride + 1)
    assert out.shape == expected_shape
    np.testing.assert_allclose(out, conv_by_loops(image, kernel, stride))


def test_conv2d_finds_a_vertical_edge_and_does_not_flip_the_kernel():
    image = np.zeros((4, 6))
    image[:, 3:] = 1.0  # dark left half, bright right half
    out = conv2d(image, np.array([[-1.0, 1.0]]))
    np.testing.assert_array_equal(out, np.tile([0.0, 0.0, 1.0, 0.0, 0.0], (4, 1)))
    np.testing.assert_array_equal(conv2d(image, [[1.0]]), image)


def test_conv2d_errors():
    with pytest.raises(
        ValueError, match=r"kernel must fit inside image; got kernel of shape \(3, 3\)"
    ):
        conv2d(np.zeros((2, 5)), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"image must be 2-D; got an array of shape \(1, 4, 4\)"):
        conv2d(np.zeros((1, 4, 4)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="stride must be a positive integer; got 0"):
        conv2d(np.zeros((4, 4)), np.ones((2, 2)), stride=0)
    with pytest.raises(ValueError, match="kernel must hold finite numbers"):
        conv2d(np.zeros((4, 4)), [[np.nan]])


def test_rnn_step_is_the_formula():
    cell = RNNCell(3, 4, seed=0)
    x, h = np.array([0.5, -1.0, 2.0]), np.array([0.1, 0.0, -0.2, 0.3])
    cell.b[:] = [0.1, 0.2, 0.3, 0.4]
    np.testing.assert_allclose(cell.step(x, h), np.tanh(x @ cell.Wx + h @ cell.Wh + cell.b))
    assert cell.Wx.shape == (3, 4) and cell.Wh.shape == (4, 4) and cell.b.shape == (4,)


def test_rnn_forward_runs_the_step_over_the_sequence():
    cell = RNNCell(2, 3, seed=1)
    seq = np.random.default_rng(0).normal(size=(5, 2))
    states = cell.forward(seq)
    assert states.shape == (5, 3)
    h = np.zeros(3)
    for t in range(5):
        h = np.tanh(seq[t] @ cell.Wx + h @ cell.Wh + cell.b)
        np.testing.assert_allclose(states[t], h)
    assert np.all(np.abs(states) < 1)


def test_rnn_batch_forward_equals_one_sequence_at_a_time_and_order_matters():
    cell = RNNCell(2, 3, seed=2)
    batch = np.random.default_rng(1).normal(size=(4, 6, 2))
    h0 = np.full((4, 3), 0.5)
    states = cell.forward(batch, h0=h0)
    assert states.shape == (4, 6, 3)
    for b in range(4):
        np.testing.assert_allclose(states[b], cell.forward(batch[b], h0=h0[b]))
    reversed_last = cell.forward(batch[0][::-1])[-1]
    assert not np.allclose(reversed_last, cell.forward(batch[0])[-1])


def test_rnn_seed_gives_the_weights():
    np.testing.assert_array_equal(RNNCell(2, 3, seed=5).Wh, RNNCell(2, 3, seed=5).Wh)
    assert not np.array_equal(RNNCell(2, 3, seed=5).Wh, RNNCell(2, 3, seed=6).Wh)


def test_rnn_errors():
    cell = RNNCell(2, 3)
    with pytest.raises(
        ValueError, match=r"sequence must have 2 values along its last axis.*shape \(5, 3\)"
    ):
        cell.forward(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="sequence must be 2-D or 3-D"):
        cell.forward(np.zeros(5))
    with pytest.raises(ValueError, match=r"h0 must have shape \(3,\); got shape \(2,\)"):
        cell.forward(np.zeros((5, 2)), h0=np.zeros(2))
    with pytest.raises(ValueError, match=r"h must have 3 values along its last axis"):
        cell.step(np.zeros(2), np.zeros(4))
    with pytest.raises(ValueError, match="n_hidden must be a positive integer; got 0"):
        RNNCell(2, 0)
    with pytest.raises(ValueError, match="sequence must hold finite numbers"):
        cell.forward([[np.inf, 0.0]])


def numerical_step_jacobian(cell, x_t, h, eps=1e-6):
    """d step(x_t, h) / d h by central differences: rows are units of h_t, columns of h."""
    columns = [
        (cell.step(x_t, h + eps * e) - cell.step(x_t, h - eps * e)) / (2 * eps)
        for e in np.eye(cell.n_hidden)
    ]
    return np.column_stack(columns)


@pytest.mark.parametrize("seed", range(5))
def test_rnn_gradient_through_time_is_bounded_by_the_largest_singular_value(seed):
    # lesson 11: ||dh_T/dh_k|| <= sigma_max(W_h)^(T-k), since tanh' <= 1 in every factor
    cell = RNNCell(2, 6, seed=seed)
    cell.Wh *= 0.8 / np.linalg.norm(cell.Wh, 2)
    seq = np.random.default_rng(seed).normal(scale=2.0, size=(25, 2))
    states = cell.forward(seq)
    product = np.eye(6)
    for d, t in enumerate(range(24, 0, -1), start=1):
        jacobian = numerical_step_jacobian(cell, seq[t], states[t - 1])
        np.testing.assert_allclose(jacobian, (1 - states[t] ** 2)[:, None] * cell.Wh.T, atol=1e-8)
        product = product @ jacobian
        assert np.linalg.norm(product, 2) <= 0.8**d * (1 + 1e-6)
    # the same bound makes the state forget its start: two runs move closer by 0.8 a step
    other = cell.forward(seq, h0=np.full(6, 0.9))
    gaps = np.linalg.norm(other - states, axis=1)
    first = np.linalg.norm(other[0] - states[0])
    assert first <= 0.8 * np.linalg.norm(np.full(6, 0.9)) + 1e-12
    assert np.all(gaps[1:] <= 0.8 * gaps[:-1] + 1e-12) and gaps[-1] < 0.8**24 * 3
