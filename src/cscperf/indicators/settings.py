"""Settings that councils genuinely differ on, with the DfE or statutory rule as the default.

They live in the `[indicator_settings]` table of cscperf.toml. Each is substituted into indicator SQL as a
literal where the SQL says `{{name}}`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cscperf.errors import DataProblem


class IndicatorSettings(BaseModel):
    """Local choices the indicator definitions depend on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cp_visit_interval_working_days: int = Field(default=10, ge=1, le=60, description="CP visit standard, working days")
    cla_visit_first_days: int = Field(
        default=7, ge=1, le=60, description="Regulation 28: days to the first visit in a placement"
    )
    cla_visit_interval_days: int = Field(default=42, ge=1, le=120, description="Regulation 28: days between visits")
    cla_visit_long_term_days: int = Field(
        default=91,
        ge=1,
        le=200,
        description="Regulation 28: days between visits in a long-term placement after its first year",
    )
    re_referral_lookback_months: int = Field(
        default=12, ge=1, le=36, description="Look-back for a re-referral, calendar months"
    )
    count_same_carer_moves: bool = Field(
        default=False, description="Count placement changes with the same carer (T/U) in the 3+ placements measure"
    )
    pep_window_months: int = Field(
        default=0,
        ge=0,
        le=12,
        description="PEP in date if within this many months; 0 = in the current or previous term",
    )
    assessment_clock: Literal["assessment_start", "referral"] = Field(
        default="assessment_start", description="Where the 45-working-day clock starts (DfE: assessment start)"
    )
    caseload_target: float = Field(default=20, gt=0, description="Caseload per FTE above which a worker is over target")
    case_holding_roles: tuple[str, ...] = Field(
        default=("Allocated Social Worker", "Allocated Case Worker", "Social Worker", "Key Worker"),
        min_length=1,
        description="Involvement roles (invo_professional_role_id) that make a child a case; blank roles count too",
    )

    def sql_values(self) -> dict[str, str]:
        """Each setting as SQL text to put in place of `{{name}}`."""
        values: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if isinstance(value, bool):
                values[name] = "TRUE" if value else "FALSE"
            elif isinstance(value, int | float):
                values[name] = repr(value)
            elif isinstance(value, tuple | list):
                values[name] = ", ".join("'" + str(v).replace("'", "''") + "'" for v in value)
        values["assessment_clock_start"] = (
            "a.cina_assessment_start_date" if self.assessment_clock == "assessment_start" else "r.cine_referral_date"
        )
        return values


def read_settings(path: Path | None) -> IndicatorSettings:
    """Settings from the [indicator_settings] table of a cscperf.toml file, or the defaults."""
    if path is None:
        return IndicatorSettings()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataProblem(f"The configuration file {path} could not be read: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataProblem(f"The configuration file {path} is not UTF-8 text; save it as UTF-8 and try again.") from None
    except tomllib.TOMLDecodeError as exc:
        raise DataProblem(f"The configuration file {path} is not valid TOML: {exc}.") from None
    try:
        return IndicatorSettings.model_validate(data.get("indicator_settings", {}))
    except ValidationError as exc:
        problems = "; ".join(
            f"indicator_settings.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
            for e in exc.errors(include_url=False)
        )
        raise DataProblem(f"The configuration file {path} has problems: {problems}.") from None
