"""Ofsted Annex A (the eleven lists inspectors ask for under ILACS), written from the store as the template's
workbook and checked against the template's layout.

The workbook: a Summary sheet first (records and children per list: the figures inspectors look at first),
then `List 1` to `List 11` with the template's headers exactly, dates as Excel dates (shown dd/mm/yyyy), codes
as the template's options ("a) Male", "q) 6: Police"). Every text cell is made safe to open (safe_cells).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from cscperf.errors import DataProblem
from cscperf.exports.cells import visible_controls
from cscperf.returns import annex_a_template as t
from cscperf.returns.annex_a_rows import AnnexAReader, Window
from cscperf.returns.base import CheckRequest, ExportRequest, ExportResult, ReturnFormat
from cscperf.returns.failures import CheckOutcome, Failure
from cscperf.returns.held import Held, coverage_of, held
from cscperf.returns.periods import day_words
from cscperf.returns.safe_cells import inert

DATE_FORMAT = "dd/mm/yyyy"
CHECK = "Annex A layout"
NOT_HELD = {
    11: "List 11 (adopters) has headers only: no SSD table holds prospective adopters; the adoption service "
    "supplies them (docs/exporting.md).",
}


def sheet_name(number: int) -> str:
    return f"List {number}"


# The table each list is written from, and what it holds (for "not available" notes).
LIST_SOURCES: dict[int, tuple[str, str]] = {
    1: ("ssd_contacts", "contacts"),
    2: ("ssd_early_help_episodes", "early help episodes"),
    3: ("ssd_cin_episodes", "referrals"),
    4: ("ssd_cin_assessments", "assessments"),
    5: ("ssd_s47_enquiry", "section 47 enquiries"),
    6: ("ssd_cin_episodes", "children in need episodes"),
    7: ("ssd_cp_plans", "child protection plans"),
    8: ("ssd_cla_episodes", "episodes of care"),
    9: ("ssd_care_leavers", "care leaver records"),
    10: ("ssd_permanence", "adoption decisions (permanence records)"),
}


def list_held(request: ExportRequest, window: Window) -> dict[int, Held]:
    """Whether the store holds each list's source for the list's window (List 9 on the as-at day)."""
    coverage = coverage_of(request.con, request.la_code)
    out = {}
    for number, (table, what) in LIST_SOURCES.items():
        start = window.as_at if number == 9 else window.year_start if number == 10 else window.start
        out[number] = held(coverage, table, what, start, window.as_at)
    return out


def export(request: ExportRequest) -> ExportResult:
    as_at = request.as_at
    assert as_at is not None, "the command asks for --as-at"
    lists = AnnexAReader(request.con, request.la_code, as_at).lists()
    window = Window(as_at)
    found = list_held(request, window)
    request.out.parent.mkdir(parents=True, exist_ok=True)
    write(request.out, lists, request.la_code, window, found)
    missing = {n for n, h in found.items() if h.level == "none" and not lists[n]}
    counts = {f"List {n} {t.TITLES[n]}": len(rows) for n, rows in lists.items() if n not in missing}
    notes = [NOT_HELD[n] for n in NOT_HELD if not lists[n]]
    notes += [_note(n, h, n in missing) for n, h in found.items() if h.level != "full"]
    period = f"{day_words(window.start)} to {day_words(as_at)} (lists 10-11 from {day_words(window.year_start)})"
    return ExportResult([request.out], counts, period, notes=notes)


def _note(number: int, found: Held, missing: bool) -> str:
    name = f"List {number} ({t.TITLES[number]})"
    if missing:
        return f"{name} is not available: {found.reason}; it has headers only."
    return f"{name} may be incomplete: {found.reason}."


def write(
    path: Path, lists: dict[int, list[list[Any]]], la_code: str, window: Window, found: dict[int, Held] | None = None
) -> Path:
    book = Workbook(write_only=True)
    _summary(book.create_sheet("Summary"), lists, la_code, window, found or {})
    for number, rows in lists.items():
        sheet = book.create_sheet(sheet_name(number))
        sheet.append([_bold(sheet, h) for h in t.HEADERS[number]])
        for row in rows:
            sheet.append([_cell(sheet, v) for v in row])
    partial = path.with_name(path.name + ".partial")
    book.save(partial)
    partial.replace(path)
    return path


def _summary(
    sheet: WriteOnlyWorksheet, lists: dict[int, list[list[Any]]], la_code: str, window: Window, found: dict[int, Held]
) -> None:
    sheet.append([_bold(sheet, "Ofsted Annex A: records in each list")])
    sheet.append(["Council (DfE code)", la_code])
    sheet.append(["As at", _cell(sheet, window.as_at)])
    sheet.append(["Lists 1-8 cover", f"{day_words(window.start)} to {day_words(window.as_at)}"])
    sheet.append(["Lists 10-11 cover", f"{day_words(window.year_start)} to {day_words(window.as_at)}"])
    sheet.append([])
    sheet.append([_bold(sheet, h) for h in ("List", "What it holds", "Records", "Children", "Note")])
    for number, rows in lists.items():
        children = len({r[0] for r in rows if r and r[0] is not None})
        h = found.get(number)
        if h is not None and h.level == "none" and not rows:  # not "0": the store cannot say
            sheet.append([sheet_name(number), t.TITLES[number], "not available", "not available", h.reason])
            continue
        note = f"may be incomplete: {h.reason}" if h is not None and h.level != "full" else None
        sheet.append([sheet_name(number), t.TITLES[number], len(rows), children, note])


def _bold(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True)
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return inert(visible_controls(value) if isinstance(value, str) else value)  # a workbook holds no NUL or bell


# ------------------------------------------------------------------------------------------------ checks

KEY_DATES = {
    1: "Date of Contact",
    2: "Assessment start date",
    3: "Date of Referral",
    4: "Continuous Assessment Start Date",
    5: "Strategy discussion initiating Section 47 Enquiry Start Date",
    6: "CIN Start Date",
    7: "Child Protection Plan Start Date",
    8: "Date Started to be Looked After",
}
OPTIONS: dict[str, set[str]] = {
    "Gender": set(t.GENDER.values()),
    "Ethnicity": set(t.ETHNIC_OPTIONS.values()),
}
NOT_BLANK = ("Child Unique ID", "Gender", "Ethnicity")


def check(request: CheckRequest) -> list[CheckOutcome]:
    """The workbook against the template: every list there, headers exactly, the child id, gender and ethnicity
    present and spelt as the template's options, key dates present and stored as dates."""
    from python_calamine import CalamineWorkbook

    from cscperf.loading import workbook_guard
    from cscperf.loading.limits import workbook_limits

    [path] = request.paths
    try:  # what opening it would cost, first: the reader builds each sheet as a grid from A1 to its last value
        workbook_guard.inspect(path, workbook_limits())
    except workbook_guard.WorkbookRefused as exc:
        raise DataProblem(f"{path.name} {exc}") from None
    book = CalamineWorkbook.from_path(str(path))
    failures: list[Failure] = []
    for number in range(1, 12):
        name = sheet_name(number)
        if name not in book.sheet_names:
            failures.append(_fail("missing list", "", name, "", "", f"the workbook has no sheet {name!r}", name))
            continue
        rows = book.get_sheet_by_name(name).to_python()
        failures.extend(_check_list(number, rows))
    return [CheckOutcome(CHECK, True, tuple(failures), note="against the Ofsted template's headers and options")]


def _check_list(number: int, rows: list[list[Any]]) -> list[Failure]:
    name = sheet_name(number)
    expected = t.HEADERS[number]
    found = [str(h).strip() for h in (rows[0] if rows else [])]
    failures = [
        _fail("header", "", name, want, got, f"column {i + 1} should be headed {want!r}", f"{name}!{_col(i)}1")
        for i, (want, got) in enumerate(zip(expected, found + [""] * len(expected), strict=False))
        if want != got
    ]
    index = {h: i for i, h in enumerate(found)}
    key = KEY_DATES.get(number)
    for line, row in enumerate(rows[1:], start=2):
        child = _child_id(row[0]) if row and row[0] not in (None, "") else ""
        for column in NOT_BLANK:
            i = index.get(column)
            if i is not None and i < len(row) and row[i] in (None, "") and column in expected:
                failures.append(
                    _fail("blank", child, name, column, "", f"{column} is blank", f"{name}!{_col(i)}{line}")
                )
            elif i is not None and i < len(row) and column in OPTIONS and row[i] not in OPTIONS[column]:
                failures.append(
                    _fail(
                        "not a template option",
                        child,
                        name,
                        column,
                        str(row[i]),
                        f"{column} is not spelt as the template's options",
                        f"{name}!{_col(i)}{line}",
                    )
                )
        if key is not None and (i := index.get(key)) is not None:
            value = row[i] if i < len(row) else None
            if not isinstance(value, dt.date):
                why = "is blank" if value in (None, "") else "is not stored as a date"
                failures.append(
                    _fail("date", child, name, key, str(value or ""), f"{key} {why}", f"{name}!{_col(i)}{line}")
                )
    return failures


def _child_id(value: Any) -> str:
    """A child's id as written: a number the spreadsheet holds as 10897459.0 is the id 10897459."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fail(rule: str, child: str, table: str, field: str, value: str, message: str, where: str) -> Failure:
    return Failure(CHECK, rule, "error", child, table, field, value, message, where)


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def year_of(paths: Sequence[Path]) -> int | None:
    return None


RETURN = ReturnFormat(
    name="annex-a",
    title="Ofsted Annex A",
    load_kind="annex_a",
    export=export,
    check=check,
    year_of=year_of,
)
