"""What opening an xlsx workbook would cost, found before python-calamine opens it, and refused beyond the
limits (`limits.WorkbookLimits`) with a message naming the part or sheet.

python-calamine reads every shared string into memory when it opens a workbook, and builds each sheet it reads
as a grid from A1 to the last cell holding a value, every string copied into each cell that uses it. So a
workbook of a few kilobytes can ask for hundreds of gigabytes (one value at XFD1048576), and one of a few
megabytes can unzip to gigabytes (a zip bomb of whitespace or of repeated shared strings); either aborts the
process. Here, streaming and with bounded memory:

1. every part is unzipped by this module's own inflater, counting what it really gives (the sizes the zip's
   directory declares may lie): a part giving more than its declared size, or all parts together more than
   the limit, is refused;
2. the workbook's sheets are read from `xl/workbook.xml` (name, whether hidden, which part holds it);
3. the shared strings' lengths are counted, and each sheet's cells scanned: the extent of the cells holding a
   value (not the `<dimension>` the sheet declares, which a workbook may misstate either way) and the text
   those cells would hold. A sheet beyond the cell or text limit is refused, by name.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf.loading.limits import WorkbookLimits, megabytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_PARTS = 10_000
MAX_WORKBOOK_XML = 16 << 20  # xl/workbook.xml and its relationships: a few kilobytes in any real workbook
CHUNK = 1 << 16
LOCAL_HEADER = struct.Struct("<4s5H3I2H")


class WorkbookRefused(Exception):
    """Opening the workbook would cost more than the limits allow, or it is not a workbook that can be read."""


@dataclass
class Sheet:
    name: str
    state: str  # visible, hidden or veryHidden
    part: str | None  # the zip member holding it
    rows: int = 0  # the last row holding a value (1-based), so the grid read is rows x columns
    columns: int = 0
    text_bytes: int = 0
    declared_rows: int = 0  # the extent the sheet's <dimension> declares (openpyxl's read-only mode pads to it)
    declared_columns: int = 0

    @property
    def visible(self) -> bool:
        return self.state == "visible"

    @property
    def cells(self) -> int:
        return self.rows * self.columns


@dataclass
class Budget:
    """What the workbook's parts may still unzip to."""

    left: int
    used: int = 0

    def spend(self, amount: int, limits: WorkbookLimits) -> None:
        self.left -= amount
        self.used += amount
        if self.left < 0:
            raise WorkbookRefused(
                f"unzips to more than {megabytes(limits.max_unzipped_bytes)} (CSCPERF_MAX_UNZIPPED_MB), far more "
                "than an Annex A workbook holds: it may be a zip bomb. If the workbook is genuine, raise the limit."
            )


class Unzipped(io.RawIOBase):
    """One part of the zip, unzipped as it is read, by our own inflater: it counts what the part really gives,
    and refuses more than its declared size or the workbook's budget."""

    def __init__(self, handle: Any, info: zipfile.ZipInfo, budget: Budget, limits: WorkbookLimits) -> None:
        super().__init__()
        self.info, self.budget, self.limits = info, budget, limits
        handle.seek(info.header_offset)
        fields = LOCAL_HEADER.unpack(handle.read(LOCAL_HEADER.size))
        if fields[0] != b"PK\x03\x04":
            raise WorkbookRefused(f"is a damaged zip file (the part {info.filename[:80]} is not where it says).")
        handle.seek(info.header_offset + LOCAL_HEADER.size + fields[9] + fields[10])
        self.handle = handle
        self.compressed_left = info.compress_size
        self.given = 0
        self.inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _next(self, size: int) -> bytes:
        while True:
            if self.inflater is not None and self.inflater.unconsumed_tail:
                data = self.inflater.decompress(self.inflater.unconsumed_tail, size)
            elif self.compressed_left > 0:
                raw = self.handle.read(min(CHUNK, self.compressed_left))
                if not raw:
                    raise WorkbookRefused(f"is a damaged zip file (the part {self.info.filename[:80]} is cut short).")
                self.compressed_left -= len(raw)
                data = raw if self.inflater is None else self.inflater.decompress(raw, size)
            else:
                data = b"" if self.inflater is None else self.inflater.flush()
            self._count(len(data))
            if data or (self.compressed_left <= 0 and not (self.inflater and self.inflater.unconsumed_tail)):
                return data

    def _count(self, amount: int) -> None:
        self.given += amount
        if self.given > self.info.file_size:
            raise WorkbookRefused(
                f"has a part ({self.info.filename[:80]}) that unzips to more than the size its zip directory "
                "declares: the file is damaged or was made to mislead a reader."
            )
        self.budget.spend(amount, self.limits)


@dataclass
class Workbook:
    """What the guard found: the sheets in workbook order."""

    sheets: list[Sheet] = field(default_factory=list)
    unzipped_bytes: int = 0


def inspect(path: Path, limits: WorkbookLimits) -> Workbook:
    """The workbook's sheets with their extents, once every part has been unzipped within the limits and every
    sheet found within them; WorkbookRefused (with the reason) otherwise."""
    try:
        return _inspect(path, limits)
    except WorkbookRefused:
        raise
    except (zlib.error, zipfile.BadZipFile, struct.error, EOFError, ValueError, OSError) as exc:
        raise WorkbookRefused(f"is a damaged xlsx file ({_first_line(exc)}).") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:120] if text else type(exc).__name__


def _inspect(path: Path, limits: WorkbookLimits) -> Workbook:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(f"is not a readable xlsx file ({exc}).") from None
    with archive, path.open("rb") as handle:
        infos = _parts(archive, limits)
        budget = Budget(limits.max_unzipped_bytes)
        book = Workbook(_sheets(handle, infos, budget, limits))
        lengths = _shared_string_lengths(handle, infos, budget, limits)
        for sheet in book.sheets:
            if sheet.part in infos:
                _scan_sheet(sheet, Unzipped(handle, infos[sheet.part], budget, limits), lengths, limits)
        seen = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml"}
        seen |= {s.part for s in book.sheets if s.part}
        for name, info in infos.items():
            if name not in seen:
                _drain(Unzipped(handle, info, budget, limits))
        book.unzipped_bytes = budget.used
    return book


def sheet_names(path: Path) -> list[str] | None:
    """The names of the workbook's sheets, from xl/workbook.xml alone (None if it is not an xlsx workbook):
    cheap enough to recognise a file by, and never more than that part unzipped."""
    limits = WorkbookLimits(max_unzipped_bytes=MAX_WORKBOOK_XML)
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            info = archive.getinfo("xl/workbook.xml")
            root = _small_xml(Unzipped(handle, info, Budget(MAX_WORKBOOK_XML), limits))
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, WorkbookRefused, etree.XMLSyntaxError):
        return None
    return [str(s.get("name")) for s in root.iter(f"{{{MAIN}}}sheet") if s.get("name")]


def _parts(archive: zipfile.ZipFile, limits: WorkbookLimits) -> dict[str, zipfile.ZipInfo]:
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise WorkbookRefused(f"has {len(infos):,} parts; a workbook has tens. It may be a zip bomb.")
    declared = sum(i.file_size for i in infos)
    if declared > limits.max_unzipped_bytes:
        raise WorkbookRefused(
            f"says it unzips to {megabytes(declared)}, more than the {megabytes(limits.max_unzipped_bytes)} allowed "
            "(CSCPERF_MAX_UNZIPPED_MB): an Annex A workbook is far smaller, so it may be a zip bomb. If the workbook "
            "is genuine, raise the limit."
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise WorkbookRefused("has encrypted parts. Remove the password (save a copy without it) and load that.")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise WorkbookRefused(f"uses a compression Excel does not write (method {info.compress_type}).")
    return {i.filename: i for i in infos}


def _small_xml(stream: Unzipped) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(stream.read(MAX_WORKBOOK_XML + 1), parser)


def _sheets(handle: Any, infos: dict[str, zipfile.ZipInfo], budget: Budget, limits: WorkbookLimits) -> list[Sheet]:
    if "xl/workbook.xml" not in infos:
        raise WorkbookRefused("is a zip file, not an xlsx workbook (it has no xl/workbook.xml).")
    try:
        book = _small_xml(Unzipped(handle, infos["xl/workbook.xml"], budget, limits))
        rels = infos.get("xl/_rels/workbook.xml.rels")
        links = _small_xml(Unzipped(handle, rels, budget, limits)) if rels is not None else None
    except etree.XMLSyntaxError as exc:
        raise WorkbookRefused(f"is a damaged workbook (xl/workbook.xml: {exc.msg}).") from None
    targets: dict[str, str] = {}
    if links is not None:
        for link in links:
            target = str(link.get("Target") or "")
            targets[str(link.get("Id"))] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheets = []
    for element in book.iter(f"{{{MAIN}}}sheet"):
        part = targets.get(str(element.get(f"{{{RELATIONSHIPS}}}id")))
        sheets.append(Sheet(str(element.get("name") or ""), str(element.get("state") or "visible"), part))
    return sheets


def _shared_string_lengths(
    handle: Any, infos: dict[str, zipfile.ZipInfo], budget: Budget, limits: WorkbookLimits
) -> array[int]:
    """The length (in UTF-8 bytes) of each shared string, in order."""
    lengths: array[int] = array("L")
    info = infos.get("xl/sharedStrings.xml")
    if info is None:
        return lengths
    total = 0
    stream = Unzipped(handle, info, budget, limits)
    try:
        for _event, item in etree.iterparse(stream, events=("end",), tag=f"{{{MAIN}}}si", **_SAFE):
            size = sum(len((t.text or "").encode("utf-8")) for t in item.iter(f"{{{MAIN}}}t"))
            lengths.append(size)
            total += size
            if len(lengths) > limits.max_sheet_cells:
                raise WorkbookRefused(
                    f"has more than {limits.max_sheet_cells:,} shared strings (CSCPERF_MAX_SHEET_CELLS), far more "
                    "than an Annex A workbook holds. If the workbook is genuine, raise the limit."
                )
            if total > limits.max_sheet_text_bytes:
                raise WorkbookRefused(
                    f"has more than {megabytes(limits.max_sheet_text_bytes)} of shared text "
                    "(CSCPERF_MAX_SHEET_TEXT_MB), far more than an Annex A workbook holds. If the workbook is "
                    "genuine, raise the limit."
                )
            _forget(item)
    except etree.XMLSyntaxError as exc:
        raise WorkbookRefused(f"is a damaged workbook (xl/sharedStrings.xml: {exc.msg}).") from None
    return lengths


_SAFE: dict[str, Any] = {"resolve_entities": False, "no_network": True, "huge_tree": True}


def _scan_sheet(sheet: Sheet, stream: Unzipped, lengths: array[int], limits: WorkbookLimits) -> None:
    """The sheet's extent (last row and column holding a value) and the text its cells hold, stopping as soon as
    either is beyond the limits."""
    row = column = 0
    tags = (f"{{{MAIN}}}row", f"{{{MAIN}}}c", f"{{{MAIN}}}dimension")
    try:
        for event, element in etree.iterparse(stream, events=("start", "end"), tag=tags, **_SAFE):
            if element.tag == tags[2]:
                last = str(element.get("ref") or "").split(":")[-1]
                sheet.declared_rows, sheet.declared_columns = _number(_row_of(last), 0), _column(last)
                continue
            if element.tag == tags[0]:
                if event == "start":
                    row = _number(element.get("r"), row + 1)
                    column = 0
                else:
                    _forget(element)
                continue
            if event == "start":
                continue
            reference = element.get("r")
            column = _column(reference) if reference else column + 1
            if reference:
                row = _number(_row_of(reference), row)
            text = _cell_text(element, lengths)
            if text is not None:
                sheet.rows, sheet.columns = max(sheet.rows, row), max(sheet.columns, column)
                sheet.text_bytes += text
                _check(sheet, limits)
            element.clear()
    except etree.XMLSyntaxError as exc:
        raise WorkbookRefused(f"has a damaged sheet {sheet.name!r} ({exc.msg}).") from None


def _cell_text(cell: Any, lengths: array[int]) -> int | None:
    """The bytes of text a cell holds (0 for a number or a flag), or None when it holds no value."""
    value = cell.find(f"{{{MAIN}}}v")
    inline = cell.find(f"{{{MAIN}}}is")
    if value is None and inline is None:
        return None
    kind = cell.get("t")
    if kind == "s" and value is not None:
        index = _number(value.text, -1)
        return lengths[index] if 0 <= index < len(lengths) else 0
    if inline is not None:
        return sum(len((t.text or "").encode("utf-8")) for t in inline.iter(f"{{{MAIN}}}t"))
    return len((value.text or "").encode("utf-8")) if kind in ("str", "e") and value is not None else 0


def _check(sheet: Sheet, limits: WorkbookLimits) -> None:
    if sheet.cells > limits.max_sheet_cells:
        raise WorkbookRefused(
            f"has a sheet {sheet.name!r} whose values reach cell {_column_letters(sheet.columns)}{sheet.rows}: "
            f"{sheet.columns:,} columns by {sheet.rows:,} rows, more than the {limits.max_sheet_cells:,} cells "
            "allowed (CSCPERF_MAX_SHEET_CELLS). A stray value far to the right or below the list does this: delete "
            "the rows and columns after the list's last ones, save, and load it again."
        )
    if sheet.text_bytes > limits.max_sheet_text_bytes:
        raise WorkbookRefused(
            f"has a sheet {sheet.name!r} whose cells hold more than {megabytes(limits.max_sheet_text_bytes)} of text "
            "(CSCPERF_MAX_SHEET_TEXT_MB), far more than an Annex A list holds. If the workbook is genuine, raise "
            "the limit."
        )


def refuse_declared(book: Workbook, limits: WorkbookLimits) -> None:
    """For readers that size a sheet by the extent it declares (openpyxl's read-only mode pads every row to
    it): a declared extent beyond the cell limit is refused, naming the sheet."""
    for sheet in book.sheets:
        if sheet.declared_rows * sheet.declared_columns > limits.max_sheet_cells:
            corner = f"{_column_letters(sheet.declared_columns)}{sheet.declared_rows}"
            raise WorkbookRefused(
                f"has a sheet {sheet.name!r} that declares it reaches cell {corner}, more than the "
                f"{limits.max_sheet_cells:,} cells allowed (CSCPERF_MAX_SHEET_CELLS). Delete the rows and columns "
                "after its last ones, save, and try again."
            )


def _drain(stream: Unzipped) -> None:
    while stream.read(CHUNK):
        pass


def _forget(element: Any) -> None:
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _number(text: str | None, default: int) -> int:
    return int(text) if text is not None and text.strip().isdigit() else default


def _row_of(reference: str) -> str:
    return reference.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz").replace("$", "")


def _column(reference: str) -> int:
    number = 0
    for char in reference.upper():
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif char != "$":
            break
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rem = divmod(number - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
