"""`cscperf users` and the first-run hint; the loads page runs the same loader as `cscperf load`."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.web.command import first_user_hint

from .conftest import STORE, Accounts, WebStore


def test_users_add_list_disable(web_store: WebStore) -> None:
    runner = CliRunner()
    added = runner.invoke(
        app,
        [
            "users",
            "add",
            "--db",
            str(STORE),
            "jo.manager",
            "--role",
            "manager",
            "--team",
            "Assessment Team 1",
            "--la",
            web_store.la_codes[0],
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert added.exit_code == 0, added.output
    user = User.objects.get(username="jo.manager")
    assert user.check_password("a long enough passphrase") and user.password.startswith("argon2")
    assert user.cscperf_profile.teams == ["Assessment Team 1"]
    listed = runner.invoke(app, ["users", "list", "--db", str(STORE)])
    assert "jo.manager" in listed.output and "manager" in listed.output
    again = runner.invoke(
        app,
        ["users", "add", "--db", str(STORE), "jo.manager", "--role", "member", "--password-stdin"],
        input="a long enough passphrase\n",
    )
    assert again.exit_code == 2 and "already an account" in again.output
    weak = runner.invoke(
        app, ["users", "add", "--db", str(STORE), "weak", "--role", "member", "--password-stdin"], input="password\n"
    )
    assert weak.exit_code == 2 and "not strong enough" in weak.output
    no_stdin = runner.invoke(app, ["users", "add", "--db", str(STORE), "x", "--role", "member"])
    assert no_stdin.exit_code == 2 and "--password-stdin" in no_stdin.output
    disabled = runner.invoke(app, ["users", "disable", "--db", str(STORE), "jo.manager"])
    assert disabled.exit_code == 0
    user.refresh_from_db()
    assert not user.is_active


def test_users_add_refuses_a_council_or_team_the_store_does_not_hold(web_store: WebStore) -> None:
    """An account limited to a council or team the store does not have would see nothing, with no one told
    why: refused, with what the store holds (the nearest team names for a slip)."""
    runner = CliRunner()
    base = ["users", "add", "--db", str(STORE), "--password-stdin"]
    council = runner.invoke(app, [*base, "no.council", "--role", "analyst", "--la", "998"],
                            input="a long enough passphrase\n")  # fmt: skip
    assert council.exit_code == 2 and "holds no council 998" in council.output
    team = runner.invoke(app, [*base, "no.team", "--role", "manager", "--team", "Asessment Team 1"],
                         input="a long enough passphrase\n")  # fmt: skip
    words = " ".join(team.output.split())
    assert team.exit_code == 2 and "names no team 'Asessment Team 1'" in words and "'Assessment Team 1'" in words
    assert not User.objects.filter(username__in=["no.council", "no.team"]).exists()


def test_audit_list_fits_the_terminal_and_says_when_there_is_nothing(web_store: WebStore, accounts: Accounts) -> None:
    from cscperf.web import audit

    audit.record(accounts.analyst, "view_children", "/indicators/cp_visits_in_time/children/", children=1234,
                 address="2001:db8:ffff:ffff:ffff:ffff:ffff:1",
                 detail={"indicator": "cp_visits_in_time", "la_code": "001", "as_at": "2026-10-31",
                         "teams": ["Family Safeguarding Team 1", "Family Safeguarding Team 2"]})  # fmt: skip
    runner = CliRunner()
    listed = runner.invoke(app, ["audit", "list", "--db", str(STORE), "--user", accounts.analyst])
    assert listed.exit_code == 0, listed.output
    assert max(len(line) for line in listed.output.splitlines()) <= 80
    words = " ".join(listed.output.split())
    assert "view_children" in words and "1,234" in words and "cp_visits_in_time" in words
    nothing = runner.invoke(app, ["audit", "list", "--db", str(STORE), "--user", "nobody.at.all"])
    assert nothing.exit_code == 0 and "no records for nobody.at.all" in nothing.output


def test_first_run_says_how_to_add_an_account() -> None:
    hint = first_user_hint(Path("demo-output/cscperf.duckdb"))
    assert "cscperf users add --db demo-output/cscperf.duckdb NAME --role admin --password-stdin" in hint


def test_serve_on_a_new_store_says_how_to_add_the_first_account(tmp_path: Path) -> None:
    """`cscperf serve` itself, on a store with no accounts yet: the hint, then it serves."""
    import os
    import subprocess
    import sys
    import time
    import urllib.request

    from cscperf.store.database import open_store

    from .browser import ROOT, free_port

    store = tmp_path / "new.duckdb"
    open_store(store).close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSCPERF_")}  # its own app database
    port = free_port()
    output = tmp_path / "serve.out"
    command = [sys.executable, "-m", "cscperf", "serve", "--db", str(store), "--port", str(port), "--workers", "1"]
    with output.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while "Serving" not in output.read_text(errors="replace"):
                assert process.poll() is None and time.monotonic() < deadline, output.read_text(errors="replace")
                time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                assert answer.status == 200
        finally:
            process.terminate()
            process.wait(timeout=20)
    said = " ".join(output.read_text().split())
    assert (
        f"No one can sign in yet. Add the first account (an administrator) with: cscperf users add --db {store}" in said
    )
    assert said.index("No one can sign in yet") < said.index("Serving")
    assert (tmp_path / "new.web.sqlite3").exists()  # the app's own database, made beside the store


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "nothing.duckdb")])
    assert result.exit_code == 1
    assert "There is no store" in result.output


SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "cin" / "CIN2rows.xml"


def test_upload_loads_through_the_same_loader(
    web_store: WebStore, accounts: Accounts, client_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CIN Census file uploaded goes through `load_files` (into a copy of the store, so other tests keep
    theirs): counts read = loaded + rejected are shown, and the load is audited without child data."""
    from contextlib import contextmanager

    from django.core.files.uploadedfile import SimpleUploadedFile

    from cscperf.store.database import open_store
    from cscperf.web import views_loads
    from cscperf.web.models import AuditRecord

    if not SAMPLE.exists():
        pytest.skip("the shared samples are not beside this checkout")
    copy = tmp_path / "copy.duckdb"
    shutil.copy(STORE, copy)

    @contextmanager
    def writing() -> Iterator[Any]:
        con = open_store(copy)
        try:
            yield con
        finally:
            con.close()

    monkeypatch.setattr(views_loads, "writing", writing)
    upload = SimpleUploadedFile("CIN2rows.xml", SAMPLE.read_bytes(), content_type="text/xml")
    response = client_for(accounts.analyst).post("/loads/", {"files": [upload]})
    assert response.status_code == 200, response.content[:500]
    summary = response.context["summary"]
    (loaded,) = summary.files
    assert loaded.kind == "cin_census" and loaded.read == loaded.loaded + loaded.rejected > 0
    assert "CIN2rows.xml" in response.content.decode()
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "load" and entry.detail["records_read"] == loaded.read


def test_an_upload_with_no_files_is_explained(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    response = client_for(accounts.analyst).post("/loads/", {})
    assert response.status_code == 400
    assert b"Choose one or more files" in response.content


def _store_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the web store that the load pages read and write, so other tests keep theirs."""
    from contextlib import contextmanager

    from cscperf.store.database import open_store
    from cscperf.web import views_loads

    copy = tmp_path / "copy.duckdb"
    shutil.copy(STORE, copy)

    @contextmanager
    def opened() -> Iterator[Any]:
        con = open_store(copy)
        try:
            yield con
        finally:
            con.close()

    monkeypatch.setattr(views_loads, "writing", opened)
    monkeypatch.setattr(views_loads, "reading", opened)
    return copy


def test_a_workforce_census_loads_rejects_are_worded_as_workers_not_children(
    web_store: WebStore, accounts: Accounts, client_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load page's download of a workforce census's rejected records said it held child identifiers: its
    records are social workers'. The page and the workbook say worker identifiers."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, WORKER_IDENTIFIERS

    from ..test_load_workforce_census import THREE_WORKERS, census

    _store_copy(tmp_path, monkeypatch)
    client = client_for(accounts.analyst)
    bad = THREE_WORKERS.replace("<AgencyWorker>0</AgencyWorker>", "<AgencyWorker/>", 1)  # one record questioned
    upload = SimpleUploadedFile("csww.xml", census(bad).encode(), content_type="text/xml")
    response = client.post("/loads/", {"files": [upload]})
    assert response.status_code == 200, response.content[:500]
    (loaded,) = response.context["summary"].files
    assert loaded.kind == "workforce_census" and loaded.load_id
    page = client.get(f"/loads/{loaded.load_id}/").content.decode()
    assert "(Excel; holds worker identifiers)" in page and "child identifiers" not in page
    book = load_workbook(io.BytesIO(client.get(f"/loads/{loaded.load_id}/rejects/").content))
    banner = str(book.worksheets[0]["A1"].value)
    assert banner.startswith(WORKER_IDENTIFIERS) and CHILD_IDENTIFIERS not in banner


def test_a_workforce_measures_page_behind_the_figure_names_social_workers(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    import io

    from openpyxl import load_workbook

    from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, WORKER_IDENTIFIERS

    client = client_for(accounts.analyst)
    page = client.get("/indicators/sw_caseload_over_target/children/")
    assert page.status_code == 200 and page.context["found"].rows
    html = page.content.decode()
    assert "This page holds social workers' details" in html and "children's details" not in html
    book = load_workbook(io.BytesIO(client.get("/indicators/sw_caseload_over_target/children/download/").content))
    assert str(book.worksheets[0]["A1"].value).startswith(WORKER_IDENTIFIERS)
    children = client.get("/indicators/cp_visits_in_time/children/").content.decode()
    assert "This page holds children's details" in children
    book = load_workbook(io.BytesIO(client.get("/indicators/cp_visits_in_time/children/download/").content))
    assert str(book.worksheets[0]["A1"].value).startswith(CHILD_IDENTIFIERS)


def test_an_upload_that_is_no_return_is_refused_with_its_own_name_and_a_way_back(
    web_store: WebStore, accounts: Accounts, client_for: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It had read "These figures cannot be shown - 000-garbage.xml: ..." with a link to the dashboard."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    copy = _store_copy(tmp_path, monkeypatch)
    before = copy.stat().st_size
    upload = SimpleUploadedFile("garbage.xml", b"<notareturn/>", content_type="text/xml")
    response = client_for(accounts.analyst).post("/loads/", {"files": [upload]})
    assert response.status_code == 400
    text = response.content.decode()
    assert "The files were not loaded" in text and "garbage.xml:" in text and "000-" not in text
    assert 'href="/loads/"' in text
    assert copy.stat().st_size == before
