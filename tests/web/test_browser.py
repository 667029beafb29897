"""The web service as people use it, in a real browser: each role's journey (sign in, dashboard, an
indicator, its children, a list, the Excel and report downloads), axe-core on every page type, a keyboard-only
journey, charts drawn under the Content-Security-Policy."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from .browser import axe_violations, launch, require_browser, serve, sign_in
from .conftest import FAKE_LISTS, PASSWORD, STORE, TEAM, Accounts, WebStore

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(web_store: WebStore, accounts: Accounts) -> Iterator[str]:
    require_browser()
    env = dict(os.environ, CSCPERF_WEB_LISTS_MODULE=FAKE_LISTS, PYTHONPATH=str(STORE.parents[0]) + os.pathsep
               + os.environ.get("PYTHONPATH", ""))  # fmt: skip
    env["PYTHONPATH"] = os.pathsep.join([str(_root()), env["PYTHONPATH"]])
    yield from serve(STORE, env)


def _root() -> Any:
    from .browser import ROOT

    return ROOT


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
    page.click("text=CP visits overdue")
    assert page.locator("tbody tr").count() == 2
    with page.expect_download() as listed:
        page.click("text=Download as Excel")
    assert listed.value.suggested_filename.startswith("cp_visits_overdue-")
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
    page.goto(base + "/lists/cp_visits_overdue/")
    assert page.locator("tbody tr").count() == 1  # only their team's child
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
                "/lists/cp_visits_overdue/", "/reports/", "/loads/", "/?la=999"],
    "admin": ["/audit/", "/users/"],
    "member": ["/indicators/cla_rate_per_10k/", "/loads/"],
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(PAGE_TYPES))
def test_accessibility_of_every_page_type(browser: Any, base: str, accounts: Accounts, role: str) -> None:
    context = browser.new_context(bypass_csp=True)  # to inject axe-core, which the policy would rightly refuse
    page = context.new_page()
    try:
        page.goto(base + "/login/")
        found = {"/login/": axe_violations(page)}
        sign_in(page, base, getattr(accounts, role), PASSWORD)
        for path in PAGE_TYPES[role]:
            page.goto(base + path)
            if "/indicators/" in path and "children" not in path:
                page.wait_for_selector("#chart-main[data-rendered]", timeout=15000)
            found[path] = axe_violations(page)
    finally:
        context.close()
    assert not any(found.values()), {p: v for p, v in found.items() if v}


def test_keyboard_only_journey(page: Any, base: str, accounts: Accounts) -> None:
    """Sign in, open an indicator and its children with the keyboard alone, seeing where the focus is."""
    page.goto(base + "/login/")
    _tab_to(page, "#username")
    page.keyboard.type(accounts.analyst)
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
