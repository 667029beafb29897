"""`--commentary-template` never overwrites what a manager has written: a filled-in file is merged (every
explanation, action, name and section paragraph kept), a file that cannot be read is refused and left as it
is, and whatever is written reads back exactly."""

from __future__ import annotations

import tomllib
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.report.commentary import (
    Commentary,
    IndicatorComment,
    PaperComment,
    SectionComment,
    _toml_string,
    commentary_template,
    merged,
    read_commentary,
)

runner = CliRunner()


@given(st.text(max_size=60))
def test_any_text_written_to_the_file_reads_back_exactly(text: str) -> None:
    assert tomllib.loads(f"x = {_toml_string(text)}\n")["x"] == text


def test_awkward_text_reads_back(tmp_path: Path) -> None:
    awkward = ['C:\\new\\table "quoted"', "two\nlines with ''' and \\", "ends with a quote'", "bell\x07", "del\x7f",
               "line one\r\nline two", '"""', "tab\tand\nnew line"]  # fmt: skip
    for text in awkward:
        commentary = Commentary(indicators={"cp_visits_in_time": IndicatorComment(explanation=text, by=text)},
                                sections={"workforce": SectionComment(text=text)},
                                paper={"legal": PaperComment(text=text)})  # fmt: skip
        path = tmp_path / "c.toml"
        path.write_text(commentary_template([], commentary, "2026-10-31"), encoding="utf-8")
        back = read_commentary(path)
        assert (back.indicators, back.sections, back.paper["legal"]) == (commentary.indicators, commentary.sections,
                                                                         commentary.paper["legal"]), text  # fmt: skip


def test_merged_keeps_the_first_texts_and_adds_the_others() -> None:
    mine = Commentary(indicators={"cp_visits_in_time": IndicatorComment(explanation="Sickness in October."),
                                  "cla_pep_in_date": IndicatorComment()},
                      sections={"workforce": SectionComment(text="New recruits start in January.")})  # fmt: skip
    pep = IndicatorComment(action="Weekly list to the virtual school.")
    older = IndicatorComment(explanation="An older note.")
    configured = Commentary(indicators={"cla_pep_in_date": pep, "cp_visits_in_time": older})
    both = merged(mine, configured)
    assert both.indicators["cp_visits_in_time"].explanation == "Sickness in October."
    assert both.indicators["cla_pep_in_date"].action == "Weekly list to the virtual school."
    assert both.sections["workforce"].text == "New recruits start in January."


FILLED_IN = """# my own notes
[cp_visits_in_time]
explanation = '''
Two social workers were off sick in October.
Cover arranged from 1 November.'''
action = "Weekly list of visits not done goes to team managers."
by = "Head of Service"

[sections.workforce]
text = "Three newly qualified workers start in January."
"""


def test_the_command_merges_a_filled_in_template(council_store: Path, tmp_path: Path) -> None:
    template = tmp_path / "commentary.toml"
    template.write_text(FILLED_IN, encoding="utf-8")
    result = runner.invoke(app, ["report", "--db", str(council_store), "--as-at", "2026-03-31", "--out",
                                 str(tmp_path / "out"), "--format", "xlsx",
                                 "--commentary-template", str(template)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "already written kept" in result.output
    kept = read_commentary(template)
    visits = kept.indicators["cp_visits_in_time"]
    assert visits.explanation == "Two social workers were off sick in October.\nCover arranged from 1 November."
    assert visits.action == "Weekly list of visits not done goes to team managers." and visits.by == "Head of Service"
    assert kept.sections["workforce"].text == "Three newly qualified workers start in January."
    assert len(kept.indicators) > 1  # the red measures' slots were added beside it


def test_the_command_refuses_a_template_it_cannot_read_and_leaves_it(council_store: Path, tmp_path: Path) -> None:
    template = tmp_path / "commentary.toml"
    broken = FILLED_IN.replace("[sections.workforce]", "[sections.workforce")
    template.write_text(broken, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--db", str(council_store), "--as-at", "2026-03-31", "--out", str(out),
                                 "--format", "xlsx", "--commentary-template", str(template)])  # fmt: skip
    assert result.exit_code == 1 and "left as it is" in " ".join(result.output.split())
    assert template.read_text(encoding="utf-8") == broken
    assert not out.exists()  # refused before any work


def test_control_characters_pasted_into_the_commentary_or_configuration_do_not_stop_the_paper(
    council_store: Path, tmp_path: Path
) -> None:
    from docx import Document

    commentary = tmp_path / "commentary.toml"
    commentary.write_text('[cp_visits_in_time]\nexplanation = "Pasted from Word:\\u000bsecond line\\u0007."\n',
                          encoding="utf-8")  # fmt: skip
    config = tmp_path / "cscperf.toml"
    config.write_text('[report]\ncommentary = "commentary.toml"\nauthor = "Head\\u0000 of Service"\n'
                      '[council]\nname = "Council\\u001b[31m name"\n', encoding="utf-8")  # fmt: skip
    out = tmp_path / "out"
    result = runner.invoke(app, ["report", "--db", str(council_store), "--as-at", "2026-03-31", "--config",
                                 str(config), "--out", str(out), "--format", "docx,html"])  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = Document(str(out / "report.docx"))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "Pasted from Word:\nsecond line." in text and "Head of Service" in text and "Council[31m name" in text
    assert read_commentary(commentary).indicators["cp_visits_in_time"].explanation == "Pasted from Word:\nsecond line."
