"""Benchmark: a load's peak memory against the size of its file, with and without DuckDB's memory limit.

Writes, into a temporary folder (never the repository), an SSDA903 episodes table (CSV), an SSDA903 return
(XML) and an SSD extract table (CSV, `ssd_cin_episodes`) at two sizes each, and loads each into a fresh store
in a fresh process, printing seconds, MB/s and the process's peak resident memory (VmHWM). Memory that stays
flat from the small file to the large one is the aim: a load should cost what its largest table's merge needs
within the limit, not a multiple of the file.

    python benchmarks/bench_load_memory.py                      # 10 MB and 50 MB CSV, 20 MB and 200 MB XML
    python benchmarks/bench_load_memory.py --scale 0.2          # all five times smaller, quicker
    python benchmarks/bench_load_memory.py --memory-limit none  # DuckDB's own default (80% of the machine)
    python benchmarks/bench_load_memory.py --src ../other/src   # another checkout's code, to compare
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LA = "874"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
SSD_COLUMNS = ("cine_referral_id", "cine_person_id", "cine_referral_date", "cine_cin_primary_need_code",
               "cine_referral_source_code", "cine_referral_source_desc", "cine_referral_outcome_json",
               "cine_referral_nfa", "cine_close_reason", "cine_close_date", "cine_referral_team",
               "cine_referral_worker_id")  # fmt: skip


def _episodes(rng: random.Random, n: int) -> list[tuple[str, dt.date, dt.date | None, str]]:
    """A child's episodes in the year ending 31 March 2025: (child, start, end, place)."""
    child = f"C{n:08d}"
    day = dt.date(2024, 4, 1) + dt.timedelta(days=rng.randint(0, 300))
    out: list[tuple[str, dt.date, dt.date | None, str]] = []
    for _ in range(rng.randint(1, 4)):
        end = day + dt.timedelta(days=rng.randint(20, 120))
        closed = end < dt.date(2025, 3, 31)
        out.append((child, day, end if closed else None, rng.choice(("U4", "U5", "U6", "K2", "R1"))))
        if not closed:
            break
        day = end
    return out


def write_903_csv(path: Path, megabytes: float) -> None:
    rng = random.Random(903)
    with path.open("w", encoding="utf-8") as out:
        out.write(EPISODES)
        n = 0
        while out.tell() < megabytes * 1e6:
            n += 1
            for i, (child, start, end, place) in enumerate(_episodes(rng, n)):
                rne = "S" if i == 0 else "P"
                dec, rec = (f"{end:%d/%m/%Y}", "X1") if end else ("", "")
                out.write(f"{child},{start:%d/%m/%Y},{rne},C2,N1,{place},PR1,{dec},{rec},,,,\n")


def write_903_xml(path: Path, megabytes: float) -> None:
    rng = random.Random(903)
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n<EXPSSDA903>")
        n = 0
        while out.tell() < megabytes * 1e6:
            n += 1
            episodes = _episodes(rng, n)
            child = episodes[0][0]
            out.write(f"<CHILD><HEADER><CHILDID>{child}</CHILDID><SEX>{rng.choice((1, 2))}</SEX><DOB>01/02/2012</DOB>"
                      "<ETHNIC>WBRI</ETHNIC><AREVIEW><REVIEW>01/05/2024</REVIEW><REVIEW_CODE>PN1</REVIEW_CODE>"
                      "</AREVIEW></HEADER>")  # fmt: skip
            for i, (_c, start, end, place) in enumerate(episodes):
                dec = f"<DEC>{end:%d/%m/%Y}</DEC><REC>X1</REC>" if end else ""
                rne = "S" if i == 0 else "P"
                out.write(f"<EPISODE><DECOM>{start:%d/%m/%Y}</DECOM><RNE>{rne}</RNE><LS>C2</LS><CIN>N1</CIN>"
                          f"<PL>{place}</PL><PLACE_PROVIDER>PR1</PLACE_PROVIDER>{dec}</EPISODE>")  # fmt: skip
            out.write("</CHILD>\n")
        out.write("</EXPSSDA903>\n")


def write_ssd_csv(path: Path, megabytes: float) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write(",".join(SSD_COLUMNS) + "\n")
        n = 0
        while out.tell() < megabytes * 1e6:
            n += 1
            day = dt.date(2023, 4, 1) + dt.timedelta(days=rng.randint(0, 600))
            closed = day + dt.timedelta(days=rng.randint(10, 300))
            source = rng.choice(("1A", "2B", "5A", "6"))
            outcome = '"{""NFA_FLAG"": ""N""}"'
            out.write(f"R{n:09d},P{n // 2:08d},{day},N{rng.randint(1, 8)},{source},Police,{outcome},N,RC8,{closed},"
                      f"Team {n % 40},W{n % 900:04d}\n")  # fmt: skip


def run(path: Path, memory_limit: str | None) -> dict[str, Any]:
    """One load in this process (called in a fresh child process)."""
    from cscperf.loading.session import load_files
    from cscperf.store.database import open_store

    db = path.with_suffix(".duckdb")
    for leftover in (db, Path(f"{db}.wal")):
        leftover.unlink(missing_ok=True)
    con = open_store(db)
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    started = time.perf_counter()
    summary = load_files(con, [path], la_code=LA)
    seconds = time.perf_counter() - started
    con.close()
    db.unlink(missing_ok=True)
    mb = path.stat().st_size / 1e6
    read = sum(f.read for f in summary.files)
    return {"file": path.name, "file_mb": round(mb, 1), "memory_limit": memory_limit or "DuckDB default",
            "seconds": round(seconds, 1), "mb_per_s": round(mb / seconds, 2), "records": read,
            "peak_rss_mb": peak_memory_mb()}  # fmt: skip


def peak_memory_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0


def in_child(path: Path, memory_limit: str | None, src: Path | None) -> dict[str, Any]:
    args = [sys.executable, __file__, "--run", str(path)] + (["--limit", memory_limit] if memory_limit else [])
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src.resolve())
    out = subprocess.run(args, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 10 and 50 MB CSV, 20 and 200 MB XML")
    parser.add_argument("--memory-limit", default="1GB", help="DuckDB memory_limit ('none': DuckDB's default)")
    parser.add_argument("--only", choices=("903-csv", "903-xml", "ssd-csv"), action="append", help="one kind")
    parser.add_argument("--src", type=Path, help="the src folder of another checkout to run instead")
    parser.add_argument("--run", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        print(json.dumps(run(args.run, args.limit)))
        return
    limit = None if args.memory_limit == "none" else args.memory_limit
    kinds = {"903-csv": (write_903_csv, "episodes.csv", (10, 50)), "903-xml": (write_903_xml, "return.xml", (20, 200)),
             "ssd-csv": (write_ssd_csv, "ssd_cin_episodes.csv", (10, 50))}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="cscperf-memory-") as tmp:
        for kind, (write, name, sizes) in kinds.items():
            if args.only and kind not in args.only:
                continue
            results = []
            for size in sizes:
                folder = Path(tmp) / f"{kind}-{size}"
                folder.mkdir()
                path = folder / name
                write(path, size * args.scale)
                results.append(in_child(path, limit, args.src))
                print(json.dumps({"kind": kind, **results[-1]}), flush=True)
            small, large = results
            print(f"{kind}: {large['file_mb'] / small['file_mb']:.1f}x the file, "
                  f"{large['peak_rss_mb'] / small['peak_rss_mb']:.2f}x the peak memory "
                  f"({small['peak_rss_mb']} MB -> {large['peak_rss_mb']} MB)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
