"""Statistical process control results as the fixed JSON and CSV interface (the command line, and the per point
fields `cscperf kpis --spc` adds to indicator series, which the web service reads).

Per point: `spc_mean`, `spc_upper`, `spc_lower` (null where the point has no figure, or its segment too few
figures), `spc_signal` (`improvement`, `concern`, `neutral_high`, `neutral_low` or null) and `spc_rules` (the
rules that flag it: `outside_limits`, `trend`, `two_of_three`, `run`). Per series: `variation_icon` and
`assurance_icon`.
"""

from __future__ import annotations

import json
from typing import Any

from cscperf.analysis.spc import SpcPoint, SpcResult
from cscperf.exports.csv_file import csv_text

POINT_FIELDS = ("spc_mean", "spc_upper", "spc_lower", "spc_signal", "spc_rules")
ICON_FIELDS = ("variation_icon", "assurance_icon")


def number(value: float | None) -> float | int | None:
    """A figure for JSON: 12 significant digits (no float noise such as 0.30000000000000004), whole numbers as
    integers."""
    if value is None:
        return None
    rounded = float(f"{value:.12g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 2**53 else rounded


def value(figure: float | None) -> float | int | None:
    """A figure as given (whole numbers as integers)."""
    if figure is None:
        return None
    return int(figure) if float(figure).is_integer() and abs(figure) < 2**53 else figure


def point_fields(point: SpcPoint | None) -> dict[str, Any]:
    """The SPC fields of one point (all null for a point that was not analysed)."""
    if point is None:
        return {"spc_mean": None, "spc_upper": None, "spc_lower": None, "spc_signal": None, "spc_rules": []}
    return {
        "spc_mean": number(point.mean),
        "spc_upper": number(point.upper),
        "spc_lower": number(point.lower),
        "spc_signal": point.signal,
        "spc_rules": list(point.rules),
    }


def icon_fields(result: SpcResult | None) -> dict[str, Any]:
    return {
        "variation_icon": result.variation_icon if result is not None else None,
        "assurance_icon": result.assurance_icon if result is not None else None,
    }


def spc_dict(result: SpcResult) -> dict[str, Any]:
    """`{"points": [{"date", "value", "spc_mean", "spc_upper", "spc_lower", "spc_signal", "spc_rules"}],
    "variation_icon", "assurance_icon"}`."""
    return {
        "points": [{"date": p.date.isoformat(), "value": value(p.value), **point_fields(p)} for p in result.points],
        **icon_fields(result),
    }


def spc_json(result: SpcResult) -> str:
    return json.dumps(spc_dict(result), indent=2)


def csv_cells(point: SpcPoint | None) -> list[object]:
    """The SPC fields of a point as CSV cells (rules joined by semicolons; empty for null)."""
    fields = point_fields(point)
    return [
        "" if fields[name] is None else ";".join(fields[name]) if name == "spc_rules" else fields[name]
        for name in POINT_FIELDS
    ]


def spc_csv(result: SpcResult) -> str:
    """One row a point: date, value, the SPC fields, and the series' icons repeated on every row."""
    icons = ["" if v is None else v for v in icon_fields(result).values()]
    rows = ([p.date, None if p.value is None else value(p.value), *csv_cells(p), *icons] for p in result.points)
    return csv_text(["date", "value", *POINT_FIELDS, *ICON_FIELDS], rows)  # the safe CSV writer
