"""The DfE validation rules through the community validators: the adapter's output read into failures that keep
the DfE rule number, the child, the table and field; the validators run on small hand-made returns with a
failure worked out by hand; and the commands say how many failures and where."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.returns import dfe_rules
from cscperf.returns.failures import write_failures

from .conftest import SHARED
from .golden import LA, GoldenCouncil
from .test_returns_cin_census import _golden as golden_cin

needs_validators = pytest.mark.skipif(
    not dfe_rules.available() and not os.environ.get("CI"),
    reason="the DfE validators are not installed (make validators); CI builds them",
)


def test_the_adapters_output_becomes_failures_with_rule_child_and_field() -> None:
    result = {
        "package": "csc-validator-be-cin",
        "version": "0.1.13",
        "ruleset": "cin2024_25",
        "rules_run": 170,
        "ruleset_note": "",
        "not_run": [{"rule": "8925", "why": "the rule itself failed: KeyError"}],
        "failures": [
            {
                "rule": "8750",
                "child": "A",
                "table": "ChildIdentifiers",
                "field": "Sex",
                "value": "F",
                "message": "Sex must equal U for an unborn child",
                "location": "ChildIdentifiers row 0",
            },
            {
                "rule": "2887Q",
                "child": "",
                "table": "",
                "field": "",
                "value": "",
                "message": "Please check: fewer than 8 disability codes",
                "location": "the whole return",
            },
        ],
    }
    outcome = dfe_rules.outcome(result)
    assert [(f.rule, f.severity, f.child, f.table, f.field, f.value) for f in outcome.failures] == [
        ("8750", "error", "A", "ChildIdentifiers", "Sex", "F"),
        ("2887Q", "query", "", "", "", ""),
    ]
    assert "cin2024_25 (170 ran)" in outcome.note and "not run: 8925" in outcome.note


def test_failure_files_are_safe_to_open(tmp_path: Path) -> None:
    from cscperf.returns.failures import Failure

    failure = Failure("DfE rules", "1", "error", "=cmd|' /C calc'!A0", "T", "F", "@SUM(1)", "+x", "-y")
    rows = (write_failures(tmp_path / "f.csv", [failure])).read_text().splitlines()
    assert rows[1].split(",")[3].startswith("'=") and ",'@SUM(1),'+x,'-y" in rows[1]


@needs_validators
def test_the_cin_rules_run_on_a_census_and_keep_rule_child_and_field(council: GoldenCouncil, tmp_path: Path) -> None:
    """Child E made unborn (no birth date, an expected one): cscperf's export writes its sex U, as DfE rule 8750
    asks; written F in the file, rule 8750 (sex must be U for an unborn child) fails for E alone."""
    outcome = dfe_rules.check_cin(_census_with_an_unborn_child_written_f(council, tmp_path), 2025)
    assert outcome.ran, outcome.note
    found = {(f.rule, f.child, f.field) for f in outcome.failures if f.rule == "8750"}
    assert found == {("8750", "E", field) for field in ("Sex", "PersonBirthDate", "ExpectedPersonBirthDate")}


@needs_validators
def test_the_903_rules_run_on_tables_and_keep_rule_child_and_field(tmp_path: Path) -> None:
    """One child whose only episode starts with RNE P (not S) and whose SEX is 3: rules 103 (sex code) and the
    first-episode rule fail for that child."""
    (tmp_path / "header.csv").write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK1,3,01/01/2015,WBRI,UN1,,\n")
    (tmp_path / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "K1,01/06/2024,S,C2,N1,U4,PR1,,,,,,\n"
    )
    outcome = dfe_rules.check_903([tmp_path / "header.csv", tmp_path / "episodes.csv"], 2025, None, None)
    assert outcome.ran, outcome.note
    sex = [f for f in outcome.failures if f.field == "SEX"]
    assert sex and all(f.child == "K1" and f.table == "Header" and f.value == "3" for f in sex)
    assert "not run: 1015" in outcome.note  # the council's ONS code was not given


@needs_validators
def test_the_903_rules_run_on_an_xml_return_without_adoption_details(tmp_path: Path) -> None:
    """An XML return's tables with no records (here AD1, placed for adoption, previous permanence) reach the
    validator's report without a CHILD column; the check must still run (it stopped with a KeyError)."""
    (tmp_path / "ssda903.xml").write_text(
        "<EXPSSDA903><CHILD><HEADER><CHILDID>K1</CHILDID><UPN>UN1</UPN><SEX>3</SEX><DOB>01/01/2015</DOB>"
        "<ETHNIC>WBRI</ETHNIC><UASC>0</UASC></HEADER><EPISODE><DECOM>01/06/2024</DECOM><RNE>S</RNE><LS>C2</LS>"
        "<CIN>N1</CIN><PL>U4</PL><PLACE_PROVIDER>PR1</PLACE_PROVIDER></EPISODE></CHILD></EXPSSDA903>",
        encoding="utf-8",
    )
    outcome = dfe_rules.check_903([tmp_path / "ssda903.xml"], 2025, None, None)
    assert outcome.ran, outcome.note
    assert any(f.field == "SEX" and f.child == "K1" for f in outcome.failures)


def test_without_the_validators_the_check_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(dfe_rules, "validators_python", lambda: None)
    outcome = dfe_rules.check_cin(tmp_path / "x.xml", 2025)
    assert not outcome.ran and "make validators" in outcome.note


def test_export_check_only_writes_nothing_and_says_how_many_failures(council: GoldenCouncil, tmp_path: Path) -> None:
    golden_cin(council)
    council.con.execute("UPDATE ssd_person SET pers_ethnicity = NULL WHERE pers_person_id = 'A'")
    council.close()
    db = tmp_path / "golden.duckdb"
    out = tmp_path / "cin.xml"
    runner = CliRunner()
    args = [
        "export",
        "cin-census",
        "--db",
        str(db),
        "--year",
        "2025",
        "--out",
        str(out),
        "--no-dfe-rules",
        "--schemas",
        str(SHARED / "samples" / "cin" / "xsd"),
    ]
    done = runner.invoke(app, [*args, "--check-only", "--failures", str(tmp_path / "f.xlsx")])
    assert done.exit_code == 1, done.output
    assert not out.exists() and (tmp_path / "f.xlsx").exists()
    assert "1 errors" in done.output and "Failures by rule" in done.output
    assert " A " not in done.output  # the terminal shows counts by rule, not children
    done = runner.invoke(app, args)
    assert done.exit_code == 1 and out.exists()
    assert (tmp_path / "cin.xml.failures.csv").read_text().count("\n") == 2  # header and A's failure


def test_validate_recognises_each_return_and_checks_it(tmp_path: Path) -> None:
    sample = tmp_path / "CIN2rows.xml"
    shutil.copy(SHARED / "samples" / "cin" / "CIN2rows.xml", sample)
    done = CliRunner().invoke(
        app,
        [
            "validate",
            str(sample),
            str(SHARED / "samples" / "annex_a" / "Annex_A_2024_Jan.xlsx"),
            "--no-dfe-rules",
            "--schemas",
            str(SHARED / "samples" / "cin" / "xsd"),
            "--failures",
            str(tmp_path / "f.csv"),
        ],
    )
    assert "CIN Census" in done.output and "Ofsted Annex A" in done.output
    assert "XSD (against CIN_schema_2023.xsd)" in done.output
    assert done.exit_code == 1  # the Annex A sample is not spelt as the template
    assert (tmp_path / "f.csv").exists()


def test_validate_on_a_file_that_is_not_a_return_says_so_without_talking_of_a_store(tmp_path: Path) -> None:
    (tmp_path / "series.csv").write_text("date,value\n2024-01-31,3\n", encoding="utf-8")
    done = CliRunner().invoke(app, ["validate", str(tmp_path / "series.csv"), "--no-dfe-rules"])
    words = " ".join(done.output.split())
    assert done.exit_code == 1 and "series.csv is not a format cscperf can" in words
    assert "Nothing was checked" in words and "store" not in words


@needs_validators
def test_a_cin_rules_failure_says_where_in_the_return_s_own_terms(council: GoldenCouncil, tmp_path: Path) -> None:
    """It had said "ChildIdentifiers row 0": the validator's own row count, from 0, which no reader could find."""
    outcome = dfe_rules.check_cin(_census_with_an_unborn_child_written_f(council, tmp_path), 2025)
    [where] = {f.location for f in outcome.failures if f.rule == "8750"}
    assert where == "ChildIdentifiers of child E"


def test_failures_are_counted_by_rule_and_field_each_with_its_own_message() -> None:
    """One rule broken in two fields had been told with the first field's message for both."""
    from cscperf.returns.failures import Failure, count_by_rule

    def failure(field: str) -> Failure:
        return Failure("Annex A layout", "not a template option", "error", "C1", "List 1", field, "x",
                       f"{field} is not spelt as the template's options")  # fmt: skip

    rows = count_by_rule([failure("Gender"), *(failure("Ethnicity") for _ in range(11))])
    assert rows == [
        ("Annex A layout", "not a template option", "error", 11, "Ethnicity is not spelt as the template's options"),
        ("Annex A layout", "not a template option", "error", 1, "Gender is not spelt as the template's options"),
    ]


@needs_validators
def test_a_return_the_dfe_validator_stops_on_is_not_passed(tmp_path: Path) -> None:
    """The dirty SSDA903 sample stops the DfE validator (UploadError); `validate` had said "No errors in the
    checks that ran" and exited 0."""
    from typer.testing import CliRunner

    from cscperf.cli import app

    from .conftest import SHARED

    result = CliRunner().invoke(app, ["validate", str(SHARED / "samples" / "ssda903" / "dirty")], env={"COLUMNS": "80"})
    said = " ".join(result.output.split())
    assert "the DfE validator stopped" in said
    assert result.exit_code == 1 and "Not known to be valid" in said


def _census_with_an_unborn_child_written_f(council: GoldenCouncil, tmp_path: Path) -> Path:
    """The golden council's 2024-25 CIN Census with child E unborn (an expected birth date only). cscperf's export
    writes E's sex U, as DfE rule 8750 asks (checked here); the file is then changed to say F, which breaks it."""
    from lxml import etree

    from .returns_helpers import export

    golden_cin(council)
    council.con.execute(
        "UPDATE ssd_person SET pers_sex = 'F', pers_dob = NULL, pers_expected_dob = DATE '2025-06-01' "
        "WHERE pers_person_id = 'E'"
    )
    path = tmp_path / "cin.xml"
    export(council.con, "cin-census", LA, path, year=2025)
    tree = etree.parse(str(path))
    [sex] = tree.xpath("//Child[ChildIdentifiers/LAchildID='E']/ChildIdentifiers/Sex")
    assert sex.text == "U"  # the export's own
    sex.text = "F"
    tree.write(str(path), xml_declaration=True, encoding="utf-8")
    return path
