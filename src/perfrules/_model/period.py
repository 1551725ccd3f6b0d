"""
Appraisal periods: month, quarter, half-year, year, or custom bounds (H1).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Any, Literal

import attrs

from .._errors import InputError, Issue

__all__ = ["Period", "PeriodKind"]

PeriodKind = Literal["month", "quarter", "half", "year", "custom"]

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)),
    ("half", re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)),
    ("year", re.compile(r"^(\d{4})$")),
    ("custom", re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")),
)


def _bad(message: str) -> InputError:
    return InputError(
        [Issue("bad-period", message, hint="write 2026-04, 2026-Q2, 2026-H1, 2026 or 2026-03-26..2026-04-25")],
        message,
    )


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


@attrs.frozen(order=True)
class Period:
    """
    A closed range of dates that results belong to, with a stable label.

    Labels: ``2026-04``, ``2026-Q2``, ``2026-H1``, ``2026``, or
    ``2026-03-26..2026-04-25`` for custom bounds (a month from the 26th to the
    25th).  Build one with :meth:`parse`.
    """

    start: dt.date
    end: dt.date
    kind: PeriodKind = "custom"
    label: str = attrs.field()

    @label.default
    def _label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        """
        Number of calendar days in the period, both ends included.
        """
        return (self.end - self.start).days + 1

    @classmethod
    def parse(cls, text: str) -> Period:
        """
        Read a period label; raise :class:`~perfrules.InputError` naming the accepted forms, or the bad date.

        ``InputError`` is a ``ValueError``, so code catching ``ValueError`` still works.
        """
        if not isinstance(text, str):
            raise _bad(f"a period must be text such as '2026-04', got {type(text).__name__}")
        text = text.strip()
        for kind, pattern in _PATTERNS:
            m = pattern.fullmatch(text)
            if not m:
                continue
            try:
                return cls._build(kind, m.groups(), text)
            except ValueError as exc:
                raise _bad(f"period {text!r} is not a real date range: {exc}") from None
        raise _bad(f"cannot read period {text[:40]!r}")

    @classmethod
    def _build(cls, kind: PeriodKind, groups: tuple[str | Any, ...], text: str) -> Period:
        if kind == "custom":
            start, end = dt.date.fromisoformat(groups[0]), dt.date.fromisoformat(groups[1])
            return cls(start, end, "custom", text)
        year = int(groups[0])
        if kind == "month":
            month = int(groups[1])
            if not 1 <= month <= 12:
                raise ValueError(f"month {month} is not between 1 and 12")
            return cls(dt.date(year, month, 1), _month_end(year, month), kind, f"{year}-{month:02d}")
        if kind == "quarter":
            q = int(groups[1])
            return cls(dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q), kind, f"{year}-Q{q}")
        if kind == "half":
            h = int(groups[1])
            return cls(dt.date(year, 6 * h - 5, 1), _month_end(year, 6 * h), kind, f"{year}-H{h}")
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", str(year))
