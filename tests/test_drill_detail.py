"""A drill-down row's detail split into fields (dates as dates, counts as numbers), for lists to sort and
filter; every shape of detail the indicators write is recognised, so none goes unsplit unnoticed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from cscperf.indicators.definition import load_library
from cscperf.indicators.detail import detail_fields, has_fields
from cscperf.indicators.engine import drill
from cscperf.indicators.output import drill_export
from cscperf.indicators.series import series_periods
from cscperf.store.database import open_store

D = dt.date


@pytest.mark.parametrize(("detail", "fields"), [
    ("visited 2026-03-20; previously seen 2026-03-03",
     {"outcome": "visited", "visited_on": D(2026, 3, 20), "previously_seen_on": D(2026, 3, 3)}),
    ("visited, child not seen, 2026-03-18; due by 2026-03-13",
     {"outcome": "visited, child not seen", "visited_on": D(2026, 3, 18), "due_on": D(2026, 3, 13)}),
    ("no visit in time; last seen never (plan started 2026-02-01)",
     {"outcome": "no visit in time", "last_seen_on": None, "plan_started_on": D(2026, 2, 1), "placed_on": None}),
    ("no visit in time; last seen never in this placement (placed 2026-03-05)",
     {"outcome": "no visit in time", "last_seen_on": None, "plan_started_on": None, "placed_on": D(2026, 3, 5)}),
    ("review 14 held 2026-03-10, due by 2026-02-27",
     {"review_number": 14, "held_on": D(2026, 3, 10), "due_on": D(2026, 2, 27)}),
    ("review overdue; last review none", {"outcome": "review overdue", "review_number": None, "which_review": None,
                                          "due_on": None, "last_review_on": None}),
    ("review overdue; review 2 (3 months after review 1) due by 2023-09-01; last review 2023-06-01",
     {"outcome": "review overdue", "review_number": 2, "which_review": "3 months after review 1",
      "due_on": D(2023, 9, 1), "last_review_on": D(2023, 6, 1)}),
    ("review held late; review 1 (first after the ICPC) held 2023-09-05, due by 2023-09-01",
     {"outcome": "review held late", "review_number": 1, "which_review": "first after the ICPC",
      "held_on": D(2023, 9, 5), "due_on": D(2023, 9, 1)}),
    ("reviewed in time; next review 3 (6 months after review 2) due by 2024-08-20",
     {"outcome": "reviewed in time", "review_number": 3, "which_review": "6 months after review 2",
      "held_on": None, "due_on": D(2024, 8, 20)}),
    ("previous referral 2025-02-10", {"previous_referral_on": D(2025, 2, 10)}),
    ("47 working days from referral", {"working_days": 47}),
    ("662 days on the plan", {"days_on_plan": 662}),
    ("368 days", {"plan_days": 368}),
    ("with current carer since unknown", {"carer_since": None}),
    ("16 cases, FTE 0.5", {"cases": 16, "fte": 0.5}),
    ("post FTE 1.0, employed FTE 0.6", {"post_fte": 1.0, "employed_fte": 0.6}),
    ("left 2025-07-27", {"outcome": "left", "left_on": D(2025, 7, 27)}),
    ("Police", {}),  # a category: no fields, the detail stays as it is
    (None, {}),
])  # fmt: skip
def test_each_shape_of_detail_splits_into_typed_fields(detail: str | None, fields: dict[str, object]) -> None:
    assert detail_fields(detail) == fields


def test_the_export_puts_fields_after_the_detail_with_only_the_columns_that_hold_something() -> None:
    rows = [
        {"la_code": "999", "unit_id": "V1", "person_id": "A", "in_numerator": False, "numerator": 0, "denominator": 1,
         "detail": "visited 2026-03-20; previously seen 2026-03-03", "team": "T1", "worker": "W1",
         "age_band": "1 to 4", "sex": "F", "ethnicity": "WBRI"},
        {"la_code": "999", "unit_id": "overdue:P1", "person_id": "B", "in_numerator": False, "numerator": 0,
         "denominator": 1, "detail": "no visit in time; last seen 2026-02-01", "team": None, "worker": None,
         "age_band": "5 to 9", "sex": "M", "ethnicity": "WBRI"},
    ]  # fmt: skip
    headings, values = drill_export(rows)
    assert headings == ["Council", "Unit", "Child", "Counted", "Numerator", "Denominator", "Detail", "Outcome",
                        "Visited on", "Previously seen on", "Last seen on", "Team", "Worker", "Age band", "Sex",
                        "Ethnicity"]  # fmt: skip
    assert values[1][7:11] == ["no visit in time", None, None, D(2026, 2, 1)]


def test_every_detail_the_library_writes_with_a_figure_in_it_is_split(council_store: Path) -> None:
    con = open_store(council_store, read_only=True)
    try:
        period = series_periods(D(2026, 3, 31), 1)[-1]
        for indicator_id in load_library():
            details = {r["detail"] for r in drill(con, indicator_id, period) if r["detail"]}
            unsplit = {d for d in details if re.search(r"\d", d) and not has_fields(d)}
            assert not unsplit, (indicator_id, sorted(unsplit)[:3])
    finally:
        con.close()
