"""Simulate one whole council: journeys, care, workforce and allocations, population; as Arrow tables."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from cscperf.store.schema import Table, load_schema
from cscperf.synth.care import LookedAfter
from cscperf.synth.journeys import FrontDoor
from cscperf.synth.oversight import add_oversight
from cscperf.synth.profile import Profile
from cscperf.synth.state import Row, SimulationState, add_months
from cscperf.synth.workforce import Workforce

EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "JSON": pa.string(),
    "DATE": pa.int64(),
    "TIMESTAMP": pa.timestamp("s"),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "BLOB": pa.binary(),
}


# What "the end of the data" means for each table: rows starting after it are not yet known, and end dates
# after it are still in the future, so they (and what goes with them, such as a closure reason) are empty.
# table -> (start column, {end column: columns that are only known once it has ended})
AS_AT_END: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "ssd_contacts": ("cont_contact_date", {}),
    "ssd_cin_episodes": ("cine_referral_date", {"cine_close_date": ("cine_close_reason",)}),
    "ssd_cin_assessments": (
        "cina_assessment_start_date",
        {"cina_assessment_auth_date": ("cina_assessment_outcome_json", "cina_assessment_outcome_nfa")},
    ),
    "ssd_s47_enquiry": (
        "s47e_s47_start_date",
        {"s47e_s47_end_date": ("s47e_s47_nfa", "s47e_s47_outcome_json")},
    ),
    "ssd_initial_cp_conference": ("icpc_icpc_date", {}),
    "ssd_cp_plans": ("cppl_cp_plan_start_date", {"cppl_cp_plan_end_date": ()}),
    "ssd_cin_plans": ("cinp_cin_plan_start_date", {"cinp_cin_plan_end_date": ()}),
    "ssd_early_help_episodes": (
        "earl_episode_start_date",
        {"earl_episode_end_date": ("earl_episode_end_reason",)},
    ),
    "ssd_cla_episodes": (
        "clae_cla_episode_start_date",
        {"clae_cla_episode_ceased_date": ("clae_cla_episode_ceased_reason",)},
    ),
    "ssd_cla_placement": (
        "clap_cla_placement_start_date",
        {"clap_cla_placement_end_date": ("clap_cla_placement_change_reason",)},
    ),
    "ssd_legal_status": ("lega_legal_status_start_date", {"lega_legal_status_end_date": ()}),
    "ssd_missing": ("miss_missing_episode_start_date", {"miss_missing_episode_end_date": ()}),
    "ssd_cp_visits": ("cppv_cp_visit_date", {}),
    "ssd_cin_visits": ("cinv_cin_visit_date", {}),
    "ssd_cla_visits": ("clav_cla_visit_date", {}),
    "ssd_cp_reviews": ("cppr_cp_review_date", {}),
    "ssd_cla_reviews": ("clar_cla_review_date", {}),
    "ssd_cla_health": ("clah_health_check_date", {}),
    "cscperf_pep": ("pep_date", {}),
    "cscperf_long_term_placements": ("long_term_from_date", {}),
}


def as_at_end(state: SimulationState) -> None:
    """Cut every table at the last day of the data, as a real extract taken that day would be."""
    end = state.end
    for table, (start_col, end_cols) in AS_AT_END.items():
        columns = state.columns[table]
        start_i = columns.index(start_col)
        ends = [(columns.index(c), [columns.index(x) for x in extra]) for c, extra in end_cols.items()]
        kept: list[Row] = []
        for row in state.rows[table]:
            if row[start_i] > end:
                continue
            if any(row[i] is not None and row[i] > end for i, _ in ends):
                values = list(row)
                for i, extra in ends:
                    if values[i] is not None and values[i] > end:
                        values[i] = None
                        for x in extra:
                            values[x] = None
                row = tuple(values)
            kept.append(row)
        state.rows[table] = kept
    plans = {row[0] for row in state.rows["ssd_cp_plans"]}
    state.rows["cscperf_cp_plan_previous"] = [r for r in state.rows["cscperf_cp_plan_previous"] if r[0] in plans]
    icpc_cols = state.columns["ssd_initial_cp_conference"]
    plan_i = icpc_cols.index("icpc_cp_plan_id")
    state.rows["ssd_initial_cp_conference"] = [
        r if r[plan_i] is None or r[plan_i] in plans else (*r[:plan_i], None, *r[plan_i + 1 :])
        for r in state.rows["ssd_initial_cp_conference"]
    ]


@dataclass
class SyntheticCouncil:
    """One council's generated data, ready to write: table name -> Arrow table (without la_code)."""

    la_code: str
    la_name: str
    region: str
    seed: int
    profile_name: str
    profile_sha256: str
    start: dt.date
    end: dt.date
    tables: dict[str, pa.Table]

    @property
    def row_counts(self) -> dict[str, int]:
        return {name: t.num_rows for name, t in self.tables.items()}


def simulate_council(profile: Profile, seed: int, years: int) -> SyntheticCouncil:
    """Run the simulation for one council and return its tables.

    The cyclic garbage collector is paused meanwhile: the simulation makes millions of small objects and no
    reference cycles, and the collector's repeated sweeps over them cost a third of the run time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _simulate(profile, seed, years)
    finally:
        if was_enabled:
            gc.enable()


def _simulate(profile: Profile, seed: int, years: int) -> SyntheticCouncil:
    end = profile.period.end_date.toordinal()
    window_start = add_months(end + 1, -12 * years)
    sim_start = add_months(window_start, -12 * profile.period.lead_in_years)
    state = SimulationState(seed, profile.council.la_code, sim_start, end)

    front_door = FrontDoor(state, profile)
    care = LookedAfter(state, profile, front_door)
    care.opening_stock()
    front_door.opening_cp_stock()
    front_door.run_front_door(sim_start, end)
    care.run_entries(sim_start, end)
    care.short_breaks()
    state.declare(
        "ssd_person",
        (
            "pers_person_id",
            "pers_forename",
            "pers_surname",
            "pers_sex",
            "pers_gender",
            "pers_ethnicity",
            "pers_dob",
            "pers_common_child_id",
            "pers_legacy_id",
            "pers_upn_unknown",
            "pers_send_flag",
            "pers_expected_dob",
            "pers_death_date",
            "pers_is_mother",
            "pers_nationality",
        ),
    )
    state.rows["ssd_person"] = front_door.person_rows()

    workforce = Workforce(state, profile)
    workforce.build(front_door.phases, window_start)
    workforce.allocate(front_door.phases)

    population = state.declare("cscperf_population", ("mid_year", "age_group", "population", "population_source"))
    last_year = dt.date.fromordinal(end).year
    for year in range(dt.date.fromordinal(sim_start).year - 1, last_year + 1):
        size = profile.council.population_0_17 * (1 + profile.council.population_growth) ** (year - last_year)
        population.append((year, "0-17", round(size), "synthetic"))

    as_at_end(state)
    add_oversight(state, seed, profile.child_protection.visit_interval_working_days)
    profile_json = profile.model_dump_json()
    return SyntheticCouncil(
        la_code=profile.council.la_code,
        la_name=profile.council.la_name,
        region=profile.council.region,
        seed=seed,
        profile_name=profile.name,
        profile_sha256=hashlib.sha256(profile_json.encode()).hexdigest(),
        start=dt.date.fromordinal(sim_start),
        end=dt.date.fromordinal(end),
        tables={
            name: _to_arrow(load_schema().table(name), state.columns[name], rows)
            for name, rows in sorted(state.rows.items())
        },
    )


def _to_arrow(table: Table, columns: tuple[str, ...], rows: list[Row]) -> pa.Table:
    """Rows (dates as day ordinals) to an Arrow table typed as the store schema says."""
    types = {c.name: c.type for c in table.columns}
    unknown = [c for c in columns if c not in types]
    if unknown:
        raise ValueError(f"simulation wrote columns {unknown} that {table.name} does not have")
    values = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    arrays: dict[str, pa.Array] = {}
    for name, column in zip(columns, values, strict=True):
        sql_type = types[name]
        array = pa.array(column, type=ARROW_TYPES[sql_type])
        if sql_type == "DATE":
            array = pc.subtract(array, EPOCH_ORDINAL).cast(pa.int32()).cast(pa.date32())
        arrays[name] = array
    return pa.table(arrays)
