"""Turn an indicator's declared SQL into the SQL that runs: shared fragments and settings put in place."""

from __future__ import annotations

import re
from collections import Counter

from cscperf.indicators.definition import Indicator, load_fragments
from cscperf.indicators.settings import IndicatorSettings

FRAGMENT = re.compile(r"\{\{>\s*([a-z_]+)\s*\}\}")
SETTING = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")
CURRENT = re.compile(r"\{\{#\s*current_at_period_ends\s*\}\}(.*?)\{\{/\s*current_at_period_ends\s*\}\}", re.DOTALL)

# The rows of a query of events, each once for every period end at which it is current: on or after its `day` and
# before its `until` (NULL: never ends). Each event gets the first period end on or after its day and the last
# before its until, found once for each distinct date, and meets the period ends between the two by equi-joins on
# that pair (`spans`: every pair of period ends, the first no later than the second, with each period end between
# them; a few thousand rows whatever the data), as cla_at_period_end does for episodes. Comparing every event with
# every period end (or every child's row with all their events) was a loop on PostgreSQL. Period ends shared by
# two periods (a year and its last month) give one row: join on period_end.
CURRENT_AT_PERIOD_ENDS = """(
  WITH current_events AS MATERIALIZED ({events}),
  current_dated AS MATERIALIZED (
    SELECT e.*, f.first_end, l.last_end
    FROM current_events e
    JOIN (SELECT d.day, MIN(p.period_end) AS first_end
          FROM (SELECT DISTINCT day FROM current_events) d
          JOIN report_periods p ON p.period_end >= d.day
          GROUP BY d.day) f ON f.day = e.day
    JOIN (SELECT d.until_day, MAX(p.period_end) AS last_end
          FROM (SELECT DISTINCT COALESCE(until, DATE '9999-12-31') AS until_day FROM current_events) d
          JOIN report_periods p ON p.period_end < d.until_day
          GROUP BY d.until_day) l ON l.until_day = COALESCE(e.until, DATE '9999-12-31')
  ),
  current_spans AS (  -- DISTINCT (the rows are distinct anyway) keeps PostgreSQL from joining the events first
    SELECT DISTINCT a.period_end AS first_end, b.period_end AS last_end, p.period_end
    FROM (SELECT DISTINCT period_end FROM report_periods) a
    JOIN (SELECT DISTINCT period_end FROM report_periods) b ON b.period_end >= a.period_end
    JOIN (SELECT DISTINCT period_end FROM report_periods) p
      ON p.period_end >= a.period_end AND p.period_end <= b.period_end
  )
  SELECT e.*, s.period_end
  FROM current_dated e
  JOIN current_spans s ON s.first_end = e.first_end AND s.last_end = e.last_end
)"""


def current_at_period_ends(sql: str) -> str:
    """`{{# current_at_period_ends}} SELECT ... {{/ current_at_period_ends}}` (a query of events with columns `day`
    and `until`) replaced by a subquery of its rows, each once for every period end at which it is current (a
    `period_end` column added, and `first_end` and `last_end`, the first and last of them)."""
    return CURRENT.sub(lambda match: CURRENT_AT_PERIOD_ENDS.format(events=match.group(1).strip()), sql)


def fragments_used(indicator: Indicator) -> set[str]:
    """Names of the shared fragments an indicator's SQL uses."""
    return set(FRAGMENT.findall(indicator.sql))


def fragments_within(sql: str) -> set[str]:
    """Names of the shared fragments a piece of SQL uses, directly or inside another fragment."""
    fragments = load_fragments()
    found: set[str] = set()
    waiting = FRAGMENT.findall(sql)
    while waiting:
        name = waiting.pop()
        if name not in found and name in fragments:
            found.add(name)
            waiting += FRAGMENT.findall(fragments[name])
    return found


def fragment_expansions(sql: str) -> Counter[str]:
    """How many times each shared fragment would be written out in a piece of SQL once every fragment is
    expanded (a fragment used twice inside another that is itself used twice counts four times)."""
    fragments = load_fragments()
    counts: Counter[str] = Counter()
    for name in FRAGMENT.findall(sql):
        if name in fragments:
            counts[name] += 1
            counts.update(fragment_expansions(fragments[name]))
    return counts


def fragment_reads(sqls: list[str], materialised: set[str]) -> Counter[str]:
    """How many times each shared fragment is read by these pieces of SQL when each fragment in `materialised`
    is computed once into a table: a materialised fragment's own SQL is expanded once, however many read it."""
    fragments = load_fragments()
    reads: Counter[str] = Counter()

    def read(sql: str) -> None:
        for name in FRAGMENT.findall(sql):
            if name in fragments:
                reads[name] += 1
                if name not in materialised:
                    read(fragments[name])

    for sql in [*sqls, *(fragments[name] for name in sorted(materialised))]:
        read(sql)
    return reads


def expand_fragments(sql: str, owner: str, materialised: dict[str, str] | None = None, depth: int = 0) -> str:
    """`{{> name}}` replaced by the fragment's SQL (fragments may use other fragments). Fragments named in
    `materialised` are read from the temporary table given instead."""
    fragments = load_fragments()
    if depth > 8:
        raise ValueError(f"{owner}: SQL fragments nested too deeply (does a fragment use itself?)")

    def fragment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise ValueError(f"{owner}: unknown SQL fragment {name}")
        if materialised and name in materialised:
            return f"SELECT * FROM {materialised[name]}"
        return expand_fragments(fragments[name].strip(), owner, materialised, depth + 1)

    return current_at_period_ends(FRAGMENT.sub(fragment, sql))


def indicator_sql(indicator: Indicator, settings: IndicatorSettings, materialised: dict[str, str] | None = None) -> str:
    """The runnable SQL of an indicator under the given settings (DuckDB dialect). Fragments named in
    `materialised` are read from the temporary table given instead of being computed again."""
    return with_settings(expand_fragments(indicator.sql, indicator.id, materialised), settings, indicator.id)


def fragment_sql(name: str, settings: IndicatorSettings, materialised: dict[str, str] | None = None) -> str:
    """A shared fragment's runnable SQL under the given settings (fragments it uses that are named in
    `materialised` read their temporary table)."""
    owner = f"fragment {name}"
    return with_settings(expand_fragments(load_fragments()[name], owner, materialised), settings, owner)


def with_settings(sql: str, settings: IndicatorSettings, owner: str) -> str:
    """`{{name}}` replaced by each setting's SQL literal."""
    values = settings.sql_values()

    def setting(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{owner}: unknown setting {name}")
        return values[name]

    return SETTING.sub(setting, sql).strip().rstrip(";")
