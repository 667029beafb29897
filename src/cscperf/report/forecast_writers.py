"""The forecast's table and fan charts in each format: the placement table after the forecast's paragraphs in
section 4 of the paper, and the fan charts at the end of Appendix 1 (numbered after the measures' charts, each
with its figures on half a page: a year apart in print, every month on screen and in kpis.xlsx); Word; and the
Excel sheets. The section's numbered paragraphs are written by each format with the report's other sections."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from functools import cache

from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt
from jinja2 import Environment, StrictUndefined, Template, select_autoescape
from openpyxl import Workbook

from cscperf.analysis.forecast.workbook import add_forecast_sheets
from cscperf.report.charts import print_width_mm
from cscperf.report.forecast_charts import BAND_80, BAND_95, CENTRAL, FanChart, _number, alt_text, data_table
from cscperf.report.forecast_section import ForecastSection
from cscperf.report.print_svg import lighter_svg

_TABLE_HTML = """
{% if section.placement_rows %}
<div class="scroller placements" tabindex="0" role="region" aria-labelledby="forecast-placements-caption">
<table class="forecast-placements">
  <caption id="forecast-placements-caption">Children looked after by placement: now and forecast</caption>
  <colgroup><col class="placement"><col class="now">
    {%- for h in section.placement_headers[2:] %}<col class="ahead">{% endfor %}</colgroup>
  <thead><tr>{% for h in section.placement_headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in section.placement_rows %}
    <tr><th scope="row">{{ row[0] }}</th>{% for cell in row[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
</div>
{% endif %}
"""

_CHARTS_HTML = """
{% for chart in charts %}
<section class="chart forecast-chart" id="{{ chart.id }}" aria-labelledby="{{ chart.id }}-heading">
  <h3 id="{{ chart.id }}-heading">{{ chart.title }}</h3>
  <p class="chart-status"><strong>{{ chart.direction }}.</strong></p>
  <figure><img src="{{ chart.src }}" alt="{{ chart.alt }}"
    {%- if print %} style="width: {{ chart.width_mm }}mm"{% endif %}></figure>
  {% if not print %}
  <div class="scroller figures" tabindex="0" role="region" aria-labelledby="{{ chart.id }}-table">
  {% endif %}
  <table class="data{% if print %} print-data{% endif %}">
    <caption id="{{ chart.id }}-table">Figures behind chart {{ chart.number }}
      {%- if print %} {{ print_note }}{% endif %}</caption>
    <thead><tr>{% for h in chart.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
    <tbody>
    {% for row in chart.rows %}
      <tr><th scope="row" style="white-space: nowrap">{{ row[0] }}</th>
        {%- for cell in row[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>
    {% endfor %}
    </tbody>
  </table>
  {% if not print %}</div>{% endif %}
</section>
{% endfor %}
"""


@cache
def _template(text: str) -> Template:
    env = Environment(
        autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    return env.from_string(text)


def print_table(chart: FanChart) -> tuple[list[str], list[list[str]]]:
    """The figures beneath a printed fan chart, a year apart across: the latest actual month, then the forecast
    at each anniversary of it; rows for the central forecast, its ranges and any further line."""
    d = chart.decimals
    start = chart.actual[-1][0] if chart.actual else None
    yearly = [(day, s) for day, s in chart.forecast if start is None or day.month == start.month]
    headers = ["", *([f"{start:%b %Y}"] if start is not None else []), *(f"{day:%b %Y}" for day, _ in yearly)]
    now = [_number(chart.actual[-1][1], d)] if chart.actual else []
    rows = [
        [f"{chart.actual_label} / {CENTRAL.lower()}", *now, *(_number(s.p50, d) for _, s in yearly)],
        [BAND_80, *([""] if now else []), *(f"{_number(s.p10, d)} to {_number(s.p90, d)}" for _, s in yearly)],
        [BAND_95, *([""] if now else []), *(f"{_number(s.p2_5, d)} to {_number(s.p97_5, d)}" for _, s in yearly)],
    ]
    for label, points in chart.lines:
        values = dict(points)
        rows.append([label, *([""] if now else []), *(_number(values[day], d) if day in values else "" for day, _ in
                                                      yearly)])  # fmt: skip
    return headers, rows


def _src(chart: FanChart, print_version: bool) -> str:
    """The chart as vector SVG, on screen and in print alike; in print without what draws nothing and with its
    marks joined (`lighter_svg`: the same picture, drawn sooner)."""
    svg = lighter_svg(chart.svg) if print_version else chart.svg
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def forecast_html(section: ForecastSection | None, print_version: bool) -> str:
    """The forecast's placement table, placed after its paragraphs in section 4 ('' without a forecast)."""
    if section is None:
        return ""
    return _template(_TABLE_HTML).render(section=section)


def forecast_charts_html(section: ForecastSection | None, print_version: bool, first_number: int) -> str:
    """The forecast's fan charts for Appendix 1, numbered from `first_number` ('' without a forecast)."""
    if section is None:
        return ""
    charts = []
    for n, chart in enumerate(section.charts, start=first_number):
        headers, rows = print_table(chart) if print_version else data_table(chart, every=1)
        charts.append(
            {
                "id": chart.chart_id.replace("_", "-"),
                "number": n,
                "title": f"Chart {n}: {chart.title}",
                "direction": chart.direction,
                "src": _src(chart, print_version),
                "width_mm": f"{print_width_mm(chart.svg):.1f}",
                "alt": alt_text(chart),
                "headers": headers,
                "rows": rows,
            }
        )
    note = "(a year apart)"
    return _template(_CHARTS_HTML).render(charts=charts, print=print_version, print_note=note)


def add_forecast_docx(doc: DocumentObject, section: ForecastSection | None) -> None:
    """The forecast's placement table in Word, after its paragraphs."""
    if section is not None and section.placement_rows:
        _table(
            doc,
            "Children looked after by placement: now and forecast",
            section.placement_headers,
            section.placement_rows,
        )


def add_forecast_charts_docx(doc: DocumentObject, section: ForecastSection | None, first_number: int) -> None:
    """The forecast's fan charts in Word's Appendix 1, numbered from `first_number`, each with its figures."""
    if section is None:
        return
    for n, chart in enumerate(section.charts, start=first_number):
        heading = doc.add_heading(f"Chart {n}: {chart.title}", level=2)
        heading.paragraph_format.keep_with_next = True
        status = doc.add_paragraph()
        status.paragraph_format.keep_with_next = True
        status.add_run(f"{chart.direction}.").bold = True
        doc.add_picture(io.BytesIO(chart.png), width=Cm(print_width_mm(chart.svg) / 10))
        doc.paragraphs[-1].paragraph_format.keep_with_next = True
        doc_pr = doc.inline_shapes[-1]._inline.docPr
        doc_pr.set("descr", alt_text(chart))
        doc_pr.set("title", chart.title)
        headers, rows = print_table(chart)
        _table(doc, f"Figures behind chart {n} (a year apart)", headers, rows)


def _table(doc: DocumentObject, caption: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    cap = doc.add_paragraph()
    cap.add_run(caption).bold = True
    body = list(rows)
    table = doc.add_table(rows=len(body) + 1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
        run.font.size = Pt(10)
    for row, values in zip(table.rows[1:], body, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            run = cell.paragraphs[0].add_run(str(text))
            run.bold = i == 0
            run.font.size = Pt(10)


def add_forecast_workbook(wb: Workbook, section: ForecastSection | None) -> None:
    """The forecast's sheets in kpis.xlsx."""
    if section is not None:
        add_forecast_sheets(wb, section.result)
