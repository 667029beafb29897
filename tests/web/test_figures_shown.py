"""How figures read on the pages: "not available" with its reason on the dashboard (said once, wrapped in its
cell, never a number); breakdowns in the order and words people read them (age bands youngest first, sex and
ethnicity in words); for members, a percentage's children not counted withheld when few; the shared cache
never serving what an older cscperf made."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from cscperf.disclosure import DisclosurePolicy
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.web import figures
from cscperf.web.figures import _breakdown_rows
from cscperf.web.group_labels import group_label, group_order

from .conftest import Accounts, WebStore

Statement = tuple[str, list[Any]]

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _point(group: str | None, numerator: float, denominator: float) -> Point:
    value = round(100 * numerator / denominator) if denominator else None
    return Point("001", *OCT, numerator, denominator, value, int(denominator), group)


def test_for_members_a_percentage_with_few_children_not_counted_is_withheld() -> None:
    """Visits in time by age band: 10 to 15: 40 of 41 (one child not visited: a count of 1), 5 to 9: 30 of 40
    (10 not visited), 1 to 4: 20 of 30 (10 not), 16 and over: 25 of 31 (6 not). Numerators and denominators are
    all 5 or more, but "40 of 41" says one child of 10 to 15 was not visited in time: withheld. It is the only
    group withheld, so the next smallest number not counted (16 and over, 6) goes too, or the one could be
    worked out from the total. Staff see every figure."""
    points = [_point("10 to 15", 40, 41), _point("5 to 9", 30, 40), _point("1 to 4", 20, 30),
              _point("16 and over", 25, 31)]  # fmt: skip
    visits = load_library()["cp_visits_in_time"]
    rows, hidden = _breakdown_rows(visits, points, DisclosurePolicy(), "age_band")
    shown = {r.group: r.value.text for r in rows}
    assert hidden
    assert shown == {"10 to 15": "fewer than 5", "5 to 9": "75%", "1 to 4": "67%", "16 and over": "fewer than 5"}
    staff, _ = _breakdown_rows(visits, points, None, "age_band")
    assert [r.value.text for r in staff] == ["98%", "75%", "67%", "81%"]


def test_a_count_has_no_children_not_counted() -> None:
    """Contacts by team are counts, not percentages: 40 and 41 are shown (there is no complement)."""
    points = [Point("001", *OCT, n, None, n, int(n), g) for g, n in (("A", 40.0), ("B", 41.0))]
    rows, hidden = _breakdown_rows(load_library()["contacts"], points, DisclosurePolicy(), "team")
    assert not hidden and [r.numerator.text for r in rows] == ["40", "41"]


def test_a_figure_with_nothing_to_measure_says_so_as_the_command_line_does() -> None:
    """A month the data cover with no assessment completed in it: 0 in time of 0, available but no figure. The
    page said a bare "not available"; it says why, in the words `cscperf kpis` uses."""
    from cscperf.indicators.coverage import nothing_to_measure

    assessments = load_library()["assessments_within_45wd"]
    empty = Point("001", *OCT, 0.0, None, None, 0)
    assert empty.available and empty.reason is None
    said = figures.value_text(assessments, empty)
    assert said == "not available (no assessments in the period to measure)"
    assert said == f"not available ({nothing_to_measure(assessments)})"


def test_groups_in_the_order_and_words_people_read() -> None:
    bands = ["1 to 4", "10 to 15", "16 and over", "5 to 9", "Unborn or unknown", "Under 1"]  # as text sorts them
    assert sorted(bands, key=lambda g: group_order("age_band", g)) == [
        "Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "Unborn or unknown"
    ]  # fmt: skip
    assert group_label("ethnicity", "WBRI") == "White British (WBRI)"
    assert group_label("sex", "F") == "Female" and group_label("sex", None) == "Not recorded"
    assert group_label("team", "Assessment Team 1") == "Assessment Team 1"
    codes = ["WBRI", "ABAN", None, "MWAS"]
    assert sorted(codes, key=lambda g: group_order("ethnicity", g))[-1] is None  # a missing value last


def test_the_indicator_page_shows_age_bands_youngest_first_and_ethnicity_in_words(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    page = client_for(accounts.analyst).get("/indicators/cp_visits_in_time/")
    breakdowns = {b.dimension: b for b in page.context["page"].breakdowns}
    bands = [r.group for r in breakdowns["age_band"].rows]
    assert bands == sorted(bands, key=lambda g: group_order("age_band", g))
    assert bands.index("1 to 4") < bands.index("10 to 15")
    html = page.content.decode()
    assert "White British (WBRI)" in html
    assert ">Female<" in html or ">Male<" in html


def test_the_dashboard_says_why_a_figure_is_not_available_once_and_in_its_cell(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """At the council's first month, re-referrals (which look back 12 months) have no figure: the cell says
    "not available" and why, wrapped under it, without "not available (not available ...".)"""
    from cscperf.store.councils import councils
    from cscperf.store.database import open_store

    con = open_store(web_store.path, read_only=True)
    try:
        first = councils(con)[0].month_ends()[-1]
    finally:
        con.close()
    page = client_for(accounts.analyst).get(f"/?as_at={first.isoformat()}")
    assert page.status_code == 200
    html = page.content.decode()
    row = html[html.index("Re-referrals within 12 months") :]
    row = row[: row.index("</tr>")]
    assert re.search(r'<span class="app-not-available app-nowrap">not available</span>'
                     r'<span class="govuk-body-s app-why">[^<]*12 months', row)  # fmt: skip
    assert "not available (not available" not in html
    assert 'app-nowrap">not available (' not in html  # a reason is never kept on one unbroken line


def test_the_shared_cache_key_names_the_code_that_made_the_figures(monkeypatch: Any) -> None:
    key = ("dashboard", "v1")
    before = figures._shared_key(key)
    assert figures.code_fingerprint() in before
    monkeypatch.setattr(figures, "code_fingerprint", lambda: "another-cscperf")
    assert figures._shared_key(key) != before


def test_the_dashboard_shows_the_spc_icons_with_their_words(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """Each indicator whose figures carry an SPC analysis shows its variation (and, with a target, assurance)
    icon on the dashboard: the report's own symbol, hidden from screen readers, and its words beside it."""
    from cscperf.web.spc_seam import icons_for

    page = client_for(accounts.analyst).get("/")
    board = page.context["board"]
    analysed = [f for _title, group in board.groups() for f in group if icons_for(f)]
    assert analysed, "no indicator on the synthetic councils' dashboard carries an SPC analysis"
    html = page.content.decode()
    for f in analysed:
        row = html[html.index(f'href="/indicators/{f.indicator.id}/') :]
        row = row[: row.index("</tr>")]
        for icon in icons_for(f):
            kind = "Variation" if icon.kind == "variation" else "Assurance"
            assert f"{kind}: {icon.words}" in row
            assert icon.svg and 'aria-hidden="true"' in icon.svg and icon.svg in row


def test_analysts_see_every_breakdown_the_issue_names(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    page = client_for(accounts.analyst).get("/indicators/cp_visits_in_time/")
    breakdowns = {b.dimension: b for b in page.context["page"].breakdowns}
    assert set(breakdowns) == {"team", "worker", "age_band", "sex", "ethnicity"}
    assert all(b.rows for b in breakdowns.values())


@pytest.mark.parametrize("indicator_id", ["cp_visits_in_time", "cla_rate_per_10k"])
def test_an_indicator_page_gives_its_chart_table_comparators_definition_and_source(
    indicator_id: str, web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    from django.utils.html import escape

    indicator = load_library()[indicator_id]
    html = client_for(accounts.member).get(f"/indicators/{indicator_id}/").content.decode()
    assert 'id="chart-main"' in html and "The figures in the chart" in html
    for key in ("England", "Statistical neighbours", "Source"):
        assert f'<dt class="govuk-summary-list__key">{key}</dt>' in html
    assert escape(indicator.description) in html
    assert escape(indicator.source) in html


def test_a_teams_rate_per_10000_children_says_why_it_has_none(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """A team has no population of its own, so its rate per 10,000 children has no figure: not "nothing to
    measure" (the team has children looked after), the reason."""
    page = client_for(accounts.analyst).get("/?team=Family+Safeguarding+Team+1")
    assert page.status_code == 200
    rate = page.context["board"].figures["cla_rate_per_10k"]
    said = figures.value_text(rate.indicator, rate.latest)
    assert said == f"not available ({figures.NO_TEAM_RATE})"
    assert "no children looked after in the period to measure" not in page.content.decode()


def test_a_team_the_store_does_not_have_is_a_plain_400_on_every_page(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """It was a server error (500) on an indicator page and an empty child list (200, audited) on the children's
    page; the dashboard said 400. The service itself (the department the teams are under) is not a team: the
    picker no longer offers it."""
    from cscperf.web.pages import teams_of

    assert "Children's Social Care" not in teams_of(web_store.la_codes[0])
    assert "Family Safeguarding Team 1" in teams_of(web_store.la_codes[0])
    analyst = client_for(accounts.analyst)
    for url in ("/", "/indicators/cp_visits_in_time/", "/indicators/cp_visits_in_time/children/"):
        for team in ("Nope", "Not allocated", "Children's Social Care"):
            page = analyst.get(url, {"team": team})
            assert page.status_code == 400, (url, team)
            assert b"has no team by that name" in page.content


def test_every_team_the_picker_offers_has_a_page(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    """A team of the store with no child allocated in the 13 months (a head of service's department) has its
    page: its counts are true zeros and its percentages say there is nothing to measure. It had been refused."""
    from cscperf.web.pages import teams_of

    la = web_store.la_codes[0]
    added = ("INSERT INTO ssd_department (la_code, dept_team_id, dept_team_name) VALUES (?, 'HOS', 'Head of Service')",
             [la])  # fmt: skip
    removed = ("DELETE FROM ssd_department WHERE la_code = ? AND dept_team_id = 'HOS'", [la])
    with _store_changed(web_store, added, removed):
        assert "Head of Service" in teams_of(la)
        assert "Children's Social Care" not in teams_of(la)  # the service above the teams, no child its own
        analyst = client_for(accounts.analyst)
        for url in ("/", "/indicators/cp_visits_in_time/", "/indicators/cp_plans_open/"):
            assert analyst.get(url, {"team": "Head of Service", "la": la}).status_code == 200, url


@contextmanager
def _store_changed(web_store: WebStore, change: Statement, undo: Statement) -> Iterator[None]:
    """The test store with one statement run while the block runs (and undone after it), the service's figures
    computed afresh on each side."""
    from cscperf.store.database import open_store
    from cscperf.web.figures import CACHE

    def run(statement: Statement) -> None:
        con = open_store(web_store.path)
        try:
            con.execute(*statement)
        finally:
            con.close()
        CACHE.clear()

    run(change)
    try:
        yield
    finally:
        run(undo)


def test_a_rate_per_10000_is_not_broken_down_over_the_whole_councils_children(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """By age band, the under-1s' rate had been their count over all the council's children (2 per 10,000), and
    by team the same: neither group has a population in the store. The count is given, and the rate says why
    it is not."""
    page = client_for(accounts.analyst).get("/indicators/cla_rate_per_10k/").context["page"]
    assert page.breakdowns
    for b in page.breakdowns:
        for row in b.rows:
            assert row.value.text.startswith("not available (a rate per 10,000 children needs the group's own"), (
                b.dimension,
                row.value.text,
            )
            assert row.numerator.text.replace(",", "").isdigit()


def test_workforce_measures_are_not_broken_down_by_childrens_age_sex_or_ethnicity(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    for indicator in ("sw_average_caseload", "sw_vacancy_rate"):
        page = client_for(accounts.analyst).get(f"/indicators/{indicator}/").context["page"]
        assert {b.dimension for b in page.breakdowns} <= {"team", "worker"}, indicator
    children = client_for(accounts.analyst).get("/indicators/cp_visits_in_time/").context["page"]
    assert {"age_band", "sex", "ethnicity"} <= {b.dimension for b in children.breakdowns}


def test_a_council_the_store_does_not_hold_is_a_400_not_a_permission_problem(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    analyst = client_for(accounts.analyst)
    for code in ("999", "abc"):
        page = analyst.get("/", {"la": code})
        assert page.status_code == 400
        assert b"holds no council with that code" in page.content
    assert analyst.get("/", {"la": web_store.la_codes[-1]}).status_code == 200
    limited = client_for(accounts.other_council)  # one council's analyst learns nothing of which codes are held
    assert limited.get("/", {"la": "999"}).status_code == 403
    assert limited.get("/", {"la": web_store.la_codes[0]}).status_code == 403


def test_a_department_above_teams_with_children_of_its_own_is_a_team(web_store: WebStore) -> None:
    """A service area with its own allocations appears in the breakdowns by team, so it is offered too."""
    from cscperf.web.pages import teams_of

    la = web_store.la_codes[0]
    added = ("INSERT INTO ssd_involvements (la_code, invo_involvements_id, invo_professional_team) SELECT la_code, "
             "'INV-PARENT', dept_team_id FROM ssd_department WHERE la_code = ? AND dept_team_name = "
             "'Children''s Social Care'", [la])  # fmt: skip
    removed = ("DELETE FROM ssd_involvements WHERE la_code = ? AND invo_involvements_id = 'INV-PARENT'", [la])
    with _store_changed(web_store, added, removed):
        assert "Children's Social Care" in teams_of(la)


def test_a_day_that_does_not_exist_is_called_that(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    page = client_for(accounts.analyst).get("/", {"as_at": "2026-02-30"})
    assert page.status_code == 400 and b"is not a real date: there is no 2026-02-30" in page.content
    page = client_for(accounts.analyst).get("/", {"as_at": "<b>x</b>"})
    assert page.status_code == 400 and b"is not a date written YYYY-MM-DD" in page.content
    assert b"<b>x" not in page.content


def test_a_status_judged_on_12_months_says_so_beside_the_latest_month(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """ "Latest 28.6% ... 22%: on or below target" had judged the 12 months (19.4%), said only under the chart."""
    board = client_for(accounts.analyst).get("/").context["board"]
    judged = [f for _, rows in board.groups() for f in rows if f.basis == "12 months" and f.judged is not f.latest]
    assert judged, "the test store should have a measure judged on 12 months"
    html = client_for(accounts.analyst).get("/").content.decode()
    for f in judged:
        row = html[html.index(f.indicator.title) :][:3000]
        assert "(the 12 months to " in row, f.indicator.id


def test_staff_chart_tables_keep_every_number(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    """The paper's tables withhold small counts; the same tables for analysts (whose charts draw every month) had
    read "fewer than 5" beside a chart point of 4."""
    page = client_for(accounts.analyst).get("/indicators/cla_open/").context["page"]
    column = page.table_headers.index("Children starting care (number)")
    cells = [row[column] for row in page.table_rows]
    assert "fewer than 5" not in cells and "withheld" not in cells
    assert any(c.isdigit() and 0 < int(c) < 5 for c in cells), "the test store should have a month of 1 to 4"
