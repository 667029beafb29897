"""Every URL of the URL table x every role -> the status it must give, generated from the table, so a page
cannot be added without its rule. The expectations are written out by hand below (not derived from the
roles module), so a permission given to the wrong role fails here."""

from __future__ import annotations

from typing import Any

import pytest

from cscperf.web.urls import PAGES

from .conftest import Accounts, WebStore

ROLES = ("anonymous", "admin", "analyst", "manager", "member", "teamless")

# page name -> the roles that get 200 (everyone else: 403; anonymous: sent to /login/).
ALLOWED: dict[str, set[str]] = {
    "dashboard": {"admin", "analyst", "manager", "member", "teamless"},
    "indicator": {"admin", "analyst", "manager", "member", "teamless"},
    "children": {"analyst", "manager"},
    "children_download": {"analyst", "manager"},
    "lists": {"analyst", "manager", "teamless"},
    "lists_download": {"analyst", "manager"},
    "list": {"analyst", "manager"},
    "list_download": {"analyst", "manager"},
    "reports": {"analyst", "manager", "member", "teamless"},
    "loads": {"analyst"},
    "load": {"analyst"},
    "rejects_download": {"analyst"},
    "audit": {"admin"},
    "users": {"admin"},
}
# open pages: (status when anonymous, when signed in). Signed in, /login/ goes on to the dashboard; /logout/ asks
# to confirm (anonymous: back to /login/).
PUBLIC = {"login": (200, 302), "healthz": (200, 200), "logout": (302, 200)}


def test_every_page_has_its_rule() -> None:
    named = {p.name for p in PAGES}
    assert named == set(ALLOWED) | set(PUBLIC), "a page was added to the URL table without its row here"
    for page in PAGES:
        assert (page.permission is None) == (page.name in PUBLIC)


def _load_id(web_store: WebStore) -> str:
    from cscperf.loading.history import load_history
    from cscperf.store.database import open_store

    con = open_store(web_store.path, read_only=True)
    try:
        return str(load_history(con)[0]["load_id"])
    finally:
        con.close()


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(page: Any, role: str, web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    name = None if role == "anonymous" else getattr(accounts, role)
    client = client_for(name)
    example = dict(page.example)
    if "load_id" in example:
        example["load_id"] = _load_id(web_store)
    url = page.url(**example) if example else page.url()
    response = client.get(url)
    if page.name in PUBLIC:
        anonymous, signed_in = PUBLIC[page.name]
        assert response.status_code == (anonymous if role == "anonymous" else signed_in)
        return
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/login/?next=")
        return
    expected = 200 if role in ALLOWED[page.name] else 403
    assert response.status_code == expected, f"{role} on {url}"
    if expected == 403:
        assert b"You do not have access to this page" in response.content


def test_disabled_account_cannot_sign_in(accounts: Accounts, client_for: Any) -> None:
    from .conftest import PASSWORD

    client = client_for(None)
    response = client.post("/login/", {"username": accounts.disabled, "password": PASSWORD})
    assert response.status_code == 200  # the form again, with its error
    assert b"Enter a correct user name and password" in response.content
    assert client.get("/").status_code == 302


def test_a_disabled_accounts_session_ends_at_its_next_request(web_store: WebStore, accounts: Accounts) -> None:
    from django.contrib.auth.models import User
    from django.test import Client

    from cscperf.web.accounts import add_user, set_active

    from .conftest import PASSWORD

    name = "t_soon_disabled"
    if not User.objects.filter(username=name).exists():
        add_user(name, ["analyst"], PASSWORD, teams=[], la_code=None)
    client = Client()
    assert client.post("/login/", {"username": name, "password": PASSWORD}).status_code == 302
    assert client.get("/lists/").status_code == 200
    set_active(name, False)
    try:
        response = client.get("/lists/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
    finally:
        set_active(name, True)


def test_an_account_limited_to_one_council_sees_only_it(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    client = client_for(accounts.other_council)
    mine, other = web_store.la_codes[1], web_store.la_codes[0]
    assert client.get(f"/?la={mine}").status_code == 200
    assert client.get(f"/?la={other}").status_code == 403
    assert client.get(f"/indicators/cp_visits_in_time/children/?la={other}").status_code == 403


def test_a_manager_sees_only_their_teams_children(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    from .conftest import TEAM

    client = client_for(accounts.manager)
    page = client.get("/indicators/cp_visits_in_time/children/")
    assert page.status_code == 200
    teams = {row[3] for row in page.context["rows"]}
    assert teams <= {TEAM}
    assert client.get("/indicators/cp_visits_in_time/children/?team=Assessment+Team+1").status_code == 403
    analyst = client_for(accounts.analyst).get("/indicators/cp_visits_in_time/children/")
    assert len(analyst.context["rows"]) > len(page.context["rows"])
