"""What every explorer shares: figures drawn off-screen into an ipywidgets ``Image``.

Figures are drawn on matplotlib's Agg canvas (no pyplot) and shown as PNG bytes, so the
widgets work the same in JupyterLab, in a static book page (the last image is saved with the
widget state) and in headless tests.
"""

from __future__ import annotations

import html
import io
from collections.abc import Callable, Sequence
from typing import Any

import ipywidgets as W
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from course.reader_edition import static_pages
from course.widgets.static import (
    Axis,
    ReaderViewMixin,
    control_axis,
    default_values,
    html_copy,
    picture_copy,
)

#: the resolution of a picture on screen; widget images are drawn at twice it (sharp on HiDPI)
SCREEN_DPI = 80
#: displayed width (pixels) of the stepper's 4.6-inch picture, drawn at 2 * SCREEN_DPI
IMAGE_WIDTH = "368"


def _new_figure(figsize: tuple[float, float]) -> Figure:
    """A figure outside pyplot (nothing to close, nothing shown by the notebook backend)."""
    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


#: zlib's level for the pictures an explorer redraws: 1 takes a third less time than the
#: default 6, for about a tenth more bytes (the book's copies are compressed again anyway)
PNG_COMPRESSION = 1
#: the most pixels per inch of a picture drawn for the static book's reader views, which
#: hold dozens of pictures (PICTURE_WIDTH wide at most)
READER_DPI = 100


def figure_png(fig: Figure, dpi: int = 80) -> bytes:
    """The figure rendered as PNG bytes (at most READER_DPI while drawing for the book).

    A figure on an Agg canvas is laid out and drawn once, as its canvas prints it: the
    picture ``savefig`` gives, without the extra drawing (nothing rendered) in which
    ``savefig`` first lays out a figure that has a layout engine, and compressed at
    PNG_COMPRESSION. Other figures, or ``savefig`` settings that crop or recolour, go
    through ``savefig``.
    """
    if static_pages():
        dpi = min(dpi, READER_DPI)
    buffer = io.BytesIO()
    rc = plt.rcParams
    colours = (rc["savefig.facecolor"], rc["savefig.edgecolor"])
    printed_as_drawn = rc["savefig.bbox"] is None and not rc["savefig.transparent"]
    printed_as_drawn = printed_as_drawn and colours == ("auto", "auto")
    if type(fig.canvas) is not FigureCanvasAgg or not printed_as_drawn:
        fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
    shown = fig.dpi
    fig.dpi = dpi
    try:
        fig.canvas.print_png(buffer, pil_kwargs={"compress_level": PNG_COMPRESSION})
    finally:
        fig.dpi = shown
    return buffer.getvalue()


def caption_html(text: str) -> str:
    """A picture's caption, in words: what it shows, for every reader and screen reader.

    (A caption rather than an ``Image`` tooltip: the static book's widget manager cannot
    render an ``Image`` view that has a tooltip.)
    """
    return f'<div style="font-size: 90%; font-style: italic">Picture: {html.escape(text)}</div>'


# ---------------------------------------------------------------- interactive view


class InteractiveView(ReaderViewMixin, W.VBox):
    """Controls and the view they drive, like ``ipywidgets.interactive``.

    ``fn(**values)`` returns a matplotlib Figure, drawn into ``image``, or a string, shown in
    ``text``. Nothing goes through an ``Output`` widget, whose capture of displayed output
    can stall a headless run (papermill, nbval, the book build) until the cell times out.
    ``alt`` is the picture's text alternative; by default the figure's axes titles.
    ``reader`` gives, by control name, the values the static book precomputes (by default
    ``course.widgets.static.default_values`` of each control).
    """

    def __init__(
        self,
        fn: Callable[..., Figure | str],
        controls: dict[str, W.ValueWidget],
        alt: str = "",
        reader: dict[str, Sequence[Any]] | None = None,
    ) -> None:
        self.fn, self.controls, self.alt = fn, controls, alt
        self.reader_values = dict(reader or {})
        unknown = set(self.reader_values) - set(controls)
        if unknown:
            raise ValueError(
                f"reader values for {sorted(unknown)}, which are not controls "
                f"({', '.join(controls)})"
            )
        self.image = W.Image(format="png")
        self.caption = W.HTML()
        self.text = W.HTML()
        for control in controls.values():
            control.observe(lambda _: self.update(), names="value")
        super().__init__([W.HBox(list(controls.values())), self.image, self.caption, self.text])
        self.update()

    def reader_axes(self) -> list[Axis]:
        """One axis per control: its lesson's reader values, or its default values."""
        return [
            control_axis(control, self.reader_values.get(name) or default_values(control))
            for name, control in self.controls.items()
        ]

    def reader_capture(self) -> list[W.Widget]:
        """The picture (or text) and caption on show now."""
        if self.image.layout.display == "none":
            return [html_copy(self.text)]
        return [picture_copy(self.image, self.caption.value), html_copy(self.caption)]

    @property
    def values(self) -> dict[str, Any]:
        """The controls' current values, by argument name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self) -> None:
        """Call ``fn`` with the controls' values and show what it returns."""
        if self._holding:
            return
        result = self.fn(**self.values)
        if isinstance(result, Figure):
            self.image.value = figure_png(result)
            titles = "; ".join(ax.get_title() for ax in result.axes if ax.get_title())
            self.caption.value = caption_html(self.alt or titles)
            plt.close(result)  # shown once, in the widget, not again by the notebook backend
            self.image.layout.display = self.caption.layout.display = None
            self.text.layout.display = "none"
        else:
            self.text.value = f"<pre>{html.escape(str(result))}</pre>"
            self.image.layout.display = self.caption.layout.display = "none"
            self.text.layout.display = None


def interactive_view(
    fn: Callable[..., Figure | str],
    *,
    alt: str = "",
    reader: dict[str, Sequence[Any]] | None = None,
    **controls: W.ValueWidget,
) -> InteractiveView:
    """Controls (``name=widget``) driving ``fn(**values)``, which returns a Figure or text.

    ``reader`` names, by control, the values the static book precomputes for its readers.
    """
    if not controls:
        raise ValueError("interactive_view needs at least one control, e.g. k=IntSlider(...)")
    for name, control in controls.items():
        if not isinstance(control, W.ValueWidget):
            raise TypeError(
                f"control {name!r} must be an ipywidgets value widget (a slider, a dropdown...); "
                f"got {type(control).__name__}"
            )
    return InteractiveView(fn, controls, alt=alt, reader=reader)
