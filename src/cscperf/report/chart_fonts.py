"""The chart font: one that vl-convert measures at the width WeasyPrint, Word or a browser will draw it, and
a fast subset of DejaVu Sans for vl-convert to measure and draw with."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Final

import vl_convert

from cscperf.report.palette import RAG_SYMBOLS

FONT_DIRECTORIES: Final = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
"""Where installed fonts are looked for when choosing the chart font."""

SUBSET_FAMILY: Final = "DejaVu Sans Subset"
"""A copy of DejaVu Sans cut down to the characters charts use, made once per machine in the temporary folder and
registered with vl-convert. Its letters have exactly DejaVu Sans's widths, but vl-convert measures and draws it
about 40% faster than the full font. Nothing outside vl-convert knows the name, so browsers and WeasyPrint draw
the SVG in the next font listed, DejaVu Sans itself."""

_SUBSET_CHARACTERS: Final = (
    "".join(chr(c) for c in range(0x20, 0x7F))  # ASCII
    + "".join(chr(c) for c in range(0xA0, 0x180))  # Latin-1 and Latin Extended-A (e.g. Welsh and Irish names)
    + "\u2013\u2014\u2018\u2019\u201c\u201d\u2022\u2026\u2212\u20ac\u2264\u2265"  # dashes, quotes, minus, ≤ ≥
    + "".join(RAG_SYMBOLS.values())
)
_SUBSET_VERSION: Final = "1"

_ARIAL_METRIC_FILES: Final = frozenset({"liberationsans-regular.ttf", "arial.ttf", "arimo-regular.ttf"})
_DEJAVU_FILES: Final = ("dejavusans.ttf", "dejavusans-bold.ttf")


@functools.cache
def _installed_fonts() -> dict[str, Path]:
    """The font files the chart font is chosen from that this machine has, by lower-case file name."""
    wanted = _ARIAL_METRIC_FILES | set(_DEJAVU_FILES)
    found: dict[str, Path] = {}
    for folder in FONT_DIRECTORIES:
        root = Path(folder).expanduser()
        if not root.is_dir():
            continue
        try:
            for parent, _, files in os.walk(root):
                for name in files:
                    if name.lower() in wanted:
                        found.setdefault(name.lower(), Path(parent) / name)
        except OSError:
            continue
    return found


def choose_font_family() -> str:
    """The chart font: one measured (by vl-convert) at the width it will be drawn (by WeasyPrint or a browser).

    - Liberation Sans (carried inside vl-convert, and fast) when the machine also has Liberation Sans, Arimo or
      Arial, which have the same widths.
    - Otherwise DejaVu Sans (through SUBSET_FAMILY, for speed): it is what WeasyPrint and most Linux systems draw
      SVG text in, and it is wider than Arial, so on a reader's machine without it the text is narrower than
      measured and never overflows.
    """
    fonts = _installed_fonts()
    if _ARIAL_METRIC_FILES & set(fonts):
        return "Liberation Sans, Arimo, Arial, Helvetica, sans-serif"
    if all(name in fonts for name in _DEJAVU_FILES):
        return f"{SUBSET_FAMILY}, DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
    return "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"


FONT_FAMILY: Final = choose_font_family()
"""Chart text (see choose_font_family)."""

SYMBOL_FONT_FAMILY: Final = (
    f"{SUBSET_FAMILY}, " if FONT_FAMILY.startswith(SUBSET_FAMILY) else ""
) + "DejaVu Sans, Segoe UI Symbol, Arial Unicode MS, Liberation Sans, sans-serif"
"""Text holding a RAG symbol (▲ ● ◆ ■ ○), which Liberation Sans and Arial lack; where no font here is installed
the symbol falls back to another installed font, and the RAG word beside it still says what it means."""


_FONT_LOCK: Final = threading.Lock()


def prepare_fonts() -> Path | None:
    """Make (once per machine) and register with vl-convert (once per process) the DejaVu Sans subset the chart
    font names; returns its folder, or None when it is not used or cannot be made (charts then render in DejaVu
    Sans itself, only more slowly). Called by the renderers; safe to call from several threads."""
    with _FONT_LOCK:
        return _prepare_fonts_once()


@functools.cache
def _prepare_fonts_once() -> Path | None:
    if not FONT_FAMILY.startswith(SUBSET_FAMILY):
        return None
    fonts = _installed_fonts()
    sources = [fonts[name] for name in _DEJAVU_FILES]
    try:
        identity = [
            _SUBSET_VERSION,
            _SUBSET_CHARACTERS,
            *((str(p), p.stat().st_size, p.stat().st_mtime) for p in sources),
        ]
        stamp = hashlib.sha1(repr(identity).encode()).hexdigest()[:12]
        folder = Path(tempfile.gettempdir()) / f"cscperf-chart-fonts-{stamp}"
        targets = [folder / "DejaVuSansSubset.ttf", folder / "DejaVuSansSubset-Bold.ttf"]
        if not all(t.is_file() for t in targets):
            folder.mkdir(parents=True, exist_ok=True)
            for source, target, bold in zip(sources, targets, (False, True), strict=True):
                _write_subset(source, target, bold)
        vl_convert.register_font_directory(str(folder))
    except Exception:
        return None
    return folder


def _write_subset(source: Path, target: Path, bold: bool) -> None:
    """Cut DejaVu Sans down to the chart characters, renamed SUBSET_FAMILY, written atomically to `target`."""
    from fontTools import subset  # WeasyPrint's dependency; imported here as only this needs it
    from fontTools.ttLib import TTFont

    font = TTFont(str(source), lazy=True)
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM"]  # the old "kern" table keeps the kerning
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=_SUBSET_CHARACTERS)
    subsetter.subset(font)
    style = "Bold" if bold else "Book"
    names = {
        1: SUBSET_FAMILY,
        2: style,
        4: f"{SUBSET_FAMILY} {style}",
        6: SUBSET_FAMILY.replace(" ", "") + f"-{style}",
        16: SUBSET_FAMILY,
        17: style,
    }
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    partial = target.with_suffix(f".{os.getpid()}.part")
    font.save(str(partial))
    os.replace(partial, target)
