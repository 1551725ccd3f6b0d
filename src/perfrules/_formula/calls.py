"""
Calls that are not computed by the formula itself: group values and history.

``team_avg(score)`` or ``prior(score, 2)`` become names of their own, which
the engine fills in (between stages, or from earlier periods) and the
generated code reads like any other name.  These checks are the formula
checker's, kept here to keep that module readable.
"""

from __future__ import annotations

import ast
from decimal import Decimal
from typing import Any

from .._suggest import did_you_mean
from .functions import BOOL, NUM, Type
from .groups import group_name
from .history import MAX_HISTORY, history_name

__all__ = ["group_call", "history_call"]


def group_call(self: Any, node: ast.Call, name: str) -> tuple[str, Type]:
    # A team value is not computed here: it becomes a name of its own that
    # the engine fills in between evaluation stages.
    # An optional second name is a condition: only members for whom it holds
    # count (G3: a disqualified first passes the award to the next in rank).
    args = node.args if not node.keywords and 1 <= len(node.args) <= 2 else []
    if not args or not all(isinstance(a, ast.Name) for a in args):
        raise self.fail(
            node,
            "formula-arity",
            f"{name}() takes the name of a value and, optionally, of a "
            f"condition, e.g. {name}(score) or {name}(score, qualified)",
        )
    names = [a.id for a in args if isinstance(a, ast.Name)]
    for a, want in zip(args, (NUM, BOOL), strict=False):
        assert isinstance(a, ast.Name)
        if a.id not in self.names:
            raise self.fail(a, "unknown-name", f"unknown name {a.id!r}{did_you_mean(a.id, self.names)}")
        if self.names[a.id] != want:
            raise self.fail(a, "formula-type", f"{name}() needs a {want} here, {a.id!r} is a {self.names[a.id]}")
    condition = names[1] if len(names) == 2 else ""
    self.group_calls.add((name, names[0], condition))
    synthetic = group_name(name, names[0], condition)
    return (f"v_{synthetic}" if self.local else f"e[{synthetic!r}]"), self.groups[name].returns


def history_call(self: Any, node: ast.Call, name: str) -> tuple[str, Type]:
    # Earlier periods' values arrive as names of their own, read before
    # evaluating; streak() adds this period's condition to the earlier run.
    want = 2 if name == "prior" else 1
    arg = node.args[0] if node.args and not node.keywords else None
    if len(node.args) != want or not isinstance(arg, ast.Name):
        shape = f"{name}(score, 1)" if name == "prior" else f"{name}(gold_agent)"
        raise self.fail(
            node,
            "formula-arity",
            f"{name}() takes the name of a value{', and n' if want == 2 else ''}",
            f"call it as {shape}",
        )
    if arg.id not in self.names:
        raise self.fail(arg, "unknown-name", f"unknown name {arg.id!r}{did_you_mean(arg.id, self.names)}")
    kind = self.names[arg.id]
    if name == "prior":
        n = node.args[1]
        if not (isinstance(n, ast.Constant) and type(n.value) is int and 1 <= n.value <= MAX_HISTORY):
            raise self.fail(n, "formula-literal", f"the periods back of prior() must be a whole number 1-{MAX_HISTORY}")
        self.history_calls.add((name, arg.id, n.value))
        return self.ref(history_name(name, arg.id, n.value)), kind
    if kind != BOOL:
        raise self.fail(
            arg,
            "formula-type",
            f"{name}() counts periods a condition held; {arg.id!r} is a {kind}",
            "declare a flag with the condition and count that",
        )
    self.history_calls.add(("previous_streak", arg.id, 1))
    earlier = self.ref(history_name("previous_streak", arg.id))
    if name == "previous_streak":
        return earlier, NUM
    self.used.add(arg.id)
    one, zero = self.const(Decimal(1)), self.const(Decimal(0))
    return f"({earlier} + {one} if {self.ref(arg.id)} else {zero})", NUM
