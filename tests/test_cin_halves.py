"""Issue 19: a large CIN Census return is read in two halves at once (`cin_halves`), the second by another
process. The store, its ledger and the rejects (every field, line numbers and reject numbers included) are the
same as when the file is read as one stream, for clean and dirty files; where the file cannot be cut safely,
or a half is not well-formed, or the second process fails, the file is read as one stream and says what it
always said."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from cscperf.loading import cin_cut, cin_halves, second_process, spool
from cscperf.loading.session import load_files
from cscperf.store.database import open_store

from .test_load_cin_census import SAMPLE_FILES, child_xml, episode_xml, message
from .test_load_set_based import SETTINGS, cin_child
from .test_load_staging_gathered import load

Outcome = tuple[str, dict[str, list[tuple[str, ...]]]]


def whole_and_halves(
    folder: Path, path: Path, monkeypatch: pytest.MonkeyPatch, fraction: float = 0.5, **options: Any
) -> tuple[Outcome, Outcome, int]:
    """The file loaded as one stream and in halves, cut near `fraction` of the way through (each into a store
    of its own), and how many times the halves were staged (0: the file was read as one stream after all)."""
    cut_at(path, fraction, monkeypatch)
    monkeypatch.setattr(second_process, "cores", lambda: 2)  # a one-core runner reads in halves too
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 2**62)
    whole = load(folder, path, "whole", **options)
    staged = []
    real_stage = cin_halves._stage
    monkeypatch.setattr(cin_halves, "_stage", lambda *a: (staged.append(1), real_stage(*a)))
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 0)
    halves = load(folder, path, "halves", **options)
    return whole, halves, len(staged)


def cut_at(path: Path, fraction: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """Look for the cut from `fraction` of the way through the file."""
    size = path.stat().st_size
    first = path.read_bytes().find(b"<Child>")
    wanted = int(size * fraction)
    monkeypatch.setattr(cin_cut, "HEAD_START_BYTES", 2 * wanted - first - size)


def dirty_children(n: int) -> str:
    """Children one to a line, every fifth with problems: no id, a bad date, an unknown element, stray text;
    child 3 given twice (once in each half)."""
    out = []
    for i in range(n):
        kind = i % 5
        if kind == 1:
            out.append(child_xml("", episodes=episode_xml("2023-13-40")))
        elif kind == 2:
            out.append(child_xml(f"C{i}", episodes=episode_xml(None), extra_identifiers="<Shoe>9</Shoe>"))
        elif kind == 3:
            out.append(child_xml(f"C{i}", characteristics="<Disabilities>stray<Disability>ZZ</Disability>"
                                 "</Disabilities>"))  # fmt: skip
        else:
            out.append(child_xml(f"C{i}", episodes=episode_xml(f"2023-0{1 + i % 9}-1{i % 10}")))
    out.append(child_xml("C3"))
    return "\n".join(out)


def test_a_dirty_file_read_in_halves_gives_the_same_store_ledger_and_rejects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(message(dirty_children(60)).replace("><", ">\n  <"), encoding="utf-8")  # many lines
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    assert staged == 1
    assert halves == whole
    rejects = whole[1]["main.cscperf_load_rejects"]
    lines = {int(m.group(1)) for row in rejects for m in [re.search(r"cin\.xml:(\d+)", " ".join(row))] if m}
    assert max(lines) > path.read_text().count("\n") / 2  # problems in the second half, with their lines


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_each_sample_file_read_in_halves_loads_as_it_does_whole(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each sample (one child each) with its child given eight times, under new ids but for the last."""
    text = path.read_text(encoding="utf-8")
    child = re.search(r"<Child>.*?</Child>", text, re.DOTALL)
    assert child is not None
    copies = [re.sub(r"<LAchildID>(.*?)</LAchildID>", rf"<LAchildID>\1-{n}</LAchildID>", child.group())
              for n in range(7)] + [child.group()]  # fmt: skip
    many = tmp_path / path.name
    many.write_text(text.replace(child.group(), "\n".join(copies)), encoding="utf-8")
    whole, halves, staged = whole_and_halves(tmp_path, many, monkeypatch)
    assert staged == 1
    assert halves == whole


@SETTINGS
@given(children=st.lists(cin_child(), min_size=2, max_size=8), fraction=st.floats(0.2, 0.9))
def test_random_files_read_in_halves_load_as_they_do_whole(children: list[str], fraction: float) -> None:
    with tempfile.TemporaryDirectory() as tmp, pytest.MonkeyPatch.context() as patch:
        folder = Path(tmp)
        path = folder / "cin.xml"
        path.write_text(message("\n".join(children)), encoding="utf-8")
        whole, halves, staged = whole_and_halves(folder, path, patch, fraction)
        can_cut = cin_cut.find_cut(path) is not None
    assert halves == whole
    assert staged == can_cut


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: int(len(text) * 0.9)], id="truncated in the second half"),
        pytest.param(lambda text: text.replace("<Child>", "<Child><Oops>", 3), id="not well-formed in the first"),
        pytest.param(
            lambda text: text.replace("</Children>", "<Header><Collection>CIN</Collection></Header></Children>"),
            id="a second header after the children",
        ),
        pytest.param(
            lambda text: text.replace(
                "\n<Child><ChildIdentifiers><LAchildID>C10<", "\n<!-- <Child><ChildIdentifiers><LAchildID>C10<"
            ).replace("\n</Children>", " -->\n</Children>"),
            id="a comment across the cut",
        ),
    ],
)
def test_a_file_that_cannot_be_read_in_halves_is_read_whole(
    damage: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(damage(message(dirty_children(40))), encoding="utf-8")
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    assert staged == 0
    assert halves == whole


def test_when_the_second_process_fails_the_file_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(message(dirty_children(30)), encoding="utf-8")

    def failing(*_args: Any) -> subprocess.Popen[bytes]:
        return subprocess.Popen(["python3", "-c", "import sys; sys.exit(3)"], stdout=subprocess.PIPE)

    monkeypatch.setattr(cin_halves, "_start_second_half", failing)
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    assert staged == 0
    assert halves == whole
    assert "cin.xml:" in str(whole[1]["main.cscperf_load_rejects"])


# --------------------------------------------------------------------------------------------------- the cut
def census(children: int = 6, *, root: str = "<Message>", end: str = "</Message>") -> bytes:
    text = message("\n".join(child_xml(f"C{i}") for i in range(children)))
    return text.replace("<Message>", root).replace("</Message>", end).encode()


def cut_of(tmp_path: Path, data: bytes) -> cin_cut.Cut | None:
    path = tmp_path / "cin.xml"
    path.write_bytes(data)
    return cin_cut.find_cut(path)


def test_a_file_is_cut_between_two_children_with_the_tags_around_the_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(cin_cut, "HEAD_START_BYTES", 0)
    data = census(root='<m:Message xmlns:m="urn:cin" xmlns="urn:other">', end="</m:Message>")
    data = data.replace(b"<Children>", b"<m:Children>").replace(b"</Children>", b"</m:Children>")
    cut = cut_of(tmp_path, data)
    assert cut is not None
    assert data[cut.at : cut.at + 7] == b"<Child>"
    assert data[: cut.at].rstrip().endswith(b"</Child>")
    assert cut.closing == b"</m:Children></m:Message>"
    assert cut.opening == b'<m:Message xmlns="urn:other" xmlns:m="urn:cin"><m:Children>'
    assert data.index(b"<Child>") == cut.first_child


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (census().replace(b'encoding="utf-8"', b'encoding="ISO-8859-1"'), "another encoding"),
        (census().replace(b'encoding="utf-8"', b'encoding="US-ASCII"'), "ASCII, which the second half is not"),
        (census().replace(b"<Message>", b'<!DOCTYPE Message [<!ENTITY e "x">]>\n<Message>'), "a DOCTYPE"),
        (
            census().replace(b"<Child>", b"<c:Child xmlns:c='urn:c'>").replace(b"</Child>", b"</c:Child>"),
            "prefixed children",
        ),
        (census().replace(b"<Children>", b"").replace(b"</Children>", b""), "children not in Children"),
        (census(1), "one child"),
    ],
)
def test_no_cut_where_the_layout_does_not_allow_a_safe_one(
    data: bytes, why: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(cin_cut, "HEAD_START_BYTES", 0)
    assert cut_of(tmp_path, census()) is not None  # the same file without the change is cut
    assert cut_of(tmp_path, data) is None, why


def test_a_small_file_is_read_as_one_stream(tmp_path: Path) -> None:
    assert cut_of(tmp_path, census(50)) is None  # under SPLIT_FROM_BYTES


@settings(max_examples=100, deadline=None)
@given(gaps=st.lists(st.text("x\r\n", max_size=6), min_size=1, max_size=8), block=st.integers(1, 7))
def test_lines_are_counted_as_the_parser_counts_them(gaps: list[str], block: int) -> None:
    """Before each element, line breaks of every kind (LF, CR LF, a CR alone): the count before an element's
    start is one less than the line lxml gives it."""
    data = ("<r>" + "".join(f"{gap}<e/>" for gap in gaps) + "</r>").encode()
    starts = [m.start() for m in re.finditer(rb"<e/>", data)]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "f.xml"
        path.write_bytes(data)
        parsed = [el.sourceline for el in etree.parse(str(path)).getroot()]
        assert [cin_cut.lines_before(path, at, block) + 1 for at in starts] == parsed


def test_the_spools_of_a_load_that_was_killed_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A spool's folder is removed when its lock is free (its load's process has gone); one whose lock is held,
    or one just made without its lock yet, is left."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folders = {name: tmp_path / f"{second_process.SPOOL_PREFIX}{name}" for name in ("killed", "running", "new", "old")}
    for folder in folders.values():
        (folder / "first").mkdir(parents=True)
        (folder / "first" / "0000.arrow").write_bytes(b"child-level rows")
    (folders["killed"] / second_process.LOCK_NAME).write_bytes(b"")
    held = (folders["running"] / second_process.LOCK_NAME).open("wb")
    assert second_process.lock(held)
    os.utime(folders["old"], (time.time() - 7200, time.time() - 7200))
    path = tmp_path / "cin.xml"
    path.write_text(message(dirty_children(30)), encoding="utf-8")
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    held.close()
    assert staged == 1
    assert halves == whole
    left = sorted(p.name for p in tmp_path.glob(f"{second_process.SPOOL_PREFIX}*"))
    assert left == sorted(folders[name].name for name in ("new", "running"))  # the loads' own went too


def _halves_workers(temporary: Path) -> list[int]:
    """The second-half processes whose temporary directory is `temporary` (Linux's /proc)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if b"cscperf.loading.cin_halves" in (entry / "cmdline").read_bytes() and (
                f"TMPDIR={temporary}".encode() in (entry / "environ").read_bytes().split(b"\0")
            ):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
def test_a_load_killed_while_reading_in_halves_leaves_no_process_no_spool_and_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    big = tmp_path / "cin.xml"
    children = "\n".join(child_xml(f"C{i}", episodes=episode_xml() * 3) for i in range(cin_cut.SPLIT_FROM_BYTES // 700))
    big.write_text(message(children), encoding="utf-8")
    assert big.stat().st_size > cin_cut.SPLIT_FROM_BYTES
    db = tmp_path / "s.duckdb"
    open_store(db).close()
    env = {**os.environ, "TMPDIR": str(temporary)}
    process = subprocess.Popen([sys.executable, "-m", "cscperf", "load", str(big), "--db", str(db)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    waited = 0.0
    while not list(temporary.glob(f"{second_process.SPOOL_PREFIX}*/second")) and process.poll() is None and waited < 60:
        time.sleep(0.05)
        waited += 0.05
    assert process.poll() is None, "the load ended before it could be stopped"
    process.send_signal(signal.SIGKILL)
    process.wait()
    waited = 0.0
    while _halves_workers(temporary) and waited < 30:  # the second process sees it has been left, and stops
        time.sleep(0.1)
        waited += 0.1
    assert _halves_workers(temporary) == []
    assert list(temporary.glob(f"{second_process.SPOOL_PREFIX}*"))  # left behind, with child-level rows...
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    con = open_store(db)
    assert con.execute("SELECT count(*) FROM ssd_person").fetchall() == [(0,)]
    small = tmp_path / "small.xml"
    small.write_text(message(child_xml("C1")), encoding="utf-8")
    monkeypatch.setattr(cin_cut, "SPLIT_FROM_BYTES", 0)
    monkeypatch.setattr(cin_cut, "HEAD_START_BYTES", 0)
    load_files(con, [small])  # (one child: not cut, but the spools of killed loads are swept first)
    con.close()
    assert list(temporary.glob(f"{second_process.SPOOL_PREFIX}*")) == []  # ...until the next load


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r\r\n"], ids=["LF", "CR LF", "CR CR LF"])
def test_line_endings_of_every_kind_give_the_same_lines(
    newline: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cin.xml"
    path.write_bytes(message(dirty_children(40)).replace("><", ">\n<").replace("\n", newline).encode())
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    assert staged == 1
    assert halves == whole


@pytest.mark.parametrize(("header_year", "given"), [(2021, 2024), (2030, 2024)])
def test_the_year_given_is_the_year_of_both_halves(
    header_year: int, given: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--year over a header's year (2030: no return can be for it, so the header alone would refuse the file):
    the children after the cut are read for the year given, as before it (18B is a code from 2022)."""
    factors = (
        "<Assessments><AssessmentActualStartDate>2023-06-01</AssessmentActualStartDate><FactorsIdentifiedAtAssessment>"
        "<AssessmentFactors>18B</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments>"
    )
    children = "\n".join(child_xml(f"C{i}", episodes=episode_xml(body=factors)) for i in range(30))
    path = tmp_path / "cin.xml"
    path.write_text(message(children, year=header_year), encoding="utf-8")
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch, year=given)
    assert staged == 1
    assert halves == whole
    assert "UnreadableFile" not in whole[0]


def test_a_header_inside_the_first_child_reads_the_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A header without a year, then a Header inside the first Child giving one (2021): the children after it
    are read for 2021 (5D, a referral source from 2023, is flagged), which the second half, reading the first
    header only, would not know. The halves disagree on the year, so the file is read as one stream."""
    children = "\n".join(child_xml(f"C{i}", episodes=episode_xml(source="5D")) for i in range(30))
    header = "<Header><CollectionDetails><Collection>CIN</Collection><Year>2021</Year></CollectionDetails></Header>"
    children = children.replace("</ChildIdentifiers>", "</ChildIdentifiers>" + header, 1)
    text = message(children).replace("<Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate>", "")
    path = tmp_path / "cin.xml"
    path.write_text(text, encoding="utf-8")
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    assert staged == 0
    assert halves == whole
    assert "5D" in str(whole[1]["main.cscperf_load_rejects"])


def test_with_no_room_for_the_spools_the_file_is_read_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cin.xml"
    path.write_text(message(dirty_children(30)), encoding="utf-8")

    def full(*_args: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spool.Spool, "append", full)
    whole, halves, staged = whole_and_halves(tmp_path, path, monkeypatch)
    assert staged == 0
    assert halves == whole
