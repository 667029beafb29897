"""A small store whose text is hostile: child ids, team and worker names, sources and the council's code and
name hold Rich markup, ANSI escapes and spreadsheet formulas. Built row by row by the tests that use it."""

from __future__ import annotations

from pathlib import Path

from cscperf.store.database import open_store
from cscperf.store.statements import run

MARKUP = "[/oops]"
BOLD = "[bold]"
ESCAPE = "\x1b[31m"
FORMULA = '=HYPERLINK("http://evil.example","x")'
AT_FORMULA = "@SUM(1+1)"


def hostile_store(path: Path, *, la_code: str = "999", la_name: str = f"Council {MARKUP}{ESCAPE}") -> Path:
    """Referrals in March 2024 for three children whose ids, teams and workers are hostile text."""
    con = open_store(path)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name, data_source, data_start_date, data_end_date) "
             "VALUES (?, ?, 'loaded', DATE '2023-04-01', DATE '2024-03-31')", [la_code, la_name])  # fmt: skip
    for number, (child, team, worker, source) in enumerate([
        (f"{MARKUP}C1", f"{FORMULA}", f"{BOLD}W1", f"Police{ESCAPE}"),
        (f"{AT_FORMULA}", f"Team {BOLD}{MARKUP}", "-2+3+cmd|' /C calc'!A0", "Schools"),
        (f"C3{ESCAPE}", "Team 3", "W3", f"{MARKUP}"),
    ], start=1):  # fmt: skip
        run(con, "INSERT INTO ssd_person (la_code, pers_person_id, pers_dob, pers_sex, pers_ethnicity) "
                 "VALUES (?, ?, DATE '2015-06-01', 'F', 'WBRI')", [la_code, child])  # fmt: skip
        run(con, "INSERT INTO ssd_cin_episodes (la_code, cine_referral_id, cine_person_id, cine_referral_date, "
                 "cine_referral_team, cine_referral_worker_id, cine_referral_source_desc) "
                 "VALUES (?, ?, ?, DATE '2024-03-10', ?, ?, ?)",
            [la_code, f"R{number}", child, team, worker, source])  # fmt: skip
    con.close()
    return path
