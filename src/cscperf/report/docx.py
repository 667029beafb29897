"""The report as an editable Word document (committee papers are Word documents): the council template's
sections with real headings and numbered paragraphs, a contents field, the summary tables on landscape pages,
each chart a picture (SVG, with a high-resolution PNG for older readers) with alt text, kept on one page with its
figures, the glossary; page numbers in the footer; language en-GB, title, author and creation date in the
document's properties."""

from __future__ import annotations

import copy
import functools
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from cscperf.report import palette
from cscperf.report.charts import MAX_PRINT_WIDTH_MM, MM_PER_PX
from cscperf.report.contents import Paragraph, ReportContent, ReportSection
from cscperf.report.forecast_writers import add_forecast_charts_docx, add_forecast_docx
from cscperf.report.html import RAG_KEY, SPC_KEY
from cscperf.report.rag import RAG_NAMES
from cscperf.report.rendered import RenderedChart
from cscperf.report.tables import (
    QUARTILE_NOTE,
    SUMMARY_NOTE,
    compare_headers,
    compare_rows,
    status_cell,
    summary_groups,
    summary_headers,
)

FONT = "Arial"
LANGUAGE = "en-GB"
SVG_EXTENSION = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
SVG_NAMESPACE = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def render_docx(content: ReportContent, charts: list[RenderedChart]) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    _styles(doc)
    _properties(doc, content)
    _page_numbers(doc)
    _cover(doc, content)
    for section in content.sections:
        if section.section_id == "summary":
            _landscape(doc, True)
            _section(doc, section, content)
            _summary_tables(doc, content)
            _landscape(doc, False)
            continue
        if section.section_id == "at_a_glance":
            _page_break(doc)
            _at_a_glance(doc, content, section)
            continue
        _section(doc, section, content)
    _appendix_1(doc, content, charts)
    _appendix_2(doc, content)
    _glossary(doc, content)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ the document


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _language(doc)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 13)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor.from_string(palette.TEXT_COLOUR.lstrip("#"))
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin = section.bottom_margin = Cm(1.6)


def _language(doc: DocumentObject) -> None:
    """English (United Kingdom) for spelling, hyphenation and screen readers: the document defaults and Normal."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    holders = [doc.styles["Normal"].element.get_or_add_rPr()]
    if defaults is not None:
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is not None and run_defaults.find(qn("w:rPr")) is not None:
            holders.append(run_defaults.find(qn("w:rPr")))
    for rpr in holders:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)


def _properties(doc: DocumentObject, content: ReportContent) -> None:
    props = doc.core_properties
    props.title = f"{content.title}: {content.council_name}, {content.latest_month}"
    props.author = content.author
    props.last_modified_by = content.author
    props.subject = f"Report to the {content.committee}"
    props.language = LANGUAGE
    props.created = content.created.replace(tzinfo=None)
    props.modified = content.created.replace(tzinfo=None)
    props.keywords = "children's social care; performance; scrutiny"
    props.comments = "Counts only: no child can be identified from this report."
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")  # Word refreshes the contents' page numbers on opening
    update.set(qn("w:val"), "true")
    settings.append(update)


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph: DocxParagraph, instruction: str, shown: str = "") -> None:
    """A field (PAGE, NUMPAGES, TOC) with the text it shows until Word updates it."""
    run = paragraph.add_run()
    begin, text, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar"),
                                  OxmlElement("w:fldChar"))  # fmt: skip
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(separate)
    if shown:
        result = OxmlElement("w:t")
        result.set(qn("xml:space"), "preserve")
        result.text = shown
        run._r.append(result)
    run._r.append(end)


def _page_numbers(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


def _landscape(doc: DocumentObject, wide: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21)
    section.page_width, section.page_height = (long, short) if wide else (short, long)
    margin = Cm(1.2) if wide else Cm(1.8)
    section.left_margin = section.right_margin = margin


def _cover(doc: DocumentObject, content: ReportContent) -> None:
    council = doc.add_paragraph()
    council.add_run(content.council_name).bold = True
    doc.add_heading(content.title, level=0)
    rows = [("Report to", content.committee)]
    if content.meeting_date:
        rows.append(("Meeting date", f"{content.meeting_date:%-d %B %Y}"))
    rows += [("From", content.author), ("Figures to", f"{content.as_at:%-d %B %Y}")]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        _cell_text(cells[0], label, bold=True)
        _cell_text(cells[1], value)
    doc.add_heading("Recommendations", level=1)
    doc.add_paragraph(f"It is recommended that the {content.committee}:")
    for n, line in enumerate(content.recommendations, start=1):
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(1.0)
        para.paragraph_format.first_line_indent = Cm(-0.6)
        para.add_run(f"{n}.\t{line}")
    doc.add_heading("Contents", level=1)
    _contents_field(doc, content)


def _contents_field(doc: DocumentObject, content: ReportContent) -> None:
    """A contents field (Word's TOC of headings 1 and 2) showing the sections' titles until Word updates it."""
    titles = [s.heading for s in content.sections] + ["Appendix 1: Charts", "Appendix 2: How to read the figures",
                                                      "Appendix 3: Glossary"]  # fmt: skip
    para = doc.add_paragraph()
    _field(para, 'TOC \\o "1-1" \\h \\z \\u', titles[0])
    for title in titles[1:]:
        para.add_run().add_break()
        para.add_run(title)


# ------------------------------------------------------------------------------------------------ paragraphs


def _section(doc: DocumentObject, section: ReportSection, content: ReportContent) -> None:
    doc.add_heading(section.heading, level=1)
    for p in section.paragraphs:
        if p.kind == "forecast":
            add_forecast_docx(doc, content.forecast)
        else:
            _paragraph(doc, p)


def _paragraph(doc: DocumentObject, p: Paragraph) -> None:
    if p.kind == "heading":
        doc.add_heading(p.text, level=2)
        return
    para = doc.add_paragraph()
    para.paragraph_format.left_indent = Cm(1.2)
    if p.kind == "counterfactual":
        para.add_run("To put this in context: ").bold = True
        para.add_run(p.text)
    elif p.kind in ("commentary", "explanation_needed"):
        para.add_run(f"{p.label}: ").bold = True
        para.add_run(p.text)
        _shade(para, "F2F2F2")
    elif p.kind == "gap":
        run = para.add_run(p.text)
        run.bold = True
        _border(para)
    elif p.kind == "bullet":
        para.paragraph_format.left_indent = Cm(1.8)
        para.paragraph_format.first_line_indent = Cm(-0.5)
        para.add_run(f"\u2022\t{p.text}")
    elif p.kind == "note":
        para.add_run(p.text).italic = True
    elif p.number:
        para.paragraph_format.first_line_indent = Cm(-1.2)
        para.add_run(f"{p.number}\t").bold = True
        para.add_run(p.text)
    else:
        para.paragraph_format.left_indent = Cm(0)
        para.add_run(p.text)


def _shade(paragraph: DocxParagraph, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    paragraph._p.get_or_add_pPr().append(shading)


def _border(paragraph: DocxParagraph) -> None:
    """A dashed box around a paragraph: a part of the paper still to be written."""
    borders = OxmlElement("w:pBdr")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "dashed")
        edge.set(qn("w:sz"), "8")
        edge.set(qn("w:space"), "4")
        edge.set(qn("w:color"), palette.MUTED_TEXT_COLOUR.lstrip("#"))
        borders.append(edge)
    paragraph._p.get_or_add_pPr().append(borders)


def _at_a_glance(doc: DocumentObject, content: ReportContent, section: ReportSection) -> None:
    doc.add_heading(section.heading, level=1)
    doc.add_paragraph(section.paragraphs[0].text)
    for h in content.scorecard:
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(0.4)
        label = para.add_run(f"{palette.RAG_SYMBOLS[h.rag]} {RAG_NAMES[h.rag] if h.rag != 'none' else 'No target'} ")
        label.bold = True
        label.font.color.rgb = RGBColor.from_string(palette.RAG_COLOURS[h.rag].lstrip("#"))
        para.add_run(h.text + " ")
        para.add_run(f"Chart {h.chart}").italic = True
    doc.add_paragraph(section.paragraphs[-1].text)


# ------------------------------------------------------------------------------------------------ tables


def _cell_text(
    cell: _Cell, text: str, *, bold: bool = False, fill: str | None = None, size: float | None = None
) -> None:
    paragraph = cell.paragraphs[0]
    if text.isprintable():  # no tab or line break for python-docx to turn into their own elements
        # a copy of a run python-docx made the same way, with its text: the same XML, a tenth of the time
        run = copy.deepcopy(_run_like(bold, size))
        if text:
            words = OxmlElement("w:t")
            words.text = text
            if len(text.strip()) < len(text):
                words.set(qn("xml:space"), "preserve")
            run.append(words)
        paragraph._p.append(run)
    else:
        made = paragraph.add_run(text)
        made.bold = bold
        if size is not None:
            made.font.size = Pt(size)
    if fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill.lstrip("#"))
        cell._tc.get_or_add_tcPr().append(shading)


@functools.cache
def _run_like(bold: bool, size: float | None) -> Any:
    """An empty run (`w:r`) in bold or not and at a size, as python-docx makes it: to be copied, never used."""
    run = DocxParagraph(OxmlElement("w:p"), None).add_run()  # type: ignore[arg-type]
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    return run._r


@functools.cache
def _kept_with_next() -> Any:
    """A paragraph's properties with only "keep with next" set, as python-docx makes them: to be copied."""
    paragraph = DocxParagraph(OxmlElement("w:p"), None)  # type: ignore[arg-type]
    paragraph.paragraph_format.keep_with_next = True
    return paragraph._p.pPr


def _header_row(table: Table, headers: Sequence[str], size: float | None = None) -> None:
    row = table.rows[0]
    for cell, text in zip(row.cells, headers, strict=True):
        _cell_text(cell, text, bold=True, fill="#F2F2F2", size=size)
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _keep_rows(table: Table) -> None:
    """No row split across pages, and each row kept with the next (a short table stays whole)."""
    for row in table.rows:
        marker = OxmlElement("w:cantSplit")
        marker.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(marker)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                if paragraph._p.pPr is None:  # the same properties python-docx would add, copied
                    paragraph._p.insert(0, copy.deepcopy(_kept_with_next()))
                else:
                    paragraph.paragraph_format.keep_with_next = True


def _table(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]], caption: str,
           font_size: float = 10, *, keep: bool = False) -> Table:  # fmt: skip
    cap = doc.add_paragraph()
    cap.paragraph_format.keep_with_next = True
    cap.add_run(caption).bold = True
    table = doc.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _header_row(table, headers, size=font_size)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _cell_text(cell, text, bold=i == 0, size=font_size)
    if keep:
        _keep_rows(table)
    return table  # type: ignore[no-any-return]


def _summary_tables(doc: DocumentObject, content: ReportContent) -> None:
    headers = summary_headers(content)
    cap = doc.add_paragraph()
    cap.add_run(f"Table 1: Summary of performance to {content.latest_month}").bold = True
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    _header_row(table, headers, size=9)
    for title, rows in summary_groups(content):
        group = table.add_row().cells
        merged = group[0].merge(group[-1])
        _cell_text(merged, title, bold=True, fill="#E8E8E8", size=9)
        for r in rows:
            cells = table.add_row().cells
            values = [f"{r.measure} ({r.chart})", r.direction_mark, r.latest, r.previous, r.average, r.target]
            for i, (cell, text) in enumerate(zip(cells, values, strict=False)):
                _cell_text(cell, text, bold=i == 0, size=9)
            _cell_text(
                cells[6], f"{palette.RAG_SYMBOLS[r.rag]} {status_cell(r)}", fill=palette.RAG_TINTS[r.rag], size=9
            )
            _cell_text(cells[7], r.variation_short, size=9)
            _cell_text(cells[8], r.assurance_short, size=9)
    note = doc.add_paragraph(SUMMARY_NOTE)
    note.runs[0].font.size = Pt(9)
    compare = compare_rows(content)
    if compare:
        _page_break(doc)
        compared = [[r.measure, r.direction, r.ours, r.period, r.england, r.region, r.neighbours, r.year, r.quartile]
                    for r in compare]  # fmt: skip
        _table(doc, compare_headers(content), compared,
               "Table 2: How we compare: our latest figures beside the latest published figures", 9)  # fmt: skip
        note = doc.add_paragraph(QUARTILE_NOTE)
        note.runs[0].font.size = Pt(9)


# ------------------------------------------------------------------------------------------------ appendices


def _appendix_1(doc: DocumentObject, content: ReportContent, charts: list[RenderedChart]) -> None:
    _page_break(doc)
    doc.add_heading("Appendix 1: Charts", level=1)
    months = len(next(iter(content.figures.values())).points)
    doc.add_paragraph(
        f"Each chart shows {months} months to {content.latest_month}: the measure, its target, England, the region "
        "and our neighbours over the years published, and the mean and process limits (grey). The latest 13 months' "
        "figures are beneath each chart."
    )
    for chart in charts:
        request = chart.entry.request
        heading = doc.add_heading(request.title, level=2)
        heading.paragraph_format.keep_with_next = True
        status = doc.add_paragraph()
        status.paragraph_format.keep_with_next = True
        status.add_run(f"{request.direction}. ").bold = True
        status.add_run(f"{palette.RAG_SYMBOLS[request.latest_rag]} {request.rag_words}")
        if chart.png is not None:
            _picture(doc, chart)
        for note in chart.notes:
            para = doc.add_paragraph(note)
            para.paragraph_format.keep_with_next = True
            para.runs[0].font.size = Pt(9)
        caption = f"Figures behind chart {chart.number}, the latest {len(chart.print_headers) - 1} months"
        if chart.withheld:
            threshold = request.disclosure.threshold
            caption += f" (<{threshold}: fewer than {threshold}, withheld" + (
                "; c: withheld beside it)" if chart.withheld_beside else ")"
            )
        headers = ["", *chart.print_headers[1:]]
        _table(doc, headers, chart.print_rows, caption, 8.5, keep=True)
        doc.add_paragraph()
    add_forecast_charts_docx(doc, content.forecast, len(charts) + 1)


def _picture(doc: DocumentObject, chart: RenderedChart) -> None:
    """The chart at its printed size: a high-resolution PNG, with the SVG itself for Word 2016 and later (and
    LibreOffice), which draw it sharp at any zoom; its alt text as Word's "Alt Text"."""
    assert chart.png is not None
    width_mm = min(chart.width * MM_PER_PX, MAX_PRINT_WIDTH_MM)
    doc.add_picture(io.BytesIO(chart.png), width=Cm(width_mm / 10))
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    inline = doc.inline_shapes[-1]._inline
    inline.docPr.set("descr", chart.alt)
    inline.docPr.set("title", chart.entry.request.title)
    part = Part(PackURI(f"/word/media/chart-{chart.number}.svg"), "image/svg+xml", chart.svg.encode("utf-8"),
                doc.part.package)  # fmt: skip
    rid = doc.part.relate_to(part, RT.IMAGE)
    blip = inline.graphic.graphicData.pic.blipFill.blip
    blip.append(parse_xml(
        f'<a:extLst xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<a:ext uri="{SVG_EXTENSION}"><asvg:svgBlip xmlns:asvg="{SVG_NAMESPACE}" r:embed="{rid}"/></a:ext></a:extLst>'
    ))  # fmt: skip


def _appendix_2(doc: DocumentObject, content: ReportContent) -> None:
    _page_break(doc)
    doc.add_heading("Appendix 2: How to read the figures", level=1)
    first, *rest = content.appendix_2
    for p in first.paragraphs:
        _paragraph(doc, p)
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _header_row(table, ["Status", "Meaning"])
    for rag, meaning in RAG_KEY:
        cells = table.add_row().cells
        _cell_text(cells[0], f"{palette.RAG_SYMBOLS[rag]} {RAG_NAMES[rag]}", bold=True, fill=palette.RAG_TINTS[rag])  # type: ignore[index]
        _cell_text(cells[1], meaning)
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _header_row(table, ["Variation and assurance", "Meaning"])
    for _, _, label, meaning in SPC_KEY:
        cells = table.add_row().cells
        _cell_text(cells[0], label, bold=True)
        _cell_text(cells[1], meaning)
    for section in rest:
        doc.add_heading(section.title, level=2)
        for p in section.paragraphs:
            _paragraph(doc, p)


def _glossary(doc: DocumentObject, content: ReportContent) -> None:
    doc.add_heading("Appendix 3: Glossary", level=1)
    for title, entries in (("Terms", content.glossary), ("The measures", content.measures)):
        doc.add_heading(title, level=2)
        for term, meaning in entries:
            para = doc.add_paragraph()
            para.add_run(f"{term}. ").bold = True
            para.add_run(meaning)
