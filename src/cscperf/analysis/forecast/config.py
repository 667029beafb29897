"""The forecast's settings (the `[forecast]` table of cscperf.toml) and scenario files, validated with plain
messages.

    [forecast]                 horizon, reference period, simulations, random seed, whether the report shows it
    [forecast.unit_costs]      weekly cost per placement group, price year, yearly uplift
    [forecast.workforce]       caseload target, turnover and vacancy rates, months to recruit
    [[forecast.scenarios]]     scenarios shown in the report (a scenario file holds [[scenario]] tables)

Rates are written as percentages (15 for 15%), as the indicators show them.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from cscperf.analysis.forecast.costs import PRICE_YEAR, RESIDENTIAL_FLOOR
from cscperf.analysis.forecast.groups import PlacementGroup
from cscperf.errors import DataProblem

FosteringGroup = Literal["fostering_in_house", "fostering_independent", "kinship"]


class UnitCostConfig(BaseModel):
    """Weekly cost in pounds of a placement in each group; a group left out takes the council's own finance
    records (ssd_s251_finance) or the published default (docs/forecasting.md lists them with their sources)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fostering_in_house: float | None = Field(default=None, ge=0, le=100_000)
    fostering_independent: float | None = Field(default=None, ge=0, le=100_000)
    kinship: float | None = Field(default=None, ge=0, le=100_000)
    residential: float | None = Field(default=None, ge=0, le=100_000)
    supported_accommodation: float | None = Field(default=None, ge=0, le=100_000)
    placed_with_parents: float | None = Field(default=None, ge=0, le=100_000)
    other: float | None = Field(default=None, ge=0, le=100_000)
    price_year: str = Field(default=PRICE_YEAR, pattern=r"^\d{4}-\d{2}$")
    """The financial year the costs are at (its prices), e.g. "2024-25"."""
    annual_uplift: float = Field(default=0.0, ge=-50, le=100)
    """Percentage a year costs rise after the price year (0: spend at the price year's prices)."""

    @field_validator("residential")
    @classmethod
    def _floor(cls, value: float | None) -> float | None:
        if value is not None and value < RESIDENTIAL_FLOOR:
            raise ValueError(
                f"£{value:,.0f} a week is below the £{RESIDENTIAL_FLOOR:,.0f} floor: residential placements cost "
                "at least £3,000 a week (the seed report, paragraph 4.24)"
            )
        return value

    def by_group(self) -> dict[PlacementGroup, float | None]:
        return {g: getattr(self, g.value) for g in PlacementGroup}


class WorkforceConfig(BaseModel):
    """Workforce figures; each left out comes from the council's own records where the store holds them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    caseload_target: float | None = Field(default=None, gt=0, le=100)
    """Cases per qualified case-holding FTE (default: [indicator_settings] caseload_target, 20)."""
    turnover_rate: float | None = Field(default=None, ge=0, lt=100)
    """Percent of employed FTE leaving the council a year (default: the council's last 12 months, else England)."""
    vacancy_rate: float | None = Field(default=None, ge=0, lt=100)
    """Percent of posts vacant (default: the council's figure at the start, else England)."""
    months_to_recruit: float | None = Field(default=None, ge=0, le=24)
    """Months from a post falling vacant to a new worker starting (default: the council's median, else 4)."""


class Scenario(BaseModel):
    """A what-if: entries up or down, some residential placements made in fostering instead, or rates from
    another reference period. Any combination; at least one."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    entry_rate_change: float = Field(default=0.0, ge=-90, le=200)
    """Percent change in the number of children coming into care a month (-10: ten percent fewer)."""
    residential_to_fostering: float = Field(default=0.0, ge=0, le=100)
    """Percent of residential placements made in fostering instead: of new placements from the start, and of
    the children already in residential, stepped down over `step_down_months`."""
    fostering_group: FosteringGroup = "fostering_in_house"
    step_down_months: int = Field(default=12, ge=1, le=36)
    reference_months: int | None = Field(default=None, ge=6, le=60)
    """Estimate the rates from this many months before the start instead."""

    @model_validator(mode="after")
    def _changes_something(self) -> Scenario:
        if self.entry_rate_change == 0 and self.residential_to_fostering == 0 and self.reference_months is None:
            raise ValueError(
                "a scenario must change something: entry_rate_change, residential_to_fostering or reference_months"
            )
        return self

    def describe(self) -> str:
        """The scenario in words, e.g. "10% fewer children coming into care"."""
        parts = []
        if self.entry_rate_change:
            more = "more" if self.entry_rate_change > 0 else "fewer"
            parts.append(f"{abs(self.entry_rate_change):g}% {more} children coming into care")
        if self.residential_to_fostering:
            to = PlacementGroup(self.fostering_group).label.lower()
            parts.append(
                f"{self.residential_to_fostering:g}% of residential placements made in {to} instead (those already "
                f"in residential stepped down over {self.step_down_months} months)"
            )
        if self.reference_months is not None:
            parts.append(f"rates from the {self.reference_months} months before the start")
        return "; ".join(parts)


class ForecastConfig(BaseModel):
    """The `[forecast]` table of cscperf.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    in_report: bool = True
    horizon_months: int = Field(default=36, ge=1, le=60)
    reference_months: int = Field(default=24, ge=6, le=60)
    simulations: int = Field(default=1000, ge=100, le=20_000)
    seed: int = Field(default=18, ge=0)
    unit_costs: UnitCostConfig = UnitCostConfig()
    workforce: WorkforceConfig = WorkforceConfig()
    scenarios: tuple[Scenario, ...] = ()


def read_forecast_config(path: Path | None) -> tuple[ForecastConfig, dict[str, Any]]:
    """The `[forecast]` table of a cscperf.toml (defaults without a file), and the file's
    `[indicator_settings]` table as it stands (validated by the caller)."""
    if path is None:
        return ForecastConfig(), {}
    data = _toml(path)
    try:
        config = ForecastConfig.model_validate(data.get("forecast", {}))
    except ValidationError as exc:
        raise DataProblem(f"The configuration file {path} has problems: {problems(exc, 'forecast')}.") from None
    return config, dict(data.get("indicator_settings", {}))


def read_scenarios(path: Path) -> tuple[Scenario, ...]:
    """Scenarios from a TOML file of `[[scenario]]` tables."""
    data = _toml(path)
    unknown = [key for key in data if key != "scenario"]
    if unknown:
        raise DataProblem(
            f"The scenario file {path} has a table cscperf does not know: {unknown[0]} (write each scenario as a "
            "[[scenario]] table; docs/forecasting.md shows one)."
        )
    raw = data.get("scenario", [])
    if not isinstance(raw, list) or not raw:
        raise DataProblem(f"The scenario file {path} holds no [[scenario]] tables.")
    out = []
    for n, item in enumerate(raw, start=1):
        try:
            out.append(Scenario.model_validate(item))
        except ValidationError as exc:
            raise DataProblem(f"The scenario file {path} has problems: {problems(exc, f'scenario {n}')}.") from None
    return tuple(out)


def _toml(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataProblem(f"The file {path} could not be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataProblem(f"The file {path} is not UTF-8 text; save it as UTF-8 and try again.") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataProblem(f"The file {path} is not valid TOML: {exc}.") from None


def problems(exc: ValidationError, prefix: str) -> str:
    """Pydantic's errors as "forecast.unit_costs.residential: ..." phrases."""
    out = []
    for error in exc.errors(include_url=False):
        where = ".".join([prefix, *(str(p) for p in error["loc"] if not str(p).startswith("function-"))])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "not a setting cscperf knows (check the spelling; docs/forecasting.md lists them)"
        out.append(f"{where}: {message}")
    return "; ".join(out)
