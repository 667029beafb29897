"""The placement groups the forecast works in, and how SSDA903 placement codes map to them.

The groups are the ones councils budget by. The mapping follows the DfE's own groupings where there is one:
residential is K1, K2, R1 and S1 because those are the care days the DfE divides residential spending by to
publish the section 251 weekly unit cost; foster care is split by the placement provider code (PLACE_PROVIDER):
a council's own carers (PR1), and carers of another council or public body (PR2, PR3), are in-house; private
and voluntary providers (PR4, PR5, independent fostering agencies) are independent.

| Group | SSDA903 PLACE codes |
|---|---|
| Fostering (in-house) | U4, U5, U6 with provider PR1, PR2, PR3 or none recorded |
| Fostering (independent) | U4, U5, U6 with provider PR4 or PR5 |
| Kinship (connected persons) | U1, U2, U3 (foster care with a relative or friend) |
| Residential | K1 secure children's home, K2 children's home, R1 residential care home, S1 residential school |
| Supported accommodation | K3 supported accommodation, H5 semi-independent living, P2 independent living |
| Placed with parents | P1 |
| Other | A3-A6 placed for adoption, P3, R2, R3, R5, T0-T4, Z1, Z11-Z14, and no placement recorded |
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final


class PlacementGroup(StrEnum):
    """A placement group; its position in this list is its index in the model's arrays."""

    FOSTERING_IN_HOUSE = "fostering_in_house"
    FOSTERING_INDEPENDENT = "fostering_independent"
    KINSHIP = "kinship"
    RESIDENTIAL = "residential"
    SUPPORTED_ACCOMMODATION = "supported_accommodation"
    PLACED_WITH_PARENTS = "placed_with_parents"
    OTHER = "other"

    @property
    def position(self) -> int:
        """The group's index in the model's arrays."""
        return GROUPS.index(self)

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUPS: Final[tuple[PlacementGroup, ...]] = tuple(PlacementGroup)

GROUP_LABELS: Final[dict[PlacementGroup, str]] = {
    PlacementGroup.FOSTERING_IN_HOUSE: "Fostering (in-house)",
    PlacementGroup.FOSTERING_INDEPENDENT: "Fostering (independent)",
    PlacementGroup.KINSHIP: "Kinship (connected persons)",
    PlacementGroup.RESIDENTIAL: "Residential",
    PlacementGroup.SUPPORTED_ACCOMMODATION: "Supported accommodation",
    PlacementGroup.PLACED_WITH_PARENTS: "Placed with parents",
    PlacementGroup.OTHER: "Other",
}

SHORT_LABELS: Final[dict[PlacementGroup, str]] = {
    PlacementGroup.FOSTERING_IN_HOUSE: "Foster, in-house",
    PlacementGroup.FOSTERING_INDEPENDENT: "Foster, independent",
    PlacementGroup.KINSHIP: "Kinship",
    PlacementGroup.RESIDENTIAL: "Residential",
    PlacementGroup.SUPPORTED_ACCOMMODATION: "Supported accom.",
    PlacementGroup.PLACED_WITH_PARENTS: "With parents",
    PlacementGroup.OTHER: "Other",
}
"""Labels for narrow tables (80-column terminals)."""

FOSTER_CODES: Final = ("U4", "U5", "U6")
INDEPENDENT_PROVIDERS: Final = ("PR4", "PR5")

# (group, PLACE codes, providers the rule is limited to or None for any): the first rule that matches wins;
# anything no rule matches is OTHER.
RULES: Final[tuple[tuple[PlacementGroup, tuple[str, ...], tuple[str, ...] | None], ...]] = (
    (PlacementGroup.KINSHIP, ("U1", "U2", "U3"), None),
    (PlacementGroup.FOSTERING_INDEPENDENT, FOSTER_CODES, INDEPENDENT_PROVIDERS),
    (PlacementGroup.FOSTERING_IN_HOUSE, FOSTER_CODES, None),
    (PlacementGroup.RESIDENTIAL, ("K1", "K2", "R1", "S1"), None),
    (PlacementGroup.SUPPORTED_ACCOMMODATION, ("K3", "H5", "P2"), None),
    (PlacementGroup.PLACED_WITH_PARENTS, ("P1",), None),
)


def group_of(place: str | None, provider: str | None) -> PlacementGroup:
    """The group of a placement from its SSDA903 PLACE and PLACE_PROVIDER codes (either may be missing)."""
    code = (place or "").strip().upper()
    who = (provider or "").strip().upper()
    for group, codes, providers in RULES:
        if code in codes and (providers is None or who in providers):
            return group
    return PlacementGroup.OTHER


def _quoted(codes: tuple[str, ...]) -> str:
    return ", ".join(f"'{c}'" for c in codes)


def group_index_sql(place: str, provider: str) -> str:
    """A SQL CASE giving the group's index from a placement type and provider column (codes upper-cased and
    trimmed, as group_of does), written from RULES so that SQL and Python cannot disagree."""
    code = f"UPPER(TRIM({place}))"
    who = f"UPPER(TRIM({provider}))"
    whens = []
    for group, codes, providers in RULES:
        condition = f"{code} IN ({_quoted(codes)})"
        if providers is not None:
            condition += f" AND {who} IN ({_quoted(providers)})"
        whens.append(f"WHEN {condition} THEN {group.position}")
    return f"CASE {' '.join(whens)} ELSE {PlacementGroup.OTHER.position} END"
