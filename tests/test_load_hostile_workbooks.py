"""Issue 11, items 2, 3 and 12: workbooks that would make the reader allocate without bound (a value at
XFD1048576, zip bombs of whitespace or shared strings, a zip directory that lies), and Annex A sheets that are
stale, hidden, merged or headed twice. Every workbook is made here, small; the limits are lowered through their
environment variables so that a bomb need not be large to prove the bound."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook, load_workbook

from cscperf.errors import UsageProblem
from cscperf.loading import workbook_guard
from cscperf.loading.limits import MB, WorkbookLimits, memory_limit, workbook_limits
from cscperf.loading.session import load_files
from cscperf.loading.unreadable import UnreadableFile
from cscperf.store.database import open_store

from .test_load_annex_a import build_workbook, referral

LA = "874"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_store(tmp_path / "store.duckdb")


def _annex_a(path: Path) -> Path:
    return build_workbook(path, {3: [referral("C1", "2024-01-05"), referral("C2", "2024-02-05")]})


def _rewrite(path: Path, part: str, change: object) -> None:
    """Replace one part of a workbook with what `change` makes of it."""
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    parts[part] = change(parts[part])  # type: ignore[operator]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def _sheet_part(path: Path, sheet: str) -> str:
    book = load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet) + 1
    book.close()
    return f"xl/worksheets/sheet{index}.xml"


# ------------------------------------------------------------------------------------------ item 2
def test_a_value_at_the_last_cell_of_a_sheet_is_refused_naming_the_sheet(store: duckdb.DuckDBPyConnection,
                                                                         tmp_path: Path) -> None:  # fmt: skip
    path = _annex_a(tmp_path / "annex_a.xlsx")
    book = load_workbook(path)
    book["List 3"]["XFD1048576"] = 1  # 16,384 columns by 1,048,576 rows: the reader would ask for 512 GiB
    book.save(path)
    with pytest.raises(UnreadableFile) as refused:
        load_files(store, [path], la_code=LA)
    message = str(refused.value)
    assert "'List 3'" in message and "XFD1048576" in message and "CSCPERF_MAX_SHEET_CELLS" in message
    assert store.execute("SELECT count(*) FROM cscperf_loads").fetchall() == [(0,)]


def test_the_extent_counts_the_cells_holding_values_whatever_the_sheet_declares(tmp_path: Path) -> None:
    path = _annex_a(tmp_path / "annex_a.xlsx")
    part = _sheet_part(path, "List 3")
    # A huge <dimension> with small content is harmless (the reader sizes by the cells); a small one with a far
    # cell is not: the cells decide.
    _rewrite(path, part, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:XFD1048576"/>', xml))
    sheets = {s.name: s for s in workbook_guard.inspect(path, WorkbookLimits()).sheets}
    assert (sheets["List 3"].rows, sheets["List 3"].columns) == (3, 11)
    far = b'<row r="900000"><c r="ZZ900000"><v>1</v></c></row></sheetData>'
    _rewrite(path, part, lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', xml)
             .replace(b"</sheetData>", far))  # fmt: skip
    with pytest.raises(workbook_guard.WorkbookRefused, match="reach cell ZZ900000"):
        workbook_guard.inspect(path, WorkbookLimits())


def test_inside_a_folder_the_process_is_not_aborted(tmp_path: Path) -> None:
    """The reader used to abort the whole process (exit 134) on this workbook: run as a user would."""
    folder = tmp_path / "returns"
    folder.mkdir()
    path = _annex_a(folder / "annex_a.xlsx")
    book = load_workbook(path)
    book["List 1"]["XFD1048576"] = "x"
    book.save(path)
    result = subprocess.run([sys.executable, "-m", "cscperf", "load", str(folder), "--db", str(tmp_path / "s.duckdb"),
                             "--la", LA], capture_output=True, text=True, cwd=ROOT, timeout=120)  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "annex_a.xlsx: has a sheet 'List 1' whose values reach cell XFD1048576" in " ".join(result.stderr.split())
    assert "panicked" not in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------------------------------ item 3
def test_a_workbook_that_unzips_beyond_the_limit_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    path = _annex_a(tmp_path / "annex_a.xlsx")
    # 3 MB of whitespace compresses to a few kilobytes: a zip bomb in small.
    _rewrite(path, _sheet_part(path, "List 2"), lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 3 * MB))
    assert path.stat().st_size < 100_000
    monkeypatch.setenv("CSCPERF_MAX_UNZIPPED_MB", "2")
    with pytest.raises(UnreadableFile, match=r"unzips to 3 MB, more than the 2 MB allowed \(CSCPERF_MAX_UNZIPPED_MB\)"):
        load_files(store, [path], la_code=LA)
    monkeypatch.setenv("CSCPERF_MAX_UNZIPPED_MB", "8")  # raised, the same workbook loads
    [file] = load_files(store, [path], la_code=LA).files
    assert file.loaded > 0


def test_a_zip_directory_that_understates_a_part_is_caught_by_what_it_really_unzips_to(tmp_path: Path) -> None:
    path = _annex_a(tmp_path / "annex_a.xlsx")
    part = _sheet_part(path, "List 2")
    _rewrite(path, part, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * MB))
    with zipfile.ZipFile(path) as archive:
        true_size = archive.getinfo(part).file_size
    raw = path.read_bytes().replace(struct.pack("<I", true_size), struct.pack("<I", 4096))  # local and central
    path.write_bytes(raw)
    with pytest.raises(workbook_guard.WorkbookRefused, match="more than the size its zip directory declares"):
        workbook_guard.inspect(path, WorkbookLimits())


def test_shared_strings_repeated_in_many_cells_are_counted_as_the_reader_would_copy_them(tmp_path: Path) -> None:
    path = tmp_path / "strings.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "List 1"
    book.save(path)
    long = "x" * 20_000
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 201))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{workbook_guard.MAIN}" count="200" uniqueCount="1">'
                                                 f"<si><t>{long}</t></si></sst>")  # fmt: skip
    data = f"<sheetData>{cells}</sheetData>".encode()
    _rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<sheetData.*</sheetData>|<sheetData/>", data, xml))
    # 200 copies of a 20,000-character string: 4 MB of text from a 1-row shared strings part.
    limits = WorkbookLimits(max_sheet_text_bytes=3 * MB)
    with pytest.raises(workbook_guard.WorkbookRefused, match=r"sheet 'List 1' whose cells hold more than 3 MB of text"):
        workbook_guard.inspect(path, limits)
    assert workbook_guard.inspect(path, WorkbookLimits()).sheets[0].text_bytes == 200 * 20_000


def test_limits_come_from_the_environment_and_nonsense_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workbook_limits() == WorkbookLimits()
    monkeypatch.setenv("CSCPERF_MAX_SHEET_CELLS", "1,000")
    assert workbook_limits().max_sheet_cells == 1000
    monkeypatch.setenv("CSCPERF_MAX_SHEET_CELLS", "-5")
    with pytest.raises(UsageProblem, match="CSCPERF_MAX_SHEET_CELLS must be a whole number above 0"):
        workbook_limits()
    assert memory_limit("512MB") == "512MB" and memory_limit("1.5GiB") == "1.5GiB"
    monkeypatch.setenv("CSCPERF_MEMORY_LIMIT", "lots")
    with pytest.raises(UsageProblem, match="a size such as 2GB or 512MB, not 'lots'"):
        memory_limit()
    os.environ.pop("CSCPERF_MEMORY_LIMIT", None)


# ------------------------------------------------------------------------------------------ item 12
def _with_sheet(path: Path, name: str, state: str, rows: list[list[object]]) -> None:
    book = load_workbook(path)
    sheet = book.create_sheet(name)
    sheet.sheet_state = state
    for row in [next(iter(book["List 3"].values)), *rows]:
        sheet.append(row)
    book.save(path)


def test_a_visible_sheet_wins_over_a_very_hidden_stale_one(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _annex_a(tmp_path / "annex_a.xlsx")
    _with_sheet(path, "List 3 (old)", "veryHidden", [referral("OLD", "2023-01-05")])
    # the stale sheet first in the workbook, as a council's copy often has it
    book = load_workbook(path)
    book.move_sheet("List 3 (old)", offset=-len(book.sheetnames) + 1)
    book.save(path)
    [file] = load_files(store, [path], la_code=LA).files
    assert file.details["sheets"]["List 3"] == "List 3"
    children = {r[0] for r in store.execute("SELECT cine_person_id FROM ssd_cin_episodes").fetchall()}
    assert children == {"C1", "C2"}
    [warning] = store.execute("SELECT source_location, message FROM cscperf_load_rejects "
                              "WHERE rule = 'sheet not read'").fetchall()  # fmt: skip
    assert warning[0] == "List 3 (old)!A1" and "very hidden" in warning[1] and "'List 3' was" in warning[1]


def test_two_visible_sheets_for_one_list_are_refused_naming_both(store: duckdb.DuckDBPyConnection,
                                                                 tmp_path: Path) -> None:  # fmt: skip
    path = _annex_a(tmp_path / "annex_a.xlsx")
    _with_sheet(path, "List 3 (old)", "visible", [referral("OLD", "2023-01-05")])
    both = r"two sheets that could be List 3 \(Referrals\): 'List 3' and 'List 3 \(old\)'"
    with pytest.raises(UnreadableFile, match=both):
        load_files(store, [path], la_code=LA)


def test_a_header_merged_across_columns_is_refused_naming_the_cells(store: duckdb.DuckDBPyConnection,
                                                                    tmp_path: Path) -> None:  # fmt: skip
    path = _annex_a(tmp_path / "annex_a.xlsx")
    book = load_workbook(path)
    book["List 3"].merge_cells("F1:G1")  # "Referral date" over its own column and "Referral source"
    book.save(path)
    with pytest.raises(UnreadableFile, match=r"merged header cells on sheet 'List 3' \(F1:G1\)"):
        load_files(store, [path], la_code=LA)


def test_a_header_merged_down_two_rows_is_unmerged(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _annex_a(tmp_path / "annex_a.xlsx")
    book = load_workbook(path)
    sheet = book["List 3"]
    sheet.insert_rows(1)  # a two-row header: "Child ID" merged down A1:A2, the other titles in row 2
    sheet["A1"] = sheet["A2"].value
    sheet["A2"] = None
    sheet.merge_cells("A1:A2")
    book.save(path)
    [file] = load_files(store, [path], la_code=LA).files
    assert file.by_table["ssd_cin_episodes"]["loaded"] == 2


def test_two_columns_with_the_same_header_are_refused_naming_both(store: duckdb.DuckDBPyConnection,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    path = _annex_a(tmp_path / "annex_a.xlsx")
    book = load_workbook(path)
    sheet = book["List 3"]
    title = sheet["D1"].value  # the date of birth
    sheet.cell(1, sheet.max_column + 1, title)
    sheet.cell(2, sheet.max_column, "2099-01-01")
    book.save(path)
    with pytest.raises(UnreadableFile, match=rf"two columns headed '{title}' on sheet 'List 3' \(D1 and L1\)"):
        load_files(store, [path], la_code=LA)


# ------------------------------------------------------------------------------------------ the same elsewhere
def test_validate_refuses_the_workbook_instead_of_aborting(tmp_path: Path) -> None:
    """`cscperf validate` reads a council's Annex A with the same reader: it is guarded the same way."""
    path = _annex_a(tmp_path / "annex_a.xlsx")
    book = load_workbook(path)
    book["List 2"]["XFD1048576"] = 1
    book.save(path)
    result = subprocess.run([sys.executable, "-m", "cscperf", "validate", str(path)], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)  # fmt: skip
    assert result.returncode == 1 and "has a sheet 'List 2' whose values reach cell XFD1048576" in result.stderr
    assert "panicked" not in result.stderr


def test_published_statistics_workbooks_are_refused_beyond_their_declared_extent(tmp_path: Path) -> None:
    """The comparators' workbooks are read by openpyxl, which pads every row to the extent a sheet declares."""
    from cscperf.comparators.reading import read_published_file
    from cscperf.errors import DataProblem

    path = tmp_path / "SN_2025.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "LA SN Groups"
    sheet.append(["LA num", "LA Name"])
    book.save(path)
    _rewrite(path, "xl/worksheets/sheet1.xml",
             lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:Z300000"/>', xml))  # fmt: skip
    with pytest.raises(DataProblem, match="'LA SN Groups' that declares it reaches cell Z300000"):
        read_published_file(path)
