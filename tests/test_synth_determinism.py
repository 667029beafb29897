"""The same seed gives the same data, byte for byte; another seed gives other data."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa

from cscperf.store.database import open_store
from cscperf.store.schema import load_schema
from cscperf.synth.council import SyntheticCouncil, simulate_council
from cscperf.synth.profile import Profile, default_profile
from cscperf.synth.writer import write_council

METADATA = {"cscperf_loads", "cscperf_schema_info"}  # record when things happened, so differ run to run


def small_profile() -> Profile:
    return default_profile().scaled(la_code="001", la_name="Small", population_0_17=8_000, region="North East")


def arrow_bytes(council: SyntheticCouncil) -> dict[str, str]:
    digests = {}
    for name, table in council.tables.items():
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        digests[name] = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()
    return digests


def store_digest(path: Path) -> dict[str, str]:
    con = open_store(path, read_only=True)
    digests = {}
    for table in load_schema().tables_for("duckdb"):
        if table.name in METADATA:
            continue
        text = con.execute(f"SELECT string_agg(CAST(t AS VARCHAR), '\n' ORDER BY t) FROM {table.name} t").fetchall()
        digests[table.name] = hashlib.sha256(str(text[0][0]).encode()).hexdigest()
    con.close()
    return digests


def test_same_seed_same_bytes() -> None:
    first = simulate_council(small_profile(), 7, 2)
    second = simulate_council(small_profile(), 7, 2)
    assert arrow_bytes(first) == arrow_bytes(second)
    assert first.row_counts["ssd_contacts"] > 100


def test_other_seed_other_data() -> None:
    first = simulate_council(small_profile(), 7, 2)
    other = simulate_council(small_profile(), 8, 2)
    assert arrow_bytes(first)["ssd_contacts"] != arrow_bytes(other)["ssd_contacts"]


def test_same_seed_same_store_contents(tmp_path: Path) -> None:
    for name in ("a", "b"):
        con = open_store(tmp_path / f"{name}.duckdb")
        write_council(con, simulate_council(small_profile(), 7, 2), replace=False)
        con.close()
    assert store_digest(tmp_path / "a.duckdb") == store_digest(tmp_path / "b.duckdb")
