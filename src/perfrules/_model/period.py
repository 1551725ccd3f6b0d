"""
Appraisal periods and the calendar that names them (H1).

A period is an interval of dates.  A scheme's :class:`Calendar` says where its
months start (the 1st, or e.g. the 26th for months that run 26th → 25th) and
builds quarters, half-years and years from those months, so every label
resolves to exactly one interval and every interval to at most one label.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import re
from typing import Literal

import attrs

from .._errors import InputError, Issue

__all__ = ["Calendar", "Period", "PeriodKind"]

PeriodKind = Literal["month", "quarter", "half", "year", "custom"]

#: Months in one period of each calendar kind.
_MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
_PREFIX = {"quarter": "Q", "half": "H"}

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("month", re.compile(r"^(\d{4})-(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)),
    ("half", re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)),
    ("year", re.compile(r"^(\d{4})()$")),
    ("custom", re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")),
)


def _bad(message: str) -> InputError:
    return InputError(
        [Issue("bad-period", message, hint="write 2026-04, 2026-Q2, 2026-H1, 2026 or 2026-04-01..2026-04-30")],
        message,
    )


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _cal.monthrange(year, month)[1])


@attrs.frozen(order=True)
class Period:
    """
    A closed range of dates that results belong to, with a stable label.

    Labels: ``2026-04``, ``2026-Q2``, ``2026-H1``, ``2026``, or
    ``2026-03-26..2026-04-25`` for custom bounds.  :meth:`parse` reads a label
    in the calendar whose months start on the 1st; :meth:`Calendar.resolve`
    reads one in a scheme's own calendar.
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

    def overlaps(self, other: Period) -> bool:
        """
        Return whether the two periods share at least one day.
        """
        return self.start <= other.end and other.start <= self.end

    def within(self, other: Period) -> bool:
        """
        Return whether every day of this period lies inside ``other``.
        """
        return other.start <= self.start and self.end <= other.end

    @classmethod
    def parse(cls, text: str) -> Period:
        """
        Read a period label; raise :class:`~perfrules.InputError` naming the accepted forms, or the bad date.

        ``InputError`` is a ``ValueError``, so code catching ``ValueError`` still works.
        """
        return Calendar().resolve(text)


def _check_day(_: object, __: object, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 28:
        raise ValueError(f"month_starts must be a day between 1 and 28, not {value!r}")


@attrs.frozen
class Calendar:
    """
    Where a scheme's months start; quarters, half-years and years are built from those months.

    ``month_starts`` is the first day of every month (1 to 28).  With 26 the
    month ``2026-04`` runs from 26 March to 25 April: a month is named after
    the month it ends in, and so is everything built from months
    (``2026-Q2`` runs from 26 March to 25 June).
    """

    month_starts: int = attrs.field(default=1, validator=_check_day)

    def period(self, kind: PeriodKind, year: int, index: int = 1) -> Period:
        """
        Return the ``index``-th period of ``kind`` in ``year`` (month 1-12, quarter 1-4, half 1-2, year 1).
        """
        size = _MONTHS[kind]
        if not 1 <= index <= 12 // size:
            raise ValueError(f"{kind} {index} does not exist (1 to {12 // size})")
        last = index * size  # the month the period ends in
        first = last - size + 1
        end = self._month(year, last)[1]
        start = self._month(year, first)[0]
        if kind in _PREFIX:
            label = f"{year}-{_PREFIX[kind]}{index}"
        else:
            label = str(year) if kind == "year" else f"{year}-{index:02d}"
        return Period(start, end, kind, label)

    def _month(self, year: int, month: int) -> tuple[dt.date, dt.date]:
        if self.month_starts == 1:
            return dt.date(year, month, 1), _month_end(year, month)
        before = (year, month - 1) if month > 1 else (year - 1, 12)
        start = dt.date(before[0], before[1], self.month_starts)
        return start, dt.date(year, month, self.month_starts - 1)

    def _month_of(self, day: dt.date) -> tuple[int, int]:
        # The (year, month) of the calendar month holding ``day``.
        if self.month_starts == 1 or day.day < self.month_starts:
            return day.year, day.month
        return (day.year, day.month + 1) if day.month < 12 else (day.year + 1, 1)

    def containing(self, kind: PeriodKind, day: dt.date) -> Period:
        """
        Return the period of ``kind`` that holds ``day``.
        """
        year, month = self._month_of(day)
        return self.period(kind, year, (month - 1) // _MONTHS[kind] + 1)

    def canonical(self, start: dt.date, end: dt.date) -> Period:
        """
        Return the calendar period with exactly these bounds, or a custom period when there is none.
        """
        kinds: tuple[PeriodKind, ...] = ("month", "quarter", "half", "year")
        for kind in kinds:
            p = self.containing(kind, start)
            if (p.start, p.end) == (start, end):
                return p
        return Period(start, end, "custom")

    def resolve(self, text: str) -> Period:
        """
        Read a period label in this calendar; a custom range equal to a calendar period becomes that period.

        Raise :class:`~perfrules.InputError` (a ``ValueError``) naming the accepted forms, or the bad date.
        """
        if not isinstance(text, str):
            raise _bad(f"a period must be text such as '2026-04', got {type(text).__name__}")
        try:
            return self._resolve(text)
        except InputError:
            raise
        except (ValueError, OverflowError) as exc:  # a date Python cannot hold (year 0) or one that does not exist
            raise _bad(str(exc)) from None

    def _resolve(self, text: str) -> Period:
        text = text.strip()
        for kind, pattern in _PATTERNS:
            m = pattern.match(text)
            if not m:
                continue
            try:
                if kind == "custom":
                    start, end = dt.date.fromisoformat(m.group(1)), dt.date.fromisoformat(m.group(2))
                    if end < start:
                        raise ValueError(f"period ends ({end}) before it starts ({start})")
                    return self.canonical(start, end)
                index = int(m.group(2)) if m.group(2) else 1
                if kind == "month" and not 1 <= index <= 12:
                    raise ValueError(f"month {index} is not between 1 and 12")
                return self.period(kind, int(m.group(1)), index)
            except ValueError as exc:
                raise ValueError(f"period {text!r} is not a real date range: {exc}") from None
        raise ValueError(
            f"cannot read period {text!r}: write 2026-04, 2026-Q2, 2026-H1, 2026 or 2026-03-26..2026-04-25"
        )

    def shift(self, period: Period, steps: int) -> Period:
        """
        Return the period ``steps`` periods of the same kind after ``period`` (before, when negative).

        Raise ``ValueError`` for a custom period, which has no neighbours in the calendar.
        """
        if period.kind == "custom":
            raise ValueError(f"period {period.label} is not a calendar period, so it has no previous period")
        size = _MONTHS[period.kind]
        year, month = self._month_of(period.end)
        index = year * 12 + (month - 1) // size * size + steps * size
        return self.period(period.kind, index // 12, index % 12 // size + 1)

    def inside(self, kind: PeriodKind, period: Period) -> list[Period]:
        """
        Return the periods of ``kind`` that lie wholly inside ``period``, in date order.
        """
        if kind == "custom":
            return []
        out, p = [], self.containing(kind, period.start)
        if p.start < period.start:
            p = self.shift(p, 1)
        while p.end <= period.end:
            out.append(p)
            p = self.shift(p, 1)
        return out
