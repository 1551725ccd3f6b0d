"""
An example metric-type plugin: response time counted in business hours only.

A cell holds one or more ``asked/answered`` pairs of ISO date-times separated
by ``;``; the value is the average number of seconds between them that fall
inside business hours (09:00-18:00, Monday to Friday).  A question asked on
Friday at 17:50 and answered on Monday at 09:10 took 20 minutes, not 63 hours.

It is registered in perfrules' own ``pyproject.toml`` under the
``perfrules.metric_types`` entry-point group, exactly as a third-party package
would register its own, so a scheme can say ``type: business_hours``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from .._model import Metric
from .._plugins import RawValue

__all__ = ["BusinessHours", "business_seconds"]

_OPEN, _CLOSE = dt.time(9, 0), dt.time(18, 0)
_MAX_DAYS = 366


def business_seconds(start: dt.datetime, end: dt.datetime) -> int:
    """
    Return the seconds between ``start`` and ``end`` that fall in business hours.
    """
    if end < start:
        raise ValueError(f"answered {end.isoformat()} is before asked {start.isoformat()}")
    if (end - start).days > _MAX_DAYS:
        raise ValueError(f"a response time over {_MAX_DAYS} days is not plausible")
    total = 0
    day = start.date()
    while day <= end.date():
        if day.weekday() < 5:
            lo = max(start, dt.datetime.combine(day, _OPEN, start.tzinfo))
            hi = min(end, dt.datetime.combine(day, _CLOSE, start.tzinfo))
            if hi > lo:
                total += int((hi - lo).total_seconds())
        day += dt.timedelta(days=1)
    return total


class BusinessHours:
    """
    The ``business_hours`` metric type: average business-hours seconds per response.
    """

    name = "business_hours"
    value_type: Literal["number", "list"] = "number"

    def parse(self, raw: RawValue, metric: Metric) -> Decimal:
        """
        Read ``asked/answered[;asked/answered...]`` and return the average seconds.
        """
        pairs = [p.strip() for p in str(raw).split(";") if p.strip()]
        if not pairs:
            raise ValueError("expected asked/answered date-time pairs")
        seconds = []
        for pair in pairs:
            try:
                asked, answered = (dt.datetime.fromisoformat(x.strip()) for x in pair.split("/"))
            except ValueError:
                raise ValueError(f"cannot read {pair!r}: write 2026-04-03T17:50/2026-04-06T09:10") from None
            seconds.append(business_seconds(asked, answered))
        return Decimal(sum(seconds)) / Decimal(len(seconds))
