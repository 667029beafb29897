"""The report as an editable Word document (committee papers are Word documents): real headings, numbered
paragraphs, tables with header rows, each chart a picture with alt text followed by its data, page numbers,
the summary tables on landscape pages, and the glossary annex."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph as DocxParagraph

from cscperf.report import palette
from cscperf.report.contents import Paragraph, ReportContent
from cscperf.report.forecast_writers import add_forecast_docx
from cscperf.report.html import RAG_KEY, SPC_KEY
from cscperf.report.rag import RAG_NAMES
from cscperf.report.rendered import RenderedChart
from cscperf.report.tables import QUARTILE_NOTE, compare_headers, compare_rows, summary_groups, summary_headers

FONT = "Arial"


def render_docx(content: ReportContent, charts: list[RenderedChart]) -> bytes:
    """The report as .docx bytes."""
    doc = Document()
    _styles(doc)
    _page_numbers(doc)
    _title_block(doc, content)
    for section in content.sections:
        if section.section_id == "summary":
            _landscape(doc, True)
        doc.add_heading(f"{section.number}. {section.title}", level=1)
        for p in section.paragraphs:
            _paragraph(doc, p)
        if section.section_id == "forecast":
            add_forecast_docx(doc, content.forecast)
        if section.section_id == "how_to_read":
            _rag_key(doc)
            _spc_key(doc)
        if section.section_id == "summary":
            _summary_tables(doc, content)
            _landscape(doc, False)
    _appendix(doc, content, charts)
    _glossary(doc, content)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _styles(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name, size in (("Title", 24), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 13)):
        style = doc.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor.from_string(palette.TEXT_COLOUR.lstrip("#"))
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)


def _page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field(paragraph: DocxParagraph, instruction: str) -> None:
    run = paragraph.add_run()
    begin, text, end = OxmlElement("w:fldChar"), OxmlElement("w:instrText"), OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _page_numbers(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer.paragraphs[0]
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _landscape(doc: DocumentObject, wide: bool) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE if wide else WD_ORIENT.PORTRAIT
    long, short = Cm(29.7), Cm(21)
    section.page_width, section.page_height = (long, short) if wide else (short, long)


def _title_block(doc: DocumentObject, content: ReportContent) -> None:
    council = doc.add_paragraph()
    council.add_run(content.council_name).bold = True
    doc.add_heading(content.title, level=0)
    rows = [("Report to", content.committee)]
    if content.meeting_date:
        rows.append(("Meeting date", f"{content.meeting_date:%-d %B %Y}"))
    rows += [("From", content.author), ("Figures to", f"{content.as_at:%-d %B %Y}"),
             ("Council", f"{content.council_name} (DfE code {content.la_code})")]  # fmt: skip
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        _cell_text(cells[0], label, bold=True)
        _cell_text(cells[1], value)
    doc.add_heading("Contents", level=1)
    for line in [f"{s.number}. {s.title}" for s in content.sections] + ["Appendix 1: Charts", "Annex: Glossary"]:
        doc.add_paragraph(line).paragraph_format.space_after = Pt(2)
    _page_break(doc)


def _paragraph(doc: DocumentObject, p: Paragraph) -> None:
    if p.kind == "counterfactual":
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(1.2)
        para.add_run("To put this in context: ").bold = True
        para.add_run(p.text)
    elif p.kind == "commentary":
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(1.2)
        para.add_run(f"{p.label}: ").bold = True
        para.add_run(p.text)
    elif p.kind == "explanation_needed":
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(1.2)
        label = para.add_run("EXPLANATION NEEDED: ")
        label.bold = True
        label.font.highlight_color = WD_COLOR_INDEX.YELLOW
        text = para.add_run(p.text)
        text.font.highlight_color = WD_COLOR_INDEX.YELLOW
    else:
        para = doc.add_paragraph()
        para.paragraph_format.left_indent = Cm(1.2)
        para.paragraph_format.first_line_indent = Cm(-1.2)
        para.add_run(f"{p.number}\t").bold = True
        para.add_run(p.text)


def _cell_text(cell: _Cell, text: str, *, bold: bool = False, fill: str | None = None, size: int | None = None) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if fill:
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), fill.lstrip("#"))
        cell._tc.get_or_add_tcPr().append(shading)


def _header_row(table: Table, headers: Sequence[str], size: int | None = None) -> None:
    row = table.rows[0]
    for cell, text in zip(row.cells, headers, strict=True):
        _cell_text(cell, text, bold=True, fill="#F2F2F2", size=size)
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def _table(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]], caption: str,
           font_size: int = 11) -> None:  # fmt: skip
    cap = doc.add_paragraph()
    cap.add_run(caption).bold = True
    table = doc.add_table(rows=len(rows) + 1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _header_row(table, headers, size=font_size)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            _cell_text(cell, text, bold=i == 0, size=font_size)


def _font_size(table: Table, size: int) -> None:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _rag_key(doc: DocumentObject) -> None:
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _header_row(table, ["Status", "Meaning"])
    for rag, meaning in RAG_KEY:
        cells = table.add_row().cells
        _cell_text(cells[0], f"{palette.RAG_SYMBOLS[rag]} {RAG_NAMES[rag]}", bold=True, fill=palette.RAG_TINTS[rag])  # type: ignore[index]
        _cell_text(cells[1], meaning)


def _spc_key(doc: DocumentObject) -> None:
    """The variation and assurance judgements in words (the summary table gives them as words in Word)."""
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _header_row(table, ["Variation and assurance", "Meaning"])
    for _, _, label, meaning in SPC_KEY:
        cells = table.add_row().cells
        _cell_text(cells[0], label, bold=True)
        _cell_text(cells[1], meaning)


def _summary_tables(doc: DocumentObject, content: ReportContent) -> None:
    headers = summary_headers(content)
    cap = doc.add_paragraph()
    cap.add_run(f"Table 1: Summary of performance to {content.latest_month}").bold = True
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    _header_row(table, headers)
    for title, rows in summary_groups(content):
        group = table.add_row().cells
        merged = group[0].merge(group[-1])
        _cell_text(merged, title, bold=True, fill="#E8E8E8")
        for r in rows:
            cells = table.add_row().cells
            latest = r.latest + (f" ({r.note})" if r.note else "")
            values = [f"{r.measure} (chart {r.chart})", r.direction, latest, r.previous, r.change, r.average,
                      r.target]  # fmt: skip
            for i, (cell, text) in enumerate(zip(cells, values, strict=False)):
                _cell_text(cell, text, bold=i == 0)
            _cell_text(cells[len(values)], f"{palette.RAG_SYMBOLS[r.rag]} {r.status}", fill=palette.RAG_TINTS[r.rag])
            _cell_text(cells[len(values) + 1], r.variation_words)
            _cell_text(cells[len(values) + 2], r.assurance_words)
    _font_size(table, 10)
    compare = compare_rows(content)
    if compare:
        doc.add_paragraph()
        compared = [[r.measure, r.direction, r.ours, r.england, r.region, r.neighbours, r.year, r.quartile]
                    for r in compare]  # fmt: skip
        caption = "Table 2: How we compare: our latest figures beside the latest published figures"
        _table(doc, compare_headers(content), compared, caption, font_size=10)
        doc.add_paragraph(QUARTILE_NOTE)


def _appendix(doc: DocumentObject, content: ReportContent, charts: list[RenderedChart]) -> None:
    _page_break(doc)
    doc.add_heading("Appendix 1: Charts", level=1)
    months = len(next(iter(content.figures.values())).points)
    doc.add_paragraph(
        f"Each chart shows {months} months to {content.latest_month}, the target line or band, England, region and "
        "statistical-neighbour figures where published, and the latest month's status in words and symbol. The "
        "figures behind each chart follow it."
    )
    for n, chart in enumerate(charts):
        if n:
            _page_break(doc)
        request = chart.entry.request
        doc.add_heading(request.title, level=2)
        status = doc.add_paragraph()
        status.add_run(f"{request.direction}. ").bold = True
        status.add_run(f"{palette.RAG_SYMBOLS[request.latest_rag]} {request.rag_words}")
        if chart.png is not None:
            doc.add_picture(io.BytesIO(chart.png), width=Cm(16.5))
            _alt_text(doc, chart.alt, request.title)
        for note in request.notes:
            doc.add_paragraph(note)
        if chart.references:
            doc.add_paragraph("Lines on the chart: " + "; ".join(chart.references) + ".")
        _table(doc, chart.headers, chart.rows, f"Figures behind chart {chart.number}", font_size=10)


def _alt_text(doc: DocumentObject, alt: str, title: str) -> None:
    """Put the alt text on the picture just added (wp:docPr descr and title), as Word's "Alt Text" does."""
    inline = doc.inline_shapes[-1]._inline
    doc_pr = inline.docPr
    doc_pr.set("descr", alt)
    doc_pr.set("title", title)


def _glossary(doc: DocumentObject, content: ReportContent) -> None:
    _page_break(doc)
    doc.add_heading("Annex: Glossary", level=1)
    for term, meaning in content.glossary:
        para = doc.add_paragraph()
        para.add_run(f"{term}. ").bold = True
        para.add_run(meaning)
