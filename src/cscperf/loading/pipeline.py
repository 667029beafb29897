"""The steps that turn staged files into the store's records, shared by `cscperf load` and `cscperf unload`
(which replays the loads that remain), so an undone load leaves the store as if it had never been made.

Inside the command's one transaction: `settle` (the loads' table, rules 1 and 2 of merge.py, the counts
checked against the staged rows, what each load covers, the formats' hooks), then `merge` (sources compared,
records merged into the store), then the command records what happened, with `record_problems`.
"""

from __future__ import annotations

from collections.abc import Iterable

from cscperf.loading.coverage_record import Surveys, survey_staged
from cscperf.loading.merge import (
    LOADS_TABLE,
    REJECTS,
    StagedLoads,
    check_staged_counts,
    merge_into_store,
    reject_unidentified_and_duplicates,
    report_person_conflicts,
)
from cscperf.loading.source_format import SourceFormat
from cscperf.store.connection import Connection
from cscperf.store.statements import run

COMPLETE, REJECTED, UNLOADED = "complete", "rejected", "unloaded"
EVERY_RECORD_REJECTED = (
    "every record was rejected, so nothing was loaded and the file is not recorded as loaded: `cscperf rejects` "
    "says why. Correct it (or give --year or --la) and load it again."
)


def settle(staged: StagedLoads, formats: Iterable[SourceFormat]) -> Surveys:
    """Rules 1 and 2, the counts checked, the survey of what each load gives, then the formats' hooks."""
    staged.record_loads()
    reject_unidentified_and_duplicates(staged)
    check_staged_counts(staged)
    surveys = survey_staged(staged)
    for source_format in formats:
        if source_format.after_all is not None:
            source_format.after_all(staged)
    return surveys


def merge(staged: StagedLoads) -> None:
    """Sources compared about each person, then every staged record merged into the store."""
    report_person_conflicts(staged)
    for load in staged.loads:
        load.flush()
    merge_into_store(staged)


def status(records_loaded: int) -> str:
    """A file whose every record was rejected is not recorded as loaded, so it can be loaded again once fixed."""
    return COMPLETE if records_loaded > 0 else REJECTED


def record_problems(con: Connection, staged: StagedLoads) -> None:
    """Every problem of the command's files into cscperf_load_rejects, with its load's council."""
    rejects = staged.staged(REJECTS)
    if rejects:
        run(
            con,
            f"INSERT INTO {REJECTS} BY NAME SELECT l.la_code, r.load_id, r.reject_number, r.source_location, "
            "r.target_table, r.field_name, r.field_value, r.rule, r.severity, r.message, "
            "CAST(r.raw_record AS JSON) AS raw_record "  # staged as text
            f"FROM {rejects} r JOIN {LOADS_TABLE} l ON l.load_id = r.load_id",
        )
