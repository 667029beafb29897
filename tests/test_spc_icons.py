"""The variation and assurance icons: well-formed SVG that names itself (or hides itself beside its words), told
apart by shape and not only by colour, in colours that stand out from white; and the copies in docs/spc-icons
kept up to date (they are what docs/spc.md shows)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from cscperf.analysis import spc_icons
from cscperf.analysis.spc import ASSURANCE_ICONS, VARIATION_ICONS
from cscperf.report.palette import contrast_ratio

DOCS = Path(__file__).resolve().parents[1] / "docs" / "spc-icons"
SVG = "{http://www.w3.org/2000/svg}"

ALL = [("variation", i) for i in (*VARIATION_ICONS, None)] + [("assurance", i) for i in (*ASSURANCE_ICONS, None)]


def _svg(kind: str, icon: str | None, **options: object) -> str:
    draw = spc_icons.variation_svg if kind == "variation" else spc_icons.assurance_svg
    return draw(icon, **options)  # type: ignore[arg-type]


def _without_colour(svg: str) -> str:
    """The drawing with every colour made black: what is left to tell icons apart is their shape."""
    for colour in (spc_icons.IMPROVEMENT_COLOUR, spc_icons.CONCERN_COLOUR, spc_icons.NEUTRAL_COLOUR,
                   spc_icons.COMMON_CAUSE_COLOUR, "#FFFFFF"):  # fmt: skip
        svg = svg.replace(colour, "#000000")
    return svg


@pytest.mark.parametrize(("kind", "icon"), ALL)
def test_an_icon_names_itself(kind: str, icon: str | None) -> None:
    root = etree.fromstring(_svg(kind, icon).encode())
    meaning = (spc_icons.variation_meaning if kind == "variation" else spc_icons.assurance_meaning)(icon)  # type: ignore[arg-type]
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-label") == meaning
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}title").text == meaning  # type: ignore[union-attr]
    decorative = etree.fromstring(_svg(kind, icon, decorative=True, size=20).encode())
    assert decorative.get("aria-hidden") == "true" and decorative.get("role") is None
    assert decorative.find(f"{SVG}title") is None and decorative.get("width") == "20"


def test_icons_differ_in_shape_not_only_colour() -> None:
    shapes = [_without_colour(_svg(kind, icon)).split(">", 1)[1] for kind, icon in ALL]  # drop the name
    assert len(set(shapes)) == len(shapes)


def test_icon_colours_stand_out_from_white() -> None:
    for colour in (spc_icons.IMPROVEMENT_COLOUR, spc_icons.CONCERN_COLOUR, spc_icons.NEUTRAL_COLOUR,
                   spc_icons.COMMON_CAUSE_COLOUR):  # fmt: skip
        assert contrast_ratio(colour, "#FFFFFF") >= 4.5  # text strength, more than graphics need (3 to 1)


def test_every_icon_has_words() -> None:
    assert set(spc_icons.VARIATION_WORDS) == set(VARIATION_ICONS)
    assert set(spc_icons.ASSURANCE_WORDS) == set(ASSURANCE_ICONS)
    assert spc_icons.signal_words("concern", ("trend", "run")) == (
        "Concern: trend of 7 or more; run of 7 or more on one side of the mean"
    )
    assert spc_icons.signal_words(None, ()) == ""


def write_docs_icons(folder: Path = DOCS) -> None:
    """Write the icons docs/spc.md shows (run this file with python to refresh them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, icon in ALL:
        (folder / f"{kind}-{icon or 'none'}.svg").write_text(_svg(kind, icon) + "\n", encoding="utf-8")


def test_the_documented_icons_are_current() -> None:
    for kind, icon in ALL:
        path = DOCS / f"{kind}-{icon or 'none'}.svg"
        assert path.is_file() and path.read_text(encoding="utf-8") == _svg(kind, icon) + "\n", (
            f"{path} is out of date: run `python tests/test_spc_icons.py`"
        )


if __name__ == "__main__":
    write_docs_icons()
