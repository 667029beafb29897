"""Prediction intervals: the percentiles of many simulated futures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

PERCENTILES: Final = (2.5, 10.0, 50.0, 90.0, 97.5)
"""The central estimate (50th) and the edges of the 80% (10th-90th) and 95% (2.5th-97.5th) ranges."""

PERCENTILE_KEYS: Final = ("p2_5", "p10", "p50", "p90", "p97_5")


@dataclass(frozen=True)
class Spread:
    """A forecast figure: its central estimate and the edges of its 80% and 95% ranges."""

    p2_5: float
    p10: float
    p50: float
    p90: float
    p97_5: float

    def as_dict(self, decimals: int = 1) -> dict[str, float]:
        return {key: round(getattr(self, key), decimals) for key in PERCENTILE_KEYS}

    def scaled(self, factor: float) -> Spread:
        return Spread(*(getattr(self, key) * factor for key in PERCENTILE_KEYS))

    def contains(self, value: float, width: int) -> bool:
        """Whether `value` lies in the 80% (width 80) or 95% (width 95) range, edges included."""
        low, high = (self.p10, self.p90) if width == 80 else (self.p2_5, self.p97_5)
        return low <= value <= high


def spreads(samples: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> list[Spread]:
    """One Spread per column of `samples` (runs in rows)."""
    values = np.percentile(np.asarray(samples, dtype=np.float64), PERCENTILES, axis=0)
    return [Spread(*(float(v) for v in values[:, i])) for i in range(values.shape[1])]


def spread(samples: npt.NDArray[np.floating] | npt.NDArray[np.integer]) -> Spread:
    """The Spread of one figure's samples."""
    return spreads(np.asarray(samples).reshape(-1, 1))[0]
