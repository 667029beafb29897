"""Which published statistic stands for each of our indicators, and what its year means.

`year` in a published series is the DfE's: for children in need, child protection and children looked after
it is the year ending 31 March (a stock at 31 March of that year, or a flow in the year to it); for the
social work workforce it is 30 September of that year. `OUR_PERIOD` says which of our figures lines up.
"""

from __future__ import annotations

from dataclasses import dataclass

AT_31_MARCH = "31 March"
YEAR_TO_31_MARCH = "year to 31 March"
AT_30_SEPTEMBER = "30 September"

OUR_PERIOD = {
    AT_31_MARCH: "our figure as at 31 March of the year",
    YEAR_TO_31_MARCH: "our figure for the financial year ending 31 March of the year",
    AT_30_SEPTEMBER: "our figure as at 30 September of the year (turnover: the 12 months to it)",
}


@dataclass(frozen=True)
class PublishedMeasure:
    """Where one of our indicators is published: LAIT's short name, and/or an EES file kind and column."""

    indicator_id: str
    year_meaning: str
    lait: str
    ees_kind: str | None = None  # which EES table (see reading.py)
    ees_column: str | None = None
    ees_numerator: str | None = None
    ees_denominator: str | None = None


MEASURES: dict[str, PublishedMeasure] = {
    m.indicator_id: m
    for m in (
        PublishedMeasure("cla_rate_per_10k", AT_31_MARCH, "LAC", "cla_rates", "rate_per_10000", "number",
                         "population_estimate"),
        PublishedMeasure("re_referrals_12m", YEAR_TO_31_MARCH, "ReReferral", "c1", "rereferral_percent",
                         "rereferral_count", "referral_count"),
        PublishedMeasure("assessments_within_45wd", YEAR_TO_31_MARCH, "Continue_Assess_Comp"),
        PublishedMeasure("cp_rate_per_10k", AT_31_MARCH, "CPP_rate", "d5_with_population", "cp_rate",
                         "CPP_At31", "population_estimate"),
        PublishedMeasure("cp_second_or_subsequent", YEAR_TO_31_MARCH, "PrevRegCPR", "d3", "CPP_subsequent_percent",
                         "CPP_subsequent", "CPP_start"),
        PublishedMeasure("cp_open_2y_plus", AT_31_MARCH, "CPPlans2yrsActive", "d5", "2_years_or_more_percent",
                         "2_years_or_more", "CPP_At31"),
        PublishedMeasure("cp_ended_2y_plus", YEAR_TO_31_MARCH, "CPPlans2yrs"),
        PublishedMeasure("cla_3plus_placements", AT_31_MARCH, "LACStable_2016on"),
        PublishedMeasure("cla_long_term_stability", AT_31_MARCH, "LAC_LongStable%"),
        PublishedMeasure("oc2_health_assessment", AT_31_MARCH, "LACHealth%"),
        PublishedMeasure("oc2_dental_check", AT_31_MARCH, "LACDental%"),
        PublishedMeasure("sw_average_caseload", AT_30_SEPTEMBER, "Work_Force_AvgNumCase_SW", "csww", "caseload_fte",
                         "cases", "case_holders_fte"),
        PublishedMeasure("sw_vacancy_rate", AT_30_SEPTEMBER, "Work_Force_Vac_Rate", "csww", "vacancy_rate_fte"),
        PublishedMeasure("sw_agency_rate", AT_30_SEPTEMBER, "Work_Force_Agecy_Rate", "csww", "agency_rate_fte"),
        PublishedMeasure("sw_turnover_rate", AT_30_SEPTEMBER, "Work_Force_TO_Rate", "csww", "turnover_rate_fte"),
    )
}  # fmt: skip

# Published figures imported for reconciliation (`cscperf reconcile`) but not used as comparators: counts, whose
# England or neighbour figures say nothing about a council's own, and measures cscperf does not compare.
PUBLISHED_COUNTS: dict[str, PublishedMeasure] = {
    m.indicator_id: m
    for m in (
        PublishedMeasure("cla_open", AT_31_MARCH, "LACnum"),
        PublishedMeasure("cla_started", YEAR_TO_31_MARCH, "LACnum_Start"),
        PublishedMeasure("cla_ceased", YEAR_TO_31_MARCH, "LACceased"),
        PublishedMeasure("cp_plans_open", AT_31_MARCH, "CPP_Num"),
        PublishedMeasure("cp_plans_started", YEAR_TO_31_MARCH, "CPP_Abuse"),
        PublishedMeasure("referrals", YEAR_TO_31_MARCH, "CPP_Total_NumRef"),
        PublishedMeasure("icpc_within_15wd", YEAR_TO_31_MARCH, "CP_conf_15days"),
    )
}
# LAIT counts that are the numerator of a published percentage: kept as that figure's numerator.
LAIT_NUMERATORS: dict[str, str] = {
    "LACStableNum_2016on": "cla_3plus_placements",
    "LAC_LongStableNum": "cla_long_term_stability",
    "ReRegCPR": "cp_second_or_subsequent",
}
PUBLISHED: dict[str, PublishedMeasure] = {**MEASURES, **PUBLISHED_COUNTS}

# LAIT's area numbers for England and the regions, as ONS codes (EES files use these codes).
ENGLAND = "E92000001"
LAIT_AREAS = {
    970: ENGLAND, 980: "E12000001", 981: "E12000002", 982: "E12000003", 983: "E12000004", 984: "E12000005",
    985: "E12000006", 986: "E12000007", 987: "E13000001", 988: "E13000002", 989: "E12000008", 990: "E12000009",
}  # fmt: skip
REGION_CODES = {
    "north east": "E12000001", "north west": "E12000002", "yorkshire and the humber": "E12000003",
    "east midlands": "E12000004", "west midlands": "E12000005", "east of england": "E12000006",
    "london": "E12000007", "inner london": "E13000001", "london (inner)": "E13000001", "outer london": "E13000002",
    "london (outer)": "E13000002", "south east": "E12000008", "south west": "E12000009",
}  # fmt: skip

SUPPRESSION_CODES = {"c", "x", "z", "u", "k", "low", "-", ":"}
SUPPRESSION_WORDS = {
    "c": "suppressed (small numbers)", "x": "not available", "z": "not applicable", "u": "low reliability",
    "k": "rounds to 0", "low": "too low to show", "-": "not published", ":": "not available",
}  # fmt: skip

# Councils created or abolished by local government reorganisation, said out loud in comparisons.
REORGANISED = {
    "835": "Dorset (before April 2019; now part of Dorset 838 and BCP 839)",
    "836": "Poole (before April 2019; now part of BCP 839)",
    "837": "Bournemouth (before April 2019; now part of BCP 839)",
    "838": "Dorset (from April 2019)",
    "839": "Bournemouth, Christchurch and Poole (from April 2019)",
    "928": "Northamptonshire (before April 2021; now North 940 and West 941 Northamptonshire)",
    "940": "North Northamptonshire (from April 2021; workforce returned jointly with West Northamptonshire)",
    "941": "West Northamptonshire (from April 2021; workforce returned jointly with North Northamptonshire)",
    "909": "Cumbria (before April 2023; now Cumberland 942 and Westmorland and Furness 943)",
    "942": "Cumberland (from April 2023)",
    "943": "Westmorland and Furness (from April 2023)",
    "314": "Kingston upon Thames (workforce returned jointly with Richmond upon Thames)",
    "318": "Richmond upon Thames (workforce returned jointly with Kingston upon Thames)",
}

SN_MODELS = {"2021": "DfE statistical neighbour groupings, April 2021", "2025": "DfE statistical neighbour model 2025"}
