"""Everything the forecast reads from the store: month-end snapshots of children looked after and of allocated
cases, the period the council's data cover, placement costs, and the workforce figures.

Children looked after at a month end are exactly those the `cla_open` indicator counts (the engine's
`cla_at_period_end` fragment: no short breaks, nobody aged 18 or over); caseloads are exactly those the
`sw_average_caseload` indicator counts. SQL is standard (window functions, CTEs) so it runs on PostgreSQL too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import numpy as np

from cscperf.analysis.forecast.ages import UNKNOWN_AGE
from cscperf.analysis.forecast.costs import CostRecord
from cscperf.analysis.forecast.groups import FOSTER_CODES, PlacementGroup, group_index_sql
from cscperf.analysis.forecast.panel import Panel
from cscperf.analysis.forecast.workforce import CASELOAD_SCHEME
from cscperf.indicators.coverage import CouncilCoverage, Held
from cscperf.indicators.engine import compute, set_periods
from cscperf.indicators.settings import IndicatorSettings
from cscperf.indicators.sql_text import fragment_sql, with_settings
from cscperf.reference.la_codes import council_name
from cscperf.reporting_periods import ReportingPeriod, add_months, month, month_end
from cscperf.store.connection import Connection

HISTORY_SOURCES: Final = ("synthetic", "ssda903", "ssd_extract")
"""Load kinds that carry a history of care episodes (an SSDA903 return, an SSD extract, a synthetic council).
A CIN Census has no episodes of care, and an Annex A list only each child's latest placement."""


def month_ends(last: dt.date, count: int) -> list[dt.date]:
    """`count` consecutive month ends up to the one holding `last`, oldest first."""
    end = month_end(last)
    return [month_end(add_months(end.replace(day=1), -k)) for k in range(count - 1, -1, -1)]


def _periods(ends: list[dt.date]) -> list[ReportingPeriod]:
    return [month(d.year, d.month) for d in ends]


@dataclass(frozen=True)
class CouncilData:
    """What the store says about a council's data: its name, the loads it came from, and the runs of days its
    episodes of care give a complete record of (merged where one year's return follows another)."""

    la_code: str
    name: str
    sources: tuple[str, ...]
    spans: tuple[tuple[dt.date, dt.date], ...]
    episodes: int
    range_from_episodes: bool  # True when the store does not record the dates covered and they were inferred

    @property
    def data_end(self) -> dt.date | None:
        return self.spans[-1][1] if self.spans else None

    def span_holding(self, day: dt.date) -> tuple[dt.date, dt.date] | None:
        """The run of days whose records give the count at month end `day`: a month end the day before a run
        starts counts, since everyone looked after then was still looked after the next day and so is in it."""
        return next((s for s in self.spans if s[0] - dt.timedelta(days=1) <= day <= s[1]), None)


def council_data(con: Connection, la_code: str) -> CouncilData | None:
    """The council's name, sources and the dates its episodes of care cover (None when the store holds no such
    council). The dates come from the engine's coverage records (`cscperf.indicators.coverage`) for the loads
    that carry an episode history; a council the store records no coverage for falls back on its data range,
    and a store that records neither on the episodes themselves."""
    rows = con.execute(
        "SELECT la_name, data_source, data_start_date, data_end_date FROM cscperf_councils WHERE la_code = ?",
        [la_code],
    ).fetchall()
    if not rows:
        return None
    name, source, start, end = rows[0]
    kinds = {
        str(r[0])
        for r in con.execute(
            "SELECT DISTINCT load_kind FROM cscperf_loads WHERE la_code = ? AND load_status = 'complete'", [la_code]
        ).fetchall()
        if r[0] is not None
    }
    if source == "synthetic":
        kinds.add("synthetic")
    count, first_end, first, latest = con.execute(
        "SELECT COUNT(*), MIN(clae_cla_episode_ceased_date), MIN(clae_cla_episode_start_date), "
        "MAX(COALESCE(clae_cla_episode_ceased_date, clae_cla_episode_start_date)) "
        "FROM ssd_cla_episodes WHERE la_code = ?",
        [la_code],
    ).fetchall()[0]
    recorded = _recorded_spans(con, la_code)
    inferred = False
    if recorded is not None:
        spans = recorded
    elif start is not None and end is not None:
        spans = ((start, end),)
    else:
        # An extract holds the episodes open at any time in its window, so the earliest date any episode ended is
        # the earliest date the counts are whole from; the latest date anything happened is its end.
        begin = first_end if first_end is not None else first
        spans = ((begin, latest),) if begin is not None and latest is not None else ()
        inferred = True
    return CouncilData(la_code, council_name(la_code, name), tuple(sorted(kinds)), spans, int(count), inferred)


def _recorded_spans(con: Connection, la_code: str) -> tuple[tuple[dt.date, dt.date], ...] | None:
    """The runs of days the loads with an episode history give a complete record of the council's episodes of
    care for, from the coverage records; None when the store records no coverage for the council at all."""
    any_recorded = con.execute("SELECT COUNT(*) FROM cscperf_coverage WHERE la_code = ?", [la_code]).fetchall()
    if not any_recorded[0][0]:
        return None
    kinds = ", ".join(f"'{k}'" for k in HISTORY_SOURCES)
    rows = con.execute(
        "SELECT c.covers_from, c.covers_to FROM cscperf_coverage c "
        "JOIN cscperf_loads l ON l.la_code = c.la_code AND l.load_id = c.load_id "
        f"WHERE c.la_code = ? AND c.table_name = 'ssd_cla_episodes' AND l.load_kind IN ({kinds}) "
        "AND c.covers_from IS NOT NULL AND c.covers_to IS NOT NULL AND c.covers_from <= c.covers_to",
        [la_code],
    ).fetchall()
    held = tuple(Held("ssd_cla_episodes", r[0], r[1]) for r in rows)
    spans = CouncilCoverage(la_code, held, recorded=True).spans("ssd_cla_episodes")
    return tuple((span.start, span.end) for span in spans)


def _age_months_sql(day: str, dob: str) -> str:
    """Whole months from a date of birth to a day (so 216 on the 18th birthday), or UNKNOWN_AGE."""
    return (
        f"CASE WHEN {dob} IS NULL OR {dob} > {day} THEN {UNKNOWN_AGE} ELSE "
        f"(EXTRACT(YEAR FROM {day}) - EXTRACT(YEAR FROM {dob})) * 12 + EXTRACT(MONTH FROM {day}) "
        f"- EXTRACT(MONTH FROM {dob}) - CASE WHEN EXTRACT(DAY FROM {day}) < EXTRACT(DAY FROM {dob}) THEN 1 ELSE 0 END "
        "END"
    )


@dataclass(frozen=True)
class PlacementNotes:
    """Records at the forecast's start the grouping had to decide about (counts only)."""

    no_placement: int  # looked after with no placement recorded on the day (counted as Other)
    foster_no_provider: int  # foster care with no provider code (counted as in-house)


def cla_panel(
    con: Connection, la_code: str, ends: list[dt.date], settings: IndicatorSettings
) -> tuple[Panel, PlacementNotes]:
    """Children looked after at each month end with their age and placement group, and what was assumed about
    the records at the last month end."""
    set_periods(con, _periods(ends))
    sql = f"""
    WITH cla AS (SELECT * FROM ({fragment_sql("cla_at_period_end", settings)}) f WHERE f.la_code = ?),
    placed AS (
        SELECT c.la_code, c.period_end, c.person_id, p.clap_cla_placement_type AS place,
               p.clap_cla_placement_provider AS provider,
               ROW_NUMBER() OVER (PARTITION BY c.period_end, c.person_id
                                  ORDER BY p.clap_cla_placement_start_date DESC, p.clap_cla_placement_id DESC) AS pick
        FROM cla c
        LEFT JOIN ssd_cla_placement p ON p.la_code = c.la_code AND p.clap_person_id = c.person_id
         AND p.clap_cla_placement_start_date <= c.period_end
         AND (p.clap_cla_placement_end_date IS NULL OR p.clap_cla_placement_end_date > c.period_end)
        WHERE c.la_code = ?
    )
    SELECT x.period_end, DENSE_RANK() OVER (ORDER BY x.person_id) AS child,
           {_age_months_sql("x.period_end", "a.pers_dob")} AS age_months,
           {group_index_sql("x.place", "x.provider")} AS group_index,
           CASE WHEN x.place IS NULL THEN 1 ELSE 0 END AS no_placement,
           CASE WHEN UPPER(TRIM(x.place)) IN ({", ".join(f"'{c}'" for c in FOSTER_CODES)})
                 AND (x.provider IS NULL OR TRIM(x.provider) = '') THEN 1 ELSE 0 END AS foster_no_provider
    FROM placed x
    LEFT JOIN ssd_person a ON a.la_code = x.la_code AND a.pers_person_id = x.person_id
    WHERE x.pick = 1
    """
    rows = con.execute(sql, [la_code, la_code]).fetchall()
    index = {d: i for i, d in enumerate(ends)}
    last = len(ends) - 1
    month_of = np.fromiter((index[r[0]] for r in rows), dtype=np.int64, count=len(rows))
    panel = Panel(
        month_ends=tuple(ends),
        month=month_of,
        child=np.fromiter((r[1] for r in rows), dtype=np.int64, count=len(rows)),
        age=np.fromiter((r[2] for r in rows), dtype=np.int64, count=len(rows)),
        group=np.fromiter((r[3] for r in rows), dtype=np.int64, count=len(rows)),
    )
    at_end = [r for r, m in zip(rows, month_of, strict=True) if m == last]
    notes = PlacementNotes(no_placement=sum(r[4] for r in at_end), foster_no_provider=sum(r[5] for r in at_end))
    return panel, notes


@dataclass(frozen=True)
class CaseloadData:
    """Allocated cases at each month end: the panel of children allocated who are not looked after (by kind of
    case), and for each month end the children looked after who are allocated and the cases held (a child
    allocated to two workers is two cases, as caseloads count them)."""

    panel: Panel
    looked_after_allocated: list[int]
    cases: list[int]
    children_allocated: list[int]


def caseload_data(
    con: Connection, la_code: str, ends: list[dt.date], settings: IndicatorSettings
) -> CaseloadData | None:
    """Allocated cases month end by month end (None when the store holds no allocations for the council)."""
    if not con.execute("SELECT COUNT(*) FROM ssd_involvements WHERE la_code = ?", [la_code]).fetchall()[0][0]:
        return None
    set_periods(con, _periods(ends))
    allocated = with_settings(
        """
        SELECT i.la_code, p.period_end, i.invo_person_id AS person_id,
               COUNT(DISTINCT w.prof_professional_id) AS workers
        FROM ssd_involvements i
        JOIN ssd_professionals w ON w.la_code = i.la_code AND w.prof_professional_id = i.invo_professional_id
        JOIN report_periods p ON i.invo_involvement_start_date <= p.period_end
         AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= p.period_end)
        WHERE i.la_code = ? AND w.prof_social_worker_registration_no IS NOT NULL
          AND w.prof_full_time_equivalency > 0
          AND (i.invo_professional_role_id IS NULL OR i.invo_professional_role_id IN ({{case_holding_roles}}))
        GROUP BY i.la_code, p.period_end, i.invo_person_id
        """,
        settings,
        "forecast caseloads",
    )
    sql = f"""
    WITH allocated AS ({allocated}),
    cla AS (SELECT * FROM ({fragment_sql("cla_at_period_end", settings)}) f WHERE f.la_code = ?),
    cp AS (SELECT * FROM ({fragment_sql("cp_at_period_end", settings)}) f WHERE f.la_code = ?)
    SELECT a.period_end, DENSE_RANK() OVER (ORDER BY a.person_id) AS child, a.workers,
           CASE WHEN c.person_id IS NOT NULL THEN 2 WHEN q.person_id IS NOT NULL THEN 1 ELSE 0 END AS kind
    FROM allocated a
    LEFT JOIN cla c ON c.la_code = a.la_code AND c.period_end = a.period_end AND c.person_id = a.person_id
    LEFT JOIN cp q ON q.la_code = a.la_code AND q.period_end = a.period_end AND q.person_id = a.person_id
    """
    rows = con.execute(sql, [la_code, la_code, la_code]).fetchall()
    index = {d: i for i, d in enumerate(ends)}
    cases = [0] * len(ends)
    children = [0] * len(ends)
    looked_after = [0] * len(ends)
    kept = []
    for period_end, child, workers, kind in rows:
        m = index[period_end]
        cases[m] += int(workers)
        children[m] += 1
        if kind == 2:
            looked_after[m] += 1
        else:
            kept.append((m, child, kind))
    panel = Panel(
        month_ends=tuple(ends),
        month=np.array([k[0] for k in kept], dtype=np.int64),
        child=np.array([k[1] for k in kept], dtype=np.int64),
        age=np.full(len(kept), UNKNOWN_AGE, dtype=np.int64),
        group=np.array([k[2] for k in kept], dtype=np.int64),
        scheme=CASELOAD_SCHEME,
    )
    return CaseloadData(panel, looked_after, cases, children)


@dataclass(frozen=True)
class MeasuredRates:
    """The council's social worker turnover (12 months to the date) and vacancy rates, percent, from the
    indicators (None when the store holds no establishment records for them)."""

    turnover: float | None
    vacancy: float | None


def workforce_rates(con: Connection, la_code: str, at: dt.date, settings: IndicatorSettings) -> MeasuredRates:
    results = compute(
        con, _periods([at]), ids=["sw_turnover_rate", "sw_vacancy_rate"], settings=settings, la_codes=[la_code]
    )
    values = {r.indicator.id: next((p.value for p in r.points if p.group is None), None) for r in results}
    return MeasuredRates(turnover=values.get("sw_turnover_rate"), vacancy=values.get("sw_vacancy_rate"))


@dataclass(frozen=True)
class WorkforceNow:
    """The qualified case-holding workforce at the forecast's start, from the store."""

    fte_in_post: float | None  # FTE of qualified workers holding at least one case (employed and agency)
    funded_posts_fte: float | None  # FTE of funded qualified case-holding posts (None without establishment data)
    refill_days: list[int]  # days from an employed worker leaving a post to the next starting in it


def workforce_now(con: Connection, la_code: str, at: dt.date, settings: IndicatorSettings) -> WorkforceNow:
    set_periods(con, _periods([at]))
    fte = con.execute(
        f"SELECT SUM(c.fte), COUNT(*) FROM ({fragment_sql('caseloads_at_period_end', settings)}) c "
        "WHERE c.la_code = ? AND c.period_end = ?",
        [la_code, month_end(at)],
    ).fetchall()[0]
    posts = con.execute(
        "SELECT COUNT(*), SUM(post_fte) FROM cscperf_sw_posts WHERE la_code = ? AND post_qualified "
        "AND post_case_holding AND post_start_date <= ? AND (post_end_date IS NULL OR post_end_date >= ?)",
        [la_code, at, at],
    ).fetchall()[0]
    refills = con.execute(
        """
        WITH employed AS (
            SELECT a.assignment_post_id AS post, a.assignment_start_date AS started, a.assignment_end_date AS ended,
                   a.end_reason
            FROM cscperf_sw_assignments a
            JOIN cscperf_sw_posts s ON s.la_code = a.la_code AND s.post_id = a.assignment_post_id
            WHERE a.la_code = ? AND s.post_qualified AND a.contract_type = 'employed'
        )
        SELECT l.post, l.ended, MIN(n.started) - l.ended AS days
        FROM employed l
        JOIN employed n ON n.post = l.post AND n.started > l.ended
        WHERE l.end_reason = 'left_council' AND l.ended > ? AND l.ended <= ?
        GROUP BY l.post, l.ended
        """,
        [la_code, add_months(at, -24), at],
    ).fetchall()
    return WorkforceNow(
        fte_in_post=float(fte[0]) if fte[1] else None,
        funded_posts_fte=float(posts[1]) if posts[0] else None,
        refill_days=[int(r[2]) for r in refills],
    )


def finance_records(con: Connection, la_code: str, start: dt.date, end: dt.date) -> tuple[list[CostRecord], int]:
    """Weekly costs of placements open in the period from `ssd_s251_finance` (cscperf reads the SSD's first
    placeholder field, s251_placeholder_1, as the placement's weekly cost in pounds until the SSD defines the
    table), and how many records could not be read as a cost."""
    rows = con.execute(
        f"""
        SELECT {group_index_sql("p.clap_cla_placement_type", "p.clap_cla_placement_provider")} AS group_index,
               f.s251_placeholder_1 AS weekly_cost,
               LEAST(COALESCE(p.clap_cla_placement_end_date, ?), ?)
                 - GREATEST(p.clap_cla_placement_start_date, ?) AS days_in_period
        FROM ssd_s251_finance f
        JOIN ssd_cla_placement p ON p.la_code = f.la_code AND p.clap_cla_placement_id = f.s251_cla_placement_id
        WHERE f.la_code = ? AND p.clap_cla_placement_start_date < ?
          AND (p.clap_cla_placement_end_date IS NULL OR p.clap_cla_placement_end_date > ?)
        """,
        [end, end, start, la_code, end, start],
    ).fetchall()
    out: list[CostRecord] = []
    unreadable = 0
    groups = list(PlacementGroup)
    for group_index, text, days in rows:
        cost = _money(text)
        if cost is None or days is None or int(days) <= 0:
            unreadable += cost is None
            continue
        out.append(CostRecord(groups[int(group_index)], cost, int(days)))
    return out, unreadable


def _money(text: object) -> float | None:
    """A weekly cost written as 3200, 3200.50, £3,200 or "3,200.00"; None when it is not a cost."""
    if text is None:
        return None
    cleaned = str(text).strip().replace("£", "").replace(",", "").strip()
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value >= 0 and np.isfinite(value) else None
