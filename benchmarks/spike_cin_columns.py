"""Spike (issue 19): CIN Census records read into columns by a compiled XSLT, a batch of children at a time,
measured against the floor. Not used by the loader; kept to show what this way of reading costs.

    python benchmarks/spike_cin_columns.py FILE.xml     # e.g. a file bench_load_cin.py made

A compiled XSLT turns each batch of 1,000 Child elements (still in lxml's tree, from iterparse) into
tab-separated text, one section per kind of record; Arrow's CSV reader makes each section a table of strings;
an XPath over the same batch gives each record's element, so its line (`sourceline`) is taken while the batch
is in memory, in the same document order as the XSLT's rows. Each table has the record's key (`_id`), its
child's (`_child`) and its parent record's (`_parent`), its line (`_line`) and one column per field the loader
reads: "" when the element is absent, "=" when present and empty, "=N1" when it holds N1.

For the loader's results to stay exactly the same, a child the columns cannot describe as the
element-by-element reader sees it must go to that reader: the XSLT marks it not plain (`Child.plain` = "0")
when an element is not where the loader reads it or not spelt as the census spells it (a namespace, another
case, an unknown element), when it holds a comment, a processing instruction or text outside a field, when a
part the census gives once appears twice, or (found afterwards in the columns) a tab or line break in a field.
That check is what the earlier spike (about 1.1x the floor) left out; the figures this prints show its cost.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from lxml import etree

Element = Any  # lxml's _Element

# Each kind of record: the path to it from a Child, and the fields read from it ("." for its own text).
RECORDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ChildIdentifiers": (
        "ChildIdentifiers",
        (
            "LAchildID",
            "UPN",
            "FormerUPN",
            "UPNunknown",
            "PersonBirthDate",
            "ExpectedPersonBirthDate",
            "GenderCurrent",
            "Sex",
            "PersonDeathDate",
        ),
    ),
    "ChildCharacteristics": ("ChildCharacteristics", ("Ethnicity",)),
    "Disability": ("ChildCharacteristics/Disabilities/Disability", (".",)),
    "CINdetails": (
        "CINdetails",
        (
            "CINreferralDate",
            "ReferralSource",
            "PrimaryNeedCode",
            "CINclosureDate",
            "ReasonForClosure",
            "ReferralNFA",
            "DateOfInitialCPC",
        ),
    ),
    "Assessments": (
        "CINdetails/Assessments",
        ("AssessmentActualStartDate", "AssessmentInternalReviewDate", "AssessmentAuthorisationDate"),
    ),
    "AssessmentFactors": ("CINdetails/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors", (".",)),
    "CINPlanDates": ("CINdetails/CINPlanDates", ("CINPlanStartDate", "CINPlanEndDate")),
    "Section47": (
        "CINdetails/Section47",
        ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"),
    ),
    "ChildProtectionPlans": (
        "CINdetails/ChildProtectionPlans",
        ("CPPstartDate", "CPPendDate", "InitialCategoryOfAbuse", "LatestCategoryOfAbuse", "NumberOfPreviousCPP"),
    ),
    "CPPreviewDate": ("CINdetails/ChildProtectionPlans/Reviews/CPPreviewDate", (".",)),
    "PreProceedingsandFGDM": (
        "CINdetails/PreProceedingsandFGDM",
        (
            "PPStartDate",
            "LBPSentDate",
            "FGDMMeetingOffer",
            "FGDMMeetingFac",
            "InitialPPMeetingDate",
            "ReviewMeetingsCount",
            "StepDecisionDate",
            "PPOutcome",
            "CourtAppDate",
            "LetterInitCPDate",
        ),
    ),
}
# Fields whose line the loader gives (rather than their record's) are read as records of their own.
LINED_FIELDS: dict[str, str] = {
    "UPN": "ChildIdentifiers/UPN",
    "FormerUPN": "ChildIdentifiers/FormerUPN",
    "EpisodeDateOfInitialCPC": "CINdetails/DateOfInitialCPC",
    "Section47DateOfInitialCPC": "CINdetails/Section47/DateOfInitialCPC",
    "NumberOfPreviousCPP": "CINdetails/ChildProtectionPlans/NumberOfPreviousCPP",
    "FactorsIdentifiedAtAssessment": "CINdetails/Assessments/FactorsIdentifiedAtAssessment",
}
ONCE = (
    "ChildIdentifiers",
    "ChildCharacteristics",
    "ChildCharacteristics/Disabilities",
    "CINdetails/Assessments/FactorsIdentifiedAtAssessment",
    "CINdetails/ChildProtectionPlans/Reviews",
)
"""Parts the census gives once where they are (the loader reads the first)."""
CONTAINERS = (
    "ChildIdentifiers", "ChildCharacteristics", "ChildCharacteristics/Disabilities", "CINdetails",
    "CINdetails/Assessments", "CINdetails/Assessments/FactorsIdentifiedAtAssessment", "CINdetails/CINPlanDates",
    "CINdetails/Section47", "CINdetails/ChildProtectionPlans", "CINdetails/ChildProtectionPlans/Reviews",
    "CINdetails/PreProceedingsandFGDM",
)  # fmt: skip
FIELDS = tuple(path if name == "." else f"{path}/{name}" for path, names in RECORDS.values() for name in names)
"""Where every field the loader reads is (from a Child): the elements that hold text."""
_SUM = " + ".join
_PLAIN = (
    f"count(descendant::*) = {_SUM(f'count({p})' for p in CONTAINERS + FIELDS)}"
    " and count(descendant::node()[not(self::*)][not(self::text()) or normalize-space()]) = "
    + _SUM(f"count({p}/text()[normalize-space()])" for p in FIELDS)
    + " and not("
    + " or ".join(f"{p}[2]" for p in ONCE)
    + ")"
)
"""A Child every element of which is where the loader reads it, spelt as the census spells it (no namespace),
with no comment, processing instruction or text outside a field, and no part given once given twice."""
_IN_TEXT = "&#9;&#10;&#13;"
_MARKS = "\ue000\ue001\ue002"
"""A tab or line break in a field's text is written as a character of the private use area, and a child with
any of these in its fields is not plain (the rows stay one line each, with one column for each field)."""


def _field(name: str) -> str:
    select = "." if name == "." else name
    present = "true()" if name == "." else f"boolean({name})"
    return (f'<xsl:text>&#9;</xsl:text><xsl:if test="{present}">=<xsl:value-of '
            f"select=\"translate({select}, '{_IN_TEXT}', '{_MARKS}')\"/></xsl:if>")  # fmt: skip


def _id(select: str) -> str:
    return f'<xsl:value-of select="concat($batch, generate-id({select}))"/>'


def _section(kind: str, path: str, fields: tuple[str, ...]) -> str:
    return (
        f'<xsl:text>#{kind}&#10;</xsl:text><xsl:for-each select="Child/{path}">'
        + _id(".") + "<xsl:text>&#9;</xsl:text>" + _id("ancestor::Child[1]") + "<xsl:text>&#9;</xsl:text>"
        + _id("..") + "".join(_field(f) for f in fields) + "<xsl:text>&#10;</xsl:text></xsl:for-each>"
    )  # fmt: skip


_STYLESHEET = (
    '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
    '<xsl:output method="text" encoding="utf-8"/><xsl:param name="batch"/><xsl:template match="/*">'
    '<xsl:text>#Child&#10;</xsl:text><xsl:for-each select="Child">' + _id(".") + "<xsl:text>&#9;</xsl:text>"
    f'<xsl:choose><xsl:when test="{_PLAIN}">1</xsl:when><xsl:otherwise>0</xsl:otherwise></xsl:choose>'
    "<xsl:text>&#10;</xsl:text></xsl:for-each>"
    + "".join(_section(kind, path, fields) for kind, (path, fields) in RECORDS.items())
    + "".join(_section(kind, path, ()) for kind, path in LINED_FIELDS.items())
    + "</xsl:template></xsl:stylesheet>"
)
_SECTION = re.compile(r"(?m)^#(\w+)\n")  # a row starts with an id, never with #
_TRANSFORM = etree.XSLT(etree.XML(_STYLESHEET.encode()))
_PATHS = {"Child": etree.XPath("Child")} | {
    kind: etree.XPath(f"Child/{path}")
    for kind, path in [*((k, p) for k, (p, _f) in RECORDS.items()), *LINED_FIELDS.items()]
}


def columns(kind: str) -> list[str]:
    """The columns of a kind of record's table."""
    if kind == "Child":
        return ["_id", "plain", "_line"]
    fields = RECORDS[kind][1] if kind in RECORDS else ()
    return ["_id", "_child", "_parent", *("text" if f == "." else f for f in fields), "_line"]


@dataclass
class Batch:
    """The records of a batch of children, a table of strings (and lines) for each kind."""

    tables: dict[str, pa.Table]


def _lines(parent: Element, kind: str) -> list[int | None]:
    found: Any = _PATHS[kind](parent)
    return [el.sourceline for el in found]


def read_batch(parent: Element, number: int = 0) -> Batch:
    """The records of every Child element of `parent` (the Children element, its earlier children already
    cleared), as tables; `number` tells batches apart in the ids (`1.idm42`). Children whose elements use a
    namespace are not matched at all: the caller reads a file with a namespace element by element."""
    text = str(_TRANSFORM(parent, batch=etree.XSLT.strparam(f"{number}.")))
    tables: dict[str, pa.Table] = {}
    parts = _SECTION.split(text)  # "", kind, rows, kind, rows, ...
    marked: set[str] = set()
    for kind, body in zip(parts[1::2], parts[2::2], strict=True):
        names = columns(kind)[:-1]
        data = (
            pcsv.read_csv(
                io.BytesIO(body.encode()),
                read_options=pcsv.ReadOptions(column_names=names),
                parse_options=pcsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
                convert_options=pcsv.ConvertOptions(
                    column_types={name: pa.string() for name in names}, strings_can_be_null=False
                ),
            )
            if body
            else pa.table({name: pa.array([], pa.string()) for name in names})
        )
        for name in names[3:] if kind != "Child" else ():
            found = pc.match_substring_regex(data[name], f"[{_MARKS}]")
            if pc.any(found).as_py():
                marked.update(data["_child"].filter(found).to_pylist())
        lines = _lines(parent, kind)
        if len(lines) != data.num_rows:  # the XSLT and the XPath select the same elements; a defect if not
            raise AssertionError(f"{kind}: {data.num_rows} rows but {len(lines)} elements")
        tables[kind] = data.append_column("_line", pa.array(lines, pa.int64()))
    if marked:
        children = tables["Child"]
        plain = pc.if_else(pc.is_in(children["_id"], pa.array(sorted(marked))), "0", children["plain"])
        tables["Child"] = children.set_column(1, "plain", plain)
    return Batch(tables)


def _batches(path: Path, each: Callable[[Element, int], object]) -> float:
    """CPU seconds of iterparse by Child over the file, `each` called on every 1,000 children, then cleared."""
    started = time.process_time()
    count, parent = 0, None
    for _event, el in etree.iterparse(str(path), events=("end",), tag="Child", huge_tree=True):
        count += 1
        parent = el.getparent()
        if count % 1000 == 0:
            each(parent, count)
            parent.clear()
    if parent is not None and len(parent):
        each(parent, count)
    return time.process_time() - started


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_load_cin import bare_iterparse

    path = Path(sys.argv[1])
    started = time.process_time()
    bare_iterparse(path)
    floor = time.process_time() - started
    without_check = etree.XSLT(
        etree.XML(_STYLESHEET.replace(f'<xsl:when test="{_PLAIN}">1</xsl:when>', '<xsl:when test="true()">1</xsl:when>')
                  .encode())
    )  # fmt: skip
    plain = etree.XPath(f"Child[{_PLAIN}]")
    batch = etree.XSLT.strparam("0.")
    stages: list[tuple[str, Callable[[Element, int], object]]] = [
        ("iterparse by Child, cleared every 1,000 children", lambda parent, n: None),
        ("the same and the XSLT to text, without the check", lambda parent, n: str(without_check(parent, batch=batch))),
        ("the same and the plainness check alone (an XPath)", lambda parent, n: plain(parent)),
        ("the same and every record's line (XPaths)", lambda parent, n: [_lines(parent, kind) for kind in _PATHS]),
        ("the same and the whole read_batch", lambda parent, n: read_batch(parent, n)),
    ]  # fmt: skip
    print(f"{path.name}: floor (bare iterparse) CPU {floor:.2f} s; each pass below reads the whole file")
    for label, each in stages:
        seconds = _batches(path, each)
        print(f"  {label:<52} CPU {seconds:6.2f} s  {seconds / floor:5.2f}x the floor")


if __name__ == "__main__":
    main()
