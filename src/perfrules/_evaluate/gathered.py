"""
Group values gathered while a stream's rows go by: per team, per relation and population-wide, kept per group.

A streamed plan (:mod:`.stream`) reads its rows once per stage.  A pass
before stage ``k`` hands each chunk's values to a :class:`Gathered` for the
group calls of stage ``k``; it keeps, per group (a team, the people naming
one mentor or manager, the whole population), only what each call needs:
a count, a sum added in employee order from 0, the largest (the last of
equal largest values, as a stable sort puts it) or smallest (the first), and
for ranks the members' values themselves.  The next pass reads each row's
values from them, exactly as :func:`~perfrules._evaluate.teams.team_values`
works them out over the whole population, since both add and compare the
same members in the same (employee) order.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from itertools import compress, groupby, repeat
from operator import itemgetter
from typing import Any

from .._compile import Plan
from .._formula import RELATION_SCOPES
from .inputs import Row
from .ranking import RANKED

__all__ = ["GROUPED", "Gathered", "gather_problem"]

_ZERO = Decimal(0)
#: The group functions gathered here (after the scope: ``team_avg``, ``all_max``, ``mentees_count``...).
GROUPED = ("avg", "sum", "count", "max", "min", "top", "share", "rank")


def gather_problem(plan: Plan) -> str | None:
    """
    Return why a group value of ``plan`` cannot be gathered while its rows stream by, or ``None``.
    """
    for stage in plan.stages:
        for function, *_ in stage.groups:
            scope, _, what = function.partition("_")
            if scope == "charges":
                continue
            if scope not in ("all", "team", *RELATION_SCOPES) or what not in GROUPED:
                return f"it reads the group value {function}()"
            if plan.scheme.ranking is not None and function.endswith(RANKED):
                return f"{function}() orders by the declared ranking"
    return None


class _Masks:
    # Whether each row of a chunk counts, by the positions that must all hold: worked out once per chunk.
    def __init__(self) -> None:
        self.found: dict[tuple[int, ...], list[bool]] = {}
        self.groups: dict[tuple[int, tuple[int, ...]], tuple[list[bool], list[str], list[tuple[str, int, int]]]] = {}

    def of(self, counted: tuple[int, ...], outs: Sequence[tuple[Any, ...]]) -> list[bool]:
        mask = self.found.get(counted)
        if mask is None:
            if not counted:
                mask = [True] * len(outs)
            elif len(counted) == 1:
                (a,) = counted
                mask = [bool(v[a]) for v in outs]
            elif len(counted) == 2:  # the usual case: assessed and eligible
                a, b = counted
                mask = [bool(v[a] and v[b]) for v in outs]
            else:
                mask = [all(v[c] for c in counted) for v in outs]
            self.found[counted] = mask
        return mask

    def runs(
        self, keys: Sequence[str], counted: tuple[int, ...], outs: Sequence[tuple[Any, ...]]
    ) -> tuple[list[bool], list[str], list[tuple[str, int, int]]]:
        # The rows that count (a row naming no group counts nowhere), their groups in employee order, and
        # the runs of one group among them: (group, start, end). Rows of one team mostly come together, so
        # a call adds a run at a time. Shared by the calls with the same keys (one list per chunk) and mask.
        which = (id(keys), counted)
        found = self.groups.get(which)
        if found is None:
            mask = self.of(counted, outs)
            if not all(keys):
                mask = [bool(k and ok) for k, ok in zip(keys, mask, strict=True)]
            ks = list(compress(keys, mask))
            bounds, start = [], 0
            for k, run in groupby(ks):
                end = start + len(list(run))
                bounds.append((k, start, end))
                start = end
            found = self.groups[which] = (mask, ks, bounds)
        return found


class _Call:
    # One group call: which members it counts, and per group what it keeps.
    def __init__(self, plan: Plan, call: tuple[str, ...]) -> None:
        function, argument, condition, over = call
        self.scope, _, self.what = function.partition("_")
        self.relation = RELATION_SCOPES.get(self.scope)
        if self.scope == "charges":
            self.relation = function.split("_", 1)[1]
            self.own_at, self.whole_at = plan.index[argument], plan.index[f"{argument}.whole"]
            adj = next(a for a in plan.scheme.adjustments() if a.name == argument)
            self.instead = adj.charge_to if adj.no_counterpart == "charge" else None
            self.totals: dict[str, Decimal] = {}
            return
        self.at = plan.index[argument]
        # Unless a call says whom it is over, relation calls count the assessed, the others the eligible.
        over = over or ("assessed" if self.relation is not None else "eligible")
        wanted = {"everyone": (), "assessed": (plan.assessed,), "eligible": (plan.assessed, plan.eligible)}[over]
        self.counted = tuple(k for k in wanted if k is not None)
        if condition:
            self.counted += (plan.index[condition],)
        self.n: Counter[str] = Counter()
        self.total: dict[str, Decimal] = {}
        self.best: dict[str, Decimal] = {}
        self.members: dict[str, list[Decimal]] = {}
        self.counts: dict[str, Decimal] = {}

    def add(self, keys: Sequence[str], outs: Sequence[tuple[Any, ...]], masks: _Masks) -> None:
        # keys[i]: the group row i counts in ("" for none).
        if self.scope == "charges":
            totals, own_at, whole_at, instead = self.totals, self.own_at, self.whole_at, self.instead
            for named, v in zip(keys, outs, strict=True):
                boss = named or instead
                if boss:
                    totals[boss] = totals.get(boss, _ZERO) + (v[whole_at] - v[own_at])
            return
        at, what = self.at, self.what
        # The counted members' groups and values, in employee order, a run of one group at a time: a sum
        # adds the run's values to the group's total one by one, in the same order as value by value.
        counted, ks, bounds = masks.runs(keys, self.counted, outs)
        if what in ("count", "avg"):
            self.n.update(ks)
        if what == "count":
            return
        xs = list(compress(map(itemgetter(at), outs), counted))
        if what in ("sum", "avg", "share"):
            total = self.total
            for k, i, j in bounds:
                total[k] = sum(xs[i:j], total.get(k, _ZERO))
        elif what in ("max", "top"):
            best = self.best
            for k, i, j in bounds:
                x = max(reversed(xs[i:j]))  # the last of the run's equal largest values
                b = best.get(k)
                if b is None or not x < b:  # the last of equal largest values
                    best[k] = x
        elif what == "min":
            best = self.best
            for k, i, j in bounds:
                x = min(xs[i:j])  # the first of the run's equal smallest values
                b = best.get(k)
                if b is None or x < b:  # the first of equal smallest values
                    best[k] = x
        elif what == "rank":
            members = self.members
            for k, i, j in bounds:
                members.setdefault(k, []).extend(xs[i:j])

    def finish(self) -> None:
        if self.scope == "charges":
            return
        for values in self.members.values():
            values.sort()
        if self.what == "avg":
            self.total = {k: t / self.n[k] for k, t in self.total.items()}
        # Once, not for every chunk of the next pass: a count of every team or person named is large.
        self.counts = {k: Decimal(c) for k, c in self.n.items()} if self.what == "count" else {}

    def column(self, keys: Sequence[str], outs: Sequence[tuple[Any, ...]], masks: _Masks) -> list[Any]:
        # keys[i]: the group row i reads (a team, the employee's own id, "*").
        what = self.what
        if self.scope == "charges":
            return [self.totals.get(k, _ZERO) for k in keys]
        if what == "count":
            return list(map(self.counts.get, keys, repeat(_ZERO)))
        if what in ("sum", "avg"):
            return list(map(self.total.get, keys, repeat(_ZERO)))
        if what in ("max", "min"):
            return list(map(self.best.get, keys, repeat(_ZERO)))
        at = self.at
        if what == "top":  # counted, and no member above one's own value
            best = self.best
            return [
                ok and ((b := best.get(k)) is None or not b > v[at])
                for k, v, ok in zip(keys, outs, masks.of(self.counted, outs), strict=True)
            ]
        if what == "share":
            out = []
            for k, v in zip(keys, outs, strict=True):
                t = self.total.get(k, _ZERO)
                out.append(v[at] / t if t else _ZERO)
            return out
        empty: list[Decimal] = []
        ranks = []
        for k, v in zip(keys, outs, strict=True):  # 1 + how many members are above one's own value
            members = self.members.get(k, empty)
            ranks.append(Decimal(1 + len(members) - bisect_right(members, v[at])))
        return ranks


class Gathered:
    """
    The group values of one stage, gathered chunk by chunk over a pass; then read for each row of the next.
    """

    def __init__(self, plan: Plan, groups: Sequence[tuple[str, ...]]) -> None:
        """
        Gather the values of ``groups`` (a stage's group calls) of ``plan``.
        """
        self.calls = [_Call(plan, call) for call in groups]
        self.team = plan.team_column
        pop = plan.scheme.population
        self.columns = pop.relations() if pop is not None else {}
        #: The output positions the calls read (what a pass before the stage must compute).
        self.wanted = {k for c in self.calls for k in _positions(c)}

    def _keys(self, call: _Call, rows: Sequence[Row], adding: bool, found: dict[Any, list[str]]) -> list[str]:
        # Worked out once per chunk for the calls that share them (``found``).
        which = (call.relation, call.scope == "team")
        keys = found.get(which)
        if keys is None:
            keys = found[which] = self._make_keys(call, rows, adding)
        return keys

    def _make_keys(self, call: _Call, rows: Sequence[Row], adding: bool) -> list[str]:
        if call.relation is not None:
            if not adding:
                return [r.employee for r in rows]
            column = self.columns[call.relation]
            return [r.text.get(column, "").strip() for r in rows]
        if call.scope == "team" and self.team is not None:
            team = self.team
            return [r.text[team] for r in rows]
        return ["*"] * len(rows)

    def add(self, rows: Sequence[Row], outs: Sequence[tuple[Any, ...]]) -> None:
        """
        Count the rows of one chunk (in employee order) with their values so far.
        """
        masks = _Masks()
        found: dict[Any, list[str]] = {}
        for call in self.calls:
            call.add(self._keys(call, rows, True, found), outs, masks)

    def finish(self) -> None:
        """
        Work out what is the same for every member of a group, once every row was added.
        """
        for call in self.calls:
            call.finish()

    def values(self, rows: Sequence[Row], outs: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """
        Return each row's group values, in the stage's ``groups`` order.
        """
        masks: _Masks = _Masks()
        found: dict[Any, list[str]] = {}
        columns = [call.column(self._keys(call, rows, False, found), outs, masks) for call in self.calls]
        return list(zip(*columns, strict=True)) if columns else [() for _ in rows]


def _positions(call: _Call) -> tuple[int, ...]:
    if call.scope == "charges":
        return (call.own_at, call.whole_at)
    return (call.at, *call.counted)
