"""Benchmark: every managers' list as at a date, for one council and for 153 (aims: under 2 s and under 60 s).

Uses the stores the generation benchmark writes (benchmarks/output/one.duckdb and national.duckdb) and makes
them first if they are missing. Each run is a fresh process; it prints seconds, rows and peak memory, the
ratio of the time to its aim, and the CPU time (DuckDB works on two threads; on a busy machine the CPU time
says more than the clock). Also times one council asked for from the national store, as the web service
asks, and the lists with a since date (two dates at once).

    python benchmarks/bench_lists.py                   # both
    python benchmarks/bench_lists.py --only national
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"
AS_AT = dt.date(2026, 10, 31)
AIMS = {"one": 2.0, "national": 60.0, "one_of_national": 2.0}


def run_scenario(name: str) -> dict[str, object]:
    from cscperf.lists.engine import compute_lists_for_councils
    from cscperf.store.database import open_store

    store = "national" if name == "one_of_national" else name
    con = open_store(OUTPUT / f"{store}.duckdb", read_only=True)
    codes = [r[0] for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()]
    if name == "one_of_national":
        codes = codes[len(codes) // 2 : len(codes) // 2 + 1]  # a mid-sized council, as the web service asks
    started, cpu = time.perf_counter(), time.process_time()
    lists = compute_lists_for_councils(con, codes, AS_AT)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    compute_lists_for_councils(con, codes, AS_AT, since=AS_AT - dt.timedelta(days=7))
    with_since = time.perf_counter() - started
    con.close()
    rows = sum(len(r.rows) for x in lists.values() for r in x.results)
    return {
        "scenario": name, "councils": len(codes), "lists": len(next(iter(lists.values())).results), "rows": rows,
        "seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2), "with_since_seconds": round(with_since, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("one", "national", "both"), default="both")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario)))
        return
    stores = ("one", "national") if args.only == "both" else (args.only,)
    for store in stores:
        if not (OUTPUT / f"{store}.duckdb").exists():
            print(f"making the {store} store first (benchmarks/bench_synth.py --only {store}) ...", flush=True)
            subprocess.run([sys.executable, str(HERE / "bench_synth.py"), "--only", store], check=True)
    scenarios = [s for s in ("one", "national", "one_of_national") if (s.split("_")[-1] if "_" in s else s) in stores]
    for name in scenarios:
        out = subprocess.run([sys.executable, __file__, "--scenario", name], check=True, capture_output=True,
                             text=True)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        aim = AIMS[name]
        what = "one council of the national store" if name == "one_of_national" else f"{r['councils']} council(s)"
        print(
            f"== lists, {what}: {r['lists']} lists, {r['rows']:,} rows in {r['seconds']} s "
            f"(aim {aim:g} s: {r['seconds'] / aim:.0%} of it; CPU {r['cpu_seconds']} s over 2 threads); "
            f"with a since date {r['with_since_seconds']} s; "
            f"peak memory {r['peak_rss_mb']} MB"
        )


if __name__ == "__main__":
    main()
