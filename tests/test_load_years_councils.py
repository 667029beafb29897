"""Issue 11, items 4 and 6: a collection year no return can have is refused (so it can never make a real return
look older, or put a council's data in 2090), and a file's own council is never relabelled by --la; council
codes are checked. Every file is made here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from cscperf.cli import app
from cscperf.errors import UsageProblem
from cscperf.loading.session import load_files
from cscperf.loading.unreadable import UnreadableFile
from cscperf.loading.years import latest_year, year_before, year_problem
from cscperf.store.database import open_store

from .conftest import SHARED
from .test_load_cin_census import child_xml, episode_xml, message
from .test_load_workforce_census import census, worker

LA = "874"


@pytest.fixture()
def store(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_store(tmp_path / "store.duckdb")


def _cin(path: Path, year: int = 2024, la: str = LA, child: str = "C1", referral: str = "2023-05-02") -> Path:
    path.write_text(message(child_xml(child, episodes=episode_xml(referral)), year=year, la=la))
    return path


# ------------------------------------------------------------------------------------------ item 4
def test_the_years_a_return_can_be_for() -> None:
    today = dt.date(2026, 12, 4)
    assert latest_year(today) == 2027
    assert year_problem(2010, today) is None and year_problem(2027, today) is None
    assert year_problem(2009, today) == "2009 is not a year a return can be for (it must be from 2010 to 2027)"
    assert year_problem(2028, today) is not None and year_problem(1, today) is not None
    assert year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)


def test_a_census_for_year_9999_is_refused_and_cannot_poison_later_returns(store: duckdb.DuckDBPyConnection,
                                                                          tmp_path: Path) -> None:  # fmt: skip
    bad = _cin(tmp_path / "bad.xml", year=9999)
    with pytest.raises(UnreadableFile, match="9999 is not a year a return can be for"):
        load_files(store, [bad])
    # The real 2024 return then loads as the latest, not as "older", and the data end at its year end.
    [file] = load_files(store, [_cin(tmp_path / "real.xml")]).files
    assert file.collection_year == 2024 and not file.details["older_than_store"]
    end = store.execute("SELECT data_end_date FROM cscperf_councils").fetchall()
    assert end == [(dt.date(2024, 3, 31),)]
    # Given --year, the file is loaded for that year, and the header's year is reported, not used.
    [given] = load_files(store, [bad], year=2023).files
    assert given.collection_year == 2023
    assert store.execute("SELECT count(*) FROM cscperf_load_rejects WHERE rule = 'header year not used'").fetchall() \
        == [(1,)]  # fmt: skip


@pytest.mark.parametrize("year", ["100000", "0", "2009", str(dt.date.today().year + 2)])
def test_year_options_no_return_can_have_are_refused_before_reading(tmp_path: Path, year: str) -> None:
    result = CliRunner().invoke(app, ["load", str(_cin(tmp_path / "cin.xml")), "--db", str(tmp_path / "s.duckdb"),
                                      "--year", year])  # fmt: skip
    assert result.exit_code == 2 and f"--year {year}: {year} is not a year a return can be for" in result.output
    assert not (tmp_path / "s.duckdb").exists() and "Traceback" not in result.output


def test_two_headers_for_different_years_are_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _cin(tmp_path / "cin.xml")
    text = path.read_text()
    second = text[text.index("<Header>") : text.index("</Header>") + 9].replace("2024", "2023")
    path.write_text(text.replace("<Children>", second + "<Children>"))
    with pytest.raises(UnreadableFile, match=r"two headers for different years \(2024 and 2023\)"):
        load_files(store, [path])


def test_an_ssda903_table_named_for_an_impossible_year_is_refused(store: duckdb.DuckDBPyConnection,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    folder = tmp_path / "2099"
    folder.mkdir()
    path = folder / "episodes.csv"
    path.write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                    "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,\n")  # fmt: skip
    with pytest.raises(UnreadableFile, match="2099 is not a year a return can be for"):
        load_files(store, [path], la_code=LA)


# ------------------------------------------------------------------------------------------ item 6
def test_la_cannot_relabel_a_census_that_names_its_council(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "csww.xml"
    path.write_text(census(worker("AB1", agency=0, fte="1.0"), lea="301"))
    both = r"from council 301 \(Barking and Dagenham\), but --la 874 \(Peterborough\)"
    with pytest.raises(UnreadableFile, match=both):
        load_files(store, [path], la_code="874")
    [file] = load_files(store, [path]).files
    assert file.la_code == "301"
    cin = _cin(tmp_path / "cin.xml", la="873")
    with pytest.raises(UnreadableFile, match=r"from council 873 .* but --la 874"):
        load_files(store, [cin], la_code="874")
    [same] = load_files(store, [cin], la_code="873").files  # agreeing is fine
    assert same.la_code == "873"


def test_a_second_header_naming_another_council_is_refused(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _cin(tmp_path / "cin.xml")
    text = path.read_text()
    second = text[text.index("<Header>") : text.index("</Header>") + 9].replace(f"<LEA>{LA}</LEA>", "<LEA>873</LEA>")
    # The second header sits between the children: before the fix, every child became 873's.
    path.write_text(text.replace("</Child>", "</Child>" + second, 1))
    with pytest.raises(UnreadableFile, match=r"names two councils in its headers \(874 and 873\)"):
        load_files(store, [path])


def test_an_extracts_council_codes_are_checked(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "ssd_person.csv"
    path.write_text('la_code,pers_person_id\n873,P1\n"<img src=x onerror=alert(1)>",P2\n874,P3\n873,P4\n')
    with pytest.raises(UnreadableFile, match=r"from council 873 .* but --la 874"):
        load_files(store, [path], la_code="874")
    [file] = load_files(store, [path]).files
    assert file.la_code == "873" and (file.loaded, file.rejected) == (2, 2)
    rules = dict(store.execute("SELECT field_value, rule FROM cscperf_load_rejects").fetchall())
    assert rules == {"<img src=x onerror=alert(1)>": "LA code not valid", "874": "another council"}
    assert store.execute("SELECT DISTINCT la_code FROM ssd_person").fetchall() == [("873",)]


@pytest.mark.parametrize("code", ["999", "87", "8740", "<b>", "abc"])
def test_la_must_be_a_council_the_dfe_lists(store: duckdb.DuckDBPyConnection, tmp_path: Path, code: str) -> None:
    with pytest.raises(UsageProblem, match=f"--la {code}"):
        load_files(store, [_cin(tmp_path / "cin.xml")], la_code=code)


def test_a_census_naming_no_known_council_needs_la(store: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = _cin(tmp_path / "cin.xml", la="999")
    with pytest.raises(UnreadableFile, match=r"names its council wrongly: its LEA is not a council's 3-digit DfE code"):
        load_files(store, [path])  # it had said the file "does not say which council it is from"
    [file] = load_files(store, [path], la_code="874").files  # the file names no council: --la is its council
    assert file.la_code == "874"
    [flagged] = store.execute("SELECT field_value, message FROM cscperf_load_rejects WHERE rule = 'LA code not valid'"
                              ).fetchall()  # fmt: skip
    assert flagged[0] == "999" and "not a council in the DfE's list" in flagged[1]


def test_a_council_the_store_already_holds_is_accepted(tmp_path: Path) -> None:
    con = open_store(tmp_path / "store.duckdb")
    con.execute("INSERT INTO cscperf_councils (la_code, la_name, data_source) VALUES ('001', 'Synthetic', 'synthetic')")
    path = tmp_path / "episodes.csv"
    path.write_text("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
                    "H,10/01/2023,S,C2,N1,U4,PR1,,,,,,\n")  # fmt: skip
    [file] = load_files(con, [path], la_code="001").files
    assert file.la_code == "001"


def test_the_shared_samples_load_by_the_folders_of_one_council(tmp_path: Path) -> None:
    """docs/loading.md says how: the samples folder mixes councils (the workforce census is 301's), so under
    --la 201 it is refused as a whole, and the CIN and SSDA903 folders load for 201."""
    samples = SHARED / "samples"
    with pytest.raises(UnreadableFile, match=r"from council 301 .* but --la 201"):
        load_files(open_store(tmp_path / "all.duckdb"), [samples], la_code="201")
    documented = "cscperf load ../shared/samples/cin ../shared/samples/ssda903/fake --la 201"
    assert documented in " ".join((Path(__file__).parents[1] / "docs" / "loading.md").read_text().split())
    summary = load_files(open_store(tmp_path / "201.duckdb"), [samples / "cin", samples / "ssda903" / "fake"],
                         la_code="201")  # fmt: skip
    assert {f.la_code for f in summary.files if f.load_id} == {"201"}


def test_a_second_cin_census_for_the_same_council_and_year_says_it_is_added(
    store: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A corrected return (the referral's date changed) had been added to the first with no word, its referral
    counted twice. It is still added (records the two share are replaced), but a warning names the earlier load
    and how to replace it instead. Another year's return says nothing."""
    load_files(store, [_cin(tmp_path / "cin.xml")])
    (earlier,) = store.execute("SELECT load_id FROM cscperf_loads").fetchall()[0]
    load_files(store, [_cin(tmp_path / "other_year.xml", year=2023, referral="2022-05-02")])
    assert store.execute("SELECT count(*) FROM cscperf_load_rejects WHERE rule = 'return already loaded'"
                         ).fetchall() == [(0,)]  # fmt: skip
    load_files(store, [_cin(tmp_path / "corrected.xml", referral="2023-05-03")])
    [(message,)] = store.execute(
        "SELECT message FROM cscperf_load_rejects WHERE rule = 'return already loaded'"
    ).fetchall()
    assert f"(load {earlier})" in message and f"cscperf unload {earlier}" in message
