"""Ofsted Annex A workbooks: the sample, hand-built edge cases, and a round trip through the indicator engine."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from openpyxl import Workbook

from cscperf.indicators.engine import compute
from cscperf.loading.annex_a import FORMAT, collection_year_of
from cscperf.loading.annex_a_lists import (
    LIST_BY_NUMBER,
    list_number_of_sheet,
    map_ethnicity,
    map_need,
    map_sex,
    map_source,
    map_yes_no,
    match_headers,
)
from cscperf.loading.session import load_files
from cscperf.loading.unreadable import UnreadableFile
from cscperf.reporting_periods import ReportingPeriod
from cscperf.store.database import open_store

from .annex_a_writer import HEADERS, write_annex_a
from .conftest import SHARED

SAMPLE = SHARED / "samples" / "annex_a" / "Annex_A_2024_Jan.xlsx"
LA = "874"


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_store(tmp_path / "store.duckdb")
    yield con
    con.close()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def _problems(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute(
        "SELECT source_location, rule, severity, target_table, field_name, field_value, message, raw_record "
        "FROM cscperf_load_rejects ORDER BY reject_number"
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


# ------------------------------------------------------------------------------------------------ helpers


def build_workbook(
    path: Path,
    rows: dict[int, list[list[Any]]] | None = None,
    headers: dict[int, list[str]] | None = None,
    *,
    skip: tuple[int, ...] = (),
    names: dict[int, str] | None = None,
    title_rows: int = 0,
) -> Path:
    """An Annex A workbook with the template headers (or those given) and the rows given per list."""
    book = Workbook()
    default = book.active
    assert default is not None
    book.remove(default)
    for number in range(1, 12):
        if number in skip:
            continue
        sheet = book.create_sheet((names or {}).get(number, f"List {number}"))
        for _ in range(title_rows):
            sheet.append(["Ofsted Annex A", None, "Council"])
        sheet.append((headers or {}).get(number, HEADERS[number]))
        for row in (rows or {}).get(number, []):
            sheet.append(row)
    book.save(path)
    return path


def child(
    child_id: object = "C1", sex: object = "a) Male", ethnicity: object = "a) WBRI", dob: object = dt.date(2015, 3, 1)
) -> list[Any]:
    return [child_id, sex, ethnicity, dob, 9]


def referral(child_id: str, day: object, previous: int = 0) -> list[Any]:
    return [*child(child_id), day, "q) 6: Police", "No", previous, "Duty Team", "Ann Worker"]


# ------------------------------------------------------------------------------------------------ sample


def test_sample_workbook_loads_and_reconciles(store: duckdb.DuckDBPyConnection) -> None:
    summary = load_files(store, [SAMPLE], la_code=LA).as_dict()
    (f,) = summary["files"]
    assert f["format"] == "annex_a"
    assert f["la_code"] == LA
    assert f["collection_year"] == 2021  # latest date in the lists is February 2021: year ending 31 March 2021
    assert f["reconciles"]
    for table, counts in f["tables"].items():
        assert counts["read"] == counts["loaded"] + counts["rejected"], table
    assert f["details"]["rows_per_list"]["List 1"] == 5
    assert _count(store, "ssd_contacts") == 5
    assert _count(store, "ssd_early_help_episodes") == 5
    assert _count(store, "ssd_cin_assessments") == 5
    assert _count(store, "ssd_s47_enquiry") == 5
    assert _count(store, "ssd_cp_plans") == 7
    assert _count(store, "ssd_cla_episodes") == 5
    assert _count(store, "ssd_care_leavers") == 6
    assert _count(store, "ssd_permanence") == 5
    assert f["details"]["not_loaded"]["List 11 (Adopters)"] == 5
    # the council's child id is the person id, as CIN and SSDA903 use it; floats from Excel lose their ".0"
    ids = {r[0] for r in store.execute("SELECT cont_person_id FROM ssd_contacts").fetchall()}
    assert "9212044" in ids
    sources = dict(store.execute("SELECT cont_person_id, cont_contact_source_code FROM ssd_contacts").fetchall())
    assert sources["9212044"] == "6"
    person = store.execute(
        "SELECT pers_sex, pers_ethnicity FROM ssd_person WHERE pers_person_id = '11973218'"
    ).fetchone()
    assert person == ("F", "APKN")
    # every problem is located by sheet and cell (or row)
    problems = _problems(store)
    assert problems
    for p in problems:
        assert p["source_location"].startswith("List ") and "!" in p["source_location"]
    # the unknown primary need spelling is flagged on its cell, the record still loaded
    need = [p for p in problems if p["field_name"] == "Primary Need Code"]
    assert need and need[0]["source_location"] == "List 6!H2" and need[0]["severity"] == "warning"


def test_loading_the_sample_twice_changes_nothing(store: duckdb.DuckDBPyConnection) -> None:
    load_files(store, [SAMPLE], la_code=LA)
    before = _count(store, "ssd_person")
    again = load_files(store, [SAMPLE], la_code=LA).as_dict()
    assert again["files"][0]["skipped"]
    assert _count(store, "ssd_person") == before


# ------------------------------------------------------------------------------------------------ edge cases


def test_header_variants_and_value_spellings(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    contact_headers = ["CHILD ID", "Sex", "Ethnic origin", "DOB", "Age (years)", "Contact date", "Source of contact"]
    rows: dict[int, list[list[Any]]] = {
        1: [
            ["C1", "M", "White British", dt.date(2015, 3, 1), 8, "05/01/2024", "Police"],
            ["C2", "female", "Pakistani", "2016-04-02", 7, 45299, "b) 1B: Individual"],
            ["C3", "Unborn", "s) NOBT", None, None, dt.datetime(2024, 1, 7, 10, 30), "6"],
            [1234.0, "2", "WBRI - White British", None, None, dt.date(2024, 1, 8), "Schools"],
        ],
        3: [referral("C1", dt.date(2024, 1, 5))],
    }
    path = build_workbook(tmp_path / "variants.xlsx", rows, {1: contact_headers})
    summary = load_files(store, [path], la_code=LA).as_dict()
    f = summary["files"][0]
    assert f["details"]["headers_matched"]["List 1"]["contact_source"] == "Source of contact"
    got = {
        r[0]: r[1:]
        for r in store.execute(
            "SELECT cont_person_id, cont_contact_date, cont_contact_source_code FROM ssd_contacts"
        ).fetchall()
    }
    assert got["C1"] == (dt.date(2024, 1, 5), "6")
    assert got["C2"] == (dt.date(2024, 1, 8), "1B")  # Excel serial 45299 = 8 January 2024
    assert got["C3"] == (dt.date(2024, 1, 7), "6")
    assert got["1234"] == (dt.date(2024, 1, 8), "2A")
    people = {
        r[0]: (r[1], r[2])
        for r in store.execute("SELECT pers_person_id, pers_sex, pers_ethnicity FROM ssd_person").fetchall()
    }
    assert people["C1"] == ("M", "WBRI")
    assert people["C2"] == ("F", "APKN")
    assert people["C3"] == ("U", "NOBT")
    assert people["1234"] == ("F", "WBRI")
    assert "Police -> 6" in f["details"]["values_mapped"]["contact_source"]


def test_value_maps() -> None:
    assert map_sex("b) Female") == "F" and map_sex("1 - Male") == "M" and map_sex("Not stated/recorded") == "U"
    assert map_sex("Wibble") is None
    assert map_ethnicity("(A.A1) White - British") == "WBRI"
    assert map_ethnicity("White and Black Caribbean") == "MWBC"
    assert map_ethnicity("Any other Asian background") == "AOTH"
    assert map_ethnicity("Gypsy/Roma") == "WROM"
    assert map_ethnicity("Information not yet obtained") == "NOBT"
    assert map_source("q) 6: Police") == "6" and map_source("j) 3D: Health services") == "3D"
    assert map_source("t) 10: Unknown") == "10" and map_source("Health visitor") == "3B"
    assert map_need("N1 - Abuse or Neglect") == "N1" and map_need("e) Family dysfunction") == "N5"
    assert [map_yes_no(v) for v in ("Yes", "y", "1", 1.0, "a) Yes", "No", "b) No", "N", 0)] == [
        "Y",
        "Y",
        "Y",
        "Y",
        "Y",
        "N",
        "N",
        "N",
        "N",
    ]
    assert map_yes_no("Unknown") is None
    assert list_number_of_sheet("List 1 - Contacts") == 1
    assert list_number_of_sheet("List10") == 10
    assert list_number_of_sheet("Care leavers") == 9
    assert collection_year_of(dt.date(2024, 3, 31)) == 2024 and collection_year_of(dt.date(2024, 4, 1)) == 2025
    found = match_headers(
        LIST_BY_NUMBER[3],
        [
            "Child ID",
            "Gender",
            "Ethnicity",
            "DOB",
            "Referral date",
            "Source of referral",
            "NFA",
            "No. of referrals in last 12 months",
        ],
    )
    assert found == {
        "child_id": 0,
        "sex": 1,
        "ethnicity": 2,
        "dob": 3,
        "referral_date": 4,
        "referral_source": 5,
        "referral_nfa": 6,
        "previous_referrals": 7,
    }


def test_bad_date_rejected_with_its_cell(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    rows = {3: [referral("C1", dt.date(2024, 1, 5)), referral("C2", "31/02/2024"), referral("C3", "soon")]}
    path = build_workbook(tmp_path / "bad_date.xlsx", rows, title_rows=2)
    f = load_files(store, [path], la_code=LA).as_dict()["files"][0]
    assert f["tables"]["ssd_cin_episodes"] == {"read": 3, "loaded": 1, "rejected": 2}
    assert f["reconciles"]
    rejected = [p for p in _problems(store) if p["severity"] == "fatal"]
    # two title rows, then the header on row 3: the bad dates are in column F of rows 5 and 6
    assert [p["source_location"] for p in rejected] == ["List 3!F5", "List 3!F6"]
    assert rejected[0]["rule"] == "date not valid"
    assert rejected[0]["field_name"] == "Date of Referral"
    assert rejected[0]["field_value"] == "31/02/2024"
    assert json.loads(rejected[0]["raw_record"])["Child Unique ID"] == "C2"
    assert [r[0] for r in store.execute("SELECT cine_person_id FROM ssd_cin_episodes").fetchall()] == ["C1"]


def test_unknown_value_flagged_and_record_kept(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    rows = {1: [[*child("C1", sex="Wibble"), dt.date(2024, 1, 5), "Carrier pigeon"]]}
    path = build_workbook(tmp_path / "unknown.xlsx", rows)
    load_files(store, [path], la_code=LA)
    assert _count(store, "ssd_contacts") == 1
    flagged = {p["source_location"]: p for p in _problems(store)}
    assert flagged["List 1!B2"]["rule"] == "unknown value" and flagged["List 1!B2"]["severity"] == "warning"
    assert flagged["List 1!G2"]["field_value"] == "Carrier pigeon"


def test_missing_list_gives_one_message_and_store_unchanged(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    load_files(store, [SAMPLE], la_code=LA)
    before = _count(store, "ssd_person"), _count(store, "cscperf_loads")
    path = build_workbook(tmp_path / "no_list_7.xlsx", {3: [referral("C9", dt.date(2024, 1, 5))]}, skip=(7,))
    with pytest.raises(UnreadableFile) as err:
        load_files(store, [path], la_code=LA)
    message = str(err.value)
    assert "List 7 (Child protection)" in message
    assert "Nothing was loaded" in message
    assert "C9" not in message
    assert (_count(store, "ssd_person"), _count(store, "cscperf_loads")) == before


def test_missing_required_column_is_named(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    headers = {3: [h for h in HEADERS[3] if h != "Date of Referral"]}
    path = build_workbook(tmp_path / "no_date.xlsx", {1: [[*child(), dt.date(2024, 1, 5), "6"]]}, headers)
    with pytest.raises(UnreadableFile, match="Date of Referral"):
        load_files(store, [path], la_code=LA)


def test_headers_only(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    empty = build_workbook(tmp_path / "empty.xlsx")
    with pytest.raises(UnreadableFile, match="headers but no records"):
        load_files(store, [empty], la_code=LA)
    assert _count(store, "cscperf_loads") == 0
    # one empty list is allowed (a council with no adopters), and said
    one = build_workbook(tmp_path / "one.xlsx", {1: [[*child(), dt.date(2024, 1, 5), "6"]]})
    f = load_files(store, [one], la_code=LA).as_dict()["files"][0]
    assert "List 11" in f["details"]["empty_lists"]


def test_password_protected_or_ole_workbook(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "protected.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    assert not FORMAT.recognise(path, path.read_bytes()[:65536])
    with pytest.raises(UnreadableFile, match="password-protected"):
        load_files(store, [path], la_code=LA)
    assert _count(store, "cscperf_loads") == 0


def test_not_an_annex_a_workbook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Budget"
    sheet.append(["Cost centre", "Amount"])
    path = tmp_path / "budget.xlsx"
    book.save(path)
    assert not FORMAT.recognise(path, path.read_bytes()[:65536])


def test_lists_link_by_child_and_dates(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    """Referral in List 3 completed by List 6; the assessment, s47 and plan link to it; the ICPC to the plan."""
    day = dt.date(2024, 1, 5)
    rows: dict[int, list[list[Any]]] = {
        3: [referral("C1", day, previous=1)],
        4: [[*child("C1"), "b) No", dt.date(2024, 1, 8), "Yes", dt.date(2024, 2, 20), "Yes", "Team A", "Ann"]],
        5: [[*child("C1"), "b) No", dt.date(2024, 1, 9), "No", dt.date(2024, 1, 26), "Yes", 1, 1, "Team A", "Ann"]],
        6: [[*child("C1"), "b) No", day, "N1 - Abuse or Neglect", None, None, None, "b) CP plan", "Team A", "Ann"]],
        7: [
            [
                *child("C1"),
                "b) No",
                dt.date(2024, 1, 26),
                "Neglect",
                "Neglect",
                None,
                None,
                None,
                None,
                "b) No",
                2,
                "Team A",
                "Ann",
            ]
        ],
    }
    path = build_workbook(tmp_path / "linked.xlsx", rows)
    f = load_files(store, [path], la_code=LA).as_dict()["files"][0]
    refs = store.execute(
        "SELECT cine_referral_id, cine_referral_date, cine_cin_primary_need_code FROM ssd_cin_episodes ORDER BY 2"
    ).fetchall()
    # the List 3 referral (need from List 6) and a placeholder 12 months before for the re-referral count
    assert refs == [
        ("C1/REF/2024-01-05/1/PREVIOUS", dt.date(2023, 1, 5), None),
        ("C1/REF/2024-01-05/1", day, "N1"),
    ]
    assert f["details"]["placeholder_previous_referrals"] == 1
    # ids follow the CIN Census loader's natural keys, so the two formats describe the same records alike
    assessment = store.execute("SELECT cina_assessment_id, cina_referral_id FROM ssd_cin_assessments").fetchone()
    assert assessment == ("C1/REF/2024-01-05/1/A/2024-01-08/1", "C1/REF/2024-01-05/1")
    s47 = store.execute("SELECT s47e_s47_enquiry_id FROM ssd_s47_enquiry").fetchone()
    assert s47 == ("C1/REF/2024-01-05/1/S47/2024-01-09/1",)
    icpc = store.execute("SELECT icpc_cp_plan_id, icpc_icpc_outcome_cp_flag FROM ssd_initial_cp_conference").fetchone()
    assert icpc == ("C1/CPP/2024-01-26", "Y")
    previous = store.execute("SELECT number_of_previous_cp_plans FROM cscperf_cp_plan_previous").fetchone()
    assert previous == (2,)


# ------------------------------------------------------------------------------------------------ round trip

# Indicators an Annex A for a window can give exactly, for that window (flows) and at its end (stocks):
COMPARED = (
    "contacts",  # List 1
    "eh_assessments_started",  # List 2
    "referrals",  # List 3
    "re_referrals_12m",  # List 3 "Number of referrals in last 12 months" (> 0: a placeholder earlier referral)
    "assessments_completed",  # List 4 (assessments open at any time in the window)
    "assessments_within_45wd",
    "assessments_within_45wd_from_referral",  # assessment linked to the child's latest referral (Lists 3/6)
    "assessments_open_over_45wd",
    "s47_started",  # List 5
    "icpc_within_15wd",  # List 5 ICPC date against the enquiry's start
    "cp_plans_open",  # List 7 (plans open at any time in the window)
    "cp_plans_started",
    "cp_second_or_subsequent",  # List 7 "Number of previous CP plans"
    "cp_open_over_12m",
    "cp_open_2y_plus",
    "cp_ended_2y_plus",
    "cla_open",  # List 8: one period of care per child
    "cla_started",
    "cla_ceased",
    "cla_health_assessment_in_date",  # the latest health assessment is what the measure reads
    "cla_dental_check_in_date",  # a dental check in 12 months: the latest one tells
    "oc2_dental_check",
)
# Not compared, and why:
NOT_SUPPORTED = {
    "contact_conversion": "List 1 has no contact outcome",
    "cp_rate_per_10k": "needs the 0-17 population, which Annex A does not hold",
    "cla_rate_per_10k": "needs the 0-17 population, which Annex A does not hold",
    "cp_reviews_in_time": "List 7 has only the latest review conference date",
    "cp_visits_in_time": "List 7 has only the last statutory visit date",
    "cla_visits_in_time": "List 8 has only the last social work visit date",
    "cla_reviews_in_time": "List 8 has only the latest statutory review date",
    "cla_3plus_placements": "List 8 has only a count of placements, not the placements",
    "cla_long_term_stability": "needs the placement history of the period of care",
    "cla_pep_in_date": "PEPs are not in Annex A",
    "oc2_health_assessment": "under-5s need two assessments in the year; List 8 gives the latest only",
    "sw_average_caseload": "workforce: from the workforce census, not Annex A",
    "sw_caseload_over_target": "workforce",
    "sw_vacancy_rate": "workforce",
    "sw_agency_rate": "workforce",
    "sw_turnover_rate": "workforce",
}


def test_round_trip_through_annex_a(council_store: Path, tmp_path: Path) -> None:
    """The synthetic council written out as Annex A for six months and loaded into an empty store gives the
    same figures, indicator by indicator, for every indicator Annex A can support."""
    start, end = dt.date(2026, 5, 1), dt.date(2026, 10, 31)  # the six months to the extract date
    period = ReportingPeriod("financial_year_to_date", start, end, "Annex A window")
    original = open_store(council_store, read_only=True)
    try:
        (la_code,) = original.execute("SELECT la_code FROM cscperf_councils").fetchone() or ("",)
        path = write_annex_a(original, la_code, start, end, tmp_path / "annex_a.xlsx")
        new = open_store(tmp_path / "loaded.duckdb")
        try:
            f = load_files(new, [path], la_code=la_code).as_dict()["files"][0]
            assert f["reconciles"] and f["records_rejected"] == 0
            assert f["problems"] == {}
            assert f["collection_year"] == 2027
            before = {r.indicator.id: r.points[0] for r in compute(original, [period], la_codes=[la_code])}
            after = {r.indicator.id: r.points[0] for r in compute(new, [period], la_codes=[la_code])}
        finally:
            new.close()
    finally:
        original.close()
    assert set(COMPARED) | set(NOT_SUPPORTED) == set(before), "every indicator is either compared or explained"
    for indicator in COMPARED:
        b, a = before[indicator], after[indicator]
        assert b.units > 0, indicator  # the comparison means something
        assert (a.numerator, a.denominator, a.value) == (b.numerator, b.denominator, b.value), indicator
    # What Annex A cannot support is "not available" with the reason, never a figure (issue 10, item 6), except
    # the rates (Annex A has no population: no value, but the count is known) and the under-5s' second health
    # assessment (List 8's latest assessment is all there is; a known limit, see loading-annex-a.md).
    shown = {i for i in NOT_SUPPORTED if after[i].available}
    assert shown == {"cp_rate_per_10k", "cla_rate_per_10k", "oc2_health_assessment"}, shown
    assert after["cp_visits_in_time"].reason is not None and "CP visits come from" in after["cp_visits_in_time"].reason
