"""The periods returns cover, in words and dates."""

from __future__ import annotations

import datetime as dt


def collection_year(year: int) -> tuple[dt.date, dt.date]:
    """1 April to 31 March of the collection year that ends in `year`."""
    return dt.date(year - 1, 4, 1), dt.date(year, 3, 31)


def collection_year_words(year: int) -> str:
    return f"{year - 1}-{year % 100:02d} (1 April {year - 1} to 31 March {year})"


def day_words(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
