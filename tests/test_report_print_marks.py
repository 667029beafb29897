"""The chart's marks joined for the PDF (`print_svg.fewer_marks`): runs of lines and of same-shaped points drawn
alike become one path at the same place, paths that draw nothing go, and nothing is joined whose drawing could
change (see-through, dashed, stroked shapes, different shapes, anything clipped or referred to); a real chart and
a fan chart draw pixel for pixel as before. The glossary's columns in print are filled, not balanced."""

from __future__ import annotations

import base64
import io
import subprocess
from pathlib import Path

import pytest
import vl_convert
from PIL import Image, ImageChops

from cscperf.report import svg_text
from cscperf.report.print_svg import _translated, lighter_svg
from cscperf.report.svg_text import whole_words

from .test_report_chart_cache import SPEC

NS = 'xmlns="http://www.w3.org/2000/svg"'
CIRCLE = "M3,0A3,3,0,1,1,-3,0A3,3,0,1,1,3,0"


def _svg(body: str) -> str:
    return f'<svg {NS} width="100" height="100"><g fill="none">{body}</g></svg>'


def test_a_run_of_lines_drawn_alike_becomes_one_path_at_the_same_place() -> None:
    grid = "".join(f'<line transform="translate(0,{y})" x2="470" y2="0" stroke="#D9D9D9"/>' for y in (160, 128))
    tick = '<line transform="translate(9.5,0)" x1="1" y1="2" x2="1" y2="7" stroke="#595959"/>'
    joined = '<path d="M0,160L470,160M0,128L470,128" stroke="#D9D9D9"/>'
    assert lighter_svg(_svg(grid + tick)) == _svg(joined + tick)  # a run of one is left as it was


def test_points_of_one_shape_join_with_their_places_folded_in() -> None:
    points = "".join(f'<path transform="translate({x},{y})" d="{CIRCLE}" fill="#1F3A5F" stroke-width="2" opacity="1"/>'
                     for x, y in ((10, 20), (28.5, 7.25)))  # fmt: skip
    joined = "M13,20A3,3,0,1,1,7,20A3,3,0,1,1,13,20M31.5,7.25A3,3,0,1,1,25.5,7.25A3,3,0,1,1,31.5,7.25"
    assert lighter_svg(_svg(points)) == _svg(f'<path d="{joined}" fill="#1F3A5F" stroke-width="2" opacity="1"/>')


@pytest.mark.parametrize(
    ("second", "why"),
    [
        ('<path transform="translate(5,5)" d="M0,0L4,0L2,3Z" fill="#000"/>', "another shape: another winding"),
        (f'<path transform="translate(5,5)" d="{CIRCLE}" fill="#000" opacity="0.5"/>', "see-through: overlaps show"),
        (f'<path transform="translate(5,5)" d="{CIRCLE}" fill="#111"/>', "another colour"),
        (f'<path transform="rotate(45)" d="{CIRCLE}" fill="#000"/>', "a transform other than a move"),
        (f'<path id="p" transform="translate(5,5)" d="{CIRCLE}" fill="#000"/>', "referred to"),
        (f'<path transform="translate(5,5)" d="{CIRCLE}" fill="#000" clip-path="url(#c)"/>', "clipped"),
    ],
)
def test_marks_whose_drawing_could_change_are_never_joined(second: str, why: str) -> None:
    first = f'<path transform="translate(1,1)" d="{CIRCLE}" fill="#000"/>'
    assert lighter_svg(_svg(first + second)) == _svg(first + second), why


def test_stroked_shapes_and_dashed_lines_are_never_joined() -> None:
    stroked = "".join(f'<path transform="translate({x},0)" d="{CIRCLE}" fill="#000" stroke="#fff"/>' for x in (1, 4))
    dashed = "".join(
        f'<line transform="translate(0,{y})" x2="9" stroke="#000" stroke-dasharray="4,3"/>' for y in (1, 2)
    )
    assert lighter_svg(_svg(stroked + dashed)) == _svg(stroked + dashed)


def test_only_neighbours_join_so_what_is_drawn_on_top_stays_on_top() -> None:
    line = '<line transform="translate(0,{})" x2="9" stroke="#000"/>'
    between = '<text x="1">5</text>'
    body = line.format(1) + between + line.format(2)
    assert lighter_svg(_svg(body)) == _svg(body)


def test_paths_that_neither_fill_nor_stroke_go_and_those_that_do_stay() -> None:
    body = ('<path d="M0,0h470v160h-470Z"/><path d="M0,0h9v9h-9Z" fill="#fff"/>'
            '<g stroke="#000"><path d="M0,0h5v5h-5Z"/></g>')  # fmt: skip
    assert lighter_svg(_svg(body)) == _svg('<path d="M0,0h9v9h-9Z" fill="#fff"/><g stroke="#000"><path '
                                           'd="M0,0h5v5h-5Z"/></g>')  # fmt: skip
    in_definitions = f'<svg {NS}><defs><clipPath id="c"><path d="M0,0h5v5h-5Z"/></clipPath></defs></svg>'
    assert lighter_svg(in_definitions) == in_definitions


def test_path_data_moved_absolute_coordinates_only() -> None:
    assert _translated("M1,2L3,4H5V6C1,1,2,2,3,3Q1,1,2,2A3,3,0,1,1,7,8Z", 10, 100) == (
        "M11,102L13,104H15V106C11,101,12,102,13,103Q11,101,12,102A3,3,0,1,1,17,108Z"
    )
    assert _translated("M1,2l3,4h5v6z", 10, 100) == "M11,102l3,4h5v6z"  # relative steps stay as they are
    assert _translated("M1.2346,-0.0001", 0, 0) == "M1.235,0"
    assert _translated("m1,2l3,4", 1, 1) is None  # begins with a relative move: not read, never joined
    assert _translated("M1,2A3,3,0,11,7,8", 1, 1) is None  # arc flags run together: not read


def _png(svg: str) -> Image.Image:
    return Image.open(io.BytesIO(vl_convert.svg_to_png(svg, scale=2))).convert("RGBA")


@pytest.mark.parametrize("mark", ["line", "point", "bar"])
def test_a_real_chart_draws_pixel_for_pixel_as_before_with_fewer_elements(mark: str) -> None:
    spec = {**SPEC, "title": "A chart", "width": 300, "height": 120,
            "mark": {"type": mark, **({"point": True} if mark == "line" else {})}}  # fmt: skip
    svg = vl_convert.vegalite_to_svg(spec)
    lighter = lighter_svg(svg)
    assert lighter.count("<") < svg.count("<") / 2
    assert ImageChops.difference(_png(svg), _png(lighter)).getbbox() is None


def test_the_glossary_lists_share_one_pair_of_columns_filled_in_turn() -> None:
    css = (Path(__file__).parents[1] / "src/cscperf/report/templates/print.css").read_text(encoding="utf-8")
    rule = next(line for line in css.splitlines() if line.startswith(".glossary-lists {"))
    assert "columns: 2" in rule and "column-fill: auto" in rule
    assert not any(line.startswith(".glossary dl {") and "columns" in line for line in css.splitlines())


def test_chart_words_are_drawn_a_run_at_a_time_and_per_letter_text_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    from weasyprint import HTML, svg
    from weasyprint.svg import TAGS

    original = TAGS["text"]
    runs: list[str] = []
    with whole_words():
        assert svg.text is TAGS["text"] is TAGS["tspan"] is not original  # draw_node tells text by this name
        monkeypatch.setattr(svg_text, "_draw_run", lambda _svg, node, _size: runs.append(node.text))
        picture = (f'<svg {NS} width="200" height="40"><text transform="translate(5,20)" text-anchor="middle">'
                   'Oct 24</text><text x="5 9 13" y="30">abc</text><text dx="2" y="10">def</text></svg>')  # fmt: skip
        uri = "data:image/svg+xml;base64," + base64.b64encode(picture.encode()).decode()
        pdf = HTML(string=f'<img src="{uri}" alt="A chart">').write_pdf()
    assert svg.text is TAGS["text"] is original  # put back as it was
    assert runs == ["Oct 24"]  # per-letter places (x lists, dx) are left to WeasyPrint
    assert pdf is not None and pdf.startswith(b"%PDF")


def test_chart_words_drawn_a_run_at_a_time_read_as_words(tmp_path: Path) -> None:
    from weasyprint import HTML

    label = '<text transform="translate(150,20)" text-anchor="middle">Latest 151 in Oct 2026</text>'
    picture = f'<svg {NS} width="300" height="40">{label}</svg>'
    uri = "data:image/svg+xml;base64," + base64.b64encode(picture.encode()).decode()
    with whole_words():
        pdf = HTML(string=f'<img src="{uri}" alt="A chart">').write_pdf()
    assert pdf is not None
    (tmp_path / "a.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "a.pdf"), "-"], capture_output=True, text=True, check=True)
    assert text.stdout.split() == ["Latest", "151", "in", "Oct", "2026"]
