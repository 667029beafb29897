"""Issue 11, items 11 and 14 (load part): every value checked for what its field can hold, rejected or left
empty with the reason and where it was, never "an unexpected problem"; control characters in rejected values
carried safely to the rejects export. Every file is made here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.loading.session import load_files
from cscperf.loading.unreadable import UnreadableFile
from cscperf.loading.values import BadValue, read_date, read_number, read_text, read_whole_number
from cscperf.store.database import open_store

from .test_load_cin_census import child_xml, episode_xml, message
from .test_load_workforce_census import census, worker

LA = "874"


@pytest.fixture()
def store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_store(tmp_path / "store.duckdb")


def _problems(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cursor = con.execute("SELECT source_location, rule, severity, field_name, field_value, message "
                         "FROM cscperf_load_rejects ORDER BY reject_number")  # fmt: skip
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


# ------------------------------------------------------------------------------------------ readers
@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "Infinity", "1e999", "1_000", "0x10"])
def test_numbers_are_plain_finite_numbers(text: str) -> None:
    with pytest.raises(BadValue):
        read_number(text)
    with pytest.raises(BadValue):
        read_whole_number(text)


@pytest.mark.parametrize("text", ["9999-12-31", "31/12/9999", "0001-01-01", "1899-12-31", "2100-01-01"])
def test_dates_no_record_can_hold_are_refused(text: str) -> None:
    with pytest.raises(BadValue):
        read_date(text)
    assert read_date("1900-01-01") == dt.date(1900, 1, 1) and read_date("31/12/2099") == dt.date(2099, 12, 31)


def test_text_from_parquet_is_read_as_text() -> None:
    assert read_text(b"M") == "M"  # not "b'M'"
    assert read_text(float("nan")) is None  # pandas' missing value
    with pytest.raises(BadValue, match="binary data that is not text"):
        read_text(b"\xff\xfe")


# ------------------------------------------------------------------------------------------ workforce
@pytest.mark.parametrize(
    ("fte", "cases", "why"),
    [("-inf", "3", "-inf is not a number"), ("inf", "3", "inf is not a number"), ("nan", "3", "nan is not a number"),
     ("1.5", "3", "FTE 1.5 is not a full-time equivalent"), ("1.0", "-4", "-4 is below 0")],
)  # fmt: skip
def test_a_workers_impossible_figures_reject_the_worker_with_the_reason(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, fte: str, cases: str, why: str
) -> None:
    path = tmp_path / "csww.xml"
    workers = worker("AB1", agency=0, fte="1.0", cases="5") + worker("AB2", agency=0, fte=fte, cases=cases)
    path.write_text(census(workers))
    [file] = load_files(store, [path]).files
    assert file.by_table["ssd_professionals"] == {"read": 2, "loaded": 1, "rejected": 1}
    [rejected] = [p for p in _problems(store) if p["severity"] == "fatal"]
    assert rejected["rule"] == "value not valid" and why in rejected["message"]
    assert rejected["source_location"].startswith("csww.xml:")


@pytest.mark.parametrize("reference", ["2024-02-29", "2023-09-30"])
def test_a_census_date_of_29_february_or_another_year_gives_a_warning_not_a_crash(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, reference: str
) -> None:
    path = tmp_path / "csww.xml"
    leaver = worker("AB2", agency=0, fte="1.0", end="2022-03-01", reason="1")
    path.write_text(census(worker("AB1", agency=0, fte="1.0") + leaver).replace("2022-09-30", reference))
    [file] = load_files(store, [path]).files
    assert file.collection_year == 2022 and file.details["reference_date"] == "2022-09-30"
    rules = {p["rule"] for p in _problems(store)}
    assert rules & {"reference date not 30 September", "header years disagree"}


@pytest.mark.parametrize(("year", "reference"), [("1", "0001-09-30"), ("9999", "9999-09-30"), ("2022", "2023-02-29")])
def test_a_census_year_or_date_no_census_can_have_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path,
                                                             year: str, reference: str) -> None:  # fmt: skip
    path = tmp_path / "csww.xml"
    path.write_text(census(worker("AB1", agency=0, fte="1.0")).replace("<Year>2022</Year>", f"<Year>{year}</Year>")
                    .replace("2022-09-30", reference))  # fmt: skip
    with pytest.raises(UnreadableFile) as refused:
        load_files(store, [path])
    assert "unexpected problem" not in str(refused.value)
    assert "not a year a return can be for" in str(refused.value) or "not a date" in str(refused.value)


# ------------------------------------------------------------------------------------------ extracts
def test_parquet_values_a_field_cannot_hold(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "ssd_person.parquet"
    days = pa.array([19000, 19001, 19002, 19003, 2_000_000_000, 19005], pa.int32()).cast(pa.date32())
    table = pa.table({
        "pers_person_id": ["P1", "nan", "inf", "P4", "P5", "P6"],
        "pers_sex": [b"M", b"F", b"M", b"F", b"M", b"F"],
        "pers_dob": days,
        "pers_forename": ["Ann", "Bo", "Cy", "D\x00i", "Ed", "Fay"],
    })  # fmt: skip
    pq.write_table(table, path)
    [file] = load_files(store, [path], la_code=LA).files  # no "unexpected problem (OverflowError)"
    assert (file.read, file.loaded, file.rejected) == (6, 3, 3)
    found = {(p["source_location"], p["rule"], p["severity"], p["field_name"]) for p in _problems(store)}
    assert found == {
        ("ssd_person.parquet row 2", "value not possible", "fatal", "pers_person_id"),  # "nan" is no one's id
        ("ssd_person.parquet row 3", "value not possible", "fatal", "pers_person_id"),  # nor "inf"
        ("ssd_person.parquet row 4", "value not possible", "error", "pers_forename"),  # a NUL: left empty
        ("ssd_person.parquet row 5", "date not valid", "fatal", "pers_dob"),  # beyond any calendar
    }
    people = dict(store.execute("SELECT pers_person_id, pers_sex FROM ssd_person").fetchall())
    assert people == {"P1": "M", "P4": "F", "P6": "F"}  # b'M' read as M
    assert store.execute("SELECT pers_forename FROM ssd_person WHERE pers_person_id = 'P4'").fetchall() == [(None,)]


def test_extract_figures_a_field_cannot_hold(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "ssd_professionals.csv"
    path.write_text("prof_professional_id,prof_professional_caseload,prof_full_time_equivalency\n"
                    "W1,12,1.0\nW2,-3,0.5\nW3,4,-inf\nW4,4,2.5\n")  # fmt: skip
    [file] = load_files(store, [path], la_code=LA).files
    assert (file.read, file.loaded, file.rejected) == (4, 3, 1)  # W3: not a number at all
    workers = store.execute("SELECT prof_professional_id, prof_professional_caseload, prof_full_time_equivalency "
                            "FROM ssd_professionals").fetchall()  # fmt: skip
    by_worker = {r[0]: r[1:] for r in workers}
    assert by_worker == {"W1": (12, 1.0), "W2": (None, 0.5), "W4": (4, None)}  # left empty, each with an error
    errors = {(p["source_location"], p["field_name"]) for p in _problems(store) if p["severity"] == "error"}
    assert errors == {("ssd_professionals.csv:3", "prof_professional_caseload"),
                      ("ssd_professionals.csv:5", "prof_full_time_equivalency")}  # fmt: skip


def test_a_placeholder_date_is_reported_not_stored(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(message(child_xml("C1", episodes=episode_xml("2023-05-02", close="9999-12-31", reason="RC1"))))
    load_files(store, [path])
    assert store.execute("SELECT cine_close_date FROM ssd_cin_episodes").fetchall() == [(None,)]
    [problem] = [p for p in _problems(store) if p["field_name"] == "CINclosureDate"]
    assert problem["severity"] == "error" and "placeholder" in problem["message"]


# ------------------------------------------------------------------------------------------ item 14
def test_control_characters_in_rejected_values_reach_the_rejects_export_safely(tmp_path: Path) -> None:
    store = tmp_path / "store.duckdb"
    path = tmp_path / "header.csv"
    path.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nG1,1,01/02/2015,WBRI,,,\n"
                    "A1,1,01/02/\x072015,WBRI,,,\n\x1b[31mB2,1,\x0001/02/2015,WBRI,,,\n")  # fmt: skip
    runner = CliRunner()
    loaded = runner.invoke(app, ["load", str(path), "--db", str(store), "--la", LA])
    assert loaded.exit_code == 0, loaded.output
    assert "\x07" not in loaded.output and "\x1b" not in loaded.output
    for name in ("rejects.xlsx", "rejects.csv"):
        result = runner.invoke(app, ["rejects", "--db", str(store), "--out", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "rejects.xlsx")
    values = [str(c.value) for row in book.active.iter_rows() for c in row if c.value is not None]  # type: ignore[union-attr]
    assert any("\\x07" in v for v in values)  # made visible, not written raw (Excel cannot hold it)
    assert not any("\x07" in v or "\x00" in v for v in values)


# ------------------------------------------------------------------------------------------ item 11: a NUL
def test_a_nul_near_the_start_of_a_small_csv_is_refused_with_its_line(tmp_path: Path) -> None:
    """A NUL byte in the first 4 KB once made the whole table "a binary file", skipped in a folder with exit 0:
    two records read by nobody. The file is text apart from the NUL, so it is read as text and the record
    holding the NUL is rejected where it is (line 3); read = loaded + rejected."""
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "header.csv").write_bytes(b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA,1,01/01/2012,WBRI,,,\n"
                                        b"B\x00x,1,01/01/2012,WBRI,,,\n")  # fmt: skip
    store = open_store(tmp_path / "store.duckdb")
    [summary] = load_files(store, [folder], la_code=LA).files
    assert (summary.kind, summary.read, summary.loaded, summary.rejected) == ("ssda903", 2, 1, 1)
    [problem] = _problems(store)
    assert (problem["source_location"], problem["field_name"]) == ("header.csv:3", "pers_person_id")
    assert problem["severity"] == "fatal" and "control character" in problem["message"]
