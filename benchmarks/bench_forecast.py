"""Benchmark: the forecast (children in care 36 months ahead with 1,000 simulated futures, placement spend, social
workers needed, and the two backtests) for one council, and for every council of the national store.

Uses the stores the generation benchmark writes (benchmarks/output/one.duckdb and national.duckdb) and makes them
first if they are missing. Each run is a fresh process; the national run forecasts the councils in `--jobs`
processes (each opening the store read-only) and prints the total, the slowest council and peak memory.

    python benchmarks/bench_forecast.py                       # both
    python benchmarks/bench_forecast.py --only one --scenarios
    python benchmarks/bench_forecast.py --only national --jobs 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "output"
AS_AT = dt.date(2026, 10, 31)


def _forecast_councils(db: str, codes: list[str], with_scenarios: bool) -> list[tuple[str, float, bool, float]]:
    """Forecast each council in turn: (code, seconds, available, CPU seconds)."""
    from cscperf.analysis.forecast import ForecastConfig, Scenario, build_forecast
    from cscperf.store.database import open_store

    scenarios = (
        (Scenario(name="Fewer", entry_rate_change=-10), Scenario(name="Step down", residential_to_fostering=20))
        if with_scenarios
        else ()
    )
    con = open_store(db, read_only=True)
    out = []
    try:
        for code in codes:
            started, cpu = time.perf_counter(), time.process_time()
            result = build_forecast(con, code, AS_AT, ForecastConfig(), scenarios=scenarios)
            out.append((code, time.perf_counter() - started, result.available, time.process_time() - cpu))
    finally:
        con.close()
    return out


def run_scenario(name: str, jobs: int, with_scenarios: bool) -> dict[str, object]:
    from cscperf.store.database import open_store

    db = OUTPUT / f"{name}.duckdb"
    con = open_store(db, read_only=True)
    codes = [str(r[0]) for r in con.execute("SELECT la_code FROM cscperf_councils ORDER BY la_code").fetchall()]
    looked_after = con.execute(
        "SELECT COUNT(DISTINCT la_code || clae_person_id) FROM ssd_cla_episodes WHERE clae_cla_episode_start_date <= ? "
        "AND (clae_cla_episode_ceased_date IS NULL OR clae_cla_episode_ceased_date > ?)",
        [AS_AT, AS_AT],
    ).fetchall()[0][0]
    con.close()
    started = time.perf_counter()
    if jobs > 1 and len(codes) > 1:
        shares = [codes[i::jobs] for i in range(jobs)]
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            parts = list(pool.map(_forecast_councils, [str(db)] * jobs, shares, [with_scenarios] * jobs))
        timings = [t for part in parts for t in part]
    else:
        timings = _forecast_councils(str(db), codes, with_scenarios)
    seconds = time.perf_counter() - started
    slowest = max(timings, key=lambda t: t[1])
    return {
        "scenario": name,
        "councils": len(codes),
        "looked_after": looked_after,
        "available": sum(1 for t in timings if t[2]),
        "jobs": jobs,
        "with_scenarios": with_scenarios,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(sum(t[3] for t in timings), 1),
        "slowest_council": slowest[0],
        "slowest_seconds": round(slowest[1], 2),
        "median_seconds": round(sorted(t[1] for t in timings)[len(timings) // 2], 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("one", "national", "both"), default="both")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the national run")
    parser.add_argument("--scenarios", action="store_true", help="also run two scenarios per council")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        print(json.dumps(run_scenario(args.scenario, args.jobs, args.scenarios)))
        return
    for name in ("one", "national") if args.only == "both" else (args.only,):
        if not (OUTPUT / f"{name}.duckdb").exists():
            print(f"making the {name} store first (benchmarks/bench_synth.py --only {name}) ...", flush=True)
            subprocess.run([sys.executable, str(HERE / "bench_synth.py"), "--only", name], check=True)
        jobs = 1 if name == "one" else args.jobs
        command = [sys.executable, __file__, "--scenario", name, "--jobs", str(jobs)]
        out = subprocess.run(
            [*command, *(["--scenarios"] if args.scenarios else [])], check=True, capture_output=True, text=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        extra = " with two scenarios each" if r["with_scenarios"] else ""
        print(
            f"== forecast, {r['scenario']}: {r['councils']} council(s) ({r['looked_after']:,} children looked after, "
            f"{r['available']} forecast){extra} in {r['seconds']} s on {r['jobs']} process(es) "
            f"({r['cpu_seconds']} s of CPU, load average {r['load']}); median council "
            f"{r['median_seconds']} s, slowest {r['slowest_council']} {r['slowest_seconds']} s; peak memory "
            f"{r['peak_rss_mb']} MB (workers {r['peak_rss_worker_mb']} MB)"
        )


if __name__ == "__main__":
    main()
