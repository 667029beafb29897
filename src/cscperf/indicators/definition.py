"""An indicator as declared: what it measures (in plain English), where the definition comes from, how it
is shown, and the SQL that lists the units it counts.

The SQL returns one row per counted unit (child, referral, assessment, plan, visit, worker, post) per period,
with these columns, which the engine aggregates (numerator and denominator are summed):

    la_code, period_start, period_end, unit_id, person_id, dim_date, numerator, denominator,
    team, worker, detail

It reads the periods from `report_periods (period_start, period_end)`, can use shared fragments
(`{{> name}}`, see fragments.yml) and settings (`{{name}}`, see settings.py). A unit whose numerator is NULL
could not be measured (a date the working-day calendar cannot place, an end before its start): it stays in
the unit rows, with its detail saying why, so the drill-down shows it and the engine counts it.

`requires` names the store tables (or `table.field`s) the figure cannot be computed without; a requirement
may be a choice (`{any: [a, b]}`). `history_months` is how far before the period the data must reach (a
re-referral looks back 12 months), for the requirements `history_of` lists (all, if it lists none).
`also_reads` lists the tables the SQL reads that refine the figure but whose absence does not make it wrong
(a child's age, short-break legal statuses). Together they decide, with what the store holds for each
council (coverage.py), whether a figure can be shown.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, field_validator, model_validator

Unit = Literal["count", "percent", "rate_per_10k", "ratio", "days"]
Polarity = Literal["higher_is_better", "lower_is_better", "target_band", "neutral"]
Section = Literal["early_help", "front_door", "child_protection", "children_in_care", "workforce"]

UNIT_COLUMNS = (
    "la_code", "period_start", "period_end", "unit_id", "person_id", "dim_date", "numerator", "denominator",
    "team", "worker", "detail",
)  # fmt: skip

# The library's ids, in the order reports list them. Reports, tests and users refer to these ids.
LIBRARY_ORDER = (
    "eh_assessments_started", "contacts", "contact_conversion", "referrals", "re_referrals_12m",
    "assessments_completed", "assessments_within_45wd", "assessments_within_45wd_from_referral",
    "assessments_open_over_45wd", "s47_started", "icpc_within_15wd", "cp_plans_open", "cp_rate_per_10k",
    "cp_plans_started", "cp_second_or_subsequent", "cp_open_over_12m", "cp_open_2y_plus", "cp_ended_2y_plus",
    "cp_reviews_in_time", "cp_visits_in_time", "cla_open", "cla_rate_per_10k", "cla_started", "cla_ceased",
    "cla_3plus_placements", "cla_long_term_stability", "cla_visits_in_time", "cla_reviews_in_time",
    "cla_health_assessment_in_date", "cla_dental_check_in_date", "cla_pep_in_date", "oc2_health_assessment",
    "oc2_dental_check", "sw_average_caseload", "sw_caseload_over_target", "sw_vacancy_rate", "sw_agency_rate",
    "sw_turnover_rate",
)  # fmt: skip

POLARITY_WORDS = {
    "higher_is_better": "higher is better",
    "lower_is_better": "lower is better",
    "target_band": "best within a band (too high and too low are both a concern)",
    "neutral": "no better direction (context)",
}


class Indicator(BaseModel):
    """One indicator of the library."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    description: str
    source: str
    section: Section
    unit: Unit
    counts: str
    polarity: Polarity
    band: tuple[float, float] | None = None
    target: float | None = None
    tolerance: float | None = None
    decimals: int
    period_kind: Literal["flow", "stock", "cohort"]
    requires: tuple[tuple[str, ...], ...]
    history_months: int = 0
    history_of: tuple[str, ...] = ()  # the requirements the look-back applies to (none listed: all)
    also_reads: tuple[str, ...] = ()
    sql: str

    @field_validator("requires", mode="before")
    @classmethod
    def _choices(cls, value: Any) -> Any:
        """Each requirement as a tuple of alternatives: `ssd_cp_visits` -> (ssd_cp_visits,)."""
        if not isinstance(value, list | tuple):
            return value
        out = []
        for item in value:
            if isinstance(item, str):
                out.append((item,))
            elif isinstance(item, dict) and set(item) == {"any"}:
                out.append(tuple(item["any"]))
            else:
                raise ValueError(f"a requirement is a table name or {{any: [...]}}, not {item!r}")
        return tuple(out)

    @model_validator(mode="after")
    def _check(self) -> Indicator:
        unknown = [n for choice in self.requires for n in choice if n not in load_sources()]
        if unknown:
            raise ValueError(f"{self.id}: requires {unknown}, which sources.yml does not describe")
        if not self.requires:
            raise ValueError(f"{self.id}: an indicator must say which tables it requires")
        if self.history_months < 0:
            raise ValueError(f"{self.id}: history_months cannot be negative")
        required = {n for choice in self.requires for n in choice}
        if set(self.history_of) - required:
            raise ValueError(f"{self.id}: history_of names {sorted(set(self.history_of) - required)}, not required")
        if self.polarity == "target_band" and self.band is None:
            raise ValueError(f"{self.id}: a target-band indicator needs a band")
        if self.band is not None and self.band[0] > self.band[1]:
            raise ValueError(f"{self.id}: band runs from high to low")
        return self

    @property
    def polarity_words(self) -> str:
        return POLARITY_WORDS[self.polarity]


@lru_cache(maxsize=1)
def load_library() -> dict[str, Indicator]:
    """Every indicator, by id, in library order."""
    folder = files("cscperf.indicators").joinpath("definitions")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found: dict[str, Indicator] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yml"):
            indicator = Indicator.model_validate(yaml.load(entry.read_text(encoding="utf-8"), Loader=loader))
            if f"{indicator.id}.yml" != entry.name:
                raise ValueError(f"{entry.name} declares indicator {indicator.id}; the file must be named after it")
            found[indicator.id] = indicator
    missing = set(LIBRARY_ORDER) - set(found)
    extra = set(found) - set(LIBRARY_ORDER)
    if missing or extra:
        raise ValueError(f"indicator library out of step: missing {sorted(missing)}, unlisted {sorted(extra)}")
    return {i: found[i] for i in LIBRARY_ORDER}


class Source(BaseModel):
    """A table (or field) an indicator can require: what it holds and which sources provide it."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    what: str
    provided_by: str
    not_in: str | None = None
    only_31_march: bool = False  # serves figures at 31 March only (the OC2 outcomes)

    @model_validator(mode="before")
    @classmethod
    def _from_key(cls, data: Any) -> Any:
        if isinstance(data, dict) and "from" in data:
            data = {("provided_by" if k == "from" else k): v for k, v in data.items()}
        return data


@lru_cache(maxsize=1)
def load_sources() -> dict[str, Source]:
    """sources.yml: each requirable table or `table.field`, what it holds and where it comes from."""
    text = files("cscperf.indicators").joinpath("sources.yml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw: dict[str, Any] = yaml.load(text, Loader=loader)
    return {name: Source.model_validate(entry) for name, entry in raw.items()}


@lru_cache(maxsize=1)
def load_fragments() -> dict[str, str]:
    """The shared SQL fragments, by name."""
    text = files("cscperf.indicators").joinpath("fragments.yml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    fragments: dict[str, str] = yaml.load(text, Loader=loader)
    return fragments
