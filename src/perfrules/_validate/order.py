"""
The order of evaluation, read off the lowered steps.

A step needs every step that produces a value its nodes read; a group value
(``team_avg(score)``, a charge to a manager) is a step of its own between the
values it aggregates and the steps that read it.  A topological order names
any loop; group values divide the order into stages.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

import attrs

from .._errors import Issue
from .._formula import CompiledFormula, group_name
from .._ir import Path, Step, StepRef
from .._kinds import charged_to, charges_name
from .._model import Scheme

__all__ = ["Ordering", "order_steps"]


@attrs.frozen
class Ordering:
    """
    The steps in evaluation order, each step's prerequisites and stage, and the group values.
    """

    order: tuple[StepRef, ...]
    deps: Mapping[StepRef, frozenset[StepRef]]
    stages: Mapping[StepRef, int]
    groups: Mapping[str, tuple[str, str, str, str]]
    issues: tuple[Issue, ...] = ()


def _positions(s: Scheme, steps: Mapping[StepRef, Step]) -> list[StepRef]:
    # Elements in the order the file lists them, then the score, grade, who is assessed, who counts in teams.
    named: list[StepRef] = [(c, n) for c, n, _ in s.named() if c not in ("tables", "params")]
    fixed: list[StepRef] = [
        ("score", "score"),
        ("grades", "grade"),
        ("assessed", "assessed"),
        ("teams", "eligible"),
        ("ranking", "keys"),
    ]
    return [ref for ref in (*named, *fixed) if ref in steps]


def _groups(s: Scheme, formulas: Iterable[CompiledFormula]) -> dict[str, tuple[str, str, str, str]]:
    found: dict[str, tuple[str, str, str, str]] = {}
    for f in formulas:
        for call in f.groups:
            found.setdefault(group_name(*call), call)
    # A shared cost charged to a manager (P7) is a group value too: what the
    # person's reports' costs charge them, taken where their own part goes.
    for adj in s.adjustments():
        relation = charged_to(s, adj)
        if relation is not None:
            found[charges_name(relation, adj.name)] = (f"charges_{relation}", adj.name, "", "")
    return found


def _deps(
    s: Scheme, steps: Mapping[StepRef, Step], groups: Mapping[str, tuple[str, str, str, str]]
) -> dict[StepRef, set[StepRef]]:
    producer: dict[str, StepRef] = {}
    for ref, step in steps.items():
        for name, _ in step.outputs:
            producer[name] = ref
        if ref[0] == "metrics" and not step.outputs:
            # Inputs are steps with nothing to compute; an element sharing the name produces the name itself.
            producer.setdefault(ref[1], ref)
    producer.update({name: ("groups", name) for name in groups})
    deps: dict[StepRef, set[StepRef]] = {}
    for ref in _positions(s, steps):
        step = steps[ref]
        deps[ref] = {producer[n] for n in step.reads() if n in producer} | set(step.after)
    # Who counts in group values: eligibility and assessment, for every member.
    counted = [ref for ref in (("teams", "eligible"), ("assessed", "assessed")) if ref in deps]
    for name, (fn, arg, cond, _) in groups.items():
        if fn.startswith("charges_"):
            deps[("groups", name)] = {producer[arg]}
        else:
            # Ranks and tops order by the declared ranking's keys after their own value.
            keys = [("ranking", "keys")] if fn.endswith(("_rank", "_top")) and ("ranking", "keys") in deps else []
            deps[("groups", name)] = {producer[n] for n in (arg, cond) if n in producer} | set(counted) | set(keys)
    return deps


def _topological(
    deps: Mapping[StepRef, set[StepRef]], position: Mapping[StepRef, int]
) -> tuple[list[StepRef], list[Issue]]:
    # Depth first, prerequisites in file order, without recursion: a chain of
    # thousands of derived metrics must not exhaust Python's stack.
    done: set[StepRef] = set()
    out: list[StepRef] = []

    def after(node: StepRef) -> Iterator[StepRef]:
        return iter(sorted(deps.get(node, ()), key=lambda d: position.get(d, 0)))

    for root in deps:
        if root in done:
            continue
        path, stack, on_path = [root], [after(root)], {root}
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                out.append(node)
                continue
            if nxt in done:
                continue
            if nxt in on_path:
                loop = [*path[path.index(nxt) :], nxt]
                return out, [
                    Issue(
                        "cycle",
                        "formulas depend on each other in a loop: " + " → ".join(n for _, n in loop),
                        (nxt[0], nxt[1]) if nxt[0] != "score" else ("score",),
                        hint="break the loop: one of these values must not read another",
                    )
                ]
            path.append(nxt)
            on_path.add(nxt)
            stack.append(after(nxt))
    return out, []


def order_steps(s: Scheme, steps: Mapping[StepRef, Step], formulas: Mapping[Path, CompiledFormula]) -> Ordering:
    """
    Return the steps' order and stages, or the loop that prevents one (as an issue).
    """
    groups = _groups(s, formulas.values())
    deps = _deps(s, steps, groups)
    position = {node: i for i, node in enumerate(deps)}
    out, issues = _topological(deps, position)
    stages: dict[StepRef, int] = {}
    if not issues:
        # Stage 0 needs nothing from other employees; a group value can only be
        # known once everything it aggregates is, so it starts the next stage.
        for node in out:
            before = max((stages[d] for d in deps.get(node, ()) if d in stages), default=0)
            stages[node] = before + 1 if node[0] == "groups" else before
    frozen = {k: frozenset(v) for k, v in deps.items()}
    return Ordering(tuple(out), frozen, stages, groups, tuple(issues))
