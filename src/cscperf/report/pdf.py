"""The report laid out for print with WeasyPrint: A4, numbered pages, 12 pt text, the summary tables on
landscape pages, each chart followed by the figures behind it."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from cscperf.report.contents import ReportContent
from cscperf.report.html import render_html
from cscperf.report.rendered import RenderedChart


def render_pdf(content: ReportContent, charts: list[RenderedChart]) -> bytes:
    """The report as PDF bytes. The charts' PNGs are handed to WeasyPrint as files in a temporary folder
    (much quicker than data URIs in a large document); nothing else is fetched."""
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    html = render_html(content, charts, print_version=True)
    with tempfile.TemporaryDirectory(prefix="cscperf-report-") as folder:
        for chart in charts:
            if chart.png is not None:
                (Path(folder) / chart.print_uri).write_bytes(chart.png)
        # whole fonts: subsetting them (with fontTools) costs most of a second for 0.8 MB saved
        # tagged (headings, tables, figures with their alt text) so screen readers can read the published paper
        pdf = HTML(string=html, base_url=Path(folder).as_uri() + "/").write_pdf(full_fonts=True, pdf_tags=True)
    assert pdf is not None
    return bytes(pdf)
