"""The eleven Ofsted Annex A lists: how their sheets and columns are recognised, and how the spellings councils
use for values are mapped to the codes the store holds.

Councils send Annex A in many shapes (`../shared/samples/annex_a/spec/Annex_A_schema.yml` holds about 29,600
observed spellings). Headers are matched after normalising them (lower case, punctuation and repeated spaces
removed) against patterns; values are mapped after dropping the template's option letter ("a) ", "q) ") and
reading the DfE code where one is given ("q) 6: Police" -> 6), with word rules for descriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cscperf.loading.code_lists import ETHNICITY, PLACEMENT_TYPES, REASONS_EPISODE_CEASED, REFERRAL_SOURCES

# ------------------------------------------------------------------------------------------------ lists


@dataclass(frozen=True)
class Column:
    key: str  # our name for the field
    title: str  # the template's header, for messages
    patterns: tuple[str, ...]  # regexes over the normalised header; the first column whose header matches wins
    required: bool = False  # the list cannot be read without it


@dataclass(frozen=True)
class ListSpec:
    number: int
    title: str
    sheet_words: tuple[str, ...]  # words in a sheet name that identify the list when it is not "List N"
    columns: tuple[Column, ...]


def _child_columns(*, id_required: bool = True) -> tuple[Column, ...]:
    return (
        Column(
            "child_id",
            "Child Unique ID",
            (r"\bchild\b.*\b(id|identifier|ref|reference|no|number)\b", r"\b(id|identifier)\b.*\bchild\b", r"^id$"),
            required=id_required,
        ),
        Column("sex", "Gender", (r"^(gender|sex)\b", r"\b(gender|sex)\b")),
        Column("ethnicity", "Ethnicity", (r"\bethnic",)),
        Column("dob", "Date of Birth", (r"\b(date of birth|dob|birth date|d o b)\b",)),
        Column("age", "Age", (r"^age\b",)),
    )


ALLOCATION = (
    Column("team", "Allocated Team", (r"\bteam\b",)),
    Column("worker", "Allocated Worker", (r"\b(worker|social worker)\b",)),
)
DISABILITY = Column("disability", "Does the Child have a Disability", (r"\bdisab",))

LISTS: tuple[ListSpec, ...] = (
    ListSpec(
        1,
        "Contacts",
        ("contact",),
        (
            *_child_columns(),
            Column("contact_date", "Date of Contact", (r"\bdate\b.*\bcontact\b", r"\bcontact\b.*\bdate\b"), True),
            Column("contact_source", "Contact Source", (r"\bsource\b",)),
        ),
    ),
    ListSpec(
        2,
        "Early help",
        ("early help",),
        (
            *_child_columns(),
            Column(
                "eh_start",
                "Assessment start date",
                (r"\bstart\b.*\bdate\b", r"\bdate\b.*\bstart", r"\bassessment\b.*\bstart"),
                True,
            ),
            Column(
                "eh_end",
                "Assessment completion date",
                (r"\b(completion|completed|end|ended)\b.*\bdate\b", r"\bdate\b.*\b(completion|completed|end)\b"),
            ),
            Column("eh_organisation", "Organisation completing assessment", (r"\borganisation|organization|agency",)),
        ),
    ),
    ListSpec(
        3,
        "Referrals",
        ("referral",),
        (
            *_child_columns(),
            Column("referral_date", "Date of Referral", (r"\bdate\b.*\breferral\b", r"\breferral\b.*\bdate\b"), True),
            Column("referral_source", "Referral Source", (r"\bsource\b",)),
            Column("referral_nfa", "Referral NFA?", (r"\bnfa\b", r"\bno further action\b")),
            Column(
                "previous_referrals",
                "Number of Referrals in Last 12 Months",
                (r"\b(number|no|count)\b.*\breferrals?\b", r"\breferrals?\b.*\b(12|twelve) months\b"),
            ),
            *ALLOCATION,
        ),
    ),
    ListSpec(
        4,
        "Assessments",
        ("assessment",),
        (
            *_child_columns(),
            DISABILITY,
            Column(
                "assessment_start",
                "Continuous Assessment Start Date",
                (r"\bstart\b.*\bdate\b", r"\bdate\b.*\bstart"),
                True,
            ),
            Column("child_seen", "Child Seen During Continuous Assessment", (r"\bseen\b",)),
            Column(
                "assessment_auth",
                "Continuous Assessment Date of Authorisation",
                (r"\bauthori[sz]", r"\b(completion|completed|end)\b.*\bdate\b", r"\bdate\b.*\b(completion|completed)"),
            ),
            Column(
                "needs_support",
                "Was the child assessed as requiring LA children's social care support?",
                (r"\b(requiring|require|requires|needing)\b", r"\bsocial care support\b", r"\boutcome\b"),
            ),
            *ALLOCATION,
        ),
    ),
    ListSpec(
        5,
        "Section 47 enquiries",
        ("section 47", "s47", "s 47"),
        (
            *_child_columns(),
            DISABILITY,
            Column(
                "s47_start",
                "Strategy discussion initiating Section 47 Enquiry Start Date",
                (r"\bstrategy\b", r"\b(section 47|s47|s 47)\b.*\bstart\b", r"\bstart\b.*\bdate\b"),
                True,
            ),
            Column(
                "icpc_unnecessary",
                "Was an Initial Child Protection Conference deemed unnecessary?",
                (r"\b(unnecessary|not required|not needed)\b",),
            ),
            Column(
                "icpc_date",
                "Date of Initial Child Protection Conference",
                (r"\bdate\b.*\b(initial child protection conference|icpc|conference)\b",),
            ),
            Column("icpc_plan", "Did the ICPC result in a Child Protection Plan", (r"\bresult\b", r"\boutcome\b")),
            Column(
                "s47_count",
                "Number of Section 47 Enquiries in the last 12 months",
                (r"\b(number|no)\b.*\b(section 47|s47|s 47|enquiries)\b",),
            ),
            Column(
                "icpc_count", "Number of ICPCs in the last 12 months", (r"\b(number|no)\b.*\b(icpcs?|conferences?)\b",)
            ),
            *ALLOCATION,
        ),
    ),
    ListSpec(
        6,
        "Children in need",
        ("children in need", "child in need", "cin"),
        (
            *_child_columns(),
            DISABILITY,
            Column(
                "cin_start", "CIN Start Date", (r"\b(cin|child in need)\b.*\bstart\b", r"\bstart\b.*\bdate\b"), True
            ),
            Column("primary_need", "Primary Need Code", (r"\bneed\b",)),
            Column("last_seen", "Date Child Was Last Seen", (r"\blast seen\b", r"\bseen\b")),
            Column(
                "cin_closed",
                "CIN Closure Date",
                (r"\b(closure|closed|end)\b.*\bdate\b", r"\bdate\b.*\b(closure|closed)"),
            ),
            Column("closure_reason", "Reason for Closure", (r"\breason\b",)),
            Column("case_status", "Case Status", (r"\bstatus\b",)),
            *ALLOCATION,
        ),
    ),
    ListSpec(
        7,
        "Child protection",
        ("child protection", "cp plan", "cpp"),
        (
            *_child_columns(),
            DISABILITY,
            Column(
                "cp_start", "Child Protection Plan Start Date", (r"\bplan\b.*\bstart\b", r"\bstart\b.*\bdate\b"), True
            ),
            Column("initial_category", "Initial Category of Abuse", (r"\binitial\b.*\bcategory\b",)),
            Column("latest_category", "Latest Category of Abuse", (r"\b(latest|current)\b.*\bcategory\b",)),
            Column("last_visit", "Date of the Last Statutory Visit", (r"\bvisit\b",)),
            Column("seen_alone", "Was the Child Seen Alone?", (r"\balone\b",)),
            Column("last_review", "Date of latest review conference", (r"\breview\b",)),
            Column("cp_end", "Child Protection Plan End Date", (r"\bplan\b.*\bend\b", r"\bend\b.*\bdate\b")),
            Column(
                "epo",
                "Subject to Emergency Protection Order or Protected Under Police Powers",
                (r"\bemergency protection\b", r"\bpolice\b"),
            ),
            Column("previous_plans", "Number of Previous Child Protection Plans", (r"\bprevious\b",)),
            *ALLOCATION,
        ),
    ),
    ListSpec(
        8,
        "Children in care",
        ("children in care", "looked after", "cla", "lac"),
        (
            *_child_columns(),
            Column("uasc", "UASC within the Last 12 Months (Y/N)", (r"\b(uasc|asylum)\b",)),
            DISABILITY,
            Column(
                "care_start",
                "Date Started to be Looked After",
                (r"\bstarted to be looked after\b", r"\b(date|start)\b.*\blooked after\b", r"\bentered care\b"),
                True,
            ),
            Column("need", "Child's Category of Need", (r"\bcategory of need\b", r"\bneed\b")),
            Column(
                "second_period",
                "Second or subsequent period of being looked after in 12 months (Y/N)",
                (r"\bsecond or subsequent\b", r"\bsubsequent\b"),
            ),
            Column(
                "legal_start",
                "Start date of current legal status",
                (r"\blegal status\b.*\bstart|\bstart\b.*\blegal status\b",),
            ),
            Column("legal_status", "Child's Legal Status", (r"\blegal status\b",)),
            Column("last_review", "Date of Latest Statutory Review", (r"\breview\b",)),
            Column("last_visit", "Date of Last Social Work Visit", (r"\bsocial work visit\b", r"\bsw visit\b")),
            Column("permanence_plan", "What is the permanence plan for this child?", (r"\bpermanence\b",)),
            Column("last_iro", "Date of Last IRO Visit / Contact to the Child", (r"\biro\b",)),
            Column("last_health", "Date of Last Health Assessment", (r"\bhealth assessment\b", r"\bhealth\b")),
            Column("last_dental", "Date of Last Dental Check", (r"\bdental\b", r"\bteeth\b")),
            Column(
                "placements_12m", "Number of Placements in the Last 12 months", (r"\b(number|no)\b.*\bplacements\b",)
            ),
            Column("care_end", "Date Ceased to be Looked After", (r"\bdate\b.*\bceased\b", r"\bceased\b.*\bdate\b")),
            Column("care_end_reason", "Reason Ceased to be Looked After", (r"\breason\b.*\bceased\b", r"\breason\b")),
            Column("placement_start", "Start Date of Most Recent Placement", (r"\bstart\b.*\bplacement\b",)),
            Column("placement_type", "Placement Type", (r"\bplacement type\b", r"\btype\b.*\bplacement\b")),
            Column("placement_provider", "Placement Provider", (r"\bprovider\b",)),
            Column("placement_postcode", "Placement postcode", (r"\bpost ?code\b",)),
            Column("placement_urn", "URN of Placement", (r"\burn\b",)),
            Column("placement_location", "Placement Location", (r"\blocation\b", r"\b(in|out) of la\b")),
            Column("placement_la", "LA of Placement", (r"\bla of placement\b", r"\blocal authority\b")),
            Column("missing_count", "Number of episodes missing in 12 months", (r"\b(number|no)\b.*\bmissing\b",)),
            Column("absent_count", "Number of episodes absent in 12 months", (r"\b(number|no)\b.*\babsent\b",)),
            Column("rhi_offered", "Return interview offered (Y/N)", (r"\boffered\b",)),
            Column("rhi_accepted", "Return interview accepted (Y/N)", (r"\baccept",)),
            *ALLOCATION,
        ),
    ),
    ListSpec(
        9,
        "Care leavers",
        ("care leaver", "leaving care"),
        (
            *_child_columns(),
            Column("uasc", "UASC or former UASC (Y/N)", (r"\b(uasc|asylum)\b",)),
            DISABILITY,
            Column("personal_advisor", "Allocated Personal Advisor", (r"\bpersonal advis", r"\bpa\b")),
            *ALLOCATION,
            Column("eligibility", "Eligibility Category", (r"\beligib",)),
            Column("pathway_review", "Latest Pathway Plan Review Date", (r"\bpathway\b",)),
            Column("in_touch", "LA in Touch", (r"\bin touch\b",)),
            Column("latest_contact", "Latest Date of Contact", (r"\bcontact\b",)),
            Column("accommodation", "Type of Accommodation", (r"\btype\b.*\baccommodation\b", r"^accommodation\b")),
            Column("suitability", "Suitability of Accommodation", (r"\bsuitab",)),
            Column("activity", "Activity Status", (r"\bactivity\b",)),
        ),
    ),
    ListSpec(
        10,
        "Adoption",
        ("adoption",),
        (
            *_child_columns(),
            Column("family_id", "Family identifier", (r"\bfamily\b",)),
            DISABILITY,
            Column("entered_care", "Date the Child Entered Care", (r"\bentered care\b", r"\bcare\b.*\bdate\b")),
            Column(
                "adm_decision",
                "Date of Decision that Child Should be Placed for Adoption",
                (r"\bdecision\b.*\bshould be placed\b",),
            ),
            Column("placement_order", "Date of Placement Order", (r"\bplacement order\b",)),
            Column("matched", "Date of Matching Child and Prospective Adopters", (r"\bmatch",)),
            Column("placed", "Date Placed for Adoption", (r"\bdate placed for adoption\b", r"^date placed\b")),
            Column("adoption_order", "Date of Adoption Order", (r"\badoption order\b",)),
            Column(
                "reversed",
                "Date of Decision that Child Should No Longer be Placed for Adoption",
                (r"\bno longer\b.*\bdate\b|\bdate\b.*\bno longer\b",),
            ),
            Column("reversed_reason", "Reason Why Child No Longer Placed for Adoption", (r"\breason\b",)),
            Column(
                "ffa_placed",
                "Date placed in FFA or concurrent planning placement",
                (r"\b(ffa|fostering for adoption|concurrent)\b",),
            ),
        ),
    ),
    ListSpec(
        11,
        "Adopters",
        ("adopter",),
        (
            Column("adopter_id", "Individual adopter identifier", (r"\badopter\b.*\b(id|identifier)\b",), True),
            Column("family_id", "Family identifier", (r"\bfamily\b",)),
        ),
    ),
)
LIST_BY_NUMBER = {spec.number: spec for spec in LISTS}

_NOT_WORD = re.compile(r"[^a-z0-9&]+")


def normalise(text: object) -> str:
    """Header or value text in lower case with punctuation and repeated spaces removed."""
    return _NOT_WORD.sub(" ", str(text).replace("\u00a0", " ").lower()).strip()


_SHEET_NUMBER = re.compile(r"^\s*list\s*0?(\d{1,2})\b", re.IGNORECASE)


def list_number_of_sheet(name: str) -> int | None:
    """The Annex A list a sheet holds, from its name ("List 3", "List 3 - Referrals", "Referrals")."""
    m = _SHEET_NUMBER.match(name.replace("_", " "))
    if m:
        number = int(m.group(1))
        return number if number in LIST_BY_NUMBER else None
    words = normalise(name)
    for spec in sorted(LISTS, key=lambda s: -max(len(w) for w in s.sheet_words)):
        if any(re.search(rf"\b{re.escape(w)}", words) for w in spec.sheet_words):
            return spec.number
    return None


def match_headers(spec: ListSpec, headers: list[object]) -> dict[str, int]:
    """Column index of each field found among the headers (each header used once)."""
    found: dict[str, int] = {}
    taken: set[int] = set()
    texts = [normalise(h) if h is not None else "" for h in headers]
    # exact template titles first, then patterns in the order the fields are declared
    for column in spec.columns:
        for index, text in enumerate(texts):
            if index not in taken and text and text == normalise(column.title):
                found[column.key] = index
                taken.add(index)
                break
    for column in spec.columns:
        if column.key in found:
            continue
        for pattern in column.patterns:
            hit = next(
                (i for i, t in enumerate(texts) if i not in taken and t and re.search(pattern, t)),
                None,
            )
            if hit is not None:
                found[column.key] = hit
                taken.add(hit)
                break
    return found


# ------------------------------------------------------------------------------------------------ values

_OPTION_LETTER = re.compile(r"^\s*[a-z]{1,2}\)\s*", re.IGNORECASE)


def strip_option(text: str) -> str:
    """'q) 6: Police' -> '6: Police' (the template's option letter dropped)."""
    return _OPTION_LETTER.sub("", text.replace("\u00a0", " ")).strip()


SEX_WORDS = {
    "m": "M",
    "male": "M",
    "1": "M",
    "1 male": "M",
    "boy": "M",
    "man": "M",
    "f": "F",
    "female": "F",
    "2": "F",
    "2 female": "F",
    "girl": "F",
    "woman": "F",
}
SEX_UNKNOWN = (
    "u",
    "0",
    "9",
    "i",
    "unknown",
    "not known",
    "not stated",
    "not recorded",
    "not specified",
    "unspecified",
    "unborn",
    "withheld",
    "indeterminate",
    "neither",
    "non binary",
    "other",
)


def map_sex(raw: str) -> str | None:
    """M, F or U; None if the spelling is not recognised."""
    text = normalise(strip_option(raw))
    if text in SEX_WORDS:
        return SEX_WORDS[text]
    if text.startswith(("male", "1 male")) and "female" not in text:
        return "M"
    if text.startswith(("female", "2 female")):
        return "F"
    if any(text.startswith(w) or f" {w}" in f" {text}" for w in SEX_UNKNOWN):
        return "U"
    return None


ETHNIC_CODES = ETHNICITY
_ETHNIC_CODE = re.compile(r"\b(" + "|".join(ETHNIC_CODES) + r")\b", re.IGNORECASE)
# Descriptions (normalised), most specific first: (words that must all appear, code).
ETHNIC_WORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("traveller",), "WIRT"),
    (("gypsy",), "WROM"),
    (("roma",), "WROM"),
    (("white", "black caribbean"), "MWBC"),
    (("white", "caribbean"), "MWBC"),
    (("white", "black african"), "MWBA"),
    (("white", "african"), "MWBA"),
    (("white", "asian"), "MWAS"),
    (("mixed",), "MOTH"),
    (("irish",), "WIRI"),
    (("white", "other"), "WOTH"),
    (("white", "british"), "WBRI"),
    (("english",), "WBRI"),
    (("scottish",), "WBRI"),
    (("welsh",), "WBRI"),
    (("british",), "WBRI"),
    (("indian",), "AIND"),
    (("pakistan",), "APKN"),
    (("bangladesh",), "ABAN"),
    (("chinese",), "CHNE"),
    (("asian",), "AOTH"),
    (("caribbean",), "BCRB"),
    (("african",), "BAFR"),
    (("black",), "BOTH"),
    (("refus",), "REFU"),
    (("declined",), "REFU"),
    (("not stated",), "REFU"),
    (("not yet obtained",), "NOBT"),
    (("not obtained",), "NOBT"),
    (("not known",), "NOBT"),
    (("unknown",), "NOBT"),
    (("not recorded",), "NOBT"),
    (("other",), "OOTH"),
    (("arab",), "OOTH"),
    (("white",), "WOTH"),
)


def map_ethnicity(raw: str) -> str | None:
    """The CIN/903 ethnicity code; None if the spelling is not recognised."""
    m = _ETHNIC_CODE.search(raw)
    if m:
        return m.group(1).upper()
    text = normalise(strip_option(raw))
    for words, code in ETHNIC_WORDS:
        if all(w in text for w in words):
            return code
    return None


_YES = {"y", "yes", "1", "true", "t", "yes y"}
_NO = {"n", "no", "0", "false", "f", "no n"}
_UNKNOWN = {"unknown", "not known", "not recorded", "u", "n a", "na", "not applicable"}


class NotAnswer(ValueError):
    """A yes/no value that is not a recognised spelling."""


def map_yes_no(raw: object) -> str | None:
    """'Y', 'N', or None for unknown; NotAnswer for a spelling that means neither."""
    if isinstance(raw, bool):
        return "Y" if raw else "N"
    if isinstance(raw, int | float):
        raw = str(int(raw)) if float(raw).is_integer() else str(raw)
    text = normalise(strip_option(str(raw)))
    if text in _YES or text.startswith("yes"):
        return "Y"
    if text in _NO or text.startswith("no ") or text == "no":
        return "N"
    if text in _UNKNOWN:
        return None
    raise NotAnswer(str(raw))


_SOURCE_CODE = re.compile(r"^(10|[1-9][A-F]?)\b(?:\s*[:\-.)]|\s|$)", re.IGNORECASE)
SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    ("anonymous", "9"),
    ("police", "6"),
    ("a&e", "3E"),
    ("a & e", "3E"),
    ("accident", "3E"),
    ("health visitor", "3B"),
    ("school nurse", "3C"),
    ("gp", "3A"),
    ("general practi", "3A"),
    ("school", "2A"),
    ("education", "2B"),
    ("health", "3F"),
    ("hospital", "3F"),
    ("housing", "4"),
    ("early help", "5D"),
    ("social care", "5A"),
    ("la service", "5A"),
    ("local authority", "5A"),
    ("legal", "7"),
    ("court", "7"),
    ("probation", "7"),
    ("family", "1A"),
    ("relative", "1A"),
    ("parent", "1A"),
    ("self", "1C"),
    ("acquaint", "1B"),
    ("neighbour", "1B"),
    ("individual", "1D"),
    ("unknown", "10"),
    ("not known", "10"),
    ("other", "8"),
)


def map_source(raw: str) -> str | None:
    """The CIN referral source code ('q) 6: Police' -> '6'); None if not recognised."""
    text = strip_option(raw)
    m = _SOURCE_CODE.match(text)
    if m:
        code = m.group(1).upper()
        if code in REFERRAL_SOURCES:
            return code
    low = text.lower()
    for word, code in SOURCE_WORDS:
        if word in low:
            return code
    return None


_NEED_CODE = re.compile(r"\bN([0-9])\b", re.IGNORECASE)
NEED_BY_LETTER = {
    "a": "N1",
    "b": "N2",
    "c": "N3",
    "d": "N4",
    "e": "N5",
    "f": "N6",
    "g": "N7",
    "h": "N8",
    "i": "N9",
    "j": "N0",
}
NEED_WORDS = (
    ("abuse", "N1"),
    ("neglect", "N1"),
    ("child s disab", "N2"),
    ("childs disab", "N2"),
    ("parent", "N3"),
    ("acute stress", "N4"),
    ("dysfunction", "N5"),
    ("socially unacceptable", "N6"),
    ("low income", "N7"),
    ("absent parenting", "N8"),
    ("not in need", "N9"),
    ("other than children in need", "N9"),
    ("not cin", "N9"),
    ("not stated", "N0"),
    ("disab", "N2"),
)


def map_need(raw: str) -> str | None:
    m = _NEED_CODE.search(raw)
    if m:
        return "N" + m.group(1)
    text = normalise(strip_option(raw))
    for word, code in NEED_WORDS:
        if word in text:
            return code
    letter = re.match(r"^\s*([a-j])\)", raw, re.IGNORECASE)
    return NEED_BY_LETTER.get(letter.group(1).lower()) if letter else None


_RC_CODE = re.compile(r"\bRC([1-9])\b", re.IGNORECASE)
CLOSURE_WORDS = (
    ("adopt", "RC1"),
    ("died", "RC2"),
    ("death", "RC2"),
    ("residence order", "RC3"),
    ("child arrangement", "RC3"),
    ("special guardianship", "RC4"),
    ("sgo", "RC4"),
    ("another la", "RC5"),
    ("another local authority", "RC5"),
    ("adult", "RC6"),
    ("early help", "RC9"),
    ("not in need after assessment", "RC8"),
    ("after assessment", "RC8"),
    ("nfa", "RC8"),
    ("other", "RC7"),
    ("no longer in need", "RC7"),
)


def map_closure(raw: str) -> str | None:
    m = _RC_CODE.search(raw)
    if m:
        return "RC" + m.group(1)
    text = normalise(strip_option(raw))
    for word, code in CLOSURE_WORDS:
        if word in text:
            return code
    return None


# CP categories are stored as the synthetic council and the indicator drill-downs show them.
CATEGORY_CODES = {
    "NEG": "Neglect",
    "PHY": "Physical abuse",
    "SAB": "Sexual abuse",
    "EMO": "Emotional abuse",
    "MUL": "Multiple",
}
CATEGORY_WORDS = (
    ("neglect", "Neglect"),
    ("physical", "Physical abuse"),
    ("sexual", "Sexual abuse"),
    ("emotional", "Emotional abuse"),
    ("multiple", "Multiple"),
    ("mixed", "Multiple"),
)


def map_category(raw: str) -> str | None:
    text = strip_option(raw)
    code = text.strip().upper()[:3]
    if text.strip().upper() in CATEGORY_CODES:
        return CATEGORY_CODES[text.strip().upper()]
    low = normalise(text)
    for word, name in CATEGORY_WORDS:
        if word in low:
            return name
    return CATEGORY_CODES.get(code)


LEGAL_CODES = ("C1", "C2", "D1", "E1", "V2", "V3", "V4", "L1", "L2", "L3", "J1", "J2", "J3")
_LEGAL_CODE = re.compile(r"\b(" + "|".join(LEGAL_CODES) + r")\b", re.IGNORECASE)
LEGAL_WORDS = (
    ("interim care", "C1"),
    ("ico", "C1"),
    ("full care", "C2"),
    ("fco", "C2"),
    ("care order", "C2"),
    ("freed", "D1"),
    ("freeing", "D1"),
    ("placement order", "E1"),
    ("section 20", "V2"),
    ("s20", "V2"),
    ("s 20", "V2"),
    ("accommodated", "V2"),
    ("police protection", "L1"),
    ("emergency protection", "L2"),
    ("child assessment order", "L3"),
    ("remand", "J1"),
    ("pace", "J2"),
    ("sentenced", "J3"),
    ("youth rehabilitation", "J3"),
)


def map_legal_status(raw: str) -> str | None:
    m = _LEGAL_CODE.search(raw)
    if m:
        return m.group(1).upper()
    text = normalise(strip_option(raw))
    for word, code in LEGAL_WORDS:
        if re.search(rf"\b{re.escape(word)}\b", text):
            return code
    return None


PLACE_CODES = frozenset(PLACEMENT_TYPES)
_PLACE_CODE = re.compile(r"\b([AHKPRSTUZ]\d{1,2})\b", re.IGNORECASE)


def map_placement_type(raw: str) -> str | None:
    for m in _PLACE_CODE.finditer(strip_option(raw)):
        if m.group(1).upper() in PLACE_CODES:
            return m.group(1).upper()
    return None


_PROVIDER_CODE = re.compile(r"\bPR([0-5])\b", re.IGNORECASE)
PROVIDER_WORDS = (
    ("own", "PR1"),
    ("other la", "PR2"),
    ("other local authority", "PR2"),
    ("public", "PR3"),
    ("private", "PR4"),
    ("voluntary", "PR5"),
    ("third sector", "PR5"),
    ("parent", "PR0"),
)


def map_provider(raw: str) -> str | None:
    m = _PROVIDER_CODE.search(raw)
    if m:
        return "PR" + m.group(1)
    text = normalise(strip_option(raw))
    for word, code in PROVIDER_WORDS:
        if word in text:
            return code
    return None


REC_CODES = frozenset({*REASONS_EPISODE_CEASED, "E99"})  # Annex A also allows E99 (unknown)
_REC_CODE = re.compile(r"\b(X1|E\d{1,2}[AB]?)\b", re.IGNORECASE)


def map_ceased_reason(raw: str) -> str | None:
    for m in _REC_CODE.finditer(strip_option(raw)):
        if m.group(1).upper() in REC_CODES:
            return m.group(1).upper()
    return None


_RD_CODE = re.compile(r"\bRD([1-4])\b", re.IGNORECASE)
REVERSED_WORDS = (
    ("needs changed", "RD1"),
    ("court", "RD2"),
    ("cannot be found", "RD3"),
    ("not found", "RD3"),
    ("other", "RD4"),
)


def map_reversed_reason(raw: str) -> str | None:
    m = _RD_CODE.search(raw)
    if m:
        return "RD" + m.group(1)
    text = normalise(strip_option(raw))
    for word, code in REVERSED_WORDS:
        if word in text:
            return code
    return None


_ACTIVITY_CODE = re.compile(r"\b([FP][1-5]|G[4-6])\b", re.IGNORECASE)


def map_activity(raw: str) -> str | None:
    m = _ACTIVITY_CODE.search(strip_option(raw))
    return m.group(1).upper() if m else None


_ACCOM_CODE = re.compile(r"^([BCDEGHKRSTUVWXYZ])\b\s*[:\-.)]?", re.IGNORECASE)


def map_accommodation(raw: str) -> str | None:
    m = _ACCOM_CODE.match(strip_option(raw))
    return m.group(1).upper() if m else None
