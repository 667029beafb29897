"""Shared fixtures: one synthetic council (the default profile) generated once per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cscperf.store.database import open_store
from cscperf.synth.council import SyntheticCouncil, simulate_council
from cscperf.synth.profile import default_profile
from cscperf.synth.writer import write_council

from .golden import GoldenCouncil

SHARED = Path(__file__).resolve().parents[2] / "shared"
SSD_SPEC = SHARED / "samples" / "ssd" / "objects"
DEMO_SEED = 2019


@pytest.fixture(scope="session")
def default_council() -> SyntheticCouncil:
    return simulate_council(default_profile(), DEMO_SEED, 5)


@pytest.fixture(scope="session")
def council_store(tmp_path_factory: pytest.TempPathFactory, default_council: SyntheticCouncil) -> Path:
    path = tmp_path_factory.mktemp("store") / "council.duckdb"
    con = open_store(path)
    write_council(con, default_council, replace=False)
    con.close()
    return path


@pytest.fixture()
def db(council_store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(council_store), read_only=True)
    yield con
    con.close()


@pytest.fixture()
def council(tmp_path: Path) -> Iterator[GoldenCouncil]:
    golden = GoldenCouncil(tmp_path)
    yield golden
    golden.close()
