"""
The order of evaluation.

Each step's prerequisites, a topological order that names any loop, and the
stages that team values divide it into.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from .._formula.groups import group_name
from .._model import Penalty
from .analyse import Analysis, Path, StepRef, step_of
from .people import charged_to, charges_name

__all__ = ["order"]


def _deps(a: Analysis) -> dict[StepRef, set[StepRef]]:
    """
    Return each step's prerequisites: the names its formulas read, plus structure.
    """
    s = a.scheme
    where: dict[str, StepRef] = {name: (coll, name) for coll, name, _ in s.named() if coll not in ("tables", "params")}
    where["score"] = ("score", "score")
    if s.assessed is not None:
        where["assessed"] = ("assessed", "assessed")
    deps: dict[StepRef, set[StepRef]] = {}

    def reads(prefix: Path) -> Iterator[StepRef]:
        for path, f in a.formulas.items():
            if path[: len(prefix)] == prefix:
                yield from (where[n] for n in f.names if n in where)

    for coll, name, _ in s.named():
        if coll not in ("tables", "params"):
            deps[(coll, name)] = set(reads((coll, name)))
    for adj in s.adjustments():
        coll = "penalties" if isinstance(adj, Penalty) else "bonuses"
        if adj.occurrences in where:
            deps[(coll, adj.name)].add(where[adj.occurrences])
        if adj.section is not None:
            deps.setdefault(("sections", adj.section), set()).add((coll, adj.name))
        if adj.payout is not None:
            deps.setdefault(("payouts", adj.payout), set()).add((coll, adj.name))
    for ind in s.indicators:
        if ind.section is not None:
            deps.setdefault(("sections", ind.section), set()).add(("indicators", ind.name))
    score: set[StepRef] = set(reads(("score",)))
    if s.score.formula is None:
        score |= {("sections", x.name) for x in s.sections}
        score |= {("indicators", i.name) for i in s.indicators if i.section is None}
        score |= {
            ("penalties" if isinstance(j, Penalty) else "bonuses", j.name)
            for j in s.adjustments()
            if j.unit == "points" and j.section is None
        }
    # An indicator's veto zeroes the score when the indicator is in no section.
    score |= {("indicators", i.name) for i in s.indicators if i.veto is not None and i.section is None}
    deps[("score", "score")] = score
    if s.grades is not None:
        deps[("grades", "grade")] = set(reads(("grades",))) | {("score", "score")}
    if s.assessed is not None:
        deps[("assessed", "assessed")] = set(reads(("assessed",)))
    _team_deps(a, deps, where, reads)
    return {k: {d for d in v if d in deps or d[0] in ("sections", "score")} for k, v in deps.items()}


def _team_deps(
    a: Analysis,
    deps: dict[StepRef, set[StepRef]],
    where: dict[str, StepRef],
    reads: Callable[[Path], Iterator[StepRef]],
) -> None:
    # A group value is a node of its own: it needs the value it aggregates and
    # its condition (for every member) and who is eligible, and the steps that
    # read it need it.
    eligible: StepRef = ("teams", "eligible")
    if a.scheme.teams is not None and a.scheme.teams.eligible is not None:
        deps[eligible] = set(reads(("teams",)))
    counted = [ref for ref in (eligible, ("assessed", "assessed")) if ref in deps]
    for path, f in a.formulas.items():
        for fn, arg, cond in f.groups:
            name = group_name(fn, arg, cond)
            a.groups[name] = (fn, arg, cond)
            node: StepRef = ("groups", name)
            deps.setdefault(node, {where[n] for n in (arg, cond) if n in where})
            deps[node].update(counted)
            deps.setdefault(step_of(path), set()).add(node)
    # A shared cost charged to a manager (P7) is a group value too: what the
    # person's reports' costs charge them, deducted where their own part is.
    for adj in a.scheme.adjustments():
        relation = charged_to(a.scheme, adj)
        if relation is None:
            continue
        coll = "penalties" if isinstance(adj, Penalty) else "bonuses"
        name = charges_name(relation, adj.name)
        a.groups[name] = (f"charges_{relation}", adj.name, "")
        deps[("groups", name)] = {(coll, adj.name)}
        into = adj.into()
        if into is not None:
            deps.setdefault(into, set()).add(("groups", name))


def _order(a: Analysis) -> None:
    deps = a.deps = _deps(a)
    done: set[StepRef] = set()
    visiting: list[StepRef] = []
    position = {node: i for i, node in enumerate(deps)}

    def visit(node: StepRef) -> bool:
        if node in done:
            return True
        if node in visiting:
            loop = [*visiting[visiting.index(node) :], node]
            a.error(
                "cycle",
                "formulas depend on each other in a loop: " + " → ".join(n for _, n in loop),
                (node[0], node[1]) if node[0] != "score" else ("score",),
                "break the loop: one of these values must not read another",
            )
            return False
        visiting.append(node)
        ok = all(visit(d) for d in sorted(deps.get(node, ()), key=lambda d: position.get(d, 0)))
        visiting.pop()
        done.add(node)
        a.order.append(node)
        return ok

    for node in deps:
        if not visit(node):
            return


def _stages(a: Analysis) -> None:
    # Stage 0 needs nothing from other employees; a team value can only be
    # known once everything it aggregates is, so it starts the next stage.
    for node in a.order:
        before = max((a.stages[d] for d in a.deps.get(node, ()) if d in a.stages), default=0)
        a.stages[node] = before + 1 if node[0] == "groups" else before


def order(a: Analysis) -> None:
    """
    Work out the steps' order and stages, or record the loop that prevents one.
    """
    _order(a)
    if a.ok:
        _stages(a)
