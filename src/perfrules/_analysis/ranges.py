"""
The result of the bounds analysis: the proven range of every value, and the limits' ranges.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan
from .._errors import Issue
from .._ir import Path
from .interval import Range, number_text

__all__ = ["Bounds", "Limit"]


@attrs.frozen
class Limit:
    """
    A floor or cap of the scheme with the range of the value it limits: whether it can bind.
    """

    path: Path
    raw: Range
    floor: Decimal | None
    cap: Decimal | None


@attrs.frozen
class Bounds:
    """
    The proven range of every number a scheme computes, by name, and of the values its limits see.
    """

    plan: Plan = attrs.field(repr=False)
    ranges: Mapping[str, Range]
    rows: tuple[tuple[str, str, Range], ...]
    """``(collection, name, range)`` for every reported value, in evaluation order within each collection."""
    limits: tuple[Limit, ...]
    nodes: Mapping[int, Range] = attrs.field(factory=dict, repr=False)
    """The range of every number node of the plan's steps, by ``id(node)`` (not narrowed by branch tests)."""
    warnings: tuple[Issue, ...] = ()
    """What the bounds show that is probably wrong, as warnings: money with no upper bound
    (``unbounded-money``), a cap that can never bind (``cap-never-binds``), a floor that always binds
    (``floor-always-binds``). ``perfrules validate`` reports the same."""

    def __getitem__(self, name: str) -> Range:
        return self.ranges[name]

    def to_dict(self) -> dict[str, Any]:
        """Return the bounds as JSON-ready data: ends as strings, ``null`` for an unbounded end."""
        return {
            "scheme": self.plan.scheme.name,
            "values": [{"collection": c, "name": n, "min": _text(r.lo), "max": _text(r.hi)} for c, n, r in self.rows],
        }

    def render(self) -> str:
        """Return the bounds as an aligned text table."""
        head = ("value", "min", "max")
        body = [(f"{c}.{n}" if c != n else n, _text(r.lo) or "-inf", _text(r.hi) or "+inf") for c, n, r in self.rows]
        widths = [max(len(row[k]) for row in (head, *body)) for k in range(3)]
        lines = [f"{a:<{widths[0]}}  {b:>{widths[1]}}  {c:>{widths[2]}}" for a, b, c in (head, *body)]
        return "\n".join([f"bounds of {self.plan.scheme.name}", *lines])


def _text(x: Decimal | None) -> str | None:
    return None if x is None else number_text(x)
