"""One `cscperf load` command: every file it names, read into scratch tables, then merged into the store
in one transaction.

If any file cannot be loaded at all, or anything else fails (or the process is stopped), the store's tables
are not touched (or the transaction is rolled back) and are exactly as they were. A file whose content
(SHA-256) was loaded before is skipped, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from cscperf import __version__
from cscperf.errors import CscperfError, DataProblem, UsageProblem
from cscperf.loading import ledger, pipeline, read_ahead, second_process
from cscperf.loading.checks_after_reading import check_options, settle_read_file
from cscperf.loading.coverage_record import Surveys, coverage_rows, record_coverage
from cscperf.loading.failures import machine_failure
from cscperf.loading.file_load import FileLoad
from cscperf.loading.load_summary import FileSummary, LoadSummary
from cscperf.loading.merge import LOADS_TABLE, StagedLoads, check_views
from cscperf.loading.population import fill_population_from_comparators
from cscperf.loading.problems import Problem
from cscperf.loading.source_format import SourceFormat, content_sha256, recognise
from cscperf.loading.staging import Staging, staging_name
from cscperf.loading.unreadable import UnreadableFile
from cscperf.store.connection import DATABASE_ERRORS, Connection
from cscperf.store.statements import run

Progress = Callable[[str, int, int], None]
MACHINE_OR_STORE: tuple[type[BaseException], ...] = (*DATABASE_ERRORS, MemoryError)
"""A failure of the machine or of the database (a full disk while staging), explained by load_files."""


def files_named(paths: Iterable[Path]) -> list[Path]:
    """The files to load: each file named, and every file inside each folder named (hidden files skipped)."""
    return [path for path, _ in _files_and_origin(paths)]


def _files_and_origin(paths: Iterable[Path]) -> list[tuple[Path, bool]]:
    """Each file with whether it was found inside a folder (True) rather than named itself (False)."""
    out: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            out.extend((p, True) for p in sorted(path.rglob("*")) if p.is_file() and not _hidden(p.relative_to(path)))
        elif path.is_file():
            out.append((path, False))
        else:
            raise UsageProblem(f"{path} does not exist.")
    if not out:
        raise UsageProblem("No files to load.")
    return out


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def load_files(
    con: Connection,
    paths: Iterable[Path],
    *,
    year: int | None = None,
    la_code: str | None = None,
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> LoadSummary:
    """Load the files into the store, all or nothing. On a shared store, a load into a council another command
    is loading waits for it (`on_wait` is told which council; by default a line on stderr)."""
    named = _files_and_origin(paths)
    files = [path for path, _ in named]
    check_options(con, la_code, year)
    default_la = la_code or _only_council(con)
    summary = LoadSummary()
    loaded_before = _hashes_loaded(con)
    ledger.forget_unfinished(con)
    second_process.sweep_spools()  # what a killed load read in two processes left in the temporary folder
    staging = Staging(con, into_ledger=True)  # rows written once, into the ledger, as they are read
    loads: list[FileLoad] = []
    read: list[str] = []  # the loads of every file read (a file withdrawn later leaves `loads`)
    committed = False
    try:
        try:
            with staging.gathering():  # each table's rows staged a row group at a time
                formats = _read_files(named, staging, loads, summary, loaded_before, default_la, la_code, year,
                                      progress)  # fmt: skip
                _say_returns_loaded_before(con, loads)
            read = [load.load_id for load in loads]
            if con.engine == "duckdb":  # a server's ledger is written in the transaction, after the lock
                ledger.keep(con, loads, staging)  # what each file gave, as read, so that its load can be undone
                for source_format in formats.values():  # staged tables a format's hook changes: copies of their own
                    for table in source_format.rewrites:
                        if table in staging.tables:
                            staging.writable(table)
                check_views(con, staging)  # and those rules 1 and 2 of the merge will change
        except MACHINE_OR_STORE as exc:
            if (failure := machine_failure(exc)) is not None:  # a full disk while staging, not cscperf's fault
                raise failure from None
            raise
        staged = StagedLoads(con, staging, loads)
        # Until here only scratch tables were written; the store's tables change in this one transaction.
        run(con, "BEGIN TRANSACTION")
        try:
            if loads:
                # one load at a time into a council (another command writing it is waited for, never met)
                con.lock_councils({load.la_code for load in loads if load.la_code}, on_wait or _say_waiting)
                _check_not_loaded_meanwhile(con, loads)
                if con.engine != "duckdb":
                    ledger.keep(con, loads)
                for name in staging.tables:
                    con.analyse(staging_name(name))
                surveys = pipeline.settle(staged, formats.values())
                _refuse_named_files_withdrawn(staged, named)
                pipeline.merge(staged)
                _record(con, staged, surveys)
                ledger.forget(con, [load.load_id for load, _ in staged.withdrawn]
                              + [load.load_id for load in loads if not load.records_loaded])  # fmt: skip
                councils = sorted({load.la_code for load in loads if load.la_code})
                summary.population_years_added = fill_population_from_comparators(con, councils)
            _pause_before_commit()
            run(con, "COMMIT")
            committed = True
            _analyse_after_commit(con, sorted(staging.tables) if loads else [])
        except BaseException as exc:
            with contextlib.suppress(*DATABASE_ERRORS):  # a lost connection has ended the transaction already
                run(con, "ROLLBACK")
            if (failure := machine_failure(exc)) is not None:
                raise failure from None
            if isinstance(exc, CscperfError | KeyboardInterrupt) or not isinstance(exc, Exception):
                raise
            if os.environ.get("CSCPERF_DEBUG"):  # for developers: the original error, with its traceback
                raise
            raise DataProblem(
                f"The files could not be merged into the store because of an unexpected problem in cscperf "
                f"({type(exc).__name__}). Nothing was loaded; the store is unchanged. Please report it with the "
                "cscperf version."
            ) from None
    finally:
        if not committed:  # what this command wrote into the ledger before its transaction
            staging.forget_in_ledger()
            with contextlib.suppress(*DATABASE_ERRORS):
                ledger.forget_outside_transaction(con, read)
        staging.close()
    summary.files.extend(FileSummary.of(load) for load in loads)
    summary.files.extend(FileSummary.withdrawn(load, reason) for load, reason in staged.withdrawn)
    summary.files.sort(key=lambda f: files.index(f.path) if f.path in files else 0)
    return summary


def _read_files(
    named: list[tuple[Path, bool]],
    staging: Staging,
    loads: list[FileLoad],
    summary: LoadSummary,
    loaded_before: dict[str, str],
    default_la: str | None,
    la_code: str | None,
    year: int | None,
    progress: Progress | None,
) -> dict[str, SourceFormat]:
    """Read every file into the staging database; the formats met, by kind. An SSD extract's last files may be
    read ahead by a second process (`read_ahead`)."""
    formats: dict[str, SourceFormat] = {}
    with read_ahead.reading_ahead(named, year, set(loaded_before)) as ahead:
        for number, (path, in_folder) in enumerate(named, start=1):
            if progress:
                progress(path.name, number, len(named))
            sha = content_sha256(path)
            if sha in loaded_before:
                summary.files.append(FileSummary.skipped(path, loaded_before[sha]))
                continue
            try:
                source_format = recognise(path)
            except UnreadableFile as exc:
                if not in_folder or _protected_or_damaged(path):
                    raise
                # A file found in a folder that is no format cscperf reads (a schema, a readme) is listed, not loaded.
                summary.files.append(FileSummary.not_recognised_file(path, exc.reason))
                continue
            formats[source_format.kind] = source_format
            load = FileLoad(path, source_format.kind, _new_load_id(), len(loads) + 1, staging, collection_year=year)
            load.details["content_sha256"] = sha
            _read_one(path, source_format, load, ahead.take(path, sha) if ahead is not None else None)
            settle_read_file(load, la_code, default_la, year)
            load.flush()
            loads.append(load)
            loaded_before[sha] = load.load_id
    return formats


def _read_one(path: Path, source_format: SourceFormat, load: FileLoad, ahead: read_ahead.FileRead | None) -> None:
    """One file read into its load (or what a second process read of it staged), a defect of cscperf's said
    without showing the data."""
    try:
        if ahead is None:
            source_format.read(path, load)
        else:
            read_ahead.stage(load, ahead)
    except (CscperfError, KeyboardInterrupt):
        raise
    except MACHINE_OR_STORE:
        raise  # the machine (a full disk while staging), explained by load_files
    except Exception as exc:  # a defect of cscperf's, not the data's: say so without showing the data
        if os.environ.get("CSCPERF_DEBUG"):
            raise
        raise UnreadableFile(
            path,
            f"could not be read because of an unexpected problem in cscperf ({type(exc).__name__}). Please "
            "report it with the cscperf version; the file itself is not shown.",
        ) from None


def _say_waiting(la_code: str) -> None:
    sys.stderr.write(
        f"cscperf: another command is loading council {la_code}'s files into this store; this load waits for it "
        "to finish (Ctrl-C stops this one, changing nothing).\n"
    )
    sys.stderr.flush()


def _check_not_loaded_meanwhile(con: Connection, loads: list[FileLoad]) -> None:
    """A file this command read may have been loaded by another command it waited for: then nothing is
    loaded (the other command's load stands), and running the command again skips what is already there."""
    loaded = _hashes_loaded(con)
    for load in loads:
        if load.details["content_sha256"] in loaded:
            raise DataProblem(
                f"{load.path.name} was loaded by another command while this one was reading it. Nothing was loaded "
                "by this one; run it again to load the files that are not in the store yet."
            )


def _refuse_named_files_withdrawn(staged: StagedLoads, named: list[tuple[Path, bool]]) -> None:
    """A file left out of the load (its year cannot be told, say) is listed when it was found in a folder;
    named on the command line, it stops the load with the reason, as any file that cannot be loaded does."""
    in_folder = dict(named)
    for load, reason in staged.withdrawn:
        if not in_folder.get(load.path, True):
            raise UnreadableFile(load.path, f"cannot be loaded: {reason}")


def _protected_or_damaged(path: Path) -> bool:
    """A file that looks like a return but cannot be opened (an encrypted workbook) is refused even inside a
    folder: skipping it would lose a return without anyone noticing."""
    with path.open("rb") as handle:
        return handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _analyse_after_commit(con: Connection, tables: list[str]) -> None:
    """Let the planner know the store tables' new rows (PostgreSQL), once the load is committed. `ANALYZE`
    holds a lock on the table that another `ANALYZE` waits for, until the transaction ends: run inside the
    load's transaction, it made a load into another council wait for this one to commit. The load is
    committed whatever happens here (the server's autovacuum analyses the tables later anyway)."""
    for name in tables:
        with contextlib.suppress(*DATABASE_ERRORS):
            con.analyse(name)


def _pause_before_commit() -> None:
    """For the tests of a load after it has written everything but before it commits: it waits the seconds
    given, or until the file named by CSCPERF_RESUME_WHEN exists, whichever is first."""
    seconds = os.environ.get("CSCPERF_PAUSE_BEFORE_COMMIT")
    if not seconds:
        return
    sys.stderr.write("cscperf: written, not yet committed\n")
    sys.stderr.flush()
    until = time.monotonic() + float(seconds)
    resume = os.environ.get("CSCPERF_RESUME_WHEN")
    while time.monotonic() < until and not (resume and os.path.exists(resume)):
        time.sleep(min(0.1, max(0.0, until - time.monotonic())))


def _only_council(con: Connection) -> str | None:
    rows = con.execute("SELECT DISTINCT la_code FROM cscperf_councils").fetchall()
    return str(rows[0][0]) if len(rows) == 1 else None


def _say_returns_loaded_before(con: Connection, loads: list[FileLoad]) -> None:
    """A CIN Census for a council and year already loaded is added to the earlier one: records it shares replace
    the earlier's, and the earlier's others stay (a corrected date makes a record of its own). Said as a warning
    with how to replace the earlier return instead (undo its load first)."""
    wanted = {(load.la_code, load.collection_year) for load in loads if load.kind == "cin_census" and load.la_code}
    if not wanted:
        return
    rows = con.execute(
        "SELECT la_code, collection_year, load_id FROM cscperf_loads WHERE load_kind = 'cin_census' "
        "AND load_status = 'complete' ORDER BY load_id"
    ).fetchall()
    earlier: dict[tuple[str, int], str] = {}
    for la, year, load_id in rows:
        if year is not None:
            earlier.setdefault((str(la), int(year)), str(load_id))
    for load in loads:
        if load.kind != "cin_census" or load.la_code is None or load.collection_year is None:
            continue
        before = earlier.get((load.la_code, load.collection_year))
        if before is None:
            continue
        year = load.collection_year
        load.flag(Problem(load.where(1), "return already loaded",
                          f"Council {load.la_code}'s {year - 1}-{year % 100:02d} CIN Census was loaded before (load "
                          f"{before}). This return is added to it: records the two share are replaced, and the "
                          "earlier return's other records are kept. If this is a corrected return, undo the earlier "
                          f"load first (cscperf unload {before}), then load this one.", "warning"))  # fmt: skip


def _hashes_loaded(con: Connection) -> dict[str, str]:
    rows = con.execute(
        "SELECT content_sha256, load_id FROM cscperf_loads "
        "WHERE load_status = 'complete' AND content_sha256 IS NOT NULL"
    ).fetchall()
    return {str(sha): str(load_id) for sha, load_id in rows}


def _new_load_id() -> str:
    now = dt.datetime.now(dt.UTC)
    return f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def _record(con: Connection, staged: StagedLoads, surveys: Surveys) -> None:
    """Rows for cscperf_loads, the problems into cscperf_load_rejects, each new council, and what each load
    covers (cscperf_coverage, which also sets a loaded council's data range)."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for load in staged.loads:
        for table, counts in load.counts.items():
            if counts.read != counts.loaded + counts.rejected:  # a bug, never the data's fault
                raise AssertionError(f"counts do not reconcile for {table} in {load.path.name}")
        run(
            con,
            "INSERT INTO cscperf_loads (la_code, load_id, load_kind, source_file, content_sha256, "
            "collection_year, loaded_at, cscperf_version, records_read, records_loaded, records_rejected, "
            "load_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load.la_code,
                load.load_id,
                load.kind,
                str(load.path),
                load.details["content_sha256"],
                load.collection_year,
                now,
                __version__,
                load.records_read,
                load.records_loaded,
                load.records_rejected,
                pipeline.status(load.records_loaded),
            ],
        )
    pipeline.record_problems(con, staged)
    run(
        con,
        f"""
        INSERT INTO cscperf_councils (la_code, la_name, region, data_source)
        SELECT DISTINCT l.la_code, NULL, NULL, 'loaded' FROM {LOADS_TABLE} l
        JOIN cscperf_loads x ON x.load_id = l.load_id AND x.load_status = 'complete'
        WHERE l.la_code NOT IN (SELECT la_code FROM cscperf_councils)
    """,
    )
    record_coverage(con, coverage_rows(staged.loads, surveys, dt.date.today()))


__all__ = ["files_named", "load_files", "staging_name"]
