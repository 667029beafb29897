"""Issue 19: `csv_batches.scan`, which decides whether DuckDB's CSV reader may read a file (else the csv
module reads it row by row), looks at the file a block at a time; what it says must not depend on where the
blocks end. A quoted field running across the end of a block (a JSON field's `"", ""`) had been taken for a
quote with a space beside it, sending a whole extract row by row."""

from __future__ import annotations

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
