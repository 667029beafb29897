"""A throwaway PostgreSQL server for tests and benchmarks: a new cluster in a temporary folder, on a free
port of the loopback interface, from the installed server binaries (initdb + pg_ctl). Nothing needs to be
running beforehand and nothing is left behind. initdb refuses to run as root, so as root the server runs as
the `postgres` system user (`runuser`).

`.ci/run` installs Debian's `postgresql` package when it is missing. Without the binaries the PostgreSQL
tests are skipped, unless CSCPERF_REQUIRE_POSTGRES=1 (set in CI), when they fail.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

SEARCHED = ("/usr/lib/postgresql/*/bin", "/usr/local/pgsql/bin", "/usr/pgsql-*/bin")
SYSTEM_USER = "postgres"
SUPERUSER = "cscperf_admin"


def server_binaries() -> Path | None:
    """The folder holding initdb and pg_ctl (the newest installed version), or None."""
    configured = os.environ.get("CSCPERF_PG_BIN")
    if configured:
        return Path(configured)
    found: list[Path] = []
    for pattern in SEARCHED:
        found.extend(p for p in Path("/").glob(pattern.lstrip("/")) if (p / "initdb").exists())
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(on_path).parent)
    return sorted(found, key=lambda p: _version_key(p))[-1] if found else None


def _version_key(path: Path) -> tuple[int, ...]:
    digits = [int(part) for part in path.parts if part.isdigit()]
    return tuple(digits) or (0,)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One running cluster; `database()` makes a fresh, empty database and gives its URL."""

    def __init__(self, binaries: Path) -> None:
        self.binaries = binaries
        self.root = Path(tempfile.mkdtemp(prefix="cscperf-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(self.binaries / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True, cwd=self.root)

    def start(self, *, durable: bool = False) -> PostgresServer:
        """Start the cluster. Tests run it without durability (fsync off); benchmarks with PostgreSQL's
        defaults (`durable`), as a council's server runs."""
        if self.as_root:
            shutil.chown(self.root, SYSTEM_USER)
        self._run("initdb", "-D", str(self.data), "--auth=trust", f"--username={SUPERUSER}", "--encoding=UTF8",
                  "--locale=C.UTF-8", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=40"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w",
                  "-t", "60", "start")  # fmt: skip
        return self

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        """Run one statement as the superuser, outside any transaction."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(sql)  # type: ignore[arg-type]

    def database(self, owner: str = SUPERUSER) -> str:
        """A new empty database (owned by `owner`), its URL for `owner`."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.admin(f"CREATE DATABASE {name} OWNER {owner}")
        return self.url(name, owner)

    def login_role(self, name: str) -> str:
        """Create a login role (no password: the test server trusts loopback)."""
        self.admin(f"DO $$ BEGIN CREATE ROLE {name} LOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        return name

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, OSError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    binaries = server_binaries()
    if binaries is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server = PostgresServer(binaries).start(durable=durable)
    try:
        yield server
    finally:
        server.stop()
