"""The indicator library as Markdown, for docs/indicators.md (generated, never edited by hand)."""

from __future__ import annotations

from cscperf.indicators.definition import load_library
from cscperf.indicators.settings import IndicatorSettings

SECTIONS = {
    "early_help": "Early help",
    "front_door": "Contacts, referrals and assessments",
    "child_protection": "Safeguarding and child protection",
    "children_in_care": "Children in care",
    "workforce": "Workforce and caseloads",
}
UNITS = {"count": "count", "percent": "per cent", "rate_per_10k": "rate per 10,000 aged 0-17", "ratio": "ratio",
         "days": "days"}  # fmt: skip


def library_markdown() -> str:
    library = load_library()
    out = [
        "# The indicator library",
        "",
        "Generated from `src/cscperf/indicators/definitions/*.yml` by `cscperf kpis list --format markdown`; do not",
        "edit by hand. Each indicator is declared once, as data plus SQL, and that one definition gives the",
        "headline figure, the monthly series, the breakdowns and the drill-down list. See",
        "[indicator-engine.md](indicator-engine.md) for how they are computed.",
        "",
        "| Id | Title | Unit | Which way is good | Decimals | Kind |",
        "|---|---|---|---|---|---|",
    ]
    for ind in library.values():
        good = ind.polarity_words + (f" ({ind.band[0]:g}-{ind.band[1]:g})" if ind.band else "")
        out.append(f"| `{ind.id}` | {ind.title} | {UNITS[ind.unit]} | {good} | {ind.decimals} | {ind.period_kind} |")
    for section, heading in SECTIONS.items():
        out += ["", f"## {heading}"]
        for ind in (i for i in library.values() if i.section == section):
            out += [
                "",
                f"### `{ind.id}` — {ind.title}",
                "",
                " ".join(ind.description.split()),
                "",
                f"- Unit: {UNITS[ind.unit]}, rounded to {ind.decimals} decimal place{'s' if ind.decimals != 1 else ''}"
                f"; counts {ind.counts}; {ind.period_kind} measure.",
                f"- Which way is good: {ind.polarity_words}"
                + (f", band {ind.band[0]:g} to {ind.band[1]:g}" if ind.band else "")
                + (f"; default target {ind.target:g}" if ind.target is not None else "")
                + ".",
                f"- Source of the definition: {ind.source}.",
            ]
    out += ["", "## Settings", "", "Set in the `[indicator_settings]` table of `cscperf.toml` (`--config`).", "",
            "| Setting | Default | Meaning |", "|---|---|---|"]  # fmt: skip
    for name, field in IndicatorSettings.model_fields.items():
        out.append(f"| `{name}` | `{field.default}` | {field.description} |")
    return "\n".join(out) + "\n"
