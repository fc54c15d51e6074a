"""course.plots: each figure renders to PNG and holds the data, labels and texts it claims."""

from __future__ import annotations

import io
from types import SimpleNamespace

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import dlcore as dl  # noqa: E402
from course import plots  # noqa: E402
from course.palette import CLASS_COLORS, CLASS_MARKERS, PALETTE  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def png_bytes(fig: Figure) -> bytes:
    """Render ``fig`` and check the result is a non-empty PNG image."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    data = buffer.getvalue()
    assert data.startswith(PNG_SIGNATURE)
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 100 and height > 100
    return data


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def lines_by_label(ax) -> dict:
    return {line.get_label(): line for line in ax.get_lines()}


@pytest.fixture
def blobs():
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(-2, 0.5, (15, 2)), rng.normal(2, 0.5, (10, 2))])
    y = np.array([0] * 15 + [1] * 10)
    return X, y


class ThresholdModel:
    """Predicts class 1 right of x1 = 0 (a known vertical boundary)."""

    def predict(self, X):
        return (X[:, 0] > 0).astype(float)


# ---------------------------------------------------------------- plot_data


def test_plot_data_draws_each_class_with_its_colour_marker_and_legend(blobs):
    X, y = blobs
    fig = plots.plot_data(X, y, title="Two blobs", xlabel="age", ylabel="income")
    png_bytes(fig)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Two blobs", "age", "income")
    assert legend_texts(ax) == ["class 0", "class 1"]
    for cls, coll in enumerate(ax.collections):
        np.testing.assert_allclose(coll.get_offsets(), X[y == cls])
        assert to_hex(coll.get_facecolor()[0]) == CLASS_COLORS[cls].lower()
    markers = {coll.get_paths()[0].vertices.shape[0] for coll in ax.collections}
    assert len(markers) == len(CLASS_MARKERS)  # the two classes differ in shape too


def test_plot_data_accepts_float_and_column_labels_and_draws_on_a_given_ax(blobs):
    X, y = blobs
    fig, (left, right) = plt.subplots(1, 2)
    got = plots.plot_data(X, y.astype(float).reshape(-1, 1), ax=right)
    assert got is fig
    assert len(right.collections) == 2 and len(left.collections) == 0


def test_plot_data_more_than_two_classes_takes_palette_colours():
    X = np.arange(12.0).reshape(6, 2)
    fig = plots.plot_data(X, [0, 1, 2, 0, 1, 2])
    colours = [to_hex(c.get_facecolor()[0]) for c in fig.axes[0].collections]
    assert colours == [p.lower() for p in PALETTE[:3]]


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.zeros((4, 3)), [0, 1, 0, 1], "X must have shape"),
        (np.zeros((4, 2)), [0, 1, 0], "y must have shape"),
        (np.zeros((4, 2)), [0, 1, 0.5, 1], "class labels"),
        (np.zeros((4, 2)), [0, -1, 0, 1], "class labels"),
    ],
)
def test_plot_data_rejects_bad_input(X, y, message):
    with pytest.raises(ValueError, match=message):
        plots.plot_data(X, y)


# ---------------------------------------------------------------- plot_decision_boundary


def contour_sets(ax) -> tuple[list[ContourSet], list[ContourSet]]:
    sets = [c for c in ax.collections if isinstance(c, ContourSet)]
    return [c for c in sets if c.filled], [c for c in sets if not c.filled]


def test_decision_boundary_fills_regions_and_draws_the_boundary_where_the_model_switches(blobs):
    X, y = blobs
    fig = plots.plot_decision_boundary(ThresholdModel(), X, y, title="Threshold")
    png_bytes(fig)
    (ax,) = fig.axes
    filled, lines = contour_sets(ax)
    assert len(filled) == 1 and len(lines) == 1
    vertices = np.vstack([p.vertices for p in lines[0].get_paths() if len(p.vertices)])
    spacing = np.ptp(ax.get_xlim()) / 200
    assert np.all(np.abs(vertices[:, 0]) <= 2 * spacing)  # the line x1 = 0
    assert ax.get_title() == "Threshold"
    assert legend_texts(ax) == ["class 0", "class 1"]
    scatter = [c for c in ax.collections if not isinstance(c, ContourSet)]
    assert sum(len(c.get_offsets()) for c in scatter) == len(X)
    fills = [to_hex(c) for c in filled[0].get_facecolor()]
    assert fills == [c.lower() for c in CLASS_COLORS]


def test_decision_boundary_covers_the_data_with_a_margin(blobs):
    X, y = blobs
    fig = plots.plot_decision_boundary(ThresholdModel(), X, y, resolution=50)
    (ax,) = fig.axes
    (x_low, x_high), (y_low, y_high) = ax.get_xlim(), ax.get_ylim()
    assert x_low < X[:, 0].min() and x_high > X[:, 0].max()
    assert y_low < X[:, 1].min() and y_high > X[:, 1].max()


def test_decision_boundary_thresholds_column_probabilities_at_one_half(blobs):
    X, y = blobs

    class Sigmoid:
        def predict(self, X):
            return (1 / (1 + np.exp(-(X[:, 1] - 1.0))))[:, None]  # p = 0.5 on x2 = 1

    fig = plots.plot_decision_boundary(Sigmoid(), X, y, resolution=100)
    ax = fig.axes[0]
    _, (line,) = contour_sets(ax)
    vertices = np.vstack([p.vertices for p in line.get_paths() if len(p.vertices)])
    assert np.all(np.abs(vertices[:, 1] - 1.0) <= 2 * np.ptp(ax.get_ylim()) / 100)


def test_decision_boundary_takes_the_argmax_of_several_outputs():
    X = np.array([[-3.0, 0.0], [0.0, 0.0], [3.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1, 2, 1])

    class ThreeBands:
        def predict(self, X):
            scores = np.column_stack([-X[:, 0] - 1, np.zeros(len(X)), X[:, 0] - 1])
            return scores

    fig = plots.plot_decision_boundary(ThreeBands(), X, y, resolution=60)
    filled, lines = contour_sets(fig.axes[0])
    assert len(filled[0].get_facecolor()) == 3  # three regions
    assert len(lines[0].levels) == 2  # two boundaries between them


def test_decision_boundary_of_a_constant_model_has_no_boundary_line(blobs):
    X, y = blobs

    class Always1:
        def predict(self, X):
            return np.ones(len(X))

    fig = plots.plot_decision_boundary(Always1(), X, y, resolution=20)
    png_bytes(fig)
    filled, lines = contour_sets(fig.axes[0])
    assert len(filled) == 1 and lines == []


def test_decision_boundary_rejects_a_bad_resolution(blobs):
    with pytest.raises(ValueError, match="resolution"):
        plots.plot_decision_boundary(ThresholdModel(), *blobs, resolution=1)


# ---------------------------------------------------------------- plot_loss_curves


def test_loss_curves_show_training_and_validation_per_epoch():
    history = SimpleNamespace(loss=[0.9, 0.5, 0.3, 0.2], val_loss=[1.0, 0.6, 0.45, 0.4])
    fig = plots.plot_loss_curves(history, title="Training run")
    png_bytes(fig)
    (ax,) = fig.axes
    lines = lines_by_label(ax)
    np.testing.assert_array_equal(lines["training"].get_xdata(), [1, 2, 3, 4])
    np.testing.assert_allclose(lines["training"].get_ydata(), history.loss)
    np.testing.assert_allclose(lines["validation"].get_ydata(), history.val_loss)
    assert lines["training"].get_color() != lines["validation"].get_color()
    assert legend_texts(ax) == ["training", "validation"]
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("Training run", "epoch", "loss")


@pytest.mark.parametrize(
    "history", [SimpleNamespace(loss=[3.0, 2.0, 1.5], val_loss=[]), {"loss": [3.0, 2.0, 1.5]}]
)
def test_loss_curves_without_validation_have_one_line(history):
    fig = plots.plot_loss_curves(history)
    (ax,) = fig.axes
    assert legend_texts(ax) == ["training"]
    np.testing.assert_allclose(lines_by_label(ax)["training"].get_ydata(), [3.0, 2.0, 1.5])


def test_loss_curves_accept_a_plain_list_and_reject_nonsense():
    fig = plots.plot_loss_curves([1.0, 0.5])
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), [1.0, 0.5])
    with pytest.raises(ValueError, match="no training loss"):
        plots.plot_loss_curves({"loss": []})
    with pytest.raises(TypeError, match="history must be"):
        plots.plot_loss_curves(3.5)


# ---------------------------------------------------------------- plot_activations


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


EXPECTED = {  # f and f' written out here, independently of dlcore
    "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0).astype(float)),
    "leaky_relu": (
        lambda z: np.where(z > 0, z, 0.01 * z),
        lambda z: np.where(z > 0, 1.0, 0.01),
    ),
}


def test_activations_draw_one_panel_per_function_with_curve_and_derivative():
    fig = plots.plot_activations()
    png_bytes(fig)
    assert len(fig.axes) == 4
    assert fig.get_suptitle() == "Activation functions and their derivatives"
    for ax, name in zip(fig.axes, EXPECTED, strict=True):
        assert ax.get_title() == name and ax.get_xlabel() == "z"
        lines = lines_by_label(ax)
        z = lines["f(z)"].get_xdata()
        assert z.min() == -5 and z.max() == 5
        f, df = EXPECTED[name]
        np.testing.assert_allclose(lines["f(z)"].get_ydata(), f(z), atol=1e-12)
        np.testing.assert_allclose(lines["f'(z)"].get_ydata(), df(z), atol=1e-12)
        assert legend_texts(ax) == ["f(z)", "f'(z)"]


def test_activations_use_the_given_names_and_z():
    z = np.linspace(-1, 1, 11)
    fig = plots.plot_activations(["tanh", "step"], z=z, title="Two")
    assert [ax.get_title() for ax in fig.axes] == ["tanh", "step"]
    step = lines_by_label(fig.axes[1])
    np.testing.assert_array_equal(step["f(z)"].get_ydata(), (z >= 0).astype(float))
    np.testing.assert_array_equal(step["f'(z)"].get_ydata(), np.zeros_like(z))
    assert fig.get_suptitle() == "Two"


def test_activations_reject_unknown_names_and_bad_z():
    with pytest.raises(ValueError, match="swish"):
        plots.plot_activations(["swish"])
    with pytest.raises(ValueError, match="z must be a 1-D"):
        plots.plot_activations(z=np.zeros((2, 2)))
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_activations([])


# ---------------------------------------------------------------- plot_network


def texts_by_gid(ax, prefix: str) -> dict[str, str]:
    return {
        t.get_gid(): t.get_text()
        for t in ax.texts
        if t.get_gid() and t.get_gid().startswith(prefix)
    }


W1 = np.array([[0.123, -1.456], [2.0, 0.004]])
W2 = np.array([[-0.5], [0.777]])


def test_network_writes_every_weight_on_its_edge_to_two_decimals():
    fig = plots.plot_network([W1, W2])
    png_bytes(fig)
    (ax,) = fig.axes
    weights = texts_by_gid(ax, "weight:")
    assert len(weights) == W1.size + W2.size
    for layer, W in enumerate([W1, W2]):
        for i, j in np.ndindex(W.shape):
            assert weights[f"weight:{layer}:{i}:{j}"] == f"{W[i, j]:.2f}"
    assert weights["weight:0:0:1"] == "-1.46"
    assert texts_by_gid(ax, "bias:") == {}  # plain matrices carry no biases
    assert ax.get_title() == "Network 2-2-1"


def test_network_edges_join_the_right_units_and_show_the_sign_by_colour():
    fig = plots.plot_network([W1, W2])
    ax = fig.axes[0]
    edges = ax.get_lines()
    assert len(edges) == W1.size + W2.size
    for edge in edges:
        x = edge.get_xdata()
        assert x[1] - x[0] == 1  # each edge goes to the next layer
    label = next(t for t in ax.texts if t.get_gid() == "weight:0:0:1")
    x, y = label.get_position()
    # the label of w[0, 1] lies on the segment from input 0 (0, 0.5) to hidden 1 (1, -0.5)
    assert 0 < x < 1 and y == pytest.approx(0.5 - x)
    assert to_rgba(label.get_color()) == to_rgba(PALETTE[3])  # negative weight
    positive = next(t for t in ax.texts if t.get_gid() == "weight:0:0:0")
    assert to_rgba(positive.get_color()) == to_rgba(PALETTE[0])


def test_network_from_dense_layers_names_the_units_and_writes_the_biases():
    layers = [SimpleNamespace(W=W1, b=np.array([0.1, -0.25])), SimpleNamespace(W=W2, b=[1.5])]
    fig = plots.plot_network(
        layers, title="Buys?", input_names=["age", "income"], output_names=["buys"]
    )
    ax = fig.axes[0]
    texts = {t.get_text() for t in ax.texts}
    assert {"age", "income", "h1", "h2", "buys"} <= texts
    assert texts_by_gid(ax, "bias:") == {
        "bias:0:0": "b=0.10",
        "bias:0:1": "b=-0.25",
        "bias:1:0": "b=1.50",
    }
    assert ax.get_title() == "Buys?"


def test_network_accepts_a_model_with_layers():
    model = SimpleNamespace(layers=[SimpleNamespace(W=W1, b=np.zeros(2))])
    fig = plots.plot_network(model)
    assert texts_by_gid(fig.axes[0], "weight:")["weight:0:1:0"] == "2.00"


def test_network_from_dlcore_dense_layers():
    model = dl.Sequential([dl.Dense(3, 2, activation="relu", seed=0), dl.Dense(2, 1, seed=1)])
    fig = plots.plot_network(model)
    weights = texts_by_gid(fig.axes[0], "weight:")
    W = model.layers[0].W
    assert weights == {
        **{f"weight:0:{i}:{j}": f"{W[i, j]:.2f}" for i, j in np.ndindex(W.shape)},
        **{f"weight:1:{i}:0": f"{model.layers[1].W[i, 0]:.2f}" for i in range(2)},
    }
    assert fig.axes[0].get_title() == "Network 3-2-1"


@pytest.mark.parametrize(
    ("arg", "error", "message"),
    [
        ([np.zeros((2, 3)), np.zeros((2, 1))], ValueError, "has 2 inputs but layer 0 has 3"),
        ([np.zeros((20, 2))], ValueError, "at most 16 units"),
        ([np.zeros(3)], ValueError, "must be 2-D"),
        ([SimpleNamespace(parameters=list)], ValueError, "Dense layers only"),
        ("dense", TypeError, "layers_or_model must be"),
        ([], TypeError, "layers_or_model must be"),
    ],
)
def test_network_rejects_what_it_cannot_draw(arg, error, message):
    with pytest.raises(error, match=message):
        plots.plot_network(arg)


def test_network_rejects_names_of_the_wrong_length():
    with pytest.raises(ValueError, match="input_names must name 2 units; got 3"):
        plots.plot_network([W1, W2], input_names=["a", "b", "c"])


def test_plots_take_a_trained_dlcore_model_and_its_history():
    X, y = dl.datasets.make_xor(80, seed=0)
    model = dl.MLP([2, 4, 1], seed=0)
    history = model.fit(X, y, epochs=5, validation_data=(X[:20], y[:20]))
    fig = plots.plot_loss_curves(history)
    lines = lines_by_label(fig.axes[0])
    np.testing.assert_allclose(lines["training"].get_ydata(), history.loss)
    np.testing.assert_allclose(lines["validation"].get_ydata(), history.val_loss)
    fig = plots.plot_decision_boundary(model, X, y, resolution=40)
    png_bytes(fig)
    assert legend_texts(fig.axes[0]) == ["class 0", "class 1"]


def test_shade_regions_takes_a_function_and_colours_each_side():
    fig, ax = plt.subplots()
    plots.shade_regions(ax, lambda P: (P[:, 0] > 0).astype(float), xlim=(-1, 1), ylim=(-2, 2))
    assert ax.get_xlim() == (-1, 1) and ax.get_ylim() == (-2, 2)
    (filled,) = [c for c in ax.collections]
    assert len(filled.get_paths()) >= 2  # one region per class
    plt.close(fig)


def test_draw_line_follows_w_dot_x_plus_b_and_skips_w_zero():
    fig, ax = plt.subplots()
    ax.set_xlim(-2, 2)
    ax.set_ylim(-2, 2)
    assert plots.draw_line(ax, [1.0, 2.0], -1.0)
    xs, ys = ax.lines[0].get_data()
    assert np.allclose(1.0 * xs + 2.0 * ys - 1.0, 0.0)
    assert not plots.draw_line(ax, [0.0, 0.0], 1.0)
    assert len(ax.lines) == 1
    with pytest.raises(ValueError, match="2 weights"):
        plots.draw_line(ax, [1.0, 2.0, 3.0], 0.0)
    plt.close(fig)


# ---------------------------------------------------------------- lesson 01


def test_nested_rings_draw_one_ellipse_per_ring_with_labels_and_examples():
    rings = [("outer", 8.0, 5.0, 0.0), ("inner", 3.0, 2.0, -1.0)]
    fig = plots.plot_nested_rings(rings, [("an example", 1.0, 0.5)], title="nested")
    png_bytes(fig)
    ax = fig.axes[0]
    assert [(p.width, p.height, p.center[1]) for p in ax.patches] == [
        (8.0, 5.0, 0.0),
        (3.0, 2.0, -1.0),
    ]
    assert {t.get_text() for t in ax.texts} == {"outer", "inner", "an example"}
    assert ax.get_xlim() == (-4.2, 4.2) and ax.get_title() == "nested"
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_nested_rings([])


def test_labelled_split_fills_training_points_and_leaves_test_points_hollow(blobs):
    X, y = blobs
    fig = plots.plot_labelled_split(X[:15:2], y[:15:2], X[15:], y[15:], names=("cat", "dog"))
    png_bytes(fig)
    ax = fig.axes[0]
    by_label = {c.get_label(): c for c in ax.collections}
    assert list(by_label) == ["cat (training)", "cat (test)", "dog (training)", "dog (test)"]
    assert len(by_label["cat (training)"].get_offsets()) == 8
    assert (
        len(by_label["dog (test)"].get_offsets()) == 10
        and len(by_label["cat (test)"].get_offsets()) == 0
    )
    assert to_hex(by_label["dog (training)"].get_facecolors()[0]) == CLASS_COLORS[1].lower()
    assert by_label["dog (test)"].get_facecolors().size == 0  # hollow


def test_groups_draw_each_group_with_its_size_and_the_centres():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 5.0]])
    fig = plots.plot_groups(X, np.array([0, 0, 1]), centres=[[0.0, 0.5], [5.0, 5.0]])
    png_bytes(fig)
    ax = fig.axes[0]
    assert legend_texts(ax) == ["group 0 (2)", "group 1 (1)", "centres"]
    np.testing.assert_allclose(ax.collections[2].get_offsets(), [[0.0, 0.5], [5.0, 5.0]])
    _, ax2 = plt.subplots()
    plots.plot_groups(X, [1, 0, 1], ax=ax2, legend=False)
    assert ax2.get_legend() is None and len(ax2.collections) == 2
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.plot_groups(X, [0, 1])


def test_holdout_fit_shades_the_held_out_span_and_dashes_curves_there():
    t = np.arange(10.0)
    fig = plots.plot_holdout_fit(t, 2 * t, 7, {"double": lambda s: 2 * s})
    png_bytes(fig)
    ax = fig.axes[0]
    (band,) = ax.patches
    assert band.get_x() == pytest.approx(6.5)  # the band starts between fitted and held out
    solid, dashed = [line for line in ax.get_lines() if line.get_linestyle() in ("-", "--")][-2:]
    assert solid.get_label() == "double" and solid.get_xdata().max() == pytest.approx(6.5)
    assert dashed.get_linestyle() == "--" and dashed.get_xdata().min() == pytest.approx(6.5)
    np.testing.assert_allclose(dashed.get_ydata(), 2 * dashed.get_xdata())
    held = lines_by_label(ax)["held out"]
    np.testing.assert_allclose(held.get_xdata(), [7.0, 8.0, 9.0])
    with pytest.raises(ValueError, match="n_train"):
        plots.plot_holdout_fit(t, 2 * t, 10, {})


# ---- lesson 03


@pytest.fixture
def fitted_linear():
    X, y = dl.datasets.make_linear(n_samples=40, seed=3)
    return dl.Perceptron(lr=1.0, epochs=20, seed=3).fit(X, y), X, y


def test_epoch_accuracies_score_the_weights_at_the_end_of_each_epoch(fitted_linear):
    p, X, y = fitted_linear
    acc = plots.epoch_accuracies(p.steps_, X, y)
    assert len(acc) == len(p.errors_)
    last_of_first = [s for s in p.steps_ if s.epoch == 0][-1]
    assert acc[0] == np.mean(((X @ last_of_first.w + last_of_first.b) >= 0).astype(int) == y)
    assert acc[-1] == p.score(X, y) == 1.0


def test_update_replay_draws_one_panel_per_update_with_its_line(fitted_linear):
    p, X, y = fitted_linear
    n = sum(s.updated for s in p.steps_)
    fig = plots.plot_update_replay(p.steps_, X, y, max_panels=n)
    drawn = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title().split(" (")[0] for ax in drawn] == [
        f"update {k} of {n}" for k in range(1, n + 1)
    ]
    assert all(len(ax.get_lines()) == 1 for ax in drawn)  # the boundary of that state
    with pytest.raises(ValueError, match="no update"):
        plots.plot_update_replay([s for s in p.steps_ if not s.updated], X, y)
    plt.close("all")


def test_line_and_circle_and_update_figures_label_their_lines():
    fig = plots.plot_line_and_circle([0.8, -0.5], 0.1, [[0.3, 0.4]], ["inside"])
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["the circle", "$0.8 x_1 -0.5 x_2 +0.1 = 0$", "inside"]
    fig = plots.plot_update(([0.8, -0.5], 0.1), ([0.2, -0.05], -0.4), [1.2, -0.9], 0)
    lines = fig.axes[0].get_lines()
    assert [line.get_linestyle() for line in lines] == ["--", "-"]
    assert lines[1].get_label().startswith("after: $0.2 x_1 -0.05 x_2 -0.4")
    plt.close("all")


def test_accuracy_per_epoch_shows_the_chance_baseline(fitted_linear):
    p, X, y = fitted_linear
    fig = plots.plot_accuracy_per_epoch({"linear": (p, X, y)}, baseline=0.5)
    line, base = fig.axes[0].get_lines()
    np.testing.assert_allclose(line.get_ydata(), plots.epoch_accuracies(p.steps_, X, y))
    assert list(base.get_ydata()) == [0.5, 0.5] and "majority class (50%)" in base.get_label()
    plt.close("all")


@pytest.mark.parametrize(("w_weather", "decision"), [(0.6, "stay in"), (0.7, "go outside")])
def test_go_outside_map_titles_todays_decision(w_weather, decision):
    fig = plots.plot_go_outside(w_weather, 0.4, 5.0, today=(6, 3))
    z = w_weather * 6 + 0.4 * 3 - 5
    assert fig.axes[0].get_title() == f"Today: {decision} (z = {z:+.2f})"
    plt.close("all")


# ---------------------------------------------------------------- lesson 02


def test_plot_timeline_puts_each_group_on_its_row_first_group_on_top():
    events = [(2004, "Facebook", "social"), (2006, "Hadoop", "tools"), (2005, "YouTube", "social")]
    fig = plots.plot_timeline(events, title="names")
    png_bytes(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["tools", "social"]
    dots = {(line.get_xdata()[0], line.get_ydata()[0]) for line in ax.get_lines()}
    assert dots == {(2004, 1), (2006, 0), (2005, 1)}
    assert {t.get_text() for t in ax.texts} == {"Facebook", "Hadoop", "YouTube"}
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_timeline([])


def test_plot_matmul_scaling_draws_the_times_an_n_cubed_reference_and_the_gflops():
    sizes = np.array([100, 200, 400])
    seconds = np.array([1e-4, 9e-4, 6e-3])
    fig = plots.plot_matmul_scaling(sizes, seconds)
    png_bytes(fig)
    left, right = fig.axes
    lines = lines_by_label(left)
    np.testing.assert_allclose(lines["measured"].get_ydata(), seconds * 1e3)
    reference = lines["$n^3$ reference"].get_ydata()
    np.testing.assert_allclose(reference / reference[0], (sizes / 100) ** 3)
    assert reference[-1] == pytest.approx(seconds[-1] * 1e3)
    np.testing.assert_allclose(right.get_lines()[0].get_ydata(), 2 * sizes**3 / seconds / 1e9)
    with pytest.raises(ValueError, match="same length"):
        plots.plot_matmul_scaling([100, 200], [1e-4])
    with pytest.raises(ValueError, match="positive"):
        plots.plot_matmul_scaling([100, 200], [1e-4, 0.0])


def test_plot_learning_curves_one_line_per_model_a_chance_line_and_the_legend_outside():
    sizes = [25, 50, 100]
    curves = {"linear": [0.6, 0.62, 0.63], "MLP": [0.7, 0.85, 0.9]}
    fig = plots.plot_learning_curves(sizes, curves)
    png_bytes(fig)
    ax = fig.axes[0]
    lines = lines_by_label(ax)
    np.testing.assert_allclose(lines["MLP"].get_ydata(), [0.7, 0.85, 0.9])
    np.testing.assert_allclose(lines["chance (0.5)"].get_ydata(), [0.5, 0.5])
    assert legend_texts(ax) == ["linear", "MLP", "chance (0.5)"]
    fig.canvas.draw()
    legend_box = ax.get_legend().get_window_extent()
    assert legend_box.x0 > ax.get_window_extent().x1  # clear of the data
    with pytest.raises(ValueError, match="one accuracy per size"):
        plots.plot_learning_curves(sizes, {"short": [0.5, 0.6]})


# ---- lesson 05


def _net_221():
    hidden, output = dl.Dense(2, 2, activation="relu"), dl.Dense(2, 1, activation="sigmoid")
    hidden.W[:] = [[0.5, -1.0], [0.8, 0.4]]
    hidden.b[:] = [0.1, -0.2]
    output.W[:] = [[1.5], [-2.0]]
    output.b[:] = [-0.5]
    return [hidden, output]


def test_forward_values_are_each_layers_z_and_a():
    layers = _net_221()
    values = plots.forward_values(layers, [1.0, 0.5])
    z1 = np.array([1.0, 0.5]) @ layers[0].W + layers[0].b
    assert np.allclose(values[0][0], z1) and np.allclose(values[0][1], np.maximum(z1, 0))
    z2 = np.maximum(z1, 0) @ layers[1].W + layers[1].b
    assert np.allclose(values[1][0], z2) and np.allclose(values[1][1], 1 / (1 + np.exp(-z2)))


def test_forward_pass_diagram_writes_inputs_z_and_a_of_every_unit():
    fig = plots.plot_forward_pass(_net_221(), [1.0, 0.5], input_names=["$x_1$", "$x_2$"])
    png_bytes(fig)
    ax = fig.axes[0]
    assert texts_by_gid(ax, "x:") == {"x:0": "1.00", "x:1": "0.50"}
    assert texts_by_gid(ax, "z:") == {"z:0:0": "z=1.00", "z:0:1": "z=-1.00", "z:1:0": "z=1.00"}
    assert texts_by_gid(ax, "a:") == {"a:0:0": "a=1.00", "a:0:1": "a=0.00", "a:1:0": "ŷ=0.731"}
    assert texts_by_gid(ax, "weight:")["weight:0:0:1"] == "-1.00"
    shown = {t.get_text() for t in ax.texts}
    assert {"hidden (relu)", "output (sigmoid)", "$x_1$"} <= shown


@pytest.mark.parametrize(
    ("layers", "x", "message"),
    [
        ("net", [1.0, 0.5], "layers_or_model must be"),
        ([np.eye(2)], [1.0, 0.5], "layer 0 must be a dlcore Dense layer"),
        (_net_221(), [1.0], "x must be 2 finite numbers, one per input"),
    ],
)
def test_forward_pass_rejects_bad_input(layers, x, message):
    with pytest.raises((TypeError, ValueError), match=message):
        plots.forward_values(layers, x)


# ---------------------------------------------------------------- lesson 06: plot_network_values


def worked_network():
    """The 2-2-1 network of lesson 06: one hidden unit on (z > 0), one off (z < 0)."""
    model = dl.Sequential([dl.Dense(2, 2, activation="relu"), dl.Dense(2, 1, activation="sigmoid")])
    model.layers[0].W[:] = [[0.4, -0.6], [0.3, 0.2]]
    model.layers[0].b[:] = [0.1, -0.06]
    model.layers[1].W[:] = [[0.7], [-0.5]]
    model.layers[1].b[:] = [-0.2]
    return model


def test_network_values_writes_each_units_sum_and_activation_above_it():
    model = worked_network()
    fig = plots.plot_network_values(model, [0.5, 0.8], output_names=["O"])
    png_bytes(fig)
    ax = fig.axes[0]
    values = texts_by_gid(ax, "value:")
    z_out = 0.7 * 0.54 - 0.2
    assert values == {
        "value:0:0": "0.500",
        "value:0:1": "0.800",
        "value:1:0": "z=0.540\na=0.540",
        "value:1:1": "z=-0.200\na=0.000",  # ReLU of a negative sum
        "value:2:0": f"z={z_out:.3f}\na={1 / (1 + np.exp(-z_out)):.3f}",
    }
    assert values["value:2:0"] == "z=0.178\na=0.544"
    # the weights and biases of plot_network are still there
    assert texts_by_gid(ax, "weight:")["weight:0:0:1"] == "-0.60"
    assert texts_by_gid(ax, "bias:")["bias:0:1"] == "b=-0.06"
    # each value sits just above its unit, inside the axes
    hidden_off = next(t for t in ax.texts if t.get_gid() == "value:1:1")
    x, y = hidden_off.get_position()
    assert x == 1.0 and -0.5 < y < 0.0
    assert ax.get_ylim()[1] > 0.5 + 0.24


def test_network_values_draws_on_a_given_ax_and_matches_the_model():
    model = dl.MLP([3, 4, 2], hidden="tanh", output="softmax", seed=0)
    x = np.array([0.2, -1.0, 0.5])
    fig, (left, right) = plt.subplots(1, 2)
    assert plots.plot_network_values(model, x, ax=right) is fig
    assert not left.texts
    out = model.forward(x[None, :])[0]
    values = texts_by_gid(right, "value:")
    assert values["value:2:0"].endswith(f"a={out[0]:.3f}")
    assert values["value:2:1"].endswith(f"a={out[1]:.3f}")


@pytest.mark.parametrize(
    ("model", "x", "error", "message"),
    [
        ([W1, W2], [0.5, 0.8], TypeError, "not bare weight matrices"),
        (None, [0.5], ValueError, r"x must be 2 finite numbers.*got \[0\.5\]"),
        (None, [0.5, np.nan], ValueError, "x must be 2 finite numbers"),
    ],
)
def test_network_values_rejects_bare_matrices_and_a_bad_example(model, x, error, message):
    with pytest.raises(error, match=message):
        plots.plot_network_values(worked_network() if model is None else model, x)


# ---------------------------------------------------------------- lesson 04


def test_line_moves_draw_one_panel_per_setting_with_the_line_and_the_arrow_of_w():
    panels = [
        ([0.8, -0.5], 0.1, "start"),
        ([0.8, -0.5], -0.4, "shifted"),
        ([0.0, 0.0], 1.0, "none"),
    ]
    fig = plots.plot_line_moves(panels, point=(0.3, 0.4))
    png_bytes(fig)
    assert [ax.get_title() for ax in fig.axes] == ["start", "shifted", "none"]
    start = fig.axes[0]
    (xs, ys) = start.get_lines()[0].get_data()
    np.testing.assert_allclose(0.8 * np.asarray(xs) - 0.5 * np.asarray(ys) + 0.1, 0, atol=1e-12)
    arrow = start.texts[0]  # annotate: from the foot of the perpendicular, along w
    foot = np.array([-0.1 * 0.8, 0.1 * 0.5]) / 0.89
    np.testing.assert_allclose(arrow.xyann, foot)
    np.testing.assert_allclose(
        np.asarray(arrow.xy) - foot, np.array([0.8, -0.5]) / np.sqrt(0.89) * 0.8
    )
    assert not fig.axes[2].texts  # w = 0: no line, no arrow
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_line_moves([])


def test_hidden_lines_draw_one_line_per_hidden_unit_over_the_regions():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    W, b = np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([-0.5, -1.5])
    fig = plots.plot_hidden_lines(lambda P: (P.sum(axis=1) % 2 > 0.4).astype(float), W, b, X, y)
    png_bytes(fig)
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["$h_1$ line", "$h_2$ line"]
    for line, bias in zip(ax.get_lines(), b, strict=True):
        xs, ys = line.get_data()
        np.testing.assert_allclose(np.asarray(xs) + np.asarray(ys) + bias, 0, atol=1e-12)
    assert any(isinstance(c, ContourSet) for c in ax.collections)
    with pytest.raises(ValueError, match="W_hidden must have shape"):
        plots.plot_hidden_lines(lambda P: P[:, 0], W, [0.0], X, y)


def test_overfitting_marks_the_epoch_of_the_lowest_validation_loss():
    history = {"loss": [0.7, 0.4, 0.2, 0.1, 0.05], "val_loss": [0.7, 0.5, 0.45, 0.6, 0.9]}
    fig = plots.plot_overfitting(history)
    png_bytes(fig)
    ax = fig.axes[0]
    marker = ax.get_lines()[-1]
    assert list(marker.get_xdata()) == [3, 3]
    assert "epoch 3" in legend_texts(ax)[-1]
    with pytest.raises(ValueError, match="validation loss"):
        plots.plot_overfitting({"loss": [1.0, 0.5]})


def test_accuracy_bars_pair_training_and_test_with_the_baseline():
    fig = plots.plot_accuracy_bars({"one": (0.8, 0.75), "two": (0.95, 0.9)}, baseline=0.6)
    png_bytes(fig)
    ax = fig.axes[0]
    heights = [round(p.get_height(), 2) for p in ax.patches]
    assert heights == [0.8, 0.95, 0.75, 0.9]
    assert [t.get_text() for t in ax.texts] == ["80%", "95%", "75%", "90%"]
    assert ax.get_lines()[0].get_ydata()[0] == 0.6
    assert "baseline (60%)" in legend_texts(ax)[0]
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_accuracy_bars({}, 0.5)


# ---------------------------------------------------------------- lesson 07: plot_predictions


def test_predictions_scatter_the_points_draw_y_equals_x_and_give_the_mean_error():
    y_true, y_pred = np.array([100.0, 200.0, 300.0]), np.array([110.0, 190.0, 330.0])
    fig = plots.plot_predictions(y_true, y_pred, unit="$", title="Houses")
    ax = fig.axes[0]
    (points,) = ax.collections
    assert np.allclose(points.get_offsets(), np.column_stack([y_true, y_pred]))
    (line,) = ax.lines
    assert np.allclose(line.get_xdata(), [100, 330]) and np.allclose(line.get_ydata(), [100, 330])
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "prediction: mean |error| 17 $"  # (10 + 10 + 30) / 3
    assert ax.get_title() == "Houses" and ax.get_xlabel() == "true value ($)"
    plt.close(fig)


def test_predictions_reject_lengths_that_differ():
    with pytest.raises(ValueError, match="same number of values"):
        plots.plot_predictions([1.0, 2.0], [1.0])


# ---- lesson 08


def test_neuron_graph_values_follow_the_chain_rule():
    v = plots.neuron_graph_values(2.0, 0.5, -0.5, 0.8)
    a = 1 / (1 + np.exp(-0.5))
    assert v["z"] == 0.5 and np.isclose(v["a"], a) and np.isclose(v["L"], (a - 0.8) ** 2)
    assert np.isclose(v["dL_dw"], 2 * (a - 0.8) * a * (1 - a) * 2.0)
    assert np.isclose(v["dL_db"], v["dL_dz"]) and np.isclose(v["dL_dx"], v["dL_dz"] * 0.5)
    eps = 1e-6  # the gradient is the loss's slope, by central differences

    def loss(w):
        return plots.neuron_graph_values(2.0, w, -0.5, 0.8)["L"]

    assert np.isclose(v["dL_dw"], (loss(0.5 + eps) - loss(0.5 - eps)) / (2 * eps))
    with pytest.raises(ValueError, match="w must be a finite number"):
        plots.neuron_graph_values(2.0, float("nan"), 0.0, 1.0)
    with pytest.raises(ValueError, match="x must be one number"):
        plots.neuron_graph_values([1.0, 2.0], 0.5, 0.0, 1.0)


def test_neuron_graph_writes_every_value_and_local_derivative():
    fig = plots.plot_neuron_graph(2.0, 0.5, -0.5, 0.8)
    png_bytes(fig)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for number in ["0.5000", "0.6225", "0.0315", "0.2350", "-0.3551", "-0.1669", "-0.0834"]:
        assert number in texts, number
    assert "a(1 - a)" in texts and "2(a - y)" in texts and "= x = 2" in texts
    arrows = [t for t in fig.axes[0].texts if getattr(t, "arrow_patch", None) is not None]
    assert len(arrows) == 6  # w, x, b -> z -> a -> L <- y


def test_descent_paths_draw_each_run_on_the_loss_curve():
    def loss(w):
        return (np.asarray(w) ** 2 - 1) ** 2

    fig = plots.plot_descent_paths(loss, {"left": [-1.5, -1.2, -1.0], "right": [0.5, 1.0]}, (-2, 2))
    png_bytes(fig)
    ax = fig.axes[0]
    curve, left, left_start, left_end = ax.get_lines()[:4]
    np.testing.assert_allclose(curve.get_ydata(), loss(curve.get_xdata()))
    np.testing.assert_allclose(left.get_xdata(), [-1.5, -1.2, -1.0])
    np.testing.assert_allclose(left.get_ydata(), loss([-1.5, -1.2, -1.0]))
    assert list(left_start.get_xdata()) == [-1.5] and list(left_end.get_xdata()) == [-1.0]
    assert legend_texts(ax) == ["$L(w)$", "left", "right"]
    with pytest.raises(ValueError, match="at least one label"):
        plots.plot_descent_paths(loss, {}, (-2, 2))
    with pytest.raises(ValueError, match="'right' is empty"):
        plots.plot_descent_paths(loss, {"right": []}, (-2, 2))


# ---- lesson 09


def test_descent_in_one_dimension_puts_each_path_on_the_curve_and_its_loss_per_step():
    paths = {"a": [2.0, 1.6, 1.28], "b": [2.0, -2.4, 2.88]}
    fig = plots.plot_descent(lambda w: w**2, paths, xlim=(-3, 3))
    png_bytes(fig)
    ax_path, ax_loss = fig.axes
    lines = lines_by_label(ax_path)
    assert {"$L(w)$", "a", "b"} <= set(lines)
    np.testing.assert_allclose(lines["b"].get_ydata(), [4.0, 5.76, 8.2944])
    np.testing.assert_allclose(lines_by_label(ax_loss)["a"].get_ydata(), [4.0, 2.56, 1.6384])
    assert ax_loss.get_yscale() == "log" and ax_path.get_xlabel() == "$w$"


def test_descent_in_two_dimensions_draws_contours_and_a_linear_scale_for_negative_losses():
    path = np.array([[1.0, 1.0], [0.5, -0.5], [0.0, 0.0]])
    fig = plots.plot_descent(
        lambda a, b: a**2 + b**2 - 1, {"gd": path}, xlim=(-2, 2), ylim=(-2, 2), title="bowl"
    )
    png_bytes(fig)
    ax_path, ax_loss = fig.axes
    assert any(isinstance(c, ContourSet) for c in ax_path.collections)
    np.testing.assert_allclose(lines_by_label(ax_path)["gd"].get_xydata(), path)
    np.testing.assert_allclose(lines_by_label(ax_loss)["gd"].get_ydata(), [1.0, -0.5, -1.0])
    assert ax_loss.get_yscale() == "linear" and ax_path.get_title() == "bowl"
    with pytest.raises(ValueError, match="ylim is needed"):
        plots.plot_descent(lambda a, b: a, {"gd": path}, xlim=(-2, 2))
    with pytest.raises(ValueError, match="all of the same kind"):
        plots.plot_descent(lambda w: w, {"a": [1.0, 2.0], "b": path}, xlim=(-2, 2))
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_descent(lambda w: w, {}, xlim=(-2, 2))


def test_speed_control_draws_each_gain_against_time_with_the_target():
    fig = plots.plot_speed_control({"k = 0.5": [30, 25, 22.5]}, target=20, dt=0.5)
    png_bytes(fig)
    ax = fig.axes[0]
    line = lines_by_label(ax)["k = 0.5"]
    np.testing.assert_allclose(line.get_xdata(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(line.get_ydata(), [30, 25, 22.5])
    assert ax.get_lines()[-1].get_ydata()[0] == 20
    assert "target speed (20 m/s)" in legend_texts(ax)
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_speed_control({}, target=20)


# ---- lesson 10


def test_gradient_norms_plot_one_line_per_setup_on_a_log_scale_leaving_out_zeros():
    fig = plots.plot_gradient_norms({"a": [1e-6, 1e-3, 1.0], "b": [0.0, 0.5, 0.5]})
    png_bytes(fig)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and legend_texts(ax) == ["a", "b"]
    a, b = ax.get_lines()
    assert list(a.get_xdata()) == [1, 2, 3] and list(a.get_ydata()) == [1e-6, 1e-3, 1.0]
    assert np.isnan(b.get_ydata()[0])  # a zero norm has no place on a log scale
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_gradient_norms({})
    with pytest.raises(ValueError, match="finite numbers >= 0"):
        plots.plot_gradient_norms({"a": [1.0, -1.0]})


def test_loss_per_epoch_draws_the_loss_of_guessing():
    fig = plots.plot_loss_per_epoch({"net": [2.4, 1.5, 0.9]})
    png_bytes(fig)
    ax = fig.axes[0]
    line, chance = ax.get_lines()
    assert list(line.get_xdata()) == [1, 2, 3]
    assert np.isclose(chance.get_ydata()[0], np.log(10)) and "guessing (2.30)" in legend_texts(ax)


def test_training_runs_show_the_loss_and_the_first_layers_norm_per_epoch():
    norms = np.array([[1e-3, 1.0], [1e-2, 0.5], [1e-1, 0.2]])
    fig = plots.plot_training_runs({"net": ([2.0, 1.0], norms)}, title="runs")
    png_bytes(fig)
    left, right = fig.axes
    assert list(left.get_lines()[0].get_ydata()) == [2.0, 1.0]
    assert right.get_yscale() == "log" and list(right.get_lines()[0].get_ydata()) == [
        1e-3,
        1e-2,
        1e-1,
    ]
    assert list(right.get_lines()[0].get_xdata()) == [0, 1, 2]
    assert legend_texts(left) == ["guessing (2.30)"]
    with pytest.raises(ValueError, match=r"must be \(epochs \+ 1, layers\)"):
        plots.plot_training_runs({"net": ([2.0], [1.0, 2.0])})


# ---- lesson 11


def test_feature_maps_show_the_image_and_each_map_on_a_symmetric_scale():
    image = np.arange(16.0).reshape(4, 4)
    fmap = np.array([[-2.0, 1.0], [0.5, 0.0]])
    fig = plots.plot_feature_maps(image, {"edges": fmap})
    png_bytes(fig)
    axes = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in axes] == ["input 4×4", "edges 2×2"]
    np.testing.assert_array_equal(axes[1].get_images()[0].get_array(), fmap)
    assert axes[1].get_images()[0].get_clim() == (-2.0, 2.0)
    with pytest.raises(ValueError, match="at least one"):
        plots.plot_feature_maps(image, {})


def test_detections_colour_hits_and_misses_by_the_threshold():
    truth = {"a": (0, 0, 4, 4), "b": (10, 10, 14, 14)}
    predicted = {"a": (0, 0, 4, 4), "b": (12, 10, 16, 14)}
    ious = {"a": 1.0, "b": 1 / 3}
    fig = plots.plot_detections(np.zeros((20, 20)), truth, predicted, ious, threshold=0.5, grid=4)
    png_bytes(fig)
    ax = fig.axes[0]
    dashed = [p for p in ax.patches if p.get_linestyle() == "--"]
    assert [to_hex(p.get_edgecolor()) for p in dashed] == ["#009e73", "#d55e00"]  # hit, miss
    assert [t.get_text() for t in ax.texts if t.get_text().startswith("IoU")] == [
        "IoU 1.00",
        "IoU 0.33",
    ]
    assert len(ax.get_lines()) == 6  # the 4x4 grid: 3 vertical and 3 horizontal lines
    assert legend_texts(ax) == ["true box", "hit", "miss"]


def test_hidden_states_draw_one_row_per_unit_and_one_column_per_step():
    x = np.sin(np.arange(5.0))
    states = np.tanh(np.outer(x, [1.0, -1.0, 0.5]))
    fig = plots.plot_hidden_states(x, states)
    png_bytes(fig)
    top, bottom = fig.axes[:2]
    np.testing.assert_array_equal(top.get_lines()[0].get_ydata(), x)
    np.testing.assert_array_equal(bottom.get_images()[0].get_array(), states.T)
    with pytest.raises(ValueError, match="states must have shape"):
        plots.plot_hidden_states(x, states[:4])


def test_attention_heatmap_writes_every_weight():
    weights = np.array([[0.9, 0.1], [0.25, 0.75]])
    fig = plots.plot_attention(weights, ["it", "cat"])
    png_bytes(fig)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["0.90", "0.10", "0.25", "0.75"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["it", "cat"]
    with pytest.raises(ValueError, match="shape \\(3, 3\\)"):
        plots.plot_attention(weights, ["a", "b", "c"])
