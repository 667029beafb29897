"""The service's own words: a commentary file (TOML) keyed by indicator id, where managers explain red measures
and say what is being done; a paragraph for a section; and the committee paper's parts only people can write
(`slots.SLOTS`: origin, terms of reference, consultation, implications, inspection, the portfolio holder's
report, ...).

    [cp_visits_in_time]
    explanation = "Two social workers were off sick in October; ..."
    action = "Weekly list of visits not done goes to team managers."
    by = "Head of Service, Family Safeguarding"

    [sections.children_in_care]
    text = "The Fostering Recruitment campaign began in September."

    [paper.financial]
    text = "There are no direct financial implications arising from this report."

    [paper.portfolio_holder]
    text = "..."
    by = "Councillor A. Member, Cabinet Member for Children's Services"

A red measure without an explanation reads "The service's explanation will be given at the meeting"; an empty
part of the paper is a marked gap; `cscperf report` lists both. `commentary_template` writes the file to fill in:
a slot for each red measure, and each part of the paper with the usual wording offered.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from cscperf.errors import DataProblem
from cscperf.indicators.definition import load_library
from cscperf.report.config import Words
from cscperf.report.slots import SLOT_IDS, SLOTS

REPORT_SECTIONS = ("front_door", "child_protection", "children_in_care", "workforce", "introduction")


class IndicatorComment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    explanation: Words = ""
    action: Words = ""
    by: Words = ""

    @property
    def is_empty(self) -> bool:
        return not (self.explanation.strip() or self.action.strip())


class SectionComment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Words = ""


class PaperComment(BaseModel):
    """A part of the committee paper, and (for the portfolio holder's report) who writes it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: Words = ""
    by: Words = ""


class Commentary(BaseModel):
    """What the service has written, by indicator, by section and for the paper's other parts."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: dict[str, IndicatorComment] = {}
    sections: dict[str, SectionComment] = {}
    paper: dict[str, PaperComment] = {}

    def for_slot(self, slot_id: str) -> PaperComment | None:
        """A part of the paper, or None when it is empty."""
        found = self.paper.get(slot_id)
        return found if found is not None and found.text.strip() else None

    def for_indicator(self, indicator_id: str) -> IndicatorComment | None:
        comment = self.indicators.get(indicator_id)
        return None if comment is None or comment.is_empty else comment

    def for_section(self, section_id: str) -> str:
        comment = self.sections.get(section_id)
        return comment.text.strip() if comment else ""


def read_commentary(path: Path | None) -> Commentary:
    """The commentary file, or none. A missing file is not an error: every red slot is then marked empty."""
    if path is None or not Path(path).exists():
        return Commentary()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataProblem(f"The commentary file {path} could not be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataProblem(f"The commentary file {path} is not UTF-8 text; save it as UTF-8 and try again.") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataProblem(f"The commentary file {path} is not valid TOML: {exc}.") from None
    sections = data.pop("sections", {})
    paper = data.pop("paper", {})
    library = load_library()
    unknown = [key for key in data if key not in library]
    if unknown:
        raise DataProblem(
            f"The commentary file {path} has a table [{unknown[0]}], which is not an indicator id "
            "(`cscperf kpis list` shows them; section paragraphs go under [sections.<name>])."
        )
    bad_sections = [key for key in sections if key not in REPORT_SECTIONS]
    if bad_sections:
        raise DataProblem(
            f"The commentary file {path} has [sections.{bad_sections[0]}]; sections are {', '.join(REPORT_SECTIONS)}."
        )
    bad_slots = [key for key in paper if key not in SLOT_IDS] if isinstance(paper, dict) else ["(not a table)"]
    if bad_slots:
        raise DataProblem(
            f"The commentary file {path} has [paper.{bad_slots[0]}]; the paper's parts are {', '.join(SLOT_IDS)}."
        )
    try:
        return Commentary.model_validate({"indicators": data, "sections": sections, "paper": paper})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"][1:])
        fields = "text and by" if first["loc"][0] == "paper" else "explanation, action and by"
        message = f"not a field (use {fields})" if first["type"] == "extra_forbidden" else first["msg"]
        raise DataProblem(f"The commentary file {path} has a problem at {where}: {message}.") from None


LITERAL = "'''"  # TOML's multi-line literal string delimiter
_UNSAFE_IN_LITERAL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _toml_string(text: str) -> str:
    """`text` as a TOML string that reads back exactly: several lines as a literal block (as a manager would
    write them), anything else as an escaped basic string."""
    if "\n" in text and LITERAL not in text and not text.endswith("'") and not _UNSAFE_IN_LITERAL.search(text):
        return f"{LITERAL}\n{text}{LITERAL}"
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")  # JSON's escapes are TOML's


def _has_text(comment: IndicatorComment) -> bool:
    return bool(comment.explanation.strip() or comment.action.strip() or comment.by.strip())


def merged(first: Commentary, then: Commentary) -> Commentary:
    """Everything both say: for each indicator and section, `first`'s text where it has some, else `then`'s."""
    indicators = dict(then.indicators)
    for key, comment in first.indicators.items():
        if _has_text(comment) or key not in indicators:
            indicators[key] = comment
    sections = dict(then.sections)
    sections.update({k: v for k, v in first.sections.items() if v.text.strip() or k not in sections})
    paper = dict(then.paper)
    paper.update({k: v for k, v in first.paper.items() if v.text.strip() or v.by.strip() or k not in paper})
    return Commentary(indicators=indicators, sections=sections, paper=paper)


def existing_template(path: Path) -> Commentary:
    """What a commentary file about to be (re)written already says, so that none of it is lost; a file that
    cannot be read as a commentary file is refused (DataProblem) and so never overwritten."""
    if path.is_dir():
        raise DataProblem(f"{path} is a folder; give the commentary template a file name.")
    if not path.exists():
        return Commentary()
    try:
        return read_commentary(path)
    except DataProblem as exc:
        raise DataProblem(f"{exc} It was left as it is: correct it, or name another file for the template.") from None


def commentary_template(
    red: Iterable[tuple[str, str, str]], existing: Commentary, as_at: str, *, committee: str = "committee"
) -> str:
    """A commentary file to fill in: a slot for each red measure (id, title, status words), keeping what has
    already been written, then any other comments already in the file, then each part of the committee paper
    (what has been written, or the usual wording offered)."""
    lines = [
        f"# Commentary for the committee performance report as at {as_at}.",
        "# Explain each red measure (why, and what is being done); a red measure left empty reads",
        '# "The service\'s explanation will be given at the meeting". Any other indicator id or',
        f"# [sections.<name>] may be added too (sections: {', '.join(REPORT_SECTIONS)}).",
        "# The [paper.*] tables at the end are the committee paper's other parts: check each (the usual",
        "# wording is offered) and complete the inspection and portfolio holder's reports; an empty one is",
        '# marked "To be completed" in the paper.',
        "",
    ]
    written: set[str] = set()
    for indicator_id, title, words in red:
        comment = existing.indicators.get(indicator_id, IndicatorComment())
        lines += [f"# {title}: {words}", f"[{indicator_id}]"]
        lines += [f"explanation = {_toml_string(comment.explanation)}", f"action = {_toml_string(comment.action)}",
                  f"by = {_toml_string(comment.by)}", ""]  # fmt: skip
        written.add(indicator_id)
    for indicator_id, comment in existing.indicators.items():
        if indicator_id in written:
            continue
        lines += [f"[{indicator_id}]", f"explanation = {_toml_string(comment.explanation)}",
                  f"action = {_toml_string(comment.action)}", f"by = {_toml_string(comment.by)}", ""]  # fmt: skip
    for section_id, section in existing.sections.items():
        lines += [f"[sections.{section_id}]", f"text = {_toml_string(section.text)}", ""]
    for slot in SLOTS:
        part = existing.paper.get(slot.slot_id, PaperComment())
        text = part.text if part.text.strip() else slot.suggestion.format(committee=committee)
        lines += [f"# {slot.heading}: {slot.gap}", f"[paper.{slot.slot_id}]", f"text = {_toml_string(text)}"]
        if slot.slot_id == "portfolio_holder" or part.by.strip():
            lines.append(f"by = {_toml_string(part.by)}")
        lines.append("")
    return "\n".join(lines)
