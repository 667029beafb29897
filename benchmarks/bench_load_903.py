"""Benchmark: load a national-scale SSDA903 return (CSV tables) and print MB/s, rows/s and peak memory.

England has about 84,000 children looked after at 31 March and about 110,000 in a year. The benchmark writes
a synthetic 903 return of that size (header, episodes, reviews, missing, OC2) into a temporary folder (never
the repository), then loads it into a fresh store in a separate process, so the peak memory is the load's
own. `--scale 0.1` makes a set 10 times smaller, to compare the memory. The floor is DuckDB's own CSV reader
reading the same files into Arrow (every field as text) in the same process; the load's time against it is
printed as a ratio (ratios within one run are what count on a shared machine).

    python benchmarks/bench_load_903.py                 # national scale (110,000 children)
    python benchmarks/bench_load_903.py --scale 0.1     # 11,000 children
    python benchmarks/bench_load_903.py --years 2       # two consecutive returns, stitched
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cscperf.loading.ssda903_tables import TABLE_COLUMNS

EPISODE_COLUMNS = TABLE_COLUMNS["episodes"]
PLACES = ("U4", "U5", "U6", "U1", "U3", "K2", "P1", "K3", "R1")
LEGAL = ("C2", "C1", "V2", "E1", "L1")
ETHNIC = ("WBRI", "WOTH", "MWBC", "AIND", "BAFR", "OOTH")


def uk(day: dt.date | None) -> str:
    return "" if day is None else day.strftime("%d/%m/%Y")


def write_returns(folder: Path, children: int, years: int, seed: int = 903) -> dict[str, int]:
    """One care history per child over `years` + 3 years, cut into annual 903 returns (years ending 31 March
    2025, 2026, ...): each return holds the children looked after at any time in its year."""
    rng = random.Random(seed)
    first_year = 2025
    window_start = dt.date(first_year - 1, 4, 1)
    histories: list[tuple[str, dt.date, str, str, list[tuple[dt.date, dt.date | None, str, str, str, str]]]] = []
    for n in range(children):
        child = f"C{n:07d}"
        born = window_start - dt.timedelta(days=rng.randint(30, 17 * 365))
        start = window_start - dt.timedelta(days=rng.randint(-300, 4 * 365))
        start = max(start, born)
        episodes = []
        day, rne = start, "S"
        legal = rng.choice(LEGAL)
        place = rng.choice(PLACES)
        leave = start + dt.timedelta(days=int(rng.expovariate(1 / 900)) + 1)
        if leave < window_start:  # everyone generated is looked after in the first year
            leave = window_start + dt.timedelta(days=int(rng.expovariate(1 / 900)))
        while True:
            nxt = day + dt.timedelta(days=int(rng.expovariate(1 / 400)) + 1)
            end, rec = (nxt, "X1") if nxt < leave else (leave, rng.choice(("E4A", "E11", "E45", "E8", "E17")))
            episodes.append((day, end, rne, legal, place, rng.choice(("PR1", "PR4"))))
            if rec != "X1":
                break
            day = end
            if rng.random() < 0.3:
                rne, legal = "L", rng.choice(LEGAL)
            else:
                rne, place = "P", rng.choice(PLACES)
        histories.append(
            (child, born, rng.choice(("M", "F")), rng.choice(ETHNIC), [(*e[:2], *e[2:]) for e in episodes])
        )
    rows: dict[str, int] = {}
    for offset in range(years):
        year = first_year + offset
        y_start, y_end = dt.date(year - 1, 4, 1), dt.date(year, 3, 31)
        out = folder / f"{year - 1}-{str(year)[2:]}"
        out.mkdir(parents=True)
        with (
            (out / "header.csv").open("w", newline="") as h,
            (out / "episodes.csv").open("w", newline="") as e,
            (out / "reviews.csv").open("w", newline="") as r,
            (out / "missing.csv").open("w", newline="") as m,
            (out / "oc2.csv").open("w", newline="") as o,
        ):
            writers = {
                name: csv.writer(f)
                for name, f in (("header", h), ("episodes", e), ("reviews", r), ("missing", m), ("oc2", o))
            }
            writers["header"].writerow(["CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"])
            writers["episodes"].writerow(EPISODE_COLUMNS)
            writers["reviews"].writerow(["CHILD", "DOB", "REVIEW", "REVIEW_CODE"])
            writers["missing"].writerow(["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"])
            writers["oc2"].writerow(
                [
                    "CHILD",
                    "DOB",
                    "SDQ_SCORE",
                    "SDQ_REASON",
                    "CONVICTED",
                    "HEALTH_CHECK",
                    "IMMUNISATIONS",
                    "TEETH_CHECK",
                    "HEALTH_ASSESSMENT",
                    "SUBSTANCE_MISUSE",
                    "INTERVENTION_RECEIVED",
                    "INTERVENTION_OFFERED",
                ]
            )
            for child, born, sex, ethnic, episodes in histories:
                shown = [ep for ep in episodes if ep[0] <= y_end and ep[1] >= y_start]
                if not shown:
                    continue
                rows["header"] = rows.get("header", 0) + 1
                writers["header"].writerow([child, sex, uk(born), ethnic, "", "", ""])
                for decom, dec, rne, legal, place, provider in shown:
                    closed = dec <= y_end
                    rec = "X1" if closed and dec != episodes[-1][1] else ("E4A" if closed else "")
                    writers["episodes"].writerow(
                        [
                            child,
                            uk(decom),
                            rne,
                            legal,
                            "N1",
                            place,
                            provider,
                            uk(dec) if closed else "",
                            rec,
                            "CARPL" if closed and rec == "X1" else "",
                            "",
                            "",
                            "",
                        ]
                    )
                    rows["episodes"] = rows.get("episodes", 0) + 1
                care_start, care_end = episodes[0][0], episodes[-1][1]
                review = care_start + dt.timedelta(days=28)
                while review <= min(care_end, y_end):
                    if review >= y_start:
                        writers["reviews"].writerow([child, uk(born), uk(review), "PN1"])
                        rows["reviews"] = rows.get("reviews", 0) + 1
                    review += dt.timedelta(days=182)
                if rng.random() < 0.1:
                    for _ in range(rng.randint(1, 3)):
                        went = y_start + dt.timedelta(days=rng.randint(0, 360))
                        writers["missing"].writerow([child, uk(born), "M", uk(went), uk(went + dt.timedelta(days=2))])
                        rows["missing"] = rows.get("missing", 0) + 1
                if care_start <= dt.date(year - 1, 4, 1) and care_end > y_end:
                    writers["oc2"].writerow([child, uk(born), "14", "", "0", "", "1", "1", "1", "0", "", ""])
                    rows["oc2"] = rows.get("oc2", 0) + 1
    return rows


def csv_floor(paths: list[Path]) -> float:
    """The floor: DuckDB's own CSV reader reading the same files, every field as text, into Arrow tables
    (in an in-memory database, nothing checked or kept): what the machine allows."""
    import duckdb

    con = duckdb.connect()
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        quoted = str(path).replace("'", "''")
        con.sql(f"SELECT * FROM read_csv('{quoted}', all_varchar = true, header = true)").to_arrow_table()
    seconds = time.perf_counter() - started
    FLOOR_CPU.append(time.process_time() - cpu)
    con.close()
    return seconds


FLOOR_CPU: list[float] = []  # the floor's CPU time (every thread of the process), beside its wall time


def load(folder: Path) -> dict[str, object]:
    from cscperf.loading.session import load_files
    from cscperf.store.database import open_store

    store = folder / "store.duckdb"
    con = open_store(store)
    paths = sorted(p for p in folder.iterdir() if p.is_dir())
    floor = csv_floor(sorted(f for d in paths for f in d.iterdir()))
    started, cpu_started = time.perf_counter(), time.process_time()
    summary = load_files(con, paths, la_code="873")
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    episodes = con.execute("SELECT count(*) FROM ssd_cla_episodes").fetchone()
    con.close()
    size = sum(p.stat().st_size for d in paths for p in d.iterdir())
    read = sum(f.read for f in summary.files)
    repairs: dict[str, int] = {}
    for f in summary.files:
        for rule, n in f.details.get("repairs", {}).items():
            repairs[rule] = repairs.get(rule, 0) + n
    return {
        "files": len(summary.files),
        "megabytes": round(size / 1e6, 1),
        "records_read": read,
        "records_rejected": sum(f.rejected for f in summary.files),
        "episodes_in_store": episodes[0] if episodes else 0,
        "repairs": repairs,
        "seconds": round(seconds, 2),
        "mb_per_second": round(size / 1e6 / seconds, 2),
        "floor_seconds (DuckDB read_csv, same files)": round(floor, 2),
        "floor_mb_per_second": round(size / 1e6 / floor, 1),
        "ratio_to_floor": round(seconds / floor, 1),
        "cpu_seconds (load / floor; all threads)": f"{cpu:.2f} / {FLOOR_CPU[-1]:.2f}",
        "cpu_ratio_to_floor": round(cpu / FLOOR_CPU[-1], 1),
        "rows_per_second": round(read / seconds),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 110,000 children in a year")
    parser.add_argument("--years", type=int, default=1, help="consecutive annual returns to load together")
    parser.add_argument("--load-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_only:
        print(json.dumps(load(args.load_only)))
        return
    with tempfile.TemporaryDirectory(prefix="cscperf-903-") as tmp:
        folder = Path(tmp)
        children = round(110_000 * args.scale)
        started = time.perf_counter()
        rows = write_returns(folder, children, args.years)
        written = time.perf_counter() - started
        result = subprocess.run(
            [sys.executable, __file__, "--load-only", str(folder)], capture_output=True, text=True, check=True
        )
        figures = json.loads(result.stdout.strip().splitlines()[-1])
    print(f"SSDA903 load benchmark: {children:,} children, {args.years} return(s); written in {written:.1f} s")
    print(f"  rows written: {rows}")
    for key, value in figures.items():
        print(f"  {key}: {value}")


if __name__ == "__main__":
    main()
