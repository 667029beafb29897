"""The charts' words drawn in the PDF a label at a time, not a letter at a time.

WeasyPrint draws SVG text letter by letter (each letter laid out by Pango and placed on its own) so that it can
honour per-letter positions, rotations, letter spacing and `textLength`. The charts use none of these: an axis
label, a legend entry or the latest month's figure is one run of text at one place. While a PDF is written,
`whole_words` draws such a run in one piece (laid out once, as a browser and vl-convert do, with the font's
kerning), and leaves any text with per-letter positioning to WeasyPrint. About a fifth of drawing the pages
went on the charts' 500 labels. A WeasyPrint without the names this wraps is left as it is.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from math import inf
from typing import Any, Final

_PER_LETTER: Final = ("dx", "dy", "rotate", "letter-spacing", "textLength", "lengthAdjust")
"""Attributes that place or size letters one by one: text with any of them is drawn by WeasyPrint itself."""

_TAGS: Final = ("text", "tspan")


@contextlib.contextmanager
def whole_words() -> Iterator[None]:
    try:
        from weasyprint import svg

        text_module = importlib.import_module("weasyprint.svg.text")  # the module: `svg.text` is its function
    except ImportError:
        yield
        return
    original: Any = getattr(svg, "text", None)
    tags: Any = getattr(svg, "TAGS", None)
    if not callable(original) or not isinstance(tags, dict) or any(tags.get(t) is not original for t in _TAGS):
        yield
        return
    if not all(hasattr(text_module, name) for name in ("Style", "TextBox", "normalize", "size")):
        yield
        return
    drawn = _drawing(original)
    names = [name for name, function in tags.items() if function is original]
    svg.text = drawn  # draw_node tells text from other nodes by this name: it must stay the same as the tags'
    tags.update(dict.fromkeys(names, drawn))
    try:
        yield
    finally:
        svg.text = original
        tags.update(dict.fromkeys(names, original))


def _drawing(original: Callable[..., None]) -> Callable[..., None]:
    def text(svg: Any, node: Any, font_size: float) -> None:
        if node.tag not in _TAGS or not _one_run(node):
            original(svg, node, font_size)
            return
        _draw_run(svg, node, font_size)

    return text


def _one_run(node: Any) -> bool:
    """Text placed as one piece: at most one x and one y, nothing placed or sized letter by letter."""
    if not node.text or any(name in node.attrib for name in _PER_LETTER):
        return False
    from weasyprint.svg.utils import normalize

    return all(len(normalize(node.attrib.get(axis, "0")).split()) <= 1 for axis in ("x", "y"))


def _draw_run(svg: Any, node: Any, font_size: float) -> None:
    """WeasyPrint's own `svg.text.text` for text without per-letter positions, the letters taken as one."""
    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.text import TextBox
    from weasyprint.svg.utils import normalize, size
    from weasyprint.text.line_break import split_first_line

    style = _style(svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)
    x = size(normalize(node.attrib["x"]).strip(), font_size, svg.inner_width) if "x" in node.attrib else None
    y = size(normalize(node.attrib["y"]).strip(), font_size, svg.inner_height) if "y" in node.attrib else None
    if x:
        svg.cursor_d_position[0] = 0
    if y:
        svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1] + _y_align(node, font_size, height)
    points = ((x_position, y_position - baseline), (x_position + width, y_position - baseline + height))
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, points)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    text_box = TextBox(layout, style)
    text_box.baseline = baseline
    emojis = draw_first_line(svg.stream, text_box, "none", "none", Matrix(a=1, d=-1, e=x_position, f=y_position))
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)


def _style(svg: Any, node: Any, font_size: float) -> Any:
    """The text's style as WeasyPrint's `svg.text.text` builds it."""
    from weasyprint.css.properties import INITIAL_VALUES
    from weasyprint.svg.text import Style

    style = Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")]
    style["font_style"] = node.get("font-style", "normal")
    style["font_size"] = font_size
    if node.get("direction") in ("ltr", "rtl"):
        style["direction"] = node.get("direction")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        style["font_weight"] = 400
    elif weight == "bold":
        style["font_weight"] = 700
    else:
        try:
            style["font_weight"] = int(weight)
        except ValueError:
            style["font_weight"] = 400
    return style


def _y_align(node: Any, font_size: float, height: float) -> float:
    """The text's vertical alignment as WeasyPrint's `svg.text.text` works it out."""
    ascent, descent = font_size * 0.8, font_size * 0.2
    anchor = node.get("display-anchor")
    baseline = node.get("dominant-baseline", node.get("alignment-baseline"))
    if anchor == "middle":
        return -height / 2
    if anchor == "top":
        return 0.0
    if anchor == "bottom":
        return -height
    if baseline in ("central", "middle"):
        return (ascent + descent) / 2 - descent
    if baseline in ("text-before-edge", "before_edge", "top", "hanging", "text-top"):
        return ascent
    if baseline in ("text-after-edge", "after_edge", "bottom", "text-bottom"):
        return -descent
    return 0.0
