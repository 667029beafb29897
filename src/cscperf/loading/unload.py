"""`cscperf unload LOAD_ID...`: take loads back out of the store, all or nothing, leaving it as if they had
never been made.

The store's records are merged from every file that described them, so a load cannot be subtracted record
by record. Instead, in one transaction, the council's records are emptied and its other loads are replayed
from the ledger (`ledger.py`: what each file gave, as read), through the same steps as a load (`pipeline.py`:
identifiers and duplicates, counts checked against the staged rows, the formats' hooks such as the SSDA903
stitching, sources compared, the merge). Their problems, counts, collection years and coverage
(`cscperf_coverage`, and the council's data range) are recorded afresh; the undone loads stay in the load
history (`cscperf loads`) as `unloaded`, with when, and their rejected records and ledger rows are removed.

Refused, with nothing changed: a load that does not exist, was already undone or never loaded anything
(every record rejected); a council whose records include generated ones (`cscperf synth`), which cannot be
replayed; and an undo that would leave another of the council's files unable to load (an SSDA903 table whose
collection year only the undone file told).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cscperf.errors import DataProblem, UsageProblem
from cscperf.loading import ledger, pipeline
from cscperf.loading.coverage_record import Surveys, coverage_rows, record_coverage
from cscperf.loading.failures import machine_failure
from cscperf.loading.file_load import FileLoad, TableCounts
from cscperf.loading.merge import REJECTS, StagedLoads
from cscperf.loading.source_format import SourceFormat, known_formats
from cscperf.loading.staging import Staging, staging_name
from cscperf.store.connection import DATABASE_ERRORS, Connection
from cscperf.store.schema import load_schema
from cscperf.store.statements import run, scalar

# Tables that say what was loaded rather than hold a council's records.
BOOKKEEPING = frozenset({"cscperf_councils", "cscperf_loads", "cscperf_load_rejects", "cscperf_coverage",
                         "cscperf_population"})  # fmt: skip
UNCHANGED = "Nothing was unloaded; the store is unchanged."


@dataclass
class UnloadSummary:
    unloaded: list[dict[str, object]] = field(default_factory=list)  # load id, file, format, council, year, records
    replayed: list[str] = field(default_factory=list)  # the council's loads that remain, replayed
    councils_emptied: list[str] = field(default_factory=list)  # councils left with no loads

    def as_dict(self) -> dict[str, object]:
        return {"unloaded": self.unloaded, "replayed": self.replayed, "councils_emptied": self.councils_emptied}


def unload(con: Connection, load_ids: list[str], on_wait: Callable[[str], None] | None = None) -> UnloadSummary:
    """Undo the loads (see the module's description). On a shared store, the councils' loads and unloads
    are waited for (`on_wait` is told which council), and everything is read and written in one transaction
    after their locks, so a reader sees the store before or after, never between."""
    wanted = list(dict.fromkeys(load_ids))
    if not wanted:
        raise UsageProblem("Name the load to undo: `cscperf loads` lists them.")
    on_server = con.engine != "duckdb"
    if not on_server:
        ledger.forget_unfinished(con)
    staging = Staging(con)  # the replayed loads are staged in scratch tables, as a load's are
    try:
        if not on_server:  # a DuckDB file has one writer: staged first, outside the transaction, as a load is
            plan = _plan(con, wanted)
            ledger.restore(con, staging, plan.order)
        run(con, "BEGIN TRANSACTION")
        try:
            if on_server:
                con.lock_councils(_councils(con, wanted), on_wait or _say_waiting)
                plan = _plan(con, wanted)
                ledger.restore(con, staging, plan.order)
            _undo(con, plan.by_council, plan.remaining, plan.summary.councils_emptied)
            if plan.remaining:
                _replay(con, staging, plan.remaining)
            run(con, "COMMIT")
        except BaseException as exc:
            with contextlib.suppress(*DATABASE_ERRORS):
                run(con, "ROLLBACK")
            if (failure := machine_failure(exc, unchanged=UNCHANGED)) is not None:
                raise failure from None
            raise
    finally:
        staging.close()
    return plan.summary


@dataclass
class _Plan:
    summary: UnloadSummary
    by_council: dict[str, list[str]]  # the loads undone, by council
    remaining: list[ledger.KeptFile]  # the councils' other loads, to be replayed

    @property
    def order(self) -> dict[str, int]:
        return {f.load_id: seq for seq, f in enumerate(self.remaining, start=1)}


def _plan(con: Connection, wanted: list[str]) -> _Plan:
    """What undoing the loads means, or why it is refused."""
    found = _loads(con, wanted)
    summary = UnloadSummary()
    by_council: dict[str, list[str]] = {}
    for load_id in wanted:
        la_code, kind, source, year, status, records = found[load_id]
        _refuse_status(load_id, kind, status)
        by_council.setdefault(la_code, []).append(load_id)
        summary.unloaded.append({"load_id": load_id, "file": source, "format": kind, "la_code": la_code,
                                 "collection_year": year, "records_loaded": records})  # fmt: skip
    remaining: list[ledger.KeptFile] = []
    for la_code, undone in sorted(by_council.items()):
        _refuse_generated(con, la_code)
        remaining += [f for f in ledger.kept_files(con, la_code) if f.load_id not in undone]
    summary.replayed = [f.load_id for f in remaining]
    summary.councils_emptied = sorted(set(by_council) - {f.la_code for f in remaining})
    return _Plan(summary, by_council, remaining)


def _councils(con: Connection, load_ids: list[str]) -> set[str]:
    """The councils of the loads (those the role may see)."""
    marks = ", ".join("?" for _ in load_ids)
    rows = con.execute(f"SELECT DISTINCT la_code FROM cscperf_loads WHERE load_id IN ({marks})", load_ids).fetchall()
    return {str(r[0]) for r in rows}


def _say_waiting(la_code: str) -> None:
    sys.stderr.write(
        f"cscperf: another command is loading or unloading council {la_code}'s files in this store; this one "
        "waits for it to finish (Ctrl-C stops this one, changing nothing).\n"
    )
    sys.stderr.flush()


def _loads(con: Connection, load_ids: list[str]) -> dict[str, tuple[str, str, str, int | None, str, int]]:
    marks = ", ".join("?" for _ in load_ids)
    rows = con.execute(
        "SELECT load_id, la_code, load_kind, source_file, collection_year, load_status, records_loaded "
        f"FROM cscperf_loads WHERE load_id IN ({marks})",
        load_ids,
    ).fetchall()
    found = {str(r[0]): (str(r[1]), str(r[2]), str(r[3]), r[4], str(r[5]), int(r[6] or 0)) for r in rows}
    missing = [i for i in load_ids if i not in found]
    if missing:
        raise UsageProblem(f"There is no load {', '.join(m[:40] for m in missing)}; `cscperf loads` lists them.")
    return found


def _refuse_status(load_id: str, kind: str, status: str) -> None:
    if kind == "synthetic":
        raise DataProblem(f"Load {load_id} is a generated council (cscperf synth), not a file: make the store again "
                          f"without it. {UNCHANGED}")  # fmt: skip
    if status == pipeline.UNLOADED:
        raise DataProblem(f"Load {load_id} was already undone. {UNCHANGED}")
    if status != pipeline.COMPLETE:
        raise DataProblem(f"Load {load_id} put nothing into the store (every record was rejected), so there is "
                          f"nothing to undo: load the corrected file. {UNCHANGED}")  # fmt: skip


def _refuse_generated(con: Connection, la_code: str) -> None:
    generated = scalar(con, "SELECT count(*) FROM cscperf_loads WHERE la_code = ? AND load_kind = 'synthetic' "
                            "AND load_status = 'complete'", [la_code])  # fmt: skip
    if generated:
        raise DataProblem(f"Council {la_code}'s records include generated ones (cscperf synth), which cannot be "
                          f"replayed without the loads being undone. {UNCHANGED}")  # fmt: skip
    complete = {str(r[0]) for r in con.execute("SELECT load_id FROM cscperf_loads WHERE la_code = ? AND "
                                                "load_status = 'complete'", [la_code]).fetchall()}  # fmt: skip
    kept = {f.load_id for f in ledger.kept_files(con, la_code)}
    if complete - kept:
        raise DataProblem(f"Council {la_code} has loads made by a cscperf that did not keep what each file gave "
                          f"({len(complete - kept)} of them), so its loads cannot be undone one by one: load its "
                          f"files into a new store instead. {UNCHANGED}")  # fmt: skip


def _undo(con: Connection, by_council: dict[str, list[str]], remaining: list[ledger.KeptFile],
          emptied: list[str]) -> None:  # fmt: skip
    """Inside the transaction: the undone loads marked so, with when; each council emptied of its records (and
    of its loads' problems and coverage, which the replay records afresh); the councils left with no load
    removed. While they are replayed, the other loads are not "in the store": none is older than another."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    undone = [load_id for ids in by_council.values() for load_id in ids]
    marks = ", ".join("?" for _ in undone)
    marked = con.execute(f"UPDATE cscperf_loads SET load_status = '{pipeline.UNLOADED}', unloaded_at = ? "
                         f"WHERE load_id IN ({marks}) RETURNING load_id", [now, *undone]).fetchall()  # fmt: skip
    if len(marked) != len(undone):  # row-level security: a role that may see a council but not change it
        councils = ", ".join(sorted(by_council))
        raise DataProblem(f"Your database role may see council {councils}'s loads but not change its data, so it "
                          f"cannot undo them. {UNCHANGED}")  # fmt: skip
    for la_code, ids in by_council.items():
        _empty_council(con, la_code, [*ids, *(f.load_id for f in remaining if f.la_code == la_code)])
    ledger.forget(con, undone)
    if remaining:
        held = ", ".join("?" for _ in remaining)
        run(con, f"UPDATE cscperf_loads SET load_status = 'replaying' WHERE load_id IN ({held})",
            [f.load_id for f in remaining])  # fmt: skip
    for la_code in emptied:
        run(con, "DELETE FROM cscperf_councils WHERE la_code = ? AND data_source = 'loaded'", [la_code])


def _replay(con: Connection, staging: Staging, remaining: list[ledger.KeptFile]) -> None:
    """Inside the transaction: the remaining loads, staged again, through the steps of a load."""
    loads = [_file_load(con, staging, f, seq) for seq, f in enumerate(remaining, start=1)]
    staged = StagedLoads(con, staging, loads)
    surveys = pipeline.settle(staged, _formats({f.load_kind for f in remaining}))
    if staged.withdrawn:
        load, reason = staged.withdrawn[0]
        raise DataProblem(f"Without the loads undone, {load.path.name} (load {load.load_id}) could no longer be "
                          f"loaded: {reason} Undo it too, or keep the loads. {UNCHANGED}")  # fmt: skip
    pipeline.merge(staged)
    _record_replayed(con, staged, surveys)


def _empty_council(con: Connection, la_code: str, load_ids: list[str]) -> None:
    """Every record of the council, and the problems and coverage of the loads undone or replayed (a file
    whose every record was rejected keeps its problems: they say what to correct)."""
    for table in load_schema().tables:
        if table.per_council and table.name not in BOOKKEEPING:
            run(con, f"DELETE FROM {table.name} WHERE la_code = ?", [la_code])
    marks = ", ".join("?" for _ in load_ids)
    run(con, f"DELETE FROM cscperf_coverage WHERE load_id IN ({marks})", load_ids)
    run(con, f"DELETE FROM {REJECTS} WHERE load_id IN ({marks})", load_ids)


def _formats(kinds: set[str]) -> list[SourceFormat]:
    """One format of each kind replayed (the hooks are the kind's, whichever form the file was in)."""
    chosen: dict[str, SourceFormat] = {}
    for source_format in known_formats():
        if source_format.kind in kinds:
            chosen.setdefault(source_format.kind, source_format)
    return list(chosen.values())


def _file_load(con: Connection, staging: Staging, kept: ledger.KeptFile, seq: int) -> FileLoad:
    """A load as its reading left it: the counts and problems from what the ledger kept."""
    load = FileLoad(Path(kept.source_file), kept.load_kind, kept.load_id, seq, staging, la_code=kept.la_code,
                    collection_year=kept.collection_year)  # fmt: skip
    load.details.update(kept.details)
    load.details["content_sha256"] = scalar(con, "SELECT content_sha256 FROM cscperf_loads WHERE load_id = ?",
                                            [kept.load_id])  # fmt: skip
    for name in sorted(staging.tables):
        if name == REJECTS:
            continue
        rows = scalar(con, f"SELECT count(*) FROM {staging_name(name)} WHERE _load_id = ?", [kept.load_id])
        if rows:
            load.counts.setdefault(name, TableCounts()).loaded = int(str(rows))
    rejects = staging_name(REJECTS) if REJECTS in staging.tables else None
    if rejects is not None:
        problems = con.execute(
            f"SELECT severity, rule, target_table, count(*) FROM {rejects} WHERE load_id = ? "
            "GROUP BY severity, rule, target_table",
            [kept.load_id],
        ).fetchall()
        for severity, rule, table, n in problems:
            load.problems_by_rule[(str(severity), str(rule))] += int(n)
            load.problem_count += int(n)
            if severity == "fatal":
                load.counts.setdefault(str(table or "unknown"), TableCounts()).rejected += int(n)
    for counts in load.counts.values():
        counts.read = counts.loaded + counts.rejected
    return load


def _record_replayed(con: Connection, staged: StagedLoads, surveys: Surveys) -> None:
    """The replayed loads' counts, collection years and status; their problems; their coverage."""
    for load in staged.loads:
        for table, counts in load.counts.items():
            if counts.read != counts.loaded + counts.rejected:  # a bug, never the data's fault
                raise AssertionError(f"counts do not reconcile for {table} in {load.path.name}")
        run(con, "UPDATE cscperf_loads SET collection_year = ?, records_read = ?, records_loaded = ?, "
                 "records_rejected = ?, load_status = ? WHERE load_id = ?",
            [load.collection_year, load.records_read, load.records_loaded, load.records_rejected,
             pipeline.status(load.records_loaded), load.load_id])  # fmt: skip
    pipeline.record_problems(con, staged)
    record_coverage(con, coverage_rows(staged.loads, surveys, dt.date.today()))
