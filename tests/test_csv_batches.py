"""Issue 19: `csv_batches.scan`, which decides whether DuckDB's CSV reader may read a file (else the csv
module reads it row by row), looks at the file a block at a time; what it says must not depend on where the
blocks end. A quoted field running across the end of a block (a JSON field's `"", ""`) had been taken for a
quote with a space beside it, sending a whole extract row by row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cscperf.loading import csv_batches

JSON_FIELD = '"{""NFA_FLAG"": ""N"", ""ADVICE_FLAG"": ""Y""}"'


def scanned(tmp_path: Path, text: str, block: int) -> tuple[int, bool]:
    path = tmp_path / "table.csv"
    path.write_bytes(text.encode("utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(csv_batches, "SCAN_BLOCK", block)
        return csv_batches.scan(path)


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 16, 1 << 22])
def test_a_quoted_field_across_blocks_is_no_spaced_quote(tmp_path: Path, block: int) -> None:
    text = f"id,outcome\nC1,{JSON_FIELD}\nC2,{JSON_FIELD}\n"
    assert scanned(tmp_path, text, block) == (3, False)


@pytest.mark.parametrize("block", [1, 2, 3, 5, 7, 16, 1 << 22])
def test_a_spaced_quote_is_found_wherever_the_blocks_end(tmp_path: Path, block: int) -> None:
    assert scanned(tmp_path, f'id,outcome\nC1,{JSON_FIELD}\nC2, "x"\n', block) == (3, True)
    assert scanned(tmp_path, f'id,outcome\nC1,{JSON_FIELD}\nC2,"x" \n', block) == (3, True)


PIECES = st.sampled_from(["a", ",", " ", '"', '""', "\n", "\r\n", "\r", "\t", ", ", ' "', '" ', JSON_FIELD])


@settings(max_examples=200, deadline=None)
@given(text=st.lists(PIECES, max_size=30).map("".join), block=st.integers(1, 40))
def test_what_scan_says_does_not_depend_on_the_blocks(tmp_path_factory: pytest.TempPathFactory, text: str,
                                                      block: int) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("scan")
    assert scanned(folder, text, block) == scanned(folder, text, 1 << 22)


# The check as first written (before numpy): each quoted stretch made a NUL, then a pattern looked for over the
# whole text at once. What `scan` says must be what this says, wherever its blocks end.
_REFERENCE_PATTERN = re.compile(rb'[,\t\r\n][ \t]+["\x00]|["\x00][ \t]+[,\t\r\n]')


def spaced_reference(data: bytes) -> bool:
    parts = data.split(b'"')
    outside = b"\x00".join(parts[0::2]) + (b"\x00" if len(parts) % 2 == 0 else b"")
    return _REFERENCE_PATTERN.search(b"\n" + outside + b"\n") is not None


def lines_reference(data: bytes) -> int:
    return len(data.decode("latin-1").splitlines())


MORE_PIECES = st.sampled_from(["a", ",", " ", "  ", '"', '""', "\n", "\r\n", "\r", "\t", " \t", "\x00", ", ",
                               ' "', '" ', '"\t', '\t"', JSON_FIELD, "b\t \""])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(text=st.lists(MORE_PIECES, max_size=40).map("".join), block=st.integers(1, 40))
def test_scan_says_what_the_first_check_said(tmp_path_factory: pytest.TempPathFactory, text: str,
                                             block: int) -> None:  # fmt: skip
    folder = tmp_path_factory.mktemp("scan")
    data = text.encode("utf-8")
    assert scanned(folder, text, block) == (lines_reference(data), spaced_reference(data))


@pytest.mark.parametrize(
    ("text", "spaced"),
    [
        ('a,b\n1, "x"\n', True),  # a space between the delimiter and the quote
        ('a,b\n1,"x" \n', True),  # between the quote and the line's end
        ('a\tb\n1\t "x"\n', True),  # a tab as the delimiter, then a space
        ('a,b\n1 \t "x"\n', True),  # a space, a tab (the delimiter), a space, the quote
        ('a,b\n1 \t"x"\n', False),  # the tab right before the quote: a delimiter with no space after it
        ('a,b\n"x" \t1\n', True),  # the quote, a space, then a tab
        (f"a,b\n1,{JSON_FIELD}\n", False),  # `, ""` inside a quoted field
        ('a,b\n1,"x, ""y"""\n', False),
        ("a,b\n1,x y\n", False),  # spaces with no quote beside them
        ('a,b\n1,"x"\n', False),
        ('a,b\n1,"open , "\n', False),  # inside quotes all along
        ('a,b\n1,"x"  ', True),  # at the file's very end
        (' "x",b\n', True),  # at its very start
        ("a,b\n1, \x00\n", True),  # a NUL is taken for a quote
    ],
)
def test_spaced_quotes_by_hand(tmp_path: Path, text: str, spaced: bool) -> None:
    for block in (1, 3, 1 << 22):
        assert scanned(tmp_path, text, block)[1] is spaced
