"""
The date grammar of population cells: the year first, in the forms spreadsheets and people write.

Read: ``2026-04-10``, ``2026-4-10``, ``2026/4/10``, ``2026.4.10``, ``2026年4月10日``,
``20260410``, and any of these followed by a midnight time (``2026-04-10 00:00:00``,
what a spreadsheet exports for a date), with or without a UTC offset
(``2026-04-10T00:00:00+08:00``, what a time-zone-aware ``datetime`` or pandas
``Timestamp`` prints): midnight in its own zone is that day.  ``datetime`` and
``date`` objects are read the same way.  Refused with a reason: a day or month first
(``10/4/2026`` is 10 April or 4 October), a time of day other than midnight (with a
time zone the day would depend on which zone is meant), and dates
that do not exist (``2026-09-31``).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_date"]

_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})", re.ASCII)
_CHINESE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日", re.ASCII)
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)
_YEAR_LAST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", re.ASCII)
_MIDNIGHT = re.compile(r"(?:[ T]0?0:00(?::00(?:\.0+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?)?", re.ASCII)


def _split_time(text: str) -> tuple[str, str]:
    for sep in ("T", " "):
        day, _, time = text.partition(sep)
        if ":" in time:
            return day, sep + time
    return text, ""


def parse_date(value: object) -> dt.date:
    """
    Read a cell as a date by the grammar above; raise ``ValueError`` saying why not.
    """
    if isinstance(value, dt.datetime):
        # Midnight in the datetime's own zone (or with none) is that day; any other time is refused.
        if value.time() != dt.time(0):
            zone = " (with a time zone, the day depends on the zone meant)" if value.tzinfo is not None else ""
            raise ValueError(f"{value.isoformat()!r} has a time of day{zone}; a date is wanted")
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    day, time = _split_time(text)
    if not _MIDNIGHT.fullmatch(time):
        raise ValueError(f"{text!r} has a time of day; a date is wanted (write 2026-04-10)")
    parts: tuple[str, str, str] | None = None
    found = _YEAR_FIRST.fullmatch(day) or _COMPACT.fullmatch(day) or _CHINESE.fullmatch(day)
    if found:
        parts = (found.group(1), found.groups()[-2], found.groups()[-1])
    if parts is None:
        last = _YEAR_LAST.fullmatch(day)
        if last:
            a, b, year = last.groups()
            raise ValueError(
                f"{text!r} puts the day or month first: {year}-{int(b):02}-{int(a):02} or "
                f"{year}-{int(a):02}-{int(b):02}? write the year first (2026-04-10)"
            )
        raise ValueError(f"{text!r} is not a date (write 2026-04-10)")
    year, month, mday = (int(p) for p in parts)
    try:
        return dt.date(year, month, mday)
    except ValueError:
        raise ValueError(f"{text!r} is not a real date") from None
