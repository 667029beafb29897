"""Turn an indicator's declared SQL into the SQL that runs: shared fragments and settings put in place."""

from __future__ import annotations

import re
from collections import Counter

from cscperf.indicators.definition import Indicator, load_fragments
from cscperf.indicators.settings import IndicatorSettings

FRAGMENT = re.compile(r"\{\{>\s*([a-z_]+)\s*\}\}")
SETTING = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


def fragments_used(indicator: Indicator) -> set[str]:
    """Names of the shared fragments an indicator's SQL uses."""
    return set(FRAGMENT.findall(indicator.sql))


def fragments_within(sql: str) -> set[str]:
    """Names of the shared fragments a piece of SQL uses, directly or inside another fragment."""
    fragments = load_fragments()
    found: set[str] = set()
    waiting = FRAGMENT.findall(sql)
    while waiting:
        name = waiting.pop()
        if name not in found and name in fragments:
            found.add(name)
            waiting += FRAGMENT.findall(fragments[name])
    return found


def fragment_expansions(sql: str) -> Counter[str]:
    """How many times each shared fragment would be written out in a piece of SQL once every fragment is
    expanded (a fragment used twice inside another that is itself used twice counts four times)."""
    fragments = load_fragments()
    counts: Counter[str] = Counter()
    for name in FRAGMENT.findall(sql):
        if name in fragments:
            counts[name] += 1
            counts.update(fragment_expansions(fragments[name]))
    return counts


def fragment_reads(sqls: list[str], materialised: set[str]) -> Counter[str]:
    """How many times each shared fragment is read by these pieces of SQL when each fragment in `materialised`
    is computed once into a table: a materialised fragment's own SQL is expanded once, however many read it."""
    fragments = load_fragments()
    reads: Counter[str] = Counter()

    def read(sql: str) -> None:
        for name in FRAGMENT.findall(sql):
            if name in fragments:
                reads[name] += 1
                if name not in materialised:
                    read(fragments[name])

    for sql in [*sqls, *(fragments[name] for name in sorted(materialised))]:
        read(sql)
    return reads


def expand_fragments(sql: str, owner: str, materialised: dict[str, str] | None = None, depth: int = 0) -> str:
    """`{{> name}}` replaced by the fragment's SQL (fragments may use other fragments). Fragments named in
    `materialised` are read from the temporary table given instead."""
    fragments = load_fragments()
    if depth > 8:
        raise ValueError(f"{owner}: SQL fragments nested too deeply (does a fragment use itself?)")

    def fragment(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in fragments:
            raise ValueError(f"{owner}: unknown SQL fragment {name}")
        if materialised and name in materialised:
            return f"SELECT * FROM {materialised[name]}"
        return expand_fragments(fragments[name].strip(), owner, materialised, depth + 1)

    return FRAGMENT.sub(fragment, sql)


def indicator_sql(indicator: Indicator, settings: IndicatorSettings, materialised: dict[str, str] | None = None) -> str:
    """The runnable SQL of an indicator under the given settings (DuckDB dialect). Fragments named in
    `materialised` are read from the temporary table given instead of being computed again."""
    return with_settings(expand_fragments(indicator.sql, indicator.id, materialised), settings, indicator.id)


def fragment_sql(name: str, settings: IndicatorSettings, materialised: dict[str, str] | None = None) -> str:
    """A shared fragment's runnable SQL under the given settings (fragments it uses that are named in
    `materialised` read their temporary table)."""
    owner = f"fragment {name}"
    return with_settings(expand_fragments(load_fragments()[name], owner, materialised), settings, owner)


def with_settings(sql: str, settings: IndicatorSettings, owner: str) -> str:
    """`{{name}}` replaced by each setting's SQL literal."""
    values = settings.sql_values()

    def setting(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise ValueError(f"{owner}: unknown setting {name}")
        return values[name]

    return SETTING.sub(setting, sql).strip().rstrip(";")
