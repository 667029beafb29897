"""SSDA903 (children looked after) returns: the CSV tables and the XML return (EXPSSDA903).

A CSV file is recognised as a 903 table by its header row, as the DfE validator does: the column names in
any order and any case, with or without a byte-order mark, CRLF or LF line ends; extra columns are ignored
(and reported). The XML return is recognised by its root element. Each file is its own load; several years
of returns are stitched into one history of episodes once every file of the command has been read
(`ssda903_stitching.stitch`). Mapping, identifiers and rules: docs/loading-ssda903.md.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf.loading import ssda903_sql
from cscperf.loading.csv_table import CsvRows, csv_rows, duplicate_columns
from cscperf.loading.encoding import decode_head, xml_codec
from cscperf.loading.file_load import FileLoad
from cscperf.loading.problems import Problem, wrong_field_count
from cscperf.loading.source_format import SourceFormat
from cscperf.loading.ssda903_stitching import stitch
from cscperf.loading.ssda903_tables import TABLE_COLUMNS, TARGET, Reading, read_record

# Columns a table may lack and still be recognised (older returns, or councils that leave them off).
OPTIONAL_COLUMNS: dict[str, frozenset[str]] = {
    "header": frozenset({"UPN", "MOTHER", "MC_DOB"}),
    "episodes": frozenset({"PLACE_PROVIDER", "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"}),
    "oc2": frozenset({"SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED", "SDQ_REASON"}),
    "prev_perm": frozenset({"LA_PERM", "DATE_PERM"}),
}
TABLE_TITLES = {
    "header": "Header",
    "episodes": "Episodes",
    "uasc": "UASC",
    "reviews": "Reviews",
    "oc2": "OC2",
    "oc3": "OC3",
    "ad1": "AD1",
    "placed_adoption": "Placed for adoption",
    "prev_perm": "Previous permanence",
    "missing": "Missing",
    "sw_episodes": "Social worker episodes",
    "dolo": "Deprivation of liberty orders",
}
XML_ROOT = "EXPSSDA903"


# ------------------------------------------------------------------------------------------ recognising
def _first_line(head: bytes) -> str | None:
    text = decode_head(head)
    lines = text.lstrip("\ufeff").splitlines() if text is not None else []
    return lines[0] if lines else None


def _names(line: str) -> list[str]:
    return [n.strip().upper() for n in next(csv.reader(io.StringIO(line)))]


def table_for_header(names: list[str]) -> str | None:
    """The 903 table whose columns these are (any order or case; extra columns allowed), or None."""
    present = {n.strip().upper() for n in names if n.strip()}
    best: tuple[int, str] | None = None
    tied = False
    for table, columns in TABLE_COLUMNS.items():
        required = set(columns) - OPTIONAL_COLUMNS.get(table, frozenset())
        if not required <= present:
            continue
        score = len(set(columns) & present)
        if best is None or score > best[0]:
            best, tied = (score, table), False
        elif score == best[0]:
            tied = True
    return None if best is None or tied else best[1]


def recognise_csv(path: Path, head: bytes) -> bool:
    line = _first_line(head)
    if line is None or "," not in line or line.lstrip().startswith("<"):
        return False
    try:
        return table_for_header(_names(line)) is not None
    except csv.Error:
        return False


def _root_name(head: bytes) -> str | None:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    text = re.sub(rb"^(<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*", b"", text, flags=re.S)
    match = re.match(rb"<(?:[\w.-]+:)?([A-Za-z_][\w.-]*)[\s>/]", text)
    return match.group(1).decode("ascii") if match else None


def recognise_xml(path: Path, head: bytes) -> bool:
    return _root_name(head) == XML_ROOT


# ------------------------------------------------------------------------------------------ CSV
def read_csv(path: Path, load: FileLoad) -> None:
    reading = Reading(load)
    with csv_rows(path, load) as rows:
        header = rows.header()
        if header is None:
            load.fail("is empty.")
        names = [n.strip().upper() for n in header]
        table = table_for_header(names)
        if table is None:
            load.fail("is not an SSDA903 table: its header row matches none of the 903 tables.")
        title = TABLE_TITLES[table]
        load.details["ssda903_table"] = table
        target = TARGET[table]
        known = set(TABLE_COLUMNS[table])
        twice = duplicate_columns(names, lambda name: name if name in known else None)
        if twice is not None:
            load.fail(twice)
        _check_columns(load, names, table, title, target)
        records = ssda903_sql.read_rows(reading, table, path, names, ",")
        if records is None:  # a file DuckDB and the csv module might read differently: record by record
            records = _read_records(reading, rows, names, table)
    if records == 0:
        load.fail(f"has a header but no records (an empty SSDA903 {title} table).")
    reading.finish()


def _read_records(reading: Reading, rows: CsvRows, names: list[str], table: str) -> int:
    """Every record of the file through the mapping, one by one (the csv module's reading)."""
    load = reading.load
    known = set(TABLE_COLUMNS[table])
    records = 0
    for values in rows:
        if not any(v.strip() for v in values):
            continue
        records += 1
        location = load.where(rows.line)
        if len(values) != len(names):
            load.reject(wrong_field_count(location, values, names, TARGET[table]))
            continue
        raw: dict[str, str | None] = {n: v for n, v in zip(names, values, strict=True) if n in known}
        read_record(reading, table, raw, location)
    return records


def _check_columns(load: FileLoad, names: list[str], table: str, title: str, target: str) -> None:
    """Columns that are not the table's are ignored, and the table's columns that are missing left empty: each
    said once."""
    known = set(TABLE_COLUMNS[table])
    for name in names:
        if name and name not in known:
            load.flag(
                Problem(
                    load.where(1),
                    "extra column ignored",
                    f"Column {name} is not part of the 903 {title} table; it was not loaded.",
                    "warning",
                    target,
                    name,
                )
            )
    missing = [c for c in TABLE_COLUMNS[table] if c not in names]
    if missing:
        load.flag(
            Problem(
                load.where(1),
                "column missing",
                f"The {title} table has no {', '.join(missing)} column; those fields are empty.",
                "warning",
                target,
                ", ".join(missing),
            )
        )


# ------------------------------------------------------------------------------------------ XML
HEADER_FIELDS = {"CHILD": "CHILDID", "SEX": "SEX", "DOB": "DOB", "ETHNIC": "ETHNIC", "UPN": "UPN"}
GROUPS: dict[str, tuple[str, ...]] = {
    "ad1": ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"),
    "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
}


def _text(element: Any, name: str) -> str | None:
    found = element.find(name)
    if found is None or found.text is None:
        return None
    text: str = found.text.strip()
    return text or None


def _fields(element: Any, names: tuple[str, ...], base: dict[str, str | None]) -> dict[str, str | None]:
    out = dict(base)
    for name in names:
        out[name] = _text(element, name)
    return out


def _child(reading: Reading, element: Any, where: str) -> None:
    header = element.find("HEADER")
    if header is None:
        header = etree.Element("HEADER")
    ident = {"CHILD": _text(header, "CHILDID"), "DOB": _text(header, "DOB")}
    head = {k: _text(header, v) for k, v in HEADER_FIELDS.items()}
    head["MOTHER"] = _text(header, "MOTHER")
    head["MC_DOB"] = _text(header, "MC_DOB")
    read_record(reading, "header", head, f"{where}/HEADER")
    if _text(header, "UASC") == "1" or _text(header, "DUC") is not None:
        uasc = {**ident, "SEX": head["SEX"], "DUC": _text(header, "DUC")}
        read_record(reading, "uasc", uasc, f"{where}/HEADER/UASC")
    for table, names in GROUPS.items():
        values = _fields(header, names, ident)
        if any(values[n] is not None for n in names):
            read_record(reading, table, values, f"{where}/HEADER")
    for n, item in enumerate(header.findall("AMISSING"), start=1):
        read_record(
            reading, "missing", _fields(item, ("MISSING", "MIS_START", "MIS_END"), ident), f"{where}/AMISSING[{n}]"
        )
    for n, item in enumerate(header.findall("AREVIEW"), start=1):
        read_record(reading, "reviews", _fields(item, ("REVIEW", "REVIEW_CODE"), ident), f"{where}/AREVIEW[{n}]")
    permanence = header.find("PERMANENCE")
    if permanence is not None:
        values = _fields(permanence, ("PREV_PERM", "LA_PERM", "DATE_PERM"), ident)
        read_record(reading, "prev_perm", values, f"{where}/PERMANENCE")
    oc2 = header.find("OC2")
    if oc2 is not None:
        read_record(reading, "oc2", _fields(oc2, TABLE_COLUMNS["oc2"][2:], ident), f"{where}/OC2")
    for n, item in enumerate(header.findall("AD_PLACED"), start=1):
        values = _fields(item, ("DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"), ident)
        read_record(reading, "placed_adoption", values, f"{where}/AD_PLACED[{n}]")
    episode_fields = tuple(c for c in TABLE_COLUMNS["episodes"][1:] if c != "PLACE")
    for n, item in enumerate(element.findall("EPISODE"), start=1):
        values = _fields(item, episode_fields, {"CHILD": ident["CHILD"]})
        values["PLACE"] = _text(item, "PL")
        read_record(reading, "episodes", values, f"{where}/EPISODE[{n}]")


def read_xml(path: Path, load: FileLoad) -> None:
    reading = Reading(load)
    children = 0
    depth = 0
    codec = xml_codec(path, load)
    try:
        for event, element in etree.iterparse(
            str(path), events=("start", "end"), huge_tree=True, resolve_entities=False, no_network=True, encoding=codec
        ):
            name = etree.QName(element).localname
            if event == "start":
                depth += 1
                if depth == 1 and name != XML_ROOT:
                    load.fail(f"is XML with root element {name}, not an SSDA903 return ({XML_ROOT}).")
                continue
            depth -= 1
            if depth == 1 and name == "CHILD":
                children += 1
                _child(reading, element, f"{load.where(element.sourceline)} CHILD[{children}]")
                element.clear()
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]
    except etree.XMLSyntaxError as exc:
        load.fail(f"is not well-formed XML ({exc.msg}, line {exc.lineno}); it may be truncated or damaged.")
    if children == 0:
        load.fail("is an SSDA903 return with no CHILD records.")
    load.details["ssda903_children"] = children
    reading.finish()


REWRITES = ("cscperf_cla_outcomes", "ssd_cla_episodes", "ssd_cla_reviews")  # the staged tables `stitch` changes
FORMATS = (
    SourceFormat("ssda903", "SSDA903 table (CSV)", recognise_csv, read_csv, after_all=stitch, rewrites=REWRITES),
    SourceFormat("ssda903", "SSDA903 return (XML)", recognise_xml, read_xml, after_all=stitch, rewrites=REWRITES),
)
