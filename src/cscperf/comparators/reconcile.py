"""Reconcile a council's own figures with the DfE's published ones, measure by measure, for one year.

For each measure the DfE publishes for 31 March or the year to it (children looked after, started, ceased,
3+ placements, long-term stability, the OC2 health and dental measures, referrals, re-referrals,
assessments in 45 working days, conferences in 15, CP plans at 31 March and started, second plans, plans of
2 years or more), our figure for the year ending 31 March beside the published figure for the council (the
latest release that has it), the difference, and, where they differ, the children, referrals or plans
behind our figure (the drill-down), so a performance team can explain every gap. The drill-down holds child
identifiers: the result is for the performance team, never for publication.

A measure our data cannot support for the year is "not available" with the reason; one with no published
figure says so (suppressed, not imported). Nothing is ever shown as 0 for want of data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cscperf.comparators.comparison import latest_values
from cscperf.comparators.published import AT_31_MARCH, PUBLISHED, SUPPRESSION_WORDS
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point, compute, drill_down
from cscperf.indicators.settings import IndicatorSettings
from cscperf.reporting_periods import financial_year
from cscperf.store.connection import Connection

# The measures reconciled, in the order the DfE's releases present them.
RECONCILED: tuple[str, ...] = (
    "cla_open", "cla_rate_per_10k", "cla_started", "cla_ceased", "cla_3plus_placements",
    "cla_long_term_stability", "oc2_health_assessment", "oc2_dental_check", "referrals", "re_referrals_12m",
    "assessments_within_45wd", "icpc_within_15wd", "cp_plans_open", "cp_rate_per_10k", "cp_plans_started",
    "cp_second_or_subsequent", "cp_open_2y_plus", "cp_ended_2y_plus",
)  # fmt: skip

NOTICE = (
    "This reconciliation lists children's identifiers (the records behind each difference). It is for the "
    "council's performance team: keep it as you keep the case records, and do not publish it."
)


@dataclass(frozen=True)
class Published:
    """The council's published figure for a year, or why there is none."""

    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    suppression: str | None = None
    source: str | None = None
    note: str | None = None


@dataclass
class Line:
    """One measure: ours beside the published figure, the difference, and the records behind ours."""

    indicator_id: str
    title: str
    unit: str
    decimals: int
    when: str  # "at 31 March 2024" or "year to 31 March 2024"
    ours: Point
    published: Published
    records: list[dict[str, Any]] = field(default_factory=list)

    @property
    def difference(self) -> float | None:
        """Ours less the published figure, as both are shown (None when either is missing)."""
        if self.ours.value is None or self.published.value is None:
            return None
        return round(self.ours.value - self.published.value, self.decimals)

    @property
    def count_difference(self) -> float | None:
        """Our numerator less the published count behind the figure, where both are known."""
        if self.ours.numerator is None or self.published.numerator is None:
            return None
        return round(self.ours.numerator - self.published.numerator, 6)

    @property
    def status(self) -> str:
        """matches, differs, not available (ours), not published, or not comparable."""
        if not self.ours.available:
            return "not available"
        if self.published.value is None:
            return "not published"
        if self.difference is None:
            return "not comparable"
        differs = self.difference != 0 or (self.count_difference is not None and self.count_difference != 0)
        return "differs" if differs else "matches"


@dataclass
class Reconciliation:
    la_code: str
    la_name: str
    year: int
    lines: list[Line]
    comparators_loaded: bool
    notice: str = NOTICE


def reconcile(
    con: Connection,
    la_code: str,
    year: int,
    *,
    settings: IndicatorSettings | None = None,
    ids: tuple[str, ...] = RECONCILED,
) -> Reconciliation:
    """Our figures for the year ending 31 March `year` beside the council's published ones."""
    library = load_library()
    period = financial_year(year - 1)
    results = {r.indicator.id: r for r in compute(con, [period], ids=list(ids), settings=settings, la_codes=[la_code])}
    loaded = bool(con.execute("SELECT count(*) FROM cscperf_benchmark_values").fetchall()[0][0])
    name = _council_name(con, la_code)
    lines = []
    for indicator_id in ids:
        indicator = library[indicator_id]
        ours = next(p for p in results[indicator_id].points if p.la_code == la_code and p.group is None)
        meaning = PUBLISHED[indicator_id].year_meaning
        when = f"{'at' if meaning == AT_31_MARCH else 'year to'} 31 March {year}"
        line = Line(indicator_id, indicator.title, indicator.unit, indicator.decimals, when, ours,
                    published_figure(con, indicator_id, la_code, year, loaded))  # fmt: skip
        if line.status == "differs":
            line.records = drill_down(con, indicator_id, period, settings=settings, la_codes=[la_code]).rows
        lines.append(line)
    return Reconciliation(la_code, name, year, lines, loaded)


def published_figure(con: Connection, indicator_id: str, la_code: str, year: int, loaded: bool = True) -> Published:
    """The council's figure from the latest release that has it, with the count and base behind it where a
    release gives them; or why there is none. A count the DfE publishes only as the numerator or base of
    another figure (children looked after, as the numerator of the rate) is read from there."""
    if not loaded:
        return Published(note="no published statistics imported")
    row = latest_values(con, indicator_id, year).get(la_code)
    if row is None and indicator_id in _COUNT_OF:
        return _count_of_other(con, indicator_id, la_code, year)
    if row is None:
        return Published(note=f"no {year} figure imported for the council")
    source = f"{row['source_file']} (release {row['release']})"
    if row["value"] is None:
        word = SUPPRESSION_WORDS.get(row["suppression"] or "", "not published")
        return Published(suppression=row["suppression"], source=source, note=f"{word} ({row['suppression']})")
    numerator, denominator = row["numerator"], row["denominator"]
    if numerator is None:  # another release (EES) may give the count behind the same figure
        found = con.execute(
            "SELECT numerator, denominator FROM cscperf_benchmark_values WHERE indicator_id = ? AND area_code = ? "
            "AND year = ? AND value = ? AND numerator IS NOT NULL ORDER BY release DESC, source_file LIMIT 1",
            [indicator_id, la_code, year, row["value"]],
        ).fetchall()
        if found:
            numerator, denominator = found[0]
    return Published(row["value"], numerator, denominator, None, source)


def _count_of_other(con: Connection, indicator_id: str, la_code: str, year: int) -> Published:
    other, part = _COUNT_OF[indicator_id]
    found = con.execute(
        f"SELECT {part}, source_file, release FROM cscperf_benchmark_values WHERE indicator_id = ? AND area_code = ? "
        f"AND year = ? AND {part} IS NOT NULL ORDER BY release DESC, source_file LIMIT 1",
        [other, la_code, year],
    ).fetchall()
    if not found:
        return Published(note=f"no {year} figure imported for the council")
    count, source_file, release = found[0]
    return Published(float(count), None, None, None, f"{source_file} (release {release})")


# Counts the DfE also publishes as the numerator or base of another figure.
_COUNT_OF: dict[str, tuple[str, str]] = {
    "cla_open": ("cla_rate_per_10k", "numerator"),
    "cp_plans_open": ("cp_rate_per_10k", "numerator"),
    "referrals": ("re_referrals_12m", "denominator"),
    "cp_plans_started": ("cp_second_or_subsequent", "denominator"),
}


def _council_name(con: Connection, la_code: str) -> str:
    from cscperf.reference.la_codes import council_name

    rows = con.execute("SELECT la_name FROM cscperf_councils WHERE la_code = ?", [la_code]).fetchall()
    return council_name(la_code, rows[0][0] if rows else None)


def default_year(con: Connection, la_code: str) -> int | None:
    """The latest year ending 31 March the council's data cover to its end."""
    from cscperf.indicators.coverage import council_coverage

    end = council_coverage(con, [la_code])[la_code].data_end
    if end is None:
        return None
    return end.year if end >= dt.date(end.year, 3, 31) else end.year - 1
