"""Text the students control, as inert HTML: it can show, never run, load or link.

- plain text: every invisible character shown as a visible escape
  (:func:`~course.grading.report.visible`), then HTML-escaped (:func:`text_html`,
  :func:`line_html`);
- markdown through markdown-it with raw HTML escaped and links and images shown as their
  text; a ``<details><summary>S</summary>`` line and its ``</details>`` line, as the
  lessons write them, become a folded part rebuilt without attributes
  (:func:`markdown_html`);
- math converted to MathML in Python (latex2mathml), kept only when it is MathML elements
  with layout attributes of plain values, else shown as its TeX;
- Python source coloured by Pygments' token classes, or plain (:func:`code_html`).

The feedback pages (:mod:`course.grading.feedback`) are made of these.
"""

from __future__ import annotations

import functools
import html
import re
from typing import TYPE_CHECKING
from xml.etree import ElementTree

from course.grading.report import visible

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

#: the longest formula converted to MathML, in characters; a longer one shows as TeX
MATH_CHARS = 2_000
_DETAILS_OPEN = re.compile(r"[ \t]*<details>[ \t]*<summary>(.*?)</summary>[ \t]*")
_DETAILS_CLOSE = re.compile(r"[ \t]*</details>[ \t]*")
#: an ``&`` that starts no character reference XML knows (latex2mathml copies ``&`` raw)
_BARE_AMP = re.compile(r"&(?!#[0-9]+;|#x[0-9a-fA-F]+;|(?:lt|gt|amp|quot|apos);)")
_MATHML = frozenset(
    {
        "math",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "mtable",
        "mtr",
        "mtd",
        "mpadded",
        "mphantom",
        "menclose",
        "merror",
    }
)
_MATHML_ATTRIBUTES = frozenset(
    {
        "display",
        "mathvariant",
        "stretchy",
        "fence",
        "form",
        "separator",
        "minsize",
        "maxsize",
        "largeop",
        "movablelimits",
        "symmetric",
        "accent",
        "accentunder",
        "lspace",
        "rspace",
        "width",
        "height",
        "depth",
        "linebreak",
        "displaystyle",
        "scriptlevel",
        "columnalign",
        "columnspacing",
        "rowspacing",
        "columnlines",
        "rowlines",
        "frame",
        "notation",
        "linethickness",
        "rowalign",
    }
)
_ATTRIBUTE_VALUE = re.compile(r"[\w .%#+-]{0,40}")


def text_html(text: str) -> str:
    """Text of many lines as HTML: :func:`visible_lines`, HTML-escaped."""
    return html.escape(visible_lines(text), quote=False)


def visible_lines(text: str) -> str:
    """``text`` with every invisible character shown (:func:`visible`) but newlines and tabs."""
    return "\n".join("\t".join(map(visible, x.split("\t"))) for x in text.split("\n"))


def line_html(text: str) -> str:
    """Text of one line (a name, a reason): :func:`visible`, HTML-escaped."""
    return html.escape(visible(text), quote=False)


def markdown_html(source: str) -> str:
    """Markdown as HTML: raw HTML escaped, math as MathML, links and images as text, and
    each ``<details><summary>S</summary>`` ... ``</details>`` line pair a folded part."""
    md = _renderer()
    source = visible_lines(source)
    parts: list[str] = []
    chunk: list[str] = []
    depth = 0
    for line in source.split("\n"):
        opened = _DETAILS_OPEN.fullmatch(line)
        closed = _DETAILS_CLOSE.fullmatch(line) is not None and depth > 0
        if not (opened or closed):
            chunk.append(line)
            continue
        parts.append(md.render("\n".join(chunk)))
        chunk = []
        if opened:
            depth += 1
            parts.append(f"<details><summary>{md.renderInline(opened.group(1))}</summary>")
        else:
            depth -= 1
            parts.append("</details>")
    parts.append(md.render("\n".join(chunk)))
    return "".join(parts) + "</details>" * depth


@functools.cache
def _renderer() -> MarkdownIt:
    """CommonMark with tables, strikethrough and ``$``/``$$`` math; no raw HTML, no links."""
    from markdown_it import MarkdownIt  # imported here: only a run with --feedback needs it
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"html": False, "linkify": False})
    md.enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_digits=False, double_inline=True)

    def inline(self, tokens, idx, options, env):  # noqa: ANN001, ANN202  markdown-it's rule
        return _math(tokens[idx].content, display=tokens[idx].type == "math_inline_double")

    def block(self, tokens, idx, options, env):  # noqa: ANN001, ANN202
        return _math(tokens[idx].content, display=True, tag="div")

    def link(self, tokens, idx, options, env):  # noqa: ANN001, ANN202
        return '<span class="link">' if tokens[idx].type == "link_open" else "</span>"

    def image(self, tokens, idx, options, env):  # noqa: ANN001, ANN202
        alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
        return f'<span class="link">[image: {html.escape(alt)}]</span>'

    for name in ("math_inline", "math_inline_double"):
        md.add_render_rule(name, inline)
    for name in ("math_block", "math_block_label"):
        md.add_render_rule(name, block)
    md.add_render_rule("link_open", link)
    md.add_render_rule("link_close", link)
    md.add_render_rule("image", image)
    return md


def _math(tex: str, display: bool, tag: str = "span") -> str:
    """A formula as MathML in ``<tag>`` (only MathML elements and layout attributes kept),
    or as its TeX in ``<code>`` when it is too long or cannot be converted."""
    if len(tex) <= MATH_CHARS:
        from latex2mathml.converter import convert

        try:
            mathml = convert(tex, display="block" if display else "inline")
            tree = ElementTree.fromstring(_BARE_AMP.sub("&amp;", mathml))
            return f'<{tag} class="math">{_mathml(tree)}</{tag}>'
        except Exception:  # any TeX it cannot convert, or converts to what is not MathML
            pass
    return f'<{tag} class="tex"><code>{html.escape(tex)}</code></{tag}>'


def _mathml(element: ElementTree.Element) -> str:
    """``element`` written again with only :data:`_MATHML_ATTRIBUTES` of plain values, text
    escaped; ValueError for an element not in :data:`_MATHML` (``\\text{<b>x</b>}``)."""
    name = element.tag.rpartition("}")[2]
    if name not in _MATHML:
        raise ValueError(f"not MathML: {name}")
    attributes = "".join(
        f' {key}="{html.escape(value)}"'
        for key, value in element.attrib.items()
        if key in _MATHML_ATTRIBUTES and _ATTRIBUTE_VALUE.fullmatch(value)
    )
    if name == "math":
        attributes = ' xmlns="http://www.w3.org/1998/Math/MathML"' + attributes
    inner = html.escape(element.text or "") + "".join(_mathml(child) for child in element)
    return f"<{name}{attributes}>{inner}</{name}>" + html.escape(element.tail or "")


def code_html(source: str, colour: bool) -> str:
    """Python source as escaped HTML, with Pygments' token classes when ``colour``."""
    if not colour:
        return text_html(source)
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    return highlight(visible_lines(source), PythonLexer(), HtmlFormatter(nowrap=True)).rstrip("\n")
