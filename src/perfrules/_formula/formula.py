"""
Parse, check and compile formulas written by HR staff.

A formula is parsed once with :func:`ast.parse`, then checked against an
allow-list: numbers, booleans, declared names, calls of known functions,
arithmetic, comparisons, ``and``/``or``/``not`` and ``x if c else y``.  Every
other node type, including ones future Pythons add, is refused.  Types
(number, bool, list) are checked too, so ``True + 1`` or ``sales and 2`` never
reach evaluation.

The checked tree is lowered, in the same walk, to nodes of the intermediate
representation (:mod:`perfrules._ir`): nothing downstream reads formula text
again.  Literals become Decimal constants at this point, read from the
characters written, so ``0.1 + 0.2 >= 0.3`` is true.  Backends turn the nodes
into code; :func:`compile_formula` turns one formula into a function of an
environment, compiled without builtins, so evaluation walks no tree.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from .._ir import Apply, Arith, Choice, Compare, Const, Node, Origin, Ref, Unary
from .._suggest import did_you_mean
from .calls import group_call, history_call
from .function import function
from .functions import BOOL, BUILTINS, LIST, NUM, TEXT, Function, Type
from .groups import GROUP_FUNCTIONS, GroupFunction
from .history import HISTORY_FUNCTIONS
from .names import Scope, name_of
from .syntax import ARITH as _ARITH
from .syntax import CMP as _CMP
from .syntax import FORBIDDEN_HINTS as _FORBIDDEN_HINTS
from .syntax import LIMITS, FormulaError, parse

__all__ = ["LIMITS", "CompiledFormula", "FormulaError", "check_formula", "compile_formula"]

Env = Mapping[str, Any]


@attrs.frozen
class CompiledFormula:
    """
    A checked formula: its nodes, and (from :func:`compile_formula`) a function of the environment.

    ``node`` is the formula lowered to the intermediate representation, which
    the plan's code is generated from.  ``fn(env)`` runs the formula on its
    own; the caller sets the Decimal context (the engine does it once per
    batch).  ``names`` are the names it reads, for dependency order and for
    error messages.
    """

    text: str
    _fn: Callable[[Env], Any] | None = attrs.field(eq=False, repr=False)
    type: Type
    names: frozenset[str]
    source: str
    node: Node = attrs.field(eq=False, repr=False)
    groups: tuple[tuple[str, str, str, str], ...] = ()
    """Group calls, as ``(function, name, condition, over)``: ``team_avg(score)`` → ``("team_avg", "score", "", "")``.
    """
    history: tuple[tuple[str, str, int], ...] = ()
    """History it reads, as ``(function, name, n)``: ``prior(score, 2)`` → ``("prior", "score", 2)``."""

    @property
    def fn(self) -> Callable[[Env], Any]:
        """
        The formula as a function of an environment, compiled the first time it is asked for.

        Scheme analysis never needs it (the plan's code is generated from every
        formula's nodes together), so a checked formula compiles it only on demand.
        """
        found = self._fn
        if found is None:
            found = function(self.node, "formula")[0]
            object.__setattr__(self, "_fn", found)  # a cache: the formula's meaning does not change
        return found

    def __call__(self, env: Env) -> Any:
        """
        Evaluate on ``env`` (a mapping of names to Decimals, bools or lists).
        """
        return self.fn(env)


class _Checker:
    """
    Walks a parsed formula once: checks it, infers its type, and lowers it to nodes.
    """

    def __init__(
        self,
        text: str,
        names: Mapping[str, Type],
        functions: Mapping[str, Function],
        *,
        path: tuple[str | int, ...] = (),
        groups: Mapping[str, GroupFunction] | None = None,
        scope: Scope | None = None,
    ) -> None:
        self.text, self.scope = text, scope or Scope()
        self.raw = text.encode("utf-8")
        self.names = names
        self.functions = functions
        self.origin = Origin(path)
        self.used: set[str] = set()
        self.groups = groups or {}
        self.group_calls: dict[tuple[str, str, str, str], None] = {}
        self.history_calls: dict[tuple[str, str, int], None] = {}

    def col(self, node: ast.AST) -> int:
        # ast columns count UTF-8 bytes; people count characters.
        offset = getattr(node, "col_offset", 0)
        return len(self.raw[:offset].decode("utf-8", errors="ignore")) + 1

    def const(self, value: Decimal, label: str = "") -> Const:
        return Const(value, NUM, label, self.origin)

    def ref(self, name: str, kind: Type) -> Ref:
        return Ref(name, kind, self.origin)

    def fail(self, node: ast.AST, code: str, message: str, hint: str | None = None) -> FormulaError:
        return FormulaError(code, message, self.col(node), hint)

    def expect(self, node: ast.expr, want: Type, what: str) -> Node:
        out = self.visit(node)
        if out.type != want:
            raise self.fail(node, "formula-type", f"{what} must be a {want}, got a {out.type}")
        return out

    def visit(self, node: ast.AST) -> Node:
        method = getattr(self, f"v_{type(node).__name__}", None)
        if method is None:
            hint = _FORBIDDEN_HINTS.get(type(node))
            name = type(node).__name__
            raise self.fail(
                node,
                "formula-forbidden",
                f"{hint or f'{name} is not allowed in formulas'}",
                "formulas may use numbers, names, + - * / **, comparisons, and/or/not, "
                "'x if c else y' and the documented functions",
            )
        result: Node = method(node)
        return result

    def v_Expression(self, node: ast.Expression) -> Node:
        return self.visit(node.body)

    def v_Constant(self, node: ast.Constant) -> Node:
        value = node.value
        if isinstance(value, bool):
            return Const(value, BOOL, "", self.origin)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.const(self.number(node))
        if isinstance(value, str):
            return Const(self.text_literal(node, value), TEXT, "", self.origin)
        raise self.fail(
            node,
            "formula-forbidden",
            f"{type(value).__name__} is not allowed in formulas",
            'write numbers without quotes, words in quotes ("agent"), names without quotes',
        )

    def text_literal(self, node: ast.AST, value: str) -> str:
        # Words compared with text inputs: short and printable, so they read the same in every output.
        if len(value) > LIMITS.max_text or not value.isprintable():
            raise self.fail(
                node, "formula-literal", f"a word in quotes has at most {LIMITS.max_text} printable characters"
            )
        return value

    def number(self, node: ast.Constant) -> Decimal:
        segment = ast.get_source_segment(self.text, node) or repr(node.value)
        try:
            value = Decimal(segment.replace("_", ""))
        except InvalidOperation:
            raise self.fail(node, "formula-literal", f"cannot read number {segment!r}") from None
        digits = len(value.as_tuple().digits)
        # copy_abs and compare need no context, so a literal like 1e999999999
        # cannot trap Overflow here.
        if not value.is_finite() or digits > LIMITS.max_digits or value.copy_abs() >= LIMITS.max_magnitude:
            raise self.fail(
                node,
                "formula-literal",
                f"number {segment!r} is too large (at most {LIMITS.max_digits} digits, below {LIMITS.max_magnitude:E})",
            )
        return value

    def v_Name(self, node: ast.Name) -> Node:
        if node.id in ("True", "False"):
            return Const(node.id == "True", BOOL, "", self.origin)
        return self.named(node)

    def v_Attribute(self, node: ast.Attribute) -> Node:
        return self.named(node)  # only a qualified name (metrics.minor): names.py refuses every other a.b

    def named(self, node: ast.expr) -> Node:
        name = name_of(self, node)
        assert name is not None  # a Name or an Attribute
        self.used.add(name)
        return self.ref(name, self.names[name])

    def v_UnaryOp(self, node: ast.UnaryOp) -> Node:
        if isinstance(node.op, ast.Not):
            return Unary("not", self.expect(node.operand, BOOL, "the operand of not"), BOOL, self.origin)
        if isinstance(node.op, ast.USub | ast.UAdd):
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return Unary(
                "-" if sign == "-" else "+", self.expect(node.operand, NUM, f"the operand of {sign}"), NUM, self.origin
            )
        raise self.fail(node, "formula-forbidden", "'~' is not allowed")

    def v_BinOp(self, node: ast.BinOp) -> Node:
        op = _ARITH.get(type(node.op))
        if op is None:
            hint = _FORBIDDEN_HINTS.get(type(node.op), f"{type(node.op).__name__} is not allowed")
            raise self.fail(node, "formula-forbidden", hint)
        left = self.expect(node.left, NUM, f"the left side of {op}")
        right = self.power(node.right) if op == "**" else self.expect(node.right, NUM, f"the right side of {op}")
        return Arith(op, left, right, NUM, self.origin)  # type: ignore[arg-type]

    def power(self, node: ast.expr) -> Node:
        # Only a small whole literal exponent: x ** y with y an input is the
        # classic way to make an evaluator compute for ever.
        neg = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
        target = node.operand if neg and isinstance(node, ast.UnaryOp) else node
        if not (isinstance(target, ast.Constant) and type(target.value) is int):
            raise self.fail(node, "formula-power", "the exponent of ** must be a whole number written in the formula")
        if target.value > LIMITS.max_power:
            raise self.fail(node, "formula-power", f"exponent {target.value} is above {LIMITS.max_power}")
        return self.const(Decimal(-target.value if neg else target.value))

    def v_BoolOp(self, node: ast.BoolOp) -> Node:
        op = "and" if isinstance(node.op, ast.And) else "or"
        parts = tuple(self.expect(v, BOOL, f"each side of {op}") for v in node.values)
        return Compare((op,), parts, BOOL, self.origin)

    def v_Compare(self, node: ast.Compare) -> Node:
        first = self.visit(node.left)
        if len(node.ops) == 1 and isinstance(node.ops[0], ast.In | ast.NotIn):
            return self.membership(node, first)
        operands, ops = [first], []
        for op, right in zip(node.ops, node.comparators, strict=True):
            sym = _CMP.get(type(op))
            if sym is None:
                raise self.fail(node, "formula-forbidden", f"{type(op).__name__} comparisons are not allowed")
            same = sym in ("==", "!=") and first.type in (BOOL, TEXT)
            want = first.type if same else NUM
            if first.type == TEXT and not same:
                raise self.fail(node, "formula-type", f"{sym} does not compare words: use == or !=, or in (...)")
            if first.type != want:
                raise self.fail(node, "formula-type", f"{sym} compares numbers, got a {first.type}")
            ops.append(sym)
            operands.append(self.expect(right, want, f"the right side of {sym}"))
        return Compare(tuple(ops), tuple(operands), BOOL, self.origin)

    def membership(self, node: ast.Compare, first: Node) -> Node:
        # channel in ("phone", "chat"): a word among words written in the formula.
        items = node.comparators[0]
        if first.type != TEXT or not isinstance(items, ast.Tuple | ast.List | ast.Set):
            raise self.fail(
                node, "formula-type", '\'in\' checks a word against words in brackets: channel in ("phone", "chat")'
            )
        words = []
        for item in items.elts:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, str)):
                raise self.fail(item, "formula-type", "'in' takes words in quotes only")
            words.append(self.text_literal(item, item.value))
        op = "in" if isinstance(node.ops[0], ast.In) else "not in"
        return Compare((op,), (first, Const(frozenset(words), LIST, "words", self.origin)), BOOL, self.origin)

    def v_IfExp(self, node: ast.IfExp) -> Node:
        test = self.expect(node.test, BOOL, "the condition after 'if'")
        body = self.visit(node.body)
        orelse = self.expect(node.orelse, body.type, "the value after 'else'")
        return Choice(test, body, orelse, body.type, self.origin)

    def v_Call(self, node: ast.Call) -> Node:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node, "formula-forbidden", "only named functions can be called")
        name = node.func.id
        if name.startswith("_"):
            raise self.fail(node, "formula-forbidden", f"names starting with '_' are not allowed ({name!r})")
        if name in self.groups:
            return group_call(self, node, name)
        if name in HISTORY_FUNCTIONS:
            return history_call(self, node, name)
        fn = self.functions.get(name)
        if fn is None and name in GROUP_FUNCTIONS:
            if name.startswith("team_"):
                needs = ("teams", "declare 'teams:' in the scheme (the column naming each employee's team)")
            else:
                needs = ("mentors", "declare 'population: {mentor: <column>}' in the scheme")
            raise self.fail(node, "unknown-function", f"{name}() needs {needs[0]}", needs[1])
        if fn is None:
            raise self.fail(
                node,
                "unknown-function",
                f"unknown function {name!r}{did_you_mean(name, self.functions)}",
                "see the formula reference for the functions and tier tables you can call",
            )
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.fail(node, "formula-forbidden", f"{name}() takes plain arguments, no name=value or *")
        n, want = len(node.args), len(fn.params)
        if n < want or (n > want and not fn.variadic):
            raise self.fail(
                node,
                "formula-arity",
                f"{name}() takes {'at least ' if fn.variadic else ''}{want} argument(s), got {n}",
                f"call it as {fn.signature()}",
            )
        args = []
        for i, arg in enumerate(node.args):
            if i in fn.literal_int:
                args.append(self.places(arg, name))
                continue
            args.append(self.expect(arg, fn.params[min(i, want - 1)], f"argument {i + 1} of {name}()"))
        self.used.add(name)
        # div is inlined: the divisor is a pure expression, so reading it twice
        # is safe and cheaper than a function call per employee.
        inline = "({2} if {1} == {zero} else {0} / {1})" if name == "div" and fn is BUILTINS.get("div") else None
        return Apply(fn.impl, tuple(args), fn.returns, f"fn_{name}", inline, self.origin)

    def places(self, node: ast.expr, name: str) -> Node:
        if not (isinstance(node, ast.Constant) and type(node.value) is int and 0 <= node.value <= 10):
            raise self.fail(node, "formula-literal", f"the places of {name}() must be a whole number 0-10")
        return self.const(Decimal(1).scaleb(-node.value), f"places_{node.value}")


def _check(
    text: str,
    names: Mapping[str, Type],
    functions: Mapping[str, Function],
    want: Type | None,
    *,
    path: tuple[str | int, ...] = (),
    groups: Mapping[str, GroupFunction] | None = None,
    scope: Scope | None = None,
) -> tuple[_Checker, Node]:
    text = text.strip() if isinstance(text, str) else text
    tree = parse(text)
    checker = _Checker(" ".join(text.split("\n")), names, functions, path=path, groups=groups, scope=scope)
    node = checker.visit(tree)
    if want is not None and node.type != want:
        raise FormulaError(
            "formula-type",
            f"this formula must give a {want}, it gives a {node.type}",
            1,
            "a condition gives true/false; an amount or score gives a number",
        )
    return checker, node


def check_formula(
    text: str,
    names: Mapping[str, Type],
    functions: Mapping[str, Function] = BUILTINS,
    *,
    want: Type | None = NUM,
    path: tuple[str | int, ...] = (),
    groups: Mapping[str, GroupFunction] | None = None,
    scope: Scope | None = None,
) -> CompiledFormula:
    """
    Parse and check ``text`` once, lowering it to nodes; compile nothing.

    This is what scheme analysis uses: the plan's code is generated from the
    nodes later, with every other formula of the scheme.  ``scope`` resolves
    qualified names (``metrics.minor``) and names two elements share.
    """
    checker, node = _check(text, names, functions, want, path=path, groups=groups, scope=scope)
    used = frozenset(n for n in checker.used if n in names)
    groups_called, history = tuple(checker.group_calls), tuple(checker.history_calls)
    return CompiledFormula(text, None, node.type, used, "", node, groups_called, history)


def compile_formula(
    text: str,
    names: Mapping[str, Type],
    functions: Mapping[str, Function] = BUILTINS,
    *,
    want: Type | None = NUM,
    label: str = "formula",
    groups: Mapping[str, GroupFunction] | None = None,
) -> CompiledFormula:
    """
    Check ``text`` against the declared ``names`` and ``functions`` and compile it to a function.

    ``want`` is the result type the caller needs (``None`` accepts any);
    ``groups`` are the team functions allowed (when the scheme has teams).
    Raises :class:`FormulaError` with the column of the first problem.
    """
    checked = check_formula(text, names, functions, want=want, groups=groups)
    fn, src = function(checked.node, label)
    return attrs.evolve(checked, fn=fn, source=src)
