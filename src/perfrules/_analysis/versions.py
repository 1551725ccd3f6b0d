"""
What-if: score the same people under two versions of a scheme, writing nothing, and compare.

Per employee (and period) it reports the change of the score and of every payout, the grade and flag
changes, totals of the changes by team and grade, and the largest changes with both explanations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs

from .._compile import Plan, compile_scheme
from .._evaluate import Result, score
from .._explain import explain, render_text
from .._model import Period, Scheme

__all__ = ["Delta", "WhatIf", "recorded", "whatif"]

_ZERO = Decimal(0)


@attrs.frozen
class Delta:
    """
    One employee in one period under both versions: amounts, grades and flags before and after.

    ``amount`` is the value the report ranks and charts by (``WhatIf.amount``); a value one version
    lacks is ``None`` there.
    """

    period: str | None
    employee: str
    team: str | None
    old: Mapping[str, Decimal | None]
    new: Mapping[str, Decimal | None]
    old_grade: str | None
    new_grade: str | None
    old_flags: tuple[str, ...]
    new_flags: tuple[str, ...]
    amount_old: Decimal | None
    amount_new: Decimal | None
    old_explanation: str = ""
    new_explanation: str = ""

    @property
    def change(self) -> Decimal:
        """The change of the ranked amount (a missing side counts as 0)."""
        return (self.amount_new or _ZERO) - (self.amount_old or _ZERO)

    @property
    def changes(self) -> dict[str, Decimal]:
        """Every value that changed, new minus old (a missing side counts as 0)."""
        names = dict.fromkeys([*self.old, *self.new])
        out = {n: (self.new.get(n) or _ZERO) - (self.old.get(n) or _ZERO) for n in names}
        return {n: d for n, d in out.items() if d != 0}

    def to_dict(self) -> dict[str, Any]:
        """Return the delta as JSON-ready data (numbers as strings)."""
        return {
            "period": self.period,
            "employee": self.employee,
            "team": self.team,
            "amount": {"old": _s(self.amount_old), "new": _s(self.amount_new), "change": str(self.change)},
            "changes": {n: str(d) for n, d in self.changes.items()},
            "grade": {"old": self.old_grade, "new": self.new_grade},
            "flags": {"old": list(self.old_flags), "new": list(self.new_flags)},
        }


def _s(x: Decimal | None) -> str | None:
    return None if x is None else str(x)


@attrs.frozen
class WhatIf:
    """
    The comparison of two scheme versions over the same rows: see :func:`whatif`.
    """

    old_name: str
    new_name: str
    amount: str
    deltas: tuple[Delta, ...]
    largest: tuple[Delta, ...]
    notes: tuple[str, ...] = ()
    """What a reader must know to read the totals (amounts compared before approval holds)."""

    def totals(self, key: str) -> list[tuple[str, Decimal, Decimal, int]]:
        """Return ``(group, old total, new total, people)`` of the ranked amount by ``team`` or ``grade``."""
        groups: dict[str, list[Delta]] = {}
        for d in self.deltas:
            group = d.team if key == "team" else d.new_grade
            groups.setdefault(group or "-", []).append(d)
        return [
            (
                g,
                sum((d.amount_old or _ZERO for d in ds), _ZERO),
                sum((d.amount_new or _ZERO for d in ds), _ZERO),
                len(ds),
            )
            for g, ds in sorted(groups.items())
        ]

    @property
    def regraded(self) -> tuple[Delta, ...]:
        """The people whose grade or flags change."""
        return tuple(d for d in self.deltas if d.old_grade != d.new_grade or d.old_flags != d.new_flags)

    @property
    def total_old(self) -> Decimal:
        """The ranked amount summed over everyone under the old version."""
        return sum((d.amount_old or _ZERO for d in self.deltas), _ZERO)

    @property
    def total_new(self) -> Decimal:
        """The ranked amount summed over everyone under the new version."""
        return sum((d.amount_new or _ZERO for d in self.deltas), _ZERO)

    def to_dict(self) -> dict[str, Any]:
        """Return the whole comparison as JSON-ready data."""
        return {
            "old": self.old_name,
            "new": self.new_name,
            "amount": self.amount,
            "total": {
                "old": str(self.total_old),
                "new": str(self.total_new),
                "change": str(self.total_new - self.total_old),
            },
            "by_team": [_total(t) for t in self.totals("team")],
            "by_grade": [_total(t) for t in self.totals("grade")],
            "changed_grade_or_flags": [d.to_dict() for d in self.regraded],
            "largest": [
                {**d.to_dict(), "explanations": {"old": d.old_explanation, "new": d.new_explanation}}
                for d in self.largest
            ],
            "employees": [d.to_dict() for d in self.deltas],
            "notes": list(self.notes),
        }

    def render_text(self) -> str:
        """Return the comparison as text: totals, groups, grade and flag changes, the largest changes."""
        change = self.total_new - self.total_old
        lines = [
            f"what-if: {self.old_name} -> {self.new_name}, by {self.amount}",
            f"{len(self.deltas)} employee-period(s): total {self.total_old} -> {self.total_new} ({_signed(change)})",
            *(f"note: {n}" for n in self.notes),
        ]
        for key in ("team", "grade"):
            lines.append(f"by {key}:")
            lines += [
                f"  {g:<12} {o:>14} -> {n:>14}  {_signed(n - o):>12}  {k} people" for g, o, n, k in self.totals(key)
            ]
        lines.append("grade or flag changes:" if self.regraded else "grade or flag changes: none")
        for d in self.regraded:
            who = f"{d.employee}" + (f" ({d.period})" if d.period else "")
            flags = "" if d.old_flags == d.new_flags else f"; flags {list(d.old_flags)} -> {list(d.new_flags)}"
            lines.append(f"  {who}: grade {d.old_grade} -> {d.new_grade}{flags}")
        lines.append("largest changes:")
        for d in self.largest:
            who = f"{d.employee}" + (f" ({d.period})" if d.period else "")
            lines += [f"  {who}: {self.amount} {d.amount_old} -> {d.amount_new} ({_signed(d.change)})"]
            lines += ["    old: " + t for t in d.old_explanation.splitlines()]
            lines += ["    new: " + t for t in d.new_explanation.splitlines()]
        lines.append("per employee:")
        for d in self.deltas:
            who = f"{d.employee}" + (f" ({d.period})" if d.period else "")
            lines.append(f"  {who:<20} {d.amount_old!s:>14} -> {d.amount_new!s:>14}  {_signed(d.change):>12}")
        return "\n".join(lines)


def _total(t: tuple[str, Decimal, Decimal, int]) -> dict[str, Any]:
    return {"group": t[0], "old": str(t[1]), "new": str(t[2]), "change": str(t[2] - t[1]), "people": t[3]}


def _signed(x: Decimal) -> str:
    return f"+{x}" if x > 0 else str(x)


def _plan(s: Scheme | Plan) -> Plan:
    return s if isinstance(s, Plan) else compile_scheme(s)


def _amount(old: Plan, new: Plan, amount: str | None) -> str:
    if amount is not None:
        return amount
    # The last payout both versions declare: a scheme usually lists its total last.
    both = [p.name for p in new.scheme.payouts if p.name in old.index]
    return both[-1] if both else "score"


def _numbers(r: Result, plan: Plan) -> dict[str, Decimal | None]:
    values = r.values
    names = ["score", *(p.name for p in plan.scheme.payouts)]
    return {n: values.get(n) for n in names if n in values}


#: Said wherever amounts over an approval threshold are compared as the scheme computes them.
HOLDS_NOTE = (
    "amounts over an approval threshold are compared as computed, before any hold: "
    "what was paid (held until approved) may be less"
)


def whatif(
    old: Scheme | Plan,
    new: Scheme | Plan,
    batches: Iterable[tuple[str | Period | None, Sequence[Mapping[str, Any]]]],
    *,
    amount: str | None = None,
    largest: int = 5,
    id_column: str = "employee_id",
    history: Any = None,
    no_history: bool = False,
) -> WhatIf:
    """
    Score each batch of rows (one per period) under ``old`` and ``new`` and compare; nothing is written.

    ``amount`` names the value to rank and chart by (default: the last payout both declare, else the
    score).  The ``largest`` changes carry both explanations.  Bad rows raise :class:`InputError`, as
    scoring does.  With ``history`` (a ledger, or any history source) history rules read earlier
    periods from it, under both versions.  A scheme that reads history and has no source is refused
    (``history-required``) unless ``no_history`` asks to score each period on its own.
    """
    p_old, p_new = _plan(old), _plan(new)
    name = _amount(p_old, p_new, amount)
    deltas: list[Delta] = []
    traced: dict[tuple[str | None, str], tuple[Result, Result]] = {}
    for period, batch in batches:
        rows = list(batch)
        # A scheme that reads history needs a source, as for scoring: without one (and without
        # no_history, which says so) scoring refuses rather than compare numbers history would change.
        a, b = (
            score(
                p, rows, period=period, id_column=id_column, trace=True, history=history, no_history=no_history
            ).by_employee()
            for p in (p_old, p_new)
        )
        teams = {str(r.get(id_column)): r.get(p_new.team_column or "") for r in rows}
        for emp in sorted(set(a) | set(b)):
            ra, rb = a.get(emp), b.get(emp)
            label = period.label if isinstance(period, Period) else period
            olds = _numbers(ra, p_old) if ra else {}
            news = _numbers(rb, p_new) if rb else {}
            team = teams.get(emp)
            deltas.append(
                Delta(
                    label,
                    emp,
                    None if team in (None, "") else str(team),
                    olds,
                    news,
                    ra.grade if ra else None,
                    rb.grade if rb else None,
                    tuple(sorted(f.name for f in ra.flags)) if ra else (),
                    tuple(sorted(f.name for f in rb.flags)) if rb else (),
                    olds.get(name),
                    news.get(name),
                )
            )
            if ra is not None and rb is not None:
                traced[(label, emp)] = (ra, rb)
    top = sorted((d for d in deltas if d.change != 0), key=lambda d: (-abs(d.change), d.period or "", d.employee))
    explained = []
    for d in top[:largest]:
        pair = traced.get((d.period, d.employee))
        texts = (
            ("", "") if pair is None else (render_text(explain(p_old, pair[0])), render_text(explain(p_new, pair[1])))
        )
        explained.append(attrs.evolve(d, old_explanation=texts[0], new_explanation=texts[1]))
    notes: tuple[str, ...] = ()
    if any(a.approval_over is not None for p in (p_old, p_new) for a in p.scheme.adjustments()):
        notes = (HOLDS_NOTE,)
    return WhatIf(_title(p_old.scheme), _title(p_new.scheme), name, tuple(deltas), tuple(explained), notes)


def recorded(ledger: Any, periods: Sequence[str], scheme: str | None = None) -> list[tuple[str, list[dict[str, Any]]]]:
    """
    Return ``(period, rows)`` for each period as recorded in ``ledger``: each employee's recorded inputs.

    Only the inputs are recorded, not population columns (teams, dates, roles): a scheme that reads
    those cannot be replayed this way, and scoring says which column is missing.
    """
    out = []
    for period in periods:
        stored = ledger.load(period, scheme=scheme)
        out.append((period, [{"employee_id": emp, **data.get("inputs", {})} for emp, data in sorted(stored.items())]))
    return out


def _title(s: Scheme) -> str:
    return f"{s.name} (version {s.version})"
