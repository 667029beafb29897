"""Children's social work workforce census (CSWW) XML: the sample, and three workers with hand-worked figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cscperf.indicators.engine import compute
from cscperf.loading.session import load_files
from cscperf.loading.unreadable import UnreadableFile
from cscperf.loading.workforce_census import FORMAT
from cscperf.reporting_periods import ReportingPeriod
from cscperf.store.database import open_store

from .conftest import SHARED

SAMPLE = SHARED / "samples" / "workforce" / "social_work_workforce_2022.xml"
CENSUS_DAY = dt.date(2022, 9, 30)


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = open_store(tmp_path / "store.duckdb")
    yield con
    con.close()


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()
    assert row is not None
    return int(row[0])


def census(workers: str, *, lea: str = "873", vacancies: str = "2.00", agency_fte: str = "1.00") -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Message>
  <Header>
    <CollectionDetails><Collection>CSWW</Collection><Year>2022</Year><ReferenceDate>2022-09-30</ReferenceDate>
    </CollectionDetails>
    <Source><SourceLevel>L</SourceLevel><LEA>{lea}</LEA></Source>
  </Header>
  <LALevelVacancies>
    <NumberOfVacancies>{vacancies}</NumberOfVacancies><NoAgencyFTE>{agency_fte}</NoAgencyFTE>
    <NoAgencyHeadcount>1</NoAgencyHeadcount>
  </LALevelVacancies>
{workers}
</Message>
"""


def worker(
    swe: str,
    *,
    agency: int,
    fte: str,
    role: str = "5",
    start: str = "2019-01-01",
    end: str | None = None,
    reason: str | None = None,
    cases: str | None = None,
    absent: str | None = None,
) -> str:
    parts = [
        f"<AgencyWorker>{agency}</AgencyWorker>",
        f"<SWENo>{swe}</SWENo>",
        f"<FTE>{fte}</FTE>",
        "<QualInst>University</QualInst>",
        f"<OrgRole>{role}</OrgRole>",
        f"<RoleStartDate>{start}</RoleStartDate>",
    ]
    if end:
        parts.append(f"<RoleEndDate>{end}</RoleEndDate>")
    if reason:
        parts.append(f"<ReasonLeave>{reason}</ReasonLeave>")
    if cases is not None:
        parts.append(f"<Cases30>{cases}</Cases30>")
    if absent:
        parts += ["<Absat30Sept>1</Absat30Sept>", f"<ReasonAbsence>{absent}</ReasonAbsence>"]
    return "  <CSWWWorker>" + "".join(parts) + "</CSWWWorker>"


THREE_WORKERS = "\n".join(
    [
        # employed, in post at 30 September, 18 cases, on maternity leave that day
        worker("AB1000000001", agency=0, fte="1.0", cases="18", absent="MAT"),
        # employed, resigned on 30 June 2022 (a leaver in the year to 30 September)
        worker("AB1000000002", agency=0, fte="0.5", start="2020-06-01", end="2022-06-30", reason="1"),
        # agency, in post at 30 September, 20 cases
        worker("AB1000000003", agency=1, fte="1.0", start="2022-03-01", cases="20"),
    ]
)


def test_sample_census_loads(store: duckdb.DuckDBPyConnection) -> None:
    f = load_files(store, [SAMPLE]).as_dict()["files"][0]
    assert f["format"] == "workforce_census"
    assert (f["la_code"], f["collection_year"]) == ("301", 2022)
    assert f["reconciles"]
    for table, counts in f["tables"].items():
        assert counts["read"] == counts["loaded"] + counts["rejected"], table
    assert _count(store, "ssd_professionals") == 30
    assert f["details"]["la_level"] == {"vacancies_fte": 79.68, "agency_fte": 59.82, "agency_headcount": 71}
    agency = store.execute("SELECT prof_agency_worker_flag, COUNT(*) FROM ssd_professionals GROUP BY 1").fetchall()
    assert {flag for flag, _ in agency} <= {"Y", "N"}
    # the census's own figures and the engine's, at the census date, agree
    period = ReportingPeriod("as_at", CENSUS_DAY, CENSUS_DAY, "30 Sep 2022")
    figures = {
        r.indicator.id: r.points[0].value
        for r in compute(store, [period], ids=["sw_vacancy_rate", "sw_agency_rate", "sw_turnover_rate"])
    }
    census_figures = f["details"]["census_figures"]
    assert figures["sw_vacancy_rate"] == census_figures["vacancy_rate"]
    assert figures["sw_agency_rate"] == census_figures["agency_rate"]
    assert figures["sw_turnover_rate"] == census_figures["turnover_rate"]


def test_three_workers_by_hand(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "csww.xml"
    path.write_text(census(THREE_WORKERS), encoding="utf-8")
    f = load_files(store, [path]).as_dict()["files"][0]
    assert (f["la_code"], f["collection_year"]) == ("873", 2022)
    assert f["tables"]["ssd_professionals"] == {"read": 3, "loaded": 3, "rejected": 0}
    # Worked by hand, at 30 September 2022:
    #   employed FTE in post = 1.0 (worker 1; worker 2 left in June); vacancies (LA level) = 2.0 FTE
    #   vacancy rate = 2.0 / (2.0 + 1.0) = 66.7%
    #   agency FTE = 1.0 (worker 3, which is all of NoAgencyFTE) -> agency rate = 1.0 / (1.0 + 1.0) = 50.0%
    #   leavers in the year = 0.5 FTE (worker 2, resigned) -> turnover = 0.5 / 1.0 = 50.0%
    #   average caseload (census method) = (18 + 20) cases / (1.0 + 1.0) FTE = 19.0
    assert f["details"]["census_figures"] == {
        "vacancy_rate": 66.7,
        "agency_rate": 50.0,
        "turnover_rate": 50.0,
        "average_caseload": 19.0,
    }
    period = ReportingPeriod("as_at", CENSUS_DAY, CENSUS_DAY, "30 Sep 2022")
    got = {
        r.indicator.id: r.points[0]
        for r in compute(
            store,
            [period],
            la_codes=["873"],
            ids=["sw_vacancy_rate", "sw_agency_rate", "sw_turnover_rate", "sw_average_caseload"],
        )
    }
    assert got["sw_vacancy_rate"].value == 66.7
    assert got["sw_agency_rate"].value == 50.0
    assert got["sw_turnover_rate"].value == 50.0
    # caseloads need child-level allocations (ssd_involvements), which the census does not have
    assert got["sw_average_caseload"].value is None
    caseloads = dict(
        store.execute("SELECT prof_professional_id, prof_professional_caseload FROM ssd_professionals").fetchall()
    )
    assert caseloads == {"AB1000000001": 18, "AB1000000002": None, "AB1000000003": 20}
    absences = store.execute("SELECT absence_professional_id, absence_type FROM cscperf_sw_absences").fetchall()
    assert absences == [("AB1000000001", "maternity")]
    ends = dict(store.execute("SELECT assignment_professional_id, end_reason FROM cscperf_sw_assignments").fetchall())
    assert ends["AB1000000002"] == "left_council"
    # the census is a snapshot: a month later it says nothing (posts and assignments end on the census day)
    later = ReportingPeriod("as_at", dt.date(2022, 10, 31), dt.date(2022, 10, 31), "31 Oct 2022")
    (vacancy,) = compute(store, [later], la_codes=["873"], ids=["sw_vacancy_rate"])
    assert vacancy.points[0].value is None
    # nor a month before: it counts vacancies and agency workers on 30 September alone. On 31 August the
    # employed workers were in post and the census's vacancies were not, which had given a vacancy rate of 0.0%
    # (0 of 1.0 FTE) for 31 August, as for every month of the year before the census day
    before = ReportingPeriod("as_at", dt.date(2022, 8, 31), dt.date(2022, 8, 31), "31 Aug 2022")
    for result in compute(store, [before], la_codes=["873"], ids=["sw_vacancy_rate", "sw_agency_rate",
                                                                  "sw_turnover_rate"]):  # fmt: skip
        point = result.points[0]
        assert point.value is None and not point.available, result.indicator.id
        assert point.reason, result.indicator.id


def test_agency_fte_not_named_is_kept(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "csww.xml"
    path.write_text(census(THREE_WORKERS, agency_fte="3.00"), encoding="utf-8")
    f = load_files(store, [path]).as_dict()["files"][0]
    assert f["details"]["agency_fte_not_named"] == 2.0
    # agency rate = (1.0 named + 2.0 not named) / (3.0 + 1.0 employed) = 75.0%
    assert f["details"]["census_figures"]["agency_rate"] == 75.0
    period = ReportingPeriod("as_at", CENSUS_DAY, CENSUS_DAY, "30 Sep 2022")
    (agency,) = compute(store, [period], la_codes=["873"], ids=["sw_agency_rate"])
    assert agency.points[0].value == 75.0


def test_worker_without_swe_number_is_rejected(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    bad = THREE_WORKERS.replace("<SWENo>AB1000000002</SWENo>", "")
    path = tmp_path / "csww.xml"
    path.write_text(census(bad), encoding="utf-8")
    f = load_files(store, [path]).as_dict()["files"][0]
    assert f["tables"]["ssd_professionals"] == {"read": 3, "loaded": 2, "rejected": 1}
    row = store.execute("SELECT source_location, rule FROM cscperf_load_rejects WHERE severity = 'fatal'").fetchone()
    assert row is not None and row[0].startswith("csww.xml:") and row[1] == "missing identifier"


def test_truncated_census_changes_nothing(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    text = census(THREE_WORKERS)
    path = tmp_path / "csww.xml"
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with pytest.raises(UnreadableFile, match="truncated"):
        load_files(store, [path])
    assert _count(store, "ssd_professionals") == 0 and _count(store, "cscperf_loads") == 0


def test_census_without_workers(tmp_path: Path, store: duckdb.DuckDBPyConnection) -> None:
    path = tmp_path / "csww.xml"
    path.write_text(census(""), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no CSWWWorker"):
        load_files(store, [path])


def test_recognised_from_content_only(tmp_path: Path) -> None:
    path = tmp_path / "anything.txt"
    path.write_text(census(THREE_WORKERS), encoding="utf-8")
    assert FORMAT.recognise(path, path.read_bytes())
    cin = b"<Message><Header><CollectionDetails><Collection>CIN</Collection></CollectionDetails></Header></Message>"
    assert not FORMAT.recognise(path, cin)


def test_dates_after_today_or_a_start_after_the_census_date_are_flagged(
    tmp_path: Path, store: duckdb.DuckDBPyConnection
) -> None:
    """As in every loader (date_checks.py): a date after today is a "date in the future" warning with its line;
    a RoleStartDate after the census date (30/09/2022) says the worker was not in post that day. One warning a
    date; the worker is loaded either way."""
    workers = "\n".join(
        [
            worker("AB1000000001", agency=0, fte="1.0"),  # line 12: nothing wrong
            worker("AB1000000002", agency=0, fte="1.0", start="2090-01-26"),  # line 13: after today
            worker("AB1000000003", agency=0, fte="1.0", start="2023-03-28"),  # line 14: after the census date
            worker("AB1000000004", agency=0, fte="1.0", start="2020-01-01", end="2090-02-01", reason="1"),  # 15
        ]
    )
    path = tmp_path / "csww.xml"
    path.write_text(census(workers, agency_fte="0"), encoding="utf-8")
    f = load_files(store, [path]).as_dict()["files"][0]
    assert f["tables"]["ssd_professionals"] == {"read": 4, "loaded": 4, "rejected": 0}
    got = store.execute(
        "SELECT source_location, rule, field_name, field_value, message FROM cscperf_load_rejects "
        "WHERE field_name IN ('RoleStartDate', 'RoleEndDate') AND severity = 'warning' ORDER BY reject_number"
    ).fetchall()
    assert [r[:4] for r in got] == [
        ("csww.xml:13", "date in the future", "RoleStartDate", "2090-01-26"),
        ("csww.xml:14", "date after reference date", "RoleStartDate", "2023-03-28"),
        ("csww.xml:15", "date in the future", "RoleEndDate", "2090-02-01"),
    ]
    assert got[0][4] == "RoleStartDate 26/01/2090 is after today."
    assert "not in post at the census date" in got[1][4]


def test_the_samples_starts_after_its_census_date_are_flagged(store: duckdb.DuckDBPyConnection) -> None:
    load_files(store, [SAMPLE])
    late = store.execute(
        "SELECT DISTINCT field_value FROM cscperf_load_rejects WHERE field_name = 'RoleStartDate' "
        "AND rule = 'date after reference date'"
    ).fetchall()
    assert ("2023-03-28",) in late


def test_rejects_of_a_census_say_they_hold_worker_identifiers(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cscperf.cli import app

    runner = CliRunner()
    store = str(tmp_path / "store.duckdb")
    path = tmp_path / "csww.xml"
    path.write_text(census(THREE_WORKERS.replace("<AgencyWorker>0</AgencyWorker>", "<AgencyWorker/>", 1)))
    assert runner.invoke(app, ["load", str(path), "--db", store]).exit_code == 0
    shown = runner.invoke(app, ["rejects", "--db", store])
    assert "They hold worker identifiers" in shown.output and "child" not in shown.output.split("\n")[0]
    written = runner.invoke(app, ["rejects", "--db", store, "--out", str(tmp_path / "rejects.csv")])
    assert "holds worker identifiers" in " ".join(written.output.split())
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nA1,1,31/02/2015,WBRI,,,\n", encoding="utf-8")
    assert runner.invoke(app, ["load", str(header), "--db", store, "--la", "873", "--year", "2022"]).exit_code == 0
    assert "They hold child or worker identifiers" in runner.invoke(app, ["rejects", "--db", store]).output
