"""
What every rule kind shares: the analysis context it checks and lowers in, and the explanation records.

A rule kind is one module with one object that has

* ``collection`` and ``kind`` (the explanation line's kind),
* ``elements(scheme)``: ``(step, element)`` pairs for the scheme's elements of this kind,
* ``check(ctx, element)``: record issues and check its formulas (each parsed once, here),
* ``lower(ctx, step, element)``: return the :class:`~perfrules._ir.Step` of nodes that computes it,
* ``explain(ex, step, element)``: return the :class:`Line` that explains it, from the values its nodes computed,
* ``messages``: the keys of the catalogue sentences it words lines with, and ``render(words, line)``
  (the sentences are in the message catalogues, :mod:`perfrules._explain.catalogues`).

The phase drivers (validate, compile, explain) loop over the registry in
:mod:`perfrules._kinds`; nothing else knows what a kind means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, NamedTuple, Protocol, TypeVar

import attrs

from .._errors import Issue
from .._formula import (
    LIMITS,
    QUALIFIERS,
    CompiledFormula,
    FormulaError,
    Function,
    Lookup,
    Scope,
    check_formula,
    groups_for,
)
from .._ir import Arith, Clamp, Const, Fact, Node, Origin, Path, Step, StepRef, Type
from .._model import Scheme, plain_text
from .people import group_scopes

__all__ = ["Context", "Explaining", "Kind", "Line", "at_places", "fact", "limit_facts", "zero_at"]

E_contra = TypeVar("E_contra", contravariant=True)


class Line(NamedTuple):
    """
    One step of an explanation: what was computed, from what, and the facts that decided it.
    """

    step: str
    kind: str
    name: str
    label: str | None
    value: Any
    facts: Mapping[str, Any]
    reads: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """
        Return the line as JSON-ready data.
        """
        return {
            "step": self.step,
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "value": _plain(self.value),
            "facts": _plain(dict(self.facts)),
            "reads": _plain(dict(self.reads)),
        }


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain_text(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


@attrs.define
class Context:
    """
    What analysis knows of a scheme while kinds check and lower it.
    """

    scheme: Scheme
    issues: list[Issue] = attrs.field(factory=list)
    types: dict[str, Type] = attrs.field(factory=dict)
    functions: dict[str, Function] = attrs.field(factory=dict)
    lookups: dict[Path, Lookup] = attrs.field(factory=dict)
    formulas: dict[Path, CompiledFormula] = attrs.field(factory=dict)
    used: set[str] = attrs.field(factory=set)
    scopes: frozenset[str] = frozenset()
    names: Scope = attrs.field(factory=Scope)
    """Qualified spellings and the names a metric shares with another element (see ``_formula/names.py``)."""
    keys: dict[str, str] = attrs.field(factory=dict)
    """Each metric's value name: its own, or ``metrics.name`` when another element has that name too."""

    def error(self, code: str, message: str, path: Path, hint: str | None = None) -> None:
        """
        Record an error at ``path``.
        """
        self.issues.append(Issue(code, message, path, hint=hint))

    def formula(self, path: Path, text: str | None, want: Type) -> CompiledFormula | None:
        """
        Parse and check the formula at ``path`` once; record it, or the problem with it.
        """
        if text is None:
            return None
        # Team functions exist only in a scheme with teams, and not in the rule that
        # says who counts in a team (that would read the team before it is known).
        groups = groups_for(str(path[0]), self.scopes or group_scopes(self.scheme))
        # A rule's own name in its own formulas can only be the metric it shares the name with.
        own = str(path[1]) if len(path) > 1 and path[0] in QUALIFIERS and path[0] != "metrics" else None
        scope = attrs.evolve(self.names, own=own) if own in self.names.shared else self.names
        try:
            compiled = check_formula(text, self.types, self.functions, want=want, path=path, groups=groups, scope=scope)
        except FormulaError as exc:
            self.issues.append(exc.issue(path, text))
            self.used.update(_words(text))  # so a typo elsewhere does not also report "unused"
            return None
        self.formulas[path] = compiled
        self.used.update(compiled.names)
        self.used.update(name for _, arg, cond, _ in compiled.groups for name in (arg, cond) if name)
        self.used.update(arg for _, arg, _ in compiled.history)
        return compiled

    def node(self, path: Path) -> Node:
        """
        Return the checked formula at ``path`` as nodes, its root marked with where it came from and its text.
        """
        f = self.formulas[path]
        root = f.node
        # The root carries the formula's text, for error messages; the node itself is shared as is.
        return attrs.evolve(root, origin=Origin(path, f.text)) if root.origin.text is None else root

    def const(self, value: Decimal, label: str, path: Path = ()) -> Const:
        """
        Return a number of the scheme as a constant node named ``label``.
        """
        return Const(value, "number", label, Origin(path))


def _words(text: str) -> set[str]:
    # The names a broken formula mentions, scanned as words (it may not parse).
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text[: LIMITS.max_length]))


def limit_facts(clamp: Clamp | None, raw: Any) -> dict[str, Any]:
    """
    Return which limit changed ``raw`` (``limited_by``, ``limit``, ``before_limit``), by the clamp's own rule.
    """
    hit = clamp.limited(raw) if clamp is not None else None
    if hit is None:
        return {}
    return {"limited_by": hit[0], "limit": hit[1], "before_limit": raw}


class Explaining(Protocol):
    """
    What a kind reads to explain one employee's step: values, facts, what formulas read.
    """

    scheme: Scheme
    env: Mapping[str, Any]
    note: str | None
    final: str | None

    def facts(self, ref: StepRef) -> dict[str, Any]:
        """Return the facts the traced code recorded for ``ref``, by key."""

    def reads(self, ref: StepRef) -> dict[str, Any]:
        """Return the values the step's formulas read, by name."""

    def step(self, ref: StepRef) -> Step:
        """Return the lowered step ``ref``."""

    def terms(self, names: list[str], adjs: list[Any]) -> list[tuple[str, Decimal]]:
        """Return the signed terms of a sum, as explanations list them."""


class Kind(Protocol[E_contra]):
    """
    One rule kind: checks itself, lowers itself to nodes, and words its explanation.

    ``E_contra`` is the model class of its elements.
    """

    collection: str
    kind: str
    messages: ClassVar[tuple[str, ...]]

    def elements(self, scheme: Scheme) -> Iterable[tuple[StepRef, Any]]:
        """Yield ``(step, element)`` for the scheme's elements of this kind, in file order."""

    def check(self, ctx: Context, element: E_contra) -> None:
        """Record every problem of ``element`` and check its formulas."""

    def lower(self, ctx: Context, ref: StepRef, element: E_contra) -> Step:
        """Return the nodes that compute ``element``."""

    def explain(self, ex: Explaining, ref: StepRef, element: E_contra) -> Line:
        """Return the explanation line of ``element`` for one employee."""

    def render(self, words: Mapping[str, str], line: Line) -> str | None:
        """Return the line as a sentence in the language of ``words`` (``None`` to leave it out)."""


def fact(key: str, node: Node) -> Fact:
    """
    Mark ``node`` as a value explanations show, under ``key``.
    """
    return Fact(key, node, node.origin)


def zero_at(places: int) -> Const:
    """
    Return zero written with ``places`` places (``0.00``): what an amount that is nothing shows.
    """
    return Const(Decimal(0).scaleb(-places), "number", f"zero_{places}")


def at_places(node: Node, places: int) -> Node:
    """
    Return ``node`` written with at least ``places`` places, its value unchanged (``10`` → ``10.00``).

    Adding a zero of that many places pads and never rounds (Decimal keeps the smaller exponent of a
    sum), so every engine writes the same text: money shows its cents, scores one number of places.
    """
    return Arith("+", node, zero_at(places))
