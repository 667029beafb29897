"""The store on both engines: created only in a new file or an empty database, refused when it is not
what this cscperf expects (with the fix), upgraded all or nothing, carried between engines, and a failed
command never leaves a new empty store behind."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.errors import DataProblem
from cscperf.store import migrations
from cscperf.store.connection import connect, store_label
from cscperf.store.database import existing_tables, open_store, read_info
from cscperf.store.migrations import Step, upgrade
from cscperf.store.schema import load_schema
from cscperf.store.statements import run, scalar

from .postgres_server import PostgresServer

runner = CliRunner()
VERSION = load_schema().version


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "Traceback" not in output
    return result.exit_code, output


@pytest.fixture(params=["duckdb", "postgresql"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new store can go, on each engine: a new DuckDB file, an empty PostgreSQL database."""
    if request.param == "duckdb":
        yield str(tmp_path / "store.duckdb")
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        yield server.database()


def tables_in(db: str) -> set[str]:
    con = connect(db)
    try:
        return existing_tables(con)
    finally:
        con.close()


def test_a_store_is_created_once_and_opening_it_again_changes_nothing(new_store: str) -> None:
    con = open_store(new_store)
    assert con.created
    run(con, "INSERT INTO cscperf_councils (la_code, la_name) VALUES ('999', 'Test')")
    info = sorted(con.execute("SELECT info_key, info_value FROM cscperf_schema_info").fetchall())
    days = scalar(con, "SELECT count(*) FROM cscperf_calendar")
    con.close()
    again = open_store(new_store)
    assert not again.created
    assert sorted(again.execute("SELECT info_key, info_value FROM cscperf_schema_info").fetchall()) == info
    assert scalar(again, "SELECT count(*) FROM cscperf_calendar") == days
    assert isinstance(days, int) and days > 70_000  # 1900 to 2100
    assert again.execute("SELECT la_name FROM cscperf_councils").fetchall() == [("Test",)]
    again.close()


def test_the_tables_are_the_schemas_on_each_engine(new_store: str) -> None:
    con = open_store(new_store)
    engine = con.engine
    con.close()
    assert tables_in(new_store) == {t.name for t in load_schema().tables_for(engine)}
    assert ("cscperf_access" in tables_in(new_store)) == (engine == "postgresql")


def _foreign(db: str) -> None:
    con = connect(db)
    run(con, "CREATE TABLE ssd_person (pers_person_id VARCHAR, something_else INTEGER)")
    run(con, "INSERT INTO ssd_person VALUES ('P1', 1)")
    con.close()


def test_a_foreign_database_is_refused_untouched_even_with_an_ssd_person_table(new_store: str) -> None:
    _foreign(new_store)
    with pytest.raises(DataProblem, match=r"not a cscperf store .*ssd_person.*changed nothing"):
        open_store(new_store)
    assert tables_in(new_store) == {"ssd_person"}  # nothing added
    con = connect(new_store)
    assert con.execute("SELECT * FROM ssd_person").fetchall() == [("P1", 1)]
    con.close()


def test_loading_into_a_foreign_database_is_refused_untouched(new_store: str, tmp_path: Path) -> None:
    _foreign(new_store)
    extract = tmp_path / "ssd_person.csv"
    extract.write_text("pers_person_id,pers_sex\nP2,F\n", encoding="utf-8")
    code, out = invoke("load", str(extract), "--db", new_store, "--la", "874")
    assert code == 1 and "not a cscperf store" in out
    assert tables_in(new_store) == {"ssd_person"}


def test_a_failed_load_leaves_no_new_store_behind(new_store: str, tmp_path: Path) -> None:
    empty = tmp_path / "census.xml"
    empty.write_text("", encoding="utf-8")
    code, out = invoke("load", str(empty), "--db", new_store)
    assert code == 1, out
    if new_store.endswith(".duckdb"):
        assert not Path(new_store).exists()
    else:
        assert tables_in(new_store) == set()  # the empty database it was


def test_a_failed_load_into_an_existing_store_keeps_the_store(new_store: str, tmp_path: Path) -> None:
    open_store(new_store).close()
    empty = tmp_path / "census.xml"
    empty.write_text("", encoding="utf-8")
    code, _ = invoke("load", str(empty), "--db", new_store)
    assert code == 1
    assert "cscperf_schema_info" in tables_in(new_store)


def _set_version(db: str, value: str) -> None:
    con = connect(db)
    run(con, "UPDATE cscperf_schema_info SET info_value = ? WHERE info_key = 'schema_version'", [value])
    con.close()


def test_a_schema_version_that_is_not_a_number_is_refused_plainly(new_store: str) -> None:
    open_store(new_store).close()
    _set_version(new_store, "abc")
    with pytest.raises(DataProblem, match=r"schema version is 'abc'.*changed outside cscperf"):
        open_store(new_store, read_only=True)
    code, out = invoke("summary", "--db", new_store)
    assert code == 1 and "'abc'" in out


def test_a_store_of_a_newer_schema_is_refused(new_store: str) -> None:
    open_store(new_store).close()
    _set_version(new_store, str(VERSION + 1))
    with pytest.raises(DataProblem, match="newer cscperf"):
        open_store(new_store)
    code, out = invoke("db", "upgrade", "--db", new_store)
    assert code == 1 and "newer" in out


OUTCOME = '{"NEW_REFERRAL_FLAG": "Y"}'


def _make_older(db: str) -> None:
    """What a store of the previous schema version looked like: no jsonb copy of the contacts' outcome in
    a PostgreSQL store (version 8 added it), no access list (it came with version 3), and, to exercise the
    rebuild, cscperf_councils without a column added since. It holds a council and a contact."""
    con = connect(db)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name, region, data_source, synth_seed, synth_profile) "
             "VALUES ('874', 'Peterborough', 'East of England', 'synthetic', 7, 'default')")  # fmt: skip
    run(con, "INSERT INTO ssd_contacts (la_code, cont_contact_id, cont_person_id, cont_contact_date, "
             "cont_contact_outcome_json) VALUES ('874', 'K1', 'P1', DATE '2024-03-01', ?)", [OUTCOME])  # fmt: skip
    if con.engine == "postgresql":
        con.execute_as_written("ALTER TABLE ssd_contacts DROP COLUMN cont_contact_outcome_jsonb").fetchall()
        con.execute_as_written("DROP TABLE cscperf_access CASCADE").fetchall()  # with its policies
    run(con, "ALTER TABLE cscperf_councils DROP COLUMN synth_profile")
    run(con, "UPDATE cscperf_schema_info SET info_value = ? WHERE info_key = 'schema_version'", [str(VERSION - 1)])
    con.close()


def test_an_older_store_is_refused_with_the_upgrade_command_then_upgraded_in_place(new_store: str) -> None:
    open_store(new_store).close()
    _make_older(new_store)
    with pytest.raises(DataProblem, match=r"cscperf db upgrade --db"):
        open_store(new_store, read_only=True)
    code, out = invoke("db", "upgrade", "--db", new_store)
    assert code == 0, out
    assert f"from schema version {VERSION - 1} to {VERSION}" in out
    assert "cscperf_councils" in out
    con = open_store(new_store, read_only=True)  # usable again
    assert con.execute("SELECT la_code, la_name, synth_seed, synth_profile FROM cscperf_councils").fetchall() == [
        ("874", "Peterborough", 7, None)  # rows kept; the new column empty
    ]
    assert read_info(con).facts["upgraded_by"].startswith("cscperf ")
    assert con.execute("SELECT json_extract_string(cont_contact_outcome_json, '$.NEW_REFERRAL_FLAG'), "
                       "cont_contact_outcome_json FROM ssd_contacts").fetchall() == [("Y", OUTCOME)]  # fmt: skip
    if con.engine == "postgresql":  # the copy is added, filled from the rows there, and read
        assert "ssd_contacts" in out
        copy = con.execute_as_written("SELECT cont_contact_outcome_jsonb ->> 'NEW_REFERRAL_FLAG' FROM ssd_contacts")
        assert copy.fetchall() == [("Y",)]
    else:
        assert "ssd_contacts" not in out  # nothing to do in a DuckDB store but record the version
    con.close()
    code, out = invoke("db", "upgrade", "--db", new_store)
    assert code == 0 and "nothing was changed" in out


def test_a_postgresql_store_without_its_jsonb_copy_is_refused_as_changed_outside_cscperf(pg_url: str) -> None:
    open_store(pg_url).close()
    con = connect(pg_url)
    con.execute_as_written("ALTER TABLE ssd_contacts DROP COLUMN cont_contact_outcome_jsonb").fetchall()
    con.close()
    with pytest.raises(DataProblem, match=r"ssd_contacts in this store does not have the columns"):
        open_store(pg_url, read_only=True)


def test_an_upgrade_that_fails_part_way_leaves_the_store_as_it_was(
    new_store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(new_store).close()
    _make_older(new_store)
    before = tables_in(new_store)

    def half_done(con: object) -> None:
        run(con, "CREATE TABLE cscperf_half_done (x INTEGER)")  # type: ignore[arg-type]
        run(con, "DELETE FROM cscperf_councils")  # type: ignore[arg-type]
        raise DataProblem("step failed")

    monkeypatch.setitem(migrations.STEPS, VERSION - 1, Step(VERSION - 1, "a step that fails", half_done))
    con = connect(new_store)
    with pytest.raises(DataProblem, match="step failed"):
        upgrade(con)
    con.close()
    assert tables_in(new_store) == before
    con = connect(new_store)
    assert read_info(con).schema_version == VERSION - 1
    assert scalar(con, "SELECT count(*) FROM cscperf_councils") == 1
    con.close()


def test_an_upgrade_refuses_a_column_it_has_no_step_for(new_store: str) -> None:
    open_store(new_store).close()
    con = connect(new_store)
    run(con, "ALTER TABLE cscperf_councils ADD COLUMN local_note VARCHAR")
    run(con, "UPDATE cscperf_schema_info SET info_value = ? WHERE info_key = 'schema_version'", [str(VERSION - 1)])
    with pytest.raises(DataProblem, match=r"local_note.*no upgrade step"):
        upgrade(con)
    assert read_info(con).schema_version == VERSION - 1
    con.close()


def test_the_duckdb_version_is_recorded_and_another_major_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    con = open_store(path)
    assert read_info(con).facts["duckdb_version"] == duckdb.__version__
    major = int(duckdb.__version__.split(".")[0])
    run(con, "UPDATE cscperf_schema_info SET info_value = ? WHERE info_key = 'duckdb_version'", [f"{major - 1}.4.2"])
    con.close()
    with pytest.raises(DataProblem, match=rf"made with DuckDB {major - 1}\.4\.2.*cscperf db export.*cscperf db import"):
        open_store(path, read_only=True)


def test_export_from_duckdb_and_import_into_postgresql_and_back(tmp_path: Path, postgres: PostgresServer) -> None:
    source = tmp_path / "laptop.duckdb"
    con = open_store(source)
    run(
        con,
        "INSERT INTO cscperf_councils (la_code, la_name, data_start_date) VALUES ('874', 'P''boro', DATE '2020-04-01')",
    )
    run(
        con,
        "INSERT INTO ssd_person (la_code, pers_person_id, pers_dob, pers_sex) "
        "VALUES ('874', 'C1', DATE '2015-02-28', 'F')",
    )
    run(con, "INSERT INTO ssd_contacts (la_code, cont_contact_id, cont_person_id, cont_contact_outcome_json) "
             """VALUES ('874', 'K1', 'C1', '{"NEW_REFERRAL_FLAG":"Y"}')""")  # fmt: skip
    con.close()
    code, out = invoke("db", "export", str(tmp_path / "out"), "--db", str(source))
    assert code == 0 and "child-level data" in out
    server = postgres.database()
    code, out = invoke("db", "import", str(tmp_path / "out"), "--db", server)
    assert code == 0, out
    con = open_store(server, read_only=True)
    assert con.execute("SELECT la_name, data_start_date FROM cscperf_councils").fetchall() == [
        ("P'boro", dt.date(2020, 4, 1))
    ]
    assert con.execute("SELECT cont_contact_outcome_json FROM ssd_contacts").fetchall() == [
        ('{"NEW_REFERRAL_FLAG":"Y"}',)
    ]
    assert "imported_from" in read_info(con).facts
    con.close()
    code, _ = invoke("db", "export", str(tmp_path / "back"), "--db", server)
    assert code == 0
    code, _ = invoke("db", "import", str(tmp_path / "back"), "--db", str(tmp_path / "again.duckdb"))
    assert code == 0
    con = open_store(tmp_path / "again.duckdb", read_only=True)
    assert con.execute("SELECT pers_person_id, pers_dob FROM ssd_person").fetchall() == [("C1", dt.date(2015, 2, 28))]
    con.close()
    code, out = invoke("db", "import", str(tmp_path / "back"), "--db", server)  # not into a store holding data
    assert code == 2 and "already holds data" in out


def test_an_export_made_before_the_jsonb_copy_imports_into_postgresql_and_exports_as_written(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    """An export of schema version 7 (before the contacts' outcome had a jsonb copy) goes into a PostgreSQL store,
    which fills the copy; exported again, every outcome is the text as written, however jsonb would write it."""
    source = tmp_path / "laptop.duckdb"
    con = open_store(source)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name) VALUES ('874', 'Peterborough')")
    outcomes = ['{"NEW_REFERRAL_FLAG":"Y" ,"NFA_FLAG": "N"}', '{"B": 1.50, "A": "x"}', '{"A": "x\\u0000"}', None]
    for number, outcome in enumerate(outcomes):
        run(con, "INSERT INTO ssd_contacts (la_code, cont_contact_id, cont_contact_outcome_json) VALUES ('874', ?, ?)",
            [f"K{number}", outcome])  # fmt: skip
    con.close()
    assert invoke("db", "export", str(tmp_path / "out"), "--db", str(source))[0] == 0
    manifest = tmp_path / "out" / "cscperf-export.json"
    written = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**written, "schema_version": 7}), encoding="utf-8")
    server = postgres.database()
    code, out = invoke("db", "import", str(tmp_path / "out"), "--db", server)
    assert code == 0, out
    con = open_store(server, read_only=True)
    copies = con.execute_as_written("SELECT cont_contact_id, cont_contact_outcome_jsonb ->> 'NEW_REFERRAL_FLAG' "
                                    "FROM ssd_contacts ORDER BY 1").fetchall()  # fmt: skip
    assert copies == [("K0", "Y"), ("K1", None), ("K2", None), ("K3", None)]  # a copy only of a record of flags
    con.close()
    assert invoke("db", "export", str(tmp_path / "back"), "--db", server)[0] == 0
    back = pq.read_table(tmp_path / "back" / "ssd_contacts.parquet").sort_by("cont_contact_id")
    assert back.column_names == [c.name for c in load_schema().table("ssd_contacts").all_columns]
    assert back.column("cont_contact_outcome_json").to_pylist() == outcomes


def test_opening_an_empty_database_to_read_creates_nothing(pg_url: str) -> None:
    with pytest.raises(DataProblem, match="empty"):
        open_store(pg_url, read_only=True)
    assert tables_in(pg_url) == set()


def test_a_password_in_the_url_is_never_shown() -> None:
    url = "postgresql://analyst:s3cret@db.council.gov.uk:5432/cscperf?sslmode=require&password=other"
    shown = store_label(url)
    assert "s3cret" not in shown and "other" not in shown
    assert shown.startswith("postgresql://analyst@db.council.gov.uk:5432/cscperf")


def test_a_server_that_cannot_be_reached_is_a_plain_message(postgres: PostgresServer) -> None:
    url = f"postgresql://nobody:pw@127.0.0.1:{postgres.port + 1}/none?connect_timeout=2"
    code, out = invoke("summary", "--db", url)
    assert code == 1 and "could not be reached" in out and "pw" not in out


def test_db_init_and_status(new_store: str) -> None:
    code, out = invoke("db", "init", "--db", new_store)
    assert code == 0 and f"Created a cscperf store (schema version {VERSION})" in out
    code, out = invoke("db", "init", "--db", new_store)
    assert code == 0 and "nothing was changed" in out
    code, out = invoke("db", "status", "--db", new_store)
    assert code == 0 and "Usable by this cscperf" in out and "yes" in out


@pytest.mark.parametrize(
    "command",
    [["db"], ["db", "init"], ["db", "upgrade"], ["db", "status"], ["db", "export"], ["db", "import"], ["db", "roles"],
     ["db", "roles", "council"], ["db", "roles", "region"], ["db", "roles", "list"], ["db", "roles", "revoke"]],
)  # fmt: skip
def test_every_db_command_has_help(command: list[str]) -> None:
    code, out = invoke(*command, "--help")
    assert code == 0 and "Usage" in out


def test_roles_on_a_duckdb_file_are_refused_without_making_a_store(tmp_path: Path) -> None:
    code, out = invoke("db", "roles", "list", "--db", str(tmp_path / "s.duckdb"))
    assert code == 2 and "PostgreSQL" in out
    assert not (tmp_path / "s.duckdb").exists()


def test_an_export_is_whole_or_not_there(tmp_path: Path) -> None:
    source = tmp_path / "s.duckdb"
    open_store(source).close()
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    code, out = invoke("db", "export", str(tmp_path / "full"), "--db", str(source))
    assert code == 2 and "new or empty folder" in out
    code, out = invoke("db", "export", str(tmp_path / "out"), "--db", str(source))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "out", "s.duckdb"]  # no partial folder left


ADDED_FOR_THE_LISTS = ("cscperf_visit_missed", "cscperf_cp_oversight")  # schema version 4


def test_a_store_from_before_the_managers_lists_is_upgraded_in_place_and_its_records_kept(new_store: str) -> None:
    """A store as schema version 3 made it: without the lists' oversight tables (and, on PostgreSQL, without
    the access list and the lookup indexes of version 5), holding a council and a child on a plan."""
    open_store(new_store).close()
    con = connect(new_store)
    run(con, "INSERT INTO cscperf_councils (la_code, la_name, data_start_date, data_end_date) "
             "VALUES ('874', 'Peterborough', '2020-04-01', '2024-10-31')")  # fmt: skip
    run(con, "INSERT INTO ssd_cp_plans (la_code, cppl_cp_plan_id, cppl_person_id, cppl_cp_plan_start_date) "
             "VALUES ('874', 'CP1', 'P1', '2024-01-01')")  # fmt: skip
    for table in ADDED_FOR_THE_LISTS:
        run(con, f"DROP TABLE {table}")
    if con.engine == "postgresql":
        con.execute_as_written("DROP TABLE cscperf_access CASCADE").fetchall()
        con.execute_as_written("DROP INDEX ssd_cp_plans_cppl_person_id_idx").fetchall()
        con.execute_as_written("ALTER TABLE ssd_contacts DROP COLUMN cont_contact_outcome_jsonb").fetchall()
    run(con, "UPDATE cscperf_schema_info SET info_value = '3' WHERE info_key = 'schema_version'")
    con.close()
    code, out = invoke("lists", "--db", new_store, "--as-at", "2024-10-31")
    assert code != 0 and "schema version 3" in out and "cscperf db upgrade" in out
    code, out = invoke("db", "upgrade", "--db", new_store)
    assert code == 0, out
    assert f"from schema version 3 to {VERSION}" in out and all(t in out for t in ADDED_FOR_THE_LISTS)
    assert set(ADDED_FOR_THE_LISTS) <= tables_in(new_store)
    code, out = invoke("lists", "--db", new_store, "--as-at", "2024-10-31", "--list", "cp_plan_9_months",
                       "--format", "json")  # fmt: skip
    assert code == 0, out
    assert [r["person_id"] for r in json.loads(out)["lists"][0]["rows"]] == ["P1"]  # 9 months on 1 Oct 2024
    if new_store.startswith("postgresql"):
        con = connect(new_store)
        indexes = con.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'ssd_cp_plans'").fetchall()
        con.close()
        assert ("ssd_cp_plans_cppl_person_id_idx",) in indexes


def test_a_store_too_old_to_upgrade_is_refused_untouched(new_store: str) -> None:
    open_store(new_store).close()
    con = connect(new_store)
    run(con, "UPDATE cscperf_schema_info SET info_value = '0' WHERE info_key = 'schema_version'")
    con.close()
    before = tables_in(new_store)
    code, out = invoke("db", "upgrade", "--db", new_store)
    assert code != 0 and "too old" in out and "Make a new store" in out
    assert tables_in(new_store) == before
    con = connect(new_store)
    assert read_info(con).schema_version == 0
    con.close()


def _sorts(con: object) -> str:
    return str(con.execute_as_written("SHOW enable_sort").fetchone()[0])  # type: ignore[attr-defined]


def test_sorts_are_off_only_while_indicators_run_and_the_session_setting_comes_back(pg_url: str) -> None:
    # enable_sort=off was measured on indicator queries only, so loads, lists and the rest plan as PostgreSQL
    # chooses; a run inside another (a report computing indicators) keeps sorts off until the outer one ends.
    with connect(pg_url) as con:
        assert _sorts(con) == "on"
        with con.indicator_planning():
            assert _sorts(con) == "off"
            with con.indicator_planning():
                assert _sorts(con) == "off"
            assert _sorts(con) == "off"
        assert _sorts(con) == "on"
        with pytest.raises(ZeroDivisionError), con.indicator_planning():
            1 / 0  # noqa: B018
        assert _sorts(con) == "on"
    # a DBA's own choice in the URL's options is the session's setting, and comes back after a run
    with connect(pg_url + "?options=-c%20enable_sort%3Doff") as con:
        with con.indicator_planning():
            assert _sorts(con) == "off"
        assert _sorts(con) == "off"


def test_the_indicator_engine_runs_its_queries_with_sorts_off(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from cscperf.indicators import engine
    from cscperf.indicators.series import series_periods
    from cscperf.store.database import writing_store

    with writing_store(pg_url) as con:
        seen: list[str] = []
        real = engine._result

        def noted(*args: object, **kwargs: object) -> object:
            seen.append(_sorts(con))
            return real(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(engine, "_result", noted)
        engine.compute(con, series_periods(dt.date(2024, 3, 31), 2), ids=["sw_average_caseload"])
        assert seen == ["off"] and _sorts(con) == "on"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://frank:Fr?nkQZ@127.0.0.1:56101/cscperf", "postgresql://frank@127.0.0.1:56101/cscperf"),
        ("postgresql://o:S3cr/tXY@h:5/db", "postgresql://o@h:5/db"),
        ("postgresql://o:S3cr#tXY@h/db", "postgresql://o@h/db"),
        ("postgresql://o:S3cr@tXY@127.0.0.1/db", "postgresql://o@127.0.0.1/db"),
        ("postgresql://u@h/db?sslmode=require&password=zz", "postgresql://u@h/db?sslmode=require&password=***"),
        ("postgres://h/db", "postgres://h/db"),
    ],
)
def test_a_urls_password_is_never_shown_whatever_it_holds(url: str, shown: str) -> None:
    """A password with "?", "/", "#" or "@" not percent-encoded had been printed whole (or in part): Python's
    URL parser split the URL at it, so the password was no longer between "://" and "@"."""
    from cscperf.store.connection import store_label, without_password

    assert store_label(url) == shown
    said = without_password("failed to resolve host 'tXY@127.0.0.1'", "postgresql://o:S3cr@tXY@127.0.0.1/db")
    assert "tXY" not in said and "S3cr" not in said


def test_a_duckdb_export_keeps_the_ledgers_rejected_records(tmp_path: Path) -> None:
    """The ledger's rejects of a DuckDB store were left out of `db export` (joined on an empty column), so after a
    move to a server, undoing one load lost the rejects of the others."""
    from cscperf.loading.session import load_files

    from .conftest import SHARED

    source = tmp_path / "o2.duckdb"
    con = open_store(source)
    try:
        load_files(con, [SHARED / "samples" / "ssda903" / "fake"], la_code="874")
        (held,) = con.execute("SELECT count(*) FROM cscperf_ledger.cscperf_staged_cscperf_load_rejects").fetchall()[0]
    finally:
        con.close()
    assert held > 0
    code, _ = invoke("db", "export", str(tmp_path / "out"), "--db", str(source))
    assert code == 0
    manifest = json.loads((tmp_path / "out" / "cscperf-export.json").read_text(encoding="utf-8"))
    assert json.dumps(manifest).count('"cscperf_ledger_load_rejects": 0') == 0
    assert f'"cscperf_ledger_load_rejects": {held}' in json.dumps(manifest)
