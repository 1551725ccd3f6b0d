"""
Indicators: an input turned into points by exactly one scorer, limited, weighted (S1-S7).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from .._formula import compile_table
from .._ir import NUM, Apply, Arith, Clamp, Node, Origin, Step, StepRef, TableLookup, walk
from .._model import Indicator, Scheme, TierTable
from .base import Context, Explaining, Line, fact, limit_facts
from .checks import limits, reference
from .steps import shortfall_points
from .wording import limits_text, number, what

__all__ = ["INDICATORS", "points_name"]

_HUNDRED, _ONE = Decimal(100), Decimal(1)


def points_name(indicator: str) -> str:
    """
    Return the name of a weighted indicator's points before weighting (``attitude.points``).
    """
    return f"{indicator}.points"


class _Indicators:
    """Indicators (S1-S7)."""

    collection, kind = "indicators", "indicator"
    messages: ClassVar[tuple[str, ...]] = ("in_band", "no_band", "target", "shortfall", "formula_points")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("indicators", i.name), i) for i in s.indicators)

    def check(self, ctx: Context, ind: Indicator) -> None:
        path = ("indicators", ind.name)
        scorers = ind.scorers()
        if len(scorers) != 1:
            got = ", ".join(scorers) or "none"
            ctx.error(
                "indicator-scorer",
                f"an indicator needs exactly one scorer, got {got}",
                path,
                "give one of: table, tiers, target, shortfall, formula",
            )
        if ind.formula is None and ind.input is None:
            ctx.error("missing-key", "missing required key 'input'", path, "name the metric this indicator scores")
        ctx.formula((*path, "input"), ind.input, NUM)
        ctx.formula((*path, "formula"), ind.formula, NUM)
        ctx.formula((*path, "veto"), ind.veto, "bool")
        if ind.target is not None:
            ctx.formula((*path, "target", "target"), ind.target.target, NUM)
        reference(ctx, (*path, "table"), ind.table, {t.name for t in ctx.scheme.tables}, "tier table")
        reference(ctx, (*path, "section"), ind.section, {x.name for x in ctx.scheme.sections}, "section")
        limits(ctx, path, ind.floor, ind.cap)
        if ind.tiers is not None:
            ctx.lookups[path + ("tiers",)] = compile_table(TierTable(name=ind.name, tiers=ind.tiers))

    def lower(self, ctx: Context, ref: StepRef, ind: Indicator) -> Step:
        path: tuple[str | int, ...] = (ref[0], ref[1])
        value = ctx.node((*path, "input")) if ind.input is not None else None
        prelude: list[Node] = []
        traced: list[Node] = []
        if value is not None and ind.formula is None:
            value = fact("value", value)
            prelude.append(value)
        points: Node
        if ind.formula is not None:
            points = ctx.node((*path, "formula"))
        elif ind.tiers is not None or ind.table is not None:
            assert value is not None
            lookup = ctx.lookups.get((*path, "tiers")) or ctx.lookups[("tables", str(ind.table))]
            points = TableLookup(lookup, value, origin=Origin(path))
            traced.append(fact("band", Apply(lookup.index, (value,), NUM, f"band_{lookup.name}")))
        elif ind.target is not None:
            assert value is not None
            target = fact("target", ctx.node((*path, "target", "target")))
            ratio = Arith("/", value, target)
            hundred = ctx.const(_HUNDRED, "hundred")
            if ind.target.direction == "higher_is_better":
                points = Arith("*", ratio, hundred)
            else:
                points = Arith("*", Arith("-", ctx.const(_ONE, "one"), ratio), hundred)
        else:
            assert ind.shortfall is not None and value is not None
            scorer = functools.partial(shortfall_points, ind.shortfall)
            points = Apply(scorer, (value,), NUM, f"shortfall_{ind.name}")
        out: Node = fact("points", points)
        if ind.cap is not None or ind.floor is not None:
            out = Clamp(out, ind.floor, ind.cap, origin=Origin(path))
        if ind.weight is None:
            return Step(ref, self.kind, ((ind.name, out),), ind, tuple(prelude), tuple(traced))
        # A weighted indicator defines its contribution and, as ``name.points``, the points it weighs.
        weighted = Arith("*", out, ctx.const(ind.weight / _HUNDRED, f"weight_{ind.name}", path))
        outputs = ((ind.name, weighted), (points_name(ind.name), out))
        return Step(ref, self.kind, outputs, ind, (*prelude, out), tuple(traced))

    def explain(self, ex: Explaining, ref: StepRef, ind: Indicator) -> Line:
        traced = ex.facts(ref)
        step = ex.step(ref)
        facts: dict[str, Any] = {}
        if "value" in traced:
            facts.update(input=ind.input, value=traced["value"])
        if ind.formula is not None:
            facts.update(scorer="formula", formula=ind.formula)
        elif "band" in traced:
            lookup = next(n.table for n in walk(step.outputs[0][1]) if isinstance(n, TableLookup))
            k = traced["band"]
            facts.update(
                scorer="table",
                table=ind.table or ind.name,
                band=lookup.tiers[k].range_text() if k is not None else None,
            )
        elif ind.target is not None:
            facts.update(scorer="target", target=traced["target"], direction=ind.target.direction)
        else:
            sf = ind.shortfall
            assert sf is not None
            facts.update(
                scorer="shortfall",
                target=sf.target,
                per=sf.per,
                deduct=sf.deduct,
                full=sf.full,
                direction=sf.direction,
                steps=sf.steps,
            )
        facts["points"] = traced["points"]
        facts.update(limit_facts(step.limit(), traced["points"]))
        if ind.weight is not None:
            facts["weight"] = ind.weight
        if ind.section is not None:
            facts["section"] = ind.section
        return Line(f"indicators.{ind.name}", "indicator", ind.name, ind.label, ex.env[ind.name], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f, it = dict(line.facts), what(line)
        scorer = f.get("scorer")
        if scorer == "table":
            key = "in_band" if f.get("band") else "no_band"
            text = w[key].format(what=it, value=number(f.get("value")), band=f.get("band"), points=number(f["points"]))
        elif scorer == "target":
            text = w["target"].format(
                what=it, value=number(f["value"]), target=number(f["target"]), points=number(f["points"])
            )
        elif scorer == "shortfall":
            text = w["shortfall"].format(
                what=it,
                value=number(f["value"]),
                target=number(f["target"]),
                per=number(f["per"]),
                deduct=number(f["deduct"]),
                full=number(f["full"]),
                points=number(f["points"]),
            )
        else:
            text = w["formula_points"].format(what=it, formula=f.get("formula"), points=number(f["points"]))
        text += limits_text(w, f)
        if "weight" in f:
            text += w["weight"].format(weight=number(f["weight"]), value=number(line.value))
        return text


INDICATORS = _Indicators()
