"""The chart renderer for Appendix 1 and the report palette: specs, SVG/PNG rendering, alt text, data tables,
edge cases and colour contrast. Synthetic figures only."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import struct
import typing
from typing import Any
from xml.etree import ElementTree

import altair as alt
import jsonschema
import pytest

from cscperf.report import charts, palette
from cscperf.report.chart_request import (
    ChartEvent,
    ChartLine,
    ChartPoint,
    ChartRequest,
    Rag,
    ReferenceKind,
    ReferenceLine,
)

UPGRADE = "Case system upgrade — counts not comparable before this date"


def month_ends(n: int, last: dt.date = dt.date(2026, 10, 31)) -> list[dt.date]:
    """The last days of n consecutive months ending with `last`'s month, oldest first."""
    ends = []
    year, month = last.year, last.month
    for _ in range(n):
        first_of_next = dt.date(year + (month == 12), month % 12 + 1, 1)
        ends.append(first_of_next - dt.timedelta(days=1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return ends[::-1]


def series(
    label: str,
    unit: str,
    decimals: int,
    values: list[float | None],
    counts: list[tuple[float, float] | None] | None = None,
) -> ChartLine:
    points = []
    for i, (end, value) in enumerate(zip(month_ends(len(values)), values, strict=True)):
        pair = counts[i] if counts else None
        points.append(
            ChartPoint(end, end.strftime("%b %Y"), value, pair[0] if pair else None, pair[1] if pair else None)
        )
    return ChartLine(label, unit, decimals, tuple(points))


ENQUIRIES: list[float | None] = [1200, 1150, 1300, 1250, 1100, 1400, 1380, 1290, 1310, 1200, 1250, 1275, 1320]
PROGRESSING: list[float | None] = [40.1, 42.5, 38.2, 45.0, 47.3, 44.2, 39.9, 41.0, 43.3, 46.1, 48.0, 44.0, 43.5]
CASELOAD: list[float | None] = [18.5, 19.2, 19.0, 18.8, 19.4, 19.9, 20.1, 19.6, 19.0, 18.9, 19.1, 19.3, 19.0]
CP_VISITS = [95.0, 96.0, 94.0, 97.0, 99.0, 93.0, 92.0, None, 94.0, 95.0, 93.0, 91.0, 92.0]


def visits_request(**changes: Any) -> ChartRequest:
    """Chart 7 of the seed: CP visits in time, with stretch target, target, England and a case-system upgrade."""
    counts: list[tuple[float, float] | None] = [None if v is None else (v, 100.0) for v in CP_VISITS[:-1]] + [
        (81.0, 88.0)
    ]
    request = ChartRequest(
        chart_id="cp_visits_in_time",
        title="Child protection visits in time",
        direction="Higher is better",
        main=series("CP visits in time", "percent", 0, list(CP_VISITS), counts),
        references=(
            ReferenceLine("Stretch target 98%", 98.0, "stretch"),
            ReferenceLine("Target 90%", 90.0, "target"),
            ReferenceLine("England 2024-25: 88%", 88.0, "england"),
        ),
        events=(ChartEvent(dt.date(2026, 3, 15), UPGRADE), ChartEvent(dt.date(2019, 4, 1), "Long before the chart")),
        latest_rag="amber",
        rag_words="Amber: within tolerance (target 90%, tolerance 85%)",
    )
    return ChartRequest(**{**request.__dict__, **changes})


def contacts_request() -> ChartRequest:
    """Chart 2 of the seed: enquiries (left axis) and % progressing to referral (right axis)."""
    return ChartRequest(
        chart_id="contacts",
        title="Enquiries and % progressing to referral",
        direction="Best within 35% to 45%",
        main=series(
            "Enquiries", "count", 0, [1200, 1150, 1300, 1250, 1100, 1400, 1380, 1290, 1310, 1200, 1250, 1275, 1320]
        ),
        secondary=series(
            "% progressing to referral",
            "percent",
            1,
            [40.1, 42.5, 38.2, 45.0, 47.3, 44.2, 39.9, 41.0, 43.3, 46.1, 48.0, 44.0, 43.5],
        ),
        latest_rag="green",
        rag_words="Green: on target",
    )


def _all_marks(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every single-view layer of a (possibly nested) layered spec."""
    out: list[dict[str, Any]] = []
    for layer in spec.get("layer", []):
        if "layer" in layer:
            out += _all_marks(layer)
        else:
            out.append(layer)
    return out


def _mark(layer: dict[str, Any]) -> dict[str, Any]:
    mark = layer["mark"]
    return mark if isinstance(mark, dict) else {"type": mark}


def _schema_errors(spec: dict[str, Any]) -> list[str]:
    schema = alt.Chart._rootschema  # the Vega-Lite JSON schema Altair ships with
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(spec)]


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


# ----------------------------------------------------------------------------------------------- palette


def test_contrast_ratio_matches_known_values() -> None:
    assert palette.contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert palette.contrast_ratio("#FFFFFF", "#000000") == pytest.approx(21.0)
    assert palette.contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert palette.contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)
    assert palette.contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert palette.contrast_ratio("fff", "#000") == pytest.approx(21.0)
    with pytest.raises(ValueError):
        palette.contrast_ratio("#12345", "#FFFFFF")


def test_every_text_and_rag_colour_is_readable_on_the_background() -> None:
    background = palette.BACKGROUND_COLOUR
    colours = {
        "text": palette.TEXT_COLOUR,
        "muted text": palette.MUTED_TEXT_COLOUR,
        **{f"rag {k}": v for k, v in palette.RAG_COLOURS.items()},
        **{f"series {k}": v for k, v in palette.SERIES_COLOURS.items()},
    }
    ratios = {name: palette.contrast_ratio(colour, background) for name, colour in colours.items()}
    assert min(ratios.values()) >= 4.5, ratios


def test_rag_chips_are_readable_both_ways() -> None:
    for rag in typing.get_args(Rag):
        # dark words on the light tint, and white words on the strong colour
        assert palette.contrast_ratio(palette.TEXT_COLOUR, palette.RAG_TINTS[rag]) >= 4.5, rag
        assert palette.contrast_ratio("#FFFFFF", palette.RAG_COLOURS[rag]) >= 4.5, rag


def test_every_status_has_a_colour_word_and_distinct_symbol() -> None:
    rags = set(typing.get_args(Rag))
    for table in (palette.RAG_COLOURS, palette.RAG_WORDS, palette.RAG_SYMBOLS, palette.RAG_TINTS, palette.RAG_SHAPES):
        assert set(table) == rags
    assert len(set(palette.RAG_SYMBOLS.values())) == len(rags)
    assert len(set(palette.RAG_COLOURS.values())) == len(rags)
    assert palette.RAG_WORDS["green"].startswith("Green")
    assert set(palette.REFERENCE_COLOURS) == set(typing.get_args(ReferenceKind))
    for kind in typing.get_args(ReferenceKind):
        assert palette.SERIES_COLOURS[kind] == palette.REFERENCE_COLOURS[kind]
    assert {"main", "secondary", "extra_1"} <= set(palette.SERIES_COLOURS)


# ----------------------------------------------------------------------------------------------- the spec


def test_spec_is_valid_vega_lite_with_target_comparator_and_event_layers() -> None:
    spec = charts.chart_spec(visits_request())
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    assert _schema_errors(spec) == []
    json.dumps(spec)  # plain JSON, nothing Altair-specific left in it

    layers = _all_marks(spec)
    rules = [layer for layer in layers if _mark(layer)["type"] == "rule"]
    reference_rules = [r for r in rules if "y" in r.get("encoding", {})]
    event_rules = [r for r in rules if "x" in r.get("encoding", {})]
    assert {v["value"] for r in reference_rules for v in r["data"]["values"]} == {98.0, 90.0, 88.0}
    # comparators dashed, the target solid
    dashes = {v["value"]: v["dash"] for r in reference_rules for v in r["data"]["values"]}
    assert dashes[88.0] != [1, 0] and dashes[90.0] == [1, 0]
    # one event inside the periods is drawn; the one from 2019 is skipped
    assert [v["date"] for r in event_rules for v in r["data"]["values"]] == ["2026-03-15"]
    texts = json.dumps(spec, ensure_ascii=False)
    assert "Long before the chart" not in texts
    assert "comparable before" in texts
    # labels in words for every reference line, with the comparator's year
    assert "England 2024-25: 88%" in texts and "Stretch target 98%" in texts
    # the direction of good is the subtitle; the latest point carries its RAG symbol and word
    assert spec["title"]["subtitle"][0] == "Higher is better"
    assert "\u25c6 92% Amber" in texts
    assert spec["description"] == charts.alt_text(visits_request())


def test_spec_axes_sizes_and_fonts_are_readable() -> None:
    spec = charts.chart_spec(visits_request())
    assert 400 <= spec["width"] <= 640 and 250 <= spec["height"] <= 350
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 12 and config["axis"]["titleFontSize"] >= 12
    assert spec["title"]["fontSize"] >= 12 and spec["title"]["subtitleFontSize"] >= 12
    for layer in _all_marks(spec):
        mark = _mark(layer)
        if mark["type"] == "text":
            assert mark.get("fontSize", config["text"]["fontSize"]) >= 12
    y_titles = [
        layer["encoding"]["y"]["axis"]["title"]
        for layer in _all_marks(spec)
        if isinstance(layer.get("encoding", {}).get("y", {}).get("axis"), dict)
    ]
    assert y_titles and set(y_titles) == {"%"}
    x_axes = [
        layer["encoding"]["x"]["axis"] for layer in _all_marks(spec) if "axis" in layer.get("encoding", {}).get("x", {})
    ]
    assert "%b %y" in x_axes[0]["labelExpr"]  # months labelled "Oct 25"
    assert len(x_axes[0]["values"]) == 13  # a tick for each of the 13 months


def test_percent_axis_and_far_comparators_stay_in_view() -> None:
    # far-off England figure: the axis stretches to include it
    caseload = ChartRequest(
        chart_id="caseload",
        title="Average caseload",
        direction="Lower is better",
        main=series(
            "Average caseload",
            "count",
            1,
            [18.5, 19.2, 19.0, 18.8, 19.4, 19.9, 20.1, 19.6, 19.0, 18.9, 19.1, 19.3, 19.0],
        ),
        references=(ReferenceLine("Target 20", 20, "target"), ReferenceLine("England 2024-25: 45", 45, "england")),
    )
    spec = charts.chart_spec(caseload)
    domain = next(
        layer["encoding"]["y"]["scale"]["domain"] for layer in _all_marks(spec) if _mark(layer)["type"] == "line"
    )
    assert domain[0] <= 18.5 and domain[1] >= 45

    assert charts.y_domain([20, 30, 80], "percent") == (0.0, 100.0)
    low, high = charts.y_domain([88, 99, 90], "percent")
    assert 0 < low <= 88 and high == 100.0
    low, high = charts.y_domain([18, 28], "percent")
    assert low == 0.0 and 28 <= high < 100
    low, high = charts.y_domain([0, 0, 0], "count")
    assert low == 0.0 and high > 0
    low, high = charts.y_domain([374, 374], "count")
    assert low < 374 < high
    assert charts.y_domain([], "percent") == (0.0, 100.0)


def test_secondary_series_gets_its_own_right_hand_axis_and_a_legend() -> None:
    spec = charts.chart_spec(contacts_request())
    assert _schema_errors(spec) == []
    assert spec["resolve"] == {"scale": {"y": "independent"}}
    right_axes = [
        layer["encoding"]["y"]["axis"]
        for layer in _all_marks(spec)
        if isinstance(layer.get("encoding", {}).get("y", {}).get("axis"), dict)
        and layer["encoding"]["y"]["axis"].get("orient") == "right"
    ]
    assert right_axes and right_axes[0]["title"] == "% progressing to referral"
    legends = [
        layer["encoding"]["color"]["legend"]
        for layer in _all_marks(spec)
        if isinstance(layer.get("encoding", {}).get("color", {}).get("legend"), dict)
    ]
    assert legends


def test_band_is_shaded_and_labelled() -> None:
    request = visits_request(references=(), band=(18.0, 25.0), events=(), direction="Best within 18% to 25%")
    spec = charts.chart_spec(request)
    rects = [layer for layer in _all_marks(spec) if _mark(layer)["type"] == "rect"]
    assert rects and rects[0]["data"]["values"] == [{"low": 18.0, "high": 25.0}]
    assert "Best range 18% to 25%" in json.dumps(spec)
    assert _schema_errors(spec) == []


# ----------------------------------------------------------------------------------------------- rendering


def test_svg_has_the_title_and_rag_word_and_png_is_a_png() -> None:
    request = visits_request()
    svg = charts.render_svg(request)
    assert svg.lstrip().startswith("<svg")
    assert "Child protection visits in time" in svg
    assert "Amber" in svg and "Higher is better" in svg
    assert "Oct 25" in svg and "Oct 26" in svg
    assert "England 2024-25: 88%" in svg
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-label") == charts.alt_text(request)
    assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert "href=" not in svg and "url(http" not in svg  # self-contained
    png = charts.render_png(request)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = _png_size(png)
    small_width, _ = _png_size(charts.render_png(request, scale=1.0))
    assert width == pytest.approx(2 * small_width, abs=2)
    assert 560 <= small_width <= 760 and height > width / 3


@pytest.mark.parametrize(
    "request_",
    [
        pytest.param(
            visits_request(main=series("CP visits in time", "percent", 0, [None] * 13), latest_rag="none"),
            id="all-none",
        ),
        pytest.param(visits_request(main=series("CP visits in time", "percent", 0, [88.0])), id="single-point"),
        pytest.param(visits_request(main=series("PEPs", "percent", 0, [100.0] * 13)), id="flat"),
        pytest.param(visits_request(main=ChartLine("Nothing", "percent", 0, ())), id="no-points"),
        pytest.param(
            visits_request(main=series("Early help assessments", "count", 0, [float(100 + i % 9) for i in range(60)])),
            id="five-years",
        ),
        pytest.param(contacts_request(), id="secondary"),
        pytest.param(
            visits_request(
                extra=(series("2 years or more", "count", 0, [0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]),),
                main=series("Over 12 months", "count", 0, [12, 14, 13, 12, 11, 12, 10, 9, 12, 13, 12, 14, 12]),
            ),
            id="extra-series",
        ),
    ],
)
def test_edge_cases_render(request_: ChartRequest) -> None:
    spec = charts.chart_spec(request_)
    assert _schema_errors(spec) == []
    svg = charts.render_svg(request_)
    assert request_.title in svg
    assert charts.render_png(request_, scale=1.0).startswith(b"\x89PNG")
    assert charts.alt_text(request_)
    headers, rows = charts.data_table(request_)
    assert all(len(row) == len(headers) for row in rows)


def test_missing_months_break_the_line_rather_than_drop_to_zero() -> None:
    spec = charts.chart_spec(visits_request())
    line = next(layer for layer in _all_marks(spec) if _mark(layer)["type"] == "line")
    assert _mark(line)["invalid"] == "break-paths-show-domains"
    may = [v for v in line["data"]["values"] if v["date"] == "2026-05-31"]
    assert may == [{"series": "CP visits in time", "date": "2026-05-31", "period": "May 2026", "value": None}]


def test_all_none_series_says_so() -> None:
    request = visits_request(main=series("CP visits in time", "percent", 0, [None] * 13), latest_rag="none")
    assert "No data for these periods" in charts.render_svg(request)
    assert "no figures" in charts.alt_text(request)


# ----------------------------------------------------------------------------------------------- words and tables


def test_alt_text_states_period_latest_value_trend_target_direction_and_rag() -> None:
    text = charts.alt_text(visits_request())
    assert "Child protection visits in time" in text
    assert "Oct 2025 to Oct 2026" in text
    assert "latest 92% in Oct 2026 (81 of 88)" in text
    assert "down from 95% a year earlier" in text
    assert "Higher is better" in text
    assert "Target 90%" in text and "England 2024-25: 88%" in text
    assert "Amber: within tolerance" in text
    assert "Marked on the chart: 15 March 2026, " + UPGRADE in text  # the event in range, not the old one
    assert "Long before" not in text
    assert text.count(". ") <= 2  # short: two sentences and the events

    rate = ChartRequest(
        chart_id="cla_rate",
        title="Children in care per 10,000",
        direction="Lower is better",
        main=series("Rate", "rate_per_10k", 0, [70, 71, 72, 73, 74, 75, 76, 77, 76, 75, 75, 74, 75]),
    )
    assert "latest 75 per 10,000 children in Oct 2026, up from 70 per 10,000 children a year earlier" in (
        charts.alt_text(rate)
    )


def test_data_table_has_a_row_per_period_with_counts_references_and_events() -> None:
    headers, rows = charts.data_table(visits_request())
    assert headers == [
        "Period",
        "CP visits in time (%)",
        "CP visits in time (number of total)",
        "Stretch target 98%",
        "Target 90%",
        "England 2024-25: 88%",
        "Events",
    ]
    assert len(rows) == 13
    assert [row[0] for row in rows][:2] == ["Oct 2025", "Nov 2025"]
    assert rows[-1] == ["Oct 2026", "92", "81 of 88", "98", "90", "88", ""]
    may = next(row for row in rows if row[0] == "May 2026")
    assert may[1:3] == ["No data", "No data"]
    march = next(row for row in rows if row[0] == "Mar 2026")
    assert march[-1] == f"15 Mar 2026: {UPGRADE}"
    assert not any("Long before" in cell for row in rows for cell in row)


def test_data_table_rounds_to_the_series_decimals_and_includes_the_secondary() -> None:
    headers, rows = charts.data_table(contacts_request())
    assert headers == ["Period", "Enquiries (number)", "% progressing to referral (%)"]
    assert rows[-1] == ["Oct 2026", "1,320", "43.5"]
    assert rows[0] == ["Oct 2025", "1,200", "40.1"]

    band = visits_request(band=(18.0, 25.0), references=(), events=())
    headers, rows = charts.data_table(band)
    assert headers[-1] == "Best range" and rows[0][-1] == "18% to 25%"


# ----------------------------------------------------------------------------------------------- layout helpers


def test_margin_labels_never_overlap_and_stay_near_their_lines() -> None:
    wanted = [100.0, 102.0, 104.0, 290.0, 299.0]
    heights = [14.0, 28.0, 14.0, 14.0, 28.0]
    tops = charts._spread_labels(wanted, heights)
    spans = sorted(zip(tops, heights, strict=True))
    for (top, height), (next_top, _) in itertools.pairwise(spans):
        assert next_top >= top + height  # no overlap
    assert abs(tops[0] + heights[0] / 2 - 100.0) <= 30
    assert max(t + h for t, h in zip(tops, heights, strict=True)) <= charts.CHART_HEIGHT + charts.LINE_HEIGHT_PX


def test_long_margin_labels_wrap_without_a_scrap_on_the_last_line() -> None:
    assert charts._wrap_label("England 2024-25: 88%") == ["England 2024-25: 88%"]
    assert charts._wrap_label("East of England 2024-25: 60") == ["East of England", "2024-25: 60"]


def test_chart_font_subset_keeps_dejavu_widths() -> None:
    if not charts.FONT_FAMILY.startswith(charts.SUBSET_FAMILY):
        pytest.skip("this machine draws charts in another font")
    from fontTools.ttLib import TTFont

    folder = charts.prepare_fonts()
    assert folder is not None
    full = TTFont(str(charts._installed_fonts()["dejavusans.ttf"]))
    part = TTFont(str(folder / "DejaVuSansSubset.ttf"))
    assert part["name"].getDebugName(1) == charts.SUBSET_FAMILY
    full_map, part_map = full.getBestCmap(), part.getBestCmap()
    for char in "Oct 25 Target 90% England 2024-25: 88 \u25b2\u25c6 \u2014 Ynys M\u00f4n":
        code = ord(char)
        assert full["hmtx"][full_map[code]][0] == part["hmtx"][part_map[code]][0], char


def test_warm_up_gets_the_renderer_ready_in_either_mode() -> None:
    assert charts.warm_up(background=False) is None
    thread = charts.warm_up()
    assert thread is not None
    thread.join(timeout=60)
    assert not thread.is_alive()


def test_spec_also_renders_with_vega_lite_5() -> None:
    import vl_convert

    fives = [v for v in vl_convert.get_vegalite_versions() if v.startswith("5.")]
    if not fives:
        pytest.skip("this vl-convert carries no Vega-Lite 5")
    request = visits_request()
    svg = vl_convert.vegalite_to_svg(charts.chart_spec(request), vl_version=fives[-1])
    assert "Child protection visits in time" in svg and "Stretch target 98%" in svg
