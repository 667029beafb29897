"""The chart cache: a chart drawn once is taken from the cache folder the next time, byte for byte the same; a
changed spec, scale or turned-off cache draws afresh; a cache folder that cannot be written never stops a chart."""

from __future__ import annotations

from pathlib import Path

import pytest
import vl_convert

from cscperf.report import chart_cache, charts

SPEC = {
    "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
    "data": {"values": [{"x": 1, "y": 2}, {"x": 2, "y": 3}]},
    "mark": "line",
    "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}},
}


class Counting:
    """vl-convert's two drawing calls, counted."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.svg = self.png = 0
        real_svg, real_png = vl_convert.vegalite_to_svg, vl_convert.svg_to_png

        def to_svg(*args: object, **kwargs: object) -> str:
            self.svg += 1
            return real_svg(*args, **kwargs)  # type: ignore[arg-type]

        def to_png(*args: object, **kwargs: object) -> bytes:
            self.png += 1
            return real_png(*args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(vl_convert, "vegalite_to_svg", to_svg)
        monkeypatch.setattr(vl_convert, "svg_to_png", to_png)


def test_a_chart_drawn_once_comes_from_the_cache_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSCPERF_CHART_CACHE", str(tmp_path))
    calls = Counting(monkeypatch)
    first = charts.draw_spec_svg(SPEC)
    again = charts.draw_spec_svg(SPEC)
    assert (calls.svg, again) == (1, first)
    assert first.startswith("<svg") and len(list(tmp_path.rglob("*.svg"))) == 1
    png = charts.svg_png(first, 2.0)
    assert charts.svg_png(first, 2.0) == png and calls.png == 1
    assert png.startswith(b"\x89PNG")


def test_a_changed_spec_or_scale_is_drawn_afresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSCPERF_CHART_CACHE", str(tmp_path))
    calls = Counting(monkeypatch)
    svg = charts.draw_spec_svg(SPEC)
    changed = {**SPEC, "mark": "point"}
    assert charts.draw_spec_svg(changed) != svg
    charts.svg_png(svg, 2.0)
    charts.svg_png(svg, 3.0)
    assert (calls.svg, calls.png) == (2, 2)


def test_the_cache_turned_off_draws_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CSCPERF_CHART_CACHE", "off")
    assert chart_cache.cache_folder() is None
    calls = Counting(monkeypatch)
    charts.draw_spec_svg(SPEC)
    charts.draw_spec_svg(SPEC)
    assert calls.svg == 2


def test_an_unwritable_cache_folder_still_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CSCPERF_CHART_CACHE", str(blocked))
    assert charts.draw_spec_svg(SPEC).startswith("<svg")


def test_the_default_cache_folder_is_under_the_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CSCPERF_CHART_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert chart_cache.cache_folder() == tmp_path / "cscperf" / "charts"


def test_a_chart_is_known_to_be_kept_once_drawn_and_only_then(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `write_report` asks before drawing every chart in its own process (see writer._all_remembered)."""
    from .test_report_charts import visits_request

    request = visits_request()
    monkeypatch.setenv("CSCPERF_CHART_CACHE", str(tmp_path))
    assert not charts.svg_remembered(request)
    charts._draw_svg(request)
    assert charts.svg_remembered(request)
    assert not charts.svg_remembered(visits_request(title="Another chart"))
    monkeypatch.setenv("CSCPERF_CHART_CACHE", "off")
    assert not charts.svg_remembered(request)


def test_the_second_process_readies_itself_to_draw_only_when_the_cache_has_no_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`write_report` has its second process load the chart modules at once only when it will draw charts."""
    from cscperf.report import writer

    monkeypatch.setenv("CSCPERF_CHART_CACHE", "off")
    assert writer._charts_to_draw()
    monkeypatch.setenv("CSCPERF_CHART_CACHE", str(tmp_path / "new"))
    assert writer._charts_to_draw()  # no folder yet
    charts.draw_spec_svg(SPEC)
    assert not writer._charts_to_draw()
