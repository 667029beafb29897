"""`cscperf kpis --la ALL`: the region's aggregate and each council beside it, as JSON, CSV or a table.
Small numbers are withheld (cscperf.indicators.region), so the output can be shared across the councils."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cscperf.disclosure import DisclosurePolicy
from cscperf.indicators.region import REGION, RegionResult, Shared

WIDE_UP_TO = 6  # councils shown one column each; beyond, the lowest and highest beside the region


def _entry(s: Shared) -> dict[str, Any]:
    return {
        "period_start": s.period_start.isoformat(),
        "period_end": s.period_end.isoformat(),
        "numerator": s.numerator,
        "denominator": s.denominator,
        "value": s.value,
        "withheld": s.withheld,
    }


def region_json(as_at: dt.date, results: list[RegionResult], councils: list[str], policy: DisclosurePolicy) -> str:
    kpis = []
    for r in results:
        ind = r.indicator
        kpis.append({
            "id": ind.id, "title": ind.title, "unit": ind.unit, "polarity": ind.polarity, "decimals": ind.decimals,
            "region": [{**_entry(s), "councils": s.councils} for s in r.region],
            "councils": {la: [_entry(s) for s in series] for la, series in sorted(r.councils.items())},
        })  # fmt: skip
    document = {
        "as_at": as_at.isoformat(),
        "councils": councils,
        "disclosure": {"threshold": policy.threshold, "withheld_as": policy.label,
                       "note": "Figures built on small counts are withheld; safe to share across councils."},
        "kpis": kpis,
    }  # fmt: skip
    return json.dumps(document, indent=2)


def region_csv(results: list[RegionResult]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "area", "period_start", "period_end", "numerator", "denominator", "value", "unit",
                     "withheld"])  # fmt: skip
    for r in results:
        for area, series in [(REGION, r.region), *sorted(r.councils.items())]:
            for s in series:
                figures = (_blank(s.numerator), _blank(s.denominator), _blank(s.value))
                writer.writerow([r.indicator.id, area, s.period_start, s.period_end, *figures, r.indicator.unit,
                                 s.withheld or ""])  # fmt: skip
    return out.getvalue()


def _blank(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def region_table(console: Console, results: list[RegionResult], councils: list[str], policy: DisclosurePolicy) -> None:
    """The latest period: each indicator's regional figure beside its councils' (or their range)."""
    if not results or not results[0].region:
        return
    latest = results[0].region[-1]
    wide = len(councils) <= WIDE_UP_TO
    which = f"{len(councils)} councils, together and each" if len(councils) > 1 else f"Council {councils[0]}"
    title = f"{which}: {latest.period_start:%-d %b %Y} to {latest.period_end:%-d %b %Y}"
    table = Table(title=title, title_justify="left")
    table.add_column("Indicator", overflow="fold")
    table.add_column("All", justify="right")
    for heading in councils if wide else ["Lowest", "Highest"]:
        table.add_column(heading, justify="right")
    for r in results:
        ind = r.indicator
        region = r.region[-1]
        cells = [_shown(region, ind.decimals, ind.unit)]
        latest_of = {la: series[-1] for la, series in r.councils.items() if series}
        if wide:
            cells += [_shown(latest_of[la], ind.decimals, ind.unit) if la in latest_of else "-" for la in councils]
        else:
            shown = sorted((s.value, la) for la, s in latest_of.items() if s.value is not None)
            ends = shown[:1] + shown[-1:]
            cells += [f"{_number(v, ind.decimals, ind.unit)} ({la})" for v, la in ends] or ["-", "-"]
        table.add_row(escape(ind.title), *cells)
    console.print(table)
    console.print(
        f"All: the councils' figures pooled (numerators and denominators summed). c: withheld, built on "
        f"{policy.label} (and a second where one alone could be worked out from the total), so this may be shared "
        "across the councils. n/a: not available from the data loaded (why: --format json or csv)."
        + ("" if wide else " `--format csv` gives every council.")
        + (
            f" The table gives the latest of the {len(results[0].region)} periods asked for; `--format csv` or "
            "`--format json` gives them all."
            if len(results[0].region) > 1
            else ""
        ),
        highlight=False,
    )


def _shown(s: Shared, decimals: int, unit: str) -> str:
    if s.withheld:
        return "c" if s.withheld.startswith("fewer") else "n/a"
    return _number(s.value, decimals, unit)


def _number(value: float | None, decimals: int, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.{decimals}f}" + ("%" if unit == "percent" else "")
