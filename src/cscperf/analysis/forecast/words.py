"""The forecast in plain English: the sentences the command line and the committee report share.

Figures are rounded as people read them: children to whole numbers, money to £0.1 million (or £ thousands
below a million), FTE to whole FTE in sentences. Ranges are given as "8 in 10 chances" (the 80% range) and
"19 in 20" (the 95% range), never as a single line alone.
"""

from __future__ import annotations

import datetime as dt

from cscperf.analysis.forecast.backtest import Backtest
from cscperf.analysis.forecast.result import ForecastResult, ScenarioResult
from cscperf.analysis.forecast.spread import Spread
from cscperf.indicators.engine import round_as_dfe


def whole(value: float) -> str:
    """A count as a whole number, rounded half away from zero: 1,234."""
    rounded = round_as_dfe(value, 0)
    return f"{rounded:,.0f}" if rounded is not None else "-"


def money(value: float) -> str:
    """Pounds for a sentence: £12.3 million, £450,000, -£1.2 million."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 1_000_000:
        return f"{sign}£{amount / 1_000_000:,.1f} million"
    return f"{sign}£{round_as_dfe(amount, -3) or 0:,.0f}"


def month_words(day: dt.date) -> str:
    return f"{day:%B %Y}"


def count_range(s: Spread) -> str:
    """'about 380 (8 in 10 chances between 351 and 412; 19 in 20 between 335 and 427)'."""
    return (
        f"about {whole(s.p50)} (8 in 10 chances between {whole(s.p10)} and {whole(s.p90)}; 19 in 20 between "
        f"{whole(s.p2_5)} and {whole(s.p97_5)})"
    )


def money_range(s: Spread) -> str:
    return f"about {money(s.p50)} (8 in 10 chances between {money(s.p10)} and {money(s.p90)})"


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}%"


def backtest_sentence(b: Backtest) -> str:
    """One backtest in a sentence, saying plainly when the model was no better than a simple forecast."""
    if b.total is None or b.total.mape is None:
        return b.reason or f"No backtest from {month_words(b.start)}: not enough data."
    a = b.total
    months = len(b.series)
    inside80 = round((a.coverage_80 or 0) * months / 100)
    inside95 = round((a.coverage_95 or 0) * months / 100)
    text = (
        f"Run from {month_words(b.start)}, the model's central forecast of the number in care was out by "
        f"{percent(a.mape)} on average over the next {months} months (assuming no change: {percent(a.naive_mape)}; "
        f"a straight-line trend: {percent(a.trend_mape)}); the actual number was inside the 80% range in "
        f"{inside80} of {months} months and inside the 95% range in {inside95}."
    )
    worse = [
        name
        for name, better in (("assuming no change", a.beats_naive), ("a straight-line trend", a.beats_trend))
        if better is False
    ]
    if worse:
        text += f" Here the model did no better than {' or '.join(worse)}."
    return text


def backtests_summary(result: ForecastResult) -> str:
    """The backtests in one or two sentences, saying plainly when the model was no better than a simple forecast."""
    done = [b for b in result.backtests if b.total is not None and b.total.mape is not None]
    if not done:
        reasons = {_clause(b.reason) for b in result.backtests if b.reason}
        return "The forecast could not be backtested: " + ("; ".join(sorted(reasons)) or "not enough data") + "."
    parts = [backtest_sentence(b) for b in done]
    losing = [b for b in done if b.total is not None and (b.total.beats_naive is False or b.total.beats_trend is False)]
    if losing:
        parts.append("Read the central figure with caution: a simple forecast did as well.")
    return " ".join(parts)


def _clause(reason: str) -> str:
    """A reason as a clause of a longer sentence: "Not available: a backtest ... holds fewer." becomes "a
    backtest ... holds fewer" (no second "not available", no full stop inside the sentence)."""
    text = reason.strip().rstrip(".")
    if text.lower().startswith("not available:"):
        text = text[len("not available:") :].strip()
    first = text.split(" ", 1)[0]
    return text if len(first) > 1 and first.isupper() else text[:1].lower() + text[1:]  # "SSDA903" stays


def backtest_one_sentence(result: ForecastResult) -> str:
    """All the backtests in one sentence for the committee, e.g. "Tested from October 2025 and October 2024, the
    forecast was out by 1.1% and 2.8% on average (assuming no change: 3.3% and 1.7%; a straight-line trend: 1.6%
    and 3.0%), with the actual number inside the 80% range in 12 of 12 and 23 of 24 months, so it did better than
    both simple forecasts from October 2025 but no better than assuming no change from October 2024."."""
    done = [b for b in result.backtests if b.total is not None and b.total.mape is not None]
    if not done:
        return backtests_summary(result)

    def both(values: list[str]) -> str:
        return " and ".join(values)

    accuracy = [b.total for b in done if b.total is not None]
    inside = [
        f"{round((a.coverage_80 or 0) * len(b.series) / 100)} of {len(b.series)}"
        for b, a in zip(done, accuracy, strict=True)
    ]
    text = (
        f"Tested from {both([month_words(b.start) for b in done])}, the forecast was out by "
        f"{both([percent(a.mape) for a in accuracy])} on average (assuming no change: "
        f"{both([percent(a.naive_mape) for a in accuracy])}; a straight-line trend: "
        f"{both([percent(a.trend_mape) for a in accuracy])}), with the actual number inside the 80% range in "
        f"{both(inside)} months"
    )
    verdicts = []
    for b, a in zip(done, accuracy, strict=True):
        worse = [
            name
            for name, better in (("assuming no change", a.beats_naive), ("a straight-line trend", a.beats_trend))
            if better is False
        ]
        verdict = f"no better than {' or '.join(worse)}" if worse else "better than both simple forecasts"
        verdicts.append(f"{verdict} from {month_words(b.start)}")
    if len(set(v.split(" from ")[0] for v in verdicts)) == 1:
        return f"{text}, so it did {verdicts[0].split(' from ')[0]} each time."
    return f"{text}, so it did {both(verdicts)}."


def cla_sentence(result: ForecastResult) -> str:
    last = result.cla[-1]
    assert result.start is not None
    return (
        f"If children come into care, move and leave as they did in the {result.reference_months} months to "
        f"{month_words(result.start)}, the number in care in {month_words(last.month)} is expected to be "
        f"{count_range(last.total)}, against {result.now_total:,} now."
    )


def spend_sentence(result: ForecastResult) -> str | None:
    whole_years = [y for y in result.cost_years if y.whole]
    if not whole_years:
        return None
    first = whole_years[0]
    prices = (
        f"at {result.price_year} prices"
        if not result.annual_uplift
        else (f"with costs rising {result.annual_uplift:g}% a year from {result.price_year}")
    )
    return f"Placement spend in {first.label} is expected to be {money_range(first.total)}, {prices}."


def unit_costs_sentence(result: ForecastResult) -> str:
    """The weekly costs behind the spend figures, and where they come from."""
    kinds = {
        "configured": "the council's own figures",
        "finance_records": "the council's own placements (section 251 finance records)",
        "published_default": "England averages for 2024-25 from the DfE's section 251 outturn, or stated stand-ins "
        "where none is published",
    }
    costs = ", ".join(f"{u.group.label.lower()} £{u.weekly:,.0f}" for u in result.unit_costs)
    used = sorted({u.kind for u in result.unit_costs}, key=list(kinds).index)
    return (
        f"The weekly costs used are {costs}: from {'; '.join(kinds[k] for k in used)}. Residential care is never "
        "costed below £3,000 a week."
    )


def workforce_sentence(result: ForecastResult) -> str | None:
    if not result.workforce or result.workforce_inputs is None:
        return None
    inputs = result.workforce_inputs
    year = result.workforce[min(11, len(result.workforce) - 1)]
    text = (
        f"To hold caseloads at {inputs.caseload_target.value:g}, about {whole(year.fte_needed.p50)} qualified "
        f"case-holding social workers (FTE) are needed in {month_words(year.month)} (8 in 10 chances between "
        f"{whole(year.fte_needed.p10)} and {whole(year.fte_needed.p90)}), against {inputs.fte_in_post:,.0f} in post "
        f"now. With turnover at {inputs.turnover_rate.value:.0f}% a year and about "
        f"{inputs.months_to_recruit.value:.0f} months to fill a post, "
    )
    recruits = sum(m.starters_needed for m in result.workforce[:12])
    first = next((m for m in result.workforce if m.starters_needed >= 0.05), None)
    if recruits >= 0.5:
        text += f"about {whole(recruits)} FTE need to start in the next 12 months"
    elif first is not None:
        text += (
            f"no starters are needed in the next 12 months: the FTE in post falls to the need by "
            f"{month_words(first.month)}, and recruiting to replace leavers must be under way before then"
        )
    else:
        text += "no starters are needed over the forecast"
    gap = max((m.gap_to_cover for m in result.workforce), default=0.0)
    if gap >= 0.5:
        text += (
            f"; until recruits can start, up to {whole(gap)} FTE must be covered another way (agency staff, "
            "overtime or higher caseloads)"
        )
    return text + "."


def placement_sentence(result: ForecastResult) -> str:
    """Residential care, the costliest placements, now and at the end of the forecast."""
    from cscperf.analysis.forecast.groups import PlacementGroup

    group = PlacementGroup.RESIDENTIAL
    last = result.cla[-1]
    s = last.by_placement[group]
    return (
        f"Of them, about {whole(s.p50)} are expected to be in residential care (8 in 10 chances between "
        f"{whole(s.p10)} and {whole(s.p90)}), against {result.now.get(group, 0):,} now."
    )


def scenario_sentence(s: ScenarioResult) -> str:
    if s.reason is not None or s.difference_total is None or not s.cla:
        return f"{s.scenario.name}: {s.reason or 'not available'}."
    d = s.difference_total
    verb = "saves" if d.p50 < 0 else "costs"
    what = s.scenario.describe()
    named = s.scenario.name if len(s.scenario.name.split()) >= 4 else f"{s.scenario.name} ({what})"
    return (
        f"{named}: about {whole(s.cla[-1].p50)} in care at the end; over the "
        f"{len(s.cla)} months it {verb} about {money(abs(d.p50))} against the central forecast (8 in 10 chances "
        f"of between {change_words(d.p10)} and {change_words(d.p90)})."
    )


def change_words(value: float) -> str:
    """A difference in spend: 'saving £1.2 million' or 'costing £300,000'."""
    return f"saving {money(-value)}" if value < 0 else f"costing {money(value)}"
