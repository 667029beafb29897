"""Indicator results as JSON and CSV (the fixed interface the report, the web app and checks read)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from cscperf.indicators.definition import Indicator
from cscperf.indicators.engine import Point, Result


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else x


def _point(p: Point) -> dict[str, Any]:
    """A point as JSON: the figure, whether the data support it (`available`, `coverage` full/part/none and
    the `reason` when not full) and how many units could not be measured."""
    return {
        "period_start": p.period_start.isoformat(),
        "period_end": p.period_end.isoformat(),
        "numerator": _number(p.numerator),
        "denominator": _number(p.denominator),
        "value": _number(p.value),
        "available": p.available,
        "coverage": p.coverage,
        "reason": p.reason,
        "not_measurable": p.not_measurable,
    }


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


def results_json(
    as_at: dt.date, results: list[Result], *, by: str | None = None, benchmarks: dict[str, dict[str, Any]] | None = None
) -> str:
    """`{"as_at": ..., "kpis": [{"id", "title", "unit", "polarity", "series": [...]}]}`; with several councils
    each kpi lists `councils`, and with a breakdown each series point carries its `group`."""
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
        if by:
            entry["by"] = by
            entry["series"] = [{**_point(p), "group": p.group} | _council(p, councils) for p in result.points]
        else:
            entry["series"] = [_point(p) | _council(p, councils) for p in result.points]
        if benchmarks is not None:
            entry.update(benchmarks.get(result.indicator.id, {}))
        kpis.append(entry)
    return json.dumps({"as_at": as_at.isoformat(), "kpis": kpis}, indent=2)


def _council(p: Point, councils: list[str]) -> dict[str, Any]:
    return {"la_code": p.la_code} if len(councils) > 1 else {}


def results_csv(results: list[Result], *, by: str | None = None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    header = ["id", "la_code", "period_start", "period_end", *(["group"] if by else []), "numerator", "denominator",
              "value", "unit", "available", "coverage", "reason", "not_measurable"]  # fmt: skip
    writer.writerow(header)
    for result in results:
        for p in result.points:
            writer.writerow([
                result.indicator.id, p.la_code, p.period_start.isoformat(), p.period_end.isoformat(),
                *([p.group] if by else []), "" if p.numerator is None else _number(p.numerator),
                "" if p.denominator is None else _number(p.denominator),
                "" if p.value is None else _number(p.value), result.indicator.unit,
                "yes" if p.available else "no", p.coverage, p.reason or "", p.not_measurable,
            ])  # fmt: skip
    return out.getvalue()


DRILL_COLUMNS = ("la_code", "unit_id", "person_id", "in_numerator", "numerator", "denominator", "detail", "team",
                 "worker", "age_band", "sex", "ethnicity", "measured")  # fmt: skip


def drill_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DRILL_COLUMNS)
    for row in rows:
        writer.writerow(["" if row[c] is None else _number(row[c]) if c in ("numerator", "denominator") else row[c]
                         for c in DRILL_COLUMNS])  # fmt: skip
    return out.getvalue()
