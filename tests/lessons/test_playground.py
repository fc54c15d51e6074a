"""The playground driven headless: controls, locking, training, reset, own points, errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import ipywidgets as W  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dlcore as dl  # noqa: E402
from course.widgets.playground import (  # noqa: E402
    ACTIVATIONS,
    CONTROLS,
    DATASETS,
    LEARNING_RATES,
    Playground,
    parse_hidden,
    playground,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: a short run, to keep the tests quick
FAST = {"epochs": 60}


def png(pg: Playground) -> bytes:
    data = bytes(pg.image.value)
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000
    return data


def grid_classes(pg: Playground) -> np.ndarray:
    """The network's class on a grid of the plane: the picture's regions, as numbers."""
    g = np.linspace(-1.5, 1.5, 25)
    points = np.array([[a, b] for a in g for b in g])
    return (pg.model.predict(points)[:, 0] >= 0.5).astype(int)


def test_the_playground_has_every_control_with_its_default_value():
    pg = playground(train=False)
    assert isinstance(pg, W.VBox)
    assert set(pg.controls) == set(CONTROLS)
    assert pg.controls["dataset"].options == tuple(DATASETS)
    assert set(DATASETS) == {"linear", "circles", "xor", "spirals", "own"}
    assert pg.controls["activation"].options == ACTIVATIONS
    assert pg.controls["learning_rate"].options == LEARNING_RATES
    assert pg.values == {**CONTROLS, "hidden": (4,)}
    assert [b.description for b in (pg.train_button, pg.reset_button)] == ["Train", "Reset"]
    assert [b.description for b in (pg.add_button, pg.clear_button)] == [
        "Add point",
        "Clear points",
    ]
    assert pg.history is None and pg.epochs_trained == 0
    assert [layer.W.shape for layer in pg.model.layers] == [(2, 4), (4, 1)]
    assert "not trained" in pg.caption.value or pg.loss == []
    png(pg)


def test_training_changes_the_boundary_and_lifts_the_test_accuracy_above_the_baseline():
    pg = playground(train=False)
    before, acc_before, picture = grid_classes(pg), pg.test_accuracy, png(pg)
    pg.train_button.click()
    assert pg.epochs_trained == CONTROLS["epochs"] and len(pg.loss) == CONTROLS["epochs"]
    assert pg.loss[-1] < pg.loss[0] / 3
    assert len(pg.test_loss) == len(pg.loss)
    assert not np.array_equal(grid_classes(pg), before)
    assert pg.test_accuracy > max(acc_before, pg.baseline + 0.3)
    assert f"test accuracy {pg.test_accuracy:.0%}" in pg.status.value
    assert png(pg) != picture


def test_train_continues_and_reset_starts_again_from_the_same_weights():
    pg = playground(**FAST, train=False)
    W0 = pg.model.layers[0].W.copy()
    pg.train()
    pg.train()
    assert pg.epochs_trained == 120 and len(pg.loss) == 120
    pg.reset_button.click()
    assert pg.epochs_trained == 0 and pg.history is None and pg.loss == []
    np.testing.assert_array_equal(pg.model.layers[0].W, W0)


def test_a_hidden_free_network_is_a_line_and_fails_on_xor_where_a_hidden_layer_succeeds():
    line = playground(dataset="xor", hidden=())
    assert len(line.model.layers) == 1  # one sigmoid unit: a linear classifier
    net = playground(dataset="xor", hidden=(4,))
    assert line.test_accuracy <= 0.8 < 0.95 <= net.test_accuracy


def test_changing_a_control_rebuilds_the_network_untrained():
    pg = playground(**FAST)
    pg.controls["hidden"].value = "3, 2"
    assert [layer.W.shape for layer in pg.model.layers] == [(2, 3), (3, 2), (2, 1)]
    assert pg.epochs_trained == 0
    pg.set(activation="relu", dataset="spirals", noise=0.0)
    assert pg.model.layers[0].activation.name == "relu"
    X, y, X_test, y_test = pg.data()
    np.testing.assert_array_equal(X_test, dl.datasets.make_spirals(200, noise=0.0, seed=0)[0][100:])


def test_a_mapping_sets_and_locks_controls_which_are_hidden_and_cannot_change():
    pg = playground(lock={"dataset": "xor", "hidden": (2,)}, **FAST, train=False)
    assert pg.values["dataset"] == "xor" and pg.values["hidden"] == (2,)
    assert pg.locked == {"dataset": "xor", "hidden": (2,)}
    assert pg.controls["dataset"].layout.display == "none"
    assert pg.controls["noise"].layout.display != "none"
    pg.controls["dataset"].value = "circles"  # as if through the front end
    pg.controls["hidden"].value = "8"
    assert pg.values["dataset"] == "xor" and pg.values["hidden"] == (2,)
    with pytest.raises(ValueError, match="dataset is locked at 'xor'"):
        pg.set(dataset="spirals")
    pg.set(noise=0.2)  # an unlocked control still moves
    assert pg.values["noise"] == 0.2
    assert "Fixed by the teacher: dataset = xor, hidden = 2" in pg.status.value


def test_a_list_of_names_locks_the_values_given_as_arguments():
    pg = playground(dataset="linear", learning_rate=0.1, lock=["dataset", "learning_rate"],
                    train=False)  # fmt: skip
    assert pg.locked == {"dataset": "linear", "learning_rate": 0.1}
    pg.controls["learning_rate"].value = 1.0
    assert pg.values["learning_rate"] == 0.1


def test_own_points_join_the_training_data_and_can_be_cleared():
    pg = playground(dataset="own", train=False, **FAST)
    pg.train()
    assert "at least one point of each class" in pg.status.value and pg.epochs_trained == 0
    for x1, x2, label in [(0, 0, 0), (1, 1, 0), (0, 1, 1), (1, 0, 1)]:
        pg._x1.value, pg._x2.value, pg._label.value = x1, x2, label
        pg.add_button.click()
    X, y, X_test, _ = pg.data()
    assert X.tolist() == [[0, 0], [1, 1], [0, 1], [1, 0]] and y.tolist() == [0, 0, 1, 1]
    assert len(X_test) == 0
    pg.set(epochs=400)
    pg.train()
    assert pg.test_accuracy == 1.0  # on the learner's own four points: XOR, learned
    assert "your points accuracy 100%" in pg.status.value
    pg.clear_button.click()
    assert pg.points == [] and len(pg.data()[0]) == 0


def test_an_own_point_is_added_to_a_generated_data_set():
    pg = playground(points=[(0.0, 0.0, 0)], train=False)
    X, y, _, _ = pg.data()
    assert len(y) == 101 and X[-1].tolist() == [0.0, 0.0] and y[-1] == 0


def test_points_can_be_locked():
    pg = playground(points=[(0.5, 0.5, 1)], lock=["points"], train=False)
    assert pg.controls["points"].layout.display == "none"
    with pytest.raises(ValueError, match="locked"):
        pg.add_point(0, 0, 1)


def test_a_too_large_learning_rate_shows_in_the_loss():
    good = playground(dataset="xor", **FAST)
    wild = playground(dataset="xor", learning_rate=3.0, **FAST)
    assert wild.loss[-1] > 3 * good.loss[-1]


def test_a_failed_run_becomes_a_message_and_leaves_an_untrained_network(monkeypatch):
    pg = playground(**FAST, train=False)

    def diverge(*args, **kwargs):
        raise ValueError("the loss became nan at epoch 3: training diverged; try a smaller lr")

    monkeypatch.setattr(pg.model, "fit", diverge)
    pg.train_button.click()
    assert pg.epochs_trained == 0 and pg.loss == []
    assert "training diverged" in pg.status.value and "#D55E00" in pg.status.value


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dataset": "moons"}, "dataset must be one of"),
        ({"noise": 2.0}, "noise must be a number between 0 and 0.5"),
        ({"hidden": "four"}, "hidden must list layer sizes"),
        ({"hidden": (0,)}, "1 to 32 units"),
        ({"hidden": (4.5,)}, "whole numbers of units"),
        ({"activation": "softmax"}, "activation must be one of"),
        ({"learning_rate": 0.05}, "learning_rate must be one of"),
        ({"epochs": 5}, "epochs must be a whole number from 10 to 2000"),
        ({"points": [(0, 0, 2)]}, "class must be 0 or 1"),
        ({"points": [(0, 0)]}, r"must be \(x1, x2, class\)"),
        ({"points": [(9, 0, 1)]}, "between -5 and 5"),
        ({"lock": ["colour"]}, r"cannot lock \['colour'\]"),
        ({"lock": {"dataset": "moons"}}, "dataset must be one of"),
        ({"seed": -1}, "seed must be a non-negative integer"),
    ],
)
def test_bad_input_is_named_with_what_was_expected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        playground(train=False, **kwargs)


def test_bad_input_from_the_controls_becomes_a_message_not_an_exception():
    pg = playground(train=False)
    pg.controls["hidden"].value = "4, x"
    assert "hidden must list layer sizes" in pg.status.value
    pg.train_button.click()
    assert pg.epochs_trained == 0 and "hidden must list" in pg.status.value
    pg._x1.value = 7.0
    pg.add_button.click()
    assert "between -5 and 5" in pg.status.value and pg.points == []
    with pytest.raises(ValueError, match="unknown control 'colour'"):
        pg.set(colour="red")


@pytest.mark.parametrize(
    ("text", "sizes"), [("4, 4", (4, 4)), ("8", (8,)), ("", ()), ("2 3", (2, 3)), (5, (5,))]
)
def test_parse_hidden_reads_the_usual_spellings(text, sizes):
    assert parse_hidden(text) == sizes


def test_the_same_seed_gives_the_same_run():
    a, b = playground(**FAST, seed=3), playground(**FAST, seed=3)
    assert a.loss == b.loss and a.test_accuracy == b.test_accuracy
    assert playground(**FAST, seed=4).loss != a.loss


def scattered(pg: Playground) -> dict[str, list[list[float]]]:
    """The points drawn on the picture's data panel, by legend label."""
    return {c.get_label(): c.get_offsets().tolist() for c in pg.figure.axes[0].collections}


def test_the_own_data_set_draws_the_learners_points():
    own = [(0.0, 0.0, 0), (1.0, 1.0, 0), (0.0, 1.0, 1), (1.0, 0.0, 1)]
    pg = playground(dataset="own", points=own, train=False)
    drawn = scattered(pg)
    assert drawn["your points, class 0"] == [[0.0, 0.0], [1.0, 1.0]]
    assert drawn["your points, class 1"] == [[0.0, 1.0], [1.0, 0.0]]
    assert not any(label.startswith(("train", "test")) for label in drawn)


def test_own_points_on_a_generated_data_set_are_drawn_beside_its_points():
    pg = playground(points=[(1.2, 1.2, 1)], train=False)
    drawn = scattered(pg)
    assert drawn["your points, class 1"] == [[1.2, 1.2]]
    assert len(drawn["train, class 0"]) + len(drawn["train, class 1"]) == 100
    assert len(drawn["test, class 0"]) + len(drawn["test, class 1"]) == 100


#: JupyterLab's widget CSS: the label of a widget is 80 px wide unless its style sets
#: ``description_width`` (``"initial"``: as wide as its text), 4 px margins, 13 px font
LABEL_PX, MARGIN_PX, EM_PX, CHAR_PX = 80, 4, 13, 8


def value_room_px(widget: W.Widget) -> float:
    """The width left for a form box's value once its label and margins are drawn."""
    width = widget.layout.width
    assert width.endswith("em"), f"expected a width in em, got {width!r}"
    label = LABEL_PX if not widget.style.description_width else CHAR_PX * len(widget.description)
    return float(width[:-2]) * EM_PX - label - 2 * MARGIN_PX


def test_the_point_form_leaves_room_to_show_x1_x2_and_the_class():
    pg = playground(train=False)
    for box in (pg._x1, pg._x2, pg._label):  # room for "-1.25", or for "1" and the arrow
        assert value_room_px(box) >= 45, f"{box.description}: {value_room_px(box):.0f} px"
    assert pg._label.value == 1 and pg._label.options == (0, 1)
