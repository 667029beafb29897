"""The Making Data Count summary icons as accessible SVG symbols, with their words: a variation icon (is the
latest figure a signal, and of what?) and an assurance icon (will the process meet its target?).

Shared by every output that shows them (the committee report, the web service): each icon is a small SVG
(`variation_svg`, `assurance_svg`) that names itself (role="img", aria-label and <title>), and never relies on
colour alone. Its shape says what it is:

    variation  common cause         grey ring holding a level wavy line
               improvement          solid blue disc holding a white arrow (up: high figures, down: low)
               concern              orange ring, drawn thick, holding an orange arrow
               neutral              dashed purple ring holding a purple arrow
    assurance  pass                 solid blue square holding a white P
               fail                 orange square outline, drawn thick, holding an orange F
               hit and miss         dashed grey square outline holding a grey ?

Where an icon sits beside its words (as in the report's summary table) it is decorative (`decorative=True`:
aria-hidden, no name), so a screen reader reads the words once. The words are in VARIATION_WORDS and
ASSURANCE_WORDS; Word and Excel show the words alone.

Colours are the report's Okabe-Ito based ones (each at least 5 to 1 on white).
"""

from __future__ import annotations

import base64
import html
from typing import Final

from cscperf.analysis.spc import AssuranceIcon, Rule, Signal, VariationIcon

IMPROVEMENT_COLOUR: Final = "#0072B2"  # blue, 5.2 to 1 on white
CONCERN_COLOUR: Final = "#C04000"  # deep orange, 5.3 to 1
NEUTRAL_COLOUR: Final = "#5D3A9B"  # purple, 8.3 to 1
COMMON_CAUSE_COLOUR: Final = "#595959"  # grey, 7.0 to 1

SIGNAL_COLOURS: Final[dict[Signal, str]] = {
    "improvement": IMPROVEMENT_COLOUR,
    "concern": CONCERN_COLOUR,
    "neutral_high": NEUTRAL_COLOUR,
    "neutral_low": NEUTRAL_COLOUR,
}
"""The colour of a point flagged as a special cause, on charts as in the icons."""

VARIATION_WORDS: Final[dict[VariationIcon, tuple[str, str]]] = {
    "common_cause": ("Common cause", "Common cause variation: the latest figure is within normal variation (no "
                                     "signal)."),
    "improvement_high": ("Improvement (high)", "Special cause variation of an improving nature: the latest figure "
                                               "is part of a signal of higher figures."),
    "improvement_low": ("Improvement (low)", "Special cause variation of an improving nature: the latest figure is "
                                             "part of a signal of lower figures."),
    "concern_high": ("Concern (high)", "Special cause variation of a concerning nature: the latest figure is part "
                                       "of a signal of higher figures."),
    "concern_low": ("Concern (low)", "Special cause variation of a concerning nature: the latest figure is part of "
                                     "a signal of lower figures."),
    "neutral_high": ("Unusually high", "Special cause variation in a measure with no better direction: the latest "
                                       "figure is part of a signal of higher figures."),
    "neutral_low": ("Unusually low", "Special cause variation in a measure with no better direction: the latest "
                                     "figure is part of a signal of lower figures."),
}  # fmt: skip
"""Each variation icon's short label (a table cell) and full meaning (its accessible name)."""

ASSURANCE_WORDS: Final[dict[AssuranceIcon, tuple[str, str]]] = {
    "pass": ("Will pass", "The target lies beyond the process limits on the good side: the process will "
                          "consistently meet it."),
    "fail": ("Will fail", "The target lies beyond the process limits on the wrong side: the process will not meet "
                          "it without a change to the way the service works."),
    "hit_and_miss": ("Hit and miss", "The target lies within the process limits: the process will meet it in "
                                     "some months and miss it in others."),
}  # fmt: skip
"""Each assurance icon's short label and full meaning."""

SIGNAL_LABELS: Final[dict[Signal, str]] = {
    "improvement": "Improvement",
    "concern": "Concern",
    "neutral_high": "Unusually high",
    "neutral_low": "Unusually low",
}
"""A flagged point's special cause in a word or two (a table cell)."""

RULE_LABELS: Final[dict[Rule, str]] = {
    "outside_limits": "beyond a process limit",
    "trend": "trend of 7 or more",
    "two_of_three": "2 of 3 close to a limit",
    "run": "run of 7 or more on one side of the mean",
}
"""Which pattern flagged a point, in a few words."""


RULE_SHORT_LABELS: Final[dict[Rule, str]] = {
    "outside_limits": "beyond limit",
    "trend": "trend",
    "two_of_three": "2 of 3",
    "run": "run",
}
"""Which pattern flagged a point, in a word or two (a narrow table column)."""


def signal_words(signal: Signal | None, rules: tuple[Rule, ...], *, short: bool = False) -> str:
    """ "Concern: run of 7 or more on one side of the mean"; when `short`, the signal and the rule that decides
    its direction, "Concern (run)"; "" for a point within normal variation."""
    if signal is None:
        return ""
    if short:
        return f"{SIGNAL_LABELS[signal]} ({RULE_SHORT_LABELS[rules[0]]})" if rules else SIGNAL_LABELS[signal]
    return f"{SIGNAL_LABELS[signal]}: {'; '.join(RULE_LABELS[r] for r in rules)}"


NO_VARIATION_WORDS: Final = ("Too few figures", "Too few figures to tell a signal from normal variation.")
NO_ASSURANCE_WORDS: Final = ("No target", "No target to give assurance against.")

SIZE: Final = 40
"""The icons' drawing size in pixels (viewBox 0 0 40 40); `size` scales them."""

_FONT: Final = "DejaVu Sans, Arial, Helvetica, sans-serif"


def variation_label(icon: VariationIcon | None) -> str:
    return VARIATION_WORDS[icon][0] if icon is not None else NO_VARIATION_WORDS[0]


def variation_meaning(icon: VariationIcon | None) -> str:
    return VARIATION_WORDS[icon][1] if icon is not None else NO_VARIATION_WORDS[1]


def assurance_label(icon: AssuranceIcon | None) -> str:
    return ASSURANCE_WORDS[icon][0] if icon is not None else NO_ASSURANCE_WORDS[0]


def assurance_meaning(icon: AssuranceIcon | None) -> str:
    return ASSURANCE_WORDS[icon][1] if icon is not None else NO_ASSURANCE_WORDS[1]


def _svg(body: str, name: str, size: int, decorative: bool) -> str:
    label = html.escape(name, quote=True)
    if decorative:
        opening = '<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false"'
        title = ""
    else:
        opening = f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}"'
        title = f"<title>{html.escape(name, quote=False)}</title>"
    return (f'{opening} width="{size}" height="{size}" viewBox="0 0 {SIZE} {SIZE}">{title}'
            f'<rect width="{SIZE}" height="{SIZE}" fill="none"/>{body}</svg>')  # fmt: skip


def _arrow(up: bool, colour: str) -> str:
    """A bold arrow pointing up or down through the middle of the icon."""
    shaft = '<path d="M20 29 V13" stroke="{c}" stroke-width="4" stroke-linecap="round" fill="none"/>'
    head = '<path d="M12.5 17.5 L20 10 L27.5 17.5" stroke="{c}" stroke-width="4" stroke-linecap="round" ' \
           'stroke-linejoin="round" fill="none"/>'  # fmt: skip
    drawn = (shaft + head).format(c=colour)
    return drawn if up else f'<g transform="rotate(180 20 20)">{drawn}</g>'


def variation_svg(icon: VariationIcon | None, *, size: int = SIZE, decorative: bool = False) -> str:
    """The variation icon as an SVG document (None: too few figures to judge, a grey ring with a dash)."""
    name = variation_meaning(icon)
    if icon is None:
        body = (f'<circle cx="20" cy="20" r="17" fill="#FFFFFF" stroke="{COMMON_CAUSE_COLOUR}" stroke-width="2.5" '
                f'stroke-dasharray="3 3"/><path d="M13 20 H27" stroke="{COMMON_CAUSE_COLOUR}" stroke-width="3" '
                f'stroke-linecap="round"/>')  # fmt: skip
    elif icon == "common_cause":
        body = (f'<circle cx="20" cy="20" r="17" fill="#FFFFFF" stroke="{COMMON_CAUSE_COLOUR}" stroke-width="2.5"/>'
                f'<path d="M9 20 Q12 14 15 20 T21 20 T27 20 T31 20" stroke="{COMMON_CAUSE_COLOUR}" '
                f'stroke-width="3" stroke-linecap="round" fill="none"/>')  # fmt: skip
    else:
        up = icon.endswith("_high")
        if icon.startswith("improvement"):
            body = f'<circle cx="20" cy="20" r="18.5" fill="{IMPROVEMENT_COLOUR}"/>' + _arrow(up, "#FFFFFF")
        elif icon.startswith("concern"):
            body = (f'<circle cx="20" cy="20" r="16.5" fill="#FFFFFF" stroke="{CONCERN_COLOUR}" stroke-width="4"/>'
                    + _arrow(up, CONCERN_COLOUR))  # fmt: skip
        else:
            body = (f'<circle cx="20" cy="20" r="17" fill="#FFFFFF" stroke="{NEUTRAL_COLOUR}" stroke-width="3" '
                    f'stroke-dasharray="5 3"/>' + _arrow(up, NEUTRAL_COLOUR))  # fmt: skip
    return _svg(body, name, size, decorative)


def _letter(text: str, colour: str) -> str:
    return (f'<text x="20" y="27.5" text-anchor="middle" font-family="{_FONT}" font-size="21" font-weight="bold" '
            f'fill="{colour}">{html.escape(text)}</text>')  # fmt: skip


def assurance_svg(icon: AssuranceIcon | None, *, size: int = SIZE, decorative: bool = False) -> str:
    """The assurance icon as an SVG document (None: no target, a grey outline with a dash)."""
    name = assurance_meaning(icon)
    if icon == "pass":
        body = f'<rect x="2" y="2" width="36" height="36" rx="6" fill="{IMPROVEMENT_COLOUR}"/>'
        body += _letter("P", "#FFFFFF")
    elif icon == "fail":
        body = (f'<rect x="4" y="4" width="32" height="32" rx="5" fill="#FFFFFF" stroke="{CONCERN_COLOUR}" '
                f'stroke-width="4"/>' + _letter("F", CONCERN_COLOUR))  # fmt: skip
    elif icon == "hit_and_miss":
        body = (f'<rect x="3" y="3" width="34" height="34" rx="5" fill="#FFFFFF" stroke="{COMMON_CAUSE_COLOUR}" '
                f'stroke-width="2.5" stroke-dasharray="5 3"/>' + _letter("?", COMMON_CAUSE_COLOUR))  # fmt: skip
    else:
        body = (f'<rect x="3" y="3" width="34" height="34" rx="5" fill="#FFFFFF" stroke="{COMMON_CAUSE_COLOUR}" '
                f'stroke-width="2" stroke-dasharray="2 3"/><path d="M13 20 H27" stroke="{COMMON_CAUSE_COLOUR}" '
                f'stroke-width="3" stroke-linecap="round"/>')  # fmt: skip
    return _svg(body, name, size, decorative)


def data_uri(svg: str) -> str:
    """An SVG as a self-contained data URI, for an <img> element."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
