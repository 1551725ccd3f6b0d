"""
Small named validators for the model, in the manner of ``attrs.validators``.

Each one raises ``TypeError`` or ``ValueError`` whose message says the field's
name, what was expected and what was got, so a scheme built in Python fails as
clearly as one loaded from a file.
"""

from __future__ import annotations

import keyword
import re
from decimal import Decimal
from typing import Any

import attrs

__all__ = ["decimal", "decimal_tuple", "identifier", "optional_decimal", "positive", "probability"]

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _got(value: object) -> str:
    return f"{value!r} that is a {type(value).__name__}"


def decimal(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require an exact, finite ``Decimal``; floats are refused because they are not exact.
    """
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise TypeError(f"'{attr.name}' must be a Decimal (got {_got(value)})")
    if not value.is_finite():
        raise ValueError(f"'{attr.name}' must be finite (got {value!r})")


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


def identifier(inst: object, attr: attrs.Attribute[Any], value: object) -> None:
    """
    Require a name usable inside formulas: letters, digits and ``_``, no keyword, no dunder.
    """
    if not isinstance(value, str):
        raise TypeError(f"'{attr.name}' must be a str (got {_got(value)})")
    if not _IDENT.match(value) or keyword.iskeyword(value) or "__" in value:
        raise ValueError(
            f"'{attr.name}' must be a name of letters, digits and '_' that does not start "
            f"with a digit, has no '__' and is not a Python keyword (got {value!r})"
        )
