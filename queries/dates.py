"""Dates as users type them and as the store keeps them."""
from __future__ import annotations

import calendar
import re
from datetime import date

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def parse_date(text: str, end: bool = False) -> str:
    """A date typed as YYYY-MM-DD, YYYY-MM, YYYY or dd/mm/yyyy, as an ISO day. A year or a month
    means its first day, or its last day when it bounds a range from above (`end`).
    ValueError, with a message for people, for anything else."""
    text = text.strip()
    iso, dmy = _ISO.match(text), _DMY.match(text)
    if iso:
        year, month, day = int(iso[1]), iso[2] and int(iso[2]), iso[3] and int(iso[3])
    elif dmy:
        year, month, day = int(dmy[3]), int(dmy[2]), int(dmy[1])
    else:
        raise ValueError(f"{text!r} is not a date: use YYYY-MM-DD or dd/mm/yyyy")
    try:
        if not month:
            return date(year, 12, 31).isoformat() if end else date(year, 1, 1).isoformat()
        if not day:
            day = calendar.monthrange(year, month)[1] if end else 1
        return date(year, month, day).isoformat()
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def readable(value: str | None) -> str | None:
    """A stored date for people: a day without a year (`--12-21`, from "ngày 21/12") reads
    "21/12 (year not given)"; a month without a day ("2021-07") stays as it is."""
    if value and value.startswith("--"):
        month, _, day = value[2:].partition("-")
        return f"{day}/{month} (year not given)" if day else f"month {month} (year not given)"
    return value
