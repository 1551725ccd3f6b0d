"""
Forced distribution of grades (G2): quotas applied once everyone has a grade by band.

People are ranked by the graded value (best first) within each group (the
whole population, or each team).  ``at_most`` quotas are applied from the best
grade down: beyond its head count, the lowest-ranked holders of a grade move
one grade down, where that grade's quota applies in turn.  ``at_least`` quotas
then give the lowest-ranked their grade.  The tie rule decides a boundary that
falls between equal values.  Every moved grade carries a note saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal

from .._compile import Plan
from .._errors import InputError, Issue
from .._model import Distribution, Quota
from .given import GIVEN
from .inputs import Row
from .ranking import order_keys
from .results import Result

__all__ = ["distribute", "distributed"]

_ROUNDING = {"down": ROUND_DOWN, "nearest": ROUND_HALF_UP, "up": ROUND_CEILING, "at_least_one": ROUND_DOWN}


def _count(share: Decimal, n: int, rounding: str = "down") -> int:
    count = int((share * n).to_integral_value(rounding=_ROUNDING[rounding]))
    # at_least_one: a quota that is not 0% always has a place when anyone is graded.
    return max(count, 1) if rounding == "at_least_one" and share > 0 and n > 0 else count


def _cut(ordered: Sequence[int], keep: int, values: Sequence[object], ties: str) -> int:
    # Move the boundary so it never splits people with the same value (the same keys, with a ranking).
    if keep <= 0 or keep >= len(ordered):
        return max(0, min(keep, len(ordered)))
    boundary = values[ordered[keep - 1]]
    if values[ordered[keep]] != boundary:
        return keep
    if ties == "keep":
        while keep < len(ordered) and values[ordered[keep]] == boundary:
            keep += 1
        return keep
    while keep > 0 and values[ordered[keep - 1]] == boundary:
        keep -= 1
    return keep


def _quota_text(q: Quota, n: int, allowed: int, rounding: str = "down") -> str:
    share = q.at_most if q.at_most is not None else q.at_least
    assert share is not None
    word = "at most" if q.at_most is not None else "at least"
    how = "" if rounding == "down" else f" (rounded {rounding.replace('_', ' ')})"
    return f"{q.grade}: {word} {share * 100:.0f}% of {n} = {allowed}{how}"


def distribute(
    grades: Sequence[str | None],
    values: Sequence[Decimal],
    groups: Sequence[str],
    order: Sequence[str],
    rule: Distribution,
    keys: Sequence[tuple[Decimal, ...]] | None = None,
) -> list[tuple[str | None, str | None]]:
    """
    Return each person's ``(grade, note)`` after the quotas; ``note`` is None when the band's grade stands.

    ``order`` lists the grades best first; ``groups`` says who is graded together.
    ``keys`` (with a declared ranking) are each person's sort keys, best first:
    the graded value, then the ranking's keys; only equal keys are tied.
    """
    standing: Sequence[object] = keys if keys is not None else values
    out: list[tuple[str | None, str | None]] = [(g, None) for g in grades]
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group if rule.scope == "team" else "*", []).append(i)
    rank = {g: k for k, g in enumerate(order)}
    issues: list[Issue] = []
    for group, people in members.items():
        n = len(people)
        if keys is not None:
            ranked = sorted(people, key=lambda i: keys[i])
        else:
            ranked = sorted(people, key=lambda i: values[i], reverse=True)
        for q in (q for q in rule.quotas if q.at_most is not None and q.grade in rank):
            assert q.at_most is not None
            holders = [i for i in ranked if out[i][0] == q.grade]
            allowed = _count(q.at_most, n, rule.rounding)
            keep = _cut(holders, allowed, standing, rule.ties)
            below = order[rank[q.grade] + 1] if rank[q.grade] + 1 < len(order) else q.grade
            for i in holders[keep:]:
                text = _quota_text(q, n, allowed, rule.rounding)
                out[i] = (below, f"quota {text}: moved from {q.grade} to {below}")
        for q in (q for q in rule.quotas if q.at_least is not None and q.grade in rank):
            assert q.at_least is not None
            needed = _count(q.at_least, n, rule.rounding)
            bottom = list(reversed(ranked))
            take = _cut(bottom, needed, standing, "keep" if rule.ties == "demote" else "demote")
            if take < needed:  # the tie rule kept tied people out of the quota
                take = _short(q, group, n, needed, take, rule, issues)
            for i in bottom[:take]:
                if out[i][0] is not None and rank.get(str(out[i][0]), -1) < rank[q.grade]:
                    text = _quota_text(q, n, needed, rule.rounding)
                    out[i] = (q.grade, f"quota {text}: moved from {out[i][0]} to {q.grade}")
    if issues:
        raise InputError(issues, f"{len(issues)} quota(s) left unfilled by the tie rule; nothing was scored")
    return out


def _short(q: Quota, group: str, n: int, needed: int, take: int, rule: Distribution, issues: list[Issue]) -> int:
    # The declared rule for an at_least quota the tie rule leaves short.
    if rule.unfilled == "fill":
        return needed  # exactly the head count: among the tied, the order of the ranking decides
    if rule.unfilled == "error":
        where = "" if group == "*" else f" in team {group}"
        issues.append(
            Issue(
                "quota-unfilled",
                f"quota {_quota_text(q, n, needed, rule.rounding)}{where}: ties at the boundary leave "
                f"only {take} to take it",
                ("grades", "distribution", "quotas"),
                hint="declare unfilled: fill (exactly the head count, by rank) or unfilled: leave, or ties: demote",
            )
        )
    return take


def distributed(plan: Plan, results: list[Result], rows: list[Row]) -> list[Result]:
    """
    Return the results with the forced distribution applied (unchanged without one), regraded with their notes.
    """
    grades = plan.scheme.grades
    if grades is None or grades.distribution is None:
        return results
    part = GIVEN.get()
    if part is not None:  # one part of a population: the quotas are over all of it (see .split)
        return part.distributed(plan, results, rows)
    order = [str(t.label) for t in grades.tiers if t.label is not None]
    at = plan.index["grade.value"]
    # Only those assessed this period (H3) are graded together and take quota places;
    # with over: eligible, only those teams.eligible counts too.
    graded = [k for k, r in enumerate(results) if plan.assessed is None or r.row[plan.assessed]]
    if grades.distribution.over == "eligible" and plan.eligible is not None:
        graded = [k for k in graded if results[k].row[plan.eligible]]
    groups = [rows[k].text.get(plan.team_column, "") if plan.team_column else "*" for k in graded]
    values = [results[k].row[at] for k in graded]
    # With a declared ranking, people are ordered by the graded value, then the ranking's keys.
    keys = order_keys(plan, [results[k].row for k in graded], [results[k].employee for k in graded])
    moved = distribute(
        [results[k].grade for k in graded],
        values,
        groups,
        order,
        grades.distribution,
        None if keys is None else [(-v, *key) for v, key in zip(values, keys, strict=True)],
    )
    out = list(results)
    for k, (grade, note) in zip(graded, moved, strict=True):
        if note is not None:
            out[k] = results[k].regraded(grade, note)
    return out
