"""The web service under test: a small synthetic store of two councils (2 years each), the app's own
database beside it, Django started once, and one account per role."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test.utils import setup_test_environment

from cscperf.web.config import start_django

# Django is started when this file is imported (the role-matrix test is generated from the URL table, which
# needs Django), pointed at a store that the `web_store` fixture then fills.
FOLDER = Path(tempfile.mkdtemp(prefix="cscperf-web-tests-"))
atexit.register(shutil.rmtree, FOLDER, True)
STORE = FOLDER / "web.duckdb"
os.environ["CSCPERF_DB"] = str(STORE)
os.environ["CSCPERF_WEB_SECRET_KEY"] = "test-only-secret-key-" + "x" * 40
os.environ["CSCPERF_WEB_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["CSCPERF_WEB_DATABASE"] = str(FOLDER / "web.web.sqlite3")
start_django()
setup_test_environment()  # responses carry their template context
del os.environ["CSCPERF_DB"]  # read by Django's settings above; other tests' commands must not inherit it

PASSWORD = "correct horse battery staple"
TEAM = "Family Safeguarding Team 1"


@dataclass(frozen=True)
class WebStore:
    path: Path
    la_codes: tuple[str, ...]
    latest: str  # the last whole month of the first council, YYYY-MM-DD
    data_end: str  # the first council's last day of data (the lists' default day), YYYY-MM-DD


@pytest.fixture(scope="session")
def web_store() -> WebStore:
    from cscperf.store.councils import councils
    from cscperf.store.database import open_store
    from cscperf.synth.many import council_profiles
    from cscperf.synth.profile import read_profile
    from cscperf.synth.runner import synthesise

    path = STORE
    synthesise(path, council_profiles(read_profile(None), 2, 7), seed=7, years=2, jobs=1, replace=True)
    con = open_store(path, read_only=True)
    try:
        found = councils(con)
    finally:
        con.close()
    latest = found[0].month_ends()[0].isoformat()
    data_end = found[0].data_end
    assert data_end is not None
    return WebStore(path, tuple(c.la_code for c in found), latest, data_end.isoformat())


@dataclass(frozen=True)
class Accounts:
    admin: str = "t_admin"
    analyst: str = "t_analyst"
    manager: str = "t_manager"
    member: str = "t_member"
    teamless: str = "t_manager_no_team"
    other_council: str = "t_analyst_other"
    disabled: str = "t_disabled"


@pytest.fixture(scope="session")
def accounts(web_store: WebStore) -> Accounts:
    from django.contrib.auth.models import User

    from cscperf.web.accounts import add_user, set_active

    names = Accounts()
    wanted: list[tuple[str, list[str], list[str], str | None]] = [
        (names.admin, ["admin"], [], None),
        (names.analyst, ["analyst"], [], None),
        (names.manager, ["manager"], [TEAM], None),
        (names.member, ["member"], [], None),
        (names.teamless, ["manager"], [], None),
        (names.other_council, ["analyst"], [], web_store.la_codes[1]),
        (names.disabled, ["analyst"], [], None),
    ]
    for name, roles, teams, la in wanted:
        if not User.objects.filter(username=name).exists():
            add_user(name, roles, PASSWORD, teams=teams, la_code=la)
    set_active(names.disabled, False)
    return names


@pytest.fixture()
def client_for(accounts: Accounts) -> Any:
    """A Django test client signed in as the named account (without the password round trip)."""
    from django.contrib.auth.models import User
    from django.test import Client

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(User.objects.get(username=name))
        return client

    return make


@pytest.fixture(autouse=True)
def _store_variable_not_left_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run in this process point the service at the store through CSCPERF_DB; the tests of other
    commands must not inherit it."""
    monkeypatch.delenv("CSCPERF_DB", raising=False)
