"""`cscperf lists` and `cscperf lists list`: the fixed interface, every format, per team and worker, week on
week, the privacy notice on every output, formula-safe files, and messages that never name a child."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.exports.xlsx_file import CHILD_IDENTIFIERS, WORKER_IDENTIFIERS
from cscperf.lists.rows import NOTICE

from .golden import GoldenCouncil
from .test_lists_consistency import ISSUE_IDS
from .test_lists_golden import nine_month_plans

runner = CliRunner()
AS_AT = "2026-10-31"


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    return result.exit_code, output


def test_lists_list_names_every_list_with_who_it_is_for_and_its_rule() -> None:
    code, out = invoke("lists", "list", "--format", "json")
    assert code == 0
    listed = json.loads(out)
    assert [x["id"] for x in listed] == ISSUE_IDS
    assert all(x["title"] and x["audience"] and x["rule"] and x["statutory_basis"] for x in listed)
    code, out = invoke("lists", "list")
    assert code == 0 and "cp_plan_9_months" in out and "its rule" in out
    # At 80 columns nothing is cut: the settings a rule names (cp_visit_interval_working_days,
    # cla_visit_long_term_days) were shown as "cp_visit_interval_work…".
    assert "…" not in out and max(len(line.rstrip()) for line in out.splitlines()) <= 80
    words = {w.strip(".,;:()") for w in out.split()}
    for x in listed:
        named = {w.strip(".,;:()") for w in x["rule"].split() if "_" in w}
        assert {w for w in named if w} <= words, x["id"]


def test_json_has_the_issues_shape(council_store: Path) -> None:
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["as_at"] == AS_AT and data["notice"] == NOTICE and data["look_ahead_days"] == 28
    assert [x["id"] for x in data["lists"]] == ISSUE_IDS
    visits = data["lists"][0]
    assert {"id", "title", "rows", "available"} <= set(visits) and visits["available"] is True
    row = visits["rows"][0]
    assert {"person_id", "team", "worker", "due_date", "status", "detail", "working_days", "calendar_days",
            "event_date", "action", "la_code"} <= set(row)  # fmt: skip
    assert row["status"] in ("overdue", "due") and dt.date.fromisoformat(row["due_date"])
    caseloads = data["lists"][-1]["rows"][0]
    assert "person_id" not in caseloads and caseloads["worker_id"] and "manager" in caseloads


def test_one_team_and_one_worker(council_store: Path) -> None:
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--format", "json")
    rows = [r for x in json.loads(out)["lists"] for r in x.get("rows", [])]
    team = rows[0]["team"]
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--team", team, "--format", "json")
    assert code == 0
    team_rows = [r for x in json.loads(out)["lists"] for r in x.get("rows", [])]
    assert team_rows and {r["team"] for r in team_rows} == {team}
    assert len(team_rows) == sum(1 for r in rows if r["team"] == team)
    worker = next(r["worker_id"] for r in rows if r["worker_id"])
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--worker", worker, "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out.split("\n", 1)[1])))
    assert records and {r["worker_id"] for r in records} == {worker}


def test_csv_says_it_holds_child_identifiers_and_lists_who_left(council_store: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "lists.csv"
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--since", "24/10/2026",
                       "--format", "csv", "--out", str(out_file))  # fmt: skip
    assert code == 0 and "child identifiers" in out
    text = out_file.read_text(encoding="utf-8-sig")  # with a byte-order mark, for Excel
    assert text.startswith(f"# {NOTICE}")
    records = list(csv.DictReader(io.StringIO(text.split("\n", 1)[1])))
    changes = {r["change"] for r in records}
    assert changes == {"new", "continuing", "left"}
    left = [r for r in records if r["change"] == "left"]
    assert any("seen on" in r["detail"] for r in left) and any("plan ended" in r["detail"] for r in left)


def test_xlsx_has_a_first_sheet_about_it_and_a_sheet_per_list(council_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "lists.xlsx"
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--since", "2026-10-24",
                       "--by", "team", "--format", "xlsx", "--out", str(path))  # fmt: skip
    assert code == 0, out
    wb = load_workbook(path)
    assert wb.sheetnames == ["About", "By team", *ISSUE_IDS, "Left since"]
    about = wb["About"]
    assert about["A1"].value == CHILD_IDENTIFIERS and about["A3"].value == NOTICE
    sheet = wb["cp_plan_9_months"]
    assert sheet["A1"].value == CHILD_IDENTIFIERS  # every sheet says what it holds
    assert sheet.freeze_panes == "A3" and len(sheet.tables) == 1  # the header frozen, a filterable table
    headings = [c.value for c in sheet[2]]
    assert headings[:6] == ["Child", "Worker ID", "Team", "Worker", "Plan started", "Reaches 9 months"]
    first = [c.value for c in sheet[3]]
    assert isinstance(first[4], dt.datetime) and isinstance(first[5], dt.datetime)  # dates as dates
    assert sheet.cell(3, 5).number_format == "yyyy-mm-dd"
    assert wb["caseloads_over_target"]["A1"].value == WORKER_IDENTIFIERS


def test_xlsx_needs_a_file_and_the_table_is_for_the_screen(council_store: Path) -> None:
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--format", "xlsx")
    assert code == 2 and "--out" in out
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--list", "cp_visits_overdue",
                       "--list", "caseloads_over_target", "--since", "2026-10-24")  # fmt: skip
    assert code == 0 and NOTICE.split(" (")[0] in " ".join(out.split())
    assert "Left since" in out and "over target" not in out
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--by", "team")
    assert code == 0 and "by team and worker" in out


@pytest.mark.parametrize(("args", "expected"), [
    (["--as-at", "2026-13-45"], "YYYY-MM-DD"),
    (["--as-at", AS_AT, "--list", "no_such_list"], "cscperf lists list"),
    (["--as-at", AS_AT, "--list", "cp_visit_overdue"], "Did you mean cp_visits_overdue?"),  # as kpis --kpi does
    (["--as-at", AS_AT, "--team", "No Such Team"], "no team called"),
    (["--as-at", AS_AT, "--worker", "NOBODY"], "no worker"),
    (["--as-at", AS_AT, "--since", "2026-11-30"], "before the as-at date"),
    (["--as-at", AS_AT, "--format", "pdf"], "pdf"),
])  # fmt: skip
def test_usage_errors_are_explained(council_store: Path, args: list[str], expected: str) -> None:
    code, out = invoke("lists", "--db", str(council_store), *args)
    assert code == 2 and expected in out


def test_without_a_date_the_lists_are_as_at_the_end_of_the_last_complete_month(council_store: Path) -> None:
    code, out = invoke("lists", "--db", str(council_store), "--list", "cp_visits_overdue", "--format", "json")
    assert code == 0 and json.loads(out)["as_at"] == "2026-10-31"


def test_messages_never_name_a_child(tmp_path: Path) -> None:
    council = GoldenCouncil(tmp_path)
    nine_month_plans(council)
    council.close()
    db = str(tmp_path / "golden.duckdb")
    for args in (["--as-at", "2024-11-29", "--team", "P1"], ["--as-at", "2024-11-29", "--worker", "P3"],
                 ["--as-at", "2024-11-29", "--list", "P4"]):  # fmt: skip
        code, out = invoke("lists", "--db", db, *args)
        # the argument typed is echoed back; no other child's identifier appears
        assert code == 2 and not re.search(r"\bP[0-9]\b", out.replace(args[-1], "")), out


def test_files_cannot_carry_formulas(tmp_path: Path) -> None:
    council = GoldenCouncil(tmp_path)
    nine_month_plans(council)
    council.add("ssd_department", dept_team_id="T1", dept_team_name='=HYPERLINK("http://x","click")')
    council.add("ssd_involvements", invo_involvements_id="I1", invo_professional_id="+W1", invo_person_id="P1",
                invo_professional_team="T1", invo_involvement_start_date="2024-01-01")  # fmt: skip
    council.close()
    db = str(tmp_path / "golden.duckdb")
    code, out = invoke("lists", "--db", db, "--as-at", "2024-11-29", "--list", "cp_plan_9_months", "--format", "csv")
    assert code == 0
    records = list(csv.DictReader(io.StringIO(out.split("\n", 1)[1])))
    mine = next(r for r in records if r["person_id"] == "P1")
    assert mine["team"] == '\'=HYPERLINK("http://x","click")' and mine["worker_id"] == "'+W1"
    path = tmp_path / "lists.xlsx"
    code, out = invoke("lists", "--db", db, "--as-at", "2024-11-29", "--list", "cp_plan_9_months", "--format",
                       "xlsx", "--out", str(path))  # fmt: skip
    assert code == 0
    sheet = load_workbook(path)["cp_plan_9_months"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula


def test_a_list_the_returns_cannot_give_says_not_available_once(tmp_path: Path) -> None:
    # A store loaded from an SSDA903 table alone holds no PEPs: the list is not available, said once (it was
    # "not available: not available from the data loaded: ...").
    folder = tmp_path / "2024"
    folder.mkdir()
    (folder / "episodes.csv").write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "A1,01/06/2022,S,C2,N1,U4,PR1,,,,,,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "s.duckdb")
    assert runner.invoke(app, ["load", str(folder), "--db", db, "--la", "873"]).exit_code == 0
    for extra in ([], ["--by", "team"]):
        code, out = invoke("lists", "--db", db, "--as-at", "2024-03-31", "--list", "cla_pep_due", *extra)
        said = " ".join(out.split())
        assert code == 0 and "cla_pep_due" in said and "not available from the data loaded" in said, said
        assert "not available: not available" not in said


def test_a_caseload_is_over_the_target_never_overdue_in_any_output(council_store: Path, tmp_path: Path) -> None:
    """A social worker's caseload is over the target, not "overdue": the table, the counts per team, the CSV,
    the JSON and the workbook all say so, and the other lists still say overdue."""
    chosen = ["--db", str(council_store), "--as-at", AS_AT, "--list", "caseloads_over_target"]
    code, out = invoke("lists", *chosen)
    assert code == 0, out
    flat = " ".join(out.split())  # the table's title wraps at 80 columns
    assert re.search(r"caseloads_over_target: [^(]*\(\d+ over the target\)", flat) and "overdue" not in out
    code, out = invoke("lists", *chosen, "--by", "team")
    assert code == 0 and "Overdue*" in out and "* For caseloads_over_target: over the target, not overdue." in out
    code, out = invoke("lists", *chosen, "--format", "json")
    caseloads = json.loads(out)["lists"][0]
    assert set(caseloads["counts"]) == {"over_target", "due"} and caseloads["counts"]["over_target"] > 0
    assert {row["status"] for row in caseloads["rows"]} == {"over the target"}
    code, out = invoke("lists", *chosen, "--format", "csv")
    assert {r["status"] for r in csv.DictReader(io.StringIO(out.split("\n", 1)[1]))} == {"over the target"}
    code, out = invoke("lists", *chosen, "--by", "team", "--format", "csv")
    assert out.splitlines()[0] == "team,worker,worker_id,caseloads_over_target_over_target,caseloads_over_target_due"
    path = tmp_path / "lists.xlsx"
    code, out = invoke("lists", *chosen, "--list", "cp_reviews_due", "--by", "team", "--format", "xlsx",
                       "--out", str(path))  # fmt: skip
    assert code == 0, out
    wb = load_workbook(path)
    about = {row[0]: row for row in wb["About"].iter_rows(values_only=True)}
    assert about["Sheet"][3] == "Overdue (or over the target)"
    assert about["caseloads_over_target"][4] is None  # blank, not 0: it does not look ahead
    assert isinstance(about["cp_reviews_due"][4], int)
    sheet = wb["caseloads_over_target"]
    status = [c.value for c in sheet[2]].index("Status") + 1
    assert {sheet.cell(n, status).value for n in range(3, sheet.max_row + 1)} == {"over the target"}
    assert [c.value for c in wb["By team"][2]][3:] == ["caseloads_over_target over the target",
                                                       "caseloads_over_target due", "cp_reviews_due overdue",
                                                       "cp_reviews_due due"]  # fmt: skip


def test_the_caseload_list_alone_says_it_names_social_workers_not_children(council_store: Path, tmp_path: Path) -> None:
    chosen = ["--db", str(council_store), "--as-at", AS_AT, "--list", "caseloads_over_target"]
    code, out = invoke("lists", *chosen)
    assert code == 0 and "These lists name social workers" in " ".join(out.split()) and "child identifiers" not in out
    code, out = invoke("lists", *chosen, "--format", "json")
    assert json.loads(out)["notice"].startswith("These lists name social workers")
    path = tmp_path / "caseloads.xlsx"
    code, out = invoke("lists", *chosen, "--format", "xlsx", "--out", str(path))
    assert code == 0 and "child identifiers" not in out
    assert load_workbook(path)["About"]["A1"].value == WORKER_IDENTIFIERS
    code, out = invoke("lists", "--db", str(council_store), "--as-at", AS_AT, "--list", "caseloads_over_target",
                       "--list", "cp_reviews_due", "--format", "json")  # fmt: skip
    assert json.loads(out)["notice"] == NOTICE  # any list of children: child identifiers


def test_the_screen_fits_80_columns(council_store: Path) -> None:
    """The heading and the notice about child identifiers had run to 107 and 184 characters on one line."""
    result = CliRunner().invoke(app, ["lists", "--db", str(council_store), "--as-at", "2026-03-31"],
                                env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and max(len(line) for line in lines) <= 80
    assert "special category personal data" in " ".join(result.output.split())
