"""The chart renderer for Appendix 1 and the report palette: each layer builder on its own (target, comparators
over their years, process limits, series, events, margin words), the composed spec (one measure on one axis,
counts from zero, events on their true date, no title, legend words never repeated), SVG and PNG rendering, alt
text, the figures (every month down, or the latest 13 across for print), edge cases and colour contrast.
Synthetic figures only."""

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

from cscperf.report import chart_layers, charts, palette
from cscperf.report.chart_request import (
    ChartEvent,
    ChartLine,
    ChartPoint,
    ChartRequest,
    ComparatorSeries,
    PublishedPoint,
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


ENGLAND = ComparatorSeries("england", "England", (PublishedPoint(dt.date(2025, 3, 31), 88.0, "2024-25"),
                                                   PublishedPoint(dt.date(2026, 3, 31), 86.0, "2025-26")))  # fmt: skip


def visits_request(**changes: Any) -> ChartRequest:
    """Chart 7 of the seed: CP visits in time, with a stretch target, England over two years and a case-system
    upgrade."""
    counts: list[tuple[float, float] | None] = [None if v is None else (v, 100.0) for v in CP_VISITS[:-1]] + [
        (81.0, 88.0)
    ]
    request = ChartRequest(
        chart_id="cp_visits_in_time",
        title="Chart 7: Child protection visits in time",
        direction="Higher is better",
        main=series("CP visits in time", "percent", 0, list(CP_VISITS), counts),
        references=(ReferenceLine("Stretch target 98%", 98.0, "stretch"),),
        comparators=(ENGLAND,),
        events=(ChartEvent(dt.date(2026, 3, 2), UPGRADE), ChartEvent(dt.date(2019, 4, 1), "Long before the chart")),
        latest_rag="amber",
        rag_words="The latest month: Amber: below target, within tolerance",
        counts=("visits in time", "visits due"),
    )
    return ChartRequest(**{**request.__dict__, **changes})


def contacts_request() -> ChartRequest:
    """Chart 2 of the seed as one measure: % progressing to referral, the contacts in its figures only."""
    return ChartRequest(
        chart_id="contacts",
        title="Chart 2: Contacts becoming referrals",
        direction="Best between 35% and 45%",
        main=series("% progressing to referral", "percent", 1, list(PROGRESSING)),
        secondary=series("Enquiries", "count", 0, list(ENQUIRIES)),
        band=(35.0, 45.0),
        latest_rag="green",
        rag_words="Green: within the band",
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


# ----------------------------------------------------------------------------------------------- the spec


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return _all_marks(spec)


def _y_domain(spec: dict[str, Any]) -> list[float]:
    return next(layer["encoding"]["y"]["scale"]["domain"] for layer in _layers(spec)
                if isinstance(layer.get("encoding", {}).get("y", {}).get("scale"), dict))  # fmt: skip


def test_spec_is_valid_vega_lite_one_measure_on_one_axis_with_no_title() -> None:
    for request in (visits_request(), contacts_request()):
        spec = charts.chart_spec(request)
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        assert _schema_errors(spec) == []
        json.dumps(spec)  # plain JSON
        assert "title" not in spec and "resolve" not in spec  # the heading is the title; never a second axis
        axes = {json.dumps(layer["encoding"]["y"]["axis"]) for layer in _layers(spec)
                if isinstance(layer.get("encoding", {}).get("y", {}).get("axis"), dict)}  # fmt: skip
        assert len(axes) == 1
        assert spec["description"] == charts.alt_text(request)
    # a second series in another unit is not drawn: it is in the figures
    contacts = json.dumps(charts.chart_spec(contacts_request()))
    assert "Enquiries" not in contacts
    assert "Enquiries (number)" in charts.data_table(contacts_request())[0]


def test_text_is_12_pixels_or_more_and_prints_at_9_points() -> None:
    spec = charts.chart_spec(visits_request())
    config = spec["config"]
    assert config["axis"]["labelFontSize"] >= 12 and config["axis"]["titleFontSize"] >= 12
    assert config["legend"]["labelFontSize"] >= 12
    for layer in _layers(spec):
        mark = _mark(layer)
        if mark["type"] == "text":
            assert mark.get("fontSize", config["text"]["fontSize"]) >= 12
    width, _ = charts.svg_size(charts.render_svg(visits_request()))
    assert charts.print_width_mm(charts.render_svg(visits_request())) == pytest.approx(width * charts.MM_PER_PX)
    assert 12 * charts.MM_PER_PX / 25.4 * 72 >= 9  # 12 px at the printed scale is 9 pt or more
    assert width * charts.MM_PER_PX <= charts.MAX_PRINT_WIDTH_MM


def test_counts_start_at_zero_and_percentages_say_where_they_start() -> None:
    assert charts.y_domain([374, 374], "count")[0] == 0
    assert charts.y_domain([17.5, 20, 15.2], "ratio")[0] == 0
    assert charts.y_domain([20, 30, 80], "percent") == (0.0, 100.0)
    low, high = charts.y_domain([88, 99, 90], "percent")
    assert 0 < low <= 88 and high == 100.0
    assert charts.y_domain([], "percent") == (0.0, 100.0)
    request = visits_request()
    assert charts.axis_note(request, charts.y_domain_of(request)).startswith("The axis starts at ")
    caseload = ChartRequest("caseload", "Average caseload", "Lower is better", series("Caseload", "ratio", 1,
                            list(CASELOAD)), references=(ReferenceLine("Target 20", 20, "target"),))  # fmt: skip
    assert _y_domain(charts.chart_spec(caseload))[0] == 0
    assert charts.axis_note(caseload, charts.y_domain_of(caseload)) == ""


def test_months_sit_in_the_middle_and_events_on_their_true_date() -> None:
    spec = charts.chart_spec(visits_request())
    main = next(layer for layer in _layers(spec) if _mark(layer)["type"] == "line"
                and _mark(layer).get("strokeWidth") == 2.5)  # fmt: skip
    march = next(v for v in main["data"]["values"] if v["date"].startswith("2026-03"))
    assert march["date"] == "2026-03-16"  # the middle of March
    rules = [layer for layer in _layers(spec) if _mark(layer)["type"] == "rule" and "date" in layer["data"]["values"][0]
             ]  # fmt: skip
    assert [v["date"] for r in rules for v in r["data"]["values"]] == ["2026-03-02"]  # inside March, before its point
    texts = json.dumps(spec)
    assert "Long before the chart" not in texts and UPGRADE not in texts  # the words go beside the chart
    assert charts.event_words(visits_request()) == [f"1: 2 March 2026, {UPGRADE[:1].lower()}{UPGRADE[1:]}"]


def test_the_target_is_drawn_with_the_series_it_judges() -> None:
    rolling = series("12 months to each month", "percent", 0, [90.0] * 13)
    request = visits_request(rolling=rolling, judged="12 months")
    spec = charts.chart_spec(request)
    layers = _layers(spec)
    lines = [layer for layer in layers if _mark(layer)["type"] == "line" and layer["data"]["values"][0].get("key")
             in ("Each month", "12 months to each month")]  # fmt: skip
    assert {layer["data"]["values"][0]["key"] for layer in lines} == {"Each month", "12 months to each month"}
    faint = next(layer for layer in lines if layer["data"]["values"][0]["key"] == "Each month")
    assert _mark(faint)["opacity"] < 1  # the months behind the judged 12 months
    latest = next(layer for layer in layers if _mark(layer).get("size") == 230)
    assert latest["data"]["values"][0]["value"] == 90.0  # the status marker sits on the judged series
    assert any(_mark(layer)["type"] == "rule" and layer["data"]["values"] == [{"value": 98.0}] for layer in layers)


def test_comparators_are_the_trend_between_published_years() -> None:
    frame = charts._frame(visits_request())
    legend = chart_layers.Legend([], [], [])
    layers = chart_layers.comparator_layers(frame, legend, (ENGLAND,))
    line = next(layer for layer in layers if _mark(layer)["type"] == "line")
    assert [v["value"] for v in line["data"]["values"]] == [88.0, 86.0]  # two years, not one flat line
    assert _mark(line)["clip"] is True
    points = next(layer for layer in layers if _mark(layer)["type"] == "point")
    assert [v["date"] for v in points["data"]["values"]] == ["2026-03-31"]  # the year inside the chart
    assert legend.keys == ["England"]


def test_legend_names_each_line_once() -> None:
    legend = chart_layers.Legend([], [], [])
    for key in ("Our council", "England", "Mean", "Process limits", "England"):
        legend.add(key, "#000000", [1, 0])
    assert legend.keys == ["Our council", "England", "Mean", "Process limits"]
    svg = charts.render_svg(visits_request())
    root = ElementTree.fromstring(svg)
    svg_g, svg_text = "{http://www.w3.org/2000/svg}g", "{http://www.w3.org/2000/svg}text"
    labels = [
        t.text for g in root.iter(svg_g) if "role-legend-label" in (g.get("class") or "") for t in g.iter(svg_text)
    ]
    assert labels and len(labels) == len(set(labels))
    placed = legend.placed()
    widths = [len(k) * 7 + 34 for k in legend.keys]
    assert placed["columns"] == 4 and sum(widths) + 42 <= chart_layers.LEGEND_WIDTH


def test_band_is_shaded_and_named_in_the_margin() -> None:
    spec = charts.chart_spec(contacts_request())
    rects = [layer for layer in _layers(spec) if _mark(layer)["type"] == "rect"]
    assert rects and rects[0]["data"]["values"] == [{"low": 35.0, "high": 45.0}]
    assert '["Best 35% to", "45%"]' in json.dumps(spec)
    assert _schema_errors(spec) == []


# ----------------------------------------------------------------------------------------------- rendering


def test_svg_is_named_by_its_alt_text_and_png_is_a_png() -> None:
    request = visits_request()
    svg = charts.render_svg(request)
    assert svg.lstrip().startswith("<svg")
    assert "\u25c6 92% Amber" in svg and "Stretch target" in svg
    assert "Oct 25" in svg and "Oct 26" in svg
    root = ElementTree.fromstring(svg)  # well-formed XML
    assert root.get("role") == "img" and root.get("aria-label") == charts.alt_text(request)
    assert root.find("{http://www.w3.org/2000/svg}title").text == request.title  # type: ignore[union-attr]
    assert "href=" not in svg and "url(http" not in svg  # self-contained
    png = charts.render_png(request)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = _png_size(png)
    small_width, _ = _png_size(charts.render_png(request, scale=1.0))
    assert width == pytest.approx(2 * small_width, abs=2)
    assert 500 <= small_width <= 660 and height > width / 4


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
                events=(
                    ChartEvent(dt.date(2026, 3, 2), "A"),
                    ChartEvent(dt.date(2026, 3, 9), "B"),
                    ChartEvent(dt.date(2026, 3, 20), "C", True),
                )
            ),
            id="events-close",
        ),
    ],
)
def test_edge_cases_render(request_: ChartRequest) -> None:
    spec = charts.chart_spec(request_)
    assert _schema_errors(spec) == []
    svg = charts.render_svg(request_)
    assert svg.lstrip().startswith("<svg")
    assert charts.render_png(request_, scale=1.0).startswith(b"\x89PNG")
    assert charts.alt_text(request_)
    headers, rows = charts.data_table(request_)
    assert all(len(row) == len(headers) for row in rows)
    headers, rows = charts.print_table(request_)
    assert all(len(row) == len(headers) for row in rows)


def test_missing_months_break_the_line_rather_than_drop_to_zero() -> None:
    spec = charts.chart_spec(visits_request())
    line = next(layer for layer in _layers(spec) if _mark(layer)["type"] == "line"
                and _mark(layer).get("strokeWidth") == 2.5)  # fmt: skip
    assert _mark(line)["invalid"] == "break-paths-show-domains"
    may = [v for v in line["data"]["values"] if v["date"].startswith("2026-05")]
    assert may == [{"date": "2026-05-16", "value": None, "key": "Our council"}]


def test_all_none_series_says_so() -> None:
    request = visits_request(main=series("CP visits in time", "percent", 0, [None] * 13), latest_rag="none")
    assert "No figures for these months" in charts.render_svg(request)
    assert "no figures" in charts.alt_text(request)


# ----------------------------------------------------------------------------------------------- words and tables


def test_alt_text_states_period_latest_value_trend_target_comparators_direction_and_rag() -> None:
    text = charts.alt_text(visits_request())
    assert "Child protection visits in time" in text and "Chart 7" not in text
    assert "Oct 2025 to Oct 2026" in text
    assert "latest 92% in Oct 2026 (81 of 88)" in text
    assert "down from 95% a year earlier" in text
    assert "Higher is better" in text
    assert "Stretch target 98%" in text and "England 2024-25 88%, 2025-26 86%" in text
    assert "Amber" in text
    assert f"Marked on the chart: 1: 2 March 2026, {UPGRADE[:1].lower()}" in text
    assert "Long before" not in text

    rate = ChartRequest(
        chart_id="cla_rate",
        title="Children in care per 10,000",
        direction="Neither higher nor lower is better",
        main=series("Rate", "rate_per_10k", 0, [70, 71, 72, 73, 74, 75, 76, 77, 76, 75, 75, 74, 75]),
    )
    assert "latest 75 per 10,000 children in Oct 2026, up from 70 per 10,000 children a year earlier" in (
        charts.alt_text(rate)
    )


def test_data_table_has_a_row_per_month_with_what_the_counts_count_and_events() -> None:
    headers, rows = charts.data_table(visits_request())
    assert headers == ["Period", "CP visits in time (%)", "Visits in time", "Visits due", "Events"]
    assert len(rows) == 13
    assert [row[0] for row in rows][:2] == ["Oct 2025", "Nov 2025"]
    assert rows[-1] == ["Oct 2026", "92", "81", "88", ""]
    may = next(row for row in rows if row[0] == "May 2026")
    assert may[1:4] == ["No data", "No data", "No data"]
    march = next(row for row in rows if row[0] == "Mar 2026")
    assert march[-1] == f"1: 2 Mar 2026, {UPGRADE[:1].lower()}{UPGRADE[1:]}"
    assert not any("Long before" in cell for row in rows for cell in row)


def test_printed_figures_run_across_the_latest_13_months() -> None:
    headers, rows = charts.print_table(visits_request(main=series("CP visits in time", "percent", 0, [95.0] * 25,
                                                                  [(95.0, 100.0)] * 25)))  # fmt: skip
    assert len(headers) == 14 and headers[1] == "Oct 25" and headers[-1] == "Oct 26"
    assert [row[0] for row in rows] == ["CP visits in time (%)", "Visits in time", "Visits due"]


# ----------------------------------------------------------------------------------------------- layout helpers


def test_margin_labels_never_overlap_and_stay_near_their_lines() -> None:
    wanted = [100.0, 102.0, 104.0, 150.0, 159.0]
    heights = [15.0, 30.0, 15.0, 15.0, 30.0]
    tops = chart_layers.spread_labels(wanted, heights, -7.5, charts.CHART_HEIGHT + 7.5)
    spans = sorted(zip(tops, heights, strict=True))
    for (top, height), (next_top, _) in itertools.pairwise(spans):
        assert next_top >= top + height  # no overlap
    assert abs(tops[0] + heights[0] / 2 - 100.0) <= 60
    assert max(t + h for t, h in zip(tops, heights, strict=True)) <= charts.CHART_HEIGHT + 7.5 + 1e-9
    assert min(tops) >= -7.5


def test_long_margin_labels_wrap() -> None:
    assert chart_layers.wrap_label("Target 98%") == ["Target 98%"]
    assert chart_layers.wrap_label("Best 18% to 24%") == ["Best 18% to", "24%"]


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
    assert "Stretch target" in svg and "England" in svg
