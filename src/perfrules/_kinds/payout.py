"""
Payouts: money from a formula, plus and minus money adjustments, limited and rounded ($1-$12).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from .._ir import BOOL, NUM, Clamp, Const, Node, Origin, Round, Step, StepRef, Sum, quantizer
from .._model import Payout, Scheme
from .base import Context, Explaining, Line, fact, limit_facts
from .checks import limits
from .terms import sum_terms
from .wording import limits_text, mode_text, number, terms_text, what

__all__ = ["PAYOUTS"]


class _Payouts:
    """Payouts: a formula's value ± money adjustments, within floor and cap, rounded by the declared rule."""

    collection, kind = "payouts", "payout"
    messages: ClassVar[tuple[str, ...]] = ("payout",)

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        return ((("payouts", p.name), p) for p in s.payouts)

    def check(self, ctx: Context, p: Payout) -> None:
        ctx.formula(("payouts", p.name, "formula"), p.formula, NUM)
        ctx.formula(("payouts", p.name, "when"), p.when, BOOL)
        limits(ctx, ("payouts", p.name), p.floor, p.cap)

    def lower(self, ctx: Context, ref: StepRef, p: Payout) -> Step:
        s = ctx.scheme
        rule = p.rounding or s.money
        guard = fact("applies", ctx.node((*ref, "when"))) if p.when is not None else None
        formula = fact("formula_value", ctx.node((*ref, "formula")))
        total = fact("sum", Sum(formula, sum_terms(s, [], [j for j in s.adjustments() if j.payout == p.name])))
        out: Node = total
        if p.floor is not None or p.cap is not None:
            out = Clamp(out, p.floor, p.cap, origin=Origin(ref))
        zero = Const(quantizer(rule)(Decimal(0)), NUM, f"zero_{rule.places}")
        return Step(ref, self.kind, ((p.name, Round(out, rule)),), p, guard=guard, otherwise=(zero,))

    def explain(self, ex: Explaining, ref: StepRef, p: Payout) -> Line:
        traced = ex.facts(ref)
        rounding = p.rounding or ex.scheme.money
        facts: dict[str, Any] = {
            "formula": p.formula,
            "formula_value": traced.get("formula_value"),
            "adjustments": ex.terms([], [j for j in ex.scheme.adjustments() if j.payout == p.name]),
            "sum": traced.get("sum"),
            "rounding": {"places": rounding.places, "mode": rounding.mode},
        }
        if p.when is not None:
            facts.update(when=p.when, applies=bool(traced["applies"]))
        facts.update(limit_facts(ex.step(ref).limit(), traced.get("sum")))
        return Line(f"payouts.{p.name}", "payout", p.name, p.label, ex.env[p.name], facts, ex.reads(ref))

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f = dict(line.facts)
        if f.get("applies") is False:
            return w["not_applied"].format(what=what(line), when=f["when"])
        text = w["payout"].format(
            what=what(line),
            formula=f["formula"],
            base=number(f["formula_value"]),
            terms=terms_text(f["adjustments"], f["rounding"]["places"], w),
        )
        if f["adjustments"]:
            text += f" = {number(f['sum'])}"
        text += limits_text(w, f, f["rounding"]["places"])
        r = f["rounding"]
        return text + w["rounded"].format(places=r["places"], mode=mode_text(w, r["mode"]), value=number(line.value))


PAYOUTS = _Payouts()
