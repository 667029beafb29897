"""Issue 19: the faster loading gives the same store and the same rejects (every field, in the same order) as
the loading it replaced, on random files valid and not:

- CIN Census XML: the reader and FileLoad of before (tests/oracle_cin_census.py, tests/oracle_file_load.py,
  kept only for this test) against today's (one pass per child, fields checked set-based per chunk);
- SSD extract CSV: the row-by-row reading (with the old FileLoad, and with today's) against the set-based
  path (DuckDB's CSV reader, values typed and checked over whole columns);
- SSDA903 CSV tables: the record-by-record mapping (with the old FileLoad) against the set-based path
  (DuckDB's CSV reader, records checked and mapped in SQL, `ssda903_sql`).
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cscperf.loading import session, ssd_extract_sql, ssda903_sql
from cscperf.loading.session import load_files
from cscperf.store.database import open_store

from . import oracle_cin_census, oracle_file_load
from .test_load_cin_census import message

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)

VOLATILE = {"load_id", "loaded_at", "unloaded_at", "source_load_id"}
# Each example loads a store twice (about 1.5 s): a few in the suite; more with CSCPERF_SET_BASED_EXAMPLES=200.
EXAMPLES = int(os.environ.get("CSCPERF_SET_BASED_EXAMPLES", "10"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of the store (but its schema record), rows sorted, without the columns a load makes anew."""
    tables = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                        "AND table_name <> 'cscperf_schema_info'").fetchall()]  # fmt: skip
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in sorted(tables):
        cursor = con.execute(f"SELECT * FROM {table}")
        keep = [i for i, d in enumerate(cursor.description) if d[0] not in VOLATILE]
        out[table] = sorted(tuple(str(row[i]) for i in keep) for row in cursor.fetchall())
    return out


@contextmanager
def old_loading(cin: bool) -> Iterator[None]:
    """Loads made by the FileLoad of before (and the CIN reader of before, when `cin`), the SSD extract row by
    row, the SSDA903 tables record by record."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(session, "FileLoad", oracle_file_load.FileLoad)
        patch.setattr(ssd_extract_sql, "read_rows", lambda *args: None)
        patch.setattr(ssda903_sql, "read_rows", lambda *args: None)
        if cin:
            known = session.recognise

            def recognise(path: Path) -> Any:
                found = known(path)
                return dataclasses.replace(found, read=oracle_cin_census.read) if found.kind == "cin_census" else found

            patch.setattr(session, "recognise", recognise)
        yield


def load(folder: Path, path: Path, name: str, **options: Any) -> tuple[str, dict[str, list[tuple[Any, ...]]]]:
    con = open_store(folder / f"{name}.duckdb")
    try:
        summary = load_files(con, [path], **options)
        outcome = repr([(f.read, f.loaded, f.rejected, sorted(f.by_table.items())) for f in summary.files])
    except Exception as exc:  # a file refused: the same refusal, in the same words, either way
        outcome = f"{type(exc).__name__}: {exc}"
    result = snapshot(con)
    con.close()
    return outcome, result


# ------------------------------------------------------------------------------------------ CIN Census
DATES = st.sampled_from(["2023-05-02", "2023-06-30", "02/05/2023", "2023-13-01", "9999-12-31", "1899-01-01", "x",
                         "", "2024-05-01", "2023-05-02T10:00:00"])  # fmt: skip
IDS = st.sampled_from(["C1", "C2", "C1", " C3 ", "nan", "", "NULL", "C4"])
EXTRA = st.sampled_from(["", "", "", "<Unknown>1</Unknown>", "stray", "<!-- a comment -->", "<cinplandates/>"])


def element(name: str, value: str | None) -> str:
    return "" if value is None else f"<{name}>{value}</{name}>"


@st.composite
def cin_child(draw: st.DrawFn) -> str:
    maybe = st.one_of(st.none(), DATES)
    episodes = []
    for _ in range(draw(st.integers(0, 3))):
        body = []
        for _ in range(draw(st.integers(0, 2))):
            factors = "".join(element("AssessmentFactors", f) for f in draw(st.lists(
                st.sampled_from(["1A", "2b", "24A", "ZZ", ""]), max_size=3)))  # fmt: skip
            body.append(
                "<Assessments>" + element("AssessmentActualStartDate", draw(maybe))
                + element("AssessmentAuthorisationDate", draw(maybe))
                + (f"<FactorsIdentifiedAtAssessment>{factors}</FactorsIdentifiedAtAssessment>" if factors else "")
                + draw(EXTRA) + "</Assessments>"
            )  # fmt: skip
        for _ in range(draw(st.integers(0, 2))):
            body.append("<CINPlanDates>" + element("CINPlanStartDate", draw(maybe))
                        + element("CINPlanEndDate", draw(maybe)) + "</CINPlanDates>")  # fmt: skip
        for _ in range(draw(st.integers(0, 2))):
            body.append("<Section47>" + element("S47ActualStartDate", draw(maybe))
                        + element("InitialCPCtarget", draw(maybe)) + element("DateOfInitialCPC", draw(maybe))
                        + element("ICPCnotRequired", draw(st.sampled_from(["0", "1", "true", "maybe"])))
                        + "</Section47>")  # fmt: skip
        for _ in range(draw(st.integers(0, 2))):
            reviews = "".join(element("CPPreviewDate", d) for d in draw(st.lists(DATES, max_size=2)))
            body.append("<ChildProtectionPlans>" + element("CPPstartDate", draw(maybe))
                        + element("CPPendDate", draw(maybe))
                        + element("InitialCategoryOfAbuse", draw(st.sampled_from(["NEG", "phy", "XX"])))
                        + element("LatestCategoryOfAbuse", draw(st.sampled_from(["NEG", "MUL"])))
                        + element("NumberOfPreviousCPP", draw(st.sampled_from(["0", "2", "-1", "x", None])))
                        + (f"<Reviews>{reviews}</Reviews>" if reviews else "") + "</ChildProtectionPlans>")  # fmt: skip
        episodes.append(
            "<CINdetails>" + element("CINreferralDate", draw(maybe))
            + element("ReferralSource", draw(st.sampled_from(["6", "1A", "99", None])))
            + element("PrimaryNeedCode", draw(st.sampled_from(["N1", "n4", "N99"])))
            + element("CINclosureDate", draw(maybe))
            + element("ReasonForClosure", draw(st.sampled_from(["RC1", "rc8", "RC9", "XX", None])))
            + element("DateOfInitialCPC", draw(st.one_of(st.none(), DATES)))
            + "".join(body) + element("ReferralNFA", draw(st.sampled_from(["0", "1", "false", "no", "2"])))
            + draw(EXTRA) + "</CINdetails>"
        )  # fmt: skip
    sex = draw(st.sampled_from(["<GenderCurrent>1</GenderCurrent>", "<Sex>F</Sex>", "<Sex>9</Sex>", ""]))
    identifiers = (
        element("LAchildID", draw(st.one_of(st.none(), IDS)))
        + element("UPN", draw(st.sampled_from([None, "A123456789012", "bad"])))
        + element("PersonBirthDate", draw(maybe)) + element("PersonDeathDate", draw(maybe)) + sex + draw(EXTRA)
    )  # fmt: skip
    codes = draw(st.lists(st.sampled_from(["NONE", "mob", "ZZ", ""]), max_size=2))
    disabilities = "".join(element("Disability", d) for d in codes)
    characteristics = element("Ethnicity", draw(st.sampled_from(["WBRI", "wbri", "ZZZZ", None]))) + (
        f"<Disabilities>{disabilities}</Disabilities>" if disabilities else ""
    )
    return (
        f"<Child><ChildIdentifiers>{identifiers}</ChildIdentifiers>"
        f"<ChildCharacteristics>{characteristics}</ChildCharacteristics>{''.join(episodes)}{draw(EXTRA)}</Child>"
    )


@SETTINGS
@given(children=st.lists(cin_child(), min_size=1, max_size=6))
def test_a_cin_census_loads_as_the_reader_of_before_loaded_it(children: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "cin.xml"
        path.write_text(message("\n".join(children)), encoding="utf-8")
        now = load(folder, path, "now")
        with old_loading(cin=True):
            before = load(folder, path, "before")
    assert now == before


# ------------------------------------------------------------------------------------------ SSD extract CSV
TEXTS = st.sampled_from(["A", "b c", " padded ", "", "nan", "x\ty", "é", "two words", "\u00a0nbsp", '"quoted"',
                         "comma, inside", "N1"])  # fmt: skip
CSV_DATES = st.sampled_from(["2024-03-31", "31/03/2024", "2024-3-5", "2024-02-30", "9999-12-31", "1899-12-31", "",
                             " 2024-01-01", "2024-01-01 00:00:00", "5/3/2024", "31.03.2024", "garbage"])  # fmt: skip
JSONS = st.sampled_from(['{"NFA_FLAG": "N"}', '{"a":1}', "[1, 2]", "{bad", "", "null", '"text"', '{"a": "\\u0000"}',
                        '{"a": NaN}', '{"a": "\\ud800"}', '{"a": 1, "a": 2}', '{"a": 1e400}',
                        ' {"a": "\\u00e9"}'])  # fmt: skip
NUMBERS = st.sampled_from(["1", "0", "007", "-1", "1.5", "0.5", "1e3", "nan", "", "12345678901", " 3", "2.0"])


def csv_field(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\n\r') else value


@st.composite
def ssd_csv(draw: st.DrawFn) -> tuple[str, str]:
    if draw(st.booleans()):
        name = "ssd_cin_episodes"
        header = ["cine_referral_id", "cine_person_id", "cine_referral_date", "cine_referral_outcome_json",
                  "cine_close_date", "cine_cin_primary_need_code"]  # fmt: skip
        strategies = [st.one_of(TEXTS, st.sampled_from(["R1", "R2", "R1"])), TEXTS, CSV_DATES, JSONS, CSV_DATES,
                      TEXTS]  # fmt: skip
    else:
        name = "ssd_professionals"
        header = ["prof_professional_id", "prof_professional_caseload", "prof_full_time_equivalency", "prof_team"]
        strategies = [st.one_of(TEXTS, st.sampled_from(["W1", "W2", "W1"])), NUMBERS, NUMBERS, TEXTS]
    lines = [",".join(header)]
    for _ in range(draw(st.integers(1, 12))):
        lines.append(",".join(csv_field(draw(s)) for s in strategies))
    if draw(st.integers(0, 5)) == 0:
        rest = ",x" * (len(header) - 1)  # a line as a person might type it, not as a CSV writer quotes it
        odd = ["", ",,,", '"a\nb"' + rest, "short,row", ' "a"' + rest, '"a" ' + rest, '"a"b' + rest]
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from(odd)))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return name, bom + ending.join(lines) + draw(st.sampled_from([ending, ""]))


@SETTINGS
@given(extract=ssd_csv())
def test_an_ssd_extract_loads_as_row_by_row_reading_loaded_it(extract: tuple[str, str]) -> None:
    name, text = extract
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"{name}.csv"
        path.write_bytes(text.encode("utf-8"))
        now = load(folder, path, "now", la_code="874")
        with old_loading(cin=False):
            before = load(folder, path, "before", la_code="874")
    assert now == before


def test_the_set_based_path_is_taken_for_a_plain_extract(tmp_path: Path) -> None:
    """The comparison above means something only if the set-based path runs: a plain file takes it."""
    path = tmp_path / "ssd_professionals.csv"
    path.write_text("prof_professional_id,prof_professional_caseload,prof_full_time_equivalency\nW1,12,0.5\nW2,3,1\n")
    taken: list[int | None] = []
    read_rows = ssd_extract_sql.read_rows

    def spy(*args: Any) -> int | None:
        taken.append(read_rows(*args))
        return taken[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ssd_extract_sql, "read_rows", spy)
        con = open_store(tmp_path / "store.duckdb")
        [file] = load_files(con, [path], la_code="874").files
    assert taken == [2] and (file.read, file.loaded) == (2, 2)
    rows = con.execute("SELECT prof_professional_id, prof_professional_caseload, prof_full_time_equivalency "
                       "FROM ssd_professionals ORDER BY 1").fetchall()  # fmt: skip
    assert rows == [("W1", 12, 0.5), ("W2", 3, 1.0)]


def test_a_replayed_load_numbers_its_new_problems_after_those_it_restored(tmp_path: Path) -> None:
    """Undoing one load replays the others: a replayed load's problems found again when merging (a duplicate,
    rule 2) are numbered after the problems its reading found, as they were when it was first loaded."""
    from cscperf.loading.unload import unload

    workers = tmp_path / "ssd_professionals.csv"
    workers.write_text("prof_professional_id,prof_professional_caseload,prof_full_time_equivalency\n"
                       "W1,12,0.5\nW2,x,1\nW1,3,1\nW3,-4,1\n")  # fmt: skip
    people = tmp_path / "ssd_person.csv"
    people.write_text("pers_person_id,pers_sex\nP1,M\n")
    alone = open_store(tmp_path / "alone.duckdb")
    load_files(alone, [workers], la_code="874")
    both = open_store(tmp_path / "both.duckdb")
    load_files(both, [workers], la_code="874")
    load_files(both, [people], la_code="874")
    [(people_load,)] = both.execute("SELECT load_id FROM cscperf_loads WHERE source_file LIKE '%ssd_person.csv'"
                                    ).fetchall()  # fmt: skip
    unload(both, [str(people_load)])
    problems = "SELECT reject_number, rule, source_location, severity FROM cscperf_load_rejects ORDER BY 1"
    expected = alone.execute(problems).fetchall()
    assert [r[1] for r in expected] == ["integer not valid", "value not possible", "duplicate record"]
    assert both.execute(problems).fetchall() == expected


# ------------------------------------------------------------------------------------------ SSDA903 CSV
TABLES_903 = ("header", "episodes", "uasc", "reviews", "oc2", "oc3", "ad1", "prev_perm", "missing", "sw_episodes",
              "dolo", "placed_adoption")  # fmt: skip
CHILDREN = st.sampled_from(["C1", "C2", "C3", "C4", "C5"])
ODD_CHILDREN = st.sampled_from([" C2", "", "nan", "c1", "C\x01"])
DATES_903 = st.sampled_from(["01/04/2024", "31/03/2025", "15/06/2024", "2024-05-01", "01/06/2026", ""])
ODD_DATES = st.sampled_from(["30/02/2024", "1/4/2024", "31/12/1899", "01/01/2100", " 01/05/2024", "garbage",
                             "01.05.2024", "05/05/2024 10:00", "9999-12-31"])  # fmt: skip
ODD_TEXTS = st.sampled_from(["", " x", "x ", "nan", "A\tB", "é", "x\x01y", "ZZ"])


def field_903(table: str, name: str) -> st.SearchStrategy[str]:
    """Mostly values the mapping reads plainly (so the set-based path has records to map), sometimes not."""
    good, odd = _values_903(table, name)
    return st.integers(0, 19).flatmap(lambda n: good if n < 19 else odd)


def _values_903(table: str, name: str) -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    from cscperf.loading.ssda903_sql import DATE_FIELDS
    from cscperf.loading.ssda903_tables import CODES

    if name == "CHILD":
        return CHILDREN, ODD_CHILDREN
    if name in DATE_FIELDS or name in ("DATE_PLACED", "DATE_PLACED_CEASED"):
        return DATES_903, ODD_DATES
    codes = CODES.get((table, name))
    if codes is not None:
        known = sorted(codes)[:4]
        return st.sampled_from([*known, known[0].lower(), ""]), ODD_TEXTS
    if name in ("HOME_POST", "PL_POST"):
        return st.sampled_from(["AB1 2CD", "ab1", "SW1A 1AA", ""]), st.sampled_from(
            ["NOT A POSTCODE", " AB1", "AB1\x01"]
        )
    if name == "UPN":
        return st.sampled_from(["A123456789012", "UN1", "un2", "a123456789012", ""]), st.sampled_from(["bad", "A12 "])
    if name in ("SDQ_SCORE", "NB_ADOPTR"):
        return st.sampled_from(["14", "0", "07", "1", ""]), st.sampled_from(["41", "-1", "x", "2.0", " 3"])
    if name in OC2_FLAG_NAMES or name in ("MOTHER", "FOSTER_CARE"):
        return st.sampled_from(["0", "1", ""]), st.sampled_from(["2", "yes", " 1"])
    return st.sampled_from(["W1", "W2", "X", "2015", "874", ""]), ODD_TEXTS


OC2_FLAG_NAMES = frozenset({"HEALTH_ASSESSMENT", "TEETH_CHECK", "IMMUNISATIONS", "HEALTH_CHECK", "CONVICTED",
                            "SUBSTANCE_MISUSE", "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"})  # fmt: skip


@st.composite
def ssda903_csv(draw: st.DrawFn) -> tuple[str, str]:
    from cscperf.loading.ssda903_tables import TABLE_COLUMNS

    table = draw(st.sampled_from(TABLES_903))
    header = list(TABLE_COLUMNS[table])
    if draw(st.integers(0, 4)) == 0:
        header = [*header, "EXTRA"]
    if draw(st.booleans()):
        header = draw(st.permutations(header))
    lines = [",".join(header)]
    for _ in range(draw(st.integers(1, 12))):
        lines.append(",".join(csv_field(draw(field_903(table, name))) for name in header))
    if draw(st.integers(0, 5)) == 0:
        rest = ",x" * (len(header) - 1)
        odd = ["", "," * (len(header) - 1), '"a\nb"' + rest, "short,row", ' "a"' + rest]
        lines.insert(draw(st.integers(1, len(lines))), draw(st.sampled_from(odd)))
    ending = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return table, bom + ending.join(lines) + draw(st.sampled_from([ending, ""]))


@SETTINGS
@given(return_table=ssda903_csv())
@example(  # an SDQ score that is no number: its cast was run before the check that it is one (hypothesis found)
    return_table=(
        "oc2",
        "CHILD,TEETH_CHECK,INTERVENTION_RECEIVED,HEALTH_CHECK,CONVICTED,SUBSTANCE_MISUSE,DOB,INTERVENTION_OFFERED,"
        "SDQ_SCORE,SDQ_REASON,IMMUNISATIONS,HEALTH_ASSESSMENT\r\nC1,0,0,0,0,0,01/04/2024,0,14,SDQ1,0,0\r\n"
        "C3,,,,,0,05/05/2024 10:00,1,x,SDQ1,,0\r\n",
    )
)
def test_an_ssda903_table_loads_as_record_by_record_mapping_loaded_it(return_table: tuple[str, str]) -> None:
    table, text = return_table
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / f"{table}.csv"
        path.write_bytes(text.encode("utf-8"))
        now = load(folder, path, "now", la_code="873", year=2025)
        with old_loading(cin=False):
            before = load(folder, path, "before", la_code="873", year=2025)
    assert now == before


def test_the_set_based_path_is_taken_for_a_plain_903_table(tmp_path: Path) -> None:
    """The comparison above means something only if the set-based path runs: a plain file takes it, and the
    records that do not read plainly go through the mapping, in the file's order."""
    path = tmp_path / "episodes.csv"
    path.write_text(
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n"
        "C1,01/04/2024,S,C2,N1,U1,PR1,01/06/2024,X1,CARPL,,AB1 2CD,\n"
        "C1,01/06/2024,p,C2,N1,U4,PR1,,,,,,\n"
        "C2,01/05/2024,S,C2,N1,U1,PR1,01/04/2024,E4A,,,,\n"
    )
    taken: list[int | None] = []
    read_rows = ssda903_sql.read_rows

    def spy(*args: Any) -> int | None:
        taken.append(read_rows(*args))
        return taken[-1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ssda903_sql, "read_rows", spy)
        con = open_store(tmp_path / "store.duckdb")
        [file] = load_files(con, [path], la_code="873", year=2025).files
    assert taken == [3] and (file.read, file.loaded, file.rejected) == (3, 2, 1)
    rows = con.execute("SELECT clae_cla_episode_id, clae_cla_episode_start_reason, clae_cla_episode_ceased_date "
                       "FROM ssd_cla_episodes ORDER BY 1").fetchall()  # fmt: skip
    import datetime as dt

    assert rows == [("EP:C1:2024-04-01", "S", dt.date(2024, 6, 1)), ("EP:C1:2024-06-01", "P", None)]
    [(location, rule)] = con.execute("SELECT source_location, rule FROM cscperf_load_rejects").fetchall()
    assert (location, rule) == ("episodes.csv:4", "episode ends before it starts")
