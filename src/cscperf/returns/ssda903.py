"""The SSDA903 return (children looked after) for a collection year, written from the store as the DfE's CSV
tables or as the XML return (EXPSSDA903), and checked.

CSV: one file a table, with the columns, codes and dd/mm/yyyy dates of the DfE specification for the year
(SEX 1/2 up to 2023-24 and M/F/U from 2024-25; the social worker episodes table from 2023-24, DoLo from
2026-27). XML: the "Expanded SSDA903 Return" layout (CHILD, HEADER, EPISODE); the only schema published with
the samples is the 2021 one (CLA.xsd), so later years' codes it does not know (3-letter placement types such as
Z11) are reported by it and the DfE rules are the judge.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf.errors import UsageProblem
from cscperf.exports.files import atomic_text
from cscperf.loading.collection_year import collection_year, year_ending
from cscperf.loading.encoding import NotText, detect, open_text
from cscperf.loading.ssda903_tables import TABLE_COLUMNS
from cscperf.returns import dfe_rules, xml_schema
from cscperf.returns.base import CheckRequest, ExportRequest, ExportResult, ReturnFormat
from cscperf.returns.failures import CheckOutcome, Failure
from cscperf.returns.held import year_note
from cscperf.returns.periods import collection_year_words
from cscperf.returns.safe_cells import inert
from cscperf.returns.ssda903_rows import FILE_NAMES, Row, read_tables, tables_for_year

XML_FILE = "ssda903.xml"
XSD_NAMES = ["CLA.xsd"]


def export(request: ExportRequest) -> ExportResult:
    year = request.year
    assert year is not None, "the command asks for --year"
    tables = read_tables(request.con, request.la_code, year)
    names = tables_for_year(year)
    request.out.mkdir(parents=True, exist_ok=True)
    failures: list[Failure] = []
    if request.file_format == "xml":
        paths = [write_xml(tables, request.out / XML_FILE)]
    elif request.file_format in ("csv", ""):
        paths = [write_csv(tables[name], name, request.out, failures) for name in names if tables[name]]
    else:
        raise UsageProblem("--format must be csv or xml for the SSDA903.")
    counts = {name: len(tables[name]) for name in names}
    empty = [FILE_NAMES[n] for n in names if not tables[n]]
    notes = []
    if empty and request.file_format != "xml":
        notes.append(f"No records, so no file: {', '.join(empty)} (the DfE takes the tables that have records).")
    if not tables["header"]:
        notes.append(f"The store holds no child looked after in {collection_year_words(year)} for this council.")
    partial = year_note(request.con, request.la_code, "ssd_cla_episodes", "episodes of care", year)
    if partial is not None:
        notes.append(partial)
    return ExportResult(paths, counts, collection_year_words(year), failures, notes)


def write_csv(rows: list[Row], table: str, folder: Path, failures: list[Failure]) -> Path:
    """One table as CSV; a value that a spreadsheet could take as a formula is made inert and reported."""
    path = folder / f"{FILE_NAMES[table]}.csv"
    columns = TABLE_COLUMNS[table]
    with atomic_text(path, "utf-8") as handle:  # whole or not at all
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for line, row in enumerate(rows, start=2):
            values = [row.get(c, "") for c in columns]
            safe = [inert(v) for v in values]
            for column, value, made in zip(columns, values, safe, strict=True):
                if made != value:
                    failures.append(
                        Failure(
                            "cscperf",
                            "unsafe value",
                            "error",
                            row.get("CHILD", ""),
                            table,
                            column,
                            value,
                            "the value begins like a spreadsheet formula; it was written "
                            "with a leading apostrophe: correct it at source",
                            f"{path.name}:{line}",
                        )
                    )
            writer.writerow(safe)
    return path


HEADER_FIELDS = ("CHILDID", "UPN", "SEX", "DOB", "ETHNIC")
EPISODE_FIELDS = (
    ("DECOM", "DECOM"),
    ("RNE", "RNE"),
    ("LS", "LS"),
    ("CIN", "CIN"),
    ("PL", "PLACE"),
    ("PL_POST", "PL_POST"),
    ("HOME_POST", "HOME_POST"),
    ("URN", "URN"),
    ("PLACE_PROVIDER", "PLACE_PROVIDER"),
    ("DEC", "DEC"),
    ("REC", "REC"),
    ("REASON_PLACE_CHANGE", "REASON_PLACE_CHANGE"),
)
OC2_FIELDS = TABLE_COLUMNS["oc2"][2:]


def write_xml(tables: dict[str, list[Row]], path: Path) -> Path:
    """The return as EXPSSDA903 XML: a CHILD per child, its HEADER holding the per-child tables and then its
    EPISODEs, in the schema's element order. Social worker episodes and DoLo have no place in this layout."""
    by_child: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
    for table, rows in tables.items():
        for row in rows:
            by_child[row["CHILD"]][table].append(row)
    partial = path.with_name(path.name + ".partial")
    with etree.xmlfile(str(partial), encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("EXPSSDA903"):
            for person in tables["header"]:
                xf.write(_child(person, by_child[person["CHILD"]]), pretty_print=True)
    partial.replace(path)
    return path


def _child(person: Row, rows: dict[str, list[Row]]) -> Any:
    child = etree.Element("CHILD")
    header = etree.SubElement(child, "HEADER")
    for tag in HEADER_FIELDS:
        _sub(header, tag, person["CHILD" if tag == "CHILDID" else tag], always=True)
    uasc = rows.get("uasc", [])
    _sub(header, "UASC", "1" if uasc else "0", always=True)
    _sub(header, "DUC", uasc[0]["DUC"] if uasc else "")
    ad1 = rows.get("ad1", [{}])[0] if rows.get("ad1") else {}
    for tag in ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR"):
        _sub(header, tag, ad1.get(tag, ""))
    oc3 = rows.get("oc3", [{}])[0] if rows.get("oc3") else {}
    for tag in ("IN_TOUCH", "ACTIV", "ACCOM"):
        _sub(header, tag, oc3.get(tag, ""))
    for spell in rows.get("missing", []):
        item = etree.SubElement(header, "AMISSING")
        for tag in ("MISSING", "MIS_START", "MIS_END"):
            _sub(item, tag, spell[tag], always=tag != "MIS_END")
    for review in rows.get("reviews", []):
        item = etree.SubElement(header, "AREVIEW")
        for tag in ("REVIEW", "REVIEW_CODE"):
            _sub(item, tag, review[tag], always=True)
    _sub(header, "MOTHER", person["MOTHER"])
    _sub(header, "MC_DOB", person["MC_DOB"])
    for previous in rows.get("prev_perm", [])[:1]:
        item = etree.SubElement(header, "PERMANENCE")
        for tag in ("PREV_PERM", "LA_PERM", "DATE_PERM"):
            _sub(item, tag, previous[tag])
    for outcome in rows.get("oc2", [])[:1]:
        item = etree.SubElement(header, "OC2")
        for tag in OC2_FIELDS:
            _sub(item, tag, outcome[tag])
    for placed in rows.get("placed_adoption", []):
        item = etree.SubElement(header, "AD_PLACED")
        for tag in ("DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"):
            _sub(item, tag, placed[tag], always=tag == "DATE_PLACED")
    for episode in rows.get("episodes", []):
        item = etree.SubElement(child, "EPISODE")
        for tag, column in EPISODE_FIELDS:
            _sub(item, tag, episode[column], always=tag in ("DECOM", "RNE", "LS", "CIN", "PL", "DEC", "REC"))
    return child


def _sub(parent: Any, tag: str, value: str, *, always: bool = False) -> None:
    """An element with its value; an empty required element is written empty (as case systems send it)."""
    if value or always:
        etree.SubElement(parent, tag).text = value or None


# ------------------------------------------------------------------------------------------------ checks


def _wrap(batch: list[Any], outer: Any) -> Any:
    root = xml_schema.copy_outer(outer, ())
    for record in batch:
        root.append(record)
    return root


LAYOUT = xml_schema.Layout("CHILD", "CHILDID", _wrap)


def year_of(paths: Sequence[Path]) -> int | None:
    """The collection year the episodes' dates say (the loader's rule: the latest year ending 31 March that
    holds a fair share of the DECOM and DEC dates), or None without episodes."""
    years: Counter[int] = Counter()
    for path in paths:
        for text in _episode_dates(path):
            try:
                years[year_ending(dt.datetime.strptime(text.strip(), "%d/%m/%Y").date())] += 1
            except ValueError:
                continue
    return collection_year(years)


def _episode_dates(path: Path) -> Iterator[str]:
    if path.suffix.lower() == ".xml":
        try:
            for _, el in etree.iterparse(str(path), events=("end",), resolve_entities=False, no_network=True):
                if etree.QName(el).localname in ("DECOM", "DEC") and el.text:
                    yield el.text
                elif etree.QName(el).localname == "CHILD":
                    el.clear()
        except etree.XMLSyntaxError:
            return  # the schema check that follows reports where the file is not well-formed
        return
    try:
        encoding = detect(path)
    except NotText:
        return  # the checks that follow say what is wrong with the file
    with open_text(path, encoding) as handle:
        reader = csv.reader(handle)
        try:
            names = [n.strip().upper() for n in next(reader, [])]
            wanted = [i for i, n in enumerate(names) if n in ("DECOM", "DEC")]
            if "RNE" not in names:
                return
            for row in reader:
                yield from (row[i] for i in wanted if i < len(row) and row[i])
        except csv.Error:
            return  # as above: the year is then not told from this file


def check(request: CheckRequest) -> list[CheckOutcome]:
    """XML: the schema (every error); any form: the DfE rules for the year."""
    outcomes: list[CheckOutcome] = []
    xml = [p for p in request.paths if p.suffix.lower() == ".xml"]
    for path in xml:
        schema = xml_schema.find_schema(XSD_NAMES, request.schemas)
        if schema is None:
            outcomes.append(CheckOutcome("XSD", False, note="CLA.xsd was not found: give --schemas DIR."))
        else:
            outcomes.append(xml_schema.validate(path, schema, LAYOUT))
    if request.dfe_rules:
        year = request.year or year_of(request.paths)
        outcomes.append(dfe_rules.check_903(request.paths, year, None, request.la_name))
    return outcomes


RETURN = ReturnFormat(
    name="ssda903",
    title="SSDA903",
    load_kind="ssda903",
    export=export,
    check=check,
    year_of=year_of,
)
