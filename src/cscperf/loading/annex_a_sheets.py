"""Which sheet of an Annex A workbook holds each list, and its header row made safe to read.

- **Sheets.** A sheet named with its list's number ("List 3", "List 3 - Referrals") is preferred to one named
  only by words ("Referrals"), and a visible sheet to a hidden one: a stale "List 3 (old)" hidden (or "very
  hidden", which Excel's menus cannot unhide) beside the visible "List 3" is not read, with a warning naming
  it. Two sheets alike in both (two visible "List 3"s) leave the list ambiguous: the workbook is refused,
  naming both.
- **Merged header cells.** A header merged down several rows (a two-row header whose column title spans both)
  is unmerged: its title is put in each of its rows. A header merged across several columns gives two columns
  one title, so one of them would be read without its own header: refused, naming the cells.
- **Duplicate headers.** Two columns with the same header, one of which a list's field is read from, are
  refused with both cells named: which one holds the field cannot be told.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cscperf.loading.annex_a_lists import LIST_BY_NUMBER, list_number_of_sheet, normalise
from cscperf.loading.csv_table import column_letter
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem
from cscperf.loading.workbook_guard import Sheet

_NUMBERED = re.compile(r"^\s*list\s*0?\d{1,2}\b", re.IGNORECASE)
Merge = tuple[tuple[int, int], tuple[int, int]]  # ((first row, first column), (last row, last column)), 0-based
HIDDEN_WORDS = {"hidden": "hidden", "veryHidden": "very hidden"}


def choose_sheets(load: FileLoad, sheets: Sequence[Sheet]) -> dict[int, str]:
    """The sheet read for each list found, by list number."""
    candidates: dict[int, list[Sheet]] = {}
    for sheet in sheets:
        number = list_number_of_sheet(sheet.name)
        if number is not None:
            candidates.setdefault(number, []).append(sheet)
    chosen: dict[int, str] = {}
    for number, found in sorted(candidates.items()):
        ranked = sorted(found, key=_rank)  # stable: workbook order among equals
        best = ranked[0]
        if len(ranked) > 1 and _rank(ranked[1]) == _rank(best):
            names = " and ".join(repr(s.name) for s in ranked if _rank(s) == _rank(best))
            load.fail(
                f"has two sheets that could be List {number} ({LIST_BY_NUMBER[number].title}): {names}. Delete or "
                "rename the one that is not current, and load it again."
            )
        chosen[number] = best.name
        for other in ranked[1:]:
            message = f"Sheet {other.name!r} ({_state(other)}) was not read for List {number}: {best.name!r} was."
            load.flag(Problem(f"{other.name}!A1", "sheet not read", message, "warning", None, None, other.name))
        if not best.visible:
            load.flag(Problem(f"{best.name}!A1", "hidden sheet read",
                              f"List {number} was read from the {_state(best)} sheet {best.name!r}, the only sheet for "
                              "it; check it is current.", "warning", None, None, best.name))  # fmt: skip
    return chosen


def _rank(sheet: Sheet) -> tuple[bool, bool]:
    return (not sheet.visible, not _NUMBERED.match(sheet.name))


def _state(sheet: Sheet) -> str:
    return HIDDEN_WORDS.get(sheet.state, "visible")


def unmerge_down(rows: list[list[Any]], merges: Sequence[Merge], scan_rows: int) -> None:
    """Put the title of each header cell merged down several rows into each of them (in the rows where a
    header can be)."""
    for (first_row, first_col), (last_row, last_col) in merges:
        if first_col != last_col or first_row >= scan_rows or first_row >= len(rows):
            continue
        title = rows[first_row][first_col] if first_col < len(rows[first_row]) else None
        for index in range(first_row + 1, min(last_row, scan_rows - 1, len(rows) - 1) + 1):
            if first_col < len(rows[index]) and rows[index][first_col] in (None, ""):
                rows[index][first_col] = title


def refuse_merged_across(load: FileLoad, sheet: str, header_index: int, merges: Sequence[Merge]) -> None:
    """A header cell merged across columns in the header row: refused, naming it."""
    for (first_row, first_col), (last_row, last_col) in merges:
        if first_row <= header_index <= last_row and last_col > first_col:
            cells = f"{column_letter(first_col)}{header_index + 1}:{column_letter(last_col)}{header_index + 1}"
            load.fail(
                f"has merged header cells on sheet {sheet!r} ({cells}): one title over {last_col - first_col + 1} "
                "columns, so which column holds the field cannot be told. Unmerge them, give each column its own "
                "header, and load it again."
            )


def refuse_duplicate_headers(load: FileLoad, sheet: str, header_index: int, header: list[Any],
                             columns: dict[str, int]) -> None:  # fmt: skip
    """Two columns headed alike where a field is read from one of them: refused, naming both cells."""
    titles = [normalise(h) if isinstance(h, str) else "" for h in header]
    for index in sorted(columns.values()):
        title = titles[index] if index < len(titles) else ""
        twins = [i for i, other in enumerate(titles) if other and other == title and i != index]
        if title and twins:
            first, second = sorted((index, twins[0]))
            load.fail(
                f"has two columns headed {str(header[index]).strip()!r} on sheet {sheet!r} "
                f"({column_letter(first)}{header_index + 1} and {column_letter(second)}{header_index + 1}); which "
                "holds the field cannot be told. Remove or rename one, and load it again."
            )
