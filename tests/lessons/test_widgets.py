"""course.widgets driven headless: click, slide, and check the state and the redrawn image."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from widgets_util import pixels  # noqa: E402

import dlcore as dl  # noqa: E402
from course import widgets  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png(image: W.Image) -> bytes:
    """The Image widget's value (a memoryview) as bytes, checked to be a non-empty PNG."""
    data = bytes(image.value)
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000
    return data


@pytest.fixture
def data():
    """20 points, labelled by the side of the line x1 + x2 = 0.3 (separable)."""
    rng = np.random.default_rng(1)
    X = rng.normal(0, 1, (20, 2))
    y = (X[:, 0] + X[:, 1] > 0.3).astype(int)
    return X, y


def rosenblatt(w, b, x, y, lr):
    """One update written out here: y_hat = [w.x + b >= 0], e = y - y_hat."""
    e = y - int(x @ w + b >= 0)
    return w + lr * e * x, b + lr * e, e


# ---------------------------------------------------------------- perceptron stepper


def order_of(s):
    """The order of the samples in the stepper's first epoch."""
    return [st.index for st in s.steps[: s.n_samples]]


def test_stepper_is_a_widget_with_its_controls_and_starts_at_zero(data):
    s = widgets.perceptron_stepper(*data)
    assert isinstance(s, W.VBox)
    assert [b.description for b in (s.step_button, s.epoch_button, s.reset_button)] == [
        "Step",
        "Epoch",
        "Reset",
    ]
    assert isinstance(s.perceptron, dl.Perceptron) and isinstance(s.fitted, dl.Perceptron)
    np.testing.assert_array_equal(s.perceptron.w, [0.0, 0.0])
    assert s.perceptron.b == 0.0
    assert (s.shown, s.epoch, s.position, s.errors_this_epoch, s.last) == (0, 1, 0, 0, None)
    assert sorted(order_of(s)) == list(range(20))
    png(s.image)
    for text in ("w1", "w2", "0.0000", "errors this epoch", "errors on all data"):
        assert text in s.status.value


def test_each_step_click_applies_rosenblatts_rule_to_the_next_shuffled_sample(data):
    X, y = data
    s = widgets.perceptron_stepper(X, y, lr=0.5, seed=3)
    w, b, errors = np.zeros(2), 0.0, 0
    for k in range(6):
        before = png(s.image)
        s.step_button.click()
        i = order_of(s)[k]
        w, b, e = rosenblatt(w, b, X[i], y[i], 0.5)
        errors += e != 0
        np.testing.assert_allclose(s.perceptron.w, w)
        assert s.perceptron.b == pytest.approx(b)
        assert s.position == k + 1 and s.errors_this_epoch == errors
        assert (s.last.index, s.last.y, s.last.y_hat, s.last.updated) == (i, y[i], y[i] - e, e != 0)
        assert png(s.image) != before
        assert f"{w[0]:.4f}" in s.status.value and f"{b:.4f}" in s.status.value
        assert f"{k + 1} / 20" in s.status.value
        assert s.figure.axes[0].get_title() == f"Epoch 1, sample {k + 1}/20"


def test_the_stepper_replays_the_steps_that_perceptron_fit_recorded(data):
    X, y = data
    fitted = dl.Perceptron(lr=1.0, epochs=50, seed=4).fit(X, y)
    s = widgets.perceptron_stepper(X, y, seed=4, epochs=50)
    assert len(s.steps) == len(fitted.steps_)
    for recorded in fitted.steps_[:25]:  # click by click through the first epoch and more
        s.step_button.click()
        assert s.last.index == recorded.index and s.last.epoch + 1 == s.epoch
        np.testing.assert_array_equal(s.perceptron.w, recorded.w)
        assert s.perceptron.b == recorded.b
    while not s.finished:  # then epoch by epoch, to where fit stopped
        s.epoch_button.click()
        recorded = fitted.steps_[s.shown - 1]
        np.testing.assert_array_equal(s.perceptron.w, recorded.w)
        assert s.errors_this_epoch == fitted.errors_[recorded.epoch]
    assert s.errors_this_epoch == fitted.errors_[-1] == 0


def test_epoch_click_finishes_the_epoch_and_counts_its_errors(data):
    X, y = data
    s = widgets.perceptron_stepper(X, y, seed=0)
    s.step_button.click()
    s.step_button.click()
    s.epoch_button.click()
    w, b, errors = np.zeros(2), 0.0, 0
    for i in order_of(s):
        w, b, e = rosenblatt(w, b, X[i], y[i], 1.0)
        errors += e != 0
    assert (s.epoch, s.position, s.errors_this_epoch) == (1, 20, errors)
    np.testing.assert_allclose(s.perceptron.w, w)
    wrong = int(np.sum((X @ w + b >= 0).astype(int) != y))
    assert s.total_errors() == wrong
    assert f"{wrong} / 20" in s.status.value
    s.epoch_button.click()  # a complete epoch: the next click runs a whole new one
    assert (s.epoch, s.position) == (2, 20)
    assert [st.index for st in s.steps[20:40]] != order_of(s)


def test_stepper_ends_where_fit_stopped_with_the_buttons_disabled(data):
    s = widgets.perceptron_stepper(*data)
    for _ in range(100):
        s.epoch_button.click()
        if s.finished:
            break
    assert s.finished and s.step_button.disabled and s.epoch_button.disabled
    assert s.errors_this_epoch == 0 and s.total_errors() == 0
    assert f"no errors in epoch {len(s.fitted.errors_)}: fit stopped" in s.status.value
    image = png(s.image)
    s.step()
    s.run_epoch()
    assert s.shown == len(s.steps) and png(s.image) == image
    s.reset_button.click()
    assert s.shown == 0 and not s.step_button.disabled


def test_stepper_on_data_no_line_separates_says_it_stopped_with_errors():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])  # XOR
    s = widgets.perceptron_stepper(X, [0, 0, 1, 1], epochs=3)
    s.run_epoch(), s.run_epoch(), s.run_epoch()
    assert s.finished and "stopped after 3 epochs, still" in s.status.value


def test_stepper_can_open_after_a_given_number_of_updates(data):
    X, y = data
    s = widgets.perceptron_stepper(X, y, seed=1, updates=2)
    assert s.last.updated and sum(st.updated for st in s.steps[: s.shown]) == 2
    np.testing.assert_array_equal(s.perceptron.w, s.last.w)
    lines = [line.get_label() for line in s.figure.axes[0].get_lines()]
    assert lines == ["before", "boundary"]  # the line before the update, dashed, and after
    at_zero = widgets.perceptron_stepper(X, y, seed=1)
    assert png(s.image) != png(at_zero.image)
    n_updates = sum(st.updated for st in s.steps)
    with pytest.raises(ValueError, match=f"updates must be at most {n_updates}"):
        widgets.perceptron_stepper(X, y, seed=1, updates=n_updates + 1)
    with pytest.raises(ValueError, match="updates must be an integer >= 0"):
        widgets.perceptron_stepper(X, y, updates=-1)


def test_reset_click_restores_zero_weights_and_the_first_order(data):
    s = widgets.perceptron_stepper(*data, seed=2)
    first_image = png(s.image)
    s.epoch_button.click()
    s.step_button.click()
    s.reset_button.click()
    np.testing.assert_array_equal(s.perceptron.w, [0.0, 0.0])
    assert s.perceptron.b == 0.0
    assert (s.epoch, s.position, s.errors_this_epoch, s.last) == (1, 0, 0, None)
    s.step_button.click()
    assert s.last.index == order_of(s)[0]
    s.reset_button.click()
    assert png(s.image) == first_image


def test_the_seed_sets_the_order(data):
    a, b, c = (order_of(widgets.perceptron_stepper(*data, seed=k)) for k in (5, 5, 6))
    assert a == b and a != c


@pytest.mark.parametrize(
    ("X", "y", "lr", "message"),
    [
        (np.zeros((4, 3)), [0, 1, 0, 1], 1.0, "X must have shape"),
        (np.zeros((4, 2)), [0, 1, 0], 1.0, "y must hold 4 labels"),
        (np.zeros((4, 2)), [0, 1, 2, 1], 1.0, "labels 0 and 1"),
        (np.zeros((4, 2)), [0, 1, 0, 1], -1.0, "lr must be"),
    ],
)
def test_stepper_rejects_bad_input(X, y, lr, message):
    with pytest.raises(ValueError, match=message):
        widgets.perceptron_stepper(X, y, lr=lr)


# ---------------------------------------------------------------- activation explorer


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def tangent_line(explorer):
    left = explorer.figure.axes[0]
    return next(line for line in left.get_lines() if line.get_label() == "tangent")


def test_explorer_offers_the_activations_and_shows_value_and_slope():
    e = widgets.activation_explorer()
    assert isinstance(e, W.VBox)
    assert list(e.dropdown.options) == [
        "sigmoid",
        "tanh",
        "relu",
        "leaky_relu",
        "step",
        "identity",
    ]
    assert (e.dropdown.value, e.slider.value) == ("sigmoid", 1.0)
    s = _sigmoid(1.0)
    assert e.value == pytest.approx(s) and e.slope == pytest.approx(s * (1 - s))
    assert "f(z) = 0.7311" in e.readout.value and "f'(z) = 0.1966" in e.readout.value
    png(e.image)
    assert len(e.figure.axes) == 2


def test_sliding_z_moves_the_point_and_the_tangent_on_both_curves():
    e = widgets.activation_explorer()
    before = (png(e.image), e.readout.value)
    e.slider.value = -2.0
    s = _sigmoid(-2.0)
    assert e.value == pytest.approx(s) and e.slope == pytest.approx(s * (1 - s))
    assert f"{s:.4f}" in e.readout.value and f"{s * (1 - s):.4f}" in e.readout.value
    assert png(e.image) != before[0] and e.readout.value != before[1]
    tangent = tangent_line(e)
    zs, ts = tangent.get_xdata(), tangent.get_ydata()
    np.testing.assert_allclose(np.diff(ts) / np.diff(zs), s * (1 - s))  # slope f'(z)
    np.testing.assert_allclose(np.interp(-2.0, zs, ts), s)  # through (z, f(z))
    left, right = e.figure.axes
    point_left = [ln for ln in left.get_lines() if len(ln.get_xdata()) == 1]
    point_right = [ln for ln in right.get_lines() if len(ln.get_xdata()) == 1]
    assert point_left[0].get_ydata()[0] == pytest.approx(s)
    assert point_right[0].get_ydata()[0] == pytest.approx(s * (1 - s))


@pytest.mark.parametrize(
    ("name", "z", "value", "slope"),
    [
        ("relu", 1.5, 1.5, 1.0),
        ("relu", -1.5, 0.0, 0.0),
        ("tanh", 0.5, np.tanh(0.5), 1 - np.tanh(0.5) ** 2),
        ("leaky_relu", -2.0, -0.02, 0.01),
        ("step", 0.5, 1.0, 0.0),
        ("identity", -3.0, -3.0, 1.0),
    ],
)
def test_picking_an_activation_recomputes_value_and_slope(name, z, value, slope):
    e = widgets.activation_explorer()
    image = png(e.image)
    e.dropdown.value = name
    e.slider.value = z
    assert e.value == pytest.approx(value) and e.slope == pytest.approx(slope)
    assert f"f(z) = {value:.4f}" in e.readout.value
    assert f"f'(z) = {slope:.4f}" in e.readout.value
    assert png(e.image) != image
    assert e.figure.axes[0].get_title() == f"{name}: value {value:.4f}"


def test_explorer_rejects_unknown_or_non_elementwise_activations():
    with pytest.raises(ValueError, match="swish"):
        widgets.activation_explorer(["sigmoid", "swish"])
    with pytest.raises(ValueError, match="softmax"):
        widgets.activation_explorer(["softmax"])
    with pytest.raises(ValueError, match="at least one"):
        widgets.activation_explorer([])


def test_widget_pictures_have_a_text_alternative_that_follows_the_state(data):
    X, y = data
    stepper = widgets.perceptron_stepper(X, y, lr=1.0, seed=0)
    assert "decision line 0.00 x1 + 0.00 x2 + 0.00 = 0" in stepper.caption.value
    stepper.epoch_button.click()
    w, b = stepper.perceptron.w, stepper.perceptron.b
    assert f"decision line {w[0]:.2f} x1 + {w[1]:.2f} x2 + {b:.2f} = 0" in stepper.caption.value
    explorer = widgets.activation_explorer()
    explorer.dropdown.value = "tanh"
    explorer.slider.value = 0.0
    assert "the tanh curve with the point z = 0.00" in explorer.caption.value
    assert "slope 1.0000" in explorer.caption.value


def _draw_line(slope=1.0):
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, slope])
    ax.set_title(f"slope {slope:.1f}")
    return fig


def test_interactive_view_redraws_its_figure_when_a_control_moves():
    view = widgets.interactive_view(_draw_line, slope=W.FloatSlider(value=1.0, min=0, max=3))
    first = view.image.value
    assert bytes(first).startswith(b"\x89PNG") and "Picture: slope 1.0" in view.caption.value
    view.controls["slope"].value = 2.5
    assert view.image.value != first and "Picture: slope 2.5" in view.caption.value
    assert view.values == {"slope": 2.5}
    assert plt.get_fignums() == [], "the drawn figures are closed, not shown twice"
    assert view.text.layout.display == "none"


def test_interactive_view_shows_text_results_and_rejects_bad_controls():
    view = widgets.interactive_view(lambda n=2: f"{n} < 3 & more", n=W.IntSlider(value=2))
    assert view.text.value == "<pre>2 &lt; 3 &amp; more</pre>"
    view.controls["n"].value = 5
    assert "5 &lt; 3" in view.text.value and view.image.layout.display == "none"
    with pytest.raises(ValueError, match="at least one control"):
        widgets.interactive_view(lambda: "x")
    with pytest.raises(TypeError, match="control 'n' must be an ipywidgets value widget"):
        widgets.interactive_view(lambda n: "x", n=3)


def _laid_out_figure():
    """A constrained-layout figure whose layout depends on its texts: long tick labels on
    a log scale, a legend outside the axes, titles, on an Agg canvas (as the explorers')."""
    fig = Figure(figsize=(6.0, 3.0), layout="constrained")
    FigureCanvasAgg(fig)
    left, right = fig.subplots(1, 2)
    left.semilogy(np.arange(10), 10.0 ** -np.arange(10), "o-", label="a long label here")
    left.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    right.plot([0, 1], [1e5, 3e5])
    fig.suptitle("laid out")
    return fig


@pytest.mark.parametrize("dpi", [80, 160])
def test_figure_png_is_the_picture_savefig_prints(dpi):
    """Of twin figures: constrained layout starts from the figure's last layout, so a
    figure's first picture may differ from its next ones, printed either way."""
    printed, saved = _laid_out_figure(), _laid_out_figure()
    for _ in range(2):  # the first layout, then one from a laid-out figure
        buffer = io.BytesIO()
        saved.savefig(buffer, format="png", dpi=dpi)
        png = widgets.figure_png(printed, dpi=dpi)
        assert np.array_equal(pixels(png), pixels(buffer.getvalue()))
        assert printed.dpi == 100  # put back: only the picture is drawn at dpi


def test_figure_png_goes_through_savefig_when_savefig_settings_crop():
    printed, saved = _laid_out_figure(), _laid_out_figure()
    with matplotlib.rc_context({"savefig.bbox": "tight"}):
        buffer = io.BytesIO()
        saved.savefig(buffer, format="png", dpi=80)
        png = widgets.figure_png(printed)
    assert np.array_equal(pixels(png), pixels(buffer.getvalue()))
    assert pixels(png).shape[:2] != (240, 480)  # cropped to its contents, not 6 x 3 inches
