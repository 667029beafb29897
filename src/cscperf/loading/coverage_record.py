"""Record what each load gave each store table, and the dates it gives a complete record of
(`cscperf_coverage`), so the indicator engine can tell a figure the data support from one they do not.

- A CIN Census or SSDA903 return covers its collection year, 1 April to 31 March: the return lists every
  referral, plan or episode open at any time in the year. (The SSDA903 OC2 table's outcomes are the year's,
  for the cohort at 31 March; sources.yml says they serve only figures at 31 March.)
- A workforce census (30 September of year Y) covers 1 October of Y-1 to 30 September of Y; its posts,
  assignments and absences (vacancies and agency workers are counted on the census day alone) serve figures at
  30 September only, the assignments with the year before it (the year's leavers).
- An Ofsted Annex A workbook and an SSD extract cover what their records show: from the end dates of the
  records that ended (an extract of the last N years leaves out what ended before them, while long-open
  records keep their old start dates), or the start dates where no record ended, to the latest date
  recorded by any table of the same kind of source in the command (the extract, or the workbook, was taken
  at once, so each table is complete to that date). For an extract the start is the first hundredth of
  those dates, not the very first, so one mistyped old date cannot claim years of coverage (a later start
  only withholds a figure, never shows a wrong one); an Annex A workbook's tables are kept within the period
  the workbook covers instead (its dates' year, at most 12 months, see annex_a.py), from their first start.
  A table with no dates of its own (people, workers) takes the range of the other tables of the same kind of
  source in the command.
- No range ever runs past the day of the load.

The survey of the staged rows runs before the format hooks (SSDA903 stitching replaces its staged episodes
with the store's rebuilt history); the ranges are settled when the loads are recorded, once every collection
year is known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cscperf.loading.file_load import FileLoad
from cscperf.loading.merge import REJECTS, StagedLoads
from cscperf.loading.staging import staging_name
from cscperf.reporting_periods import add_months
from cscperf.store.connection import Connection
from cscperf.store.statements import run

RETURNS = ("cin_census", "ssda903")
BY_CONTENT = ("annex_a", "ssd_extract")
# Tables the SSDA903 stitching builds from the episodes a return gives (every field of them).
FROM_903_EPISODES = ("ssd_cla_placement", "ssd_legal_status")
# Look-back a source's records carry beyond their own dates: Annex A List 3 gives, for each referral, the
# number of referrals of the child in the 12 months before (the loader dates a placeholder for it), so the
# re-referral measure needs no earlier workbook; List 8 gives each child's date of entering care (so who has
# been looked after for 12 months is known) and latest health and dental checks, however old.
LOOKBACK_MONTHS = {
    ("annex_a", "ssd_cin_episodes"): 12,
    ("annex_a", "ssd_cla_episodes"): 12,
    ("annex_a", "ssd_cla_health"): 12,
    ("workforce_census", "cscperf_sw_assignments"): 12,  # the year's leavers, for turnover at 30 September
}
# Tables a workforce census gives only as they stand on its date (30 September): the vacancies and agency
# workers are counted on that day alone, and absence is at that day, so the posts and assignments serve the
# vacancy, agency and turnover figures at 30 September and no other day (a month before it would count the
# employed workers of the year and no vacancy: a vacancy rate of 0).
CENSUS_DAY_ONLY = {"cscperf_sw_posts", "cscperf_sw_assignments", "cscperf_sw_absences"}
# Tables a source gives only as they stand on its date: Annex A List 8 has each child's latest health
# assessment and dental check (however old), not the checks before them, so they serve figures at the
# workbook's date alone (with the look-back above).
LATEST_ONLY = {("annex_a", "ssd_cla_health")}

# The date columns that place a table's records in time: (start, end or None).
DATES: dict[str, tuple[str, str | None]] = {
    "ssd_contacts": ("cont_contact_date", None),
    "ssd_early_help_episodes": ("earl_episode_start_date", "earl_episode_end_date"),
    "ssd_cin_episodes": ("cine_referral_date", "cine_close_date"),
    "ssd_cin_assessments": ("cina_assessment_start_date", "cina_assessment_auth_date"),
    "ssd_cin_plans": ("cinp_cin_plan_start_date", "cinp_cin_plan_end_date"),
    "ssd_cin_visits": ("cinv_cin_visit_date", None),
    "ssd_s47_enquiry": ("s47e_s47_start_date", "s47e_s47_end_date"),
    "ssd_initial_cp_conference": ("icpc_icpc_date", None),
    "ssd_cp_plans": ("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
    "ssd_cp_visits": ("cppv_cp_visit_date", None),
    "ssd_cp_reviews": ("cppr_cp_review_date", None),
    "ssd_cla_episodes": ("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
    "ssd_cla_placement": ("clap_cla_placement_start_date", "clap_cla_placement_end_date"),
    "ssd_legal_status": ("lega_legal_status_start_date", "lega_legal_status_end_date"),
    "ssd_cla_visits": ("clav_cla_visit_date", None),
    "ssd_cla_reviews": ("clar_cla_review_date", None),
    "ssd_cla_health": ("clah_health_check_date", None),
    "ssd_missing": ("miss_missing_episode_start_date", "miss_missing_episode_end_date"),
    "ssd_involvements": ("invo_involvement_start_date", "invo_involvement_end_date"),
    "cscperf_pep": ("pep_date", None),
    "cscperf_sw_posts": ("post_start_date", "post_end_date"),
    "cscperf_sw_assignments": ("assignment_start_date", "assignment_end_date"),
    "cscperf_sw_absences": ("absence_start_date", "absence_end_date"),
}


@dataclass
class TableSurvey:
    """What one load staged for one table: how many records, which fields were given, and its dates: the
    first start and end dates, the first hundredth of each (robust to a stray old date), and the latest."""

    records: int
    fields: tuple[str, ...]
    first_start: dt.date | None = None
    first_end: dt.date | None = None
    last: dt.date | None = None
    robust_start: dt.date | None = None
    robust_end: dt.date | None = None


FIRST = "percentile_disc(0.01) WITHIN GROUP (ORDER BY {})"


Surveys = dict[tuple[str, str], TableSurvey]  # (load_id, table) -> survey


def survey_staged(staged: StagedLoads) -> Surveys:
    """Each load's staged rows, table by table (run before the format hooks change them)."""
    out: Surveys = {}
    for name in sorted(staged.staging.tables):
        if name == REJECTS:
            continue
        columns = [c for c in staged.staging.table(name).column_names if c != "la_code"]
        start, end = DATES.get(name, (None, None))
        dates = [
            f"min({start})" if start else "NULL",
            f"min({end})" if end else "NULL",
            f"greatest(max({start}), max({end}))" if start and end else f"max({start})" if start else "NULL",
            FIRST.format(start) if start else "NULL",
            FIRST.format(end) if end else "NULL",
        ]
        counts = ", ".join(f"count({c})" for c in columns)
        rows = staged.con.execute(
            f"SELECT _load_id, count(*), {', '.join(dates)}, {counts} FROM {staging_name(name)} GROUP BY _load_id"
        ).fetchall()
        for load_id, records, first_start, first_end, last, robust_start, robust_end, *given in rows:
            fields = tuple(c for c, n in zip(columns, given, strict=True) if n)
            out[(str(load_id), name)] = TableSurvey(
                int(records), fields, first_start, first_end, last, robust_start, robust_end
            )
    for load in staged.loads:
        if load.kind == "ssda903" and (load.load_id, "ssd_cla_episodes") in out:
            episodes = out[(load.load_id, "ssd_cla_episodes")]
            for derived in FROM_903_EPISODES:
                out.setdefault((load.load_id, derived), TableSurvey(episodes.records, ()))
    return out


def coverage_rows(
    loads: list[FileLoad], surveys: Surveys, today: dt.date
) -> list[tuple[str, str, str, dt.date, dt.date, int, str | None, int]]:
    """(la_code, load_id, table, covers_from, covers_to, records, fields given, look-back months) for every
    load and table."""
    by_load: dict[str, FileLoad] = {load.load_id: load for load in loads}
    content_ranges = _content_ranges(loads, surveys, today)
    rows = []
    for (load_id, table), survey in sorted(surveys.items()):
        load = by_load.get(load_id)
        if load is None or load.la_code is None:
            continue
        span = _span(load, table, survey, content_ranges, today)
        if span is None or span[0] > span[1]:
            continue
        fields = None if table in FROM_903_EPISODES and load.kind == "ssda903" else ",".join(survey.fields)
        lookback = LOOKBACK_MONTHS.get((load.kind, table), 0)
        rows.append((load.la_code, load_id, table, span[0], span[1], survey.records, fields, lookback))
    return rows


def _span(
    load: FileLoad,
    table: str,
    survey: TableSurvey,
    content_ranges: dict[tuple[str | None, str], tuple[dt.date, dt.date]],
    today: dt.date,
) -> tuple[dt.date, dt.date] | None:
    year = load.collection_year
    if load.kind in RETURNS:
        if year is None:
            return None
        return dt.date(year - 1, 4, 1), min(dt.date(year, 3, 31), today)
    if load.kind == "workforce_census":
        if year is None:
            return None
        census_day = dt.date(year, 9, 30)
        if table in CENSUS_DAY_ONLY:
            return (census_day, census_day) if census_day <= today else None  # no range runs past today
        return dt.date(year - 1, 10, 1), min(census_day, today)
    if load.kind in BY_CONTENT:
        window = _workbook_window(load)
        together = content_ranges.get((load.la_code, load.kind))
        own = _own_range(survey, today, robust=window is None) or together
        if own is not None and together is not None:  # the extract (or workbook) was taken at once: every
            own = (own[0], together[1])  # table is complete to its latest date
        if own is None or window is None:
            return own
        if (load.kind, table) in LATEST_ONLY:
            return window[1], window[1]
        return max(own[0], window[0]), min(own[1], window[1])
    return None


def _workbook_window(load: FileLoad) -> tuple[dt.date, dt.date] | None:
    """An Annex A workbook's period: its usual dates (those of the year it is for), at most 12 months."""
    period = load.details.get("period_covered")
    if load.kind != "annex_a" or not isinstance(period, dict):
        return None
    last = dt.date.fromisoformat(period["to"])
    first = max(dt.date.fromisoformat(period["from"]), add_months(last, -12) + dt.timedelta(days=1))
    return first, last


def _own_range(survey: TableSurvey, today: dt.date, *, robust: bool = True) -> tuple[dt.date, dt.date] | None:
    """From the ends of the records that ended (or the starts) to the latest date; `robust` for an extract,
    else (a workbook kept within its window) from the first start."""
    start = (survey.robust_end or survey.robust_start) if robust else survey.first_start
    if start is None or survey.last is None:
        return None
    return start, min(survey.last, today)


def _content_ranges(
    loads: list[FileLoad], surveys: Surveys, today: dt.date
) -> dict[tuple[str | None, str], tuple[dt.date, dt.date]]:
    """For each council and kind of source read by its content, the range its dated tables cover together."""
    kinds = {load.load_id: (load.la_code, load.kind) for load in loads if load.kind in BY_CONTENT}
    out: dict[tuple[str | None, str], tuple[dt.date, dt.date]] = {}
    for (load_id, _table), survey in surveys.items():
        key = kinds.get(load_id)
        own = _own_range(survey, today, robust=key is not None and key[1] != "annex_a")
        if key is None or own is None:
            continue
        if key in out:
            out[key] = (min(out[key][0], own[0]), max(out[key][1], own[1]))
        else:
            out[key] = own
    return out


def record_coverage(con: Connection, rows: Sequence[tuple[object, ...]]) -> None:
    """Write the coverage rows, and set each loaded council's data range to what its loads cover."""
    for row in rows:
        run(
            con,
            "INSERT INTO cscperf_coverage (la_code, load_id, table_name, covers_from, covers_to, records, "
            "fields_given, lookback_months) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            list(row),
        )
    councils = sorted({str(r[0]) for r in rows})
    if not councils:
        return
    marks = ", ".join("?" for _ in councils)
    run(
        con,
        f"""UPDATE cscperf_councils SET
            data_start_date = (SELECT min(v.covers_from) FROM cscperf_coverage v
                               WHERE v.la_code = cscperf_councils.la_code),
            data_end_date = (SELECT max(v.covers_to) FROM cscperf_coverage v
                             WHERE v.la_code = cscperf_councils.la_code)
        WHERE data_source = 'loaded' AND la_code IN ({marks})""",
        councils,
    )
