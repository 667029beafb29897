"""The workforce narrative: the seed report's "Recruitment challenges" drafted from the workforce figures.

One paragraph on the posts (filled, vacant, covered by agency workers), one on who left in the year, one on
caseloads (the average, and how many social workers carry more than the target): each number the engine's
numerator or denominator, full-time equivalents of staff shown as they are (they are not counts of children).
The charts' own paragraphs follow with the signal-or-noise reading and the comparison for each measure.
"""

from __future__ import annotations

from collections.abc import Mapping

from cscperf.report.figures import count_text, month_name, shown
from cscperf.report.indicator_figures import IndicatorFigures
from cscperf.report.rag import RAG_NAMES


def _value(f: IndicatorFigures) -> str:
    return shown(f.latest.value, f.indicator.unit, f.indicator.decimals)


def _ready(f: IndicatorFigures | None) -> bool:
    return f is not None and f.latest.value is not None and f.latest.numerator is not None \
        and f.latest.denominator is not None  # fmt: skip


def _status(f: IndicatorFigures) -> str:
    return "" if f.status.rag == "none" else f" ({RAG_NAMES[f.status.rag].lower()})"


def workforce_paragraphs(figures: Mapping[str, IndicatorFigures]) -> list[str]:
    """The posts, the leavers and the caseloads, as far as the workforce figures go."""
    out = []
    vacancy, agency = figures.get("sw_vacancy_rate"), figures.get("sw_agency_rate")
    if vacancy is not None and _ready(vacancy):
        month = month_name(vacancy.latest.period_end)
        posts, vacant = vacancy.latest.denominator or 0, vacancy.latest.numerator or 0
        text = (f"At the end of {month} the service had {count_text(posts)} full-time-equivalent (FTE) posts for "
                f"qualified social workers, of which {count_text(vacant)} FTE had no employed worker: a vacancy rate "
                f"of {_value(vacancy)}{_status(vacancy)}.")  # fmt: skip
        if agency is not None and _ready(agency):
            text += (f" Agency social workers filled {count_text(agency.latest.numerator or 0)} FTE, "
                     f"{_value(agency)} of the {count_text(agency.latest.denominator or 0)} FTE social workers in "
                     f"post{_status(agency)}; a post an agency worker covers still counts as vacant.")  # fmt: skip
        out.append(text)
    turnover = figures.get("sw_turnover_rate")
    if turnover is not None and _ready(turnover):
        month = month_name(turnover.latest.period_end)
        out.append(f"In the 12 months to {month}, {count_text(turnover.latest.numerator or 0)} FTE employed social "
                   f"workers left the council, a turnover of {_value(turnover)} of the "
                   f"{count_text(turnover.latest.denominator or 0)} FTE employed at the end of the period"
                   f"{_status(turnover)}: turnover is always a whole year's figure.")  # fmt: skip
    caseload, over = figures.get("sw_average_caseload"), figures.get("sw_caseload_over_target")
    if caseload is not None and _ready(caseload):
        target = caseload.target.target if caseload.target is not None else None
        text = (f"Social workers held {count_text(caseload.latest.numerator or 0)} children's cases between "
                f"{count_text(caseload.latest.denominator or 0)} FTE: an average caseload of {_value(caseload)}"
                + (f" against a target of {target:g}{_status(caseload)}." if target is not None else "."))  # fmt: skip
        if over is not None and _ready(over):
            text += (f" An average hides the spread: {count_text(over.latest.numerator or 0)} of the "
                     f"{count_text(over.latest.denominator or 0)} social workers holding cases ({_value(over)}) "
                     f"carried more than the target{_status(over)}.")  # fmt: skip
        out.append(text)
    return out
