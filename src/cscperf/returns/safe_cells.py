"""Cells that are safe to open in a spreadsheet.

A cell whose text begins with = + - @, a tab or a carriage return can be taken by Excel or LibreOffice as a
formula ("formula injection"). Every text value cscperf writes into a CSV or workbook a person opens goes
through `inert`, which puts an apostrophe before such a text so it shows as typed and never runs. Numbers and
dates are left alone (a negative number is a number, not a formula).

What counts as a formula is the shared writer's one definition (`cscperf.exports.cells.is_formula_like`:
these triggers and their full-width forms; a plain number written as text, such as "-3", is not one). The
returns keep their own apostrophe here, rather than the shared writers' files, because a return's CSV is
uploaded to the DfE as it is (no byte-order mark) and each value made inert is reported as a failure.
"""

from __future__ import annotations

import datetime as dt

from cscperf.exports.cells import is_formula_like


def inert(value: object) -> object:
    """`value` made harmless as a spreadsheet cell: texts that could start a formula get a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    if value is None or isinstance(value, int | float | dt.date | str):
        return value
    return inert(str(value))
