"""A short summary of what a store holds, council by council: volumes and a few headline figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from cscperf.reference.la_codes import council_name
from cscperf.store.connection import Connection


@dataclass(frozen=True)
class CouncilSummary:
    la_code: str
    la_name: str
    data_source: str
    start: dt.date | None
    end: dt.date | None
    children: int
    contacts: int | None  # None: not available (the data loaded do not give it; `missing` says why)
    referrals: int | None
    assessments: int | None
    cp_open: int | None
    cla_open: int | None
    cla_rate_per_10k: float | None
    workers: int | None
    rows: int
    missing: tuple[tuple[str, str], ...] = ()  # (figure, why it is not available)


SUMMARY_SQL = """
WITH c AS (SELECT * FROM cscperf_councils),
cla AS (
    SELECT e.la_code, count(DISTINCT e.clae_person_id) AS n
    FROM ssd_cla_episodes e JOIN c USING (la_code)
    WHERE e.clae_cla_episode_start_date <= c.data_end_date
      AND (e.clae_cla_episode_ceased_date IS NULL OR e.clae_cla_episode_ceased_date > c.data_end_date)
      AND NOT EXISTS (
        SELECT 1 FROM ssd_legal_status l
        WHERE l.la_code = e.la_code AND l.lega_person_id = e.clae_person_id AND l.lega_legal_status IN ('V3', 'V4')
          AND l.lega_legal_status_start_date <= c.data_end_date
          AND (l.lega_legal_status_end_date IS NULL OR l.lega_legal_status_end_date > c.data_end_date))
    GROUP BY e.la_code
),
cp AS (
    SELECT p.la_code, count(DISTINCT p.cppl_person_id) AS n
    FROM ssd_cp_plans p JOIN c USING (la_code)
    WHERE p.cppl_cp_plan_start_date <= c.data_end_date
      AND (p.cppl_cp_plan_end_date IS NULL OR p.cppl_cp_plan_end_date > c.data_end_date)
    GROUP BY p.la_code
)
SELECT c.la_code, c.la_name, c.data_source, c.data_start_date, c.data_end_date,
    (SELECT count(*) FROM ssd_person x WHERE x.la_code = c.la_code),
    (SELECT count(*) FROM ssd_contacts x WHERE x.la_code = c.la_code),
    -- referrals, not the earlier referrals an Annex A load stands in for (for the re-referral measure)
    (SELECT count(*) FROM ssd_cin_episodes x WHERE x.la_code = c.la_code
     AND COALESCE(CAST(x.cine_referral_outcome_json AS VARCHAR), '') NOT LIKE '%ANNEX_A_PLACEHOLDER%'),
    (SELECT count(*) FROM ssd_cin_assessments x WHERE x.la_code = c.la_code),
    coalesce(cp.n, 0), coalesce(cla.n, 0),
    CAST(NULL AS DOUBLE),  -- the rate per 10,000: worked out below, with the engine's choice of mid-year
    (SELECT count(*) FROM ssd_professionals x WHERE x.la_code = c.la_code),
    (SELECT coalesce(sum(records_loaded), 0) FROM cscperf_loads x WHERE x.la_code = c.la_code
     AND x.load_status = 'complete')
FROM c LEFT JOIN cla USING (la_code) LEFT JOIN cp USING (la_code)
ORDER BY c.la_code
"""


def council_summaries(con: Connection) -> list[CouncilSummary]:
    """Each council's summary; a council the store holds no name for is named from the DfE's code list."""
    from cscperf.indicators.engine import population_for, round_as_dfe

    rows = [CouncilSummary(*row) for row in con.execute(SUMMARY_SQL).fetchall()]
    populations: dict[str, dict[int, int]] = {}
    for la_code, year, population in con.execute(
        "SELECT la_code, mid_year, population FROM cscperf_population WHERE age_group = '0-17'"
    ).fetchall():
        populations.setdefault(la_code, {})[int(year)] = int(population)
    covered: Spans = {}
    for la_code, table, first, last in con.execute(
        "SELECT la_code, table_name, min(covers_from), max(covers_to) FROM cscperf_coverage GROUP BY 1, 2"
    ).fetchall():
        covered[(str(la_code), str(table))] = (first, last)
    out = []
    for r in rows:
        r = _what_the_data_support(r, covered)
        # the rate as the indicator cla_rate_per_10k works it: the latest mid-year on or before the date
        pop = population_for(populations.get(r.la_code, {}), r.end) if r.end else None
        rate = round_as_dfe(r.cla_open * 10_000 / pop, 0) if pop and r.cla_open is not None else None
        out.append(dataclasses.replace(r, la_name=council_name(r.la_code, r.la_name), cla_rate_per_10k=rate))
    return out


# Each figure of the summary, the store table it counts, and whether it is as at the data's last date.
FIGURES = (
    ("contacts", "Contacts", "ssd_contacts", False),
    ("referrals", "Referrals", "ssd_cin_episodes", False),
    ("assessments", "Assessments", "ssd_cin_assessments", False),
    ("cp_open", "Children on CP plans at the end", "ssd_cp_plans", True),
    ("cla_open", "Children looked after at the end", "ssd_cla_episodes", True),
    ("workers", "Workers (employed and agency, ever)", "ssd_professionals", False),
)


Spans = dict[tuple[str, str], tuple[dt.date, dt.date]]  # (council, table) -> the dates its loads cover


def _what_the_data_support(r: CouncilSummary, covered: Spans) -> CouncilSummary:
    """The summary with each figure the council's loads cannot support made None, and why: a table no load
    gave (contacts from an SSDA903 return), or, for a figure at the data's last date, a table whose records
    end before it (episodes of care to March 2019, in a store whose reviews run to 2026). A store made before
    coverage was recorded (no coverage at all for the council) keeps its figures as they are."""
    if not any(la == r.la_code for la, _ in covered):
        return r
    changes: dict[str, object] = {}
    missing = []
    for field, words, table, at_end in FIGURES:
        span = covered.get((r.la_code, table))
        if span is None:
            changes[field] = None
            missing.append((words, f"no {_plain(table)} were loaded"))
        elif at_end and r.end is not None and not span[0] <= r.end <= span[1]:
            changes[field] = None
            last = f"{span[1]:%-d %B %Y}"
            missing.append((words, f"the {_plain(table)} loaded end on {last}, before the data's last date"))
    return dataclasses.replace(r, **changes, missing=tuple(missing))  # type: ignore[arg-type]


def _plain(table: str) -> str:
    return {
        "ssd_contacts": "contacts",
        "ssd_cin_episodes": "referrals",
        "ssd_cin_assessments": "assessments",
        "ssd_cp_plans": "child protection plans",
        "ssd_cla_episodes": "episodes of care",
        "ssd_professionals": "social workers",
    }[table]
