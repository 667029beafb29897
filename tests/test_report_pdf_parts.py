"""The report's PDF laid out in two parts at once and joined (report/pdf_parts.py) is the PDF of the whole document:
the same pages pixel for pixel, the same text, the same tags in the same order on the same pages, the same links,
named destinations and bookmarks. Checked on the demo's paper as `write_report` writes it, with the guesses
kept made wrong (each part laid out again), against the session's demo paper laid out whole; and the small
parts (the cut, the guesses' file) alone. The pages' text and pictures are poppler's (pdftotext, pdftoppm)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pypdf
import pytest
from pypdf.generic import ArrayObject, DictionaryObject

from cscperf.report import pdf_parts
from cscperf.report.chart_cache import cache_folder
from cscperf.report.commentary import read_commentary
from cscperf.report.config import read_report_config
from cscperf.report.html import render_html
from cscperf.report.pdf import chart_files, render_pdf
from cscperf.report.pdf_parts import CUT, Guesses, Numbering, split
from cscperf.report.rendered import RenderedChart, render_charts
from cscperf.report.writer import REPORT_SHARE, Written, write_report

from .conftest import DEMO_AS_AT, ROOT

pytestmark = pytest.mark.slow  # a long file: started before the short ones (conftest.py)


@pytest.fixture(scope="module")
def charts(demo_report: Written) -> list[RenderedChart]:
    return render_charts(demo_report.content, png=False)


@pytest.fixture(scope="module")
def whole(demo_report: Written, charts: list[RenderedChart], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's paper laid out as one document, in this process (`write_report` lays it out in two parts)."""
    path = tmp_path_factory.mktemp("whole") / "report.pdf"
    path.write_bytes(render_pdf(demo_report.content, charts))
    return path


def _pages(path: Path, folder: Path) -> list[bytes]:
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(path), str(folder / "p")], check=True)
    return [page.read_bytes() for page in sorted(folder.iterdir())]


def _signature(path: Path) -> dict[str, Any]:
    """What a reader of the PDF gets besides the pictures: text, tags, links, destinations, bookmarks."""
    reader = pypdf.PdfReader(str(path))
    page_index = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}  # type: ignore[union-attr]
    tags: list[tuple[Any, ...]] = []

    def walk(node: Any, depth: int) -> None:
        node = node.get_object()
        if not isinstance(node, DictionaryObject):
            tags.append((depth, "MCID", int(node)))
            return
        if node.get("/Type") == "/OBJR":
            link = node["/Obj"].get_object()
            tags.append((depth, "link", page_index[node.raw_get("/Pg").idnum], str(link.get("/Dest"))))
            return
        attributes = node.get("/A")
        shown = sorted((k, str(v)) for k, v in attributes.items() if k != "/Headers") if attributes else None
        page = page_index.get(node.raw_get("/Pg").idnum) if "/Pg" in node else None
        tags.append((depth, str(node["/S"]), page, str(node.get("/Alt")), str(shown)))
        assert node.get("/P") is not None
        for kid in node.get("/K", ArrayObject()):
            walk(kid, depth + 1)

    root = reader.trailer["/Root"]
    walk(root["/StructTreeRoot"]["/K"][0], 0)
    ids: set[str] = set()
    headers: list[str] = []
    stack = [root["/StructTreeRoot"]["/K"][0]]
    while stack:
        node = stack.pop().get_object()
        if isinstance(node, DictionaryObject) and node.get("/Type") == "/StructElem":
            if "/ID" in node:
                assert str(node["/ID"]) not in ids  # every table header's ID once
                ids.add(str(node["/ID"]))
            if "/A" in node and "/Headers" in node["/A"]:
                headers += [str(h) for h in node["/A"]["/Headers"]]
            stack += list(node.get("/K", ArrayObject()))
    assert set(headers) <= ids  # every cell's headers found
    parent_tree = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    marked = {int(parent_tree[i]): parent_tree[i + 1].get_object() for i in range(0, len(parent_tree), 2)}
    content: list[Any] = []
    for n, page in enumerate(reader.pages):
        content.append((n, [str(e.get_object()["/S"]) for e in marked[int(page["/StructParents"])]]))
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            element = marked[int(annotation["/StructParent"])]
            content.append(
                (n, str(element["/S"]), str(annotation["/Dest"]), [round(float(x), 2) for x in annotation["/Rect"]])
            )
    destinations = {
        name: (reader.get_destination_page_number(d), round(float(d.left), 2), round(float(d.top), 2))
        for name, d in reader.named_destinations.items()
    }
    bookmarks: list[tuple[Any, ...]] = []

    def outline(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                outline(item, depth + 1)
            else:
                bookmarks.append((depth, item.title, reader.get_destination_page_number(item), float(item.top)))

    outline(reader.outline, 0)
    # poppler's text of each page: pypdf's took minutes, reading the fonts again for each chart (tests/pdf_text.py)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True).stdout
    pages = text.decode("utf-8").split("\f")
    assert len(pages) == len(reader.pages) + 1 and pages[-1] == ""  # each page's text ends with a form feed
    catalog = {k: str(v) for k, v in root.items() if k not in ("/Pages", "/Outlines", "/Names", "/StructTreeRoot")}
    return {"text": pages[:-1], "tags": tags, "marked": content, "destinations": destinations, "bookmarks": bookmarks,
            "catalog": catalog, "header ids": len(ids)}  # fmt: skip


def _same_document(joined: Path, whole: Path, folder: Path) -> None:
    ours, theirs = _pages(joined, folder / "joined"), _pages(whole, folder / "whole")
    assert len(ours) == len(theirs)
    assert [n + 1 for n, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b] == []
    assert _signature(joined) == _signature(whole)


def test_the_paper_as_write_report_writes_it_is_the_whole_document(
    demo_report: Written, whole: Path, tmp_path: Path
) -> None:
    """The session's demo paper, written with the default jobs: its PDF laid out in two parts and joined."""
    _same_document(demo_report.paths["pdf"], whole, tmp_path)


def test_the_second_process_is_given_text_and_loads_none_of_the_report_engine(
    demo_report: Written, charts: list[RenderedChart]
) -> None:
    """A part's HTML goes to the second process with the SVG of each chart it shows (plain text, by file name),
    so that process loads only the PDF's own modules, never the indicators, the store or the chart renderer."""
    parts = split(render_html(demo_report.content, charts, print_version=True))
    assert parts is not None
    files = chart_files(parts.appendices, charts)
    shown = {c.print_uri for c in charts if f'src="{c.print_uri}"' in parts.appendices}
    assert set(files) == shown and 0 < len(shown) < len(charts)
    assert all(files[c.print_uri] == c.svg for c in charts if c.print_uri in files)
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, cscperf.report.pdf; print(' '.join(sorted(sys.modules)))"],
        check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    ours = {m for m in loaded if m.startswith("cscperf")}
    assert ours == {"cscperf", "cscperf.report", "cscperf.report.pdf", "cscperf.report.pdf_parts",
                    "cscperf.report.print_svg", "cscperf.report.svg_text"}  # fmt: skip
    assert not {"duckdb", "vl_convert", "altair", "numpy", "weasyprint"} & set(loaded)


def test_the_paper_written_in_two_parts_is_the_whole_document_even_when_the_guesses_are_wrong(
    demo_report: Written, demo_store: Path, charts: list[RenderedChart], whole: Path, tmp_path: Path
) -> None:
    """`write_report` with jobs 3: the PDF laid out in two processes and joined. Every figure of the kept guess
    is made wrong first, so both parts must be laid out again with the right numbering; the document is still
    the whole document, and the right numbering is remembered. (One test for both: each lays out the whole
    paper twice, and the suite has 15 minutes.)"""
    parts = split(render_html(demo_report.content, charts, print_version=True), REPORT_SHARE)  # as write_report
    assert parts is not None
    folder = cache_folder()
    assert folder is not None  # the tests' own chart cache, where write_report keeps its guesses
    guesses = Guesses(folder / pdf_parts.GUESSES_FILE)
    first_guess = Guesses(None).guess(parts)
    wrong = Numbering(1, 1, dict.fromkeys(first_guess.targets, 1))  # no part of the paper is one page long
    guesses.remember(parts.keys(), wrong)
    assert Guesses(folder / pdf_parts.GUESSES_FILE).guess(parts) == wrong
    config = read_report_config(ROOT / "cscperf.example.toml")
    options = config.report.model_copy(update={"commentary": ROOT / "commentary.example.toml"})
    config = config.model_copy(update={"report": options})
    written = write_report(demo_store, DEMO_AS_AT, tmp_path / "out", config, read_commentary(options.commentary),
                           ("pdf",), jobs=3)  # fmt: skip
    assert split(render_html(written.content, charts, print_version=True), REPORT_SHARE) == parts  # as seeded
    _same_document(written.paths["pdf"], whole, tmp_path)
    assert Guesses(folder / pdf_parts.GUESSES_FILE).guess(parts) != wrong  # the right numbering remembered


def _html(charts: int) -> str:
    sections = "".join(
        f'<section class="chart" id="chart-{n}" aria-labelledby="h{n}"><h3 id="h{n}">Chart {n}</h3></section>\n'
        for n in range(1, charts + 1)
    )
    return (
        '<html lang="en-GB"><head><title>t</title></head>\n<body class="print">\n<header><nav class="contents"><ul>'
        '<li><a href="#one">One</a></li><li><a href="#appendix-1">Appendix 1</a></li>'
        '<li><a href="#glossary">Glossary</a></li></ul></nav></header>\n<main id="main">\n'
        '<section id="one"><h2>One</h2><p>See <a href="#chart-5">chart 5</a>, <a href="#chart-1">chart 1</a> and '
        '<a class="chart-ref" href="#chart-5">5</a>.</p></section>\n'
        f'<section id="appendix-1" class="appendix"><h2>Appendix 1</h2>\n{sections}</section>\n'
        '<section id="glossary"><h2>Glossary</h2></section>\n</main>\n</body></html>'
    )


def test_the_cut_falls_before_a_chart_that_starts_a_page() -> None:
    assert split(_html(5)) is None  # too few charts to be worth two processes
    parts = split(_html(10))
    assert parts is not None
    assert parts.before_cut == "chart-2"  # a quarter of the way: chart 3, the first of a pair, begins the second part
    assert f'<section class="chart" id="{CUT}"' in parts.report and 'id="chart-5"' not in parts.report
    assert parts.appendices.count('id="chart-') == 8 and 'id="main"' not in parts.appendices
    assert parts.linked() == ["glossary", "chart-5"] and parts.listed() == ["glossary"]
    report = pdf_parts.report_part(parts, Numbering(7, 4, {"glossary": 3}))
    assert '<a href="#glossary" data-page="10" style="-weasy-anchor: \'glossary\'"' in report
    assert report.count("-weasy-anchor: 'chart-5'") == 1  # one stand-in anchor a target
    assert "' of 11'" in report
    appendices = pdf_parts.appendix_part(parts, Numbering(7, 4, {"glossary": 3}), "Kent", 'A "report"')
    assert "counter-reset: page 8" in appendices and "' of 11'" in appendices
    assert 'content: "Kent \\2013  A \\22 report\\22 "' in appendices


def test_the_guesses_file(tmp_path: Path) -> None:
    parts = split(_html(10))
    assert parts is not None
    path = tmp_path / "cache" / pdf_parts.GUESSES_FILE
    first = Guesses(path).guess(parts)
    assert first.report_pages >= 1 and set(first.targets) == {"glossary"}  # a first guess, from the charts
    Guesses(path).remember(parts.keys(), Numbering(9, 5, {"glossary": 4}))
    assert Guesses(path).guess(parts) == Numbering(9, 5, {"glossary": 4})
    other = split(_html(12))
    assert other is not None and Guesses(path).guess(other) == Numbering(9, 5, {"glossary": 4})  # the last report's
    path.write_text("not json", encoding="utf-8")
    assert Guesses(path).guess(parts) == first  # a spoilt file is a first guess, never an error
    assert json.loads(json.dumps(Guesses(None).known)) == {"report": {}, "appendices": {}, "last": None}


def test_a_font_long_stream_is_compressed_once_in_a_process_to_the_same_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pdf.fonts_compressed_once`: the whole font files, the same in every PDF, compressed once in a process
    (the second process has them from its warm-up page); shorter streams each time; pydyf's bytes either way."""
    import types
    import zlib

    import pydyf

    from cscperf.report import pdf

    font = bytes(range(256)) * 2048  # 512 KB, as long as a font file
    page = b"BT /F1 12 Tf (Page 1) Tj ET"
    expected = [pydyf.Stream([data], compress=True).data for data in (font, page)]
    made: list[int] = []

    def compressobj(level: int = -1) -> Any:
        made.append(level)
        return zlib.compressobj(level=level)

    monkeypatch.setattr(pydyf, "zlib", types.SimpleNamespace(compressobj=compressobj, compress=zlib.compress))
    monkeypatch.setattr(pdf, "_compressed", {})
    for _ in range(2):
        with pdf.fonts_compressed_once():
            assert [pydyf.Stream([data], compress=True).data for data in (font, page)] == expected
    assert made == [9, 9, 9]  # the font once, the page each time
    assert pydyf.zlib.compressobj is compressobj  # put back


def test_reports_written_at_once_each_keep_their_numbering(tmp_path: Path) -> None:
    """Two reports that read the guesses before either wrote them: the second to finish keeps the first's
    numbering too (it reads the file again before writing), rather than writing back what it read at its start."""
    path = tmp_path / pdf_parts.GUESSES_FILE
    first, second = Guesses(path), Guesses(path)
    first.remember(("report-1", "appendices-1"), Numbering(10, 5, {"glossary": 3}))
    second.remember(("report-2", "appendices-2"), Numbering(12, 6, {"glossary": 4}))
    kept = Guesses(path).known
    assert kept["report"] == {"report-1": 10, "report-2": 12}
    assert kept["appendices"] == {"appendices-1": [5, {"glossary": 3}], "appendices-2": [6, {"glossary": 4}]}
    assert kept["last"] == {"report": 12, "appendices": [6, {"glossary": 4}]}
