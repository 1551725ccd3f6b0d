"""
Lint checks: things that are legal but probably wrong, reported as warnings.

Tier tables with gaps, overlaps, unreachable bands or points that fall as the
value gets better; weights that do not add up to 100; inputs nothing reads.
(A cap below a floor is an error, found by each rule kind's own check.)
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from decimal import Decimal

from .._errors import Issue
from .._formula import Piece, analyse
from .._ir import Path
from .._model import Scheme, TierTable
from .analyse import Analysis

__all__ = ["lint"]


def _warn(code: str, message: str, path: Path, hint: str | None = None) -> Issue:
    return Issue(code, message, path, severity="warning", hint=hint)


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
            yield _warn(
                "tier-gap",
                f"no tier holds values in {_span(run)}",
                (*path, "tiers"),
                "close the gap, or set 'otherwise:' for values in no tier",
            )
    if table.match == "unique":
        for run in _runs(pieces, lambda p: len(p.owners) > 1):
            names = sorted({k for p in run for k in p.owners})
            texts = " and ".join(table.tiers[k].range_text() for k in names)
            yield _warn(
                "tier-overlap",
                f"tiers {texts} overlap on {_span(run)}; the first listed wins",
                (*path, "tiers", names[1]),
                "make bounds exclusive on one side, or declare 'match: first'",
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


def _weights(s: Scheme) -> Iterator[Issue]:
    for collection, items in (("indicators", s.indicators), ("sections", s.sections)):
        weights = [x.weight for x in items if x.weight is not None]
        total = sum(weights, Decimal(0))
        if weights and total != 100:
            yield _warn(
                "weights-sum",
                f"{collection[:-1]} weights add up to {total}, not 100",
                (collection,),
                f"weights are percentages; check each {collection[:-1]}'s weight",
            )


def _unused(s: Scheme, a: Analysis) -> Iterator[Issue]:
    reasons = {b.reason for b in s.bonuses if b.reason}
    for m in s.metrics:
        if m.formula is None and m.name not in a.used and m.name not in reasons:
            yield _warn(
                "unused-metric",
                f"metric {m.name!r} is read from the input but no rule uses it",
                ("metrics", m.name),
                "use it in a formula or remove it",
            )


def lint(a: Analysis) -> list[Issue]:
    """
    Return every lint warning for the analysed scheme.
    """
    s = a.scheme
    out: list[Issue] = []
    for table, path in _tables(s):
        out.extend(_table(table, path))
    out.extend(_weights(s))
    out.extend(_unused(s, a))
    return out
