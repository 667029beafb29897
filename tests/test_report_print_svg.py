"""The chart's SVG made lighter for the PDF: what draws nothing goes, every drawing attribute stays, and a real
chart draws pixel for pixel as before; the fonts WeasyPrint parses are parsed once a process, never altered."""

from __future__ import annotations

import io

import pytest
import vl_convert
from PIL import Image, ImageChops

from cscperf.report import pdf
from cscperf.report.print_svg import lighter_svg

from .test_report_chart_cache import SPEC

NS = 'xmlns="http://www.w3.org/2000/svg"'


def test_groups_that_draw_nothing_go_and_their_children_stay_in_place() -> None:
    svg = (f'<svg {NS} role="img" aria-label="A chart" width="10" height="10"><title>T</title>'
           '<g fill="none" transform="translate(1,2)"><g class="mark-group" role="graphics-object">'
           '<g aria-roledescription="group"><path class="background" aria-hidden="true" d="M0,0h0v0h0Z"/>'
           '<line x2="5" stroke="#000"/></g><path d="" display="none"/><g class="x"></g>'
           '<text aria-hidden="true" x="1">5</text></g><path class="foreground" d="M0,0h3" display="none"/>'
           '</g></svg>')  # fmt: skip
    assert lighter_svg(svg) == (
        f'<svg {NS} role="img" aria-label="A chart" width="10" height="10"><title>T</title>'
        '<g fill="none" transform="translate(1,2)"><line x2="5" stroke="#000"/><text x="1">5</text></g></svg>'
    )


def test_a_group_that_draws_is_kept_with_its_attributes() -> None:
    svg = f'<svg {NS}><g class="a" clip-path="url(#c)"><g opacity="0.5" role="x"><rect width="1"/></g></g></svg>'
    assert lighter_svg(svg) == f'<svg {NS}><g clip-path="url(#c)"><g opacity="0.5"><rect width="1"/></g></g></svg>'


def test_a_real_chart_draws_the_same_with_fewer_elements() -> None:
    svg = vl_convert.vegalite_to_svg({**SPEC, "title": "A chart", "width": 200, "height": 100})
    lighter = lighter_svg(svg)
    assert lighter.count("<g") < svg.count("<g") / 2
    before, after = (Image.open(io.BytesIO(vl_convert.svg_to_png(s, scale=2))).convert("RGBA") for s in (svg, lighter))
    assert before.size == after.size and ImageChops.difference(before, after).getbbox() is None


def test_a_font_is_parsed_once_and_a_variable_font_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint.pdf import fonts

    made: list[bytes] = []

    class Font(dict[str, object]):
        def __init__(self, file: io.BytesIO, fontNumber: int = -1) -> None:  # noqa: N803 (fontTools' name)
            super().__init__({"fvar": 1} if file.getvalue().startswith(b"variable") else {})
            made.append(file.getvalue())

    monkeypatch.setattr(fonts, "TTFont", Font)
    monkeypatch.setattr(pdf, "_parsed_fonts", {})
    with pdf.fonts_parsed_once():
        first = fonts.TTFont(io.BytesIO(b"plain font"), fontNumber=0)
        assert fonts.TTFont(io.BytesIO(b"plain font"), fontNumber=0) is first
        assert fonts.TTFont(io.BytesIO(b"plain font"), fontNumber=1) is not first  # another face of the file
        fonts.TTFont(io.BytesIO(b"variable font"), fontNumber=0)
        fonts.TTFont(io.BytesIO(b"variable font"), fontNumber=0)
    assert fonts.TTFont is Font  # put back as it was
    assert made == [b"plain font", b"plain font", b"variable font", b"variable font"]
