"""Profiles of synthetic councils: TOML files validated with pydantic.

The default profile (default_profile.toml, beside this module) is calibrated to the seed report's council.
A user describes another council by copying it and changing the figures.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cscperf.errors import DataProblem

Share = float


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Council(_Section):
    la_code: str = Field(pattern=r"^\d{3}$")
    la_name: str
    region: str = "England"
    population_0_17: int = Field(gt=1000)
    population_growth: float = Field(ge=-0.1, le=0.1)


class Period(_Section):
    end_date: dt.date
    lead_in_years: int = Field(default=1, ge=1, le=3)


class FrontDoor(_Section):
    contacts_per_10k: float = Field(gt=0)
    share_referral: Share = Field(gt=0, lt=1)
    share_early_help: Share = Field(ge=0, lt=1)
    share_advice: Share = Field(ge=0, lt=1)
    existing_case_contacts_a_year: float = Field(ge=0)
    early_help_step_up: Share = Field(ge=0, le=1)
    return_after_closure: Share = Field(ge=0, le=1)
    return_mean_days: float = Field(gt=0)


class Assessment(_Section):
    referral_nfa: Share = Field(ge=0, le=1)
    within_45wd: Share = Field(ge=0, le=1)
    s47_share: Share = Field(ge=0, le=1)
    icpc_share: Share = Field(ge=0, le=1)
    icpc_within_15wd: Share = Field(ge=0, le=1)
    icpc_plan_share: Share = Field(ge=0, le=1)
    cin_plan_share: Share = Field(ge=0, le=1)
    early_help_after: Share = Field(ge=0, le=1)


class ChildProtection(_Section):
    target_open: int = Field(ge=0)
    over_12_months: int = Field(ge=0)
    visits_in_time: Share = Field(ge=0, le=1)
    visit_interval_working_days: int = Field(gt=0)
    reviews_in_time: Share = Field(ge=0, le=1)
    previous_plan_share: Share = Field(ge=0, le=1)
    end_to_cin: Share = Field(ge=0, le=1)


class LookedAfter(_Section):
    target_open: int = Field(ge=0)
    route_via_cp_plan: Share = Field(ge=0, le=1)
    route_emergency: Share = Field(ge=0, le=1)
    visits_in_time: Share = Field(ge=0, le=1)
    reviews_in_time: Share = Field(ge=0, le=1)
    health_assessment_in_date: Share = Field(ge=0, le=1)
    dental_check_in_date: Share = Field(ge=0, le=1)
    pep_in_date: Share = Field(ge=0, le=1)
    short_break_children: int = Field(ge=0)
    moves_first_year: float = Field(ge=0)
    moves_after_first_year: float = Field(ge=0)
    missing_share_teenagers: Share = Field(ge=0, le=1)


class Workforce(_Section):
    target_caseload: float = Field(gt=1)
    vacancy_rate: Share = Field(ge=0, lt=1)
    agency_rate: Share = Field(ge=0, lt=1)
    turnover_rate: Share = Field(ge=0, lt=1)
    maternity_a_year: Share = Field(ge=0, lt=1)
    team_size: int = Field(ge=2)


class Profile(_Section):
    """Everything that describes one synthetic council."""

    name: str
    council: Council
    period: Period
    front_door: FrontDoor
    assessment: Assessment
    child_protection: ChildProtection
    looked_after: LookedAfter
    workforce: Workforce

    def scaled(self, *, la_code: str, la_name: str, population_0_17: int, region: str) -> Profile:
        """The same council profile for a council of another size (stocks scale with population)."""
        factor = population_0_17 / self.council.population_0_17
        council = self.council.model_copy(
            update={
                "la_code": la_code,
                "la_name": la_name,
                "population_0_17": population_0_17,
                "region": region,
            }
        )
        cp = self.child_protection.model_copy(
            update={
                "target_open": round(self.child_protection.target_open * factor),
                "over_12_months": round(self.child_protection.over_12_months * factor),
            }
        )
        la = self.looked_after.model_copy(
            update={
                "target_open": round(self.looked_after.target_open * factor),
                "short_break_children": max(1, round(self.looked_after.short_break_children * factor)),
            }
        )
        return self.model_copy(update={"council": council, "child_protection": cp, "looked_after": la})


def default_profile() -> Profile:
    """The default profile, calibrated to the seed report's council."""
    text = files("cscperf.synth").joinpath("default_profile.toml").read_text(encoding="utf-8")
    return _parse(text, "the default profile")


def read_profile(path: Path | None) -> Profile:
    """Read a profile file, or the default profile when no path is given."""
    if path is None:
        return default_profile()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataProblem(f"The profile {path} could not be read: {exc.strerror}.") from None
    return _parse(text, str(path))


def _parse(text: str, where: str) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataProblem(f"The profile {where} is not valid TOML: {exc}.") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_url=False)
        )
        raise DataProblem(f"The profile {where} has problems: {problems}.") from None
