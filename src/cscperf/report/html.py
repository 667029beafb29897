"""The report as one self-contained, accessible HTML file (WCAG 2.2 AA): `lang`, real headings and table
headers, every chart an image with alt text followed by its data table, status in words and symbols as well
as colour, no external resources (styles inline, charts as data URIs)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib.resources import files

from jinja2 import Environment, StrictUndefined, Template, select_autoescape

from cscperf.analysis.spc import ASSURANCE_ICONS, VARIATION_ICONS
from cscperf.analysis.spc_icons import (
    ASSURANCE_WORDS,
    VARIATION_WORDS,
    assurance_svg,
    data_uri,
    variation_svg,
)
from cscperf.report import palette
from cscperf.report.contents import ReportContent
from cscperf.report.forecast_writers import forecast_charts_html, forecast_html
from cscperf.report.rag import RAG_NAMES
from cscperf.report.rendered import RenderedChart
from cscperf.report.tables import (
    QUARTILE_NOTE,
    SUMMARY_NOTE,
    compare_headers,
    compare_rows,
    status_cell,
    summary_groups,
    summary_headers,
)

RAG_KEY = (
    ("blue", "Better than the target by more than the tolerance."),
    ("green", "On target, or better by no more than the tolerance."),
    ("amber", "On the wrong side of the target, but within the tolerance."),
    ("red", "On the wrong side of the target by more than the tolerance: the service explains why."),
    ("none", "No target: the figure is shown for context."),
)


SPC_KEY = [("variation", i, *VARIATION_WORDS[i]) for i in VARIATION_ICONS] + [
    ("assurance", i, *ASSURANCE_WORDS[i]) for i in ASSURANCE_ICONS
]
"""The icons' key in "How to read this report": (kind, icon, label, meaning)."""


@cache
def icon_uri(kind: str, icon: str | None) -> str:
    """A variation or assurance icon as a data URI, decorative (its words sit beside it)."""
    if kind == "variation":
        return data_uri(variation_svg(icon, decorative=True))  # type: ignore[arg-type]
    return data_uri(assurance_svg(icon, decorative=True))  # type: ignore[arg-type]


def _template_text(name: str) -> str:
    return files("cscperf.report").joinpath("templates", name).read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True)  # fmt: skip
    env.globals["long_date"] = lambda d: f"{d:%-d %B %Y}" if isinstance(d, dt.date) else str(d)
    return env


@cache
def _report_template() -> Template:
    """The report's template, compiled once a process (the HTML and the PDF's print HTML both use it)."""
    return _environment().from_string(_template_text("report.html.j2"))


def colours() -> dict[str, object]:
    return {
        "text": palette.TEXT_COLOUR,
        "muted": palette.MUTED_TEXT_COLOUR,
        "background": palette.BACKGROUND_COLOUR,
        "grid": palette.GRID_COLOUR,
        "accent": palette.MAIN_SERIES_COLOUR,
        "rag": dict(palette.RAG_COLOURS),
        "tint": dict(palette.RAG_TINTS),
    }


def render_html(content: ReportContent, charts: list[RenderedChart], *, print_version: bool = False) -> str:
    """The whole report as HTML text. `print_version` lays it out for WeasyPrint (pages, no folding)."""
    css = _template_text("report.css") + ("\n" + _template_text("print.css") if print_version else "")
    template = _report_template()
    months = len(next(iter(content.figures.values())).points)
    return template.render(
        content=content,
        charts=charts,
        css=css,
        colours=colours(),
        print=print_version,
        symbols=palette.RAG_SYMBOLS,
        rag_names=RAG_NAMES,
        rag_key=RAG_KEY,
        spc_key=SPC_KEY,
        icon_uri=icon_uri,
        summary_headers=summary_headers(content),
        summary_groups=summary_groups(content),
        compare_headers=compare_headers(content),
        compare_rows=compare_rows(content),
        quartile_note=QUARTILE_NOTE,
        summary_note=SUMMARY_NOTE,
        status_cell=status_cell,
        months=months,
        threshold=next(iter(content.figures.values())).disclosure.threshold,
        forecast_html=forecast_html(content.forecast, print_version),
        forecast_charts_html=forecast_charts_html(content.forecast, print_version, len(content.charts) + 1),
    )
