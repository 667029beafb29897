"""The store schema: one definition, SSD names, idempotent creation, version checks, generated docs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
import yaml

from cscperf.errors import DataProblem
from cscperf.store.database import check_schema, open_store
from cscperf.store.schema import COUNCIL_COLUMN, load_schema, schema_markdown
from cscperf.store.statements import run

from .conftest import SSD_SPEC

REQUIRED_SSD_TABLES = [
    "ssd_person",
    "ssd_contacts",
    "ssd_early_help_episodes",
    "ssd_cin_episodes",
    "ssd_cin_assessments",
    "ssd_s47_enquiry",
    "ssd_initial_cp_conference",
    "ssd_cp_plans",
    "ssd_cp_visits",
    "ssd_cp_reviews",
    "ssd_cin_plans",
    "ssd_cin_visits",
    "ssd_cla_episodes",
    "ssd_cla_placement",
    "ssd_legal_status",
    "ssd_cla_visits",
    "ssd_cla_reviews",
    "ssd_cla_health",
    "ssd_involvements",
    "ssd_professionals",
    "ssd_department",
    "ssd_care_leavers",
    "ssd_missing",
]
REQUIRED_EXTENSIONS = (
    "cscperf_pep",
    "cscperf_sw_posts",
    "cscperf_sw_assignments",
    "cscperf_population",
    "cscperf_loads",
    "cscperf_calendar",
    "cscperf_schema_info",
)
SSD_TYPE_FAMILY = {
    "nvarchar": {"VARCHAR", "JSON"},
    "nchar": {"VARCHAR"},
    "datetime": {"DATE"},
    "int": {"INTEGER"},
    "float": {"DOUBLE"},
    "binary": {"BLOB"},
    "bit": {"BOOLEAN"},
}


def _ssd_spec() -> dict[str, list[tuple[str, str]]]:
    if not SSD_SPEC.is_dir():
        pytest.skip(f"SSD specification files not found at {SSD_SPEC}")
    spec: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(SSD_SPEC.glob("ssd_*.yml")):
        for node in yaml.safe_load(path.read_text(encoding="utf-8"))["nodes"]:
            spec[node["name"]] = [(f["name"], str(f.get("type")).lower()) for f in node["fields"]]
    return spec


def test_required_tables_are_present() -> None:
    names = load_schema().table_names
    for table in (*REQUIRED_SSD_TABLES, *REQUIRED_EXTENSIONS):
        assert table in names


def test_every_ssd_table_matches_the_ssd_specification() -> None:
    spec = _ssd_spec()
    for table in load_schema().tables:
        if table.origin != "ssd":
            continue
        assert table.name in spec, f"{table.name} is not in the SSD specification"
        expected = spec[table.name]
        assert [c.name for c in table.columns] == [name for name, _ in expected], table.name
        for column, (_, ssd_type) in zip(table.columns, expected, strict=True):
            assert column.type in SSD_TYPE_FAMILY[ssd_type], f"{table.name}.{column.name}"


def test_columns_the_indicators_need_are_there() -> None:
    schema = load_schema()
    needed = {
        "ssd_cin_assessments": ["cina_assessment_start_date", "cina_assessment_auth_date"],
        "ssd_cla_episodes": [
            "clae_cla_episode_start_reason",
            "clae_cla_episode_ceased_reason",
            "clae_cla_id",
        ],
        "ssd_legal_status": ["lega_legal_status"],
        "ssd_cla_health": ["clah_health_check_type", "clah_health_check_date", "clah_health_check_status"],
        "ssd_professionals": ["prof_full_time_equivalency", "prof_agency_worker_flag"],
        "cscperf_sw_assignments": ["contract_type", "end_reason", "assignment_fte"],
        "cscperf_pep": ["pep_date"],
        "cscperf_population": ["mid_year", "population"],
    }
    for table, columns in needed.items():
        names = schema.table(table).column_names
        for column in columns:
            assert column in names, f"{table}.{column}"


def test_extension_tables_are_prefixed_and_per_council_tables_carry_the_council() -> None:
    for table in load_schema().tables:
        assert table.name.startswith("ssd_" if table.origin == "ssd" else "cscperf_")
        if table.per_council:
            assert table.column_names[0] == COUNCIL_COLUMN
            assert table.key[0] == COUNCIL_COLUMN


def test_creating_the_schema_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = open_store(path)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name) VALUES ('999', 'Test')")
    before = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL"
    ).fetchall()
    calendar_days = con.execute("SELECT count(*) FROM cscperf_calendar").fetchall()
    info = con.execute("SELECT * FROM cscperf_schema_info ORDER BY ALL").fetchall()
    con.close()
    con = open_store(path)
    assert (
        con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns ORDER BY ALL").fetchall()
        == before
    )
    assert con.execute("SELECT count(*) FROM cscperf_calendar").fetchall() == calendar_days
    assert con.execute("SELECT * FROM cscperf_schema_info ORDER BY ALL").fetchall() == info
    assert con.execute("SELECT la_name FROM cscperf_councils").fetchall() == [("Test",)]
    con.close()


def test_the_store_records_its_schema_version(tmp_path: Path) -> None:
    con = open_store(tmp_path / "s.duckdb")
    rows = dict(con.execute("SELECT info_key, info_value FROM cscperf_schema_info").fetchall())
    con.close()
    assert rows["schema_version"] == str(load_schema().version)
    assert rows["created_by"].startswith("cscperf ")


def test_a_store_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = open_store(path)
    run(con, "UPDATE cscperf_schema_info SET info_value = '999' WHERE info_key = 'schema_version'")
    con.close()
    with pytest.raises(DataProblem, match="schema version 999"):
        open_store(path)


def test_a_changed_table_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = open_store(path)
    run(con, "ALTER TABLE ssd_contacts DROP COLUMN cont_contact_source_desc")
    with pytest.raises(DataProblem, match="ssd_contacts"):
        check_schema(con)
    con.close()


def test_a_database_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    run(con, "CREATE TABLE something (x INTEGER)")
    con.close()
    with pytest.raises(DataProblem, match="not a cscperf store"):
        open_store(path, read_only=True)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("this is not a database\n" * 100)
    with pytest.raises(DataProblem, match="could not be opened"):
        open_store(path)


def test_the_calendar_table_counts_working_days_like_the_python_calendar(tmp_path: Path) -> None:
    con = open_store(tmp_path / "s.duckdb")
    # Thursday 18 Apr 2019 to Tuesday 23 Apr 2019: Good Friday and Easter Monday are bank holidays -> 1.
    days = con.execute(
        "SELECT b.working_day_number - a.working_day_number FROM cscperf_calendar a, cscperf_calendar b "
        "WHERE a.cal_date = DATE '2019-04-18' AND b.cal_date = DATE '2019-04-23'"
    ).fetchall()
    names = con.execute(
        "SELECT bank_holiday_name FROM cscperf_calendar WHERE cal_date IN "
        "(DATE '2022-06-03', DATE '2022-09-19', DATE '2023-05-08') ORDER BY cal_date"
    ).fetchall()
    con.close()
    assert days == [(1,)]
    assert all(n[0] for n in names) and len(names) == 3


def test_the_calendar_table_covers_1900_to_2100_as_the_python_calendar_does(tmp_path: Path) -> None:
    # The table is generated in SQL; every column agrees with calendar_columns day by day, and working days
    # between any two days agree with working_days_between (spot checks across the whole range).
    from cscperf.working_days import calendar_columns, working_days_between

    con = open_store(tmp_path / "s.duckdb")
    cursor = con.execute("SELECT * FROM cscperf_calendar ORDER BY cal_date")
    names = [d[0] for d in cursor.description]
    table = cursor.fetchall()
    con.close()
    python = calendar_columns()
    assert len(table) == len(python["cal_date"]) == 201 * 365 + 49  # 1900-2100, 49 leap years
    for name in names:
        if name != "working_day_number":
            assert [r[names.index(name)] for r in table] == python[name], name
    number = {r[0]: r[names.index("working_day_number")] for r in table}
    pairs = [("1900-01-01", "2100-12-31"), ("1970-01-05", "1970-03-09"), ("2022-05-20", "2022-07-26"),
             ("2099-12-01", "2098-01-01")]  # fmt: skip
    for a, b in ((dt.date.fromisoformat(x), dt.date.fromisoformat(y)) for x, y in pairs):
        assert number[b] - number[a] == working_days_between(a, b)


def test_the_documentation_is_generated_from_the_schema() -> None:
    doc = Path(__file__).resolve().parents[1] / "docs" / "schema.md"
    assert doc.read_text(encoding="utf-8") == schema_markdown(load_schema()), (
        "docs/schema.md is out of date: run `cscperf schema --markdown > docs/schema.md`"
    )
