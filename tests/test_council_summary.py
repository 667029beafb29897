"""`cscperf summary` never shows a figure the data cannot support: a table no load gave is n/a, not 0, and a
figure at the data's last date is n/a when its records end before that date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.loading.session import load_files
from cscperf.store.council_summary import council_summaries
from cscperf.store.database import open_store

from .conftest import SHARED


def test_an_ssda903_store_says_which_figures_it_cannot_give(tmp_path: Path) -> None:
    # The sample SSDA903 returns: episodes of care to 31 March 2019, reviews and legal statuses later; no
    # contacts, referrals, assessments or CP plans at all. The data's last date is the reviews' (2026).
    db = tmp_path / "returns.duckdb"
    con = open_store(db)
    try:
        load_files(con, [SHARED / "samples" / "ssda903" / "fake"], la_code="316")
        [r] = council_summaries(con)
    finally:
        con.close()
    assert r.end is not None and r.end > dt.date(2019, 3, 31)
    assert (r.contacts, r.referrals, r.assessments, r.cp_open, r.cla_open) == (None,) * 5  # had been 0s and 1,186
    assert r.cla_rate_per_10k is None
    why = dict(r.missing)
    assert why["Contacts"] == "no contacts were loaded"
    assert why["Children looked after at the end"].startswith("the episodes of care loaded end on 31 March 2019")
    shown = CliRunner().invoke(app, ["summary", "--db", str(db)], env={"COLUMNS": "80"})
    assert shown.exit_code == 0
    assert "Children looked after at the end n/a: the episodes of care loaded end on 31 March 2019" in " ".join(
        shown.output.split()
    )
    assert "1,186" not in shown.output
    assert r.workers is None and why["Workers (employed and agency, ever)"] == "no social workers were loaded"
    assert "no child population" not in shown.output  # the rate is n/a for want of the children, not the population


def test_a_synthetic_council_gives_every_figure(council_store: Path) -> None:
    con = open_store(council_store, read_only=True)
    try:
        [r] = council_summaries(con)
    finally:
        con.close()
    assert r.missing == ()
    assert all(
        n is not None and n > 0 for n in (r.contacts, r.referrals, r.assessments, r.cp_open, r.cla_open, r.workers)
    )


def test_an_annex_a_store_counts_its_own_referrals_and_says_why_there_is_no_default_month(tmp_path: Path) -> None:
    """The sample workbook lists 11 referrals; the loader adds 3 earlier ones that stand in for "referred in the
    12 months before" (for the re-referral measure), which the summary had counted as 14. Its records run from 16
    to 18 September 2020: no whole month, which kpis had called "the store does not say what dates"."""
    db = tmp_path / "annex.duckdb"
    con = open_store(db)
    try:
        load_files(con, [SHARED / "samples" / "annex_a" / "Annex_A_2024_Jan.xlsx"], la_code="316")
        [r] = council_summaries(con)
        total = con.execute("SELECT count(*) FROM ssd_cin_episodes").fetchall()[0][0]
    finally:
        con.close()
    assert (r.referrals, total) == (11, 14)
    said = CliRunner().invoke(app, ["kpis", "--db", str(db)], env={"COLUMNS": "200"})
    assert said.exit_code != 0
    assert "The council's data cover 16 September 2020 to 18 September 2020, not a whole calendar month" in (
        " ".join(said.output.split())
    )
