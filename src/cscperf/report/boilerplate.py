"""The report's standing text, in the seed report's tone: recommendations, purpose, how to read the report,
the summary's opening, each section's introduction and the notes on the data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cscperf.report.comparisons import MISSING_NOTE
from cscperf.report.config import ReportConfig
from cscperf.report.figures import month_name

if TYPE_CHECKING:
    from cscperf.report.contents import ReportContent


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def recommendations(content: ReportContent) -> list[tuple[str, str]]:
    counts = content.status_counts()
    red = counts["red"]
    explained = red - len(content.explanations_missing)
    lines: list[tuple[str, str]] = [
        (f"It is recommended that the {content.committee}:", "text"),
        (
            "Notes the content of the report in relation to performance by children's social care and the actions "
            "being taken to maintain and improve it in certain areas;",
            "list",
        ),
    ]
    if red == 0:
        lines.append(("Notes that no measure is rated red against its target;", "list"))
    elif explained == red:
        lines.append((f"Notes the {_plural(red, 'measure', 'measures')} rated red against target, and the "
                      "service's explanation of each;", "list"))  # fmt: skip
    elif explained == 0:
        lines.append((f"Notes the {_plural(red, 'measure', 'measures')} rated red against target, for which the "
                      "service's explanations are still to come;", "list"))  # fmt: skip
    else:
        lines.append((f"Notes the {_plural(red, 'measure', 'measures')} rated red against target, the service's "
                      f"explanation of {explained} of them, and that {red - explained} are still to come;",
                      "list"))  # fmt: skip
    if content.comparators_loaded:
        lines.append(("Notes how the council compares with England, its region and its statistical neighbours.",
                      "list"))  # fmt: skip
    else:
        last_text, kind = lines[-1]
        lines[-1] = (last_text.rstrip(";") + ".", kind)
    return lines


def purpose(content: ReportContent) -> list[str]:
    return [
        f"This report provides Members with an overview of key performance measures within children's social care "
        f"for {content.council_name}, with figures to {content.as_at:%-d %B %Y}.",
        "Charts are referred to throughout; these can be found in Appendix 1 to this report, each with the figures "
        "behind it. A glossary of the terms used is at the end.",
        "The figures are counts and percentages only: no child can be identified from this report.",
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


def how_to_read(content: ReportContent, config: ReportConfig) -> list[str]:
    del config
    text = [
        "For every measure the report says which way is better: for most, higher or lower is better; for a few, "
        "such as re-referrals, both too high and too low are a concern, so the target is a band; counts such as "
        "the number of children in care are shown for context and have no target.",
        "Each measure with a target has a status, given in words as well as colour and symbol: Blue (well beyond "
        "the target), Green (on target), Amber (on the wrong side of the target but within the tolerance) and Red "
        "(beyond the tolerance). Targets are marked as local targets, local stretch targets or national "
        "standards.",
        'Percentages based on small numbers are flagged with the numbers behind them (for example "7 of 9 '
        'children"), because a few children can move them a lot.',
        "Figures are rounded as the Department for Education (DfE) rounds published statistics. The 12-month "
        "average is the mean of the last 12 monthly figures.",
        SPC_HOW_TO_READ,
        SPC_ICONS_HOW_TO_READ,
    ]
    if content.comparators_loaded:
        text.append(
            "England, region and statistical-neighbour figures are the latest the DfE has published, for the year "
            "named beside them; they are usually for an earlier period than our latest month."
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


def summary(content: ReportContent) -> list[str]:
    counts = content.status_counts()
    with_target = sum(v for k, v in counts.items() if k not in ("none", "not_available"))
    text = [
        f"The table below gives every measure's latest figure ({month_name(content.as_at)}), the month before, the "
        f"change, the average of the last 12 months, the target and the status. Of the "
        f"{_plural(with_target, 'measure', 'measures')} with a target, {counts['blue']} "
        f"{'is' if counts['blue'] == 1 else 'are'} "
        f"blue, {counts['green']} green, {counts['amber']} amber and {counts['red']} red.",
    ]
    missing = counts["not_available"]
    if missing:
        them = "it" if missing == 1 else "them"
        text.append(
            f"{_plural(missing, 'measure has', 'measures have')} no figure for the latest month because the data "
            f"behind {them} are not held for it; the notes on the data say which and why. A measure that cannot be "
            "computed is shown as not available, never as zero."
        )
    if content.comparators_loaded:
        text.append("The second table sets our latest figures beside England, our region and our statistical "
                    "neighbours, for the latest year published.")  # fmt: skip
    return text


SECTION_INTROS: dict[str, list[str]] = {
    "front_door": [
        "This section covers early help, contacts to the front door, referrals to children's social care and the "
        "timeliness of assessments (Charts 1 to 4, and 19 and 20).",
    ],
    "child_protection": [
        "This section covers section 47 enquiries, child protection conferences and children subject to child "
        "protection plans (Charts 5 to 7, and 21 to 25).",
    ],
    "children_in_care": [
        "This section covers children in care: how many, placement stability, visits, health, dental checks and "
        "education plans (Charts 8 to 13, and 26 to 28).",
    ],
    "workforce": [
        "This section covers social work caseloads, vacancies, agency staff and turnover (Charts 14 to 18). "
        "Average caseloads hide variation: some social workers hold more cases than the average.",
    ],
}


def section_intro(section_id: str) -> list[str]:
    return SECTION_INTROS.get(section_id, [])


def data_notes(content: ReportContent, config: ReportConfig) -> list[str]:
    settings = config.indicator_settings
    notes = [
        f"Figures are calculated by cscperf from the council's case records as at {content.as_at:%-d %B %Y}, to "
        "the DfE and Ofsted definitions (the definition of each measure is published with cscperf, the "
        "open-source software that produced this report). The latest month may change a little as late recording "
        "catches up.",
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
