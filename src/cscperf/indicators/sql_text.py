"""Turn an indicator's declared SQL into the SQL that runs: shared fragments and settings put in place."""

from __future__ import annotations

import re

from cscperf.indicators.definition import Indicator, load_fragments
from cscperf.indicators.settings import IndicatorSettings

FRAGMENT = re.compile(r"\{\{>\s*([a-z_]+)\s*\}\}")
SETTING = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def indicator_sql(indicator: Indicator, settings: IndicatorSettings) -> str:
    """The runnable SQL of an indicator under the given settings (DuckDB dialect)."""
    fragments = load_fragments()

    def fragment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise ValueError(f"{indicator.id}: unknown SQL fragment {name}")
        return fragments[name].strip()

    sql = FRAGMENT.sub(fragment, indicator.sql)
    values = settings.sql_values()

    def setting(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{indicator.id}: unknown setting {name}")
        return values[name]

    return SETTING.sub(setting, sql).strip().rstrip(";")
