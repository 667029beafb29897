"""The committee paper's sections, in the council template's order (see `contents`), from the content's figures,
the configuration and the commentary file: numbered paragraphs, subheadings within section 4, the service's
comments, and a marked gap for each part only people can write that is still empty."""

from __future__ import annotations

import dataclasses

from cscperf.report import boilerplate
from cscperf.report.appendix import all_plans
from cscperf.report.commentary import Commentary
from cscperf.report.config import ReportConfig
from cscperf.report.contents import PERFORMANCE_SECTIONS, Paragraph, ParagraphKind, ReportContent, ReportSection
from cscperf.report.forecast_section import SECTION_TITLE as FORECAST_TITLE
from cscperf.report.measures import words_for
from cscperf.report.paragraphs import Extras, Wording, chart_paragraph, counterfactual_paragraphs
from cscperf.report.slots import BY_ID, gap_text
from cscperf.report.workforce import workforce_paragraphs

EXPLANATION_TO_COME = "The service's explanation will be given at the meeting."
UNNUMBERED = ("heading", "bullet", "gap", "commentary", "explanation_needed", "counterfactual", "forecast")


class _Numbered:
    """Paragraph numbers within a section: 4.1, 4.2, ... (headings, boxes and bullets take none)."""

    def __init__(self, section: int) -> None:
        self.section = section
        self.n = 0
        self.items: list[Paragraph] = []

    def add(
        self,
        text: str,
        kind: ParagraphKind = "text",
        indicator_id: str | None = None,
        label: str | None = None,
        *,
        numbered: bool = True,
        indicator_ids: tuple[str, ...] = (),
        slot: str | None = None,
    ) -> None:
        if numbered and kind not in UNNUMBERED:
            self.n += 1
            number = f"{self.section}.{self.n}" if self.section else ""
        else:
            number = ""
        self.items.append(Paragraph(number, text, kind, indicator_id, label, indicator_ids, slot))

    def heading(self, text: str) -> None:
        self.add(text, "heading")

    def slot(self, commentary: Commentary, slot_id: str, missing: list[str], label: str | None = None) -> None:
        """A part of the paper only people write: its text, or a marked gap (and noted as missing)."""
        found = commentary.for_slot(slot_id)
        if found is None:
            missing.append(slot_id)
            self.add(gap_text(slot_id), "gap", slot=slot_id)
            return
        paragraphs = [p.strip() for p in found.text.split("\n\n") if p.strip()]
        for text in paragraphs:
            self.add(" ".join(text.split()), slot=slot_id)
        if found.by.strip() and label is not None:
            self.add(found.by.strip(), "note", label=label)


def paper_sections(content: ReportContent, config: ReportConfig, commentary: Commentary) -> ReportContent:
    """The content with its sections, recommendations, appendix 2 and the glossary's measures filled in."""
    missing: list[str] = []
    sections = [at_a_glance(content), summary(content)]
    sections += numbered_sections(content, config, commentary, missing)
    extra = {
        "sections": tuple(sections),
        "recommendations": tuple(boilerplate.recommendations(content)),
        "slots_missing": tuple(missing),
        "appendix_2": appendix_2(content, config),
        "measures": tuple(
            (words_for(f.indicator).short, words_for(f.indicator).definition) for f in content.figures.values()
        ),
    }
    return dataclasses.replace(content, **extra)  # type: ignore[arg-type]


def at_a_glance(content: ReportContent) -> ReportSection:
    """The scorecard page: the headline messages, then the status counts."""
    p = _Numbered(0)
    counts = content.status_counts()
    with_target = sum(v for k, v in counts.items() if k not in ("none", "not_available"))
    p.add(f"The messages below are chosen from the figures to {content.as_at:%-d %B %Y}: the measures furthest "
          "from target, the changes that are signals rather than normal variation, and where the council stands "
          "out against its neighbours.", numbered=False)  # fmt: skip
    for h in content.scorecard:
        p.add(h.text, "bullet", h.indicator_id, label=f"Chart {h.chart}")
    p.add(f"Of the {with_target} measures with a target, {counts['blue']} {'is' if counts['blue'] == 1 else 'are'} "
          f"blue, {counts['green']} green, {counts['amber']} amber and {counts['red']} red; "
          f"{counts['none']} more are shown for context.", numbered=False)  # fmt: skip
    return ReportSection(0, "at_a_glance", "Performance at a glance", tuple(p.items))


def summary(content: ReportContent) -> ReportSection:
    p = _Numbered(0)
    for text in boilerplate.summary_intro(content):
        p.add(text, numbered=False)
    return ReportSection(0, "summary", "Summary of performance", tuple(p.items), tuple(content.figures))


def numbered_sections(
    content: ReportContent, config: ReportConfig, commentary: Commentary, missing: list[str]
) -> list[ReportSection]:
    out: list[ReportSection] = []
    p = _Numbered(1)
    p.slot(commentary, "origin", missing)
    out.append(ReportSection(1, "origin", "Origin of report", tuple(p.items)))

    p = _Numbered(2)
    p.add(boilerplate.purpose(content))
    p.slot(commentary, "terms_of_reference", missing)
    p.slot(commentary, "corporate_priorities", missing)
    intro = commentary.for_section("introduction")
    if intro:
        p.add(intro, "commentary", label="Service Director")
    out.append(ReportSection(2, "purpose", "Purpose and reason for report", tuple(p.items)))

    p = _Numbered(3)
    p.slot(commentary, "timescales", missing)
    out.append(ReportSection(3, "timescales", "Timescales", tuple(p.items)))

    out.append(background(content, config, commentary, missing))

    p = _Numbered(5)
    p.slot(commentary, "consultation", missing)
    out.append(ReportSection(5, "consultation", "Consultation", tuple(p.items)))

    p = _Numbered(6)
    p.add("That Committee notes:")
    for text in boilerplate.outcomes(content):
        p.add(text, "bullet")
    out.append(ReportSection(6, "outcomes", "Anticipated outcomes or impact", tuple(p.items)))

    for number, slot_id, title in ((7, "reason", "Reason for the recommendation"),
                                   (8, "alternative_options", "Alternative options considered")):  # fmt: skip
        p = _Numbered(number)
        p.slot(commentary, slot_id, missing)
        out.append(ReportSection(number, slot_id, title, tuple(p.items)))

    p = _Numbered(9)
    for slot_id in ("financial", "legal", "equalities", "rural"):
        p.heading(BY_ID[slot_id].heading)
        p.slot(commentary, slot_id, missing)
    out.append(ReportSection(9, "implications", "Implications", tuple(p.items)))

    p = _Numbered(10)
    p.add("Used to prepare this report, in accordance with the Local Government (Access to Information) Act 1985:")
    p.slot(commentary, "background_documents", missing)
    out.append(ReportSection(10, "background_documents", "Background documents", tuple(p.items)))

    p = _Numbered(11)
    for text in boilerplate.appendices(content):
        p.add(text)
    out.append(ReportSection(11, "appendices", "Appendices", tuple(p.items)))
    return out


def background(
    content: ReportContent, config: ReportConfig, commentary: Commentary, missing: list[str]
) -> ReportSection:
    """Section 4: the performance narrative area by area, the workforce, inspection, the portfolio holder."""
    p = _Numbered(4)
    for text in boilerplate.background_intro(content):
        p.add(text)
    extras = Extras(content.not_in_time_children, content.counterfactuals)
    wording = Wording()
    plans = {plan.main: plan for plan in all_plans()}
    ids: list[str] = []
    for section_id, library_sections, title in PERFORMANCE_SECTIONS:
        p.heading(title)
        if section_id == "workforce":
            for text in workforce_paragraphs(content.figures):
                p.add(text, "narrative", indicator_ids=_workforce_ids(content))
        own = commentary.for_section(section_id)
        if own:
            p.add(own, "commentary", label="Service comment")
        charted = sorted((plan for main, plan in plans.items() if main in content.figures
                          and content.figures[main].indicator.section in library_sections),
                         key=lambda plan: plan.number)  # fmt: skip
        for plan in charted:
            covered = tuple(i for i in plan.indicator_ids if i in content.figures)
            ids += covered
            text = chart_paragraph(plan, content.figures, extras, wording)
            p.add(text, "narrative", plan.main, indicator_ids=covered)
            for sentence in counterfactual_paragraphs(plan.main, extras):
                p.add(sentence, "counterfactual", plan.main, indicator_ids=(plan.main,))
            for indicator_id in covered:
                _comment(p, content, commentary, indicator_id)
        for text in content.oversight.get(section_id, ()):  # the managers' lists: missed visits, 9/12-month plans
            p.add(text)
    if content.forecast is not None:  # the forecast's words, then its table and fan charts (the "forecast" mark)
        p.heading(FORECAST_TITLE)
        for text in content.forecast.paragraphs:
            p.add(text)
        fans = len(content.forecast.charts)
        if fans:
            first = len(content.charts) + 1
            which = f"Charts {first} to {first + fans - 1}" if fans > 1 else f"Chart {first}"
            p.add(f"{which} in Appendix 1 show the forecasts with their ranges.")
        p.add("", "forecast")
    p.heading("Inspection")
    said = boilerplate.inspection(config.inspection)
    if said is None:
        missing.append("inspection_config")
        p.add("To be completed: the date and outcome of the last full inspection.", "gap", slot="inspection_config")
    else:
        p.add(said)
    p.slot(commentary, "inspection", missing)
    p.heading("Portfolio holder's report")
    p.slot(commentary, "portfolio_holder", missing, label="By")
    return ReportSection(4, "background", "Background and key issues", tuple(p.items), tuple(ids))


def _workforce_ids(content: ReportContent) -> tuple[str, ...]:
    return tuple(i for i, f in content.figures.items() if f.indicator.section == "workforce")


def _comment(p: _Numbered, content: ReportContent, commentary: Commentary, indicator_id: str) -> None:
    """The service's comment on a measure; for a red one without, that the explanation comes at the meeting."""
    figures = content.figures[indicator_id]
    comment = commentary.for_indicator(indicator_id)
    short = words_for(figures.indicator).short
    if comment is not None:
        parts = [comment.explanation.strip(), comment.action.strip()]
        label = f"Service comment on {_lower_first(short)}" + (f" ({comment.by.strip()})" if comment.by.strip() else "")
        p.add(" ".join(x for x in parts if x), "commentary", indicator_id, label)
    elif figures.status.rag == "red" and figures.latest.available:
        p.add(EXPLANATION_TO_COME, "explanation_needed", indicator_id, f"Service comment on {_lower_first(short)}")


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def appendix_2(content: ReportContent, config: ReportConfig) -> tuple[ReportSection, ...]:
    read = _Numbered(0)
    for text in boilerplate.how_to_read(content, config):
        read.add(text, numbered=False)
    notes = _Numbered(0)
    for text in boilerplate.data_notes(content, config):
        notes.add(text, numbered=False)
    return (ReportSection(0, "how_to_read", "How to read the figures", tuple(read.items)),
            ReportSection(0, "data_notes", "Notes on the data", tuple(notes.items)))  # fmt: skip
