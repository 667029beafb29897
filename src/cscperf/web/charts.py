"""The report's Vega-Lite chart spec, made readable by Vega's CSP-safe expression interpreter.

The page draws the very spec the report builds (`cscperf.report.charts.chart_spec`), with one change: the
time axis's domain and tick values, which the report gives in milliseconds, are written as ISO dates. Vega-Lite
turns millisecond values on a time scale into signal expressions that Vega's interpreter (used so that the
Content-Security-Policy can forbid `eval`) does not evaluate; ISO dates mean the same instants and need none.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any


def browser_spec(spec: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(spec)
    _dates_for_time_axes(out)
    return out


def _dates_for_time_axes(node: Any) -> None:
    if isinstance(node, dict):
        encoding = node.get("encoding")
        x = encoding.get("x") if isinstance(encoding, dict) else None
        if isinstance(x, dict) and x.get("type") == "temporal":
            for holder, key in ((x.get("scale"), "domain"), (x.get("axis"), "values")):
                if isinstance(holder, dict) and isinstance(holder.get(key), list):
                    holder[key] = [_iso(v) for v in holder[key]]
        for value in node.values():
            _dates_for_time_axes(value)
    elif isinstance(node, list):
        for value in node:
            _dates_for_time_axes(value)


def _iso(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dt.datetime.fromtimestamp(value / 1000, dt.UTC).date().isoformat()
    return value
