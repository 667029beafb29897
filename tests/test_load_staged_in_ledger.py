"""Issue 19: a load command into a DuckDB store writes the rows it reads once, straight into the ledger's
tables, its scratch tables being views of them (`Staging(into_ledger=True)`), rather than staging them and
then copying them into the ledger. The ledger still holds each file's rows as read (a record the merge
rejects, or the SSDA903 stitching changes, included), and a command that fails leaves the ledger as it was."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from cscperf.errors import DataProblem
from cscperf.loading import pipeline, staging
from cscperf.loading.merge import check_views
from cscperf.loading.session import load_files
from cscperf.loading.staging import Staging, arrow_schema, ledger_table, staging_name
from cscperf.loading.unload import unload
from cscperf.store.database import open_store
from cscperf.store.schema import load_schema

from .test_load_cin_census import child_xml, message
from .test_load_staging_gathered import everything
from .test_unload import LA, _903, _census, _id_of, _records, _store_with


def people(load_id: str, *ids: str) -> pa.Table:
    """Staged ssd_person rows of a load, one per id."""
    schema = arrow_schema(load_schema().table("ssd_person"))
    n = len(ids)
    columns = {f.name: pa.nulls(n, f.type) for f in schema}
    columns["pers_person_id"] = pa.array(ids, pa.string())
    columns["_load_id"] = pa.array([load_id] * n, pa.string())
    columns["_row_seq"] = pa.array(range(1, n + 1), pa.int64())
    return pa.table(columns, schema=schema)


def ids(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    return sorted(con.execute(f"SELECT _load_id, pers_person_id FROM {table}").fetchall())


def test_the_scratch_table_is_a_view_of_this_commands_rows_in_the_ledger(tmp_path: Path) -> None:
    con = open_store(tmp_path / "store.duckdb")
    raw: duckdb.DuckDBPyConnection = con.raw  # type: ignore[attr-defined]
    earlier = Staging(con, into_ledger=True)
    earlier.append("ssd_person", people("L0", "A"))  # an earlier command's row, kept in the ledger
    earlier.close()
    assert ids(raw, ledger_table("ssd_person")) == [("L0", "A")]

    command = Staging(con, into_ledger=True)
    command.append("ssd_person", people("L1", "B", "C"))
    command.append("ssd_person", people("L2", "D"))
    # Written once, into the ledger; the scratch table shows this command's rows only.
    assert ids(raw, ledger_table("ssd_person")) == [("L0", "A"), ("L1", "B"), ("L1", "C"), ("L2", "D")]
    assert ids(raw, staging_name("ssd_person")) == [("L1", "B"), ("L1", "C"), ("L2", "D")]
    assert command.in_ledger == {"ssd_person"}
    # Made a table of its own before the merge changes it: the ledger keeps the rows as read.
    command.writable("ssd_person")
    raw.execute(f"DELETE FROM {staging_name('ssd_person')} WHERE pers_person_id = 'C'")
    assert ids(raw, staging_name("ssd_person")) == [("L1", "B"), ("L2", "D")]
    assert ids(raw, ledger_table("ssd_person")) == [("L0", "A"), ("L1", "B"), ("L1", "C"), ("L2", "D")]
    # A command that fails takes its own rows out of the ledger again, and only those.
    command.forget_in_ledger()
    command.close()
    assert ids(raw, ledger_table("ssd_person")) == [("L0", "A")]
    con.close()


def test_a_failed_command_drops_the_ledger_tables_it_made(tmp_path: Path) -> None:
    con = open_store(tmp_path / "store.duckdb")
    command = Staging(con, into_ledger=True)
    command.append("ssd_person", people("L1", "B"))
    assert con.table_exists(ledger_table("ssd_person"))
    command.forget_in_ledger()
    command.close()
    assert not con.table_exists(ledger_table("ssd_person"))
    con.close()


def test_the_rejects_and_a_staging_without_the_ledger_are_tables_of_their_own(tmp_path: Path) -> None:
    con = open_store(tmp_path / "store.duckdb")
    plain = Staging(con)  # as `cscperf unload` stages the loads it replays
    plain.append("ssd_person", people("L1", "B"))
    assert plain.in_ledger == set() and not con.table_exists(ledger_table("ssd_person"))
    assert con.table_exists(staging_name("ssd_person"))
    plain.close()
    command = Staging(con, into_ledger=True)
    command.append("cscperf_load_rejects", [{"load_id": "L1", "reject_number": 1, "rule": "r", "severity": "error"}])
    assert command.in_ledger == set() and con.table_exists(staging_name("cscperf_load_rejects"))
    command.close()
    con.close()


@pytest.mark.parametrize("row_group", [1, staging.ROW_GROUP_ROWS])
def test_a_load_that_fails_while_reading_leaves_the_store_and_ledger_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, row_group: int
) -> None:
    monkeypatch.setattr(staging, "ROW_GROUP_ROWS", row_group)  # 1: every chunk reaches the ledger as read
    con = open_store(tmp_path / "store.duckdb")
    good = tmp_path / "good.xml"
    good.write_text(message(child_xml("C1")), encoding="utf-8")
    load_files(con, [good])
    before = everything(con.raw)  # type: ignore[attr-defined]
    other = tmp_path / "other.xml"
    other.write_text(message(child_xml("C9", extra_identifiers="<UPN>A123456789012</UPN>"), year=2025), "utf-8")
    text = message(child_xml("C2") + child_xml("C3"))
    truncated = tmp_path / "truncated.xml"
    truncated.write_text(text[: text.index("C3") + 10], encoding="utf-8")
    with pytest.raises(DataProblem):
        load_files(con, [other, truncated])
    assert everything(con.raw) == before  # type: ignore[attr-defined]
    con.close()


def test_a_load_that_fails_while_merging_leaves_the_store_and_ledger_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = open_store(tmp_path / "store.duckdb")
    good = _census(tmp_path / "cin23.xml", 2023, ("A", "2022-06-01", None))
    load_files(con, [good], la_code=LA)
    before = everything(con.raw)  # type: ignore[attr-defined]

    def broken(staged: object) -> None:
        raise RuntimeError("a defect, for the test")

    monkeypatch.setattr(pipeline, "merge", broken)
    later = _census(tmp_path / "cin24.xml", 2024, ("B", "2023-06-01", None))
    with pytest.raises(DataProblem, match="Nothing was loaded"):
        load_files(con, [later], la_code=LA)
    assert everything(con.raw) == before  # type: ignore[attr-defined]
    con.close()


def test_records_the_merge_rejects_stay_in_the_ledger_as_read(tmp_path: Path) -> None:
    # The same child twice in one census: the second is rejected as a duplicate when the load is merged,
    # but the ledger keeps what the file gave, both, so replaying it rejects it again.
    twice = tmp_path / "twice.xml"
    twice.write_text(message(child_xml("A") + child_xml("A", ethnicity="WIRI"), year=2024, la=LA), "utf-8")
    other = _census(tmp_path / "cin23.xml", 2023, ("B", "2022-06-01", None))
    con = _store_with(tmp_path / "both.duckdb", twice, other)
    alone = _store_with(tmp_path / "alone.duckdb", twice)
    kept = con.execute(f"SELECT count(*) FROM {ledger_table('ssd_person')} WHERE pers_person_id = 'A'").fetchall()
    assert kept == [(2,)]
    assert con.execute("SELECT pers_ethnicity FROM ssd_person WHERE pers_person_id = 'A'").fetchall() == [("WBRI",)]
    rule = "SELECT target_table FROM cscperf_load_rejects WHERE rule = 'duplicate record' ORDER BY 1"
    duplicates = [("ssd_cin_episodes",), ("ssd_person",)]  # the second child, and its (same) referral
    assert con.execute(rule).fetchall() == duplicates
    unload(con, [_id_of(con, other)])
    assert _records(con) == _records(alone)
    assert con.execute(rule).fetchall() == duplicates


def test_the_903_stitching_leaves_the_ledger_as_read(tmp_path: Path) -> None:
    # Two returns: the stitching rewrites the staged episodes, but the ledger keeps each file's row as read,
    # so undoing the later one gives what loading the earlier alone gives.
    y23 = _903(tmp_path / "2023", "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,")
    y24 = _903(tmp_path / "2024", "H,10/01/2023,S,C2,N1,U4,PR1,01/06/2023,E11,,,,")
    both = _store_with(tmp_path / "both.duckdb", y23, y24)
    alone = _store_with(tmp_path / "alone.duckdb", y23)
    kept = both.execute(f"SELECT count(*) FROM {ledger_table('ssd_cla_episodes')}").fetchall()
    assert kept == [(2,)]
    unload(both, [_id_of(both, y24)])
    assert _records(both) == _records(alone)


def test_a_file_left_out_of_the_load_leaves_nothing_in_the_ledger(tmp_path: Path) -> None:
    # An OC2 table whose year cannot be told, in a folder beside episodes of two years: not loaded (one
    # message); its rows, written into the ledger as they were read, are taken out again.
    folder = tmp_path / "flat"
    _903(folder, "A,01/06/2023,S,C2,N1,U4,PR1,,,,,,")
    (folder / "oc2.csv").write_text(
        "CHILD,DOB,SDQ_SCORE,SDQ_REASON,CONVICTED,HEALTH_CHECK,IMMUNISATIONS,TEETH_CHECK,HEALTH_ASSESSMENT,"
        "SUBSTANCE_MISUSE,INTERVENTION_RECEIVED,INTERVENTION_OFFERED\nA,01/01/2015,12,,0,,1,1,0,0,,\n",
        encoding="utf-8",
    )
    (folder / "episodes_b.csv").write_text(
        (folder / "episodes.csv").read_text(encoding="utf-8") + "B,01/06/2024,S,C2,N1,U4,PR1,,,,,,\n", "utf-8"
    )
    con = open_store(tmp_path / "store.duckdb")
    summary = load_files(con, [folder], la_code=LA)
    [left_out] = [f for f in summary.files if f.not_loaded is not None]
    assert left_out.path.name == "oc2.csv"
    raw: duckdb.DuckDBPyConnection = con.raw  # type: ignore[attr-defined]
    assert raw.execute(f"SELECT count(*) FROM {ledger_table('cscperf_cla_outcomes')}").fetchall() == [(0,)]
    files = raw.execute("SELECT source_file FROM cscperf_ledger.cscperf_files ORDER BY 1").fetchall()
    assert [Path(f).name for (f,) in files] == ["episodes.csv", "episodes_b.csv"]
    assert raw.execute(f"SELECT count(*) FROM {ledger_table('ssd_cla_episodes')}").fetchall() == [(3,)]
    con.close()


def test_views_the_merge_would_change_are_made_tables_before_its_transaction(tmp_path: Path) -> None:
    con = open_store(tmp_path / "store.duckdb")
    raw: duckdb.DuckDBPyConnection = con.raw  # type: ignore[attr-defined]
    command = Staging(con, into_ledger=True)
    command.append("ssd_person", people("L1", "A", "B"))
    check_views(con, command)
    assert command.checked == {"ssd_person"} and command.is_view("ssd_person")  # clean: left a view
    command.append("ssd_person", people("L2", "C", "C"))  # a file giving one person twice
    command.checked.clear()
    check_views(con, command)
    assert command.checked == set() and not command.is_view("ssd_person")  # made a table of its own
    types = raw.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_schema = 'cscperf_staging'"
    ).fetchall()
    assert types == [("BASE TABLE",)]
    command.close()
    con.close()


def test_a_view_is_made_again_only_when_a_load_first_adds_rows_to_its_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An extract's 23 files are 23 loads, one table each: each view lists the loads with rows of its table,
    so a load's first rows remake one view, not every view (which made 299 views for the synthetic extract)."""
    con = open_store(tmp_path / "store.duckdb")
    raw: duckdb.DuckDBPyConnection = con.raw  # type: ignore[attr-defined]
    shown: list[str] = []
    real_show = Staging._show
    monkeypatch.setattr(Staging, "_show", lambda self, name: (shown.append(name), real_show(self, name))[1])
    command = Staging(con, into_ledger=True)
    command.append("ssd_person", people("L1", "A", "B"))
    command.append("ssd_person", people("L1", "C"))  # the same load again: no view made
    episodes = arrow_schema(load_schema().table("ssd_cin_episodes"))
    table = pa.table({f.name: pa.nulls(1, f.type) for f in episodes}, schema=episodes)
    table = table.set_column(table.schema.get_field_index("_load_id"), "_load_id", pa.array(["L2"]))
    command.append("ssd_cin_episodes", table)
    command.append("ssd_person", people("L3", "D"))
    assert shown == ["ssd_person", "ssd_person", "ssd_cin_episodes", "ssd_cin_episodes", "ssd_person"]
    assert ids(raw, staging_name("ssd_person")) == [("L1", "A"), ("L1", "B"), ("L1", "C"), ("L3", "D")]
    command.leave_out("L1")  # only the view with L1's rows is made again
    assert shown[-1] == "ssd_person" and shown.count("ssd_cin_episodes") == 2
    assert ids(raw, staging_name("ssd_person")) == [("L3", "D")]
    assert raw.execute(f"SELECT _load_id FROM {staging_name('ssd_cin_episodes')}").fetchall() == [("L2",)]
    command.close()
    con.close()
