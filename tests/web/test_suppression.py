"""Members see aggregate figures only, with small counts withheld ("fewer than 5") and secondary suppression,
so a withheld cell cannot be worked out from the total."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from cscperf.disclosure import DisclosurePolicy
from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.web.figures import _breakdown_rows

from .conftest import Accounts, WebStore

OCT = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def _point(group: str, numerator: float, denominator: float) -> Point:
    value = round(100 * numerator / denominator) if denominator else None
    return Point("001", *OCT, numerator, denominator, value, int(denominator), group)


def test_breakdown_cells_worked_by_hand() -> None:
    # Visits in time by team:    A 20 of 25 (80%), B 3 of 4, C 7 of 9, D 0 of 6.
    # Numerators: B (3) is under 5, so withheld; it alone is withheld, so the next smallest non-zero
    #   numerator, C (7), is withheld too (else B = total - A - C - D).
    # Denominators: B (4) is under 5; alone, so the next smallest, D (6), is withheld too.
    # Shown: A in full; B, C and D as "fewer than 5" (their cells withheld whole). Zero is never withheld.
    points = [_point("A", 20, 25), _point("B", 3, 4), _point("C", 7, 9), _point("D", 0, 6)]
    visits = load_library()["cp_visits_in_time"]
    rows, any_hidden = _breakdown_rows(visits, points, DisclosurePolicy())
    shown = {r.group: (r.numerator.text, r.denominator.text if r.denominator else None, r.value.text) for r in rows}
    assert any_hidden
    assert shown["A"] == ("20", "25", "80%")
    for group in "BCD":
        assert shown[group] == ("fewer than 5",) * 3
    staff, hidden = _breakdown_rows(visits, points, None)
    assert not hidden and [r.numerator.text for r in staff] == ["20", "3", "7", "0"]


def test_a_threshold_of_10_withholds_more() -> None:
    points = [_point("A", 20, 40), _point("B", 6, 18), _point("C", 12, 30)]
    rows, _ = _breakdown_rows(load_library()["cp_visits_in_time"], points, DisclosurePolicy(threshold=10))
    # B's 6 is under 10; C (12) is the next smallest numerator and goes too. (The children not visited, 20, 12
    # and 18, and the denominators are all 10 or more, so nothing else is withheld.)
    assert [r.numerator.text for r in rows] == ["20", "fewer than 10", "fewer than 10"]


def test_members_pages_show_no_small_counts(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.member)
    page = client.get("/indicators/cp_visits_in_time/")
    assert page.status_code == 200
    breakdowns = page.context["page"].breakdowns
    assert {b.dimension for b in breakdowns} == {"team", "age_band", "sex", "ethnicity"}  # no worker for members
    for b in breakdowns:
        for row in b.rows:
            for cell in (row.numerator, row.denominator):
                if cell is not None and not cell.suppressed:
                    number = float(cell.text.replace(",", ""))
                    assert number == 0 or number >= 5, f"{b.dimension} {row.group}: {cell.text}"
    assert any(b.suppressed_any for b in breakdowns)
    html = page.content.decode().replace("2 of 3", "")  # the name of an SPC rule, not a count
    assert "fewer than 5" in html
    assert not re.search(r"\(\d+ of \d+", html)  # no "n of d" for members
    analyst = client_for(accounts.analyst).get("/indicators/cp_visits_in_time/")
    assert not any(b.suppressed_any for b in analyst.context["page"].breakdowns)


def test_members_cannot_filter_by_team(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    client = client_for(accounts.member)
    assert client.get("/?team=Family+Safeguarding+Team+1").status_code == 403
    assert b'id="team"' not in client.get("/").content


def test_a_figure_on_a_small_count_reads_fewer_than_5_for_members(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    staff = client_for(accounts.analyst).get("/")
    member = client_for(accounts.member).get("/")
    small = [f for _, rows in staff.context["board"].groups() for f in rows if 0 < (f.latest.numerator or 0) < 5]
    assert small, "the test store should have a small count to withhold"
    shown = {f.indicator.id: f for _, rows in member.context["board"].groups() for f in rows}
    for f in small:
        assert shown[f.indicator.id].latest.value is None
    html = member.content.decode()
    for f in small:
        row = html[html.index(f.indicator.title) :][:2000]
        assert "fewer than 5" in row


def test_members_charts_carry_no_counts(web_store: WebStore, accounts: Accounts, client_for: Any) -> None:
    page = client_for(accounts.member).get("/indicators/cp_second_or_subsequent/").context["page"]
    for point in page.chart.main.points:
        assert point.numerator is None and point.denominator is None
    assert not any(re.search(r"\\d+ of \\d+", note) for note in page.chart.notes)
    assert not re.search(r"\\(\\d+ of \\d+\\)", page.spec.get("description", ""))
    staff = client_for(accounts.analyst).get("/indicators/cp_second_or_subsequent/").context["page"]
    small = [p.label for p in staff.chart.main.points if p.numerator is not None and 0 < p.numerator < 5]
    assert small, "the test store should have a month resting on a small count"
    shown = {row[0]: row[1] for row in page.table_rows}
    for label in small:
        assert shown[label] == "fewer than 5"
        assert next(p for p in page.chart.main.points if p.label == label).value is None


def test_one_group_withheld_alone_takes_a_second_even_where_the_others_missed_nobody() -> None:
    # CLA reviews in time by sex: Female 31 of 31 (100%), Male 16 of 20. Male's children not counted (4) are
    # under 5, so Male is withheld. Numerators (31, 16) and denominators (31, 20) are all 5 or more, and
    # Female's children not counted are 0, which no column's secondary suppression takes. Female alone shown
    # beside the council's 47 of 51 would give Male as 16 of 20, so Female is withheld too.
    points = [_point("F", 31, 31), _point("M", 16, 20)]
    rows, _ = _breakdown_rows(load_library()["cla_reviews_in_time"], points, DisclosurePolicy())
    assert [(r.group, r.numerator.text, r.value.text) for r in rows] == [
        ("F", "fewer than 5", "fewer than 5"),
        ("M", "fewer than 5", "fewer than 5"),
    ]
    # With a third group, the smallest of the others (by its denominator) is the second withheld: C (12).
    points = [_point("A", 40, 40), _point("B", 16, 20), _point("C", 12, 12)]
    rows, _ = _breakdown_rows(load_library()["cla_reviews_in_time"], points, DisclosurePolicy())
    assert [r.group for r in rows if r.value.suppressed] == ["B", "C"]


def test_members_chart_tables_withhold_small_counts_in_every_column(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """The counts given beside a chart (children starting care beside those in care) had been shown whole to
    members, and a measure judged on 12 months showed its 12-month counts, from which a withheld month could be
    worked out by subtraction."""
    for indicator in ("cla_open", "cla_rate_per_10k", "cla_ceased"):
        page = client_for(accounts.member).get(f"/indicators/{indicator}/").context["page"]
        counts = [i for i, h in enumerate(page.table_headers) if h.endswith("(number)") and "Mean" not in h]
        assert counts, indicator
        cells = [row[i] for row in page.table_rows for i in counts]
        for cell in cells:
            if cell not in ("fewer than 5", "withheld", "", "–", "-", "not available"):
                number = float(cell.replace(",", ""))
                assert number == 0 or number >= 5, (indicator, cell)
        assert "fewer than 5" in cells, f"the test store should have a small count on {indicator}'s page"
        starts = page.table_headers.index("Children starting care (number)")
        leaves = page.table_headers.index("Children leaving care (number)")
        for row in page.table_rows:  # one flow withheld, the other too: else the children in care give it
            assert (row[starts] in ("fewer than 5", "withheld")) == (row[leaves] in ("fewer than 5", "withheld")), row
    page = client_for(accounts.member).get("/indicators/cp_second_or_subsequent/").context["page"]
    assert page.chart.rolling is not None
    assert all(p.numerator is None and p.denominator is None for p in page.chart.rolling.points)
    assert not any("12 months" in h and "(%)" not in h for h in page.table_headers[1:] if "Mean" not in h)
    staff = client_for(accounts.analyst).get("/indicators/cp_second_or_subsequent/").context["page"]
    assert any("in 12 months" in h for h in staff.table_headers)  # the analyst still has the counts


def test_members_dashboard_withholds_starts_and_leavers_together(
    web_store: WebStore, accounts: Accounts, client_for: Any
) -> None:
    """In care at the month end, the month before, and the leavers would give a withheld count of starts."""
    from cscperf.web.figures import for_members

    board = client_for(accounts.analyst).get("/").context["board"]
    policy = DisclosurePolicy()
    member = for_members(board, policy)
    started, ceased = board.figures["cla_started"], board.figures["cla_ceased"]
    small = {p.period_end for f in (started, ceased) for p in f.points if policy.is_small(p.numerator)}
    assert small, "the test store should have a month with few children starting or leaving care"
    for indicator in ("cla_started", "cla_ceased"):
        for p in member.figures[indicator].points:
            if p.period_end in small:
                assert p.value is None, (indicator, p.period_end)
