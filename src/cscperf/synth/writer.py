"""Write synthetic councils into the store, one transaction per council."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from cscperf import __version__
from cscperf.errors import UsageProblem
from cscperf.store.connection import Connection
from cscperf.store.schema import load_schema
from cscperf.store.statements import run, scalar
from cscperf.synth.council import SyntheticCouncil


def council_exists(con: Connection, la_code: str) -> bool:
    return bool(scalar(con, "SELECT count(*) > 0 FROM cscperf_councils WHERE la_code = ?", [la_code]))


def write_council(con: Connection, council: SyntheticCouncil, *, replace: bool) -> None:
    """Write one council's tables atomically; with `replace`, its earlier data is removed first."""
    schema = load_schema()
    run(con, "BEGIN TRANSACTION")
    try:
        con.lock_councils([council.la_code])  # on a shared store, after any other command writing the council
        if council_exists(con, council.la_code) and not replace:
            raise UsageProblem(
                f"The store already holds council {council.la_code}. Use --replace to generate it again, "
                "or choose another --db."
            )
        if replace:
            for table in schema.tables_for(con.engine):
                if table.per_council:
                    run(con, f"DELETE FROM {table.name} WHERE la_code = ?", [council.la_code])
        for name, data in council.tables.items():
            codes = pa.array([council.la_code] * data.num_rows, pa.string())
            con.append(name, data.add_column(0, "la_code", codes))
            con.analyse(name)
        run(
            con,
            "INSERT INTO cscperf_councils (la_code, la_name, region, data_source, synth_seed, synth_profile, "
            "data_start_date, data_end_date) VALUES (?, ?, ?, 'synthetic', ?, ?, ?, ?)",
            [
                council.la_code,
                council.la_name,
                council.region,
                council.seed,
                council.profile_name,
                council.start,
                council.end,
            ],
        )
        total = sum(council.row_counts.values())
        load_id = f"synth-{council.la_code}-{council.seed}"
        _record_coverage(con, council, load_id)
        run(
            con,
            "INSERT INTO cscperf_loads (la_code, load_id, load_kind, source_file, content_sha256, collection_year,"
            " loaded_at, cscperf_version, records_read, records_loaded, records_rejected, load_status)"
            " VALUES (?, ?, 'synthetic', ?, ?, NULL, ?, ?, ?, ?, 0, 'complete')",
            [
                council.la_code,
                load_id,
                f"profile: {council.profile_name}",
                council.profile_sha256,
                dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0),
                f"cscperf {__version__}",
                total,
                total,
            ],
        )
        run(con, "COMMIT")
    except BaseException:
        run(con, "ROLLBACK")
        raise


def _record_coverage(con: Connection, council: SyntheticCouncil, load_id: str) -> None:
    """A synthetic council holds every table it was given for its whole run (cscperf_coverage), with the
    fields the simulation filled."""
    for name, data in sorted(council.tables.items()):
        if name == "cscperf_population":
            continue
        given = (
            ",".join(c for c in data.column_names if data.column(c).null_count < data.num_rows)
            if data.num_rows
            else None  # nothing happened, but the case system would have recorded it
        )
        run(
            con,
            "INSERT INTO cscperf_coverage (la_code, load_id, table_name, covers_from, covers_to, records, "
            "fields_given) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [council.la_code, load_id, name, council.start, council.end, data.num_rows, given],
        )
