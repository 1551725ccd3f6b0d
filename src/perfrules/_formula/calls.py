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
from typing import Any, cast

from .._ir import Arith, Choice, Fact, Node, Ref
from .functions import BOOL, LIST, NUM, TEXT
from .groups import POPULATIONS, group_name
from .history import HIRE_SPAN, MAX_HISTORY, TOTALS, WINDOWS, history_name
from .names import name_of

__all__ = ["group_call", "history_call"]


def group_call(checker: Any, node: ast.Call, name: str) -> Node:
    """
    Check a group call (``team_avg(score)``) and return a reference to the value it stands for.
    """
    # An optional second name is a condition: only members for whom it holds
    # count (G3: a disqualified first passes the award to the next in rank).
    # over= says whom the call is over before that condition (issue 11: the
    # supervisor's commission over all agents' sales, new ones included).
    over = _over(checker, node, name)
    args = node.args if 1 <= len(node.args) <= 2 else []
    if not args or not all(isinstance(a, ast.Name | ast.Attribute) for a in args):
        raise checker.fail(
            node,
            "formula-arity",
            f"{name}() takes the name of a value and, optionally, of a "
            f"condition, e.g. {name}(score) or {name}(score, qualified), and optionally "
            f"whom it is over: {name}(score, over=everyone)",
        )
    names = [str(name_of(checker, a, plain=False)) for a in args]
    for a, key, want in zip(args, names, (NUM, BOOL), strict=False):
        if checker.names[key] != want:
            raise checker.fail(
                a, "formula-type", f"{name}() needs a {want} here, {ast.unparse(a)!r} is a {checker.names[key]}"
            )
    condition = names[1] if len(names) == 2 else ""
    checker.group_calls[(name, names[0], condition, over)] = None
    return Ref(group_name(name, names[0], condition, over), checker.groups[name].returns, checker.origin)


def _over(checker: Any, node: ast.Call, name: str) -> str:
    # over=everyone | assessed | eligible, the only keyword a group call takes.
    if not node.keywords:
        return ""
    kw = node.keywords[0]
    if len(node.keywords) > 1 or kw.arg != "over":
        raise checker.fail(
            node,
            "formula-arity",
            f"{name}() takes one name=value, over= (whom it is over): {', '.join(POPULATIONS)}",
            f"call it as {name}(sales, over=everyone)",
        )
    if not (isinstance(kw.value, ast.Name) and kw.value.id in POPULATIONS):
        raise checker.fail(
            kw.value,
            "formula-literal",
            f"over= is one of {', '.join(POPULATIONS)}",
            f"for a role or any other group, add a condition: {name}(sales, is_agent, over=everyone)",
        )
    return kw.value.id


def history_call(checker: Any, node: ast.Call, name: str) -> Node:
    """
    Check a history call (``prior(score, 2)``, ``streak(flag)``) and return its nodes.
    """
    # Earlier periods' values arrive as names of their own, read before
    # evaluating; streak() adds this period's condition to the earlier run.
    if name in TOTALS:
        return _total_call(checker, node, name)
    want = (2, 3) if name == "prior" else (2,) if name == "has_prior" else (1,)
    arg = node.args[0] if node.args and not node.keywords else None
    if len(node.args) not in want or not isinstance(arg, ast.Name | ast.Attribute):
        shape = {"prior": "prior(score, 1) or prior(score, 1, 0)", "has_prior": "has_prior(score, 1)"}
        raise checker.fail(
            node,
            "formula-arity",
            f"{name}() takes the name of a value{', and n' if name in shape else ''}"
            f"{' (and a default when there is none)' if name == 'prior' else ''}",
            f"call it as {shape.get(name, f'{name}(gold_agent)')}",
        )
    key, shown = str(name_of(checker, arg, plain=False)), ast.unparse(arg)
    kind = checker.names[key]
    if kind in (LIST, TEXT):
        raise checker.fail(arg, "formula-type", f"{name}() reads numbers and conditions; {shown!r} is a {kind}")
    if name in ("prior", "has_prior"):
        n = node.args[1]
        if not (isinstance(n, ast.Constant) and type(n.value) is int and 1 <= n.value <= MAX_HISTORY):
            raise checker.fail(
                n, "formula-literal", f"the periods back of {name}() must be a whole number 1-{MAX_HISTORY}"
            )
        if name == "has_prior" or len(node.args) == 3:
            # Whether the period n back holds a value for this employee: a name of its own.
            checker.history_calls[("has_prior", key, n.value)] = None
            found = checker.ref(history_name("has_prior", key, n.value), BOOL)
            if name == "has_prior":
                return cast(Node, found)
        checker.history_calls[("prior", key, n.value)] = None
        value = checker.ref(history_name("prior", key, n.value), kind)
        if len(node.args) == 2:
            return cast(Node, value)
        default = checker.expect(node.args[2], kind, "the default of prior()")
        # Recorded for explanations under the prior's own name: the value used, the default when none.
        told = history_name("prior", key, n.value)
        return Fact(told, Choice(found, value, default, kind, checker.origin), checker.origin)
    if kind != BOOL:
        raise checker.fail(
            arg,
            "formula-type",
            f"{name}() counts periods a condition held; {shown!r} is a {kind}",
            "declare a flag with the condition and count that",
        )
    checker.history_calls[("previous_streak", key, 1)] = None
    earlier = checker.ref(history_name("previous_streak", key), NUM)
    if name == "previous_streak":
        return cast(Node, earlier)
    checker.used.add(key)
    one, zero = checker.const(Decimal(1)), checker.const(Decimal(0))
    return Choice(checker.ref(key, BOOL), Arith("+", earlier, one), zero, NUM, checker.origin)


def _total_call(checker: Any, node: ast.Call, name: str) -> Node:
    # prior_sum(x, 3) over the last three periods, prior_sum(x, since=year) over the year's earlier
    # periods: either way a name of its own, read before evaluating like prior().
    arg = node.args[0] if node.args else None
    n = node.args[1] if len(node.args) == 2 else None
    since = node.keywords[0] if len(node.keywords) == 1 and node.keywords[0].arg == "since" else None
    what = "a condition" if name == "prior_count" else "a value"
    named = isinstance(arg, ast.Name | ast.Attribute)
    if not named or len(node.args) + len(node.keywords) != 2 or (n is None) == (since is None):
        raise checker.fail(
            node,
            "formula-arity",
            f"{name}() takes the name of {what} and either how many periods back, or since= a window",
            f"call it as {name}(x, 3) (the last three periods) or {name}(x, since=year) (earlier periods this year)",
        )
    assert isinstance(arg, ast.Name | ast.Attribute)
    key, shown = str(name_of(checker, arg, plain=False)), ast.unparse(arg)
    kind, want = checker.names[key], BOOL if name == "prior_count" else NUM
    if kind != want:
        hint = "declare a flag or condition and count that" if want == BOOL else "count it with prior_count()"
        raise checker.fail(arg, "formula-type", f"{name}() needs {what} here, {shown!r} is a {kind}", hint)
    if n is not None:
        if not (isinstance(n, ast.Constant) and type(n.value) is int and 1 <= n.value <= MAX_HISTORY):
            raise checker.fail(
                n, "formula-literal", f"the periods back of {name}() must be a whole number 1-{MAX_HISTORY}"
            )
        call = (name, key, n.value)
    else:
        assert since is not None
        if not (isinstance(since.value, ast.Name) and since.value.id in WINDOWS):
            raise checker.fail(
                since.value,
                "formula-literal",
                f"since= is one of {', '.join(WINDOWS)} (the window of the scheme's calendar holding this "
                "period, or the employee's periods since hire)",
                f"call it as {name}({shown}, since=year) for the year so far",
            )
        call = (f"{name}_{since.value.id}", key, 0)
        if since.value.id == "hire":
            checker.history_calls[HIRE_SPAN] = None
    checker.history_calls[call] = None
    return cast(Node, checker.ref(history_name(*call), NUM))
