"""
A population's results for one period.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs

from .._model import Period
from .export import Exports
from .history import HistoryNote
from .results import Result

__all__ = ["Results"]


@attrs.frozen
class Results(Exports):
    """
    A population's results for one period, in employee-id order; ``to_dict()`` is its JSON-ready form.
    """

    scheme: str
    digest: str
    period: Period | None
    results: tuple[Result, ...]
    history: HistoryNote | None = None
    """What history was read; None for a scheme without history rules."""

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def by_employee(self) -> dict[str, Result]:
        """
        Return the results keyed by employee id.
        """
        return {r.employee: r for r in self.results}

    def to_dict(self) -> dict[str, Any]:
        """
        Return all results as JSON-ready data, with the scheme digest that made them.
        """
        out: dict[str, Any] = {
            "scheme": self.scheme,
            "scheme_digest": self.digest,
            "period": self.period.label if self.period else None,
        }
        if self.history is not None and self.history.worth_telling():  # no history read, or periods missing
            out["history"] = self.history.to_dict()
        held = [
            {"employee": r.employee, "adjustment": h.adjustment, "amount": str(h.amount), "over": str(h.limit)}
            for r in self.results
            for h in r.held
        ]
        if held:  # what is held until approved (W2), not paid: listed once for the whole period
            out["held"] = held
        out["results"] = [r.to_dict() for r in self.results]
        return out
