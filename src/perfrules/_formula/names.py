"""
Names in formulas: plain (``minor``) and qualified (``metrics.minor``), resolved when the formula is checked.

A metric may share its name with one element of another kind (penalty ``minor``
counting metric ``minor``).  Both values exist, so each needs a name of its
own inside the engine: the element keeps its name, and the metric's value is
called by its qualified spelling, ``metrics.minor``, which is also how a
formula writes it.  A plain name two elements share is refused, since either
reading could be meant, except an element's own name in its own formulas: a
rule cannot read its own value (that is a cycle), so there it can only be the
metric.  Qualified names become plain references at check time; the formula
language has no attribute access at run time (``x.__class__`` stays refused).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any

import attrs

from .._suggest import did_you_mean

__all__ = ["QUALIFIERS", "Scope", "metric_key", "name_of"]

#: The qualifier of each collection whose elements formulas read, as the scheme file's section keys spell it.
QUALIFIERS = (
    "metrics",
    "params",
    "indicators",
    "sections",
    "penalties",
    "bonuses",
    "payouts",
    "flags",
    "conditions",
)

_ONE = {
    "metrics": "metric",
    "params": "param",
    "indicators": "indicator",
    "sections": "section",
    "penalties": "penalty",
    "bonuses": "bonus",
    "payouts": "payout",
    "flags": "flag",
    "conditions": "condition",
}


def metric_key(name: str, shared: frozenset[str] | set[str]) -> str:
    """
    Return the name metric ``name``'s value has in the engine: its own, or ``metrics.name`` when an element shares it.
    """
    return f"metrics.{name}" if name in shared else name


@attrs.frozen
class Scope:
    """
    What a formula's names mean beyond the plain ones: qualified spellings, shared names, the rule's own name.

    ``qualified`` maps each spelling ``collection.name`` to the value it reads;
    ``shared`` maps a name a metric and another element share to their two
    qualified spellings, metric first; ``own`` is the name of the rule whose
    formula this is (not a metric's), which there reads the metric of that name.
    """

    qualified: Mapping[str, str] = attrs.field(factory=dict)
    shared: Mapping[str, tuple[str, str]] = attrs.field(factory=dict)
    own: str | None = None


def _ambiguous(checker: Any, node: ast.AST, name: str, spellings: tuple[str, str]) -> Exception:
    kinds = [f"{_ONE[s.split('.')[0]]} {name!r}" for s in spellings]
    return checker.fail(  # type: ignore[no-any-return]
        node,
        "ambiguous-name",
        f"{name!r} is both {kinds[0]} and {kinds[1]}",
        f"say which: {spellings[0]} for the {kinds[0].split()[0]}, {spellings[1]} for the {kinds[1].split()[0]}",
    )


def name_of(checker: Any, node: ast.expr, *, plain: bool = True) -> str | None:
    """
    Return the value a name written in a formula reads, or ``None`` when ``node`` is not a name.

    ``plain`` is true for a value read in place, where the rule's own name means the metric
    it shares the name with; a name handed to a group or history function is never that
    (``prior(minor)`` in penalty ``minor`` could be the penalty's own earlier value).
    Raises the checker's error for an unknown, ambiguous or refused name.
    """
    scope: Scope = checker.scope
    if isinstance(node, ast.Attribute):
        return _qualified(checker, node, scope)
    if not isinstance(node, ast.Name):
        return None
    name = node.id
    if name.startswith("_"):
        raise checker.fail(node, "formula-forbidden", f"names starting with '_' are not allowed ({name!r})")
    both = scope.shared.get(name)
    if both is not None:
        if not (plain and name == scope.own):
            raise _ambiguous(checker, node, name, both)
        return scope.qualified[both[0]]
    if name not in checker.names:
        if name in checker.functions:
            raise checker.fail(node, "formula-type", f"{name!r} is a function: call it as {name}(...)")
        raise checker.fail(
            node,
            "unknown-name",
            f"unknown name {name!r}{did_you_mean(name, checker.names)}",
            "use a metric, parameter, indicator, section or payout declared in the scheme",
        )
    return name


def _qualified(checker: Any, node: ast.Attribute, scope: Scope) -> str:
    # Only collection.name, with a collection the scheme file has: x.__class__, a.b.c, (1).real stay refused.
    head = node.value
    if not (isinstance(head, ast.Name) and head.id in QUALIFIERS) or node.attr.startswith("_"):
        raise checker.fail(
            node,
            "formula-forbidden",
            "attribute access (a.b) is not allowed: use a plain name, or a qualified one such as metrics.sales",
        )
    spelling = f"{head.id}.{node.attr}"
    found = scope.qualified.get(spelling)
    if found is None:
        same = [s for s in scope.qualified if s.startswith(f"{head.id}.")]
        raise checker.fail(
            node,
            "unknown-name",
            f"no {_ONE[head.id]} named {node.attr!r}{did_you_mean(spelling, same)}",
            f"{head.id}.<name> reads an element of the scheme's {head.id}: section",
        )
    return found
