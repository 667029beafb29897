"""The seams the parallel work plugs into: SPC icons shown when figures carry them, "not available" (with
the engine's reason) when a point has no value."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from cscperf.indicators.definition import load_library
from cscperf.indicators.engine import Point
from cscperf.web.figures import value_text
from cscperf.web.spc_seam import icons_for


def test_spc_icons_come_from_the_figures_analysis() -> None:
    figures = SimpleNamespace(spc=SimpleNamespace(variation_icon="concern_low", assurance_icon="fail"))
    icons = icons_for(figures)
    assert [(i.kind, i.code) for i in icons] == [("variation", "concern_low"), ("assurance", "fail")]
    assert all(i.words for i in icons)
    assert icons_for(SimpleNamespace(spc=None)) == []
    assert icons_for(SimpleNamespace(spc=SimpleNamespace(variation_icon=None, assurance_icon=None))) == []


def test_a_point_with_no_value_reads_not_available_with_its_reason() -> None:
    visits = load_library()["cp_visits_in_time"]
    day = dt.date(2026, 10, 31)
    bare = Point("001", day.replace(day=1), day, 0.0, None, None, 0)
    assert value_text(visits, bare) == f"not available (no {visits.counts} in the period to measure)"  # 0 of 0
    why = Point(
        "001", day.replace(day=1), day, None, None, None, 0, coverage="none", reason="no visits in the data loaded"
    )
    assert value_text(visits, why) == "not available (no visits in the data loaded)"
    zero = Point("001", day.replace(day=1), day, 0.0, 10.0, 0.0, 10)
    assert value_text(visits, zero) == "0%"
    part = Point("001", day.replace(day=1), day, 9.0, 10.0, 90.0, 10, coverage="part")
    assert value_text(visits, part) == "90% (the data end within this month)"
