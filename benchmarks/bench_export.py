"""Benchmark: write each return from the store, and the CIN Census of a council the size of a 100 MB return.

- Each return for the synthetic council (about 4,900 children in need a year, 540 looked after): Annex A, the
  CIN Census, the SSDA903 as CSV and as XML, timed without the DfE rules (they run in their own environment
  and are timed apart, once, for information). Target: under 5 s each.
- The CIN Census of a large council: the synthetic council's CIN tables copied under new ids until its census
  is about 100 MB (about 150,000 children), and one ten times smaller, each written in a fresh process; the
  time and the process's peak memory (ru_maxrss) show the writing is streamed. Target: under 30 s, memory
  flat in the number of children.

Stores and files go to a temporary folder, never the repository.

    python benchmarks/bench_export.py              # all of it
    python benchmarks/bench_export.py --copies 5   # a smaller large council, quicker
    python benchmarks/bench_export.py --rules      # also time the DfE rules (minutes)
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
YEAR = 2025
AS_AT = "2026-10-31"
CIN_TABLES = (
    "ssd_person",
    "ssd_linked_identifiers",
    "ssd_disability",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_assessment_factors",
    "ssd_cin_plans",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cp_plans",
    "ssd_cp_reviews",
    "cscperf_cp_plan_previous",
)


def synthetic_store(folder: Path) -> Path:
    from cscperf.store.database import open_store
    from cscperf.synth.council import simulate_council
    from cscperf.synth.profile import default_profile
    from cscperf.synth.writer import write_council

    store = folder / "synthetic.duckdb"
    if not store.exists():
        con = open_store(store)
        write_council(con, simulate_council(default_profile(), 2019, 5), replace=False)
        con.close()
    return store


def large_store(folder: Path, source: Path, copies: int) -> Path:
    """The synthetic council's CIN tables `copies` times, every identifier suffixed with the copy's number."""
    import duckdb

    from cscperf.store.database import open_store

    path = folder / f"large_{copies}.duckdb"
    if path.exists():
        return path
    con = open_store(path)
    con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
    con.execute("INSERT INTO cscperf_councils SELECT * FROM src.cscperf_councils")
    for table in CIN_TABLES:
        columns = con.execute(f"SELECT * FROM src.{table} LIMIT 0").description
        names = [c[0] for c in columns]
        select = ", ".join(
            f"{n} || '-' || CAST(k.range AS VARCHAR)" if n.endswith("_id") and n != "la_code" else n for n in names
        )
        con.execute(
            f"INSERT INTO {table} ({', '.join(names)}) SELECT {select} FROM src.{table} CROSS JOIN range({copies}) k"
        )
    con.execute("DETACH src")
    con.close()
    del duckdb
    return path


def run(kind: str, store: Path, out: Path, rules: bool) -> dict[str, Any]:
    """One export in this process (called in a fresh child process)."""
    import datetime as dt

    from cscperf.returns import return_format
    from cscperf.returns.base import CheckRequest, ExportRequest
    from cscperf.store.database import open_store

    con = open_store(store, read_only=True)
    name, fmt = {
        "annex-a": ("annex-a", ""),
        "cin-census": ("cin-census", ""),
        "ssda903-csv": ("ssda903", "csv"),
        "ssda903-xml": ("ssda903", "xml"),
    }[kind]
    request = ExportRequest(con, LA, out, year=YEAR, as_at=dt.date.fromisoformat(AS_AT), file_format=fmt)
    started, cpu = time.perf_counter(), _cpu()
    result = return_format(name).export(request)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    con.close()
    checked = None
    if rules:
        started = time.perf_counter()
        return_format(name).check(CheckRequest(result.paths, year=YEAR))
        checked = time.perf_counter() - started
    size = sum(p.stat().st_size for p in result.paths)
    return {
        "kind": kind,
        "seconds": seconds,
        "cpu": cpu,
        "records": sum(result.counts.values()),
        "children": result.counts.get("children", 0),
        "mb": size / 2**20,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "check_seconds": checked,
    }


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def in_child(kind: str, store: Path, out: Path, rules: bool = False) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, str(store), str(out)] + (["--rules"] if rules else [])
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=31, help="copies of the council for the large census")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "STORE", "OUT"))
    parser.add_argument("--rules", action="store_true", help="also time the DfE rules (slow: minutes)")
    args = parser.parse_args()
    if args.child:
        kind, store, out = args.child
        print(json.dumps(run(kind, Path(store), Path(out), args.rules)))
        return
    with tempfile.TemporaryDirectory(prefix="cscperf-bench-export-") as scratch:
        folder = Path(scratch)
        store = synthetic_store(folder)
        print("Each return for the synthetic council (target under 5 s):")
        print(f"  {'return':<13} {'seconds':>8} {'CPU s':>6} {'records':>9} {'MB':>6} {'peak MB':>8} {'aim/time':>8}")
        outs = {"annex-a": "annex_a.xlsx", "cin-census": "cin.xml", "ssda903-csv": "903csv", "ssda903-xml": "903xml"}
        for kind, name in outs.items():
            r = in_child(kind, store, folder / name)
            print(
                f"  {kind:<13} {r['seconds']:>8.2f} {r['cpu']:>6.2f} {r['records']:>9,} {r['mb']:>6.1f} "
                f"{r['peak_mb']:>8.0f} {5 / r['seconds']:>7.1f}x"
            )
        from cscperf.returns import dfe_rules

        if args.rules and dfe_rules.available():
            for kind, name in (("cin-census", "cin.xml"), ("ssda903-csv", "903csv")):
                r = in_child(kind, store, folder / name, rules=True)
                print(f"  (the DfE rules on the {kind}: {r['check_seconds']:.1f} s, in the validators' environment)")
        print("The CIN Census of a large council (target under 30 s, memory flat):")
        columns = ("copies", "children", "seconds", "CPU s", "MB", "MB/s", "peak MB", "aim/time")
        print("  " + " ".join(f"{c:>{w}}" for c, w in zip(columns, (6, 9, 8, 6, 6, 6, 8, 8), strict=True)))
        for copies in sorted({max(1, args.copies // 10), args.copies}):
            big = large_store(folder, store, copies)
            r = in_child("cin-census", big, folder / f"cin_{copies}.xml")
            children = r["children"]
            print(
                f"  {copies:>6} {children:>9,} {r['seconds']:>8.1f} {r['cpu']:>6.1f} {r['mb']:>6.0f} "
                f"{r['mb'] / r['seconds']:>6.1f} {r['peak_mb']:>8.0f} {30 / r['seconds']:>7.1f}x"
            )
        print("  (records = children and their referrals, assessments, plans and enquiries written;")
        print("   aim/time = the aim's seconds over the time taken: above 1x is within the aim)")
        print(f"Load average (1, 5, 15 min) at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
