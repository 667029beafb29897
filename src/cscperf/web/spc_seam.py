"""Where statistical process control (issue 13) plugs in: when the figures carry the SPC fields (a
`variation_icon` and an `assurance_icon`, as `cscperf kpis --spc` gives them), the dashboard and the
indicator page show the two icons as symbols with words; until then they show nothing."""

from __future__ import annotations

from typing import Any

VARIATION = {
    "common_cause": ("~", "Common cause variation: no signal"),
    "improvement_high": ("↑", "Special cause: improvement (high)"),
    "improvement_low": ("↓", "Special cause: improvement (low)"),
    "concern_high": ("↑!", "Special cause: concern (high)"),
    "concern_low": ("↓!", "Special cause: concern (low)"),
    "neutral_high": ("↑", "Special cause: higher (neither better nor worse)"),
    "neutral_low": ("↓", "Special cause: lower (neither better nor worse)"),
}
ASSURANCE = {
    "pass": ("P", "Will consistently meet the target"),
    "fail": ("F", "Will consistently miss the target"),
    "hit_and_miss": ("?", "Will hit and miss the target at random"),
}


def icons_for(figures: Any) -> list[tuple[str, str]]:
    out = []
    variation = getattr(figures, "variation_icon", None)
    assurance = getattr(figures, "assurance_icon", None)
    if variation in VARIATION:
        out.append(VARIATION[variation])
    if assurance in ASSURANCE:
        out.append(ASSURANCE[assurance])
    return out


def spc_available(figures: dict[str, Any]) -> bool:
    return any(icons_for(f) for f in figures.values())
