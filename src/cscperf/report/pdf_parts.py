"""The report's PDF laid out in two parts at once, in two processes, and joined: "the report" (the cover, the
contents, the sections and the first charts of Appendix 1) and "the appendices" (the later charts, how to read
the figures, the glossary). The cut falls before a chart that begins a page (charts are never split and come two
to a page); the report's part lays that chart out too, to check it does, and ends before it.

Each part is the report's own print HTML cut in two, so each page is laid out and drawn as in the whole document.
What one part must know of the other before it is laid out is its `Numbering`: the report's part's page count
(where the appendices' page numbers start), the whole document's (the footers' "Page n of N") and the pages of
the headings the contents page lists in the appendices. It comes from the last report whose parts were the same
(else the last report; else a guess from the number of charts), is checked once both parts are laid out, and a
part given a wrong figure is laid out again with the right one: a wrong guess costs time, never a wrong number.

The join (with pikepdf, qpdf underneath: pypdf took 2 s for it) keeps what the whole document has: the tags (the
appendices' structure elements after the report's under the one /Document, the marked-content keys numbered in
one /ParentTree as WeasyPrint numbers them, the table headers' IDs kept distinct), the links and named
destinations (a link from the report to a later chart finds it: the report's part lays it out with a stand-in
anchor, whose destination the join replaces), and the bookmarks (the appendices' under "Appendix 1" and the
report's title, as in the whole document). The pages of both parts share one copy of each font file."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

_MAIN: Final = '<main id="main">'
_CHART: Final = '<section class="chart" id="'
_ANY_CHART: Final = '<section class="chart'
_LINK: Final = re.compile(r'<a ([^>]*?)href="#([^"]+)"')
_ID: Final = re.compile(r'\sid="([^"]+)"')
_CONTENTS_ENTRY: Final = re.compile(r'<li><a href="#([^"]+)">')
GUESSES_FILE: Final = "pdf-parts.json"
"""The guesses' file, in the chart cache's folder."""
_KEPT_GUESSES: Final = 64
_AFTER_CHARTS: Final = {"appendix-2": 1, "glossary": 3}
"""A first guess at where the appendices after the charts begin, in pages after the charts' last page."""
CUT: Final = "cscperf-cut"
"""The anchor of the first chart of the appendices' part, laid out at the end of the report's part too: it must
begin a page there (charts are never split and come two to a page), so the cut falls where the whole document
breaks the page; the report's part ends before it."""
MARK: Final = "cscperf-part"
"""The label of the appendices' part's stand-in bookmarks for the headings before the cut (the report's title
and "Appendix 1"), under which its own bookmarks sit: the join puts those under the report's."""


@dataclass(frozen=True)
class Numbering:
    """What each part must know of the other: the pages of the report's part and of the appendices' part, and the
    page, counted within the appendices' part from 1, of each heading the contents page lists there."""

    report_pages: int
    appendix_pages: int
    targets: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return self.report_pages + self.appendix_pages


@dataclass(frozen=True)
class LaidOut:
    """HTML laid out and written as PDF, with its page count and the page (from 1) of each anchor in it."""

    pdf: bytes
    pages: int
    anchors: dict[str, int]


@dataclass(frozen=True)
class Parts:
    """The print HTML cut before a chart: the report with the charts before it, and the rest."""

    report: str
    appendices: str
    before_cut: str  # the anchor of the chart before the cut

    def linked(self) -> list[str]:
        """The anchors the report's part links to in the appendices' part."""
        ours = set(_ID.findall(self.report))
        theirs = set(_ID.findall(self.appendices)) - ours
        return list(dict.fromkeys(t for _, t in _LINK.findall(self.report) if t in theirs))

    def listed(self) -> list[str]:
        """The headings of the appendices' part that the contents page gives a page number."""
        theirs = set(_ID.findall(self.appendices)) - set(_ID.findall(self.report))
        return [t for t in _CONTENTS_ENTRY.findall(self.report) if t in theirs]

    def keys(self) -> tuple[str, str]:
        """Each part's HTML decides its own page count and anchors: the keys of the guesses."""
        return hashlib.sha256(self.report.encode()).hexdigest(), hashlib.sha256(self.appendices.encode()).hexdigest()


def split(html: str, share: float = 0.25) -> Parts | None:
    """The print HTML cut before the chart that starts a page about `share` of the way through the charts, or
    None when there are too few charts to be worth two processes."""
    starts = [m.start() for m in re.finditer(re.escape(_CHART), html)]
    main, end = html.find(_MAIN), html.rfind("</main>")
    if len(starts) < 6 or main < 0 or end < starts[-1]:
        return None
    index = max(2, min(len(starts) - 2, round(len(starts) * share) // 2 * 2))  # an odd chart: it starts a page
    at, after = starts[index], starts[index + 1]
    chart = html[at:after]
    if chart.count("<section") != 1 or not chart.rstrip().endswith("</section>"):
        return None
    before = _ID.search(html, starts[index - 1])
    assert before is not None
    head = html[: html.index(">", html.index("<body")) + 1]
    probe = re.sub(r'\sid="[^"]*"', "", chart).replace(_CHART[:-5], f'{_CHART[:-5]} id="{CUT}"', 1)
    report = html[:at] + probe + "</section>\n" + html[end:]
    appendices = head + "\n<main>\n" + '<section class="appendix">\n  ' + html[at:]
    return Parts(report, appendices, before.group(1))


def report_part(parts: Parts, numbering: Numbering) -> str:
    """The report's part as WeasyPrint lays it out alone: the whole document's page count in its footers, the
    appendices' page numbers written into the contents page, and an anchor for each link into the appendices
    (its destination is put right when the parts are joined)."""
    linked, listed = parts.linked(), parts.listed()
    anchored: set[str] = set()

    def link(match: re.Match[str]) -> str:
        attributes, target = match.group(1), match.group(2)
        extra = ""
        if target in listed and target in numbering.targets:
            extra += f' data-page="{numbering.report_pages + numbering.targets[target]}"'
        if target in linked and target not in anchored:
            anchored.add(target)
            extra += f" style=\"-weasy-anchor: '{target}'\""
        return f'<a {attributes}href="#{target}"{extra}'

    css = (
        f"@page {{ @bottom-right {{ content: 'Page ' counter(page) ' of {numbering.pages}'; }} }}\n"
        "nav.contents a[data-page]::after { content: leader('.') attr(data-page); }\n"
    )
    return _with_style(_LINK.sub(link, parts.report), css)


def appendix_part(parts: Parts, numbering: Numbering, council: str, title: str) -> str:
    """The appendices' part as WeasyPrint lays it out alone: its pages numbered on from the report's, the whole
    document's page count, the cover's council and title (which the footers repeat) written in, and stand-in
    bookmarks for the headings it continues."""
    footer = _css_string(f"{' '.join(council.split())} \u2013 {' '.join(title.split())}")
    css = (
        f"@page {{ @bottom-left {{ content: {footer}; }}"
        f" @bottom-right {{ content: 'Page ' counter(page) ' of {numbering.pages}'; }} }}\n"
        f"@page :first {{ counter-reset: page {numbering.report_pages + 1}; }}\n"
        f"main {{ bookmark-level: 1; bookmark-label: '{MARK}'; }}\n"
        f"main > section.appendix:first-child {{ bookmark-level: 2; bookmark-label: '{MARK}'; }}\n"
    )
    return _with_style(parts.appendices, css)


def _with_style(html: str, css: str) -> str:
    at = html.index("</head>")
    return html[:at] + "<style>\n" + css + "</style>\n" + html[at:]


def _css_string(text: str) -> str:
    escaped = "".join(ch if ch.isalnum() or ch in " -.,()'&" else f"\\{ord(ch):x} " for ch in text)
    return '"' + escaped + '"'


def numbering_from(report: LaidOut, appendices: LaidOut, listed: list[str]) -> Numbering:
    """The numbering the two parts, as laid out, actually have."""
    targets = {t: appendices.anchors[t] for t in listed if t in appendices.anchors}
    return Numbering(report.pages, appendices.pages, targets)


Start = Callable[[str], Callable[[], LaidOut]]
"""Starts laying out a part's HTML (elsewhere) and gives back the wait for it."""


class TwoParts:
    """The two parts laid out at once: the appendices' part started as soon as this is made, the report's part
    laid out by `finish`, which checks the numbering each was given and lays out again a part given a wrong one."""

    def __init__(self, parts: Parts, guesses: Guesses, start: Start, council: str, title: str) -> None:
        self.parts, self.guesses, self.start, self.council, self.title = parts, guesses, start, council, title
        self.numbering = guesses.guess(parts)
        self.waiting = self._start(self.numbering)

    def _start(self, numbering: Numbering) -> Callable[[], LaidOut]:
        return self.start(appendix_part(self.parts, numbering, self.council, self.title))

    def finish(self, lay_out: Callable[[str, str | None], LaidOut]) -> bytes | None:
        """The joined PDF; None if the cut does not fall at a page break (then only the whole document will do)."""
        parts, listed = self.parts, self.parts.listed()
        report_given = appendices_given = self.numbering
        report = lay_out(report_part(parts, report_given), CUT)
        appendices = self.waiting()
        for _ in range(3):
            if CUT not in report.anchors or report.anchors.get(parts.before_cut, 0) >= report.anchors[CUT]:
                return None  # the charts at the cut share a page in the whole document
            actual = numbering_from(report, appendices, listed)
            again_appendices = _appendices_need(actual) != _appendices_need(appendices_given)
            again_report = _report_needs(actual) != _report_needs(report_given)
            if not again_appendices and not again_report:  # each part was given what it shows
                self.guesses.remember(parts.keys(), actual)
                return join(report.pdf, appendices.pdf)
            # a wrong guess: the part given it laid out again (both at once when both were), then checked again
            if again_appendices:
                waiting, appendices_given = self._start(actual), actual
            if again_report:
                report, report_given = lay_out(report_part(parts, actual), CUT), actual
            if again_appendices:
                appendices = waiting()
        return None


def _report_needs(numbering: Numbering) -> tuple[int, list[tuple[str, int]]]:
    """What of the numbering the report's part shows: the page count, the appendices' page numbers."""
    return numbering.pages, sorted((t, numbering.report_pages + page) for t, page in numbering.targets.items())


def _appendices_need(numbering: Numbering) -> tuple[int, int]:
    """What of the numbering the appendices' part shows: its first page's number and the page count."""
    return numbering.report_pages, numbering.pages


class Guesses:
    """The numbering of reports laid out before, kept in a small JSON file (in the chart cache's folder): the
    report's page count by its HTML, the appendices' by theirs, and the last report's as a fallback."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.known: dict[str, Any] = {"report": {}, "appendices": {}, "last": None}
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict) and {"report", "appendices", "last"} <= set(loaded):
                    self.known = loaded
            except (OSError, ValueError):
                pass

    def guess(self, parts: Parts) -> Numbering:
        """The numbering of the last report with the same parts, else of the last report, else a first guess."""
        keys, listed, last = parts.keys(), parts.listed(), self.known.get("last") or {}
        report = self.known["report"].get(keys[0], last.get("report"))
        appendix = self.known["appendices"].get(keys[1], last.get("appendices"))
        charts_before = parts.report.count(_ANY_CHART) - 1  # less the one laid out to find the cut
        charts_after = parts.appendices.count(_ANY_CHART)
        if report is None:  # the cover and the sections about 12 pages, then the charts two to a page
            report = 12 + (charts_before + 1) // 2
        if appendix is None or set(appendix[1]) != set(listed):  # the charts, then 2 pages, then the glossary
            chart_pages = (charts_after + 1) // 2
            appendix = [chart_pages + 5, {t: chart_pages + _AFTER_CHARTS.get(t, 1) for t in listed}]
        return Numbering(int(report), int(appendix[0]), {k: int(v) for k, v in appendix[1].items()})

    def remember(self, keys: tuple[str, str], numbering: Numbering) -> None:
        """Keep this report's numbering. The file is read again and written whole under a lock, so two reports
        written at once each keep their own numbering (the file read when this one began may be stale)."""
        _kept(self.known, keys, numbering)
        if self.path is None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with _locked(self.path.with_name(self.path.name + ".lock")):
                latest = Guesses(self.path).known
                _kept(latest, keys, numbering)
                handle, name = tempfile.mkstemp(dir=self.path.parent, prefix=".pdf-parts-", suffix=".tmp")
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump(latest, file)
                Path(name).replace(self.path)  # whole or not at all
            self.known = latest
        except OSError:
            pass


def _kept(known: dict[str, Any], keys: tuple[str, str], numbering: Numbering) -> None:
    """`known` with this report's numbering kept under its parts' keys (the oldest let go past the limit) and
    as the last report's."""
    appendices = [numbering.appendix_pages, numbering.targets]
    for name, key, value in (("report", keys[0], numbering.report_pages), ("appendices", keys[1], appendices)):
        kept = known[name]
        kept.pop(key, None)
        kept[key] = value
        while len(kept) > _KEPT_GUESSES:
            kept.pop(next(iter(kept)))
    known["last"] = {"report": numbering.report_pages, "appendices": appendices}


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock on `path` (made if missing) while the block runs: reports written at once take turns
    to update the guesses. Where the system has no `fcntl` (Windows), no lock: a lost update costs time only."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    with open(path, "a", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def join(report: bytes, appendices: bytes) -> bytes:
    """The two parts as one tagged PDF (see the module's description), with pikepdf (qpdf): it copies the
    appendices' objects across, each once, the pages and the structure elements that point to them alike."""
    import pikepdf

    ours, theirs = pikepdf.open(io.BytesIO(report)), pikepdf.open(io.BytesIO(appendices))
    before = len(ours.pages)
    ours.pages.extend(theirs.pages)
    page_of = {theirs.pages[n].obj.objgen: ours.pages[before + n].obj for n in range(len(theirs.pages))}
    _share_font_files(ours, before)

    # the structure: the appendices' elements after the report's, under the one /Document
    tree = ours.Root.StructTreeRoot
    document = tree.K[0]
    their_tree = theirs.Root.StructTreeRoot
    _distinct_ids(their_tree.K[0])
    for kid in their_tree.K[0].K:
        copied = ours.copy_foreign(kid)
        copied.P = document
        document.K.append(copied)

    # one parent tree, numbered as WeasyPrint numbers it: every page in turn, then every link
    mine, yours = _numbers(tree.ParentTree), _numbers(their_tree.ParentTree)
    nums: list[Any] = []
    for n in range(before):
        nums.extend([n, mine[n]])
    for n in range(len(theirs.pages)):
        nums.extend([before + n, pikepdf.Array([ours.copy_foreign(e) for e in yours[n]])])
        ours.pages[before + n].obj.StructParents = before + n
    key = len(ours.pages)
    for n, page in enumerate(ours.pages):
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" not in annotation:
                continue
            element = (mine if n < before else yours)[int(annotation.StructParent)]
            nums.extend([key, element if n < before else ours.copy_foreign(element)])
            annotation.StructParent = key
            key += 1
    tree.ParentTree = ours.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))

    # the named destinations: the appendices' (on their pages, now here) replace the report's stand-ins
    names = _destinations(ours.Root)
    for name, dest in _destinations(theirs.Root).items():
        names[name] = pikepdf.Array([page_of[dest[0].objgen], *list(dest)[1:]])
    flat = pikepdf.Array()
    for name in sorted(names):
        flat.extend([pikepdf.String(name), names[name]])
    ours.Root.Names.Dests = ours.make_indirect(pikepdf.Dictionary(Names=flat))

    _join_outlines(ours, theirs, page_of)
    out = io.BytesIO()
    ours.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _share_font_files(pdf: Any, first: int) -> None:
    """Each part embeds the same font files whole: the appendices' pages (from page index `first`) use the
    report's copy of each file. The font dictionaries stay each part's own (their widths and text maps)."""

    def files(page: Any) -> Iterator[tuple[Any, str]]:
        for font in page.obj.get("/Resources", {}).get("/Font", {}).values():
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get("/FontDescriptor")
                for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                    if descriptor is not None and key in descriptor:
                        yield descriptor, key

    if first == 0 or first >= len(pdf.pages):
        return
    kept = {hashlib.sha256(d[k].read_raw_bytes()).digest(): d[k] for d, k in files(pdf.pages[0])}
    seen: set[Any] = set()
    for page in pdf.pages[first:]:
        for descriptor, key in files(page):
            if descriptor.objgen in seen:
                continue
            seen.add(descriptor.objgen)
            same = kept.get(hashlib.sha256(descriptor[key].read_raw_bytes()).digest())
            if same is not None:
                descriptor[key] = same


def _distinct_ids(document: Any) -> None:
    """Keep the table headers' IDs (which WeasyPrint makes from object numbers) distinct from the report's."""
    import pikepdf

    stack = list(document.K)
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") != "/StructElem":
            continue
        if "/ID" in node:
            node.ID = pikepdf.String(f"{node.ID}.2")
        attributes = node.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            attributes.Headers = pikepdf.Array([pikepdf.String(f"{h}.2") for h in attributes.Headers])
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)


def _tree_entries(root: Any, leaves: str) -> list[tuple[Any, Any]]:
    """A PDF number tree's (`/Nums`) or name tree's (`/Names`) key and value pairs, from every node."""
    out: list[tuple[Any, Any]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        flat = node.get(leaves, [])
        out += [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
        stack += list(node.get("/Kids", []))
    return out


def _numbers(parent_tree: Any) -> dict[int, Any]:
    """A number tree's entries."""
    return {int(key): value for key, value in _tree_entries(parent_tree, "/Nums")}


def _destinations(catalog: Any) -> dict[str, Any]:
    """A document's named destinations."""
    if "/Names" not in catalog or "/Dests" not in catalog.Names:
        return {}
    return {str(key): value for key, value in _tree_entries(catalog.Names.Dests, "/Names")}


@dataclass
class _Bookmark:
    item: Any
    children: list[_Bookmark]


def _bookmarks(first: Any) -> list[_Bookmark]:
    out: list[_Bookmark] = []
    while first is not None:
        out.append(_Bookmark(first, _bookmarks(first.get("/First"))))
        first = first.get("/Next")
    return out


def _join_outlines(ours: Any, theirs: Any, page_of: dict[Any, Any]) -> None:
    """The appendices' bookmarks after the report's: those under a stand-in go under the report's bookmark at
    that place (the report's title, "Appendix 1")."""
    import pikepdf

    if "/Outlines" not in ours.Root or "/Outlines" not in theirs.Root:
        return
    outlines = ours.Root.Outlines
    mine = _bookmarks(outlines.get("/First"))

    def merge(into: list[_Bookmark], yours: list[_Bookmark]) -> None:
        for bookmark in yours:
            if str(bookmark.item.get("/Title")) == MARK and into:
                merge(into[-1].children, bookmark.children)
                continue
            dest = bookmark.item.Dest
            item = pikepdf.Dictionary(
                Title=bookmark.item.Title,
                Dest=pikepdf.Array([page_of[dest[0].objgen], *list(dest)[1:]]),
                Count=bookmark.item.get("/Count", 0),
            )
            copied = _Bookmark(ours.make_indirect(item), [])
            merge(copied.children, bookmark.children)
            into.append(copied)

    merge(mine, _bookmarks(theirs.Root.Outlines.get("/First")))

    def link(parent: Any, children: list[_Bookmark]) -> int:
        for key in ("/First", "/Last"):
            if key in parent:
                del parent[key]
        count = len(children)
        for n, child in enumerate(children):
            item = child.item
            for key in ("/Prev", "/Next"):
                if key in item:
                    del item[key]
            item.Parent = parent
            if n:
                item.Prev = children[n - 1].item
            if n + 1 < len(children):
                item.Next = children[n + 1].item
            below = link(item, child.children)
            closed = int(item.get("/Count", 0)) < 0
            item.Count = -below if closed else below
            count += 0 if closed else below
        if children:
            parent.First = children[0].item
            parent.Last = children[-1].item
        return count

    outlines.Count = link(outlines, mine)
