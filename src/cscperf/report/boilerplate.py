"""The paper's standing text, in the seed report's tone, each part drawn from the data where the data can say
it: the recommendations, the purpose, the opening of section 4, the inspection paragraph, the anticipated
outcomes, the appendices, how to read the figures and the notes on the data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cscperf.report.comparisons import MISSING_NOTE
from cscperf.report.config import InspectionConfig, ReportConfig
from cscperf.report.figures import month_name

if TYPE_CHECKING:
    from cscperf.report.contents import ReportContent


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def recommendations(content: ReportContent) -> list[str]:
    """What the committee is asked to do, numbered on the cover ("It is recommended that the Committee:")."""
    counts = content.status_counts()
    red = counts["red"]
    explained = red - len(content.explanations_missing)
    lines = [
        "Notes the content of the report in relation to performance by children's social care and the actions "
        "being taken to maintain and improve it in certain areas;",
    ]
    if red == 0:
        lines.append("Notes that no measure is rated red against its target;")
    elif explained == red:
        lines.append(f"Notes the {_plural(red, 'measure', 'measures')} rated red against target, and the service's "
                     "explanation of each;")  # fmt: skip
    elif explained == 0:
        lines.append(f"Notes the {_plural(red, 'measure', 'measures')} rated red against target, for which the "
                     "service's explanations will be given at the meeting;")  # fmt: skip
    else:
        lines.append(f"Notes the {_plural(red, 'measure', 'measures')} rated red against target, the service's "
                     f"explanation of {explained} of them, and that {red - explained} will be given at the "
                     "meeting;")  # fmt: skip
    if content.comparators_loaded:
        lines.append("Notes how the council compares with England, its region and its statistical neighbours;")
    lines.append("Notes the information on oversight by Ofsted and the report of the portfolio holder.")
    return lines


def purpose(content: ReportContent) -> str:
    return (f"This report provides Members with an overview of key performance measures within children's social "
            f"care for {content.council_name}, with figures to {content.as_at:%-d %B %Y}, and updates the committee "
            "on oversight by Ofsted and the work of the portfolio holder.")  # fmt: skip


def background_intro(content: ReportContent) -> list[str]:
    months = len(next(iter(content.figures.values())).points)
    return [
        "This section gives the usual performance information area by area, then inspection and the portfolio "
        f"holder's report. The charts referred to are in Appendix 1, each showing {months} months; Appendix 2 "
        "explains the statuses, targets and the difference between a signal and normal variation.",
    ]


def inspection(config: InspectionConfig) -> str | None:
    """The last inspection, from the configuration; None when it is not configured."""
    if config.last_full is None or config.judgement is None:
        return None
    text = (f"Under Ofsted's {config.framework} framework, the council's most recent full inspection was in "
            f"{config.last_full:%B %Y}, with an overall judgement of {config.judgement}.")  # fmt: skip
    if config.last_visit is not None:
        text += f" The most recent inspection activity was a {config.last_visit_kind} in {config.last_visit:%B %Y}."
    return text


def outcomes(content: ReportContent) -> list[str]:
    """What the committee is expected to take from the report, from what the figures say."""
    counts = content.status_counts()
    lines = ["The on-going work to ensure that children's services deliver the best possible outcomes for "
             "vulnerable children and young people;"]  # fmt: skip
    if counts["red"]:
        lines.append(f"The {_plural(counts['red'], 'measure', 'measures')} below target by more than the tolerance, "
                     "and what is being done about them;")  # fmt: skip
    workforce = [f for f in content.figures.values() if f.indicator.section == "workforce" and f.status.rag == "red"]
    if workforce:
        lines.append("The challenges in recruiting and keeping social workers, and the actions being taken to "
                     "address them.")  # fmt: skip
    lines[-1] = lines[-1].rstrip(";.") + "."
    return lines


def appendices(content: ReportContent) -> list[str]:
    return [
        f"Appendix 1: Charts, {len(content.charts)} in all, each with the figures behind it.",
        "Appendix 2: How to read the figures, and notes on the data.",
        "Appendix 3: Glossary of the terms and measures used.",
    ]


SPC_HOW_TO_READ = (
    "Every figure varies from month to month, so a change on last month is not news by itself. Each chart shows "
    "the mean and the process limits worked out from the measure's own recent months (statistical process "
    "control, as in NHS England's Making Data Count). A month outside the limits, seven or more months in a row "
    "on one side of the mean, seven or more months each higher (or each lower) than the one before, or two of "
    "three months close to a limit is a signal, not noise: something has changed. Anything else is within "
    "normal variation, and the report does not call it an improvement or a deterioration."
)
SPC_ICONS_HOW_TO_READ = (
    "The summary table gives two further judgements for each measure, in words and as a symbol: variation "
    "(common cause, meaning within normal variation; a special cause of improvement or of concern; or, for a "
    "measure with no better direction, unusually high or low) and assurance (whether the process will pass its "
    "target every month, fail it every month, or hit and miss it, judged by where the target lies against the "
    "process limits). Where fewer than 12 months are available the limits are provisional."
)
TWELVE_MONTHS = (
    'The "last 12 months" figure is not the same for every measure, and the report says which it is. For a '
    "percentage of things that happen (visits, assessments, plans started) it is the 12 months taken together: "
    "all that happened in the year, as the DfE counts a year, so a busy month weighs more than a quiet one. For a "
    "percentage at a date (children on plans for over a year) it is the 12 month-end figures weighted by their "
    "size. For a count it is the average month. Turnover, placement moves and the DfE's annual health and dental "
    "measures already cover 12 months, so they have none."
)
SMALL_DENOMINATORS = (
    "A percentage of a few cases a month swings widely: 6 of 15 plans is 40%, 9 of 15 is 60%. Where a measure "
    "rests on fewer than {small} cases in a typical month (initial conferences, repeat plans, plans ending after "
    "2 years), its status judges the 12 months to the latest month taken together, and its chart draws that line "
    "with the target; the months are shown behind it."
)


def how_to_read(content: ReportContent, config: ReportConfig) -> list[str]:
    text = [
        "For every measure the report says which way is better: for most, higher or lower is better; for a few, "
        "such as re-referrals, both too high and too low are a concern, so the target is a band; counts such as "
        "the number of children in care are shown for context and have no target.",
        "Each measure with a target has a status, given in words as well as colour and symbol: Blue (well beyond "
        "the target), Green (on target), Amber (on the wrong side of the target but within the tolerance) and Red "
        "(beyond the tolerance). Targets are marked as local targets, local stretch targets or national "
        "standards. A measure that meets a local target can still compare poorly with other councils; the report "
        "says so where it does.",
        SMALL_DENOMINATORS.format(small=config.report.small_denominator),
        TWELVE_MONTHS,
        "Figures are rounded as the Department for Education (DfE) rounds published statistics. Counts of 1 to "
        f'{config.disclosure.threshold - 1} children are not given ("fewer than {config.disclosure.threshold}", '
        f'or "<{config.disclosure.threshold}" in the tables), so that no child can be identified; in such a month '
        'the children leaving care (or starting) are not given either ("withheld", or "c" in the tables), since with '
        "the children in care at each month end they would give it.",
        SPC_HOW_TO_READ,
        SPC_ICONS_HOW_TO_READ,
    ]
    if content.comparators_loaded:
        text.append(
            "England, region and statistical-neighbour figures are the DfE's published statistics, for the year "
            "named beside them; the charts draw them at the date each year's figures describe (31 March, or 30 "
            "September for the workforce), so their trend can be seen. Where the DfE publishes a year's figure for "
            "things that happen in a year, ours is the 12 months to our latest month, not one month."
        )
    else:
        text.append(MISSING_NOTE)
    as_at = content.as_at
    if (as_at + dt.timedelta(days=1)).day != 1:
        text.append(
            f"The latest month is a part month, 1 to {as_at.day} {as_at:%B %Y}: counts in it (contacts, referrals, "
            "plans started) are not comparable with whole months, so read their change and status with care; "
            "figures at a date (children on plans, in care) and percentages are comparable."
        )
    return text


def summary_intro(content: ReportContent) -> list[str]:
    counts = content.status_counts()
    with_target = sum(v for k, v in counts.items() if k not in ("none", "not_available"))
    text = [
        f"Table 1 gives every measure's latest figure ({month_name(content.as_at)}), the month before, the last 12 "
        f"months, the target and the status. Of the {_plural(with_target, 'measure', 'measures')} with a target, "
        f"{counts['blue']} {'is' if counts['blue'] == 1 else 'are'} blue, {counts['green']} green, "
        f"{counts['amber']} amber and {counts['red']} red.",
    ]
    missing = counts["not_available"]
    if missing:
        them = "it" if missing == 1 else "them"
        text.append(
            f"{_plural(missing, 'measure has', 'measures have')} no figure for the latest month because the data "
            f"behind {them} are not held for it; the notes on the data say which and why. A measure that cannot be "
            "computed is shown as not available, never as zero."
        )
    return text


SECTION_INTROS: dict[str, str] = {
    "front_door": "Early help, contacts, referrals and the timeliness of assessments",
    "child_protection": "Safeguarding and child protection",
    "children_in_care": "Children in care",
    "workforce": "Workforce and caseloads",
}


def data_notes(content: ReportContent, config: ReportConfig) -> list[str]:
    settings = config.indicator_settings
    notes = [
        f"Figures are calculated from the council's case records as at {content.as_at:%-d %B %Y}, to the DfE and "
        "Ofsted definitions. The latest month may change a little as late recording catches up.",
        f"Local standards used: child protection visits within {settings.cp_visit_interval_working_days} working "
        f"days; visits to children in care within {settings.cla_visit_first_days} days of a placement starting, "
        f"then every {settings.cla_visit_interval_days} days ({settings.cla_visit_long_term_days} days in a "
        f"long-term placement after its first year); a caseload target of {settings.caseload_target:g}.",
    ]
    for event in config.all_events():
        if event.series_break:
            notes.append(f"{event.date:%-d %B %Y}: {event.text}. This breaks the series: on the charts it affects "
                         "the mean and process limits start afresh from this date, and the months either side of "
                         "it are not compared.")  # fmt: skip
        else:
            notes.append(f"{event.date:%-d %B %Y}: {event.text}. This is marked on the charts it affects.")
    for indicator_id, reason in content.not_available.items():
        notes.append(f"{content.figures[indicator_id].indicator.title}: no figure for the latest month; {reason}.")
    if content.comparators_loaded:
        models = {f.comparators.neighbour_model for f in content.figures.values() if f.comparators is not None}
        named = ", ".join(sorted(m for m in models if m)) or "none"
        notes.append(
            f"Comparators are the DfE's published statistics (Children in need, Children looked after in England, "
            f"Children's social work workforce, and LAIT). Statistical neighbours: {named}."
        )
    else:
        notes.append(MISSING_NOTE)
    return notes
