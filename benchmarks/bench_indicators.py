"""Benchmark: the whole indicator library, monthly for 5 years (60 months), for one council and for 153.

Uses the stores the generation benchmark writes (benchmarks/output/one.duckdb and national.duckdb) and makes
them first if they are missing. Prints seconds, CPU seconds (the steadier figure on a shared machine), peak
memory and the load average at the end for each run; each run is a fresh process.

    python benchmarks/bench_indicators.py                # both
    python benchmarks/bench_indicators.py --only one
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"
AS_AT = dt.date(2026, 10, 31)


def run_scenario(name: str, months: int) -> dict[str, object]:
    from cscperf.indicators.engine import compute
    from cscperf.indicators.series import series_periods
    from cscperf.store.database import open_store

    db = OUTPUT / f"{name}.duckdb"
    con = open_store(db, read_only=True)
    councils = con.execute("SELECT count(*) FROM cscperf_councils").fetchall()[0][0]
    periods = series_periods(AS_AT, months)
    started, cpu_started = time.perf_counter(), time.process_time()
    results = compute(con, periods)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    con.close()
    points = sum(len(r.points) for r in results)
    return {
        "scenario": name,
        "councils": councils,
        "indicators": len(results),
        "months": months,
        "figures": points,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "load_average": round(os.getloadavg()[0], 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("one", "national", "both"), default="both")
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario, args.months)))
        return
    for name in ("one", "national") if args.only == "both" else (args.only,):
        if not (OUTPUT / f"{name}.duckdb").exists():
            print(f"making the {name} store first (benchmarks/bench_synth.py --only {name}) ...", flush=True)
            subprocess.run([sys.executable, str(HERE / "bench_synth.py"), "--only", name], check=True)
        out = subprocess.run([sys.executable, __file__, "--scenario", name, "--months", str(args.months)],
                             check=True, capture_output=True, text=True)  # fmt: skip
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"== indicators, {r['scenario']}: {r['councils']} council(s), {r['indicators']} indicators x "
            f"{r['months']} months = {r['figures']:,} figures in {r['seconds']} s (CPU {r['cpu_seconds']} s, both "
            f"threads), peak memory {r['peak_rss_mb']} MB, load average {r['load_average']}"
        )


if __name__ == "__main__":
    main()
