"""Dates as Vietnamese news writes them: `01/10`, `12/1`, `05.03.2024`, `14-4`,
`ngày 26 tháng 8 năm 2021`. A day and month without a year take the publication year."""
from __future__ import annotations

import re
from calendar import monthrange
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


def in_report_year(value: str, published: str | None) -> str:
    """A year-less `--MM-DD` takes the year of the report it is in when that puts it on or
    before the report's date and within half a year of it (`Ngày 29/7, … ban hành …` in a page
    of 2 August); otherwise it stays year-less."""
    if not value.startswith("--") or not published or not re.fullmatch(r"\d{4}-\d\d(?:-\d\d)?", published):
        return value
    year, month = int(published[:4]), int(published[5:7])
    try:
        report = date(year, month, int(published[8:10]) if len(published) == 10 else monthrange(year, month)[1])
        stated = date(year, int(value[2:4]), int(value[5:7]))
    except ValueError:
        return value
    return stated.isoformat() if 0 <= (report - stated).days <= 183 else value
