"""The report's colours, words and symbols for red-amber-green (RAG) ratings and chart series.

Every colour here is dark enough to be read as text on a white page (contrast of at least 4.5 to 1 under the
WCAG 2.x formula), and is derived from the Okabe-Ito colour-blind safe palette. A RAG status is never shown by
colour alone: each status also has a word and a symbol.
"""

from __future__ import annotations

from typing import Final

from cscperf.report.chart_request import Rag, ReferenceKind

TEXT_COLOUR: Final = "#1A1A1A"
"""Body and chart text: near-black (17.4 to 1 on white)."""

MUTED_TEXT_COLOUR: Final = "#595959"
"""Secondary text such as notes and axis labels (7.0 to 1 on white)."""

BACKGROUND_COLOUR: Final = "#FFFFFF"
"""The page and chart background."""

GRID_COLOUR: Final = "#D9D9D9"
"""Light gridlines: decoration only, never carrying meaning."""

RAG_COLOURS: Final[dict[Rag, str]] = {
    "blue": "#0072B2",  # Okabe-Ito blue, 5.2 to 1 on white
    "green": "#007A5A",  # darkened Okabe-Ito bluish green, 5.3 to 1
    "amber": "#A65E00",  # darkened Okabe-Ito orange, 5.0 to 1
    "red": "#B2182B",  # dark red, 6.9 to 1
    "none": "#595959",  # grey, 7.0 to 1
}
"""A strong colour per RAG status: usable as text on white, or as a fill behind white text."""

RAG_TINTS: Final[dict[Rag, str]] = {
    "blue": "#E6F1F9",
    "green": "#E3F1EA",
    "amber": "#FCEFD9",
    "red": "#FBE3E5",
    "none": "#F0F0F0",
}
"""A light tint per RAG status, for chips that carry their words in TEXT_COLOUR (at least 14 to 1)."""

RAG_WORDS: Final[dict[Rag, str]] = {
    "blue": "Blue: better than stretch target",
    "green": "Green: on target",
    "amber": "Amber: within tolerance",
    "red": "Red: outside tolerance",
    "none": "No target",
}
"""The plain words for each RAG status."""

RAG_SHORT_WORDS: Final[dict[Rag, str]] = {
    "blue": "Blue",
    "green": "Green",
    "amber": "Amber",
    "red": "Red",
    "none": "No target",
}
"""One word per RAG status, for tight spaces such as a chart's latest-point label."""

RAG_SYMBOLS: Final[dict[Rag, str]] = {
    "blue": "\u25b2",  # ▲ black up-pointing triangle
    "green": "\u25cf",  # ● black circle
    "amber": "\u25c6",  # ◆ black diamond
    "red": "\u25a0",  # ■ black square
    "none": "\u25cb",  # ○ white circle
}
"""A shape per RAG status, so that the status can be told apart without colour."""

RAG_LETTERS: Final[dict[Rag, str]] = {"blue": "B", "green": "G", "amber": "A", "red": "R", "none": "-"}
"""A letter per RAG status, for places where symbols may not print (e.g. spreadsheets)."""

RAG_SHAPES: Final[dict[Rag, str]] = {
    "blue": "triangle-up",
    "green": "circle",
    "amber": "diamond",
    "red": "square",
    "none": "circle",
}
"""The Vega-Lite point shape matching each RAG symbol."""

MAIN_SERIES_COLOUR: Final = "#1F3A5F"
"""The council's headline series: dark navy (11.5 to 1 on white)."""

FAINT_SERIES_COLOUR: Final = "#6B819C"
"""The months behind a measure judged on 12 months: a lighter navy (3.9 to 1 on white, enough for a line)."""

ROLLING_SERIES_COLOUR: Final = MAIN_SERIES_COLOUR
"""The 12 months to each month, the series such a measure is judged on: the headline navy, drawn bolder."""

SECONDARY_SERIES_COLOUR: Final = "#8A4F7D"
"""A series on the right-hand axis: darkened Okabe-Ito reddish purple (6.0 to 1)."""

EXTRA_SERIES_COLOURS: Final[tuple[str, ...]] = ("#8F5500", "#005A8C", "#5D3A9B", "#006B4F")
"""Further series on the left-hand axis, in turn (all at least 6 to 1 on white)."""

REFERENCE_COLOURS: Final[dict[ReferenceKind, str]] = {
    "target": "#006B4F",  # dark green, 6.5 to 1
    "stretch": "#0072B2",  # blue, 5.2 to 1
    "england": "#595959",  # grey, 7.0 to 1
    "region": "#8A4F7D",  # purple, 6.0 to 1
    "neighbours": "#8F5500",  # brown, 6.1 to 1
}
"""A colour per kind of reference line. Each line is labelled too, so colour is never the only cue."""

SPC_MEAN_COLOUR: Final = "#595959"
"""The mean of a process behaviour chart: a thin grey line behind the data (7.0 to 1 on white)."""

SPC_LIMIT_COLOUR: Final = "#767676"
"""Process limits: thin dashed grey lines behind the data (4.5 to 1 on white)."""

BAND_FILL_COLOUR: Final = "#007A5A"
"""The fill of a target band (drawn with low opacity, labelled in words)."""

SERIES_COLOURS: Final[dict[str, str]] = {
    "main": MAIN_SERIES_COLOUR,
    "secondary": SECONDARY_SERIES_COLOUR,
    **{f"extra_{i + 1}": colour for i, colour in enumerate(EXTRA_SERIES_COLOURS)},
    **{kind: colour for kind, colour in REFERENCE_COLOURS.items()},
}
"""Every series colour by role: main, secondary, extra_1 to extra_4 and one per kind of reference line."""


def _channel(value: int) -> float:
    """One sRGB channel (0 to 255) as linear light, per WCAG 2.x."""
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The WCAG 2.x relative luminance of a hex colour such as "#1A1A1A" or "fff" (0 black, 1 white)."""
    text = colour.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"Not a hex colour: {colour!r}")
    r, g, b = (int(text[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(fg: str, bg: str) -> float:
    """The WCAG 2.x contrast ratio between two hex colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
