"""The lists' own local choices (`[list_settings]` in cscperf.toml). The lists also use the indicators'
settings (`[indicator_settings]`: visit intervals, caseload target, case-holding roles), so a list and the
indicator it mirrors always apply the same rule."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cscperf.errors import DataProblem
from cscperf.indicators.settings import IndicatorSettings

DEFAULT_LOOK_AHEAD_DAYS = 28


class ListSettings(BaseModel):
    """Local choices the lists depend on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    oversight_early_days: int = Field(
        default=0,
        ge=0,
        le=60,
        description="A senior-manager review or legal planning meeting held up to this many days before the plan "
        "reaches 9 or 12 months counts for it (0: only on or after the day, as the seed report's rule reads)",
    )
    look_ahead_days: int = Field(
        default=DEFAULT_LOOK_AHEAD_DAYS, ge=0, le=366, description="Default look-ahead for things falling due, days"
    )


def sql_values(indicator_settings: IndicatorSettings, settings: ListSettings) -> dict[str, str]:
    """Every setting as SQL text for `{{name}}` in a list's SQL (the indicators' and the lists' own)."""
    values = indicator_settings.sql_values()
    values.update({name: repr(value) for name, value in settings.model_dump().items()})
    return values


def template_values(indicator_settings: IndicatorSettings, settings: ListSettings) -> dict[str, Any]:
    """Every setting as a plain value, for the lists' row templates."""
    return {**indicator_settings.model_dump(), **settings.model_dump()}


def read_list_settings(path: Path | None) -> tuple[IndicatorSettings, ListSettings]:
    """The [indicator_settings] and [list_settings] tables of a cscperf.toml file, or the defaults."""
    if path is None:
        return IndicatorSettings(), ListSettings()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataProblem(f"The configuration file {path} could not be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataProblem(f"The configuration file {path} is not UTF-8 text; save it as UTF-8 and try again.") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataProblem(f"The configuration file {path} is not valid TOML: {exc}.") from None
    problems: list[str] = []
    indicator_settings, settings = IndicatorSettings(), ListSettings()
    try:
        indicator_settings = IndicatorSettings.model_validate(data.get("indicator_settings", {}))
    except ValidationError as exc:
        problems += _problems("indicator_settings", exc)
    try:
        settings = ListSettings.model_validate(data.get("list_settings", {}))
    except ValidationError as exc:
        problems += _problems("list_settings", exc)
    if problems:
        raise DataProblem(f"The configuration file {path} has problems: {'; '.join(problems)}.")
    return indicator_settings, settings


def _problems(table: str, exc: ValidationError) -> list[str]:
    return [f"{table}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
