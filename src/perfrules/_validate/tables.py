"""
Tier tables over the number line: gaps and overlaps (errors unless declared), unreachable bands and direction.

A value in no band of a table that sets points or money would stop a whole
run, and a value in two bands would be paid by whichever is listed first, so
both are errors unless the table declares what it wants: ``otherwise:`` (the
result for values in no band) or ``match: first`` (the first listed wins).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from .._errors import Issue
from .._formula import Piece, analyse
from .._ir import Path
from .._model import Scheme, TierTable

__all__ = ["table_findings"]


def _warn(code: str, message: str, path: Path, hint: str | None = None) -> Issue:
    return Issue(code, message, path, severity="warning", hint=hint)


def _error(code: str, message: str, path: Path, hint: str | None = None) -> Issue:
    return Issue(code, message, path, hint=hint)


def _span(run: Sequence[Piece]) -> str:
    first, last = run[0], run[-1]
    lo = f"[{first.lo}" if first.point else "(-inf" if first.lo is None else f"({first.lo}"
    hi = f"{last.hi}]" if last.point else "+inf)" if last.hi is None else f"{last.hi})"
    return f"{lo}, {hi}"


def _runs(pieces: Sequence[Piece], test: object) -> Iterator[list[Piece]]:
    run: list[Piece] = []
    for piece in pieces:
        if test(piece):  # type: ignore[operator]
            run.append(piece)
        elif run:
            yield run
            run = []
    if run:
        yield run


def _table(table: TierTable, path: Path) -> Iterator[Issue]:
    pieces = analyse(table)
    if table.otherwise is None:
        for run in _runs(pieces, lambda p: not p.owners):
            yield _error(
                "tier-gap",
                f"no tier holds values in {_span(run)}",
                (*path, "tiers"),
                "close the gap, or declare 'otherwise:' (the result for values in no tier)",
            )
    if table.match == "unique":
        for run in _runs(pieces, lambda p: len(p.owners) > 1):
            names = sorted({k for p in run for k in p.owners})
            texts = " and ".join(table.tiers[k].range_text() for k in names)
            yield _error(
                "tier-overlap",
                f"tiers {texts} overlap on {_span(run)}",
                (*path, "tiers", names[1]),
                "make bounds exclusive on one side, or declare 'match: first' (the first listed wins)",
            )
    owned = {p.owners[0] for p in pieces if p.owners}
    for k, tier in enumerate(table.tiers):
        if k not in owned:
            yield _warn(
                "unreachable-tier",
                f"tier {tier.range_text()} can never be hit: earlier tiers hold all its values",
                (*path, "tiers", k),
                "remove it or reorder the tiers",
            )
    if table.direction is not None:
        yield from _direction(table, pieces, path)


def _direction(table: TierTable, pieces: Sequence[Piece], path: Path) -> Iterator[Issue]:
    points = [table.tiers[p.owners[0]].points for p in pieces if p.owners]
    values = [x for x in points if x is not None]
    if table.direction == "lower_is_better":
        values.reverse()
    said = str(table.direction).replace("_", " ")
    for a, b in itertools.pairwise(values):
        if b < a:
            yield _warn(
                "tier-direction",
                f"table says {said} but a better value earns fewer points ({a} then {b})",
                (*path, "tiers"),
                "check the points of each tier, or the direction",
            )
            return


def _tables(s: Scheme) -> Iterator[tuple[TierTable, Path]]:
    for t in s.tables:
        yield t, ("tables", t.name)
    for ind in s.indicators:
        if ind.tiers is not None:
            yield TierTable(name=ind.name, tiers=ind.tiers), ("indicators", ind.name)
    for coll, adjs in (("penalties", s.penalties), ("bonuses", s.bonuses)):
        for adj in adjs:
            if adj.tiers is not None:
                yield TierTable(name=adj.name, tiers=adj.tiers), (coll, adj.name)
    if s.grades is not None:
        yield TierTable(name="grade", tiers=s.grades.tiers, match=s.grades.match), ("grades",)


def table_findings(s: Scheme) -> list[Issue]:
    """
    Return every finding about the scheme's tier tables: gaps and overlaps (errors), unreachable bands, direction.
    """
    return [issue for table, path in _tables(s) for issue in _table(table, path)]
