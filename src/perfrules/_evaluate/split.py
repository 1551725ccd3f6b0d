"""
Scoring a population in parts: group values worked out over all parts, then each part scored with them.

A team or population-wide value (``all_max(score)``, ``team_avg(score)``, a
rank, a forced distribution) depends on people in other parts.  So a part
is scored in passes: :func:`collect_part` scores it up to the first group
values not yet known and returns its share of them (an :class:`Aggregate`
per call and team, or its graded people); :meth:`PopulationValues.combine`
adds the shares of all parts up; and when :meth:`PopulationValues.complete`,
:func:`score_part` scores each part with the values of the whole.

Every share is exact and combines to what the whole population gives the
row engine: counts add; sums are added exactly (and refused, ``split-inexact``,
where members in several parts have a sum past 28 significant digits: the row
engine rounds it as it adds them one by one, so the parts' sums added up could
differ; a team or population held whole by one part keeps the row engine's own
sum); a maximum is the greatest value, the last by employee id among equal ones
(``80`` and ``80.0``), a minimum the least, the first among equal ones, as
the row engine's stable sort has them; ranks keep the sorted values; the
forced distribution is decided over all graded people in employee order.
What cannot be split exactly is refused before anything is scored
(``split-unsupported``): values over mentors and managers, costs charged to
them, relations, and ranks, tops and quotas under a declared ranking.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_EVEN, Context, Decimal, localcontext
from typing import Any

import attrs

from .._compile import CONTEXT, Plan, Stage
from .._errors import CompileError, Issue
from .._formula import RELATION_SCOPES, group_name
from .distribution import distribute
from .engine import score
from .given import given
from .population import Results
from .results import Result

__all__ = ["Aggregate", "PopulationValues", "counted", "missing", "require_split", "score_part", "split_issues"]

_ZERO = Decimal(0)
_EXACT = Context(prec=MAX_PREC, rounding=ROUND_HALF_EVEN, Emax=MAX_EMAX, Emin=MIN_EMIN)
_DIGITS = 28  # the row engine's precision: its partial sums are exact below 10**28 units


@attrs.frozen
class Aggregate:
    """
    One group value's members in one team (or the whole population), as much of them as the value needs.

    ``total`` is their exact sum, ``spread`` the sum of their sizes and ``exponent``
    the least exponent among them and 0; ``least`` and ``most`` are ``(value, employee)``;
    ``ordered`` holds every value sorted, for ranks only.  ``rounded`` is the
    row engine's own sum (added one by one in 28 digits, in employee-id order)
    while the members are one part's; merged shares of several parts have none.
    """

    count: int = 0
    total: Decimal = _ZERO
    spread: Decimal = _ZERO
    exponent: int = 0
    least: tuple[Decimal, str] | None = None
    most: tuple[Decimal, str] | None = None
    ordered: tuple[Decimal, ...] | None = None
    rounded: Decimal | None = None

    @classmethod
    def of(cls, members: Sequence[tuple[Decimal, str]], ranked: bool) -> Aggregate:
        """Return the aggregate of ``(value, employee)`` members."""
        values = [v for v, _ in members]
        with localcontext(_EXACT):
            total, spread = sum(values, _ZERO), sum((abs(v) for v in values), _ZERO)
        with localcontext(CONTEXT):  # members come in employee-id order, as the row engine adds them
            rounded = sum(values, _ZERO)
        return cls(
            len(values),
            total,
            spread,
            min([0, *(int(v.as_tuple().exponent) for v in values)]),
            min(members) if members else None,
            max(members) if members else None,
            tuple(sorted(values)) if ranked else None,
            rounded,
        )

    def merge(self, other: Aggregate) -> Aggregate:
        """Return the aggregate of both parts' members."""
        with localcontext(_EXACT):
            total, spread = self.total + other.total, self.spread + other.spread
        ordered = None
        if self.ordered is not None and other.ordered is not None:
            ordered = tuple(sorted(self.ordered + other.ordered))
        return Aggregate(
            self.count + other.count,
            total,
            spread,
            min(self.exponent, other.exponent),
            min(x for x in (self.least, other.least) if x is not None) if self.count + other.count else None,
            max(x for x in (self.most, other.most) if x is not None) if self.count + other.count else None,
            ordered,
        )

    def value(self, function: str, own: Any, counted: bool) -> Decimal | bool:
        """Return the group value for a member whose own value is ``own``, as the row engine's ``aggregate``."""
        op, n = function.split("_", 1)[1], self.count
        # One part's members: the row engine's sum, rounded or not; several parts': the exact sum,
        # which combine() has checked no partial sum of the row engine could have rounded.
        total = self.total if self.rounded is None else self.rounded
        if op == "count":
            return Decimal(n)
        if op == "sum":
            return total
        if op == "avg":
            return total / n if n else _ZERO
        if op == "min":
            return self.least[0] if self.least is not None else _ZERO
        if op == "max":
            return self.most[0] if self.most is not None else _ZERO
        if op == "share":
            return own / total if total else _ZERO
        if op == "top":
            return counted and (self.most is None or own >= self.most[0])
        assert op == "rank" and (self.ordered is not None or not n)
        return Decimal(1 + n - bisect_right(self.ordered or (), own))


_EMPTY = Aggregate()
_PERSONAL = ("share", "top", "rank")  # group values that depend on the member's own value too
_SUMMED = ("sum", "avg", "share")  # group values that read the members' sum


@attrs.frozen
class PopulationValues:
    """
    The group values of a whole population, known so far, for scoring it in parts (see :func:`score_part`).

    ``groups`` holds each group value's aggregates by team (``"*"`` for the whole
    population); ``moves`` the forced distribution's changed grades and notes by
    employee, once it has been decided.  Combine the parts' shares with :meth:`combine`.
    """

    groups: Mapping[str, Mapping[str, Aggregate]] = attrs.field(factory=dict)
    moves: Mapping[str, tuple[str | None, str]] | None = None
    graded: tuple[tuple[str, str | None, Decimal, str], ...] | None = None

    def needs(self, plan: Plan) -> int | None:
        """Return the first stage whose group values are missing, ``len(plan.stages)`` for the quotas, or None."""
        for k, stage in enumerate(plan.stages):
            if any(group_name(*call) not in self.groups for call in stage.groups):
                return k
        grades = plan.scheme.grades
        if grades is not None and grades.distribution is not None and self.moves is None:
            return len(plan.stages)
        return None

    def complete(self, plan: Plan) -> bool:
        """Return whether every part can now be scored (:func:`score_part`)."""
        return self.needs(plan) is None

    def combine(self, plan: Plan, parts: Iterable[PopulationValues]) -> PopulationValues:
        """Return these values with the shares of every part (from :func:`collect_part`) added up."""
        groups = {name: dict(teams) for name, teams in self.groups.items()}
        graded: list[tuple[str, str | None, Decimal, str]] = []
        fresh: dict[str, dict[str, Aggregate]] = {}
        for part in parts:
            graded += part.graded or ()
            for name, teams in part.groups.items():
                if name in groups:
                    continue
                into = fresh.setdefault(name, {})
                for team, agg in teams.items():
                    into[team] = into[team].merge(agg) if team in into else agg
        for name, teams in fresh.items():
            for agg in teams.values():
                _exact(name, agg)
        groups.update(fresh)
        moves = self.moves
        if moves is None and self.needs(plan) == len(plan.stages):
            moves = _moves(plan, graded)
        return PopulationValues(groups, moves)

    def team_values(
        self, plan: Plan, stage: Stage, teams: Sequence[str], values: Sequence[tuple[Any, ...]], ids: Sequence[str]
    ) -> list[tuple[Any, ...]]:
        """Return each employee's values of ``stage.groups`` from the whole population's aggregates."""
        columns = []
        for call in stage.groups:
            found = self.groups.get(group_name(*call))
            if found is None:
                raise missing(call)
            at, who = plan.index[call[1]], counted(plan, call, values)
            scoped = call[0].startswith("team_")
            columns.append(
                [
                    found.get(team if scoped else "*", _EMPTY).value(call[0], v[at], ok)
                    for team, v, ok in zip(teams, values, who, strict=True)
                ]
            )
        return [tuple(col[i] for col in columns) for i in range(len(values))]

    def group_values(self, plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int, teams: Any) -> Any:
        """
        Return the column of a group value for the columnar engine, from the whole population's aggregates.

        ``teams`` holds each row's team (a list or a polars Series; ``None``: one team
        of everyone).  Each row gets what :meth:`team_values` gives the row engine.
        """
        import polars as pl

        from .fixed import const, from_decimals

        found = self.groups.get(group_name(*call))
        if found is None:
            raise missing(call)
        op = call[0].split("_", 1)[1]
        scoped = not call[0].startswith("all_")
        if not scoped and op not in _PERSONAL:  # one value for everyone
            value = found.get("*", _EMPTY).value(call[0], _ZERO, False)
            assert isinstance(value, Decimal)
            return const(value, n)
        keys = ["*"] * n if not scoped or teams is None else list(teams)
        ok = _mask(plan, call, env, n) if op == "top" else [False] * n
        own = env[call[1]].decimals() if op in _PERSONAL else [_ZERO] * n
        got = [found.get(key, _EMPTY).value(call[0], v, c) for key, v, c in zip(keys, own, ok, strict=True)]
        if op == "top":
            return pl.Series(got, dtype=pl.Boolean)
        numbers = [v for v in got if isinstance(v, Decimal)]
        assert len(numbers) == n
        return from_decimals(numbers)

    def distributed(self, plan: Plan, results: list[Result], rows: list[Any]) -> list[Result]:
        """Return the results regraded as the forced distribution over the whole population says."""
        if self.moves is None:
            raise missing(("distribution",))
        out = list(results)
        for k, r in enumerate(results):
            moved = self.moves.get(r.employee)
            if moved is not None:
                out[k] = r.regraded(*moved)
        return out


def missing(call: tuple[str, ...]) -> CompileError:
    """
    Return the error for a part scored without the group value ``call`` (or the distribution) given.
    """
    what = "the forced distribution" if call == ("distribution",) else f"the group value {group_name(*call)}"
    return CompileError(
        [Issue("split-unsupported", f"{what} is not among the population values given", ())],
        "a part was scored without all the population values it needs; nothing was scored",
    )


def _exact(name: str, agg: Aggregate) -> None:
    # The row engine adds members one by one in 28 digits, in employee-id order: every partial sum is
    # exact (and so equal to this exact total) while the sum of sizes stays below 10**28 units of the
    # least exponent.  Past that it may round, and only a sum of one part's members is then the same.
    # A count, maximum, minimum, rank or top reads no sum.
    op = name.split("__", 1)[0].split("_", 1)[1]
    if op not in _SUMMED or agg.rounded is not None:
        return
    if agg.spread >= Decimal(1).scaleb(_DIGITS + agg.exponent):
        team = not name.startswith("all_")
        raise CompileError(
            [
                Issue(
                    "split-inexact",
                    f"{name}: the sum of {'a team' if team else 'the population'} whose members are in more than "
                    f"one part needs more than {_DIGITS} significant digits; scored in one process it is rounded "
                    f"to {_DIGITS} digits as each member is added, in employee-id order, so the parts' sums "
                    "added up could give another number",
                    ("groups", name),
                    hint="put every member of a team in the same part, or score this population in one part"
                    if team
                    else "score this population in one part",
                )
            ],
            "a population-wide sum cannot be split exactly; nothing was scored",
        )


def counted(plan: Plan, call: tuple[str, ...], values: Sequence[tuple[Any, ...]]) -> list[bool]:
    """
    Return whether each employee counts in the group value ``call`` (over=, assessed, eligible, its condition).
    """
    over = call[3] if len(call) > 3 and call[3] else "eligible"
    wanted = {"everyone": (), "assessed": (plan.assessed,), "eligible": (plan.assessed, plan.eligible)}[over]
    spots = [at for at in wanted if at is not None]
    if len(call) > 2 and call[2]:
        spots.append(plan.index[call[2]])
    return [all(bool(v[at]) for at in spots) for v in values]


def _mask(plan: Plan, call: tuple[str, ...], env: dict[str, Any], n: int) -> list[bool]:
    over = call[3] if len(call) > 3 and call[3] else "eligible"
    wanted = {"everyone": (), "assessed": (plan.assessed,), "eligible": (plan.assessed, plan.eligible)}[over]
    names = [plan.outputs[at] for at in wanted if at is not None]
    if len(call) > 2 and call[2]:
        names.append(call[2])
    columns = [env[name].to_list() for name in names]
    return [all(c[i] for c in columns) for i in range(n)]


def _moves(plan: Plan, graded: list[tuple[str, str | None, Decimal, str]]) -> dict[str, tuple[str | None, str]]:
    # The row engine grades everyone in employee-id order: the same order, the same quotas and ties.
    grades = plan.scheme.grades
    assert grades is not None and grades.distribution is not None
    graded.sort(key=lambda g: g[0])
    order = [str(t.label) for t in grades.tiers if t.label is not None]
    moved = distribute(
        [g[1] for g in graded], [g[2] for g in graded], [g[3] for g in graded], order, grades.distribution
    )
    return {g[0]: (grade, note) for g, (grade, note) in zip(graded, moved, strict=True) if note is not None}


def split_issues(plan: Plan) -> list[Issue]:
    """
    Return every reason ``plan`` cannot be scored in parts exactly (empty when it can), each naming the element.
    """
    issues = []

    def refuse(path: tuple[str | int, ...], what: str) -> None:
        issues.append(
            Issue(
                "split-unsupported",
                f"{'.'.join(map(str, path)) or 'scheme'}: {what} cannot be worked out over parts of a population",
                path,
                hint="score this scheme over the whole population in one process",
            )
        )

    ranked = plan.scheme.ranking is not None
    for stage in plan.stages:
        for call in stage.groups:
            name, scope = group_name(*call), call[0].split("_", 1)[0]
            if scope in RELATION_SCOPES or scope == "charges":
                refuse(("groups", name), "a value over mentors or managers, or a cost charged to them,")
            elif ranked and call[0].endswith(("_rank", "_top")):
                refuse(("groups", name), "a rank or top under a declared ranking")
    pop = plan.scheme.population
    if pop is not None and pop.relations():
        refuse(("population",), "a relation between employees (mentor, manager)")
    grades = plan.scheme.grades
    if ranked and grades is not None and grades.distribution is not None:
        refuse(("grades", "distribution"), "a forced distribution under a declared ranking")
    return issues


def require_split(plan: Plan) -> None:
    """
    Raise :class:`CompileError` with every ``split-unsupported`` issue unless ``plan`` can be scored in parts.
    """
    issues = split_issues(plan)
    if issues:
        raise CompileError(issues, f"{plan.scheme.name!r} cannot be scored in parts; nothing was scored")


def score_part(plan: Plan, rows: Iterable[Mapping[str, Any]], population: PopulationValues, **options: Any) -> Results:
    """
    Score one part of a population with the group values of the whole (``population``, complete).

    ``options`` are :func:`perfrules.score`'s.  The results are the very results
    scoring the whole population in one go gives these employees.
    """
    require_split(plan)
    if not population.complete(plan):
        stage = population.needs(plan)
        assert stage is not None
        raise missing(("distribution",) if stage == len(plan.stages) else plan.stages[stage].groups[0])
    with given(population):
        return score(plan, rows, **options)
