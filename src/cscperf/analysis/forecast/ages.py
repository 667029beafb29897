"""Age bands (the DfE's bands for children looked after) and ageing month by month.

Ages are whole months at a month end. A child aged 215 months (17 years 11 months) at one month end has their
18th birthday before the next one and leaves care then: care ends by the day before the 18th birthday.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

AGE_OUT_MONTHS: Final = 216
"""18 years: nobody is looked after at this age."""

UNKNOWN_AGE: Final = -1
"""A child with no recorded date of birth: kept in the numbers, forecast with the rates of all ages, never aged."""

AGE_BANDS: Final[tuple[tuple[str, int, int], ...]] = (
    ("Under 1", 0, 12),
    ("1 to 4", 12, 60),
    ("5 to 9", 60, 120),
    ("10 to 15", 120, 192),
    ("16 and 17", 192, AGE_OUT_MONTHS),
)
"""(label, first month, month after the last) for each band, as the DfE publishes children looked after."""

UNKNOWN_BAND_LABEL: Final = "Age not recorded"

BAND_LABELS: Final[tuple[str, ...]] = (*(label for label, _, _ in AGE_BANDS), UNKNOWN_BAND_LABEL)
"""The bands' labels in index order; the last is for children whose age is not recorded."""

UNKNOWN_BAND: Final = len(AGE_BANDS)

_BAND_OF_MONTH: Final = np.concatenate(
    [np.full(high - low, band, dtype=np.int8) for band, (_, low, high) in enumerate(AGE_BANDS)]
)


def band_of(ages: npt.NDArray[np.integer]) -> npt.NDArray[np.int8]:
    """The band index of each age in months (UNKNOWN_BAND for UNKNOWN_AGE)."""
    ages = np.asarray(ages)
    known = (ages >= 0) & (ages < AGE_OUT_MONTHS)
    out = np.full(ages.shape, UNKNOWN_BAND, dtype=np.int8)
    out[known] = _BAND_OF_MONTH[ages[known]]
    return out
