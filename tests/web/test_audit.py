"""The audit log: one record per view or download of child-level data, with who, what, how many and from
where; append-only; a changed, removed or inserted record is found by `verify` and `cscperf audit verify`."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.web import audit
from cscperf.web.models import AppendOnlyError, AuditRecord

from .conftest import STORE, Accounts, WebStore

CHILD_VIEWS = (
    ("view_children", "/indicators/cp_visits_in_time/children/"),
    ("download_children", "/indicators/cp_visits_in_time/children/download/"),
    ("view_list", "/lists/cp_visits_overdue/"),
    ("download_list", "/lists/cp_visits_overdue/download/"),
    ("download_lists", "/lists/download/"),
)


def _count() -> int:
    return AuditRecord.objects.count()


@pytest.mark.parametrize(("action", "url"), CHILD_VIEWS, ids=[a for a, _ in CHILD_VIEWS])
def test_each_child_level_view_adds_exactly_one_record(
    action: str, url: str, web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    client = client_for(accounts.manager)
    before = _count()
    response = client.get(url + f"?la={web_store.la_codes[0]}&as_at={web_store.latest}", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert _count() == before + 1
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry is not None
    assert (entry.username, entry.action, entry.page, entry.address) == (accounts.manager, action, url, "10.1.2.3")
    assert entry.detail["la_code"] == web_store.la_codes[0]
    assert entry.detail["as_at"] == web_store.latest
    assert entry.detail["teams"] == ["Family Safeguarding Team 1"]
    assert entry.children is not None


def test_the_count_is_the_children_shown(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    response = client_for(accounts.analyst).get("/indicators/cp_visits_in_time/children/")
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry is not None
    people = {row[0] for row in response.context["rows"] if row[0]}
    assert entry.children == len(people) > 0
    assert entry.detail["teams"] == "all"


def test_aggregate_pages_are_not_recorded(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.analyst)
    before = _count()
    for url in ("/", "/indicators/cp_visits_in_time/", "/lists/", "/reports/"):
        assert client.get(url).status_code == 200
    assert _count() == before


def test_records_cannot_be_changed_or_deleted(web_store: WebStore) -> None:
    entry = audit.record("someone", "view_children", "/x/", children=3)
    entry.username = "someone else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    database = sqlite3.connect(_app_db())
    try:
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            database.execute("UPDATE cscperf_web_auditrecord SET username = 'x' WHERE seq = ?", [entry.seq])
        with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
            database.execute("DELETE FROM cscperf_web_auditrecord WHERE seq = ?", [entry.seq])
    finally:
        database.close()


def _app_db() -> str:
    from django.conf import settings

    return str(settings.DATABASES["default"]["NAME"])


def test_the_chain_verifies_and_a_change_is_found(web_store: WebStore) -> None:
    for n in range(3):
        audit.record("chain-test", "view_children", f"/page/{n}/", children=n)
    assert audit.verify().intact
    records = list(AuditRecord.objects.order_by("seq"))
    victim = records[-2]
    tampered = [_copy(r) for r in records]
    tampered[-2].children = 999  # an edit that leaves the stored hash as it was
    verdict = audit.verify(tampered)
    assert verdict.first_broken == victim.seq
    assert "changed" in verdict.reason
    removed = [r for r in records if r.seq != victim.seq]
    assert audit.verify(removed).first_broken == victim.seq + 1
    rehashed = [_copy(r) for r in records]  # a forger who recomputes the edited record's own hash
    rehashed[-2].children = 999
    rehashed[-2].record_hash = rehashed[-2].computed_hash()
    assert audit.verify(rehashed).first_broken == victim.seq + 1  # the next record's link gives it away


def _copy(entry: AuditRecord) -> AuditRecord:
    return AuditRecord(**{f.attname: getattr(entry, f.attname) for f in AuditRecord._meta.concrete_fields})


def test_cscperf_audit_verify_names_the_first_broken_record(web_store: WebStore) -> None:
    entry = audit.record("cli-test", "view_children", "/tamper/", children=4)
    runner = CliRunner()
    ok = runner.invoke(app, ["audit", "verify", "--db", str(STORE)])
    assert ok.exit_code == 0, ok.output
    assert "intact" in ok.output
    database = sqlite3.connect(_app_db())  # someone with the file drops the guard and edits a record
    try:
        database.execute("DROP TRIGGER cscperf_audit_no_update")
        database.execute("UPDATE cscperf_web_auditrecord SET children = 0 WHERE seq = ?", [entry.seq])
        database.commit()
        broken = runner.invoke(app, ["audit", "verify", "--db", str(STORE)])
        assert broken.exit_code == 1
        assert f"first broken record is number {entry.seq}" in broken.output
        database.execute("UPDATE cscperf_web_auditrecord SET children = 4 WHERE seq = ?", [entry.seq])
        database.commit()
    finally:
        from cscperf.web.migrations import _0002_guard

        _0002_guard(database)
        database.close()
    assert runner.invoke(app, ["audit", "verify", "--db", str(STORE)]).exit_code == 0


def test_cscperf_audit_list_formats(web_store: WebStore) -> None:
    audit.record("list-test", "download_children", "/x/download/", children=2, address="10.0.0.9")
    runner = CliRunner()
    as_json = runner.invoke(app, ["audit", "list", "--db", str(STORE), "--user", "list-test", "--format", "json"])
    rows = json.loads(as_json.output)
    assert rows[0]["username"] == "list-test" and rows[0]["children"] == 2 and rows[0]["address"] == "10.0.0.9"
    as_csv = runner.invoke(app, ["audit", "list", "--db", str(STORE), "--user", "list-test", "--format", "csv"])
    assert as_csv.output.splitlines()[0].startswith("seq,at,username,action")
    table = runner.invoke(app, ["audit", "list", "--db", str(STORE), "--user", "list-test"])
    assert table.exit_code == 0 and "download_children" in table.output


def test_the_audit_page_filters_and_exports(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    audit.record("page-test", "view_children", "/y/", children=1)
    client = client_for(accounts.admin)
    page = client.get("/audit/?user=page-test")
    assert page.status_code == 200
    assert [r["username"] for r in page.context["rows"]] == ["page-test"]
    exported = client.get("/audit/?user=page-test&format=json")
    assert exported["Content-Disposition"].startswith("attachment")
    assert json.loads(exported.content)[0]["page"] == "/y/"


def test_the_audit_filter_offers_every_action_in_words(accounts: Accounts, client_for: Any) -> None:
    """It had offered raw codes, and not "download_lists" (all the managers' lists in one file) at all."""
    from cscperf.web.views_admin import ACTIONS

    recorded = {"view_children", "download_children", "view_list", "download_list", "download_lists",
                "download_rejects", "load", "sign_in", "sign_in_failed", "sign_out"}  # fmt: skip
    assert set(ACTIONS) == recorded
    page = client_for(accounts.admin).get("/audit/").content.decode()
    assert '<option value="download_lists">Downloaded all the managers&#x27; lists</option>' in page
