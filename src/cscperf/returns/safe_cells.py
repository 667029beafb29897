"""Cells that are safe to open in a spreadsheet.

A cell whose text begins with = + - @, a tab or a carriage return can be taken by Excel or LibreOffice as a
formula ("formula injection"). Every text value cscperf writes into a CSV or workbook a person opens goes
through `inert`, which puts an apostrophe before such a text so it shows as typed and never runs. Numbers and
dates are left alone (a negative number is a number, not a formula).

This is the one place returns/ makes cells safe; when the shared safe writer (`cscperf.exports`) lands, this
function is what changes.
"""

from __future__ import annotations

import datetime as dt

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """`value` made harmless as a spreadsheet cell: texts that could start a formula get a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    if value is None or isinstance(value, int | float | dt.date | str):
        return value
    return inert(str(value))
