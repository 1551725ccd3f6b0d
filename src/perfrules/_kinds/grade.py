"""
Grades: the band of the score (or of ``grades.of``) a grade table puts it in (G1).

Forced distribution (G2) moves grades afterwards, over the whole population;
it is applied by the engine and explained here from the note it leaves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from .._formula import NoTier, compile_table
from .._ir import NUM, TEXT, Apply, Node, Step, StepRef, TableLookup, Type
from .._model import Grades, Scheme, TierTable
from .base import Context, Explaining, Line, fact
from .wording import number

__all__ = ["GRADES"]


def _columns(g: Grades) -> list[str]:
    # The values bands carry, in the order first written.
    return list(dict.fromkeys(v.name for t in g.tiers for v in t.values))


class _Column:
    """The value one column of the grade table gives the band that holds ``x``."""

    __slots__ = ("by_band", "lookup")

    def __init__(self, lookup: Any, by_band: tuple[Decimal, ...]) -> None:
        self.lookup, self.by_band = lookup, by_band

    def __call__(self, x: Decimal) -> Decimal:
        k = self.lookup.index(x)
        if k is None:
            raise NoTier("grade", x)
        value: Decimal = self.by_band[k]
        return value


class _Grades:
    """Grade bands over the score, listed best first."""

    collection, kind = "grades", "grade"
    messages: ClassVar[tuple[str, ...]] = ("grade", "distributed", "no_grade")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return [(("grades", "grade"), s.grades)] if s.grades is not None else []

    def provides(self, s: Scheme) -> dict[str, Type]:
        """
        Return the names formulas may read: ``grade`` (its label) and ``grade_<column>`` for each value bands carry.
        """
        g = s.grades
        if g is None:
            return {}
        return {"grade": TEXT, **{f"grade_{c}": NUM for c in _columns(g)}}

    def check(self, ctx: Context, g: Grades) -> None:
        ctx.formula(("grades", "of"), g.of, NUM)
        ctx.lookups[("grades",)] = compile_table(TierTable(name="grade", tiers=g.tiers, match=g.match))
        columns = _columns(g)
        for k, tier in enumerate(g.tiers):
            if tier.points is not None:
                ctx.error(
                    "grade-points",
                    "a grade band gives a label, not points",
                    ("grades", "tiers", k, "points"),
                    "to pay by grade, give the band values: {pay_pct: 1.2} and read grade_pay_pct in a payout",
                )
            missing = [c for c in columns if c not in {v.name for v in tier.values}]
            if missing:
                ctx.error(
                    "grade-values",
                    f"grade band {tier.label!r} has no value for {', '.join(missing)}",
                    ("grades", "tiers", k, "values"),
                    "every band gives every column, so no grade pays a guessed amount",
                )

    def review(self, ctx: Context) -> None:
        """
        Refuse formulas that read the grade where the grade they would read is not the one people get.
        """
        g = ctx.scheme.grades
        if g is None:
            return
        why = (
            "a forced distribution moves grades after everyone is scored"
            if g.distribution is not None
            else "those not assessed get no grade"
            if ctx.scheme.assessed is not None
            else None
        )
        if why is None:
            return
        names = set(self.provides(ctx.scheme))
        for path, f in ctx.formulas.items():
            read = sorted(names & f.names)
            if read and path[0] != "grades":
                ctx.error(
                    "grade-not-final",
                    f"this formula reads {', '.join(read)}, but {why}, so it would pay by a grade people do not get",
                    path,
                    "read the score (or grades.of) instead, or pay by grade outside perfrules after the distribution",
                )

    def lower(self, ctx: Context, ref: StepRef, g: Grades) -> Step:
        value = fact("value", ctx.node(("grades", "of")))
        lookup = ctx.lookups[("grades",)]
        band = TableLookup(lookup, value, "number", labels=True)
        # grade.value is what forced distribution ranks by.
        outputs: list[tuple[str, Node]] = [("grade", band), ("grade.value", value)]
        for c in _columns(g):
            by_band = tuple(next(v.value for v in t.values if v.name == c) for t in g.tiers)
            outputs.append((f"grade_{c}", Apply(_Column(lookup, by_band), (value,), NUM, f"grade_{c}")))
        return Step(ref, self.kind, tuple(outputs), g, prelude=(value,), after=(("score", "score"),))

    def explain(self, ex: Explaining, ref: StepRef, g: Grades) -> Line:
        label, of = ex.env.get("grade"), ex.facts(ref)["value"]
        if ex.scheme.assessed is not None and not ex.env["assessed"]:
            return Line("grade", "grade", "grade", None, None, {"of": g.of, "value": of, "not_assessed": True}, {})
        band = next((t.range_text() for t in g.tiers if t.label == label and t.contains(of)), None)
        facts = {"of": g.of, "value": of, "band": band}
        if ex.note is not None:  # forced distribution moved the grade the band gave
            facts.update(band_grade=label, distribution=ex.note)
            label = ex.final
        return Line("grade", "grade", "grade", None, label, facts, {})

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f = line.facts
        key = "no_grade" if "not_assessed" in f else "distributed" if "distribution" in f else "grade"
        return w[key].format(
            value=line.value,
            of=w["total"] if f["of"] == "score" else f["of"],  # the total score is ours to name
            x=number(f["value"]),
            band=f.get("band"),
            band_grade=f.get("band_grade"),
            note=f.get("distribution"),
        )


GRADES = _Grades()
