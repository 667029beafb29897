"""Compute indicators: run each indicator's SQL for a set of periods and aggregate its unit rows.

One definition serves every use: the headline figure, the monthly series, breakdowns (by team, worker,
age band, sex, ethnicity) and the drill-down, which is the unit rows themselves. Every point says whether the
council's data support it (coverage.py): a point they do not support has no figure, only the reason.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, Literal

import pyarrow as pa

from cscperf.indicators.council_scope import Councils, scoped
from cscperf.indicators.coverage import FULL, Availability, CouncilCoverage, availability, council_coverage
from cscperf.indicators.definition import Indicator, load_fragments, load_library
from cscperf.indicators.sessions import council_groups, sessions_wanted
from cscperf.indicators.settings import IndicatorSettings
from cscperf.indicators.sql_text import (
    fragment_expansions,
    fragment_reads,
    fragment_sql,
    fragments_within,
    indicator_sql,
)
from cscperf.reporting_periods import ReportingPeriod
from cscperf.store.connection import Connection, Row
from cscperf.store.statements import run

Dimension = Literal["team", "worker", "age_band", "sex", "ethnicity"]
DIMENSIONS: tuple[str, ...] = ("team", "worker", "age_band", "sex", "ethnicity")

AGE_BAND_SQL = """CASE
    WHEN pr.pers_dob IS NULL OR pr.pers_dob > u.dim_date THEN 'Unborn or unknown'
    WHEN u.dim_date < pr.pers_dob + INTERVAL 1 YEAR THEN 'Under 1'
    WHEN u.dim_date < pr.pers_dob + INTERVAL 5 YEAR THEN '1 to 4'
    WHEN u.dim_date < pr.pers_dob + INTERVAL 10 YEAR THEN '5 to 9'
    WHEN u.dim_date < pr.pers_dob + INTERVAL 16 YEAR THEN '10 to 15'
    ELSE '16 and over' END"""


@dataclass(frozen=True)
class Point:
    """One figure of a series: an indicator for one council, period (and group, in a breakdown).

    `coverage` says whether the council's data support the figure: "full", "part" (a flow whose period runs
    past the end of the data: the figure counts to then) or "none" (no figure: value, numerator and
    denominator are None and `reason` says why). `not_measurable` counts the units that could not be
    measured (a date the calendar cannot place, an end before its start): they are in the denominator and
    not the numerator, and the drill-down lists them with why."""

    la_code: str
    period_start: dt.date
    period_end: dt.date
    numerator: float | None
    denominator: float | None
    value: float | None
    units: int
    group: str | None = None
    coverage: str = "full"
    reason: str | None = None
    not_measurable: int = 0

    @property
    def available(self) -> bool:
        """False when the data cannot support a figure for this period (see `reason`)."""
        return self.coverage != "none"


@dataclass
class Result:
    """An indicator's figures over the periods asked for."""

    indicator: Indicator
    points: list[Point] = field(default_factory=list)


def round_as_dfe(value: float | None, decimals: int) -> float | None:
    """Round half away from zero to `decimals` places (0.5 -> 1, 21.45 -> 21.5), as published statistics do."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


FLOW_JOIN = re.compile(r"JOIN report_periods (\w+) ON (\w+\.\w+) BETWEEN \1\.period_start AND \1\.period_end\b")


def set_periods(con: Connection, periods: list[ReportingPeriod]) -> None:
    """Make `report_periods` hold exactly these periods, and `report_period_days` each day of each period
    (temporary tables on this connection). A flow's join to its period by date range (`x BETWEEN
    p.period_start AND p.period_end`) is run as a join on the day (`flows_joined_by_day`; on PostgreSQL,
    `cscperf.store.dialect` does the same for any other SQL)."""
    run(con, "CREATE OR REPLACE TEMP TABLE report_periods (period_start DATE, period_end DATE)")
    table = pa.table({"period_start": [p.start for p in periods], "period_end": [p.end for p in periods]})
    con.register("periods_wanted", table)
    try:
        run(con, "INSERT INTO report_periods SELECT DISTINCT period_start, period_end FROM periods_wanted")
    finally:
        con.unregister("periods_wanted")
    distinct = sorted({(p.start, p.end) for p in periods})
    days = [(start + dt.timedelta(n), start, end) for start, end in distinct for n in range((end - start).days + 1)]
    run(con, "CREATE OR REPLACE TEMP TABLE report_period_days (day DATE, period_start DATE, period_end DATE)")
    con.append("report_period_days", pa.table({"day": [d[0] for d in days], "period_start": [d[1] for d in days],
                                               "period_end": [d[2] for d in days]}))  # fmt: skip
    con.analyse("report_period_days")


def flows_joined_by_day(sql: str) -> str:
    """Each `JOIN report_periods p ON x.d BETWEEN p.period_start AND p.period_end` (a flow: the events dated
    in each period) as `JOIN report_period_days p ON p.day = x.d`: the same rows (the dates are DATEs), found
    by a hash join on the day instead of a range join that sorts every event (on the synthetic council, the
    contacts measure in under half the time)."""
    return FLOW_JOIN.sub(r"JOIN report_period_days \1 ON \1.day = \2", sql)


def units_sql(
    indicator: Indicator,
    settings: IndicatorSettings,
    la_codes: list[str] | None,
    materialised: dict[str, str] | None = None,
    councils: Councils | None = None,
) -> str:
    """The indicator's unit rows, limited to the councils asked for (`la_codes`, or `councils`): every read
    of the store's tables is limited to them (council_scope), so nothing is computed for any other council."""
    sql = flows_joined_by_day(indicator_sql(indicator, settings, materialised))
    councils = councils or (Councils.of(la_codes) if la_codes else None)
    if councils is None:
        return f"SELECT * FROM ({sql}) AS indicator_units"
    return scoped(f"SELECT * FROM ({sql}) AS indicator_units WHERE {councils.condition()}", councils)


def enriched_sql(units: str) -> str:
    """Unit rows with the breakdown dimensions added: the child's age band, sex and ethnicity at the unit's
    date, and the team and worker (the unit's own, or the child's allocated worker at that date)."""
    return f"""
    WITH u AS ({units}),
    allocated AS (
        SELECT u.la_code, u.period_start, u.period_end, u.unit_id, i.invo_professional_team AS team,
               i.invo_professional_id AS worker,
               ROW_NUMBER() OVER (PARTITION BY u.la_code, u.period_start, u.period_end, u.unit_id
                                  ORDER BY i.invo_involvement_start_date DESC, i.invo_professional_id) AS pick
        FROM u JOIN ssd_involvements i ON i.la_code = u.la_code AND i.invo_person_id = u.person_id
         AND i.invo_involvement_start_date <= u.dim_date
         AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= u.dim_date)
        WHERE u.team IS NULL OR u.worker IS NULL
    )
    SELECT u.la_code, u.period_start, u.period_end, u.unit_id, u.person_id, u.dim_date, u.numerator,
           u.denominator, u.detail,
           COALESCE(d.dept_team_name, COALESCE(u.team, a.team), 'Not allocated') AS team,
           COALESCE(u.worker, a.worker, 'Not allocated') AS worker,
           {AGE_BAND_SQL} AS age_band,
           COALESCE(pr.pers_sex, 'Not recorded') AS sex, COALESCE(pr.pers_ethnicity, 'Not recorded') AS ethnicity
    FROM u
    LEFT JOIN allocated a ON a.la_code = u.la_code AND a.period_start = u.period_start
         AND a.period_end = u.period_end AND a.unit_id = u.unit_id AND a.pick = 1
    LEFT JOIN ssd_person pr ON pr.la_code = u.la_code AND pr.pers_person_id = u.person_id
    LEFT JOIN ssd_department d ON d.la_code = u.la_code AND d.dept_team_id = COALESCE(u.team, a.team)
    """


def compute(
    con: Connection,
    periods: list[ReportingPeriod],
    *,
    ids: list[str] | None = None,
    settings: IndicatorSettings | None = None,
    la_codes: list[str] | None = None,
    by: str | None = None,
) -> list[Result]:
    """Every indicator asked for (all by default) over the periods, per council (and group with `by`).

    On PostgreSQL the councils are computed in several sessions side by side (`cscperf.indicators.sessions`),
    all reading one snapshot of the store; the figures are the same as from one."""
    library = load_library()
    settings = settings or IndicatorSettings()
    chosen = [library[i] for i in (ids or list(library))]
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"cannot break down by {by}; choose one of {', '.join(DIMENSIONS)}")
    groups = council_groups(con, la_codes, sessions_wanted(con))
    with con.reading_sessions(len(groups)) as sessions:
        if len(sessions) < len(groups):  # fewer sessions than asked for (see reading_sessions)
            groups = council_groups(con, la_codes, len(sessions))
        population = _population(con, la_codes) if any(i.unit == "rate_per_10k" for i in chosen) else {}
        coverage = council_coverage(con, la_codes)
        supported_by = _Supported()

        def result(indicator: Indicator, rows: list[Row]) -> Result:
            return _result(indicator, rows, periods, by, la_codes, coverage, population, supported_by)

        if len(groups) == 1:
            return _compute_in_turn(con, periods, chosen, settings, groups[0], by, result)
        figures = _in_sessions(sessions, groups, periods, chosen, settings, by)
    return [result(indicator, rows) for indicator, rows in zip(chosen, figures, strict=True)]


def _compute_in_turn(
    con: Connection,
    periods: list[ReportingPeriod],
    chosen: list[Indicator],
    settings: IndicatorSettings,
    councils: Councils | None,
    by: str | None,
    result: Callable[[Indicator, list[Row]], Result],
) -> list[Result]:
    """The indicators on one connection, one after another."""
    set_periods(con, periods)
    figures = _Figures(con, chosen, settings, councils, by)
    results = []
    # The queries run one after another on a thread of their own, so the database works on the next indicator
    # while this thread turns the last one's sums into points (the database lets go of Python while it works).
    with (
        con.indicator_planning(),
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="cscperf-indicators") as queries,
    ):
        pending = [queries.submit(figures, position) for position in range(len(chosen))]
        try:
            for indicator, query in zip(chosen, pending, strict=True):
                results.append(result(indicator, query.result()))
        finally:
            for query in pending:
                query.cancel()
    return results


class _Stopped(Exception):
    """Another session failed: this one stops before its next query."""


def _in_sessions(
    sessions: list[Connection],
    groups: list[Councils | None],
    periods: list[ReportingPeriod],
    chosen: list[Indicator],
    settings: IndicatorSettings,
    by: str | None,
) -> list[list[Row]]:
    """Each indicator's sums per council and period, each group of councils computed in a session of its own
    at the same time (each with its own periods and fragment tables). When one session fails, the others are
    stopped and the first failure is raised, as one session would have raised it."""
    stop = threading.Event()

    def one_group(con: Connection, councils: Councils | None) -> list[list[Row]]:
        set_periods(con, periods)
        figures = _Figures(con, chosen, settings, councils, by)
        out = []
        with con.indicator_planning():
            for position in range(len(chosen)):
                if stop.is_set():
                    raise _Stopped
                out.append(figures(position))
        return out

    with ThreadPoolExecutor(max_workers=len(sessions), thread_name_prefix="cscperf-session") as pool:
        running = [pool.submit(one_group, con, councils) for con, councils in zip(sessions, groups, strict=True)]
        try:
            wait(running, return_when=FIRST_EXCEPTION)
            failed = next((job.exception() for job in running if job.done() and job.exception()), None)
            if failed is not None:
                raise failed
        finally:
            if not all(job.done() and not job.exception() for job in running):
                stop.set()
                for con in sessions:
                    con.cancel()
                wait(running)
    per_group = [job.result() for job in running]
    return [[row for group in per_group for row in group[position]] for position in range(len(chosen))]


class _Figures:
    """Each chosen indicator's sums per council and period (and group), for the councils given, on one
    connection: the shared fragments made as needed (limited to the councils) and dropped when done with."""

    def __init__(
        self,
        con: Connection,
        chosen: list[Indicator],
        settings: IndicatorSettings,
        councils: Councils | None,
        by: str | None,
    ) -> None:
        self.con, self.chosen, self.settings, self.councils, self.by = con, chosen, settings, councils, by
        rewrite = None if councils is None else partial(scoped, councils=councils)
        self.shared = _SharedFragments(con, chosen, settings, rewrite)

    def __call__(self, position: int) -> list[Row]:
        group = f", {self.by}" if self.by else ""
        indicator = self.chosen[position]
        units = units_sql(indicator, self.settings, None, self.shared.before(position), self.councils)
        source = units
        if self.by:  # the breakdown's own reads (the child, the worker, the team) limited too
            source = enriched_sql(units) if self.councils is None else scoped(enriched_sql(units), self.councils)
        rows = self.con.execute(
            f"SELECT la_code, period_start, period_end{group}, SUM(numerator), SUM(denominator), COUNT(*), "
            f"COUNT(*) - COUNT(numerator) FROM ({source}) AS units GROUP BY la_code, period_start, period_end{group}"
        ).fetchall()
        self.shared.after(position)
        return rows


def _result(
    indicator: Indicator,
    rows: list[Row],
    periods: list[ReportingPeriod],
    by: str | None,
    la_codes: list[str] | None,
    coverage: dict[str, CouncilCoverage],
    population: dict[str, dict[int, int]],
    supported_by: _Supported,
) -> Result:
    """An indicator's points from its sums per council, period (and group): every council and period asked
    for, with what the data support."""
    found = {(r[0], r[1], r[2], r[3] if by else None): r for r in rows}
    councils = sorted({r[0] for r in rows} | set(la_codes or coverage))
    groups = sorted({k[3] for k in found}, key=str) if by else [None]
    result = Result(indicator)
    for la in councils:
        cover = coverage.get(la) or CouncilCoverage(la)
        for period in periods:
            supported = supported_by(indicator, cover, period)
            for g in groups:
                row = found.get((la, period.start, period.end, g))
                if row is None and by and supported.available:
                    continue
                num = float(row[-4] or 0) if row else 0.0
                den = float(row[-3]) if row and row[-3] is not None else None
                n_units, unmeasured = (int(row[-2]), int(row[-1])) if row else (0, 0)
                point = _point(indicator, la, period, num, den, n_units, g, population.get(la, {}))
                result.points.append(_supported(point, supported, unmeasured))
    return result


class _Supported:
    """Availability, worked out once for each council, period and set of requirements (many indicators share
    theirs), so a national run checks hundreds of thousands of points cheaply."""

    def __init__(self) -> None:
        self.known: dict[tuple[object, ...], Availability] = {}

    def __call__(self, indicator: Indicator, cover: CouncilCoverage, period: ReportingPeriod) -> Availability:
        key = (indicator.requires, indicator.history_months, indicator.history_of, indicator.period_kind,
               cover.la_code, period.start, period.end)  # fmt: skip
        if key not in self.known:
            self.known[key] = availability(indicator, cover, period)
        return self.known[key]


def _supported(point: Point, supported: Availability, unmeasured: int) -> Point:
    """The point as the data support it: no figure where they do not, marked where they partly do."""
    if supported == FULL and not unmeasured:
        return point
    if not supported.available:
        return dataclasses.replace(point, numerator=None, denominator=None, value=None, units=0,
                                   coverage="none", reason=supported.reason)  # fmt: skip
    return dataclasses.replace(point, coverage=supported.coverage, reason=supported.reason, not_measurable=unmeasured)


class _SharedFragments:
    """The shared fragments that the chosen indicators would otherwise compute more than once: one that several
    of them use (such as the children looked after at each period end), or one that an indicator uses twice,
    directly or inside other fragments (the visits in their placements, which a visits measure reads both for
    the visits made and for the visit due at the period end). Each is computed into a temporary table just
    before the first indicator that reads it, and dropped after the last, so the big ones (every visit) are
    not all held at once."""

    def __init__(
        self,
        con: Connection,
        chosen: list[Indicator],
        settings: IndicatorSettings,
        rewrite: Callable[[str], str] | None = None,
    ) -> None:
        self.con, self.settings, self.rewrite = con, settings, rewrite
        expansions = [fragment_expansions(indicator.sql) for indicator in chosen]
        uses = Counter[str]()
        for counts in expansions:
            uses.update(counts)
        shared = {name for name, count in uses.items() if count >= 2}
        # One that only another shared fragment reads (every visit in its placement, read only by the visits in
        # turn) is read once, as part of that one: computed into a table of its own it would only be copied.
        reads = fragment_reads([indicator.sql for indicator in chosen], shared)
        shared = {name for name in shared if reads[name] >= 2}
        self.needs = [set(counts) & shared for counts in expansions]
        self.last = {name: max(k for k, need in enumerate(self.needs) if name in need) for name in shared}
        self.tables: dict[str, str] = {}

    def before(self, position: int) -> dict[str, str]:
        """The tables of the fragments the indicator at `position` reads (made now if not yet made)."""
        missing = sorted(self.needs[position] - self.tables.keys())
        if missing:
            made = materialise_fragments(self.con, missing, self.settings, rewrite=self.rewrite, made=self.tables)
            self.tables.update(made)
        return dict(self.tables)

    def after(self, position: int) -> None:
        """Drop the tables no indicator after the one at `position` reads."""
        for name in [name for name, last in self.last.items() if last == position and name in self.tables]:
            run(self.con, f"DROP TABLE IF EXISTS {self.tables.pop(name)}")


def materialise_fragments(
    con: Connection,
    names: list[str],
    settings: IndicatorSettings,
    prefix: str = "cscperf_fragment_",
    rewrite: Callable[[str], str] | None = None,
    made: dict[str, str] | None = None,
) -> dict[str, str]:
    """Each named fragment computed once into a temporary table (a fragment that uses another one of them, or
    one already `made`, reads its table; `rewrite`, if given, is applied to each fragment's SQL); returns
    fragment name -> table for the names given."""
    tables: dict[str, str] = {}
    waiting = list(names)
    while waiting:
        ready = [n for n in waiting if not (fragments_within(load_fragments()[n]) & set(waiting))]
        for name in ready or waiting[:1]:
            table = f"{prefix}{name}"
            sql = fragment_sql(name, settings, {**(made or {}), **tables})
            run(con, f"CREATE OR REPLACE TEMP TABLE {table} AS {rewrite(sql) if rewrite else sql}")
            tables[name] = table
            waiting.remove(name)
    return tables


def _point(
    indicator: Indicator,
    la_code: str,
    period: ReportingPeriod,
    numerator: float,
    denominator: float | None,
    units: int,
    group: str | None,
    population: dict[int, int],
) -> Point:
    # Sums of fractions (FTE) carry the float noise of the order they were added in, which differs from engine
    # to engine (2.4000000000000004 or 2.3999999999999995); the figure is worked from the sums as shown.
    numerator = _tidy(numerator)
    denominator = None if denominator is None else _tidy(denominator)
    if indicator.unit == "count":
        denominator = None
    elif indicator.unit == "rate_per_10k":  # the denominator of a rate is the population
        pop = population_for(population, period.end)
        denominator = float(pop) if pop else None
    value = value_of(indicator, numerator, denominator)
    return Point(
        la_code,
        period.start,
        period.end,
        _tidy(numerator),
        None if denominator is None else _tidy(denominator),
        round_as_dfe(value, indicator.decimals),
        units,
        group,
    )


def value_of(indicator: Indicator, numerator: float, denominator: float | None) -> float | None:
    """The figure from a numerator and denominator, by the engine's rules (the denominator of a rate per
    10,000 is the population)."""
    if indicator.unit == "count":
        return numerator
    if not denominator:
        return None
    if indicator.unit == "rate_per_10k":
        return numerator * 10_000 / denominator
    if indicator.unit == "percent":
        return 100 * numerator / denominator
    return numerator / denominator


def exact_value(indicator: Indicator, point: Point) -> float | None:
    """The figure before the DfE's rounding, worked from the point's numerator and denominator (for statistical
    process control, whose mean and limits are not to be worked from rounded figures: a rounded 7.8% is above a
    limit of 7.797% that the figure itself, 7.772%, is not). The rounded figure where there is nothing to work
    it from."""
    if point.value is None or point.numerator is None:
        return point.value
    exact = value_of(indicator, point.numerator, point.denominator)
    return point.value if exact is None else exact


def _tidy(x: float) -> float:
    return float(round(x, 6))


def population_for(population: dict[int, int], date: dt.date) -> int | None:
    """0-17 population for a date: the ONS mid-year estimate for the latest 30 June on or before it (so at
    31 March, the year before, as the DfE uses), or the latest earlier estimate the store has."""
    wanted = date.year if (date.month, date.day) >= (6, 30) else date.year - 1
    years = [y for y in population if y <= wanted]
    if years:
        return population[max(years)]
    return population[min(population)] if population else None


def _population(con: Connection, la_codes: list[str] | None) -> dict[str, dict[int, int]]:
    rows = con.execute(
        "SELECT la_code, mid_year, population FROM cscperf_population WHERE age_group = '0-17'"
    ).fetchall()
    out: dict[str, dict[int, int]] = {}
    for la, year, pop in rows:
        if la_codes and la not in la_codes:
            continue
        out.setdefault(la, {})[int(year)] = int(pop)
    return out


@dataclass(frozen=True)
class DrillDown:
    """The unit rows behind one figure, and whether the data support it. When they do not, `rows` is empty
    and `availability` says why (for each council asked for: `by_council`)."""

    indicator: Indicator
    period: ReportingPeriod
    availability: Availability
    by_council: dict[str, Availability]
    rows: list[dict[str, Any]]


def drill_down(
    con: Connection,
    indicator_id: str,
    period: ReportingPeriod,
    *,
    settings: IndicatorSettings | None = None,
    la_codes: list[str] | None = None,
) -> DrillDown:
    """The unit rows behind one figure, with breakdown dimensions, those not counted in the numerator first
    (units that could not be measured before them). Councils whose data do not support the figure for the
    period give no rows."""
    indicator = load_library()[indicator_id]
    coverage = council_coverage(con, la_codes)
    by_council = {la: availability(indicator, cover, period) for la, cover in sorted(coverage.items())}
    shown = [la for la, a in by_council.items() if a.available]
    overall = next((a for a in by_council.values() if not a.available), None) or next(
        (a for a in by_council.values() if a.coverage == "part"), FULL
    )
    if not shown:
        return DrillDown(indicator, period, overall, by_council, [])
    set_periods(con, [period])
    sql = scoped(enriched_sql(units_sql(indicator, settings or IndicatorSettings(), shown)), Councils.of(shown))
    with con.indicator_planning():
        cursor = con.execute(
            f"SELECT la_code, unit_id, person_id, numerator, denominator, detail, team, worker, age_band, sex, "
            f"ethnicity FROM ({sql}) AS units ORDER BY (numerator IS NOT NULL), (numerator > 0), la_code, unit_id"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for row in rows:
        row["measured"] = row["numerator"] is not None
        row["in_numerator"] = bool(row["numerator"] and row["numerator"] > 0)
    return DrillDown(indicator, period, overall, by_council, rows)


def drill(
    con: Connection,
    indicator_id: str,
    period: ReportingPeriod,
    *,
    settings: IndicatorSettings | None = None,
    la_codes: list[str] | None = None,
) -> list[dict[str, Any]]:
    """The unit rows behind one figure (none where the data do not support it; `drill_down` says why)."""
    return drill_down(con, indicator_id, period, settings=settings, la_codes=la_codes).rows
