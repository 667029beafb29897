"""The HTML paper in a real browser (Debian's Chromium driven by Playwright, as the web service's tests): axe-core
finds no serious or critical WCAG 2.2 AA violation; at a phone's 375 px each chart gives way to its figures
(a chart cannot be read at that width); at a desktop's width the charts are shown; every table scroller can be
reached with the keyboard and is named."""

from __future__ import annotations

from typing import Any

import pytest

from cscperf.report.writer import Written

from .web.browser import axe_violations, launch, require_browser


@pytest.fixture(scope="module")
def browser() -> Any:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


def test_the_html_paper_passes_axe_and_gives_way_to_tables_on_a_phone(demo_report: Written, browser: Any) -> None:
    url = demo_report.paths["html"].as_uri()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(url)
    assert axe_violations(page) == []
    first = page.locator("section.chart figure").first
    assert first.is_visible()
    page.close()

    phone = browser.new_page(viewport={"width": 375, "height": 800})
    phone.goto(url)
    assert not phone.locator("section.chart figure").first.is_visible()  # the chart gives way...
    assert phone.locator("section.chart table.data").first.is_visible()  # ...to its figures
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375 + 1  # nothing wider than the screen: wide tables scroll inside their own region
    assert axe_violations(phone) == []
    phone.close()


def test_every_table_scroller_is_reached_by_keyboard(demo_report: Written, browser: Any) -> None:
    page = browser.new_page(viewport={"width": 375, "height": 800})
    page.goto(demo_report.paths["html"].as_uri())
    scrollers = page.locator(".scroller")
    assert scrollers.count() >= len(demo_report.content.charts) + 2
    page.keyboard.press("Tab")  # the skip link
    reached: set[str] = set()
    wanted = {"scroller|table-1-caption", "scroller compare-block|table-2-caption"}
    for _ in range(300):
        if wanted <= reached:
            break
        page.keyboard.press("Tab")
        name = page.evaluate("() => document.activeElement.className + '|' + "
                             "(document.activeElement.getAttribute('aria-labelledby') || '')")  # fmt: skip
        if name.startswith("scroller"):
            reached.add(name)
    assert wanted <= reached
    page.close()
