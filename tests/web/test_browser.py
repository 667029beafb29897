"""The web service as people use it, in a real browser: each role's journey (sign in, dashboard, an
indicator, its children, a list, the Excel and report downloads), axe-core on every page type, a keyboard-only
journey, charts drawn under the Content-Security-Policy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from .browser import axe_violations, launch, require_browser, serve, sign_in
from .conftest import PASSWORD, STORE, TEAM, Accounts, WebStore

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # slow: started before the short files (conftest.py)


@pytest.fixture(scope="module")
def base(web_store: WebStore, accounts: Accounts) -> Iterator[str]:
    require_browser()
    yield from serve(STORE, dict(os.environ))


@pytest.fixture(scope="module")
def browser(base: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    tab.problems = problems
    yield tab
    context.close()
    assert not problems, problems  # no script errors, no CSP violations, no failed requests


NINE_MONTHS = "Child protection plans at 9 months without a senior manager review"


def _indicator(page: Any, base: str) -> None:
    page.click("text=Child protection visits in time")
    page.wait_for_selector("#chart-main[data-rendered='true']", timeout=15000)
    assert page.locator("#chart-main svg").count() == 1
    assert page.locator("table caption", has_text="The figures in the chart").count() == 1


def test_analyst_journey(page: Any, base: str, accounts: Accounts) -> None:
    sign_in(page, base, accounts.analyst, PASSWORD)
    assert page.title().startswith("Dashboard:")
    assert page.locator("table.govuk-table").count() >= 4
    _indicator(page, base)
    page.click("text=behind the latest figure")
    assert "children" in page.url and page.locator("tbody tr").count() > 1
    with page.expect_download() as download:
        page.click("text=Download as Excel")
    assert download.value.suggested_filename.endswith("-children.xlsx")
    page.goto(base + "/lists/")
    page.click(f"text={NINE_MONTHS}")
    assert page.locator("h1").inner_text() == NINE_MONTHS
    assert page.locator("tbody tr").count() > 1
    with page.expect_download() as listed:
        page.click("text=Download as Excel")
    assert listed.value.suggested_filename.startswith("cp_plan_9_months-")
    page.click("text=Back to the lists")
    with page.expect_download() as every:
        page.click("text=Download every list as Excel")
    assert every.value.suggested_filename.startswith("lists-")
    page.goto(base + "/reports/")
    page.check("#format-html")
    with page.expect_download(timeout=120000) as report:
        page.click("text=Write and download")
    assert report.value.suggested_filename.endswith("report.html")


def test_manager_journey(page: Any, base: str, accounts: Accounts) -> None:
    sign_in(page, base, accounts.manager, PASSWORD)
    _indicator(page, base)
    page.click("text=behind the latest figure")
    teams = set(page.locator("tbody tr td:nth-child(4)").all_inner_texts())
    assert teams <= {TEAM}
    with page.expect_download() as download:
        page.click("text=Download as Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.goto(base + "/lists/")
    page.fill("#look_ahead", "60")
    page.click("button:has-text('Show')")
    page.click(f"text={NINE_MONTHS}")
    assert page.locator("#look_ahead").input_value() == "60"  # the choice carried to the list
    teams = set(page.locator("tbody tr td:nth-child(3)").all_inner_texts())
    assert teams == {TEAM}  # only their team's children
    page.goto(base + "/reports/")
    page.check("#format-xlsx")
    with page.expect_download(timeout=120000) as report:
        page.click("text=Write and download")
    assert report.value.suggested_filename.endswith("kpis.xlsx")


def test_member_journey(page: Any, base: str, accounts: Accounts) -> None:
    sign_in(page, base, accounts.member, PASSWORD)
    assert page.locator("#team").count() == 0
    _indicator(page, base)
    assert page.locator("text=behind the latest figure").count() == 0
    assert "fewer than 5" in page.content()
    response = page.goto(base + "/indicators/cp_visits_in_time/children/")
    assert response is not None and response.status == 403
    page.problems.clear()  # the 403 is what we asked for
    assert page.locator("h1").inner_text() == "You do not have access to this page"
    page.goto(base + "/reports/")
    assert page.locator("#format-xlsx").count() == 0
    assert page.locator("#format-pdf").count() == 1
    page.check("#format-html")
    with page.expect_download(timeout=120000) as report:
        page.click("text=Write and download")
    assert report.value.suggested_filename.endswith("report.html")


def test_admin_journey(page: Any, base: str, accounts: Accounts) -> None:
    sign_in(page, base, accounts.admin, PASSWORD)
    page.click("text=Audit log")
    assert "chain" in page.locator("main").inner_text()
    page.fill("#user", accounts.analyst)
    page.click("text=Filter")
    assert page.locator("tbody tr").count() >= 1
    with page.expect_download() as exported:
        page.click("text=CSV")
    assert exported.value.suggested_filename == "audit.csv"
    page.click("text=Users")
    assert page.locator("tbody tr").count() >= 4
    page.click("text=Sign out")
    page.click("button:has-text('Sign out')")
    assert page.url.endswith("/login/")


PAGE_TYPES = {
    "analyst": ["/", "/indicators/cp_visits_in_time/", "/indicators/cp_visits_in_time/children/", "/lists/",
                "/lists/cp_plan_9_months/?since=2026-10-01", "/lists/cla_visits_overdue/?as_at=2023-12-15",
                "/reports/", "/loads/", "/loads/{load_id}/", "/?la=999", "/?as_at=2040-01-31", "/indicators/nope/",
                "/logout/"],
    "admin": ["/audit/", "/users/"],
    "member": ["/indicators/cla_rate_per_10k/", "/loads/"],
}  # fmt: skip


def _load_id() -> str:
    from cscperf.loading.history import load_history
    from cscperf.store.database import open_store

    con = open_store(STORE, read_only=True)
    try:
        return str(load_history(con)[0]["load_id"])
    finally:
        con.close()


@pytest.mark.parametrize("role", sorted(PAGE_TYPES))
def test_accessibility_of_every_page_type(browser: Any, base: str, accounts: Accounts, role: str) -> None:
    """Sign-in, every page (dashboard, indicator, children, lists, a list, one not available, reports, loads,
    a load, audit, users, sign-out) and the problem pages (400, 403, 404): no serious or critical violation."""
    context = browser.new_context(bypass_csp=True)  # to inject axe-core, which the policy would rightly refuse
    page = context.new_page()
    try:
        page.goto(base + "/login/")
        found = {"/login/": axe_violations(page)}
        sign_in(page, base, getattr(accounts, role), PASSWORD)
        for path in PAGE_TYPES[role]:
            path = path.replace("{load_id}", _load_id())
            page.goto(base + path)
            if "/indicators/" in path and "children" not in path and "nope" not in path:
                page.wait_for_selector("#chart-main[data-rendered]", timeout=15000)
            found[path] = axe_violations(page)
    finally:
        context.close()
    assert not any(found.values()), {p: v for p, v in found.items() if v}


def test_accessibility_of_the_lockout_page(browser: Any, base: str, accounts: Accounts) -> None:
    """The page shown after repeated failed sign-ins (drawn by the app in this process, from an address of its
    own so the served browser tests are not locked out), with the service's styles."""
    from concurrent.futures import ThreadPoolExecutor

    from axes.utils import reset
    from django.conf import settings
    from django.test import Client

    def locked_out() -> Any:  # in a thread of its own: Playwright's event loop runs in this one
        client = Client(REMOTE_ADDR="10.8.8.8")
        try:
            for _ in range(settings.AXES_FAILURE_LIMIT + 1):
                answer = client.post("/login/", {"username": "t_nobody_here", "password": "wrong password here"})
            return answer
        finally:
            reset(username="t_nobody_here")
            reset(ip="10.8.8.8")

    with ThreadPoolExecutor(1) as pool:
        locked = pool.submit(locked_out).result()
    assert locked.status_code == 429
    html = locked.content.decode().replace('href="/static/', f'href="{base}/static/')
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(base + "/healthz")  # the service's origin, so its stylesheet loads
        page.set_content(html, wait_until="load")
        assert page.locator("h1").inner_text() == "This account is locked for now"
        found = axe_violations(page)
    finally:
        context.close()
    assert not found, found


def test_keyboard_only_journey(page: Any, base: str, accounts: Accounts) -> None:
    """Sign in, open an indicator and its children, then a list and its Excel file, with the keyboard alone,
    seeing where the focus is."""
    page.goto(base + "/login/")
    _tab_to(page, "#username")
    page.keyboard.type(accounts.manager)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    _tab_to(page, "a[href^='/indicators/']")
    assert _focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/indicators/**")
    _tab_to(page, "a[href*='/children/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/children/**")
    assert page.locator("h1").inner_text().startswith("The ")
    _tab_to(page, "a[href='/lists/']")
    assert _focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/lists/")
    _tab_to(page, "#look_ahead")
    page.keyboard.press("Control+A")
    page.keyboard.type("60")
    page.keyboard.press("Enter")  # submits the filters
    page.wait_for_url("**look_ahead=60**")
    _tab_to(page, "a[href^='/lists/cp_plan_9_months/']")
    assert _focus_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url("**/lists/cp_plan_9_months/**")
    _tab_to(page, "a[href*='/download/']")
    assert _focus_visible(page)
    with page.expect_download() as listed:
        page.keyboard.press("Enter")
    assert listed.value.suggested_filename.startswith("cp_plan_9_months-")


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"could not reach {selector} with the Tab key")


def _focus_visible(page: Any) -> bool:
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.boxShadow, "
        "s.backgroundColor]; }"
    )
    return style[0] != "none" or style[1] != "none"


def test_the_server_log_holds_no_child_identifier_or_query(page: Any, base: str, accounts: Accounts) -> None:
    """The served pages hold children's identifiers; the server's log lines of those requests do not (nor their
    query strings, which name teams and workers)."""
    import re

    sign_in(page, base, accounts.analyst, PASSWORD)
    seen: set[str] = set()
    for path in ("/indicators/cp_visits_in_time/children/", "/lists/cp_plan_9_months/?look_ahead=60&since=2026-10-01"):
        page.goto(base + path)
        seen |= {t.strip() for t in page.locator("tbody tr td:first-child").all_inner_texts() if t.strip()}
    assert len(seen) > 5
    log = STORE.with_name("serve.log").read_text(encoding="utf-8", errors="replace")
    assert '"GET /lists/cp_plan_9_months/" 200' in log  # the request is logged, without its query
    assert "look_ahead=" not in log and "since=" not in log
    leaked = [child for child in seen if re.search(rf"(?<![\w-]){re.escape(child)}(?![\w-])", log)]
    assert not leaked
