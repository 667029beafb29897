"""The service's own words: a commentary file (TOML) keyed by indicator id, where managers explain red measures
and say what is being done, and optionally add a paragraph to a section.

    [cp_visits_in_time]
    explanation = "Two social workers were off sick in October; ..."
    action = "Weekly list of visits not done goes to team managers."
    by = "Head of Service, Family Safeguarding"

    [sections.children_in_care]
    text = "The Fostering Recruitment campaign began in September."

Every red measure gets a slot in the report; an empty slot is marked "Explanation needed" so it cannot be missed.
`commentary_template` writes the file to fill in, with an empty slot for each red measure.
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


class Commentary(BaseModel):
    """What the service has written, by indicator and by section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicators: dict[str, IndicatorComment] = {}
    sections: dict[str, SectionComment] = {}

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
    try:
        return Commentary.model_validate({"indicators": data, "sections": sections})
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"][1:])
        message = "not a field (use explanation, action and by)" if first["type"] == "extra_forbidden" else first["msg"]
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
    return Commentary(indicators=indicators, sections=sections)


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


def commentary_template(red: Iterable[tuple[str, str, str]], existing: Commentary, as_at: str) -> str:
    """A commentary file to fill in: a slot for each red measure (id, title, status words), keeping what has
    already been written, then any other comments already in the file."""
    lines = [
        f"# Commentary for the committee performance report as at {as_at}.",
        "# Explain each red measure (why, and what is being done); the report marks empty slots",
        '# "Explanation needed". Any other indicator id or [sections.<name>] may be added too',
        f"# (sections: {', '.join(REPORT_SECTIONS)}).",
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
    return "\n".join(lines)
