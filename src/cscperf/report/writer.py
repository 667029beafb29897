"""Write the report's files: build the content once, draw the charts once, then each format asked for.
Each file is written whole or not at all (written beside, then moved into place)."""

from __future__ import annotations

import datetime as dt
import functools
import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from cscperf.exports.files import write_atomically
from cscperf.report.commentary import Commentary
from cscperf.report.config import ReportConfig
from cscperf.report.contents import ReportContent, build_report
from cscperf.report.pdf import chart_files, lay_out, lay_out_svgs, warm_up
from cscperf.report.pdf_parts import GUESSES_FILE, Guesses, LaidOut, TwoParts, split
from cscperf.report.rendered import RenderedChart, render_charts
from cscperf.store.database import open_store

FORMATS = ("docx", "pdf", "html", "xlsx")
FILE_NAMES = {"docx": "report.docx", "pdf": "report.pdf", "html": "report.html", "xlsx": "kpis.xlsx"}


@dataclass
class Written:
    content: ReportContent
    paths: dict[str, Path] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # "content", "charts", then per format


def write_report(
    db: Path | str,
    as_at: dt.date,
    out: Path,
    config: ReportConfig,
    commentary: Commentary,
    formats: tuple[str, ...],
    *,
    la: str | None = None,
    on_step: Callable[[str], None] | None = None,
    jobs: int = 2,
) -> Written:
    """Build the report and write the formats asked for into `out`.

    With `jobs` 2 or more a second process is started at once: it loads WeasyPrint and the fonts while this one
    computes the figures, draws the charts not yet in the chart cache alongside this one, then lays out the PDF's
    appendices while this one writes Word, the HTML, Excel and the PDF's first part, and the two parts are joined
    (`pdf_parts`: the same PDF as laid out whole). With `jobs` 1 everything is done in this process."""

    def step(name: str) -> None:
        if on_step is not None:
            on_step(name)

    drawing = bool({"docx", "pdf", "html"} & set(formats))
    pool = _pool() if jobs > 1 and drawing else None
    try:
        if pool is not None:
            pool.submit(warm_up)
            if _charts_to_draw():
                pool.submit(_ready_to_draw)
        clock = time.perf_counter()
        con = open_store(db, read_only=True)
        try:
            content = build_report(con, as_at, config, commentary, la=la)
        finally:
            con.close()
        written = Written(content)
        written.seconds["content"] = time.perf_counter() - clock
        step("content")
        clock = time.perf_counter()
        charts: list[RenderedChart] = []
        png = "docx" in formats  # Word's fallback picture; the HTML and the PDF take the SVG
        if drawing:
            if pool is not None and not _all_remembered(content):
                # the second process is still starting up: it takes the smaller share
                split = (len(content.charts) * 3) // 5
                other = pool.submit(render_charts, content, png=png, first=split)
                charts = render_charts(content, png=png, last=split)
                # not yet begun (the second process is still starting): drawn here, quick when the charts are cached
                rest = render_charts(content, png=png, first=split) if other.cancel() else other.result()
                charts += rest
            else:  # every chart remembered (or one process): taken here, not worth the second process loading them
                charts = render_charts(content, png=png)
        written.seconds["charts"] = time.perf_counter() - clock
        step("charts")
        out.mkdir(parents=True, exist_ok=True)
        pdf: PdfInParts | None = None
        pdf_started = time.perf_counter()
        if pool is not None and "pdf" in formats:
            pdf = PdfInParts(pool, content, charts)
        for fmt in FORMATS:
            if fmt not in formats or (fmt == "pdf" and pdf is not None):
                continue
            clock = time.perf_counter()
            _write(written, out, fmt, _render(fmt, content, charts), clock)
            step(fmt)
        if pdf is not None:
            _write(written, out, "pdf", pdf.result(), pdf_started)
            step("pdf")
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return written


class PdfInParts:
    """The PDF laid out in two parts at once (see `pdf_parts`): the appendices in the second process, started
    now, and the report in this one when `result` is asked for (after the other formats). The second process is
    given only HTML and the charts' SVGs (text), so it never loads the report's engine; it has loaded WeasyPrint
    and the fonts (`pdf.warm_up`) while this one computed the figures."""

    def __init__(self, pool: ProcessPoolExecutor, content: ReportContent, charts: list[RenderedChart]) -> None:
        from cscperf.report.chart_cache import cache_folder
        from cscperf.report.html import render_html

        self.pool, self.charts = pool, charts
        self.whole: Future[LaidOut] | None = None
        self.two: TwoParts | None = None
        self.html = render_html(content, charts, print_version=True)
        parts = split(self.html, REPORT_SHARE)
        if parts is None:
            self.whole = self._submit(self.html)
            return
        folder = cache_folder()
        guesses = _guesses(None if folder is None else folder / GUESSES_FILE)
        self.two = TwoParts(parts, guesses, self._start, content.council_name, content.title)

    def _submit(self, html: str) -> Future[LaidOut]:
        return self.pool.submit(lay_out_svgs, html, chart_files(html, self.charts))

    def _start(self, html: str) -> Callable[[], LaidOut]:
        return self._submit(html).result

    def result(self) -> bytes:
        if self.whole is not None:
            return self.whole.result().pdf
        assert self.two is not None
        joined = self.two.finish(lambda html, end_before: lay_out(html, self.charts, end_before=end_before))
        return joined if joined is not None else lay_out(self.html, self.charts).pdf


REPORT_SHARE: Final = 0.0
"""Where the PDF is cut (`pdf_parts.split`): as early as it may be, after the first two charts. This process
writes Word, the HTML and Excel before its part, so the second process takes the larger one."""


def _charts_to_draw() -> bool:
    """Whether the chart cache is off or holds no chart yet: then the second process will draw charts."""
    from cscperf.report.chart_cache import cache_folder

    folder = cache_folder()
    try:
        return folder is None or next(folder.glob("??/*.svg"), None) is None
    except OSError:
        return True


def _ready_to_draw() -> None:
    """In the second process, when it will draw charts (`_charts_to_draw`): load the report's content and chart
    modules (this module imports them) while the first process computes the figures, not when the charts are
    handed over. When the charts to draw are not foreseen (a cache holding other charts), it loads them then."""
    from cscperf.report import charts  # noqa: F401


def _all_remembered(content: ReportContent) -> bool:
    """Whether every chart's SVG is in the chart cache (then drawing them is only reading files)."""
    from cscperf.report import charts

    return all(charts.svg_remembered(entry.request) for entry in content.charts)


@functools.cache
def _guesses(path: Path | None) -> Guesses:
    return Guesses(path)


def _pool() -> ProcessPoolExecutor:
    """One more process, started fresh ("spawn"): forking a process whose chart renderer (V8) or store is
    already running is not safe."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))


def _write(written: Written, out: Path, fmt: str, data: bytes, started: float) -> None:
    path = out / FILE_NAMES[fmt]
    write_atomically(path, data)
    written.paths[fmt] = path
    written.seconds[fmt] = time.perf_counter() - started


def _render(fmt: str, content: ReportContent, charts: list[RenderedChart]) -> bytes:
    if fmt == "html":
        from cscperf.report.html import render_html

        return render_html(content, charts).encode("utf-8")
    if fmt == "pdf":
        from cscperf.report.pdf import render_pdf

        return render_pdf(content, charts)
    if fmt == "docx":
        from cscperf.report.docx import render_docx

        return render_docx(content, charts)
    from cscperf.report.xlsx import render_xlsx

    return render_xlsx(content)
