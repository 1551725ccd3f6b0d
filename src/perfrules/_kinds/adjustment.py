"""
Penalties and bonuses: how many, how much, within which limits, shared with whom (P1-P9, B1, B5-B7).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar

from .._formula import RELATION_SCOPES, compile_table
from .._ir import (
    BOOL,
    LIST,
    NUM,
    TEXT,
    Apply,
    Arith,
    Choice,
    Clamp,
    Const,
    Node,
    Origin,
    Ref,
    Round,
    Step,
    StepRef,
)
from .._model import Bonus, Penalty, Scheme, TierTable
from .base import Context, Explaining, Line, at_places, fact, limit_facts, zero_at
from .checks import reference
from .people import charged_to
from .steps import schedule_after, schedule_total
from .wording import limits_text, number, what

__all__ = ["BONUSES", "HOLD_LABEL", "PENALTIES", "hold_gate", "scheme_when"]

#: The label of the input the engine's hold copy adds for an adjustment held for approval (W2).
HOLD_LABEL = "perfrules: held for approval (W2)"


def hold_gate(when: str | None, hold: str) -> str:
    """
    Return ``when`` gated on the hold input ``hold`` (W2): the adjustment applies only while ``hold`` is 0.
    """
    gate = f"{hold} == 0"
    return gate if when is None else f"({when}) and {gate}"


def _hold_inputs(scheme: Scheme) -> set[str]:
    return {m.name for m in scheme.metrics if m.label == HOLD_LABEL}


def scheme_when(scheme: Scheme, adj: Penalty | Bonus) -> str | None:
    """
    Return the condition ``adj`` was written with, without the gate the engine's hold copy added (W2).

    The gate is the engine's, not the scheme's, so explanations leave it out:
    only an input labelled :data:`HOLD_LABEL` that :func:`hold_gate` put last
    in the condition is taken for one.
    """
    if adj.when is None:
        return None
    for hold in _hold_inputs(scheme):
        if adj.when == hold_gate(None, hold):
            return None
        suffix = f") and {hold_gate(None, hold)}"
        if adj.when.startswith("(") and adj.when.endswith(suffix):
            return adj.when[1 : -len(suffix)]
    return adj.when


_ZERO, _ONE = Decimal(0), Decimal(1)


def _sum_list(xs: list[Decimal]) -> Decimal:
    return sum(xs, _ZERO)


def _named(who: str) -> bool:
    return bool(who)


def _times_count(amount: Decimal, xs: list[Decimal]) -> Decimal:
    return amount * Decimal(len(xs))


class _Adjustments:
    """Penalties or bonuses: one class for both, their sign the only difference."""

    messages: ClassVar[tuple[str, ...]] = (
        "count",
        "schedule",
        "continued",
        "occurrences",
        "share",
        "kept",
        "deducted",
        "added",
        "why",
        "held",
    )

    def __init__(self, collection: str, kind: str) -> None:
        self.collection, self.kind = collection, kind

    def elements(self, s: Scheme) -> Iterable[tuple[StepRef, Any]]:
        items = s.penalties if self.collection == "penalties" else s.bonuses
        return (((self.collection, j.name), j) for j in items)

    def check(self, ctx: Context, adj: Penalty | Bonus) -> None:
        path = (self.collection, adj.name)
        if not [k for k in ("count", "occurrences", "when") if getattr(adj, k) is not None]:
            ctx.error("adjustment-source", "say how often it applies: give count, occurrences or when", path)
        if adj.count is not None and adj.occurrences is not None:
            ctx.error("adjustment-source", "give count or occurrences, not both", path)
        amounts = [k for k in ("amount", "schedule", "tiers", "levels", "range") if getattr(adj, k) is not None]
        if adj.occurrences is None and not {"amount", "schedule"} & set(amounts):
            ctx.error(
                "adjustment-amount",
                "say how much: give amount or schedule",
                path,
                "tiers, levels and range apply to each of the occurrences",
            )
        if adj.occurrences is not None and adj.amount is not None and adj.tiers is not None:
            ctx.error("adjustment-amount", "give amount or tiers for occurrences, not both", path)
        ctx.formula((*path, "count"), adj.count, NUM)
        ctx.formula((*path, "earlier"), adj.earlier, NUM)
        if adj.earlier is not None and (adj.schedule is None or adj.count is None):
            ctx.error(
                "adjustment-amount",
                "earlier continues a schedule from occurrences counted in earlier periods: give count and schedule",
                (*path, "earlier"),
                "count: this period's occurrences, schedule: [10, 30], earlier: prior_sum(count_metric, since=year)",
            )
        ctx.formula((*path, "when"), adj.when, "bool")
        if adj.occurrences is not None:
            # occurrences names a metric by construction (only a metric is a list): metric minor for penalty minor.
            if ctx.types.get(ctx.keys.get(adj.occurrences, adj.occurrences)) != LIST:
                ctx.error(
                    "occurrences-not-list",
                    f"occurrences must name a metric of type 'list', got {adj.occurrences!r}",
                    (*path, "occurrences"),
                    "declare it with type: list (one value per occurrence: 5;12;40)",
                )
            ctx.used.add(ctx.keys.get(adj.occurrences, adj.occurrences))
        self._check_places(ctx, adj, path)
        if adj.range is not None and adj.range[0] > adj.range[1]:
            ctx.error(
                "bad-range", f"range minimum {adj.range[0]} is above its maximum {adj.range[1]}", (*path, "range")
            )
        reference(ctx, (*path, "section"), adj.section, {x.name for x in ctx.scheme.sections}, "section")
        reference(ctx, (*path, "payout"), adj.payout, {x.name for x in ctx.scheme.payouts}, "payout")
        if adj.tiers is not None:
            ctx.lookups[path + ("tiers",)] = compile_table(TierTable(name=adj.name, tiers=adj.tiers))
        if isinstance(adj, Penalty) or not adj.signed:
            for key in ("amount", "cap"):
                value = getattr(adj, key)
                if value is not None and value < 0:
                    ctx.error(
                        "negative-amount",
                        f"{key} must be 0 or more, got {value}",
                        (*path, key),
                        "write amounts as positive numbers; a penalty subtracts them",
                    )

    def _check_places(self, ctx: Context, adj: Penalty | Bonus, path: tuple[str, str]) -> None:
        # Where the amount goes must take its unit, and a shared cost needs someone to share it with.
        if adj.unit == "money" and adj.section is not None:
            ctx.error(
                "adjustment-unit",
                "a money amount cannot go into a section of points",
                (*path, "section"),
                "use payout: to add it to a payout, or unit: points",
            )
        if adj.unit == "points" and adj.payout is not None:
            ctx.error(
                "adjustment-unit", "points cannot go into a payout", (*path, "payout"), "use unit: money, or section:"
            )
        if adj.share is not None and adj.counterpart is None:
            ctx.error("missing-key", "a shared cost needs 'counterpart' (who bears the rest)", path)
        pop = ctx.scheme.population
        declared = pop.relations() if pop is not None else {}
        self._check_missing(ctx, adj, path, declared)
        if adj.share is not None and adj.counterpart in RELATION_SCOPES.values() and adj.counterpart not in declared:
            ctx.error(
                "undeclared-relation",
                f"counterpart {adj.counterpart!r} is charged through population.{adj.counterpart}, "
                "which the scheme does not declare",
                (*path, "counterpart"),
                f"declare population: {{{adj.counterpart}: <the column holding each employee's "
                f"{adj.counterpart}'s id>}}",
            )

    def _check_missing(self, ctx: Context, adj: Penalty | Bonus, path: tuple[str, str], declared: object) -> None:
        # Who bears the rest when an employee's relation cell is empty: only a relation can be empty.
        if adj.no_counterpart != "error" and (adj.share is None or adj.counterpart not in RELATION_SCOPES.values()):
            ctx.error(
                "no-counterpart-rule",
                "no_counterpart applies to a shared cost whose counterpart is a relation (manager, mentor)",
                (*path, "no_counterpart"),
                "remove no_counterpart, or give share: and counterpart: manager",
            )
        if (adj.no_counterpart == "charge") != (adj.charge_to is not None):
            ctx.error(
                "no-counterpart-rule",
                "charge_to names who bears the rest when the counterpart is missing, and goes with "
                "no_counterpart: charge",
                (*path, "charge_to" if adj.charge_to is not None else "no_counterpart"),
                "write no_counterpart: charge and charge_to: <an employee id>, or no_counterpart: keep",
            )

    def _gross(self, ctx: Context, adj: Penalty | Bonus, path: tuple[str, str]) -> Node:
        # The amount before any cap or share.
        if adj.occurrences is not None:
            occ = Ref(ctx.keys.get(adj.occurrences, adj.occurrences), LIST)
            lookup = ctx.lookups.get((*path, "tiers"))
            if lookup is not None:
                mapped = Apply(lookup.fn, (occ,), LIST, f"table_{adj.name}", "[{fn}(x) for x in {0}]")
                items = fact("amounts", mapped)
                return Apply(_sum_list, (items,), NUM, "sum", "_sum({0}, {zero})")
            if adj.amount is not None:
                amount = ctx.const(adj.amount, f"amount_{adj.name}", path)
                return Apply(_times_count, (amount, occ), NUM, "times_count", "{0} * _D(_len({1}))")
            return Apply(_sum_list, (occ,), NUM, "sum", "_sum({0}, {zero})")
        count = fact("count", ctx.node((*path, "count"))) if adj.count is not None else None
        if adj.schedule is not None:
            total = schedule_total(adj.schedule)
            if adj.earlier is not None and count is not None:
                # P4 across periods: this period's occurrences are the (earlier+1)-th... on the schedule.
                before = fact("earlier", ctx.node((*path, "earlier")))
                return Apply(schedule_after(adj.schedule), (before, count), NUM, f"schedule_{adj.name}")
            return Apply(total, (count or ctx.const(_ONE, "one"),), NUM, f"schedule_{adj.name}")
        if count is None:
            return ctx.const(adj.amount if adj.amount is not None else _ONE, f"amount_{adj.name}", path)
        if adj.amount is None or adj.amount == 1:
            return count
        return Arith("*", count, ctx.const(adj.amount, f"amount_{adj.name}", path))

    def lower(self, ctx: Context, ref: StepRef, adj: Penalty | Bonus) -> Step:
        path = (self.collection, adj.name)
        guard = fact("applies", ctx.node((*path, "when"))) if adj.when is not None else None
        amount: Node = fact("gross", self._gross(ctx, adj, path))
        if adj.cap is not None:
            low = -adj.cap if isinstance(adj, Bonus) and adj.signed else None
            amount = Clamp(amount, low, adj.cap, origin=Origin(path))
        zero: Node = Const(_ZERO, NUM, "zero")
        if adj.unit == "money":  # money shows its places (10.00), however it was counted
            places = ctx.scheme.money.places
            amount, zero = at_places(amount, places), zero_at(places)
        if adj.share is None:
            return Step(ref, self.kind, ((adj.name, amount),), adj, guard=guard, otherwise=(zero,))
        own: Node = Arith("*", amount, ctx.const(adj.share, f"share_{adj.name}", path))
        if adj.unit == "money":
            own = Round(own, ctx.scheme.money)
        relation = charged_to(ctx.scheme, adj)
        if relation is not None and adj.no_counterpart == "keep":
            # Nobody to share with: the employee bears the whole cost, so nothing is lost.
            named = Apply(_named, (Ref(f"{relation}.id", TEXT),), BOOL, f"has_{relation}")
            own = Choice(named, own, amount, NUM, Origin(path))
        outputs = ((adj.name, own), (f"{adj.name}.whole", amount))
        return Step(ref, self.kind, outputs, adj, guard=guard, otherwise=(zero, zero))

    def explain(self, ex: Explaining, ref: StepRef, adj: Penalty | Bonus) -> Line:
        name, traced, env = adj.name, ex.facts(ref), ex.env
        facts: dict[str, Any] = {"unit": adj.unit, "sign": "-" if isinstance(adj, Penalty) else "+"}
        if adj.unit == "money":
            facts["places"] = ex.scheme.money.places  # how many places its amounts are shown with
        when = scheme_when(ex.scheme, adj)
        if when is not None:  # only a gate the engine added for a hold: the result tells whether it held
            facts.update(when=when, applies=bool(traced["applies"]))
        if facts.get("applies", True):
            if adj.occurrences is not None:
                values = env.get(f"metrics.{adj.occurrences}", env.get(adj.occurrences))  # shared: qualified
                amounts = traced.get("amounts") or [adj.amount if adj.amount is not None else v for v in values]
                facts["occurrences"] = list(zip(values, amounts, strict=True))
            else:
                facts["count"] = traced.get("count", _ONE)
                if adj.schedule is not None:
                    facts["schedule"] = list(adj.schedule)
                    if traced.get("earlier"):  # none counted earlier reads as the plain schedule
                        facts["earlier"] = traced["earlier"]
                else:
                    facts["amount"] = adj.amount if adj.amount is not None else _ONE
            facts["gross"] = traced["gross"]
            facts.update(limit_facts(ex.step(ref).limit(-1), traced["gross"]))
        if adj.share is not None:
            whole = env[f"{name}.whole"]
            facts.update(
                share=adj.share, counterpart=adj.counterpart, whole=whole, counterpart_amount=whole - env[name]
            )
            relation = charged_to(ex.scheme, adj)
            if relation is not None and env[f"{relation}.id"]:
                facts["charged_to"] = env[f"{relation}.id"]
            elif relation is not None and adj.no_counterpart == "charge":
                facts["charged_to"] = adj.charge_to
            elif relation is not None and adj.no_counterpart == "keep":
                facts["kept"] = True
        into = adj.into()
        facts["into"] = into[1] if into is not None else None
        reads = ex.reads(ref)
        if when != adj.when:  # the hold input the engine's gate reads is not the scheme's either
            reads = {k: v for k, v in reads.items() if k not in _hold_inputs(ex.scheme)}
        return Line(f"{ref[0]}.{name}", self.kind, name, adj.label, env[name], facts, reads)

    def render(self, w: Mapping[str, str], line: Line) -> str | None:
        f, it = dict(line.facts), what(line)
        money = f.get("places")  # money shows its places (10.00); counts and points do not
        if f.get("held"):  # added by the explanation from the result: held for approval (W2)
            return w["held"].format(what=it, held=number(f["held"], money), limit=number(f["held_over"], money))
        if f.get("applies") is False:
            # Without a condition of its own, only a hold (W2, told above from the result) closes an adjustment.
            return w["not_applied"].format(what=it, when=f["when"]) if "when" in f else None
        if "occurrences" in f:
            items = ", ".join(f"{number(v)}→{number(a, money)}" for v, a in f["occurrences"]) or w["none"]
            text = w["occurrences"].format(what=it, items=items, gross=number(f["gross"], money))
        elif "schedule" in f:
            text = w["continued" if "earlier" in f else "schedule"].format(
                what=it,
                count=number(f["count"]),
                schedule=number(f["schedule"], money),
                gross=number(f["gross"], money),
                earlier=number(f.get("earlier", 0)),
            )
        else:
            text = w["count"].format(
                what=it, count=number(f["count"]), amount=number(f["amount"], money), gross=number(f["gross"], money)
            )
        if "when" in f:
            text += w["applied"].format(when=f["when"])
        text += limits_text(w, f, money)
        if f.get("kept"):
            text += w["kept"].format(counterpart=f["counterpart"])
        elif "share" in f:
            text += w["share"].format(
                share=number(f["share"]),
                own=number(line.value, money),
                counterpart=f"{f['counterpart']} {f['charged_to']}" if "charged_to" in f else f["counterpart"],
                other=number(f["counterpart_amount"], money),
            )
        if f.get("into") and line.value:
            into = w["total"] if f["into"] == "score" else f["into"]  # the total score is ours to name
            text += w["deducted" if f["sign"] == "-" else "added"].format(into=into)
        # Added by the explanation from the result, not traced: why it was given (B7).
        if f.get("reason"):
            text += w["why"].format(reason=f["reason"])
        return text


PENALTIES, BONUSES = _Adjustments("penalties", "penalty"), _Adjustments("bonuses", "bonus")
