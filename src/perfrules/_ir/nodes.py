"""
The typed intermediate representation: a small, closed set of frozen node types.

A checked scheme lowers to one :class:`Step` per element, each a DAG of these
nodes.  Every backend reads the same nodes: the Python row code and its traced
twin, explanations (through :class:`Fact` nodes), evaluation-order analysis
(through :class:`Ref` nodes).  A node knows its value type and where it came
from, so errors and explanations can name the element and the formula.

Nodes compare by identity: a node used twice is one value computed once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, Literal

import attrs

from .._model import Rounding

__all__ = [
    "BOOL",
    "LIST",
    "NODE_TYPES",
    "NUM",
    "TEXT",
    "Apply",
    "Arith",
    "Choice",
    "Clamp",
    "Compare",
    "Const",
    "Fact",
    "Node",
    "Origin",
    "Path",
    "Ref",
    "Round",
    "Step",
    "StepRef",
    "Sum",
    "TableLookup",
    "Type",
    "Unary",
    "children",
    "walk",
]

Type = Literal["number", "bool", "list", "text"]
NUM: Type = "number"
BOOL: Type = "bool"
LIST: Type = "list"
TEXT: Type = "text"

Path = tuple[str | int, ...]
StepRef = tuple[str, str]
"""A step of evaluation: ``(collection, name)`` — ``("indicators", "conversion")``, ``("score", "score")``."""


@attrs.frozen(slots=True)
class Origin:
    """
    Where a node came from: the path of the scheme field, and the formula text when it is a formula's root.
    """

    path: Path
    text: str | None = None


_NOWHERE = Origin(())


@attrs.frozen(slots=True, eq=False)
class Const:
    """
    A constant of the scheme: a Decimal literal, a bool, a parameter's value; ``label`` names it in generated code.
    """

    value: Any
    type: Type = NUM
    label: str = ""
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Ref:
    """
    The value of a name: an input, a parameter, another element, a group or history value.
    """

    name: str
    type: Type
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Unary:
    """
    ``-x``, ``+x`` or ``not x``.
    """

    op: Literal["-", "+", "not"]
    operand: Node
    type: Type
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Arith:
    """
    ``left op right`` with ``op`` one of ``+ - * / **``.
    """

    op: Literal["+", "-", "*", "/", "**"]
    left: Node
    right: Node
    type: Type = NUM
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Compare:
    """
    A chain of comparisons (``a < b <= c``) or a boolean connective (``ops == ("and",)``, ``("or",)``).
    """

    ops: tuple[str, ...]
    operands: tuple[Node, ...]
    type: Type = BOOL
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Choice:
    """
    ``then if test else orelse``: only the branch taken is computed.
    """

    test: Node
    then: Node
    orelse: Node
    type: Type
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Apply:
    """
    A pure function of the engine applied to arguments: a formula function, a scorer, a schedule.

    ``inline`` is a Python expression template (``{0}``, ``{1}``...) the code
    generator may write instead of a call, for functions cheap enough to inline.
    """

    fn: Callable[..., Any]
    args: tuple[Node, ...]
    type: Type
    label: str
    inline: str | None = None
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class TableLookup:
    """
    A tier-table lookup: the points (or label) of the band that holds ``value``.

    ``table`` is the compiled table (:class:`perfrules._formula.tables.Lookup`);
    ``labels`` picks the band's label instead of its points (grades).
    """

    table: Any
    value: Node
    type: Type = NUM
    labels: bool = False
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Clamp:
    """
    ``value`` kept within ``floor`` and ``cap``: the one rule for limits.

    A floor is applied first, then a cap; the checker refuses a cap below a
    floor, so the order can never change a value.  :meth:`limited` says which
    limit bit, for explanations, by the same rule.
    """

    value: Node
    floor: Decimal | None
    cap: Decimal | None
    type: Type = NUM
    origin: Origin = _NOWHERE

    def limited(self, raw: Any) -> tuple[str, Decimal] | None:
        """
        Return ``("floor", limit)`` or ``("cap", limit)`` when a limit changed ``raw``, else ``None``.
        """
        if raw is None:
            return None
        if self.floor is not None and raw < self.floor:
            return "floor", self.floor
        if self.cap is not None and raw > self.cap:
            return "cap", self.cap
        return None


@attrs.frozen(slots=True, eq=False)
class Round:
    """
    ``value`` rounded by a declared rule (places and mode).
    """

    value: Node
    rule: Rounding
    type: Type = NUM
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Sum:
    """
    ``base`` plus and minus named terms, in the order given (Decimal addition is rounded, so order is kept).

    Each term is ``(sign, node)`` with sign ``+1`` or ``-1``.
    """

    base: Node
    terms: tuple[tuple[int, Node], ...]
    type: Type = NUM
    origin: Origin = _NOWHERE


@attrs.frozen(slots=True, eq=False)
class Fact:
    """
    A value an explanation shows: transparent in the plain backend, recorded by the traced one.

    ``key`` is the fact's name within its step (``points``, ``band``, ``gross``).
    """

    key: str
    value: Node
    origin: Origin = _NOWHERE

    @property
    def type(self) -> Type:
        """The type of the value recorded."""
        return self.value.type


Node = Const | Ref | Unary | Arith | Compare | Choice | Apply | TableLookup | Clamp | Round | Sum | Fact

#: The closed set: backends dispatch on exactly these.
NODE_TYPES: tuple[type, ...] = (Const, Ref, Unary, Arith, Compare, Choice, Apply, TableLookup, Clamp, Round, Sum, Fact)


def children(node: Node) -> tuple[Node, ...]:
    """
    Return the nodes ``node`` reads, in evaluation order.
    """
    if isinstance(node, Const | Ref):
        return ()
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Arith):
        return (node.left, node.right)
    if isinstance(node, Compare):
        return node.operands
    if isinstance(node, Choice):
        return (node.test, node.then, node.orelse)
    if isinstance(node, Apply):
        return node.args
    if isinstance(node, Sum):
        return (node.base, *(t for _, t in node.terms))
    return (node.value,)


def walk(node: Node) -> Iterator[Node]:
    """
    Yield ``node`` and every node below it once (a DAG may share nodes).
    """
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        stack.extend(children(n))


@attrs.frozen(slots=True)
class Step:
    """
    One element of a scheme, lowered: the values it defines, each a node DAG.

    ``outputs`` are ``(name, node)`` pairs in order (an adjustment with a share
    defines ``name`` and ``name.whole``).  ``kind`` names the rule kind that
    lowered it, which also explains it.  ``prelude`` nodes are computed first,
    once, and may be read by several outputs (a sum that a veto may zero);
    ``traced_only`` facts are computed only by the traced backend (the band a
    value fell in).  With a ``guard``, the outputs are computed only when it
    holds, and take the ``otherwise`` values when it does not (the facts of
    the branch not taken are ``None``).  ``after`` names steps this one follows
    although it reads none of their values (a grade follows the score).
    """

    ref: StepRef
    kind: str
    outputs: tuple[tuple[str, Node], ...]
    element: Any = None
    prelude: tuple[Node, ...] = ()
    traced_only: tuple[Node, ...] = ()
    guard: Node | None = None
    otherwise: tuple[Node, ...] = ()
    after: tuple[StepRef, ...] = ()

    def roots(self) -> tuple[Node, ...]:
        """
        Return every root node of the step: prelude, guard, outputs, defaults and traced-only facts.
        """
        guard = () if self.guard is None else (self.guard,)
        return (*self.prelude, *guard, *(n for _, n in self.outputs), *self.otherwise, *self.traced_only)

    def reads(self) -> set[str]:
        """
        Return every name this step's nodes read.
        """
        return {n.name for root in self.roots() for n in walk(root) if isinstance(n, Ref)}

    def limit(self, output: int = 0) -> Clamp | None:
        """
        Return the limit (the :class:`Clamp`) that bounds output ``output`` (negative counts from the end), if any.

        Explanations ask the very node that applied the limit which limit bit.
        """
        return next((n for n in walk(self.outputs[output][1]) if isinstance(n, Clamp)), None)

    def facts(self) -> Iterator[Fact]:
        """
        Yield this step's facts, each once.
        """
        seen: set[int] = set()
        for root in self.roots():
            for n in walk(root):
                if isinstance(n, Fact) and id(n) not in seen:
                    seen.add(id(n))
                    yield n
