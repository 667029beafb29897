"""The managers' lists in the web service, on the synthetic councils' store and the real lists package: the
same rows as `cscperf lists` computes (checked against the engine's own team, worker and look-ahead
filters), a manager's teams only, "not available" with the reason (never an empty list), the Excel workbook,
one audit record per view or download, and plain answers to a bad query."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from cscperf.lists import Lists, compute_lists
from cscperf.store.database import open_store
from cscperf.web.models import AuditRecord

from .conftest import TEAM, Accounts, WebStore

LIST = "cp_plan_9_months"  # looks ahead, and has children in several teams on the synthetic store


def _engine(web_store: WebStore, **options: Any) -> Lists:
    """The lists as the command line computes them (the engine's own filters), for the first council."""
    con = open_store(web_store.path, read_only=True)
    try:
        day = dt.date.fromisoformat(options.pop("as_at", web_store.data_end))
        return compute_lists(con, web_store.la_codes[0], day, **options)
    finally:
        con.close()


def _people(page: Any) -> list[str]:
    return [row[0] for row in page.context["shown"].rows]


def test_a_list_shows_the_rows_the_engine_computes(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    page = client_for(accounts.analyst).get(f"/lists/{LIST}/")
    assert page.status_code == 200
    expected = _engine(web_store, ids=[LIST]).results[0]
    assert len(expected.rows) > 1
    assert _people(page) == [r.person_id for r in expected.rows]  # the engine's order: most overdue first
    shown = page.context["shown"]
    assert shown.headings[:3] == ["Child", "Worker", "Team"]
    assert (shown.overdue, shown.due) == (expected.count("overdue"), expected.count("due"))
    assert f"{shown.overdue} overdue, {shown.due} due by" in page.content.decode()


def test_a_manager_sees_only_their_teams(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.manager)
    expected = _engine(web_store, ids=[LIST], team=TEAM).results[0]  # the engine's own team filter
    page = client.get(f"/lists/{LIST}/")
    assert page.status_code == 200
    assert _people(page) == [r.person_id for r in expected.rows]
    assert {row[2] for row in page.context["shown"].rows} <= {TEAM}
    everyone = _engine(web_store, ids=[LIST]).results[0]
    assert len(everyone.rows) > len(expected.rows)  # so the limit is seen to work
    assert client.get(f"/lists/{LIST}/?team=Assessment+Team+1").status_code == 403
    book = load_workbook(io.BytesIO(client.get(f"/lists/{LIST}/download/").content))
    sheet = book[LIST]
    teams = {row[2] for row in sheet.iter_rows(min_row=3, values_only=True) if row[0]}
    assert teams == {TEAM}
    index = client.get("/lists/")
    counts = {s.info.id: (s.overdue, s.due) for s in index.context["summaries"]}
    assert counts[LIST] == (expected.count("overdue"), expected.count("due"))


def test_members_and_managers_without_a_team_see_no_list(accounts: Accounts, client_for: Any) -> None:
    assert client_for(accounts.member).get("/lists/").status_code == 403
    assert client_for(accounts.member).get(f"/lists/{LIST}/").status_code == 403
    teamless = client_for(accounts.teamless)
    index = teamless.get("/lists/")
    assert index.status_code == 200 and "No team has been given to your account" in index.content.decode()
    assert "summaries" not in index.context
    assert teamless.get(f"/lists/{LIST}/").status_code == 403


def test_the_index_counts_every_list_as_the_engine_does(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    page = client_for(accounts.analyst).get("/lists/")
    expected = _engine(web_store)
    summaries = page.context["summaries"]
    assert [s.info.id for s in summaries] == [r.id for r in expected.results]
    for s, r in zip(summaries, expected.results, strict=True):
        assert (s.available, s.overdue, s.due) == (r.available, r.count("overdue"), r.count("due"))
    assert f'href="/lists/{LIST}/?la={web_store.la_codes[0]}' in page.content.decode()


DAY_TOO_EARLY = "2023-12-15"  # six weeks into the synthetic data: too soon for a 3-month visit interval


def test_a_list_the_data_cannot_support_says_not_available_and_why(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    expected = _engine(web_store, ids=["cla_visits_overdue"], as_at=DAY_TOO_EARLY).results[0]
    assert not expected.available and expected.reason
    client = client_for(accounts.analyst)
    before = AuditRecord.objects.count()
    page = client.get(f"/lists/cla_visits_overdue/?as_at={DAY_TOO_EARLY}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Not available" in html and expected.reason in html
    assert "This does not mean no one is on the list" in html
    assert "No one is on this list" not in html and "<tbody" not in html
    assert "Download as Excel" not in html
    assert AuditRecord.objects.count() == before + 1
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry is not None and entry.children == 0 and expected.reason in entry.detail["not_available"]
    download = client.get(f"/lists/cla_visits_overdue/download/?as_at={DAY_TOO_EARLY}")
    assert download.status_code == 200 and download["Content-Type"].startswith("text/html")
    assert expected.reason in download.content.decode()
    index = client.get(f"/lists/?as_at={DAY_TOO_EARLY}")
    shown = {s.info.id: s for s in index.context["summaries"]}
    assert not shown["cla_visits_overdue"].available and shown["cla_visits_overdue"].reason == expected.reason
    assert "not available" in index.content.decode()


def test_the_look_ahead_is_the_engines(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.analyst)
    for days in (0, 60):
        expected = _engine(web_store, ids=[LIST], look_ahead_days=days).results[0]
        page = client.get(f"/lists/{LIST}/?look_ahead={days}")
        assert _people(page) == [r.person_id for r in expected.rows]
        assert page.context["shown"].due == expected.count("due")
    assert _engine(web_store, ids=[LIST], look_ahead_days=0).results[0].count("due") == 0
    assert _engine(web_store, ids=[LIST], look_ahead_days=60).results[0].count("due") > 0
    assert 'value="60"' in page.content.decode()  # the form shows what was asked


def test_the_worker_filter_is_the_engines(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.analyst)
    options = client.get(f"/lists/{LIST}/").context["worker_options"]
    assert len(options) > 1
    value, _label = options[0]
    expected = _engine(web_store, ids=[LIST], worker=value).results[0]
    page = client.get(f"/lists/{LIST}/?worker={value}")
    assert page.status_code == 200
    assert _people(page) == [r.person_id for r in expected.rows] and expected.rows
    assert page.context["choice"].worker == value


def test_compared_with_an_earlier_day(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    since = (dt.date.fromisoformat(web_store.data_end) - dt.timedelta(days=28)).isoformat()
    expected = _engine(web_store, ids=[LIST], since=dt.date.fromisoformat(since)).results[0]
    page = client_for(accounts.analyst).get(f"/lists/{LIST}/?since={since}")
    shown = page.context["shown"]
    assert shown.headings[-1].startswith("Since ")
    assert [row[-1] for row in shown.rows] == [r.change for r in expected.rows]
    assert {"new", "continuing"} >= {row[-1] for row in shown.rows}
    assert [row[0] for row in shown.left] == [x.person_id for x in expected.left]
    assert "No longer on the list since" in page.content.decode()


def test_the_workbook_is_the_lists_own(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    response = client_for(accounts.analyst).get(f"/lists/{LIST}/download/?look_ahead=60")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{LIST}-{web_store.data_end}.xlsx"'
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", LIST]
    expected = _engine(web_store, ids=[LIST], look_ahead_days=60).results[0]
    children = [row[0] for row in book[LIST].iter_rows(min_row=3, values_only=True) if row[0]]
    assert children == [r.person_id for r in expected.rows]
    about = [c for row in book["About"].iter_rows(values_only=True) for c in row if c]
    assert "60 days: things falling due by" in " ".join(str(c) for c in about)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("look_ahead=soon", "The look-ahead is a whole number of days"),
        ("look_ahead=400", "The look-ahead is a whole number of days"),
        ("since=2099-01-01", "must be before the day the list is for"),
        ("since=last+week", "not written YYYY-MM-DD"),
        ("team=NOBODY-AT-ALL", "has no team by that name"),
        ("worker=NOBODY-AT-ALL", "has no worker with that id or name"),
        ("as_at=2040-01-01", "choose a day within them"),
    ],
)
def test_a_bad_query_is_explained(accounts: Accounts, client_for: Any, query: str, words: str) -> None:
    response = client_for(accounts.analyst).get(f"/lists/{LIST}/?{query}")
    assert response.status_code == 400
    assert words in response.content.decode()
    assert "NOBODY-AT-ALL" not in response.content.decode()  # what was typed is not echoed


def test_an_unknown_list_is_not_found(accounts: Accounts, client_for: Any) -> None:
    assert client_for(accounts.analyst).get("/lists/no_such_list/").status_code == 404


def test_every_list_in_one_workbook_with_counts_per_team(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """The head of service's weekly file (`cscperf lists --by team --format xlsx`), for a manager's teams only,
    audited once."""
    since = (dt.date.fromisoformat(web_store.data_end) - dt.timedelta(days=7)).isoformat()
    client = client_for(accounts.manager)
    index = client.get(f"/lists/?since={since}").content.decode()
    assert f'href="/lists/download/?la={web_store.la_codes[0]}' in index
    before = AuditRecord.objects.count()
    response = client.get(f"/lists/download/?since={since}")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="lists-{web_store.data_end}.xlsx"'
    assert AuditRecord.objects.count() == before + 1
    entry = AuditRecord.objects.order_by("-seq").first()
    assert entry is not None and entry.action == "download_lists" and entry.detail["teams"] == [TEAM]
    book = load_workbook(io.BytesIO(response.content))
    expected = _engine(web_store, team=TEAM, since=dt.date.fromisoformat(since))
    assert book.sheetnames[:2] == ["About", "By team"]
    assert {r.id[:31] for r in expected.results} <= set(book.sheetnames)
    teams = {row[0] for row in book["By team"].iter_rows(min_row=3, values_only=True) if row[0]}
    assert teams == {TEAM}
    children = {x.person_id for r in expected.results if r.definition.subject == "child" for x in (*r.rows, *r.left)}
    assert entry.children == len(children) > 0
    assert "Left since" in book.sheetnames


def test_the_lists_counts_are_computed_before_anyone_asks(
    web_store: WebStore, accounts: Accounts, client_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The service's warm-up computes each council's lists' counts as an analyst first sees them, under the key
    the page then finds them by."""
    from cscperf.web import views_lists
    from cscperf.web.figures import CACHE
    from cscperf.web.warm import warm_lists

    CACHE.clear()
    monkeypatch.setattr("cscperf.web.figures._shared_cache", lambda: None)  # this process's cache alone
    assert warm_lists() == len(web_store.la_codes)

    def not_again(*args: Any) -> Any:
        raise AssertionError("the lists were computed again")

    monkeypatch.setattr(views_lists, "_summaries", not_again)
    for code in web_store.la_codes:
        assert client_for(accounts.analyst).get(f"/lists/?la={code}").status_code == 200


def test_not_available_is_said_once() -> None:
    from cscperf.web.lists_seam import _not_available

    reason = "not available from the data loaded: CP visits come from the case system's SSD extract"
    assert _not_available(reason) == reason
    assert _not_available("the data end on 31 October 2026") == "not available: the data end on 31 October 2026"
    assert _not_available(None) == "not available"


def test_a_caseload_is_over_the_target_not_overdue(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.analyst)
    expected = _engine(web_store, ids=["caseloads_over_target"]).results[0]
    assert expected.count("overdue") > 0
    html = client.get("/lists/caseloads_over_target/").content.decode()
    assert f"{expected.count('overdue')} over the target." in html and "overdue" not in html.lower()
    assert "This list holds social workers' details" in html and "children's details" not in html
    shown = client.get("/lists/caseloads_over_target/").context["shown"]
    assert shown.headings[2] == "Status" and {row[2] for row in shown.rows} == {"Over the target"}
    index = client.get("/lists/").content.decode()
    assert "Overdue or over the target</th>" in index
