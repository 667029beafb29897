"""`--out FILE.csv|FILE.xlsx` for commands that export rows holding child identifiers (drill, rejects): the
file type from its name, checked before any work, and written through the safe writers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from cscperf.errors import UsageProblem
from cscperf.exports.csv_file import write_csv
from cscperf.exports.files import check_writable_target
from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, Sheet, write_xlsx

ExportKind = Literal["csv", "xlsx"]


def export_kind(out: Path | None) -> ExportKind | None:
    """The kind of file --out names, or None without --out; refused before any work if it is not one."""
    if out is None:
        return None
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise UsageProblem(f"--out must name a .csv or .xlsx file, not {out}.")
    check_writable_target(out)
    return "csv" if suffix == ".csv" else "xlsx"


def write_export(
    out: Path,
    kind: ExportKind | None,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    sheet: str,
    widths: Sequence[int] = (),
    banner: str = CHILD_IDENTIFIERS,
) -> None:
    """Write rows holding personal data: a CSV, or a workbook whose one sheet says what it holds (child
    identifiers by default) and is a filterable table."""
    if kind == "csv":
        write_csv(out, header, rows)
    else:
        write_xlsx(out, [Sheet(sheet, header, rows, banner=banner, widths=widths)])
