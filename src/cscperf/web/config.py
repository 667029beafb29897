"""Where the web service finds its store, its own database and its settings, and how Django is started.

The service is configured by the command line (`cscperf serve`) or environment variables, so the same
settings reach every worker process of the WSGI server:

    CSCPERF_DB                       the store: a DuckDB file, or a PostgreSQL database as a postgresql:// URL
    CSCPERF_WEB_DATABASE             the app's own database (users, roles, audit); default: SQLite beside the
                                     store, `<store>.web.sqlite3`
    CSCPERF_WEB_SECRET_KEY           Django's secret key; default: made once and kept in `<store>.web.secret`
    CSCPERF_WEB_ALLOWED_HOSTS        comma-separated host names the service answers to (default: localhost)
    CSCPERF_WEB_CONFIG               cscperf.toml (targets, council, indicator settings), as the report reads it
    CSCPERF_WEB_SUPPRESSION          the suppression threshold for members (default 5)
    CSCPERF_WEB_UPLOAD_MAX_MB        the largest upload accepted (default 200)
    CSCPERF_WEB_TRUST_PROXY          1 when behind a reverse proxy that sets X-Forwarded-Proto and -For
    CSCPERF_OIDC_*                   single sign-on (docs/web.md#single-sign-on)
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from pathlib import Path

STORE_ENV = "CSCPERF_DB"
SETTINGS_MODULE = "cscperf.web.settings"


def app_database_for(store: str | Path) -> Path:
    """The app's own SQLite database beside a DuckDB store: `demo.duckdb` -> `demo.web.sqlite3`."""
    path = Path(store)
    return path.with_name(f"{path.stem}.web.sqlite3")


def secret_key_for(store: str | Path) -> str:
    """The secret key kept beside the store (made on first use, readable by its owner only)."""
    path = Path(store)
    key_file = path.with_name(f"{path.stem}.web.secret")
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(key)
    return key


def use_store(store: str | Path, *, config: Path | None = None, suppression: int | None = None) -> None:
    """Point the service (this process and the workers it starts) at a store, then start Django."""
    os.environ[STORE_ENV] = str(store)
    if config is not None:
        os.environ["CSCPERF_WEB_CONFIG"] = str(config)
    if suppression is not None:
        os.environ["CSCPERF_WEB_SUPPRESSION"] = str(suppression)
    start_django()


def start_django() -> None:
    """Set up Django once in this process and make the app's database current (migrations are idempotent)."""
    import django
    from django.apps import apps

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    if not apps.ready:
        django.setup()
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if str(database["ENGINE"]).endswith("sqlite3"):
        made_private(Path(str(database["NAME"])))
    call_command("migrate", interactive=False, verbosity=0)


def made_private(path: Path) -> None:
    """Make the app's SQLite database, if it does not exist yet, readable and writable by its owner only: it
    holds password hashes, sessions and the audit log (SQLite gives its journals the same permissions). A
    database that exists keeps the permissions its administrator gave it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if os.name == "posix" and path.stat().st_mode & 0o077:
        logging.getLogger("cscperf.web").warning(
            "The app database %s can be read by others than its owner (it holds password hashes, sessions and the "
            "audit log): `chmod 600` it, unless the service's accounts share it on purpose.",
            path.name,
        )
