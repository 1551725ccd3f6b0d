"""
Checks: promises a scheme makes about itself, read from ``checks:`` and proven from the bounds where they can be.

Three forms, each one line of text:

- a range or relation, a chain of comparisons over named values and numbers
  (``0 <= net <= 2000``, ``net <= bonus + callbacks``);
- a direction, ``VALUE does not decrease|increase when INPUT rises|falls``.

Every scheme also gets default checks: each money value is a finite number
(and the scheme pays it rather than refusing), and the score does not fall
when the input of an indicator scored by a higher-is-better table rises.
"""

from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation, localcontext
from itertools import pairwise
from typing import Any, Literal

import attrs

from .._compile import CONTEXT, Plan
from .._errors import Issue
from .._ir import Ref, walk
from .direction import direction
from .interval import ANY, Range, exact
from .interval import CONTEXT as RANGES
from .linear import difference_range
from .proven import Bounds

__all__ = ["Check", "Expr", "check_issue", "default_checks", "parse_check", "prove", "reads"]

Form = Literal["compare", "direction", "finite"]

_DIRECTION = re.compile(
    r"^\s*(?P<value>[A-Za-z_][A-Za-z0-9_.]*)\s+does\s+not\s+(?P<way>decrease|increase)\s+"
    r"when\s+(?P<input>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<moves>rises|falls)\s*$"
)
_OPS: dict[type, tuple[str, Callable[[Any, Any], bool]]] = {
    ast.Lt: ("<", operator.lt),
    ast.LtE: ("<=", operator.le),
    ast.Gt: (">", operator.gt),
    ast.GtE: (">=", operator.ge),
    ast.Eq: ("==", operator.eq),
}
_ARITH: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


@attrs.frozen
class Expr:
    """
    An arithmetic expression of a check over named values: evaluated on values, or over ranges.
    """

    node: ast.expr = attrs.field(repr=False)
    text: str
    names: frozenset[str]

    def value(self, values: Mapping[str, Any]) -> Any:
        """Return the expression's value over one employee's values."""
        return _eval(self.node, lambda n: values[n], Decimal)

    def range(self, ranges: Mapping[str, Range]) -> Range:
        """Return the range the expression can take, from the ranges of the names it reads."""
        return _eval(self.node, lambda n: ranges.get(n, ANY), exact)  # type: ignore[no-any-return]


@attrs.frozen
class Check:
    """
    One promise: its text, where it was declared (its index in ``checks:``, or ``None`` for a default) and its form.

    ``compare`` checks hold ``terms`` and the ``ops`` between them; ``direction``
    checks name the ``value``, the ``input`` moved, and ``sign`` (+1: the value
    must not decrease as the input rises, -1: must not increase); ``finite``
    checks name the money ``values`` that must be finite numbers.
    """

    text: str
    index: int | None
    form: Form
    terms: tuple[Expr, ...] = ()
    ops: tuple[str, ...] = ()
    value: str = ""
    input: str = ""
    sign: int = 1
    values: tuple[str, ...] = ()

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Return whether a comparison check holds over one employee's values (not when it cannot be computed)."""
        try:
            with localcontext(CONTEXT):
                found = [t.value(values) for t in self.terms]
        except ArithmeticError:
            return False  # a division by zero in the check itself: the promise cannot be kept
        if any(not isinstance(x, Decimal) or not x.is_finite() for x in found):
            return False
        table = dict(_OPS.values())
        return all(table[op](a, b) for op, a, b in zip(self.ops, found, found[1:], strict=False))


def _eval(node: ast.expr, name: Callable[[str], Any], number: Callable[[Decimal], Any]) -> Any:
    if isinstance(node, ast.Name):
        return name(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return name(f"{node.value.id}.{node.attr}")
    if isinstance(node, ast.Constant):
        return number(node.value)  # type: ignore[arg-type]  # made a Decimal when the check was read
    if isinstance(node, ast.UnaryOp):
        inner = _eval(node.operand, name, number)
        return -inner if isinstance(node.op, ast.USub) else inner
    assert isinstance(node, ast.BinOp)
    return _ARITH[type(node.op)](_eval(node.left, name, number), _eval(node.right, name, number))


def _expr(node: ast.expr, text: str, known: Mapping[str, str]) -> Expr:
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant):
            raw = ast.get_source_segment(text, sub)
            try:
                sub.value = Decimal(raw or "")  # type: ignore[assignment]  # the number as written, exactly
            except InvalidOperation:
                raise ValueError(f"{raw!r} is not a number") from None
        elif isinstance(sub, ast.Attribute):
            if not isinstance(sub.value, ast.Name):
                raise ValueError("only names, numbers and + - * / may appear in a check")
            names.add(f"{sub.value.id}.{sub.attr}")
        elif isinstance(sub, ast.Name):
            names.add(sub.id)
        elif not isinstance(sub, ast.BinOp | ast.UnaryOp | ast.Load | ast.operator | ast.unaryop | ast.expr_context):
            raise ValueError("only names, numbers and + - * / may appear in a check")
        if isinstance(sub, ast.BinOp) and type(sub.op) not in _ARITH:
            raise ValueError("only + - * / may appear in a check")
        if isinstance(sub, ast.UnaryOp) and not isinstance(sub.op, ast.USub | ast.UAdd):
            raise ValueError("only + - * / may appear in a check")
    # A name inside an attribute (``penalties`` of ``penalties.x``) is not a name of its own.
    names -= {s.value.id for s in ast.walk(node) if isinstance(s, ast.Attribute) and isinstance(s.value, ast.Name)}
    for n in sorted(names):
        if known.get(n) != "number":
            raise ValueError(_unknown(n, known))
    return Expr(node, ast.get_source_segment(text, node) or "", frozenset(names))


def _unknown(name: str, known: Mapping[str, str]) -> str:
    if name in known:
        return f"{name!r} is not a number (it is {known[name]})"
    return f"unknown name {name!r}"


def parse_check(text: str, index: int | None, known: Mapping[str, str], inputs: Mapping[str, str]) -> Check:
    """
    Read one check; ``known`` maps every value's name to its type, ``inputs`` every input's.

    Raises ``ValueError`` with a message for the author when the text is not a check.
    """
    m = _DIRECTION.match(text)
    if m is not None:
        value, moved = m["value"], m["input"]
        if known.get(value) != "number":
            raise ValueError(_unknown(value, known))
        if known.get(moved) != "number":
            raise ValueError(f"{moved!r} is not a number: a direction check moves one number")
        sign = (1 if m["way"] == "decrease" else -1) * (1 if m["moves"] == "rises" else -1)
        return Check(text, index, "direction", value=value, input=moved, sign=sign)
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        raise ValueError(
            "write a comparison (0 <= net <= 2000, net <= bonus + callbacks) "
            "or a direction (bonus does not decrease when qa rises)"
        ) from None
    if not isinstance(tree, ast.Compare) or any(type(op) not in _OPS for op in tree.ops):
        raise ValueError("a check compares values with <, <=, >, >= or ==")
    source = text.strip()
    terms = tuple(_expr(t, source, known) for t in (tree.left, *tree.comparators))
    return Check(text, index, "compare", terms, tuple(_OPS[type(op)][0] for op in tree.ops))


def default_checks(b: Bounds) -> list[Check]:
    """
    Return the checks every scheme gets: money is finite; the score follows higher-is-better tables.

    A table is higher-is-better when it says so, or when it declares no direction and its points
    never fall as the value rises.
    """
    plan, out = b.plan, []
    money = [
        name
        for ref in plan.order
        if (step := plan.steps.get(ref)) is not None
        and (ref[0] in ("payouts", "accelerators") or getattr(step.element, "unit", None) == "money")
        for name, node in step.outputs
        if node.type == "number"
    ]
    if money:
        out.append(Check("money is finite", None, "finite", values=tuple(money)))
    seen: set[str] = set()
    for ind in plan.scheme.indicators:
        lookup = plan.lookups.get(("tables", ind.table)) if ind.table is not None else None
        table = plan.scheme.table(ind.table) if ind.table is not None else None
        if lookup is None or table is None or ind.input is None or ind.input in seen:
            continue
        column = ind.input.strip().removeprefix("metrics.")
        rising = table.direction == "higher_is_better" or (table.direction is None and _rising(lookup.values))
        if rising:
            seen.add(ind.input)
            text = f"score does not decrease when {column} rises"
            out.append(Check(text, None, "direction", value="score", input=column, sign=1))
    return out


def _rising(points: tuple[Decimal | None, ...]) -> bool:
    known = [p for p in points if p is not None]
    return len(set(known)) > 1 and all(a <= b for a, b in pairwise(known))


def reads(b: Bounds, name: str) -> set[str]:
    """
    Return every name the value ``name`` depends on, however indirectly (inputs included).
    """
    by_output = {n: step for step in b.plan.steps.values() for n, _ in step.outputs}
    found: set[str] = set()
    todo = [name]
    while todo:
        step = by_output.get(todo.pop())
        if step is None:
            continue
        for root in step.roots():
            for node in walk(root):
                if isinstance(node, Ref) and node.name not in found:
                    found.add(node.name)
                    todo.append(node.name)
                    if "__" in node.name:  # a group or history value reads its argument
                        todo.append(node.name.split("__")[1])
    return found


def prove(check: Check, b: Bounds) -> str | None:
    """
    Return why ``check`` holds for every input within the declared ranges, or ``None`` when the bounds cannot tell.
    """
    if check.form == "finite":
        open_ = [n for n in check.values if not b.ranges.get(n, ANY).bounded]
        if open_:
            return None
        return "every money value has a finite proven range"
    if check.form == "direction":
        moved = next((i.name for i in b.plan.inputs if i.column == check.input), check.input)  # metrics.x if shared
        said = _DIRECTION.match(check.text)  # the names as the check writes them (penalties.minor)
        value, rising = (said["value"], said["input"]) if said is not None else (check.value, check.input)
        if moved not in reads(b, check.value):
            return f"{value} does not depend on {rising}"
        d = direction(b, check.value, moved)
        if d is not None and d * check.sign >= 0:
            way = "never falls" if d > 0 else "never rises" if d < 0 else "does not move"
            return f"{value} {way} as {rising} rises, all else held (direction analysis)"
        return None
    with localcontext(RANGES):
        ranges = [t.range(b.ranges) for t in check.terms]
        shared: list[str] = []
        for k, (op, left, right) in enumerate(zip(check.ops, ranges, ranges[1:], strict=False)):
            if _always(op, left, right):
                continue
            # The sides' ranges overlap; they may share values that cancel (a payout and what it adds).
            a, c = check.terms[k], check.terms[k + 1]
            diff = difference_range(b, a.node, c.node)
            if diff is None or not _always(op, diff, exact(Decimal(0))):
                return None
            shared.append(f"{a.text} - ({c.text}) in {diff.text()}")
    shown = ", ".join(f"{t.text} in {r.text()}" for t, r in zip(check.terms, ranges, strict=True))
    if shared:
        return f"from the bounds, with shared values cancelled: {'; '.join(shared)}"
    return f"from the bounds: {shown}"


def _always(op: str, a: Range, b: Range) -> bool:
    # Whether ``a op b`` holds for every a and b within their ranges.
    if op in ("<", "<="):
        a, b, op = b, a, ">" if op == "<" else ">="
    if op == "==":
        return a.lo is not None and a.lo == a.hi == b.lo == b.hi
    if a.lo is None or b.hi is None:
        return False
    return a.lo > b.hi if op == ">" else a.lo >= b.hi


_WORD = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def plain_names(plan: Plan, text: str) -> str:
    """
    Return a check's text with each qualified name of an element that shares its name with a metric made plain.

    As in formulas, such a name written bare is refused (``ValueError``) where it could be either; the
    input a direction check moves is a metric by construction (``... when minor rises``).
    """
    shared = {n.removeprefix("metrics.") for n in plan.index if n.startswith("metrics.")}
    if not shared:
        return text
    plain = {f"{c}.{n}": n for c, n, _ in plan.scheme.named() if n in shared and c not in ("metrics", "tables")}
    both = {n: s for s, n in plain.items()}
    direction = _DIRECTION.match(text)

    def swap(m: re.Match[str]) -> str:
        word = m[0]
        if word in both:
            raise ValueError(f"{word!r} is both metric {word!r} and {both[word]}: write metrics.{word} or {both[word]}")
        return plain.get(word, word)

    if direction is not None:  # only the value and the input are names: "does not ... when ... rises" are words
        value = _WORD.sub(swap, direction["value"])
        return text[: direction.start("value")] + value + text[direction.end("value") :]
    return _WORD.sub(swap, text)


def check_issue(text: str, index: int, message: str) -> Issue:
    """Return the error for a check that cannot be read."""
    return Issue("bad-check", f"check {text!r}: {message}", ("checks", index), "error")
