"""Issue 11, items 9 and 10, and the fuzz test's csv defect: text files read in the encoding their bytes show
(never with replacement characters), header rows that name a column twice refused with both columns named, and
every problem the csv module raises given as one plain message. Every file is made here."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cscperf.comparators.reading import read_published_file
from cscperf.errors import DataProblem
from cscperf.loading.encoding import NotText, detect
from cscperf.loading.session import load_files
from cscperf.loading.unreadable import UnreadableFile
from cscperf.store.database import open_store

from .test_load_cin_census import child_xml, message

LA = "874"
HEADER = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"


@pytest.fixture()
def store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_store(tmp_path / "store.duckdb")


def _every_text(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [str(v) for row in con.execute(f"SELECT * FROM {table}").fetchall() for v in row if isinstance(v, str)]


def _rules(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in con.execute("SELECT severity, rule FROM cscperf_load_rejects").fetchall()}


# ------------------------------------------------------------------------------------------ item 9
def test_windows_1252_is_read_as_such_with_a_warning(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # Zoë and Zoe are two children; read with replacement characters, "Zo\ufffd" could meet another's id.
    path = tmp_path / "header.csv"
    path.write_bytes((HEADER + "Zoë,1,01/02/2015,WBRI,,,\r\nZoe,2,01/03/2015,WBRI,,,\r\n").encode("cp1252"))
    [file] = load_files(store, [path], la_code=LA).files
    assert file.details["encoding"] == "Windows-1252"
    ids = {r[0] for r in store.execute("SELECT pers_person_id FROM ssd_person").fetchall()}
    assert ids == {"Zoë", "Zoe"}
    assert ("warning", "encoding guessed") in _rules(store)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be"])
def test_unicode_with_or_without_a_byte_order_mark_is_read_without_a_warning(
    store: duckdb.DuckDBPyConnection, tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "header.csv"
    text = HEADER + "Zoë,1,01/02/2015,WBRI,,,\r\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # the mark Python's utf-16-be leaves off
    path.write_bytes(data)
    [file] = load_files(store, [path], la_code=LA).files
    assert file.loaded == 1
    assert store.execute("SELECT pers_person_id FROM ssd_person").fetchall() == [("Zoë",)]
    assert ("warning", "encoding guessed") not in _rules(store)


def test_utf16_xml_is_read_not_called_binary(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(message(child_xml("Zoë")).replace('encoding="utf-8"', 'encoding="UTF-16"'), encoding="utf-16")
    [file] = load_files(store, [path]).files
    assert file.kind == "cin_census" and file.loaded > 0
    assert ("Zoë",) in store.execute("SELECT pers_person_id FROM ssd_person").fetchall()


def test_xml_without_a_declaration_in_windows_1252_is_read_with_a_warning(store: duckdb.DuckDBPyConnection,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "cin.xml"
    text = message(child_xml("Zoë")).replace('<?xml version="1.0" encoding="utf-8"?>\n', "")
    path.write_bytes(text.encode("cp1252"))
    [file] = load_files(store, [path]).files
    assert file.details["encoding"] == "Windows-1252"
    assert ("Zoë",) in store.execute("SELECT pers_person_id FROM ssd_person").fetchall()
    assert ("warning", "encoding guessed") in _rules(store)


def test_nothing_is_ever_stored_with_a_replacement_character(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "ssd_person.csv"
    path.write_bytes("pers_person_id,pers_forename\r\nP1,Zoë £5\r\n".encode("cp1252"))
    load_files(store, [path], la_code=LA)
    assert not any("\ufffd" in text for text in _every_text(store, "ssd_person"))
    assert ("P1", "Zoë £5") in store.execute("SELECT pers_person_id, pers_forename FROM ssd_person").fetchall()


def test_bytes_no_encoding_defines_are_refused_with_the_line(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(HEADER.encode() + b"A,1,01/02/2015,WBRI,,,\r\nB\x81,1,01/02/2015,WBRI,,,\r\n")
    with pytest.raises(NotText, match="line 3"):
        detect(path)
    with pytest.raises(UnreadableFile, match="is not a text file cscperf can read: line 3 holds a byte"):
        load_files(store, [path], la_code=LA)


def test_utf16_without_its_mark_is_explained(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes((HEADER + "A,1,01/02/2015,WBRI,,,\r\n").encode("utf-16-le"))
    with pytest.raises(UnreadableFile, match="UTF-16 text without a byte-order mark"):
        load_files(store, [path], la_code=LA)


# ------------------------------------------------------------------------------------------ item 10
def test_a_903_header_naming_a_column_twice_is_refused_with_both_columns(store: duckdb.DuckDBPyConnection,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    # The second DOB would overwrite the first: 2099-01-01 for every child.
    path = tmp_path / "header.csv"
    path.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,dob\nA,1,01/02/2015,WBRI,,,,01/01/2099\n")
    with pytest.raises(UnreadableFile, match=r"names DOB twice: columns 3 and 8 \(C and H in a spreadsheet\)"):
        load_files(store, [path], la_code=LA)
    assert store.execute("SELECT count(*) FROM ssd_person").fetchall() == [(0,)]


def test_an_extract_naming_a_column_twice_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    csv_path = tmp_path / "ssd_person.csv"
    csv_path.write_text("pers_person_id,pers_dob,PERS_DOB\nP1,2015-01-01,2099-01-01\n")
    with pytest.raises(UnreadableFile, match="names pers_dob twice: columns 2 and 3"):
        load_files(store, [csv_path], la_code=LA)
    parquet_path = tmp_path / "ssd_person.parquet"
    table = pa.Table.from_arrays([pa.array(["P1"]), pa.array(["2015-01-01"]), pa.array(["2099-01-01"])],
                                 names=["pers_person_id", "pers_dob", "Pers_Dob"])  # fmt: skip
    pq.write_table(table, parquet_path)
    with pytest.raises(UnreadableFile, match="its schema names pers_dob twice"):
        load_files(store, [parquet_path], la_code=LA)


# ------------------------------------------------------------------------------------------ csv field limit
LONG = "x" * (csv.field_size_limit() + 10)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("header.csv", f"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB,{LONG}\nA,1,01/02/2015,WBRI,,,,\n"),  # in the header
        ("header.csv", f"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA,1,01/02/2015,WBRI,{LONG},,\n"),  # in a record
        ("ssd_person.csv", f"pers_person_id,pers_dob\nP1,{LONG}\n"),
    ],
    ids=["903 header", "903 record", "extract record"],
)
def test_a_field_longer_than_the_csv_limit_is_a_plain_refusal(store: duckdb.DuckDBPyConnection, tmp_path: Path,
                                                              name: str, text: str) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(UnreadableFile) as refused:
        load_files(store, [path], la_code=LA)
    message_text = str(refused.value)
    assert "is not a readable CSV file (line 2" in message_text or "(line 1" in message_text
    assert "longer than 131,072 characters" in message_text and "unexpected problem" not in message_text


def test_published_statistics_with_an_overlong_field_are_refused_plainly(tmp_path: Path) -> None:
    path = tmp_path / "published.csv"
    path.write_text(f'time_period,la_code,value\n202324,874,"{LONG}\n')
    with pytest.raises(DataProblem, match="is not a readable CSV file"):
        read_published_file(path)


def test_the_workforce_census_resolves_no_entity(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    """The same settings as the other XML readers: entities are not resolved, nothing is fetched."""
    from .test_load_workforce_census import census, worker

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-VALUE")
    doctype = f'<!DOCTYPE Message [<!ENTITY leak SYSTEM "file://{secret}"><!ENTITY word "inside">]>\n'
    text = census(worker("AB1", agency=0, fte="1.0") + worker("&leak;&word;", agency=0, fte="1.0"))
    path = tmp_path / "csww.xml"
    path.write_text(text.replace("<Message>", doctype + "<Message>", 1))
    load_files(store, [path])
    stored = _every_text(store, "ssd_professionals") + _every_text(store, "cscperf_load_rejects")
    assert not any("SECRET" in value or "inside" in value for value in stored)
