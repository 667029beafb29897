"""Secure by default: headers, cookies, sessions, Argon2, lockout, CSRF, upload limits, and no child
identifier in any URL, page title or server log line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from .conftest import PASSWORD, Accounts, WebStore


def test_security_headers(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    response = client_for(accounts.analyst).get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "no-store" in response["Cache-Control"]


def test_no_inline_script_in_any_page(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.analyst)
    for url in (
        "/",
        "/indicators/cp_visits_in_time/",
        "/indicators/cp_visits_in_time/children/",
        "/lists/",
        "/lists/cp_plan_9_months/?since=2026-10-01",
        "/lists/cla_visits_overdue/?as_at=2023-12-15",
        "/loads/",
        "/reports/",
        "/login/",
    ):
        html = client.get(url).content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, f"inline script on {url}: {tag}"
        assert " on" not in " ".join(re.findall(r"<[^>]+ on[a-z]+=", html)), f"inline handler on {url}"
        assert "style=" not in html, f"inline style on {url}"


def test_cookies_and_sessions() -> None:
    assert settings.SESSION_COOKIE_SECURE and settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_SECURE
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.PASSWORD_HASHERS == ["cscperf.web.hashers.OwaspArgon2PasswordHasher"]


def test_passwords_are_stored_as_argon2id_with_owasp_parameters(accounts: Accounts) -> None:
    stored = User.objects.get(username=accounts.analyst).password
    assert stored.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_an_idle_session_ends(web_store: WebStore, accounts: Accounts) -> None:
    client = Client()
    response = client.post("/login/", {"username": accounts.member, "password": PASSWORD})
    assert response.status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
    session = client.session
    session.set_expiry(-1)  # as if 30 minutes had passed since the last request
    session.save()
    assert client.get("/").status_code == 302


def test_a_session_ends_after_30_minutes_without_a_request(web_store: WebStore, accounts: Accounts) -> None:
    """By the clock: a request every 29 minutes keeps the session; 31 minutes without one ends it."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    client = Client()
    assert client.post("/login/", {"username": accounts.member, "password": PASSWORD}).status_code == 302
    start = timezone.now()

    def at(minutes: int) -> int:
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=minutes)):
            return int(client.get("/").status_code)

    assert at(29) == 200
    assert at(58) == 200  # 29 minutes after the last request: still signed in
    assert at(89) == 302  # 31 minutes after it: signed out, sent to /login/


def test_lockout_after_repeated_failures(web_store: WebStore, accounts: Accounts) -> None:
    from axes.utils import reset

    client = Client(REMOTE_ADDR="10.9.9.9")
    try:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post("/login/", {"username": accounts.admin, "password": "wrong password here"})
        locked = client.post("/login/", {"username": accounts.admin, "password": PASSWORD})
        assert locked.status_code == 429
        assert b"locked" in locked.content
        elsewhere = Client(REMOTE_ADDR="10.9.9.10").post("/login/", {"username": accounts.admin, "password": PASSWORD})
        assert elsewhere.status_code == 429  # the account itself is locked, from any address
        from typer.testing import CliRunner

        from cscperf.cli import app

        from .conftest import STORE

        unlocked = CliRunner().invoke(app, ["users", "unlock", "--db", str(STORE), accounts.admin])
        assert unlocked.exit_code == 0 and "Unlocked" in unlocked.output
    finally:
        reset(username=accounts.admin)
        reset(ip="10.9.9.9")
    assert Client().post("/login/", {"username": accounts.admin, "password": PASSWORD}).status_code == 302


def test_behind_the_proxy_one_persons_failures_lock_only_them(web_store: WebStore, accounts: Accounts) -> None:
    """Behind the council's reverse proxy every request comes from the proxy's address: the lockout must count
    failures against the address the proxy forwards (as the audit log records it), or five failures by anyone
    would lock everyone out."""
    from axes.utils import reset
    from django.test import override_settings
    from typer.testing import CliRunner

    from cscperf.cli import app
    from cscperf.web import audit

    from .conftest import STORE

    def via_proxy(forwarded: str) -> Client:
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    with override_settings(CSCPERF_TRUST_PROXY=True):
        try:
            for _ in range(settings.AXES_FAILURE_LIMIT):
                via_proxy("10.0.0.1").post("/login/", {"username": "nobody-here", "password": "wrong password here"})
            others = via_proxy("10.0.0.3").post("/login/", {"username": accounts.admin, "password": PASSWORD})
            assert others.status_code == 302  # another person, another address: not locked
            same = via_proxy("10.0.0.1").post("/login/", {"username": accounts.admin, "password": PASSWORD})
            assert same.status_code == 429  # the address that failed five times is locked
            failed = [e for e in audit.records_for("nobody-here") if e.action == "sign_in_failed"]
            assert failed and {e.address for e in failed} == {"10.0.0.1"}  # the same address in the audit log
            runner = CliRunner()
            unlocked = runner.invoke(app, ["users", "unlock", "--db", str(STORE), "--address", "10.0.0.1"])
            assert unlocked.exit_code == 0 and "Unlocked the address 10.0.0.1." in unlocked.output
            again = via_proxy("10.0.0.1").post("/login/", {"username": accounts.admin, "password": PASSWORD})
            assert again.status_code == 302
            neither = runner.invoke(app, ["users", "unlock", "--db", str(STORE)])
            assert neither.exit_code != 0 and "Say whose lockout to end" in neither.output
        finally:
            reset(ip="10.0.0.1")
            reset(ip="10.0.0.3")
            reset(username="nobody-here")


def test_the_address_behind_the_proxy_is_the_one_the_proxy_wrote() -> None:
    """The last address of X-Forwarded-For (a client may send a header of its own, which a proxy that adds to it
    keeps in front), without a port, and only an IP address; otherwise the connection's."""
    from django.test import RequestFactory, override_settings

    from cscperf.web.client_address import client_address

    def seen(forwarded: str) -> str:
        return client_address(RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded))

    with override_settings(CSCPERF_TRUST_PROXY=True):
        assert seen("203.0.113.9") == "203.0.113.9"
        assert seen("6.6.6.6, 203.0.113.9") == "203.0.113.9"  # what the client claimed is not taken
        assert seen("203.0.113.9:51234") == "203.0.113.9"  # IIS ARR's port
        assert seen("[2001:db8::1]:443") == "2001:db8::1"
        assert seen("2001:db8::1") == "2001:db8::1"
        assert seen("unknown") == "127.0.0.1"
        assert seen("not an ip, ") == "127.0.0.1"
    with override_settings(CSCPERF_TRUST_PROXY=False):
        assert seen("203.0.113.9") == "127.0.0.1"  # without a proxy the header is anyone's to write


def test_the_app_database_is_readable_by_its_owner_only(tmp_path: Any, caplog: Any) -> None:
    """It holds password hashes, sessions and the audit log. Made new, it is 0600 whatever the umask; one that
    exists keeps the permissions its administrator gave it. The test session's own was made this way."""
    import os
    import stat

    from cscperf.web.config import made_private

    from .conftest import FOLDER

    assert stat.S_IMODE((FOLDER / "web.web.sqlite3").stat().st_mode) == 0o600
    before = os.umask(0o022)
    try:
        made_private(tmp_path / "new" / "app.web.sqlite3")
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "new" / "app.web.sqlite3").stat().st_mode) == 0o600
    shared = tmp_path / "shared.web.sqlite3"
    shared.write_bytes(b"")
    shared.chmod(0o640)
    with caplog.at_level("WARNING", logger="cscperf.web"):
        made_private(shared)
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    assert "can be read by others than its owner" in caplog.text  # said at start-up, not changed


def test_a_form_without_its_token_gets_the_services_own_page() -> None:
    """Django's default CSRF failure page is bare and technical ("CSRF verification failed ... DEBUG=True")."""
    page = Client(enforce_csrf_checks=True).post("/login/", {"username": "someone", "password": "x" * 12})
    assert page.status_code == 403
    text = page.content.decode()
    assert "Your form had expired" in text and "govuk-" in text
    assert "CSRF" not in text and "DEBUG" not in text


def test_csrf_on_every_form(web_store: WebStore, accounts: Accounts) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": accounts.admin, "password": PASSWORD}).status_code == 403
    client.force_login(User.objects.get(username=accounts.analyst))
    assert client.post("/reports/", {"format": "html"}).status_code == 403
    assert client.post("/loads/", {}).status_code == 403
    assert client.post("/logout/").status_code == 403


def test_uploads_over_the_limit_are_refused_unread(
    web_store: WebStore, accounts: Accounts, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "UPLOAD_MAX_BYTES", 1000)
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("cin.xml", b"<x>" + b" " * 5000 + b"</x>")
    response = client_for(accounts.analyst).post("/loads/", {"files": [big]})
    assert response.status_code == 413
    assert b"larger than" in response.content
    anonymous = client_for(None).post("/loads/", {"files": [SimpleUploadedFile("cin.xml", b" " * 5000)]})
    assert anonymous.status_code == 413  # refused before anything (even the CSRF check) reads the body


def _child_ids(client: Client) -> set[str]:
    page = client.get("/indicators/cp_visits_in_time/children/")
    listed = client.get("/lists/cp_plan_9_months/")
    return {row[0] for row in page.context["rows"] if row[0]} | {row[0] for row in listed.context["shown"].rows}


def test_no_child_identifier_in_urls_or_titles(
    web_store: WebStore, accounts: Accounts, client_for: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    client = client_for(accounts.analyst)
    ids = _child_ids(client)
    assert ids
    pages = ("/", "/indicators/cp_visits_in_time/", "/indicators/cp_visits_in_time/children/", "/lists/",
             "/lists/cp_plan_9_months/?since=2026-10-01")  # fmt: skip
    for url in pages:
        html = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S)
        assert title is not None
        links = re.findall(r'(?:href|action|src|value)="([^"]*)"', html)
        for child in ids:
            assert child not in title.group(1)
            assert not any(re.search(rf"\b{child}\b", link) for link in links), f"{child} in a link on {url}"
    for url in ("/lists/cp_plan_9_months/download/", "/lists/download/"):
        download = client.get(url)
        assert not any(child in download["Content-Disposition"] for child in ids)
    logged = capfd.readouterr()
    for child in ids:
        assert not re.search(rf"\b{child}\b", logged.out + logged.err)


def test_a_bad_month_is_explained_not_a_traceback(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.analyst)
    for query in ("as_at=2040-01-31", "as_at=yesterday", "la=999"):
        response = client.get(f"/?{query}")
        assert response.status_code in (400, 403)
        assert b"Traceback" not in response.content


def test_downloads_make_formulas_inert(
    web_store: WebStore, accounts: Accounts, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A recorded text that a spreadsheet would run as a formula is written as inert text in the list's
    workbook (the real list, with one row's detail made formula-like, as a case note could be)."""
    import dataclasses
    import io

    from openpyxl import load_workbook

    from cscperf.web import lists_seam

    real = lists_seam.restricted

    def with_formula(lists: Any, teams: Any, worker: Any) -> Any:
        found = real(lists, teams, worker)
        result = found.results[0]
        first = dataclasses.replace(result.rows[0], detail='=HYPERLINK("x")')
        return dataclasses.replace(found, results=(dataclasses.replace(result, rows=(first, *result.rows[1:])),))

    monkeypatch.setattr(lists_seam, "restricted", with_formula)
    response = client_for(accounts.analyst).get("/lists/cp_visits_overdue/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="cp_visits_overdue-{web_store.data_end}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert [c.value for c in formula_like] == ['=HYPERLINK("x")']
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)  # text, never a formula
    assert all("HOLDS CHILD IDENTIFIERS" in str(sheet["A1"].value) for sheet in book.worksheets)
