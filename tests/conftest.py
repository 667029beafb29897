"""Shared fixtures: one synthetic council (the default profile) generated once per test session."""

from __future__ import annotations

import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.synth.council import SyntheticCouncil, simulate_council
from cscperf.synth.profile import default_profile
from cscperf.synth.writer import write_council

from .golden import GoldenCouncil
from .postgres_server import PostgresServer, running_server

try:
    import fcntl
except ImportError:  # not on Windows: each worker builds its own
    fcntl = None  # type: ignore[assignment]

SHARED = Path(__file__).resolve().parents[2] / "shared"
SSD_SPEC = SHARED / "samples" / "ssd" / "objects"
DEMO_SEED = 2019
T = TypeVar("T")


def _consoles_without_a_fixed_width() -> None:
    """Rich fixes a console's width from COLUMNS when the console is made, and the CLI's consoles are made when
    a command first imports them: inside a test that runs a command at COLUMNS=80, every later test in the
    process would print at 80 whatever its own COLUMNS. Made here, with no COLUMNS, each test's COLUMNS
    decides its width."""
    saved = os.environ.pop("COLUMNS", None)
    try:
        import cscperf.cli.console  # noqa: F401
    finally:
        if saved is not None:
            os.environ["COLUMNS"] = saved


_consoles_without_a_fixed_width()


@pytest.fixture(scope="session", autouse=True)
def chart_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The chart cache in a folder of this test run's own, never the user's cache folder: one folder for all the
    xdist workers (a chart is kept under the hash of what decides it, and written whole), so a worker draws
    only the charts no other worker has drawn."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        folder = tmp_path_factory.mktemp("chart-cache")
    else:
        folder = tmp_path_factory.getbasetemp().parent / "chart-cache"
        folder.mkdir(exist_ok=True)
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
def db(council_store: Path) -> Iterator[Connection]:
    con = open_store(council_store, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def postgres_if_installed() -> Iterator[PostgresServer | None]:
    """A throwaway PostgreSQL server for the session (tests/postgres_server.py), or None if PostgreSQL's
    server is not installed (an error in CI, which installs it)."""
    try:
        with running_server() as server:
            yield server
    except FileNotFoundError as exc:
        if os.environ.get("CSCPERF_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{exc}: CI must test the PostgreSQL store (.ci/run installs it)")
        _NOT_TESTED.append(str(exc))
        yield None


_NOT_TESTED: list[str] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Said at the end of the run, not only in the skips: without a server, the PostgreSQL store (and the
    golden councils' mirror on it) went untested."""
    if _NOT_TESTED:
        terminalreporter.write_sep("=", "the PostgreSQL store was NOT tested", yellow=True, bold=True)
        terminalreporter.write_line(f"{_NOT_TESTED[0]}: install Debian's postgresql package (.ci/run does).")


@pytest.fixture(scope="session")
def postgres(postgres_if_installed: PostgresServer | None) -> PostgresServer:
    if postgres_if_installed is None:
        pytest.skip("PostgreSQL's server is not installed: the PostgreSQL store is not tested")
    return postgres_if_installed


@pytest.fixture(scope="session")
def golden_mirror(postgres_if_installed: PostgresServer | None) -> Iterator[Connection | None]:
    """One PostgreSQL store that every golden council is mirrored to, emptied after each test."""
    if postgres_if_installed is None:
        yield None
        return
    con = open_store(postgres_if_installed.database())
    yield con
    con.close()


@pytest.fixture()
def pg_url(postgres: PostgresServer) -> str:
    """The URL of a new, empty PostgreSQL database."""
    return postgres.database()


@pytest.fixture()
def council(tmp_path: Path, golden_mirror: Connection | None) -> Iterator[GoldenCouncil]:
    golden = GoldenCouncil(tmp_path, mirror=golden_mirror)
    yield golden
    golden.close()


ROOT = Path(__file__).resolve().parents[1]
DEMO_AS_AT = __import__("datetime").date(2026, 10, 31)


def _once_for_the_run(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]) -> T:
    """`build(folder)` done once for the whole run. Under pytest-xdist each worker has its own session, so the
    first worker to ask builds it, in a folder beside the workers' own (pytest-xdist's documented pattern, with
    the standard library's file lock), and leaves the result pickled there; the others wait for it and read it.
    Whatever `build` writes in the folder is shared: it must be only read after."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None or fcntl is None:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent  # this run's folder, holding each worker's
    result = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, even if `build` fails
        if result.exists():
            loaded: T = pickle.loads(result.read_bytes())
            return loaded
        folder = shared / name
        shutil.rmtree(folder, ignore_errors=True)  # a build that failed in another worker
        folder.mkdir()
        built = build(folder)
        result.write_bytes(pickle.dumps(built))
        return built


@pytest.fixture(scope="session")
def demo_store(council_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's store: the default synthetic council with the DfE's published comparators (when the shared
    reference data are there), as `make demo` builds it. Built once for the run; each worker has its own copy
    (a test may open it for writing)."""

    def build(folder: Path) -> Path:
        from cscperf.comparators.importer import import_published

        path = folder / "council.duckdb"
        shutil.copy(council_store, path)
        if (SHARED / "reference-data").is_dir():
            con = open_store(path)
            import_published(con, SHARED / "reference-data")
            con.close()
        return path

    built = _once_for_the_run(tmp_path_factory, "demo-store-built", build)
    path = tmp_path_factory.mktemp("demo-store") / "council.duckdb"
    shutil.copy(built, path)
    return path


@pytest.fixture(scope="session")
def demo_report(demo_store: Path, tmp_path_factory: pytest.TempPathFactory) -> object:
    """The demo's committee paper in every format, rendered once for the whole run (and shared by the xdist
    workers) as `make demo` writes it: cscperf.example.toml (25 months charted) and the example commentary file."""
    from cscperf.report.commentary import read_commentary
    from cscperf.report.config import read_report_config
    from cscperf.report.writer import FORMATS, write_report

    def build(folder: Path) -> object:
        config = read_report_config(ROOT / "cscperf.example.toml")
        options = config.report.model_copy(update={"commentary": ROOT / "commentary.example.toml"})
        config = config.model_copy(update={"report": options})
        return write_report(demo_store, DEMO_AS_AT, folder, config, read_commentary(options.commentary), FORMATS)

    return _once_for_the_run(tmp_path_factory, "demo-report", build)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files marked slow first, each whole and in its order, then the rest. With `--dist loadfile` a worker
    takes the next file as it nears the end of one: a long file taken last keeps the run going while the other
    worker has nothing to do. (pytest-xdist's own order, by the number of tests in a file, took the long files
    of few tests last, the paper's PDF in parts among them: `make test` turns it off.)"""

    def quick(item: pytest.Item) -> bool:
        module = item.getparent(pytest.Module)
        return module is None or module.get_closest_marker("slow") is None

    items.sort(key=quick)  # a stable sort: the files' and the tests' order otherwise kept
