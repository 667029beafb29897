"""A list's SQL as it runs: shared fragments and settings put in place, the councils asked for, and each
child's team and worker on the date."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cscperf.indicators.sql_text import SETTING, expand_fragments
from cscperf.lists.definition import ListDefinition


def list_sql(definition: ListDefinition, values: dict[str, str], tables: dict[str, str] | None = None) -> str:
    """A list's runnable SQL (DuckDB dialect): fragments and settings put in place."""
    sql = expand_fragments(definition.sql, definition.id, tables)

    def setting(match: Any) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{definition.id}: unknown setting {name}")
        return values[name]

    return SETTING.sub(setting, sql).strip().rstrip(";")


ALLOCATED = "cscperf_list_allocated"


def allocation_sql(values: dict[str, str]) -> str:
    """Each child's allocated worker and team at each date in report_periods: an open case-holding
    involvement first (setting case_holding_roles; blank roles count), then any other, the most recently
    started first. Computed once for every list of a run."""
    return f"""
    SELECT la_code, as_at, person_id, team_id, worker_id FROM (
        SELECT i.la_code, p.period_end AS as_at, i.invo_person_id AS person_id, i.invo_professional_team AS team_id,
               i.invo_professional_id AS worker_id,
               ROW_NUMBER() OVER (PARTITION BY i.la_code, p.period_end, i.invo_person_id
                                  ORDER BY CASE WHEN i.invo_professional_role_id IS NULL
                                                  OR i.invo_professional_role_id IN ({values["case_holding_roles"]})
                                                THEN 0 ELSE 1 END,
                                           i.invo_involvement_start_date DESC, i.invo_professional_id) AS pick
        FROM ssd_involvements i
        JOIN report_periods p ON i.invo_involvement_start_date <= p.period_end
         AND (i.invo_involvement_end_date IS NULL OR i.invo_involvement_end_date >= p.period_end)
    ) AS ranked WHERE pick = 1
    """


def enriched_sql(
    definition: ListDefinition,
    values: dict[str, str],
    la_codes: Sequence[str],
    tables: dict[str, str] | None = None,
    allocated: str | None = None,
) -> str:
    """The list's rows for the councils asked for, with each child's team and worker on the date: the
    unit's own where it has them, else the child's allocated worker (`allocated`: the table made from
    allocation_sql, or it is computed here)."""
    councils = council_list(la_codes)
    source = allocated or f"({allocation_sql(values)})"
    return f"""
    WITH u AS (SELECT * FROM ({list_sql(definition, values, tables)}) AS list_rows WHERE la_code IN ({councils})),
    placed AS (
        SELECT u.*, COALESCE(u.worker_id, a.worker_id) AS assigned_worker_id,
               COALESCE(u.team_id, a.team_id) AS assigned_team_id
        FROM u
        LEFT JOIN {source} AS a ON a.la_code = u.la_code AND a.as_at = u.as_at AND a.person_id = u.person_id
         AND u.worker_id IS NULL
    )
    SELECT p.*, d.dept_team_name AS team_name, w.prof_professional_name AS worker_name
    FROM placed p
    LEFT JOIN ssd_department d ON d.la_code = p.la_code AND d.dept_team_id = p.assigned_team_id
    LEFT JOIN ssd_professionals w ON w.la_code = p.la_code AND w.prof_professional_id = p.assigned_worker_id
    """


def council_list(la_codes: Sequence[str]) -> str:
    return ", ".join("'" + c.replace("'", "''") + "'" for c in la_codes)
