"""Where statistical process control (issue 13) plugs in. When an indicator's figures carry an SPC analysis
(`figures.spc`, with `variation_icon` and `assurance_icon`, as `cscperf kpis --spc` and the report give them),
the dashboard and the indicator page show the two Making Data Count icons, each with its words (never colour
alone); the icons' SVG and words come from `cscperf.analysis.spc_icons` when it is installed. Until then, or
for a measure with nothing to judge, they show nothing."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

VARIATION = {
    "common_cause": "Common cause variation: no signal",
    "improvement_high": "Special cause: improvement (high)",
    "improvement_low": "Special cause: improvement (low)",
    "concern_high": "Special cause: concern (high)",
    "concern_low": "Special cause: concern (low)",
    "neutral_high": "Special cause: unusually high",
    "neutral_low": "Special cause: unusually low",
}
ASSURANCE = {
    "pass": "Will consistently meet the target",
    "fail": "Will consistently miss the target",
    "hit_and_miss": "Will hit and miss the target at random",
}


@dataclass(frozen=True)
class Icon:
    kind: str  # "variation" or "assurance"
    code: str  # e.g. "improvement_high", "pass"
    words: str
    svg: str  # decorative SVG (aria-hidden; the words say it), or "" without the icons module


def _icons_module() -> Any | None:
    try:
        return importlib.import_module("cscperf.analysis.spc_icons")
    except ImportError:
        return None


def _codes(figures: Any) -> tuple[str | None, str | None]:
    analysis = getattr(figures, "spc", None)
    source = analysis if analysis is not None else figures
    return getattr(source, "variation_icon", None), getattr(source, "assurance_icon", None)


def icons_for(figures: Any) -> list[Icon]:
    variation, assurance = _codes(figures)
    module = _icons_module()
    out = []
    if variation in VARIATION:
        words = module.variation_label(variation) if module else VARIATION[variation]
        svg = module.variation_svg(variation, size=24, decorative=True) if module else ""
        out.append(Icon("variation", variation, words, svg))
    if assurance in ASSURANCE:
        words = module.assurance_label(assurance) if module else ASSURANCE[assurance]
        svg = module.assurance_svg(assurance, size=24, decorative=True) if module else ""
        out.append(Icon("assurance", assurance, words, svg))
    return out
