"""
The Python backend: nodes become Python source over local variables ``v_<name>``.

One :class:`Emitter` writes the statements of a whole generated function.
An expression is inlined wherever Python can compute it as one expression;
a limit (:class:`Clamp`) becomes two comparisons on a temporary; a choice
whose branches need statements becomes ``if``/``else``.  In the traced twin
every :class:`Fact` is kept in a variable of its own and returned after the
values, so explanations read the very values the code computed.  Constants
are bound in the function's globals under names that say what they are
(``_floor__indicators__quality``), so generated code reads like the scheme.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from decimal import Decimal, DivisionByZero
from types import MethodType
from typing import Any

from .nodes import (
    Apply,
    Arith,
    Choice,
    Clamp,
    Compare,
    Const,
    Fact,
    Node,
    Ref,
    Round,
    Step,
    StepRef,
    Sum,
    TableLookup,
    Unary,
    walk,
)
from .rounding import quantizer_parts

__all__ = ["Emitter", "power", "var"]

_NOT_WORD = re.compile(r"[^A-Za-z0-9_]+")
_TERMS_PER_LINE = 200


def var(name: str) -> str:
    """
    Return the local variable that holds ``name`` in generated code (``grade.value`` → ``v_grade__value``).
    """
    return f"v_{name.replace('.', '__')}"


class Emitter:
    """
    Writes the body of one generated function from nodes; ``traced`` also records facts.
    """

    def __init__(self, namespace: dict[str, Any], *, traced: bool = False, env: str | None = None) -> None:
        # With ``env``, names are read from that mapping (a formula run on its own) instead of locals.
        self.ns, self.traced, self.env = namespace, traced, env
        # What inline templates of Apply nodes may use, besides constants.
        for name, value in (("_ZERO", Decimal(0)), ("_sum", sum), ("_D", Decimal), ("_len", len)):
            self.ns.setdefault(name, value)
        self.body: list[tuple[str, StepRef | None]] = []
        self.facts: list[tuple[StepRef, str]] = []
        self.indent = ""
        self.ref: StepRef | None = None
        self.temps = 0
        self._memo: list[dict[int, str]] = [{}]
        self._consts: dict[tuple[str, type, str], str] = {}

    # -- output ------------------------------------------------------------------------------------------------
    def emit(self, *lines: str) -> None:
        """
        Append statements at the current indentation, mapped to the current step.
        """
        self.body.extend((self.indent + line, self.ref) for line in lines)

    def const(self, value: Any, label: str = "") -> str:
        """
        Bind ``value`` in the function's globals and return its name.
        """
        plain = isinstance(value, Decimal | bool | str | tuple)
        # A bound method is a new object at each access (``lookup.index``): it is the same
        # constant when bound to the same object, not one more name per use.
        ident = f"{id(value.__self__)}.{value.__func__.__qualname__}" if isinstance(value, MethodType) else id(value)
        key = (label, type(value), str(value) if plain else str(ident))
        found = self._consts.get(key)
        if found is not None:
            return found
        base = "_" + (_NOT_WORD.sub("_", label).strip("_") or "c")
        name, k = base, 1
        while name in self.ns:
            k += 1
            name = f"{base}_{k}"
        self.ns[name] = value
        self._consts[key] = name
        return name

    def temp(self) -> str:
        """
        Return a fresh temporary variable name.
        """
        self.temps += 1
        return f"_t{self.temps}"

    # -- steps -------------------------------------------------------------------------------------------------
    def step(self, step: Step) -> list[str]:
        """
        Write the statements of ``step`` and return the names it defines, in order.
        """
        self.ref = step.ref
        self._memo = [{}]
        for node in step.prelude:
            self.bind(node)
        if self.traced:
            for node in step.traced_only:
                self.expr(node)
        names = [name for name, _ in step.outputs]
        if step.guard is None:
            for name, node in step.outputs:
                self.emit(f"{var(name)} = {self.expr(node)}")
            return names
        self.emit(f"if {self.expr(step.guard)}:")
        start = len(self.facts)
        self.block(lambda: self._assign(step.outputs))
        inside = range(start, len(self.facts))
        defaults = [f"{var(n)} = {self.expr(x)}" for (n, _), x in zip(step.outputs, step.otherwise, strict=True)]
        self.emit("else:")
        # The facts of the branch not taken still exist, as None.
        self.block(lambda: self.emit(*defaults, *(f"_fact{k} = None" for k in inside)))
        return names

    def _assign(self, outputs: tuple[tuple[str, Node], ...]) -> None:
        for name, node in outputs:
            self.emit(f"{var(name)} = {self.expr(node)}")

    def block(self, write: Callable[[], object]) -> None:
        """
        Write an indented block with a memo of its own (what it computes is not known after it).
        """
        self.indent += "    "
        self._memo.append(dict(self._memo[-1]))
        write()
        self._memo.pop()
        self.indent = self.indent[:-4]

    def bind(self, node: Node) -> str:
        """
        Compute ``node`` once into a variable (unless it already is one) and remember it.
        """
        text = self.expr(node)
        if not text.isidentifier():
            name = self.temp()
            self.emit(f"{name} = {text}")
            text = name
        self._memo[-1][id(node)] = text
        return text

    # -- expressions -------------------------------------------------------------------------------------------
    def expr(self, node: Node) -> str:
        """
        Return ``node`` as a Python expression, writing any statements it needs first.
        """
        known = self._memo[-1].get(id(node))
        if known is not None:
            return known
        write: Callable[[Emitter, Any], str] = _WRITERS[type(node)]
        return write(self, node)

    def _ref(self, node: Ref) -> str:
        return var(node.name) if self.env is None else f"{self.env}[{node.name!r}]"

    def _arith(self, node: Arith) -> str:
        if node.op == "**":
            return f"{self.const(power, 'power')}({self.expr(node.left)}, {self.expr(node.right)})"
        return f"({self.expr(node.left)} {node.op} {self.expr(node.right)})"

    def _unary(self, node: Unary) -> str:
        operand = self.expr(node.operand)
        return f"(not {operand})" if node.op == "not" else f"({node.op}{operand})"

    def _apply(self, node: Apply) -> str:
        args = [self.expr(a) for a in node.args]
        if node.inline is not None:
            fn = self.const(node.fn, node.label) if "{fn}" in node.inline else ""
            return node.inline.format(*args, zero="_ZERO", fn=fn)
        return f"{self.const(node.fn, node.label)}({', '.join(args)})"

    def _round(self, node: Round) -> str:
        quantum, mode = quantizer_parts(node.rule)
        q, m = self.const(quantum, f"quantum_{node.rule.places}"), self.const(mode, f"mode_{node.rule.mode}")
        return f"{self.expr(node.value)}.quantize({q}, {m})"

    def _sum(self, node: Sum) -> str:
        text = self.expr(node.base)
        for k, (sign, term) in enumerate(node.terms):
            if k and k % _TERMS_PER_LINE == 0:
                # Python's compiler recurses once per operator of an expression (about 3,000
                # overflow it), so a long sum goes on in statements, in the same order.
                name = self.temp()
                self.emit(f"{name} = {text}")
                text = name
            text += f" {'+' if sign > 0 else '-'} {self.expr(term)}"
        return text if not node.terms else f"({text})"

    def _const(self, node: Const) -> str:
        if node.type == "bool":
            return "True" if node.value else "False"
        if node.type == "text" and isinstance(node.value, str):
            return repr(node.value)  # a str's repr is a plain literal: nothing in it can run
        if isinstance(node.value, Decimal) and node.value == 0 and str(node.value) == "0":
            return "_ZERO"
        return self.const(node.value, node.label or _describe(node.value))

    def _compare(self, node: Compare) -> str:
        if node.ops[0] in ("and", "or"):
            return "(" + f" {node.ops[0]} ".join(self.expr(x) for x in node.operands) + ")"
        out = [self.expr(node.operands[0])]
        for op, right in zip(node.ops, node.operands[1:], strict=True):
            out += [op, self.expr(right)]
        return "(" + " ".join(out) + ")"

    def _choice(self, node: Choice) -> str:
        if not (self._needs_statements(node.then) or self._needs_statements(node.orelse)):
            return f"({self.expr(node.then)} if {self.expr(node.test)} else {self.expr(node.orelse)})"
        result = self.temp()
        start = len(self.facts)
        self.emit(f"if {self.expr(node.test)}:")
        self.block(lambda: self.emit(f"{result} = {self.expr(node.then)}"))
        mark, then_facts = len(self.body), range(start, len(self.facts))
        self.emit("else:")
        self.block(lambda: self.emit(f"{result} = {self.expr(node.orelse)}", *(f"_fact{k} = None" for k in then_facts)))
        # Facts of the else branch are None when the first branch is taken.
        else_facts = range(then_facts.stop, len(self.facts))
        pad = self.indent + "    "
        self.body[mark:mark] = [(f"{pad}_fact{k} = None", self.ref) for k in else_facts]
        return result

    def _needs_statements(self, node: Node) -> bool:
        return any(
            isinstance(n, Clamp)
            or (isinstance(n, Sum) and len(n.terms) > _TERMS_PER_LINE)
            or (self.traced and isinstance(n, Fact))
            for n in walk(node)
        )

    def _lookup(self, node: TableLookup) -> str:
        value, table = self.expr(node.value), node.table
        label = _NOT_WORD.sub("_", table.name)
        if node.labels:
            from_bands = table.labels_oriented
            if from_bands is None:
                return f"{self.const(table.label, f'grade_of_{label}')}({value})"
            side, cuts, labels = from_bands
        elif table.oriented is None:
            return f"{self.const(table.fn, f'table_{label}')}({value})"
        else:
            side, cuts, labels = table.oriented
        # A table whose bands one bisect can pick is written inline over its sorted thresholds.
        search = self.const(bisect_right if side == "right" else bisect_left, f"bisect_{side}")
        picks = self.const(labels, f"{'grades' if node.labels else 'points'}_{label}")
        return f"{picks}[{search}({self.const(cuts, f'bounds_{label}')}, {value})]"

    def _clamp(self, node: Clamp) -> str:
        name = self.bind_temp(node.value)
        where = "_".join(str(p) for p in node.origin.path)
        if node.floor is not None:
            low = self.const(node.floor, f"floor_{where}")
            self.emit(f"if {name} < {low}: {name} = {low}")
        if node.cap is not None:
            head = "elif" if node.floor is not None else "if"
            cap = self.const(node.cap, f"cap_{where}")
            self.emit(f"{head} {name} > {cap}: {name} = {cap}")
        self._memo[-1][id(node)] = name
        return name

    def bind_temp(self, node: Node) -> str:
        """
        Compute ``node`` into a fresh temporary that later statements may change (a limit's subject).
        """
        name = self.temp()
        self.emit(f"{name} = {self.expr(node)}")
        return name

    def _fact(self, node: Fact) -> str:
        if not self.traced:
            return self.expr(node.value)
        assert self.ref is not None
        value = self.expr(node.value)
        name = f"_fact{len(self.facts)}"
        self.facts.append((self.ref, node.key))
        self.emit(f"{name} = {value}")
        self._memo[-1][id(node)] = name
        return name


def power(x: Decimal, n: Decimal) -> Decimal:
    """
    Return ``x ** n`` (``n`` a whole literal); ``0 ** -n`` is a division by zero, never Infinity.
    """
    # Decimal gives Infinity for 0 ** -1 without raising, even with DivisionByZero trapped, and
    # min(Infinity, 100) would then pay 100 as if nothing had happened.
    if n < 0 and x == 0:
        raise DivisionByZero(f"0 ** {n}")
    result: Decimal = x**n
    return result


def _describe(value: Any) -> str:
    if isinstance(value, Decimal):
        return "d_" + format(value, "f").replace("-", "minus_").replace(".", "_")[:24]
    return "c"


#: How each node type of the closed set is written: a test checks every one has an entry.
_WRITERS: dict[type, Callable[[Emitter, Any], str]] = {
    Const: Emitter._const,
    Ref: Emitter._ref,
    Unary: Emitter._unary,
    Arith: Emitter._arith,
    Compare: Emitter._compare,
    Choice: Emitter._choice,
    Apply: Emitter._apply,
    TableLookup: Emitter._lookup,
    Clamp: Emitter._clamp,
    Round: Emitter._round,
    Sum: Emitter._sum,
    Fact: Emitter._fact,
}
