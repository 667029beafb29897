"""The load framework: atomic loads, rejects kept with where and why, counts that reconcile, the same file
never loaded twice, sources that disagree reported, and plain messages for files that are not what they
claim. SSD extract tables (CSV and Parquet) exercise it end to end."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.errors import CscperfError, UsageProblem
from cscperf.loading.session import load_files
from cscperf.loading.ssd_extract import table_for_columns
from cscperf.loading.unreadable import UnreadableFile
from cscperf.store.database import open_store

from .conftest import SHARED

runner = CliRunner()

PERSON_HEADER = "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n"
CP_HEADER = (
    "cppl_cp_plan_id,cppl_referral_id,cppl_icpc_id,cppl_person_id,cppl_cp_plan_start_date,cppl_cp_plan_end_date,"
    "cppl_cp_plan_ola,cppl_cp_plan_initial_category,cppl_cp_plan_latest_category\n"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_store(tmp_path / "store.duckdb")


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("ssd_person", "ssd_cp_plans", "cscperf_loads", "cscperf_load_rejects", "cscperf_councils")
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}


def test_an_extract_table_loads_and_counts_reconcile(tmp_path: Path) -> None:
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\nC2,F,AIND,01/02/2016\n")
    con = _store(tmp_path)
    summary = load_files(con, [person], la_code="874")
    [only] = summary.files
    assert (only.kind, only.read, only.loaded, only.rejected) == ("ssd_extract", 2, 2, 0)
    rows = con.execute("SELECT la_code, pers_person_id, pers_dob FROM ssd_person ORDER BY 2").fetchall()
    assert [(r[0], r[1], r[2].isoformat()) for r in rows] == [("874", "C1", "2015-03-01"), ("874", "C2", "2016-02-01")]
    load = con.execute("SELECT load_kind, records_read, records_loaded, records_rejected, load_status, "
                       "content_sha256 FROM cscperf_loads").fetchall()  # fmt: skip
    assert load[0][:5] == ("ssd_extract", 2, 2, 0, "complete") and len(load[0][5]) == 64
    assert con.execute("SELECT data_source FROM cscperf_councils WHERE la_code = '874'").fetchall() == [("loaded",)]


def test_a_column_of_the_councils_own_is_left_out_and_said_not_the_file_skipped(tmp_path: Path) -> None:
    """A case system's extract with one column more than the SSD table had been skipped whole as "not a format
    cscperf can load" (exit 0): every record of it lost. Now the file loads, its own column is left out, and a
    warning says so once, on the header's line. A file whose columns are mostly not a table's is still no
    table's."""
    header = PERSON_HEADER.rstrip("\n") + ",Keyworker Notes\n"
    person = _write(tmp_path / "people.csv", header + "C1,M,WBRI,2015-03-01,x\nC2,F,AIND,2016-02-01,y\n")
    con = _store(tmp_path)
    [only] = load_files(con, [person], la_code="874").files
    assert (only.kind, only.read, only.loaded, only.rejected) == ("ssd_extract", 2, 2, 0)
    assert con.execute("SELECT count(*) FROM ssd_person").fetchall() == [(2,)]
    flagged = con.execute("SELECT source_location, rule, field_name, severity FROM cscperf_load_rejects").fetchall()
    assert flagged == [("people.csv:1", "extra column ignored", "Keyworker Notes", "warning")]
    misspelt = _write(tmp_path / "misspelt.csv", "pers_person_id,pers_sex,pers_ethnicity,pers_dobb\nC3,M,WBRI,2015\n")
    with pytest.raises(UnreadableFile, match=r"'pers_dobb'.*is it pers_dob, misspelt\?"):
        load_files(con, [misspelt], la_code="874")  # its dates would all have been left empty
    assert con.execute("SELECT count(*) FROM ssd_person").fetchall() == [(2,)]  # nothing of it loaded
    assert table_for_columns(["pers_person_id", "a", "b", "c"]) is None  # one column known of four
    assert table_for_columns(["pers_person_id", "pers_sex", "a", "b"]) is None  # half: not most
    table = table_for_columns(["pers_person_id", "pers_sex", "pers_dob", "a"])
    assert table is not None and table.name == "ssd_person"


def test_a_bad_value_rejects_the_record_with_its_line_field_and_reason(tmp_path: Path) -> None:
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\nC2,F,AIND,31/02/2016\n\n"
                                                            "C3,F,WBRI,2017-01-01\n")  # fmt: skip
    con = _store(tmp_path)
    [only] = load_files(con, [person], la_code="874").files
    assert (only.read, only.loaded, only.rejected) == (3, 2, 1)
    [reject] = con.execute("SELECT source_location, target_table, field_name, field_value, severity, rule, message, "
                           "raw_record FROM cscperf_load_rejects").fetchall()  # fmt: skip
    assert reject[:6] == ("people.csv:3", "ssd_person", "pers_dob", "31/02/2016", "fatal", "date not valid")
    assert "not a real date" in reject[6]
    assert json.loads(reject[7])["pers_person_id"] == "C2"


def test_duplicates_and_missing_identifiers_are_rejected_and_the_first_is_kept(tmp_path: Path) -> None:
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\nC1,F,WBRI,2015-03-02\n"
                                                            ",F,WBRI,2015-03-02\n")  # fmt: skip
    con = _store(tmp_path)
    [only] = load_files(con, [person], la_code="874").files
    assert (only.read, only.loaded, only.rejected) == (3, 1, 2)
    assert only.problems == {"fatal": {"duplicate record": 1, "missing identifier": 1}}
    assert con.execute("SELECT pers_sex FROM ssd_person").fetchall() == [("M",)]
    locations = con.execute("SELECT source_location, rule FROM cscperf_load_rejects ORDER BY 1").fetchall()
    assert locations == [("people.csv:3", "duplicate record"), ("people.csv:4", "missing identifier")]


def test_the_same_file_twice_changes_nothing_the_second_time(tmp_path: Path) -> None:
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    con = _store(tmp_path)
    load_files(con, [person], la_code="874")
    before = _counts(con)
    again = load_files(con, [person], la_code="874")
    assert again.files[0].skipped_as_loaded_in is not None
    assert _counts(con) == before


def test_a_file_that_cannot_be_loaded_changes_nothing_even_beside_good_files(tmp_path: Path) -> None:
    good = _write(tmp_path / "a_people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    headers_only = _write(tmp_path / "b_plans.csv", CP_HEADER)
    con = _store(tmp_path)
    before = _counts(con)
    with pytest.raises(UnreadableFile, match="header but no records"):
        load_files(con, [good, headers_only], la_code="874")
    assert _counts(con) == before


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "password-protected"),
        (b"PK\x03\x04" + bytes(100), "not an Ofsted Annex A workbook"),
        (b"<?xml version='1.0'?><Something><Else/></Something>", "is XML, but not"),
        (bytes(range(256)) * 4, "binary file"),
        (b"name,colour\nx,blue\n", "not a format cscperf can load"),
    ],
)
def test_files_that_are_not_what_they_claim_give_one_plain_message(tmp_path: Path, content: bytes,
                                                                    reason: str) -> None:  # fmt: skip
    bad = tmp_path / "return.dat"
    bad.write_bytes(content)
    con = _store(tmp_path)
    before = _counts(con)
    with pytest.raises(UnreadableFile, match=reason) as caught:
        load_files(con, [bad], la_code="874")
    assert "the store is unchanged" in str(caught.value)
    assert _counts(con) == before


def test_a_council_must_be_known(tmp_path: Path) -> None:
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    con = _store(tmp_path)
    with pytest.raises(UnreadableFile, match="--la"):
        load_files(con, [person])
    with pytest.raises(UsageProblem, match="3-digit"):
        load_files(con, [person], la_code="Peterborough")


def test_a_later_load_replaces_by_identifier_and_disagreements_are_reported(tmp_path: Path) -> None:
    first = _write(tmp_path / "one.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\nC2,F,WBRI,2016-01-01\n")
    second = _write(tmp_path / "two.csv", "pers_person_id,pers_dob\nC1,2015-03-02\nC2,2016-01-01\n")
    con = _store(tmp_path)
    load_files(con, [first], la_code="874")
    [summary] = load_files(con, [second], la_code="874").files
    assert summary.problems == {"warning": {"sources disagree": 1}}
    rows = con.execute(
        "SELECT pers_person_id, pers_sex, pers_ethnicity, pers_dob FROM ssd_person ORDER BY 1"
    ).fetchall()
    # The later file's date of birth is kept; what it does not say (sex, ethnicity) is kept from the first.
    assert [(r[0], r[1], r[2], r[3].isoformat()) for r in rows] == [
        ("C1", "M", "WBRI", "2015-03-02"), ("C2", "F", "WBRI", "2016-01-01")]  # fmt: skip
    [conflict] = con.execute("SELECT field_name, field_value, severity, message FROM cscperf_load_rejects").fetchall()
    assert conflict[:3] == ("pers_dob", "2015-03-02", "warning")
    assert "2015-03-01" in conflict[3] and "the store" in conflict[3]


def test_disagreements_between_files_of_one_command_are_reported(tmp_path: Path) -> None:
    first = _write(tmp_path / "a.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    second = _write(tmp_path / "b.csv", "pers_person_id,pers_sex\nC1,F\n")
    con = _store(tmp_path)
    files = load_files(con, [first, second], la_code="874").files
    assert files[1].problems == {"warning": {"sources disagree": 1}}
    assert con.execute("SELECT pers_sex, pers_dob IS NOT NULL FROM ssd_person").fetchall() == [("F", True)]


def test_ssd_extract_round_trip_matches_the_synthetic_store(tmp_path: Path, council_store: Path) -> None:
    """Tables written out as an SSD extract (CSV and Parquet) and loaded back are the same rows."""
    source = duckdb.connect(str(council_store), read_only=True)
    tables = {"ssd_cp_plans": "csv", "ssd_cla_episodes": "parquet", "ssd_cin_plans": "csv"}
    for table, kind in tables.items():
        options = "(HEADER)" if kind == "csv" else "(FORMAT parquet)"
        source.execute(f"COPY (SELECT * EXCLUDE (la_code) FROM {table}) TO '{tmp_path}/{table}.{kind}' {options}"
                       ).fetchall()  # fmt: skip
    con = _store(tmp_path)
    summary = load_files(con, [tmp_path / f"{t}.{k}" for t, k in tables.items()], la_code="874")
    assert all(f.rejected == 0 for f in summary.files)
    con.execute(f"ATTACH '{council_store}' AS original (READ_ONLY)").fetchall()
    for table in tables:
        missing = con.execute(f"SELECT count(*) FROM (SELECT * FROM original.{table} EXCEPT SELECT * FROM {table})"
                              ).fetchall()[0][0]  # fmt: skip
        extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {table} EXCEPT SELECT * FROM original.{table})"
                            ).fetchall()[0][0]  # fmt: skip
        assert (missing, extra) == (0, 0), table
    source.close()


def test_cli_load_loads_and_rejects(tmp_path: Path) -> None:
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\nC2,F,AIND,2016-13-01\n")
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["load", str(person), "--db", db, "--la", "874", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["records_read"], summary["records_loaded"], summary["records_rejected"]) == (2, 1, 1)
    assert summary["files"][0]["reconciles"] is True
    shown = runner.invoke(app, ["load", str(person), "--db", db, "--la", "874"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "already loaded" in shown.stdout
    listed = runner.invoke(app, ["loads", "--db", db, "--json"])
    [load] = json.loads(listed.stdout)
    assert f"(load {load['load_id']}:" in " ".join(shown.stdout.split())  # which load, so which council
    assert (load["load_kind"], load["records_rejected"]) == ("ssd_extract", 1)
    exported = tmp_path / "dq" / "rejects.xlsx"
    result = runner.invoke(app, ["rejects", "--db", db, "--load", load["load_id"], "--out", str(exported)])
    assert result.exit_code == 0, result.output
    from openpyxl import load_workbook

    sheet = load_workbook(exported).active
    assert sheet is not None
    assert "HOLDS CHILD IDENTIFIERS" in sheet["A1"].value  # the first row says what the sheet holds
    assert [c.value for c in sheet[2]][:6] == ["load_id", "source_file", "reject_number", "source_location",
                                               "severity", "rule"]  # fmt: skip
    assert sheet["D3"].value == "people.csv:3"
    as_csv = runner.invoke(app, ["rejects", "--db", db])
    assert "date not valid" in as_csv.stdout
    missing = runner.invoke(app, ["rejects", "--db", db, "--load", "nope"])
    assert missing.exit_code == 2 and "no load" in missing.stderr


def test_cli_messages_hold_no_child_identifier_and_no_traceback(tmp_path: Path) -> None:
    bad = _write(tmp_path / "plans.csv", CP_HEADER)
    result = runner.invoke(app, ["load", str(bad), "--db", str(tmp_path / "s.duckdb"), "--la", "874"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "header but no records" in result.stderr
    person = _write(tmp_path / "people.csv", PERSON_HEADER + "SECRET-CHILD-77,M,WBRI,2015-13-01\n")
    result = runner.invoke(app, ["load", str(person), "--db", str(tmp_path / "s.duckdb"), "--la", "874"])
    assert result.exit_code == 0 and "SECRET-CHILD-77" not in result.output
    result = runner.invoke(app, ["load", str(tmp_path / "nothing-here"), "--db", str(tmp_path / "s.duckdb")])
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_a_load_killed_after_writing_but_before_committing_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    """Stop a load with SIGKILL once it has written every table but not committed: the next open finds the
    store exactly as before (DuckDB discards the uncommitted transaction)."""
    rows = "".join(f"C{i},{'M' if i % 2 else 'F'},WBRI,2015-03-01\n" for i in range(5_000))
    big = _write(tmp_path / "people.csv", PERSON_HEADER + rows)
    small = _write(tmp_path / "first.csv", PERSON_HEADER + "X1,M,WBRI,2015-03-01\n")
    db = tmp_path / "s.duckdb"
    con = open_store(db)
    load_files(con, [small], la_code="874")
    before = _counts(con)
    con.close()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"),
           "CSCPERF_PAUSE_BEFORE_COMMIT": "60"}  # fmt: skip
    process = subprocess.Popen([sys.executable, "-m", "cscperf", "load", str(big), "--db", str(db), "--la", "874"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    assert process.stderr is not None
    for line in process.stderr:
        if b"not yet committed" in line:
            break
    assert process.poll() is None, "the load ended before it could be stopped"
    process.send_signal(signal.SIGKILL)
    process.wait()
    con = open_store(db)
    assert _counts(con) == before
    assert con.execute("SELECT count(*) FROM ssd_person WHERE pers_person_id = 'C10'").fetchall() == [(0,)]
    con.close()


def test_errors_are_cscperf_errors(tmp_path: Path) -> None:
    assert issubclass(UnreadableFile, CscperfError)


def test_a_folder_loads_its_returns_and_lists_other_files_without_loading_them(tmp_path: Path) -> None:
    folder = tmp_path / "extract"
    folder.mkdir()
    _write(folder / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    _write(folder / "README.txt", "Extract made on Monday.\n")
    _write(folder / ".hidden.csv", "nothing\n")
    con = _store(tmp_path)
    summary = load_files(con, [folder], la_code="874")
    assert [(f.path.name, f.loaded, f.not_recognised is not None) for f in summary.files] == [
        ("README.txt", 0, True), ("people.csv", 1, False)]  # fmt: skip
    with pytest.raises(UnreadableFile, match="not a format cscperf can load"):
        load_files(con, [folder / "README.txt"], la_code="874")


def test_a_data_file_skipped_in_a_folder_is_a_warning_in_the_loads_summary(tmp_path: Path) -> None:
    """A .csv (or .xml, .xlsx, .parquet) in a folder that cannot be read as any return is listed as skipped and
    counted as a warning beside the problems, on the screen and in --json, so a table lost is not silent. A
    readme or a schema beside the returns is listed only."""
    folder = tmp_path / "extract"
    folder.mkdir()
    _write(folder / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    (folder / "plans.csv").write_bytes(bytes(range(256)) * 4)
    _write(folder / "README.txt", "Extract made on Monday.\n")
    _write(folder / "schema.xsd", "<xs:schema/>\n")
    store = str(tmp_path / "store.duckdb")
    result = runner.invoke(app, ["load", str(folder), "--db", store, "--la", "874", "--json"])
    assert result.exit_code == 0, result.output
    files = {Path(f["file"]).name: f for f in json.loads(result.stdout)["files"]}
    assert files["plans.csv"]["problems"] == {"warning": {"file in the folder not loaded": 1}}
    assert files["README.txt"]["problems"] == files["schema.xsd"]["problems"] == {}
    shown = runner.invoke(app, ["load", str(folder), "--db", str(tmp_path / "again.duckdb"), "--la", "874"])
    assert "plans.csv" in shown.output and "1  warning  file in the folder not loaded" in shown.output


def _census(sample: str, year: int, *, closed: bool, ethnicity: str) -> str:
    text = sample.replace("<Year>2022</Year>", f"<Year>{year}</Year>")
    text = text.replace("<ReferenceDate>2022-03-31</ReferenceDate>", f"<ReferenceDate>{year}-03-31</ReferenceDate>")
    text = text.replace("<Ethnicity>WBRI</Ethnicity>", f"<Ethnicity>{ethnicity}</Ethnicity>")
    if not closed:
        text = text.replace("<CINclosureDate>1971-02-27</CINclosureDate>", "").replace(
            "<ReasonForClosure>RC1</ReasonForClosure>", ""
        )
    return text


@pytest.mark.parametrize("together", [False, True])
def test_an_older_return_does_not_undo_a_later_one(tmp_path: Path, together: bool) -> None:
    """The 2023 return closes a referral the 2022 return shows open, and records a new ethnicity: loaded in
    either order, in one command or two, the store shows the 2023 facts."""
    sample = (SHARED / "samples" / "cin" / "BAR_cin_2022.xml").read_text(encoding="utf-8")
    later = _write(tmp_path / "later.xml", _census(sample, 2023, closed=True, ethnicity="WIRI"))
    older = _write(tmp_path / "older.xml", _census(sample, 2022, closed=False, ethnicity="WBRI"))
    con = _store(tmp_path)
    if together:
        load_files(con, [older, later])
    else:
        load_files(con, [later])
        [summary] = load_files(con, [older]).files
        assert summary.problems["warning"]["older return"] == 1
    closed = con.execute(
        "SELECT cine_close_date, cine_close_reason FROM ssd_cin_episodes WHERE cine_referral_date = '1970-10-06'"
    ).fetchall()
    assert closed == [(dt.date(1971, 2, 27), "RC1")]
    assert con.execute("SELECT DISTINCT pers_ethnicity FROM ssd_person").fetchall() == [("WIRI",)]


def test_a_returns_year_is_not_moved_by_one_mistyped_date() -> None:
    from collections import Counter

    from cscperf.loading.collection_year import collection_year, dates_after, year_ending

    assert (year_ending(dt.date(2024, 3, 31)), year_ending(dt.date(2024, 4, 1))) == (2024, 2025)
    # 500 dates in 2023-24 and one in 2024-25: the one is a mistake (needs at least 3 and 1 in 1,000).
    assert collection_year(Counter({2023: 40, 2024: 500, 2025: 1})) == 2024
    assert dates_after(Counter({2023: 40, 2024: 500, 2025: 1}), 2024) == 1
    # Three dates are a fair share of 503 (3 >= max(3, 0.5)): the return is for 2024-25.
    assert collection_year(Counter({2024: 500, 2025: 3})) == 2025
    # 6,000 dates: 5 in the later year are fewer than 1 in 1,000 (6.005), so still a mistake.
    assert collection_year(Counter({2024: 6_000, 2025: 5})) == 2024
    # A tiny file with no year holding 3 dates: the latest year it has.
    assert collection_year(Counter({2022: 1, 2023: 2})) == 2023
    assert collection_year(Counter()) is None


def test_a_year_not_yet_ended_is_chosen_only_when_the_dates_stop_at_today() -> None:
    from collections import Counter

    from cscperf.loading.collection_year import collection_year

    today = dt.date(2026, 12, 5)  # in the year ending 31 March 2027, not yet ended
    years = Counter({2025: 300, 2026: 200, 2027: 40})  # (dates after today are not counted here: they do not vote)
    # An extract taken in the year: its dates stop at today (none after it, or fewer than a fair share).
    assert collection_year(years, today=today) == 2027
    assert collection_year(years, after_today=2, today=today) == 2027
    # Its dates run on past today (reviews booked years ahead, as the shared sample's reviews.csv): the dates of
    # this year are the front of that run, no sign of a return in progress; the latest ended year is taken.
    # 3 of 543 dates after today are a fair share (3 >= max(3, 0.543)).
    assert collection_year(years, after_today=3, today=today) == 2026
    # With no ended year holding a fair share, the year not yet ended is all there is to go by.
    assert collection_year(Counter({2027: 40}), after_today=60, today=today) == 2027


def test_a_folder_with_no_file_cscperf_loads_is_an_error_and_leaves_no_store(tmp_path: Path) -> None:
    """It had printed the same 13 lines for each of 49 files, made an empty store and exited 0."""
    from typer.testing import CliRunner

    from cscperf.cli import app

    folder = tmp_path / "schemas"
    folder.mkdir()
    for name in ("a.yml", "b.yml", "readme.txt"):
        (folder / name).write_text("name: x\n", encoding="utf-8")
    db = tmp_path / "new.duckdb"
    result = CliRunner().invoke(app, ["load", str(folder), "--db", str(db), "--la", "316"], env={"COLUMNS": "80"})
    assert result.exit_code == 1
    said = " ".join(result.output.split())
    assert "Nothing was loaded: none of the 3 files is a format cscperf can load (it loads CIN Census XML" in said
    assert not db.exists()
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    _write(mixed / "people.csv", PERSON_HEADER + "C1,M,WBRI,2015-03-01\n")
    (mixed / "readme.txt").write_text("hello\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["load", str(mixed), "--db", str(db), "--la", "874"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    said = " ".join(result.output.split())
    assert said.count("workforce census return") == 1  # the formats said once, below the table, not in each row
    assert "Skipped: files of no format cscperf loads; it loads CIN Census XML" in said


@pytest.mark.parametrize(
    ("written", "column", "misspelt"),
    [
        ("pers_dobb", "pers_dob", True),
        ("cppl_cp_plan_start_dt", "cppl_cp_plan_start_date", True),
        ("pers_do", "pers_dob", True),
        # a council's own column beside a missing table column: left out with a warning, the file loads
        ("cine_referral_type", "cine_referral_team", False),
        ("cina_assessment_type", "cina_assessment_team", False),
        ("cina_assessment_status", "cina_assessment_team", False),
        ("cine_referral_source", "cine_referral_source_code", False),
        ("addr_address_start", "addr_address_start_date", False),
        ("cinv_cin_visit_seen_by", "cinv_cin_visit_seen_alone", False),
    ],
)
def test_a_misspelling_is_at_most_two_letters_after_the_common_part(written: str, column: str, misspelt: bool) -> None:
    from cscperf.loading.ssd_extract import _misspelt

    assert _misspelt(written, column) is misspelt
