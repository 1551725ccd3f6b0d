"""
Lint checks: things that are legal but probably wrong, reported as warnings.

Tier tables with unreachable bands or points that fall as the value gets
better (gaps and overlaps are errors: see :mod:`.tables`); weights that do not add up to 100; inputs nothing reads;
money penalties and bonuses no payout takes; fines taken off a payout capped by its own history.
(A cap below a floor is an error, found by each rule kind's own check.)
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from .._errors import Issue
from .._ir import Path
from .._kinds import amount_reads
from .._model import Scheme
from .analyse import Analysis
from .constraints import read_constraints
from .tables import table_findings

__all__ = ["lint"]


def _warn(code: str, message: str, path: Path, hint: str | None = None) -> Issue:
    return Issue(code, message, path, severity="warning", hint=hint)


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
    # A bonus's reason column and an input a constraint checks are read for a purpose.
    reasons = {b.reason for b in s.bonuses if b.reason} | {n for c in read_constraints(s) for n in c.names}
    for m in s.metrics:
        if m.formula is None and a.keys.get(m.name, m.name) not in a.used and m.name not in reasons:
            yield _warn(
                "unused-metric",
                f"metric {m.name!r} is read from the input but no rule uses it",
                ("metrics", m.name),
                "use it in a formula or remove it",
            )


def _unpaid(s: Scheme, a: Analysis) -> Iterator[Issue]:
    # Money with no ``payout:`` is reported and paid nowhere (unless a payout's amount reads it): legal, as a
    # figure kept for the record, but more often a forgotten line, and the pay then silently leaves it out.
    # Only a payout's value formula brings money into pay: a flag, a condition or a ``when:`` that reads it
    # only tests it.
    names = [p.name for p in s.payouts]
    paid = {name for p in names for name in amount_reads(a, p)}
    if len(names) == 1:
        where = f"add `payout: {names[0]}`"
    else:
        where = (
            f"name one of {', '.join(names)} with `payout:`" if names else "declare a payout, name it with `payout:`"
        )
    for collection, kind, items in (("penalties", "penalty", s.penalties), ("bonuses", "bonus", s.bonuses)):
        verb, act = ("taken off", "take it off") if kind == "penalty" else ("added to", "add it to")
        for adj in items:
            if adj.unit == "money" and adj.into() is None and adj.name not in paid:
                yield _warn(
                    "money-not-paid",
                    f"{kind} {adj.name!r} is money that no payout takes: it is reported, not {verb} any pay",
                    (collection, adj.name),
                    f"{where} to {act} that payout, or read it in a payout's formula (its amount)",
                )


def _call(fn: str, name: str, n: int) -> str:
    # A history call as written: ("prior_sum_year", "bonus", 0) is prior_sum(bonus, since=year).
    base, _, since = fn.rpartition("_")
    if since in ("year", "quarter", "half", "hire") and base:
        return f"{base}({name}, since={since})"
    return f"{fn}({name}, {n})"


def _paid_back(s: Scheme, a: Analysis) -> Iterator[Issue]:
    # A payout capped by its own history (``prior_sum(bonus, since=year)``) with a fine taken off it: each fine
    # leaves that much room under the cap, and a later month pays it back. Legal, rarely meant: the cap should
    # count a value before the fines (docs/how-to/history-rules.md).
    for p in s.payouts:
        fines = [adj.name for adj in s.penalties if adj.unit == "money" and adj.into() == ("payouts", p.name)]
        if not fines:
            continue
        own = a.formulas.get(("payouts", p.name, "formula"))
        read = [own] if own is not None else []
        read += [
            f
            for path, f in a.formulas.items()
            if len(path) == 3 and path[2] == "formula" and path[1] in amount_reads(a, p.name) and path[1] != p.name
        ]
        calls = sorted({_call(fn, name, n) for f in read for fn, name, n in f.history if name == p.name})
        if calls:
            yield _warn(
                "money-paid-back",
                f"payout {p.name!r} reads its own history ({', '.join(calls)}) and penalty "
                f"{', '.join(map(repr, fines))} is taken off it: a fine leaves room under that total, "
                "and a later period pays it back",
                ("payouts", p.name),
                "read the history of a value worked out before the fines (e.g. a capped amount the payout "
                "takes), not of the payout the fines are taken off",
            )


def lint(a: Analysis) -> list[Issue]:
    """
    Return every lint warning for the analysed scheme.
    """
    s = a.scheme
    out: list[Issue] = []
    out.extend(i for i in table_findings(s) if i.severity == "warning")
    out.extend(_weights(s))
    out.extend(_unused(s, a))
    out.extend(_unpaid(s, a))
    out.extend(_paid_back(s, a))
    return out
