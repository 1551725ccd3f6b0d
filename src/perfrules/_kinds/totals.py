"""
Totals: sections (a group of indicators and point adjustments) and the score (A1-A3, S6, S7).

Both are a base plus signed terms, zeroed by a veto, kept within a floor and a
cap; a section may be weighted and the score rounded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, ClassVar

from .._ir import BOOL, Arith, Choice, Clamp, Compare, Const, Node, Origin, Round, Step, StepRef, Sum
from .._model import Indicator, Scheme, Section
from .base import Context, Explaining, Line, at_places, fact, limit_facts
from .checks import limits
from .terms import sum_terms
from .wording import limits_text, number, terms_text, what

__all__ = ["SCORE", "SCORE_PLACES", "SECTIONS", "render_total"]

_HUNDRED = Decimal(100)

#: The places a score is written with when the scheme declares no rounding: padded, never rounded.
SCORE_PLACES = 2


def _limited(
    ctx: Context,
    ref: StepRef,
    total: Node,
    vetoes: Sequence[tuple[str, tuple[str | int, ...]]],
    floor: Decimal | None,
    cap: Decimal | None,
    rounding: Any = None,
) -> Node:
    # The sum, zeroed when any veto holds, else kept within its limits (then rounded).
    out: Node = total
    if floor is not None or cap is not None:
        out = Clamp(out, floor, cap, origin=Origin(ref))
    if rounding is not None:
        out = Round(out, rounding)
    held = [fact(f"veto:{who}", ctx.node(path)) for who, path in vetoes if path in ctx.formulas]
    if not held:
        return out
    return Choice(Compare(("or",), tuple(held), BOOL), Const(Decimal(0), "number", "zero"), out, "number")


def _vetoed(traced: Mapping[str, Any], texts: Mapping[str, str | None]) -> list[tuple[str, str | None]]:
    return [(key[5:], texts.get(key[5:])) for key, hit in traced.items() if key.startswith("veto:") and hit]


def render_total(w: Mapping[str, str], line: Line, head: str) -> str:
    """
    Return the sentence for a total: its terms, then the veto, limit or weight that changed it.
    """
    f = dict(line.facts)
    if line.kind == "score" and "formula" in f:
        text = w["score_formula"].format(formula=f["formula"], sum=number(f["sum"]))
    else:
        text = head.format(
            what=what(line),
            base=number(f.get("base")),
            terms=terms_text(f.get("terms", []), None, w),
            sum=number(f["sum"]),
        )
    if "vetoed_by" in f:
        who, why = f["vetoed_by"][0]
        return text + w["vetoed"].format(who=who, why=why)
    text += limits_text(w, f)
    if "weight" in f:
        text += w["weight"].format(weight=number(f["weight"]), value=number(line.value))
    elif line.value != f["sum"]:
        text += w["final"].format(value=number(line.value))
    return text


class _Sections:
    """Sections (dimensions): base + contributions ± adjustments, vetoed, limited, weighted."""

    collection, kind = "sections", "section"
    messages: ClassVar[tuple[str, ...]] = ("section",)

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("sections", x.name), x) for x in s.sections)

    def check(self, ctx: Context, sec: Section) -> None:
        ctx.formula(("sections", sec.name, "veto"), sec.veto, BOOL)
        limits(ctx, ("sections", sec.name), sec.floor, sec.cap)

    def _members(self, s: Scheme, sec: Section) -> list[Indicator]:
        return [i for i in s.indicators if i.section == sec.name]

    def lower(self, ctx: Context, ref: StepRef, sec: Section) -> Step:
        s = ctx.scheme
        members = self._members(s, sec)
        adjs = [j for j in s.adjustments() if j.unit == "points" and j.section == sec.name]
        terms = sum_terms(s, [i.name for i in members], adjs)
        total = fact("sum", Sum(ctx.const(sec.base, f"base_{sec.name}"), terms))
        vetoes: list[tuple[str, tuple[str | int, ...]]] = [(sec.name, ("sections", sec.name, "veto"))]
        vetoes += [(i.name, ("indicators", i.name, "veto")) for i in members]
        out = _limited(ctx, ref, total, vetoes, sec.floor, sec.cap)
        if sec.weight is not None:
            out = Arith("*", out, ctx.const(sec.weight / _HUNDRED, f"weight_{sec.name}"))
        return Step(ref, self.kind, ((sec.name, out),), sec, prelude=(total,))

    def explain(self, ex: Explaining, ref: StepRef, sec: Section) -> Line:
        members = self._members(ex.scheme, sec)
        traced = ex.facts(ref)
        adjs = [j for j in ex.scheme.adjustments() if j.unit == "points" and j.section == sec.name]
        terms = ex.terms([i.name for i in members], adjs)
        facts: dict[str, Any] = {"base": sec.base, "terms": terms, "sum": traced.get("sum")}
        hit = _vetoed(traced, {sec.name: sec.veto, **{i.name: i.veto for i in members}})
        if hit:
            facts["vetoed_by"] = hit
        else:
            facts.update(limit_facts(ex.step(ref).limit(), traced.get("sum")))
        if sec.weight is not None:
            facts["weight"] = sec.weight
        return Line(f"sections.{sec.name}", "section", sec.name, sec.label, ex.env[sec.name], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        return render_total(w, line, w["section"])


class _Score:
    """The total score: a formula, or base + sections + loose indicators ± adjustments; vetoed, limited, rounded."""

    collection, kind = "score", "score"
    messages: ClassVar[tuple[str, ...]] = ("score", "score_formula")

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return [(("score", "score"), s.score)]

    def check(self, ctx: Context, sc: Any) -> None:
        ctx.formula(("score", "formula"), sc.formula, "number")
        ctx.formula(("score", "veto"), sc.veto, BOOL)
        limits(ctx, ("score",), sc.floor, sc.cap)

    def _parts(self, s: Scheme) -> tuple[list[str], list[Any]]:
        loose = [i.name for i in s.indicators if i.section is None]
        adjs = [j for j in s.adjustments() if j.unit == "points" and j.section is None]
        return [x.name for x in s.sections] + loose, adjs

    def lower(self, ctx: Context, ref: StepRef, sc: Any) -> Step:
        s = ctx.scheme
        if sc.formula is not None:
            total = fact("sum", ctx.node(("score", "formula")))
        else:
            names, adjs = self._parts(s)
            total = fact("sum", Sum(ctx.const(sc.base, "base_score"), sum_terms(s, names, adjs)))
        vetoes: list[tuple[str, tuple[str | int, ...]]] = [("score", ("score", "veto"))]
        vetoes += [(i.name, ("indicators", i.name, "veto")) for i in s.indicators if i.section is None]
        out = _limited(ctx, ref, total, vetoes, sc.floor, sc.cap, sc.rounding)
        # One number of places for every score, vetoed ones too: the declared rounding's, else SCORE_PLACES.
        out = at_places(out, sc.rounding.places if sc.rounding is not None else SCORE_PLACES)
        return Step(ref, self.kind, (("score", out),), sc, prelude=(total,))

    def explain(self, ex: Explaining, ref: StepRef, sc: Any) -> Line:
        traced = ex.facts(ref)
        facts: dict[str, Any] = {}
        if sc.formula is not None:
            facts["formula"] = sc.formula
        else:
            names, adjs = self._parts(ex.scheme)
            facts.update(base=sc.base, terms=ex.terms(names, adjs))
        facts["sum"] = traced.get("sum")
        loose = {i.name: i.veto for i in ex.scheme.indicators if i.section is None}
        hit = _vetoed(traced, {"score": sc.veto, **loose})
        if hit:
            facts["vetoed_by"] = hit
        else:
            facts.update(limit_facts(ex.step(ref).limit(), traced.get("sum")))
        if sc.rounding is not None:
            facts["rounding"] = {"places": sc.rounding.places, "mode": sc.rounding.mode}
        return Line("score", "score", "score", None, ex.env["score"], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        return render_total(w, line, w["score"])


SECTIONS, SCORE = _Sections(), _Score()
