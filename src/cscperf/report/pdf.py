"""The report laid out for print with WeasyPrint: A4, numbered pages, 12 pt text, the summary tables on
landscape pages, each chart (vector SVG) with its figures on one page, two to a page; tagged for screen readers,
its title, author, language and creation date in its metadata, and every table header cell with its /Scope
(a column or a row), so assistive technology reads each cell with its headers."""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cscperf.report.contents import ReportContent
from cscperf.report.html import render_html
from cscperf.report.rendered import RenderedChart

SCOPES = {"col": "/Column", "colgroup": "/Column", "row": "/Row", "rowgroup": "/Row"}


def render_pdf(content: ReportContent, charts: list[RenderedChart]) -> bytes:
    """The report as PDF bytes. The charts' SVGs are handed to WeasyPrint as files in a temporary folder
    (quicker than data URIs in a large document); nothing else is fetched."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = render_html(content, charts, print_version=True)
    with tempfile.TemporaryDirectory(prefix="cscperf-report-") as folder:
        for chart in charts:
            (Path(folder) / chart.print_uri).write_text(chart.svg, encoding="utf-8")
        # whole fonts: subsetting them (with fontTools) costs most of a second for 0.8 MB saved
        with header_scopes():
            document = HTML(string=html, base_url=Path(folder).as_uri() + "/")
            pdf = document.write_pdf(full_fonts=True, pdf_tags=True)
    assert pdf is not None
    return bytes(pdf)


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
