"""Coverage: which figures a council's data can support.

A figure is only as good as the data behind it. Each indicator declares the store tables (or fields) it
cannot do without (`requires`), and how far before the period its data must reach (`history_months`). The
store records, for each council, what each load gave each table and the dates it gives a complete record
of (`cscperf_coverage`: a return's collection year, an extract's range, a synthetic council's whole run).
From the two, every point of every series is one of:

- **full**: the tables it needs are held for the whole period (and the look-back before it);
- **part**: a flow whose period runs past the end of the data: the figure counts to the data's end and is
  marked as such;
- **none**: no figure, with the reason: a table no loaded source provides ("not available from the data
  loaded: CP visits come from the case system's SSD extract; the CIN Census and SSDA903 do not carry
  them"), a period before the data start or after the data end, a gap between loaded years, or a look-back
  the data do not reach.

A council the store records nothing about (a store built by hand) is taken to hold every table, within its
data range in `cscperf_councils` where that is known. Every output (kpis, drill, the report, the Excel,
the web view) reads these answers from the engine; none decides for itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from cscperf.indicators.definition import Indicator, load_sources
from cscperf.reporting_periods import ReportingPeriod, add_months, month_end
from cscperf.store.connection import Connection

CoverageLevel = Literal["full", "part", "none"]
_RANK: dict[CoverageLevel, int] = {"full": 0, "part": 1, "none": 2}


@dataclass(frozen=True)
class Availability:
    """Whether a figure can be shown for one period: `coverage` full, part or none, and why (if not full)."""

    coverage: CoverageLevel = "full"
    reason: str | None = None

    @property
    def available(self) -> bool:
        return self.coverage != "none"


FULL = Availability()


@dataclass(frozen=True)
class Span:
    """A run of days, both ends included; `history_from` is how far back its records account for (before
    `start` when a source carries its own look-back, as Annex A's referral counts do)."""

    start: dt.date
    end: dt.date
    history_from: dt.date | None = None

    @property
    def looks_back_to(self) -> dt.date:
        return self.history_from if self.history_from is not None and self.history_from < self.start else self.start


@dataclass(frozen=True)
class Held:
    """What one load gave one table: the days it gives a complete record of, and the fields it filled
    (None: every field)."""

    table: str
    start: dt.date
    end: dt.date
    fields: frozenset[str] | None = None
    lookback_months: int = 0


@dataclass(frozen=True)
class CouncilCoverage:
    """What the store holds for one council. `recorded` is False for a council the store says nothing
    about (every table is then taken as held over `data_start`..`data_end`, or always if those are unknown)."""

    la_code: str
    held: tuple[Held, ...] = ()
    recorded: bool = False
    range_start: dt.date | None = None
    range_end: dt.date | None = None
    _spans: dict[str, list[Span]] = field(default_factory=dict, compare=False, repr=False)

    @property
    def data_start(self) -> dt.date | None:
        """The first day any table of the council is held."""
        if self.recorded:
            return min((h.start for h in self.held), default=None)
        return self.range_start

    @property
    def data_end(self) -> dt.date | None:
        """The last day any table of the council is held."""
        if self.recorded:
            return max((h.end for h in self.held), default=None)
        return self.range_end

    def last_complete_month(self) -> dt.date | None:
        """The end of the last calendar month the data cover to its last day (the default as-at date)."""
        end = self.data_end
        if end is None:
            return None
        last = end if month_end(end) == end else end.replace(day=1) - dt.timedelta(days=1)
        start = self.data_start
        return last if start is None or last >= start else None

    def spans(self, name: str) -> list[Span]:
        """The days the store holds `name` (a table, or `table.field`) for, as merged runs of days."""
        if name not in self._spans:
            self._spans[name] = _merge(self._covering(name))
        return self._spans[name]

    def _covering(self, name: str) -> list[Span]:
        if not self.recorded:
            start, end = self.range_start or dt.date.min, self.range_end or dt.date.max
            return [Span(start, end)]
        table, _, wanted = name.partition(".")
        return [
            Span(h.start, h.end, add_months(h.start, -h.lookback_months) if h.lookback_months else None)
            for h in self.held
            if h.table == table and (not wanted or h.fields is None or wanted in h.fields)
        ]


def _merge(spans: Iterable[Span]) -> list[Span]:
    """Runs of days joined where they touch or overlap (31 March and 1 April are one run)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda x: x.start):
        if out and s.start <= out[-1].end + dt.timedelta(days=1):
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, s.end), min(last.looks_back_to, s.looks_back_to))
        else:
            out.append(Span(s.start, s.end, s.looks_back_to))
    return out


def council_coverage(con: Connection, la_codes: list[str] | None = None) -> dict[str, CouncilCoverage]:
    """What the store holds, council by council (every council, or those asked for)."""
    councils = con.execute("SELECT la_code, data_start_date, data_end_date FROM cscperf_councils").fetchall()
    rows = con.execute(
        "SELECT la_code, table_name, covers_from, covers_to, fields_given, lookback_months FROM cscperf_coverage "
        "WHERE covers_from IS NOT NULL AND covers_to IS NOT NULL AND covers_from <= covers_to"
    ).fetchall()
    held: dict[str, list[Held]] = {}
    for la, table, start, end, fields, lookback in rows:
        given = None if fields is None else frozenset(f for f in str(fields).split(",") if f)
        held.setdefault(str(la), []).append(Held(str(table), start, end, given, int(lookback or 0)))
    wanted = set(la_codes) if la_codes else None
    out: dict[str, CouncilCoverage] = {}
    for la, start, end in councils:
        la = str(la)
        if wanted is not None and la not in wanted:
            continue
        mine = held.get(la, [])
        out[la] = CouncilCoverage(la, tuple(mine), bool(mine), start, end)
    for la in wanted or ():
        out.setdefault(la, CouncilCoverage(la))
    return out


class Requirements(Protocol):
    """What `availability` reads of an indicator (or of a managers' list, which declares the same)."""

    @property
    def requires(self) -> tuple[tuple[str, ...], ...]: ...
    @property
    def history_months(self) -> int: ...
    @property
    def history_of(self) -> tuple[str, ...]: ...
    @property
    def period_kind(self) -> str: ...


def availability(indicator: Requirements, coverage: CouncilCoverage, period: ReportingPeriod) -> Availability:
    """Whether the council's data support the indicator's figure for the period, and if not, why."""
    measured_from = period.start if indicator.period_kind == "flow" else period.end
    first, last = coverage.data_start, coverage.data_end
    if last is not None and measured_from > last:
        return Availability("none", f"after the data end on {_day(last)}")
    if first is not None and period.end < first:
        return Availability("none", f"before the data start on {_day(first)}")
    worst = FULL
    for choice in _missing_first(indicator.requires, coverage):
        history = indicator.history_months
        if indicator.history_of and not set(choice) & set(indicator.history_of):
            history = 0
        found = _best(choice, coverage, period, indicator.period_kind == "flow", history)
        if _RANK[found.coverage] > _RANK[worst.coverage]:
            worst = found
        if worst.coverage == "none":
            break
    return worst


def _missing_first(requires: tuple[tuple[str, ...], ...], coverage: CouncilCoverage) -> list[tuple[str, ...]]:
    """The requirements with those no loaded source provides at all first: that a table is missing (CP
    visits come only from the case system's extract) says more than the dates of another table that is held."""
    return sorted(requires, key=lambda choice: not all(coverage.spans(name) == [] for name in choice))


def _best(
    choice: tuple[str, ...], coverage: CouncilCoverage, period: ReportingPeriod, flow: bool, history: int
) -> Availability:
    """The best availability among alternative requirements (any one of them will do)."""
    answers = [_one(name, coverage, period, flow, history) for name in choice]
    best = min(answers, key=lambda a: _RANK[a.coverage])
    if best.coverage != "none" or len(answers) == 1:
        return best
    if all(coverage.spans(name) == [] for name in choice):
        clauses = "; or ".join(_provided(name) for name in choice)
        return Availability("none", f"not available from the data loaded: {clauses}")
    return best


def _one(name: str, coverage: CouncilCoverage, period: ReportingPeriod, flow: bool, history: int) -> Availability:
    """Whether the store holds `name` for the period (a flow: all of it; a stock: its end) and the look-back."""
    measured_from = period.start if flow else period.end
    spans = coverage.spans(name)
    sources = load_sources()
    source = sources[name]
    table = sources.get(name.split(".")[0], source)  # a field's dates are its table's
    things = table.what if table.what[:2].isupper() else table.what[0].lower() + table.what[1:]
    if not spans:
        return Availability("none", f"not available from the data loaded: {_provided(name)}")
    if source.only_31_march and (period.end.month, period.end.day) != (3, 31):
        return Availability("none", f"{things} serve figures at 31 March only")
    covering = next((s for s in spans if s.start <= measured_from <= s.end), None)
    if covering is None:
        overlapping = [s for s in spans if s.start <= period.end and s.end >= measured_from]
        if overlapping:
            return Availability(
                "none", f"the {things} loaded begin on {_day(overlapping[0].start)}, part-way through this period"
            )
        if all(s.end < measured_from for s in spans):
            return Availability("none", f"after the end of the {things} loaded ({_day(spans[-1].end)})")
        if all(s.start > period.end for s in spans):
            return Availability("none", f"before the start of the {things} loaded ({_day(spans[0].start)})")
        held = ", ".join(f"{_day(s.start)} to {_day(s.end)}" for s in spans)
        return Availability("none", f"no {things} loaded for this period (the data loaded cover {held})")
    # A stock looks back over the months to its date (the 12 months to 31 March 2024 begin on 1 April 2023);
    # a flow's look-back includes the same day months before (a referral a year to the day after another).
    needed = add_months(measured_from, -history) + dt.timedelta(days=0 if flow else 1)
    if history and covering.looks_back_to > needed:
        span = "before the period" if flow else f"to {_day(period.end)}"
        begins = _day(covering.start)
        months = "month" if history == 1 else f"{history} months"
        return Availability("none", f"needs the {months} {span}, and the {things} loaded begin on {begins}")
    if covering.end < period.end:
        ends = _day(covering.end)
        return Availability("part", f"part of the period only: the {things} loaded end on {ends}; counted to then")
    return FULL


def _provided(name: str) -> str:
    source = load_sources()[name]
    clause = f"{source.what} come from {source.provided_by}"
    return clause + (f"; {source.not_in} do not carry them" if source.not_in else "")


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def nothing_to_measure(indicator: Indicator) -> str:
    """Why a period the data cover has no figure: nothing in it to measure (a rate of 0 of 0). Said the same
    way by the command line and the web service."""
    return f"no {indicator.counts} in the period to measure"


def no_population(la_codes: str | list[str] | None) -> str:
    """Why a rate per 10,000 children has no figure: the store holds no 0-17 population for the council."""
    codes = [la_codes] if isinstance(la_codes, str) else list(la_codes or [])
    council = f"council{'s' if len(codes) > 1 else ''} {', '.join(codes)}" if codes else "the council"
    return (f"no child population for {council} (the ONS mid-year estimates of children aged 0 to 17): import "
            "the DfE's published statistics, which carry them (`cscperf benchmarks import`)")  # fmt: skip


def no_figure_reason(indicator: Indicator, point: object) -> str:
    """Why a period the data cover has no figure: a rate per 10,000 without the council's child population,
    else nothing in the period to measure. Said the same way by the command line and the web service."""
    if indicator.unit == "rate_per_10k" and getattr(point, "denominator", None) is None:
        return no_population(getattr(point, "la_code", None))
    return nothing_to_measure(indicator)


def why_no_default_as_at(con: Connection, la_code: str) -> str:
    """Why there is no default as-at date, in words: the store says no dates, or they hold no whole month."""
    found = council_coverage(con, [la_code]).get(la_code)
    if found is None or found.data_end is None:
        return "The store does not say what dates the council's data cover"
    start = f"{_day(found.data_start)} to " if found.data_start is not None else "up to "
    return f"The council's data cover {start}{_day(found.data_end)}, not a whole calendar month"


def default_as_at(con: Connection, la_code: str) -> dt.date | None:
    """The as-at date to use when none is given: the end of the last complete month of the council's data
    (None when the store does not say what dates they cover)."""
    found = council_coverage(con, [la_code]).get(la_code)
    return None if found is None else found.last_complete_month()
