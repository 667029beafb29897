"""Fuzzing the loaders: valid files, damaged in the ways real files are (elements or lines dropped, dates
swapped or mangled, garbage inserted, the file cut short), must never crash. Each load either succeeds with
counts that reconcile, or stops with one plain message and leaves the store exactly as it was. Messages never
hold a child's identifier."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cscperf.errors import CscperfError
from cscperf.loading.session import load_files
from cscperf.loading.source_format import recognise
from cscperf.store.database import open_store

from .conftest import SHARED

SAMPLES = SHARED / "samples"
SEED_FILES = (
    SAMPLES / "cin" / "CIN_Census_2021.xml",
    SAMPLES / "cin" / "cin-2022.xml",
    SAMPLES / "ssda903" / "fake" / "episodes.csv",
    SAMPLES / "ssda903" / "fake" / "header.csv",
    SAMPLES / "ssda903" / "fake" / "fake_903.xml",
    SAMPLES / "workforce" / "social_work_workforce_2022.xml",
    SAMPLES / "annex_a" / "Annex_A_2024_Jan.xlsx",
)
SSD_EXTRACT = (
    b"pers_person_id,pers_sex,pers_ethnicity,pers_dob,pers_death_date\r\n"
    b"F1,M,WBRI,2015-03-01,\r\nF2,F,AIND,01/02/2016,\r\nF3,U,NOBT,2019-12-31,2020-01-05\r\n"
)
DATE = re.compile(rb"\d{4}-\d{2}-\d{2}|\d{2}/\d{2}/\d{4}")
IDENTIFIER = re.compile(rb"<(?:LAchildID|CHILDID|SWENo|AgencyWorker)>([^<]+)<")
TABLES = ("ssd_person", "ssd_cin_episodes", "ssd_cla_episodes", "cscperf_loads", "cscperf_load_rejects")


def _seeds() -> list[tuple[str, bytes]]:
    seeds = [("extract.csv", SSD_EXTRACT)]
    for path in SEED_FILES:
        try:
            recognise(path)
        except CscperfError:
            continue  # that format's loader is not here, or the sample is not found
        seeds.append((path.name, path.read_bytes()))
    return seeds


SEEDS = _seeds()


@st.composite
def damaged(draw: st.DrawFn) -> tuple[str, bytes]:
    name, content = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["truncate", "drop line", "garbage", "swap dates", "mangle date", "duplicate",
                                    "huge number", "long field"]))  # fmt: skip
        lines = content.split(b"\n")
        if how == "truncate":
            content = content[: draw(st.integers(0, max(0, len(content) - 1)))]
        elif how == "drop line" and len(lines) > 1:
            del lines[draw(st.integers(0, len(lines) - 1))]
            content = b"\n".join(lines)
        elif how == "duplicate" and len(lines) > 1:
            i = draw(st.integers(1, len(lines) - 1))
            lines.insert(i, lines[i])
            content = b"\n".join(lines)
        elif how == "garbage":
            at = draw(st.integers(0, len(content)))
            junk = draw(
                st.binary(min_size=1, max_size=12) | st.sampled_from([b"<", b"&", b",", b'"', b"\x00", b"31/02/2020"])
            )
            content = content[:at] + junk + content[at:]
        elif how == "huge number":
            found = list(re.finditer(rb"(?<=[>,])\d{1,3}(?=[<,\r\n])", content))
            if found:
                m = found[draw(st.integers(0, len(found) - 1))]
                content = content[: m.start()] + b"99999999999" + content[m.end() :]
        elif how == "long field":
            at = draw(st.integers(0, len(content)))
            content = content[:at] + b"x" * 200_000 + content[at:]
        elif how in ("swap dates", "mangle date"):
            found = list(DATE.finditer(content))
            if len(found) >= 2 and how == "swap dates":
                a, b = sorted(draw(st.lists(st.integers(0, len(found) - 1), min_size=2, max_size=2, unique=True)))
                ma, mb = found[a], found[b]
                content = (content[: ma.start()] + mb.group() + content[ma.end() : mb.start()] + ma.group()
                           + content[mb.end() :])  # fmt: skip
            elif found:
                m = found[draw(st.integers(0, len(found) - 1))]
                bad = draw(st.sampled_from([b"2021-02-30", b"99/99/9999", b"yesterday", b"", b"1900-01-01"]))
                content = content[: m.start()] + bad + content[m.end() :]
    return name, content


@pytest.fixture(scope="module")
def fuzz_store() -> Iterator[duckdb.DuckDBPyConnection]:
    with tempfile.TemporaryDirectory() as folder:
        con = open_store(Path(folder) / "fuzz.duckdb")
        yield con
        con.close()


def _council(name: str) -> str | None:
    """--la for a file that does not say which council it is from (a file that does may not be relabelled)."""
    return None if name.endswith(".xml") and name != "fake_903.xml" else "874"


def _snapshot(con: duckdb.DuckDBPyConnection) -> list[object]:
    return [con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])  # fmt: skip
@given(case=damaged())
def test_damaged_files_never_crash_and_never_half_load(fuzz_store: duckdb.DuckDBPyConnection,
                                                       case: tuple[str, bytes]) -> None:  # fmt: skip
    name, content = case
    identifiers = {m.group(1).strip() for m in IDENTIFIER.finditer(content) if len(m.group(1).strip()) >= 4}
    before = _snapshot(fuzz_store)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            summary = load_files(fuzz_store, [path], la_code=_council(name))
        except CscperfError as exc:
            assert _snapshot(fuzz_store) == before
            assert "unexpected problem in cscperf" not in str(exc), "a defect, caught by the safety net"
            message = str(exc).encode()
            assert not any(i in message for i in identifiers), "a child identifier reached the message"
            return
    for f in summary.files:
        assert f.read == f.loaded + f.rejected
        for counts in f.by_table.values():
            assert counts["read"] == counts["loaded"] + counts["rejected"]
    if summary.files[0].load_id is not None:
        loaded = fuzz_store.execute("SELECT records_read, records_loaded, records_rejected FROM cscperf_loads "
                                    "WHERE load_id = ?", [summary.files[0].load_id]).fetchall()  # fmt: skip
        assert loaded == [(summary.files[0].read, summary.files[0].loaded, summary.files[0].rejected)]


def test_every_seed_loads_undamaged(fuzz_store: duckdb.DuckDBPyConnection) -> None:
    """The fuzz test starts from files that load; otherwise it would only test rejection."""
    with tempfile.TemporaryDirectory() as folder:
        for name, content in SEEDS:
            path = Path(folder) / name
            path.write_bytes(content)
            [summary] = load_files(fuzz_store, [path], la_code=_council(name)).files
            assert summary.skipped_as_loaded_in or summary.loaded > 0, name
