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


@pytest.fixture(scope="session", autouse=True)
def chart_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The chart cache in a folder of this test session's own, never the user's cache folder."""
    folder = tmp_path_factory.mktemp("chart-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CSCPERF_CHART_CACHE", str(folder))
        yield folder


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


ROOT = Path(__file__).resolve().parents[1]
DEMO_AS_AT = __import__("datetime").date(2026, 10, 31)


@pytest.fixture(scope="session")
def demo_store(council_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store: the default synthetic council with the DfE's published comparators (when the shared
    reference data are there), as `make demo` builds it."""
    import shutil

    from cscperf.comparators.importer import import_published

    path = tmp_path_factory.mktemp("demo-store") / "council.duckdb"
    shutil.copy(council_store, path)
    if (SHARED / "reference-data").is_dir():
        con = open_store(path)
        import_published(con, SHARED / "reference-data")
        con.close()
    return path


@pytest.fixture(scope="session")
def demo_report(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The demo's committee paper in every format, rendered once for the whole session as `make demo` writes it:
    cscperf.example.toml (25 months charted) and the example commentary file."""
    from cscperf.report.commentary import read_commentary
    from cscperf.report.config import read_report_config
    from cscperf.report.writer import FORMATS, write_report

    folder = tmp_path_factory.mktemp("demo-report")
    config = read_report_config(ROOT / "cscperf.example.toml")
    options = config.report.model_copy(update={"commentary": ROOT / "commentary.example.toml"})
    config = config.model_copy(update={"report": options})
    return write_report(demo_store, DEMO_AS_AT, folder, config, read_commentary(options.commentary), FORMATS)
