"""
Small named validators for the model, in the manner of ``attrs.validators``.

Each one raises ``TypeError`` or ``ValueError`` whose message says the field's
name, what was expected and what was got, so a scheme built in Python fails as
clearly as one loaded from a file.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import attrs

from .._limits import LIMITS, number_problem, text_problem

__all__ = [
    "check_texts",
    "decimal",
    "decimal_tuple",
    "exact",
    "exact_tuple",
    "identifier",
    "identifiers",
    "is_identifier",
    "nonempty",
    "optional_decimal",
    "optional_decimal_tuple",
    "optional_exact",
    "positive",
    "probability",
]

# The one name grammar: ASCII letters, digits and '_', matched against the
# whole text (fullmatch: '$' would let "p\n" through).
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _got(value: object) -> str:
    return f"{value!r} that is a {type(value).__name__}"


def exact(value: Decimal | int) -> Decimal:
    """
    Convert a plain ``int`` to its ``Decimal`` (``Param("baseline", 80)``); leave anything else to the validator.

    Only ``int`` is converted: it is exact.  A ``bool`` is not a number here, and a
    ``float`` is refused by the validator (``0.1`` is not exactly 0.1).
    """
    if value.__class__ is int:
        return Decimal(value)
    return value  # type: ignore[return-value]  # not a Decimal: the validator says what is wrong


def optional_exact(value: Decimal | int | None) -> Decimal | None:
    """
    Like :func:`exact` but also pass ``None`` through.
    """
    return None if value is None else exact(value)


def exact_tuple(value: Iterable[Decimal | int] | None) -> tuple[Decimal, ...] | None:
    """
    Convert a list or tuple of ints and Decimals to a tuple of Decimals; leave anything else to the validator.
    """
    if isinstance(value, list | tuple):
        return tuple(exact(x) for x in value)
    return value  # type: ignore[return-value]  # None, or not a sequence: the validator says what is wrong


def decimal(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require an exact, finite ``Decimal`` (an ``int`` is converted first); a float is refused: it is not exact.
    """
    if isinstance(value, float):
        raise TypeError(
            f"'{attr.name}' must be a Decimal or an int, not a float: {value!r} is not exact as a float "
            f"(write Decimal({str(value)!r}))"
        )
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise TypeError(f"'{attr.name}' must be a Decimal or an int (got {_got(value)})")
    problem = number_problem(value)
    if problem is not None:
        raise ValueError(f"'{attr.name}' is refused: {problem}")


def optional_decimal(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Like :func:`decimal` but also accept ``None``.
    """
    if value is not None:
        decimal(inst, attr, value)


def decimal_tuple(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require a tuple of finite Decimals.
    """
    if not isinstance(value, tuple):
        raise TypeError(f"'{attr.name}' must be a tuple of Decimal (got {_got(value)})")
    if len(value) > LIMITS.elements:
        raise ValueError(f"'{attr.name}' has {len(value)} items, more than {LIMITS.elements}")
    for item in value:
        decimal(inst, attr, item)


def positive(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require a Decimal greater than zero, or ``None``.
    """
    if value is None:
        return
    decimal(inst, attr, value)
    assert isinstance(value, Decimal)
    if value <= 0:
        raise ValueError(f"'{attr.name}' must be greater than 0 (got {value})")


def probability(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require a Decimal fraction in [0, 1], or ``None``.
    """
    if value is None:
        return
    decimal(inst, attr, value)
    assert isinstance(value, Decimal)
    if not Decimal(0) <= value <= Decimal(1):
        raise ValueError(f"'{attr.name}' must be between 0 and 1 (got {value})")


def is_identifier(value: object) -> bool:
    """
    Return whether ``value`` is a name usable inside formulas (the one name grammar).
    """
    return (
        isinstance(value, str)
        and len(value) <= LIMITS.name_chars
        and _IDENT.fullmatch(value) is not None
        and not keyword.iskeyword(value)
        and "__" not in value
    )


def identifier(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require a name usable inside formulas: letters, digits and ``_``, no keyword, no dunder.
    """
    if not isinstance(value, str):
        raise TypeError(f"'{attr.name}' must be a str (got {_got(value)})")
    if not is_identifier(value):
        shown = repr(value) if len(value) <= LIMITS.name_chars else f"{value[: LIMITS.name_chars]!r}..."
        raise ValueError(
            f"'{attr.name}' must be a name of at most {LIMITS.name_chars} ASCII letters, digits and '_' "
            f"that does not start with a digit, has no '__' and is not a Python keyword (got {shown})"
        )


def check_texts(value: object, where: str) -> None:
    """
    Refuse any text inside ``value`` (an attrs model, walked without recursion) that is over budget.

    Formulas longer than the budget are refused here, when the model is built,
    so that no later phase parses or even scans them.  Only the field's name is
    kept while walking (no path is formatted unless a text is refused), so the
    walk costs little more than reading each field once.
    """
    stack: list[tuple[object, str]] = [(value, where)]
    while stack:
        item, name = stack.pop()
        if item.__class__ is str:
            problem = text_problem(item)  # type: ignore[arg-type,unused-ignore]
            if problem is not None:
                raise ValueError(f"'{name}': {problem}")
        elif isinstance(item, tuple):
            stack.extend((x, name) for x in item)
        elif attrs.has(type(item)):
            fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(type(item))  # type: ignore[arg-type]
            stack.extend((getattr(item, f.name), f.name) for f in fields)


def identifiers(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require a tuple of distinct names (each as :func:`identifier` requires).
    """
    if not isinstance(value, tuple):
        raise TypeError(f"'{attr.name}' must be a tuple of names (got {_got(value)})")
    for item in value:
        identifier(inst, attr, item)
    repeated = sorted({x for x in value if value.count(x) > 1})
    if repeated:
        raise ValueError(f"'{attr.name}' names {', '.join(repeated)} more than once")


def nonempty(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require ``None`` or a tuple with at least one item (an inline tier list that is given must hold a band).
    """
    if value is not None and (not isinstance(value, tuple) or not value):
        raise ValueError(f"'{attr.name}' must hold at least one item when given (got {value!r})")


def optional_decimal_tuple(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Like :func:`decimal_tuple` but also accept ``None``.
    """
    if value is not None:
        decimal_tuple(inst, attr, value)
