"""Figures as a reader sees them: rounded as the DfE rounds, with their unit, and months and years named."""

from __future__ import annotations

import datetime as dt

from cscperf.disclosure import DEFAULT_POLICY, DisclosurePolicy, count_words, n_of_d_words
from cscperf.indicators.engine import round_as_dfe

UNIT_SUFFIX = {"percent": "%", "rate_per_10k": " per 10,000", "ratio": "", "days": " days", "count": ""}


def number(value: float, decimals: int, *, trim: bool = False) -> str:
    """`value` rounded half away from zero to `decimals` places, with thousands separators ("1,234.5")."""
    rounded = round_as_dfe(value, decimals)
    assert rounded is not None
    text = f"{rounded:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def count_text(value: float) -> str:
    """A count as written in a sentence: "429", or "117.3" for full-time equivalents."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return number(value, 1)


def people_count(value: float, policy: DisclosurePolicy = DEFAULT_POLICY) -> str:
    """A count of children (or cases, plans, visits) as members may read it: "12", or "fewer than 5" when the
    disclosure policy withholds it; full-time equivalents (staff, not children) as they are."""
    if not float(value).is_integer():
        return count_text(value)
    return count_words(value, policy)


def n_of_d(numerator: float, denominator: float, what: str = "", policy: DisclosurePolicy = DEFAULT_POLICY) -> str:
    """ "398 of 429 visits"; "fewer than 5 of 24 plans" when the disclosure policy withholds the numerator;
    full-time equivalents (staff, not children) as they are."""
    if not (float(numerator).is_integer() and float(denominator).is_integer()):
        return f"{count_text(numerator)} of {count_text(denominator)} {what}".rstrip()
    return n_of_d_words(numerator, denominator, what, policy)


def shown(value: float | None, unit: str, decimals: int, *, trim: bool = False, suffix: bool = True) -> str:
    """A figure with its unit: "93%", "78 per 10,000", "17.5", "1,234"; "no figure" when there is none."""
    if value is None:
        return "no figure"
    return number(value, decimals, trim=trim) + (UNIT_SUFFIX.get(unit, "") if suffix else "")


def change_shown(change: float | None, unit: str, decimals: int) -> str:
    """A change: "+2 points", "-1.5", "no change"."""
    if change is None:
        return "-"
    rounded = round_as_dfe(change, decimals)
    if not rounded:
        return "no change"
    text = f"{rounded:+,.{decimals}f}"
    if unit == "percent":
        return f"{text} {'point' if abs(rounded) == 1 else 'points'}"
    return text


def month_name(period_end: dt.date) -> str:
    """ "October 2026" for a month ending on its last day; "the month to 15 October 2026" for a month to date."""
    if (period_end + dt.timedelta(days=1)).day == 1:
        return f"{period_end:%B %Y}"
    return f"the month to {period_end.day} {period_end:%B %Y}"


def month_short(period_end: dt.date) -> str:
    return f"{period_end:%b %Y}"


def year_label(year: int, meaning: str) -> str:
    """How a published year reads: "2024-25" (year to 31 March), "31 March 2025", "30 September 2025"."""
    if meaning == "year to 31 March":
        return f"{year - 1}-{year % 100:02d}"
    if meaning == "30 September":
        return f"30 September {year}"
    return f"31 March {year}"


def within_possible(value: float, unit: str) -> float:
    """A process limit kept within what a measure can take: 0 to 100 for a percentage, 0 or more otherwise (every
    unit of the library counts something). The limit itself may lie beyond; it is drawn and stated at the edge."""
    return min(max(value, 0.0), 100.0) if unit == "percent" else max(value, 0.0)
