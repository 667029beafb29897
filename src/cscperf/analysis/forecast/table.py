"""The forecast as tables for the terminal (80 columns): children in care every three months, by placement,
spend by financial year, social workers, backtests and scenarios, with the notes. Text that comes from data or
configuration (the council's name, scenario names) is printed literally (the shared console's DataTable and
Text), never read as markup."""

from __future__ import annotations

from collections.abc import Iterator

from rich.console import RenderableType
from rich.text import Text

from cscperf.analysis.forecast.groups import GROUPS, SHORT_LABELS
from cscperf.analysis.forecast.result import ForecastResult
from cscperf.analysis.forecast.words import backtests_summary, percent, scenario_sentence, whole
from cscperf.cli.console import DataTable


def _k(value: float) -> str:
    """Pounds in thousands: 13,792."""
    return whole(value / 1000)


def renderables(result: ForecastResult) -> Iterator[RenderableType]:
    """Everything the table format prints, in order."""
    yield Text(f"Forecast for {result.council_name} ({result.la_code})", style="bold")
    if not result.available:
        yield Text(f"Not available: {result.reason}")
        return
    assert result.start is not None and result.reference_start is not None
    yield Text(
        f"From {result.start:%-d %B %Y}, {result.horizon} months ahead. Children looked after now: "
        f"{result.now_total:,}. Rates from the {result.reference_months} months from "
        f"{result.reference_start:%-d %B %Y}; {result.simulations:,} simulated futures (seed {result.seed}). "
        "Ranges: 80% (10th-90th percentile) and 95% (2.5th-97.5th)."
    )
    yield _cla(result)
    yield _placements(result)
    yield _spend(result)
    yield from _workforce(result)
    yield _backtests(result)
    yield Text(backtests_summary(result))
    if result.scenarios:
        yield Text("Scenarios", style="bold")
        for s in result.scenarios:
            yield Text(f"- {scenario_sentence(s)}")
    for note in result.notes:
        yield Text(f"Note: {note}")


def _every_third(count: int) -> list[int]:
    shown = list(range(2, count, 3))
    return shown if shown and shown[-1] == count - 1 else [*shown, count - 1]


def _cla(r: ForecastResult) -> DataTable:
    table = DataTable(title="Children looked after", title_justify="left")
    for heading in ("Month", "2.5%", "10%", "Central", "90%", "97.5%"):
        table.add_column(heading, justify="left" if heading == "Month" else "right")
    for i in _every_third(len(r.cla)):
        m = r.cla[i]
        s = m.total
        table.add_row(f"{m.month:%b %Y}", whole(s.p2_5), whole(s.p10), whole(s.p50), whole(s.p90), whole(s.p97_5))
    return table


def _placements(r: ForecastResult) -> DataTable:
    # a year on, two years on, and the end of the forecast (three columns of ranges fit 80 columns; a 60-month
    # forecast showed only the first 36 months here)
    last = len(r.cla) - 1
    points = sorted({i for i in (11, 23) if i < last} | {last})
    table = DataTable(title="By placement: central estimate (80% range)", title_justify="left")
    table.add_column("Placement")
    table.add_column("Now", justify="right")
    for i in points:
        table.add_column(f"{r.cla[i].month:%b %Y}", justify="right")
    for g in GROUPS:
        cells = [f"{whole(s.p50)} ({whole(s.p10)}-{whole(s.p90)})" for s in (r.cla[i].by_placement[g] for i in points)]
        table.add_row(SHORT_LABELS[g], f"{r.now.get(g, 0):,}", *cells)
    return table


def _spend(r: ForecastResult) -> DataTable:
    prices = f"{r.price_year} prices" + (f", +{r.annual_uplift:g}% a year" if r.annual_uplift else "")
    table = DataTable(title=f"Placement spend, £ thousands ({prices})", title_justify="left")
    for heading in ("Financial year", "Months", "Central", "80% range", "95% range"):
        table.add_column(heading, justify="left" if heading == "Financial year" else "right")
    for y in r.cost_years:
        t = y.total
        table.add_row(y.label, str(y.months), _k(t.p50), f"{_k(t.p10)}-{_k(t.p90)}", f"{_k(t.p2_5)}-{_k(t.p97_5)}")
    return table


def _workforce(r: ForecastResult) -> Iterator[RenderableType]:
    if r.workforce_inputs is None:
        yield Text(f"Social workers needed: not available. {r.workforce_reason}")
        return
    w = r.workforce_inputs
    table = DataTable(
        title=f"Qualified case-holding social workers (FTE), caseload target {w.caseload_target.value:g}",
        title_justify="left",
    )
    for heading in ("Month", "Cases", "FTE needed (80%)", "In post*", "Starters", "Recruit**"):
        table.add_column(heading, justify="left" if heading == "Month" else "right")
    for i in _every_third(len(r.workforce)):
        m = r.workforce[i]
        n = m.fte_needed
        table.add_row(
            f"{m.month:%b %Y}",
            whole(m.cases.p50),
            f"{n.p50:.1f} ({n.p10:.1f}-{n.p90:.1f})",
            f"{m.fte_in_post_with_recruiting:.1f}",
            f"{m.starters_needed:.1f}",
            "-" if m.recruitment_to_start is None else f"{m.recruitment_to_start:.1f}",
        )
    yield table
    yield Text(
        f"* In post if the starters needed are recruited ({w.fte_in_post:.1f} FTE now; without recruiting "
        f"{r.workforce[-1].fte_in_post_without_recruiting:.1f} by {r.workforce[-1].month:%b %Y}). ** FTE to start "
        f"recruiting that month. Turnover {w.turnover_rate.value:.1f}% a year ({w.turnover_rate.source}); vacancy "
        f"{w.vacancy_rate.value:.1f}% ({w.vacancy_rate.source}); {w.months_to_recruit.value:.1f} months to recruit "
        f"({w.months_to_recruit.source})."
    )


def _backtests(r: ForecastResult) -> DataTable:
    table = DataTable(title="Backtests: mean absolute % error, and months inside the ranges", title_justify="left")
    for heading in ("From", "Months", "Model", "No change", "Trend", "In 80%", "In 95%"):
        table.add_column(heading, justify="left" if heading == "From" else "right")
    for b in r.backtests:
        a = b.total
        if a is None:
            table.add_row(f"{b.start:%b %Y}", str(b.months), "not available", "", "", "", "")
            continue
        table.add_row(
            f"{b.start:%b %Y}",
            str(b.months),
            percent(a.mape),
            percent(a.naive_mape),
            percent(a.trend_mape),
            percent(a.coverage_80),
            percent(a.coverage_95),
        )
    return table
