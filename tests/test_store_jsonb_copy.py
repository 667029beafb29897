"""The jsonb copy of the contacts' outcome that a PostgreSQL store keeps beside the text (schema.yml's
`jsonb_copy`), the dialect's rule that reads it (json_read_from_jsonb_copy), and the outcomes a load refuses
because one engine or the other would read them differently or not at all. Expected values are worked out by
hand beside each record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cscperf.indicators.engine import compute
from cscperf.indicators.series import series_periods
from cscperf.loading.session import load_files
from cscperf.store.connection import Connection
from cscperf.store.database import open_store
from cscperf.store.dialect import to_postgres
from cscperf.store.statements import run

COPY = "cont_contact_outcome_jsonb"

# (outcome as stored, whether PostgreSQL keeps a jsonb copy): only of an object of strings, true, false and null
# without a \u escape; for anything else the copy is empty and the text is read.
STORED = [
    ('{"F": "Y"}', True),
    ('{"F":"Y",  "G" : {"H": "deep"}}', False),  # an object in the object
    ('{"F": "N", "F": "Y"}', True),  # a key twice: PostgreSQL reads the last, text or copy
    ('{"F": "caf\\u00e9"}', False),  # a \u escape
    ('{"F": "\\\\u0000"}', True),  # a backslash, then u0000: not an escape
    ('{"F": 1.50, "G": [1, 2]}', False),  # a number and an array: jsonb writes them its own way
    ('{"F": 1e99999}', False),  # beyond jsonb's numbers: json takes it
    ('{"F": true, "G": null}', True),
    ('{"F": "Y", "G": "a\\"b}{[1, \\t"}', True),  # brackets, digits and escapes inside a string
    ('{ "F" :"Y" ,"G":"\\\\"}', True),  # spaced as a person might; an escaped backslash at the end
    ('{"F": "Y", "G": "\\u0059"}', False),  # a \u escape
    ("{}", True),
    ('{"F": "' + "x" * 5000 + '"}', True),
    ("[1, 2]", False),
    ('"text"', False),
    ("null", False),
]


def _contacts(con: Connection, outcomes: list[str | None]) -> None:
    for number, outcome in enumerate(outcomes):
        run(con, "INSERT INTO ssd_contacts (la_code, cont_contact_id, cont_person_id, cont_contact_date, "
                 "cont_contact_outcome_json) VALUES ('874', ?, 'P1', DATE '2024-03-10', ?)",
            [f"K{number:02}", outcome])  # fmt: skip


def test_the_copy_is_kept_where_jsonb_can_hold_the_text_and_reads_as_the_text_does(pg_url: str) -> None:
    con = open_store(pg_url)
    _contacts(con, [text for text, _ in STORED] + [None])
    kept = con.execute_as_written(f"SELECT {COPY} IS NOT NULL FROM ssd_contacts ORDER BY cont_contact_id").fetchall()
    assert [k for (k,) in kept] == [held for _, held in STORED] + [False]
    for path, keys in [("$.F", "'F'"), ("$.G", "'G'"), ("$.G.H", "'G', 'H'"), ("$.missing", "'missing'")]:
        sql = f"SELECT json_extract_string(c.cont_contact_outcome_json, '{path}') FROM ssd_contacts c ORDER BY 1"
        assert COPY in to_postgres(sql).main
        read = con.execute(sql.replace("ORDER BY 1", "ORDER BY c.cont_contact_id")).fetchall()
        plain = con.execute_as_written(f"SELECT json_extract_path_text(cont_contact_outcome_json, {keys}) "
                                       "FROM ssd_contacts ORDER BY cont_contact_id").fetchall()  # fmt: skip
        assert read == plain, path  # the text of every field, as json gives it: strings, numbers, objects
    rows = con.execute("SELECT json_extract_string(cont_contact_outcome_json, '$.F') FROM ssd_contacts "
                       "ORDER BY cont_contact_id").fetchall()  # fmt: skip
    assert [r for (r,) in rows][:9] == ["Y", "Y", "Y", "café", "\\u0000", "1.50", "1e99999", "true", "Y"]
    con.close()


def test_the_copy_is_read_only_straight_from_its_table() -> None:
    straight = to_postgres("SELECT json_extract_string(cont_contact_outcome_json, '$.a') FROM ssd_contacts")
    assert COPY in straight.main
    through_a_cte = to_postgres(
        "WITH x AS (SELECT cont_contact_outcome_json AS cont_contact_outcome_json FROM ssd_contacts) "
        "SELECT json_extract_string(x.cont_contact_outcome_json, '$.a') FROM x"
    )
    assert COPY not in through_a_cte.main
    other_json = to_postgres("SELECT json_extract_string(c.cine_referral_outcome_json, '$.a') FROM ssd_cin_episodes c")
    assert "jsonb" not in other_json.main.lower()
    indexed = to_postgres("SELECT json_extract_string(c.cont_contact_outcome_json, '$.a[0]') FROM ssd_contacts c")
    assert COPY not in indexed.main


def test_the_copy_is_no_column_of_the_table_for_anything_else(pg_url: str, tmp_path: Path) -> None:
    """Exports, checks and loads list the table's columns from the schema and the catalogue; the copy is in
    neither, and an export gives back the text exactly as it was written."""
    con = open_store(pg_url)
    written = '{"NEW_REFERRAL_FLAG":"Y" , "B": 1.50}'
    _contacts(con, [written])
    con.close()
    from typer.testing import CliRunner

    from cscperf.cli import app

    result = CliRunner().invoke(app, ["db", "export", str(tmp_path / "out"), "--db", pg_url])
    assert result.exit_code == 0, result.output
    import pyarrow.parquet as pq

    contacts = pq.read_table(tmp_path / "out" / "ssd_contacts.parquet")
    assert COPY not in contacts.column_names
    assert contacts.column("cont_contact_outcome_json").to_pylist() == [written]


# A load: each outcome, what becomes of it, and whether contact_conversion counts it (numerator, denominator).
OUTCOMES = [
    ('{"NEW_REFERRAL_FLAG": "Y"}', "loaded", (1, 1)),
    ('{"NEW_REFERRAL_FLAG": "N", "NEW_REFERRAL_FLAG": "Y"}', "loaded", (1, 1)),  # kept once, the last: Y
    ('{"NEW_REFERRAL_FLAG": "Y", "NOTE": "x\\u0000"}', "NUL character", None),  # PostgreSQL cannot read it
    ('{"NEW_REFERRAL_FLAG": "\\ud800"}', "surrogate pair", None),  # half a character
    ('{"NEW_REFERRAL_FLAG": "Y", "SCORE": NaN}', "NaN or Infinity", None),  # not JSON
    ('{"NEW_REFERRAL_FLAG": "Y", "SCORE": 1e400}', "NaN or Infinity", None),  # beyond a double
    ('{"NEW_REFERRAL_FLAG": "Y", "NOTE": "caf\\u00e9"}', "loaded", (1, 1)),  # copy empty on PostgreSQL: text read
    ('{"NFA_FLAG": "Y", "CASE": 123456}', "loaded", (0, 1)),  # copy empty (a number): text read
    ('{"EXISTING_REFERRAL_FLAG": "Y", "NEW_REFERRAL_FLAG": "Y"}', "loaded", (0, 0)),  # case open: left out
    ('{"EXISTING_REFERRAL_FLAG": "N", "EXISTING_REFERRAL_FLAG": "Y"}', "loaded", (0, 0)),  # the last: Y, left out
    ('{"NEW_REFERRAL_FLAG": {"NESTED": "Y"}}', "loaded", (0, 1)),  # an object is not 'Y'
    ('{"NEW_REFERRAL_FLAG": "y"}', "loaded", (0, 1)),  # 'y' is not 'Y'
]


@pytest.fixture(params=["duckdb", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return str(tmp_path / "store.duckdb") if request.param == "duckdb" else request.getfixturevalue("pg_url")


def test_a_load_refuses_outcomes_an_engine_cannot_read_and_both_give_the_same_figure(
    store: str, tmp_path: Path
) -> None:
    path = tmp_path / "ssd_contacts.csv"
    lines = ["cont_contact_id,cont_person_id,cont_contact_date,cont_contact_outcome_json"]
    for number, (outcome, _, _) in enumerate(OUTCOMES):
        lines.append(f'K{number:02},P{number},2024-03-{1 + number:02},"{outcome.replace(chr(34), chr(34) * 2)}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    con = open_store(store)
    [file] = load_files(con, [path], la_code="874").files
    refused = [(o, why) for o, why, counted in OUTCOMES if counted is None]
    assert (file.read, file.rejected) == (12, 4)
    reasons = con.execute(
        "SELECT message FROM cscperf_load_rejects WHERE severity = 'fatal' ORDER BY reject_number"
    ).fetchall()
    assert [why in str(r) for (r,), (_, why) in zip(reasons, refused, strict=True)] == [True] * 4
    stored = con.execute("SELECT cont_contact_outcome_json FROM ssd_contacts ORDER BY cont_contact_id").fetchall()
    assert [s for (s,) in stored] == [json.dumps(json.loads(o)) for o, _, counted in OUTCOMES if counted]
    [result] = compute(con, series_periods(dt.date(2024, 3, 31), 1), ids=["contact_conversion"], la_codes=["874"])
    point = result.points[-1]
    # numerator: the 3 Y referrals loaded (K00, K01, K06); denominator: those and K07, K10, K11 = 6; 50.0%
    assert (point.numerator, point.denominator, point.value) == (3, 6, 50.0)
    assert sum(c[0] for _, _, c in OUTCOMES if c) == 3 and sum(c[1] for _, _, c in OUTCOMES if c) == 6
    con.close()
