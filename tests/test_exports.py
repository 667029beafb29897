"""Safe exports: every text cell of every CSV and Excel file made inert (OWASP's formula injection guidance),
numbers kept numbers and dates kept dates, control characters that break a workbook made visible, and files
written whole or not at all, with a plain message when they cannot be."""

from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from cscperf.errors import DataProblem
from cscperf.exports import files
from cscperf.exports.cells import csv_cell, is_formula_like, plain_value, visible_controls, xlsx_text
from cscperf.exports.csv_file import csv_text, write_csv
from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, Sheet, write_xlsx

ATTACKS = ['=HYPERLINK("http://evil.example","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3+cmd|' /C calc'!A0",
           "\t=1+1", "\r=1+1", "＝1+1", "=1", "-", "@"]  # fmt: skip
HARMLESS = ["Family Safeguarding Team 1", "C123", "-3", "+44", "-2.5", "1e3", "", "A=B", "team - east", "#N/A"]


@pytest.mark.parametrize("text", ATTACKS)
def test_text_a_spreadsheet_would_run_is_recognised(text: str) -> None:
    assert is_formula_like(text)
    cell = csv_cell(text)
    assert isinstance(cell, str) and cell.startswith("'") and cell[1:] == text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_and_numbers_written_as_text_are_left_alone(text: str) -> None:
    assert not is_formula_like(text)
    assert csv_cell(text) == text


def test_numbers_stay_numbers_and_dates_stay_dates() -> None:
    assert csv_cell(-3) == -3 and csv_cell(2.5) == 2.5 and csv_cell(True) is True and csv_cell(None) is None
    assert csv_cell(dt.date(2026, 3, 31)) == "2026-03-31"
    aware = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert plain_value(aware) == dt.datetime(2026, 3, 31, 11, 0)  # spreadsheets have no time zones: UTC
    assert plain_value(float("inf")) == "inf" and plain_value(float("nan")) == "nan"


def test_control_characters_are_made_visible() -> None:
    assert visible_controls("1\x07 2\x00 3\x1b[31m") == "1\\x07 2\\x00 3\\x1b[31m"
    assert visible_controls("tab\tand\nnew line") == "tab\tand\nnew line"  # these a file can hold


def test_text_longer_than_an_excel_cell_is_cut_with_a_note() -> None:
    text, quoted = xlsx_text("=" + "x" * 40_000)
    assert len(text) == 32_767 and text.endswith("more than a cell holds)") and quoted


@given(st.text(max_size=40))
def test_no_csv_cell_starts_with_a_trigger_unless_it_is_a_plain_number(text: str) -> None:
    cell = csv_cell(text)
    assert isinstance(cell, str)
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        float(cell)  # only a plain number may start so


def test_csv_file_cells_are_inert_and_the_file_opens_in_excel_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    rows = [[a, -3, dt.date(2026, 3, 31), "Zoë"] for a in ATTACKS]
    assert write_csv(path, ["value", "number", "date", "name"], rows) == len(ATTACKS)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: Excel reads it as UTF-8
    read = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert read[0] == ["value", "number", "date", "name"]
    for row, attack in zip(read[1:], ATTACKS, strict=True):
        assert row == ["'" + attack, "-3", "2026-03-31", "Zoë"]
    assert csv_text(["a"], [["=1+1"]]) == "a\n'=1+1\n"


def _formulas(path: Path) -> list[str]:
    """Every formula element in every sheet of the workbook, read from its XML."""
    with zipfile.ZipFile(path) as book:
        return [name for name in book.namelist() if name.startswith("xl/worksheets/") and b"<f>" in book.read(name)]


def test_xlsx_cells_are_text_never_formulas_numbers_numbers_dates_dates(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"
    rows = [[a, -3, 2.5, dt.date(2026, 3, 31), "bad\x07value\x00"] for a in ATTACKS]
    write_xlsx(path, [Sheet("Rejects", ["value", "number", "decimal", "date", "control"], rows,
                            banner=CHILD_IDENTIFIERS)])  # fmt: skip
    assert _formulas(path) == []
    ws = load_workbook(path).active
    assert ws is not None
    assert ws["A1"].value == CHILD_IDENTIFIERS and "HOLDS CHILD IDENTIFIERS" in ws.oddHeader.center.text
    assert [c.value for c in ws[2]] == ["value", "number", "decimal", "date", "control"]
    for i, attack in enumerate(ATTACKS, start=3):
        cell = ws.cell(i, 1)
        assert cell.value == attack and cell.data_type == "s" and cell.quotePrefix
        assert ws.cell(i, 2).value == -3 and ws.cell(i, 3).value == 2.5
        assert ws.cell(i, 4).value == dt.datetime(2026, 3, 31) and ws.cell(i, 4).number_format == "yyyy-mm-dd"
        assert ws.cell(i, 5).value == "bad\\x07value\\x00"
    assert ws.cell(3 + len(ATTACKS) + 5, 1).value is None
    assert list(ws.tables) == ["Rejects"] and ws.freeze_panes == "A3"
    harmless = tmp_path / "harmless.xlsx"
    write_xlsx(harmless, [Sheet("S", ["v"], [[h] for h in HARMLESS])])
    cells = load_workbook(harmless).active
    assert cells is not None and all(not cells.cell(i, 1).quotePrefix for i in range(2, len(HARMLESS) + 2))
    assert cells.cell(len(HARMLESS) + 1, 1).value == "#N/A" and cells.cell(len(HARMLESS) + 1, 1).data_type == "s"


# ------------------------------------------------------------------------------------ whole or not at all


def test_a_folder_given_as_the_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    with pytest.raises(DataProblem, match="is a folder"):
        write_csv(tmp_path, ["a"], [[1]])
    assert list(tmp_path.iterdir()) == []


def test_a_path_through_a_file_is_explained(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataProblem, match=r"could not be written.*Nothing was written"):
        write_xlsx(blocker / "rejects.xlsx", [Sheet("S", ["a"], [[1]])])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not-a-folder"]


@pytest.mark.parametrize(("error", "words"), [
    (errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission was refused"), (errno.EROFS, "read-only"),
])  # fmt: skip
def test_a_failed_write_leaves_no_partial_file_and_the_old_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: int, words: str
) -> None:
    target = tmp_path / "rejects.csv"
    target.write_text("the previous export\n", encoding="utf-8")

    def fail(fd: int) -> None:
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(files.os, "fsync", fail)  # the disk fills (or refuses) as the file is finished
    with pytest.raises(DataProblem, match=words):
        write_csv(target, ["a"], [["b"]] * 1000)
    assert target.read_text(encoding="utf-8") == "the previous export\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rejects.csv"]


def test_a_folder_that_cannot_be_written_to_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files.tempfile, "NamedTemporaryFile", refuse)
    with pytest.raises(DataProblem, match="permission was refused"):
        write_xlsx(tmp_path / "out.xlsx", [Sheet("S", ["a"], [[1]])])
    assert list(tmp_path.iterdir()) == []


def test_an_error_while_writing_rows_leaves_no_file(tmp_path: Path) -> None:
    def rows() -> object:
        yield ["first"]
        raise RuntimeError("stopped half way")

    with pytest.raises(RuntimeError):
        write_csv(tmp_path / "out.csv", ["a"], rows())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
