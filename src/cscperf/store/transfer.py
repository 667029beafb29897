"""Carry a store's contents from one database to another: `cscperf db export` writes every table to a
folder of Parquet files with a manifest; `cscperf db import` reads such a folder into a new, empty store.

This is how a council moves its store from a laptop (DuckDB) to a server (PostgreSQL) or back, how a DuckDB
store crosses a major version of DuckDB (export with the old, import with the new), and a portable backup.
An import is one transaction: the store receives everything or nothing. An export from an earlier schema
version can be imported when the changes since were only additions (new columns stay empty).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from cscperf import __version__
from cscperf.errors import DataProblem, UsageProblem
from cscperf.store.connection import Connection
from cscperf.store.database import INFO_TABLE, read_info, record_info
from cscperf.store.ledger_transfer import duckdb_export_sql, duckdb_import
from cscperf.store.schema import Table, ledger_tables, load_schema
from cscperf.store.statements import scalar

MANIFEST = "cscperf-export.json"
FORMAT = 1
ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "BLOB": pa.binary(),
    "JSON": pa.string(),
}
NOT_CARRIED = {INFO_TABLE, "cscperf_calendar"}  # the receiving store has its own (the calendar is made again)

Progress = Callable[[str, int], None]


@dataclass
class Transfer:
    """Rows carried, by table."""

    rows: dict[str, int] = field(default_factory=dict)
    schema_version: int = 0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in table.all_columns])


def export_store(con: Connection, folder: Path, progress: Progress | None = None) -> Transfer:
    """Write every table of the store to `folder` (which must be new or empty), whole or not at all."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageProblem(f"{folder} must be a new or empty folder.")
    info = read_info(con)
    partial = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(parents=True)
        done = _write_export(con, partial, info.schema_version, info.facts, progress)
        if folder.exists():
            folder.rmdir()  # new or empty, as checked
        partial.rename(folder)
    except OSError as exc:
        raise DataProblem(
            f"The export could not be written to {folder}: {exc.strerror or exc}. Nothing was left."
        ) from None
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return done


def _write_export(
    con: Connection, folder: Path, version: int, facts: dict[str, str], progress: Progress | None
) -> Transfer:
    done = Transfer(schema_version=version)
    schema = load_schema()
    ledger = ledger_tables(schema)  # in a PostgreSQL store's form, whichever engine (ledger_transfer.py)
    for table in schema.tables_for(con.engine) + (ledger if con.engine == "duckdb" else []):
        if table.name in NOT_CARRIED:
            continue
        arrow = arrow_schema(table)
        sql: str | None = f"SELECT {', '.join(table.column_names)} FROM {table.name}"
        if con.engine == "duckdb" and table in ledger:
            sql = duckdb_export_sql(con, table)
        written = 0
        with pq.ParquetWriter(folder / f"{table.name}.parquet", arrow, compression="zstd") as writer:
            for batch in con.read_batches(sql, arrow) if sql else []:
                writer.write_batch(batch)
                written += batch.num_rows
        done.rows[table.name] = written
        if progress:
            progress(table.name, written)
    manifest = {
        "format": FORMAT,
        "schema_version": version,
        "exported_by": f"cscperf {__version__}",
        "exported_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "from_engine": con.engine,
        "store_facts": facts,
        "tables": done.rows,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return done


def import_store(con: Connection, folder: Path, progress: Progress | None = None) -> Transfer:
    """Read an export into `con`, a store that holds nothing yet; all or nothing."""
    manifest = _manifest(folder)
    schema = load_schema()
    version = manifest.schema_version
    if version > schema.version:
        raise DataProblem(
            f"{folder} was exported from a store of schema version {version}, newer than this cscperf's "
            f"({schema.version}). Import it with that cscperf or a later one."
        )
    if scalar(con, "SELECT (SELECT count(*) FROM cscperf_councils) + (SELECT count(*) FROM cscperf_loads) "
                   "+ (SELECT count(*) FROM cscperf_benchmark_values)"):  # fmt: skip
        raise UsageProblem("The store to import into already holds data; import into a new store (a new file or "
                           "an empty database).")  # fmt: skip
    tables = {t.name: t for t in schema.tables_for(con.engine)}
    ledger = {t.name: t for t in ledger_tables(schema)} if con.engine == "duckdb" else {}
    done = Transfer(schema_version=version)
    with con.transaction():
        for name, expected in manifest.tables.items():
            if name in NOT_CARRIED:
                continue
            if name in ledger:
                done.rows[name] = _import_table(con, folder, ledger[name], expected, duckdb_import)
                continue
            if name not in tables:
                if name in schema.table_names:  # PostgreSQL's access list, into a DuckDB store
                    continue
                raise DataProblem(f"{folder} holds a table this cscperf does not know ({name}). Nothing was imported.")
            done.rows[name] = _import_table(con, folder, tables[name], expected)
            if progress:
                progress(name, done.rows[name])
        now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        record_info(con, {"imported_from": manifest.source, "imported_at": now})
    if con.engine == "postgresql":
        con.execute_as_written("ANALYZE").fetchall()
    return done


def _import_table(
    con: Connection,
    folder: Path,
    table: Table,
    expected: int,
    append: Callable[[Connection, Table, pa.Table], int] | None = None,
) -> int:
    path = folder / f"{table.name}.parquet"
    if not path.is_file():
        raise DataProblem(f"{folder} is not a whole export: {path.name} is missing. Nothing was imported.")
    parquet = pq.ParquetFile(path)
    unknown = [c for c in parquet.schema_arrow.names if c not in table.column_names]
    if unknown:
        raise DataProblem(
            f"{path.name} has columns this cscperf's {table.name} does not ({', '.join(unknown)}). Nothing was "
            "imported."
        )
    written = 0
    for batch in parquet.iter_batches(batch_size=100_000):
        data = pa.Table.from_batches([batch])
        written += append(con, table, data) if append else con.append(table.name, data)
    if written != expected:
        raise DataProblem(f"{path.name} holds {written:,} rows but the manifest says {expected:,}. Nothing was "
                          "imported.")  # fmt: skip
    return written


@dataclass(frozen=True)
class Manifest:
    schema_version: int
    tables: dict[str, int]
    source: str


def _manifest(folder: Path) -> Manifest:
    path = folder / MANIFEST
    if not path.is_file():
        raise UsageProblem(f"{folder} is not a cscperf export (it has no {MANIFEST}).")
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise DataProblem(f"{path} could not be read: {exc}.") from None
    tables = found.get("tables") if isinstance(found, dict) else None
    version = found.get("schema_version") if isinstance(found, dict) else None
    if (
        not isinstance(found, dict)
        or found.get("format") != FORMAT
        or not isinstance(version, int)
        or not isinstance(tables, dict)
        or not all(isinstance(k, str) and isinstance(v, int) for k, v in tables.items())
    ):
        raise DataProblem(f"{path} is not a manifest this cscperf reads.")
    source = f"{found.get('from_engine')} store exported by {found.get('exported_by')} at {found.get('exported_at')}"
    return Manifest(version, tables, source)
