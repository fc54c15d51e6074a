"""Explorers for the reader of the static book: precomputed states, switched in the page.

A page of the book has no kernel, so a live explorer's controls would move while its picture
stays. When the book is built (``course book`` sets ``COURSE_STATIC_EXPLORERS=1`` for the
kernels that execute the lessons), an explorer is displayed as its **reader view**: it is
drawn once at each state its lesson asks the reader to try, and the page switches between
the drawings with no kernel and nothing remote. Each control is an ipywidgets selection (its
``index`` is the state shown); one ``Stack`` per control level holds the drawings, and its
``selected_index`` follows the control's ``index`` through ``jslink``, a link the widget
manager of the static page keeps working in the browser.

In JupyterLab nothing changes: ``COURSE_STATIC_EXPLORERS`` is unset and explorers are live.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from course.reader_edition import static_pages

#: the most states one reader view may hold (each is a picture in the page)
MAX_STATES = 120
#: the width, in pixels, of a precomputed picture (twice its displayed width at most)
PICTURE_WIDTH = 900
#: the longest label a slider's readout shows whole; longer ones get a menu
READOUT_CHARS = 8
#: colours kept in a precomputed picture (a palette PNG is a third of a full-colour one)
PICTURE_COLOURS = 96


@dataclass(frozen=True)
class Axis:
    """One control of the reader view, named ``name``: ``apply(value)`` puts the live
    explorer in the state of each of ``values`` in turn; ``current`` is the value it is in
    now (shown first); ``labels`` are what the reader's control shows and announces
    (default: the values)."""

    name: str
    values: Sequence[Any]
    apply: Callable[[Any], None]
    current: Any = None
    labels: Sequence[str] | None = None

    def shown(self) -> list[str]:
        """The labels of the values, as the reader's control shows and announces them."""
        if self.labels is not None:
            return list(self.labels)
        return [_label(value) for value in self.values]


def control_axis(
    control: W.ValueWidget, values: Sequence[Any], labels: Sequence[str] | None = None
) -> Axis:
    """The axis that sets a live ``control`` to each of ``values``, named as the control."""

    def apply(value: Any) -> None:
        control.value = value

    name = getattr(control, "description", "") or "choice"
    return Axis(name, list(values), apply, control.value, labels)


def _label(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)


def small_png(png: bytes, pixels: int = PICTURE_WIDTH, colours: int = PICTURE_COLOURS) -> bytes:
    """``png`` at most ``pixels`` wide, with ``colours`` colours: the same picture in a third
    of the bytes, since a reader view holds dozens of them."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    if picture.width > pixels:
        height = round(picture.height * pixels / picture.width)
        picture = picture.resize((pixels, height), Image.Resampling.LANCZOS)
    picture = picture.quantize(colours, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    picture.save(out, format="png", optimize=True)
    return out.getvalue()


def _control(axis: Axis, index: int) -> W.ValueWidget:
    """The reader's control for ``axis``: a slider over numbers with short labels, a menu
    otherwise, both named by the live control's description and announcing the label
    shown."""
    labels = axis.shown()
    name = axis.name
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in axis.values)
    short = max(map(len, labels)) <= READOUT_CHARS  # a slider's readout shows no more
    kind = W.SelectionSlider if numeric and short and len(labels) > 2 else W.Dropdown
    control = kind(
        options=labels, index=index, description=name, style={"description_width": "initial"}
    )
    if kind is W.SelectionSlider:
        control.continuous_update = True
    control.tooltip = f"{name}: {len(labels)} precomputed values"
    return control


def _index_of(axis: Axis) -> int:
    """The state the live explorer is in, or the first one."""
    current = axis.current
    for i, value in enumerate(axis.values):
        if value == current or (
            isinstance(value, float) and isinstance(current, float) and math.isclose(value, current)
        ):
            return i
    return 0


def reader_view(
    axes: Sequence[Axis],
    capture: Callable[[], list[W.Widget]],
    *,
    what: str = "explorer",
    held: Callable[[], AbstractContextManager] | None = None,
) -> W.VBox:
    """The reader view of an explorer: for every combination of the axes' values, set the
    live controls (the explorer redraws) and ``capture()`` new widgets showing the drawing
    (its picture, caption and readout); then stack them under one control per axis.

    ``held()``, when given, is a context in which the explorer redraws once, at its end,
    however many controls change (else each control's change redraws); it is used only
    when there are several axes, since with one a state changes one control.
    The live explorer is put back as it was, so the explorer's state (read by the
    lesson's asserts) is the one displayed first.
    """
    if not axes:
        raise ValueError("a reader view needs at least one axis (a control and its values)")
    states = math.prod(len(axis.values) for axis in axes)
    if states > MAX_STATES:
        raise ValueError(
            f"the reader view of the {what} would hold {states} states; at most {MAX_STATES} "
            "(fewer values per control)"
        )
    indices = [_index_of(axis) for axis in axes]
    controls = [_control(axis, i) for axis, i in zip(axes, indices, strict=True)]
    leaves: dict[tuple[int, ...], W.Widget] = {}
    links: list[W.widgets.widget_link.Link] = []
    hold = held if held is not None and len(axes) > 1 else nullcontext
    for combination in itertools.product(*(range(len(axis.values)) for axis in axes)):
        with hold():
            for axis, i in zip(axes, combination, strict=True):
                axis.apply(axis.values[i])
        leaves[combination] = W.VBox(capture())
    with hold():
        for axis in axes:
            axis.apply(axis.current)

    def stacked(prefix: tuple[int, ...]) -> W.Widget:
        level = len(prefix)
        if level == len(axes):
            return leaves[prefix]
        children = [stacked((*prefix, i)) for i in range(len(axes[level].values))]
        stack = W.Stack(children, selected_index=indices[level])
        links.append(W.jslink((controls[level], "index"), (stack, "selected_index")))
        return stack

    note = W.HTML(
        f"<div style='font-size: 90%'>This {what} shows {states} precomputed states (every "
        f"combination of the values of its {'control' if len(axes) == 1 else 'controls'} "
        "below), switched in the page with no Python running. To try any other value, run "
        "the lesson in JupyterLab: <code>course lab</code>.</div>"
    )
    row = list(controls)
    view = W.VBox([note, W.HBox(row, layout=W.Layout(flex_flow="row wrap")), stacked(())])
    view.links = links  # the browser-side links that switch the drawings, for tests
    return view


def picture_copy(
    image: W.Image,
    alt: str,
    width: str | None = None,
    pixels: int = PICTURE_WIDTH,
    colours: int = PICTURE_COLOURS,
) -> W.HTML:
    """A small copy (``small_png``, at most ``pixels`` wide) of ``image``'s picture, shown
    ``width`` pixels wide (default: as ``image`` is), as an ``<img>`` whose alt text is
    ``alt`` (an ipywidgets ``Image`` has none) in plain words (tags dropped)."""
    data = base64.b64encode(small_png(bytes(image.value), pixels, colours)).decode("ascii")
    text = html.unescape(re.sub(r"<[^>]+>", "", alt)).strip().removeprefix("Picture: ")
    words = html.escape(text, quote=True)
    size = f' width="{html.escape(width or image.width)}"' if (width or image.width) else ""
    return W.HTML(
        f'<img src="data:image/png;base64,{data}" alt="{words}"{size} style="max-width: 100%">'
    )


def html_copy(html: W.HTML) -> W.HTML:
    """A new ``HTML`` widget holding what ``html`` shows now."""
    return W.HTML(html.value, layout=W.Layout(display=html.layout.display))


class ReaderViewMixin:
    """An explorer that the static book displays as its reader view.

    A subclass gives ``reader_axes()`` (the controls and values its lesson asks the reader
    to try), ``reader_capture()`` (new widgets showing the current drawing) and
    ``update()`` (its redraw, which does nothing while ``_holding``); displayed while
    ``static_pages()``, it shows ``reader_view`` of them, built once, from its state at the
    time of display, each state drawn once. Everywhere else it displays as itself, live.
    """

    #: how the reader view's note names the explorer
    reader_name = "explorer"
    #: True inside ``held()``: control changes do not redraw there
    _holding = False

    def reader_axes(self) -> list[Axis]:
        raise NotImplementedError

    def reader_capture(self) -> list[W.Widget]:
        raise NotImplementedError

    def update(self) -> None:
        """Redraw for the controls' current values."""
        raise NotImplementedError

    @contextmanager
    def held(self) -> Iterator[None]:
        """Change several controls, then redraw once, at the end (``redraw_held()``).
        Inside another ``held()`` it adds nothing: the outer one redraws."""
        if self._holding:
            yield
            return
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        self.redraw_held()

    def redraw_held(self) -> None:
        """The one redraw that ends ``held()``: ``update()``."""
        self.update()

    def reader(self) -> W.VBox:
        """The reader view (built on first use)."""
        if getattr(self, "_reader", None) is None:
            self._reader = reader_view(
                self.reader_axes(), self.reader_capture, what=self.reader_name, held=self.held
            )
        return self._reader

    def _repr_mimebundle_(self, **kwargs: Any) -> dict | None:
        if static_pages():
            return self.reader()._repr_mimebundle_(**kwargs)
        # the widget class this mixin is combined with (W.VBox) has it; the mixin alone has not
        return super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]


#: the controls that choose one of their options
SELECTIONS = (W.Dropdown, W.RadioButtons, W.Select, W.SelectionSlider, W.ToggleButtons)


def default_values(control: W.ValueWidget, most: int = 9) -> list[Any]:
    """The values a reader view tries for ``control`` when its lesson names none: every
    option of a menu, off and on for a checkbox, and for a slider every step when there are
    at most ``most``, else ``most`` values from its minimum to its maximum (doubling when the
    range spans a factor of 16 or more) with its current value among them."""
    if isinstance(control, (W.Checkbox, W.ToggleButton)):
        return [False, True]
    if isinstance(control, SELECTIONS):
        return [o[1] if isinstance(o, tuple) and len(o) == 2 else o for o in control.options]
    if not isinstance(control, (W.IntSlider, W.FloatSlider, W.FloatLogSlider)):
        raise TypeError(
            f"no default reader values for a {type(control).__name__}: give them, e.g. "
            "reader={'name': [values]}"
        )
    low, high, current = control.min, control.max, control.value
    if isinstance(control, W.FloatLogSlider):
        low, high = control.base**low, control.base**high
    integer = isinstance(control, W.IntSlider)
    if integer and (high - low) // control.step + 1 <= most:
        return list(range(low, high + 1, control.step))
    if low > 0 and high / low >= 16:
        values = [low * 2.0**k for k in range(int(math.log2(high / low)) + 1)]
        values = values if len(values) <= most else values[:: math.ceil(len(values) / most)]
    else:
        values = [low + (high - low) * k / (most - 1) for k in range(most)]
    values = sorted({*(round(v) if integer else round(v, 10) for v in values), current})
    return values
