"""The report laid out for print with WeasyPrint: A4, numbered pages, 12 pt text, the summary tables on
landscape pages, each chart (vector SVG) with its figures on one page, two to a page; tagged for screen readers,
its title, author, language and creation date in its metadata, and every table header cell with its /Scope
(a column or a row), so assistive technology reads each cell with its headers."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from cscperf.report.pdf_parts import LaidOut
from cscperf.report.print_svg import lighter_svg
from cscperf.report.svg_text import whole_words

if TYPE_CHECKING:  # not imported at run time: a second process laying out a PDF needs none of the report's engine
    from cscperf.report.contents import ReportContent
    from cscperf.report.rendered import RenderedChart

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}

_FONTS_KEPT: Final = 16
"""Font files kept parsed between PDFs in one process (the report uses four)."""

_CHANGED_BY_WEASYPRINT: Final = ("fvar", "CBDT", "SVG ", "COLR", "sbix")
"""Tables of fonts WeasyPrint alters when it embeds them (variable and colour fonts): such fonts are never kept."""

_parsed_fonts: dict[tuple[bytes, int], Any] = {}

_COMPRESSED_FROM: Final = 256 * 1024
"""Streams this long or longer (the whole font files, 0.7 MB each) are compressed once in a process."""

_compressed: dict[tuple[bytes, int], bytes] = {}


def render_pdf(content: ReportContent, charts: list[RenderedChart]) -> bytes:
    """The report as PDF bytes, laid out in this process. The charts' SVGs are handed to WeasyPrint as files in a
    temporary folder (quicker than data URIs in a large document); nothing else is fetched."""
    from cscperf.report.html import render_html

    return lay_out(render_html(content, charts, print_version=True), charts).pdf


def lay_out(html: str, charts: Iterable[RenderedChart], *, end_before: str | None = None) -> LaidOut:
    """Print HTML (the whole report or one of its parts, see `pdf_parts`) laid out and written as PDF, with its
    page count and the page of each anchor in it; `end_before` an anchor: the pages before the one it is on."""
    return lay_out_svgs(html, chart_files(html, charts), end_before=end_before)


def chart_files(html: str, charts: Iterable[RenderedChart]) -> dict[str, str]:
    """The SVG of each chart the print HTML shows, by its file name (`print_uri`): all a second process needs of
    the charts to lay the HTML out (plain text, so it need not load the report's engine to read them)."""
    return {chart.print_uri: chart.svg for chart in charts if chart.print_uri in html}


def lay_out_svgs(html: str, svgs: Mapping[str, str], *, end_before: str | None = None) -> LaidOut:
    """`lay_out` with the charts given as their SVGs by file name (`chart_files`)."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="cscperf-report-") as folder:
        for name, svg in svgs.items():
            (Path(folder) / name).write_text(lighter_svg(svg), encoding="utf-8")
        return _write_pdf(html, Path(folder).as_uri() + "/", end_before)


def _write_pdf(html: str, base_url: str, end_before: str | None = None) -> LaidOut:
    from weasyprint import HTML

    # whole fonts: subsetting them (with fontTools) costs most of a second for 0.8 MB saved
    options: dict[str, Any] = {"full_fonts": True, "pdf_tags": True}
    with header_scopes(), fonts_parsed_once(), fonts_compressed_once(), whole_words():
        document = HTML(string=html, base_url=base_url).render(font_config=_font_config(), **options)
        anchors: dict[str, int] = {}
        for number, page in enumerate(document.pages, start=1):
            for name in page.anchors:
                anchors.setdefault(name, number)
        if end_before is not None and end_before in anchors:
            document = document.copy(document.pages[: anchors[end_before] - 1])
        pdf = document.write_pdf(**options)
    assert pdf is not None
    return LaidOut(bytes(pdf), len(document.pages), anchors)


@functools.cache
def _font_config() -> Any:
    """One font configuration for every PDF this process writes: the fonts it has found and loaded are kept."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def warm_up() -> None:
    """Find, load and parse the report's fonts (its text, bold, and the charts' font) by writing a one-page PDF,
    so that the report's PDF, written next in this process, finds them ready. For a second process that would
    otherwise wait while the first computes the report's figures."""
    from cscperf.report.chart_fonts import FONT_FAMILY

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    family = FONT_FAMILY.replace('"', "'")
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><text y="15" font-family="{family}">'
           f'Chart <tspan font-weight="bold">1</tspan></text></svg>')  # fmt: skip
    uri = "data:image/svg+xml;charset=utf-8," + quote(svg)
    _write_pdf(f'<html lang="en-GB"><body style="font-family: \'DejaVu Sans\'"><p>Report <b>bold</b> '
               f'</p><img src="{uri}" alt="A chart"></body></html>', "file:///")  # fmt: skip


@contextlib.contextmanager
def fonts_parsed_once() -> Iterator[None]:
    """While a PDF is written, parse each font file (with fontTools, to embed it whole with its widths and its
    text map) once in this process rather than once a PDF: WeasyPrint parses each of the report's four fonts
    afresh, about a tenth of the PDF's time. A WeasyPrint without the name this wraps is left as it is."""
    try:
        from weasyprint.pdf import fonts
    except ImportError:
        yield
        return
    original: Any = getattr(fonts, "TTFont", None)
    if original is None:
        yield
        return

    def parsed(file: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(file, io.BytesIO) or args or set(kwargs) - {"fontNumber"}:
            return original(file, *args, **kwargs)
        data = file.getvalue()
        key = (hashlib.sha256(data).digest(), int(kwargs.get("fontNumber", -1)))
        font = _parsed_fonts.get(key)
        if font is None:
            font = original(io.BytesIO(data), **kwargs)
            if any(tag in font for tag in _CHANGED_BY_WEASYPRINT) or len(_parsed_fonts) >= _FONTS_KEPT:
                return font
            _parsed_fonts[key] = font
        return font

    fonts.TTFont = parsed
    try:
        yield
    finally:
        fonts.TTFont = original


@contextlib.contextmanager
def fonts_compressed_once() -> Iterator[None]:
    """While a PDF is written, compress each long stream (the whole font files, the same in every PDF) once in
    this process, as pydyf compresses it (the same bytes): a second process that wrote a page to warm up
    (`warm_up`) has them ready for its part of the report. A pydyf without the name this wraps is left as it is."""
    try:
        import pydyf
    except ImportError:
        yield
        return
    original: Any = getattr(pydyf, "zlib", None)
    if original is None or not hasattr(original, "compressobj"):
        yield
        return

    class Remembering:
        def __init__(self, level: int = -1) -> None:
            self.level, self.pieces = level, list[bytes]()

        def compress(self, data: bytes) -> bytes:
            self.pieces.append(bytes(data))
            return b""

        def flush(self) -> bytes:
            data = b"".join(self.pieces)
            key = (hashlib.sha256(data).digest(), self.level) if len(data) >= _COMPRESSED_FROM else None
            if key is not None and key in _compressed:
                return _compressed[key]
            squeezer = original.compressobj(level=self.level)
            packed = bytes(squeezer.compress(data) + squeezer.flush())
            if key is not None and len(_compressed) < _FONTS_KEPT:
                _compressed[key] = packed
            return packed

    class Zlib:
        compressobj = Remembering
        compress = staticmethod(original.compress)

    pydyf.zlib = Zlib
    try:
        yield
    finally:
        pydyf.zlib = original


@contextlib.contextmanager
def header_scopes() -> Iterator[None]:
    """While the PDF is tagged, give each table header cell's structure element the /Scope of its HTML `scope`
    (WeasyPrint links cells to their headers but writes no /Scope). A WeasyPrint without the tagging hook this
    wraps is left as it is: the PDF is still tagged, without the scopes."""
    try:
        from weasyprint.pdf import tags
    except ImportError:
        yield
        return
    original: Any = getattr(tags, "_build_box_tree", None)
    if original is None:
        yield
        return

    def with_scope(box: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        for element in original(box, *args, **kwargs):
            scope = getattr(getattr(box, "element", None), "attrib", {}).get("scope")
            if str(element.get("S")) == "/TH" and scope in SCOPES and isinstance(element.get("A"), dict):
                element["A"]["Scope"] = SCOPES[scope]
            yield element

    tags._build_box_tree = with_scope
    try:
        yield
    finally:
        tags._build_box_tree = original
