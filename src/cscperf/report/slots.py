"""The parts of the committee paper only people can write: the council template's sections that are not
performance figures (origin, terms of reference, consultation, implications, background papers), the service's
account of inspection, and the portfolio holder's report. Each is a slot in the commentary file,
`[paper.<slot>] text = "..."`; the commentary template offers the wording most papers use, to keep or change.

An empty slot is printed in the paper as a marked gap ("To be completed: ...") and listed by `cscperf report`,
so it cannot go to the committee unnoticed; the paper itself never tells a member how to fill it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Slot:
    slot_id: str
    heading: str  # where it goes in the paper
    gap: str  # what the marked gap says is missing
    suggestion: str = ""  # the usual wording, offered in the commentary template ({committee}, {council})


SLOTS: tuple[Slot, ...] = (
    Slot("origin", "Origin of report", "who asked for this report",
         "This report was requested by the {committee}."),
    Slot("terms_of_reference", "Terms of reference",
         "the part of the committee's terms of reference the report falls under",
         "This report is for the {committee} to consider under its terms of reference, which include the social "
         "care of children, safeguarding and children's health."),
    Slot("corporate_priorities", "Corporate priorities", "the corporate priorities and pledges the report supports",
         "This report relates to the council's priority of safeguarding vulnerable people, and to its pledge to "
         "children in care, as it is about the performance of services for children in need of help and "
         "protection, children in care and young people leaving care."),
    Slot("timescales", "Timescales", "whether this is a major policy item or statutory plan",
         "This is not a major policy item or statutory plan."),
    Slot("inspection", "Inspection", "the service's account of inspection activity since the last report"),
    Slot("portfolio_holder", "Portfolio holder's report", "the Cabinet Member's report"),
    Slot("consultation", "Consultation", "who was consulted",
         "Consultation has taken place with key officers and partner services, including business intelligence "
         "for the performance figures."),
    Slot("reason", "Reason for the recommendation", "why the committee is asked to note the report",
         "Children's services support and protect some of the most vulnerable children and young people in the "
         "area. How well they perform is a matter of significant importance to leaders and members, so it is "
         "important that scrutiny regularly reviews the key performance measures of children's services."),
    Slot("alternative_options", "Alternative options considered", "the alternative options considered",
         "There are no applicable alternative options."),
    Slot("financial", "Financial implications", "the financial implications, agreed with finance",
         "There are no direct financial implications arising from this report."),
    Slot("legal", "Legal implications", "the legal implications, agreed with legal services",
         "There are no direct legal implications arising from this report."),
    Slot("equalities", "Equalities implications", "the equalities implications",
         "There are no direct implications for equalities arising from this report."),
    Slot("rural", "Rural implications", "the implications for rural communities",
         "There are no particular implications for rural communities arising from this report."),
    Slot("background_documents", "Background documents", "the background documents used", "None."),
)  # fmt: skip

SLOT_IDS = tuple(s.slot_id for s in SLOTS)
BY_ID = {s.slot_id: s for s in SLOTS}


def gap_text(slot_id: str) -> str:
    """How an empty slot reads in the paper."""
    return f"To be completed: {BY_ID[slot_id].gap}."
