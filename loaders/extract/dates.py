"""Dates as Vietnamese news writes them: `01/10`, `12/1`, `05.03.2024`, `14-4`,
`ngày 26 tháng 8 năm 2021`. A day and month without a year take the publication year."""
from __future__ import annotations

import re
from datetime import date

DAY_MONTH = re.compile(
    r"(?<![\d/.\-])(\d{1,2})\s?[/.\-]\s?(\d{1,2})(?:\s?[/.\-]\s?(\d{4}))?(?![\d/])")
LONG_FORM = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def iso(day: int, month: int, year: int | None) -> str | None:
    """ISO date, or `--MM-DD` when the year is unknown; None if not a calendar date."""
    try:
        date(year or 2000, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}" if year else f"--{month:02d}-{day:02d}"


def parse_at(text: str, pos: int, default_year: int | None) -> tuple[str, int] | None:
    """A date starting at `pos` (after optional spaces): (ISO, end offset)."""
    for pattern in (LONG_FORM, DAY_MONTH):
        match = pattern.match(text, pos)
        if match:
            day, month, year = match.groups()
            value = iso(int(day), int(month), int(year) if year else default_year)
            if value:
                return value, match.end()
    return None
