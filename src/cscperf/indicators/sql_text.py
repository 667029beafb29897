"""Turn an indicator's declared SQL into the SQL that runs: shared fragments and settings put in place."""

from __future__ import annotations

import re

from cscperf.indicators.definition import Indicator, load_fragments
from cscperf.indicators.settings import IndicatorSettings

FRAGMENT = re.compile(r"\{\{>\s*([a-z_]+)\s*\}\}")
SETTING = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def fragments_used(indicator: Indicator) -> set[str]:
    """Names of the shared fragments an indicator's SQL uses."""
    return set(FRAGMENT.findall(indicator.sql))


def indicator_sql(indicator: Indicator, settings: IndicatorSettings, materialised: dict[str, str] | None = None) -> str:
    """The runnable SQL of an indicator under the given settings (DuckDB dialect). Fragments named in
    `materialised` are read from the temporary table given instead of being computed again."""
    fragments = load_fragments()

    def fragment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise ValueError(f"{indicator.id}: unknown SQL fragment {name}")
        if materialised and name in materialised:
            return f"SELECT * FROM {materialised[name]}"
        return fragments[name].strip()

    return with_settings(FRAGMENT.sub(fragment, indicator.sql), settings, indicator.id)


def fragment_sql(name: str, settings: IndicatorSettings) -> str:
    """A shared fragment's runnable SQL under the given settings."""
    return with_settings(load_fragments()[name], settings, f"fragment {name}")


def with_settings(sql: str, settings: IndicatorSettings, owner: str) -> str:
    """`{{name}}` replaced by each setting's SQL literal."""
    values = settings.sql_values()

    def setting(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{owner}: unknown setting {name}")
        return values[name]

    return SETTING.sub(setting, sql).strip().rstrip(";")
