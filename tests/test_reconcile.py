"""`cscperf reconcile`: our figures beside the council's published ones for a year, the difference, and the
records behind each difference. A hand-made council and hand-written published figures; every expected
line is worked out beside it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.comparators.reconcile import RECONCILED, reconcile

from .golden import LA, GoldenCouncil
from .test_indicators_care import placements

YEAR_END = "2024-03-31"


def _published(
    council: GoldenCouncil,
    indicator: str,
    value: float | None,
    *,
    numerator: float | None = None,
    denominator: float | None = None,
    suppression: str | None = None,
    measure: str = "LAIT",
) -> None:
    council.con.execute(
        "INSERT INTO cscperf_benchmark_values (indicator_id, area_level, area_code, area_name, year, year_meaning, "
        "value, suppression, numerator, denominator, source_file, release, source_measure) "
        "VALUES (?, 'la', ?, 'Golden', 2024, '31 March', ?, ?, ?, ?, 'published.csv', 2024, ?)",
        [indicator, LA, value, suppression, numerator, denominator, measure],
    ).fetchall()


def _council(council: GoldenCouncil) -> None:
    """A council loaded from its 2023-24 SSDA903 return (what the store covers), with published figures."""
    # Looked after at 31 March 2024: A (since 1 June 2023, one placement), B (since January 2022; moves on
    # 1 May 2023 and 1 Nov 2023, so 3 placements in the year), C (since 1 Sept 2023). D's care ended on
    # 1 December 2023 (E13).
    placements(council, "A", [("2023-06-01", None, "S", "U4")])
    placements(council, "B", [("2022-01-01", "2023-05-01", "S", "U4"), ("2023-05-01", "2023-11-01", "P", "U4"),
                              ("2023-11-01", None, "P", "U6")])  # fmt: skip
    placements(council, "C", [("2023-09-01", None, "S", "U4")])
    council.add("ssd_cla_episodes", clae_cla_episode_id="D1", clae_person_id="D", clae_cla_id="LD",
                clae_cla_episode_start_date="2021-05-01", clae_cla_episode_start_reason="S",
                clae_cla_episode_ceased_date="2023-12-01", clae_cla_episode_ceased_reason="E13")  # fmt: skip
    for table in ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status"):
        council.add("cscperf_coverage", load_id="903-2024", table_name=table, covers_from="2023-04-01",
                    covers_to=YEAR_END, records=1)  # fmt: skip
    # Published for 2024: the rate, 3 per 10,000 (3 children of 10,000: the EES file gives both);
    # children who started, 3; 3+ placements, 33% (LAIT, with its count, 1); re-referrals suppressed.
    _published(council, "cla_rate_per_10k", 3, numerator=3, denominator=10_000, measure="rate_per_10000")
    _published(council, "cla_started", 3, measure="LAIT LACnum_Start")
    _published(council, "cla_3plus_placements", 33, numerator=1, measure="LAIT LACStable_2016on")
    _published(council, "re_referrals_12m", None, suppression="c", measure="LAIT ReReferral")


def test_each_measure_beside_the_published_figure(council: GoldenCouncil) -> None:
    _council(council)
    result = reconcile(council.con, LA, 2024)
    lines = {line.indicator_id: line for line in result.lines}
    assert list(lines) == list(RECONCILED)
    # Children looked after at 31 March 2024: A, B, C = 3; published 3 (the rate's numerator): matches.
    assert (lines["cla_open"].ours.value, lines["cla_open"].published.value, lines["cla_open"].status) == (
        3, 3, "matches"
    )  # fmt: skip
    # The rate: 3 / 10,000 x 10,000 = 3; published 3, with the same 3 children: matches.
    rate = lines["cla_rate_per_10k"]
    assert (rate.ours.value, rate.difference, rate.count_difference, rate.status) == (3, 0, 0, "matches")
    # Started in 2023-24: A (1 June) and C (1 Sept) = 2; published 3: one fewer. The records behind ours are
    # listed (the two children), for the team to find the third.
    started = lines["cla_started"]
    assert (started.ours.value, started.published.value, started.difference, started.status) == (2, 3, -1, "differs")
    assert sorted(r["person_id"] for r in started.records) == ["A", "C"]
    # 3+ placements: B of A, B, C = 33% (1 of 3); published 33%, 1 child: matches.
    three = lines["cla_3plus_placements"]
    assert (three.ours.value, three.ours.numerator, three.difference, three.count_difference, three.status) == (
        33, 1, 0, 0, "matches"
    )  # fmt: skip
    # Ceased: D = 1; nothing published imported for it.
    ceased = lines["cla_ceased"]
    assert (ceased.ours.value, ceased.status, ceased.published.note) == (
        1, "not published", "no 2024 figure imported for the council"
    )  # fmt: skip
    # Long-term stability looks back 30 months; the store holds one year: not available, with the reason.
    stability = lines["cla_long_term_stability"]
    assert stability.status == "not available" and stability.ours.value is None
    assert stability.ours.reason == (
        "needs the 30 months to 31 March 2024, and the episodes of care loaded begin on 1 April 2023"
    )
    # Referrals: no CIN Census loaded: not available (never 0), whatever was published (suppressed here).
    referrals = lines["re_referrals_12m"]
    assert referrals.status == "not available" and "Referrals come from the CIN Census" in str(referrals.ours.reason)
    assert referrals.published.note == "suppressed (small numbers) (c)"
    assert all(not line.records for line in result.lines if line.status != "differs")


runner = CliRunner()


def test_the_command_says_it_holds_child_identifiers(council: GoldenCouncil, tmp_path: Path) -> None:
    _council(council)
    council.close()
    db = str(tmp_path / "golden.duckdb")
    result = runner.invoke(app, ["reconcile", "--db", db, "--year", "2024", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["contains_child_identifiers"] is True and "children's identifiers" in data["notice"]
    started = next(m for m in data["measures"] if m["id"] == "cla_started")
    assert started["status"] == "differs" and started["difference"] == -1
    assert sorted(r["person_id"] for r in started["records"]) == ["A", "C"]
    result = runner.invoke(app, ["reconcile", "--db", db])  # the year: the last the data cover, 2023-24
    said = " ".join(result.stdout.split())
    assert result.exit_code == 0 and "year ending 31 March 2024" in said
    assert "lists children's identifiers" in said and "Behind our figure for children who started" in said
    bad = runner.invoke(app, ["reconcile", "--db", db, "--year", "24"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_the_table_fits_80_columns_and_every_note_is_whole(council: GoldenCouncil, tmp_path: Path) -> None:
    # The measures' table had six columns whose narrowest widths passed 80: Rich cut the Note column to "diffe"
    # and dropped the rest (reasons included). Each line now fits, and each note is printed whole beneath.
    _council(council)
    council.close()
    result = runner.invoke(app, ["reconcile", "--db", str(tmp_path / "golden.duckdb"), "--year", "2024",
                                 "--rows", "1"], env={"COLUMNS": "80"})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "…" not in result.output and max(len(line.rstrip()) for line in result.output.splitlines()) <= 80
    said = " ".join(result.output.split())
    for status in ("matches", "differs", "not published", "not available"):
        assert status in said
    assert "Children who ceased to be looked after: no 2024 figure imported for the council." in said
    assert ("Long-term placement stability: not available: needs the 30 months to 31 March 2024, and the "
            "episodes of care loaded begin on 1 April 2023.") in said  # fmt: skip
    assert "Re-referrals within 12 months: suppressed (small numbers) (c)." in said
