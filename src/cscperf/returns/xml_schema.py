"""Check an XML return against its XML schema (XSD) with lxml, reporting every error, not the first, and in
flat memory however large the file: the file is read as a stream and its repeating records (a CIN Census
Child, an SSDA903 CHILD) are checked a batch at a time inside a copy of the file's outer elements. Errors keep
the line of the original file and the child they are in.

Where the schemas are: `--schemas DIR`, else the folder in $CSCPERF_SCHEMAS, else the development layout
(`../shared/samples/cin/xsd` and `../shared/samples/ssda903/xsd` beside the repository). cscperf ships no
schema of its own: the DfE publishes them with each year's collection guidance.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from cscperf.returns.failures import CheckOutcome, Failure

BATCH = 500
DEVELOPMENT_FOLDERS = (Path("../shared/samples/cin/xsd"), Path("../shared/samples/ssda903/xsd"))


def schema_folders(explicit: Path | None) -> list[Path]:
    """Where to look for schemas, in order."""
    folders: list[Path] = []
    if explicit is not None:
        folders.append(explicit)
    env = os.environ.get("CSCPERF_SCHEMAS")
    if env:
        folders.append(Path(env))
    folders.extend(DEVELOPMENT_FOLDERS)
    return folders


def find_schema(names: list[str], explicit: Path | None) -> Path | None:
    """The first schema file with one of `names` in the folders to look in (or `explicit` itself, a file)."""
    if explicit is not None and explicit.is_file():
        return explicit
    for folder in schema_folders(explicit):
        for name in names:
            if (folder / name).is_file():
                return folder / name
    return None


@dataclass(frozen=True)
class Layout:
    """How a return's XML repeats: the record element, where the child's id is inside it, and how to wrap a
    batch of records into a document the schema accepts (a copy of the file's outer elements)."""

    record: str  # local name of the repeating element (Child, CHILD)
    child_id: str  # local name of the element holding the child's id inside a record
    wrap: Callable[[list[Any], Any], Any]  # (records, outer elements seen so far) -> document root


def validate(path: Path, schema_path: Path, layout: Layout, *, check: str = "XSD") -> CheckOutcome:
    """Every schema error in the file, with its line and child."""
    try:
        schema = etree.XMLSchema(etree.parse(str(schema_path)))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        return CheckOutcome(check, False, note=f"the schema {schema_path} could not be read ({exc}).")
    failures: list[Failure] = []
    try:
        for batch, outer in _batches(path, layout):
            failures.extend(_errors(schema, layout, batch, outer))
    except etree.XMLSyntaxError as exc:
        failures.append(
            Failure(
                check,
                "XML",
                "error",
                "",
                "",
                "",
                "",
                f"the file is not well-formed XML: {exc.msg}",
                f"line {exc.lineno}",
            )
        )
    return CheckOutcome(check, True, tuple(failures), note=f"against {schema_path.name}")


def _batches(path: Path, layout: Layout) -> Iterator[tuple[list[Any], Any]]:
    """Records in batches, each with the outer elements read so far (root, header, containers)."""
    root: Any = None
    batch: list[Any] = []
    seen_any = False
    for event, el in etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True):
        if event == "start":
            if root is None:
                root = el
            continue
        if etree.QName(el).localname != layout.record:
            continue
        batch.append(copy.deepcopy(el))
        seen_any = True
        el.clear()
        parent = el.getparent()
        if parent is not None:
            while el.getprevious() is not None:
                del parent[0]
            parent.remove(el)
        if len(batch) >= BATCH:
            yield batch, root
            batch = []
    if batch or not seen_any:
        yield batch, root


def _errors(schema: Any, layout: Layout, batch: list[Any], outer: Any) -> Iterator[Failure]:
    starts = sorted((record.sourceline or 0, _child_id(record, layout.child_id)) for record in batch)
    document = layout.wrap(batch, outer)
    if schema.validate(document):
        return
    for error in schema.error_log:
        line = error.line or 0
        child = ""
        for start, child_id in starts:
            if start <= line:
                child = child_id
        element = _element_of(error.path)
        yield Failure("XSD", "XSD", "error", child, element[0], element[1], "", _plain(error.message), f"line {line}")


def _child_id(record: Any, name: str) -> str:
    for el in record.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == name:
            return (el.text or "").strip()
    return ""


def _element_of(xpath: str | None) -> tuple[str, str]:
    """(the block, the element) an error is about, from lxml's path (/Message/Children/Child[3]/CINdetails/...)."""
    parts = [p.split("[")[0] for p in (xpath or "").split("/") if p]
    if not parts:
        return "", ""
    return (parts[-2] if len(parts) > 1 else ""), parts[-1]


def _plain(message: str) -> str:
    """lxml's message without the "Element '...':" prefix the path already gives."""
    return message.split(": ", 1)[1] if message.startswith("Element '") and ": " in message else message


def copy_outer(outer: Any, keep: tuple[str, ...]) -> Any:
    """A copy of the root with only the children named in `keep` (e.g. the Header), deep-copied."""
    root = etree.Element(outer.tag, nsmap=outer.nsmap)
    for el in outer:
        if isinstance(el.tag, str) and etree.QName(el).localname in keep:
            root.append(copy.deepcopy(el))
    return root
