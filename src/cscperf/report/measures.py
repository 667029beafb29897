"""Each measure as members read it: a short title for tables and charts, a plain definition for the glossary,
and the words for what its numerator and denominator count, so that no figure in the paper reads as "1,629 of
92.9" or "151 of 50,000".

The library's own titles and definitions (docs/indicators.md) stay the authority; these are their plain-English
short forms. A measure added to the library without an entry here is still reported, under its own title.
"""

from __future__ import annotations

from dataclasses import dataclass

from cscperf.indicators.definition import Indicator


@dataclass(frozen=True)
class MeasureWords:
    short: str  # in tables and chart headings: at most 34 characters
    definition: str  # for the glossary: what is counted, in plain words
    numerator: str = ""  # what the numerator counts, e.g. "visits in time"
    denominator: str = ""  # what the denominator counts, e.g. "visits due"
    over_12_months: bool = False  # each month's figure already covers the 12 months to it


MEASURE_WORDS: dict[str, MeasureWords] = {
    "eh_assessments_started": MeasureWords(
        "Early help assessments started",
        "Early help assessments begun in the month, including those led by partners such as schools; statutory "
        "child and family assessments are not included."),
    "contacts": MeasureWords(
        "Contacts received",
        "Enquiries about children received by the front door in the month, from professionals, families or the "
        "public."),
    "contact_conversion": MeasureWords(
        "Contacts becoming referrals",
        "Of the month's contacts about children not already open to social care, the share whose outcome was a "
        "referral to children's social care. Best between 20% and 40%: too many can swamp social work, too few "
        "can mean needs are missed.",
        "became referrals", "contacts about children not already open"),
    "referrals": MeasureWords(
        "Referrals",
        "Referrals to children's social care received in the month, including those that end with no further "
        "action."),
    "re_referrals_12m": MeasureWords(
        "Re-referrals within 12 months",
        "Of the month's referrals, the share about a child referred in the 12 months before (the DfE "
        "definition). Too high can mean cases closed too soon; too low, a front door that is too cautious.",
        "re-referrals", "referrals"),
    "assessments_completed": MeasureWords(
        "Assessments completed",
        "Child and family assessments completed (authorised) in the month."),
    "assessments_within_45wd": MeasureWords(
        "Assessments in 45 working days",
        "Of the assessments completed in the month, the share completed within 45 working days of the "
        "assessment starting (the DfE measure).",
        "completed in 45 working days", "assessments completed"),
    "assessments_within_45wd_from_referral": MeasureWords(
        "Assessments in 45 days of referral",
        "The same assessments timed from the referral rather than from the assessment's start, as Working "
        "Together words the timescale.",
        "completed in 45 working days of referral", "assessments completed"),
    "assessments_open_over_45wd": MeasureWords(
        "Assessments open over 45 days",
        "Assessments still open at the end of the month that have already run more than 45 working days: the "
        "backlog."),
    "s47_started": MeasureWords(
        "Section 47 enquiries started",
        "Child protection (section 47) enquiries begun in the month."),
    "icpc_within_15wd": MeasureWords(
        "Conferences in 15 working days",
        "Of the initial child protection conferences held in the month, the share held within 15 working days "
        "of the section 47 enquiry starting.",
        "held in 15 working days", "conferences"),
    "cp_plans_open": MeasureWords(
        "Children on CP plans",
        "Children subject to a child protection plan at the end of the month, unborn children included."),
    "cp_rate_per_10k": MeasureWords(
        "Children on CP plans per 10,000",
        "Children on a child protection plan at the end of the month for every 10,000 children aged 0 to 17 "
        "living in the area, so that councils of different sizes can be compared.",
        "children on plans", "children aged 0 to 17 in the area"),
    "cp_plans_started": MeasureWords(
        "CP plans started",
        "Child protection plans begun in the month."),
    "cp_second_or_subsequent": MeasureWords(
        "Repeat CP plans",
        "Of the child protection plans begun, the share for a child who had been on a plan before, however "
        "long ago.",
        "second or later plans", "plans started"),
    "cp_open_over_12m": MeasureWords(
        "CP plans over 12 months",
        "Of the children on a plan at the end of the month, the share whose plan began a year or more before.",
        "on a plan over 12 months", "children on plans"),
    "cp_open_2y_plus": MeasureWords(
        "CP plans of 2 years or more",
        "Of the children on a plan at the end of the month, the share whose plan has lasted 2 years or more.",
        "on a plan 2 years or more", "children on plans"),
    "cp_ended_2y_plus": MeasureWords(
        "CP plans ending after 2 years",
        "Of the plans ending in the month, the share that had lasted 2 years or more.",
        "lasted 2 years or more", "plans ending"),
    "cp_reviews_in_time": MeasureWords(
        "CP plans reviewed in time",
        "Of the children on a plan for 3 months or more, the share whose review conferences were all held in "
        "time (the first within 3 months, then every 6 months).",
        "reviewed in time", "children on plans 3 months or more"),
    "cp_visits_in_time": MeasureWords(
        "CP visits in time",
        "Statutory visits to children on child protection plans due in the month, and the share made within "
        "the local standard (every 10 working days), the child seen.",
        "visits in time", "visits due"),
    "cla_open": MeasureWords(
        "Children in care",
        "Children looked after by the council at the end of the month; children only in short breaks are not "
        "counted."),
    "cla_rate_per_10k": MeasureWords(
        "Children in care per 10,000",
        "Children in care at the end of the month for every 10,000 children aged 0 to 17 living in the area.",
        "children in care", "children aged 0 to 17 in the area"),
    "cla_started": MeasureWords(
        "Children starting care",
        "Children who came into care in the month."),
    "cla_ceased": MeasureWords(
        "Children leaving care",
        "Children who left care in the month."),
    "cla_3plus_placements": MeasureWords(
        "3 or more placements in a year",
        "Of the children in care at the end of the month, the share who had 3 or more placements in the 12 "
        "months to then: a measure of placement stability.",
        "with 3 or more placements", "children in care", over_12_months=True),
    "cla_long_term_stability": MeasureWords(
        "Long-term placement stability",
        "Of the children under 16 in care for two and a half years or more, the share who have lived with the "
        "same carer for at least 2 years.",
        "with the same carer 2 years", "children in care 2.5 years or more"),
    "cla_visits_in_time": MeasureWords(
        "Children in care visited in time",
        "Statutory visits to children in care due in the month, and the share made in time (within a week of a "
        "new placement, then every six weeks, or three months in a settled long-term placement).",
        "visits in time", "visits due"),
    "cla_reviews_in_time": MeasureWords(
        "Reviews of children in care in time",
        "Statutory reviews of children in care due in the month, and the share held in time (within 20 "
        "working days of coming into care, 3 months later, then every 6 months).",
        "held in time", "reviews due"),
    "cla_health_assessment_in_date": MeasureWords(
        "Health assessments in date (all)",
        "Of all children in care for more than 20 working days, the share whose latest health assessment is in "
        "date (within 6 months for under-fives, 12 months otherwise): the service's monthly measure.",
        "in date", "children in care over 20 working days"),
    "cla_dental_check_in_date": MeasureWords(
        "Dental checks in date (all)",
        "Of all children in care for more than 20 working days, the share whose latest dental check was in the "
        "12 months before: the service's monthly measure.",
        "in date", "children in care over 20 working days"),
    "cla_pep_in_date": MeasureWords(
        "Education plans (PEPs) in date",
        "Of the children in care of school age, the share with a Personal Education Plan reviewed this school "
        "term or last.",
        "with a PEP in date", "children of school age in care"),
    "oc2_health_assessment": MeasureWords(
        "Annual health assessments (DfE)",
        "The DfE's measure: of the children in care for 12 months or more, the share whose health assessments "
        "were up to date over the 12 months. Published each year at 31 March.",
        "assessed", "children in care 12 months or more", over_12_months=True),
    "oc2_dental_check": MeasureWords(
        "Annual dental checks (DfE)",
        "The DfE's measure: of the children in care for 12 months or more, the share who had a dental check in "
        "the 12 months. Published each year at 31 March.",
        "checked", "children in care 12 months or more", over_12_months=True),
    "sw_average_caseload": MeasureWords(
        "Average caseload",
        "Children's cases held by qualified social workers at the end of the month, divided by the full-time "
        "equivalent (FTE) number of those workers who hold cases (the DfE method).",
        "cases", "FTE social workers holding cases"),
    "sw_caseload_over_target": MeasureWords(
        "Social workers over caseload target",
        "Of the social workers holding cases, the share whose caseload (per full-time equivalent) is above the "
        "local target.",
        "over the target", "social workers holding cases"),
    "sw_vacancy_rate": MeasureWords(
        "Vacancy rate",
        "Social worker posts (full-time equivalent) with no employed worker at the end of the month, as a share "
        "of all posts; a post covered by an agency worker counts as vacant.",
        "FTE vacant", "FTE posts"),
    "sw_agency_rate": MeasureWords(
        "Agency rate",
        "Agency social workers (full-time equivalent) at the end of the month as a share of all social workers "
        "in post.",
        "FTE agency", "FTE in post"),
    "sw_turnover_rate": MeasureWords(
        "Turnover in the last 12 months",
        "Employed social workers (full-time equivalent) who left in the 12 months to the end of the month, as a "
        "share of those in post then.",
        "FTE leavers in 12 months", "FTE employed", over_12_months=True),
}  # fmt: skip


def words_for(indicator: Indicator) -> MeasureWords:
    """The member-facing words of a measure; a measure without an entry keeps its library title."""
    found = MEASURE_WORDS.get(indicator.id)
    if found is not None:
        return found
    return MeasureWords(indicator.title, indicator.description.strip(), "", indicator.counts)


def short_title(indicator: Indicator) -> str:
    return words_for(indicator).short


def over_12_months(indicator: Indicator) -> bool:
    """Whether each month's figure already covers the 12 months to it (turnover, placement moves, the DfE's
    annual health and dental measures): it is never averaged over 12 months again."""
    return words_for(indicator).over_12_months
