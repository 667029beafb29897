"""Indicator results as JSON and CSV (the fixed interface the report, the web app and checks read)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cscperf.analysis.spc import SpcResult
from cscperf.analysis.spc_output import ICON_FIELDS, POINT_FIELDS, csv_cells, icon_fields, point_fields
from cscperf.exports.csv_file import csv_text
from cscperf.indicators.coverage import no_figure_reason, no_population
from cscperf.indicators.definition import Indicator
from cscperf.indicators.detail import HEADINGS, detail_fields
from cscperf.indicators.engine import Point, Result
from cscperf.indicators.spc import SeriesKey

SeriesSpc = dict[str, dict[SeriesKey, SpcResult]]
"""Statistical process control by indicator id, then by series (council, group)."""


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _point(indicator: Indicator, p: Point) -> dict[str, Any]:
    """A point as JSON: the figure, whether the data support it (`available`, `coverage` full/part/none and
    the `reason` when there is no figure or only part) and how many units could not be measured."""
    available, reason = point_availability(indicator, p)
    return {
        "period_start": p.period_start.isoformat(),
        "period_end": p.period_end.isoformat(),
        "numerator": _number(p.numerator),
        "denominator": _number(p.denominator),
        "value": _number(p.value),
        "available": available,
        "coverage": p.coverage,
        "reason": reason,
        "not_measurable": p.not_measurable,
    }


def point_availability(indicator: Indicator, p: Point) -> tuple[bool, str | None]:
    """Whether the data support a figure, and why not (or why only in part). A rate per 10,000 with no child
    population is not available; a period the data cover with nothing in it to measure is available with no
    figure, and says so: the same reasons the command line's table and the web service give."""
    if p.available and p.value is None:
        if indicator.unit == "rate_per_10k" and p.denominator is None:
            return False, no_population(p.la_code)
        return True, no_figure_reason(indicator, p)
    return p.available, p.reason


def describe(indicator: Indicator) -> dict[str, Any]:
    return {
        "id": indicator.id,
        "title": indicator.title,
        "unit": indicator.unit,
        "polarity": indicator.polarity,
        "polarity_words": indicator.polarity_words,
        "band": list(indicator.band) if indicator.band else None,
        "target": indicator.target,
        "decimals": indicator.decimals,
        "period_kind": indicator.period_kind,
        "section": indicator.section,
        "counts": indicator.counts,
        "source": indicator.source,
        "description": " ".join(indicator.description.split()),
    }


def _spc_point(spc: SeriesSpc | None, indicator_id: str, p: Point) -> dict[str, Any]:
    """The SPC fields of a point (nothing without --spc)."""
    if spc is None:
        return {}
    result = spc.get(indicator_id, {}).get((p.la_code, p.group))
    found = next((s for s in result.points if s.date == p.period_end), None) if result is not None else None
    return point_fields(found)


def _spc_icons(spc: SeriesSpc | None, indicator_id: str) -> dict[str, Any]:
    """Per indicator: `variation_icon`, `assurance_icon` and `spc_warnings` of its series; with several series
    (councils or groups) the icons are null here and each series' are listed in `spc_series`."""
    if spc is None:
        return {}
    series = spc.get(indicator_id, {})
    if len(series) == 1:
        (result,) = series.values()
        return {**icon_fields(result), "spc_warnings": list(result.warnings)}
    return {
        **icon_fields(None),
        "spc_series": [{"la_code": la, "group": group, **icon_fields(r), "spc_warnings": list(r.warnings)}
                       for (la, group), r in series.items()],
    }  # fmt: skip


def results_json(
    as_at: dt.date,
    results: list[Result],
    *,
    by: str | None = None,
    benchmarks: dict[str, dict[str, Any]] | None = None,
    spc: SeriesSpc | None = None,
) -> str:
    """`{"as_at": ..., "kpis": [{"id", "title", "unit", "polarity", "series": [...]}]}`; with several councils
    each kpi lists `councils`, and with a breakdown each series point carries its `group`. With `spc` each
    point carries `spc_mean`, `spc_upper`, `spc_lower`, `spc_signal` and `spc_rules`, and each kpi its
    `variation_icon` and `assurance_icon` (docs/spc.md)."""
    kpis = []
    for result in results:
        entry: dict[str, Any] = {
            "id": result.indicator.id,
            "title": result.indicator.title,
            "unit": result.indicator.unit,
            "polarity": result.indicator.polarity,
            "decimals": result.indicator.decimals,
        }
        councils = sorted({p.la_code for p in result.points})
        if len(councils) == 1:
            entry["la_code"] = councils[0]
        ind = result.indicator.id
        if by:
            entry["by"] = by
            entry["series"] = [{**_point(result.indicator, p), "group": p.group} | _council(p, councils)
                               | _spc_point(spc, ind, p) for p in result.points]  # fmt: skip
        else:
            entry["series"] = [
                _point(result.indicator, p) | _council(p, councils) | _spc_point(spc, ind, p) for p in result.points
            ]
        entry.update(_spc_icons(spc, ind))
        if benchmarks is not None:
            entry.update(benchmarks.get(result.indicator.id, {}))
        kpis.append(entry)
    return json.dumps({"as_at": as_at.isoformat(), "kpis": kpis}, indent=2)


def _council(p: Point, councils: list[str]) -> dict[str, Any]:
    return {"la_code": p.la_code} if len(councils) > 1 else {}


def results_csv(results: list[Result], *, by: str | None = None, spc: SeriesSpc | None = None) -> str:
    """One row a point; with `spc`, the SPC fields of the point and the icons of its series after them. Text
    cells are made inert by the safe CSV writer (a team named "=..." stays text)."""
    header = ["id", "la_code", "period_start", "period_end", *(["group"] if by else []), "numerator", "denominator",
              "value", "unit", "available", "coverage", "reason", "not_measurable",
              *((*POINT_FIELDS, *ICON_FIELDS) if spc is not None else ())]  # fmt: skip
    rows = (_csv_row(result.indicator, p, by=by, spc=spc) for result in results for p in result.points)
    return csv_text(header, rows)


def _csv_row(indicator: Indicator, p: Point, *, by: str | None, spc: SeriesSpc | None) -> list[object]:
    available, reason = point_availability(indicator, p)
    return [indicator.id, p.la_code, p.period_start, p.period_end, *([p.group] if by else []),
            _number(p.numerator), _number(p.denominator), _number(p.value), indicator.unit,
            "yes" if available else "no", p.coverage, reason or "", p.not_measurable,
            *(_spc_csv(spc, indicator.id, p) if spc is not None else ())]  # fmt: skip


def _spc_csv(spc: SeriesSpc, indicator_id: str, p: Point) -> list[object]:
    result = spc.get(indicator_id, {}).get((p.la_code, p.group))
    found = next((s for s in result.points if s.date == p.period_end), None) if result is not None else None
    icons = ["" if v is None else v for v in icon_fields(result).values()]
    return [*csv_cells(found), *icons]


DRILL_COLUMNS = ("la_code", "unit_id", "person_id", "in_numerator", "numerator", "denominator", "detail", "team",
                 "worker", "age_band", "sex", "ethnicity", "measured")  # fmt: skip


def drill_csv(rows: list[dict[str, Any]]) -> str:
    """The drill-down rows as CSV (child identifiers: made inert by the safe CSV writer, never formulas)."""
    return csv_text(DRILL_COLUMNS, ([_number(row[c]) if c in ("numerator", "denominator") else row[c]
                                     for c in DRILL_COLUMNS] for row in rows))  # fmt: skip


DRILL_HEADINGS = {"la_code": "Council", "unit_id": "Unit", "person_id": "Child", "in_numerator": "Counted",
                  "numerator": "Numerator", "denominator": "Denominator", "detail": "Detail", "team": "Team",
                  "worker": "Worker", "age_band": "Age band", "sex": "Sex", "ethnicity": "Ethnicity"}  # fmt: skip


def drill_export(rows: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """The drill-down as a list to sort and filter: readable headings, and the detail also split into its
    fields (dates as dates, counts as numbers), placed after the detail."""
    split = [detail_fields(r["detail"]) for r in rows]
    fields = [f for f in HEADINGS if any(d.get(f) is not None for d in split)]
    before = ["la_code", "unit_id", "person_id", "in_numerator", "numerator", "denominator", "detail"]
    after = ["team", "worker", "age_band", "sex", "ethnicity"]
    headings = [DRILL_HEADINGS[c] for c in before] + [HEADINGS[f] for f in fields] + [DRILL_HEADINGS[c] for c in after]
    out = []
    for row, parsed in zip(rows, split, strict=True):
        counted = "yes" if row["in_numerator"] else "no" if row.get("measured", True) else "not measurable"
        values = [row[c] for c in before[:3]] + [counted]
        values += [_number(row["numerator"]), _number(row["denominator"]), row["detail"]]
        out.append(values + [parsed.get(f) for f in fields] + [row[c] for c in after])
    return headings, out
