"""Several sources about the same children: the CIN Census and the SSDA903 share the council's child id, so
loaded together they describe one set of people; where they disagree the disagreement is reported, not
silently resolved."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cscperf.indicators.engine import compute
from cscperf.indicators.series import series_periods
from cscperf.loading.session import load_files
from cscperf.store.database import open_store

from .cin_census_writer import write_store_census
from .ssda903_writer import write_903_year

YEAR = 2026
# Indicators that need both returns' tables, or one of each: all must match the original store.
COMPARED = ("referrals", "re_referrals_12m", "assessments_within_45wd", "cp_plans_open", "cp_open_over_12m",
            "cla_open", "cla_started", "cla_ceased")  # fmt: skip


def _returns(council_store: Path, folder: Path) -> tuple[Path, Path, str]:
    original = open_store(council_store, read_only=True)
    (la_code,) = original.execute("SELECT la_code FROM cscperf_councils").fetchone() or ("",)
    cin = folder / "cin" / f"cin_{YEAR}.xml"
    cin.parent.mkdir(parents=True)
    write_store_census(original, cin, la_code, YEAR - 1)
    write_store_census(original, folder / "cin" / f"cin_{YEAR}b.xml", la_code, YEAR)
    write_903_year(original, la_code, YEAR, folder / "903")
    original.close()
    return folder / "cin", folder / "903", la_code


def test_cin_and_903_join_on_the_child_id_without_conflicts(council_store: Path, tmp_path: Path) -> None:
    cin, ssda903, la_code = _returns(council_store, tmp_path)
    con = open_store(tmp_path / "both.duckdb")
    summary = load_files(con, [cin, ssda903], la_code=la_code)
    assert all(f.read == f.loaded + f.rejected for f in summary.files)
    assert not any("sources disagree" in rules for f in summary.files for rules in f.problems.values())
    # Children in both returns are one person each.
    cin_children = {r[0] for r in con.execute("SELECT cine_person_id FROM ssd_cin_episodes").fetchall()}
    cla_children = {r[0] for r in con.execute("SELECT clae_person_id FROM ssd_cla_episodes").fetchall()}
    people = {r[0] for r in con.execute("SELECT pers_person_id FROM ssd_person").fetchall()}
    assert cin_children & cla_children, "the synthetic council has children in both returns"
    assert people == cin_children | cla_children
    con.execute(f"ATTACH '{council_store}' AS original (READ_ONLY)")
    con.execute("INSERT INTO cscperf_population SELECT * FROM original.cscperf_population")
    con.execute("DETACH original")
    period = series_periods(dt.date(YEAR, 3, 31), 1, "financial-year")
    original = open_store(council_store, read_only=True)
    before = {r.indicator.id: r.points[-1] for r in compute(original, period, ids=list(COMPARED))}
    after = {r.indicator.id: r.points[-1] for r in compute(con, period, ids=list(COMPARED))}
    for kpi in COMPARED:
        assert (after[kpi].numerator, after[kpi].denominator) == (before[kpi].numerator, before[kpi].denominator), kpi
    original.close()
    con.close()


def test_a_child_whose_returns_disagree_is_reported_with_both_values(council_store: Path, tmp_path: Path) -> None:
    cin, ssda903, la_code = _returns(council_store, tmp_path)
    header = ssda903 / "header.csv"
    lines = header.read_text().splitlines()
    columns = lines[0].split(",")
    at = next(i for i, line in enumerate(lines[1:], start=1) if "29/02/" not in line)  # a birthday every year
    first = lines[at].split(",")
    child, dob = first[columns.index("CHILD")], first[columns.index("DOB")]
    day, month, year = dob.split("/")
    first[columns.index("DOB")] = f"{day}/{month}/{int(year) - 1}"
    lines[at] = ",".join(first)
    header.write_text("\n".join(lines) + "\n")
    con = open_store(tmp_path / "both.duckdb")
    load_files(con, [cin, ssda903], la_code=la_code)
    rows = con.execute(
        "SELECT r.source_location, r.field_name, r.field_value, r.message FROM cscperf_load_rejects r "
        "WHERE r.rule = 'sources disagree'"
    ).fetchall()
    assert len(rows) == 1
    location, field, value, message = rows[0]
    assert location == f"header.csv:{at + 1}" and field == "pers_dob"
    assert value == f"{int(year) - 1}-{month}-{day}"
    assert f"{year}-{month}-{day}" in message  # the CIN Census's value, beside this file's
    stored = con.execute("SELECT pers_dob FROM ssd_person WHERE pers_person_id = ?", [child]).fetchall()
    assert stored == [(dt.date(int(year) - 1, int(month), int(day)),)]
    con.close()
