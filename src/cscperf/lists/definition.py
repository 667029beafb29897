"""A managers' list as declared: who it is for, its rule in plain English, where the rule comes from, the
tables it needs, how its rows read, and the SQL that finds them.

The SQL returns one row per unit in scope (a child's plan, placement, period of care, assessment, enquiry,
missed visit, or a worker) for each date in `report_periods` (the list is as at `period_end`), with the
columns

    la_code, as_at, unit_id, person_id, worker_id, team_id, event_date, due_date, overdue, met,
    action_code, action_date

and any others its templates use. `overdue` is the list's rule (for a list that mirrors an indicator, the
indicator's own test, read from the same shared fragment); `met` says the thing was done (a review held), so
the row is in scope but not on the list; a row that is neither is on the list as `due` when its due date
falls within the look-ahead. `team_id` and `worker_id` are the unit's own where it has them (an assessment's
worker); otherwise the engine gives the child's allocated worker on the date.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cscperf.indicators.definition import load_library, load_sources
from cscperf.store.schema import load_schema

SQL_COLUMNS = (
    "la_code", "as_at", "unit_id", "person_id", "worker_id", "team_id", "event_date", "due_date", "overdue", "met",
    "action_code", "action_date",
)  # fmt: skip

# The lists' fixed ids, in the order outputs show them. Managers, the web service and tests refer to these.
LIST_ORDER = (
    "cp_visits_overdue", "cla_visits_overdue", "visits_missed_last_week", "cp_plan_9_months", "cp_plan_12_months",
    "cp_plan_2_years", "assessments_due", "icpc_due", "cp_reviews_due", "cla_reviews_due",
    "cla_health_assessment_due", "cla_dental_check_due", "cla_pep_due", "caseloads_over_target",
)  # fmt: skip

Section = Literal["front_door", "child_protection", "children_in_care", "workforce"]


class Mirror(BaseModel):
    """The indicator a list mirrors: which of the indicator's drill-down rows must be exactly (or, for
    `subset`, include) which of the list's rows, at the same date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    indicator_rows: Literal["overdue_units", "counted", "not_counted", "all"]
    list_rows: Literal["overdue", "reached"]
    relation: Literal["same", "subset"] = "same"


class ListDefinition(BaseModel):
    """One managers' list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    title: str
    audience: str
    section: Section
    subject: Literal["child", "worker"] = "child"
    rule: str
    source: str
    statutory_basis: str
    requires: tuple[tuple[str, ...], ...] = Field(min_length=1)
    history_months: int = Field(default=0, ge=0)
    history_of: tuple[str, ...] = ()
    period_kind: Literal["stock"] = "stock"  # as at a date, for the coverage rule the indicators follow
    optional: dict[str, str] = Field(default_factory=dict)
    look_ahead: bool
    overdue_words: str = "overdue"  # what a row on the list now is: a caseload is "over the target", not overdue
    event_label: str
    due_label: str
    mirror: Mirror | None = None
    detail: str
    action: str = ""
    cleared: str = ""
    gone: str
    sql: str

    @field_validator("requires", mode="before")
    @classmethod
    def _choices(cls, value: Any) -> Any:
        """Each requirement as a tuple of alternatives, as indicators declare them (`{any: [a, b]}`)."""
        if not isinstance(value, list | tuple):
            return value
        return tuple((item,) if isinstance(item, str) else tuple(item["any"]) for item in value)

    @model_validator(mode="after")
    def _check(self) -> ListDefinition:
        if self.mirror is not None and self.mirror.indicator not in load_library():
            raise ValueError(f"{self.id}: mirrors unknown indicator {self.mirror.indicator}")
        named = {n for choice in self.requires for n in choice}
        unknown = sorted(named - set(load_sources()))
        if unknown:
            raise ValueError(f"{self.id}: requires {unknown}, which sources.yml does not describe")
        if set(self.history_of) - named:
            raise ValueError(f"{self.id}: history_of names tables it does not require")
        tables = set(load_schema().table_names)
        if set(self.optional) - tables:
            raise ValueError(f"{self.id}: optional names unknown tables {sorted(set(self.optional) - tables)}")
        return self

    @property
    def required_tables(self) -> list[str]:
        return [n for choice in self.requires for n in choice]

    @property
    def overdue_key(self) -> str:
        """`overdue_words` as a key or column name in JSON and CSV: "overdue", or "over_target"."""
        return "_".join(word for word in self.overdue_words.split() if word != "the")

    def status_words(self, status: str) -> str:
        """A row's status in words: "overdue" (for caseloads "over the target") or "due"."""
        return self.overdue_words if status == "overdue" else status

    @property
    def rule_text(self) -> str:
        return " ".join(self.rule.split())


@lru_cache(maxsize=1)
def load_lists() -> dict[str, ListDefinition]:
    """Every list, by id, in LIST_ORDER."""
    folder = files("cscperf.lists").joinpath("definitions")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    found: dict[str, ListDefinition] = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".yml"):
            definition = ListDefinition.model_validate(yaml.load(entry.read_text(encoding="utf-8"), Loader=loader))
            if f"{definition.id}.yml" != entry.name:
                raise ValueError(f"{entry.name} declares list {definition.id}; the file must be named after it")
            found[definition.id] = definition
    missing, extra = set(LIST_ORDER) - set(found), set(found) - set(LIST_ORDER)
    if missing or extra:
        raise ValueError(f"lists out of step: missing {sorted(missing)}, unlisted {sorted(extra)}")
    return {i: found[i] for i in LIST_ORDER}
