"""
Declared input constraints: relations between a row's inputs that every row must keep.

A scheme's ``constraints:`` lists chains of comparisons over input names and
numbers, such as ``days_worked <= days_scheduled``.  They say what the
metrics' own ``min``/``max`` cannot: how two inputs of one row relate.  The
row reader refuses a row that breaks one (``constraint-broken``, naming the
row, the employee and the values), and the bounds analysis and ``perfrules
check`` rely on them, so a promise such as "the prorated base never exceeds
the base" can be proven.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation

import attrs

from .._errors import Issue
from .._model import Scheme
from .._suggest import did_you_mean

__all__ = ["Constraint", "constraint_issues", "read_constraints"]

_OPS = ("<=", ">=", "<", ">")
_SPLIT = re.compile(r"\s*(<=|>=|<|>)\s*")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TEST: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


@attrs.frozen
class Constraint:
    """
    One declared constraint: ``terms`` (input names and numbers) joined by ``ops`` (``<``, ``<=``, ``>``, ``>=``).
    """

    text: str
    index: int
    terms: tuple[str | Decimal, ...]
    ops: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The input names the constraint relates, in the order written."""
        return tuple(t for t in self.terms if isinstance(t, str))

    def pairs(self) -> Iterator[tuple[str | Decimal, str, str | Decimal]]:
        """Yield each comparison of the chain as ``(left, op, right)``."""
        for k, op in enumerate(self.ops):
            yield self.terms[k], op, self.terms[k + 1]

    def below(self) -> Iterator[tuple[str | Decimal, str | Decimal]]:
        """Yield ``(a, b)`` for every ``a <= b`` (or ``a < b``) the chain states, ``>`` turned around."""
        for left, op, right in self.pairs():
            yield (left, right) if op in ("<", "<=") else (right, left)

    def broken(self, value: Callable[[str], object]) -> tuple[str, str, str, str] | None:
        """
        Return ``(left, op, right, column)`` for the first comparison the values break, or ``None``.

        ``left`` and ``right`` are shown with their values; ``column`` is an input the comparison reads.

        ``value(name)`` gives an input's value; a comparison with a missing value is not judged.
        """
        for left, op, right in self.pairs():
            a = value(left) if isinstance(left, str) else left
            b = value(right) if isinstance(right, str) else right
            if not isinstance(a, Decimal) or not isinstance(b, Decimal) or a.is_nan() or b.is_nan():
                continue
            if not _TEST[op](a, b):
                column = left if isinstance(left, str) else str(right)
                return (_shown(left, a), op, _shown(right, b), column)
        return None


def _shown(term: str | Decimal, value: Decimal) -> str:
    return f"{term} {value}" if isinstance(term, str) else str(value)


def _parse(text: str, index: int) -> Constraint:
    parts = _SPLIT.split(text.strip())
    terms, ops = parts[0::2], parts[1::2]
    if len(terms) < 2 or len(ops) != len(terms) - 1:
        raise ValueError("write a comparison of inputs, such as 'days_worked <= days_scheduled'")
    read: list[str | Decimal] = []
    for term in terms:
        if _NAME.match(term):
            read.append(term)
            continue
        try:
            number = Decimal(term)
        except InvalidOperation:
            raise ValueError(f"{term!r} is neither an input's name nor a number") from None
        if not number.is_finite():
            raise ValueError(f"{term!r} is not a finite number")
        read.append(number)
    if not any(isinstance(t, str) for t in read):
        raise ValueError("a constraint names at least one input")
    return Constraint(text, index, tuple(read), tuple(ops))


def _inputs(scheme: Scheme) -> tuple[dict[str, str], list[str]]:
    # Number inputs a constraint may relate, and every other name (for a clearer message).
    from .._plugins import metric_type

    numbers: dict[str, str] = {}
    others = []
    for m in scheme.metrics:
        kind = None if m.formula is not None else metric_type(m.type)
        if kind is not None and kind.value_type == "number":
            numbers[m.name] = m.type
        else:
            others.append(m.name)
    return numbers, others


def constraint_issues(scheme: Scheme) -> list[Issue]:
    """
    Return an error for every constraint of ``scheme`` that cannot be read or names something other than an input.
    """
    return _read(scheme)[1]


def read_constraints(scheme: Scheme) -> tuple[Constraint, ...]:
    """
    Return the scheme's constraints, read; those with errors (see :func:`constraint_issues`) are left out.
    """
    return tuple(_read(scheme)[0])


def _read(scheme: Scheme) -> tuple[list[Constraint], list[Issue]]:
    numbers, others = _inputs(scheme)
    found: list[Constraint] = []
    issues: list[Issue] = []
    for k, text in enumerate(scheme.constraints):
        path = ("constraints", k)
        try:
            c = _parse(text, k)
        except ValueError as exc:
            issues.append(Issue("bad-constraint", f"constraint {text!r}: {exc}", path))
            continue
        bad = False
        for name in c.names:
            if name in numbers:
                continue
            bad = True
            if name in others:
                why = f"{name!r} is not a number read from the row (a derived metric, list or text)"
                hint = "a constraint relates number inputs as they are read, before any rule runs"
            else:
                why = f"unknown input {name!r}{did_you_mean(name, numbers)}"
                hint = f"the number inputs are {', '.join(numbers) or 'none'}"
            issues.append(Issue("bad-constraint", f"constraint {text!r}: {why}", path, "error", hint))
        if not bad:
            found.append(c)
    return found, issues
