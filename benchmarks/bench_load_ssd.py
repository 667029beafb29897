"""Benchmark: load a council's SSD extract (one CSV file per SSD table) and print MB/s, rows/s, peak memory and
the ratio to the floor.

The extract is the synthetic council's store (the default profile, 5 years), its SSD tables written as CSV
files the way a case system's extract writes them (a header row, ISO dates, no la_code column), into a
temporary folder (never the repository); `--copies N` repeats every row N times under new identifiers, for a
larger extract. The load runs in a fresh process into a fresh store. The floor is DuckDB's own CSV reader
reading the same files into Arrow (every field as text, nothing checked or kept) in the same process; the
load's time against it is the ratio (ratios within one run are what count on a shared machine). An extract of
16 MB or more has its last files read ahead by a second process (`read_ahead`), whose CPU time is counted with
the load's; `--one-process` loads it without (for comparison).

    python benchmarks/bench_load_ssd.py              # the synthetic council (about 45 MB of CSV)
    python benchmarks/bench_load_ssd.py --copies 3   # three times as many rows
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LA = "874"


def make_extract(folder: Path, copies: int) -> Path:
    """The synthetic council's SSD tables as CSV files in folder/extract."""
    import duckdb

    from cscperf.loading.ssd_extract import table_for_columns
    from cscperf.store.database import open_store
    from cscperf.store.schema import load_schema
    from cscperf.synth.council import simulate_council
    from cscperf.synth.profile import default_profile
    from cscperf.synth.writer import write_council

    store = folder / "synthetic.duckdb"
    con = open_store(store)
    write_council(con, simulate_council(default_profile(), 2019, 5), replace=False)
    con.close()
    out = folder / "extract"
    out.mkdir()
    con = duckdb.connect(str(store), read_only=True)
    for table in load_schema().tables:
        if table.origin != "ssd":
            continue
        columns = [c for c in table.column_names if c != "la_code"]
        found = table_for_columns(columns)
        if found is None or found.name != table.name:
            continue
        rows = con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0]
        if not rows:
            continue
        keys = set(table.primary_key) | {c for c in columns if c.endswith("_person_id")}
        copied = ", ".join(
            f"{c} || CASE WHEN n = 0 THEN '' ELSE '-' || n END AS {c}" if c in keys else c for c in columns
        )
        path = out / f"{table.name}.csv"
        con.execute(
            f"COPY (SELECT {copied} FROM {table.name}, range({copies}) r(n)) TO '{path}' "
            "(HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')"
        ).fetchall()
    con.close()
    return out


def load(extract: Path, one_process: bool = False) -> dict[str, Any]:
    import duckdb

    if one_process:
        from cscperf.loading import read_ahead

        read_ahead.AHEAD_FROM_BYTES = 2**62

    from cscperf.loading.session import load_files
    from cscperf.store.database import open_store

    files = sorted(extract.iterdir())
    floor_con = duckdb.connect()
    started, cpu_started = time.perf_counter(), time.process_time()
    for path in files:
        quoted = str(path).replace("'", "''")
        floor_con.sql(f"SELECT * FROM read_csv('{quoted}', all_varchar = true, header = true)").to_arrow_table()
    floor = time.perf_counter() - started
    floor_cpu = time.process_time() - cpu_started
    floor_con.close()
    store = extract.parent / "store.duckdb"
    for leftover in (store, store.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    con = open_store(store)
    started, cpu_started = time.perf_counter(), cpu_time()
    summary = load_files(con, [extract], la_code=LA)
    seconds = time.perf_counter() - started
    cpu = cpu_time() - cpu_started
    con.close()
    size = sum(p.stat().st_size for p in files)
    read = sum(f.read for f in summary.files)
    return {
        "files": len(files),
        "megabytes": round(size / 1e6, 1),
        "records_read": read,
        "records_rejected": sum(f.rejected for f in summary.files),
        "seconds": round(seconds, 2),
        "mb_per_second": round(size / 1e6 / seconds, 2),
        "rows_per_second": round(read / seconds),
        "floor_seconds (DuckDB read_csv, same files)": round(floor, 2),
        "floor_mb_per_second": round(size / 1e6 / floor, 1),
        "ratio_to_floor": round(seconds / floor, 1),
        "cpu_seconds (load / floor; all threads)": f"{cpu:.2f} / {floor_cpu:.2f}",
        "cpu_ratio_to_floor": round(cpu / floor_cpu, 1),
        "peak_memory_mb": peak_memory_mb(),
        "second_process_peak_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    }


def cpu_time() -> float:
    """This process's CPU time (every thread), and that of the processes it started and has waited for (the
    second process reading the extract's last files ahead, `read_ahead`)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def peak_memory_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1, help="each row this many times (new identifiers)")
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--extract", type=Path, help="load this extract folder (made by --make) instead of a new one")
    parser.add_argument("--one-process", action="store_true", help="no second process reading files ahead")
    parser.add_argument("--load-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make:
        print(make_extract(args.make, args.copies))
        return
    if args.load_only:
        print(json.dumps(load(args.load_only, args.one_process)))
        return
    one = ["--one-process"] if args.one_process else []
    with tempfile.TemporaryDirectory(prefix="cscperf-ssd-") as tmp:
        started = time.perf_counter()
        if args.extract:
            extract = args.extract
        else:
            made = subprocess.run(
                [sys.executable, __file__, "--make", tmp, "--copies", str(args.copies)],
                capture_output=True, text=True, check=True, cwd=ROOT,
            )  # fmt: skip
            extract = Path(made.stdout.strip().splitlines()[-1])
        written = time.perf_counter() - started
        result = subprocess.run(
            [sys.executable, __file__, "--load-only", str(extract), *one], capture_output=True, text=True, check=True
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"SSD extract load benchmark: the synthetic council x {args.copies}; made in {written:.0f} s")
    for key, value in figures.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
