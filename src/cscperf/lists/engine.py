"""Compute the managers' lists: run each list's SQL for the as-at date (and the since date), give each child
their team and worker, decide who is on the list (overdue, or due within the look-ahead), and word the rows.

One call, `compute_lists`, serves the command line, the web service and the committee report.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cscperf.errors import DataProblem, UsageProblem
from cscperf.indicators.council_scope import Councils
from cscperf.indicators.council_scope import scoped as council_scoped
from cscperf.indicators.engine import materialise_fragments, set_periods
from cscperf.indicators.settings import IndicatorSettings
from cscperf.indicators.sql_text import fragments_within
from cscperf.lists.coverage import Coverage
from cscperf.lists.definition import ListDefinition, load_lists
from cscperf.lists.entries import ListEntry, entry_of
from cscperf.lists.results import list_result
from cscperf.lists.rows import ListResult, Lists
from cscperf.lists.settings import ListSettings, sql_values, template_values
from cscperf.lists.sql import ALLOCATED, allocation_sql, council_list, enriched_sql
from cscperf.reporting_periods import as_at as as_at_period
from cscperf.store.connection import Connection
from cscperf.store.statements import run


@dataclass(frozen=True)
class ListInfo:
    """What a list is, for anyone choosing one (the command line's `lists list`, the web service's menu)."""

    id: str
    title: str
    audience: str
    rule: str
    source: str
    statutory_basis: str


class ListNotAvailable(DataProblem):
    """The council's data cannot support the list at the date; the message says why."""


def list_definitions() -> list[ListInfo]:
    """Every list: id, title, who it is for, its rule, where the data come from, its statutory basis."""
    return [
        ListInfo(d.id, d.title, d.audience, d.rule_text, d.source, " ".join(d.statutory_basis.split()))
        for d in load_lists().values()
    ]


def list_rows(
    con: Connection,
    list_id: str,
    *,
    la_code: str,
    as_at: dt.date,
    teams: Sequence[str] | None = None,
    look_ahead_days: int | None = None,
    indicator_settings: IndicatorSettings | None = None,
    settings: ListSettings | None = None,
) -> list[dict[str, Any]]:
    """One list's rows for one council as at a date, limited to those teams (None: every team), each a dict
    of the list's columns (the JSON rows of `cscperf lists`). A list the data cannot support raises
    ListNotAvailable with the reason, rather than giving no rows (which would read as "nobody")."""
    from cscperf.lists.output import row_dict

    result = compute_lists(con, la_code, as_at, ids=[list_id], look_ahead_days=look_ahead_days,
                           indicator_settings=indicator_settings, settings=settings).results[0]  # fmt: skip
    if not result.available:
        raise ListNotAvailable(f"{result.title} is not available: {result.reason}.")
    wanted = None if teams is None else set(teams)
    return [row_dict(row, result) for row in result.rows if wanted is None or row.team in wanted]


def compute_lists(
    con: Connection,
    la_code: str,
    as_at: dt.date,
    *,
    ids: Sequence[str] | None = None,
    team: str | None = None,
    worker: str | None = None,
    look_ahead_days: int | None = None,
    since: dt.date | None = None,
    indicator_settings: IndicatorSettings | None = None,
    settings: ListSettings | None = None,
) -> Lists:
    """The lists asked for (all by default) for one council as at a date, optionally for one team or worker
    only, with each child marked new or continuing since an earlier date and those who left listed."""
    return compute_lists_for_councils(
        con, [la_code], as_at, ids=ids, team=team, worker=worker, look_ahead_days=look_ahead_days, since=since,
        indicator_settings=indicator_settings, settings=settings,
    )[la_code]  # fmt: skip


def compute_lists_for_councils(
    con: Connection,
    la_codes: Sequence[str],
    as_at: dt.date,
    *,
    ids: Sequence[str] | None = None,
    team: str | None = None,
    worker: str | None = None,
    look_ahead_days: int | None = None,
    since: dt.date | None = None,
    indicator_settings: IndicatorSettings | None = None,
    settings: ListSettings | None = None,
) -> dict[str, Lists]:
    """`compute_lists` for several councils at once (each list's SQL runs once for all of them)."""
    indicator_settings = indicator_settings or IndicatorSettings()
    settings = settings or ListSettings()
    look_ahead = settings.look_ahead_days if look_ahead_days is None else look_ahead_days
    if look_ahead < 0:
        raise UsageProblem("The look-ahead cannot be negative.")
    if since is not None and since >= as_at:
        raise UsageProblem("The since date must be before the as-at date.")
    definitions = chosen_lists(ids)
    names = {code: _council_name(con, code) for code in la_codes}
    coverage = {code: Coverage(con, code) for code in la_codes}
    unavailable = {(code, d.id): coverage[code].unavailable(d, as_at) for code in la_codes for d in definitions}
    then = {(code, d.id): coverage[code].unavailable(d, since) if since else None
            for code in la_codes for d in definitions}  # fmt: skip
    dates = [as_at] if since is None or all(then.values()) else [as_at, since]
    runnable = [d for d in definitions if any(unavailable[(code, d.id)] is None for code in la_codes)]
    entries: dict[tuple[str, str], list[ListEntry]] = defaultdict(list)
    for list_id, found in list_entries(
        con, runnable, dates, la_codes, indicator_settings, settings, look_ahead
    ).items():
        for entry in found:
            entries[(list_id, entry.values["la_code"])].append(entry)
    context = template_values(indicator_settings, settings)
    out = {}
    for code in la_codes:
        results = []
        for d in definitions:
            reason = unavailable[(code, d.id)]
            if reason is not None:
                results.append(ListResult(d, code, as_at, False, reason))
                continue
            notes = coverage[code].notes(d)
            compared = since
            if since is not None and then[(code, d.id)]:
                notes += (f"No comparison with {since:%-d %B %Y}: {then[(code, d.id)]}.",)
                compared = None
            results.append(list_result(d, code, as_at, compared, entries.get((d.id, code), []), team, worker,
                                       context, look_ahead, notes))  # fmt: skip
        out[code] = Lists(code, names[code], as_at, look_ahead, since, team, worker, tuple(results))
    return out


def chosen_lists(ids: Sequence[str] | None) -> list[ListDefinition]:
    lists = load_lists()
    unknown = [i for i in ids or () if i not in lists]
    if unknown:
        from cscperf.indicators.lookup import suggestion

        raise UsageProblem(
            f"Unknown list {unknown[0]}.{suggestion(unknown[0], lists)} `cscperf lists list` names them all."
        )
    return [lists[i] for i in (list(dict.fromkeys(ids)) if ids else list(lists))]


def _council_name(con: Connection, la_code: str) -> str:
    rows = con.execute("SELECT la_name FROM cscperf_councils WHERE la_code = ?", [la_code]).fetchall()
    if not rows:
        raise UsageProblem(f"The store holds no council {la_code}.")
    from cscperf.reference.la_codes import council_name

    return council_name(la_code, rows[0][0])


def list_entries(
    con: Connection,
    definitions: Sequence[ListDefinition],
    dates: Sequence[dt.date],
    la_codes: Sequence[str],
    indicator_settings: IndicatorSettings,
    settings: ListSettings,
    look_ahead_days: int,
) -> dict[str, list[ListEntry]]:
    """Every unit in scope of each list at each date, for the councils given (one query per list, all
    councils and dates at once), with its state."""
    if not definitions or not dates:
        return {}
    set_periods(con, [as_at_period(d) for d in sorted(set(dates))])
    values = sql_values(indicator_settings, settings)
    uses = Counter(name for d in definitions for name in fragments_within(d.sql))
    shared = sorted(name for name, count in uses.items() if count >= 2)
    others = con.execute(
        f"SELECT count(*) FROM cscperf_councils WHERE la_code NOT IN ({council_list(la_codes)})"
    ).fetchall()[0][0]
    councils = Councils.of(la_codes)

    def scoped(sql: str) -> str:  # only worth rewriting when the store holds other councils too
        return council_scoped(sql, councils) if others else sql

    tables = materialise_fragments(con, shared, indicator_settings, prefix="cscperf_list_fragment_", rewrite=scoped)
    run(con, f"CREATE OR REPLACE TEMP TABLE {ALLOCATED} AS {scoped(allocation_sql(values))}")
    out: dict[str, list[ListEntry]] = {}
    for d in definitions:
        cursor = con.execute(scoped(enriched_sql(d, values, la_codes, tables, ALLOCATED)))
        names = [c[0] for c in cursor.description]
        horizon = {day: day + dt.timedelta(days=look_ahead_days) for day in dates}
        out[d.id] = [entry_of(d, dict(zip(names, row, strict=True)), horizon) for row in cursor.fetchall()]
    return out


def teams(con: Connection, la_code: str) -> list[str]:
    """The council's teams by name (and id where unnamed), for checking a --team."""
    rows = con.execute(
        "SELECT DISTINCT COALESCE(dept_team_name, dept_team_id) FROM ssd_department WHERE la_code = ? ORDER BY 1",
        [la_code],
    ).fetchall()
    return [str(r[0]) for r in rows if r[0] is not None]
