"""
Payouts: money from a formula, plus and minus money adjustments, limited and rounded ($1-$12).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from .._errors import Issue
from .._ir import BOOL, NUM, Clamp, Const, Node, Origin, Round, Step, StepRef, Sum, quantizer
from .._model import Payout, Scheme
from .base import Context, Explaining, Line, fact, limit_facts
from .checks import limits
from .terms import sum_terms
from .wording import before_rounding, limits_text, mode_text, number, terms_text, what

__all__ = ["PAYOUTS", "amount_reads"]


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

    def review(self, ctx: Context) -> None:
        # Money attached with ``payout:`` is added or taken off after the formula; a formula that reads the same
        # money too counts it twice, and nothing on the payslip would show it.
        for p in ctx.scheme.payouts:
            reads = amount_reads(ctx, p.name)
            for adj in ctx.scheme.adjustments():
                if adj.payout != p.name or adj.unit != "money" or adj.name not in reads:
                    continue
                kind, sign = ("penalty", "taken off") if adj in ctx.scheme.penalties else ("bonus", "added")
                term = reads[adj.name]
                via = "" if term == adj.name else f" (through {term!r})"
                path = ("payouts", p.name, "formula")
                text = ctx.formulas[path].text
                col = _column(text, term)
                at = f" at column {col} of formula {text!r}" if col is not None else ""
                ctx.issues.append(
                    Issue(
                        "money-twice",
                        f"{kind} {adj.name!r} is {sign} twice: it names `payout: {p.name}`, and the formula of "
                        f"payout {p.name!r} reads it{via}{at}",
                        path,
                        hint=f"remove one of the two: `payout: {p.name}` from {kind} {adj.name!r}, "
                        f"or the term {term!r} from the formula",
                        offset=col,
                    )
                )

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
        places = f["rounding"]["places"]
        text = w["payout"].format(
            what=what(line),
            formula=f["formula"],
            base=before_rounding(f["formula_value"], places),  # the rounding below takes it: every place it keeps
            terms=terms_text(f["adjustments"], places, w),
        )
        if f["adjustments"]:
            text += f" = {before_rounding(f['sum'], places)}"
        text += limits_text(w, f, f["rounding"]["places"])
        r = f["rounding"]
        return text + w["rounded"].format(places=r["places"], mode=mode_text(w, r["mode"]), value=number(line.value))


def amount_reads(ctx: Context, payout: str) -> dict[str, str]:
    """
    Return what the value formula of ``payout`` reads, by name, each with the name in the formula it is read through.

    A value read through another value's own ``formula`` (a derived metric, another payout) counts; a ``when:``,
    a flag or a condition only tests a value, and history reads earlier periods: those do not.
    """
    own = ctx.formulas.get(("payouts", payout, "formula"))
    if own is None:
        return {}
    formulas = {
        ctx.keys.get(str(path[1]), str(path[1])) if path[0] == "metrics" else str(path[1]): f
        for path, f in ctx.formulas.items()
        if len(path) == 3 and path[2] == "formula"
    }
    reads: dict[str, str] = {}
    todo = [(name, name) for name in sorted(own.names)]
    while todo:
        name, term = todo.pop()
        if name in reads:
            continue
        reads[name] = term
        f = formulas.get(name)
        if f is not None and name != payout:
            todo.extend((n, term) for n in sorted(f.names))
    return reads


def _column(text: str, term: str) -> int | None:
    # The 1-based column of the first place the formula names ``term`` (plain or qualified: penalties.late_fee).
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError:  # checked already; this only places the finding
        return None
    raw = text.encode("utf-8")
    found = [
        n.col_offset
        for n in ast.walk(tree)
        if (isinstance(n, ast.Name) and n.id == term) or (isinstance(n, ast.Attribute) and n.attr == term)
    ]
    return len(raw[: min(found)].decode("utf-8", errors="ignore")) + 1 if found else None


PAYOUTS = _Payouts()
