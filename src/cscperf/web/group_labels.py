"""The groups of a breakdown as people read them: age bands youngest first, sex and ethnicity in words (the code
kept in brackets for the analysts who know it), anything else as the store names it."""

from __future__ import annotations

AGE_BANDS = ("Under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over", "Unborn or unknown")
"""The engine's age bands (cscperf.indicators.engine.AGE_BAND_SQL), youngest first."""

SEX_WORDS = {"M": "Male", "F": "Female", "U": "Not known", "I": "Indeterminate"}

ETHNICITY_WORDS = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
"""The DfE's ethnicity codes (CIN Census, SSDA903) in the words of its guidance."""

NOT_RECORDED = "Not recorded"


def group_label(dimension: str, group: str | None) -> str:
    """A breakdown group in words: "White British (WBRI)", "Female", "Not recorded" for a missing value."""
    if group is None or group in ("", "None"):
        return NOT_RECORDED
    if dimension == "sex" and group.upper() in SEX_WORDS:
        return SEX_WORDS[group.upper()]
    if dimension == "ethnicity" and group.upper() in ETHNICITY_WORDS:
        return f"{ETHNICITY_WORDS[group.upper()]} ({group.upper()})"
    return group


def group_order(dimension: str, group: str | None) -> tuple[int, int, str]:
    """Sort key: age bands youngest first; otherwise by name; a missing value last."""
    if group is None or group in ("", "None"):
        return (2, 0, "")
    if dimension == "age_band" and group in AGE_BANDS:
        return (0, AGE_BANDS.index(group), "")
    return (1 if dimension == "age_band" else 0, 0, group_label(dimension, group).lower())
