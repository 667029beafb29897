"""The forecast section's tables and fan charts in each format: an HTML block (screen and print), Word, and the
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
from cscperf.report.forecast_charts import FanChart, alt_text, data_table
from cscperf.report.forecast_section import ForecastSection

PRINT_EVERY = 3
"""In print, the charts' tables show every third forecast month (all months are in kpis.xlsx)."""

_HTML = """
{% if section.placement_rows %}
<table class="forecast-placements">
  <caption>Children looked after by placement: now and forecast</caption>
  <thead><tr>{% for h in section.placement_headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in section.placement_rows %}
    <tr><th scope="row">{{ row[0] }}</th>{% for cell in row[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
{% endif %}
{% for chart in charts %}
<section class="chart forecast-chart" id="{{ chart.id }}" aria-labelledby="{{ chart.id }}-heading">
  <h3 id="{{ chart.id }}-heading">{{ chart.title }}</h3>
  <p class="chart-status"><strong>{{ chart.direction }}.</strong></p>
  <figure><img src="{{ chart.src }}" alt="{{ chart.alt }}"></figure>
  {% if not print %}<details><summary>The figures behind this chart</summary>{% endif %}
  <table class="data">
    <caption>Figures behind the chart: {{ chart.title }}{% if print %} {{ print_note }}{% endif %}</caption>
    <thead><tr>{% for h in chart.headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
    <tbody>
    {% for row in chart.rows %}
      <tr><th scope="row" style="white-space: nowrap">{{ row[0] }}</th>
        {%- for cell in row[1:] %}<td class="num">{{ cell }}</td>{% endfor %}</tr>
    {% endfor %}
    </tbody>
  </table>
  {% if not print %}</details>{% endif %}
</section>
{% endfor %}
"""


@cache
def _template() -> Template:
    env = Environment(
        autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True
    )
    return env.from_string(_HTML)


def _src(chart: FanChart, print_version: bool) -> str:
    if print_version:
        return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
    return "data:image/svg+xml;base64," + base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")


def forecast_html(section: ForecastSection | None, print_version: bool) -> str:
    """The section's table and charts as HTML, placed after its paragraphs ('' without a forecast)."""
    if section is None:
        return ""
    charts = []
    for chart in section.charts:
        headers, rows = data_table(chart, every=PRINT_EVERY if print_version else 1)
        charts.append(
            {
                "id": chart.chart_id.replace("_", "-"),
                "title": chart.title,
                "direction": chart.direction,
                "src": _src(chart, print_version),
                "alt": alt_text(chart),
                "headers": headers,
                "rows": rows,
            }
        )
    note = f"(every {PRINT_EVERY} months; all months are in kpis.xlsx)"
    return _template().render(section=section, charts=charts, print=print_version, print_note=note)


def add_forecast_docx(doc: DocumentObject, section: ForecastSection | None) -> None:
    """The section's table and charts in Word, after its paragraphs."""
    if section is None:
        return
    if section.placement_rows:
        _table(
            doc,
            "Children looked after by placement: now and forecast",
            section.placement_headers,
            section.placement_rows,
        )
    for chart in section.charts:
        doc.add_heading(chart.title, level=2)
        doc.add_paragraph().add_run(f"{chart.direction}.").bold = True
        doc.add_picture(io.BytesIO(chart.png), width=Cm(16.5))
        doc_pr = doc.inline_shapes[-1]._inline.docPr
        doc_pr.set("descr", alt_text(chart))
        doc_pr.set("title", chart.title)
        headers, rows = data_table(chart, every=PRINT_EVERY)
        _table(
            doc, f"Figures behind the chart: {chart.title} (every {PRINT_EVERY} months of the forecast)", headers, rows
        )


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
