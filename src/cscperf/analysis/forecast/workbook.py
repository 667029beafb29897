"""The forecast as Excel tables: one sheet each for children in care, spend, social workers, backtests and
scenarios, every figure a number (with its 80% and 95% ranges), so analysts can chart and sort them. Used by
`cscperf forecast --format xlsx` and added to the committee report's kpis.xlsx.

Every cell goes through the shared safe writer (`cscperf.exports.xlsx_file`): text that came from outside
cscperf (scenario names, the council's name) is never read as a formula. Each sheet is marked "not for
publication", as the report's kpis.xlsx sheets are: it is the analysts' working copy, and the committee paper
is what is shared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from cscperf.analysis.forecast.ages import BAND_LABELS
from cscperf.analysis.forecast.groups import GROUPS
from cscperf.analysis.forecast.result import ForecastResult
from cscperf.analysis.forecast.spread import PERCENTILE_KEYS, Spread
from cscperf.analysis.forecast.words import backtests_summary
from cscperf.exports.xlsx_file import NOT_FOR_PUBLICATION, add_table, append_row, mark_sheet, workbook_bytes

BOLD: Final = Font(bold=True)
TITLE: Final = Font(bold=True, size=14)
RANGE_HEADINGS: Final = (
    "2.5th percentile",
    "10th percentile",
    "Central (50th)",
    "90th percentile",
    "97.5th percentile",
)

SHEETS: Final = (
    "Forecast",
    "Forecast by placement",
    "Forecast spend",
    "Forecast workforce",
    "Forecast backtests",
    "Forecast scenarios",
)


def _spread(s: Spread, decimals: int = 1) -> list[float]:
    return [round(getattr(s, k), decimals) for k in PERCENTILE_KEYS]


def _table(ws: Worksheet, name: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    append_row(ws, headers)
    top = ws.max_row
    for cell in ws[top]:
        cell.font = BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_row(ws, row)
    add_table(ws, name, top, len(headers))


def _heading(ws: Worksheet, title: str, *lines: str) -> None:
    append_row(ws, [title])
    ws.cell(ws.max_row, 1).font = TITLE
    for line in lines:
        append_row(ws, [line])
    ws.append([])


def add_forecast_sheets(wb: Workbook, result: ForecastResult) -> None:
    """The forecast's sheets, added to a workbook (a single sheet saying why, when there is no forecast)."""
    ws = _sheet(wb, SHEETS[0])
    if not result.available:
        _heading(ws, "Forecast: not available", result.reason or "")
        return
    _overview(ws, result)
    _by_placement(_sheet(wb, SHEETS[1]), result)
    _spend(_sheet(wb, SHEETS[2]), result)
    _workforce(_sheet(wb, SHEETS[3]), result)
    _backtests(_sheet(wb, SHEETS[4]), result)
    if result.scenarios:
        _scenarios(_sheet(wb, SHEETS[5]), result)


def _sheet(wb: Workbook, name: str) -> Worksheet:
    """A new sheet, marked as not for publication before anything else is written on it."""
    ws = wb.create_sheet(name)
    mark_sheet(ws, NOT_FOR_PUBLICATION)
    return ws


def forecast_workbook(result: ForecastResult) -> bytes:
    """The forecast on its own as .xlsx bytes."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    add_forecast_sheets(wb, result)
    return workbook_bytes(wb)


def _overview(ws: Worksheet, r: ForecastResult) -> None:
    assert r.start is not None and r.reference_start is not None
    _heading(
        ws,
        f"Children looked after: forecast for {r.council_name} ({r.la_code}) from {r.start:%-d %B %Y}",
        f"Rates from the {r.reference_months} months {r.reference_start:%-d %B %Y} to {r.start:%-d %B %Y}; "
        f"{r.simulations:,} simulated futures (random seed {r.seed}); each figure is the central estimate (50th "
        "percentile) with the edges of the 80% (10th-90th) and 95% (2.5th-97.5th) ranges.",
        f"Children looked after at the start: {r.now_total:,}.",
        *r.notes,
    )
    rows: list[list[object]] = []
    if r.history is not None:
        blank = [None] * len(RANGE_HEADINGS)
        rows += [[m, "actual", total, *blank] for m, total in zip(r.history.months, r.history.total, strict=True)]
    rows += [[m.month, "forecast", None, *_spread(m.total)] for m in r.cla]
    _table(ws, "forecast_cla", ["Month end", "Actual or forecast", "Actual", *RANGE_HEADINGS], rows)
    for row in ws.iter_rows(min_row=ws.max_row - len(rows) + 1, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    _widths(ws, [14, 18, 10, 16, 16, 16, 16, 16])


def _by_placement(ws: Worksheet, r: ForecastResult) -> None:
    _heading(ws, "Children looked after by placement and by age band (forecast)")
    rows = [[m.month, g.label, *_spread(m.by_placement[g])] for m in r.cla for g in GROUPS] + [
        [m.month, f"Age: {b}", *_spread(m.by_age_band[b])] for m in r.cla for b in BAND_LABELS
    ]
    _table(ws, "forecast_by_placement", ["Month end", "Placement or age band", *RANGE_HEADINGS], rows)
    _dates(ws, len(rows))
    _widths(ws, [14, 30, 16, 16, 16, 16, 16])


def _spend(ws: Worksheet, r: ForecastResult) -> None:
    prices = f"{r.price_year} prices" + (f", rising {r.annual_uplift:g}% a year" if r.annual_uplift else "")
    _heading(ws, f"Placement spend (pounds, {prices})")
    _table(
        ws,
        "forecast_unit_costs",
        ["Placement", "Weekly cost (£)", "Where the cost comes from"],
        [[u.group.label, round(u.weekly, 2), u.source] for u in r.unit_costs],
    )
    ws.append([])
    _table(
        ws,
        "forecast_spend_years",
        ["Financial year", "Months forecast", *RANGE_HEADINGS],
        [[y.label, y.months, *_spread(y.total, 0)] for y in r.cost_years],
    )
    ws.append([])
    rows = [[m.month, "All placements", *_spread(m.total, 0)] for m in r.cost] + [
        [m.month, g.label, *_spread(m.by_placement[g], 0)] for m in r.cost for g in GROUPS
    ]
    _table(ws, "forecast_spend_months", ["Month end", "Placement", *RANGE_HEADINGS], rows)
    _dates(ws, len(rows))
    _widths(ws, [28, 16, 70, 16, 16, 16, 16])


def _workforce(ws: Worksheet, r: ForecastResult) -> None:
    if r.workforce_inputs is None:
        _heading(ws, "Social workers needed: not available", r.workforce_reason or "")
        return
    w = r.workforce_inputs
    _heading(ws, "Qualified case-holding social workers (FTE) needed to hold caseloads at the target")
    settings: list[list[object]] = [
        ["Caseload target", w.caseload_target.value, w.caseload_target.source],
        ["FTE in post at the start", round(w.fte_in_post, 1), "qualified workers holding cases (employed and agency)"],
        ["Turnover rate (% a year)", round(w.turnover_rate.value, 1), w.turnover_rate.source],
        ["Vacancy rate (%)", round(w.vacancy_rate.value, 1), w.vacancy_rate.source],
        ["Months to recruit", round(w.months_to_recruit.value, 1), w.months_to_recruit.source],
        ["Cases per allocated child", round(w.cases_per_child, 3), "at the start"],
        [
            "Children looked after with an allocated worker (%)",
            round(w.looked_after_allocated * 100, 1),
            "at the start",
        ],
        ["Funded posts (FTE)", None if w.funded_posts_fte is None else round(w.funded_posts_fte, 1), "at the start"],
    ]
    _table(ws, "forecast_workforce_inputs", ["Setting", "Value", "Where it comes from"], settings)
    ws.append([])
    headers = [
        "Month end",
        "Cases (central)",
        *(f"FTE needed: {h}" for h in RANGE_HEADINGS),
        "FTE in post without recruiting",
        "FTE in post with recruiting",
        "Starters needed (FTE)",
        "Recruitment to start (FTE)",
        "Gap to cover (FTE)",
        "Funded posts needed (FTE)",
    ]
    rows = [
        [
            m.month,
            round(m.cases.p50, 1),
            *_spread(m.fte_needed),
            round(m.fte_in_post_without_recruiting, 1),
            round(m.fte_in_post_with_recruiting, 1),
            round(m.starters_needed, 1),
            None if m.recruitment_to_start is None else round(m.recruitment_to_start, 1),
            round(m.gap_to_cover, 1),
            round(m.funded_posts_needed, 1),
        ]
        for m in r.workforce
    ]
    _table(ws, "forecast_workforce", headers, rows)
    _dates(ws, len(rows))
    _widths(ws, [40, 14, 60, 14, 14, 14, 14, 16, 16, 14, 14, 14, 14])


def _backtests(ws: Worksheet, r: ForecastResult) -> None:
    _heading(
        ws,
        "Backtests: the model run from earlier dates against what happened",
        backtests_summary(r),
        "MAPE: mean absolute percentage error of the central forecast. Coverage: % of months whose actual "
        "number was inside the range.",
    )
    rows = []
    for b in r.backtests:
        a = b.total
        rows.append(
            [
                b.start,
                b.months,
                "All placements",
                *(
                    _pct(getattr(a, k, None))
                    for k in ("mape", "naive_mape", "trend_mape", "coverage_80", "coverage_95")
                ),
                b.reason,
            ]
        )
        for g, acc in b.by_placement.items():
            rows.append(
                [
                    b.start,
                    b.months,
                    g.label,
                    _pct(acc.mape),
                    _pct(acc.naive_mape),
                    _pct(acc.trend_mape),
                    _pct(acc.coverage_80),
                    _pct(acc.coverage_95),
                    None,
                ]
            )
    headers = [
        "From",
        "Months",
        "Placement",
        "Model MAPE (%)",
        "No change MAPE (%)",
        "Trend MAPE (%)",
        "Inside 80% range (% of months)",
        "Inside 95% range (% of months)",
        "Note",
    ]
    _table(ws, "forecast_backtests", headers, rows)
    ws.append([])
    series = [
        [b.start, m.month, m.actual, *_spread(m.forecast), round(m.naive, 1), round(m.trend, 1)]
        for b in r.backtests
        for m in b.series
    ]
    _table(
        ws, "forecast_backtest_months", ["From", "Month end", "Actual", *RANGE_HEADINGS, "No change", "Trend"], series
    )
    _widths(ws, [14, 14, 28, 14, 14, 14, 16, 16, 40])


def _scenarios(ws: Worksheet, r: ForecastResult) -> None:
    _heading(ws, "Scenarios against the central forecast (spend differences: positive costs more, negative saves)")
    rows: list[list[object]] = []
    for s in r.scenarios:
        if s.reason is not None or s.difference_total is None:
            rows.append(
                [s.scenario.name, s.scenario.describe(), "not available", None, None, None, None, None, s.reason]
            )
            continue
        rows.append([s.scenario.name, s.scenario.describe(), "Children in care at the end", *_spread(s.cla[-1]), None])
        for label, months, d in s.difference_years:
            rows.append(
                [
                    s.scenario.name,
                    s.scenario.describe(),
                    f"Spend difference {label} ({months} months)",
                    *_spread(d, 0),
                    None,
                ]
            )
        rows.append(
            [
                s.scenario.name,
                s.scenario.describe(),
                "Spend difference, whole forecast",
                *_spread(s.difference_total, 0),
                None,
            ]
        )
    _table(ws, "forecast_scenarios", ["Scenario", "What it changes", "Figure", *RANGE_HEADINGS, "Note"], rows)
    _widths(ws, [30, 60, 34, 16, 16, 16, 16, 16, 30])


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _dates(ws: Worksheet, rows: int) -> None:
    for row in ws.iter_rows(min_row=ws.max_row - rows + 1, max_col=1):
        row[0].number_format = "yyyy-mm-dd"


def _widths(ws: Worksheet, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = width
