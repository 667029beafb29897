"""Coverage (issue 10, items 6 and 7): a figure is shown only for a period the council's data hold, for every
indicator and every output. Each case is hand-made; the expected answer is worked out beside it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.indicators.coverage import CouncilCoverage, Held, availability, council_coverage
from cscperf.indicators.definition import load_library, load_sources
from cscperf.indicators.engine import drill_down
from cscperf.indicators.series import series_periods
from cscperf.reporting_periods import ReportingPeriod, financial_year, month

from .golden import LA, GoldenCouncil

D = dt.date.fromisoformat
LIBRARY = load_library()


def _returns_only(*years: int) -> CouncilCoverage:
    """A council loaded from CIN Census and SSDA903 returns only, for the years ending 31 March given."""
    cin = ("ssd_cin_episodes", "ssd_cin_assessments", "ssd_s47_enquiry", "ssd_initial_cp_conference",
           "ssd_cp_plans", "ssd_cp_reviews")  # fmt: skip
    ssda903 = ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status", "ssd_cla_reviews", "cscperf_cla_outcomes")
    held = [Held(t, dt.date(y - 1, 4, 1), dt.date(y, 3, 31)) for y in years for t in (*cin, *ssda903)]
    return CouncilCoverage(LA, tuple(held), recorded=True)


def _at(kpi: str, coverage: CouncilCoverage, period: ReportingPeriod) -> tuple[str, str | None]:
    found = availability(LIBRARY[kpi], coverage, period)
    return found.coverage, found.reason


# ------------------------------------------------------------------------------------------ item 6
def test_returns_alone_do_not_hold_visits() -> None:
    # CIN Census and SSDA903 for 2022-23: neither carries CP visits, CLA visits or PEPs.
    returns = _returns_only(2023)
    march = month(2023, 3)
    assert _at("cp_visits_in_time", returns, march) == (
        "none",
        "not available from the data loaded: CP visits come from the case system's SSD extract; the CIN Census "
        "and SSDA903 do not carry them",
    )
    assert _at("cla_visits_in_time", returns, march)[0] == "none"
    assert _at("cla_pep_in_date", returns, march)[0] == "none"
    assert _at("contacts", returns, march)[0] == "none"
    # What the returns do hold is shown: CP plans at 31 March 2023, CP reviews (the CIN Census's
    # CPPreviewDate). Reviews at a date look back 6 months: at 31 October 2022 the 6 months run from
    # 1 May 2022, held (the return begins 1 April 2022); at 30 September they run from 31 March 2022, not held.
    assert _at("cp_plans_open", returns, march) == ("full", None)
    assert _at("cla_open", returns, march) == ("full", None)
    assert _at("cla_reviews_in_time", returns, march) == ("full", None)
    assert _at("cp_reviews_in_time", returns, month(2022, 10))[0] == "full"
    assert _at("cp_reviews_in_time", returns, month(2022, 9)) == (
        "none",
        "needs the 6 months to 30 September 2022, and the child protection reviews loaded begin on 1 April 2022",
    )


def test_a_table_no_source_gives_is_the_reason_before_dates() -> None:
    # SSDA903 for 2022-23 and the CIN Census for 2023-24: in December 2022 the CP plans are not loaded yet,
    # but the reason that matters is that no loaded source carries CP visits at all.
    cin = ("ssd_cin_episodes", "ssd_cp_plans", "ssd_cp_reviews")
    held = [Held(t, D("2023-04-01"), D("2024-03-31")) for t in cin]
    held += [Held("ssd_cla_episodes", D("2022-04-01"), D("2023-03-31"))]
    mixed = CouncilCoverage(LA, tuple(held), recorded=True)
    assert _at("cp_visits_in_time", mixed, month(2022, 12)) == (
        "none",
        "not available from the data loaded: CP visits come from the case system's SSD extract; the CIN Census "
        "and SSDA903 do not carry them",
    )
    # Where the plans are loaded alone, their dates are the reason, as before.
    assert _at("cp_plans_open", mixed, month(2022, 12)) == (
        "none",
        "before the start of the child protection plans loaded (1 April 2023)",
    )


def test_a_field_the_source_does_not_give() -> None:
    # Annex A gives contacts (List 1) but not their outcomes: contacts counted, conversion not available.
    dates_only = Held("ssd_contacts", D("2023-02-01"), D("2024-01-31"), frozenset({"cont_contact_date"}))
    annex_a = CouncilCoverage(LA, (dates_only,), recorded=True)
    assert _at("contacts", annex_a, month(2023, 6)) == ("full", None)
    kind, reason = _at("contact_conversion", annex_a, month(2023, 6))
    assert (
        kind == "none"
        and reason is not None
        and reason.startswith(
            "not available from the data loaded: Contact outcomes (whether a contact led to a referral) come from the "
            "case system's SSD extract; Ofsted Annex A"
        )
    )
    with_outcomes = CouncilCoverage(LA, (Held("ssd_contacts", D("2023-02-01"), D("2024-01-31"), None),), recorded=True)
    assert _at("contact_conversion", with_outcomes, month(2023, 6)) == ("full", None)


def test_oc2_outcomes_serve_31_march_only() -> None:
    # OC2 flags (903) are the year's outcomes for the cohort at 31 March: a figure at 31 March 2023, none at
    # 31 October 2022 (the health-check dates that would give one are not held). Two years are loaded so that
    # the 12 months of care before 31 October 2022 are held.
    returns = _returns_only(2022, 2023)
    assert _at("oc2_health_assessment", returns, financial_year(2022)) == ("full", None)
    kind, reason = _at("oc2_health_assessment", returns, month(2022, 10))
    assert kind == "none" and reason == "OC2 outcomes at 31 March serve figures at 31 March only"
    none_held = CouncilCoverage(LA, (Held("ssd_cla_episodes", D("2022-04-01"), D("2023-03-31")),), recorded=True)
    kind, reason = _at("oc2_dental_check", none_held, financial_year(2022))
    assert kind == "none" and reason is not None and "; or Health assessment and dental check dates" in reason


# ------------------------------------------------------------------------------------------ item 7
def test_periods_outside_the_data() -> None:
    returns = _returns_only(2022, 2023)  # 1 April 2021 to 31 March 2023
    assert _at("cp_plans_open", returns, month(2030, 1)) == ("none", "after the data end on 31 March 2023")
    assert _at("cp_plans_open", returns, month(2010, 3)) == ("none", "before the data start on 1 April 2021")
    assert _at("referrals", returns, month(2023, 4)) == ("none", "after the data end on 31 March 2023")
    # A stock at 30 April 2021 is inside the data; a flow for March 2021 is not.
    assert _at("cp_plans_open", returns, month(2021, 4)) == ("full", None)
    assert _at("referrals", returns, month(2021, 3)) == ("none", "before the data start on 1 April 2021")
    # Re-referrals look back 12 months: the referral of 1 April 2021 needs referrals from 1 April 2020.
    assert _at("re_referrals_12m", returns, month(2021, 4)) == (
        "none",
        "needs the 12 months before the period, and the referrals loaded begin on 1 April 2021",
    )
    assert _at("re_referrals_12m", returns, month(2022, 4)) == ("full", None)  # from 1 April 2021: held
    # 3+ placements at 31 March 2022: the 12 months from 1 April 2021 are held; at 28 Feb 2022 they are not.
    assert _at("cla_3plus_placements", returns, financial_year(2021)) == ("full", None)
    assert _at("cla_3plus_placements", returns, month(2022, 2))[0] == "none"


def test_a_gap_between_loaded_years() -> None:
    returns = _returns_only(2021, 2023)  # 2021-22 not loaded
    kind, reason = _at("cla_open", returns, financial_year(2021))  # 31 March 2022
    assert kind == "none"
    assert reason == (
        "no episodes of care loaded for this period (the data loaded cover 1 April 2020 to 31 March 2021, "
        "1 April 2022 to 31 March 2023)"
    )


def test_a_part_covered_period_and_the_default_as_at() -> None:
    # An SSD extract taken on 15 October 2026: October's referrals so far are counted and marked; children on
    # plans at 31 October are after the data end. The default as-at is 30 September 2026.
    extract = CouncilCoverage(LA, (Held("ssd_cin_episodes", D("2020-10-15"), D("2026-10-15")),
                                   Held("ssd_cp_plans", D("2020-10-15"), D("2026-10-15"))), recorded=True)  # fmt: skip
    assert _at("referrals", extract, month(2026, 10)) == (
        "part",
        "part of the period only: the referrals loaded end on 15 October 2026; counted to then",
    )
    assert _at("cp_plans_open", extract, month(2026, 10)) == ("none", "after the data end on 15 October 2026")
    assert extract.last_complete_month() == D("2026-09-30")
    assert _returns_only(2023).last_complete_month() == D("2023-03-31")


def test_a_council_the_store_says_nothing_about() -> None:
    # A store built by hand (no load history): every table held, within the data range when one is known.
    unknown = CouncilCoverage(LA)
    assert _at("cp_visits_in_time", unknown, month(2030, 1)) == ("full", None)
    ranged = CouncilCoverage(LA, range_start=D("2022-04-01"), range_end=D("2024-03-31"))
    assert _at("cp_visits_in_time", ranged, month(2024, 3)) == ("full", None)
    assert _at("cp_visits_in_time", ranged, month(2024, 4)) == ("none", "after the data end on 31 March 2024")


def test_every_table_an_indicator_reads_is_declared() -> None:
    # Each table the SQL reads is either required (no figure without it) or listed as also read (refines the
    # figure): a decision made for every table, so coverage never misses one.
    import sqlglot
    from sqlglot import exp

    from cscperf.indicators.settings import IndicatorSettings
    from cscperf.indicators.sql_text import indicator_sql

    for indicator in LIBRARY.values():
        tree = sqlglot.parse_one(indicator_sql(indicator, IndicatorSettings()), read="duckdb")
        ctes = {c.alias for c in tree.find_all(exp.CTE)}
        read = {t.name for t in tree.find_all(exp.Table)} - ctes - {"report_periods", "cscperf_calendar"}
        declared = {n.split(".")[0] for choice in indicator.requires for n in choice} | set(indicator.also_reads)
        assert read == declared, (indicator.id, sorted(read ^ declared))


def test_every_requirement_is_described() -> None:
    sources = load_sources()
    for indicator in LIBRARY.values():
        assert indicator.requires, indicator.id
        for choice in indicator.requires:
            for name in choice:
                assert name in sources and name.split(".")[0].startswith(("ssd_", "cscperf_")), (indicator.id, name)


# ------------------------------------------------------------------------------------------ every output
def _returns_only_store(council: GoldenCouncil) -> None:
    """The golden council as a store loaded from its 2023-24 CIN Census and SSDA903 returns: one CP plan and
    one child looked after, and what each return covers."""
    council.person("C1")
    council.add("ssd_cp_plans", cppl_cp_plan_id="PL1", cppl_person_id="C1", cppl_cp_plan_start_date="2023-06-01")
    council.add("ssd_cla_episodes", clae_cla_episode_id="E1", clae_person_id="C1", clae_cla_id="L1",
                clae_cla_episode_start_date="2023-09-01", clae_cla_episode_start_reason="S")  # fmt: skip
    for load_id, tables in (("cin", ("ssd_cin_episodes", "ssd_cp_plans", "ssd_cp_reviews")),
                            ("903", ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status"))):  # fmt: skip
        for table in tables:
            council.add("cscperf_coverage", load_id=load_id, table_name=table, covers_from="2023-04-01",
                        covers_to="2024-03-31", records=1)  # fmt: skip


def test_engine_points_and_drill(council: GoldenCouncil) -> None:
    _returns_only_store(council)
    visits = council.figure("cp_visits_in_time", "2024-03-31")
    assert (visits.value, visits.numerator, visits.denominator, visits.available) == (None, None, None, False)
    assert visits.reason is not None and "CP visits come from the case system's SSD extract" in visits.reason
    plans = council.figure("cp_plans_open", "2024-03-31")
    assert (plans.value, plans.available, plans.coverage) == (1, True, "full")  # C1's plan from 1 June 2023
    later = council.figure("cp_plans_open", "2030-01-31")
    assert (later.value, later.reason) == (None, "after the data end on 31 March 2024")
    found = drill_down(council.con, "cp_visits_in_time", month(2024, 3), la_codes=[LA])
    assert found.rows == [] and not found.availability.available
    assert drill_down(council.con, "cp_plans_open", month(2030, 1), la_codes=[LA]).rows == []
    assert [r["person_id"] for r in drill_down(council.con, "cp_plans_open", month(2024, 3), la_codes=[LA]).rows] == [
        "C1"
    ]
    assert council_coverage(council.con, [LA])[LA].last_complete_month() == D("2024-03-31")


runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_command_line_outputs(council: GoldenCouncil, tmp_path: Path) -> None:
    _returns_only_store(council)
    council.close()
    db = str(tmp_path / "golden.duckdb")
    # kpis without --as-at: the last complete month of the data, 31 March 2024.
    code, out = _cli("kpis", "--db", db, "--kpi", "cp_visits_in_time", "--kpi", "cp_plans_open", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["as_at"] == "2024-03-31"
    visits, plans = data["kpis"]
    last = visits["series"][-1]
    assert (last["value"], last["numerator"], last["available"], last["coverage"]) == (None, None, False, "none")
    assert "CP visits come from the case system's SSD extract" in last["reason"]
    assert (plans["series"][-1]["value"], plans["series"][-1]["available"]) == (1, True)
    # CSV carries the same; the table shows n/a and says why once.
    code, out = _cli("kpis", "--db", db, "--kpi", "cp_visits_in_time", "--format", "csv", "--as-at", "2024-03-31")
    row = list(csv.DictReader(io.StringIO(out)))[-1]
    assert (row["value"], row["available"], row["coverage"]) == ("", "no", "none") and "CP visits" in row["reason"]
    code, out = _cli("kpis", "--db", db, "--kpi", "cp_visits_in_time", "--kpi", "cp_plans_open")
    assert code == 0 and "n/a" in out and "CP visits come from the case system" in " ".join(out.split())
    assert max(len(line) for line in out.splitlines()) <= 80  # the reasons wrap at the terminal, as tables do
    # An as-at date after the data: no figure, never the last one carried forward; drill lists no child.
    code, out = _cli("kpis", "--db", db, "--kpi", "cp_plans_open", "--as-at", "2030-01-31", "--format", "json")
    assert json.loads(out)["kpis"][0]["series"][-1]["value"] is None
    code, out = _cli("drill", "--db", db, "--kpi", "cp_plans_open", "--as-at", "2030-01-31")
    assert code == 0 and "after the data end on 31 March 2024" in " ".join(out.split()) and "C1" not in out
    result = runner.invoke(app, ["drill", "--db", db, "--kpi", "cp_plans_open", "--as-at", "2030-01-31", "--format",
                                 "csv"])  # fmt: skip
    assert result.stdout.splitlines() == [result.stdout.splitlines()[0]] and "la_code,unit_id" in result.stdout
    assert "after the data end" in result.stderr and "C1" not in result.output
    code, out = _cli("drill", "--db", db, "--kpi", "cp_plans_open")  # default: March 2024
    assert code == 0 and "C1" in out


@pytest.mark.parametrize("as_at", ["2030-01-31", "2010-03-31"])
def test_series_outside_the_data_has_no_figures(council: GoldenCouncil, as_at: str) -> None:
    _returns_only_store(council)
    periods = series_periods(D(as_at), 13)
    from cscperf.indicators.engine import compute

    (result,) = compute(council.con, periods, ids=["cp_plans_open"], la_codes=[LA])
    assert [p.value for p in result.points] == [None] * 13


def test_the_report_says_not_available_never_red(council: GoldenCouncil) -> None:
    # Returns alone, with the example configuration's targets (CP visits 98%, CLA visits, reviews...): the
    # measures the returns cannot support are "Not available", never red at 0% asking for an explanation.
    from cscperf.report.boilerplate import data_notes
    from cscperf.report.commentary import Commentary
    from cscperf.report.config import read_report_config
    from cscperf.report.contents import build_report

    _returns_only_store(council)
    config = read_report_config(Path(__file__).resolve().parents[1] / "cscperf.example.toml")
    content = build_report(council.con, D("2024-03-31"), config, Commentary(), la=LA)
    for kpi in ("cp_visits_in_time", "cla_visits_in_time", "cla_pep_in_date", "contacts"):
        figures = content.figures[kpi]
        assert figures.latest.value is None and figures.status.short == "Not available", kpi
        assert figures.status.rag == "none" and kpi not in content.explanations_missing
    assert content.figures["cp_plans_open"].latest.value == 1
    paragraphs = [p for s in content.sections for p in s.paragraphs]
    assert not any(p.kind == "explanation_needed" and p.indicator_id == "cp_visits_in_time" for p in paragraphs)
    [text] = [p.text for p in paragraphs if p.kind == "narrative" and p.indicator_id == "cp_visits_in_time"]
    assert "there is no figure for March 2024: not available from the data loaded: CP visits come from" in text
    notes = " ".join(data_notes(content, config))
    assert "Child protection visits in time: no figure for the latest month; not available from the data" in notes
    assert content.status_counts()["not_available"] >= 4
    # kpis.xlsx: the month's cell is empty, and the Note beside it says why.
    import io

    from openpyxl import load_workbook

    from cscperf.report.xlsx import render_xlsx

    sheet = load_workbook(io.BytesIO(render_xlsx(content)))["Child protection"]
    first, last = sheet.tables["cp_visits_in_time"].ref.split(":")
    rows = [[c.value for c in row] for row in sheet[first:last]]
    march = rows[-1]
    assert march[rows[0].index("Figure")] is None
    assert str(march[rows[0].index("Note")]).startswith("Not available from the data loaded: CP visits come from")


def test_a_rate_with_nothing_to_measure_says_so(council: GoldenCouncil, tmp_path: Path) -> None:
    # The 2023-24 CIN Census is loaded and no assessment was completed in March 2024: 0 in time of 0, a figure
    # there is no basis for. The table showed "n/a" with no reason and drill printed an empty table; both now
    # say why.
    _returns_only_store(council)
    council.add("cscperf_coverage", load_id="cin", table_name="ssd_cin_assessments", covers_from="2023-04-01",
                covers_to="2024-03-31", records=0)  # fmt: skip
    council.close()
    db = str(tmp_path / "golden.duckdb")
    code, out = _cli("kpis", "--db", db, "--kpi", "assessments_within_45wd", "--as-at", "2024-03-31", "--months", "1")
    said = " ".join(out.split())
    assert code == 0 and "n/a: no assessments in the period to measure (assessments_within_45wd)" in said, said
    code, out = _cli("drill", "--db", db, "--kpi", "assessments_within_45wd", "--as-at", "2024-03-31")
    said = " ".join(out.split())
    assert code == 0 and "No assessments are behind Assessments completed within 45 working days in Mar 2024" in said
    assert "Counted" not in out, out  # no table of nothing
