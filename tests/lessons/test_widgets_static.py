"""The explorers' reader views: precomputed states that a static page switches between.

In the book (``COURSE_STATIC_EXPLORERS=1``) an explorer displays as a reader view: one
control per axis, a Stack of drawings per level whose ``selected_index`` follows the
control's ``index`` through a ``jslink`` (so the page needs no kernel), and a note saying
how many states it holds. The pages themselves are tested in Chromium (test_browser.py).
"""

from __future__ import annotations

import re

import ipywidgets as W
import numpy as np
import pytest

import dlcore as dl
from course.reader_edition import STATIC_ENV, static_pages
from course.widgets import interactive_view, learning_rate_explorer, perceptron_stepper
from course.widgets.static import MAX_STATES, control_axis, default_values, reader_view


@pytest.fixture
def pictures(monkeypatch) -> list[int]:
    """Counts the pictures the explorers draw (``figure_png`` calls), in ``pictures[0]``."""
    import sys

    from course.widgets import base

    drawn, draw = [0], base.figure_png

    def counted(*args, **kwargs):
        drawn[0] += 1
        return draw(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("course.widgets") and getattr(module, "figure_png", None) is draw:
            monkeypatch.setattr(module, "figure_png", counted)
    return drawn


def _stacks(widget: W.Widget) -> list[W.Stack]:
    found = [widget] if isinstance(widget, W.Stack) else []
    for child in getattr(widget, "children", ()):
        found += _stacks(child)
    return found


def _links_to(view: W.VBox, target: W.Widget) -> list[W.Widget]:
    """The widgets the reader view jslinks to ``target``'s selected_index."""
    return [link.source[0] for link in view.links if link.target == (target, "selected_index")]


def test_the_switch_is_the_environment_variable(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    assert not static_pages()
    monkeypatch.setenv(STATIC_ENV, "1")
    assert static_pages()


def test_a_reader_view_holds_every_combination_linked_to_its_controls():
    a, b = W.IntSlider(value=2, min=1, max=3, description="a"), W.Dropdown(options=["x", "y"])
    b.description = "b"
    seen = []

    def capture():
        seen.append((a.value, b.value))
        return [W.HTML(f"{a.value}{b.value}")]

    view = reader_view([control_axis(a, [1, 2, 3]), control_axis(b, ["x", "y"])], capture)
    assert sorted(seen) == [(i, s) for i in (1, 2, 3) for s in ("x", "y")]
    assert (a.value, b.value) == (2, "x"), "the live controls are put back"
    note, row, top = view.children
    assert "6 precomputed states" in note.value and "course lab" in note.value
    slider, menu = row.children
    assert isinstance(slider, W.SelectionSlider) and slider.options == ("1", "2", "3")
    assert slider.index == 1 and slider.description == "a" and menu.description == "b"
    assert top.selected_index == 1 and len(top.children) == 3
    assert _links_to(view, top) == [slider]
    for i, inner in enumerate(top.children):
        assert _links_to(view, inner) == [menu]
        texts = [leaf.children[0].value for leaf in inner.children]
        assert texts == [f"{i + 1}x", f"{i + 1}y"]


def test_a_reader_view_refuses_too_many_states():
    big = W.IntSlider(min=0, max=1000)
    with pytest.raises(ValueError, match=f"would hold 1001 states; at most {MAX_STATES}"):
        reader_view([control_axis(big, range(1001))], list)


@pytest.mark.parametrize(
    ("control", "values"),
    [
        (W.IntSlider(value=3, min=1, max=6), [1, 2, 3, 4, 5, 6]),
        (W.IntSlider(value=4096, min=256, max=16384, step=256), [256, 512, 1024, 2048, 4096,
                                                                  8192, 16384]),
        (W.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.05), [0.0, 0.125, 0.25, 0.3, 0.375,
                                                                  0.5, 0.625, 0.75, 0.875, 1.0]),
        (W.Checkbox(value=True), [False, True]),
        (W.Dropdown(options=[("one", 1), ("two", 2)]), [1, 2]),
    ],
)  # fmt: skip
def test_default_values_cover_a_control_with_its_current_value(control, values):
    assert default_values(control) == values


def test_in_the_book_the_learning_rate_explorer_displays_its_reader_view(monkeypatch, pictures):
    monkeypatch.setenv(STATIC_ENV, "1")
    explorer = learning_rate_explorer(surface="valley", lr=0.19, steps=30)
    pictures[0] = 0
    bundle = explorer._repr_mimebundle_()
    assert pictures[0] == 32 + 1, "one picture per state, and one back at the start"
    shown = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    view = explorer.reader()
    assert shown == view.model_id != explorer.model_id
    assert "32 precomputed states" in view.children[0].value
    menu, lr, momentum = view.children[1].children
    assert (menu.description, lr.description, momentum.description) == ("loss", "η", "momentum μ")
    assert {"0.19", "0.21", "0.6"} <= set(lr.options) and lr.value == "0.19"
    assert momentum.options == ("0", "0.9")
    # the live explorer is back at its opening state, which the lesson asserts on
    assert explorer.lr.value == 0.19 and explorer.surface.name == "valley"
    assert not explorer.diverged
    pictures = [leaf.children[0].value for s in _stacks(view) for leaf in s.children
                if isinstance(leaf, W.VBox)]  # fmt: skip
    assert len(pictures) == 32 and len(set(pictures)) == 32, "every state draws its own picture"
    assert all(p.startswith('<img src="data:image/png;base64,') for p in pictures)
    assert sum(map(len, pictures)) < 2_000_000
    alts = [re.search(r'alt="([^"]*)"', p).group(1) for p in pictures]
    assert all(a.startswith("Gradient descent on ") for a in alts), alts[0]
    assert any("learning rate 0.21 and momentum 0.90" in a for a in alts)


def test_outside_the_book_an_explorer_displays_itself_live(monkeypatch):
    monkeypatch.delenv(STATIC_ENV, raising=False)
    explorer = learning_rate_explorer()
    shown = explorer._repr_mimebundle_()["application/vnd.jupyter.widget-view+json"]
    assert shown["model_id"] == explorer.model_id


def test_the_steppers_reader_view_replays_updates_epochs_and_clicks(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    X, y = dl.datasets.make_linear(n_samples=60, seed=0)
    stepper = perceptron_stepper(X, y, updates=2)
    opening = stepper.shown
    (axis,) = stepper.reader_axes()
    updates = {i + 1 for i, s in enumerate(stepper.steps) if s.updated}
    assert {0, len(stepper.steps)} | updates <= set(axis.values)
    assert set(range(opening, opening + 21)) & set(range(len(stepper.steps) + 1)) <= set(
        axis.values
    )
    view = stepper.reader()
    (menu,) = view.children[1].children  # labels too long for a slider's readout
    assert isinstance(menu, W.Dropdown) and len(menu.options) == len(axis.values)
    assert menu.value == axis.shown()[axis.values.index(opening)]
    assert stepper.shown == opening and stepper.last.updated
    labels = axis.shown()
    assert labels[0] == "start" and any(label.endswith("(update)") for label in labels)


def test_interactive_view_takes_the_lessons_reader_values(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    view = interactive_view(
        lambda k, on: f"k = {k}, {on}",
        k=W.IntSlider(value=2, min=0, max=50, description="k"),
        on=W.Checkbox(value=False, description="on"),
        reader={"k": (1, 2, 5)},
    )
    reader = view.reader()
    assert "6 precomputed states" in reader.children[0].value
    texts = [leaf.children[0].value for s in _stacks(reader) for leaf in s.children
             if isinstance(leaf, W.VBox)]  # fmt: skip
    assert "k = 5, True" in texts[-1] and len(texts) == 6
    with pytest.raises(ValueError, match=r"reader values for \['x'\]"):
        interactive_view(lambda k: "", k=W.IntSlider(), reader={"x": (1,)})


def test_a_small_picture_is_narrower_and_lighter():
    import io

    from PIL import Image

    from course.widgets.static import PICTURE_WIDTH, small_png

    explorer = learning_rate_explorer()
    png = bytes(explorer.image.value)
    small = small_png(png)
    width = Image.open(io.BytesIO(small)).width
    assert width == PICTURE_WIDTH and len(small) < len(png) / 2
    assert np.asarray(Image.open(io.BytesIO(small)).convert("RGB")).std() > 10  # not blank


def test_the_forward_explorers_reader_view_holds_the_lessons_moves(monkeypatch, pictures):
    from course.widgets.forward import READER_VALUES, default_network, forward_explorer

    monkeypatch.setenv(STATIC_ENV, "1")
    explorer = forward_explorer(default_network(), x=(1.0, 0.5))
    explorer.weight_sliders[(0, 0, 1)].value = 1.0  # the lesson's move before display
    axes = explorer.reader_axes()
    assert [a.name for a in axes] == list(READER_VALUES)
    pictures[0] = 0
    view = explorer.reader()
    states = int(np.prod([len(a.values) for a in axes]))
    assert pictures[0] == states + 1, "one picture per state, and one back at the start"
    assert [c.value for c in view.children[1].children] == ["1", "0.5", "1", "1.5"]
    assert np.isclose(explorer.output[0], 0.2689414), "the displayed state is the live one"


def test_the_dashboards_reader_view_covers_what_lesson_10_teaches():
    from course.widgets import vanishing_dashboard
    from course.widgets.vanishing import ACTIVATIONS, INITS

    axes = vanishing_dashboard(epochs=1).reader_axes()
    assert [a.name for a in axes] == ["depth", "activation", "init", "BatchNorm", "residual"]
    assert [list(a.values) for a in axes[1:3]] == [list(ACTIVATIONS), list(INITS)]
    assert list(axes[0].values) == [20, 50] and axes[3].shown() == ["off", "on"]
    assert np.prod([len(a.values) for a in axes]) <= MAX_STATES


def test_the_playgrounds_reader_view_trains_each_state_and_leaves_it_trained(monkeypatch, pictures):
    from course.widgets import playground

    monkeypatch.setenv(STATIC_ENV, "1")
    pg = playground(dataset="circles", hidden=(16,), activation="tanh", seed=0,
                    lock={"dataset": "circles"})  # fmt: skip
    before = (pg.test_accuracy, pg.epochs_trained)
    pictures[0] = 0
    view = pg.reader()
    assert pictures[0] == 8 + 1, "each state trained and drawn once, then the live one"
    assert "8 precomputed states" in view.children[0].value
    hidden, activation = view.children[1].children
    assert hidden.options == ("none", "2", "16", "16, 16") and hidden.value == "16"
    assert (pg.test_accuracy, pg.epochs_trained) == before


def test_held_changes_redraw_once_per_state():
    import contextlib

    a, b = W.IntSlider(value=0, max=2, description="a"), W.IntSlider(value=0, max=2)
    b.description = "b"
    draws, holding = [], [False]

    def draw(_=None):
        if not holding[0]:
            draws.append((a.value, b.value))

    a.observe(draw, names="value")
    b.observe(draw, names="value")

    @contextlib.contextmanager
    def held():
        holding[0] = True
        yield
        holding[0] = False
        draw()

    axes = [control_axis(a, [0, 1, 2]), control_axis(b, [0, 1, 2])]
    reader_view(axes, list, held=held)
    assert len(draws) == 9 + 1, "one redraw per state, and one back at the start"
    assert draws[-1] == (0, 0) and sorted(set(draws[:-1])) == [(i, j) for i in range(3)
                                                                 for j in range(3)]  # fmt: skip
    draws.clear()
    reader_view(axes, list)
    assert len(draws) > 10, "without held, a state with two changes redraws twice"
