"""Every CSV and Excel file a command writes has its text made inert and is written whole or not at all:
rejects (CSV, Excel, standard output), kpis CSV (team names), drill CSV and --out (child ids), a source
file's name, and kpis.xlsx (the council's name)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cscperf.cli import app

from .hostile import AT_FORMULA, FORMULA, hostile_store

runner = CliRunner()


def _formulas(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as book:
        return [n for n in book.namelist() if n.startswith("xl/worksheets/") and b"<f>" in book.read(n)]


def _csv_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _no_live_formula(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not (cell.startswith("-") and not cell.lstrip("-").replace(".", "").isdigit()), cell


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    return hostile_store(tmp_path / "hostile.duckdb")


def test_kpis_csv_makes_team_names_inert(store: Path) -> None:
    result = runner.invoke(app, ["kpis", "--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals",
                                 "--by", "team", "--format", "csv", "--months", "1"])  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = _csv_cells(result.stdout)
    assert "'" + FORMULA in cells
    _no_live_formula(cells)


def test_drill_csv_makes_child_ids_and_workers_inert(store: Path) -> None:
    result = runner.invoke(app, ["drill", "--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals",
                                 "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    cells = _csv_cells(result.stdout)
    assert "'" + AT_FORMULA in cells and "'-2+3+cmd|' /C calc'!A0" in cells
    _no_live_formula(cells)


@pytest.mark.parametrize("name", ["referrals.xlsx", "referrals.csv"])
def test_drill_out_writes_a_filterable_list_marked_as_holding_child_ids(store: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / "lists" / name
    result = runner.invoke(app, ["drill", "--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals",
                                 "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "child identifiers" in result.output
    if name.endswith(".csv"):
        cells = _csv_cells(out.read_text(encoding="utf-8-sig"))
        assert "'" + AT_FORMULA in cells
        _no_live_formula(cells)
        return
    assert _formulas(out) == []
    ws = load_workbook(out).active
    assert ws is not None and "HOLDS CHILD IDENTIFIERS" in ws["A1"].value
    assert ws.tables and ws.auto_filter is not None
    children = {ws.cell(r, 3).value for r in range(3, ws.max_row + 1)}
    assert AT_FORMULA in children and all(ws.cell(r, 3).data_type == "s" for r in range(3, ws.max_row + 1))


def test_drill_out_splits_the_detail_into_dated_columns(tmp_path: Path) -> None:
    from .golden import GoldenCouncil

    council = GoldenCouncil(tmp_path)
    council.person("P1")
    council.add("ssd_cin_episodes", cine_referral_id="R0", cine_person_id="P1", cine_referral_date="2023-06-01")
    council.add("ssd_cin_episodes", cine_referral_id="R1", cine_person_id="P1", cine_referral_date="2024-03-05")
    council.close()
    out = tmp_path / "re.xlsx"
    result = runner.invoke(app, ["drill", "--db", str(tmp_path / "golden.duckdb"), "--as-at", "2024-03-31",
                                 "--kpi", "re_referrals_12m", "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    assert ws is not None
    header = [c.value for c in ws[2]]
    row = dict(zip(header, [c.value for c in ws[3]], strict=True))
    # R1 on 5 March 2024 follows R0 on 1 June 2023, within 12 months: counted, with the earlier date as a date
    assert row["Detail"] == "previous referral 2023-06-01" and row["Counted"] == "yes"
    assert row["Previous referral on"].date().isoformat() == "2023-06-01"
    assert ws.cell(3, header.index("Previous referral on") + 1).number_format == "yyyy-mm-dd"


def test_drill_out_must_name_a_csv_or_xlsx_file(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["drill", "--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals",
                                 "--out", str(tmp_path / "list.ods")])  # fmt: skip
    assert result.exit_code == 2 and ".csv or .xlsx" in result.output
    result = runner.invoke(app, ["drill", "--db", str(store), "--as-at", "2024-03-31", "--kpi", "referrals",
                                 "--out", str(tmp_path)])  # fmt: skip
    assert result.exit_code != 0 and "Traceback" not in result.output


PEOPLE = "pers_person_id,pers_sex,pers_ethnicity,pers_dob\n"


def _loaded_with_hostile_rejects(tmp_path: Path) -> str:
    """Load a people file (named like a formula) whose rejected dates of birth are a formula and a value
    holding a control character."""
    folder = tmp_path / "in"
    folder.mkdir()
    people = folder / "=cmd.csv"
    people.write_text(PEOPLE + f'C1,M,WBRI,"{FORMULA.replace(chr(34), chr(34) * 2)}"\nC2,F,WBRI,2015-01-0\x07\n'
                      "C3,F,WBRI,2015-03-01\n", encoding="utf-8")  # fmt: skip
    db = str(tmp_path / "s.duckdb")
    result = runner.invoke(app, ["load", str(people), "--db", db, "--la", "874"])
    assert result.exit_code == 0, result.output
    return db


def test_rejects_xlsx_csv_and_standard_output_are_inert(tmp_path: Path) -> None:
    db = _loaded_with_hostile_rejects(tmp_path)
    xlsx = tmp_path / "dq" / "rejects.xlsx"
    result = runner.invoke(app, ["rejects", "--db", db, "--out", str(xlsx)])
    assert result.exit_code == 0, result.output
    assert "2015-01-0" not in result.output  # the message names no value
    assert _formulas(xlsx) == []
    ws = load_workbook(xlsx).active
    assert ws is not None
    values = [c.value for row in ws.iter_rows(min_row=3) for c in row]
    assert FORMULA in values and "=cmd.csv:2" in values and "2015-01-0\\x07" in values
    csv_file = tmp_path / "dq" / "rejects.csv"
    result = runner.invoke(app, ["rejects", "--db", db, "--out", str(csv_file)])
    assert result.exit_code == 0, result.output
    cells = _csv_cells(csv_file.read_text(encoding="utf-8-sig"))
    assert "'" + FORMULA in cells and "'=cmd.csv:2" in cells
    _no_live_formula(cells)
    result = runner.invoke(app, ["rejects", "--db", db])
    _no_live_formula(_csv_cells(result.stdout))


def test_rejects_to_a_folder_or_through_a_file_is_a_plain_message_and_writes_nothing(tmp_path: Path) -> None:
    db = _loaded_with_hostile_rejects(tmp_path)
    target = tmp_path / "a-folder.csv"
    target.mkdir()
    result = runner.invoke(app, ["rejects", "--db", db, "--out", str(target)])
    assert result.exit_code == 1 and "is a folder" in result.output and "Traceback" not in result.output
    assert list(target.iterdir()) == []
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["rejects", "--db", db, "--out", str(blocker / "rejects.xlsx")])
    assert result.exit_code == 1 and "could not be written" in result.output and "Traceback" not in result.output
    assert blocker.read_text(encoding="utf-8") == ""


def test_kpis_xlsx_makes_the_council_name_inert_and_marks_every_sheet(tmp_path: Path, council_store: Path) -> None:
    config = tmp_path / "cscperf.toml"
    config.write_text(f"[council]\nname = '{FORMULA}'\n", encoding="utf-8")
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--db", str(council_store), "--as-at", "2026-03-31", "--config",
                                 str(config), "--out", str(out), "--format", "xlsx"])  # fmt: skip
    assert result.exit_code == 0, result.output
    book = out / "kpis.xlsx"
    assert _formulas(book) == []
    wb = load_workbook(book)
    for ws in wb.worksheets:
        assert "NOT FOR PUBLICATION" in str(ws["A1"].value), ws.title
        assert "NOT FOR PUBLICATION" in ws.oddHeader.center.text, ws.title
    about = wb["About"]
    assert any(str(c.value).startswith(FORMULA) for row in about.iter_rows() for c in row if c.value)


def test_a_pdf_without_pango_is_refused_before_any_work(
    council_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    real_import = builtins.__import__

    def no_pango(name: str, *args: object, **kwargs: object) -> object:
        if name == "weasyprint":
            raise OSError("cannot load library 'libgobject-2.0-0'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_pango)
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", "--db", str(council_store), "--as-at", "2026-03-31", "--out", str(out),
                                 "--format", "pdf"])  # fmt: skip
    assert result.exit_code == 1 and "Pango" in result.output and "docx,html,xlsx" in result.output
    assert not out.exists()
